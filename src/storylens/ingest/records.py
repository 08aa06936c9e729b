"""Records: JSONL (one article a line, the input contract other tools write to) and CSV/TSV tables.

``{"id": optional, "outlet": "...", "url": optional, "title": optional,
"published": optional ISO 8601, "text": "..."}`` — ``html`` may stand in for ``text``; unknown
keys are kept in ``Article.meta``. The record's own ``id`` is kept as ``meta["id"]``:
``Article.id`` is always the content hash, which the store and deduplication key on.

A CSV/TSV file is the same records as a table: a header row names the fields, each following
row is one record (see :func:`read_csv_file`).

Field mapping (``settings.field_map``, for JSONL and CSV alike): each ``ours=theirs`` pair reads
our field ``ours`` from the producer's field ``theirs``, e.g. ``text=body``, ``outlet=source``,
``published=date``. ``ours`` must be one of :data:`RECORD_FIELDS`; names match exactly (case
and all). Several pairs for the same ``ours`` are fallbacks tried in order: ``text=body,
text=content`` takes ``body`` and, in records without one, ``content``. A mapped field replaces
a field of our name that the record also has; a record without ``theirs`` is read as it is.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from storylens.ingest import (
    content_suffix,
    open_input,
    read_input_bytes,
    BadFrontMatter,
    BadRecord,
    EncodingProblem,
    IngestError,
    check_length,
    with_default_published,
)
from storylens.ingest.outlet import outlet_from
from storylens.ingest.text import (
    article_from_clean,
    bom_encoding,
    check_not_binary,
    clean_text,
    date_from_url,
    parse_published,
)
from storylens.model import Article, Outlet, Skipped, encodable
from storylens.settings import Settings

__all__ = [
    "read_records",
    "read_records_file",
    "read_csv_file",
    "read_json_file",
    "read_record_lines",
    "article_from_record",
    "parse_field_map",
    "apply_field_map",
    "RECORD_FIELDS",
]

log = logging.getLogger(__name__)

_KNOWN_KEYS = {"id", "outlet", "url", "title", "published", "text", "html", "byline", "author", "domain", "kind", "language"}
RECORD_FIELDS = frozenset(_KNOWN_KEYS)

FieldMap = tuple[tuple[str, tuple[str, ...]], ...]


def parse_field_map(pairs: Iterable[str]) -> FieldMap:
    """``(ours, (theirs, ...))`` pairs of ``settings.field_map``; raises :class:`BadRecord` for a bad pair."""
    mapping: dict[str, list[str]] = {}
    for pair in pairs:
        ours, sep, theirs = (part.strip() for part in pair.partition("="))
        if not sep or not ours or not theirs:
            raise BadRecord(f"field_map entry {pair!r} is not ours=theirs (e.g. text=body)")
        if ours not in RECORD_FIELDS:
            raise BadRecord(
                f"field_map entry {pair!r}: {ours!r} is not a record field; use one of {', '.join(sorted(RECORD_FIELDS))}"
            )
        mapping.setdefault(ours, []).append(theirs)
    return tuple((ours, tuple(theirs)) for ours, theirs in mapping.items())


def apply_field_map(record: dict[str, Any], field_map: FieldMap) -> dict[str, Any]:
    """A copy of ``record`` with each mapped field renamed to ours (the first present fallback wins)."""
    if not field_map:
        return record
    out = dict(record)
    mapped: set[str] = set()
    # values are read from the record as given, so one field of theirs can feed two of ours
    # ("id=Body ID", "outlet=Body ID") and two fields can trade names ("title=text", "text=title")
    for ours, candidates in field_map:
        present = [theirs for theirs in candidates if record.get(theirs) not in (None, "")]
        if not present:
            continue
        for theirs in candidates:
            if theirs != ours and theirs not in mapped:
                out.pop(theirs, None)
        out[ours] = record[present[0]]
        mapped.add(ours)
    return out


def _string_field(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"field {key!r} must be a string, got {type(value).__name__}")
    return value.strip() or None


def _outlet(record: dict[str, Any], url: str | None) -> Outlet:
    raw = record.get("outlet")
    domain = _string_field(record, "domain")
    kind = _string_field(record, "kind")
    if isinstance(raw, dict):
        name = raw.get("name")
        if name is not None and not isinstance(name, str):
            raise BadRecord("field 'outlet.name' must be a string")
        domain = raw.get("domain") if isinstance(raw.get("domain"), str) else domain
        kind = raw.get("kind") if isinstance(raw.get("kind"), str) else kind
    elif raw is None or isinstance(raw, str):
        name = raw
    else:
        raise BadRecord(f"field 'outlet' must be a string or an object, got {type(raw).__name__}")
    name = (name or "").strip() or None
    if name is None and not (url or domain):
        raise BadRecord("no 'outlet' field (and no 'url' or 'domain' to tell the outlet from)")
    return outlet_from(name, url=url, domain=domain, kind=kind)


def article_from_record(record: Any, *, origin: str, settings: Settings) -> Article:
    """The article of one decoded JSONL record; raises :class:`IngestError` subclasses."""
    from storylens.ingest.html import article_from_html

    if not isinstance(record, dict):
        raise BadRecord(f"expected a JSON object, got {type(record).__name__}")
    url = _string_field(record, "url")
    title = _string_field(record, "title")
    text = record.get("text")
    html = record.get("html")
    if text is not None and not isinstance(text, str):
        raise BadRecord(f"field 'text' must be a string, got {type(text).__name__}")
    if html is not None and not isinstance(html, str):
        raise BadRecord(f"field 'html' must be a string, got {type(html).__name__}")
    if not (text and text.strip()) and not (html and html.strip()):
        raise BadRecord("no 'text' (or 'html') field with the article body")
    outlet = _outlet(record, url)
    published_raw = _string_field(record, "published")
    try:
        published = parse_published(published_raw) if published_raw else None
    except BadFrontMatter as exc:
        raise BadRecord(exc.reason) from exc
    byline = _string_field(record, "byline") or _string_field(record, "author")
    language = _string_field(record, "language")
    meta: dict[str, Any] = {k: v for k, v in record.items() if k not in _KNOWN_KEYS}
    if record.get("id") is not None:
        meta["id"] = record["id"]

    if text and text.strip():
        cleaned = clean_text(text, known_title=title)
        check_length(cleaned.body, settings)
        how = "metadata" if published is not None else None
        if published is None and (from_url := date_from_url(url)) is not None:
            published, how = from_url, "url"
        article = article_from_clean(
            cleaned,
            outlet=outlet,
            title=title,
            url=url,
            byline=byline,
            published=published,
            published_how=how,
            origin=origin,
            meta=meta,
            language=language or "en",
        )
        return with_default_published(article, settings)

    # The record's fields are what its producer knew; they win over what the page says.
    page = article_from_html(html or "", origin=origin, settings=dataclasses.replace(settings, published=None), url=url)
    changes: dict[str, Any] = {"outlet": outlet, "meta": {**page.meta, **meta}}
    if title:
        changes["title"] = title
    if byline:
        changes["byline"] = byline
    if language:
        changes["language"] = language
    if published is not None:
        changes["published"], changes["published_how"] = published, "metadata"
    return with_default_published(dataclasses.replace(page, **changes), settings)


class Oversized(str):
    """Stands in for a line longer than ``max_bytes`` that was not kept; its value is empty."""

    size: int

    def __new__(cls, size: int) -> "Oversized":
        line = super().__new__(cls, "")
        line.size = size
        return line


def read_record_lines(stream: BinaryIO, limit: int) -> Iterator[str]:
    """The lines of a byte stream decoded as UTF-8 (undecodable bytes as lone surrogates, which
    :func:`read_records` reports), never holding more than ``limit + 1`` bytes of one line: a
    longer line is read past in chunks and stands as an :class:`Oversized` marker."""
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw)
            while not raw.endswith(b"\n"):
                raw = stream.readline(1 << 20)
                if not raw:
                    break
                size += len(raw)
            yield Oversized(size)
            continue
        yield raw.decode("utf-8", errors="surrogateescape")


def _too_large(size: int, settings: Settings) -> BadRecord:
    return BadRecord(f"record too large: {size} bytes, limit is {settings.max_bytes} (setting max_bytes)")


def read_records(lines: Iterable[str], *, origin: str, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of JSONL lines; a bad line gives ``Skipped(f"{origin}:{lineno}", reason)``.

    ``settings.field_map`` applies to every record; a bad map raises :class:`BadRecord` at once.
    """
    field_map = parse_field_map(settings.field_map)
    for lineno, line in enumerate(lines, start=1):
        source = f"{origin}:{lineno}"
        if isinstance(line, Oversized):
            reason = _too_large(line.size, settings).reason
            log.warning("skipped %s: %s", source, reason)
            yield Skipped(source=source, reason=reason)
            continue
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        yield _one_record(source, lambda: _one(line, source, settings, field_map))


def _one_record(source: str, read: Callable[[], Article]) -> Article | Skipped:
    """``read()``, or the :class:`Skipped` saying why this one record could not be read."""
    try:
        return read()
    except IngestError as exc:
        log.warning("skipped %s: %s", source, exc.reason)
        return Skipped(source=source, reason=exc.reason)
    except Exception as exc:  # one broken record must not end the batch
        log.exception("unexpected error reading %s", source)
        return Skipped(source=source, reason=f"unexpected error while reading: {type(exc).__name__}: {exc}")


def _one(line: str, source: str, settings: Settings, field_map: FieldMap = ()) -> Article:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Lines decoded with surrogateescape carry undecodable bytes as lone surrogates.
        char = ord(line[exc.start])
        detail = f"invalid byte 0x{char - 0xDC00:02x}" if 0xDC80 <= char <= 0xDCFF else "invalid character"
        raise EncodingProblem(f"not UTF-8 text: {detail} in this line; re-save the file as UTF-8") from exc
    size = len(line.encode("utf-8"))
    if size > settings.max_bytes:
        raise _too_large(size, settings)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:
        raise BadRecord("not readable JSON: nested too deeply") from exc
    return _decoded(record, source, settings, field_map)


def _decoded(record: Any, source: str, settings: Settings, field_map: FieldMap) -> Article:
    record = _without_surrogates(record)
    if isinstance(record, dict):
        record = apply_field_map(record, field_map)
    return article_from_record(record, origin=source, settings=settings)


def _without_surrogates(value: Any) -> Any:
    """A decoded JSON value with lone surrogates (valid JSON escapes, not text) made U+FFFD."""
    if isinstance(value, str):
        return encodable(value, replace=True)
    if isinstance(value, dict):
        return {encodable(k, replace=True): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def _check_utf8_head(fh: BinaryIO, size: int, kind: str) -> bytes:
    """Refuse a binary or non-UTF-8 file from its first ``size`` bytes; rewind; return them."""
    head = fh.read(size)
    check_not_binary(head)
    encoding = bom_encoding(head)
    if encoding not in (None, "utf-8-sig"):
        raise EncodingProblem(f"{kind} must be UTF-8, this file is {encoding.upper()}; re-save it as UTF-8")
    fh.seek(0)
    return head


def read_records_file(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of a JSONL file, streamed line by line (``settings.max_bytes`` applies per record)."""
    with open_input(path) as fh:
        _check_utf8_head(fh, 8192, "JSONL")
        yield from read_records(read_record_lines(fh, settings.max_bytes), origin=str(path), settings=settings)


def read_json_file(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of a ``.json`` file holding one record or an array of records (the JSONL fields).

    A record that is bad gives ``Skipped(f"{path}[{index}]", reason)``; a file that is not JSON,
    or JSON of another shape, fails whole with one reason.
    """
    field_map = parse_field_map(settings.field_map)
    data = read_input_bytes(path, settings)
    _check_utf8_head(io.BytesIO(data), 8192, "JSON")
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise EncodingProblem(f"not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at byte {exc.start}; re-save the file as UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise BadRecord(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise BadRecord("not readable JSON: nested too deeply") from exc
    if isinstance(decoded, dict):
        decoded = [decoded]
    if not isinstance(decoded, list) or not all(isinstance(r, dict) for r in decoded):
        raise BadRecord(
            "JSON of another shape: expected one article record or an array of them, "
            "each an object with 'text' (or 'html') and 'outlet'"
        )
    for index, record in enumerate(decoded):
        source = f"{path}[{index}]"
        yield _one_record(source, lambda: _decoded(record, source, settings, field_map))


# --- CSV / TSV --------------------------------------------------------------------------------

# Delimiters seen in exported tables: comma, semicolon (spreadsheets in locales whose decimal
# mark is a comma), tab, pipe. The header row decides: column names rarely contain any of them.
_DELIMITERS = (",", ";", "\t", "|")


def _sniff_delimiter(head: bytes) -> str:
    first_line = head.decode("utf-8", errors="ignore").lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_file(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of a CSV (``.csv``) or TSV (``.tsv``) file, one record a row, streamed row by row.

    The first row is the header: its names are the record's fields, exactly as in JSONL (``text``
    or ``html``, ``outlet``, ``url``, ``title``, ``published`` ...; other columns go to ``meta``),
    after ``settings.field_map`` (module docstring). An empty cell is an absent field. Quoted
    fields may span lines; the file is UTF-8, with or without a byte-order mark. A ``.csv`` file's
    delimiter is the one of ``, ; TAB |`` its header row uses most. A bad row gives
    ``Skipped(f"{path}:{line}", reason)`` with the line the row starts on, and reading goes on.
    A header without a text column (after mapping) fails the whole file with one reason.
    """
    field_map = parse_field_map(settings.field_map)
    with open_input(path) as fh:
        head = _check_utf8_head(fh, 65536, "CSV")
        delimiter = "\t" if content_suffix(path) == ".tsv" else _sniff_delimiter(head)
        # The csv module's field limit (131,072 characters by default) is process-wide; it is
        # raised to max_bytes, never lowered, so a long article body fits in one cell.
        csv.field_size_limit(max(csv.field_size_limit(), settings.max_bytes))
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
        yield from _csv_rows(text, delimiter, origin=str(path), settings=settings, field_map=field_map)


def _csv_rows(
    stream: Iterable[str], delimiter: str, *, origin: str, settings: Settings, field_map: FieldMap
) -> Iterator[Article | Skipped]:
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise BadRecord(f"the header row is not valid CSV: {exc}") from exc
    named = [name for name in header if name]
    duplicated = sorted({name for name in named if named.count(name) > 1})
    if duplicated:
        raise BadRecord(f"the header names these columns more than once: {', '.join(duplicated)}")
    mapped = apply_field_map({name: "x" for name in named}, field_map)
    if not {"text", "html"} & set(mapped):
        raise BadRecord(
            f"no 'text' (or 'html') column; the header has: {', '.join(named)}. "
            "Map one with field_map, e.g. text=body"
        )
    while True:
        start = reader.line_num + 1
        source = f"{origin}:{start}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = _csv_error_reason(exc, settings)
            log.warning("skipped %s: %s", source, reason)
            yield Skipped(source=source, reason=reason)
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield _one_record(source, lambda: _csv_row(header, row, source, settings, field_map))


def _csv_error_reason(exc: csv.Error, settings: Settings) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return f"record too large: a field is over {settings.max_bytes} characters (setting max_bytes)"
    if "unexpected end of data" in message:
        return "malformed CSV: a quoted field starting in this row is never closed, it runs to the end of the file"
    return f"malformed CSV: {message}"


def _csv_row(header: list[str], row: list[str], source: str, settings: Settings, field_map: FieldMap) -> Article:
    if len(row) != len(header):
        raise BadRecord(
            f"row has {len(row)} fields, the header has {len(header)} (an unquoted delimiter or quote in a field?)"
        )
    return _csv_record(dict(zip(header, row)), source, settings, field_map)


def _csv_record(row: dict[str, str], source: str, settings: Settings, field_map: FieldMap) -> Article:
    size = 0
    for value in row.values():
        try:
            size += len(value.encode("utf-8"))
        except UnicodeEncodeError as exc:
            char = ord(value[exc.start])
            detail = f"invalid byte 0x{char - 0xDC00:02x}" if 0xDC80 <= char <= 0xDCFF else "invalid character"
            raise EncodingProblem(f"not UTF-8 text: {detail} in this row; re-save the file as UTF-8") from exc
    if size > settings.max_bytes:
        raise BadRecord(f"record too large: {size} bytes, limit is {settings.max_bytes} (setting max_bytes)")
    record = {name: value for name, value in row.items() if name and value.strip()}
    return article_from_record(apply_field_map(record, field_map), origin=source, settings=settings)
