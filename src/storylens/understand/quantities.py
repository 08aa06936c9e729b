"""Quantities: numbers with their qualifier and what they count ("over 180 ballistic missiles").

:func:`find_quantities` reads a parsed spaCy ``Doc`` (token offsets are article offsets) and
returns one :class:`~storylens.model.Quantity` per number, with the qualifier normalised and the
counted noun phrase as ``unit``. The span runs from the qualifier to the end of the unit, so
``doc.text[span.start:span.end] == quantity.text``.

Conventions:

* Qualifiers: "over", "more than", "upwards of" → ``more than``; "at least", "no fewer than" →
  ``at least``; "about", "around", "roughly", "some", "an estimated" → ``about``; "up to", "as many
  as", "at most", and also "nearly", "almost", "just under" → ``up to`` (they bound the number
  from above, which is what a comparison across outlets needs: "nearly 200" agrees with "180" but
  not with "210"); "less than", "fewer than", "under" → ``less than``; "between 10 and 20", "10 to
  20", "10-20", and "from 10 to 20" after a word of extent ("range", "run", "vary",
  "anywhere") → ``range`` with ``upper``; after other words "from 10 to 20" is a change.
* Plural round numbers are lower bounds: "dozens" → 24, "hundreds" → 200, "thousands" → 2,000,
  each ``at least`` (two of the unit is the least the plural can mean); "hundreds of thousands" →
  200,000 ``at least``. "a dozen" is 12, exact unless qualified.
* Units: the noun the number modifies with its modifiers ("180 ballistic missiles" → "ballistic
  missiles", "three US officials" → "US officials"), the object of a partitive ("dozens of people"
  → "people"), ``percent`` for "%"/"percent", and an ISO currency code for a currency sign or
  "dollars"/"euros" ("$5 million" → "USD"); for a bare number, the noun its sentence asked about
  before it ("how many women ... run from 500,000 to 1.6 million" → "women"; "the number of
  patients was 40" → "patients"), the span then being the number's alone.
* Skipped: numbers inside an ``exclude`` span (pass the time expressions there), numbers right
  after a month name, ordinals ("21st"), list and section numbers ("1." at the start of a line,
  "Article 5", "Channel 12"), and number words with nothing counted ("the two met"), where "two"
  is a pronoun more than a quantity, and compound modifiers ("a one-day visit", "a two-state
  solution"), which describe the noun rather than count it.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Sequence

from storylens.model import Quantity, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

__all__ = ["find_quantities", "parse_number"]

log = logging.getLogger(__name__)

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mn": 1e6, "bn": 1e9, "m": 1e6, "k": 1e3, "dozen": 12.0,
}
# Plurals used as vague round numbers; each stands for at least two of its scale.
_PLURAL_SCALES = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_CURRENCY_SIGNS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₪": "ILS", "₹": "INR"}
_CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "shekels": "ILS", "shekel": "ILS"}
_PERCENT = {"%", "percent", "pct"}

# Qualifier cues before a number, longest first; values are the normalised qualifier.
_QUALIFIERS: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    sorted(
        (
            (tuple(k.split()), v)
            for k, v in {
                "more than": "more than", "over": "more than", "upwards of": "more than",
                "in excess of": "more than", "greater than": "more than", "above": "more than",
                "at least": "at least", "no fewer than": "at least", "no less than": "at least",
                "a minimum of": "at least",
                "about": "about", "around": "about", "approximately": "about", "roughly": "about",
                "some": "about", "an estimated": "about", "estimated": "about", "close to": "about",
                "almost": "up to", "nearly": "up to", "just under": "up to", "up to": "up to",
                "as many as": "up to", "as much as": "up to", "at most": "up to", "no more than": "up to",
                "a maximum of": "up to",
                "less than": "less than", "fewer than": "less than", "under": "less than", "below": "less than",
            }.items()
        ),
        key=lambda kv: -len(kv[0]),
    )
)
_LABEL_WORDS = frozenset(
    """no. no number nos. section article chapter paragraph resolution item page part rule clause
    line room flight route channel highway version phase stage level category grade class tier
    round game act vol. volume episode season platform gate terminal unit""".split()
)
_MONTHS = frozenset(
    """jan jan. january feb feb. february mar mar. march apr apr. april may jun jun. june jul jul.
    july aug aug. august sep sep. sept sept. september oct oct. october nov nov. november dec dec.
    december""".split()
)
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_DIGITS_SCALE = re.compile(r"(\d+(?:\.\d+)?)(bn|mn|m|k)", re.IGNORECASE)


def parse_number(words: Sequence[str]) -> float | None:
    """The value of a number written in digits and/or words ("2.5 million", "twenty - five").

    Returns None when the words do not form a number.
    """
    total = 0.0
    current: float | None = None
    for raw in words:
        w = raw.lower()
        if w in ("-", "–", "and", "a", "an", "of"):
            if w in ("a", "an") and current is None:
                current = 1.0
            continue
        if _DIGITS.fullmatch(w):
            current = float(w.replace(",", ""))
        elif (m := _DIGITS_SCALE.fullmatch(w)) is not None:
            current = float(m.group(1)) * _SCALES[m.group(2).lower()]
        elif w in _SMALL:
            v = _SMALL[w]
            # "twenty-five", "one hundred five": a smaller word adds to what came before.
            if current is not None and (current >= 100 or (current >= 20 and current % 10 == 0 and v < 10)):
                current += v
            else:
                current = float(v)
        elif w in _SCALES:
            base = 1.0 if current is None else current
            if _SCALES[w] >= 1000:
                total += base * _SCALES[w]
                current = None
            else:
                current = base * _SCALES[w]
        elif w in _PLURAL_SCALES:
            # "hundreds" is at least 200; "hundreds of thousands" at least 200 thousand.
            current = 2.0 * _PLURAL_SCALES[w] if current is None else current * _PLURAL_SCALES[w]
        else:
            return None
    if current is None and total == 0.0:
        return None
    return total + (current or 0.0)


def _is_num_word(tok: "Token") -> bool:
    t = tok.lower_
    return t in _SMALL or t in _SCALES or t in _PLURAL_SCALES


def _is_number_start(tok: "Token") -> bool:
    t = tok.lower_
    if _ORDINAL.fullmatch(t):
        return False
    if _DIGITS.fullmatch(t) or _DIGITS_SCALE.fullmatch(t):
        return True
    if t in _SMALL or t in _PLURAL_SCALES:
        return True
    if t in ("a", "an", "one") and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in ("dozen", "hundred", "thousand", "million", "billion"):
        return True
    return False


def _number_end(doc: "Doc", i: int) -> int:
    """Index one past the last token of the number phrase starting at ``i``."""
    j = i + 1
    n = len(doc)
    while j < n:
        t = doc[j].lower_
        if t in _SCALES and t not in ("m", "k") or t in _SMALL and _is_num_word(doc[j - 1]):
            j += 1
        elif t in ("m", "bn", "mn", "k") and _DIGITS.fullmatch(doc[j - 1].text) and doc[j].idx == doc[j - 1].idx + len(doc[j - 1]):
            j += 1
        elif t == "-" and j + 1 < n and doc[j + 1].lower_ in _SMALL and doc[j - 1].lower_ in _SMALL:
            j += 2
        elif t == "of" and j + 1 < n and doc[j + 1].lower_ in _PLURAL_SCALES and doc[j - 1].lower_ in _PLURAL_SCALES:
            j += 2
        else:
            break
    return j


def _qualifier(doc: "Doc", start: int) -> tuple[int, str]:
    """(token index where the qualifier starts, qualifier) for a number starting at ``start``."""
    for words, q in _QUALIFIERS:
        k = len(words)
        if start - k < 0:
            continue
        if tuple(t.lower_ for t in doc[start - k : start]) == words:
            return start - k, q
    return start, "exact"


def _unit_tokens(doc: "Doc", first: int, end: int) -> tuple[int, int] | None:
    """Token range [a, b) of what the number ``doc[first:end]`` counts, or None."""
    n = len(doc)
    if end < n and doc[end].lower_ == "of" and end + 1 < n:
        # Partitive: "dozens of people", "two of the officials": the object of "of".
        obj = next((c for c in doc[end].children if c.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
            a = obj.i
            while a - 1 > end and doc[a - 1].dep_ in ("amod", "compound", "nmod") and doc[a - 1].head.i >= a:
                a -= 1
            return a, obj.i + 1
        return None
    phrase = set(range(first, end))
    for t in reversed(doc[first:end]):
        h = t
        while h.i in phrase and h.head.i != h.i:
            h = h.head
        if h.i >= end and h.i - end <= 6 and h.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nummod", "compound", "quantmod", "amod", "conj", "nmod"):
            between = doc[end : h.i]
            if all(h in tok.ancestors for tok in between):
                return end, h.i + 1
    # Fallback when the parse attaches the number elsewhere: the adjective/noun run right after it.
    b = end
    while b < n and doc[b].pos_ in ("ADJ", "NOUN", "PROPN"):
        b += 1
    while b > end and doc[b - 1].pos_ != "NOUN":
        b -= 1
    return (end, b) if b > end else None


def _skip(doc: "Doc", text: str, first: int, end: int, has_unit: bool) -> bool:
    tok = doc[first]
    prev = doc[first - 1] if first > 0 else None
    if prev is not None:
        if prev.lower_ in _MONTHS:
            return True
        if prev.lower_ in _LABEL_WORDS:
            return True
        if prev.pos_ == "PROPN" and prev.text[:1].isupper() and not has_unit and _DIGITS.fullmatch(tok.text):
            return True  # "Channel 12", "Apollo 11"
        if prev.lower_ == "no" and tok.lower_ == "one":
            return True
    # List / section numbers: "1." or "2)" opening a line.
    line_start = text.rfind("\n", 0, tok.idx) + 1
    if not text[line_start : tok.idx].strip() and end < len(doc) and doc[end].text in (".", ")"):
        return True
    if not has_unit and tok.lower_ in _SMALL and end == first + 1:
        nxt = doc[end] if end < len(doc) else None
        if nxt is None or nxt.lower_ != "of":
            return True  # "the two met": a pronoun-like number word
    if tok.lower_ == "one" and not has_unit:
        return True
    if end + 1 < len(doc) and doc[end].text == "-" and doc[end].idx == tok.idx + len(tok) and doc[end + 1].is_alpha:
        return True  # "one-day visit", "two-state solution": a compound modifier, not a count
    return False


# Words before "from X to Y" that make it an extent, not a change.
_EXTENT_WORDS = frozenset(
    "range ranges ranged ranging run runs ran running vary varies varied varying span spans spanned anywhere".split()
)


def _asked_unit(doc: "Doc", first: int) -> str | None:
    """What a bare number counts when its sentence asked it earlier: "estimates of how many
    women could join run from 500,000 to 1.6 million" counts women; "the number of patients
    was 40" counts patients. The noun must come before the number, in its sentence."""
    sent = doc[first].sent
    for t in doc[sent.start : first]:
        if t.lower_ == "many" and t.i > sent.start and doc[t.i - 1].lower_ == "how":
            after = t.i + 1
        elif t.lower_ == "of" and t.i > sent.start and doc[t.i - 1].lower_ == "number":
            after = t.i + 1
        else:
            continue
        for u in doc[after : min(after + 3, first)]:
            if u.pos_ == "NOUN" and u.lower_ not in _EXTENT_WORDS:
                return u.text
            if u.pos_ not in ("ADJ", "DET"):
                break
    return None


def find_quantities(doc: "Doc", exclude: Sequence[Span] = ()) -> tuple[Quantity, ...]:
    """Numbers in ``doc`` with qualifier, value and unit; numbers inside ``exclude`` are skipped."""
    text = doc.text
    out: list[Quantity] = []
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if not _is_number_start(tok):
            i += 1
            continue
        first, end = i, _number_end(doc, i)
        num_span = Span(doc[first].idx, doc[end - 1].idx + len(doc[end - 1]))
        if any(num_span.overlaps(x) for x in exclude):
            i = end
            continue
        value = parse_number([t.text for t in doc[first:end]])
        if value is None:
            i = end
            continue
        qual_start, qualifier = _qualifier(doc, first)
        upper: float | None = None
        last = end
        # Ranges: "between 10 and 20", "10 to 20", "10-20"; "from 10 to 20" only after a verb of
        # extent ("estimates range from 10 to 20"), else a change ("rose from 10 to 20").
        if end + 1 < n and doc[end].lower_ in ("to", "-", "–", "and") and _is_number_start(doc[end + 1]):
            between = qual_start == first and first > 0 and doc[first - 1].lower_ == "between"
            from_ = first > 0 and doc[first - 1].lower_ == "from" and not (
                first > 1 and doc[first - 2].lower_ in _EXTENT_WORDS
            )
            if (doc[end].lower_ == "and" and between) or (doc[end].lower_ != "and" and not from_):
                end2 = _number_end(doc, end + 1)
                upper = parse_number([t.text for t in doc[end + 1 : end2]])
                if upper is not None and upper > value:
                    qualifier = "range"
                    if between:
                        qual_start = first - 1
                    last = end2
                else:
                    upper = None
        if doc[first].lower_ in _PLURAL_SCALES and qualifier == "exact":
            qualifier = "at least"
        # Currency sign before the number (and before no qualifier): "$5 million", "over $5 million".
        unit: str | None = None
        span_start = doc[qual_start].idx
        if first > 0 and doc[first - 1].lower_ in _CURRENCY_SIGNS:
            unit = _CURRENCY_SIGNS[doc[first - 1].lower_]
            if qual_start == first:
                span_start = doc[first - 1].idx
                q2, qual2 = _qualifier(doc, first - 1)
                if q2 < first - 1:
                    qual_start, qualifier = q2, qual2 if qualifier == "exact" else qualifier
                    span_start = doc[q2].idx
        span_end = doc[last - 1].idx + len(doc[last - 1])
        has_unit = unit is not None
        if unit is None and last < n and doc[last].lower_ in _PERCENT:
            unit, span_end, has_unit = "percent", doc[last].idx + len(doc[last]), True
        elif unit is None and last + 1 < n and doc[last].lower_ == "per" and doc[last + 1].lower_ == "cent":
            unit, span_end, has_unit = "percent", doc[last + 1].idx + len(doc[last + 1]), True
        elif unit is None:
            rng = _unit_tokens(doc, first, last)
            if rng is not None:
                a, b = rng
                u_span = Span(doc[a].idx, doc[b - 1].idx + len(doc[b - 1]))
                if not any(u_span.overlaps(x) for x in exclude):
                    words = doc[a:b]
                    unit = _CURRENCY_WORDS.get(words[-1].lower_) or words.text
                    span_end, has_unit = u_span.end, True
        if unit is None and (asked := _asked_unit(doc, first)) is not None:
            unit, has_unit = asked, True
        if _skip(doc, text, first, end, has_unit):
            i = end
            continue
        out.append(
            Quantity(
                span=Span(span_start, span_end),
                text=text[span_start:span_end],
                value=value,
                qualifier=qualifier,
                unit=unit,
                upper=upper,
            )
        )
        i = max(last, i + 1)
    log.debug("found %d quantities", len(out))
    return tuple(out)
