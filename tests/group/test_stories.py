"""Story grouping: which articles of a run cover the same event."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
import pytest

from storylens.group import stories
from storylens.group.stories import (
    Signatures,
    candidate_edges,
    cluster_matrix,
    cluster_signatures,
    group_stories,
    signatures,
    similarity_matrix,
)
from storylens.model import ArticleAnalysis, text_id

from group_fixtures import make_article

THRESHOLD = stories.DEFAULT_THRESHOLD


def test_seeds_are_one_story(seed_analyses: list[ArticleAnalysis]) -> None:
    stories = group_stories(seed_analyses, threshold=THRESHOLD)
    assert len(stories) == 1
    story = stories[0]
    assert story.article_ids == tuple(a.article.id for a in seed_analyses)
    assert story.id == text_id(" ".join(sorted(story.article_ids)))
    assert {"Netanyahu", "Gallant"} <= set(story.entities)
    # No titles in the seeds: the first sentence with words, not the "MIDDLE EAST" section label.
    assert "Netanyahu" in story.title and len(story.title) <= 120


def test_two_unrelated_stories(fiction_analyses: list[ArticleAnalysis]) -> None:
    stories = group_stories(fiction_analyses, threshold=THRESHOLD)
    ids = [a.article.id for a in fiction_analyses]
    # Input order: flood, recall, flood, recall; stories come in order of their first article.
    assert [s.article_ids for s in stories] == [(ids[0], ids[2]), (ids[1], ids[3])]
    flood, recall = stories
    assert "Danvers" in " ".join(flood.entities)
    assert any("Quillon" in e for e in recall.entities)
    assert flood.period == (fiction_analyses[0].article.published, fiction_analyses[2].article.published)


@pytest.mark.parametrize("pick", [[0, 1], [2, 3], [0, 3], [1, 2]])
def test_one_article_per_story_stays_apart(fiction_analyses: list[ArticleAnalysis], pick: list[int]) -> None:
    analyses = [fiction_analyses[i] for i in pick]
    stories = group_stories(analyses, threshold=THRESHOLD)
    assert [s.article_ids for s in stories] == [(analyses[0].article.id,), (analyses[1].article.id,)]


def test_deterministic_and_order_independent(fiction_analyses: list[ArticleAnalysis]) -> None:
    first = group_stories(fiction_analyses, threshold=THRESHOLD)
    assert group_stories(fiction_analyses, threshold=THRESHOLD) == first
    reversed_run = group_stories(fiction_analyses[::-1], threshold=THRESHOLD)
    assert {s.id for s in reversed_run} == {s.id for s in first}
    # Order follows the input: the recall story's article now comes first.
    assert reversed_run[0].article_ids[0] == fiction_analyses[-1].article.id


def test_title_is_the_most_central_articles_title(fiction_analyses: list[ArticleAnalysis]) -> None:
    titled = [replace(a, article=replace(a.article, title=f"Headline {i}")) for i, a in enumerate(fiction_analyses)]
    stories = group_stories(titled, threshold=THRESHOLD)
    assert [s.title for s in stories] == ["Headline 0", "Headline 1"]  # ties go to input order


def test_copies_are_attached_to_their_story(fiction_analyses: list[ArticleAnalysis]) -> None:
    ids = [a.article.id for a in fiction_analyses]
    copies = {ids[2]: ids[0]}
    flood, recall = group_stories(fiction_analyses, threshold=THRESHOLD, copies=copies)
    assert dict(flood.copies) == copies and dict(recall.copies) == {}


def test_time_gap_damps_similarity(fiction_analyses: list[ArticleAnalysis]) -> None:
    pair = fiction_analyses[0:3:2]  # the two flood articles
    near = similarity_matrix(pair)[0, 1]
    far_article = replace(pair[1].article, published=datetime(2031, 11, 1, tzinfo=timezone.utc))
    far = similarity_matrix([pair[0], replace(pair[1], article=far_article)])[0, 1]
    undated = similarity_matrix(pair, use_time=False)[0, 1]
    assert near == pytest.approx(undated)  # within the grace week
    assert 0.0 < far < near / 8  # six months apart


def test_average_linkage_does_not_chain() -> None:
    # a-b and b-c are similar, a-c not at all: connected components would merge all three.
    sim = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]])
    assert cluster_matrix(sim, 0.4) == [[0, 1], [2]]
    assert cluster_matrix(sim, 0.2) == [[0, 1, 2]]


def test_empty_run() -> None:
    assert group_stories([], threshold=THRESHOLD) == ()


def _bare(text: str, title: str | None = None, published: datetime | None = None) -> ArticleAnalysis:
    return ArticleAnalysis(article=make_article(text, title=title, published=published))


# Two made-up days of one saga: the same background, different news in the opening words.
_BACKGROUND = (
    "The harbour authority has argued for months about dredging the northern channel, which the "
    "ferry operators say silts up every winter, while fishermen fear for the oyster beds near "
    "Quarrel Point and the council budget is already stretched by the sea wall repairs. "
)
_BACKGROUND = _BACKGROUND * 3  # the lede is the first 60 content words: past it
_DAY_ONE = "Dredgers began clearing the northern channel at dawn, watched by protesting oyster fishermen. "
_DAY_ONE_AGAIN = "Protesting oyster fishermen watched at dawn as dredgers began to clear the northern channel. "
_DAY_TWO = "A judge halted the dredging after the fishermen's cooperative won an emergency injunction. "


def test_the_lede_weighs_more_than_the_background() -> None:
    one, again, two = (_bare(lede + _BACKGROUND) for lede in (_DAY_ONE, _DAY_ONE_AGAIN, _DAY_TWO))
    sim = similarity_matrix([one, again, two])
    assert sim[0, 1] > sim[0, 2] + 0.05
    # the same words at the end of the articles instead of the start count for less
    tail = similarity_matrix([_bare(_BACKGROUND + lede) for lede in (_DAY_ONE, _DAY_ONE_AGAIN, _DAY_TWO)])
    assert sim[0, 1] - sim[0, 2] > tail[0, 1] - tail[0, 2]


def _random_signatures(seed: int, n: int, *, days: float | None) -> Signatures:
    """Articles of stories of three: 10 of the story's 15 words (some repeated), 20 words common
    to all stories and 15 words of the article's own."""
    rng = np.random.default_rng(seed)
    stories_n = n // 3
    rows, cols = [], []
    for k in range(n):
        story = k % stories_n
        own = rng.choice(15, 10, replace=False) + 15 * story
        cols += [*own, *own[: rng.integers(0, 6)], *rng.integers(0, 200, 20) + 15 * stories_n]
        cols += [*range(15 * stories_n + 200 + 15 * k, 15 * stories_n + 215 + 15 * k)]
        rows += [k] * (len(cols) - len(rows))
    counts = stories.sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(cols) + 1))
    counts.sum_duplicates()
    part = stories.tfidf_rows(counts, stories.document_frequencies(counts), n)
    if days is None:
        return Signatures(stories.blend([part, part, part]), np.full(n, np.nan))
    # each story starts at a random time in ``days`` and is told within three days
    starts = rng.uniform(0, days * 86400, size=stories_n)
    stamps = starts[np.arange(n) % stories_n] + rng.uniform(0, 3 * 86400, size=n)
    return Signatures(stories.blend([part, part, part]), stamps)


@pytest.mark.parametrize("seed,days", [(1, None), (2, 3.0), (3, 400.0), (4, 2000.0)])
def test_candidate_search_gives_the_exhaustive_clusters(seed: int, days: float | None) -> None:
    sig = _random_signatures(seed, 90, days=days)
    exhaustive = cluster_signatures(sig, THRESHOLD)
    assert len(exhaustive) < 60  # the pools do form stories
    assert cluster_signatures(sig, THRESHOLD, exhaustive_max=0) == exhaustive


def test_candidates_are_close_in_time_and_exact() -> None:
    sig = _random_signatures(5, 60, days=5000.0)
    i, j, s = candidate_edges(sig, THRESHOLD)
    assert np.all(i < j) and len(set(zip(i.tolist(), j.tolist()))) == len(i)
    assert len(i) < 60 * 59 / 2 / 10  # far fewer than all pairs
    horizon = stories.horizon_days(THRESHOLD) * 86400.0
    assert np.all(np.abs(sig.stamps[i] - sig.stamps[j]) <= horizon)
    dense = stories.dense_similarity(sig)
    assert np.allclose(s, dense[i, j], atol=1e-6)
    # every pair at or above the threshold is a candidate
    strong = {(a, b) for a, b in zip(*np.nonzero(np.triu(dense >= THRESHOLD, k=1)))}
    assert strong and strong <= set(zip(i.tolist(), j.tolist()))


def test_undated_articles_are_compared_with_every_date() -> None:
    base = _random_signatures(6, 30, days=3000.0)
    stamps = base.stamps.copy()
    stamps[::4] = np.nan
    sig = Signatures(base.vectors, stamps)
    i, j, _ = candidate_edges(sig, THRESHOLD)
    undated_pairs = np.isnan(stamps[i]) | np.isnan(stamps[j])
    assert undated_pairs.any()
    assert cluster_signatures(sig, THRESHOLD, exhaustive_max=0) == cluster_signatures(sig, THRESHOLD)


@pytest.mark.parametrize("seed", range(6))
def test_sparse_linkage_on_all_pairs_is_average_linkage(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 25
    sim = rng.uniform(0, 0.5, size=(n, n)) ** 2 * 4
    sim = np.triu(sim, 1)
    sim = sim + sim.T
    np.fill_diagonal(sim, 1.0)
    i, j = np.triu_indices(n, 1)
    found = stories._sparse_average_linkage(n, i, j, sim[i, j], 0.3)
    assert sorted(sorted(c) for c in found) == cluster_matrix(sim, 0.3)
    assert 1 < len(found) < n


def test_sparse_linkage_counts_absent_pairs_as_zero() -> None:
    # a-b 0.5, b-c 0.5, a-c absent: a and b merge, c then averages 0.25 with them
    i, j, s = np.array([0, 1]), np.array([1, 2]), np.array([0.5, 0.5])
    assert sorted(map(sorted, stories._sparse_average_linkage(3, i, j, s, 0.3))) == [[0, 1], [2]]
    assert sorted(map(sorted, stories._sparse_average_linkage(3, i, j, s, 0.2))) == [[0, 1, 2]]


def test_huge_component_falls_back_to_candidate_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    sig = _random_signatures(7, 90, days=None)
    exhaustive = cluster_signatures(sig, THRESHOLD)
    monkeypatch.setattr(stories, "DENSE_COMPONENT_MAX", 1)
    sparse_only = cluster_signatures(sig, THRESHOLD, exhaustive_max=0)
    # the candidate pairs hold every pair that reaches the threshold, and the rest are small
    from bench.grouping import bcubed

    gold = {str(k): str(n) for n, c in enumerate(exhaustive) for k in c}
    assert bcubed([[str(k) for k in c] for c in sparse_only], gold).f1 > 0.9
