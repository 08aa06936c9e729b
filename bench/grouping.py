"""Story-grouping benchmark: B-cubed precision/recall/F1 of ``group_stories`` on BASIL.

Reads the 150 articles of ``../shared/bench/cross-outlet-basil/articles/`` (50 events x 3
outlets; gold story = ``triplet-uuid``), builds each article's text from its paragraphs and its
mentions from spaCy's ``doc.ents``, groups all 150 together and scores the result: with their
publication dates, without them (the harder case: BASIL's 50 stories span 2010-2014, so dates
alone keep most apart), through the candidate search that large runs use, and for each half of
the stories alone (the first 25 by file order, 2010-2012, and the last 25, 2012-2014).

    python -m bench.grouping                 # scores at the default threshold
    python -m bench.grouping --sweep         # scores over a range of thresholds
    python -m bench.grouping --threshold 0.2 --no-time
    python -m bench.grouping --crossval      # held-out scores: tuned on one half, scored on the other
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from bench.data import BENCH, BenchDataMissing
from storylens.group import stories as stories_module
from storylens.group.stories import (
    DEFAULT_THRESHOLD,
    cluster_matrix,
    cluster_signatures,
    group_stories,
    signatures,
    similarity_matrix,
)
from storylens.settings import Settings
from storylens.model import Article, ArticleAnalysis, Outlet, Span, text_id
from storylens.understand.entities import find_mentions

log = logging.getLogger(__name__)

BASIL = BENCH / "cross-outlet-basil" / "articles"
# Pipes that doc.ents does not need; dropping them roughly halves the parse time.
_UNNEEDED_PIPES = ("parser", "lemmatizer", "attribute_ruler")


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    clusters: int


def load_articles(root: Path = BASIL) -> tuple[list[Article], dict[str, str]]:
    """Articles in a stable (path) order and their gold story (article id -> triplet-uuid)."""
    paths = sorted(root.glob("*/*.json"))
    if not paths:
        raise BenchDataMissing(f"no BASIL articles under {root}")
    articles: list[Article] = []
    gold: dict[str, str] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(sentences) for sentences in data["body-paragraphs"]]
        text = "\n\n".join(p for p in paragraphs if p.strip())
        spans, pos = [], 0
        for paragraph in (p for p in paragraphs if p.strip()):
            spans.append(Span(pos, pos + len(paragraph)))
            pos += len(paragraph) + 2
        published = datetime.fromisoformat(data["date"]) if data.get("date") else None
        article = Article(
            id=text_id(text),
            outlet=Outlet(name=str(data["source"]).lower()),
            text=text,
            title=data.get("title"),
            url=data.get("url"),
            published=published,
            published_how="metadata" if published else None,
            paragraphs=tuple(spans),
            origin=str(path),
        )
        articles.append(article)
        gold[article.id] = data["triplet-uuid"]
    return articles, gold


def analyze_mentions(articles: Sequence[Article]) -> list[ArticleAnalysis]:
    """ArticleAnalysis with only ``mentions`` filled, from the shared spaCy pipeline."""
    from storylens.understand.nlp import get_nlp

    nlp = get_nlp()
    disable = [p for p in _UNNEEDED_PIPES if p in nlp.pipe_names]
    analyses: list[ArticleAnalysis] = []
    for article, doc in zip(articles, nlp.pipe((a.text for a in articles), disable=disable, batch_size=8)):
        # the same mention cleanup as the pipeline, so the bench measures what users get
        analyses.append(ArticleAnalysis(article=article, mentions=find_mentions(doc)))
    return analyses


def bcubed(predicted: Sequence[Sequence[str]], gold: Mapping[str, str]) -> Scores:
    """B-cubed precision, recall and F1 of a clustering against gold labels."""
    cluster_of = {item: k for k, cluster in enumerate(predicted) for item in cluster}
    gold_sizes = Counter(gold.values())
    overlap = Counter((cluster_of[item], gold[item]) for item in cluster_of)
    cluster_sizes = Counter(cluster_of.values())
    precision = recall = 0.0
    for item, k in cluster_of.items():
        shared = overlap[(k, gold[item])]
        precision += shared / cluster_sizes[k]
        recall += shared / gold_sizes[gold[item]]
    n = len(cluster_of)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len(predicted))


def small_runs(analyses: Sequence[ArticleAnalysis], gold: Mapping[str, str], threshold: float) -> dict[str, float]:
    """Grouping when a run holds one story (each triplet alone) or two (consecutive triplet pairs).

    Users often run storylens on a handful of articles, where the run's own idf is weakest.
    """
    by_story: dict[str, list[ArticleAnalysis]] = {}
    for a in analyses:
        by_story.setdefault(gold[a.article.id], []).append(a)
    groups = list(by_story.values())
    whole = sum(len(group_stories(g, threshold=threshold)) == 1 for g in groups)
    pairs = [groups[k] + groups[k + 1] for k in range(0, len(groups) - 1, 2)]
    perfect = sum(
        bcubed([s.article_ids for s in group_stories(p, threshold=threshold)], gold).f1 == 1.0 for p in pairs
    )
    return {"triplets_kept_whole": whole / len(groups), "triplet_pairs_separated": perfect / len(pairs)}


def halves(analyses: Sequence[ArticleAnalysis], gold: Mapping[str, str]) -> tuple[list[ArticleAnalysis], ...]:
    """The articles of the first and of the last half of the stories, in file order."""
    stories = list(dict.fromkeys(gold[a.article.id] for a in analyses))
    first = set(stories[: len(stories) // 2])
    return (
        [a for a in analyses if gold[a.article.id] in first],
        [a for a in analyses if gold[a.article.id] not in first],
    )


def grouped(
    analyses: Sequence[ArticleAnalysis], threshold: float, *, use_time: bool = True, exhaustive_max: int | None = None
) -> list[list[str]]:
    """Story clusters (article ids) of one run, optionally without dates or forced through candidates."""
    sig = signatures(analyses, use_time=use_time)
    kwargs = {} if exhaustive_max is None else {"exhaustive_max": exhaustive_max}
    return [[analyses[i].article.id for i in c] for c in cluster_signatures(sig, threshold, **kwargs)]


def measure() -> dict[str, float]:
    """B-cubed scores of the pipeline's grouping at the configured default threshold."""
    articles, gold = load_articles()
    analyses = analyze_mentions(articles)
    threshold = Settings().story_threshold
    stories = group_stories(analyses, threshold=threshold)
    s = bcubed([story.article_ids for story in stories], gold)
    first, last = halves(analyses, gold)
    return {
        "bcubed_f1": s.f1,
        "bcubed_precision": s.precision,
        "bcubed_recall": s.recall,
        "undated_f1": bcubed(grouped(analyses, threshold, use_time=False), gold).f1,
        "undated_first_half_f1": bcubed(grouped(first, threshold, use_time=False), gold).f1,
        "undated_last_half_f1": bcubed(grouped(last, threshold, use_time=False), gold).f1,
        # the large-run path (candidate pairs, blocking by time) forced on these 150 articles
        "candidates_f1": bcubed(grouped(analyses, threshold, exhaustive_max=0), gold).f1,
        "candidates_undated_f1": bcubed(grouped(analyses, threshold, use_time=False, exhaustive_max=0), gold).f1,
        **small_runs(analyses, gold, threshold),
    }


# The grid the shipped weights were chosen from (see PART_WEIGHTS in group/stories.py), and the
# thresholds tried with each point of it.
GRID_LEDE_SHARES = (0.0, 0.2, 0.4, 0.6)
GRID_ENTITY_SHARES = (0.2, 0.3)
GRID_LEDE_WORDS = (40, 60)
GRID_LEDE_WEIGHTS = (1.0, 3.0)
GRID_THRESHOLDS = tuple(round(0.1 + 0.005 * k, 3) for k in range(41))


@dataclass(frozen=True, slots=True)
class GridPoint:
    part_weights: tuple[float, float, float]
    lede_words: int
    lede_weight: float


@contextmanager
def _weights(point: GridPoint) -> Iterator[None]:
    """The grouping module's weights set to ``point`` for the duration (bench only)."""
    names = ("PART_WEIGHTS", "LEDE_WORDS", "LEDE_WEIGHT")
    saved = [getattr(stories_module, name) for name in names]
    for name, value in zip(names, (point.part_weights, point.lede_words, point.lede_weight)):
        setattr(stories_module, name, value)
    try:
        yield
    finally:
        for name, value in zip(names, saved):
            setattr(stories_module, name, value)


def _grid() -> list[GridPoint]:
    return [
        GridPoint((round(1.0 - lede - ent, 3), lede, ent), words, weight)
        for lede, ent, words, weight in itertools.product(
            GRID_LEDE_SHARES, GRID_ENTITY_SHARES, GRID_LEDE_WORDS, GRID_LEDE_WEIGHTS
        )
    ]


def _f1_by_threshold(
    analyses: Sequence[ArticleAnalysis], gold: Mapping[str, str], point: GridPoint, *, use_time: bool
) -> dict[float, float]:
    with _weights(point):
        sim = similarity_matrix(analyses, use_time=use_time)
    return {
        t: bcubed([[analyses[i].article.id for i in c] for c in cluster_matrix(sim, t)], gold).f1
        for t in GRID_THRESHOLDS
    }


def crossval(analyses: Sequence[ArticleAnalysis], gold: Mapping[str, str]) -> list[dict[str, object]]:
    """Two-fold cross-validation of the grouping weights and threshold over BASIL's halves.

    Each half in turn is the tuning half: every grid point and threshold is scored on it
    without dates, and the settings with the best score there (often several, tied) are scored
    on the other, held-out half, without and with dates. Ties are reported as the worst and the
    best held-out score among them, since nothing in the tuning half chooses between them.
    """
    halves_ = halves(analyses, gold)
    grid = _grid()
    # f1[(half, use_time)][k][threshold] for grid point k
    f1 = {
        (h, use_time): [_f1_by_threshold(halves_[h], gold, point, use_time=use_time) for point in grid]
        for h in (0, 1)
        for use_time in (False, True)
    }
    out: list[dict[str, object]] = []
    for tune, check in ((0, 1), (1, 0)):
        scored = [(score, k, t) for k, by_t in enumerate(f1[(tune, False)]) for t, score in by_t.items()]
        best = max(score for score, _, _ in scored)
        chosen = [(k, t) for score, k, t in scored if score == best]
        undated = [f1[(check, False)][k][t] for k, t in chosen]
        dated = [f1[(check, True)][k][t] for k, t in chosen]
        out.append({
            "tuned_on": ("first", "last")[tune],
            "tuning_f1": best,
            "settings_tied": len(chosen),
            "held_out_undated_min": min(undated),
            "held_out_undated_max": max(undated),
            "held_out_undated_mean": sum(undated) / len(undated),
            "held_out_dated_min": min(dated),
            "held_out_dated_max": max(dated),
            "held_out_dated_mean": sum(dated) / len(dated),
        })
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true", help="score thresholds 0.05 .. 0.40")
    parser.add_argument("--no-time", action="store_true", help="ignore publication times")
    parser.add_argument("--crossval", action="store_true", help="tune on one half, score the other")
    args = parser.parse_args(argv)

    articles, gold = load_articles()
    analyses = analyze_mentions(articles)
    if args.crossval:
        for row in crossval(analyses, gold):
            print(json.dumps(row))
        return
    if args.sweep or args.no_time:
        sim = similarity_matrix(analyses, use_time=not args.no_time)
        thresholds = [round(0.025 * k, 3) for k in range(2, 17)] if args.sweep else [args.threshold]
        for t in thresholds:
            clusters = [[articles[i].id for i in c] for c in cluster_matrix(sim, t)]
            s = bcubed(clusters, gold)
            print(f"threshold={t:.3f} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} stories={s.clusters}")
        return
    stories = group_stories(analyses, threshold=args.threshold)
    s = bcubed([story.article_ids for story in stories], gold)
    print(
        f"B-cubed on {len(articles)} BASIL articles, {len(set(gold.values()))} gold stories, "
        f"threshold={args.threshold:.2f}: P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} stories={s.clusters}"
    )


if __name__ == "__main__":
    main()
