"""CSV/TSV records and the field map (tests for storylens.ingest.records)."""

from __future__ import annotations

import dataclasses

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.ingest.records import apply_field_map, parse_field_map, read_csv_file, read_records
from storylens.model import Article, Skipped
from storylens.settings import Settings

PARA_1 = (
    "Volunteers in Tarrow Bay spent the weekend clearing driftwood from the north beach after the "
    "storm surge, the town council said on Monday."
)
PARA_2 = (
    "\u201cWe filled forty skips,\u201d said organiser Priya Holm, who asked residents to keep off the "
    "dunes while the fencing is replaced."
)
BODY = f"{PARA_1}\n\n{PARA_2}"
SETTINGS = Settings(min_chars=100)


def _table(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize(("suffix", "delimiter"), [(".csv", ","), (".csv", ";"), (".tsv", "\t")])
def test_csv_with_field_map_multiline_field_and_broken_row(
    tmp_path: Path, bom: bytes, suffix: str, delimiter: str
) -> None:
    table = _table(
        [
            ["source", "headline", "date", "body", "section"],
            ["Tarrow Times", "Beach cleared", "2024-05-06T09:00:00Z", BODY, "local"],  # body spans 3 lines
            ["Tarrow Times", "Too many", "2024-05-06", BODY, "local", "extra"],
            ["", "", "", "", ""],
            ["Bay Radio", "", "", BODY + "\n\nA third paragraph for radio.", ""],
        ],
        delimiter,
    )
    path = tmp_path / f"export{suffix}"
    path.write_bytes(bom + table.encode("utf-8"))
    settings = Settings(min_chars=100, field_map=("outlet=source", "title=headline", "published=date", "text=body"))

    items = list(read_csv_file(path, settings))

    assert [type(x) for x in items] == [Article, Skipped, Article]
    first, broken, last = items
    assert isinstance(first, Article) and isinstance(broken, Skipped) and isinstance(last, Article)
    assert first.outlet.name == "Tarrow Times"
    assert first.title == "Beach cleared"
    assert first.published == datetime(2024, 5, 6, 9, 0, tzinfo=timezone.utc)
    assert first.text == BODY
    assert first.meta == {"section": "local"}
    assert first.origin == f"{path}:2"
    # the multi-line body of row 2 ends on line 4, so the broken row starts on line 5
    assert broken.source == f"{path}:5"
    assert broken.reason.startswith("row has 6 fields, the header has 5")
    assert last.origin == f"{path}:9" and last.outlet.name == "Bay Radio" and last.title is None


def test_csv_rows_read_exactly_like_jsonl_lines(tmp_path: Path) -> None:
    record = {"outlet": "Bay Radio", "url": "https://bayradio.example/news/beach", "title": "Beach cleared",
              "published": "2024-05-06T09:00:00Z", "text": BODY, "desk": "coast"}
    path = tmp_path / "one.csv"
    path.write_text(_table([list(record), list(record.values())]), encoding="utf-8")
    (from_csv,) = read_csv_file(path, SETTINGS)
    (from_jsonl,) = read_records([json.dumps(record)], origin="x", settings=SETTINGS)
    assert isinstance(from_csv, Article) and isinstance(from_jsonl, Article)
    for field in ("id", "outlet", "text", "title", "url", "published", "published_how", "paragraphs", "meta"):
        assert getattr(from_csv, field) == getattr(from_jsonl, field), field


def test_unclosed_quote_is_one_skipped_row(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "outlet,text\r\n" + f'Tarrow Times,"{PARA_1} {PARA_2}"\r\n' + f'Bay Radio,"{PARA_1}\r\nno closing quote\r\n',
        encoding="utf-8",
    )
    items = list(read_csv_file(path, SETTINGS))
    assert [type(x) for x in items] == [Article, Skipped]
    assert items[1].source == f"{path}:3"
    assert "never closed" in items[1].reason  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "field_map", "reason_part"),
    [
        ("source,body\r\nA,b\r\n", (), "no 'text' (or 'html') column; the header has: source, body"),
        ("source,body\r\nA,b\r\n", ("text",), "is not ours=theirs"),
        ("source,body\r\nA,b\r\n", ("txt=body",), "'txt' is not a record field"),
        ("outlet,text,outlet\r\nA,b,c\r\n", (), "more than once: outlet"),
    ],
)
def test_file_level_problems_are_one_skipped(tmp_path: Path, content: str, field_map: tuple[str, ...], reason_part: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    items = list(read_inputs([str(path)], Settings(min_chars=100, field_map=field_map)))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert items[0].source == str(path)
    assert reason_part in items[0].reason


def test_bad_rows_are_skipped_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(
        _table([["outlet", "text", "published"], ["A", BODY, "yesterday"], ["", BODY, ""], ["B", "too short", ""], ["C", BODY, ""]]).encode()
        .replace(b"C,", b"C\xff,")
    )
    items = list(read_csv_file(path, SETTINGS))
    assert [type(x) for x in items] == [Skipped, Skipped, Skipped, Skipped]
    assert [x.source.rsplit(":", 1)[1] for x in items] == ["2", "5", "8", "9"]
    reasons = [x.reason for x in items]  # type: ignore[union-attr]
    assert "published" in reasons[0] or "date" in reasons[0]
    assert "no 'outlet' field" in reasons[1]
    assert "too short" in reasons[2]
    assert reasons[3].startswith("not UTF-8 text: invalid byte 0xff")


def test_long_body_over_the_csv_module_default_field_limit(tmp_path: Path) -> None:
    long_body = "\n\n".join(f"{PARA_1} ({k})" for k in range(1500))  # about 200,000 characters, over csv's 131,072
    path = tmp_path / "long.csv"
    path.write_text(_table([["outlet", "text"], ["Tarrow Times", long_body]]), encoding="utf-8")
    (article,) = read_csv_file(path, dataclasses.replace(SETTINGS, max_chars=len(long_body)))
    assert isinstance(article, Article) and article.text == long_body
    (skipped,) = read_csv_file(path, Settings(min_chars=100, max_bytes=10_000))
    assert isinstance(skipped, Skipped) and "max_bytes" in skipped.reason


def test_jsonl_honours_the_field_map() -> None:
    lines = [json.dumps({"source": "Bay Radio", "content": BODY, "headline": "Beach cleared"}),
             json.dumps({"source": "Bay Radio", "body": BODY, "text": "ignored", "content": "also ignored"})]
    settings = Settings(min_chars=100, field_map=("outlet=source", "text=body", "text=content", "title=headline"))
    first, second = read_records(lines, origin="feed.jsonl", settings=settings)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.outlet.name == "Bay Radio" and first.title == "Beach cleared" and first.text == BODY
    assert second.text == BODY and second.meta == {}


@pytest.mark.parametrize(
    ("record", "pairs", "expected"),
    [
        ({"body": "b", "x": 1}, ("text=body",), {"text": "b", "x": 1}),
        ({"body": "b", "text": "t"}, ("text=body",), {"text": "b"}),  # the mapped field wins
        ({"text": "t"}, ("text=body",), {"text": "t"}),  # nothing to map: read as it is
        ({"content": "c", "body": ""}, ("text=body", "text=content"), {"text": "c"}),  # empty falls back
        ({"a": "1"}, (), {"a": "1"}),
        ({"text": "t"}, ("text=text",), {"text": "t"}),
        # one field of theirs feeds two of ours (FNC-1's bodies: an id and nothing else to name them)
        ({"Body ID": "7", "articleBody": "b"}, ("id=Body ID", "outlet=Body ID", "text=articleBody"),
         {"id": "7", "outlet": "7", "text": "b"}),
        # two fields trade names
        ({"title": "the body", "text": "Headline"}, ("title=text", "text=title"), {"title": "Headline", "text": "the body"}),
    ],
)
def test_apply_field_map(record: dict, pairs: tuple[str, ...], expected: dict) -> None:
    assert apply_field_map(record, parse_field_map(pairs)) == expected


def test_folder_walk_reads_csv_and_tsv(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(_table([["outlet", "text"], ["A", BODY]]), encoding="utf-8")
    (tmp_path / "b.tsv").write_text(_table([["outlet", "text"], ["B", BODY]], "\t"), encoding="utf-8")
    items = list(read_inputs([str(tmp_path)], SETTINGS))
    assert [(type(x), x.outlet.name) for x in items] == [(Article, "A"), (Article, "B")]  # type: ignore[union-attr]
