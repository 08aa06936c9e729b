"""Story grouping: which articles of a run cover the same event."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
import pytest

from storylens.group.stories import cluster_matrix, group_stories, similarity_matrix
from storylens.model import ArticleAnalysis, text_id

THRESHOLD = 0.2


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
