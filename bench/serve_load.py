"""Load benchmark of the web app on loopback: story pages and searches, 20 concurrent clients.

    python -m bench.serve_load [--store FILE] [--clients 20] [--requests 1000] [--seconds 60]

Builds a library of the 150 BASIL articles (50 stories x 3 outlets, read in place from
``../shared/bench/cross-outlet-basil``) unless ``--store`` names one already built, starts
``storylens serve`` on 127.0.0.1 in its own process, and sends each scenario's requests from
``--clients`` concurrent clients (asyncio + httpx) in this process. Every loop is bounded by a
request count and by time; nothing leaves 127.0.0.1. Prints, per scenario, requests, errors,
throughput and latency percentiles. Not part of the CI floors (speed is measured, not gated).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

__all__ = ["main", "build_library", "percentile"]

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the only address this benchmark ever talks to


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(q / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def build_library(path: Path) -> float:
    """Add the 150 BASIL articles to a new library at ``path``; returns the seconds it took."""
    from bench.grouping import load_articles
    from storylens.library import add_articles
    from storylens.settings import Settings
    from storylens.store import Store

    articles, _ = load_articles()
    t0 = time.perf_counter()
    with Store.open(path) as store:
        add_articles(store, articles, Settings())
    return time.perf_counter() - t0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _start_server(store: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen(
        [sys.executable, "-m", "storylens.cli", "serve", "--store", str(store), "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
    )


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(url + "/api/stories?limit=1", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


async def _scenario(base: str, paths: list[str], clients: int, requests: int, seconds: float) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    sent = 0
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(k: int) -> None:
            nonlocal errors, sent
            rng = random.Random(k)
            while sent < requests and time.monotonic() < stop_at:
                sent += 1
                path = rng.choice(paths)
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    await r.aread()
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += 0 if ok else 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        wall = time.perf_counter() - t0
    return {
        "requests": float(len(latencies)),
        "errors": float(errors),
        "seconds": wall,
        "per_second": len(latencies) / wall if wall else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }


def _search_words(titles: Sequence[str], n: int = 40) -> list[str]:
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)})
    return random.Random(7).sample(words, min(n, len(words)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a library already built (default: build one from BASIL)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="requests per scenario (upper bound)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time per scenario (upper bound)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    store = args.store
    if store is None or not store.exists():
        store = store or Path(tempfile.mkdtemp()) / "basil.sqlite"
        print(f"building the library of the 150 BASIL articles in {store} ...", flush=True)
        print(f"  built in {build_library(store):.1f} s", flush=True)

    from storylens.store import Store

    with Store.open(store) as s:
        summaries, total = s.list_stories(limit=500)
    ids = [x.id for x in summaries]
    words = _search_words([x.title for x in summaries])
    print(f"library: {total} stories; {args.clients} clients; at most {args.requests} requests or "
          f"{args.seconds:.0f} s per scenario; server and clients share this machine's {os.cpu_count()} cores")

    port = _free_port()
    base = f"http://{HOST}:{port}"
    proc = _start_server(store, port)
    try:
        _wait_ready(base, proc)
        scenarios = {
            "story page (HTML)": [f"/stories/{i}" for i in ids],
            "story (JSON API)": [f"/api/stories/{i}" for i in ids],
            "search page (HTML)": [f"/search?q={w}" for w in words],
            "stories list filtered by words": [f"/?q={w}" for w in words],
        }
        # one warm-up pass so that every scenario measures a running server, not first imports
        asyncio.run(_scenario(base, [p for ps in scenarios.values() for p in ps[:3]], 2, 20, 20))
        print(f"{'scenario':32} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        for name, paths in scenarios.items():
            r = asyncio.run(_scenario(base, paths, args.clients, args.requests, args.seconds))
            print(f"{name:32} {r['requests']:8.0f} {r['errors']:6.0f} {r['per_second']:7.1f} "
                  f"{r['p50_ms']:7.0f} {r['p95_ms']:7.0f} {r['p99_ms']:7.0f}", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
