"""Alignment of claims into facts, with a deterministic stand-in embedder."""

from datetime import datetime, timezone

import numpy as np
import pytest

from storylens.compare.align import build_facts, claim_similarity, group_facts, related_claims
from storylens.model import Article, Claim, Fact, Hedge, Outlet, Quantity, SourceRef, Span


class TableEmbedder:
    """Embeds each text as a fixed unit vector given by a table: exact control over cosines."""

    name = "table"

    def __init__(self, table: dict[str, list[float]]):
        self.table = table

    def embed(self, texts):
        rows = np.array([self.table[t] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _claim(aid: str, text: str, **kw) -> Claim:
    return Claim(id=f"{aid}:{text[:8]}", article_id=aid, span=Span(0, len(text)), text=text, **kw)


def _article(aid: str, outlet: str, text: str, published=None, kind=None) -> Article:
    return Article(id=aid, outlet=Outlet(outlet, kind=kind), text=text, published=published)


TABLE = {
    "A vetoed the visit.": [1, 0, 0],
    "A nixed the trip.": [0.9, 0.44, 0],
    "B says the visit was vetoed.": [0.95, 0.3, 0.1],
    "Unrelated weather news.": [0, 0, 1],
    "Another unrelated line.": [0, 0.2, 0.98],
}


# (i, j, probability) of claim pairs; articles of claims 0..5: a1 a1 a2 a3 a3 a2
ARTS = ["a1", "a1", "a2", "a3", "a3", "a2"]


@pytest.mark.parametrize(
    "pairs, expected",
    [
        # the strong pairs 0-2 and 2-3 make one fact of three articles; 1 and 4 stay alone
        ([(0, 2, 0.9), (2, 3, 0.8), (0, 3, 0.7), (1, 4, 0.3)], [[0, 2, 3], [1], [4], [5]]),
        # 2-3 is strong but 0-3 is below the link bar: no chain from 0 through 2 to 3; claim 2
        # states both facts (it pairs strongly with each), so it supports both
        ([(0, 2, 0.9), (2, 3, 0.8), (0, 3, 0.1)], [[0, 2], [1], [2, 3], [4], [5]]),
        # one claim per article: 1 pairs strongly with 2 too, but 0 (its own article) is there
        ([(0, 2, 0.9), (1, 2, 0.85), (1, 5, 0.95)], [[0, 2], [1, 5], [3], [4]]),
    ],
)
def test_group_facts_strongest_first_one_claim_per_article_no_chains(pairs, expected):
    groups, prob = group_facts(ARTS, [(i, j) for i, j, _ in pairs], [p for *_, p in pairs], 0.6, 0.2)
    assert sorted(groups) == sorted(expected)
    assert prob[(0, 2)] == 0.9


def test_one_sentence_may_support_two_facts():
    # claim 3 (article a3) states both what 0 and 1 say (two sentences of a1): it joins both facts
    arts = ["a1", "a1", "a2", "a3"]
    pairs = [(0, 3, 0.9), (1, 3, 0.8), (0, 2, 0.85), (2, 3, 0.5)]
    groups, _ = group_facts(arts, [(i, j) for i, j, _ in pairs], [p for *_, p in pairs], 0.6, 0.2)
    assert [0, 2, 3] in groups and [1, 3] in groups


def test_related_claims_are_kept_apart_from_the_fact():
    arts = ["a1", "a2", "a3"]
    pairs = [(0, 1, 0.9), (1, 2, 0.4), (0, 2, 0.35)]
    groups, prob = group_facts(arts, [(i, j) for i, j, _ in pairs], [p for *_, p in pairs], 0.6, 0.2)
    assert sorted(groups) == [[0, 1], [2]]
    related = related_claims(groups, arts, prob, 0.3, 0.6)
    fact = groups.index([0, 1])
    assert related[fact] == {2: 0.4}
    # below the related bar nothing is related
    assert related_claims(groups, arts, prob, 0.5, 0.6) == {}


def test_related_outlet_is_not_reporting_and_confidence_is_the_weakest_link():
    arts = {"a": _article("a", "A", "x"), "b": _article("b", "B", "x"), "c": _article("c", "C", "x")}
    claims = [_claim("a", "A vetoed the visit."), _claim("b", "A nixed the trip."), _claim("c", "B says the visit was vetoed.")]
    sim = np.ones((3, 3), dtype=np.float32)
    (fact,) = build_facts(
        [[0, 1]], claims, sim, arts, ["A", "B", "C"], copies={}, related={0: {2: 0.41}}, prob={(0, 1): 0.83}
    )
    assert fact.status == {"A": "reported", "B": "reported", "C": "related"}
    assert fact.confidence == 0.83
    assert [r.outlet for r in fact.related] == ["C"] and fact.related_confidence == (0.41,)
    assert fact.independent_support == 2
    # a weak resemblance stays on the fact (for omissions) without the "related" mark
    (weak,) = build_facts(
        [[0, 1]], claims, sim, arts, ["A", "B", "C"], copies={}, related={0: {2: 0.12}}, prob={(0, 1): 0.83},
        related_at=0.3,
    )
    assert weak.status["C"] == "silent" and weak.related_confidence == (0.12,)


def test_entities_and_numbers_raise_similarity():
    t = {"x one": [1, 0], "y two": [0.6, 0.8]}
    plain = [_claim("a", "x one"), _claim("b", "y two")]
    rich = [
        _claim("a", "x one", entities=("e1", "e2"), quantities=(Quantity(Span(0, 1), "x", 3.0),)),
        _claim("b", "y two", entities=("e1", "e2"), quantities=(Quantity(Span(0, 1), "y", 3.0),)),
    ]
    s_plain = claim_similarity(plain, TableEmbedder(t))[0, 1]
    s_rich = claim_similarity(rich, TableEmbedder(t))[0, 1]
    assert s_rich == pytest.approx(s_plain + 0.15 + 0.05, abs=1e-5)


def test_build_facts_status_support_and_first_report():
    t1 = datetime(2026, 3, 9, 8, tzinfo=timezone.utc)
    t2 = datetime(2026, 3, 9, 12, tzinfo=timezone.utc)
    arts = {
        "w": _article("w", "Wire", "x", t1, kind="wire"),
        "c": _article("c", "Copier", "x", t2),
        "h": _article("h", "Hedger", "x", t2),
        "s": _article("s", "Silent", "x", t2),
        "j1": _article("j1", "Cites WSJ 1", "x", t2),
        "j2": _article("j2", "Cites WSJ 2", "x", t2),
    }
    wsj = SourceRef(Span(0, 1), "x", "outlet", name="Wall Street Journal")
    claims = [
        _claim("w", "A vetoed the visit."),
        _claim("c", "A vetoed the visit."),
        _claim("h", "A vetoed the visit.", hedges=(Hedge(Span(0, 1), "x", "hearsay"),)),
        _claim("j1", "A vetoed the visit.", sources=(wsj,)),
        _claim("j2", "A vetoed the visit.", sources=(wsj,)),
    ]
    sim = np.ones((5, 5), dtype=np.float32)
    outlets = [a.outlet.name for a in arts.values()]
    (fact,) = build_facts([[0, 1, 2, 3, 4]], claims, sim, arts, outlets, copies={"c": "w"})
    assert fact.status == {
        "Wire": "reported",
        "Copier": "reported",
        "Hedger": "hedged",
        "Silent": "silent",
        "Cites WSJ 1": "reported",
        "Cites WSJ 2": "reported",
    }
    # wire + its copy count once, the hedged outlet once, the two WSJ citers once: 3 origins
    assert fact.independent_support == 3
    assert fact.rests_on == ("Hedger", "Wall Street Journal", "Wire")
    assert fact.first_reported == "Wire"
    assert {r.article_id for r in fact.claims} == {"w", "c", "h", "j1", "j2"}


def test_contradicted_outlet_and_representative_text():
    arts = {"a": _article("a", "A", "x"), "b": _article("b", "B", "x")}
    claims = [_claim("a", "A vetoed the visit."), _claim("b", "A nixed the trip.")]
    sim = np.ones((2, 2), dtype=np.float32)
    from storylens.compare.align import fact_id

    fid = fact_id(claims)
    (fact,) = build_facts([[0, 1]], claims, sim, arts, ["A", "B"], copies={}, contradicted={fid: frozenset({"B"})})
    assert fact.status == {"A": "reported", "B": "contradicted"}
    assert fact.text == "A vetoed the visit."
    assert fact.independent_support == 1
    assert fact.first_reported is None  # no publication times known


def test_citing_an_outlet_of_the_story_is_not_independent_of_it():
    arts = {
        "c": _article("c", "Bramcote Courier", "x"),
        "h": _article("h", "Harbour FM", "x"),
        "n": _article("n", "Northshore Daily", "x"),
    }
    cites_courier = SourceRef(Span(0, 1), "x", "outlet", name="Courier")
    told_courier = SourceRef(Span(0, 1), "x", "anonymous", role="official", via="Courier")
    claims = [
        _claim("c", "A vetoed the visit.", sources=(told_courier,)),  # its own reporting
        _claim("h", "A vetoed the visit.", sources=(cites_courier,)),
        _claim("n", "A vetoed the visit."),
    ]
    sim = np.ones((3, 3), dtype=np.float32)
    (fact,) = build_facts([[0, 1, 2]], claims, sim, arts, ["Bramcote Courier", "Harbour FM", "Northshore Daily"], copies={})
    assert fact.independent_support == 2


def test_a_shared_resolved_day_raises_similarity():
    from datetime import datetime

    from storylens.model import TimeRef

    def day(d):
        return TimeRef(Span(0, 1), "x", "DATE", value=f"2026-03-{d:02d}", start=datetime(2026, 3, d),
                       end=datetime(2026, 3, d + 1), granularity="day", anchor="publication")

    t = {"x one": [1, 0], "y two": [0.6, 0.8]}
    same = [_claim("a", "x one", times=(day(9),)), _claim("b", "y two", times=(day(9),))]
    other = [_claim("a", "x one", times=(day(9),)), _claim("b", "y two", times=(day(10),))]
    s_same = claim_similarity(same, TableEmbedder(t))[0, 1]
    s_other = claim_similarity(other, TableEmbedder(t))[0, 1]
    assert s_same == pytest.approx(s_other + 0.05, abs=1e-5)


def test_two_facts_sharing_a_sentence_are_worded_differently():
    from storylens.compare.align import _distinct_texts

    shared = "The mayor vetoed the harbour toll on Tuesday."
    f1 = Fact("f1", shared, (), {}, 2)
    f2 = Fact("f2", shared, (), {}, 2)
    f3 = Fact("f3", "The toll was dropped.", (), {}, 1)
    got = _distinct_texts([(f1, [shared, "Tuesday's veto ended the toll."]), (f2, [shared, "The toll plan was postponed."]), (f3, ["The toll was dropped."])])
    assert [f.text for f in got] == [shared, "The toll plan was postponed.", "The toll was dropped."]
    assert got[0] is f1 and got[1].id == "f2"
    # a fact with no other wording keeps its own
    assert [f.text for f in _distinct_texts([(f1, [shared]), (f2, [shared])])] == [shared, shared]
