"""Web pages by URL: a careful HTTP fetcher, and the article in the page it fetched.

:func:`fetch` is the only place storylens talks to the network. It fetches http(s) URLs only,
resolves every host itself and refuses private, loopback, link-local, multicast, reserved and
unspecified addresses (unless ``settings.allow_private``), then connects to exactly the address
it checked, so a DNS answer that changes between the check and the connection (DNS rebinding)
cannot redirect it. Redirects are followed by hand, each hop checked again. Bodies are streamed
and cut off above ``settings.fetch_max_bytes`` or when ``settings.fetch_timeout`` has passed
for the whole fetch, so a server that trickles bytes forever cannot hold up a batch.

Not covered: proxies from the environment are ignored (a proxy would do its own resolving, and
the address check would mean nothing), and an attacker who controls a public address can still
serve anything from it; the check only keeps storylens off networks the user did not mean.
"""

from __future__ import annotations

import codecs
import dataclasses
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Literal, Mapping
from urllib.parse import urljoin

import httpx

from storylens._version import __version__
from storylens.ingest import IngestError
from storylens.ingest.text import bom_encoding, check_not_binary
from storylens.model import Article, Skipped
from storylens.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FetchError",
    "FetchRefused",
    "FetchFailed",
    "ResponseTooLarge",
    "WrongContentType",
    "TooManyRedirects",
    "Fetched",
    "USER_AGENT",
    "HTML_TYPES",
    "FEED_TYPES",
    "fetch",
    "new_client",
    "is_url",
    "is_feed_type",
    "looks_like_feed",
    "article_from_fetched",
    "article_from_url",
    "read_url",
]

log = logging.getLogger(__name__)

USER_AGENT = f"storylens/{__version__} (news coverage comparison; python-httpx/{httpx.__version__})"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT_HEADER = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
    "any": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.1",
}

Accept = Literal["html", "feed", "any"]


class FetchError(IngestError):
    """A URL could not be fetched; ``reason`` names the URL and says why."""


class FetchRefused(FetchError):
    """The URL's scheme or the address its host resolves to is not allowed."""


class FetchFailed(FetchError):
    """The request failed: network error, timeout, or an HTTP error status."""


class ResponseTooLarge(FetchError):
    """The response body is larger than ``settings.fetch_max_bytes``."""


class WrongContentType(FetchError):
    """The response is not of a content type that was asked for (an image instead of a page)."""


class TooManyRedirects(FetchError):
    """The redirects went on longer than ``settings.fetch_max_redirects``, or in a loop."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response: where it was asked for and where it ended, and its (decoded) body.

    ``content_type`` is the media type in lower case without parameters ("" when the server sent
    none); ``body`` is after content decoding (gzip, deflate).
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    headers: Mapping[str, str]
    body: bytes


def is_url(value: str) -> bool:
    """Whether ``value`` is meant as a URL (``scheme://...``) rather than a file path."""
    head, sep, _ = value.partition("://")
    return bool(sep) and head.isascii() and head[:1].isalpha() and all(c.isalnum() or c in "+-." for c in head)


def is_feed_type(content_type: str) -> bool:
    """Whether a media type is one feeds are served as (RSS, Atom, generic XML)."""
    return content_type in FEED_TYPES or (content_type.endswith("+xml") and content_type not in HTML_TYPES)


def looks_like_feed(head: bytes) -> bool:
    """Whether the first bytes of a document are an RSS, RDF or Atom root element."""
    text = head[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff").lower()
    # Skip the XML declaration, comments, processing instructions and the doctype.
    pos = 0
    while True:
        start = text.find("<", pos)
        if start < 0:
            return False
        if text.startswith(("<?", "<!"), start):
            end = text.find("-->", start) + 3 if text.startswith("<!--", start) else text.find(">", start) + 1
            if end <= 0:
                return False
            pos = end
            continue
        name = text[start + 1 :].split(None, 1)[0].split(">", 1)[0] if len(text) > start + 1 else ""
        return name in ("rss", "feed", "rdf:rdf") or name.endswith(":feed")


# --- addresses --------------------------------------------------------------------------------

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address_problem(address: IPAddress) -> str | None:
    """What kind of non-public address ``address`` is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _address_problem(address.ipv4_mapped)
    # Order matters: 127.0.0.1 is also "private" and 0.0.0.0 also "reserved"; the most
    # specific name is the one that tells the user what happened.
    for attr, name in (
        ("is_unspecified", "an unspecified"),
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    ):
        if getattr(address, attr):
            return name
    if not address.is_global:  # e.g. carrier-grade NAT 100.64.0.0/10
        return "a non-public"
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to, in the resolver's order (an IP literal is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve host {host}: {getattr(exc, 'strerror', None) or exc}") from exc
    out: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        addr = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if addr not in out:
            out.append(addr)
    if not out:
        raise FetchFailed(f"cannot resolve host {host}: no addresses")
    return out


def _checked_addresses(url: str, settings: Settings) -> tuple[httpx.URL, list[IPAddress]]:
    """The parsed URL and the addresses it may be fetched from; raises :class:`FetchRefused`."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchRefused(f"{url}: refused: not a valid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused(f"{url}: refused: only http and https URLs are fetched, not {parsed.scheme or 'no'} scheme")
    if not parsed.host:
        raise FetchRefused(f"{url}: refused: the URL has no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = _resolve(parsed.raw_host.decode("ascii"), port)
    except FetchFailed as exc:
        raise FetchFailed(f"{url}: {exc.reason}") from exc
    if not settings.allow_private:
        # Any bad address refuses the host: a name with one public and one private address
        # is exactly how rebinding-style tricks reach internal services.
        for address in addresses:
            problem = _address_problem(address)
            if problem is not None:
                shown = parsed.host if str(address) == parsed.host.strip("[]") else f"{parsed.host} ({address})"
                raise FetchRefused(
                    f"{url}: refused: {shown} is {problem} address (set allow_private to fetch it)"
                )
    return parsed, addresses


# --- fetching ---------------------------------------------------------------------------------


def new_client(settings: Settings) -> httpx.Client:
    """An httpx client set up as :func:`fetch` expects: no environment proxies, no auto-redirects."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(settings.fetch_timeout),
    )


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return media.strip().lower(), charset


def _type_ok(content_type: str, accept: Accept) -> bool:
    # A missing Content-Type is common on small sites; the parsers decide what the body is.
    if accept == "any" or not content_type:
        return True
    if accept == "html":
        return content_type in HTML_TYPES
    return is_feed_type(content_type)


def _expected(accept: Accept) -> str:
    return {"html": "an HTML page (text/html)", "feed": "an RSS/Atom feed (XML)", "any": "anything"}[accept]


def fetch(
    url: str,
    settings: Settings,
    *,
    accept: Accept = "html",
    client: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` safely (see the module docstring); raises a :class:`FetchError` subclass.

    ``accept``: "html" (text/html, application/xhtml+xml), "feed" (RSS/Atom/XML types) or
    "any". ``client``, if given, should come from :func:`new_client`; it is not closed.
    """
    own = client is None
    http = new_client(settings) if client is None else client
    try:
        return _fetch(url, settings, accept, http)
    finally:
        if own:
            http.close()


def _fetch(url: str, settings: Settings, accept: Accept, client: httpx.Client) -> Fetched:
    limit = settings.fetch_timeout
    deadline = time.monotonic() + limit
    current = url
    visited = {url}
    for _hop in range(settings.fetch_max_redirects + 1):
        parsed, addresses = _checked_addresses(current, settings)
        response = _open(current, parsed, addresses, settings, accept, client, deadline)
        try:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchFailed(f"{url}: HTTP {status} redirect without a Location header")
                target = urljoin(current, location.strip())
                if target in visited:
                    raise TooManyRedirects(f"{url}: redirect loop: {current} leads back to {target}")
                log.debug("%s redirects (%d) to %s", current, status, target)
                visited.add(target)
                current = target
                continue
            return _read(url, current, response, settings, accept, deadline)
        finally:
            response.close()
    raise TooManyRedirects(
        f"{url}: more than {settings.fetch_max_redirects} redirects (setting fetch_max_redirects)"
    )


def _open(
    url: str,
    parsed: httpx.URL,
    addresses: list[IPAddress],
    settings: Settings,
    accept: Accept,
    client: httpx.Client,
    deadline: float,
) -> httpx.Response:
    """Send the request to the first of the checked ``addresses`` that accepts a connection."""
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded, as DNS, Host and SNI want it
    default_port = 443 if parsed.scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    if parsed.port is not None and parsed.port != default_port:
        host_header = f"{host_header}:{parsed.port}"
    last: Exception | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        # The request goes to the checked address; the Host header and TLS server name (used
        # for certificate verification too) stay the URL's host.
        target = parsed.copy_with(host=str(address))
        extensions = {"sni_hostname": host} if parsed.scheme == "https" and host != str(address) else {}
        request = client.build_request(
            "GET",
            target,
            headers={"Host": host_header, "Accept": _ACCEPT_HEADER[accept], "User-Agent": USER_AGENT},
            timeout=httpx.Timeout(min(settings.fetch_timeout, remaining)),
            extensions=extensions,
        )
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            log.debug("%s: cannot connect to %s: %s", url, address, exc)
            last = exc
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: request failed: {_describe(exc)}") from exc
    if isinstance(last, httpx.ConnectTimeout) or last is None:
        raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)")
    raise FetchFailed(f"{url}: cannot connect: {_describe(last)}")


def _read(
    url: str, final_url: str, response: httpx.Response, settings: Settings, accept: Accept, deadline: float
) -> Fetched:
    status = response.status_code
    if status >= 400 or status < 200:
        raise FetchFailed(f"{url}: HTTP {status} {response.reason_phrase}".rstrip())
    content_type, charset = _media_type(response.headers.get("content-type"))
    if not _type_ok(content_type, accept):
        raise WrongContentType(f"{url}: expected {_expected(accept)}, got content type {content_type}")
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > settings.fetch_max_bytes:
        raise ResponseTooLarge(
            f"{url}: response too large: {int(declared)} bytes announced, "
            f"limit is {settings.fetch_max_bytes} (setting fetch_max_bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        # Decoded bytes are counted, so a small gzip body that inflates enormously is cut too.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > settings.fetch_max_bytes:
                raise ResponseTooLarge(
                    f"{url}: response too large: more than {settings.fetch_max_bytes} bytes "
                    f"(setting fetch_max_bytes)"
                )
            # A read returns within the read timeout, but a server sending a byte just before
            # each timeout could go on forever; this bounds the whole transfer (overshoot at
            # most one read timeout).
            if time.monotonic() > deadline:
                raise FetchFailed(
                    f"{url}: timed out after {_secs(settings.fetch_timeout)} s while receiving "
                    f"the body (setting fetch_timeout)"
                )
            chunks.append(chunk)
    except httpx.TimeoutException as exc:
        raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"{url}: transfer failed: {_describe(exc)}") from exc
    return Fetched(
        url=url,
        final_url=final_url,
        status=status,
        content_type=content_type,
        charset=charset,
        headers=dict(response.headers.items()),
        body=b"".join(chunks),
    )


def _secs(value: float) -> str:
    return f"{value:g}"


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- articles ---------------------------------------------------------------------------------


def _decoded_by_header(fetched: Fetched) -> str | None:
    """The body decoded with the charset of the Content-Type header, or None to let the page decide.

    The HTML standard ranks a byte-order mark above the HTTP header, and the header above the
    page's own ``<meta charset>``.
    """
    if not fetched.charset or bom_encoding(fetched.body) is not None:
        return None
    try:
        codecs.lookup(fetched.charset)
        return fetched.body.decode(fetched.charset)
    except (LookupError, UnicodeDecodeError):
        log.debug("%s: body does not decode as its declared %s", fetched.url, fetched.charset)
        return None


def article_from_fetched(fetched: Fetched, settings: Settings) -> Article:
    """The article in a fetched HTML page (``url`` = where it ended, ``origin`` = what was asked)."""
    from storylens.ingest.html import article_from_html

    check_not_binary(fetched.body)
    text = _decoded_by_header(fetched)
    article = article_from_html(
        fetched.body if text is None else text, origin=fetched.url, settings=settings, url=fetched.final_url
    )
    meta = dict(article.meta)
    if text is not None:
        meta["encoding"] = fetched.charset
    if fetched.final_url != fetched.url:
        meta["requested_url"] = fetched.url
    meta["fetched_url"] = fetched.final_url
    return dataclasses.replace(article, meta=meta)


def article_from_url(url: str, settings: Settings, *, client: httpx.Client | None = None) -> Article:
    """Fetch ``url`` and return the article in it; raises an :class:`IngestError` subclass."""
    return article_from_fetched(fetch(url, settings, accept="html", client=client), settings)


def read_url(
    url: str,
    settings: Settings,
    *,
    known: Callable[[str], Article | None] | None = None,
    client: httpx.Client | None = None,
) -> Iterator[Article | Skipped]:
    """What one URL argument holds: an article (HTML) or a feed's articles, fetched once.

    A failure yields a :class:`Skipped` for ``url``; the feed's own entries are skipped one by one.
    """
    from storylens.ingest.feed import read_feed_bytes

    own = client is None
    http = new_client(settings) if client is None else client
    try:
        try:
            fetched = fetch(url, settings, accept="any", client=http)
            if is_feed_type(fetched.content_type) or (
                fetched.content_type not in HTML_TYPES and looks_like_feed(fetched.body)
            ):
                items: Iterator[Article | Skipped] = read_feed_bytes(
                    fetched.body, source=url, settings=settings, known=known or _never, client=http
                )
            elif fetched.content_type in HTML_TYPES or not fetched.content_type:
                items = iter([article_from_fetched(fetched, settings)])
            else:
                raise WrongContentType(
                    f"{url}: expected an HTML page or an RSS/Atom feed, got content type {fetched.content_type}"
                )
            yield from items
        except IngestError as exc:
            log.warning("skipped %s: %s", url, exc.reason)
            yield Skipped(source=url, reason=exc.reason)
    finally:
        if own:
            http.close()


def _never(url: str) -> Article | None:
    return None
