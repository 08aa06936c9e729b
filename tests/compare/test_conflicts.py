import pytest

from storylens.compare.conflicts import compatible, find_conflicts
from storylens.model import Article, Claim, Outlet, Quantity, Quote, SourceRef, Span


def q(value, qualifier="exact", unit="passengers", upper=None):
    return Quantity(Span(0, 1), f"{qualifier} {value} {unit}", float(value), qualifier, unit, upper)


@pytest.mark.parametrize(
    "a, b, ok",
    [
        (q(180, "more than"), q(200, "about"), True),
        (q(42), q(60, "about"), False),
        (q(42), q(42), True),
        (q(40, "at least"), q(38), False),
        (q(10, "range", upper=20), q(15), True),
        (q(10, "range", upper=20), q(25, "more than"), False),
        (q(50, "up to"), q(49), True),
        (q(200, "about"), q(215), True),
        (q(200, "about"), q(230), False),
    ],
)
def test_compatible(a, b, ok):
    assert compatible(a, b) is ok
    assert compatible(b, a) is ok


def _setup(quantities_by_article):
    arts, claims = {}, []
    for aid, qs in quantities_by_article.items():
        text = f"sentence of {aid}"
        arts[aid] = Article(id=aid, outlet=Outlet(f"Outlet {aid}"), text=text)
        claims.append(Claim(f"{aid}:0", aid, Span(0, len(text)), text, quantities=tuple(qs)))
    return arts, claims


def test_number_conflict_marks_the_minority():
    arts, claims = _setup({"a": [q(42)], "b": [q(42)], "c": [q(60, "about")]})
    conflicts, against = find_conflicts([[0, 1, 2]], claims, arts, {})
    (c,) = conflicts
    assert c.kind == "number"
    assert {r.outlet for r in c.claims} == {"Outlet a", "Outlet b", "Outlet c"}
    assert against[c.fact_id] == frozenset({"Outlet c"})


@pytest.mark.parametrize(
    "qs",
    [
        {"a": [q(180, "more than", "ballistic missiles")], "b": [q(200, "about", "missiles")]},
        {"a": [q(42, unit="passengers")], "b": [q(60, unit="crew members")]},  # different things counted
        {"a": [q(42)], "b": []},
    ],
)
def test_no_number_conflict(qs):
    arts, claims = _setup(qs)
    conflicts, _ = find_conflicts([list(range(len(claims)))], claims, arts, {})
    assert conflicts == ()


def test_unaligned_claims_never_conflict():
    arts, claims = _setup({"a": [q(42)], "b": [q(60)]})
    conflicts, _ = find_conflicts([[0], [1]], claims, arts, {})
    assert conflicts == ()


def test_attribution_conflict():
    text = "“We will rebuild the pier before summer,” said someone."
    arts = {
        aid: Article(id=aid, outlet=Outlet(f"Outlet {aid}"), text=text) for aid in ("a", "b")
    }
    claims = [Claim(f"{aid}:0", aid, Span(0, len(text)), text) for aid in ("a", "b")]
    qspan = Span(1, text.index("”"))

    def quote(name, eid):
        sp = SourceRef(Span(0, 1), name, "person", name=name, entity_id=eid)
        return Quote(qspan, text[qspan.start : qspan.end], "direct", speaker=sp)

    quotes = {"a": (quote("Mayor Ines Falk", "e1"),), "b": (quote("Harbour Master Leo Dune", "e2"),)}
    conflicts, _ = find_conflicts([[0, 1]], claims, arts, quotes)
    (c,) = conflicts
    assert c.kind == "attribution"
    assert "Ines Falk" in c.detail and "Leo Dune" in c.detail
    same = {"a": quotes["a"], "b": (quote("Mayor Ines Falk", "e1"),)}
    assert find_conflicts([[0, 1]], claims, arts, same)[0] == ()
