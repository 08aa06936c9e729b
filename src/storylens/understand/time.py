"""Time expressions: find them with rules and resolve them against the publication time.

:func:`find_times` scans the article text with regular expressions (no model), keeps the longest
non-overlapping matches, and returns one :class:`~storylens.model.TimeRef` per expression with a
TimeML-style ``value`` and, when it can be fixed, the interval ``[start, end)`` it denotes.

Conventions (chosen for news and written down here so that downstream stages can rely on them):

* Spans follow TimeML: a leading preposition is not part of the expression ("on Tuesday" →
  "Tuesday", "in 2023" → "2023"), but modifiers that change the meaning are ("late Tuesday
  night", "earlier this year", "two months ago", "in two months", "the past week").
* ``start``/``end`` are naive wall-clock datetimes in the frame of the publication time (its tzinfo
  is dropped), end exclusive. Naive everywhere keeps TimeRefs from different articles comparable;
  compare them with ``published.replace(tzinfo=None)``.
* Nothing is guessed without an anchor. With ``published=None`` a relative expression keeps an
  ``X``-value ("Tuesday" → ``XXXX-WXX-2``, "Oct. 1" → ``XXXX-10-01``, "last week" → ``XXXX-WXX``),
  ``start``/``end`` None and ``anchor="none"``. A clock time without a day ("at 3 p.m.") stays
  unresolved even when the publication time is known.
* Weekdays: the most recent such day on or before the publication day; "next Tuesday" (and a
  weekday in a clause with a future cue such as "will", "is expected to", "scheduled") is the first
  one after it; "last Tuesday" the last one strictly before it.
* Month-day and month without a year ("Oct. 1", "in June"): the nearest occurrence, with a bias
  to the past: a future reading only when it begins within ~3 months after publication and is
  nearer than the past one. On the TempEval-3 texts this picked "April 7" and "June" (future) and
  "August", "October" (past) as the annotators did; a plain nearest-past rule got the first two
  wrong.
* "the past/last week", "the past two years" are DURATIONs with the interval ending at
  publication; "last week" (no article) is the previous ISO week, a DATE.
* Durations ("two months", "year-long", "48 hours") carry a value (``P2M``, ``P1Y``, ``PT48H``),
  no interval, and ``anchor="absolute"`` (the text fixes them). Vague ones use ``X`` (``PXW``).
* "now", "currently" → ``PRESENT_REF``; "recently", "the past" → ``PAST_REF``; "the future" →
  ``FUTURE_REF``; these get no interval.
* Ages ("a 30-year-old man") are not time expressions here.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from storylens.model import Span, TimeRef

__all__ = ["find_times", "infer_published_earliest", "readable_value"]

log = logging.getLogger(__name__)

# --- vocabulary --------------------------------------------------------------------------------

_MONTH_NUM = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Abbreviations need their dot ("Mar" alone is a name); "Sept" is common without one.
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Sept|Oct\.|Nov\.|Dec\.)"
)
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}
_NUM_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|a\s+couple\s+of|a|an)"
)
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_NUM_WORD})"
_VAGUE = r"(?:a\s+few|few|several|many|some|a\s+number\s+of|a\s+couple\s+of|couple\s+of)"

# unit word -> (TimeML letter, is a clock unit, multiplier in that letter, granularity)
_UNITS: dict[str, tuple[str, bool, int, str]] = {
    "second": ("S", True, 1, "second"),
    "minute": ("M", True, 1, "minute"),
    "hour": ("H", True, 1, "hour"),
    "day": ("D", False, 1, "day"),
    "week": ("W", False, 1, "week"),
    "month": ("M", False, 1, "month"),
    "year": ("Y", False, 1, "year"),
    "decade": ("Y", False, 10, "decade"),
    "century": ("Y", False, 100, "century"),
}
_UNIT = r"(?:second|minute|hour|day|week|month|year|decade|centur(?:y|ies))"

# Part-of-day codes and the wall-clock hours they are taken to cover (conventional, not measured:
# night runs into the next morning).
_POD = {"morning": ("MO", 6, 12), "afternoon": ("AF", 12, 18), "evening": ("EV", 18, 24), "night": ("NI", 18, 30)}

_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9), "winter": ("WI", 12)}

# Cues that the clause talks about the future, so a bare weekday is the coming one and "in two
# months" a point ahead rather than a stretch of time. Seen in news: "is expected to occur on
# Wednesday", "will meet on Thursday", "was scheduled to fly on Sunday", "postponed until 15:00
# GMT Saturday".
_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|going\s+to|(?:expected|scheduled|slated|due|set|poised|planned|planning|plans?)\s+(?:to|for)"
    r"|planned|upcoming|scheduled|expected|postponed|delayed|pushed\s+back|put\s+off)\b|'ll\b",
    re.IGNORECASE,
)
# Words just before "in <duration>" that make it a stretch of time, not a point in the future:
# "the highest in a decade", "rose 5% in two months".
_NOT_FUTURE_IN = re.compile(
    r"(?:\b(?:first|time|times|ever|most|least|worst|best|record|high|low|once|twice|only|done|completed|built|finished)"
    r"|\w+est|\d+%?|percent)(?:\W+\w+){0,2}\W*$",
    re.IGNORECASE,
)
# Anywhere earlier in the sentence: "will be the first conversation between them in two months".
_SINCE_CUE = re.compile(r"\b(?:first|ever|only|since)\b", re.IGNORECASE)
_SENT_BREAK = re.compile(r"[.!?\n]\s")


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    type: str
    value: str
    lo: datetime | None = None
    hi: datetime | None = None
    granularity: str | None = None
    anchor: str = "none"


@dataclass(frozen=True, slots=True)
class _Ctx:
    text: str
    ref: datetime | None  # publication time, naive

    @property
    def day(self) -> date | None:
        return self.ref.date() if self.ref else None


# --- calendar helpers --------------------------------------------------------------------------


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _day_iv(d: date) -> tuple[datetime, datetime]:
    return _dt(d), _dt(d) + timedelta(days=1)


def _month_iv(y: int, m: int) -> tuple[datetime, datetime]:
    ny, nm = _add_months(y, m, 1)
    return datetime(y, m, 1), datetime(ny, nm, 1)


def _year_iv(y: int) -> tuple[datetime, datetime]:
    return datetime(y, 1, 1), datetime(y + 1, 1, 1)


def _week_iv(d: date) -> tuple[datetime, datetime]:
    monday = d - timedelta(days=d.weekday())
    return _dt(monday), _dt(monday) + timedelta(days=7)


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _week_value(d: date) -> str:
    iy, iw, _ = d.isocalendar()
    return f"{iy}-W{iw:02d}"


_PART_OF_DAY = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
_VALUE_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})T(MO|AF|EV|NI|DT)$")
_VALUE_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_VALUE_CLOCK = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::00)?$")


def readable_value(value: str) -> str:
    """A TIMEX3 value as a reader writes it: "2024-10-08TNI" -> "2024-10-08 night",
    "2024-W40" -> "week of 2024-09-30", "2024-10-09T14:00" -> "2024-10-09 14:00"; other values
    as they are."""
    if m := _VALUE_PART.match(value):
        return f"{m.group(1)} {_PART_OF_DAY[m.group(2)]}"
    if m := _VALUE_CLOCK.match(value):
        return f"{m.group(1)} {m.group(2)}"
    if m := _VALUE_WEEK.match(value):
        try:
            return f"week of {date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).isoformat()}"
        except ValueError:
            return value
    return value


def _month_of(token: str) -> int:
    return _MONTH_NUM[token.rstrip(".").lower()[:3]]


def _valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def _narrow(lo: datetime, hi: datetime, mod: str | None) -> tuple[datetime, datetime]:
    """Cut an interval to its first/middle/last third for "early"/"mid"/"late" (and kin).

    A year is cut into four-month thirds and a month at days 11 and 21, so the bounds fall on
    calendar boundaries a reader would name; other intervals are cut at whole days.
    """
    if not mod:
        return lo, hi
    mod = re.sub(r"\s+", " ", mod.lower())
    if mod in ("early", "the beginning of", "the start of"):
        part = 0
    elif mod in ("mid", "the middle of"):
        part = 1
    elif mod in ("late", "the end of"):
        part = 2
    else:
        return lo, hi
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    if lo.day == 1 and hi.day == 1 and months == 12:
        cuts = [lo, lo.replace(month=5), lo.replace(month=9), hi]
    elif lo.day == 1 and hi.day == 1 and months == 1:
        cuts = [lo, lo.replace(day=11), lo.replace(day=21), hi]
    else:
        third = (hi - lo) / 3
        cuts = [lo, _round_day(lo + third), _round_day(lo + 2 * third), hi]
    return cuts[part], cuts[part + 1]


def _round_day(t: datetime) -> datetime:
    return datetime(t.year, t.month, t.day)


def _num(s: str) -> float | None:
    """The number in a numeral or number word; None for vague quantifiers ("several")."""
    s = re.sub(r"\s+", " ", s.strip().lower())
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", s):
        s = s.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    if s in ("a", "an"):
        return 1.0
    if s in ("a couple of", "couple of"):
        return 2.0
    if s in _SMALL:
        return float(_SMALL[s])
    tens, _, unit = s.partition("-")
    if tens in _TENS and (not unit or unit in _SMALL):
        return float(_TENS[tens] + (_SMALL[unit] if unit else 0))
    return None


def _fmt_n(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _duration_value(n: float | None, unit: str) -> tuple[str, str]:
    """TimeML duration value and granularity for ``n`` units (n None = vague: ``X``)."""
    unit = unit.lower()
    unit = "century" if unit.startswith("centur") else unit.rstrip("s")
    letter, clock, mult, gran = _UNITS[unit]
    amount = "X" if n is None else _fmt_n(n * mult)
    if unit == "decade" and n is None:
        amount, letter = "X", "DE"
    if unit == "century" and n is None:
        amount, letter = "X", "CE"
    return ("PT" if clock else "P") + amount + letter, gran


def _shift(ref: datetime, n: int, unit: str) -> datetime:
    """``ref`` moved by ``n`` units (negative = back); months/years clamp the day."""
    unit = "century" if unit.startswith("centur") else unit.rstrip("s")
    if unit in ("second", "minute", "hour", "day", "week"):
        return ref + timedelta(**{unit + "s": n})
    months = {"month": 1, "year": 12, "decade": 120, "century": 1200}[unit] * n
    y, m = _add_months(ref.year, ref.month, months)
    return ref.replace(year=y, month=m, day=min(ref.day, calendar.monthrange(y, m)[1]))


def _point(t: datetime, gran: str) -> tuple[str, datetime, datetime]:
    """The value and interval of the ``gran``-sized calendar unit that contains ``t``."""
    if gran in ("second", "minute", "hour"):
        lo = t.replace(minute=0, second=0, microsecond=0) if gran == "hour" else t.replace(second=0, microsecond=0)
        step = timedelta(hours=1) if gran == "hour" else timedelta(minutes=1)
        val = lo.strftime("%Y-%m-%dT%H") if gran == "hour" else lo.strftime("%Y-%m-%dT%H:%M")
        return val, lo, lo + step
    if gran == "day":
        lo, hi = _day_iv(t.date())
        return t.strftime("%Y-%m-%d"), lo, hi
    if gran == "week":
        lo, hi = _week_iv(t.date())
        return _week_value(t.date()), lo, hi
    if gran == "month":
        lo, hi = _month_iv(t.year, t.month)
        return f"{t.year:04d}-{t.month:02d}", lo, hi
    if gran == "year":
        lo, hi = _year_iv(t.year)
        return f"{t.year:04d}", lo, hi
    if gran == "decade":
        d0 = t.year // 10 * 10
        return f"{d0 // 10:03d}", datetime(d0, 1, 1), datetime(d0 + 10, 1, 1)
    c0 = t.year // 100 * 100
    return f"{c0 // 100:02d}", datetime(c0, 1, 1), datetime(c0 + 100, 1, 1)


_UNRESOLVED = {
    "minute": "XXXX-XX-XXTXX:XX", "hour": "XXXX-XX-XXTXX", "second": "XXXX-XX-XXTXX:XX",
    "day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX",
    "decade": "XXX", "century": "XX",
}


def _sentence_before(text: str, pos: int) -> str:
    window = text[max(0, pos - 200) : pos]
    breaks = list(_SENT_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


# Where one clause of a sentence ends and the next begins: a tense cue on the far side of one
# is about another verb. "Gallant was set to meet Austin, but on Tuesday night Netanyahu nixed
# the trip" (seen in the seeds): "set to" plans the meeting, it does not make Tuesday a future day.
# A closing quotation mark ends a clause too: "“... will be postponing his trip,” Singh told a
# briefing on Tuesday" (the seeds again) quotes a future; the briefing was the Tuesday before.
_CLAUSE_BREAK = re.compile(
    r"[;:]\s|\s[—–]\s|\s--\s|,\s+(?:but|and|while|whereas|although|though|after|before|when|who|which|as|so)\b"
    r"|[”»]|(?<=\w[,.!?])\"(?=\s)"
    r"|\b(?:but|while|whereas|although|though)\s",
    re.IGNORECASE,
)


def _clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the clause around ``text[start:end]``: (before it, after it)."""
    before = _sentence_before(text, start)
    cuts = list(_CLAUSE_BREAK.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    stop = _SENT_BREAK.search(text, end)
    after = text[end : stop.start() + 1 if stop else min(len(text), end + 200)]
    cut = _CLAUSE_BREAK.search(after)
    return before, after[: cut.start()] if cut else after


# --- handlers: one per pattern; each returns a _Hit or None ------------------------------------


def _h_iso(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not _valid_day(y, mo, d):
        return None
    if m["hh"]:
        hh, mi = int(m["hh"]), int(m["mi"])
        if hh > 23 or mi > 59:
            return None
        lo = datetime(y, mo, d, hh, mi)
        return _Hit(m.start(), m.end(), "TIME", lo.strftime("%Y-%m-%dT%H:%M"), lo, lo + timedelta(minutes=1), "minute", "absolute")
    lo, hi = _day_iv(date(y, mo, d))
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}-{d:02d}", lo, hi, "day", "absolute")


def _h_full_date(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    y, mo, d = int(m["y"]), _month_of(m["mon"]), int(m["d"])
    if not _valid_day(y, mo, d):
        return None
    lo, hi = _day_iv(date(y, mo, d))
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}-{d:02d}", lo, hi, "day", "absolute")


def _h_month_year(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    y, mo = int(m["y"]), _month_of(m["mon"])
    lo, hi = _narrow(*_month_iv(y, mo), m["mod"])
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}", lo, hi, "month", "absolute")


def _nearest_year(ref: date, mo: int, d: int) -> int:
    """Year of the occurrence of month-day (mo, d) nearest to ``ref``, biased to the past."""
    def at(y: int) -> date:
        return date(y, mo, min(d, calendar.monthrange(y, mo)[1]))

    this = at(ref.year)
    if this <= ref:
        past, future = this, at(ref.year + 1)
    else:
        past, future = at(ref.year - 1), this
    ahead, behind = (future - ref).days, (ref - past).days
    return future.year if ahead <= 92 and ahead < behind else past.year


# "the 17 February Brigade", "the July 4 Committee": a day and month inside a proper name.
_NAME_AFTER = re.compile(r"\s+(?!(?:" + "|".join(_WEEKDAYS) + r")\b)[A-Z][a-z]")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)


def _h_month_day(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if _NAME_AFTER.match(ctx.text, m.end()) and _THE_BEFORE.search(ctx.text[max(0, m.start() - 5) : m.start()]):
        return None
    mo, d = _month_of(m["mon"]), int(m["d"])
    if not _valid_day(2000, mo, d):  # 2000 is a leap year: Feb. 29 stays possible
        return None
    if ctx.day is None:
        return _Hit(m.start(), m.end(), "DATE", f"XXXX-{mo:02d}-{d:02d}", None, None, "day", "none")
    y = _nearest_year(ctx.day, mo, d)
    if (y, mo, d) < (ctx.day.year, ctx.day.month, ctx.day.day) and _future_clause(ctx, m.start(), m.end()):
        y += 1  # "an election set for June 25" in January: this year's, not last year's
    if not _valid_day(y, mo, d):
        return None
    lo, hi = _day_iv(date(y, mo, d))
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}-{d:02d}", lo, hi, "day", "publication")


_MONTH_NEEDS_CONTEXT = re.compile(
    r"\b(?:in|since|by|until|till|through|from|of|during|before|after|early|late|mid|last|next|this|and|or|to|between)\W*$",
    re.IGNORECASE,
)


def _h_month(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    token, rel, mod = m["mon"], (m["rel"] or "").lower(), m["mod"]
    if re.search(r"\d\s+$", ctx.text[max(0, m.start() - 3) : m.start()]) or re.match(r"\s*\d{1,2}(?!\d)", ctx.text[m.end() :]):
        return None  # a day next to the month: either a date, or a name the date rule refused
    # "May" and "March" are also a modal and a verb/noun: take them only after a temporal word.
    if token in ("May", "March") and not rel and not mod:
        if not _MONTH_NEEDS_CONTEXT.search(ctx.text[max(0, m.start() - 20) : m.start()]):
            return None
    mo = _month_of(token)
    if ctx.day is None:
        return _Hit(m.start(), m.end(), "DATE", f"XXXX-{mo:02d}", None, None, "month", "none")
    ref = ctx.day
    if rel == "last":
        y = ref.year if mo < ref.month else ref.year - 1
    elif rel == "next":
        y = ref.year if mo > ref.month else ref.year + 1
    elif rel == "this":
        y = ref.year
    elif _future_clause(ctx, m.start(), m.end()):
        # "will hold primaries in May", "until a special election in June": the coming one
        y = ref.year + (mo < ref.month)
    else:
        ahead = (mo - ref.month) % 12
        y = ref.year if ahead == 0 else (ref.year + (mo < ref.month) if 0 < ahead <= 3 else ref.year - (mo > ref.month))
    lo, hi = _narrow(*_month_iv(y, mo), mod)
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}", lo, hi, "month", "publication")


_YEAR_PREP = re.compile(r"\b(?:in|since|of|from|by|until|till|before|after|during|year|between|and|to)\W*$", re.IGNORECASE)


def _h_year(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    y = int(m["y"])
    if y < 1900 and not _YEAR_PREP.search(ctx.text[max(0, m.start() - 12) : m.start()]):
        return None
    lo, hi = _narrow(*_year_iv(y), m["mod"])
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}", lo, hi, "year", "absolute")


def _h_year_tail(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    """The second year of a range written short: "1957-58", "2009-10"."""
    first = int(ctx.text[m.start() - 5 : m.start() - 1])
    y = first // 100 * 100 + int(m["yy"])
    if y <= first:
        y += 100
    if y - first > 10:
        return None
    lo, hi = _year_iv(y)
    return _Hit(m.start(), m.end(), "DATE", f"{y:04d}", lo, hi, "year", "absolute")


def _h_part_of_current(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    """"the end of the year", "the beginning of the month": part of the publication's unit."""
    gran = m["unit"].lower()
    if ctx.ref is None:
        return _Hit(m.start(), m.end(), "DATE", _UNRESOLVED[gran], None, None, gran, "none")
    value, lo, hi = _point(ctx.ref, gran)
    lo, hi = _narrow(lo, hi, m["mod"].lower().replace("the start of", "the beginning of"))
    return _Hit(m.start(), m.end(), "DATE", value, lo, hi, gran, "publication")


def _h_decade(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if m["full"]:
        d0 = int(m["full"])
        anchor = "absolute"
    else:
        if ctx.ref is None:
            return _Hit(m.start(), m.end(), "DATE", f"XX{m['short']}", None, None, "decade", "none")
        d0 = ctx.ref.year // 100 * 100 + int(m["short"]) * 10
        if d0 > ctx.ref.year:
            d0 -= 100
        anchor = "publication"
    lo, hi = _narrow(datetime(d0, 1, 1), datetime(d0 + 10, 1, 1), m["mod"])
    return _Hit(m.start(), m.end(), "DATE", f"{d0 // 10:03d}", lo, hi, "decade", anchor)


def _h_century(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    n = int(m["n"]) if m["n"] else _ORDINALS.get(m["w"].lower())
    if not n or n > 21:
        return None
    c0 = (n - 1) * 100
    return _Hit(m.start(), m.end(), "DATE", f"{n - 1:02d}", datetime(max(c0, 1), 1, 1), datetime(c0 + 100, 1, 1), "century", "absolute")


def _future_clause(ctx: _Ctx, start: int, end: int) -> bool:
    """The clause around ``ctx.text[start:end]`` speaks of the future ("will", "is set to")."""
    before, after = _clause_around(ctx.text, start, end)
    return bool(_FUTURE_CUE.search(before) or _FUTURE_CUE.search(after))


def _resolve_weekday(ctx: _Ctx, wd: int, rel: str, start: int, end: int) -> date | None:
    """The day a weekday names: a report tells what happened, so the most recent such day unless
    its own clause speaks of the future ("will meet on Thursday", "on Thursday, he will")."""
    ref = ctx.day
    if ref is None:
        return None
    back = (ref.weekday() - wd) % 7
    fwd = (wd - ref.weekday()) % 7
    if rel in ("next", "this coming", "coming"):
        return ref + timedelta(days=fwd or 7)
    if rel in ("last", "this past", "past"):
        return ref - timedelta(days=back or 7)
    if fwd and _future_clause(ctx, start, end):
        return ref + timedelta(days=fwd)
    return ref - timedelta(days=back)


# Days with a name of their own: "Black Friday deals", "Super Tuesday", "Good Friday" are not the
# Friday or Tuesday nearest the publication.
_NAMED_DAY = re.compile(
    r"(?:\b(?:Black|Cyber|Super|Good|Holy|Ash|Maundy|Palm|Easter|Shrove|Fat|Giving|Bloody|Small\s+Business|"
    r"Whit|Mad|Manic|Travel|Sweetest|Green)\s+)$"
)


def _h_weekday(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if not m["rel"] and _NAMED_DAY.search(ctx.text[max(0, m.start() - 20) : m.start()]):
        return None
    wd = _WEEKDAYS.index(m["wd"])
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    pod = (m["pod"] or "").lower()
    day = _resolve_weekday(ctx, wd, rel, m.start(), m.end())
    kind = "TIME" if pod else "DATE"
    if day is None:
        value = f"XXXX-WXX-{wd + 1}" + (f"T{_POD[pod][0]}" if pod else "")
        return _Hit(m.start(), m.end(), kind, value, None, None, "part-of-day" if pod else "day", "none")
    return _day_hit(m.start(), m.end(), day, pod, "publication")


def _day_hit(start: int, end: int, day: date, pod: str, anchor: str) -> _Hit:
    if pod:
        code, h0, h1 = _POD[pod]
        lo = _dt(day) + timedelta(hours=h0)
        return _Hit(start, end, "TIME", f"{day.isoformat()}T{code}", lo, _dt(day) + timedelta(hours=h1), "part-of-day", anchor)
    lo, hi = _day_iv(day)
    return _Hit(start, end, "DATE", day.isoformat(), lo, hi, "day", anchor)


def _h_weekday_date(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    mo, d = _month_of(m["mon"]), int(m["d"])
    if m["y"]:
        y = int(m["y"])
        anchor = "absolute"
    elif ctx.day is not None:
        y = _nearest_year(ctx.day, mo, d)
        anchor = "publication"
    else:
        return _Hit(m.start(), m.end(), "DATE", f"XXXX-{mo:02d}-{d:02d}", None, None, "day", "none")
    if not _valid_day(y, mo, d):
        return None
    return _day_hit(m.start(), m.end(), date(y, mo, d), "", anchor)


# word -> (day offset from publication, part of day)
_DEICTIC_DAYS = {
    "today": (0, ""), "tonight": (0, "night"), "yesterday": (-1, ""), "tomorrow": (1, ""),
    "last night": (-1, "night"), "this morning": (0, "morning"), "this afternoon": (0, "afternoon"),
    "this evening": (0, "evening"), "earlier today": (0, ""), "later today": (0, ""),
    "yesterday morning": (-1, "morning"), "yesterday afternoon": (-1, "afternoon"),
    "yesterday evening": (-1, "evening"), "tomorrow morning": (1, "morning"),
    "tomorrow afternoon": (1, "afternoon"), "tomorrow evening": (1, "evening"),
    "tomorrow night": (1, "night"), "the day before yesterday": (-2, ""), "the day after tomorrow": (2, ""),
}
_REFS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF", "at present": "PRESENT_REF",
    "presently": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "recently": "PAST_REF", "the past": "PAST_REF", "formerly": "PAST_REF", "previously": "PAST_REF",
    "the future": "FUTURE_REF", "soon": "FUTURE_REF",
}


def _h_deictic(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    key = re.sub(r"\s+", " ", m["w"].lower())
    key = re.sub(r"^(?:late|early)\s+", "", key)
    if key in _REFS:
        return _Hit(m.start(), m.end(), "DATE", _REFS[key], None, None, None, "none")
    offset, pod = _DEICTIC_DAYS[key]
    if ctx.day is None:
        value = "XXXX-XX-XX" + (f"T{_POD[pod][0]}" if pod else "")
        return _Hit(m.start(), m.end(), "TIME" if pod else "DATE", value, None, None, "part-of-day" if pod else "day", "none")
    hit = _day_hit(m.start(), m.end(), ctx.day + timedelta(days=offset), pod, "publication")
    if key == "earlier today" and ctx.ref is not None:
        return _Hit(hit.start, hit.end, hit.type, hit.value, hit.lo, ctx.ref, hit.granularity, hit.anchor)
    if key == "later today" and ctx.ref is not None:
        return _Hit(hit.start, hit.end, hit.type, hit.value, ctx.ref, hit.hi, hit.granularity, hit.anchor)
    return hit


def _h_relative_unit(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    """this/last/next week|month|year|weekend|season, with early/late/earlier/later."""
    rel = m["rel"].lower()
    unit = m["unit"].lower()
    mod = (m["mod"] or "").lower() or None
    step = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[rel]
    ref = ctx.ref
    if unit in _SEASONS:
        code, first_month = _SEASONS[unit]
        if ref is None:
            return _Hit(m.start(), m.end(), "DATE", f"XXXX-{code}", None, None, "season", "none")

        def season(y: int) -> tuple[datetime, datetime]:
            ny, nm = _add_months(y, first_month, 3)
            return datetime(y, first_month, 1), datetime(ny, nm, 1)

        # "last summer" is the latest one already over, "next summer" the first not yet begun,
        # "this summer" the one of the publication year (winter: the one begun in December).
        if step < 0:
            y = next(y for y in range(ref.year, ref.year - 3, -1) if season(y)[1] <= ref)
        elif step > 0:
            y = next(y for y in range(ref.year - 1, ref.year + 2) if season(y)[0] > ref)
        else:
            y = ref.year - (1 if code == "WI" and ref.month < 3 else 0)
        lo, hi = _narrow(*season(y), mod)
        return _Hit(m.start(), m.end(), "DATE", f"{y:04d}-{code}", lo, hi, "season", "publication")
    if unit == "weekend":
        if ctx.day is None:
            return _Hit(m.start(), m.end(), "DATE", "XXXX-WXX-WE", None, None, "weekend", "none")
        d = ctx.day + timedelta(weeks=step)
        sat = d - timedelta(days=d.weekday()) + timedelta(days=5)
        return _Hit(m.start(), m.end(), "DATE", _week_value(d) + "-WE", _dt(sat), _dt(sat) + timedelta(days=2), "weekend", "publication")
    gran = "century" if unit.startswith("centur") else unit
    if ref is None:
        return _Hit(m.start(), m.end(), "DATE", _UNRESOLVED[gran], None, None, gran, "none")
    value, lo, hi = _point(_shift(ref, step, gran), gran)
    if mod in ("earlier", "earlier in") and step == 0:
        hi = ref
    elif mod in ("later", "later in") and step == 0:
        lo = ref
    else:
        lo, hi = _narrow(lo, hi, mod)
    return _Hit(m.start(), m.end(), "DATE", value, lo, hi, gran, "publication")


def _h_span_duration(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    """"the past week", "the last two years", "the next few months", "recent weeks"."""
    rel = m["rel"].lower()
    n = _num(m["n"]) if m["n"] else (None if m["vague"] or m["unit"].lower().endswith("s") else 1.0)
    unit = m["unit"].lower()
    value, gran = _duration_value(n, unit)
    if ctx.ref is None or n is None or rel == "recent" or n != int(n):
        return _Hit(m.start(), m.end(), "DURATION", value, None, None, gran, "absolute" if ctx.ref is None or n is None else "publication")
    back = rel in ("past", "last", "previous")
    other = _shift(ctx.ref, -int(n) if back else int(n), unit)
    lo, hi = (other, ctx.ref) if back else (ctx.ref, other)
    return _Hit(m.start(), m.end(), "DURATION", value, lo, hi, gran, "publication")


def _h_ago(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    unit = m["unit"].lower()
    n = _num(m["n"]) if m["n"] else None
    gran = "century" if unit.startswith("centur") else unit.rstrip("s")
    if n is None or n != int(n):
        return _Hit(m.start(), m.end(), "DATE", "PAST_REF", None, None, None, "none")
    if ctx.ref is None:
        return _Hit(m.start(), m.end(), "DATE", _UNRESOLVED[gran], None, None, gran, "none")
    value, lo, hi = _point(_shift(ctx.ref, -int(n), gran), gran)
    kind = "TIME" if gran in ("hour", "minute", "second") else "DATE"
    return _Hit(m.start(), m.end(), kind, value, lo, hi, gran, "publication")


def _h_in_future(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    unit = m["unit"].lower()
    n = _num(m["n"])
    if n is None or n != int(n):
        return None
    before = _sentence_before(ctx.text, m.start())
    if _NOT_FUTURE_IN.search(before[-40:]) or _SINCE_CUE.search(before) or not _FUTURE_CUE.search(before):
        return None
    gran = "century" if unit.startswith("centur") else unit.rstrip("s")
    if ctx.ref is None:
        return _Hit(m.start(), m.end(), "DATE", _UNRESOLVED[gran], None, None, gran, "none")
    value, lo, hi = _point(_shift(ctx.ref, int(n), gran), gran)
    kind = "TIME" if gran in ("hour", "minute", "second") else "DATE"
    return _Hit(m.start(), m.end(), kind, value, lo, hi, gran, "publication")


def _h_duration(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    n = _num(m["n"]) if m["n"] else None
    if m["n"] and n is None:
        return None
    if m["n"].lower() in ("a", "an") and m["unit"].lower() == "second":
        return None  # "a second call": the ordinal, not one second
    value, gran = _duration_value(n, m["unit"])
    return _Hit(m.start(), m.end(), "DURATION", value, None, None, gran, "absolute")


def _h_long(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    n = _num(m["n"]) if m["n"] else 1.0
    if n is None:
        return None
    value, gran = _duration_value(n, m["unit"])
    return _Hit(m.start(), m.end(), "DURATION", value, None, None, gran, "absolute")


def _h_vague_duration(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    value, gran = _duration_value(None, m["unit"])
    return _Hit(m.start(), m.end(), "DURATION", value, None, None, gran, "absolute")


_ADVERB_SETS = {
    "daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y",
    "hourly": "PT1H", "nightly": "XXXX-XX-XXTNI", "quarterly": "P3M",
}


def _h_set(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if m["adv"]:
        return _Hit(m.start(), m.end(), "SET", _ADVERB_SETS[m["adv"].lower()], None, None, None, "absolute")
    if m["wd"]:
        wd = _WEEKDAYS.index(m["wd"].rstrip("s").capitalize())
        pod = (m["pod"] or "").lower()
        return _Hit(m.start(), m.end(), "SET", f"XXXX-WXX-{wd + 1}" + (f"T{_POD[pod][0]}" if pod else ""), None, None, None, "absolute")
    if m["podset"]:
        return _Hit(m.start(), m.end(), "SET", f"XXXX-XX-XXT{_POD[m['podset'].lower()][0]}", None, None, None, "absolute")
    n = _num(m["n"]) if m["n"] else (2.0 if m["other"] else 1.0)
    if n is None:
        return None
    value, gran = _duration_value(n, m["unit"])
    return _Hit(m.start(), m.end(), "SET", value, None, None, gran, "absolute")


def _h_times_per(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    value, gran = _duration_value(1.0, m["unit"])
    return _Hit(m.start(), m.end(), "SET", value, None, None, gran, "absolute")


def _h_clock(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if m["word"]:
        hh, mi = (12, 0) if m["word"].lower() == "noon" else (0, 0)
    else:
        hh, mi = int(m["h"]), int(m["mi"] or 0)
        ap = (m["ap"] or "").lower().replace(".", "").replace(" ", "")
        if ap:
            if not 1 <= hh <= 12:
                return None
            hh = hh % 12 + (12 if ap == "pm" else 0)
        elif hh > 23 or mi > 59 or not m["mi"]:
            return None
    day: date | None = None
    anchor = "none"
    dword = (m["day"] or "").lower()
    if dword and ctx.day is not None:
        if dword in ("today", "tonight"):
            day = ctx.day
        elif dword == "yesterday":
            day = ctx.day - timedelta(days=1)
        elif dword == "tomorrow":
            day = ctx.day + timedelta(days=1)
        else:
            day = _resolve_weekday(ctx, _WEEKDAYS.index(m["day"]), "", m.start(), m.end())
        anchor = "publication"
    if day is None:
        prefix = f"XXXX-WXX-{_WEEKDAYS.index(m['day']) + 1}" if m["day"] in _WEEKDAYS else "XXXX-XX-XX"
        return _Hit(m.start(), m.end(), "TIME", f"{prefix}T{hh:02d}:{mi:02d}", None, None, "minute", "none")
    lo = _dt(day) + timedelta(hours=hh, minutes=mi)
    return _Hit(m.start(), m.end(), "TIME", lo.strftime("%Y-%m-%dT%H:%M"), lo, lo + timedelta(minutes=1), "minute", anchor)


def _h_set_any(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if m["wd2"]:
        wd = _WEEKDAYS.index(m["wd2"][:-1])
        return _Hit(m.start(), m.end(), "SET", f"XXXX-WXX-{wd + 1}", None, None, None, "absolute")
    return _h_set(m, ctx)


class _ClockMatch:
    """Adapts the 24-hour branch of the clock pattern to the groups :func:`_h_clock` reads."""

    __slots__ = ("_m",)

    def __init__(self, m: re.Match[str]) -> None:
        self._m = m

    def __getitem__(self, key: str) -> str | None:
        if key == "h":
            return self._m["h"] or self._m["h24"]
        if key == "mi":
            return self._m["mi"] or self._m["mi24"]
        return self._m[key]

    def start(self) -> int:
        return self._m.start()

    def end(self) -> int:
        return self._m.end()


def _h_clock_any(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    return _h_clock(_ClockMatch(m), ctx)  # type: ignore[arg-type]


# --- patterns ----------------------------------------------------------------------------------

_B = r"(?<![\w-])"  # a hyphen before refuses "mid-October" here; _MOD matches it with its modifier
_MOD = r"(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of))[\s-]+)?"
_YEAR = r"(?P<y>1\d\d\d|20\d\d)"
_ORD = r"(?:st|nd|rd|th)?"
_DAYN = rf"(?P<d>[0-3]?\d){_ORD}"

_HANDLERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], _Ctx], _Hit | None]], ...] = (
    (re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:T(?P<hh>\d{2}):(?P<mi>\d{2})(?::\d{2})?)?(?![\w-])"), _h_iso),
    (re.compile(rf"{_B}(?P<mon>{_MONTH_ANY})\s*{_DAYN},?\s+{_YEAR}(?![\w])"), _h_full_date),
    (re.compile(rf"{_B}{_DAYN}\s+(?:of\s+)?(?P<mon>{_MONTH_ANY}),?\s+{_YEAR}(?![\w])"), _h_full_date),
    (re.compile(rf"{_B}{_MOD}(?P<mon>{_MONTH_ANY}),?\s+(?:of\s+)?{_YEAR}(?![\w])"), _h_month_year),
    (re.compile(rf"{_B}(?P<mon>{_MONTH_ANY})\s*{_DAYN}(?![\w:.,]\d|\d)"), _h_month_day),
    (re.compile(rf"{_B}{_DAYN}\s+(?:of\s+)?(?P<mon>{_MONTH_FULL}|{_MONTH_ANY})(?![\w])"), _h_month_day),
    (re.compile(rf"{_B}{_MOD}(?:(?P<rel>(?i:last|next|this))\s+)?(?P<mon>{_MONTH_FULL})(?![\w])"), _h_month),
    (re.compile(rf"(?<![\w$£€.,])(?<!\D-){_MOD}{_YEAR}(?!\w|[%.,:]\d|-(?:year|month|day)|\s*(?:%|percent|per\s+cent))"), _h_year),
    (re.compile(rf"(?<![\w]){_MOD}(?:(?P<full>(?:1\d|20)\d0)s|'(?P<short>\d)0s)(?![\w])"), _h_decade),
    (re.compile(r"(?<![\w])(?:(?P<n>\d{1,2})(?:st|nd|rd|th)|(?P<w>(?i:[a-z]+(?:-[a-z]+)?)))[\s-]+(?i:century)(?![\w])"), _h_century),
    (re.compile(
        rf"{_B}(?:(?i:late|early)\s+)?(?:(?P<rel>(?i:next|last|this\s+past|this\s+coming|this|coming|past))\s+)?"
        rf"(?P<wd>{_WEEKDAY})(?:\s+(?P<pod>(?i:morning|afternoon|evening|night)))?(?![\w])"), _h_weekday),
    (re.compile(rf"{_B}(?P<wd>{_WEEKDAY}),?\s+(?P<mon>{_MONTH_ANY})\s*{_DAYN}(?:,?\s+{_YEAR})?(?![\w])"), _h_weekday_date),
    (re.compile(
        r"(?<![\w-])(?P<w>(?i:(?:late\s+|early\s+)?(?:last\s+night|tonight|yesterday(?:\s+(?:morning|afternoon|evening))?"
        r"|tomorrow(?:\s+(?:morning|afternoon|evening|night))?|this\s+(?:morning|afternoon|evening))"
        r"|today|earlier\s+today|later\s+today|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow"
        r"|right\s+now|now|currently|at\s+present|presently|nowadays|these\s+days|recently|the\s+past|the\s+future))(?![\w-])"),
     _h_deictic),
    (re.compile(
        r"(?<![\w-])(?:(?P<mod>(?i:earlier|later|early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of))(?:\s+in)?[\s-]+)?"
        r"(?P<rel>(?i:this|last|next|past|previous|coming|current))\s+"
        r"(?P<unit>(?i:week|weekend|month|year|decade|century|spring|summer|fall|autumn|winter))(?![\w-])"), _h_relative_unit),
    (re.compile(
        rf"(?<![\w-])(?i:the\s+)(?P<rel>(?i:past|last|next|coming|previous|following))\s+"
        rf"(?:(?P<vague>(?i:{_VAGUE}))\s+|(?P<n>(?i:{_NUM}))\s+)?(?P<unit>(?i:{_UNIT}s?))(?![\w-])"), _h_span_duration),
    (re.compile(rf"(?<![\w-])(?P<rel>(?i:recent))\s+(?P<vague>)(?P<n>)(?P<unit>(?i:(?:{_UNIT})s))(?![\w-])"), _h_span_duration),
    (re.compile(
        rf"(?<![\w-])(?:(?P<n>(?i:{_NUM}))|(?i:{_VAGUE})|(?i:(?=\w+s\s)))\s*(?P<unit>(?i:{_UNIT}s?))\s+(?i:ago)(?![\w-])"), _h_ago),
    (re.compile(rf"(?<![\w-])(?i:in)\s+(?P<n>(?i:{_NUM}))\s+(?P<unit>(?i:{_UNIT}s?))(?!\w|\s+(?i:of|time|prison|jail|a\s+row)\b)"), _h_in_future),
    (re.compile(
        rf"(?<![\w$.,-])(?:(?i:almost|nearly|about|around|roughly|approximately|more\s+than|less\s+than|at\s+least|a\s+mere)\s+)?"
        rf"(?P<n>(?i:{_NUM}))[\s-]+(?P<unit>(?i:{_UNIT}s?))(?![\w]|-old|\s+old\b|-long)"), _h_duration),
    (re.compile(rf"(?<![\w$.,-])(?P<n>(?i:{_NUM}))(?=\s*(?:and|to|or|-|–)\s*(?i:{_NUM})\s+(?P<unit>(?i:{_UNIT}s?))(?![\w-]))"), _h_duration),
    (re.compile(r"(?<=\b(?:1\d|20)\d\d[-–])(?P<yy>\d\d)(?![\w-])"), _h_year_tail),
    (re.compile(
        r"(?<![\w-])(?P<mod>(?i:the\s+(?:end|start|beginning|middle)\s+of))\s+(?:(?i:the|this)\s+)?(?P<unit>(?i:year|month|week))(?![\w-])"),
     _h_part_of_current),
    (re.compile(rf"(?<![\w$.,-])(?:(?P<n>(?i:{_NUM}))[\s-]+)?(?P<unit>(?i:{_UNIT}))-long(?![\w])"), _h_long),
    (re.compile(rf"(?<![\w-])(?i:{_VAGUE})\s+(?P<unit>(?i:(?:second|minute|hour|day|week|month|year|decade)s|centuries))(?![\w-])"), _h_vague_duration),
    (re.compile(r"(?<![\w-])(?P<unit>(?i:(?:minute|hour|day|week|month|year|decade)s))(?![\w-])"), _h_vague_duration),
    (re.compile(
        rf"(?<![\w-])(?:(?P<adv>(?i:daily|weekly|monthly|yearly|annually|hourly|nightly|quarterly))"
        rf"|(?i:every|each)\s+(?:(?P<wd>{_WEEKDAY})(?:\s+(?P<pod>(?i:morning|afternoon|evening|night)))?"
        rf"|(?P<podset>(?i:morning|afternoon|evening|night))|(?P<other>(?i:other)\s+)?(?:(?P<n>(?i:{_NUM}))\s+)?(?P<unit>(?i:{_UNIT}s?)))"
        rf"|(?<=on\s)(?P<wd2>{_WEEKDAY}s))(?![\w-])"), _h_set_any),
    (re.compile(rf"(?<![\w-])(?i:once|twice|(?:{_NUM})\s+times)\s+(?i:a|an|per|every)\s+(?P<unit>(?i:{_UNIT}))(?![\w-])"), _h_times_per),
    (re.compile(
        r"(?<![\w:.,])(?:(?P<h>[012]?\d)(?::(?P<mi>[0-5]\d))?\s*(?P<ap>(?i:a\.\s?m\.|p\.\s?m\.|am|pm)(?![a-z]))"
        r"|(?P<h24>[012]?\d):(?P<mi24>[0-5]\d)(?![:\d])|(?P<word>(?i:noon|midnight)))"
        rf"(?:\s+(?i:GMT|UTC|[ECMP][SD]?T|local\s+time))?(?:,?\s+(?:(?i:on)\s+)?(?P<day>{_WEEKDAY}|(?i:today|yesterday|tomorrow|tonight)))?"),
     _h_clock_any),
)


def _trim(hit: _Hit, text: str) -> _Hit:
    """Drop trailing whitespace/commas a pattern may have swallowed."""
    end = hit.end
    while end > hit.start and text[end - 1] in " \t\n,":
        end -= 1
    if end == hit.end:
        return hit
    return _Hit(hit.start, end, hit.type, hit.value, hit.lo, hit.hi, hit.granularity, hit.anchor)


def find_times(text: str, published: datetime | None) -> tuple[TimeRef, ...]:
    """Time expressions in ``text``, resolved against ``published`` when it is given.

    Overlapping matches are settled longest-first (then earliest, then pattern order), so
    "Oct. 1, 2024" wins over "Oct. 1" and "2024". See the module docstring for the conventions.
    """
    ctx = _Ctx(text, published.replace(tzinfo=None) if published is not None else None)
    cands: list[tuple[int, int, int, _Hit]] = []
    for order, (pat, handler) in enumerate(_HANDLERS):
        for m in pat.finditer(text):
            if m.end() == m.start():
                continue
            hit = handler(m, ctx)
            if hit is not None:
                hit = _trim(hit, text)
                cands.append((-(hit.end - hit.start), hit.start, order, hit))
    cands.sort(key=lambda c: c[:3])
    taken: list[_Hit] = []
    for _, _, _, hit in cands:
        if all(hit.end <= t.start or t.end <= hit.start for t in taken):
            taken.append(hit)
    taken.sort(key=lambda h: h.start)
    out = tuple(
        TimeRef(
            span=Span(h.start, h.end),
            text=text[h.start : h.end],
            type=h.type,
            value=h.value,
            start=h.lo,
            end=h.hi,
            granularity=h.granularity,
            anchor=h.anchor,
        )
        for h in taken
    )
    out = _merge_weekday_dates(text, out)
    log.debug("found %d time expressions", len(out))
    return out


_WEEKDAY_WORD = re.compile(r"(?i)^(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?$")


def _merge_weekday_dates(text: str, refs: tuple[TimeRef, ...]) -> tuple[TimeRef, ...]:
    """"Thursday 12 March", "Friday, Oct. 4": one expression, dated by its explicit date.

    The weekday alone would be resolved by the weekday rule and could disagree with the date
    written next to it; the explicit date is what the writer fixed.
    """
    out: list[TimeRef] = []
    for ref in refs:
        prev = out[-1] if out else None
        dated = ref.type == "DATE" and ref.granularity == "day" and prev is not None
        if dated and re.fullmatch(r",?\s", text[prev.span.end : ref.span.start]) and _CLOCK_ON_WEEKDAY.search(prev.text):  # type: ignore[union-attr]
            # "4:20 p.m. on Friday, Sept. 14": the clock time on the day the date fixes
            out[-1] = _clock_on(prev, ref, text)  # type: ignore[arg-type]
        elif (
            prev is not None
            and _WEEKDAY_WORD.match(prev.text)
            and ref.type == "DATE"
            and ref.granularity == "day"
            and re.fullmatch(r",?\s", text[prev.span.end : ref.span.start])
        ):
            out[-1] = TimeRef(
                span=Span(prev.span.start, ref.span.end),
                text=text[prev.span.start : ref.span.end],
                type="DATE",
                value=ref.value,
                start=ref.start,
                end=ref.end,
                granularity=ref.granularity,
                anchor=ref.anchor,
            )
        else:
            out.append(ref)
    return tuple(out)


_CLOCK_ON_WEEKDAY = re.compile(r"\d.*\b(?:" + "|".join(_WEEKDAYS) + r")$")


def _clock_on(clock: TimeRef, day: TimeRef, text: str) -> TimeRef:
    """One expression from a clock time on a weekday and the date that follows it."""
    hhmm = (clock.value or "").rpartition("T")[2]
    if not re.fullmatch(r"\d\d:\d\d", hhmm):
        return TimeRef(Span(clock.span.start, day.span.end), text[clock.span.start : day.span.end], day.type,
                       day.value, day.start, day.end, day.granularity, day.anchor)
    start = end = None
    if day.start is not None:
        start = day.start + timedelta(hours=int(hhmm[:2]), minutes=int(hhmm[3:]))
        end = start + timedelta(minutes=1)
    return TimeRef(
        span=Span(clock.span.start, day.span.end),
        text=text[clock.span.start : day.span.end],
        type="TIME",
        value=f"{day.value}T{hhmm}",
        start=start,
        end=end,
        granularity="minute",
        anchor=day.anchor,
    )


_SENTENCE_END = re.compile(r"[.!?\n]")


def infer_published_earliest(text: str) -> tuple[datetime | None, str | None]:
    """For an article that states no publication time: the earliest it can have been published.

    An article reports past events, so the latest fully dated day (its year written out) that it
    mentions outside a future-tense clause had begun before the article was published. Returns
    that day's start and a sentence saying how it was found, or ``(None, None)`` when the text
    fixes no such day. This is a lower bound only: no upper bound is inferred, no year is guessed,
    and relative expressions stay unresolved.
    """
    best: TimeRef | None = None
    for ref in find_times(text, None):
        if ref.anchor != "absolute" or ref.type != "DATE" or ref.granularity != "day" or ref.start is None:
            continue
        end = _SENTENCE_END.search(text, ref.span.end)
        after = text[ref.span.end : end.start() if end else len(text)]
        if _FUTURE_CUE.search(_sentence_before(text, ref.span.start)) or _FUTURE_CUE.search(after):
            continue
        if best is None or ref.start > best.start:  # type: ignore[operator]
            best = ref
    if best is None:
        return None, None
    return best.start, f"the text reports “{best.text}” ({best.value}) as past, so it was published on or after that day"
