"""End to end on the demo corpus in ``examples/``: every planted finding is found, nothing else.

The corpus and its answer key are described in ``examples/README.md``. Expectations are written
as distinctive substrings of the planted sentences, never as the wording of a fact's text, so a
pipeline that finds the right claims passes however it phrases them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest

import storylens
from storylens.model import Article, ClaimRef, Fact, Span, StoryReport
from tests.conftest import EXAMPLES

CPA = "Coastal Press Agency"
NSD = "Northshore Daily"
BC = "Bramcote Courier"
HFM = "Harbour FM"
FERRY_OUTLETS = frozenset({CPA, NSD, BC, HFM})

# The planted articles, by URL: the ferry story (four outlets) and the unrelated one.
WIRE_URL = "https://coastalpress.example/wire/2026/03/10/bramcote-ferry-aground"
COPY_URL = "https://northshoredaily.example/news/skerrow-ferry-grounded-sailings-suspended"
COURIER_URL = "https://bramcotecourier.example/2026/03/10/saltmarsh-belle-depth-sounder"
RADIO_URL = "https://harbourfm.example/news/skerrow-crossings-halted"
ROBOTICS_URL = "https://bramcotecourier.example/2026/03/06/grammar-robotics-national-final"
FERRY_URLS = frozenset({WIRE_URL, COPY_URL, COURIER_URL, RADIO_URL})
ALL_URLS = FERRY_URLS | {ROBOTICS_URL}

# Planted agreements: every outlet's claim, by a substring only that outlet's sentence has.
AGREEMENTS: dict[str, dict[str, str]] = {
    "grounding": {
        CPA: "ran aground on Gannet Ledge",
        NSD: "ran aground on Gannet Ledge",
        BC: "hit the rocks of Gannet Ledge",
        HFM: "went aground on Gannet Ledge",
    },
    "rescue": {
        CPA: "took all 86 passengers and six crew members",
        NSD: "took all 86 passengers and six crew members",
        BC: "All 86 passengers and the six crew were brought ashore",
        HFM: "rescued all 86 passengers and six crew",
    },
    "sailings suspended": {
        CPA: "has suspended all sailings between Bramcote and Skerrow Island",
        NSD: "has suspended all sailings between Bramcote and Skerrow Island",
        BC: "has cancelled every crossing to Skerrow Island",
        HFM: "crossings to Skerrow Island are suspended",
    },
    "council vote": {
        CPA: "voted 7-2",
        NSD: "voted 7-2",
        BC: "by seven votes to two",
        HFM: "voted seven to two",
    },
}

# Reported by the wire, its copy and the Courier; Harbour FM says nothing about it.
OMITTED_BY_HFM = {CPA: "diesel leaked", NSD: "diesel leaked", BC: "Diesel seeped"}
ONLY_IN_BC = "depth sounder had been reported faulty"

HOSPITAL = {BC: "took 14 passengers to St Aldhelm's Hospital", HFM: "took 31 passengers to St Aldhelm's Hospital"}

LUCKY = "We were lucky that the sea was calm and the lifeboat was already out on exercise"

# (outlet, a substring of the quote, the speaker's surname)
NAMED_QUOTES = [
    (CPA, "Our first thought is for the passengers", "Pryce"),
    (NSD, "Our first thought is for the passengers", "Pryce"),
    (CPA, "The leak is small and it is contained", "Redfern"),
    (CPA, "This crossing is a lifeline for Skerrow", "Okonjo"),
    (BC, LUCKY, "Redfern"),
    (BC, "It went on and on", "Ennis"),
    (HFM, LUCKY, "Nandakumar"),
    (HFM, "Skerrow cannot be cut off", "Okonjo"),
    (HFM, "We've got enough on the shelves", "Rowe"),
]


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> storylens.Report:
    # the folder as a user would pass it; examples/README.md (the answer key) must not be read
    # as a sixth article, which test_all_five_articles_read_and_nothing_skipped checks
    return storylens.analyze([str(EXAMPLES)])


def _story_of(report: storylens.Report, url: str) -> StoryReport:
    found = [s for s in report.stories if any(a.url == url for a in s.articles)]
    assert len(found) == 1, f"{url} is in {len(found)} stories"
    return found[0]


@pytest.fixture(scope="module")
def ferry(report) -> StoryReport:
    return _story_of(report, WIRE_URL)


@pytest.fixture(scope="module")
def robotics(report) -> StoryReport:
    return _story_of(report, ROBOTICS_URL)


def _article(story: StoryReport, url: str) -> Article:
    (article,) = [a for a in story.articles if a.url == url]
    return article


def _has_claim(claims: tuple[ClaimRef, ...], outlet: str, needle: str) -> bool:
    return any(c.outlet == outlet and needle in c.text for c in claims)


def _facts_with(story: StoryReport, outlet: str, needle: str) -> list[Fact]:
    return [f for f in story.facts if _has_claim(f.claims, outlet, needle)]


def _one_fact(story: StoryReport, expected: Mapping[str, str]) -> Fact:
    """The one fact holding every outlet's planted claim (fails if they are split up)."""
    outlet, needle = next(iter(expected.items()))
    candidates = _facts_with(story, outlet, needle)
    assert candidates, f"no fact has a {outlet} claim containing {needle!r}"
    together = [f for f in candidates if all(_has_claim(f.claims, o, n) for o, n in expected.items())]
    assert len(together) == 1, (
        f"claims {expected} are not in one fact; facts holding {needle!r}: "
        + repr([[(c.outlet, c.text) for c in f.claims] for f in candidates])
    )
    return together[0]


def _reporters(fact: Fact) -> set[str]:
    return {o for o, s in fact.status.items() if s == "reported"}


# --- the two stories -------------------------------------------------------------------------


def test_all_five_articles_read_and_nothing_skipped(report):
    urls = [a.url for s in report.stories for a in s.articles]
    assert sorted(urls) == sorted(ALL_URLS)
    assert report.skipped == ()
    assert dict(report.duplicates) == {}


def test_exactly_two_stories_and_the_unrelated_article_alone(report, ferry, robotics):
    assert len(report.stories) == 2
    assert ferry is not robotics
    assert [a.url for a in robotics.articles] == [ROBOTICS_URL]
    assert {a.url for a in ferry.articles} == FERRY_URLS
    assert set(ferry.outlets) == FERRY_OUTLETS


@pytest.mark.parametrize(
    "url, published",
    [
        (WIRE_URL, "2026-03-10T13:20:00+00:00"),
        (COPY_URL, "2026-03-10T15:05:00+00:00"),
        (COURIER_URL, "2026-03-10T16:00:00+00:00"),
        (RADIO_URL, "2026-03-10T17:30:00+00:00"),
        (ROBOTICS_URL, "2026-03-06T08:00:00+00:00"),
    ],
)
def test_publication_times_from_front_matter_and_record(report, url, published):
    (article,) = [a for s in report.stories for a in s.articles if a.url == url]
    assert article.published is not None
    assert article.published.isoformat() == published


# --- agreements, omission, single-outlet fact --------------------------------------------------


@pytest.mark.parametrize("name", list(AGREEMENTS))
def test_planted_agreement_is_one_fact_reported_by_all_four(ferry, name):
    fact = _one_fact(ferry, AGREEMENTS[name])
    for outlet in FERRY_OUTLETS:
        assert fact.status.get(outlet) == "reported", (name, outlet, dict(fact.status))


@pytest.mark.parametrize("name", list(AGREEMENTS))
def test_wire_and_its_copy_count_once_in_independent_support(ferry, name):
    # four outlets, but the Northshore Daily copied the wire and no claim cites a source
    fact = _one_fact(ferry, AGREEMENTS[name])
    assert fact.independent_support == 3, (name, fact.independent_support)


def test_the_wire_reported_first(ferry):
    fact = _one_fact(ferry, AGREEMENTS["grounding"])
    assert fact.first_reported == CPA


def test_omission_harbour_fm_is_silent_on_the_diesel_leak(ferry):
    fact = _one_fact(ferry, OMITTED_BY_HFM)
    assert fact.status.get(HFM) == "silent", dict(fact.status)
    assert _reporters(fact) == {CPA, NSD, BC}
    assert not any(c.outlet == HFM for c in fact.claims)
    assert fact.independent_support == 2


def test_single_outlet_fact_has_exactly_one_reporter(ferry):
    (fact,) = _facts_with(ferry, BC, ONLY_IN_BC)
    assert _reporters(fact) == {BC}
    assert {c.outlet for c in fact.claims} == {BC}
    assert fact.independent_support == 1
    for outlet in FERRY_OUTLETS - {BC}:
        assert fact.status.get(outlet) == "silent", (outlet, dict(fact.status))


# --- conflicts --------------------------------------------------------------------------------


def _hospital_conflict(conflict) -> bool:
    return any("St Aldhelm's Hospital" in c.text for c in conflict.claims)


def test_hospital_count_is_a_number_conflict_between_courier_and_radio(ferry):
    numbers = [c for c in ferry.conflicts if c.kind == "number"]
    matching = [
        c for c in numbers
        if _has_claim(c.claims, BC, HOSPITAL[BC]) and _has_claim(c.claims, HFM, HOSPITAL[HFM])
    ]
    assert len(matching) == 1, [(c.detail, [(r.outlet, r.text) for r in c.claims]) for c in numbers]
    (conflict,) = matching
    assert {r.outlet for r in conflict.claims} == {BC, HFM}
    assert conflict.fact_id in {f.id for f in ferry.facts}


def test_no_number_conflict_other_than_the_planted_one(ferry):
    # every other count (86 passengers, six crew, 7-2) is stated the same way by every outlet
    spurious = [c for c in ferry.conflicts if c.kind == "number" and not _hospital_conflict(c)]
    assert spurious == [], [(c.detail, [(r.outlet, r.text) for r in c.claims]) for c in spurious]


@pytest.mark.parametrize("outlet, needle, surname", NAMED_QUOTES)
def test_named_quote_has_its_speaker(ferry, outlet, needle, surname):
    articles = [a for a in ferry.articles if a.outlet.name == outlet]
    quotes = [q for a in articles for q in ferry.quotes.get(a.id, ()) if needle in q.text]
    assert quotes, f"no {outlet} quote containing {needle!r}"
    speakers = [q.speaker.name if q.speaker else None for q in quotes]
    assert all(s and surname in s for s in speakers), speakers


def test_same_quote_two_speakers_is_an_attribution_conflict(ferry):
    # Courier: Harbour Master Colin Redfern; Harbour FM: coxswain Priya Nandakumar
    conflicts = [
        c for c in ferry.conflicts
        if c.kind == "attribution" and any("sea was calm" in r.text for r in c.claims)
    ]
    assert len(conflicts) == 1, [(c.kind, c.detail) for c in ferry.conflicts]
    (conflict,) = conflicts
    assert {r.outlet for r in conflict.claims} == {BC, HFM}
    assert "Redfern" in conflict.detail and "Nandakumar" in conflict.detail, conflict.detail


# --- the wire copy, sourcing, dates ------------------------------------------------------------


def test_wire_copy_is_recorded_against_the_wire_story(ferry):
    wire, copy = _article(ferry, WIRE_URL), _article(ferry, COPY_URL)
    assert dict(ferry.story.copies) == {copy.id: wire.id}
    assert wire.outlet.kind == "wire"


def test_unnamed_source_and_outlet_attribution(ferry):
    courier, radio = _article(ferry, COURIER_URL), _article(ferry, RADIO_URL)
    anonymous = [s for s in ferry.sources.get(courier.id, ()) if s.kind == "anonymous"]
    assert any("port official" in s.text for s in anonymous), [s.text for s in anonymous]
    outlets = [s for s in ferry.sources.get(radio.id, ()) if s.kind == "outlet"]
    assert any(BC in (s.name or s.text) for s in outlets), [(s.text, s.name) for s in outlets]


def test_monday_grounding_is_dated_on_the_timeline(ferry):
    # "on Monday" in articles published on Tuesday 10 March 2026 is Monday 9 March
    entries = [e for e in ferry.timeline if any("aground on Gannet Ledge" in c.text for c in e.claims)]
    assert entries, [e.text for e in ferry.timeline]
    assert all(e.start is not None and e.start.date() == date(2026, 3, 9) for e in entries), [
        (e.start, e.text) for e in entries
    ]


# --- nothing invented, nothing mixed -----------------------------------------------------------


def test_no_fact_or_conflict_mixes_the_two_stories(report):
    for story in report.stories:
        ids = set(story.story.article_ids)
        assert ids == {a.id for a in story.articles}
        refs = [c for f in story.facts for c in f.claims] + [c for k in story.conflicts for c in k.claims]
        assert {c.article_id for c in refs} <= ids
        assert set(story.quotes) <= ids and set(story.sources) <= ids and set(story.mentions) <= ids


def test_robotics_story_has_only_its_own_outlet(robotics):
    assert robotics.outlets == (BC,)
    assert robotics.conflicts == ()
    assert all(set(f.status) == {BC} for f in robotics.facts)


def _span_findings(
    obj: Any, article_id: str | None, ids: frozenset[str]
) -> Iterator[tuple[str | None, Span, str | None]]:
    """Every ``(article id, span, text the span must slice to or None)`` anywhere under ``obj``."""
    if isinstance(obj, Article):
        for p in obj.paragraphs:
            yield obj.id, p, None
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        article_id = getattr(obj, "article_id", None) or article_id
        text = getattr(obj, "text", None)
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, Span):
                yield article_id, value, text if f.name == "span" and isinstance(text, str) else None
            else:
                yield from _span_findings(value, article_id, ids)
    elif isinstance(obj, Mapping):
        # quotes, sources and mentions are mappings keyed by article id
        article_id = obj.get("article_id", article_id)
        span, text = obj.get("span"), obj.get("text")
        if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(v, int) for v in span):
            yield article_id, Span(*span), text if isinstance(text, str) else None
        for key, value in obj.items():
            yield from _span_findings(value, key if key in ids else article_id, ids)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _span_findings(item, article_id, ids)


def test_every_span_slices_its_article_to_the_claimed_text(report):
    checked = 0
    for story in report.stories:
        texts = {a.id: a.text for a in story.articles}
        for article_id, span, text in _span_findings(story, None, frozenset(texts)):
            assert article_id in texts, f"span {span} points at unknown article {article_id}"
            body = texts[article_id]
            assert span.end <= len(body), (article_id, span, len(body))
            if text is not None:
                assert span.of(body) == text, (article_id, span, span.of(body), text)
                checked += 1
    assert checked > 100  # facts, quotes, sources and mentions of five articles


def test_a_fact_resting_on_the_courier_counts_once(ferry):
    """Harbour FM reports the captain's stand-down "according to the Bramcote Courier"."""
    fact = _one_fact(ferry, {BC: "has been stood down", HFM: "has been stood down"})
    assert _reporters(fact) == {BC, HFM}
    assert fact.independent_support == 1


@pytest.mark.parametrize(
    "kind, bc, hfm",
    [
        ("date", "on Thursday 12 March", "on Friday 13 March"),
        ("negation", "passed its annual hull and equipment survey", "did not pass its annual hull and equipment survey"),
    ],
)
def test_planted_date_and_negation_conflicts(ferry, kind, bc, hfm):
    found = [c for c in ferry.conflicts if c.kind == kind]
    assert len(found) == 1, [c.detail for c in found]
    (c,) = found
    assert {r.outlet for r in c.claims} == {BC, HFM}
    assert any(bc in r.text for r in c.claims if r.outlet == BC)
    assert any(hfm in r.text for r in c.claims if r.outlet == HFM)
    fact = next(f for f in ferry.facts if f.id == c.fact_id)
    assert fact.status[BC] == fact.status[HFM] == "contradicted"


def test_facts_show_which_reports_they_rest_on(ferry):
    stood_down = _one_fact(ferry, {BC: "has been stood down", HFM: "has been stood down"})
    assert stood_down.rests_on == (BC,)
    grounding = next(f for f in ferry.facts if all(s == "reported" for s in f.status.values()))
    assert set(grounding.rests_on) == {BC, CPA, HFM}  # the copy rests on the wire story
