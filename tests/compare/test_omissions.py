from __future__ import annotations

import pytest

from storylens.compare.omissions import find_omissions
from storylens.model import Fact, Omission

A, B, C, D = "Alpha Times", "Beta Radio", "Gamma Post", "Delta Wire"


def fact(fid: str, support: int, **status: str) -> Fact:
    names = {"a": A, "b": B, "c": C, "d": D}
    return Fact(fid, f"fact {fid}", (), {names[k]: v for k, v in status.items()}, support)


FACTS = (
    fact("f1", 3, a="reported", b="reported", c="reported", d="reported"),
    fact("f2", 1, a="reported", b="silent", c="silent", d="silent"),
    fact("f3", 2, a="reported", b="hedged", c="silent", d="silent"),
    fact("f4", 2, a="silent", b="reported", c="reported", d="reported"),
    fact("f5", 0, a="contradicted", b="contradicted", c="silent", d="silent"),
    fact("f6", 2, a="reported", c="reported"),  # b and d absent from status: silent
    fact("f7", 1, a="silent", b="contradicted", c="silent", d="reported"),
)


@pytest.mark.parametrize(
    "outlet,expected",
    [
        # ranked by support, then number of reporters, then fact order
        (A, [("f4", 2, (B, C, D)), ("f7", 1, (D,))]),
        (B, [("f6", 2, (A, C)), ("f2", 1, (A,))]),
        # f3 was hedged by B: a hedged report still counts; f5 has no reporter at all
        (C, [("f3", 2, (A, B)), ("f2", 1, (A,)), ("f7", 1, (D,))]),
        (D, [("f3", 2, (A, B)), ("f6", 2, (A, C)), ("f2", 1, (A,))]),
    ],
)
def test_omissions_per_outlet(outlet, expected):
    got = [(o.fact_id, o.support, o.reporters) for o in find_omissions(FACTS, [A, B, C, D]) if o.outlet == outlet]
    assert got == expected


def test_outlets_come_in_the_given_order_and_contradiction_is_not_omission():
    oms = find_omissions(FACTS, [D, A])
    assert [o.outlet for o in oms] == [D, D, D, A, A]
    # A contradicted f5 and B contradicted f7: neither is an omission by them
    assert not any(o.fact_id == "f5" for o in oms)
    # reporters follow the given outlet order; outlets not given come after
    assert oms[0] == Omission(D, "f3", 2, (A, B))


@pytest.mark.parametrize("facts,outlets", [((), [A, B]), (FACTS, []), ((FACTS[0],), [A, B, C, D])])
def test_nothing_to_omit(facts, outlets):
    assert find_omissions(facts, outlets) == ()


def test_an_outlet_with_a_related_claim_is_not_listed_as_omitting():
    from storylens.model import ClaimRef, Span

    weak = ClaimRef("art-c", C, Span(0, 5), "maybe")
    f = Fact("f8", "fact f8", (), {A: "reported", B: "reported", C: "silent"}, 2, related=(weak,), related_confidence=(0.12,))
    got = {o.outlet for o in find_omissions([f], [A, B, C])}
    assert got == set()  # C's claim resembles the fact (p 0.12): not a confident omission
    plain = Fact("f9", "fact f9", (), {A: "reported", B: "reported", C: "silent"}, 2)
    assert {o.outlet for o in find_omissions([plain], [A, B, C])} == {C}


def test_sure_omissions_come_first_and_carry_a_confidence():
    # D wrote something fairly like f3 (0.4): f3 is less sure than f6 and f2, whatever its support
    closest = {("f3", D): 0.4, ("f6", D): 0.01}
    oms = [o for o in find_omissions(FACTS, [A, B, C, D], closest) if o.outlet == D]
    assert [(o.fact_id, o.confidence) for o in oms] == [("f6", 0.99), ("f2", 1.0), ("f3", 0.6)]
    # among sure omissions support still leads; without probabilities, no confidence is given
    assert [o.fact_id for o in find_omissions(FACTS, [D], {})] == ["f3", "f6", "f2"]
    assert {o.confidence for o in find_omissions(FACTS, [D])} == {None}


def test_an_outlet_that_shares_no_fact_neither_omits_nor_is_omitted():
    facts = (
        fact("g1", 2, a="reported", b="reported"),
        fact("g2", 1, a="reported", b="silent", c="silent"),
        fact("g3", 1, a="silent", b="silent", c="reported"),  # C tells only facts of its own
    )
    oms = find_omissions(facts, [A, B, C])
    assert [(o.outlet, o.fact_id, o.reporters) for o in oms] == [(B, "g2", (A,))]
    # with nobody sharing anything, nothing is an omission
    assert find_omissions((fact("h1", 1, a="reported"), fact("h2", 1, b="reported")), [A, B]) == ()


def test_only_checkable_facts_are_omissions_and_ties_go_to_the_top_of_the_article():
    # f3 and f6 tie for D (support 2, two reporters): fact order, or the one nearer its lede
    assert [o.fact_id for o in find_omissions(FACTS, [D], {})] == ["f3", "f6", "f2"]
    place = {"f3": 0.8, "f6": 0.1, "f2": 0.0}
    assert [o.fact_id for o in find_omissions(FACTS, [D], {}, place=place)] == ["f6", "f3", "f2"]
    # a fact that names nothing to check ("They're not bad products.") is nobody's omission
    checkable = {"f3": False, "f6": True}
    assert [o.fact_id for o in find_omissions(FACTS, [D], {}, checkable, place)] == ["f6", "f2"]
    assert not any(o.fact_id == "f3" for o in find_omissions(FACTS, [A, B, C, D], {}, checkable))


def test_what_makes_a_fact_checkable_and_where_it_stands() -> None:
    from storylens.compare import _omission_weights
    from storylens.model import Article, ArticleAnalysis, Claim, ClaimRef, Outlet, Quantity, SourceRef, Span

    text = "Ferries stop. They are not bad boats. Mayor Reyes spoke. It cost $4 million. Ann said so."
    art = Article("a1", Outlet(A), text)
    spans = [Span(0, 13), Span(14, 37), Span(38, 56), Span(57, 75), Span(76, 88)]
    claims = (
        Claim("c0", "a1", spans[0], "Ferries stop."),
        Claim("c1", "a1", spans[1], "They are not bad boats.", negated=True),
        Claim("c2", "a1", spans[2], "Mayor Reyes spoke.", entities=("e:reyes",)),
        Claim("c3", "a1", spans[3], "It cost $4 million.", quantities=(Quantity(Span(65, 74), "4 million", 4e6, unit="$"),)),
        Claim("c4", "a1", spans[4], "Ann said so.", sources=(SourceRef(Span(76, 79), "Ann", "person", name="Ann"),)),
    )
    analysis = ArticleAnalysis(art, sentences=tuple(spans), claims=claims)
    facts = [
        Fact(f"f{k}", c.text, (ClaimRef("a1", A, c.span, c.text, c.id),), {A: "reported"}, 1) for k, c in enumerate(claims)
    ]
    checkable, place = _omission_weights(facts, [analysis])
    assert checkable == {"f0": False, "f1": False, "f2": True, "f3": True, "f4": True}
    assert place == {"f0": 0.0, "f1": 0.25, "f2": 0.5, "f3": 0.75, "f4": 1.0}
