"""The NAnCo scorer of bench/nanco.py: pairs, balanced accuracy and the threshold protocol."""

from __future__ import annotations

import numpy as np
import pytest

from bench.nanco import (
    GRID,
    NancoAnswer,
    Variant,
    balanced_accuracy,
    best_threshold,
    build_claims,
    choose_threshold,
    mean_balanced_accuracy,
    pair_labels,
)


def _answers(*clusters: int) -> list[NancoAnswer]:
    return [NancoAnswer("Q0", f"answer {k}", f"paragraph {k}", c) for k, c in enumerate(clusters)]


def test_pairs_are_every_two_answers_labelled_by_gold_group():
    pairs, labels = pair_labels(_answers(1, 1, 2))
    assert pairs == [(0, 1), (0, 2), (1, 2)]
    assert labels.tolist() == [1, 0, 0]


@pytest.mark.parametrize(
    "labels, predicted, expected",
    [
        ([1, 1, 0, 0], [1, 1, 0, 0], 1.0),
        ([1, 1, 0, 0], [1, 0, 0, 0], 0.75),  # recall 1/2 on positives, 1 on negatives
        ([1, 0, 0, 0], [1, 1, 1, 1], 0.5),  # all positive: recall 1 and 0
        ([1, 0, 0, 0], [0, 0, 0, 0], 0.5),  # all negative: a majority vote earns only 0.5
        ([1, 0, 0, 0, 0], [1, 1, 0, 0, 0], (1.0 + 0.75) / 2),
        ([0, 0], [0, 1], 0.5),  # one class present: its recall alone
    ],
)
def test_balanced_accuracy(labels, predicted, expected):
    assert balanced_accuracy(labels, predicted) == pytest.approx(expected)


def test_best_threshold_is_the_lowest_grid_value_with_the_highest_balanced_accuracy():
    # scores 0.2 (neg) | 0.5 (pos) separate perfectly for any t in [0.20, 0.49] with "score > t"
    t, ba = best_threshold([0.2, 0.5, 0.1, 0.6], [0, 1, 0, 1])
    assert ba == 1.0
    assert t == pytest.approx(0.20)


def test_best_threshold_uses_strict_greater_than():
    # a positive scoring exactly 0.30 is only "same" for t < 0.30: t = 0.30 loses it
    t, ba = best_threshold([0.30, 0.10], [1, 0], grid=(0.05, 0.30, 0.29))
    assert (t, ba) == (0.29, 1.0)
    assert best_threshold([0.30, 0.10], [1, 0], grid=(0.30,))[1] == 0.5


def test_the_published_grid_runs_from_0_to_4_99_in_hundredths():
    assert GRID[0] == 0.0 and GRID[-1] == 4.99 and len(GRID) == 500
    assert GRID[37] == 0.37


def test_threshold_is_the_mean_of_per_question_best_thresholds_and_test_is_averaged():
    per_q = {
        "Q2": (np.array([0.1, 0.5]), np.array([0, 1])),  # best t = 0.10
        "Q3": (np.array([0.3, 0.7]), np.array([0, 1])),  # best t = 0.30
        "Q4": (np.array([0.15, 0.25]), np.array([0, 1])),  # t = 0.2: perfect
        "Q7": (np.array([0.25, 0.15]), np.array([0, 1])),  # t = 0.2: everything wrong
    }
    t = choose_threshold(per_q, ("Q2", "Q3"))
    assert t == pytest.approx(0.20)
    assert mean_balanced_accuracy(per_q, t, ("Q4",)) == 1.0
    assert mean_balanced_accuracy(per_q, t, ("Q4", "Q7")) == pytest.approx(0.5)


@pytest.mark.parametrize("field", ["answer", "paragraph"])
def test_claims_without_bonus_carry_only_their_text(field):
    answers = [NancoAnswer("Q2", "drug smuggling", "They cite drug smuggling at the border.", 1)]
    (claim,) = build_claims(answers, Variant(field, bonus=False), docs={})
    expected = "drug smuggling" if field == "answer" else "They cite drug smuggling at the border."
    assert claim.text == expected
    assert claim.span.of(claim.text) == claim.text
    assert claim.entities == () and claim.quantities == ()


def test_claims_with_bonus_keep_entities_inside_the_answer_only(nlp):
    paragraph = "Governor Greg Abbott ordered checks after Mexico protested, officials in Texas said."
    answers = [
        NancoAnswer("Q2", "Governor Greg Abbott ordered checks", paragraph, 1),
        NancoAnswer("Q2", "Abbott", "Abbott ordered the checks.", 1),
    ]
    docs = {a.paragraph: nlp(a.paragraph) for a in answers}
    claims = build_claims(answers, Variant("answer", bonus=True), docs)
    # Texas and Mexico are in the paragraph but outside the answer span
    assert len(claims[0].entities) == 1
    # "Abbott" alone is linked to the full name across the question's answers
    assert claims[0].entities == claims[1].entities
