"""The same-fact decision: its features (table-driven, no model) and the fitted model on
sentences written for this test (with the packaged embedder)."""

from __future__ import annotations

import numpy as np
import pytest

from storylens.compare.samefact import (
    ALIGN_FEATURES,
    PAIR_FEATURES,
    Corpus,
    Side,
    _longest_run,
    candidates,
    pair_features,
)
from storylens.model import Claim, Span


def _side(text: str, vec=(1.0, 0.0)) -> Side:
    v = np.asarray(vec, dtype=np.float32)
    return Side.of(text, v / np.linalg.norm(v))


def _f(a: Side, b: Side, corpus: Corpus) -> dict[str, float]:
    return dict(zip(PAIR_FEATURES, pair_features(a, b, corpus)))


def test_features_are_symmetric():
    a = _side("The council voted 7-2 to close the pier on Tuesday.", (1, 0.2))
    b = _side("On Tuesday councillors voted to shut the pier.", (0.8, 0.6))
    corpus = Corpus([a, b])
    assert np.allclose(pair_features(a, b, corpus), pair_features(b, a, corpus))


@pytest.mark.parametrize(
    "x, y, shared, differ",
    [
        ("Lifeboats rescued 86 passengers.", "All 86 passengers were rescued.", 1.0, 0.0),
        ("Lifeboats rescued 86 passengers.", "All 68 passengers were rescued.", 0.0, 1.0),
        ("Lifeboats rescued 86 passengers.", "All passengers were rescued.", 0.0, 0.0),
        ("The tally was 1,200 votes.", "The tally was 1200 votes.", 1.0, 0.0),
    ],
)
def test_numbers_shared_or_contradicting(x, y, shared, differ):
    a, b = _side(x), _side(y)
    f = _f(a, b, Corpus([a, b]))
    assert (f["numbers_shared"], f["numbers_differ"]) == (shared, differ)


def test_a_short_statement_inside_a_long_one_is_contained_not_equal():
    short = _side("The final tally was 97-1.")
    long = _side("The Senate passed the bill in a 97-1 vote hours earlier, after a week of talks on the final tally.")
    other = _side("Lawmakers left town for the recess.")
    f = _f(short, long, Corpus([short, long, other]))
    assert f["contained_rare"] > f["shared_rare"]
    assert f["contained_rare"] > 0.5
    assert f["length_ratio"] < 0.5


def test_rare_words_weigh_more_than_common_ones():
    texts = ["the pier closed", "the pier reopened", "the pier was painted", "the ferry sank"]
    corpus = Corpus([_side(t) for t in texts])
    assert corpus.idf("ferry") > corpus.idf("pier")


def test_longest_run_of_identical_words():
    assert _longest_run("a b c d e".split(), "x b c d y".split()) == ("b", "c", "d")
    assert _longest_run([], ["a"]) == ()


def _claim(aid: str, k: int, text: str) -> Claim:
    return Claim(id=f"{aid}{k}", article_id=aid, span=Span(0, len(text)), text=text)


def test_candidates_pair_only_different_articles_above_the_cosine_floor():
    claims = [_claim("a", 0, "one"), _claim("a", 1, "two"), _claim("b", 0, "three"), _claim("b", 1, "four")]
    vecs = np.array([[1, 0, 0], [0.9, 0.43, 0], [0.95, 0.31, 0], [0, 0, 1]], dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    cand = candidates(claims, [c.text for c in claims], vecs, None)
    assert cand.pairs == [(0, 2), (1, 2)]  # never within an article, never the unrelated claim
    assert cand.features.shape == (2, len(ALIGN_FEATURES))
    margin_min = ALIGN_FEATURES.index("margin_min")
    # claim 2 matches 0 and 1 about equally well: from its side neither pair stands out
    assert abs(cand.features[0, margin_min]) < 0.1 and abs(cand.features[1, margin_min]) < 0.1


@pytest.fixture(scope="module")
def embedder():
    from storylens.understand.embed import get_embedder

    return get_embedder("minilm")


def _probability(embedder, texts_a: list[str], texts_b: list[str]) -> dict[tuple[int, int], float]:
    claims = [_claim("a", k, t) for k, t in enumerate(texts_a)] + [_claim("b", k, t) for k, t in enumerate(texts_b)]
    texts = [c.text for c in claims]
    vectors, tokens = embedder.embed_tokens(texts)
    cand = candidates(claims, texts, vectors, tokens)
    return dict(zip(cand.pairs, cand.probabilities()))


def test_a_restatement_outranks_a_statement_on_the_same_topic(embedder):
    a = [
        "The prime minister vetoed the defence minister's planned visit to Washington on Tuesday.",
        "The harbour board approved a new ferry timetable for the summer.",
    ]
    b = [
        "The defence minister's trip to Washington was nixed by the prime minister.",
        "The defence minister criticised the prime minister's handling of the budget.",
        "Summer ferries will run on a new timetable, the harbour board decided.",
    ]
    p = _probability(embedder, a, b)
    n = len(a)
    same, topical = p.get((0, n + 0), 0.0), p.get((0, n + 1), 0.0)
    assert same > topical
    assert same > 0.5 > topical
    assert p.get((1, n + 2), 0.0) > 0.5


def test_one_quote_printed_inside_two_long_sentences_is_one_fact(embedder):
    # the same seven words of one speaker, each outlet wrapping them in its own account (the
    # model alone scores this pair below the bar: 0.44 when written)
    a = [
        "“Our town is hooked on cheap gravel and easy money,” the mayor said, drawing jeers and"
        " whistles from the hundreds of anglers crowded into the school gym.",
    ]
    b = [
        "Our town is hooked on cheap gravel and easy money,\" she admitted, reading out the apology"
        " she wanted the quarry owners to sign.",
    ]
    p = _probability(embedder, a, b)
    n = len(a)
    assert p.get((0, n + 0), 0.0) >= 0.9
    # a short run of stop words and one name is no quote
    c = ["The mayor said that the council will meet again on the first of May."]
    d = ["Anglers said that the council will decide on the first fishing permits soon."]
    q = _probability(embedder, c, d)
    assert q.get((0, 1), 0.0) < 0.9


def test_a_verbatim_run_needs_content_words():
    from storylens.compare.samefact import VERBATIM_CONTENT, _verbatim

    a = _side("he said that it was in the end of the day a good one")
    assert _verbatim(("it", "was", "in", "the", "end", "of", "the"), a) == 0
    b = _side("will not reopen the quarry until the river is clean")
    run = ("reopen", "the", "quarry", "until", "the", "river", "is", "clean")
    assert sum(w in b.content for w in run) == VERBATIM_CONTENT
    assert _verbatim(run, b) == 8
    assert _verbatim(run[:-1], b) == 0  # three content words
