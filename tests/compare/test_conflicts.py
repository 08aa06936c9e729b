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


from datetime import datetime as _dt

from storylens.model import Hedge, TimeRef


def _dated(aid, day, text="the ferry ran aground", granularity="day"):
    t = TimeRef(Span(0, 3), "Mon", "DATE", value=f"2026-03-{day:02d}", start=_dt(2026, 3, day), end=_dt(2026, 3, day + 1),
                granularity=granularity, anchor="publication")
    return Claim(f"{aid}:0", aid, Span(0, len(text)), text, times=(t,))


def _arts(*ids):
    return {aid: Article(id=aid, outlet=Outlet(f"Outlet {aid}"), text="the ferry ran aground") for aid in ids}


def test_date_conflict_between_days_that_do_not_overlap():
    arts = _arts("a", "b", "c")
    claims = [_dated("a", 9), _dated("b", 9), _dated("c", 10)]
    conflicts, against = find_conflicts([[0, 1, 2]], claims, arts, {})
    (c,) = conflicts
    assert c.kind == "date" and "2026-03-09" in c.detail and "2026-03-10" in c.detail
    assert against[c.fact_id] == frozenset({"Outlet c"})


@pytest.mark.parametrize(
    "claims",
    [
        [_dated("a", 9), _dated("b", 9)],  # same day, e.g. "Monday" and "yesterday" resolved
        [_dated("a", 9), Claim("b:0", "b", Span(0, 3), "the")],  # one side undated
        [_dated("a", 9, granularity="month"), _dated("b", 20, granularity="month")],  # too coarse to compare
    ],
)
def test_no_date_conflict(claims):
    conflicts, _ = find_conflicts([list(range(len(claims)))], claims, _arts("a", "b"), {})
    assert conflicts == ()


def _claim(aid, negated=False, hedges=()):
    text = "the ferry did not run aground" if negated else "the ferry ran aground"
    return Claim(f"{aid}:0", aid, Span(0, len(text)), text, negated=negated, hedges=hedges)


def test_negation_conflict_marks_the_minority():
    arts = _arts("a", "b", "c")
    conflicts, against = find_conflicts([[0, 1, 2]], [_claim("a"), _claim("b"), _claim("c", negated=True)], arts, {})
    (c,) = conflicts
    assert c.kind == "negation"
    assert against[c.fact_id] == frozenset({"Outlet c"})


@pytest.mark.parametrize(
    "claims",
    [
        [_claim("a", negated=True), _claim("b", negated=True)],  # both negative: agreement
        [_claim("a"), _claim("b", negated=True, hedges=(Hedge(Span(0, 1), "d", "denial"),))],  # a denial
    ],
)
def test_no_negation_conflict(claims):
    conflicts, _ = find_conflicts([[0, 1]], claims, _arts("a", "b"), {})
    assert conflicts == ()


def test_a_paraphrase_with_lexical_negation_is_not_a_negation_conflict():
    a = "Israel has so far refused to share specifics of its planned retaliation with the administration."
    b = "Jerusalem is not sharing with Washington its plans to respond to the missile offensive."
    arts = {"a": Article(id="a", outlet=Outlet("A"), text=a), "b": Article(id="b", outlet=Outlet("B"), text=b)}
    claims = [Claim("a:0", "a", Span(0, len(a)), a), Claim("b:0", "b", Span(0, len(b)), b, negated=True)]
    assert find_conflicts([[0, 1]], claims, arts, {})[0] == ()


@pytest.mark.parametrize(
    "a, b",
    [
        # the same quote, its "not" parsed at different depths by the parser
        ("Weiner replied, \"You know I'm not going to talk about this anymore.\"",
         "\"I'm not going to talk about this anymore,\" Weiner told reporters."),
        ("We cannot agree to prioritize any matters above funding the government.",
         "\"We cannot agree to prioritize any matters above funding the government,\" they wrote."),
    ],
)
def test_same_polarity_in_different_wrappings_is_no_conflict(a, b):
    arts = {"a": Article(id="a", outlet=Outlet("A"), text=a), "b": Article(id="b", outlet=Outlet("B"), text=b)}
    claims = [Claim("a:0", "a", Span(0, len(a)), a, negated=True), Claim("b:0", "b", Span(0, len(b)), b)]
    assert find_conflicts([[0, 1]], claims, arts, {})[0] == ()


def test_dates_of_different_statements_in_one_fact_are_no_conflict():
    arts = _arts("a", "b")
    claims = [
        _dated("a", 9, text="the attacks on the towers shocked the nation"),
        _dated("b", 16, text="the council votes on the mosque plan"),
    ]
    assert find_conflicts([[0, 1]], claims, arts, {})[0] == ()


from storylens.model import Entity


def _pair(text_a, text_b, **kw_b):
    arts = {"a": Article(id="a", outlet=Outlet("A"), text=text_a), "b": Article(id="b", outlet=Outlet("B"), text=text_b)}
    a = Claim("a:0", "a", Span(0, len(text_a)), text_a, entities=kw_b.pop("ents_a", ()), sources=kw_b.pop("src_a", ()))
    b = Claim("b:0", "b", Span(0, len(text_b)), text_b, entities=kw_b.pop("ents_b", ()), sources=kw_b.pop("src_b", ()))
    return arts, [a, b]


PLACES = [Entity("e1", "Haifa", "GPE"), Entity("e2", "Tel Aviv", "GPE"), Entity("e3", "Mayor Ines Falk", "PERSON")]


def test_same_statement_in_different_places():
    arts, claims = _pair("A rocket hit a school in Haifa on Monday night.", "A rocket hit a school in Tel Aviv on Monday night.",
                         ents_a=("e1",), ents_b=("e2",))
    conflicts, against = find_conflicts([[0, 1]], claims, arts, {}, PLACES)
    (c,) = conflicts
    assert c.kind == "entity" and "Haifa" in c.detail and "Tel Aviv" in c.detail
    assert against[c.fact_id] == frozenset({"A", "B"})


@pytest.mark.parametrize(
    "ents_a, ents_b, text_b",
    [
        (("e1",), ("e1", "e2"), "A rocket hit a school in Haifa and Tel Aviv on Monday night."),  # a place in common
        (("e1",), ("e2",), "Officials in Tel Aviv condemned the strike and promised a response."),  # other statement
        (("e1",), (), "A rocket hit a school on Monday night."),  # one side names no place
    ],
)
def test_no_place_conflict(ents_a, ents_b, text_b):
    arts, claims = _pair("A rocket hit a school in Haifa on Monday night.", text_b, ents_a=ents_a, ents_b=ents_b)
    assert [c for c in find_conflicts([[0, 1]], claims, arts, {}, PLACES)[0] if c.kind == "entity"] == []


def test_same_statement_credited_to_different_people():
    falk = SourceRef(Span(0, 1), "Mayor Ines Falk", "person", name="Ines Falk", entity_id="e3")
    dune = SourceRef(Span(0, 1), "Harbour Master Leo Dune", "person", name="Leo Dune", entity_id="e4")
    text = "The pier will reopen before the summer season, {} said."
    arts, claims = _pair(text.format("the mayor"), text.format("the harbour master"), src_a=(falk,), src_b=(dune,))
    (c,) = find_conflicts([[0, 1]], claims, arts, {}, PLACES)[0]
    assert c.kind == "attribution" and "Ines Falk" in c.detail and "Leo Dune" in c.detail
    arts, claims = _pair(text.format("the mayor"), text.format("Falk"), src_a=(falk,), src_b=(falk,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES)[0] == ()


def test_sources_reached_through_a_pronoun_or_title_are_not_compared():
    blumenthal = SourceRef(Span(0, 1), "he", "person", name="Richard Blumenthal", entity_id="e5")
    cornyn = SourceRef(Span(0, 1), "The A.G.", "person", name="John Cornyn", entity_id="e6")
    text = "He had misspoken at a 2008 event in Norfolk, {} said."
    arts, claims = _pair(text.format("he"), text.format("The A.G."), src_a=(blumenthal,), src_b=(cornyn,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES)[0] == ()


def test_an_abbreviated_title_is_not_a_name_to_compare():
    ag = SourceRef(Span(0, 1), "The A.G.", "person", name="A.G.", entity_id="e7")
    blumenthal = SourceRef(Span(0, 1), "Blumenthal", "person", name="Richard Blumenthal", entity_id="e5")
    text = "He had misspoken at a 2008 event in Norfolk, {} told the Times."
    arts, claims = _pair(text.format("The A.G."), text.format("Blumenthal"), src_a=(ag,), src_b=(blumenthal,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES)[0] == ()
