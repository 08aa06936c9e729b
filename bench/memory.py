"""Peak memory and time of `storylens analyze` at the limits: many articles, and the largest one.

Each run is the CLI in a child process on a JSONL file written from :mod:`bench.newsgen`; the
peak is the resident memory of the child and all its workers together, sampled every 0.2 s.

    python -m bench.memory many --n 10000      # n generated articles (events of 2-4 outlets)
    python -m bench.memory largest             # one article of max_chars characters
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Sequence

from bench.newsgen import records, long_text
from bench.speed import _tree_rss_mb
from storylens.settings import Settings

__all__ = ["run_cli", "main"]


def run_cli(rows: Sequence[dict[str, Any]], *args: str) -> dict[str, Any]:
    """Wall seconds, peak MiB of the process tree, exit status and counts of one analyze run."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
        out = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "storylens.cli", "analyze", str(path), "--format", "json", "-q", *args]
        peak = [0.0]
        started = time.monotonic()
        with out.open("w") as sink:
            child = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE, text=True)
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.2):
                    peak[0] = max(peak[0], _tree_rss_mb(child.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            _, err = child.communicate()
            done.set()
            sampler.join()
        seconds = time.monotonic() - started
        report = json.loads(out.read_text(encoding="utf-8")) if out.stat().st_size else {"stories": [], "skipped": []}
    return {
        "seconds": round(seconds, 1),
        "peak_mib": round(peak[0]),
        "exit": child.returncode,
        "articles": sum(len(s["articles"]) for s in report["stories"]),
        "stories": len(report["stories"]),
        "failed_stories": sum(1 for s in report["stories"] if s.get("failed")),
        "facts": sum(len(s["facts"]) for s in report["stories"]),
        "skipped": len(report["skipped"]),
        "stderr_tail": err.strip().splitlines()[-1:] if err.strip() else [],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("many", "largest"))
    parser.add_argument("--n", type=int, default=10_000, help="many: articles")
    # any other argument goes to storylens analyze (e.g. --workers 1)
    args, cli = parser.parse_known_args(argv)
    if args.what == "many":
        rows = records(args.n)
        label = f"{args.n} generated articles"
    else:
        size = Settings().max_chars
        rows = [{"outlet": "Long Read", "title": "A long digest", "published": "2024-05-06T09:00:00+00:00",
                 "text": long_text(size)}]
        label = f"one article of {len(rows[0]['text'])} characters (max_chars {size})"
    result = run_cli(rows, *cli)
    print(f"{label}: {json.dumps(result)}", flush=True)


if __name__ == "__main__":
    main()
