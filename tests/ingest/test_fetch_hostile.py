"""Issue 11 items 5, 6 and 9: hostile servers on loopback, and addresses that smuggle a private
IPv4 address inside an IPv6 one."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from storylens.ingest import web
from storylens.ingest.web import FetchFailed, FetchRefused, ResponseTooLarge, fetch
from storylens.settings import Settings
from tests.ingest.loopback import Loopback, Route, loopback  # noqa: F401  (the fixture)

LOCAL = Settings(allow_private=True, fetch_timeout=5.0, fetch_max_bytes=1_000_000)
PAGE = b"<html><body><p>" + b"The pier closed on Monday. " * 40 + b"</p></body></html>"


def _gzip_stream(size: int, piece: int = 1 << 20) -> bytes:
    """gzip of ``size`` zero bytes, made without holding them."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [z.compress(b"\0" * piece) for _ in range(size // piece)]
    return b"".join(out) + z.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    # 400 MB of zeros, gzipped twice: about 1.3 kB on the wire
    return gzip.compress(_gzip_stream(400_000_000), 9)


def test_stacked_gzip_is_cut_per_layer_without_inflating_it(loopback: Loopback, bomb: bytes):
    url = loopback.add("/bomb", Route(body=bomb, headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip, gzip"))))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge, match="once gzip-decoded"):
            fetch(url, LOCAL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the old path decoded each network chunk whole: one call produced the 400 MB
    assert peak < 20_000_000, f"peak {peak} bytes while decoding"


@pytest.mark.parametrize(
    "encoding, body",
    [
        ("gzip, gzip", gzip.compress(gzip.compress(PAGE))),
        ("gzip,deflate", zlib.compress(gzip.compress(PAGE))),
        ("deflate", zlib.compress(PAGE)),
        ("deflate", zlib.compress(PAGE)[2:-4]),  # raw deflate, as some servers send it
        ("x-gzip", gzip.compress(PAGE)),
        ("identity", PAGE),
    ],
)
def test_stacked_and_alternative_codings_are_read(loopback: Loopback, encoding: str, body: bytes):
    url = loopback.add("/p", Route(body=body, headers=(("Content-Type", "text/html"), ("Content-Encoding", encoding))))
    assert fetch(url, LOCAL).body == PAGE


@pytest.mark.parametrize(
    "encoding, body, words",
    [
        ("br", b"\x0b\x02\x80", "unsupported Content-Encoding br"),
        ("gzip, gzip, gzip, gzip", PAGE, "4 layers of Content-Encoding"),
        ("gzip", b"\x1f\x8b\x08\x00garbage that is not deflate", "damaged gzip data"),
    ],
)
def test_bad_codings_are_clear_failures(loopback: Loopback, encoding: str, body: bytes, words: str):
    url = loopback.add("/p", Route(body=body, headers=(("Content-Type", "text/html"), ("Content-Encoding", encoding))))
    with pytest.raises(FetchFailed, match=words):
        fetch(url, LOCAL)


@pytest.fixture
def header_trickler() -> Iterator[str]:
    """A server that sends its status line and then one header byte every 0.1 s, forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    def trickle(conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.1):
                conn.sendall(b"X")
        except OSError:
            pass
        finally:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/slow"
    finally:
        stop.set()
        thread.join(5)
        server.close()


def test_trickled_headers_end_at_the_fetch_timeout(header_trickler: str):
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"timed out after 1 s while receiving the headers"):
        fetch(header_trickler, Settings(allow_private=True, fetch_timeout=1.0))
    # the read timeout alone (1 s per read) never fires: a byte comes every 0.1 s
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "address, words",
    [
        ("2002:7f00:1::", "a loopback address (6to4 of 127.0.0.1)"),
        ("2002:a00:5::1", "a private address (6to4 of 10.0.0.5)"),
        ("2002:a9fe:a9fe::", "a link-local address (6to4 of 169.254.169.254)"),
        ("64:ff9b::7f00:1", "a loopback address (NAT64 of 127.0.0.1)"),
        ("64:ff9b::c0a8:114", "a private address (NAT64 of 192.168.1.20)"),
        ("64:ff9b:1::a00:5", "a local-use NAT64 address"),
        # Teredo: server 65.54.227.120 (public), client 10.0.0.5 stored inverted
        ("2001:0:4136:e378:8000:63bf:f5ff:fffa", "a private address (Teredo client of 10.0.0.5)"),
        ("2001:0:a00:5::1", "a private address (Teredo server of 10.0.0.5)"),
        ("::ffff:127.0.0.1", "a loopback address"),
    ],
)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused_before_connecting(
    loopback: Loopback, monkeypatch: pytest.MonkeyPatch, address: str, words: str
):
    loopback.add("/x", Route.html(PAGE))
    monkeypatch.setattr(web, "_resolve", lambda host, port: [ipaddress.ip_address(address)])
    with pytest.raises(FetchRefused) as info:
        fetch(f"http://outlet.test:{loopback.port}/x", Settings())
    assert words in info.value.reason
    assert loopback.requests == []


@pytest.mark.parametrize("address", ["2002:5db8:d822::1", "64:ff9b::5db8:d822", "2606:4700::6810:84e5", "93.184.216.34"])
def test_ipv6_forms_of_public_addresses_pass(address: str):
    assert web._address_problem(ipaddress.ip_address(address)) is None
