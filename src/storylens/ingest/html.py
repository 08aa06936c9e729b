"""HTML pages: main text and metadata with trafilatura, publication date with htmldate.

The page's main text goes through the same cleanup as text files
(:func:`storylens.ingest.text.clean_text`), so spans mean the same thing for every source.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from storylens.ingest import (
    EncodingProblem,
    NoArticleText,
    check_length,
    file_suffix,
    make_article,
    with_default_published,
)
from storylens.ingest.outlet import outlet_from
from storylens.ingest.text import bom_encoding, check_not_binary, clean_text, date_from_url, read_bytes
from storylens.model import Article
from storylens.settings import Settings

__all__ = ["article_from_html", "read_html_file", "decode_html", "published_from_markup"]

log = logging.getLogger(__name__)

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# The HTML standard decodes these labels as windows-1252, and so do browsers: pages declaring
# Latin-1 routinely contain the cp1252 curly quotes in the 0x80-0x9f range.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp819", "windows-1252", "cp1252"}


def decode_html(data: bytes) -> tuple[str, str]:
    """``(text, encoding used)``: BOM, then the declared charset, then UTF-8, then windows-1252."""
    bom = bom_encoding(data)
    if bom is not None:
        try:
            return data.decode(bom), bom
        except UnicodeDecodeError as exc:
            raise EncodingProblem(f"not valid {bom.upper()} although it starts with its byte-order mark") from exc
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _DECLARED_CHARSET.search(head)
    if m is not None:
        label = m.group(1).decode("ascii", "ignore").lower()
        encoding = "cp1252" if label in _AS_CP1252 else label
        try:
            codecs.lookup(encoding)
        except LookupError:
            log.debug("unknown declared charset %r, guessing", label)
        else:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                log.debug("page declares %s but does not decode as it, guessing", label)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Undeclared non-UTF-8 web pages are overwhelmingly windows-1252 (the HTML standard's default
    # for Western locales); the five bytes it leaves undefined are replaced rather than refused.
    return data.decode("cp1252", errors="replace"), "cp1252"


# Meta tags that carry a full publication timestamp (htmldate keeps only the day).
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
)


def _parse_iso(value: str) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    # "2024-03-14T09:30:00.000Z" and "+0000" offsets that Python 3.11 already accepts are
    # covered above; what is left are odd separators, retried on the date part alone.
    m = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    if m:
        try:
            return datetime.fromisoformat(m.group(1))
        except ValueError:
            return None
    return None


def _json_ld_dates(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str):
            found.append(value)
        for child in node.values():
            found.extend(_json_ld_dates(child))
    elif isinstance(node, list):
        for child in node:
            found.extend(_json_ld_dates(child))
    return found


def published_from_markup(tree: Any) -> datetime | None:
    """A full publication timestamp from meta tags, JSON-LD ``datePublished`` or ``<time pubdate>``."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _DATE_META:
            parsed = _parse_iso(meta.get("content") or "")
            if parsed is not None:
                return parsed
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for value in _json_ld_dates(data):
            parsed = _parse_iso(value)
            if parsed is not None:
                return parsed
    for node in tree.iter("time"):
        if node.get("itemprop", "").lower() == "datepublished" or node.get("pubdate") is not None:
            parsed = _parse_iso(node.get("datetime") or "")
            if parsed is not None:
                return parsed
    return None


_COPYRIGHT_YEAR = re.compile(r"(?:©|&copy;|\(c\)|copyright)\s*(?:\d{4}\s*[-–]\s*)?(\d{4})", re.IGNORECASE)


def _is_copyright_year(date: datetime, html: str) -> bool:
    """Whether htmldate's answer is only the page's copyright year (it reports that as 1 January)."""
    if (date.month, date.day) != (1, 1):
        return False
    return any(int(m.group(1)) == date.year for m in _COPYRIGHT_YEAR.finditer(html))


def _strip_site_suffix(title: str, sitename: str | None) -> str:
    if sitename:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            suffix = f"{sep}{sitename}"
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
    return title.strip()


def _first_value(tree: Any, paths: Sequence[str]) -> str | None:
    for path in paths:
        for value in tree.xpath(path):
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _page_identity(tree: Any) -> tuple[str | None, str | None]:
    """The site name and address a page declares, wherever its markup puts them. trafilatura
    reads them from the head only; a page whose head breaks early (a stray element before the
    meta tags) has them parsed into the body, and was named by its file name."""
    name = _first_value(tree, ('//meta[@property="og:site_name"]/@content', '//meta[@name="application-name"]/@content'))
    address = _first_value(tree, ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'))
    if address is not None and not address.lower().startswith(("http://", "https://")):
        address = None  # a relative canonical link names no site
    return name, address


def article_from_html(
    html: str | bytes, *, origin: str, settings: Settings, url: str | None = None, fallback_outlet: str | None = None
) -> Article:
    """The article in an HTML page; raises :class:`NoArticleText` when it has no main text.

    Outlet: the page's site name, else the domain of its canonical URL or of ``url``.
    Publication time: full timestamp from the markup, else trafilatura's, else htmldate's date.
    """
    import htmldate
    import lxml.html
    import trafilatura

    meta: dict[str, Any] = {}
    if isinstance(html, bytes):
        check_not_binary(html)
        html, encoding = decode_html(html)
        meta["encoding"] = encoding
    html = html.lstrip("\ufeff")
    if not html.strip():
        raise NoArticleText("empty HTML page")
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise NoArticleText(f"not parseable as HTML: {exc}") from exc

    # Extensive date search scans the page text; its answers are then htmldate's to give (below),
    # where they can be told apart from the markup's.
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise NoArticleText("no main article text found in the HTML page")

    sitename = (doc.sitename or "").strip() or None
    page_url = doc.url or url
    if sitename is None or page_url is None:
        found_name, found_url = _page_identity(tree)
        sitename, page_url = sitename or found_name, page_url or found_url
    if sitename and " | " in sitename:
        sitename = sitename.split(" | ")[0].strip() or sitename  # "LinkNaija | Nigeria's popular news platform"
    title = _strip_site_suffix(doc.title, sitename) if doc.title else None
    cleaned = clean_text(text, known_title=title)
    check_length(cleaned.body, settings)
    if not title and cleaned.title:
        title = cleaned.title

    published = published_from_markup(tree)
    how = "metadata" if published is not None else None
    if published is None and doc.date:
        published, how = _parse_iso(doc.date), "metadata"
        meta["published_precision"] = "day"
    if published is None:
        found = htmldate.find_date(tree, extensive_search=True, original_date=True, url=page_url)
        candidate = _parse_iso(found) if found else None
        if candidate is not None and not _is_copyright_year(candidate, html):
            published, how = candidate, "text"
            meta["published_precision"] = "day"
    if published is None and (from_url := date_from_url(page_url)) is not None:
        published, how = from_url, "url"
        meta["published_precision"] = "day"

    language = (tree.get("lang") or "").split("-")[0].lower() or (doc.language or None) or "en"
    if doc.hostname:
        meta["hostname"] = doc.hostname
    if cleaned.removed:
        meta["removed"] = list(cleaned.removed)
    article = make_article(
        cleaned.body,
        # a page with neither a site name nor a URL is named by its file, as a text file is:
        # two such pages of different sites must not read as one outlet "unknown"
        outlet=outlet_from(sitename or (None if page_url else fallback_outlet), url=page_url),
        title=title,
        url=page_url,
        byline=(doc.author or "").strip() or cleaned.byline,
        published=published,
        published_how=how,
        origin=origin,
        meta=meta,
        language=language,
    )
    return with_default_published(article, settings)


def read_html_file(path: Path, settings: Settings) -> Article:
    """The article in an HTML file (see :func:`article_from_html`)."""
    stem = path.name[: -len(file_suffix(path))] or path.name
    return article_from_html(
        read_bytes(path, settings), origin=str(path), settings=settings, fallback_outlet=settings.outlet or stem
    )
