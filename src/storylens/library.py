"""The library: every story of a store, kept up to date as articles are added or deleted.

A store holds articles and their analyses (``store.py``). The library adds the stories: every
article of the store belongs to at most one story, and every story keeps its full report. An
update works like a batch run over a *window* of the library, and compares again only the
stories that changed:

1. The changed articles (new ones, ones in no story yet, and the members of stories whose
   report was computed by other code or settings) are the *seeds*.
2. The *pool* is every stored story with an article published within ``window`` days of a seed
   (or undated: an undated article can join anything), plus the seeds. Story grouping damps
   similarity by time apart (``group.stories``): beyond the derived window (grace period plus
   as many half-lives as it takes to fall below the story threshold) even identical articles
   cannot be grouped, so stories outside the pool cannot gain or lose an article.
3. The pool is deduplicated, grouped and its copies attached exactly as a batch run does, in
   the order the articles were first stored.
4. A resulting story whose members, copies and recipe (code and settings) equal those of a
   stored story keeps its stored report; every other story is compared again. Stories of the
   pool that no longer exist are removed, and their ids point to the story that took most of
   their articles (so links to them keep working).

Within the pool this is the batch computation itself, so the library equals a from-scratch run
over the same articles whenever the pool's grouping equals the batch grouping (always when the
window spans the library; tests/test_library.py checks both). Deleting articles is the same
update with the deleted articles' dates as seeds.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import math
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from storylens.model import Article, ArticleAnalysis, Report, Skipped, Story, StoryReport, from_dict, to_dict
from storylens.settings import Settings
from storylens.store import Store, StoryFactRow, StoryOutletRow, StoryRecord

__all__ = [
    "LibraryUpdate",
    "add_articles",
    "delete_articles",
    "delete_story",
    "refresh",
    "load_story",
    "library_report",
    "story_record",
    "recipe",
    "window_days",
    "record_run",
]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

_SECONDS_PER_DAY = 86400.0


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class LibraryUpdate:
    """What one library update did. ``report`` holds the stories that contain the articles of
    this update (whole stories, older articles included), in stored order."""

    report: Report
    new_articles: tuple[str, ...] = ()
    compared: tuple[str, ...] = ()  # ids of stories whose report was computed in this update
    reused: tuple[str, ...] = ()  # ids of stories of the pool whose stored report still held
    removed: tuple[str, ...] = ()  # ids of stored stories that no longer exist
    pool: int = 0  # articles grouped again
    replaced: tuple[str, ...] = ()  # ids of stored articles that a new version of their source replaced


# --- recipe and window -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of the code that turns analyses into story reports (grouping and comparison)."""
    import storylens.compare as compare_package
    import storylens.group as group_package

    digest = hashlib.sha256()
    for package in (group_package, compare_package):
        for path in sorted(Path(package.__file__).parent.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_RECIPE_SETTINGS = ("spacy_model", "near_duplicate_threshold", "story_threshold", "fact_threshold", "embedder")


def recipe(settings: Settings) -> str:
    """Names the code and settings a story report was computed with; a stored report made with
    another recipe is computed again when its story is next touched (or on :func:`refresh`)."""
    from storylens.pipeline import analyzer_version

    chosen = {name: getattr(settings, name) for name in _RECIPE_SETTINGS}
    digest = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:8]
    return f"{analyzer_version(settings.spacy_model)}|{_code_digest()}|{digest}"


def window_days(settings: Settings) -> float:
    """Days apart beyond which story grouping cannot put two articles together.

    ``settings.library_window_days`` when positive; else derived from the time damping of
    ``group.stories`` (``horizon_days``: where a similarity of 1, damped by time apart, falls
    below the story threshold; 82.4 days at the defaults).
    """
    if settings.library_window_days > 0:
        return settings.library_window_days
    from storylens.group.stories import horizon_days

    return horizon_days(settings.story_threshold)


def _story_key(story: Story, the_recipe: str) -> str:
    data = [the_recipe, list(story.article_ids), sorted(story.copies.items())]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:24]


# --- story records -----------------------------------------------------------------------------


def story_record(sr: StoryReport, key: str, the_recipe: str, stored_texts: Mapping[str, str]) -> StoryRecord:
    """The library row of a story report: the report (article texts left out where the store
    holds the same text) and the counts the lists and outlet pages need."""
    from storylens.render import coverage_counts, speaking_outlets

    outlets = sr.outlets
    several = len(outlets) > 1
    facts: list[StoryFactRow] = []
    for n, fact in enumerate(sr.facts, 1):
        speaking = tuple(speaking_outlets(fact, outlets))
        facts.append(
            StoryFactRow(
                fact_id=fact.id,
                number=n,
                text=fact.text,
                outlets=speaking,
                exclusive=speaking[0] if several and len(speaking) == 1 else None,
                first_reported=fact.first_reported,
                support=fact.independent_support,
            )
        )
    omitted: dict[str, list[str]] = {}
    for om in sr.omissions:
        omitted.setdefault(om.outlet, []).append(om.fact_id)
    profiles = {p.outlet: to_dict(p) for p in sr.profiles}
    rows = []
    for outlet in outlets:
        statuses = [f.status.get(outlet, "silent") for f in sr.facts]
        rows.append(
            StoryOutletRow(
                outlet=outlet,
                n_articles=sum(1 for a in sr.articles if a.outlet.name == outlet),
                n_reported=sum(1 for s in statuses if s != "silent"),
                n_first=sum(1 for f in facts if f.first_reported == outlet and len(f.outlets) > 1),
                n_exclusive=sum(1 for f in facts if f.exclusive == outlet),
                n_omitted=len(omitted.get(outlet, ())),
                n_contradicted=sum(1 for s in statuses if s == "contradicted"),
                omitted=tuple(omitted.get(outlet, ())),
                profile=profiles.get(outlet),
            )
        )
    data = to_dict(sr)
    for article in data["articles"]:
        if stored_texts.get(article["id"]) == article["text"]:
            del article["text"]
    dates = [a.published for a in sr.articles if a.published is not None]
    stamps = sorted(dates, key=_utc)
    return StoryRecord(
        id=sr.story.id,
        key=key,
        recipe=the_recipe,
        title=sr.story.title,
        article_ids=sr.story.article_ids,
        first_published=stamps[0] if stamps else None,
        last_published=stamps[-1] if stamps else None,
        outlets=outlets,
        n_facts=len(facts),
        n_shared=coverage_counts(sr)[0],
        n_single=coverage_counts(sr)[1],
        n_conflicts=len(sr.conflicts),
        report=data,
        facts=tuple(facts),
        outlet_rows=tuple(rows),
    )


def _utc(value: Any) -> float:
    from storylens.store import _utc_seconds

    return _utc_seconds(value) or 0.0


def load_story(store: Store, story_id: str) -> StoryReport | None:
    """The stored report of a story (following the id of a superseded story), or None."""
    current = store.resolve_story(story_id)
    if current is None:
        return None
    data = store.get_story_report(current)
    return None if data is None else from_dict(StoryReport, data)


def library_report(store: Store) -> Report:
    """Every story of the library as one report, in the order of their first stored article."""
    members = store.story_members()
    order = {aid: k for k, aid in enumerate(store.article_order(a for ids in members.values() for a in ids))}
    ids = sorted(members, key=lambda sid: min(order.get(a, len(order)) for a in members[sid]))
    stories = [load_story(store, sid) for sid in ids]
    return Report(stories=tuple(s for s in stories if s is not None))


# --- updates -----------------------------------------------------------------------------------


def add_articles(
    store: Store,
    articles: Sequence[Article],
    settings: Settings,
    *,
    progress: Progress = _no_progress,
) -> LibraryUpdate:
    """Add articles to the library: analyze the new ones, group them into the stories they
    belong to, and compare again only the stories that changed.

    The returned report holds every story that contains one of ``articles``.
    """
    from storylens.pipeline import _understand, drop_exact_duplicates

    articles, duplicates = drop_exact_duplicates(articles)
    known = set(store.article_order(a.id for a in articles))
    new_ids = [a.id for a in articles if a.id not in known]
    replaced = _replaced(store, articles, known, settings.near_duplicate_threshold)
    if replaced:
        log.info("library: %d stored articles replaced by a new version of their file or page", len(replaced))
        delete_articles(store, replaced, settings, progress=progress)
    analyses, skipped = _understand(articles, settings, store, progress)
    # stored articles keep their stored form (first origin); only new ones come from this run
    fresh = {a.article.id: a for a in analyses if a.article.id not in known}
    touched = set(store.stories_of(a.id for a in articles).values())
    update = _update(store, settings, seeds=set(store.unassigned_articles()), stale_in=touched,
                     fresh=fresh, progress=progress)
    report = _report_for(store, [a.id for a in articles], update.computed)
    log.info(
        "library: %d new articles; %d stories compared, %d reused, %d removed (pool of %d articles)",
        len(new_ids), len(update.compared), len(update.reused), len(update.removed), update.pool,
    )
    return LibraryUpdate(
        report=dataclasses.replace(report, skipped=tuple(skipped) + tuple(update.skipped), duplicates=duplicates),
        new_articles=tuple(new_ids),
        compared=update.compared,
        reused=update.reused,
        removed=update.removed,
        pool=update.pool,
        replaced=replaced,
    )


# An origin naming a place inside a file ("dump.jsonl:12", "crawl.warc.gz#4096") says where a
# record sat, not which article it is: the same line or offset holds another article when the
# file is rewritten. Only a whole file or a page address names one article.
_POSITIONAL = re.compile(r"[#:]\d+$")


def _replaced(store: Store, articles: Sequence[Article], known: set[str], near: float) -> tuple[str, ...]:
    """Stored articles that a new version of their source replaces: the only article stored
    from a file or page address this run reads again with other text that is still the same
    article (near-duplicate at ``near``: an edited file, a page cleaned by newer code, an updated
    page). A stored article also read from another source stays, and so does one whose file now
    holds another article (a "latest.html" overwritten every day)."""
    from storylens.group.dedupe import containment, shingles

    per_origin = Counter(a.origin for a in articles if a.origin)
    out: list[str] = []
    for a in articles:
        if a.id in known or not a.origin or per_origin[a.origin] != 1 or _POSITIONAL.search(a.origin):
            continue
        before = [x for x in store.articles_from(a.origin) if x != a.id]
        if len(before) != 1 or store.origins(before[0]) != [a.origin]:
            continue
        old = store.get_article(before[0])
        if old is not None and containment(shingles(old.text), shingles(a.text)) >= near:
            out.append(before[0])
    return tuple(dict.fromkeys(out))


def delete_articles(
    store: Store, article_ids: Iterable[str], settings: Settings, *, progress: Progress = _no_progress
) -> LibraryUpdate:
    """Remove articles (with their analyses) and regroup and compare the stories they were in,
    so that the library stays what a batch run over the remaining articles gives."""
    ids = set(store.article_order(article_ids))
    dates = dict(store.article_dates())
    update = _update(
        store, settings, seeds=set(store.unassigned_articles()), stale_in=set(store.stories_of(ids).values()),
        fresh={}, progress=progress, deleted=ids, deleted_dates=[dates.get(a) for a in ids],
    )
    return LibraryUpdate(
        report=Report(stories=()), compared=update.compared, reused=update.reused,
        removed=update.removed, pool=update.pool,
    )


def delete_story(store: Store, story_id: str, settings: Settings, *, progress: Progress = _no_progress) -> LibraryUpdate:
    """Remove a story and its articles; neighbouring stories are regrouped as after any deletion."""
    current = store.resolve_story(story_id)
    if current is None:
        return LibraryUpdate(report=Report(stories=()))
    return delete_articles(store, store.story_members().get(current, ()), settings, progress=progress)


def refresh(store: Store, settings: Settings, *, progress: Progress = _no_progress) -> LibraryUpdate:
    """Compute again every story whose report was made by other code or settings (and place
    articles that are in no story yet)."""
    stale = {sid for sid, (_, rcp) in store.story_keys().items() if rcp != recipe(settings)}
    update = _update(store, settings, seeds=set(store.unassigned_articles()), stale_in=stale, fresh={}, progress=progress)
    return LibraryUpdate(
        report=Report(stories=tuple(update.computed.values())), compared=update.compared,
        reused=update.reused, removed=update.removed, pool=update.pool,
    )


@dataclasses.dataclass(slots=True)
class _Done:
    computed: dict[str, StoryReport]
    compared: tuple[str, ...]
    reused: tuple[str, ...]
    removed: tuple[str, ...]
    pool: int
    skipped: list[Skipped]


def _update(
    store: Store,
    settings: Settings,
    *,
    seeds: set[str],
    stale_in: set[str],
    fresh: Mapping[str, ArticleAnalysis],
    progress: Progress,
    deleted: set[str] | None = None,
    deleted_dates: Sequence[float | None] = (),
) -> _Done:
    deleted = deleted or set()
    the_recipe = recipe(settings)
    keys = store.story_keys()
    members = store.story_members()
    # stories computed with other code or settings are recomputed when touched
    stale = {sid for sid in stale_in if sid in keys and keys[sid][1] != the_recipe}
    seeds = (seeds | {a for sid in stale for a in members.get(sid, ())}) - deleted
    deleted_stories = {sid for sid, ids in members.items() if deleted & set(ids)}
    if not seeds and not deleted_stories:
        return _Done({}, (), (), (), 0, [])

    dates = store.article_dates()
    pool_ids, pool_stories = _pool(dates, members, seeds, list(deleted_dates), window_days(settings))
    pool_stories |= deleted_stories
    in_pool = pool_ids | {a for sid in pool_stories for a in members.get(sid, ())}
    pool_ids = [a for a, _ in dates if a in in_pool and a not in deleted]
    progress("group", 0, len(pool_ids))

    analyses, skipped = _pool_analyses(store, pool_ids, settings, fresh, progress)
    stories = _group(analyses, settings)
    progress("group", len(pool_ids), len(pool_ids))

    by_id = {a.article.id: a for a in analyses}
    new_keys = {s.id: _story_key(s, the_recipe) for s in stories}
    todo = [s for s in stories if keys.get(s.id, ("", ""))[0] != new_keys[s.id]]
    reused = tuple(s.id for s in stories if keys.get(s.id, ("", ""))[0] == new_keys[s.id])
    computed: dict[str, StoryReport] = {}
    records: list[StoryRecord] = []
    if todo:
        from storylens.pipeline import compare_stories

        texts = store.article_texts([a for s in todo for a in s.article_ids])
        for story, sr in zip(todo, compare_stories(todo, by_id, settings, store=store, progress=progress)):
            computed[story.id] = sr
            records.append(story_record(sr, new_keys[story.id], the_recipe, texts))

    new_ids = {s.id for s in stories}
    removed = tuple(sorted(sid for sid in pool_stories if sid not in new_ids))
    home = {aid: s.id for s in stories for aid in s.article_ids}
    aliases: dict[str, str] = {}
    for sid in removed:
        successors = [home[a] for a in members.get(sid, ()) if a in home]
        if successors:
            aliases[sid] = max(set(successors), key=lambda s: (successors.count(s), s))
    store.replace_stories(
        remove=removed + tuple(r.id for r in records), add=records, aliases=aliases, delete_articles=deleted
    )
    return _Done(computed, tuple(r.id for r in records), reused, removed, len(pool_ids), skipped)


def _pool(
    dates: Sequence[tuple[str, float | None]],
    members: Mapping[str, Sequence[str]],
    seeds: set[str],
    extra_dates: list[float | None],
    window: float,
) -> tuple[set[str], set[str]]:
    """The seed articles and the stored stories within ``window`` days of one of them."""
    when = dict(dates)
    seed_dates = [when.get(a) for a in seeds] + extra_dates
    story_of = {a: sid for sid, ids in members.items() for a in ids}
    if not math.isfinite(window) or any(d is None for d in seed_dates):
        return set(seeds), set(members)
    span = window * _SECONDS_PER_DAY
    ordered = sorted(d for d in seed_dates if d is not None)
    import bisect

    stories: set[str] = set()
    for article_id, published in dates:
        sid = story_of.get(article_id)
        if sid is None or sid in stories:
            continue
        if published is None:
            stories.add(sid)
            continue
        k = bisect.bisect_left(ordered, published)
        near = [ordered[i] for i in (k - 1, k) if 0 <= i < len(ordered)]
        if any(abs(published - d) <= span for d in near):
            stories.add(sid)
    return set(seeds), stories


def _pool_analyses(
    store: Store, pool_ids: Sequence[str], settings: Settings,
    fresh: Mapping[str, ArticleAnalysis], progress: Progress,
) -> tuple[list[ArticleAnalysis], list[Skipped]]:
    """Analyses of the pool in stored order: this run's, stored ones, and new ones for articles
    whose stored analysis was made by other code."""
    from storylens.pipeline import _understand, analyzer_version

    version = analyzer_version(settings.spacy_model)
    found = dict(fresh)
    found.update(store.get_analyses([a for a in pool_ids if a not in found], version))
    skipped: list[Skipped] = []
    missing = [a for a in pool_ids if a not in found]
    if missing:
        articles = [a for a in (store.get_article(i) for i in missing) if a is not None]
        done, skipped = _understand(articles, settings, store, progress)
        found.update((a.article.id, a) for a in done)
    return [found[a] for a in pool_ids if a in found], skipped


def _group(analyses: Sequence[ArticleAnalysis], settings: Settings) -> list[Story]:
    """Stories of the pool exactly as a batch run groups them (copies attached to originals)."""
    from storylens.group.dedupe import find_copies
    from storylens.group.stories import group_stories
    from storylens.pipeline import _attach_copies

    by_id = {a.article.id: a for a in analyses}
    copies = find_copies([a.article for a in analyses], threshold=settings.near_duplicate_threshold)
    originals = [a for a in analyses if a.article.id not in copies]
    stories = list(group_stories(originals, threshold=settings.story_threshold))
    return _attach_copies(stories, copies, by_id)


def _report_for(store: Store, article_ids: Sequence[str], computed: Mapping[str, StoryReport]) -> Report:
    """The stories holding ``article_ids``, in the order of their first stored article."""
    story_of = store.stories_of(article_ids)
    members = store.story_members()
    wanted = list(dict.fromkeys(story_of[a] for a in article_ids if a in story_of))
    order = {aid: k for k, aid in enumerate(store.article_order(a for sid in wanted for a in members.get(sid, ())))}
    wanted.sort(key=lambda sid: min((order.get(a, len(order)) for a in members.get(sid, ())), default=len(order)))
    out = []
    for sid in wanted:
        sr = computed.get(sid) or load_story(store, sid)
        if sr is not None:
            out.append(sr)
    return Report(stories=tuple(out))


# --- runs --------------------------------------------------------------------------------------

# Progress is written to the store at most this often (seconds): a page polling it needs no
# more, and every write is a transaction.
_PROGRESS_EVERY = 0.5


def record_run(
    store: Store,
    kind: str,
    inputs: Sequence[str],
    work: Callable[[Progress], Report],
    *,
    progress: Progress = _no_progress,
    run_id: int | None = None,
    source_name: Callable[[str], str] | None = None,
) -> Report:
    """Run ``work`` as one recorded library update: its progress and result (the stories it
    touched, the inputs skipped and why) are kept in the store's ``runs`` table.
    ``source_name`` names a skipped input as the user knows it (an upload by its file name,
    not its temporary path) in the result, written once, when the run is finished."""
    if run_id is None:
        run_id = store.start_run(kind, inputs)
    else:
        store.update_run(run_id, stage="starting", status="running")
    before = store.count_articles()
    last = [0.0, ""]

    def tracked(stage: str, done: int, total: int) -> None:
        progress(stage, done, total)
        now = time.monotonic()
        if stage != last[1] or now - last[0] >= _PROGRESS_EVERY or (total and done >= total):
            last[0], last[1] = now, stage
            store.update_run(run_id, stage=stage, done=done, total=total)

    try:
        report = work(tracked)
    except BaseException as exc:
        store.finish_run(run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    store.finish_run(run_id, result=run_result(report, store.count_articles() - before, source_name))
    return report


def run_result(report: Report, new_articles: int, source_name: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The JSON kept for a finished run."""
    name = source_name or (lambda source: source)
    return {
        "new_articles": new_articles,
        "stories": [{"id": s.story.id, "title": s.story.title, "articles": len(s.articles)} for s in report.stories],
        "skipped": [{"source": name(s.source), "reason": s.reason} for s in report.skipped],
        "duplicates": len(report.duplicates),
    }
