"""Conflicts: values that disagree on one slot, polarity, places and speakers.

The number and date cases run the understand stage on short texts written for these tests, so
that what a value is of is read from a real parse, as in a run; none of them is aligned into a
fact (``groups`` are single claims), because a conflict must not depend on the alignment.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storylens.compare.conflicts import (
    ConflictFindings,
    _negated_shared_predicate,
    _polarity_tokens,
    _values_differ,
    compatible,
    find_conflicts,
    rounding,
)
from storylens.ingest import make_article
from storylens.model import Article, Claim, Conflict, Entity, Hedge, Outlet, Quantity, Quote, SourceRef, Span


def q(value, qualifier="exact", unit="passengers", upper=None, text=None):
    return Quantity(Span(0, 1), text or f"{qualifier} {value} {unit}", float(value), qualifier, unit, upper)


# --- values ---------------------------------------------------------------------------------------


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
        (q(16, "about", text="some 16 bills"), q(15), False),  # 15 is not a rounding of 16
        (q(14), q(31), False),
        (q(1.5e6), q(1.52e6), True),  # "1.5 million" rounds 1,520,000
        (q(1.5e6), q(1.6e6), False),
        (q(200, "up to", text="nearly 200 passengers"), q(185), True),
        (q(200, "up to", text="nearly 200 passengers"), q(150), False),  # "nearly" is just under
    ],
)
def test_compatible(a, b, ok):
    assert compatible(a, b) is ok
    assert compatible(b, a) is ok


@pytest.mark.parametrize(
    "a, b, why",
    [
        # two upper estimates of one figure
        (q(1.5e6, "up to", text="as many as 1.5 million women"), q(1.6e6, "up to", text="up to 1.6 million women"), "estimates"),
        (q(180, "more than", text="more than 180 missiles"), q(250, "more than", text="over 250 missiles"), "estimates"),
        # within the rounding of the rounder figure
        (q(180, "more than", text="more than 180 missiles"), q(200, "more than", text="over 200 missiles"), None),
        (q(180, "more than", text="more than 180 missiles"), q(185, "more than", text="over 185 missiles"), None),
        (q(2000, "at least", text="thousands of people"), q(200, "at least", text="hundreds of people"), None),  # vague plurals
        (q(14), q(31), "values"),
        (q(1.5e6, "up to", text="up to 1.5 million women"), q(1.2e6), None),  # a figure under the bound
        # "as many as N" puts the figure at N: a plain figure just under it is another figure
        (q(1.6e6, "up to", text="up to 1.6 million women"), q(1.5e6, text="1.5 million women"), "estimates"),
        (q(1.6e6, "up to", text="up to 1.6 million women"), q(1.6e6, text="1.6 million women"), None),
        (q(200, "up to", text="nearly 200 passengers"), q(185), None),  # "nearly" is not a figure
        (q(200, "more than", text="more than 200 people"), q(215, text="215 people"), None),  # more detail
        # a range's top is an estimate of the most: against a bound or range topping out elsewhere
        (q(5e5, "range", upper=1.6e6, text="500,000 to 1.6 million"), q(1.5e6, "up to", text="as many as 1.5 million"), "estimates"),
        (q(5e5, "range", upper=1.6e6, text="500,000 to 1.6 million"), q(1.6e6, "up to", text="up to 1.6 million"), None),
        (q(10, "range", upper=20, text="10 to 20"), q(10, "range", upper=30, text="10 to 30"), "estimates"),
        (q(5e5, "range", upper=1.6e6, text="500,000 to 1.6 million"), q(1.5e6, text="1.5 million"), None),  # inside it
        (q(10, "range", upper=20, text="10 to 20"), q(25, "more than", text="more than 25"), "values"),
    ],
)
def test_values_differ(a, b, why):
    assert _values_differ(a, b) == why
    assert _values_differ(b, a) == why


def test_rounding_is_half_the_last_digit_at_most_a_tenth():
    assert rounding(1.5e6) == 50_000
    assert rounding(16) == 0.5
    assert rounding(200) == 20  # half of 100 would let "200" stand for 250


# --- numbers and dates read from a parse ---------------------------------------------------------

WEDNESDAY = datetime(2026, 3, 11, 18, 0, tzinfo=timezone.utc)
THURSDAY = datetime(2026, 3, 12, 18, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def embedder():
    from storylens.understand.embed import get_embedder

    return get_embedder("minilm")


def _story(nlp, embedder, *texts: tuple[str, str, datetime], aligned: bool = False) -> ConflictFindings:
    """Conflicts among articles (outlet, text, published), none of their claims aligned (all in
    one fact with ``aligned``)."""
    from storylens.understand import analyze_doc

    articles, docs, claims = {}, {}, []
    for outlet, text, published in texts:
        article = make_article(text, outlet=Outlet(outlet), published=published)
        doc = nlp(text)
        analysis = analyze_doc(doc, article)
        articles[article.id], docs[article.id] = article, doc
        claims.extend(analysis.claims)
    groups = [list(range(len(claims)))] if aligned else [[k] for k in range(len(claims))]
    return find_conflicts(groups, claims, articles, {}, docs=docs, embedder=embedder)


def test_one_event_on_two_days_in_sentences_worded_differently(nlp, embedder):
    found = _story(
        nlp, embedder,
        ("A", "The town council resolution on the harbour toll passed Tuesday after a short debate.", WEDNESDAY),
        ("B", "On Wednesday, the town council passed a measure that set the harbour toll.", WEDNESDAY),
    )
    (c,) = [c for c in found.conflicts if c.kind == "date"]
    assert "2026-03-10" in c.detail and "2026-03-11" in c.detail
    assert {r.outlet for r in c.claims} == {"A", "B"}
    assert c.confidence is not None and c.confidence >= 0.8
    assert len(c.fact_ids) == 2  # two facts: the alignment did not pair the sentences


@pytest.mark.parametrize(
    "a, b",
    [
        # "passed" / "discussed": one bill, but discussing it and passing it may be two events
        (("A", "The town council resolution on the harbour toll passed Tuesday after a short debate.", WEDNESDAY),
         ("B", "On Wednesday, the town council discussed a measure that set the harbour toll.", WEDNESDAY)),
        # "today" is the day of the page's stamp, often a date without a time, or an update's
        (("A", "The new harbour ferry service launches today with four daily crossings.", WEDNESDAY),
         ("B", "The new harbour ferry service launched Thursday morning with four daily crossings.", THURSDAY)),
    ],
)
def test_a_doubtful_date_disagreement_is_only_possible(nlp, embedder, a, b):
    found = _story(nlp, embedder, a, b, aligned=True)
    assert [c for c in found.conflicts if c.kind == "date"] == []
    (c,) = [c for c in found.possible if c.kind == "date"]
    assert c.confidence is not None and c.confidence < 0.8
    # between two facts a doubtful date is most often another event: not listed at all
    found = _story(nlp, embedder, a, b)
    assert found.conflicts == () and found.possible == ()


def test_a_vote_and_a_passage_are_one_kind_of_event(nlp, embedder):
    found = _story(
        nlp, embedder,
        ("A", "The town council resolution on the harbour toll passed Tuesday after a short debate.", WEDNESDAY),
        ("B", "On Wednesday, the town council voted 7-2 on a measure that set the harbour toll.", WEDNESDAY),
    )
    assert [c.kind for c in found.conflicts] == ["date"]


@pytest.mark.parametrize("day, joins", [("Tuesday", True), ("Monday", False)])
def test_an_outlet_agreeing_with_one_side_joins_it(nlp, embedder, day, joins):
    # C shares too few words with B to be compared with it directly; when it dates the passage
    # as A does, the conflict is A and C against B (B the less supported side)
    found = _story(
        nlp, embedder,
        ("A", "The town council resolution on the harbour toll passed Tuesday after a short debate.", WEDNESDAY),
        ("B", "On Wednesday, the town council voted 7-2 on a measure that set the harbour toll.", WEDNESDAY),
        ("C", f"Critics mocked the councillors for passing a resolution on {day} about the harbour toll.", WEDNESDAY),
    )
    (c,) = [c for c in found.conflicts if c.kind == "date" and {"A", "B"} <= {r.outlet for r in c.claims}]
    assert ("C" in {r.outlet for r in c.claims}) is joins
    if joins:
        assert c.detail.index("C:") < c.detail.index(" vs ") < c.detail.index("B:")
        assert {o for outlets in found.contradicted.values() for o in outlets} == {"B"}


@pytest.mark.parametrize(
    "a, b",
    [
        # the same person doing two different things on two days
        (("A", "The mayor opened the new bridge on Monday.", WEDNESDAY),
         ("B", "The mayor told reporters about the budget on Tuesday.", WEDNESDAY)),
        # the same words, resolved to different days only because of the publication days
        (("A", "Earlier today the harbour board approved the new toll.", WEDNESDAY),
         ("B", "Earlier today the harbour board approved the new toll.", THURSDAY)),
        # two people's statements: the one "issued Thursday" is the speaker's of its sentence
        (("A", "On Sunday, Ms. Varga issued a statement about the harbour toll.", WEDNESDAY),
         ("B", "In a statement issued Thursday, Tom Reyes said the harbour toll would stay.", THURSDAY)),
        # a date naming an event is not the date of the statement
        (("A", "The council remembered the Sept. 11 attacks at its meeting on Tuesday.", WEDNESDAY),
         ("B", "The council held its meeting on Sept. 12 and remembered the attacks.", WEDNESDAY)),
        # a year in a name
        (("A", "The council called on Tuesday for a new harbour act.", WEDNESDAY),
         ("B", "The council wants changes to the 1994 Harbour Act, its members said.", WEDNESDAY)),
        # years apart, not aligned: joining and leaving are two events
        (("A", "Ms. Varga joined the harbour board in 2019.", WEDNESDAY),
         ("B", "Ms. Varga left the harbour board last year.", WEDNESDAY)),
        # a past-tense report's weekday is the one before publication
        (("A", "The minister was set to visit the port, but on Tuesday night the premier cancelled the visit.", WEDNESDAY),
         ("B", "The premier cancelled the minister's port visit on Tuesday.", WEDNESDAY)),
    ],
)
def test_no_date_conflict(nlp, embedder, a, b):
    found = _story(nlp, embedder, a, b)
    assert [c.detail for c in found.conflicts if c.kind == "date"] == []


@pytest.mark.parametrize(
    "text, words",
    [
        # what goes on sale is the tickets, not the tour they are for
        ("Tickets for the anniversary tour go on sale Friday.", {"ticket"}),
        # a hyphenated noun stays one word
        ("The face-off Thursday night was taking on outsized importance.", {"face-off"}),
    ],
)
def test_the_subject_of_a_light_verb_names_the_event_without_what_hangs_on_it(nlp, text, words):
    from storylens.compare.conflicts import _noun_words

    doc = nlp(text)
    subject = next(t for t in doc if t.dep_ in ("nsubj", "nsubjpass"))
    assert words <= _noun_words(subject) and "tour" not in _noun_words(subject)


def test_two_estimates_of_one_figure_in_different_sentences(nlp, embedder):
    found = _story(
        nlp, embedder,
        ("A", "Judges doubted whether a lawsuit involving as many as 1.5 million workers could go on.", WEDNESDAY),
        ("B", "The court may block the lawsuit brought on behalf of up to 1.6 million workers.", WEDNESDAY),
    )
    _the_estimates(found)


def _the_estimates(found: ConflictFindings) -> Conflict:
    """The one number conflict found, shown or possible: 1.5 against 1.6 million, as estimates."""
    (c,) = [c for c in (*found.conflicts, *found.possible) if c.kind == "number"]
    assert "estimates" in c.detail and "1.5 million" in c.detail and "1.6 million" in c.detail
    return c


@pytest.mark.parametrize("bar, shown", [(None, False), (0.9, True)])
def test_a_count_under_different_verbs_is_shown_only_from_count_firm_up(nlp, embedder, monkeypatch, bar, shown):
    # the parse hangs the two counts under different verbs ("covers" / "block"): no shared event
    # word, so only a pair scoring COUNT_FIRM or more (the counted noun is already the same) is
    # shown; this one scores about 0.94
    import storylens.compare.conflicts as conflicts

    if bar is not None:
        monkeypatch.setattr(conflicts, "COUNT_FIRM", bar)
    found = _story(
        nlp, embedder,
        ("A", "Judges doubted the sex discrimination lawsuit that covers 1.5 million workers.", WEDNESDAY),
        ("B", "The court may block a massive sex discrimination lawsuit against the retailer on behalf of up to 1.6 million workers.", WEDNESDAY),
    )
    if not shown:
        # below the bar and between two facts (the alignment did not pair the sentences): not
        # even listed as possible
        assert [c for c in (*found.conflicts, *found.possible) if c.kind == "number"] == []
        return
    c = _the_estimates(found)
    assert c in found.conflicts
    assert c.confidence is not None and c.confidence >= 0.8


@pytest.mark.parametrize(
    "a, b",
    [
        ("About 200 people attended the harbour rally on Saturday.", "Some 215 people attended the harbour rally on Saturday."),
        # a count of part of a whole
        ("There are two more council debates on the calendar.", "It was the second of three council debates."),
        # values in a list: what each one is of cannot be told from the parse
        ("The campaign spent $4,000 on flights, $2,000 on hotels and $300 on catering.", "The campaign spent $350 on catering."),
        # a whole and what may be part of it
        ("Lifeboat crews took all 86 passengers off the ferry.", "Ambulance crews took 31 passengers off the ferry to hospital."),
        # how many sources spoke is not a count of what happened
        ("The harbour board is investigating the ferry operator, according to two people familiar with the matter.",
         "More than 400 people are expected to lose their jobs, according to several people familiar with the matter."),
        # a tally is not a count
        ("The council passed the toll 7-2 on Tuesday.", "The council passed the toll with 6 votes on Tuesday."),
        # a figure per unit and a total
        ("The three new ferry clubs paid $80 million each in expansion fees to join the harbour league.",
         "The three new ferry clubs paid $1.4 billion in expansion fees to join the harbour league."),
        # a quarter's figure and a year's
        ("In its most recent quarter the ferry company reported revenue of $27.8 million.",
         "The ferry company reported revenue of $55.9 million."),
        ("For the first six months this year, the ferry company reported revenue of $27.8 million.",
         "The ferry company reported revenue of $55.9 million."),
        # two parts of a year
        ("In its most recent quarter the ferry company reported revenue of $27.6 million.",
         "For the first six months this year, the ferry company reported revenue of $27.8 million."),
        # ... also when the quarter is named in another clause of the sentence
        ("The ferry company’s third quarter was difficult, and it reported revenue of $27.8 million.",
         "The ferry company reported revenue of $55.9 million."),
        # two measures, dated weeks apart (early September / the Friday before publication)
        ("In the harbour council's previous poll, conducted in early September, Mayor Ode led Councillor Lutz by 5 points among likely voters.",
         "Mayor Ode leads Councillor Lutz by 11 points among likely voters, according to a survey conducted after the debate on Friday."),
        # "one" as a determiner
        ("One of the middlemen in the ferry sale was a former harbour pilot, the court heard.",
         "Three middlemen in the ferry sale, among them a former harbour pilot, were named by the court."),
    ],
)
def test_no_number_conflict(nlp, embedder, a, b):
    found = _story(nlp, embedder, ("A", a, WEDNESDAY), ("B", b, WEDNESDAY))
    assert [c.detail for c in (*found.conflicts, *found.possible) if c.kind == "number"] == []


def test_without_parses_no_number_or_date_is_compared():
    text = "Paramedics took 14 passengers to hospital on Monday."
    other = "Paramedics took 31 passengers to hospital on Monday."
    arts = {k: Article(id=k, outlet=Outlet(k.upper()), text=t) for k, t in (("a", text), ("b", other))}
    claims = [Claim("a:0", "a", Span(0, len(text)), text, quantities=(q(14),)), Claim("b:0", "b", Span(0, len(other)), other, quantities=(q(31),))]
    found = find_conflicts([[0, 1]], claims, arts, {})
    assert found.conflicts == found.possible == ()


# --- negation ----------------------------------------------------------------------------------------


def _claims(*texts, denial=()):
    arts, claims = {}, []
    for k, text in enumerate(texts):
        aid = f"a{k}"
        arts[aid] = Article(id=aid, outlet=Outlet(f"Outlet {k}"), text=text)
        hedges = (Hedge(Span(0, 1), "denied", "denial"),) if k in denial else ()
        claims.append(Claim(f"{aid}:0", aid, Span(0, len(text)), text, hedges=hedges))
    return arts, claims


def test_negation_conflict_marks_the_minority_even_across_facts():
    arts, claims = _claims(
        "The ferry passed its annual hull survey in January.",
        "The ferry passed its annual hull survey in January, the company said.",
        "The ferry did not pass its annual hull survey in January.",
    )
    found = find_conflicts([[0, 1], [2]], claims, arts, {})
    (c,) = found.conflicts
    assert c.kind == "negation" and {r.outlet for r in c.claims} == {"Outlet 0", "Outlet 1", "Outlet 2"}
    negating_fact = next(f for f in c.fact_ids if f != c.fact_ids[0]) if len(c.fact_ids) > 1 else c.fact_id
    assert found.contradicted == {negating_fact: frozenset({"Outlet 2"})}


@pytest.mark.parametrize(
    "a, b",
    [
        ("The ferry did not pass its survey.", "The ferry didn't pass its survey."),  # both negative
        # the negation is in words only one outlet has
        ("The council approved the toll, but two members did not vote.", "The council approved the toll."),
        # "no" as a noun: a lone "no" vote
        ("The toll passed with a lone 'no' vote from the harbour ward.", "The toll passed with a lone vote from the harbour ward."),
        # a phrase in common, not a statement (one quote cut into sentences differently)
        ("That is not putting people back to work.", "God wants to see us help ourselves by putting people back to work."),
        # a paraphrase with a lexical negative: "refused to share" and "is not sharing" agree
        ("Israel has so far refused to share specifics of its planned retaliation with the administration.",
         "Jerusalem is not sharing with Washington its plans to respond to the missile offensive."),
        # a negator in one, a word that negates in the other ("refuse ... or to allow" / "neither allow")
        ("Both councils refuse to negotiate with the strikers or to allow the ferry to sail.",
         "Both councils refuse to negotiate with the strikers and neither will allow the ferry to sail."),
        ("The ferry sailed with no passengers on board.", "The ferry sailed without any passengers on board."),
        # "if not" concedes: "welcomed, if not asked for" is "welcomed, and even asked for"
        ("The toll was welcomed by the harbour ward, and sometimes even asked for.",
         "The toll was welcomed by the harbour ward, if not asked for."),
        # "no" opening a quoted name
        ("Two parents discovered the ‘no show fee’ invoice for £15.95 in their son’s school bag last week.",
         "Two parents discovered the £15.95 “no show fee” invoice after it was slipped into their son’s school bag."),
        # a stem is never a negator: "notes" is not "not"
        ("The harbour master notes that the board may reveal the new timetable.",
         "The harbour master expects that the board may reveal the new timetable."),
    ],
)
def test_no_negation_conflict(a, b):
    arts, claims = _claims(a, b)
    assert find_conflicts([[0, 1]], claims, arts, {}).conflicts == ()


def test_a_denial_or_a_refutation_is_not_compared():
    arts, claims = _claims("The company sold the ferry.", "The company did not sell the ferry.", denial=(1,))
    assert find_conflicts([[0], [1]], claims, arts, {}).conflicts == ()
    arts, claims = _claims("The ferry passed its survey last year.", "It is false that the ferry did not pass its survey last year.")
    assert find_conflicts([[0], [1]], claims, arts, {}).conflicts == ()


def test_negated_predicate_needs_its_word_shared():
    t = _polarity_tokens
    assert _negated_shared_predicate(t("The board has not yet approved the plan."), t("The board has approved the plan."))
    assert not _negated_shared_predicate(t("The board approved the plan."), t("The board has not yet approved the plan."))


# --- places and speakers ------------------------------------------------------------------------------


def _pair(text_a, text_b, **kw):
    arts = {"a": Article(id="a", outlet=Outlet("A"), text=text_a), "b": Article(id="b", outlet=Outlet("B"), text=text_b)}
    a = Claim("a:0", "a", Span(0, len(text_a)), text_a, entities=kw.pop("ents_a", ()), sources=kw.pop("src_a", ()))
    b = Claim("b:0", "b", Span(0, len(text_b)), text_b, entities=kw.pop("ents_b", ()), sources=kw.pop("src_b", ()))
    return arts, [a, b]


PLACES = [
    Entity("e1", "Haifa", "GPE"), Entity("e2", "Tel Aviv", "GPE"), Entity("e3", "Mayor Ines Falk", "PERSON"),
    Entity("e4", "Haifa Bay", "LOC"),
]


def test_same_statement_in_different_places():
    arts, claims = _pair("A rocket hit a school in Haifa on Monday night.", "A rocket hit a school in Tel Aviv on Monday night.",
                         ents_a=("e1",), ents_b=("e2",))
    found = find_conflicts([[0, 1]], claims, arts, {}, PLACES)
    (c,) = found.conflicts
    assert c.kind == "entity" and "Haifa" in c.detail and "Tel Aviv" in c.detail
    assert found.contradicted[c.fact_id] == frozenset({"A", "B"})


@pytest.mark.parametrize(
    "ents_a, ents_b, text_b",
    [
        (("e1",), ("e1", "e2"), "A rocket hit a school in Haifa and Tel Aviv on Monday night."),  # a place in common
        (("e1",), ("e2",), "Officials in Tel Aviv condemned the strike and promised a response."),  # other statement
        (("e1",), (), "A rocket hit a school on Monday night."),  # one side names no place
        (("e1",), ("e4",), "A rocket hit a school in Haifa Bay on Monday night."),  # one place named more fully
    ],
)
def test_no_place_conflict(ents_a, ents_b, text_b):
    arts, claims = _pair("A rocket hit a school in Haifa on Monday night.", text_b, ents_a=ents_a, ents_b=ents_b)
    assert [c for c in find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts if c.kind == "entity"] == []


def test_no_place_conflict_when_an_outlet_names_the_other_place_too():
    # "in Manhattan" / "in New York City": one outlet names both places elsewhere, so the two may
    # be one place at two scales
    text_a, text_b = "A rocket hit a school in Haifa on Monday night.", "A rocket hit a school in Tel Aviv on Monday night."
    arts, claims = _pair(text_a, text_b, ents_a=("e1",), ents_b=("e2",))
    more = "Sirens also sounded in Haifa."
    arts["b"] = Article(id="b", outlet=Outlet("B"), text=f"{text_b} {more}")
    claims.append(Claim("b:1", "b", Span(len(text_b) + 1, len(text_b) + 1 + len(more)), more, entities=("e1",)))
    assert [c for c in find_conflicts([[0, 1], [2]], claims, arts, {}, PLACES).conflicts if c.kind == "entity"] == []


def test_no_place_conflict_when_a_third_outlet_names_both_places():
    text_a, text_b = "A rocket hit a school in Haifa on Monday night.", "A rocket hit a school in Tel Aviv on Monday night."
    arts, claims = _pair(text_a, text_b, ents_a=("e1",), ents_b=("e2",))
    assert [c.kind for c in find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts] == ["entity"]
    text_c = "Sirens sounded from Haifa to Tel Aviv."
    arts["c"] = Article(id="c", outlet=Outlet("C"), text=text_c)
    claims.append(Claim("c:0", "c", Span(0, len(text_c)), text_c, entities=("e1", "e2")))
    assert [c for c in find_conflicts([[0, 1], [2]], claims, arts, {}, PLACES).conflicts if c.kind == "entity"] == []


def test_a_place_that_is_the_source_is_not_where_it_happened():
    text_a, text_b = "A rocket hit a school in Haifa on Monday night.", "A rocket hit a school on Monday night, Tel Aviv reported."
    src = SourceRef(Span(text_b.index("Tel Aviv"), text_b.index("Tel Aviv") + 8), "Tel Aviv", "outlet", name="Tel Aviv")
    arts, claims = _pair(text_a, text_b, ents_a=("e1",), ents_b=("e2",))
    assert [c.kind for c in find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts] == ["entity"]
    arts, claims = _pair(text_a, text_b, ents_a=("e1",), ents_b=("e2",), src_b=(src,))
    assert [c for c in find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts if c.kind == "entity"] == []


def _quoted(speakers):
    text = "“We will rebuild the pier before summer,” said {}."
    arts, claims, quotes = {}, [], {}
    for aid, (shown, name, eid) in speakers.items():
        t = text.format(shown)
        arts[aid] = Article(id=aid, outlet=Outlet(f"Outlet {aid}"), text=t)
        claims.append(Claim(f"{aid}:0", aid, Span(0, len(t)), t))
        start = t.index(shown)
        sp = SourceRef(Span(start, start + len(shown)), shown, "person", name=name, entity_id=eid)
        qspan = Span(1, t.index("”"))
        quotes[aid] = (Quote(qspan, t[qspan.start : qspan.end], "direct", speaker=sp),)
    return arts, claims, quotes


def test_one_quote_two_named_speakers():
    arts, claims, quotes = _quoted({"a": ("Mayor Ines Falk", "Ines Falk", "e1"), "b": ("Harbour Master Leo Dune", "Leo Dune", "e2")})
    (c,) = find_conflicts([[0], [1]], claims, arts, quotes).conflicts
    assert c.kind == "attribution" and "Ines Falk" in c.detail and "Leo Dune" in c.detail


@pytest.mark.parametrize(
    "b",
    [
        ("Mayor Ines Falk", "Ines Falk", "e1"),  # the same person
        ("Falk", "Falk", "e9"),  # a surname alone may be the same person, linked or not
        ("Mayor Inès Falk", "Inès Falk", "e8"),  # the same name written with a diacritic
        ("he", "Leo Dune", "e2"),  # a speaker reached through a pronoun
        ("Ines", "Ines", "e10"),  # a first name alone
        ("Ines Falk-Moreau", "Ines Falk-Moreau", "e11"),  # the name another outlet gives more fully
        ("Ines Falck", "Ines Falck", "e12"),  # spelled differently by another outlet
    ],
)
def test_no_attribution_conflict(b):
    arts, claims, quotes = _quoted({"a": ("Mayor Ines Falk", "Ines Falk", "e1"), "b": b})
    assert find_conflicts([[0], [1]], claims, arts, quotes).conflicts == ()


def test_same_statement_credited_to_different_people():
    falk = SourceRef(Span(0, 1), "Mayor Ines Falk", "person", name="Ines Falk", entity_id="e3")
    dune = SourceRef(Span(0, 1), "Harbour Master Leo Dune", "person", name="Leo Dune", entity_id="e4")
    text = "The pier will reopen before the summer season, {} said."
    arts, claims = _pair(text.format("the mayor"), text.format("the harbour master"), src_a=(falk,), src_b=(dune,))
    (c,) = find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts
    assert c.kind == "attribution" and "Ines Falk" in c.detail and "Leo Dune" in c.detail
    arts, claims = _pair(text.format("the mayor"), text.format("Falk"), src_a=(falk,), src_b=(falk,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts == ()


def test_no_attribution_conflict_when_a_sentence_names_the_other_source():
    falk = SourceRef(Span(0, 1), "Mayor Ines Falk", "person", name="Ines Falk", entity_id="e3")
    dune = SourceRef(Span(0, 1), "Harbour Master Leo Dune", "person", name="Leo Dune", entity_id="e4")
    text_a = "The harbour pier will reopen before the summer season with new moorings, the mayor said."
    # one scene read two ways: the other sentence names the mayor too
    text_b = "The harbour pier will reopen before the summer season with new moorings, Leo Dune told Falk."
    arts, claims = _pair(text_a, text_b.replace(" told Falk", " said"), src_a=(falk,), src_b=(dune,))
    assert [c.kind for c in find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts] == ["attribution"]
    arts, claims = _pair(text_a, text_b, src_a=(falk,), src_b=(dune,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts == ()


@pytest.mark.parametrize(
    "other",
    [
        # the body a person speaks for, or the outlet that reported it
        SourceRef(Span(0, 1), "the Larkspur Port Authority", "organization", name="Larkspur Port Authority"),
        # a role, a word, a title: nobody named
        SourceRef(Span(0, 1), "the company", "organization", name="company"),
        SourceRef(Span(0, 1), "President", "person", name="President"),
        # the mayor's name written out with a role and more fully
        SourceRef(Span(0, 1), "Spokeswoman Ines Falk-Moreau", "person", name="Spokeswoman Ines Falk-Moreau"),
    ],
)
def test_no_source_conflict_between_a_person_and_a_body_or_a_role(other):
    falk = SourceRef(Span(0, 1), "Mayor Ines Falk", "person", name="Ines Falk", entity_id="e3")
    text = "The pier will reopen before the summer season, {} said."
    arts, claims = _pair(text.format("Mayor Ines Falk"), text.format(other.text), src_a=(falk,), src_b=(other,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts == ()


def test_bodies_named_differently_are_compared_only_when_no_person_is_named():
    ledger = SourceRef(Span(0, 1), "the Larkspur Ledger", "organization", name="Larkspur Ledger")
    board = SourceRef(Span(0, 1), "the Harbour Board", "organization", name="Harbour Board")
    text = "The pier will reopen before the summer season, according to {}."
    arts, claims = _pair(text.format("the Larkspur Ledger"), text.format("the Harbour Board"), src_a=(ledger,), src_b=(board,))
    (c,) = find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts
    assert c.kind == "attribution" and "Larkspur Ledger" in c.detail and "Harbour Board" in c.detail
    # "the Harbour Board of Larkspur Inc" and "the Harbour Board" are one body
    full = SourceRef(Span(0, 1), "the Harbour Board of Larkspur Inc", "organization", name="Harbour Board of Larkspur Inc")
    arts, claims = _pair(text.format("the Harbour Board of Larkspur Inc"), text.format("the Harbour Board"), src_a=(full,), src_b=(board,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts == ()


def test_sources_reached_through_a_pronoun_or_title_are_not_compared():
    blumenthal = SourceRef(Span(0, 1), "he", "person", name="Richard Blumenthal", entity_id="e5")
    cornyn = SourceRef(Span(0, 1), "The A.G.", "person", name="John Cornyn", entity_id="e6")
    text = "He had misspoken at a 2008 event in Norfolk, {} said."
    arts, claims = _pair(text.format("he"), text.format("The A.G."), src_a=(blumenthal,), src_b=(cornyn,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts == ()
    ag = SourceRef(Span(0, 1), "The A.G.", "person", name="A.G.", entity_id="e7")
    named = SourceRef(Span(0, 1), "Blumenthal", "person", name="Richard Blumenthal", entity_id="e5")
    arts, claims = _pair(text.format("The A.G."), text.format("Blumenthal"), src_a=(ag,), src_b=(named,))
    assert find_conflicts([[0, 1]], claims, arts, {}, PLACES).conflicts == ()


def test_an_outlet_restating_its_figure_joins_its_side_of_the_conflict(nlp, embedder, monkeypatch):
    # B gives its figure twice, the second time as a range topping out where its bound does: one
    # conflict, B's two sentences on its side, and no "possible" repeat of it
    import storylens.compare.conflicts as conflicts

    monkeypatch.setattr(conflicts, "COUNT_FIRM", 0.8)
    found = _story(
        nlp, embedder,
        ("A", "Judges doubted the sex discrimination lawsuit that covers as many as 1.5 million workers.", WEDNESDAY),
        ("B", "The court may block a massive sex discrimination lawsuit against the retailer on behalf of up to"
              " 1.6 million workers. Estimates of how many workers could be included in the discrimination lawsuit run"
              " from 500,000 to 1.6 million.", WEDNESDAY),
    )
    (c,) = [c for c in found.conflicts if c.kind == "number"]
    assert [r.outlet for r in c.claims] == ["A", "B", "B"]
    assert "B: “up to 1.6 million workers”, “500,000 to 1.6 million”" in c.detail
    assert [p for p in found.possible if p.kind == "number"] == []
