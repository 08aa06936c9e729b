"""Events (who did what to whom) merged across outlets, on the seeds and the demo corpus."""

from __future__ import annotations

import pytest

import storylens
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def seeds(seed_paths):
    (story,) = storylens.analyze([str(p) for p in seed_paths]).stories
    return story


@pytest.fixture(scope="module")
def ferry():
    report = storylens.analyze([str(EXAMPLES)])
    return next(s for s in report.stories if len(s.outlets) > 1)


def _event_with_action(story, *words):
    for e in story.events:
        texts = {v.action.text for v in e.versions if v.action is not None}
        if set(words) <= texts:
            return e
    raise AssertionError(f"no event with actions {words}: {[e.action for e in story.events]}")


def test_veto_event_keeps_each_outlets_verb(seeds):
    e = _event_with_action(seeds, "vetoed", "nixed")
    assert e.actor == "Benjamin Netanyahu"
    assert "action" in e.differs and "actor" not in e.differs
    assert e.action in ("veto", "nix")


def test_demo_suspension_event(ferry):
    e = _event_with_action(ferry, "cancelled", "suspended")
    assert e.actor == "Tidewell Ferries"
    assert e.differs == ("action",) or "action" in e.differs
    assert {v.outlet for v in e.versions} >= {"Bramcote Courier", "Coastal Press Agency", "Harbour FM"}


@pytest.mark.parametrize("story_name", ["seeds", "ferry"])
def test_every_role_span_slices_its_article(request, story_name):
    story = request.getfixturevalue(story_name)
    texts = {a.id: a.text for a in story.articles}
    facts = {f.id for f in story.facts}
    n = 0
    for e in story.events:
        assert e.fact_id in facts
        assert len({v.outlet for v in e.versions}) >= 2
        for v in e.versions:
            for role in ("actor", "action", "target", "time", "place"):
                ref = getattr(v, role)
                if ref is not None:
                    assert texts[ref.article_id][ref.span.start : ref.span.end] == ref.text
                    n += 1
    assert n > 10


def test_single_outlet_story_has_no_events():
    report = storylens.analyze([str(EXAMPLES)])
    robotics = next(s for s in report.stories if len(s.outlets) == 1)
    assert robotics.events == ()


def test_a_proper_noun_without_an_entity_keeps_its_spelling():
    from storylens.compare.events import _entity_value
    from storylens.compare.framing import RoleFiller
    from storylens.model import ClaimRef, Span

    def filler(text: str, lemma: str, pos: str) -> RoleFiller:
        return RoleFiller(ClaimRef("a1", "Harbour FM", Span(0, len(text)), text), lemma, pos, frozenset())

    assert _entity_value(filler("Varga", "varga", "PROPN"), [], {}, {}) == "Varga"
    assert _entity_value(filler("Ferries", "ferry", "NOUN"), [], {}, {}) == "ferry"
