"""JSONL records: one article a line, the input contract other tools write to.

``{"id": optional, "outlet": "...", "url": optional, "title": optional,
"published": optional ISO 8601, "text": "..."}`` — ``html`` may stand in for ``text``; unknown
keys are kept in ``Article.meta``. The record's own ``id`` is kept as ``meta["id"]``:
``Article.id`` is always the content hash, which the store and deduplication key on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any, Iterable, Iterator

from storylens.ingest import (
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
from storylens.model import Article, Outlet, Skipped
from storylens.settings import Settings

__all__ = ["read_records", "read_records_file", "article_from_record"]

log = logging.getLogger(__name__)

_KNOWN_KEYS = {"id", "outlet", "url", "title", "published", "text", "html", "byline", "author", "domain", "kind", "language"}


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


def read_records(lines: Iterable[str], *, origin: str, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of JSONL lines; a bad line gives ``Skipped(f"{origin}:{lineno}", reason)``."""
    for lineno, line in enumerate(lines, start=1):
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        source = f"{origin}:{lineno}"
        try:
            yield _one(line, source, settings)
        except IngestError as exc:
            log.warning("skipped %s: %s", source, exc.reason)
            yield Skipped(source=source, reason=exc.reason)
        except Exception as exc:  # one broken record must not end the batch
            log.exception("unexpected error reading %s", source)
            yield Skipped(source=source, reason=f"unexpected error while reading: {type(exc).__name__}: {exc}")


def _one(line: str, source: str, settings: Settings) -> Article:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Lines decoded with surrogateescape carry undecodable bytes as lone surrogates.
        char = ord(line[exc.start])
        detail = f"invalid byte 0x{char - 0xDC00:02x}" if 0xDC80 <= char <= 0xDCFF else "invalid character"
        raise EncodingProblem(f"not UTF-8 text: {detail} in this line; re-save the file as UTF-8") from exc
    size = len(line.encode("utf-8"))
    if size > settings.max_bytes:
        raise BadRecord(f"record too large: {size} bytes, limit is {settings.max_bytes} (setting max_bytes)")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    return article_from_record(record, origin=source, settings=settings)


def read_records_file(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles of a JSONL file, streamed line by line (``settings.max_bytes`` applies per record)."""
    from storylens.ingest import InputNotFound

    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise InputNotFound("no such file or folder") from exc
    except OSError as exc:
        raise InputNotFound(f"cannot open: {exc.strerror or exc}") from exc
    with fh:
        head = fh.read(8192)
        check_not_binary(head)
        encoding = bom_encoding(head)
        if encoding not in (None, "utf-8-sig"):
            raise EncodingProblem(f"JSONL must be UTF-8, this file is {encoding.upper()}; re-save it as UTF-8")
        fh.seek(0)
        lines = (raw.decode("utf-8", errors="surrogateescape") for raw in fh)
        yield from read_records(lines, origin=str(path), settings=settings)
