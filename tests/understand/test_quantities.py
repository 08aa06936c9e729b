"""find_quantities: value, qualifier, unit and span over a parsed spaCy Doc."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storylens.model import Span
from storylens.understand.quantities import find_quantities, parse_number
from storylens.understand.time import find_times

PUB = datetime(2024, 10, 8, 18, 0, tzinfo=timezone.utc)

# (sentence, span text, value, qualifier, unit, upper)
CASES = [
    ("Over 180 ballistic missiles were launched.", "Over 180 ballistic missiles", 180.0, "more than", "ballistic missiles", None),
    ("He cited three US officials.", "three US officials", 3.0, "exact", "US officials", None),
    ("The fund holds $5 million.", "$5 million", 5e6, "exact", "USD", None),
    ("Turnout was 40% in the north.", "40%", 40.0, "exact", "percent", None),
    ("Turnout was about 40 percent.", "about 40 percent", 40.0, "about", "percent", None),
    ("The town has 1,200 residents.", "1,200 residents", 1200.0, "exact", "residents", None),
    ("Some 2.5 million refugees fled.", "Some 2.5 million refugees", 2.5e6, "about", "refugees", None),
    ("They found a dozen bodies.", "a dozen bodies", 12.0, "exact", "bodies", None),
    ("Dozens of people were hurt.", "Dozens of people", 24.0, "at least", "people", None),
    ("Hundreds of thousands of people fled.", "Hundreds of thousands of people", 2e5, "at least", "people", None),
    ("At least 12 soldiers died.", "At least 12 soldiers", 12.0, "at least", "soldiers", None),
    ("Nearly 300 rockets hit the city.", "Nearly 300 rockets", 300.0, "up to", "rockets", None),
    ("Almost 50 drones were downed.", "Almost 50 drones", 50.0, "up to", "drones", None),
    ("Up to 3,000 troops may deploy.", "Up to 3,000 troops", 3000.0, "up to", "troops", None),
    ("Fewer than 20 protesters came.", "Fewer than 20 protesters", 20.0, "less than", "protesters", None),
    ("Between 10 and 20 soldiers died.", "Between 10 and 20 soldiers", 10.0, "range", "soldiers", 20.0),
    ("They sent 10 to 20 drones.", "10 to 20 drones", 10.0, "range", "drones", 20.0),
    ("Twenty-five tanks crossed.", "Twenty-five tanks", 25.0, "exact", "tanks", None),
    # "from X to Y" after a word of extent is a range, not a change
    ("Estimates range from 300 to 450 ferries.", "300 to 450 ferries", 300.0, "range", "ferries", 450.0),
    ("Counts ran anywhere from 40 to 60 boats.", "40 to 60 boats", 40.0, "range", "boats", 60.0),
    # a bare number counts what its sentence asked about before it; the span is the number's
    ("Estimates of how many anglers could join the suit run from 500 to 1,600.", "500 to 1,600", 500.0, "range", "anglers", 1600.0),
    ("The number of stranded passengers was 240 by noon.", "240", 240.0, "exact", "passengers", None),
    ("The budget is over $48 billion.", "over $48 billion", 48e9, "more than", "USD", None),
]


@pytest.mark.parametrize("sentence,span_text,value,qualifier,unit,upper", CASES)
def test_quantity_cases(nlp, sentence, span_text, value, qualifier, unit, upper):
    qs = find_quantities(nlp(sentence))
    assert len(qs) == 1, [(q.text, q.value) for q in qs]
    q = qs[0]
    assert sentence[q.span.start : q.span.end] == q.text == span_text
    assert (q.value, q.qualifier, q.unit, q.upper) == (value, qualifier, unit, upper)


SEED = (
    "On Oct. 1, over 180 ballistic missiles were fired from Iranian soil in two waves in the "
    "second-ever direct attack by Tehran against Israel."
)


def test_seed_sentence(nlp):
    times = find_times(SEED, PUB)
    qs = find_quantities(nlp(SEED), exclude=[t.span for t in times])
    assert [(q.text, q.value, q.qualifier, q.unit) for q in qs] == [
        ("over 180 ballistic missiles", 180.0, "more than", "ballistic missiles"),
        ("two waves", 2.0, "exact", "waves"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Article 5 of the treaty applies.",
        "Channel 12 reported the news.",
        "The two met in private.",
        "No one was hurt.",
        "He was born on the 21st.",
        "1. Introduction\n2) Methods",
        "It was a one-day visit.",
    ],
)
def test_skipped_numbers(nlp, sentence):
    assert find_quantities(nlp(sentence)) == ()


def test_excluded_spans_are_skipped(nlp):
    text = "Talks lasted three days and 40 delegates attended."
    excluded = [Span(text.index("three"), text.index("three") + len("three days"))]
    qs = find_quantities(nlp(text), exclude=excluded)
    assert [q.text for q in qs] == ["40 delegates"]


def test_month_day_without_exclude_is_not_a_quantity(nlp):
    assert [q.text for q in find_quantities(nlp("On Oct. 1, 7 people died."))] == ["7 people"]


def test_from_to_is_two_numbers_not_a_range(nlp):
    qs = find_quantities(nlp("The toll rose from 10 to 20."))
    assert [(q.value, q.qualifier) for q in qs] == [(10.0, "exact"), (20.0, "exact")]
    # a word tagged as a noun that says the extent is not what is counted
    qs = find_quantities(nlp("The number of dead ranges from 12 to 20, officials said."))
    assert [(q.value, q.qualifier, q.unit, q.upper) for q in qs] == [(12.0, "range", None, 20.0)]


@pytest.mark.parametrize(
    "words,value",
    [
        (["1,200"], 1200.0),
        (["2.5", "million"], 2.5e6),
        (["twenty", "-", "five"], 25.0),
        (["one", "hundred", "five"], 105.0),
        (["two", "thousand", "three", "hundred"], 2300.0),
        (["a", "dozen"], 12.0),
        (["hundreds"], 200.0),
        (["3bn"], 3e9),
        (["banana"], None),
    ],
)
def test_parse_number(words, value):
    assert parse_number(words) == value


def test_spans_on_seed_articles(nlp, seed_paths):
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        times = find_times(text, PUB)
        qs = find_quantities(nlp(text), exclude=[t.span for t in times])
        assert qs, path.name
        for q in qs:
            assert text[q.span.start : q.span.end] == q.text
            assert q.qualifier in ("exact", "at least", "more than", "about", "up to", "less than", "range")
            assert not any(q.span.overlaps(t.span) for t in times)
