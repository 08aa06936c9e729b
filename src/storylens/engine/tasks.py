"""The units of work every engine runs: the same stage functions, wherever they execute.

An engine (in-process, a local process pool, Ray) only decides *where* these run; what they
compute is fixed here, so every engine gives the same report on the same input:

* :func:`understand_batch` — parse and analyze a few articles (one spaCy per worker process,
  loaded once by :func:`storylens.understand.nlp.get_nlp`);
* :func:`embed_batch` — embed one batch of texts (one embedder per worker, loaded once);
  :func:`embedding_batches` cuts a run's distinct texts into those batches, sorted by length,
  so that the batches, and with them the vectors, do not depend on the number of workers;
* :func:`compare_job` — compare one story, given the vectors of the texts it embeds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from storylens.model import Article, ArticleAnalysis, Skipped, Story, StoryReport
from storylens.settings import Settings
from storylens.understand.embed import (
    BATCH_SIZE,
    Embedder,
    EmbedderUnavailable,
    TokenStates,
    VectorTable,
    get_embedder,
)

__all__ = [
    "CompareJob",
    "understand_batch",
    "embed_batch",
    "embedding_batches",
    "compare_job",
    "stage_embedder",
    "embedder_name",
    "warm_up",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CompareJob:
    """One story to compare: its articles' analyses (in story order) and the vectors of the
    texts its comparison embeds."""

    story: Story
    analyses: tuple[ArticleAnalysis, ...]
    vectors: Mapping[str, np.ndarray]


def stage_embedder(settings: Settings) -> Embedder:
    """The configured sentence embedder of this process (the lexical one when MiniLM is missing)."""
    try:
        return get_embedder(settings.embedder, settings.embed_threads)
    except EmbedderUnavailable as exc:
        log.warning("%s; falling back to the lexical embedder (paraphrases will be missed)", exc)
        return get_embedder("lexical")


def embedder_name(settings: Settings) -> str:
    """The name of the embedder :func:`stage_embedder` gives, without loading its model."""
    from storylens.understand.embed import minilm_files

    if settings.embedder == "minilm":
        try:
            minilm_files()
        except EmbedderUnavailable:
            return "lexical"
    return settings.embedder


def warm_up(settings: Settings) -> None:
    """Load the models of a worker process once, before its first task."""
    from storylens.understand.nlp import get_nlp

    get_nlp(settings.spacy_model)
    stage_embedder(settings)


def understand_batch(articles: Sequence[Article], settings: Settings) -> list[ArticleAnalysis | Skipped]:
    """Analyses of ``articles`` in order; an article whose analysis fails becomes :class:`Skipped`."""
    from storylens.understand import analyze_articles

    try:
        return list(analyze_articles(articles, settings))
    except Exception:  # a failure of the batch's parse: retry one by one, so only the bad one is lost
        if len(articles) == 1:
            a = articles[0]
            log.exception("%s: parse failed", a.origin)
            return [Skipped(a.origin or a.id, "analysis failed: the parser raised an error")]
        return [item for a in articles for item in understand_batch([a], settings)]


def embedding_batches(texts: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    """Distinct ``texts`` sorted by length (short batches pad little) and cut into batches."""
    ordered = sorted(dict.fromkeys(texts), key=len)
    return [ordered[k : k + size] for k in range(0, len(ordered), size)]


def embed_batch(texts: Sequence[str], settings: Settings) -> np.ndarray:
    """Unit-norm float32 rows for one batch of texts."""
    return stage_embedder(settings).embed(list(texts))


class _OnDemand:
    """The stage embedder, loaded only if a comparison asks for a text it was not given."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = embedder_name(settings)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return stage_embedder(self.settings).embed(texts)

    def embed_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenStates]]:
        embedder = stage_embedder(self.settings)
        embed_tokens = getattr(embedder, "embed_tokens", None)
        if embed_tokens is None:
            raise EmbedderUnavailable(f"embedder {embedder.name!r} gives no token states")
        return embed_tokens(texts)


def compare_job(job: CompareJob, settings: Settings) -> StoryReport:
    """The report of one story; texts missing from ``job.vectors`` are embedded here."""
    from storylens.compare import compare_story

    from storylens.pipeline import failed_story

    table = VectorTable(job.vectors, _OnDemand(settings))
    try:
        # The same-fact decision multiplies small token-state matrices (about 30 x 384) for each
        # candidate pair. OpenBLAS splits each product over its threads, which then wait for a
        # core: on 8 BASIL stories one thread gave the same report byte for byte for 13 % less
        # CPU on an idle 2-core machine and 26 % less (18 % less wall) with 3 busy loops beside it.
        # The engines get their parallelism from workers, as for the embedder.
        with threadpool_limits(limits=1, user_api="blas"):
            report = compare_story(job.story, job.analyses, settings, table)
    except Exception as exc:  # the compare stage's safety net: one story, not the run
        log.exception("story %s: comparison failed", job.story.id)
        return failed_story(job.story, job.analyses, f"comparison failed: {type(exc).__name__}: {exc}")
    if table.missed:
        log.debug("story %s: %d texts embedded during comparison", job.story.id, table.missed)
    return report
