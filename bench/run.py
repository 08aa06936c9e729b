"""Run the quality benchmarks and hold each score to its floor in ``bench/baseline.json``.

    python -m bench.run            # measure, print a table, exit 1 if a score is below its floor
    python -m bench.run --only timex

A floor is the score committed when it was last measured, less a small margin for noise; raise
it when a score rises. Speed is not measured here (see bench/speed.py).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

__all__ = ["BENCHMARKS", "check", "main"]

BASELINE = Path(__file__).resolve().parent / "baseline.json"

# name -> module with measure() -> {metric: value}
BENCHMARKS = {
    "extraction": "bench.extraction",
    "timex": "bench.timex",
    "grouping": "bench.grouping",
    "attribution": "bench.attribution",
    "quotes": "bench.quotes",
    "infobias": "bench.infobias",
    "nanco": "bench.nanco",
    "stance": "bench.stance",
    "alignment": "bench.alignment",
    "mrpc": "bench.mrpc",
}


def check(results: dict[str, dict[str, float]], floors: dict[str, dict[str, float]]) -> list[str]:
    """Every metric with a floor that is missing or below it."""
    failures = []
    for bench, metrics in floors.items():
        for metric, floor in metrics.items():
            got = results.get(bench, {}).get(metric)
            if got is None:
                failures.append(f"{bench}.{metric}: not measured (floor {floor})")
            elif got < floor:
                failures.append(f"{bench}.{metric}: {got:.4f} is below its floor {floor}")
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS))
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["floors"]
    names = args.only or list(BENCHMARKS)
    results: dict[str, dict[str, float]] = {}
    for name in names:
        t0 = time.perf_counter()
        results[name] = importlib.import_module(BENCHMARKS[name]).measure()
        took = time.perf_counter() - t0
        for metric, value in results[name].items():
            floor = floors.get(name, {}).get(metric)
            mark = "" if floor is None else f"  (floor {floor})"
            print(f"{name:12s} {metric:18s} {value:8.4f}{mark}")
        print(f"{name:12s} {'seconds':18s} {took:8.1f}")
    failures = check(results, {k: v for k, v in floors.items() if k in names})
    for f in failures:
        print("BELOW FLOOR:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
