"""Fetching URLs (tests for storylens.ingest.web), against a loopback server only."""

from __future__ import annotations

import dataclasses
import gzip
import ipaddress
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.ingest import web
from storylens.ingest.web import (
    FetchFailed,
    FetchRefused,
    ResponseTooLarge,
    TooManyRedirects,
    WrongContentType,
    article_from_url,
    fetch,
    is_url,
    looks_like_feed,
)
from storylens.model import Article, Skipped
from storylens.settings import Settings
from tests.ingest.loopback import Loopback, Route, loopback  # noqa: F401  (the fixture)

DATA = Path(__file__).resolve().parents[1] / "data" / "web"
FERRY = (DATA / "ferry.html").read_bytes()
BRIDGE = (DATA / "bridge.html").read_bytes()

LOCAL = Settings(allow_private=True, fetch_timeout=5.0)


def test_html_page_becomes_article(loopback: Loopback) -> None:
    url = loopback.add("/news/ferry", Route.html(FERRY))
    article = article_from_url(url, LOCAL)
    assert article.title == "Ferry fares to rise on the Larkspur line"
    assert article.url == url and article.origin == url
    assert article.outlet.name == "The Harbor Gazette"
    assert article.published == datetime(2024, 3, 14, 9, 30, tzinfo=timezone.utc)
    assert article.text.startswith("The Larkspur Port Authority said on Thursday")
    assert "Rosa Mendel" in article.text and "Home" not in article.text
    assert article.meta["fetched_url"] == url
    # one request, identifying storylens and its version
    (request,) = loopback.requests
    assert request.headers["user-agent"].startswith("storylens/0.1.0 ")
    assert "text/html" in request.headers["accept"]


def test_fetched_fields(loopback: Loopback) -> None:
    url = loopback.add("/page", Route.html(FERRY, content_type="text/html; charset=UTF-8"))
    got = fetch(url, LOCAL)
    assert (got.url, got.final_url, got.status) == (url, url, 200)
    assert (got.content_type, got.charset) == ("text/html", "utf-8")
    assert got.body == FERRY
    assert got.headers["content-length"] == str(len(FERRY))


def test_redirect_chain_within_limit(loopback: Loopback) -> None:
    loopback.add("/r1", Route.redirect("/r2", 301))
    loopback.add("/r2", Route.redirect(loopback.url("/r3"), 307))  # absolute
    loopback.add("/r3", Route.redirect("final", 308))  # relative to /r3
    loopback.add("/final", Route.html(FERRY))
    article = article_from_url(loopback.url("/r1"), dataclasses.replace(LOCAL, fetch_max_redirects=3))
    assert article.url == loopback.url("/final")
    assert article.origin == loopback.url("/r1")
    assert article.meta["requested_url"] == loopback.url("/r1")
    assert loopback.paths_requested() == ["/r1", "/r2", "/r3", "/final"]


def test_gzip_body_is_decoded(loopback: Loopback) -> None:
    url = loopback.add("/gz", Route.html(FERRY, gzip=True))
    got = fetch(url, LOCAL)
    assert got.body == FERRY
    assert "gzip" in loopback.requests[0].headers["accept-encoding"]


def test_charset_from_header_wins_over_guessing(loopback: Loopback) -> None:
    # No <meta charset>: only the header says Latin-1 (a byte 0xE9 is not valid UTF-8 on its own).
    page = BRIDGE.replace(b'<meta charset="utf-8">', b"").decode("utf-8").replace(
        "officials said", "officials at the Caf\u00e9 Mundo said"
    ).replace("\u201c", '"').replace("\u201d", '"')
    url = loopback.add("/latin", Route.html(page.encode("latin-1"), content_type="text/html; charset=ISO-8859-1"))
    article = article_from_url(url, LOCAL)
    assert "Caf\u00e9 Mundo" in article.text
    assert article.meta["encoding"] == "iso-8859-1"


def _chain(loopback: Loopback, n: int) -> str:
    for i in range(n):
        loopback.add(f"/hop{i}", Route.redirect(f"/hop{i + 1}"))
    loopback.add(f"/hop{n}", Route.html(FERRY))
    return loopback.url("/hop0")


def _setup(loopback: Loopback, case: str) -> str:
    """Routes for one failure case; returns the URL to fetch."""
    big = b"<html><body>" + b"<p>filler paragraph text</p>" * 200 + b"</body></html>"  # 5,626 bytes
    if case == "404":
        return loopback.add("/x", Route(status=404, body=b"nope", headers=(("Content-Type", "text/html"),)))
    if case == "500":
        return loopback.add("/x", Route(status=500, body=b"oops", headers=(("Content-Type", "text/html"),)))
    if case == "loop":
        loopback.add("/a", Route.redirect("/b"))
        return loopback.add("/b", Route.redirect("/a"))
    if case == "long chain":
        return _chain(loopback, 7)
    if case == "no location":
        return loopback.add("/x", Route.redirect(""))
    if case == "announced too large":
        return loopback.add("/x", Route.html(big))
    if case == "streamed too large":
        return loopback.add("/x", Route.html(big, content_length=-1))
    if case == "gzip bomb":
        # 5,626 bytes that compress to far less than the limit: only the decoded size counts.
        assert len(gzip.compress(big)) < 1000
        return loopback.add("/x", Route.html(big, gzip=True))
    if case == "image":
        return loopback.add("/x", Route(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 50, headers=(("Content-Type", "image/png"),)))
    if case == "hangs":
        return loopback.add("/x", Route.html(FERRY, delay=30))
    if case == "trickles":
        return loopback.add("/x", Route.html(FERRY, trickle=0.05, endless=True))
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "error", "words"),
    [
        ("404", FetchFailed, "HTTP 404 Not Found"),
        ("500", FetchFailed, "HTTP 500 Internal Server Error"),
        ("loop", TooManyRedirects, "redirect loop"),
        ("long chain", TooManyRedirects, "more than 5 redirects (setting fetch_max_redirects)"),
        ("no location", FetchFailed, "redirect without a Location header"),
        ("announced too large", ResponseTooLarge, "5626 bytes announced, limit is 1000"),
        ("streamed too large", ResponseTooLarge, "more than 1000 bytes"),
        ("gzip bomb", ResponseTooLarge, "more than 1000 bytes"),
        ("image", WrongContentType, "expected an HTML page (text/html), got content type image/png"),
        ("hangs", FetchFailed, "timed out after 0.5 s"),
        ("trickles", FetchFailed, "timed out after 0.5 s while receiving the body"),
    ],
)
def test_fetch_failures(loopback: Loopback, case: str, error: type[Exception], words: str) -> None:
    url = _setup(loopback, case)
    settings = dataclasses.replace(LOCAL, fetch_max_bytes=1000, fetch_timeout=0.5)
    with pytest.raises(error) as info:
        fetch(url, settings)
    reason = info.value.reason  # type: ignore[attr-defined]
    assert reason.startswith(url + ": ")
    assert words in reason


def test_failures_become_skipped_in_a_batch(loopback: Loopback) -> None:
    good = loopback.add("/news/ferry", Route.html(FERRY))
    missing = loopback.url("/news/missing")
    image = loopback.add("/pic.png", Route(body=b"\x89PNG\r\n\x1a\n", headers=(("Content-Type", "image/png"),)))
    items = list(read_inputs([missing, good, "file:///etc/passwd", image], LOCAL))
    assert [type(i).__name__ for i in items] == ["Skipped", "Article", "Skipped", "Skipped"]
    assert items[0] == Skipped(missing, f"{missing}: HTTP 404 Not Found")
    assert isinstance(items[1], Article) and items[1].origin == good
    assert "only http and https" in items[2].reason  # type: ignore[union-attr]
    assert "image/png" in items[3].reason  # type: ignore[union-attr]


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:{port}/news/ferry", "127.0.0.1 is a loopback address (set allow_private to fetch it)"),
        ("http://localhost:{port}/news/ferry", "localhost (127.0.0.1) is a loopback address"),
        ("http://[::1]:{port}/news/ferry", "::1 is a loopback address"),
        ("http://10.0.0.5/", "10.0.0.5 is a private address (set allow_private to fetch it)"),
        ("http://192.168.1.20:8080/", "192.168.1.20 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[::ffff:10.1.2.3]/", "is a private address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://224.0.0.251/", "224.0.0.251 is a multicast address"),
        ("http://100.64.0.7/", "100.64.0.7 is a non-public address"),
    ],
)
def test_private_addresses_refused(loopback: Loopback, url: str, words: str) -> None:
    loopback.add("/news/ferry", Route.html(FERRY))
    url = url.format(port=loopback.port)
    with pytest.raises(FetchRefused) as info:
        fetch(url, Settings())
    assert info.value.reason.startswith(f"{url}: refused: ")
    assert words in info.value.reason
    assert loopback.requests == []  # refused before connecting


@pytest.mark.parametrize(
    "url",
    ["ftp://files.example.org/story.html", "file:///etc/passwd", "gopher://example.org/", "data:text/html,<p>hi</p>"],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchRefused, match="only http and https URLs are fetched"):
        fetch(url, LOCAL)


def test_host_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    public, private = ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.9.8.7")
    monkeypatch.setattr(web, "_resolve", lambda host, port: [public, private])
    with pytest.raises(FetchRefused, match=r"mixed\.example \(10\.9\.8\.7\) is a private address"):
        fetch("https://mixed.example/story", Settings())


def test_connects_to_checked_address_and_rechecks_each_hop(
    loopback: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """outlet.test resolves (here) to the loopback server, which is let through as if public;
    it redirects to intranet.test, a private address, which must be refused."""
    table = {"outlet.test": "127.0.0.1", "intranet.test": "10.0.0.5"}
    monkeypatch.setattr(web, "_resolve", lambda host, port: [ipaddress.ip_address(table[host])])
    real = web._address_problem
    monkeypatch.setattr(web, "_address_problem", lambda a: None if str(a) == "127.0.0.1" else real(a))
    loopback.add("/news/ferry", Route.html(FERRY))
    loopback.add("/moved", Route.redirect("http://intranet.test/admin"))
    base = f"http://outlet.test:{loopback.port}"

    article = article_from_url(f"{base}/news/ferry", Settings())
    assert article.url == f"{base}/news/ferry"
    assert loopback.requests[0].headers["host"] == f"outlet.test:{loopback.port}"

    with pytest.raises(FetchRefused, match=r"intranet\.test \(10\.0\.0\.5\) is a private address"):
        fetch(f"{base}/moved", Settings())
    assert loopback.paths_requested() == ["/news/ferry", "/moved"]


# --- small helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("ftp://example.org/", True),
        ("news/2024/story.html", False),
        ("C:\\news\\story.html", False),
        ("-", False),
        ("./odd://name.txt", False),
    ],
)
def test_is_url(value: str, expected: bool) -> None:
    assert is_url(value) is expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', True),
        (b"\xef\xbb\xbf<?xml version='1.0'?><!-- generator --><feed xmlns='http://www.w3.org/2005/Atom'>", True),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', True),
        (b"<!DOCTYPE html><html><head>", False),
        (b'<?xml version="1.0"?><sitemapindex>', False),
        (b"plain text", False),
    ],
)
def test_looks_like_feed(head: bytes, expected: bool) -> None:
    assert looks_like_feed(head) is expected


def test_closed_port_is_a_failure_not_a_crash() -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago and has no listener now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/news"
    with pytest.raises(FetchFailed, match=r"cannot connect: ConnectError"):
        fetch(url, LOCAL)


def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def fail(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(web.socket, "getaddrinfo", fail)
    url = "https://nowhere.example/story"
    with pytest.raises(FetchFailed) as info:
        fetch(url, Settings())
    assert info.value.reason == f"{url}: cannot resolve host nowhere.example: Name or service not known"
