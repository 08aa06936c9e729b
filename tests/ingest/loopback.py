"""A loopback HTTP server for tests: routes with a status, headers and body, and misbehaviours.

Usage: import the ``loopback`` fixture into a test module (``from tests.ingest.loopback import
loopback``), add routes with ``loopback.add("/page", Route.html(b"..."))`` and fetch
``loopback.url("/page")``. The server listens on 127.0.0.1 on a free port; it records every
request it receives (``loopback.requests``) so tests can check that a refused URL was never
requested. Fetching it needs ``allow_private=True``.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

__all__ = ["Route", "Loopback", "Request", "loopback"]


@dataclass(frozen=True)
class Route:
    """What the server answers on one path.

    ``delay``: seconds to wait before answering at all (a hanging server).
    ``trickle``: send the body one byte at a time with this pause; with ``endless`` the bytes
    never stop (until the server is stopped). ``gzip``: compress the body and say so.
    ``content_length``: the Content-Length to announce (None: the body's true length;
    -1: none, the body ends when the connection closes).
    """

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    delay: float = 0.0
    trickle: float | None = None
    endless: bool = False
    gzip: bool = False
    content_length: int | None = None

    @classmethod
    def html(cls, body: bytes | str, *, content_type: str = "text/html; charset=utf-8", **kw: object) -> Route:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return cls(body=data, headers=(("Content-Type", content_type),), **kw)  # type: ignore[arg-type]

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Route:
        return cls(status=status, headers=(("Location", location),) if location else ())


@dataclass(frozen=True)
class Request:
    """A request the server received."""

    path: str
    headers: dict[str, str]


@dataclass
class Loopback:
    """The running server: its base URL, its routes and the requests it has seen."""

    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def paths_requested(self) -> list[str]:
        return [r.path for r in self.requests]


def _handler(state: Loopback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request a connection, and a body without Content-Length ends at close.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            state.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = state.routes.get(self.path, Route(status=404, body=b"not found", headers=(("Content-Type", "text/plain"),)))
            if route.delay and state.stopping.wait(route.delay):
                return
            body = gzip.compress(route.body) if route.gzip else route.body
            try:
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                length = len(body) if route.content_length is None else route.content_length
                if length >= 0 and not route.endless:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                if route.trickle is None:
                    self.wfile.write(body)
                    return
                self.wfile.flush()
                pos = 0
                while not state.stopping.is_set():
                    if pos >= len(body) and not route.endless:
                        return
                    self.wfile.write(body[pos : pos + 1] if pos < len(body) else b" ")
                    self.wfile.flush()
                    pos += 1
                    if state.stopping.wait(route.trickle):
                        return
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up, as it should

    return Handler


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A fresh loopback server for one test, stopped (hanging handlers released) afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Loopback(base=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(state)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
