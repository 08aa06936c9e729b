"""The Ray engine: the same stage tasks on Ray actors, on one machine or a cluster.

Each actor is one worker: it loads spaCy and the sentence embedder once, when it starts, and
then runs :mod:`storylens.engine.tasks` (understand a batch of articles, embed a batch of texts,
compare a story) for as long as the run lasts. Tasks are handed to the next free actor and
their results come back in input order, so the report equals the local engine's on the same
input (both engines cut the same embedding batches; tested).

Without ``--address`` a Ray instance is started on this machine for the run and stopped after
it; with an address (``ray://host:10001`` or ``auto``) the run joins that cluster and leaves it
running. An already initialised Ray (a notebook, a test) is used as it is. Workers default to
the cluster's CPUs (``Settings.workers`` overrides). Needs ``pip install 'storylens[ray]'``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import numpy as np

from storylens.engine import tasks
from storylens.engine.local import ARTICLES_PER_TASK, _batched  # the same batches: comparable timings
from storylens.engine.tasks import CompareJob
from storylens.model import Article, ArticleAnalysis, Skipped, StoryReport
from storylens.settings import Settings

__all__ = ["RayEngine", "RayUnavailable"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


class _Stages:
    """One worker: its models are loaded once, in ``__init__``, and kept for every task."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        tasks.warm_up(settings)

    def understand(self, articles: Sequence[Article]) -> list[ArticleAnalysis | Skipped]:
        return tasks.understand_batch(articles, self.settings)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return tasks.embed_batch(texts, self.settings)

    def compare(self, job: CompareJob) -> StoryReport:
        return tasks.compare_job(job, self.settings)


class RayEngine:
    """Runs the stage tasks on Ray actors (see the module docstring)."""

    name = "ray"

    def __init__(self, settings: Settings) -> None:
        try:
            import ray
        except ImportError as exc:
            raise RayUnavailable("the ray engine needs Ray: pip install 'storylens[ray]'") from exc
        self._ray = ray
        self._owns = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING}
            if settings.ray_address:
                kwargs["address"] = settings.ray_address
            else:
                self._owns = True
                if settings.workers > 0:
                    kwargs["num_cpus"] = settings.workers
            try:
                ray.init(**kwargs)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = settings.ray_address or "a local Ray instance"
                raise RayUnavailable(f"cannot start or reach {where}: {exc}") from exc
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = settings.workers if settings.workers > 0 else max(1, cpus)
        self.settings = settings
        actor = ray.remote(num_cpus=1)(_Stages)
        self._actors = [actor.remote(settings) for _ in range(self.workers)]
        log.info("ray: %d workers on a cluster of %d CPUs", self.workers, cpus)

    # --- the stages ---------------------------------------------------------------------------

    def understand(self, articles: Iterable[Article]) -> Iterator[ArticleAnalysis | Skipped]:
        """Analyses in input order; ``articles`` may be a stream, read as the actors take it."""
        for results in self._map(lambda a, b: a.understand.remote(b), _batched(articles, ARTICLES_PER_TASK)):
            yield from results

    def embed(self, batches: Sequence[Sequence[str]]) -> Iterator[np.ndarray]:
        return self._map(lambda a, b: a.embed.remote(list(b)), batches)

    def compare(self, jobs: Sequence[CompareJob]) -> Iterator[StoryReport]:
        return self._map(lambda a, j: a.compare.remote(j), jobs)

    def _map(self, call: Callable[[Any, _T], Any], items: Iterable[_T]) -> Iterator[Any]:
        """Results of ``call(actor, item)`` in input order. Every actor keeps two tasks queued
        (so none waits for the driver between tasks), and ``items`` is read only as fast as
        tasks are handed out: a stream is never read ahead of the workers."""
        from ray.util import ActorPool

        pool = ActorPool(self._actors * 2)
        for item in items:
            while not pool.has_free():
                yield pool.get_next()
            pool.submit(call, item)
        while pool.has_next():
            yield pool.get_next()

    def close(self) -> None:
        for a in getattr(self, "_actors", ()):
            self._ray.kill(a)
        self._actors = []
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
            self._owns = False

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
