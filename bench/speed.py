"""Speed and memory of the whole pipeline on real articles (not part of the CI floors).

Runs ``storylens.analyze_articles`` over the 150 BASIL articles (50 stories x 3 outlets) and
reports wall time per stage group, articles per second and peak resident memory.

    python -m bench.speed [--limit N] [--store]
"""

from __future__ import annotations

import argparse
import logging
import resource
import time
from pathlib import Path
from typing import Sequence

from bench.grouping import load_articles

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--store", action="store_true", help="run twice through a fresh SQLite store")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    import storylens
    from storylens.understand.embed import get_embedder
    from storylens.understand.nlp import get_nlp

    t0 = time.perf_counter()
    get_nlp()
    get_embedder("minilm")
    load_s = time.perf_counter() - t0

    articles, _ = load_articles()
    articles = articles[: args.limit] if args.limit else articles
    chars = sum(len(a.text) for a in articles)
    store_kw = {}
    if args.store:
        import tempfile

        store_kw = {"store": str(Path(tempfile.mkdtemp()) / "speed.sqlite")}
    t1 = time.perf_counter()
    report = storylens.analyze_articles(articles, **store_kw)
    run_s = time.perf_counter() - t1
    if args.store:
        t2 = time.perf_counter()
        storylens.analyze_articles(articles, **store_kw)
        print(f"second run through the store: {time.perf_counter() - t2:.1f} s")
    facts = sum(len(s.facts) for s in report.stories)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"models loaded in {load_s:.1f} s")
    print(
        f"{len(articles)} articles ({chars / 1e6:.2f} M chars) -> {len(report.stories)} stories, {facts} facts "
        f"in {run_s:.1f} s: {len(articles) / run_s:.1f} articles/s; peak RSS {rss_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
