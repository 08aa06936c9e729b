"""Web archives: the news pages captured in WARC (and ARC) files, read with warcio.

An archive is streamed record by record, so its size does not matter, only the largest page's
(capped by ``settings.max_bytes``). Of its records only ``response`` records of HTTP status 200
with an HTML content type are pages; requests, metadata, revisits, redirects, errors, images and
scripts are passed over without a word (a crawl holds many of them, none an article). Each page
becomes an article through :func:`storylens.ingest.html.article_from_html` with origin
``"{path}#{offset}"``, the byte offset of its record (``warcio extract`` and replay tools take it).

Dates. ``settings.since``/``until`` select by the page's publication time when the page states
one, else by the capture time (``WARC-Date``): the window is about when something was
*published*, and archives are often captured long after. A capture time is an upper bound of
the publication time, so records captured before ``since`` are dropped without being parsed.
The capture time is *not* used as ``Article.published``: relative times in the text ("on
Tuesday") would be resolved against a date that can be months after the fact, giving
confidently wrong dates. It is kept as ``meta["captured"]`` (ISO 8601); ``settings.published``
still applies as for any input. A page date more than a day after its capture cannot be its
publication time (it is an "updated" stamp or an event date the page mentions); it is dropped.

Damage. A record that cannot be parsed gives ``Skipped("{path}#{offset}", reason)`` and reading
resumes at the next record start found after it (the next gzip member, or the next ``WARC/``
line in an uncompressed file). So does a record whose Content-Length runs past its own end (into
the records after it, which warcio would swallow): each record's length is checked against the
file before the record is read (:func:`_length_problem`). A file that ends inside a record ends
with one ``Skipped`` naming the record and the offset where the data stops. Pages larger than ``settings.max_bytes`` are
skipped on their declared length, without being read or decoded.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterator
from urllib.parse import urlsplit

from storylens.ingest import IngestError, TooLarge, file_suffix, open_input
from storylens.model import Article, Skipped
from storylens.settings import Settings

__all__ = ["read_warc", "BadArchive", "host_matches"]

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
# Scanning for the next record start reads this much at a time; it only bounds memory.
_SCAN_CHUNK = 1 << 20
# A date-only page stamp is midnight of its day while the capture has a time of day, and the
# two may be in different time zones; a day of slack covers both.
_PAGE_DATE_SLACK = timedelta(days=1)


class BadArchive(IngestError):
    """The file is not a WARC/ARC archive, or a record in it cannot be parsed."""


def host_matches(url: str | None, domains: tuple[str, ...]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one (all hosts when none given)."""
    if not domains:
        return True
    try:
        host = (urlsplit(url or "").hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if not host:
        return False
    for domain in domains:
        d = domain.strip().lower().rstrip(".")
        if "://" in d:
            d = (urlsplit(d).hostname or "").lower()
        d = d.removeprefix("*.")
        if d and (host == d or host.endswith("." + d)):
            return True
    return False


def _utc(value: datetime) -> datetime:
    # Settings and page dates without a zone are taken as UTC, the zone WARC-Date is always in.
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _parse_warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return _utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def _in_window(when: datetime, settings: Settings) -> bool:
    if settings.since is not None and when < _utc(settings.since):
        return False
    if settings.until is not None and when >= _utc(settings.until):
        return False
    return True


def _is_html(record: Any) -> bool:
    headers = record.http_headers
    if headers is None:
        return False
    content_type = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return content_type in _HTML_TYPES


def _status(record: Any) -> str | None:
    headers = record.http_headers
    if headers is None:
        return None
    try:
        return headers.get_statuscode()
    except (AttributeError, IndexError):
        return None


def _missing_bytes(record: Any) -> int:
    """Bytes of the record's block that the file did not hold (0 for a complete record)."""
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def read_warc(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of the news pages in a ``.warc``/``.warc.gz``/``.arc``/``.arc.gz`` file (module docstring).

    Yields a :class:`Skipped` for each page that is too large, has no article text or is damaged;
    an archive with no page at all gives one :class:`Skipped` saying what it held.
    """
    fh = open_input(path)
    with fh, open_input(path) as raw:
        gzipped = fh.read(3) == _GZIP_MAGIC
        fh.seek(0)
        counts: Counter[str] = Counter()
        yield from _read_from(fh, raw, path, settings, gzipped, counts)
    log.info("%s: %s", path, ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "no records")
    if not counts["articles"] and not counts["skipped"]:
        held = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        raise BadArchive(f"no HTML news pages in the archive ({held or 'no records'})")


def _read_from(
    fh: BinaryIO, raw: BinaryIO, path: Path, settings: Settings, gzipped: bool, counts: Counter[str]
) -> Iterator[Article | Skipped]:
    from warcio.archiveiterator import ARCIterator, WARCIterator
    from warcio.exceptions import ArchiveLoadFailed

    is_arc = file_suffix(path) in (".arc", ".arc.gz")
    start = 0
    while True:
        fh.seek(start)
        # ARC records are given WARC headers; a WARC file is held to its format, so a garbage
        # line in it is an error rather than a record of some other kind.
        records = (_quiet(ARCIterator)(fh, arc2warc=True) if is_arc else _quiet(WARCIterator)(fh))
        stream = iter(records)
        previous: tuple[Any, int] | None = None
        while True:
            try:
                record = next(stream)
            except StopIteration:
                if previous is not None:
                    yield from _check_complete(*previous, path, counts)
                return
            except (ArchiveLoadFailed, zlib.error, EOFError, ValueError) as exc:
                # warcio stops at the first record it cannot parse; its offset is where that
                # record starts, since the previous one was read to its end.
                if previous is not None:
                    yield from _check_complete(*previous, path, counts)
                failed_at = records.offset
                reason = _damage_reason(exc)
                break
            offset = records.offset
            if previous is not None:
                yield from _check_complete(*previous, path, counts)
            problem = _header_problem(record) or (None if is_arc else _length_problem(raw, offset, record, gzipped))
            if problem is not None:
                # without a valid length warcio cannot tell where the record ends; the next
                # record start is searched for instead
                failed_at, reason = offset, problem
                break
            previous = (record, offset)
            yield from _one_record(record, offset, path, settings, counts)
        counts["skipped"] += 1
        # warcio's offset for a damaged gzip member can lie before where this pass started;
        # the damage is at or after the start, and each pass must move forward
        failed_at = max(failed_at, start)
        source = f"{path}#{failed_at}"
        resume = _next_record_start(fh, failed_at + 1, gzipped)
        if resume is None:
            reason = f"{reason}; no further record found after it"
        else:
            reason = f"{reason}; reading resumed at byte {resume}"
        log.warning("skipped %s: %s", source, reason)
        yield Skipped(source=source, reason=reason)
        if resume is None:
            return
        start = resume


def _quiet(iterator: type) -> type:
    """warcio's iterator without its own message on stderr for a record not followed by a blank
    line (a wrong Content-Length): storylens reports that as the record's reason instead."""
    return type(f"Quiet{iterator.__name__}", (iterator,), {"INC_RECORD": ""})


def _header_problem(record: Any) -> str | None:
    """Why the record's headers are unusable, or None when they are fine."""
    raw = record.rec_headers.get_header("Content-Length")
    if raw is None:
        return "damaged archive record: no Content-Length header"
    if not raw.strip().isdigit():
        return f"damaged archive record: invalid Content-Length {raw.strip()[:40]!r}"
    return None


# A WARC header block is a few hundred bytes; one this long is not a header.
_HEADER_LIMIT = 1 << 16


def _length_problem(raw: BinaryIO, offset: int, record: Any, gzipped: bool) -> str | None:
    """Why the record's Content-Length cannot be its length, or None when the file agrees.

    Uncompressed, the block must be followed by the blank line that ends every record; gzipped,
    the record's gzip member must hold the whole block. Checked on the raw file (a second
    handle), before warcio reads the block and takes the next records' bytes for it.
    """
    length = int(record.rec_headers.get_header("Content-Length"))
    raw.seek(offset)
    if gzipped:
        inflater = zlib.decompressobj(31)
        head = b""
        held = 0
        while not inflater.eof:
            chunk = inflater.unconsumed_tail or raw.read(_SCAN_CHUNK)
            if not chunk:
                break
            piece = inflater.decompress(chunk, _SCAN_CHUNK)
            if len(head) < _HEADER_LIMIT:
                head += piece[: _HEADER_LIMIT - len(head)]
            held += len(piece)
        end_of_head = head.find(b"\r\n\r\n")
        # a member cut short is a truncated file, told by the reader when it gets there
        if inflater.eof and end_of_head >= 0 and held - (end_of_head + 4) < length:
            block = held - (end_of_head + 4)
            return f"damaged archive record: Content-Length {length} runs past the end of its gzip member ({block} bytes of block in it)"
        return None
    head = raw.read(_HEADER_LIMIT)
    end_of_head = head.find(b"\r\n\r\n")
    if end_of_head < 0:
        return None  # warcio has parsed the header; odd layouts are left to it
    raw.seek(offset + end_of_head + 4 + length)
    after = raw.read(4)
    if after == b"\r\n\r\n":
        return None
    if after == b"" and _next_record_start(raw, offset + 1, gzipped) is None:
        return None  # the last record, cut short: a truncated file, told by the reader
    return f"damaged archive record: Content-Length {length} does not end where the record does (no blank line after it)"


def _damage_reason(exc: Exception) -> str:
    message = " ".join(str(exc).split())
    if len(message) > 120:
        message = message[:117] + "..."
    if isinstance(exc, zlib.error):
        return f"damaged gzip data: {message}"
    return f"damaged archive record: {message}"


def _check_complete(record: Any, offset: int, path: Path, counts: Counter[str]) -> Iterator[Skipped]:
    missing = _missing_bytes(record)
    if missing:
        counts["skipped"] += 1
        source = f"{path}#{offset}"
        reason = f"archive ends inside this record: {missing} of its bytes are missing (truncated file?)"
        log.warning("skipped %s: %s", source, reason)
        yield Skipped(source=source, reason=reason)


def _next_record_start(fh: BinaryIO, position: int, gzipped: bool) -> int | None:
    """Offset of the first record start at or after ``position``, scanning the file in chunks."""
    marker = _GZIP_MAGIC if gzipped else _WARC_MAGIC
    fh.seek(position)
    carry = b""
    base = position
    while True:
        chunk = fh.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        at = 0
        while True:
            found = data.find(marker, at)
            if found < 0:
                break
            # an uncompressed record starts a line; "WARC/1." inside a page does not count
            if gzipped or found == 0 and base == 0 or (found > 0 and data[found - 1 : found] == b"\n"):
                return base + found
            at = found + 1
        keep = len(marker)
        carry = data[-keep:]
        base += len(data) - len(carry)


def _one_record(
    record: Any, offset: int, path: Path, settings: Settings, counts: Counter[str]
) -> Iterator[Article | Skipped]:
    if record.rec_type != "response":
        counts[f"{record.rec_type} records"] += 1
        return
    if _status(record) != "200":
        counts["non-200 responses"] += 1
        return
    if not _is_html(record):
        counts["non-HTML responses"] += 1
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not host_matches(url, settings.domains):
        counts["pages outside domains"] += 1
        return
    captured = _parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    if captured is not None and settings.since is not None and captured < _utc(settings.since):
        counts["pages outside the date window"] += 1
        return
    source = f"{path}#{offset}"
    try:
        yield from _page(record, source, url, captured, settings, counts)
    except IngestError as exc:
        counts["skipped"] += 1
        log.warning("skipped %s: %s", source, exc.reason)
        yield Skipped(source=source, reason=exc.reason)
    except Exception as exc:  # a page warcio or the extractor choke on must not end the archive
        counts["skipped"] += 1
        log.exception("unexpected error reading %s", source)
        yield Skipped(source=source, reason=f"unexpected error while reading: {type(exc).__name__}: {exc}")


def _page(
    record: Any, source: str, url: str | None, captured: datetime | None, settings: Settings, counts: Counter[str]
) -> Iterator[Article]:
    from storylens.ingest.html import article_from_html

    declared = record.length
    if declared is not None and declared > settings.max_bytes:
        raise TooLarge(f"page too large: {declared} bytes in the archive, limit is {settings.max_bytes} (setting max_bytes)")
    # Content-Encoding may inflate the body past the declared length; read one byte more than
    # the limit to tell.
    body = record.content_stream().read(settings.max_bytes + 1)
    if len(body) > settings.max_bytes:
        raise TooLarge(f"page too large: over {settings.max_bytes} bytes once decoded (setting max_bytes)")
    # Drain the rest now, so a truncated record is reported instead of being parsed half.
    while record.raw_stream.read(1 << 16):
        pass
    if _missing_bytes(record):
        return  # reported by _check_complete when the iterator moves on
    article = article_from_html(body, origin=source, settings=settings, url=url)
    meta = dict(article.meta)
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if record_id:
        meta["warc_record_id"] = record_id
    if captured is not None:
        meta["captured"] = captured.isoformat()
    changes: dict[str, Any] = {"meta": meta}
    published = _utc(article.published) if article.published is not None else None
    if published is not None and captured is not None and published > captured + _PAGE_DATE_SLACK:
        log.info("%s: page date %s is after its capture %s; not its publication time", source, published, captured)
        meta["page_date_after_capture"] = published.isoformat()
        changes["published"] = settings.published
        changes["published_how"] = "user" if settings.published is not None else None
        published = None
    if article.published_how == "user":
        published = None  # the user's default says nothing about when this page appeared
    when = published or captured
    if when is not None and not _in_window(when, settings):
        counts["pages outside the date window"] += 1
        return
    counts["articles"] += 1
    yield replace(article, **changes)
