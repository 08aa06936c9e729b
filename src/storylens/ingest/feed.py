"""RSS and Atom feeds: every entry's page, fetched with :func:`storylens.ingest.web.fetch`.

feedparser only ever parses bytes this module hands it (a fetched body or a local file's
content, wrapped in a stream so that it is never taken for a URL or a file name): it never
fetches anything itself. Each entry's link is fetched and read as an HTML article, unless
``known(link)`` has its article already (kept in the store by an earlier run): then that one is
used. Entries repeated within the feed, outside ``settings.since``/``settings.until`` or off
``settings.domains`` are left out and logged; entries that fail yield a :class:`Skipped` with the reason and the feed goes on.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urldefrag, urlsplit

import httpx

from storylens.ingest import IngestError, NoArticleText
from storylens.ingest.outlet import normalize_domain
from storylens.ingest.text import read_bytes
from storylens.ingest.web import article_from_url, fetch, is_url, looks_like_feed, new_client
from storylens.model import Article, Skipped
from storylens.settings import Settings

__all__ = ["FEED_SUFFIXES", "NotAFeed", "is_feed_path", "read_feed", "read_feed_bytes", "entry_time", "in_domains"]

log = logging.getLogger(__name__)

FEED_SUFFIXES = frozenset({".rss", ".atom"})


class NotAFeed(NoArticleText):
    """The document is not an RSS or Atom feed (or holds no entries feedparser can read)."""


def is_feed_path(path: Path | str) -> bool:
    """Whether a local file is a feed: a ``.rss``/``.atom`` file, or ``.xml`` with an rss/feed root."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return True
    if suffix != ".xml":
        return False
    try:
        with p.open("rb") as fh:
            return looks_like_feed(fh.read(4096))
    except OSError:
        return False


def entry_time(entry: Any) -> datetime | None:
    """An entry's published (else updated) time, in UTC."""
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=timezone.utc)
            except (TypeError, ValueError):
                continue
    return None


def _aware(value: datetime) -> datetime:
    # since/until given without a zone are taken as UTC, the zone feed times are compared in.
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one (all pass when empty)."""
    if not domains:
        return True
    host = normalize_domain(url)
    if host is None:
        return False
    for domain in domains:
        d = normalize_domain(domain)
        if d and (host == d or host.endswith("." + d)):
            return True
    return False


def _outside_window(when: datetime | None, settings: Settings) -> str | None:
    if when is None:
        return None  # undated entries are kept: there is nothing to filter them on
    if settings.since is not None and when < _aware(settings.since):
        return f"published {when.isoformat()}, before since={settings.since.isoformat()}"
    if settings.until is not None and when >= _aware(settings.until):
        return f"published {when.isoformat()}, not before until={settings.until.isoformat()}"
    return None


def _parse(data: bytes, source: str) -> Any:
    import feedparser

    headers = {"content-location": source} if is_url(source) else {}
    # A stream, never bytes or str: feedparser opens a str as a URL or file name if it can.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        why = parsed.get("bozo_exception")
        detail = f": {why}" if why else ""
        raise NotAFeed(f"not an RSS or Atom feed{detail}")
    if parsed.bozo:
        log.warning("%s: feed is not well-formed (%s); reading its %d entries anyway",
                    source, parsed.get("bozo_exception"), len(parsed.entries))
    return parsed


def _with_entry(article: Article, entry: Any, when: datetime | None, source: str) -> Article:
    """The article with what the feed says where the page said nothing."""
    changes: dict[str, Any] = {}
    if when is not None and (article.published is None or article.published_how == "user"):
        changes["published"] = when
        changes["published_how"] = "metadata"
        changes["published_note"] = None
    title = (entry.get("title") or "").strip()
    if not article.title and title:
        changes["title"] = title
    meta = dict(article.meta)
    meta["feed"] = source
    if "published" in changes:
        meta["published_from"] = "feed"
    return dataclasses.replace(article, meta=meta, **changes)


def read_feed_bytes(
    data: bytes,
    *,
    source: str,
    settings: Settings,
    known: Callable[[str], Article | None] = lambda url: None,
    client: httpx.Client | None = None,
) -> Iterator[Article | Skipped]:
    """The articles of a feed document already in hand (``source`` names it in reasons and logs)."""
    try:
        parsed = _parse(data, source)
    except IngestError as exc:
        log.warning("skipped %s: %s", source, exc.reason)
        yield Skipped(source=source, reason=exc.reason)
        return
    own = client is None
    http = new_client(settings) if client is None else client
    try:
        done: set[str] = set()
        entries = parsed.entries
        if len(entries) > settings.max_feed_entries:
            extra = len(entries) - settings.max_feed_entries
            reason = (
                f"{extra} of its {len(entries)} entries not read: at most {settings.max_feed_entries} "
                "are read per feed (setting max_feed_entries)"
            )
            log.warning("skipped %s: %s", source, reason)
            yield Skipped(source=source, reason=reason)
            entries = entries[: settings.max_feed_entries]
        for n, entry in enumerate(entries, 1):
            link = (entry.get("link") or "").strip()
            # feedparser falls back on an entry's id for its link, and ids are often URNs
            if urlsplit(link).scheme.lower() not in ("http", "https"):
                title = (entry.get("title") or "").strip()
                reason = ("feed entry has no web link" + (f" (only {link!r})" if link else "")
                          + (f"; title: {title!r}" if title else ""))
                log.warning("skipped %s entry %d: %s", source, n, reason)
                yield Skipped(source=f"{source} entry {n}", reason=reason)
                continue
            key = urldefrag(link)[0]
            if key in done:
                log.info("%s: entry %d repeats %s; read once", source, n, link)
                continue
            done.add(key)
            when = entry_time(entry)
            outside = _outside_window(when, settings)
            if outside is not None:
                log.info("%s: entry %d left out: %s (%s)", source, n, link, outside)
                continue
            if not in_domains(link, settings.domains):
                log.info("%s: entry %d left out: %s is not in domains %s",
                         source, n, urlsplit(link).hostname, ", ".join(settings.domains))
                continue
            stored = known(link)
            if stored is not None:
                log.info("%s: entry %d read in an earlier run, taken from there: %s", source, n, link)
                yield stored
                continue
            try:
                article = article_from_url(link, settings, client=http)
            except IngestError as exc:
                log.warning("skipped %s (from feed %s): %s", link, source, exc.reason)
                yield Skipped(source=link, reason=exc.reason)
                continue
            yield _with_entry(article, entry, when, source)
    finally:
        if own:
            http.close()


def read_feed(
    source: str,
    settings: Settings,
    *,
    known: Callable[[str], Article | None] = lambda url: None,
    client: httpx.Client | None = None,
) -> Iterator[Article | Skipped]:
    """The articles of the feed at ``source`` (a feed URL or a local ``.rss``/``.atom``/``.xml`` file).

    Never raises for a bad feed or entry: a feed that cannot be fetched or is not a feed yields
    one :class:`Skipped` for ``source``; an entry without a link or whose page fails, one each.
    """
    own = client is None
    http = new_client(settings) if client is None else client
    try:
        try:
            if is_url(source):
                data = fetch(source, settings, accept="feed", client=http).body
            else:
                data = read_bytes(Path(source), settings)
        except IngestError as exc:
            log.warning("skipped %s: %s", source, exc.reason)
            yield Skipped(source=source, reason=exc.reason)
            return
        yield from read_feed_bytes(data, source=source, settings=settings, known=known, client=http)
    finally:
        if own:
            http.close()
