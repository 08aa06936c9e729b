"""Issue 11 "per-stage safety net": a failure while grouping, comparing or rendering one story
becomes that story's ``failed`` reason; the other stories are complete; limits say so too."""

from __future__ import annotations

import json

import jsonschema
import pytest

import storylens
from storylens.ingest import make_article
from storylens.model import Outlet
from storylens.render import render
from storylens.render.json import load_schema, report_to_dict

FERRY = (
    "The passenger ferry Saltmarsh Belle ran aground off Bramcote Bay on Tuesday morning. "
    "Lifeboat crews took all 86 passengers off the vessel, the coastguard said. "
    "Tidewell Ferries has suspended all sailings between Bramcote and Skerrow until further notice."
)
COUNCIL = (
    "The town council of Larkspur approved a new budget for the public library on Monday evening. "
    "The library will open on Sundays from next month, the council said in a statement. "
    "Councillors voted eight to one in favour after a long debate about staffing costs."
)


def _articles():
    return [
        make_article(FERRY, outlet=Outlet("Coastal Press"), origin="a"),
        make_article(FERRY.replace("Tuesday morning", "Tuesday"), outlet=Outlet("Harbour FM"), origin="b"),
        make_article(COUNCIL, outlet=Outlet("Larkspur Post"), origin="c"),
        make_article(COUNCIL.replace("Monday evening", "Monday"), outlet=Outlet("Town Radio"), origin="d"),
    ]


SETTINGS = dict(embedder="lexical", workers=1)


def _by_title(report):
    return {sr.story.title.split()[1]: sr for sr in report.stories}


def _valid(report) -> dict:
    doc = report_to_dict(report)
    jsonschema.validate(doc, load_schema())
    return doc


def test_a_story_whose_comparison_fails_is_reported_failed_and_the_rest_complete(monkeypatch):
    import storylens.compare as compare

    real = compare.compare_story

    def fragile(story, analyses, settings, embedder):
        if any(a.article.outlet.name == "Larkspur Post" for a in analyses):
            raise RuntimeError("boom on the council story")
        return real(story, analyses, settings, embedder)

    monkeypatch.setattr(compare, "compare_story", fragile)
    report = storylens.analyze_articles(_articles(), **SETTINGS)
    stories = {sr.outlets: sr for sr in report.stories}
    council = stories[("Larkspur Post", "Town Radio")]
    ferry = stories[("Coastal Press", "Harbour FM")]
    assert council.failed == "comparison failed: RuntimeError: boom on the council story"
    assert len(council.articles) == 2 and council.facts == ()
    assert ferry.failed is None and ferry.facts
    doc = _valid(report)
    assert [s["failed"] for s in doc["stories"]].count(None) == 1
    for fmt in ("md", "html", "text"):
        if fmt != "text":
            assert "boom on the council story" in render(report, fmt)


def test_a_grouping_failure_reports_every_article_alone(monkeypatch):
    import storylens.pipeline as pipeline

    def broken(*args, **kwargs):
        raise MemoryError("no room to group")

    monkeypatch.setattr(pipeline, "group_stories", broken)
    report = storylens.analyze_articles(_articles(), **SETTINGS)
    assert len(report.stories) == 4
    assert all(sr.failed.startswith("grouping failed: MemoryError: no room to group") for sr in report.stories)
    assert sorted(a.origin for sr in report.stories for a in sr.articles) == ["a", "b", "c", "d"]
    _valid(report)


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_a_story_that_cannot_be_rendered_is_rendered_failed(monkeypatch, fmt):
    report = storylens.analyze_articles(_articles(), **SETTINGS)
    import storylens.render.html as html
    import storylens.render.json as js
    import storylens.render.markdown as md

    target = {"json": (js, "_fact"), "md": (md, "_matrix"), "html": (html, "single_outlet_facts")}[fmt]
    real = getattr(*target)

    def fragile(sr, *args, **kwargs):
        facts = getattr(sr, "facts", ())
        text = " ".join(f.text for f in facts) if facts else getattr(sr, "text", "")
        if "council" in text:
            raise KeyError("bad fact")
        return real(sr, *args, **kwargs)

    monkeypatch.setattr(*target, fragile)
    out = render(report, fmt)
    assert "rendering failed: KeyError" in out
    assert "Saltmarsh Belle" in out  # the other story is all there
    if fmt == "json":
        doc = json.loads(out)
        jsonschema.validate(doc, load_schema())
        assert sorted(bool(s["failed"]) for s in doc["stories"]) == [False, True]


def test_a_story_over_the_claim_limit_is_listed_not_compared(monkeypatch):
    import storylens.pipeline as pipeline

    embedded: list[str] = []
    real = pipeline.embedding_texts

    def counting(story, analyses):
        texts = real(story, analyses)
        embedded.extend(texts)
        return texts

    monkeypatch.setattr(pipeline, "embedding_texts", counting)
    articles = _articles()
    long_council = make_article(" ".join([COUNCIL] * 4), outlet=Outlet("Larkspur Post"), origin="c")
    report = storylens.analyze_articles(articles[:2] + [long_council, articles[3]], max_story_claims=10, **SETTINGS)
    stories = {sr.outlets: sr for sr in report.stories}
    council = stories[("Larkspur Post", "Town Radio")]
    assert council.failed.startswith("not compared: ") and "(setting max_story_claims)" in council.failed
    assert stories[("Coastal Press", "Harbour FM")].failed is None
    assert not any("council" in t.lower() for t in embedded)  # never embedded
    _valid(report)
