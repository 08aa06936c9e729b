"""Framing, sourcing profiles and omissions end to end, on the seed pair and the demo corpus."""

from __future__ import annotations

import pytest

import storylens
from storylens.model import StoryReport
from tests.conftest import EXAMPLES

SEED_000, SEED_003 = "000_945787e7182174c9", "003_0ee0a647b40f5253"


@pytest.fixture(scope="module")
def seeds(seed_paths) -> StoryReport:
    report = storylens.analyze([str(p) for p in seed_paths])
    (story,) = [s for s in report.stories if len(s.outlets) == 2]
    return story


@pytest.fixture(scope="module")
def ferry() -> StoryReport:
    report = storylens.analyze([str(EXAMPLES)])
    (story,) = [s for s in report.stories if "Harbour FM" in s.outlets]
    return story


def _texts(story: StoryReport) -> dict[str, str]:
    return {a.id: a.text for a in story.articles}


def test_seed_naming_pairs_vetoed_and_nixed_with_exact_spans(seeds):
    texts = _texts(seeds)
    notes = [n for n in seeds.framing if n.kind == "naming" and {u.text for u in n.uses} == {"vetoed", "nixed"}]
    assert len(notes) == 1
    (note,) = notes
    assert note.fact_id in {f.id for f in seeds.facts}
    by_outlet = {u.outlet: u for u in note.uses}
    assert by_outlet[SEED_000].text == "vetoed" and by_outlet[SEED_003].text == "nixed"
    for u in note.uses:
        assert texts[u.article_id][u.span.start : u.span.end] == u.text
    # the same fact also differs in its object: "visit" / "trip"
    assert any({u.text for u in n.uses} == {"visit", "trip"} and n.fact_id == note.fact_id for n in seeds.framing)


def test_seed_every_framing_use_slices_its_article(seeds):
    texts = _texts(seeds)
    assert seeds.framing
    for note in seeds.framing:
        assert note.kind in ("naming", "distinctive") and note.uses
        for u in note.uses:
            assert texts[u.article_id][u.span.start : u.span.end] == u.text


def test_seed_003_profile_lists_cited_outlets_and_quoted_speakers(seeds):
    profile = next(p for p in seeds.profiles if p.outlet == SEED_003)
    assert {"Wall Street Journal", "NBC News", "Reuters", "Channel 12"} <= set(profile.outlets_cited)
    assert "Sabrina Singh" in profile.quoted
    assert profile.officials_by_affiliation.get("US", 0) >= 2
    assert profile.named + profile.unnamed == sum(profile.by_kind.values())


def test_demo_harbour_fm_omits_the_diesel_leak(ferry):
    facts = {f.id: f for f in ferry.facts}
    omitted = [facts[o.fact_id] for o in ferry.omissions if o.outlet == "Harbour FM"]
    diesel = [f for f in omitted if any("diesel" in c.text.lower() for c in f.claims)]
    assert len(diesel) == 1
    om = next(o for o in ferry.omissions if o.outlet == "Harbour FM" and o.fact_id == diesel[0].id)
    assert set(om.reporters) == {"Coastal Press Agency", "Northshore Daily", "Bramcote Courier"}
    # the wire and its copy count once
    assert om.support == 2
    # it is the best supported of Harbour FM's omissions
    first = next(o for o in ferry.omissions if o.outlet == "Harbour FM")
    assert first.support == om.support


def test_demo_courier_profile_counts_the_anonymous_port_official(ferry):
    profile = next(p for p in ferry.profiles if p.outlet == "Bramcote Courier")
    assert profile.officials_by_affiliation == {"port": 1}
    assert profile.unnamed >= 1 and profile.by_kind.get("anonymous", 0) >= 1
    # "told the Courier" is the Courier's own reporting, not a citation
    assert "Bramcote Courier" not in profile.outlets_cited
    radio = next(p for p in ferry.profiles if p.outlet == "Harbour FM")
    assert radio.outlets_cited == {"Bramcote Courier": 1}
    assert "Harbour FM" not in radio.outlets_cited


def test_demo_naming_notes_include_cancelled_vs_suspended(ferry):
    pairs = [{u.text for u in n.uses} for n in ferry.framing if n.kind == "naming" and n.fact_id]
    assert any({"cancelled", "suspended"} <= p for p in pairs)
