"""Property tests (hypothesis): every reader, and the whole pipeline, on generated input.

Readers get arbitrary bytes and records whose fields hold what hostile or careless producers
write: zoned, naive and far dates, empty and long fields, lone surrogates, right-to-left and
zero-width marks, NUL and other controls, and markup characters in names. Whatever comes in,
a reader yields only :class:`Article` and :class:`Skipped` items that keep the model's promises,
and never raises. The pipeline on generated articles keeps every span on its text and every
report format writable.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings, strategies as st

import storylens
from bench.newsgen import records as news_records
from storylens.ingest import read_inputs
from storylens.model import PUBLISHED_WINDOW, Article, Skipped
from storylens.render import render
from storylens.render.json import load_schema, report_to_dict
from storylens.settings import Settings
from tests.render.spans import span_mismatches

SETTINGS = Settings(min_chars=40, max_bytes=200_000, max_chars=100_000)
# Enough examples to cover the field kinds; derandomized, so that the suite gives the same verdict
# on every run (exploring further is the job of CI's fuzzing step, bench/fuzz.py).
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
READER_RUNS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=_HEALTH)

# --- what hostile fields hold ------------------------------------------------------------------

_MARKS = ["\u200b", "\u200f", "\u202e", "\u2066", "\ufeff", "\x00", "\x1b[2J", "\x07", "\r", "\n", "\t",
          "[/]", "[bold red]", "<script>alert(1)</script>", "|", "`", "*_~", "&amp;", "\u05e9\u05dc\u05d5\u05dd",
          "\u0645\u0631\u062d\u0628\u0627", "\U0001f600", "\\", '"', "'"]
_DATES = ["2024-05-06", "2024-05-06T09:30:00", "2024-05-06T09:30:00+05:30", "2024-05-06T09:30:00Z",
          "0001-01-01T00:00:00Z", "9999-12-31", "9999-12-31T23:59:59-12:00", "1899-12-31", "2100-01-01",
          "not a date", "", "2024-13-45", "2024-05-06T25:00:00"]
PROSE = ("The harbour authority closed the northern pier on Monday after a crane collapsed. "
         "Two workers were taken to hospital, the authority said. Engineers will inspect the cranes.")

pieces = st.one_of(st.sampled_from(_MARKS), st.text(max_size=12), st.sampled_from(["", " ", PROSE]))
field_text = st.lists(pieces, max_size=6).map("".join)
# JSON text that decodes to lone surrogates (a valid \\u escape, not valid text)
surrogate = st.integers(0xD800, 0xDFFF).map(lambda c: f"\\u{c:04x}")


@st.composite
def records(draw) -> str:
    """One JSONL line: a record with hostile fields, sometimes with lone-surrogate escapes."""
    record: dict[str, object] = {}
    for key in ("outlet", "title", "url", "byline"):
        if draw(st.booleans()):
            record[key] = draw(field_text)
    if draw(st.booleans()):
        record["published"] = draw(st.sampled_from(_DATES))
    record["text"] = draw(st.one_of(field_text, st.just(PROSE), field_text.map(lambda t: PROSE + t + PROSE)))
    if draw(st.booleans()):
        record[draw(st.sampled_from(["tags", "extra", "id"]))] = draw(st.one_of(field_text, st.integers(), st.lists(field_text, max_size=2)))
    line = json.dumps(record)
    if draw(st.booleans()):
        line = line.replace('"text": "', '"text": "' + draw(surrogate), 1)
    return line


def _check(items: list) -> None:
    """The promises every reader keeps, whatever its input."""
    low, high = PUBLISHED_WINDOW
    for item in items:
        assert isinstance(item, (Article, Skipped)), item
        if isinstance(item, Skipped):
            assert item.reason.strip()
            (item.source + item.reason).encode("utf-8")
            continue
        assert item.text.strip() and len(item.text) <= SETTINGS.max_chars
        assert item.published is None or (item.published.tzinfo is not None and low <= item.published < high)
        for span in item.paragraphs:
            assert item.text[span.start : span.end].strip() == item.text[span.start : span.end]
        for value in (item.text, item.title or "", item.url or "", item.byline or "", item.origin, item.outlet.name):
            value.encode("utf-8")  # every report can be written


def _read(path: Path) -> list:
    return list(read_inputs([str(path)], SETTINGS))


# --- readers -------------------------------------------------------------------------------------


@READER_RUNS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".csv", ".tsv", ".json", ".warc", ".warc.gz", ".txt.gz", ".rss", ".xml", ".bin"]))
def test_any_bytes_under_any_suffix(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"input{suffix}"
    path.write_bytes(data)
    _check(_read(path))


@READER_RUNS
@given(lines=st.lists(records(), min_size=1, max_size=5), blank=st.booleans())
def test_jsonl_records_with_hostile_fields(tmp_path_factory, lines: list[str], blank: bool) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "r.jsonl"
    path.write_text(("\n\n" if blank else "\n").join(lines) + "\n", encoding="utf-8")
    items = _read(path)
    _check(items)
    assert len(items) == len(lines)  # one article or one reason per record, none lost


@READER_RUNS
@given(lines=st.lists(records(), min_size=1, max_size=4))
def test_json_arrays_and_stdin(tmp_path_factory, lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("json") / "r.json"
    path.write_text("[" + ",".join(lines) + "]", encoding="utf-8")
    items = _read(path)
    _check(items)
    assert len(items) == len(lines)
    stdin = io.TextIOWrapper(io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")), encoding="utf-8")
    from_stdin = list(read_inputs(["-"], SETTINGS, stdin=stdin))
    _check(from_stdin)
    assert len(from_stdin) == len(lines)


@READER_RUNS
@given(rows=st.lists(st.tuples(field_text, field_text, st.sampled_from(_DATES), st.one_of(field_text, st.just(PROSE))), min_size=1, max_size=4))
def test_csv_rows_with_hostile_cells(tmp_path_factory, rows) -> None:
    path = tmp_path_factory.mktemp("csv") / "r.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["outlet", "title", "published", "text"])
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _check(_read(path))


@READER_RUNS
@given(title=field_text, outlet=field_text, published=st.sampled_from(_DATES), body=st.one_of(field_text, st.just(PROSE)), url=field_text)
def test_text_with_front_matter_and_html_pages(tmp_path_factory, title, outlet, published, body, url) -> None:
    folder = tmp_path_factory.mktemp("docs")
    one_line = lambda v: " ".join(v.split())  # noqa: E731  (front matter is one line a field)
    front = f"---\noutlet: {one_line(outlet)}\ntitle: {one_line(title)}\npublished: {published}\nurl: {one_line(url)}\n---\n"
    (folder / "a.txt").write_text(front + body + "\n\n" + PROSE, encoding="utf-8", errors="surrogatepass")
    from html import escape

    page = (
        f'<html><head><title>{escape(title)}</title><meta property="article:published_time" content="{escape(published)}">'
        f'<meta property="og:site_name" content="{escape(outlet)}"><link rel="canonical" href="{escape(url)}"></head>'
        f"<body><article><p>{escape(body)}</p><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
    )
    (folder / "b.html").write_text(page, encoding="utf-8", errors="surrogatepass")
    items = _read(folder)
    _check(items)
    assert len(items) == 2


@READER_RUNS
@given(pages=st.lists(st.tuples(field_text, st.sampled_from(_DATES), st.one_of(field_text, st.just(PROSE))), min_size=1, max_size=3), gz=st.booleans())
def test_warc_pages_with_hostile_fields(tmp_path_factory, pages, gz: bool) -> None:
    from html import escape

    from tests.ingest.test_warc import Rec, write_warc

    recs = [
        Rec(f"https://news.test/{n}", "2024-03-01T10:00:00Z",
            f"<html><head><title>{escape(t)}</title><meta property='article:published_time' content='{escape(d)}'></head>"
            f"<body><article><p>{escape(b)}</p><p>{PROSE}</p></article></body></html>".encode("utf-8", "surrogatepass"))
        for n, (t, d, b) in enumerate(pages)
    ]
    path = tmp_path_factory.mktemp("warc") / ("a.warc.gz" if gz else "a.warc")
    write_warc(path, recs, gz=gz)
    items = _read(path)
    _check(items)
    assert len([i for i in items if isinstance(i, Article)]) + len([i for i in items if isinstance(i, Skipped)]) >= 1


# --- the whole pipeline --------------------------------------------------------------------------

_NEWS = news_records(60, seed=11)


@st.composite
def corpora(draw) -> list[dict[str, object]]:
    """A few events' articles from bench.newsgen, with hostile names, dates and marks mixed in."""
    start = draw(st.integers(0, len(_NEWS) - 8))
    rows = [dict(r) for r in _NEWS[start : start + draw(st.integers(1, 8))]]
    for row in rows:
        if draw(st.booleans()):
            row["outlet"] = draw(st.sampled_from(_MARKS)) + str(row["outlet"]) + draw(st.sampled_from(_MARKS))
        if draw(st.booleans()):
            row["title"] = draw(field_text)
        if draw(st.booleans()):
            row["published"] = draw(st.sampled_from(_DATES))
        if draw(st.booleans()):
            mark = draw(st.sampled_from(_MARKS))
            row["text"] = str(row["text"]).replace(" ", f" {mark}", 1)
    return rows


@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=_HEALTH)
@given(rows=corpora())
def test_the_pipeline_keeps_every_span_on_its_text(tmp_path_factory, rows) -> None:
    path = tmp_path_factory.mktemp("pipe") / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = storylens.analyze([str(path)], embedder="lexical", workers=1, min_chars=40)
    doc = report_to_dict(report, with_text=True)
    jsonschema.validate(doc, load_schema())
    assert span_mismatches(doc) == []
    n_articles = sum(len(s.articles) for s in report.stories)
    assert n_articles + len(report.skipped) + len(report.duplicates) == len(rows)
    assert all(s.failed is None for s in report.stories)
    for fmt in ("md", "html", "text"):
        render(report, fmt).encode("utf-8")
