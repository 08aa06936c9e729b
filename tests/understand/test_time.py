"""find_times: spans, TimeML values and resolved intervals against a fixed publication time."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storylens.understand.time import find_times

# Tuesday 2024-10-08 18:00 UTC (ISO week 41).
PUB = datetime(2024, 10, 8, 18, 0, tzinfo=timezone.utc)
D = datetime


def _only(text: str, published: datetime | None = PUB):
    refs = find_times(text, published)
    assert len(refs) == 1, [(r.text, r.value) for r in refs]
    return refs[0]


# (sentence, expected span text, type, value, start, end, anchor)
RESOLVED = [
    ("It happened on Oct. 1, 2024, officials said.", "Oct. 1, 2024", "DATE", "2024-10-01", D(2024, 10, 1), D(2024, 10, 2), "absolute"),
    ("It happened on 1 October 2024.", "1 October 2024", "DATE", "2024-10-01", D(2024, 10, 1), D(2024, 10, 2), "absolute"),
    ("Filed 2024-10-01 by the court.", "2024-10-01", "DATE", "2024-10-01", D(2024, 10, 1), D(2024, 10, 2), "absolute"),
    ("The talks began in October 2024.", "October 2024", "DATE", "2024-10", D(2024, 10, 1), D(2024, 11, 1), "absolute"),
    ("On Oct. 1, missiles were fired.", "Oct. 1", "DATE", "2024-10-01", D(2024, 10, 1), D(2024, 10, 2), "publication"),
    ("The vote is set for Dec. 3.", "Dec. 3", "DATE", "2024-12-03", D(2024, 12, 3), D(2024, 12, 4), "publication"),
    ("It was signed on Nov. 20.", "Nov. 20", "DATE", "2024-11-20", D(2024, 11, 20), D(2024, 11, 21), "publication"),
    ("The deal from Dec. 28 still holds.", "Dec. 28", "DATE", "2024-12-28", D(2024, 12, 28), D(2024, 12, 29), "publication"),
    ("Prices fell in June.", "June", "DATE", "2024-06", D(2024, 6, 1), D(2024, 7, 1), "publication"),
    ("He spoke on Tuesday.", "Tuesday", "DATE", "2024-10-08", D(2024, 10, 8), D(2024, 10, 9), "publication"),
    ("He spoke on Friday.", "Friday", "DATE", "2024-10-04", D(2024, 10, 4), D(2024, 10, 5), "publication"),
    ("They meet next Tuesday.", "next Tuesday", "DATE", "2024-10-15", D(2024, 10, 15), D(2024, 10, 16), "publication"),
    ("They met last Tuesday.", "last Tuesday", "DATE", "2024-10-01", D(2024, 10, 1), D(2024, 10, 2), "publication"),
    ("The call is expected to occur on Wednesday.", "Wednesday", "DATE", "2024-10-09", D(2024, 10, 9), D(2024, 10, 10), "publication"),
    ("As of late Tuesday night, no flight.", "late Tuesday night", "TIME", "2024-10-08TNI", D(2024, 10, 8, 18), D(2024, 10, 9, 6), "publication"),
    ("Officials said today.", "today", "DATE", "2024-10-08", D(2024, 10, 8), D(2024, 10, 9), "publication"),
    ("Officials said yesterday.", "yesterday", "DATE", "2024-10-07", D(2024, 10, 7), D(2024, 10, 8), "publication"),
    ("He will speak tonight.", "tonight", "TIME", "2024-10-08TNI", D(2024, 10, 8, 18), D(2024, 10, 9, 6), "publication"),
    ("He announced it late last night.", "late last night", "TIME", "2024-10-07TNI", D(2024, 10, 7, 18), D(2024, 10, 8, 6), "publication"),
    ("The cabinet met this morning.", "this morning", "TIME", "2024-10-08TMO", D(2024, 10, 8, 6), D(2024, 10, 8, 12), "publication"),
    ("The attack came last week.", "last week", "DATE", "2024-W40", D(2024, 9, 30), D(2024, 10, 7), "publication"),
    ("Talks resume next month.", "next month", "DATE", "2024-11", D(2024, 11, 1), D(2024, 12, 1), "publication"),
    ("It was announced earlier this year.", "earlier this year", "DATE", "2024", D(2024, 1, 1), D(2024, 10, 8, 18), "publication"),
    ("It was agreed two months ago.", "two months ago", "DATE", "2024-08", D(2024, 8, 1), D(2024, 9, 1), "publication"),
    ("Elections will be held in two months.", "in two months", "DATE", "2024-12", D(2024, 12, 1), D(2025, 1, 1), "publication"),
    ("Fighting raged over the past week.", "the past week", "DURATION", "P1W", D(2024, 10, 1, 18), D(2024, 10, 8, 18), "publication"),
    ("Exports fell in 2023.", "2023", "DATE", "2023", D(2023, 1, 1), D(2024, 1, 1), "absolute"),
    ("A boom in the 1990s.", "1990s", "DATE", "199", D(1990, 1, 1), D(2000, 1, 1), "absolute"),
    ("It was built in mid-2023.", "mid-2023", "DATE", "2023", D(2023, 5, 1), D(2023, 9, 1), "absolute"),
    ("The match is at 3 p.m. Tuesday.", "3 p.m. Tuesday", "TIME", "2024-10-08T15:00", D(2024, 10, 8, 15), D(2024, 10, 8, 15, 1), "publication"),
    ("It ended by the end of the year.", "the end of the year", "DATE", "2024", D(2024, 9, 1), D(2025, 1, 1), "publication"),
    ("He visited last summer.", "last summer", "DATE", "2024-SU", D(2024, 6, 1), D(2024, 9, 1), "publication"),
]


@pytest.mark.parametrize("sentence,span_text,kind,value,start,end,anchor", RESOLVED)
def test_resolved_against_publication(sentence, span_text, kind, value, start, end, anchor):
    ref = _only(sentence)
    assert ref.text == span_text
    assert sentence[ref.span.start : ref.span.end] == ref.text
    assert (ref.type, ref.value, ref.start, ref.end, ref.anchor) == (kind, value, start, end, anchor)


# Without a publication time, relative expressions stay unresolved; absolute ones still resolve.
UNANCHORED = [
    ("He spoke on Tuesday.", "Tuesday", "XXXX-WXX-2", "none"),
    ("As of late Tuesday night, no flight.", "late Tuesday night", "XXXX-WXX-2TNI", "none"),
    ("On Oct. 1, missiles were fired.", "Oct. 1", "XXXX-10-01", "none"),
    ("The attack came last week.", "last week", "XXXX-WXX", "none"),
    ("Officials said yesterday.", "yesterday", "XXXX-XX-XX", "none"),
    ("It was agreed two months ago.", "two months ago", "XXXX-XX", "none"),
    ("It was announced earlier this year.", "earlier this year", "XXXX", "none"),
    ("Prices fell in June.", "June", "XXXX-06", "none"),
    ("The match is at 3 p.m. Tuesday.", "3 p.m. Tuesday", "XXXX-WXX-2T15:00", "none"),
]


@pytest.mark.parametrize("sentence,span_text,value,anchor", UNANCHORED)
def test_unresolved_without_publication(sentence, span_text, value, anchor):
    ref = _only(sentence, None)
    assert (ref.text, ref.value, ref.anchor) == (span_text, value, anchor)
    assert ref.start is None and ref.end is None


def test_absolute_dates_resolve_without_publication():
    ref = _only("It happened on Oct. 1, 2024.", None)
    assert (ref.value, ref.start, ref.end, ref.anchor) == ("2024-10-01", D(2024, 10, 1), D(2024, 10, 2), "absolute")


DURATIONS_AND_SETS = [
    ("Israel's year-long war.", "year-long", "DURATION", "P1Y"),
    ("It lasted two months.", "two months", "DURATION", "P2M"),
    ("They talked for three days.", "three days", "DURATION", "P3D"),
    ("Within 48 hours it was over.", "48 hours", "DURATION", "PT48H"),
    ("Troops stayed for almost seven years.", "almost seven years", "DURATION", "P7Y"),
    ("It has been the case for years.", "years", "DURATION", "PXY"),
    ("In recent weeks, tension grew.", "recent weeks", "DURATION", "PXW"),
    ("They meet every Tuesday.", "every Tuesday", "SET", "XXXX-WXX-2"),
    ("The paper appears weekly.", "weekly", "SET", "P1W"),
    ("Reports come twice a day.", "twice a day", "SET", "P1D"),
    ("The highest level in two decades.", "two decades", "DURATION", "P20Y"),
    ("It is the first such call in two months.", "two months", "DURATION", "P2M"),
    ("He took office in 2023.", "2023", "DATE", "2023"),
    ("Prices are rising now.", "now", "DATE", "PRESENT_REF"),
]


@pytest.mark.parametrize("sentence,span_text,kind,value", DURATIONS_AND_SETS)
def test_durations_sets_and_refs(sentence, span_text, kind, value):
    ref = _only(sentence)
    assert (ref.text, ref.type, ref.value) == (span_text, kind, value)
    if kind in ("DURATION", "SET"):
        assert ref.start is None and ref.end is None


@pytest.mark.parametrize(
    "sentence",
    [
        "A 30-year-old man was arrested.",
        "We may know more soon-ish, he said.",
        "A second call followed.",
        "The company employs 180 people.",
        "Channel 12 reported it.",
        # days with names of their own
        "Some of the best Black Friday deals are already here.",
        "She swept the Super Tuesday primaries.",
        "The shops were busy on Cyber Monday.",
    ],
)
def test_no_time_expression(sentence):
    assert [r.text for r in find_times(sentence, PUB)] == []


def test_month_may_needs_temporal_context():
    assert [r.text for r in find_times("May God help us. It opened in May.", PUB)] == ["May"]
    assert find_times("It opened in May.", PUB)[0].value == "2024-05"


def test_longest_match_wins_and_order_is_textual():
    text = "On Tuesday, Oct. 8, 2024, two months after the strike, officials met at noon."
    refs = find_times(text, PUB)
    assert [r.text for r in refs] == ["Tuesday, Oct. 8, 2024", "two months", "noon"]
    assert refs[0].value == "2024-10-08"
    assert refs[2].value == "XXXX-XX-XXT12:00" and refs[2].start is None  # no day: never guessed


def test_year_range_is_two_years():
    refs = find_times("The pandemic of 2009-2010 and the expedition of 1957-58.", PUB)
    assert [(r.text, r.value) for r in refs] == [("2009", "2009"), ("2010", "2010"), ("1957", "1957"), ("58", "1958")]


def test_naive_publication_and_aware_give_same_intervals():
    naive = find_times("He spoke on Monday.", PUB.replace(tzinfo=None))[0]
    aware = find_times("He spoke on Monday.", PUB)[0]
    assert naive == aware
    assert aware.start is not None and aware.start.tzinfo is None


def test_seed_article_spans(seed_paths):
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        refs = find_times(text, PUB)
        assert refs, path.name
        for r in refs:
            assert text[r.span.start : r.span.end] == r.text
            assert r.type in ("DATE", "TIME", "DURATION", "SET")
            assert r.anchor in ("absolute", "publication", "none")
            if r.start is not None:
                assert r.end is not None and r.start < r.end
        assert all(a.span.end <= b.span.start for a, b in zip(refs, refs[1:]))


def test_seed_sentence_oct_1_and_wednesday(seed_paths):
    text = next(p for p in seed_paths if p.name.startswith("003")).read_text(encoding="utf-8")
    by_text = {}
    for r in find_times(text, PUB):
        by_text.setdefault(r.text, []).append(r.value)
    assert by_text["Oct. 1"] == ["2024-10-01"]
    assert by_text["last week"] == ["2024-W40"]
    assert "2024-10-09" in by_text["Wednesday"]  # "is expected to occur on Wednesday"


@pytest.mark.parametrize(
    "text, expected_text, value",
    [
        ("The hearing is on Thursday 12 March at the hall.", "Thursday 12 March", "2026-03-12"),
        ("It opens on Friday, March 13, 2026, officials said.", "Friday, March 13, 2026", "2026-03-13"),
        # the explicit date wins over what the weekday rule alone would say
        ("It was held on Friday 13 March.", "Friday 13 March", "2026-03-13"),
    ],
)
def test_weekday_followed_by_a_date_is_one_expression(text, expected_text, value):
    from datetime import datetime, timezone

    refs = find_times(text, datetime(2026, 3, 10, 16, tzinfo=timezone.utc))
    (ref,) = refs
    assert ref.text == expected_text and ref.value == value
    assert text[ref.span.start : ref.span.end] == ref.text


@pytest.mark.parametrize(
    "text, earliest",
    [
        ("The ferry ran aground on March 9, 2026. Crews worked through the night.", "2026-03-09"),
        # the later date is in a future clause: it says nothing about when the article appeared
        ("It sank on 2 May 2025. A hearing is scheduled for June 30, 2025.", "2025-05-02"),
        ("On Oct. 1, missiles were fired. The call is expected on Wednesday.", None),  # no year written
        ("Nothing dated happens here at all.", None),
    ],
)
def test_infer_published_earliest(text, earliest):
    from storylens.understand.time import infer_published_earliest

    when, how = infer_published_earliest(text)
    if earliest is None:
        assert (when, how) == (None, None)
    else:
        assert when.date().isoformat() == earliest
        assert earliest in how


# Publication on a Wednesday (2024-10-09): a weekday in a past-tense report is the one before.
WEDNESDAY = datetime(2024, 10, 9, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, expected_text, value",
    [
        # the future cue ("set to") belongs to another clause
        ("Gallant was set to meet Austin, but on Tuesday night Netanyahu nixed the trip.", "Tuesday night", "2024-10-08TNI"),
        # the future is inside the quotation, not in the report of when it was said
        ("“Gallant will be postponing his trip,” Singh told a briefing on Tuesday.", "Tuesday", "2024-10-08"),
        ("\"He will come,\" she said Thursday.", "Thursday", "2024-10-03"),
        # a future cue in the weekday's own clause, before or after it
        ("The minister will travel to Paris on Thursday.", "Thursday", "2024-10-10"),
        ("On Thursday, the minister will travel to Paris.", "Thursday", "2024-10-10"),
        ("The vote, which is expected Friday, was delayed.", "Friday", "2024-10-11"),
    ],
)
def test_weekday_direction_follows_its_own_clause(text, expected_text, value):
    (ref,) = find_times(text, WEDNESDAY)
    assert (ref.text, ref.value) == (expected_text, value)


def test_clock_time_on_a_weekday_takes_the_date_written_after_it():
    text = "It began at 4:20 p.m. on Friday, Sept. 14, when the e-mail was sent."
    (ref,) = find_times(text, datetime(2013, 5, 15, tzinfo=timezone.utc))
    assert ref.text == "4:20 p.m. on Friday, Sept. 14"
    assert ref.value == "2012-09-14T16:20" and ref.start == D(2012, 9, 14, 16, 20)
    (unresolved,) = find_times(text, None)
    assert unresolved.value == "XXXX-09-14T16:20" and unresolved.start is None


@pytest.mark.parametrize(
    "text, found",
    [
        ("The cable warned that the 17 February Brigade was compromised.", []),
        ("It was signed on 17 February and ratified in March.", ["17 February", "March"]),
        ("The July 4 Committee met.", []),
        ("On July 4 Congress adjourned.", ["July 4"]),  # a name follows, but no "the" before: a date
    ],
)
def test_day_and_month_inside_a_name_are_not_a_date(text, found):
    assert [r.text for r in find_times(text, WEDNESDAY)] == found


@pytest.mark.parametrize(
    "text, expected",
    [
        # a future cue in the month's clause: the coming one, not the nearest past one
        ("Both parties will hold their primaries in mid May.", "2013-05"),
        ("The special election is set for June 25.", "2013-06-25"),
        # no cue: the nearest, biased to the past
        ("Prices fell in June.", "2012-06"),
        ("The vote was held on June 25.", "2012-06-25"),
    ],
)
def test_month_direction_follows_its_own_clause(text, expected):
    (ref,) = find_times(text, datetime(2013, 1, 30, 12, tzinfo=timezone.utc))
    assert ref.value == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2024-10-08TNI", "2024-10-08 night"),
        ("2024-10-08TMO", "2024-10-08 morning"),
        ("2024-W40", "week of 2024-09-30"),
        ("2024-10-09T14:00", "2024-10-09 14:00"),
        ("2024-10", "2024-10"),
        ("2024-W99", "2024-W99"),  # no such week: left as it is
        ("PRESENT_REF", "PRESENT_REF"),
    ],
)
def test_readable_value(value: str, shown: str) -> None:
    from storylens.understand.time import readable_value

    assert readable_value(value) == shown
