"""The library on real articles: does adding articles to a library give what a batch run gives?

    python -m bench.library_update [--new 15] [--store-all FILE]

Takes the 150 BASIL articles (50 stories x 3 outlets, dated 2010-2014), builds a library of
all but ``--new`` of them, adds the rest in one update, and compares the result story by story
with a library built from all 150 at once in the same order (a batch run: a batch report
depends on the order of its input, e.g. which outlet's sentence words a fact, so the batch gets
the articles in the order the growing library received them). Prints how many stories were
compared again, how long the update took, and whether every story's report is identical.
Not part of the CI floors.
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import time
from pathlib import Path
from typing import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", type=int, default=15, help="articles added in the second update")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    from bench.grouping import load_articles
    from storylens.library import add_articles, library_report
    from storylens.render.json import report_to_dict
    from storylens.settings import Settings
    from storylens.store import Store

    articles, _ = load_articles()
    settings = Settings()
    late = set(random.Random(12).sample(range(len(articles)), args.new))
    first = [a for k, a in enumerate(articles) if k not in late]
    second = [a for k, a in enumerate(articles) if k in late]
    folder = Path(tempfile.mkdtemp())

    with Store.open(folder / "grown.sqlite") as store:
        t0 = time.perf_counter()
        add_articles(store, first, settings)
        print(f"first {len(first)}: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        update = add_articles(store, second, settings)
        took = time.perf_counter() - t0
        grown = {s["id"]: s for s in report_to_dict(library_report(store), with_text=True)["stories"]}
        n_stories = store.count_stories()
    with Store.open(folder / "all.sqlite") as store:
        t0 = time.perf_counter()
        add_articles(store, first + second, settings)
        print(f"all {len(articles)} at once, in that order: {time.perf_counter() - t0:.1f} s")
        batch = {s["id"]: s for s in report_to_dict(library_report(store), with_text=True)["stories"]}
    same = sum(1 for k, v in grown.items() if batch.get(k) == v)
    print(
        f"then {len(second)} new: {took:.1f} s; grouped again {update.pool} articles, compared "
        f"{len(update.compared)} of {n_stories} stories, reused {len(update.reused)}, removed {len(update.removed)}"
    )
    print(f"stories identical to the batch library: {same} of {len(batch)} "
          f"(stories only in one of them: {len(set(grown) ^ set(batch))})")


if __name__ == "__main__":
    main()
