"""Web pages by URL: a careful HTTP fetcher, and the article in the page it fetched.

:func:`fetch` is the only place storylens talks to the network. It fetches http(s) URLs only,
resolves every host itself and refuses private, loopback, link-local, multicast, reserved and
unspecified addresses (unless ``settings.allow_private``), then connects to exactly the address
it checked, so a DNS answer that changes between the check and the connection (DNS rebinding)
cannot redirect it. Addresses that embed an IPv4 address (6to4, Teredo, NAT64, IPv4-mapped)
are judged by the address they embed. Redirects are followed by hand, each hop checked again.
Bodies are streamed and content-decoded here, one bounded piece at a time, each layer of
``Content-Encoding`` cut off above ``settings.fetch_max_bytes``; ``settings.fetch_timeout``
bounds the whole fetch, headers included (the connection is shut when it passes), so a server
that trickles bytes forever cannot hold up a batch.

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
import threading
import time
import zlib
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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the IPv4 is the last 32 bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: for one operator's own networks


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address leads to (a translator or tunnel delivers there)."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:
        server, client = address.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    if address in _NAT64:
        found.append(("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    return found


def _address_problem(address: IPAddress) -> str | None:
    """What kind of non-public address ``address`` is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return "a local-use NAT64 address"
        for how, inner in _embedded_ipv4(address):
            problem = _address_problem(inner)
            if problem is not None:
                return f"{problem} ({how} of {inner})" if how != "IPv4-mapped" else problem
        if address in _NAT64:
            return None  # a translator's address for a public IPv4 host (what DNS64 answers)
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
            return f"{name} address"
    if not address.is_global:  # e.g. carrier-grade NAT 100.64.0.0/10
        return "a non-public address"
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
                    f"{url}: refused: {shown} is {problem} (set allow_private to fetch it)"
                )
    return parsed, addresses


# --- fetching ---------------------------------------------------------------------------------


def new_client(settings: Settings) -> httpx.Client:
    """An httpx client set up as :func:`fetch` expects: no environment proxies, no auto-redirects."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ", ".join(_DECODERS)},
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(settings.fetch_timeout),
        # a new connection per request: the deadline watches the socket each request opens
        limits=httpx.Limits(max_keepalive_connections=0),
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
    with _Deadline(time.monotonic() + settings.fetch_timeout) as deadline:
        try:
            return _follow(url, settings, accept, client, deadline)
        except FetchError:
            raise
        except (httpx.HTTPError, OSError) as exc:
            if deadline.expired:
                raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)") from exc
            raise FetchFailed(f"{url}: transfer failed: {_describe(exc)}") from exc


class _Deadline:
    """The end of a fetch's time: when it passes, the socket of the request in flight is shut.

    httpx's timeouts bound each read, so a server sending one header byte a second would hold a
    request forever; shutting the socket ends whatever read is waiting. The socket is learned
    from httpcore's ``trace`` extension when each connection opens.
    """

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def trace(self, event: str, info: Mapping[str, object]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None  # type: ignore[attr-defined]
            if isinstance(sock, socket.socket):
                with self._lock:
                    self._sockets.append(sock)
                    late = self.expired
                if late:
                    _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed: nothing left to stop
        pass


def _follow(url: str, settings: Settings, accept: Accept, client: httpx.Client, deadline: _Deadline) -> Fetched:
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
    deadline: _Deadline,
) -> httpx.Response:
    """Send the request to the first of the checked ``addresses`` that accepts a connection."""
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded, as DNS, Host and SNI want it
    default_port = 443 if parsed.scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    if parsed.port is not None and parsed.port != default_port:
        host_header = f"{host_header}:{parsed.port}"
    last: Exception | None = None
    for address in addresses:
        remaining = deadline.remaining()
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
            extensions={**extensions, "trace": deadline.trace},
        )
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            log.debug("%s: cannot connect to %s: %s", url, address, exc)
            last = exc
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)") from exc
        except httpx.HTTPError as exc:
            if deadline.expired:
                raise FetchFailed(
                    f"{url}: timed out after {_secs(settings.fetch_timeout)} s while receiving the headers "
                    "(setting fetch_timeout)"
                ) from exc
            raise FetchFailed(f"{url}: request failed: {_describe(exc)}") from exc
    if isinstance(last, httpx.ConnectTimeout) or last is None:
        raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)")
    raise FetchFailed(f"{url}: cannot connect: {_describe(last)}")


def _read(
    url: str, final_url: str, response: httpx.Response, settings: Settings, accept: Accept, deadline: _Deadline
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
    layers = _content_codings(url, response.headers.get_list("content-encoding", split_commas=True))
    chunks: list[bytes] = []
    try:
        for chunk in _decoded(url, response.iter_raw(), layers, settings.fetch_max_bytes):
            # A read returns within the read timeout, and the deadline shuts the socket; this
            # check stops a body that arrives just in time chunk after chunk.
            if deadline.remaining() < 0:
                raise FetchFailed(
                    f"{url}: timed out after {_secs(settings.fetch_timeout)} s while receiving "
                    f"the body (setting fetch_timeout)"
                )
            chunks.append(chunk)
        if deadline.expired:
            # the shut socket can look like the end of a body that is ended by closing
            raise FetchFailed(
                f"{url}: timed out after {_secs(settings.fetch_timeout)} s while receiving "
                f"the body (setting fetch_timeout)"
            )
    except httpx.TimeoutException as exc:
        raise FetchFailed(f"{url}: timed out after {_secs(settings.fetch_timeout)} s (setting fetch_timeout)") from exc
    except httpx.HTTPError as exc:
        if deadline.expired:
            raise FetchFailed(
                f"{url}: timed out after {_secs(settings.fetch_timeout)} s while receiving the body "
                "(setting fetch_timeout)"
            ) from exc
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


# --- content decoding ---------------------------------------------------------------------------

# zlib window bits: 16 + 15 reads a gzip member, 15 a zlib stream, -15 raw deflate (some servers
# send raw deflate under "deflate"; it is tried when the zlib header is wrong).
_DECODERS = {"gzip": 31, "deflate": 15}
_ALIASES = {"x-gzip": "gzip"}
# Output of one decompress call: memory per layer stays near this however dense the input.
_PIECE = 1 << 16
# More layers than this is not a server being careful, it is a server being hostile.
_MAX_LAYERS = 3


def _content_codings(url: str, values: list[str]) -> list[str]:
    """The codings to undo, in the order to undo them (the last applied first)."""
    codings = [_ALIASES.get(v.strip().lower(), v.strip().lower()) for v in values]
    codings = [c for c in codings if c and c != "identity"]
    unknown = [c for c in codings if c not in _DECODERS]
    if unknown:
        raise FetchFailed(f"{url}: unsupported Content-Encoding {', '.join(unknown)}")
    if len(codings) > _MAX_LAYERS:
        raise FetchFailed(f"{url}: refused: {len(codings)} layers of Content-Encoding, at most {_MAX_LAYERS} are read")
    return codings[::-1]


class _Layer:
    """One content coding being undone, in bounded pieces, with a bound on what it may produce."""

    def __init__(self, url: str, coding: str, limit: int) -> None:
        self.url, self.coding, self.limit = url, coding, limit
        self.out = 0
        self.first = True
        self.inflater = zlib.decompressobj(_DECODERS[coding])

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                piece = self.inflater.decompress(data, _PIECE)
            except zlib.error as exc:
                if not (self.first and self.coding == "deflate"):
                    raise FetchFailed(f"{self.url}: damaged {self.coding} data: {exc}") from exc
                self.inflater = zlib.decompressobj(-15)  # raw deflate without the zlib header
                piece = self.inflater.decompress(data, _PIECE)
            self.first = False
            data = self.inflater.unconsumed_tail
            yield from self._counted(piece)
            if self.inflater.eof:
                return  # bytes after the end of the stream are not part of the body

    def finish(self) -> Iterator[bytes]:
        yield from self._counted(self.inflater.flush(_PIECE))

    def _counted(self, piece: bytes) -> Iterator[bytes]:
        if not piece:
            return
        self.out += len(piece)
        if self.out > self.limit:
            raise ResponseTooLarge(
                f"{self.url}: response too large: more than {self.limit} bytes once {self.coding}-decoded "
                "(setting fetch_max_bytes)"
            )
        yield piece


def _decoded(url: str, raw: Iterator[bytes], codings: list[str], limit: int) -> Iterator[bytes]:
    """The body with every content coding undone; each layer's output is bounded by ``limit``,
    and so is the raw body, so no layer can multiply the next one's work unseen."""
    layers = [_Layer(url, coding, limit) for coding in codings]

    def through(data: bytes, k: int) -> Iterator[bytes]:
        if k == len(layers):
            yield data
            return
        for piece in layers[k].feed(data):
            yield from through(piece, k + 1)

    def flushed(k: int) -> Iterator[bytes]:
        if k == len(layers):
            return
        for piece in layers[k].finish():
            yield from through(piece, k + 1)
        yield from flushed(k + 1)

    size = 0
    for chunk in raw:
        size += len(chunk)
        if size > limit:
            raise ResponseTooLarge(
                f"{url}: response too large: more than {limit} bytes (setting fetch_max_bytes)"
            )
        yield from through(chunk, 0)
    yield from flushed(0)


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
