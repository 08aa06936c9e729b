"""The local engine: the per-article and per-story stages on a pool of worker processes.

With ``workers`` 1, or too little work to pay for starting processes, everything runs in the
calling process. Otherwise a pool of ``workers`` processes each loads spaCy and the embedder at
most once and runs the tasks of :mod:`storylens.engine.tasks`; results come back in input order.

The workers are forked: a spawned or forkserver worker re-imports the caller's main module,
which breaks any script that calls :func:`storylens.analyze` without an ``if __name__ ==
"__main__"`` guard. Forking is what spaCy's own ``n_process`` does; the workers never touch the
caller's store connection (only the caller reads and writes the store).

Starting a worker costs about as much as parsing 10-15 articles (importing spaCy and loading
the pipeline, measured 2-3 s on the 2-core dev machine), hence the minimum amounts of work below
which a stage stays in-process. They change where the work runs, never what it computes.
"""

from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import numpy as np

from storylens.engine import tasks
from storylens.engine.tasks import CompareJob
from storylens.model import Article, ArticleAnalysis, Skipped, StoryReport
from storylens.settings import Settings

__all__ = ["LocalEngine", "available_cores", "ARTICLES_PER_TASK"]

log = logging.getLogger(__name__)

# Articles per understand task: spaCy pipes them in one batch of 8 in the worker, and a result
# (analyses of 8 articles) pickles in a few milliseconds.
ARTICLES_PER_TASK = 8
# Below these amounts a stage runs in-process (see the module docstring).
MIN_ARTICLES = 24
MIN_EMBED_BATCHES = 16
MIN_STORIES = 8

_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"

_T = TypeVar("_T")
_R = TypeVar("_R")


def _batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    stream = iter(items)
    while batch := list(itertools.islice(stream, size)):
        yield batch


def _bounded_map(
    pool: Executor, fn: Callable[[_T, Settings], _R], items: Iterable[_T], settings: Settings, in_flight: int
) -> Iterator[_R]:
    """``fn(item, settings)`` in the pool for each item, in input order, taking the next item
    from ``items`` only when fewer than ``in_flight`` are pending."""
    pending: collections.deque[Future[_R]] = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item, settings))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LocalEngine:
    """Runs the stage tasks in this process or in a pool of processes (see the module docstring)."""

    name = "local"

    def __init__(
        self,
        settings: Settings,
        *,
        min_articles: int | None = None,
        min_embed_batches: int | None = None,
        min_stories: int | None = None,
    ) -> None:
        self.settings = settings
        self.workers = settings.workers if settings.workers > 0 else available_cores()
        self._min = {
            "understand": MIN_ARTICLES if min_articles is None else min_articles,
            "embed": MIN_EMBED_BATCHES if min_embed_batches is None else min_embed_batches,
            "compare": MIN_STORIES if min_stories is None else min_stories,
        }
        self._pool: ProcessPoolExecutor | None = None

    # --- the stages ---------------------------------------------------------------------------

    def understand(self, articles: Iterable[Article]) -> Iterator[ArticleAnalysis | Skipped]:
        """Analyses in input order. ``articles`` may be a stream (a reader's generator): it is
        read as the workers take it, with a few batches in flight, never all at once."""
        stream = iter(articles)
        head = list(itertools.islice(stream, self._min["understand"]))
        if self.workers > 1 and (self._pool is not None or len(head) >= self._min["understand"]):
            batches = _batched(itertools.chain(head, stream), ARTICLES_PER_TASK)
            for results in _bounded_map(self._executor(), tasks.understand_batch, batches, self.settings, 2 * self.workers):
                yield from results
            return
        for batch in _batched(itertools.chain(head, stream), ARTICLES_PER_TASK):
            yield from tasks.understand_batch(batch, self.settings)

    def embed(self, batches: Sequence[Sequence[str]]) -> Iterator[np.ndarray]:
        return self._map("embed", len(batches), tasks.embed_batch, batches)

    def compare(self, jobs: Sequence[CompareJob]) -> Iterator[StoryReport]:
        work = sum(1 for j in jobs if len(j.analyses) > 1)
        return self._map("compare", work, tasks.compare_job, jobs)

    # --- where they run -----------------------------------------------------------------------

    def _map(
        self, stage: str, amount: int, fn: Callable[[_T, Settings], _R], items: Sequence[_T]
    ) -> Iterator[_R]:
        if self.workers > 1 and (self._pool is not None or amount >= self._min[stage]):
            pool = self._executor()
            return pool.map(fn, items, [self.settings] * len(items))
        return (fn(item, self.settings) for item in items)

    def _executor(self) -> Executor:
        if self._pool is None:
            log.info("starting %d worker processes", self.workers)
            # models load lazily, once per worker, on its first task that needs them: a pool that
            # only compares never loads spaCy (the parses are rebuilt without it), and forked
            # workers inherit a model the caller has loaded already
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context(_START_METHOD))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
