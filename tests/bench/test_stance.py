"""The FNC-1 scorer of bench/stance.py on tiny hand-made gold and predictions."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from bench.stance import (
    Corpus,
    Pair,
    _CODE,
    _decide_codes,
    class_f1,
    fnc_score,
    is_tuning,
    macro_f1,
    relative_fnc_score,
    scores,
)
from storylens.compare.stance import STANCES, StanceEvidence, StanceRules, decide
from storylens.understand.embed import LexicalEmbedder


@pytest.mark.parametrize(
    "gold, predicted, expected",
    [
        (["unrelated"], ["unrelated"], 0.25),
        (["unrelated"], ["discuss"], 0.0),
        (["agree"], ["agree"], 1.0),
        (["agree"], ["disagree"], 0.25),  # related decision right, label wrong
        (["discuss"], ["unrelated"], 0.0),
        (["disagree", "unrelated", "discuss"], ["disagree", "agree", "agree"], 1.0 + 0.0 + 0.25),
    ],
)
def test_fnc_score_arithmetic(gold, predicted, expected):
    assert fnc_score(gold, predicted) == pytest.approx(expected)


def test_relative_score_is_percent_of_the_maximum():
    gold = ["agree", "unrelated", "unrelated", "discuss"]  # best = 1 + 0.25 + 0.25 + 1 = 2.5
    pred = ["discuss", "unrelated", "agree", "discuss"]  # 0.25 + 0.25 + 0 + 1 = 1.5
    assert relative_fnc_score(gold, pred) == pytest.approx(60.0)
    assert relative_fnc_score(gold, gold) == pytest.approx(100.0)


def test_fnc_score_refuses_lists_of_different_length():
    with pytest.raises(ValueError):
        fnc_score(["agree"], ["agree", "agree"])


def test_class_and_macro_f1():
    gold = ["agree", "agree", "disagree", "discuss", "unrelated", "unrelated"]
    pred = ["agree", "discuss", "disagree", "discuss", "unrelated", "agree"]
    # agree: tp 1, predicted 2, gold 2 -> 2/4; disagree: 1; discuss: tp 1, pred 2, gold 1 -> 2/3
    # unrelated: tp 1, pred 1, gold 2 -> 2/3
    assert class_f1(gold, pred, "agree") == pytest.approx(0.5)
    assert class_f1(gold, pred, "disagree") == pytest.approx(1.0)
    assert class_f1(gold, pred, "discuss") == pytest.approx(2 / 3)
    assert macro_f1(gold, pred) == pytest.approx((0.5 + 1.0 + 2 / 3 + 2 / 3) / 4)
    s = scores(gold, pred)
    assert s["macro_f1"] == pytest.approx(macro_f1(gold, pred))
    assert set(s) == {"fnc_score", "macro_f1", "agree_f1", "disagree_f1", "discuss_f1", "unrelated_f1"}


def test_a_class_never_predicted_scores_zero_and_counts_in_the_macro_mean():
    gold = ["disagree", "unrelated"]
    pred = ["unrelated", "unrelated"]
    assert class_f1(gold, pred, "disagree") == 0.0
    assert class_f1(gold, pred, "agree") == 0.0  # absent on both sides
    assert macro_f1(gold, pred) == pytest.approx((2 / 3) / 4)


@pytest.mark.parametrize("body_id, tuning", [(0, True), (2, True), (1, False), (2587, False)])
def test_tuning_half_is_the_even_body_ids(body_id, tuning):
    assert is_tuning(body_id) is tuning


def _evidence(rel, overlap, refuting, differs, cos, hedged):
    return StanceEvidence(rel, overlap, (0,), refuting, differs, cos, hedged, False)


def test_vectorized_decision_used_for_tuning_mirrors_decide():
    """The grid search must pick rules that decide() applies the same way."""
    evs = [
        _evidence(*v)
        for v in itertools.product((0.3, 0.5), (0.5, 0.9), (0, 2), (False, True), (0.55, 0.75), (0.0, 0.4, 1.0))
    ]
    arr = {
        f.name: np.array([getattr(e, f.name) for e in evs]) for f in dataclasses.fields(StanceEvidence) if f.name != "matched"
    }
    for rules in (StanceRules(), StanceRules(related=0.4, related_overlap=0.85, refute_count=2, negation_match=0.7, hedge_share=0.5)):
        r = {k: getattr(rules, k) for k in ("related", "related_overlap", "refute_count", "negation_match", "hedge_share")}
        codes = _decide_codes(arr, r)
        assert [STANCES[c] for c in codes] == [decide(e, rules)[0] for e in evs]
    assert _CODE == {s: k for k, s in enumerate(STANCES)}


def test_corpus_embeds_each_distinct_text_once():
    class Counting(LexicalEmbedder):
        def __init__(self):
            super().__init__()
            self.calls: list[int] = []

        def embed(self, texts):
            self.calls.append(len(texts))
            return super().embed(texts)

    bodies = {1: "The dam burst. Villages flooded.", 2: "The dam burst. Nobody was hurt."}
    pairs = [Pair("The dam burst", 1, "agree"), Pair("The dam burst", 2, "agree"), Pair("A cat sang", 1, "unrelated")]
    emb = Counting()
    corpus = Corpus(bodies, pairs, emb)
    # 3 distinct sentences + 2 distinct headlines, in one call
    assert emb.calls == [5]
    evs = corpus.evidence(StanceRules())
    assert len(evs) == 3
    assert evs[0].relatedness > evs[2].relatedness
