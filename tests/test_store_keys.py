"""Issue 11 item 12: a stored analysis is used only for the text and publication time it was made from."""

from __future__ import annotations

import json
from datetime import date

import pytest

import storylens

TEXT = (
    "The harbour authority closed the northern pier yesterday after a crane collapsed onto the "
    "loading dock. Two workers were taken to hospital with minor injuries, the authority said. "
    "Engineers will inspect the remaining cranes before the pier reopens on Friday, officials said."
)


def _run(tmp_path, published: str | None, *, flag: str | None = None):
    record = {"outlet": "Harbour Post", "text": TEXT}
    if published:
        record["published"] = published
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    extra = {"published": flag} if flag else {}
    return storylens.analyze([str(path)], store=str(tmp_path / "s.sqlite"), embedder="lexical", **extra)


def _days(report) -> tuple[date | None, set[date]]:
    (story,) = report.stories
    (article,) = story.articles
    resolved = {e.start.date() for e in story.timeline if e.start is not None}
    return (article.published.date() if article.published else None), resolved


@pytest.mark.parametrize(
    "first, second",
    [
        (dict(published="2024-05-06T09:00:00+00:00"), dict(published="2024-06-10T09:00:00+00:00")),  # a corrected date
        (dict(published=None, flag="2024-05-06"), dict(published=None, flag="2024-06-10")),  # a new --published
    ],
    ids=["corrected", "flag"],
)
def test_a_changed_publication_time_is_analyzed_again(tmp_path, first, second):
    day1, resolved1 = _days(_run(tmp_path, **first))
    assert day1 is not None and date(day1.year, day1.month, day1.day - 1) in resolved1  # "yesterday"
    day2, resolved2 = _days(_run(tmp_path, **second))
    assert day2 != day1
    # the report's date and the dates resolved against it belong together
    assert date(day2.year, day2.month, day2.day - 1) in resolved2
    assert date(day1.year, day1.month, day1.day - 1) not in resolved2


def test_the_same_time_reuses_the_analysis(tmp_path, monkeypatch):
    _run(tmp_path, "2024-05-06T09:00:00+00:00")
    import storylens.understand as understand

    def no_parse(*args, **kwargs):
        raise AssertionError("analyzed again")

    monkeypatch.setattr(understand, "analyze_articles", no_parse)
    day, _ = _days(_run(tmp_path, "2024-05-06T09:00:00+00:00"))
    assert day == date(2024, 5, 6)
