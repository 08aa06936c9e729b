"""WARC/ARC archives (tests for storylens.ingest.warc); archives are written into tmp_path with warcio."""

from __future__ import annotations

import gzip
import io
import itertools
import tracemalloc
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storylens.ingest import read_inputs
from storylens.ingest.warc import host_matches, read_warc
from storylens.model import Article, Skipped
from storylens.settings import Settings

BODY = (
    "The harbour board of Kellmere voted on the evening of the meeting to close the old ferry "
    "slipway for repairs, leaving commuters to take the coastal bus instead. "
    "Board member Ilse Varga said the repairs were overdue and that the slipway had been "
    "patched many times without a lasting fix. Commuters who spoke at the meeting asked for a "
    "temporary pontoon, which the board promised to study."
)


def page(title: str, published: str | None = None, body: str = BODY) -> bytes:
    stamp = f"<meta property='article:published_time' content='{published}'>" if published else ""
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (
        f"<html lang='en'><head><title>{title}</title>{stamp}</head><body><nav>Home | Local</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Kellmere Gazette</footer></body></html>"
    ).encode()


@dataclass(frozen=True)
class Rec:
    url: str
    captured: str  # WARC-Date
    body: bytes = b""
    kind: str = "response"
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    extra_headers: tuple[tuple[str, str], ...] = ()


def write_warc(path: Path, recs: list[Rec], *, gz: bool) -> list[int]:
    """Write ``recs`` and return the byte offset of each record."""
    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for r in recs:
            offsets.append(fh.tell())
            warc_headers = {"WARC-Date": r.captured}
            if r.kind == "response":
                http = StatusAndHeaders(
                    r.status, [("Content-Type", r.content_type), *r.extra_headers], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    r.url, "response", payload=io.BytesIO(r.body), http_headers=http, warc_headers_dict=warc_headers
                )
            else:
                record = writer.create_warc_record(
                    r.url, r.kind, payload=io.BytesIO(r.body or b"GET / HTTP/1.1\r\n\r\n"), warc_headers_dict=warc_headers
                )
            writer.write_record(record)
    return offsets


SETTINGS = Settings(min_chars=100)


def articles(items: list[Article | Skipped]) -> list[Article]:
    return [x for x in items if isinstance(x, Article)]


def test_only_html_200_responses_become_articles(tmp_path: Path) -> None:
    recs = [
        Rec("https://news.test/ferry", "2024-03-01T10:00:00Z", kind="request"),
        Rec("https://news.test/ferry", "2024-03-01T10:00:00Z", page("Slipway closed", "2024-02-28T08:00:00Z")),
        Rec("https://news.test/logo.png", "2024-03-01T10:00:01Z", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        Rec("https://news.test/gone", "2024-03-01T10:00:02Z", page("Not here"), status="404 Not Found"),
        Rec("https://news.test/moved", "2024-03-01T10:00:03Z", b"", status="301 Moved Permanently"),
        Rec("https://news.test/meta", "2024-03-01T10:00:04Z", b"via: crawler", kind="metadata"),
        Rec("https://news.test/bus", "2024-03-02T09:00:00Z", page("Coastal bus fills up")),
    ]
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, recs, gz=True)

    items = list(read_warc(path, SETTINGS))

    assert all(isinstance(x, Article) for x in items)
    assert [a.url for a in items] == ["https://news.test/ferry", "https://news.test/bus"]
    first, second = items
    assert first.origin == f"{path}#{offsets[1]}" and second.origin == f"{path}#{offsets[6]}"
    assert first.title == "Slipway closed"
    assert "Ilse Varga" in first.text
    assert first.published == datetime(2024, 2, 28, 8, 0, tzinfo=timezone.utc)
    assert first.published_how == "metadata"
    assert first.meta["captured"] == "2024-03-01T10:00:00+00:00"
    assert first.meta["warc_record_id"].startswith("<urn:uuid:")
    # the capture time is an upper bound of the publication time, never taken for it
    assert second.published is None and second.meta["captured"] == "2024-03-02T09:00:00+00:00"
    # the origin's offset is where the record starts: a reader seeking there finds it
    with path.open("rb") as fh:
        fh.seek(int(second.origin.rsplit("#", 1)[1]))
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == "https://news.test/bus"


FILTER_RECS = [
    # captured long after an old page date
    Rec("https://news.test/a", "2024-03-01T10:00:00Z", page("Alpha", "2024-02-28T08:00:00Z")),
    Rec("https://sub.news.test/b", "2024-03-05T10:00:00Z", page("Bravo")),
    Rec("https://other.test/c", "2024-03-10T10:00:00Z", page("Charlie")),
    Rec("https://news.test/d", "2024-06-01T10:00:00Z", page("Delta", "2024-03-02T08:00:00Z")),
    Rec("https://notnews.test/e", "2024-03-05T10:00:00Z", page("Echo")),
]


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]),
        ({"domains": ("news.test",)}, ["Alpha", "Bravo", "Delta"]),  # subdomains count, notnews.test does not
        ({"domains": ("sub.news.test", "other.test")}, ["Bravo", "Charlie"]),
        ({"domains": ("https://other.test/",)}, ["Charlie"]),
        # Delta was captured in June but published on March 2: the page's date decides
        ({"since": _dt("2024-03-03")}, ["Bravo", "Charlie", "Echo"]),
        ({"until": _dt("2024-03-03")}, ["Alpha", "Delta"]),
        ({"since": _dt("2024-03-01"), "until": _dt("2024-03-06")}, ["Bravo", "Delta", "Echo"]),
        ({"since": _dt("2024-03-01T00:00:00+00:00"), "domains": ("news.test",)}, ["Bravo", "Delta"]),
    ],
)
def test_filters_by_domain_and_date(tmp_path: Path, overrides: dict, expected: list[str]) -> None:
    path = tmp_path / "window.warc"
    write_warc(path, FILTER_RECS, gz=False)
    items = list(read_warc(path, Settings(min_chars=100, **overrides)))
    assert all(isinstance(x, Article) for x in items)
    assert [a.title for a in items] == expected


def test_page_date_after_capture_is_not_the_publication_time(tmp_path: Path) -> None:
    path = tmp_path / "future.warc.gz"
    write_warc(path, [Rec("https://news.test/f", "2024-03-01T10:00:00Z", page("Foxtrot", "2025-01-01T00:00:00Z"))], gz=True)
    (article,) = read_warc(path, SETTINGS)
    assert isinstance(article, Article)
    assert article.published is None
    assert article.meta["page_date_after_capture"] == "2025-01-01T00:00:00+00:00"


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_archive_ends_with_one_skipped(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    recs = [Rec(f"https://news.test/{n}", "2024-03-01T10:00:00Z", page(f"Page {n}")) for n in range(3)]
    offsets = write_warc(path, recs, gz=gz)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[2] + (len(data) - offsets[2]) // 2])

    items = list(read_warc(path, SETTINGS))

    assert [a.title for a in articles(items)] == ["Page 0", "Page 1"]
    skipped = [x for x in items if isinstance(x, Skipped)]
    assert len(skipped) == 1
    assert skipped[0].source == f"{path}#{offsets[2]}"
    assert "ends inside this record" in skipped[0].reason


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize(
    "garbage",
    [
        b"this is not an archive record\r\n\r\n",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: abc\r\n\r\n",  # malformed headers
    ],
    ids=["garbage-line", "bad-content-length"],
)
def test_garbage_record_is_skipped_and_reading_resumes(tmp_path: Path, gz: bool, garbage: bytes) -> None:
    path = tmp_path / ("bad.warc.gz" if gz else "bad.warc")
    recs = [Rec(f"https://news.test/{n}", "2024-03-01T10:00:00Z", page(f"Page {n}")) for n in range(3)]
    offsets = write_warc(path, recs, gz=gz)
    data = path.read_bytes()
    junk = gzip.compress(garbage) if gz else garbage
    path.write_bytes(data[: offsets[1]] + junk + data[offsets[1] :])

    items = list(read_warc(path, SETTINGS))

    assert [a.title for a in articles(items)] == ["Page 0", "Page 1", "Page 2"]
    skipped = [x for x in items if isinstance(x, Skipped)]
    assert [s.source for s in skipped] == [f"{path}#{offsets[1]}"]
    assert "damaged archive record" in skipped[0].reason
    assert f"resumed at byte {offsets[1] + len(junk)}" in skipped[0].reason


def test_corrupt_gzip_member_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "flipped.warc.gz"
    recs = [Rec(f"https://news.test/{n}", "2024-03-01T10:00:00Z", page(f"Page {n}")) for n in range(3)]
    offsets = write_warc(path, recs, gz=True)
    data = bytearray(path.read_bytes())
    middle = (offsets[1] + offsets[2]) // 2
    data[middle : middle + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))

    items = list(read_warc(path, SETTINGS))

    titles = [a.title for a in articles(items)]
    assert titles[0] == "Page 0" and titles[-1] == "Page 2" and "Page 1" not in titles
    skipped = [x for x in items if isinstance(x, Skipped)]
    assert [s.source for s in skipped] == [f"{path}#{offsets[1]}"]


def test_chunked_garbage_body_does_not_end_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "chunked.warc"
    recs = [
        Rec("https://news.test/c", "2024-03-01T10:00:00Z", b"zz\r\nnot chunks at all" + page("Chunky"),
            extra_headers=(("Transfer-Encoding", "chunked"),)),
        Rec("https://news.test/after", "2024-03-01T10:00:00Z", page("After")),
    ]
    write_warc(path, recs, gz=False)
    items = list(read_warc(path, SETTINGS))
    assert items[-1].title == "After"  # type: ignore[union-attr]
    assert len(items) == 2  # the chunked page is read raw or skipped with a reason, never lost silently


def test_page_over_max_bytes_is_skipped_without_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storylens.ingest.html as html_module

    seen: list[int] = []
    real = html_module.article_from_html

    def spy(html: bytes | str, **kwargs: object) -> Article:
        seen.append(len(html))
        return real(html, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(html_module, "article_from_html", spy)
    huge = page("Huge", body=BODY * (50_000_000 // len(BODY)))
    assert len(huge) > 50_000_000
    path = tmp_path / "huge.warc.gz"
    offsets = write_warc(
        path,
        [Rec("https://news.test/huge", "2024-03-01T10:00:00Z", huge), Rec("https://news.test/small", "2024-03-01T10:00:00Z", page("Small"))],
        gz=True,
    )
    del huge

    items = list(read_warc(path, Settings(min_chars=100, max_bytes=1_000_000)))

    assert isinstance(items[0], Skipped)
    assert items[0].source == f"{path}#{offsets[0]}"
    assert items[0].reason.startswith("page too large:") and "max_bytes" in items[0].reason
    assert isinstance(items[1], Article) and items[1].title == "Small"
    assert len(seen) == 1 and seen[0] < 1_000_000


@pytest.mark.parametrize(
    ("content", "reason_part"),
    [
        (b"", "no HTML news pages in the archive (no records)"),
        (b"plain words, no archive here\n" * 10, "no further record found"),
    ],
)
def test_archive_without_pages_gives_one_reason(tmp_path: Path, content: bytes, reason_part: str) -> None:
    path = tmp_path / "nothing.warc"
    path.write_bytes(content)
    items = list(read_inputs([str(path)], SETTINGS))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert reason_part in items[0].reason


def test_archive_of_requests_only_says_what_it_held(tmp_path: Path) -> None:
    path = tmp_path / "requests.warc.gz"
    write_warc(path, [Rec("https://news.test/", "2024-03-01T10:00:00Z", kind="request")] * 2, gz=True)
    (item,) = read_inputs([str(path)], SETTINGS)
    assert isinstance(item, Skipped) and item.source == str(path)
    assert item.reason == "no HTML news pages in the archive (2 request records)"


def _arc(records: list[tuple[str, str, bytes]], *, gz: bool) -> bytes:
    head = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    parts = [b"filedesc://test.arc 0.0.0.0 20240301100000 text/plain %d\n" % len(head) + head + b"\n"]
    for url, date, html in records:
        block = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
        parts.append(f"{url} 127.0.0.1 {date} text/html {len(block)}\n".encode() + block + b"\n")
    return b"".join(gzip.compress(p) for p in parts) if gz else b"".join(parts)


@pytest.mark.parametrize("gz", [True, False])
def test_arc_files(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("old.arc.gz" if gz else "old.arc")
    path.write_bytes(_arc([("http://news.test/arc", "20240302110000", page("From an ARC"))], gz=gz))
    items = list(read_inputs([str(tmp_path)], SETTINGS))
    assert [(type(x), getattr(x, "title", None)) for x in items] == [(Article, "From an ARC")]
    assert items[0].meta["captured"] == "2024-03-02T11:00:00+00:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "domains", "expected"),
    [
        ("https://news.test/a", (), True),
        ("https://news.test/a", ("news.test",), True),
        ("https://www.news.test:8443/a", ("news.test",), True),
        ("https://NEWS.test./a", ("news.test",), True),
        ("https://notnews.test/a", ("news.test",), False),
        ("https://news.test.evil/a", ("news.test",), False),
        ("https://news.test/a", ("*.news.test",), True),
        (None, ("news.test",), False),
        ("not a url", ("news.test",), False),
    ],
)
def test_host_matches(url: str | None, domains: tuple[str, ...], expected: bool) -> None:
    assert host_matches(url, domains) is expected


def test_folder_walk_picks_up_archives(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", [Rec("https://news.test/1", "2024-03-01T10:00:00Z", page("One"))], gz=True)
    write_warc(tmp_path / "b.WARC", [Rec("https://news.test/2", "2024-03-01T10:00:00Z", page("Two"))], gz=False)
    (tmp_path / "c.gz").write_bytes(gzip.compress(b"not for us"))
    items = list(read_inputs([str(tmp_path)], SETTINGS))
    assert [a.title for a in articles(items)] == ["One", "Two"] and len(items) == 3
    assert "(.gz 1)" in items[-1].reason  # the unknown file is said, not read


def test_memory_stays_flat_while_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader holds one page at a time: peak memory does not grow with the number of pages.

    The extractor is replaced by a stub, because trafilatura and htmldate keep bounded caches of
    their own that would blur the measurement of the reader.
    """
    import storylens.ingest.html as html_module
    from storylens.ingest import make_article
    from storylens.model import Outlet

    def stub(html: bytes | str, *, origin: str, settings: Settings, url: str | None = None) -> Article:
        return make_article(BODY, outlet=Outlet("Stub"), origin=origin, url=url)

    monkeypatch.setattr(html_module, "article_from_html", stub)
    big = page("Big", body=BODY * 250)  # about 100 KB a page
    peaks = []
    for n in (10, 100):
        path = tmp_path / f"many{n}.warc.gz"
        write_warc(path, [Rec(f"https://news.test/{i}", "2024-03-01T10:00:00Z", big) for i in range(n)], gz=True)
        tracemalloc.start()
        count = sum(isinstance(item, Article) for item in read_warc(path, SETTINGS))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == n
    # measured: about 6.5 pages' worth (read buffers, decompression, the body) for 10 and for
    # 100 pages alike; 100 pages held at once would be 100 pages' worth
    assert peaks[1] < 1.5 * peaks[0] and peaks[1] < 20 * len(big)


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("bogus", [b"999999999", b"2000"])
def test_a_bogus_content_length_loses_only_its_own_record(tmp_path: Path, gz: bool, bogus: bytes) -> None:
    """Issue 11 item 15: a length running past the next records must not swallow them."""
    recs = [Rec(f"https://news.test/{n}", "2024-03-01T10:00:00Z", page(t)) for n, t in enumerate(["One", "Two", "Three", "Four"])]
    plain = tmp_path / "plain.warc"
    offsets = write_warc(plain, recs, gz=False)
    data = plain.read_bytes()
    # record 2 ("Two") announces far more bytes than it has: a damaged or hostile header
    start, end = offsets[1], offsets[2]
    head_end = data.index(b"\r\n\r\n", start)
    header = data[start : head_end + 2]
    length_at = header.index(b"Content-Length: ") + len(b"Content-Length: ")
    length_end = header.index(b"\r\n", length_at)
    damaged = data[: start + length_at] + bogus + data[start + length_end :]
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    if gz:
        # one gzip member per record, as WARC writers do
        cuts = [*offsets, len(data)]
        shift = len(bogus) - (length_end - length_at)
        cuts = [c if k <= 1 else c + shift for k, c in enumerate(cuts)]
        path.write_bytes(b"".join(gzip.compress(damaged[a:b]) for a, b in zip(cuts, cuts[1:])))
    else:
        path.write_bytes(damaged)
    items = list(read_warc(path, SETTINGS))
    assert [a.title for a in articles(items)] == ["One", "Three", "Four"]
    (skip,) = [i for i in items if isinstance(i, Skipped)]
    assert "reading resumed at byte" in skip.reason


def test_a_damaged_gzip_member_warcio_misplaces_does_not_loop_forever() -> None:
    # a mutant found by bench/fuzz.py: after resuming at a later gzip member, warcio reported
    # the damage at an offset before the resume point, and reading went back there for ever
    path = Path(__file__).parent.parent / "data" / "ingest" / "offset-loop.warc.gz"
    items = list(itertools.islice(read_warc(path, SETTINGS), 50))
    skipped = [x for x in items if isinstance(x, Skipped)]
    assert len(items) < 50 and skipped
    offsets = [int(s.source.rsplit("#", 1)[1]) for s in skipped]
    assert offsets == sorted(set(offsets))  # each skip is further into the file than the last
