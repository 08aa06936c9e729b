"""RSS and Atom feeds (tests for storylens.ingest.feed), entries served by a loopback server."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.ingest.feed import entry_time, in_domains, is_feed_path, read_feed, read_feed_bytes
from storylens.model import Article, Skipped
from storylens.settings import Settings
from tests.ingest.loopback import Loopback, Route, loopback  # noqa: F401  (the fixture)

DATA = Path(__file__).resolve().parents[1] / "data" / "web"
FERRY = (DATA / "ferry.html").read_bytes()
BRIDGE = (DATA / "bridge.html").read_bytes()

# The fixture feeds list, in order: ferry (in the window), gone (404), ferry again (duplicate),
# lighthouse (January: before `since`), an entry without a web link, bridge (the page states no
# date, so the feed's time is used).
WINDOW = Settings(allow_private=True, fetch_timeout=5.0, since=datetime(2024, 3, 1))

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def _feed(loopback: Loopback, kind: str) -> bytes:
    return (DATA / f"feed.{kind}.tmpl").read_text(encoding="utf-8").replace("{base}", loopback.base).encode("utf-8")


def _serve(loopback: Loopback, kind: str = "rss") -> str:
    loopback.add("/news/ferry", Route.html(FERRY))
    loopback.add("/news/bridge", Route.html(BRIDGE))
    loopback.add("/news/lighthouse", Route.html(BRIDGE))  # never fetched: outside the window
    return loopback.add(f"/feed.{kind}", Route(body=_feed(loopback, kind), headers=(("Content-Type", FEED_TYPES[kind]),)))


def _summary(items: list[Article | Skipped]) -> list[tuple[str, str]]:
    return [
        ("article", i.url or "") if isinstance(i, Article) else ("skipped", i.source)
        for i in items
    ]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_entries(loopback: Loopback, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    feed_url = _serve(loopback, kind)
    with caplog.at_level(logging.INFO, logger="storylens.ingest.feed"):
        items = list(read_feed(feed_url, WINDOW))
    u = loopback.url
    no_link_source = f"{feed_url} entry 5"
    assert _summary(items) == [
        ("article", u("/news/ferry")),
        ("skipped", u("/news/gone")),
        ("skipped", no_link_source),
        ("article", u("/news/bridge")),
    ]
    ferry, gone, no_link, bridge = items
    assert isinstance(gone, Skipped) and gone.reason == f"{u('/news/gone')}: HTTP 404 Not Found"
    assert isinstance(no_link, Skipped) and no_link.reason.startswith("feed entry has no web link")
    assert "A note from the editor" in no_link.reason
    # the page's own time wins; the feed's fills in when the page has none
    assert isinstance(ferry, Article) and ferry.published == datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc)
    assert ferry.meta["feed"] == feed_url and "published_from" not in ferry.meta
    assert isinstance(bridge, Article) and bridge.published == datetime(2024, 3, 12, 16, 45, tzinfo=timezone.utc)
    assert (bridge.published_how, bridge.meta["published_from"]) == ("metadata", "feed")
    assert bridge.origin == u("/news/bridge")
    # the duplicate and the old entry were left out (logged), never fetched
    assert loopback.paths_requested() == [f"/feed.{kind}", "/news/ferry", "/news/gone", "/news/bridge"]
    logged = caplog.text
    assert "repeats" in logged and "before since=2024-03-01" in logged


def _stored(url: str) -> Article:
    """An article as an earlier run kept it (its text is not what the server now serves)."""
    from storylens.ingest import make_article
    from storylens.model import Outlet

    return make_article("Kept from an earlier run. " * 20, outlet=Outlet("Kept"), url=url, origin=url)


def test_entries_read_before_come_from_the_store_unfetched(loopback: Loopback) -> None:
    feed_url = _serve(loopback)
    read_before = {u: _stored(u) for u in (loopback.url("/news/ferry"), loopback.url("/news/gone"))}
    items = list(read_feed(feed_url, WINDOW, known=read_before.get))
    assert _summary(items) == [
        ("article", loopback.url("/news/ferry")),
        ("article", loopback.url("/news/gone")),  # gone from the server now, kept from before
        ("skipped", f"{feed_url} entry 5"),
        ("article", loopback.url("/news/bridge")),
    ]
    assert items[0] is read_before[loopback.url("/news/ferry")]
    assert "/news/ferry" not in loopback.paths_requested() and "/news/gone" not in loopback.paths_requested()


@pytest.mark.parametrize(
    ("settings", "expected_articles"),
    [
        (dataclasses.replace(WINDOW, since=None), ["/news/ferry", "/news/lighthouse", "/news/bridge"]),
        (dataclasses.replace(WINDOW, until=datetime(2024, 3, 13, tzinfo=timezone.utc)), ["/news/bridge"]),
        (dataclasses.replace(WINDOW, domains=("elsewhere.example",)), []),
        (dataclasses.replace(WINDOW, domains=("127.0.0.1",)), ["/news/ferry", "/news/bridge"]),
    ],
    ids=["no window", "until", "other domain", "same domain"],
)
def test_window_and_domains(loopback: Loopback, settings: Settings, expected_articles: list[str]) -> None:
    feed_url = _serve(loopback)
    items = list(read_feed(feed_url, settings))
    assert [i.url for i in items if isinstance(i, Article)] == [loopback.url(p) for p in expected_articles]


def test_feed_url_that_404s(loopback: Loopback) -> None:
    url = loopback.url("/missing.rss")
    assert list(read_feed(url, WINDOW)) == [Skipped(url, f"{url}: HTTP 404 Not Found")]


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"<html><body><p>Not a feed at all</p>", "application/rss+xml", "not an RSS or Atom feed"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", "application/xml", "not an RSS or Atom feed"),
        (FERRY, "text/html", "expected an RSS/Atom feed (XML), got content type text/html"),
    ],
)
def test_not_a_feed(loopback: Loopback, body: bytes, content_type: str, words: str) -> None:
    url = loopback.add("/feed", Route(body=body, headers=(("Content-Type", content_type),)))
    (item,) = read_feed(url, WINDOW)
    assert isinstance(item, Skipped) and item.source == url
    assert words in item.reason


def test_local_rss_file_through_read_inputs(loopback: Loopback, tmp_path: Path) -> None:
    _serve(loopback)
    path = tmp_path / "latest.rss"
    path.write_bytes(_feed(loopback, "rss"))
    items = list(read_inputs([str(path)], WINDOW))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Skipped", "Article"]
    assert items[0].meta["feed"] == str(path)  # type: ignore[union-attr]


def test_feed_url_through_read_inputs_with_known_entries(loopback: Loopback) -> None:
    feed_url = _serve(loopback, "atom")
    page = loopback.add("/news/page", Route.html(FERRY))
    kept = _stored(loopback.url("/news/ferry"))
    items = list(read_inputs([feed_url, page], WINDOW, known=lambda url: kept if url.endswith("/news/ferry") else None))
    # the page named on the command line is read even though its text repeats a feed entry's
    assert _summary(items) == [
        ("article", loopback.url("/news/ferry")),
        ("skipped", loopback.url("/news/gone")),
        ("skipped", f"{feed_url} entry 5"),
        ("article", loopback.url("/news/bridge")),
        ("article", page),
    ]
    assert items[0].text == kept.text
    # the feed was fetched once: by the dispatch, not again by the feed reader
    assert loopback.paths_requested().count("/feed.atom") == 1
    assert "/news/ferry" not in loopback.paths_requested()


def test_relative_links_resolve_against_the_feed_url(loopback: Loopback) -> None:
    loopback.add("/news/ferry", Route.html(FERRY))
    body = b"<rss version='2.0'><channel><title>t</title><item><link>/news/ferry</link></item></channel></rss>"
    url = loopback.add("/feeds/x", Route(body=body, headers=(("Content-Type", "text/xml"),)))
    (item,) = read_feed(url, WINDOW)
    assert isinstance(item, Article) and item.url == loopback.url("/news/ferry")


def test_feed_bytes_are_never_taken_for_a_path(tmp_path: Path) -> None:
    # feedparser opens a str (or bytes) naming an existing file; bytes handed over are parsed.
    secret = tmp_path / "secret.xml"
    secret.write_text("<rss version='2.0'><channel><item><link>http://10.0.0.1/x</link></item></channel></rss>")
    (item,) = read_feed_bytes(str(secret).encode(), source="inline", settings=Settings())
    assert isinstance(item, Skipped) and "not an RSS or Atom feed" in item.reason


def test_missing_local_feed(tmp_path: Path) -> None:
    path = str(tmp_path / "gone.atom")
    assert list(read_feed(path, Settings())) == [Skipped(path, "no such file or folder")]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.rss", "", True),
        ("b.ATOM", "", True),
        ("c.xml", "<?xml version='1.0'?><rss version='2.0'>", True),
        ("d.xml", "<feed xmlns='http://www.w3.org/2005/Atom'>", True),
        ("e.xml", "<?xml version='1.0'?><urlset>", False),
        ("f.html", "<rss>", False),
        ("g.txt", "<feed>", False),
    ],
)
def test_is_feed_path(tmp_path: Path, name: str, content: str, expected: bool) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert is_feed_path(path) is expected


@pytest.mark.parametrize(
    ("url", "domains", "expected"),
    [
        ("https://www.harbor.example/a", ("harbor.example",), True),
        ("https://news.harbor.example/a", ("harbor.example",), True),
        ("https://harbor.example/a", ("www.harbor.example",), True),
        ("https://notharbor.example/a", ("harbor.example",), False),
        ("https://harbor.example.evil.test/a", ("harbor.example",), False),
        ("https://anything.test/a", (), True),
    ],
)
def test_in_domains(url: str, domains: tuple[str, ...], expected: bool) -> None:
    assert in_domains(url, domains) is expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"published_parsed": (2024, 3, 14, 9, 30, 0, 3, 74, 0)}, datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc)),
        ({"updated_parsed": (2024, 1, 2, 3, 4, 5, 1, 2, 0)}, datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ({}, None),
    ],
)
def test_entry_time(entry: dict, expected: datetime | None) -> None:
    assert entry_time(entry) == expected


def test_feed_file_inside_a_folder_is_read(loopback: Loopback, tmp_path: Path) -> None:
    _serve(loopback, "rss")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "outlet.rss").write_bytes(_feed(loopback, "rss"))
    (tmp_path / "notes.xml").write_text("<notes><n>not a feed</n></notes>", encoding="utf-8")
    items = list(read_inputs([str(tmp_path)], WINDOW))
    urls = [i.url for i in items if isinstance(i, Article)]
    assert loopback.url("/news/ferry") in urls and loopback.url("/news/bridge") in urls
    assert not any(isinstance(i, Skipped) and i.source.endswith("notes.xml") for i in items)


def test_entries_over_the_limit_are_left_out_with_one_reason() -> None:
    """Issue 11 "limits": a feed of 50,000 entries is not a batch of 50,000 fetches."""
    items_xml = "".join(
        f"<item><title>Story {n}</title><link>https://news.example/{n}</link></item>" for n in range(40)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items_xml}</channel></rss>'.encode()
    settings = dataclasses.replace(WINDOW, since=None, max_feed_entries=25)
    items = list(read_feed_bytes(feed, source="big.rss", settings=settings, known=_stored))
    assert [i.url for i in items if isinstance(i, Article)] == [f"https://news.example/{n}" for n in range(25)]
    (skip,) = [i for i in items if isinstance(i, Skipped)]
    assert skip.source == "big.rss"
    assert skip.reason == "15 of its 40 entries not read: at most 25 are read per feed (setting max_feed_entries)"
