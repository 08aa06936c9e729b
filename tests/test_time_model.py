"""Issue 11 items 1 and 14: one zone-aware time model for publication times, from ingest on."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

import storylens
from storylens.ingest import make_article
from storylens.model import PUBLISHED_WINDOW, Article, Outlet, settle_published
from storylens.render.json import report_to_dict

BODY = (
    "The harbour authority closed the northern pier on Monday after a crane collapsed onto the "
    "loading dock. Two workers were taken to hospital with minor injuries, the authority said. "
    "Engineers will inspect the remaining cranes before the pier reopens, officials said.\n\n"
    "The collapse happened during the night shift, when about forty people were at work. "
    "A second crane was checked yesterday and will be checked again next month."
)


def _article(outlet: str, published: datetime | None, suffix: str = "") -> Article:
    return make_article(BODY + suffix, outlet=Outlet(outlet), published=published, origin=f"{outlet}.txt")


def test_naive_and_aware_times_in_one_story_are_compared_not_crashed():
    naive = _article("Harbour Post", datetime(2024, 5, 6, 9, 0))
    aware = _article(
        "Dock Daily", datetime(2024, 5, 6, 8, 0, tzinfo=timezone(timedelta(hours=-4))), " Work stopped."
    )
    report = storylens.analyze_articles([naive, aware], embedder="lexical")
    assert len(report.stories) == 1
    published = {a.outlet.name: a.published for a in report.stories[0].articles}
    assert all(p.tzinfo is not None for p in published.values())
    # 09:00 UTC is earlier than 08:00 at UTC-4 (12:00 UTC)
    assert published["Harbour Post"] < published["Dock Daily"]
    facts = report.stories[0].facts
    assert any(f.first_reported == "Harbour Post" for f in facts)
    articles = {a["outlet"]: a for a in report_to_dict(report)["stories"][0]["articles"]}
    assert articles["Harbour Post"]["published_note"] == "no time zone stated; read as UTC"
    assert articles["Dock Daily"]["published_note"] is None
    assert articles["Dock Daily"]["published"] == "2024-05-06T08:00:00-04:00"  # the stated zone is kept


@pytest.mark.parametrize(
    "value, expected, note",
    [
        (datetime(2024, 5, 6), datetime(2024, 5, 6, tzinfo=timezone.utc), "no time zone stated; read as UTC"),
        (datetime(2024, 5, 6, tzinfo=timezone.utc), datetime(2024, 5, 6, tzinfo=timezone.utc), None),
        (datetime(1, 1, 1, tzinfo=timezone.utc), None, "outside 1900-2099"),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), None, "outside 1900-2099"),
        (datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))), None, "outside 1900-2099"),
        (datetime(9999, 12, 31), None, "9999-12-31T00:00:00"),
        (datetime(1899, 12, 31, 23, 0), None, "outside"),
    ],
)
def test_settle_published(value, expected, note):
    when, said = settle_published(value)
    assert when == expected
    if note is None:
        assert said is None
    else:
        assert note in said


def test_every_article_time_is_aware_and_in_the_window():
    a = _article("X", datetime(2024, 5, 6, 12))
    assert a.published == datetime(2024, 5, 6, 12, tzinfo=timezone.utc)
    assert a.published_how == "metadata"
    far = _article("X", datetime(1, 1, 1, tzinfo=timezone.utc))
    assert far.published is None and far.published_how is None
    assert "0001-01-01T00:00:00+00:00" in far.published_note
    # replacing the time on an article settles it again
    again = dataclasses.replace(a, published=datetime(2030, 1, 1), published_note=None)
    assert again.published.tzinfo is not None and again.published_note == "no time zone stated; read as UTC"
    low, high = PUBLISHED_WINDOW
    assert low.year == 1900 and high.year == 2100


@pytest.mark.parametrize("far", ["0001-01-01T00:00:00Z", "9999-12-31", "0001-01-01T00:00:00+14:00"])
def test_far_publication_times_drop_the_date_not_the_article(tmp_path, far):
    records = tmp_path / "far.jsonl"
    import json

    lines = [
        json.dumps({"outlet": "Harbour Post", "published": far, "text": BODY}),
        json.dumps({"outlet": "Dock Daily", "published": "2024-05-06T10:00:00+02:00", "text": BODY + " Work stopped."}),
    ]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = storylens.analyze([str(records)], embedder="lexical")
    assert report.skipped == ()
    articles = {a.outlet.name: a for s in report.stories for a in s.articles}
    assert set(articles) == {"Harbour Post", "Dock Daily"}
    assert articles["Harbour Post"].published is None
    assert "ignored" in articles["Harbour Post"].published_note


def test_published_setting_without_zone_next_to_zoned_articles(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "---\noutlet: Dock Daily\npublished: 2024-05-06T10:00:00+02:00\n---\n" + BODY + " Work stopped.\n",
        encoding="utf-8",
    )
    report = storylens.analyze([str(tmp_path)], published=datetime(2024, 5, 6, 7), embedder="lexical")
    articles = {a.outlet.name: a for s in report.stories for a in s.articles}
    assert articles["a"].published == datetime(2024, 5, 6, 7, tzinfo=timezone.utc)
    assert articles["a"].published_how == "user"
    assert articles["Dock Daily"].published.utcoffset() == timedelta(hours=2)


def test_markdown_says_when_the_zone_was_assumed():
    from storylens.render import render

    report = storylens.analyze_articles([_article("Harbour Post", datetime(2024, 5, 6, 9, 0))], embedder="lexical")
    md = render(report, "md")
    assert "2024-05-06 09:00 UTC (metadata); no time zone stated; read as UTC" in md


@pytest.mark.parametrize("far", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00"])
def test_far_time_in_html_meta_keeps_the_article(tmp_path, far):
    paras = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    page = (
        f'<html><head><title>Pier closed</title><meta property="article:published_time" content="{far}">'
        f"</head><body><article>{paras}</article></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    report = storylens.analyze([str(tmp_path / "page.html")], embedder="lexical")
    assert report.skipped == ()
    (article,) = [a for s in report.stories for a in s.articles]
    assert article.published is None or PUBLISHED_WINDOW[0] <= article.published < PUBLISHED_WINDOW[1]
