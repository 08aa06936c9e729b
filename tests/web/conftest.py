"""A library built once per test session (the demo corpus without Harbour FM, plus one hostile
article), a fresh copy of it per test that writes, and a real server on loopback."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from storylens.ingest import make_article, read_inputs
from storylens.library import add_articles
from storylens.model import Article, Outlet
from storylens.settings import Settings
from storylens.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HARBOUR = EXAMPLES / "harbour-fm.jsonl"

# A title and a body that try every way of getting script into a page: they must show as text.
HOSTILE_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE_TEXT = (
    'Mayor Ines Varga of Lowmere opened the new river footbridge on Saturday, the council said. '
    '"</p><script>window.__pwned = 3</script>" was painted on the old bridge before it was removed. '
    "Engineers said the footbridge <svg onload=\"window.__pwned = 4\"> cost 2.1 million pounds and "
    "took eleven months to build. Cyclists and walkers crossed it within minutes of the ribbon "
    "being cut, and the ferry that carried them for a century will stop next month."
)


def demo_articles() -> list[Article]:
    paths = sorted(str(p) for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".jsonl") and p != HARBOUR)
    return [a for a in read_inputs(paths, Settings()) if isinstance(a, Article)]


def hostile_article() -> Article:
    from datetime import datetime, timezone

    return make_article(
        HOSTILE_TEXT, outlet=Outlet("Lowmere <b>Echo</b>"), title=HOSTILE_TITLE,
        published=datetime(2025, 6, 1, 9, 0, tzinfo=timezone.utc), origin="tests/hostile",
    )


@pytest.fixture(scope="session")
def library_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("web") / "library.sqlite"
    with Store.open(path) as store:
        add_articles(store, demo_articles() + [hostile_article()], Settings())
    return path


def copy_store(src: Path, dst: Path) -> Path:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()
    return dst


@pytest.fixture
def library_copy(tmp_path, library_db) -> Path:
    return copy_store(library_db, tmp_path / "copy.sqlite")


class LoopbackServer:
    """uvicorn serving an app on 127.0.0.1 (a free port) in a thread, stopped on close."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()


@pytest.fixture
def serve() -> Iterator:
    """serve(store_path) -> a running LoopbackServer; all are stopped after the test."""
    from storylens.web import create_app

    servers: list[LoopbackServer] = []

    def start(path: Path, **kw) -> LoopbackServer:  # type: ignore[no-untyped-def]
        server = LoopbackServer(create_app(path, **kw)).__enter__()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.__exit__()
