"""JSONL records (tests for storylens.ingest.records)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storylens.ingest.records import read_records, read_records_file
from storylens.model import Article, Outlet, Skipped, text_id
from storylens.settings import Settings

BODY = (
    "The Larkspur Port Authority on Wednesday postponed a planned expansion of the island ferry "
    "service by at least six months.\n\nBoard chair Dalia Ferreira said the authority “cannot sign a "
    "contract it cannot fund,” and that a revised plan would be presented in September."
)
HTML = (
    "<html><head><meta property='og:site_name' content='Larkspur Post'>"
    "<meta property='article:published_time' content='2024-03-14T09:30:00Z'>"
    "<title>Ferry plan delayed</title></head><body><nav>Home | News</nav><article><h1>Ferry plan delayed</h1>"
    + "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    + "</article><footer>© 2024 Larkspur Post</footer></body></html>"
)


def _lines(*records: object) -> list[str]:
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]


def test_records_with_a_broken_line() -> None:
    lines = _lines(
        {"id": "a1", "outlet": "AP", "url": "https://apnews.com/article/x", "title": "Ferry delayed",
         "published": "2024-03-14T09:30:00Z", "text": BODY, "desk": "metro"},
        "",
        '{"outlet": "Reuters", "text": "unterminated',
        {"outlet": "Larkspur Post", "html": HTML, "url": "https://larkspurpost.example/ferry"},
        "   ",
        {"outlet": "Reuters", "text": BODY + "\n\nA third paragraph."},
    )
    items = list(read_records(lines, origin="feed.jsonl", settings=Settings(min_chars=50)))
    assert [type(x) for x in items] == [Article, Skipped, Article, Article]

    first = items[0]
    assert isinstance(first, Article)
    assert first.outlet == Outlet("AP", "apnews.com", "wire")
    assert first.title == "Ferry delayed"
    assert first.published == datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc)
    assert first.published_how == "metadata"
    assert first.text == BODY
    assert first.id == text_id(BODY)
    assert first.meta == {"desk": "metro", "id": "a1"}
    assert first.origin == "feed.jsonl:1"

    broken = items[1]
    assert broken.source == "feed.jsonl:3"
    assert broken.reason.startswith("not valid JSON")

    page = items[2]
    assert isinstance(page, Article)
    assert page.origin == "feed.jsonl:4"
    assert page.text == BODY
    assert page.title == "Ferry plan delayed"
    assert page.outlet.name == "Larkspur Post"
    assert page.published == datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc)

    assert items[3].origin == "feed.jsonl:6"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('["not", "an", "object"]', "expected a JSON object, got list"),
        ('{"outlet": "AP"}', "no 'text' (or 'html') field"),
        ('{"outlet": "AP", "text": 42}', "field 'text' must be a string, got int"),
        ('{"text": "%s"}' % ("word " * 30), "no 'outlet' field"),
        ('{"outlet": "AP", "published": "yesterday", "text": "%s"}' % ("word " * 30), "published: not an ISO 8601"),
        ('{"outlet": "AP", "text": "too short"}', "too short"),
        ('{"outlet": 7, "text": "x"}', "field 'outlet' must be a string or an object"),
    ],
)
def test_bad_records(line: str, reason: str) -> None:
    (item,) = list(read_records([line], origin="stdin", settings=Settings(min_chars=50)))
    assert isinstance(item, Skipped)
    assert item.source == "stdin:1"
    assert reason in item.reason


def test_outlet_from_url_when_no_outlet_field() -> None:
    (item,) = read_records(_lines({"url": "https://www.nytimes.com/2024/03/14/nyregion/ferry.html", "text": BODY}),
                           origin="r", settings=Settings(min_chars=50))
    assert isinstance(item, Article)
    assert item.outlet == Outlet("The New York Times", "nytimes.com", "national")
    assert (item.published, item.published_how) == (datetime(2024, 3, 14, tzinfo=timezone.utc), "url")


def test_outlet_object_and_user_published() -> None:
    when = datetime(2024, 3, 15, 8, 0)
    (item,) = read_records(
        _lines({"outlet": {"name": "Larkspur Post", "domain": "larkspurpost.example", "kind": "regional"}, "text": BODY}),
        origin="r", settings=Settings(min_chars=50, published=when),
    )
    assert isinstance(item, Article)
    assert item.outlet == Outlet("Larkspur Post", "larkspurpost.example", "regional")
    assert (item.published, item.published_how) == (when.replace(tzinfo=timezone.utc), "user")


def test_records_file_with_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"outlet": "AP", "text": BODY}, ensure_ascii=False).encode("utf-8")
    bad = '{"outlet": "AP", "text": "Caf\u00e9"}'.encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + bad + b"\n" + good + b"\n")
    items = list(read_records_file(path, Settings(min_chars=50)))
    assert [type(x) for x in items] == [Article, Skipped, Article]
    assert items[1].source == f"{path}:2"
    assert items[1].reason.startswith("not UTF-8 text: invalid byte 0xe9")


def test_record_too_large() -> None:
    line = json.dumps({"outlet": "AP", "text": BODY})
    (item,) = read_records([line], origin="r", settings=Settings(min_chars=50, max_bytes=100))
    assert isinstance(item, Skipped)
    assert "record too large" in item.reason
