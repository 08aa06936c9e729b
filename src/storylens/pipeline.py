"""The map of storylens: the stages in order, each a function over the previous stage's objects.

1. ingest      sources (files, folders, stdin JSONL) → :class:`Article` | :class:`Skipped`
               (``storylens.ingest.read_inputs``; text cleanup, HTML extraction, records, outlets);
               without a store the articles stream on to stage 3 as they are read
               (``analyze_stream``)
   store       with ``Settings.store``, articles and analyses are kept in SQLite; an article
               analyzed before by the same code is read back, not parsed again
2. dedupe      exact duplicates (same content hash) are dropped and recorded as they arrive;
               near-duplicates and wire copies are mapped to their original
               (``group.dedupe.find_copies``, before grouping)
3. understand  one spaCy parse per article → :class:`ArticleAnalysis`: mentions, sources,
               quotes, times, quantities, claims, and the parse itself in compact form
               (``understand.analyze_articles``, ``understand.parse``), run by the engine
               (``engine.open_engine``: in-process, worker processes, or Ray actors)
4. group       articles → :class:`Story` (``group.stories.group_stories``); copies join the story
               of their original
5. compare     every distinct text the comparisons need is embedded once, in length-sorted
               batches spread over the engine's workers (or read from the store); then per
               story (``compare.compare_story``, run by the engine): entities linked, claims
               aligned into facts, conflicts, statuses, timeline, and framing and events read
               from the articles' parses rebuilt without the model → :class:`StoryReport`
6. render      :class:`Report` → text | md | json | html (``render.render``), done by the caller

Each stage gets its options from one :class:`Settings` object; nothing reads globals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
from pathlib import Path
from collections import Counter
from typing import Callable, Iterable, Iterator, Mapping, Sequence, TextIO

import numpy as np

from storylens._version import __version__
from storylens.compare import embedding_texts
from storylens.engine import Engine, open_engine
from storylens.engine.tasks import CompareJob, embedder_name, embedding_batches
from storylens.group.dedupe import find_copies
from storylens.group.stories import group_stories
from storylens.ingest import read_inputs
from storylens.model import Article, ArticleAnalysis, Report, Skipped, Story, StoryReport
from storylens.settings import Settings
from storylens.store import Store
from storylens.understand.embed import Embedder

__all__ = ["run", "analyze_inputs", "analyze_stream", "compare_stories", "Progress", "failed_story", "story_limit"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class StoredEmbedder:
    """An embedder whose vectors are kept in the store, keyed by model and sentence text.

    Re-running a growing story embeds only the sentences it has not seen; embedding is the
    slowest stage (about half of a first run).
    """

    def __init__(self, inner: Embedder, store: Store) -> None:
        self.inner = inner
        self.store = store
        self.name = inner.name

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.inner.name}\x00{text}".encode("utf-8")).hexdigest()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found = self.store.get_vectors(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        fresh = self.inner.embed([texts[i] for i in missing]) if missing else None
        if fresh is not None:
            self.store.put_vectors({keys[i]: fresh[n].astype(np.float32).tobytes() for n, i in enumerate(missing)})
        rows = []
        fresh_at = {i: n for n, i in enumerate(missing)}
        for i, k in enumerate(keys):
            if i in fresh_at:
                rows.append(fresh[fresh_at[i]].astype(np.float32))  # type: ignore[index]
            else:
                rows.append(np.frombuffer(found[k], dtype=np.float32))
        if not rows:
            return self.inner.embed([])
        return np.vstack(rows)


class EngineEmbedder:
    """Embeds through an engine: distinct texts, sorted by length, in batches spread over its
    workers (:func:`storylens.engine.tasks.embedding_batches`); rows come back in input order."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.name = embedder_name(settings)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        batches = embedding_batches(texts)
        row: dict[str, np.ndarray] = {}
        for batch, vectors in zip(batches, self.engine.embed(batches)):
            row.update(zip(batch, vectors))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([row[t] for t in texts])


def drop_exact_duplicates(articles: Sequence[Article]) -> tuple[list[Article], dict[str, str]]:
    """Keep the first of each content hash; map every dropped input's origin to the kept id."""
    kept: dict[str, Article] = {}
    dropped: dict[str, str] = {}
    for _ in _first_of_each(articles, kept, dropped):
        pass
    return list(kept.values()), dropped


def _first_of_each(articles: Iterable[Article], kept: dict[str, Article], dropped: dict[str, str]) -> Iterator[Article]:
    """Yield each article whose content hash is new (recording it in ``kept``); record every
    exact duplicate's origin in ``dropped``. Works on a stream."""
    for a in articles:
        if a.id in kept:
            dropped[a.origin or a.id] = a.id
            log.info("%s: exact duplicate of %s", a.origin, kept[a.id].origin)
        else:
            kept[a.id] = a
            yield a


@functools.lru_cache(maxsize=4)
def analyzer_version(spacy_model: str) -> str:
    """Identifies the understand stage's code and model, so a store never serves stale analyses."""
    import storylens.model as model_module
    import storylens.understand as understand_package

    digest = hashlib.sha256()
    sources = sorted(Path(understand_package.__file__).parent.glob("*.py")) + [Path(model_module.__file__)]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}:{spacy_model}:{digest.hexdigest()[:12]}"


def _understand(
    articles: Sequence[Article],
    settings: Settings,
    store: Store | None,
    progress: Progress,
    engine: Engine | None = None,
) -> tuple[list[ArticleAnalysis], list[Skipped]]:
    """Analyses in input order; with a store, known articles are read back, new ones saved."""
    skipped: list[Skipped] = []
    cached: dict[str, ArticleAnalysis] = {}
    version = analyzer_version(settings.spacy_model)
    if store is not None:
        store.put_articles(articles)
        cached = store.get_analyses([a.id for a in articles], version)
        log.info("store: %d of %d analyses reused", len(cached), len(articles))
    todo = [a for a in articles if a.id not in cached]
    fresh: dict[str, ArticleAnalysis] = {}
    batch: list[ArticleAnalysis] = []
    done = len(cached)
    if todo and engine is None:
        with contextlib.closing(open_engine(settings)) as own:
            return _understand(articles, settings, store, progress, own)
    for item in engine.understand(todo) if todo else ():  # type: ignore[union-attr]
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            fresh[item.article.id] = item
            batch.append(item)
            # commit as we go: a crash keeps the work already done
            if store is not None and len(batch) >= _STORE_BATCH:
                store.put_analyses(batch, version)
                batch.clear()
        done += 1
        progress("understand", done, len(articles))
    if store is not None and batch:
        store.put_analyses(batch, version)
    # a stored analysis indexes the text it was made from; this run's article (origin, metadata)
    # is kept whenever the text is the same
    out: list[ArticleAnalysis] = []
    for a in articles:
        if a.id in fresh:
            out.append(fresh[a.id])
        elif a.id in cached:
            old = cached[a.id]
            out.append(dataclasses.replace(old, article=a) if old.article.text == a.text else old)
    return out, skipped


_STORE_BATCH = 50


def analyze_inputs(
    articles: Sequence[Article],
    settings: Settings,
    *,
    progress: Progress = _no_progress,
    store: Store | None = None,
) -> Report:
    """Stages 2–5 over already ingested articles (with ``settings.store``, through the store)."""
    if store is None and settings.store:
        with Store.open(settings.store, verify=True) as opened:
            return analyze_inputs(articles, settings, progress=progress, store=opened)
    if store is not None:
        # with a store the articles join its library: only the stories they change are compared
        from storylens.library import add_articles

        return add_articles(store, articles, settings, progress=progress).report
    articles, duplicates = drop_exact_duplicates(articles)
    with contextlib.closing(open_engine(settings)) as engine:
        analyses, skipped = _understand(articles, settings, store, progress, engine)
        reports = _group_and_compare(articles, analyses, settings, engine, progress)
    return Report(stories=tuple(reports), skipped=tuple(skipped), duplicates=duplicates)


def analyze_stream(
    items: Iterable[Article | Skipped], settings: Settings, *, progress: Progress = _no_progress
) -> Report:
    """Stages 2–5 over a stream of ingested items, without a store: each article goes to the
    engine's workers as soon as it is read (reading overlaps parsing), exact duplicates are
    dropped on the way, and the items the readers skipped come first in ``skipped``."""
    read_skipped: list[Skipped] = []
    kept: dict[str, Article] = {}
    duplicates: dict[str, str] = {}

    def articles() -> Iterator[Article]:
        for n, item in enumerate(items, 1):
            progress("ingest", n, 0)
            if isinstance(item, Skipped):
                read_skipped.append(item)
            else:
                yield item

    analyses: list[ArticleAnalysis] = []
    skipped: list[Skipped] = []
    with contextlib.closing(open_engine(settings)) as engine:
        for item in engine.understand(_first_of_each(articles(), kept, duplicates)):
            (skipped if isinstance(item, Skipped) else analyses).append(item)
            progress("understand", len(analyses) + len(skipped), len(kept))
        reports = _group_and_compare(list(kept.values()), analyses, settings, engine, progress)
    return Report(stories=tuple(reports), skipped=tuple(read_skipped) + tuple(skipped), duplicates=duplicates)


def _group_and_compare(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    settings: Settings,
    engine: Engine,
    progress: Progress,
) -> list[StoryReport]:
    """Stages 4 and 5: copies found among ``articles``, stories grouped, each one compared."""
    copies = find_copies(articles, threshold=settings.near_duplicate_threshold)
    by_id = {a.article.id: a for a in analyses}
    originals = [a for a in analyses if a.article.id not in copies]
    try:
        stories = list(group_stories(originals, threshold=settings.story_threshold))
    except Exception as exc:  # the group stage's safety net: the articles are still reported
        log.exception("grouping failed")
        reason = f"grouping failed: {type(exc).__name__}: {exc}; each article is shown alone, not compared"
        return [failed_story(_alone(a.article), [a], reason) for a in analyses]
    stories = _attach_copies(stories, copies, by_id)
    return compare_stories(stories, by_id, settings, progress=progress, engine=engine)


def _alone(article: Article) -> Story:
    return Story(id=article.id, article_ids=(article.id,), title=article.title or article.text[:80])


def story_limit(analyses: Sequence[ArticleAnalysis], settings: Settings) -> str | None:
    """Why a story is too large to compare (``settings.max_story_claims``), or None."""
    claims = sum(len(a.claims) for a in analyses)
    if claims > settings.max_story_claims:
        return f"not compared: {claims} claims, limit is {settings.max_story_claims} (setting max_story_claims)"
    return None


def failed_story(story: Story, analyses: Sequence[ArticleAnalysis], reason: str) -> StoryReport:
    """A story reported without its comparison: its articles, their quotes and sources, and why."""
    return StoryReport(
        story=story,
        articles=tuple(a.article for a in analyses),
        entities=(),
        mentions={},
        quotes={a.article.id: a.quotes for a in analyses},
        sources={a.article.id: a.sources for a in analyses},
        failed=reason,
    )


# Texts embedded per round of the compare stage: vectors are held only for the stories of the
# round (and for texts later stories share), so memory does not grow with the run.
_ROUND_TEXTS = 2048


def compare_stories(
    stories: Sequence[Story],
    by_id: Mapping[str, ArticleAnalysis],
    settings: Settings,
    *,
    store: Store | None = None,
    progress: Progress = _no_progress,
    engine: Engine | None = None,
) -> list[StoryReport]:
    """Every story's report, in order. Each distinct text of the run is embedded once (or read
    from the store), and the next round's texts are embedded while this round's stories are
    compared."""
    if engine is None:
        with contextlib.closing(open_engine(settings)) as own:
            return compare_stories(stories, by_id, settings, store=store, progress=progress, engine=own)
    embedder: Embedder = EngineEmbedder(engine, settings)
    if store is not None:
        embedder = StoredEmbedder(embedder, store)
    over = {k: why for k, s in enumerate(stories) if (why := story_limit([by_id[i] for i in s.article_ids], settings))}
    # a story over the limits is neither embedded nor compared
    texts_of = [[] if k in over else embedding_texts(s, [by_id[i] for i in s.article_ids]) for k, s in enumerate(stories)]
    uses = Counter(t for texts in texts_of for t in set(texts))
    vectors: dict[str, np.ndarray] = {}

    def embed_round(ks: list[int]) -> None:
        new = list(dict.fromkeys(t for k in ks for t in texts_of[k] if t not in vectors))
        if new:
            vectors.update(zip(new, embedder.embed(new)))

    rounds: list[list[int]] = [[]]
    size = 0
    for k, texts in enumerate(texts_of):
        if size >= _ROUND_TEXTS:
            rounds.append([])
            size = 0
        rounds[-1].append(k)
        size += len(texts)
    reports: list[StoryReport] = []
    embed_round(rounds[0])
    for n, ks in enumerate(rounds):
        jobs = [
            CompareJob(stories[k], tuple(by_id[i] for i in stories[k].article_ids), {t: vectors[t] for t in texts_of[k]})
            for k in ks
            if k not in over
        ]
        compared = iter(engine.compare(jobs))  # a pool starts on these at once
        if n + 1 < len(rounds):
            embed_round(rounds[n + 1])
        results = [
            failed_story(stories[k], [by_id[i] for i in stories[k].article_ids], over[k]) if k in over else next(compared)
            for k in ks
        ]
        for k, report in zip(ks, results):
            reports.append(report)
            progress("compare", len(reports), len(stories))
            for t in set(texts_of[k]):
                uses[t] -= 1
                if not uses[t]:
                    vectors.pop(t, None)
    return reports


def _attach_copies(
    stories: list[Story], copies: dict[str, str], by_id: dict[str, ArticleAnalysis]
) -> list[Story]:
    """Put every copy into the story of the article it copies, and record it there."""
    home = {aid: k for k, s in enumerate(stories) for aid in s.article_ids}
    extra: dict[int, list[str]] = {}
    for copy_id, original_id in copies.items():
        if copy_id in by_id and original_id in home:
            extra.setdefault(home[original_id], []).append(copy_id)
    out = []
    for k, s in enumerate(stories):
        added = [aid for aid in by_id if aid in extra.get(k, [])]  # input order
        if added:
            s = dataclasses.replace(
                s,
                article_ids=s.article_ids + tuple(added),
                copies={**s.copies, **{aid: copies[aid] for aid in added}},
            )
        out.append(s)
    return out


def run(
    paths: Sequence[str],
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    progress: Progress = _no_progress,
    run_id: int | None = None,
    source_name: Callable[[str], str] | None = None,
) -> Report:
    """All stages from input paths to the :class:`Report` (rendering is left to the caller).

    With ``settings.store``, feed entries fetched successfully in an earlier run are not fetched
    again, and every fetch (success or reason of failure) is recorded; the articles join the
    store's library and the report holds the library stories they are in. The run is recorded
    in the store (``run_id``: a run already created there, e.g. queued by the web app;
    ``source_name``: how its skipped inputs are named there, e.g. uploads by their file names).
    """
    if not settings.store:
        return _run(paths, settings, stdin, progress, None)
    from storylens.library import record_run

    with Store.open(settings.store, verify=True) as store:
        return record_run(
            store, "analyze", paths, lambda tracked: _run(paths, settings, stdin, tracked, store),
            progress=progress, run_id=run_id, source_name=source_name,
        )


def _run(
    paths: Sequence[str], settings: Settings, stdin: TextIO | None, progress: Progress, store: Store | None
) -> Report:
    if store is None:
        return analyze_stream(read_inputs(paths, settings, stdin=stdin), settings, progress=progress)
    articles: list[Article] = []
    skipped: list[Skipped] = []
    from_store: set[str] = set()

    def known(url: str) -> Article | None:
        article = store.fetched_article(url) if store is not None else None
        if article is not None:
            from_store.add(article.id)
        return article

    for item in read_inputs(paths, settings, stdin=stdin, known=known):
        (skipped if isinstance(item, Skipped) else articles).append(item)
        progress("ingest", len(articles) + len(skipped), 0)
    if store is not None:
        # a URL counts as fetched only once its article is stored: after a crash between the
        # two it is fetched again, never lost
        store.put_articles(articles)
        _record_fetches(store, [a for a in articles if a.id not in from_store], skipped)
    report = analyze_inputs(articles, settings, progress=progress, store=store)
    return dataclasses.replace(report, skipped=tuple(skipped) + report.skipped)


def _record_fetches(store: Store, articles: Sequence[Article], skipped: Sequence[Skipped]) -> None:
    from storylens.ingest.web import is_url

    for a in articles:
        if "fetched_url" in a.meta and is_url(a.origin):
            store.mark_fetched(a.origin, status="ok", article_id=a.id)
    for s in skipped:
        if is_url(s.source):
            store.mark_fetched(s.source, status="failed", reason=s.reason)
