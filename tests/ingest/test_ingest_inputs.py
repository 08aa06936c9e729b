"""Batches of inputs (tests for storylens.ingest.read_inputs)."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.model import Article, Skipped
from storylens.settings import Settings

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "ingest" / "harbor_gazette.html"

BODY = (
    "The Larkspur council voted on Monday to close the old harbor bridge to trucks, citing a "
    "structural survey that found corrosion in two of its five supports.\n\n"
    "Mayor Ines Calder said the closure would last “at least until the spring,” and that a detour "
    "through the industrial zone would add about 12 minutes to most deliveries."
)


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _summary(items: list[Article | Skipped], root: Path) -> list[tuple[str, str]]:
    out = []
    for item in items:
        if isinstance(item, Article):
            out.append(("article", str(Path(item.origin).relative_to(root)) if item.origin.startswith(str(root)) else item.origin))
        else:
            out.append(("skipped", str(Path(item.source).relative_to(root)) if item.source.startswith(str(root)) else item.source))
    return out


def test_folder_batch_continues_after_bad_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "in"
    _write(root / "a_good.txt", f"Bridge closed to trucks\n\n{BODY}")
    _write(root / "b_latin1.txt", ("Caf\u00e9 " + BODY).encode("cp1252"))
    _write(root / "c_empty.md", "")
    _write(root / "d_page.html", FIXTURE.read_bytes())
    _write(root / "e_image.png", b"\x89PNG\r\n\x1a\n")  # unknown suffix inside a folder: counted, not read
    _write(root / ".hidden.txt", BODY)
    _write(root / ".git" / "x.txt", BODY)
    _write(root / "sub" / "f_more.text", BODY)
    _write(root / "sub" / "g_records.ndjson", json.dumps({"outlet": "AP", "text": BODY}) + "\n{oops\n")

    with caplog.at_level(logging.WARNING, logger="storylens.ingest"):
        items = list(read_inputs([str(root), str(tmp_path / "missing.txt")], Settings()))

    assert _summary(items, root) == [
        ("article", "a_good.txt"),
        ("skipped", "b_latin1.txt"),
        ("skipped", "c_empty.md"),
        ("article", "d_page.html"),
        ("article", "sub/f_more.text"),
        ("article", "sub/g_records.ndjson:1"),
        ("skipped", "sub/g_records.ndjson:2"),
        ("skipped", "."),  # the folder's own entry: files it did not read
        ("skipped", str(tmp_path / "missing.txt")),
    ]
    reasons = {Path(x.source).name: x.reason for x in items if isinstance(x, Skipped)}
    assert reasons["b_latin1.txt"] == (
        "not UTF-8 text: invalid byte 0xe9 at offset 3 (it looks like Latin-1/Windows-1252); re-save the file as UTF-8"
    )
    assert reasons["c_empty.md"] == "empty file"
    assert reasons["in"] == "1 file not read: no reader for their suffix (.png 1); name a file as an input to read it"
    assert reasons["missing.txt"] == "no such file or folder"
    # every skip is logged once as a warning
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 5
    assert any("b_latin1.txt" in m for m in warned)


def test_explicit_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    page = _write(tmp_path / "story.php", FIXTURE.read_bytes())
    plain = _write(tmp_path / "story.asc", f"Bridge closed to trucks\n\n{BODY}")
    first, second = read_inputs([str(page), str(plain)], Settings(min_chars=100))
    assert isinstance(first, Article) and first.outlet.name == "The Harbor Gazette"
    assert isinstance(second, Article) and second.title == "Bridge closed to trucks"
    assert second.outlet.name == "story"


def test_stdin_records() -> None:
    stdin = io.StringIO(
        json.dumps({"outlet": "Reuters", "text": BODY}) + "\n\n" + "not json\n" + json.dumps({"outlet": "AP", "text": BODY}) + "\n"
    )
    items = list(read_inputs(["-"], Settings(min_chars=100, published=datetime(2024, 3, 4)), stdin=stdin))
    assert [(type(x).__name__, getattr(x, "origin", None) or x.source) for x in items] == [
        ("Article", "stdin:1"),
        ("Skipped", "stdin:3"),
        ("Article", "stdin:4"),
    ]
    assert items[0].outlet.kind == "wire"
    assert items[0].published_how == "user"


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (item,) = read_inputs([str(tmp_path / "empty")], Settings())
    assert isinstance(item, Skipped)
    assert "no readable files" in item.reason


def test_too_large_file_in_batch(tmp_path: Path) -> None:
    big = _write(tmp_path / "big.txt", BODY * 3)
    small = _write(tmp_path / "small.txt", BODY)
    items = list(read_inputs([str(big), str(small)], Settings(max_bytes=len(BODY.encode()) + 10, min_chars=100)))
    assert isinstance(items[0], Skipped) and items[0].reason.startswith("file too large")
    assert isinstance(items[1], Article)


def test_unexpected_error_becomes_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storylens.ingest import text

    def boom(path: Path, settings: Settings) -> Article:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(text, "read_text_file", boom)
    good = _write(tmp_path / "a.html", FIXTURE.read_bytes())
    bad = _write(tmp_path / "b.txt", BODY)
    items = list(read_inputs([str(bad), str(good)], Settings()))
    assert isinstance(items[0], Skipped) and "RuntimeError: parser exploded" in items[0].reason
    assert isinstance(items[1], Article)


def test_folder_walk_ignores_readme_and_license_but_reads_them_when_named(tmp_path):
    from storylens.ingest import read_inputs
    from storylens.model import Article
    from storylens.settings import Settings

    body = "The harbour board met on Monday to discuss the new pier and its cost to the town. " * 4
    for name in ("README.md", "LICENSE.txt", "story.txt"):
        (tmp_path / name).write_text(f"Headline for {name}\n\n{body}", encoding="utf-8")
    walked = [x for x in read_inputs([str(tmp_path)], Settings()) if isinstance(x, Article)]
    assert [a.origin.rsplit("/", 1)[-1] for a in walked] == ["story.txt"]
    named = [x for x in read_inputs([str(tmp_path / "README.md")], Settings()) if isinstance(x, Article)]
    assert len(named) == 1


def test_undated_article_gets_only_a_lower_bound_from_its_text(tmp_path):
    from storylens.ingest import read_inputs
    from storylens.model import Article
    from storylens.settings import Settings

    body = (
        "The Mell bridge closed on March 9, 2026 after inspectors found cracks in two bearings. "
        "Engineers said on Tuesday that repairs would take three weeks and cost the county dearly. "
    ) * 2
    (tmp_path / "bridge.txt").write_text("Bridge closed\n\n" + body, encoding="utf-8")
    (article,) = [x for x in read_inputs([str(tmp_path)], Settings()) if isinstance(x, Article)]
    assert article.published is None
    assert article.meta["published_earliest"] == "2026-03-09"
    assert "March 9, 2026" in article.meta["published_earliest_how"]
    # a date given by the user wins and no bound is recorded
    from datetime import datetime

    user = Settings(published=datetime(2026, 3, 11))
    (given,) = [x for x in read_inputs([str(tmp_path)], user) if isinstance(x, Article)]
    assert given.published_how == "user" and "published_earliest" not in given.meta
