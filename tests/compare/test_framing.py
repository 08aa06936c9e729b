from __future__ import annotations

import math
from collections import Counter

import pytest

from storylens.compare.framing import (
    _equivalent_forms,
    distinctive_notes,
    entity_naming_notes,
    framing_notes,
    naming_notes,
    term_occurrences,
    weighted_log_odds,
)
from storylens.model import Article, ClaimRef, Entity, Fact, Mention, Outlet, Span

STOP = frozenset({"the", "a", "of", "and", "to", "in", "on", "us", "was", "it"})


def art(aid: str, outlet: str, text: str) -> Article:
    return Article(aid, Outlet(outlet), text)


def parses(nlp, *articles: Article) -> dict:
    """The articles' parses by id, as the compare stage hands them to framing."""
    return {a.id: nlp(a.text) for a in articles}


def claim(a: Article, sub: str) -> ClaimRef:
    i = a.text.index(sub)
    return ClaimRef(a.id, a.outlet.name, Span(i, i + len(sub)), sub, f"c-{a.id}-{i}")


def check_spans(notes, articles) -> None:
    by_id = {a.id: a for a in articles}
    for n in notes:
        assert n.uses
        for u in n.uses:
            assert by_id[u.article_id].text[u.span.start : u.span.end] == u.text
            assert u.outlet == by_id[u.article_id].outlet.name


# --- term_occurrences and the weighted log-odds ------------------------------------------------


@pytest.mark.parametrize(
    "text,terms",
    [
        ("The ferry ran aground.", ["ferry", "ferry ran", "ran", "ran aground", "aground"]),
        # possessives are cut, and no phrase runs across them or across punctuation
        ("Gallant’s trip, cancelled", ["gallant", "trip", "cancelled"]),
        # "U.S." and "US" are one word; the lower-case stopword "us" is dropped
        ("U.S. officials told us", ["us", "us officials", "officials", "officials told", "told"]),
        ("A night-time evacuation", ["night-time", "night-time evacuation", "evacuation"]),
        ("of the and", []),
    ],
)
def test_term_occurrences(text, terms):
    occ = term_occurrences(text, STOP)
    assert [o.term for o in occ] == terms
    for o in occ:
        # a span slices exactly the words of its term (case and dots aside)
        assert text[o.span.start : o.span.end].lower().replace(".", "").replace("’s", "") == o.term


def test_log_odds_is_zero_for_identical_groups():
    c = Counter({"boat": 3, "sea": 2})
    z = weighted_log_odds({"a": c, "b": Counter(c)})
    assert all(abs(v) < 1e-9 for g in z.values() for v in g.values())


def test_log_odds_matches_a_hand_computation():
    counts = {"a": Counter({"slaughter": 4, "boat": 6}), "b": Counter({"killing": 2, "boat": 8})}
    z = weighted_log_odds(counts, prior_size=1.0)
    # N = 20, alpha_0 = 20, alpha_slaughter = 4; group a: y=4, n=10; rest: y=0, n=10
    delta = math.log(8 / (10 + 20 - 8)) - math.log(4 / (10 + 20 - 4))
    assert z["a"]["slaughter"] == pytest.approx(delta / math.sqrt(1 / 8 + 1 / 4))
    assert z["a"]["slaughter"] > 0 > z["b"]["slaughter"]
    assert z["a"]["slaughter"] == pytest.approx(-z["b"]["slaughter"])
    assert weighted_log_odds({"a": Counter(), "b": Counter()}) == {"a": {}, "b": {}}


def _distinctive_corpus() -> list[Article]:
    a = art("a1", "Alpha Times", "The regime crushed the protest. " * 6 + "Ships sailed on Tuesday.")
    b = art("b1", "Beta Radio", "Police cleared the protest. " * 2 + "Ships sailed on Tuesday. Beta Radio heard it.")
    c = art("c1", "Gamma Post", "Police cleared the protest. " * 2 + "Ships sailed on Tuesday.")
    return [a, b, c]


def test_distinctive_terms_per_outlet():
    arts = _distinctive_corpus()
    notes = distinctive_notes(arts, {})
    check_spans(notes, arts)
    by_outlet: dict[str, list[str]] = {}
    for n in notes:
        assert n.kind == "distinctive" and n.score is not None and n.score > 1.645
        by_outlet.setdefault(n.outlet, []).append(n.term)
    # the phrase outranks its words; a word used only inside a kept phrase is not repeated
    assert by_outlet["Alpha Times"][0] in {"regime crushed", "crushed protest", "regime", "crushed"}
    assert len(by_outlet["Alpha Times"]) <= 8
    assert all(t.split()[0] in {"regime", "crushed"} for t in by_outlet["Alpha Times"])
    # shared words ("ships", "tuesday") and an outlet naming itself are never distinctive
    assert not any(w in t.lower() for w in ("ships", "tuesday", "beta") for ts in by_outlet.values() for t in ts)
    regime = next(n for n in notes if n.term == by_outlet["Alpha Times"][0])
    assert len(regime.uses) == 6


@pytest.mark.parametrize("threshold,max_terms,expected_max", [(1.645, 1, 1), (50.0, 8, 0)])
def test_distinctive_threshold_and_cap(threshold, max_terms, expected_max):
    notes = distinctive_notes(_distinctive_corpus(), {}, z_threshold=threshold, max_terms=max_terms)
    counts = Counter(n.outlet for n in notes)
    assert max(counts.values(), default=0) == expected_max


def test_one_outlet_has_no_framing():
    a = art("a1", "Alpha Times", "The regime crushed the protest.")
    b = art("a2", "Alpha Times", "The regime crushed the strike.")
    assert distinctive_notes([a, b], {}) == ()
    assert framing_notes((), {}, {a.id: a, b.id: b}, (), {}) == ()


# --- naming within a fact ----------------------------------------------------------------------

NAMING_CASES = [
    # same actor, different verbs and objects
    ("The council scrapped the harbour plan.", "The council shelved the harbour project.",
     {("action", "scrapped", "shelved"), ("object", "plan", "project")}),
    # passive vs active: the object of one is the subject of the other
    ("All 86 passengers were rescued by the lifeboat.", "The lifeboat took all 86 passengers ashore.",
     {("action", "rescued", "took")}),
    # nothing in common but the fact alignment: no note
    ("The council scrapped the harbour plan.", "Residents welcomed the long debate.", set()),
    # attribution verbs are not framing
    ("The mayor said the road was shut.", "The mayor told reporters the road was shut.", set()),
    # the same words: no note
    ("The council scrapped the plan.", "On Monday the council scrapped the plan.", set()),
]


@pytest.mark.parametrize("left,right,expected", NAMING_CASES)
def test_naming_notes_in_a_fact(nlp, left, right, expected):
    a, b = art("a", "Alpha Times", "Intro. " + left), art("b", "Beta Radio", right + " More.")
    fact = Fact("f1", left, (claim(a, left), claim(b, right)), {"Alpha Times": "reported", "Beta Radio": "reported"}, 2)
    mentions = {}
    notes = naming_notes([fact], {"a": a, "b": b}, mentions, parses(nlp, a, b))
    check_spans(notes, [a, b])
    got = set()
    for n in notes:
        assert n.kind == "naming" and n.fact_id == "f1"
        role = n.detail.split(",")[0].removeprefix("same ").replace("actor", "actor")
        words = [u.text for u in n.uses]
        got.add((role, words[0], words[1]))
    assert got == expected


def test_naming_needs_two_outlets(nlp):
    a = art("a", "Alpha Times", "The council scrapped the plan. The council shelved the plan.")
    c1, c2 = claim(a, "The council scrapped the plan."), claim(a, "The council shelved the plan.")
    fact = Fact("f1", c1.text, (c1, c2), {"Alpha Times": "reported"}, 1)
    assert naming_notes([fact], {"a": a}, {}, parses(nlp, a)) == ()


# --- one entity, different names -----------------------------------------------------------------


@pytest.mark.parametrize(
    "x,y,same",
    [
        ("Gallant", "Yoav Gallant", True),
        ("US", "U.S.", True),
        ("US", "United States", True),
        ("WSJ", "Wall Street Journal", True),
        ("Heniyye", "Haniyeh", True),
        ("Gallant’s", "Gallant", True),
        ("Islamic Republic", "Iran", False),
        ("Jerusalem", "Israel", False),
    ],
)
def test_equivalent_forms(x, y, same):
    assert _equivalent_forms(x, y) is same


def _mention(a: Article, sub: str, label: str, eid: str, nth: int = 0) -> Mention:
    i = -1
    for _ in range(nth + 1):
        i = a.text.index(sub, i + 1)
    return Mention(Span(i, i + len(sub)), sub, label, eid)


def test_loaded_descriptor_and_other_name(nlp):
    a = art("a", "Alpha Times", "Israel fought Tehran’s terror proxies Hamas in Gaza. The Islamic Republic denied it. Iran said so.")
    b = art("b", "Beta Radio", "Israel fought Hamas in Gaza. Iran denied any role.")
    hamas = Entity("e1", "Hamas", "ORG")
    iran = Entity("e2", "Iran", "GPE", ("Islamic Republic",))
    mentions = {
        "a": (_mention(a, "Hamas", "ORG", "e1"), _mention(a, "Islamic Republic", "GPE", "e2"), _mention(a, "Iran", "GPE", "e2")),
        # the recognizer missed Beta Radio's "Hamas": the name is still found in the text
        "b": (_mention(b, "Iran", "GPE", "e2"),),
    }
    notes = entity_naming_notes([hamas, iran], [a, b], mentions, parses(nlp, a, b))
    check_spans(notes, [a, b])
    by_entity = {n.entity_id: n for n in notes}
    assert set(by_entity) == {"e1", "e2"}
    assert [(u.outlet, u.text) for u in by_entity["e1"].uses] == [
        ("Alpha Times", "Tehran’s terror proxies Hamas"), ("Beta Radio", "Hamas")]
    assert "Beta Radio names it plainly" in by_entity["e1"].detail
    assert [(u.outlet, u.text) for u in by_entity["e2"].uses] == [("Alpha Times", "Islamic Republic"), ("Beta Radio", "Iran")]


@pytest.mark.parametrize(
    "text_a,text_b",
    [
        # titles and short forms of one person's name are not framing
        ("Defence Minister Yoav Gallant flew home.", "Gallant flew home."),
        # a neutral job title one outlet adds is not framing either
        ("The talks were led by chief executive Alan Pryce today.", "The talks were led by Alan Pryce today."),
        # the same title in both
        ("Hezbollah leader Hassan Nasrallah spoke.", "Hezbollah leader Nasrallah spoke."),
    ],
)
def test_no_entity_note_for_titles_and_short_forms(nlp, text_a, text_b):
    a, b = art("a", "Alpha Times", text_a), art("b", "Beta Radio", text_b)
    name = "Yoav Gallant" if "Gallant" in text_a else "Alan Pryce" if "Pryce" in text_a else "Hassan Nasrallah"
    short = name.split()[-1]
    e = Entity("p", name, "PERSON", (short,))
    mentions = {
        x.id: tuple(
            _mention(x, f, "PERSON", "p") for f in (name, short) if f in x.text and not (f == short and name in x.text)
        )
        for x in (a, b)
    }
    assert entity_naming_notes([e], [a, b], mentions, parses(nlp, a, b)) == ()


def test_different_descriptions_of_a_person(nlp):
    a = art("a", "Alpha Times", "Yesterday Hezbollah leader Hassan Nasrallah spoke.")
    b = art("b", "Beta Radio", "Yesterday Hezbollah terror chief Hassan Nasrallah spoke.")
    e = Entity("p", "Hassan Nasrallah", "PERSON")
    mentions = {x.id: (_mention(x, "Hassan Nasrallah", "PERSON", "p"),) for x in (a, b)}
    (note,) = entity_naming_notes([e], [a, b], mentions, parses(nlp, a, b))
    check_spans([note], [a, b])
    assert [u.text for u in note.uses] == ["Hezbollah leader Hassan Nasrallah", "Hezbollah terror chief Hassan Nasrallah"]
