"""The ingest stage: turn every kind of source into :class:`~storylens.model.Article`.

One module per source kind: ``text`` (plain text and its scraped-page leftovers), ``html``,
``web`` (URLs), ``feed`` (RSS/Atom), ``warc`` (WARC/ARC archives), ``records`` (JSONL, CSV),
plus ``outlet`` (who published it) and ``language`` (what language it is in). :func:`read_inputs` is the entry point for a batch: it walks paths, dispatches by file
suffix and yields an :class:`Article` or a :class:`Skipped` for every input; a bad input is
logged and recorded with a human reason, and never stops the batch.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import os
import re
import stat
import sys
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence, TextIO

from storylens.model import Article, Outlet, Skipped, Span, text_id
from storylens.settings import Settings

__all__ = [
    "IngestError",
    "EmptyInput",
    "BinaryInput",
    "EncodingProblem",
    "InputNotFound",
    "NotAFile",
    "NoArticleText",
    "TooShort",
    "TooLarge",
    "TooLong",
    "BadRecord",
    "BadFrontMatter",
    "DamagedFile",
    "read_input_bytes",
    "check_regular_file",
    "content_suffix",
    "GZIP_SUFFIXES",
    "JSON_SUFFIXES",
    "make_article",
    "read_inputs",
    "paragraph_spans",
    "TEXT_SUFFIXES",
    "HTML_SUFFIXES",
    "RECORD_SUFFIXES",
    "ARCHIVE_SUFFIXES",
    "TABLE_SUFFIXES",
    "file_suffix",
    "apply_language",
]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
RECORD_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARCHIVE_SUFFIXES = frozenset({".warc", ".warc.gz", ".arc", ".arc.gz"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
JSON_SUFFIXES = frozenset({".json"})
# Every kind but archives (which decompress themselves) is also read gzip-compressed.
GZIP_SUFFIXES = frozenset(
    s + ".gz" for s in TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | TABLE_SUFFIXES | JSON_SUFFIXES
)


def file_suffix(path: Path) -> str:
    """The lower-cased suffix that decides how a file is read: ``.warc.gz`` or ``.html.gz``
    for archives and compressed files, else the last one."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if len(suffixes) == 2 and "".join(suffixes) in ARCHIVE_SUFFIXES | GZIP_SUFFIXES:
        return "".join(suffixes)
    return path.suffix.lower()


def content_suffix(path: Path) -> str:
    """The suffix of what a file holds: ``.html`` for ``page.html.gz``, else :func:`file_suffix`."""
    suffix = file_suffix(path)
    return suffix[: -len(".gz")] if suffix in GZIP_SUFFIXES else suffix


class IngestError(Exception):
    """An input could not be turned into an article; ``reason`` says why, for a human."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EmptyInput(IngestError):
    """The input holds no bytes, or only whitespace."""


class BinaryInput(IngestError):
    """The input is binary data (an image, PDF, archive ...), not text."""


class EncodingProblem(IngestError):
    """The input's bytes are not valid in the encoding it must be (UTF-8 for text files)."""


class InputNotFound(IngestError):
    """The path does not exist or cannot be opened."""


class NotAFile(IngestError):
    """The path is a named pipe, socket or device: reading it might never end."""


class NoArticleText(IngestError):
    """No article body could be found in the input."""


class TooShort(NoArticleText):
    """The cleaned body is shorter than ``settings.min_chars``."""


class TooLarge(IngestError):
    """The input is larger than ``settings.max_bytes``."""


class TooLong(IngestError):
    """The cleaned body is longer than ``settings.max_chars``."""


def too_long_reason(chars: int, settings: Settings) -> str:
    return f"article text too long: {chars} characters, limit is {settings.max_chars} (setting max_chars)"


class BadRecord(IngestError):
    """A JSONL record is malformed or misses a required field."""


class BadFrontMatter(IngestError):
    """The ``---`` front matter block of a text file has an invalid value."""


# --- building articles ------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def paragraph_spans(text: str) -> tuple[Span, ...]:
    """Spans of the non-empty paragraphs of ``text``, surrounding whitespace excluded.

    Paragraphs are separated by blank lines; a text without any blank line (one paragraph a
    line, as in many scraped files) has one paragraph per non-empty line.
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans: list[Span] = []
    pos = 0
    for m in [*separator.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            start = pos + (len(chunk) - len(chunk.lstrip()))
            spans.append(Span(start, start + len(stripped)))
        if m is not None:
            pos = m.end()
    return tuple(spans)


def make_article(
    text: str,
    *,
    outlet: Outlet,
    title: str | None = None,
    url: str | None = None,
    byline: str | None = None,
    published: datetime | None = None,
    published_how: str | None = None,
    origin: str = "",
    meta: Mapping[str, Any] | None = None,
    language: str | None = "en",
) -> Article:
    """An :class:`Article` whose id is the content hash of ``text`` and whose paragraphs are spans of it.

    ``text`` is stored as given: clean it first (:func:`storylens.ingest.text.clean_text`).
    A ``published`` time without ``published_how`` counts as known from metadata.
    """
    if published is not None and published_how is None:
        published_how = "metadata"
    return Article(
        id=text_id(text),
        outlet=outlet,
        text=text,
        title=title,
        url=url,
        byline=byline,
        published=published,
        published_how=published_how if published is not None else None,
        language=language,
        paragraphs=paragraph_spans(text),
        origin=origin,
        meta=dict(meta or {}),
    )


def with_default_published(article: Article, settings: Settings) -> Article:
    """``article`` with ``settings.published`` as its time (``published_how="user"``) if it has none.

    With neither, the earliest possible publication day is inferred from the dates the text
    reports as past, and kept in ``meta`` (``published_earliest`` and ``published_earliest_how``);
    ``published`` stays None, so nothing downstream treats the bound as the date.
    """
    if article.published is not None:
        return article
    if settings.published is not None:
        return dataclasses.replace(article, published=settings.published, published_how="user", published_note=None)
    from storylens.understand.time import infer_published_earliest

    earliest, how = infer_published_earliest(article.text)
    if earliest is None:
        return article
    meta = {**article.meta, "published_earliest": earliest.date().isoformat(), "published_earliest_how": how}
    return dataclasses.replace(article, meta=meta)


def check_length(body: str, settings: Settings) -> None:
    """Raise :class:`TooShort` (or :class:`NoArticleText` when empty) for a body under ``min_chars``,
    :class:`TooLong` for one over ``max_chars``."""
    if len(body) > settings.max_chars:
        raise TooLong(too_long_reason(len(body), settings))
    if not body.strip():
        raise NoArticleText("no article text left after removing page boilerplate")
    if len(body) < settings.min_chars:
        raise TooShort(
            f"article text too short: {len(body)} characters after cleanup, "
            f"minimum is {settings.min_chars} (setting min_chars)"
        )


# --- batches ----------------------------------------------------------------------------------

# Markup sniffing for files with an unknown suffix: a tag name among these near the start is
# taken as HTML; plain text almost never starts with one of them.
_MARKUP_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|meta|title|div|p)\b",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a file look like HTML markup."""
    return bool(_MARKUP_START.match(head[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff")))


def read_inputs(
    paths: Sequence[str],
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    known: Callable[[str], Article | None] | None = None,
) -> Iterator[Article | Skipped]:
    """Every article found under ``paths`` (files, folders, URLs, ``-`` for JSONL on stdin), in order.

    Folders are walked recursively in sorted order, hidden entries ignored, and only files with
    a known suffix read. A file named explicitly with an unknown suffix is read as HTML when it
    looks like markup, else as text. A ``scheme://`` argument is fetched once (http/https only)
    and read as an article or a feed by its content type; ``.rss``/``.atom`` files (and ``.xml``
    files with an rss/feed root) are feeds. A feed entry whose page ``known(url)`` returns
    (e.g. kept in the store by an earlier run) is that article, not fetched again. A bad input yields a :class:`Skipped` and the batch goes on.
    """
    from storylens.ingest import feed, web

    stored = known if known is not None else _unknown
    for raw in paths:
        if raw == "-":
            stream = stdin if stdin is not None else sys.stdin
            yield from _guard("stdin", lambda: _read_stdin(stream, settings))
            continue
        if web.is_url(raw):
            # fetched pages pass the same language filter as files (see _read_path)
            yield from apply_language(_guard(raw, lambda: web.read_url(raw, settings, known=stored)), settings)
            continue
        path = Path(raw)
        try:
            is_dir = path.is_dir()
        except OSError as exc:  # e.g. a name too long for the file system
            log.warning("skipped %s: %s", raw, exc)
            yield Skipped(source=raw, reason=f"cannot open: {exc.strerror or exc}")
            continue
        if is_dir:
            found = False
            for entry in _walk(path):
                if isinstance(entry, Skipped):
                    log.warning("skipped %s: %s", entry.source, entry.reason)
                    yield entry
                    continue
                found = True
                yield from _read_path(entry, settings, explicit=False, known=stored)
            if not found:
                reason = "folder holds no readable files (expected " + ", ".join(sorted(_readable_suffixes())) + ")"
                log.warning("skipped %s: %s", raw, reason)
                yield Skipped(source=raw, reason=reason)
            continue
        yield from _read_path(path, settings, explicit=True, known=stored)


def _unknown(url: str) -> Article | None:
    return None


_PROJECT_FILE = re.compile(r"(?i)^(?:readme|license|licence|changelog|contributing|notice|authors)(?:\.[a-z0-9]+)?$")


def _walk(folder: Path) -> Iterator[Path | Skipped]:
    """The files to read under ``folder`` in sorted order, and a :class:`Skipped` for every
    entry that is not read and is not obviously meant to be left alone (hidden entries and
    README/LICENSE files are): unreadable subfolders, dangling links, pipes and devices,
    linked folders, and — one per folder — the files whose suffix no reader takes."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        yield Skipped(source=str(folder), reason=f"cannot list folder: {exc.strerror or exc}")
        return
    unknown: dict[str, int] = {}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            is_link = entry.is_symlink()
        except OSError as exc:
            yield Skipped(source=str(entry), reason=f"cannot read: {exc.strerror or exc}")
            continue
        if is_dir:
            if is_link:
                # a linked folder can lead back to an ancestor; named on the command line it is read
                yield Skipped(source=str(entry), reason="symbolic link to a folder, not followed; name it as an input to read it")
                continue
            yield from _walk(entry)
            continue
        if _PROJECT_FILE.match(entry.name):
            # a corpus folder's README or LICENSE describes the corpus; it is not an article
            log.debug("ignoring %s: project file, not an article", entry)
            continue
        try:
            check_regular_file(entry)
        except IngestError as exc:
            yield Skipped(source=str(entry), reason=exc.reason)
            continue
        if file_suffix(entry) in _readable_suffixes() or _is_feed(entry):
            yield entry
        else:
            kind = file_suffix(entry) or "no suffix"
            unknown[kind] = unknown.get(kind, 0) + 1
    if unknown:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(unknown.items()))
        total = sum(unknown.values())
        yield Skipped(
            source=str(folder),
            reason=f"{total} file{'s' if total != 1 else ''} not read: no reader for their suffix ({kinds}); name a file as an input to read it",
        )


def _readable_suffixes() -> frozenset[str]:
    from storylens.ingest.feed import FEED_SUFFIXES

    return frozenset(
        TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | ARCHIVE_SUFFIXES | TABLE_SUFFIXES | JSON_SUFFIXES | GZIP_SUFFIXES
    ) | frozenset(FEED_SUFFIXES)


def _is_feed(path: Path) -> bool:
    from storylens.ingest.feed import is_feed_path

    try:
        return is_feed_path(path)
    except OSError:
        return False


def _read_path(
    path: Path, settings: Settings, *, explicit: bool, known: Callable[[str], Article | None] | None = None
) -> Iterator[Article | Skipped]:
    # Every file's articles pass the language filter here (stdin's in _read_stdin).
    yield from apply_language(_read_file(path, settings, explicit=explicit, known=known or _unknown), settings)


def _read_file(
    path: Path, settings: Settings, *, explicit: bool, known: Callable[[str], Article | None]
) -> Iterator[Article | Skipped]:
    from storylens.ingest import feed, html, records, text, warc

    source = str(path)
    suffix = content_suffix(path)
    try:
        check_regular_file(path)  # before anything opens it: a pipe would block the open
    except IngestError as exc:
        log.warning("skipped %s: %s", source, exc.reason)
        yield Skipped(source=source, reason=exc.reason)
        return
    if _is_feed(path):
        # a local feed file: its entries' pages are fetched
        yield from _guard(source, lambda: feed.read_feed(source, settings, known=known))
        return
    if suffix in RECORD_SUFFIXES:
        yield from _guard(source, lambda: records.read_records_file(path, settings))
        return
    if suffix in TABLE_SUFFIXES:
        yield from _guard(source, lambda: records.read_csv_file(path, settings))
        return
    if suffix in JSON_SUFFIXES:
        yield from _guard(source, lambda: records.read_json_file(path, settings))
        return
    if suffix in ARCHIVE_SUFFIXES:
        yield from _guard(source, lambda: warc.read_warc(path, settings))
        return
    if suffix in HTML_SUFFIXES:
        reader = html.read_html_file
    elif suffix in TEXT_SUFFIXES:
        reader = text.read_text_file
    else:

        def reader(p: Path, s: Settings) -> Article:
            head = _head(p)
            if looks_like_html(head):
                return html.read_html_file(p, s)
            return text.read_text_file(p, s)

    yield from _guard(source, lambda: iter([reader(path, settings)]))


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_regular_file(path: Path) -> os.stat_result:
    """The file's status; :class:`InputNotFound` (with dangling links named as such) or
    :class:`NotAFile` for a pipe, socket or device, which are never opened: opening a pipe
    waits for a writer, and a device such as /dev/zero never ends."""
    try:
        status = path.stat()
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise InputNotFound(f"broken symbolic link: it points to {os.readlink(path)}, which does not exist") from exc
        raise InputNotFound("no such file or folder") from exc
    except OSError as exc:
        raise InputNotFound(f"cannot open: {exc.strerror or exc}") from exc
    for test, what in _SPECIAL_FILES:
        if test(status.st_mode):
            raise NotAFile(f"{what}, not a file: reading it may never end (to read a stream, pipe it to `storylens analyze -`)")
    return status


def open_input(path: Path) -> BinaryIO:
    """The file opened for binary reading (decompressed on the fly for ``.gz`` kinds of
    :data:`GZIP_SUFFIXES`), or :class:`InputNotFound` / :class:`NotAFile` with the reason."""
    check_regular_file(path)
    try:
        if file_suffix(path) in GZIP_SUFFIXES:
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return path.open("rb")
    except FileNotFoundError as exc:
        raise InputNotFound("no such file or folder") from exc
    except OSError as exc:
        raise InputNotFound(f"cannot open: {exc.strerror or exc}") from exc


class DamagedFile(IngestError):
    """A compressed file whose data is damaged or cut short."""


def read_input_bytes(path: Path, settings: Settings) -> bytes:
    """The file's content (decompressed for ``.gz`` kinds); never more than ``max_bytes`` is read."""
    status = check_regular_file(path)
    compressed = file_suffix(path) in GZIP_SUFFIXES
    if not compressed and status.st_size > settings.max_bytes:
        raise TooLarge(f"file too large: {status.st_size} bytes, limit is {settings.max_bytes} (setting max_bytes)")
    with open_input(path) as fh:
        try:
            # one byte more than allowed tells "too large" apart from "exactly the limit"
            data = fh.read(settings.max_bytes + 1)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise DamagedFile(f"damaged gzip data: {exc or 'the file ends too early'}") from exc
        except OSError as exc:
            raise InputNotFound(f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > settings.max_bytes:
        raise TooLarge(
            f"file too large: over {settings.max_bytes} bytes{' once decompressed' if compressed else ''}, "
            f"limit is {settings.max_bytes} (setting max_bytes)"
        )
    return data


def _head(path: Path) -> bytes:
    with open_input(path) as fh:
        return fh.read(4096)


def _read_stdin(stream: TextIO, settings: Settings) -> Iterator[Article | Skipped]:
    from storylens.ingest import records

    # Bytes where there are any: a line is then read only up to max_bytes, and bytes that are
    # not UTF-8 become a reason for their line instead of an error that ends the stream.
    raw = getattr(stream, "buffer", None)
    lines = records.read_record_lines(raw, settings.max_bytes) if raw is not None else stream
    return apply_language(records.read_records(lines, origin="stdin", settings=settings), settings)


def apply_language(items: Iterable[Article | Skipped], settings: Settings) -> Iterator[Article | Skipped]:
    """``items`` with each article's ``language`` settled and articles outside ``settings.languages`` skipped.

    The language is decided by :func:`storylens.ingest.language.resolve_language` (the detector
    when it is sure, else the declared language); ``meta`` gains ``language_how`` and
    ``language_confidence``. An article whose language stays unknown is kept: it is not dropped
    on a guess. An empty ``settings.languages`` analyzes every language. Skipped items pass through.
    """
    from storylens.ingest.language import language_name, resolve_language

    wanted = {code.strip().lower() for code in settings.languages if code.strip()}
    for item in items:
        if not isinstance(item, Article):
            yield item
            continue
        try:
            code, how, probability = resolve_language(item.text, item.language)
        except Exception:  # a broken detector must not cost the batch its articles
            log.exception("language detection failed for %s; keeping its declared language", item.origin)
            yield item
            continue
        meta = {**item.meta, "language_how": how, "language_confidence": round(probability, 4)}
        article = dataclasses.replace(item, language=code, meta=meta)
        if code is not None and wanted and code not in wanted:
            source = item.origin or item.url or item.id
            reason = f"language is {language_name(code)}, not analyzed; add it to languages to include it"
            log.info("skipped %s: %s (%s, p=%.2f)", source, reason, how, probability)
            yield Skipped(source=source, reason=reason)
            continue
        yield article


def _guard(source: str, produce: Any) -> Iterator[Article | Skipped]:
    """Run ``produce()`` (an iterator of items) turning every failure into one ``Skipped``."""
    try:
        # Readers that yield Skipped items (JSONL) have logged them already.
        yield from produce()
    except IngestError as exc:
        log.warning("skipped %s: %s", source, exc.reason)
        yield Skipped(source=source, reason=exc.reason)
    except Exception as exc:  # a bug or a library failure on one input must not end the batch
        log.exception("unexpected error reading %s", source)
        yield Skipped(source=source, reason=f"unexpected error while reading: {type(exc).__name__}: {exc}")
