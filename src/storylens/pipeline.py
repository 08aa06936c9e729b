"""The map of storylens: the stages in order, each a function over the previous stage's objects.

1. ingest      sources (files, folders, stdin JSONL) → :class:`Article` | :class:`Skipped`
               (``storylens.ingest.read_inputs``; text cleanup, HTML extraction, records, outlets)
2. dedupe      exact duplicates (same content hash) are dropped and recorded; near-duplicates
               and wire copies are mapped to their original (``group.dedupe.find_copies``)
3. understand  one spaCy parse per article → :class:`ArticleAnalysis`: mentions, sources,
               quotes, times, quantities, claims (``understand.analyze_articles``)
4. group       articles → :class:`Story` (``group.stories.group_stories``); copies join the story
               of their original
5. compare     per story: entities linked, claims aligned into facts, conflicts, statuses,
               timeline → :class:`StoryReport` (``compare.compare_story``)
6. render      :class:`Report` → text | md | json | html (``render.render``), done by the caller

Each stage gets its options from one :class:`Settings` object; nothing reads globals.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Callable, Sequence, TextIO

from storylens.compare import compare_story
from storylens.group.dedupe import find_copies
from storylens.group.stories import group_stories
from storylens.ingest import read_inputs
from storylens.model import Article, ArticleAnalysis, Report, Skipped, Story
from storylens.settings import Settings
from storylens.understand import analyze_articles
from storylens.understand.embed import Embedder, EmbedderUnavailable, get_embedder

__all__ = ["run", "analyze_inputs", "Progress"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _embedder(settings: Settings) -> Embedder:
    try:
        return get_embedder(settings.embedder)
    except EmbedderUnavailable as exc:
        log.warning("%s; falling back to the lexical embedder (paraphrases will be missed)", exc)
        return get_embedder("lexical")


def drop_exact_duplicates(articles: Sequence[Article]) -> tuple[list[Article], dict[str, str]]:
    """Keep the first of each content hash; map every dropped input's origin to the kept id."""
    kept: dict[str, Article] = {}
    dropped: dict[str, str] = {}
    for a in articles:
        if a.id in kept:
            dropped[a.origin or a.id] = a.id
            log.info("%s: exact duplicate of %s", a.origin, kept[a.id].origin)
        else:
            kept[a.id] = a
    return list(kept.values()), dropped


def analyze_inputs(
    articles: Sequence[Article], settings: Settings, *, progress: Progress = _no_progress
) -> Report:
    """Stages 2–5 over already ingested articles."""
    articles, duplicates = drop_exact_duplicates(articles)
    copies = find_copies(articles, threshold=settings.near_duplicate_threshold)
    skipped: list[Skipped] = []
    analyses: list[ArticleAnalysis] = []
    for n, item in enumerate(analyze_articles(articles, settings), 1):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            analyses.append(item)
        progress("understand", n, len(articles))
    by_id = {a.article.id: a for a in analyses}
    originals = [a for a in analyses if a.article.id not in copies]
    stories = list(group_stories(originals, threshold=settings.story_threshold))
    stories = _attach_copies(stories, copies, by_id)
    embedder = _embedder(settings)
    reports = []
    for n, story in enumerate(stories, 1):
        reports.append(compare_story(story, [by_id[i] for i in story.article_ids], settings, embedder))
        progress("compare", n, len(stories))
    return Report(stories=tuple(reports), skipped=tuple(skipped), duplicates=duplicates)


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
) -> Report:
    """All stages from input paths to the :class:`Report` (rendering is left to the caller)."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in read_inputs(paths, settings, stdin=stdin):
        (skipped if isinstance(item, Skipped) else articles).append(item)
        progress("ingest", len(articles) + len(skipped), 0)
    report = analyze_inputs(articles, settings, progress=progress)
    return dataclasses.replace(report, skipped=tuple(skipped) + report.skipped)
