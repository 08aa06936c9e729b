"""Engines: where the per-article (understand) and per-story (embed, compare) stages run.

Every engine runs the same tasks (:mod:`storylens.engine.tasks`) and yields results in input
order, so the report does not depend on the engine or on its number of workers:

* ``local`` (:mod:`storylens.engine.local`): this process, or a pool of worker processes;
* ``ray`` (:mod:`storylens.engine.ray`): Ray actors, on a local Ray instance or a cluster
  (``pip install 'storylens[ray]'``).
"""

from __future__ import annotations

from typing import Iterable, Iterator, Protocol, Sequence

import numpy as np

from storylens.engine.tasks import CompareJob
from storylens.model import Article, ArticleAnalysis, Skipped, StoryReport
from storylens.settings import Settings, SettingsError

__all__ = ["Engine", "open_engine", "engine_problem", "ENGINES"]

ENGINES = ("local", "ray")


class Engine(Protocol):
    """Runs the stage tasks; each method yields results in the order of its input."""

    name: str
    workers: int

    def understand(self, articles: Iterable[Article]) -> Iterator[ArticleAnalysis | Skipped]: ...

    def embed(self, batches: Sequence[Sequence[str]]) -> Iterator[np.ndarray]: ...

    def compare(self, jobs: Sequence[CompareJob]) -> Iterator[StoryReport]: ...

    def close(self) -> None: ...


def open_engine(settings: Settings) -> Engine:
    """The engine named by ``settings.engine``; close it when done (it may hold processes)."""
    if settings.engine == "local":
        from storylens.engine.local import LocalEngine

        return LocalEngine(settings)
    if settings.engine == "ray":
        from storylens.engine.ray import RayEngine

        return RayEngine(settings)
    raise SettingsError(f"engine: unknown engine {settings.engine!r}; choose one of {', '.join(ENGINES)}")


def engine_problem(settings: Settings) -> str | None:
    """Why the configured engine cannot run here (a missing package), or None; cheap to ask
    before a run, so that a command line can say it before reading any input."""
    if settings.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            return "the ray engine needs Ray: pip install 'storylens[ray]'"
    return None
