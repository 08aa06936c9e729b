"""End to end on the two real seed articles (two outlets, one story)."""

from __future__ import annotations

import pytest

import storylens

EXCUSE_ME = "Excuse me, what did you say?"


@pytest.fixture(scope="module")
def report(seed_paths):
    return storylens.analyze([str(p) for p in seed_paths])


@pytest.fixture(scope="module")
def story(report):
    assert len(report.stories) == 1
    return report.stories[0]


def _texts(story):
    return {a.id: a.text for a in story.articles}


def test_one_story_with_both_articles(report, story):
    assert report.skipped == ()
    assert len(story.articles) == 2
    assert len(story.outlets) == 2


def test_at_least_six_facts_reported_by_both(story):
    texts = _texts(story)
    shared = [
        f for f in story.facts
        if all(s in ("reported", "hedged") for s in f.status.values())
    ]
    assert len(shared) >= 6, [f.text for f in story.facts[:10]]
    for f in shared:
        assert {r.article_id for r in f.claims} == set(texts)
        for r in f.claims:
            assert texts[r.article_id][r.span.start : r.span.end] == r.text


def test_veto_paraphrase_is_one_fact(story):
    fact = next(
        f for f in story.facts
        if any("vetoed Defence Minister Yoav Gallant" in r.text for r in f.claims)
    )
    assert any("nixed Gallant’s trip" in r.text for r in fact.claims)


def _speaker_of(story, needle):
    for quotes in story.quotes.values():
        for q in quotes:
            if needle in q.text:
                return q.speaker
    raise AssertionError(f"quote {needle!r} not found")


def test_austin_quote(story):
    speaker = _speaker_of(story, EXCUSE_ME)
    assert speaker is not None and speaker.name == "Lloyd Austin"


def test_pentagon_spokesperson_quote(story):
    speaker = _speaker_of(story, "We were just informed that Minister Gallant")
    assert speaker is not None and speaker.name == "Sabrina Singh"


def test_ballistic_missiles_reported_by_one_outlet_only(story):
    texts = _texts(story)
    fact = next(f for f in story.facts if any("180 ballistic missiles" in r.text for r in f.claims))
    reporters = [o for o, s in fact.status.items() if s != "silent"]
    assert len(reporters) == 1
    (ref,) = fact.claims
    assert texts[ref.article_id][ref.span.start : ref.span.end] == ref.text
    missiles = [
        q for c in fact.claims for q in [ref] if "180" in c.text
    ]
    assert missiles


def test_entities_are_canonical(story):
    names = {e.name: e for e in story.entities}
    assert "Yoav Gallant" in names and "Gallant" in names["Yoav Gallant"].aliases
    assert "United States" in names
    assert {"U.S.", "US"} <= set(names["United States"].aliases)
    assert "Gallant" not in names and "U.S." not in names


def test_anonymous_sources_are_structured(story):
    sources = [s for ss in story.sources.values() for s in ss]
    axios = [s for s in sources if s.kind == "anonymous" and s.count == 3 and (s.via or "") == "Axios"]
    assert axios and axios[0].affiliation == "US"
    assert any(s.kind == "outlet" and s.name == "Wall Street Journal" for s in sources)
