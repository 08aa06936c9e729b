"""Conflicts between outlets within a story.

- ``number``: claims aligned into one fact state counts of the same thing that cannot both be
  true, taking qualifiers into account ("over 180" and "about 200" may agree; "42" and "about
  60" do not).
- ``date``: aligned claims put the same statement on days that do not overlap (each claim with
  exactly one resolved day-level time; "Tuesday" in an article of Wednesday and "yesterday" in one
  of Wednesday agree).
- ``negation``: aligned claims of different outlets, one saying a thing happened and one that it
  did not (a denial is not compared: it is a statement about a statement).
- ``attribution``: the same direct quote, word for word, is put in the mouths of different
  speakers by different outlets; or the same statement is credited to different named people or
  bodies.
- ``entity``: the same statement located in different places (no place in common).

A hedged and an unhedged version of the same statement are not a conflict: that is a difference
in certainty, shown by the ``hedged`` status.

A conflict names the outlets on each side; the side with less independent support (both sides
on a tie) is marked ``contradicted`` for that fact.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from datetime import datetime, timezone
from typing import Mapping, Sequence

from storylens.model import Article, Claim, ClaimRef, Conflict, Entity, Quantity, Quote, SourceRef, TimeRef, text_id
from storylens.compare.align import claim_ref, fact_id

__all__ = ["find_conflicts", "interval", "compatible"]

# "about N" is read as N ± 10 %: news rounding ("about 200" for 190-210) without letting
# "about 60" swallow 42.
ABOUT_TOLERANCE = 0.10


def interval(q: Quantity) -> tuple[float, float]:
    """The set of values a quantity statement admits, as a closed interval."""
    v = q.value
    if q.qualifier == "range" and q.upper is not None:
        return (v, q.upper)
    if q.qualifier in ("more than", "at least"):
        return (v, math.inf)
    if q.qualifier in ("up to", "less than"):
        return (0.0, v)
    if q.qualifier == "about":
        return (v * (1 - ABOUT_TOLERANCE), v * (1 + ABOUT_TOLERANCE))
    return (v, v)


def compatible(a: Quantity, b: Quantity) -> bool:
    (a0, a1), (b0, b1) = interval(a), interval(b)
    return a0 <= b1 and b0 <= a1


def _unit_key(unit: str | None) -> str | None:
    """The head noun of a unit, singular and lowercased: "US officials" → "official"."""
    if not unit:
        return None
    head = re.findall(r"[A-Za-z]+", unit)
    if not head:
        return None
    w = head[-1].casefold()
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    return w


def _conflict_id(kind: str, refs: Sequence[ClaimRef]) -> str:
    return "c" + text_id(kind + "|" + "|".join(f"{r.article_id}:{r.span.start}-{r.span.end}" for r in refs), 12)


def _number_conflicts(
    gc: Sequence[Claim], articles: Mapping[str, Article], fid: str
) -> list[tuple[Conflict, frozenset[str]]]:
    out: list[tuple[Conflict, frozenset[str]]] = []
    by_unit: dict[str, list[tuple[Claim, Quantity]]] = defaultdict(list)
    for c in gc:
        for q in c.quantities:
            k = _unit_key(q.unit)
            if k:
                by_unit[k].append((c, q))
    for unit, items in sorted(by_unit.items()):
        items = _same_statement(items, lambda it: it[0])
        outlets = {articles[c.article_id].outlet.name for c, _ in items}
        if len(outlets) < 2:
            continue
        # sides: quantities that are mutually compatible stand together
        sides: list[list[tuple[Claim, Quantity]]] = []
        for c, q in items:
            for side in sides:
                if all(compatible(q, q2) for _, q2 in side):
                    side.append((c, q))
                    break
            else:
                sides.append([(c, q)])
        if len(sides) < 2:
            continue
        side_outlets = [{articles[c.article_id].outlet.name for c, _ in s} for s in sides]
        # an outlet that is on several sides (contradicting itself) is not a cross-outlet conflict
        if any(a & b for i, a in enumerate(side_outlets) for b in side_outlets[i + 1 :]):
            continue
        best = max(len(s) for s in side_outlets)
        leaders = [s for s in side_outlets if len(s) == best]
        against = frozenset().union(*(s for s in side_outlets if len(leaders) > 1 or len(s) < best))
        refs = tuple(claim_ref(c, articles[c.article_id]) for s in sides for c, _ in s)
        parts = [
            "; ".join(f"{articles[c.article_id].outlet.name}: “{q.text}”" for c, q in s) for s in sides
        ]
        detail = f"different counts of {unit}s: " + " vs ".join(parts)
        out.append((Conflict(_conflict_id("number", refs), "number", fid, detail, refs), against))
    return out


_DAY_OR_FINER = frozenset({"day", "part-of-day", "minute", "hour"})


def _event_date(claim: Claim) -> TimeRef | None:
    """The one resolved date a claim puts its statement on, if it has exactly one."""
    dated = [
        t for t in claim.times
        if t.type in ("DATE", "TIME") and t.start is not None and t.end is not None and t.granularity in _DAY_OR_FINER
    ]
    return dated[0] if len(dated) == 1 else None


def _naive(d: datetime) -> datetime:
    return d.astimezone(timezone.utc).replace(tzinfo=None) if d.tzinfo else d


def _date_conflicts(
    gc: Sequence[Claim], articles: Mapping[str, Article], fid: str
) -> list[tuple[Conflict, frozenset[str]]]:
    """Aligned claims that put the same statement on days that do not overlap.

    Only claims with exactly one resolved day-level time take part: a claim naming two dates
    may date two events, and an unresolved "Tuesday" is never compared.
    """
    items = [(c, t) for c in gc if (t := _event_date(c)) is not None]
    items = _same_statement(items, lambda it: it[0])
    outlets = {articles[c.article_id].outlet.name for c, _ in items}
    if len(outlets) < 2:
        return []
    sides: list[list[tuple[Claim, TimeRef]]] = []
    for c, t in items:
        for side in sides:
            if all(_naive(t.start) < _naive(t2.end) and _naive(t2.start) < _naive(t.end) for _, t2 in side):  # type: ignore[arg-type]
                side.append((c, t))
                break
        else:
            sides.append([(c, t)])
    if len(sides) < 2:
        return []
    side_outlets = [{articles[c.article_id].outlet.name for c, _ in s} for s in sides]
    if any(a & b for i, a in enumerate(side_outlets) for b in side_outlets[i + 1 :]):
        return []
    best = max(len(o) for o in side_outlets)
    leaders = [o for o in side_outlets if len(o) == best]
    against = frozenset().union(*(o for o in side_outlets if len(leaders) > 1 or len(o) < best))
    refs = tuple(claim_ref(c, articles[c.article_id]) for s in sides for c, _ in s)
    parts = [
        "; ".join(f"{articles[c.article_id].outlet.name}: “{t.text}” ({_naive(t.start).date().isoformat()})" for c, t in s)  # type: ignore[arg-type]
        for s in sides
    ]
    detail = "different dates for the same statement: " + " vs ".join(parts)
    return [(Conflict(_conflict_id("date", refs), "date", fid, detail, refs), against)]


# Hedges that already put a statement in doubt: a denial ("denied that it attacked") is a claim
# about a statement, and comparing its polarity with the statement itself would be wrong.
_POLARITY_BLIND = frozenset({"denial"})


# Share of content words two statements must have in common to be "the same statement, one of
# them negated". On the seeds, the agreeing pair "refused to share specifics of its planned
# retaliation" / "is not sharing ... its plans to respond" shares 0.21; a true pair ("the ferry
# had passed its inspection" / "the ferry had not passed its inspection") shares 1.0.
NEGATION_OVERLAP = 0.5

_NEGATORS = frozenset({"not", "no", "never", "n't", "nt", "none", "nor", "cannot", "nobody", "nothing", "neither"})
_FUNCTION = frozenset(
    """a an the of to in on at by for with from and or but as that this these those it its is are was
    were be been being has have had do does did will would can could may might should shall than then
    there their they he she his her we our you your i me my us them who whom which what when where""".split()
)


def _has_negator(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.casefold().replace("’", "'"))
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


# Number and date conflicts are raised only between claims that share at least this share of
# content words: alignment is by topic as much as by statement, and two different statements
# of one topic ("the attacks of Sept. 11, 2001" / "the vote on Monday") are not a disagreement.
# The demo's planted number conflict shares 0.57; BASIL's false date pairs shared under 0.2.
CONFLICT_OVERLAP = 0.3


def _same_statement(items: list, key) -> list:  # type: ignore[type-arg]
    """Items whose claim shares enough content with a claim of another outlet."""
    keep = []
    for x in items:
        cx = key(x)
        if any(
            key(y).article_id != cx.article_id and _content_overlap(cx.text, key(y).text) >= CONFLICT_OVERLAP
            for y in items
        ):
            keep.append(x)
    return keep


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.casefold()) if w not in _FUNCTION and w not in _NEGATORS}


def _content_overlap(a: str, b: str) -> float:
    wa, wb = _content_words(a), _content_words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _negation_conflicts(
    gc: Sequence[Claim], articles: Mapping[str, Article], fid: str
) -> list[tuple[Conflict, frozenset[str]]]:
    """Aligned claims of different outlets where one says a thing happened and another that it did not."""
    usable = [c for c in gc if not any(h.kind in _POLARITY_BLIND for h in c.hedges)]
    # Polarity by the negators a statement contains, not by where a parser hangs them: the same
    # quote parsed inside "X replied, ..." and before "..., X told reporters" gets its "not"
    # attached at different depths (seen on BASIL), and must not be read as two polarities.
    pos = [c for c in usable if not _has_negator(c.text)]
    neg = [c for c in usable if _has_negator(c.text)]
    # Alignment is paraphrase-aware, polarity is syntactic: "refused to share" and "is not
    # sharing" agree. Only near-identical statements that differ in their negation are compared.
    pairs = [(p, n) for p in pos for n in neg if _content_overlap(p.text, n.text) >= NEGATION_OVERLAP]
    pos = [p for p in pos if any(p is a for a, _ in pairs)]
    neg = [n for n in neg if any(n is b for _, b in pairs)]
    pos_out = {articles[c.article_id].outlet.name for c in pos}
    neg_out = {articles[c.article_id].outlet.name for c in neg}
    if not pos_out or not neg_out or pos_out & neg_out:
        return []
    if len(pos_out) == len(neg_out):
        against = frozenset(pos_out | neg_out)
    else:
        against = frozenset(neg_out if len(neg_out) < len(pos_out) else pos_out)
    refs = tuple(claim_ref(c, articles[c.article_id]) for c in pos + neg)
    def says(outlets: set[str]) -> str:
        return ", ".join(sorted(outlets)) + (" says" if len(outlets) == 1 else " say")

    detail = f"{says(pos_out)} it did; {says(neg_out)} it did not: “{pos[0].text}” vs “{neg[0].text}”"
    return [(Conflict(_conflict_id("negation", refs), "negation", fid, detail, refs), against)]


def _normalize_quote(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _attribution_conflicts(
    quotes: Mapping[str, Sequence[Quote]],
    claims: Sequence[Claim],
    fact_of_claim: Mapping[str, str],
    articles: Mapping[str, Article],
) -> list[tuple[Conflict, frozenset[str]]]:
    by_text: dict[str, list[tuple[str, Quote]]] = defaultdict(list)
    for aid, qs in quotes.items():
        for q in qs:
            if q.kind == "direct" and q.speaker is not None and len(q.text) >= 20:
                by_text[_normalize_quote(q.text)].append((aid, q))
    claims_by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        claims_by_article[c.article_id].append(c)
    out: list[tuple[Conflict, frozenset[str]]] = []
    for _, items in sorted(by_text.items()):
        speakers = {_speaker_key(q): (aid, q) for aid, q in items}
        outlets = {articles[aid].outlet.name for aid, _ in items}
        if len(speakers) < 2 or len(outlets) < 2:
            continue
        refs: list[ClaimRef] = []
        fid = None
        for aid, q in items:
            host = next((c for c in claims_by_article[aid] if c.span.contains(q.span) or c.span.overlaps(q.span)), None)
            if host is None:
                continue
            refs.append(claim_ref(host, articles[aid]))
            fid = fid or fact_of_claim.get(host.id)
        if fid is None or len(refs) < 2:
            continue
        who = "; ".join(
            f"{articles[aid].outlet.name} attributes it to {q.speaker.name or q.speaker.text}" for aid, q in items
        )
        detail = f"the quote “{items[0][1].text}” is attributed to different speakers: {who}"
        out.append((Conflict(_conflict_id("attribution", refs), "attribution", fid, detail, tuple(refs)), frozenset()))
    return out


def _speaker_key(q: Quote) -> str:
    s = q.speaker
    assert s is not None
    if s.entity_id:
        return s.entity_id
    return f"{s.kind}|{(s.name or '').casefold()}|{s.role or ''}|{s.affiliation or ''}"


# Near-identical statements only: a place or a source that differs between two loosely aligned
# sentences is usually a different statement, not a disagreement.
SAME_STATEMENT = 0.5
_PLACE_KINDS = frozenset({"GPE", "LOC", "FAC"})
_NAMED_SOURCE_KINDS = frozenset({"person", "organization"})


def _pairs_of_near_identical(gc: Sequence[Claim], articles: Mapping[str, Article]) -> list[tuple[Claim, Claim]]:
    out = []
    for i, a in enumerate(gc):
        for b in gc[i + 1 :]:
            if articles[a.article_id].outlet.name == articles[b.article_id].outlet.name:
                continue
            if _content_overlap(a.text, b.text) >= SAME_STATEMENT:
                out.append((a, b))
    return out


def _place_conflicts(
    gc: Sequence[Claim], articles: Mapping[str, Article], fid: str, kinds: Mapping[str, str], names: Mapping[str, str]
) -> list[tuple[Conflict, frozenset[str]]]:
    """The same statement located in different places ("in Haifa" / "in Tel Aviv")."""
    for a, b in _pairs_of_near_identical(gc, articles):
        pa = {e for e in a.entities if kinds.get(e) in _PLACE_KINDS}
        pb = {e for e in b.entities if kinds.get(e) in _PLACE_KINDS}
        if pa and pb and not (pa & pb):
            refs = (claim_ref(a, articles[a.article_id]), claim_ref(b, articles[b.article_id]))
            detail = (
                f"different places for the same statement: {articles[a.article_id].outlet.name} names "
                f"{_names(pa, names)}, {articles[b.article_id].outlet.name} names {_names(pb, names)}"
            )
            against = frozenset({articles[a.article_id].outlet.name, articles[b.article_id].outlet.name})
            return [(Conflict(_conflict_id("entity", refs), "entity", fid, detail, refs), against)]
    return []


def _source_conflicts(
    gc: Sequence[Claim], articles: Mapping[str, Article], fid: str
) -> list[tuple[Conflict, frozenset[str]]]:
    """The same statement credited to different named people or bodies."""
    for a, b in _pairs_of_near_identical(gc, articles):
        na, nb = _named_in_text(a), _named_in_text(b)
        sa = {s.entity_id or (s.name or "").casefold() for s in na}
        sb = {s.entity_id or (s.name or "").casefold() for s in nb}
        if sa and sb and not (sa & sb):
            who_a = ", ".join(sorted({s.name or s.text for s in na}))
            who_b = ", ".join(sorted({s.name or s.text for s in nb}))
            refs = (claim_ref(a, articles[a.article_id]), claim_ref(b, articles[b.article_id]))
            detail = (
                f"the same statement is credited to different sources: {articles[a.article_id].outlet.name} "
                f"to {who_a}, {articles[b.article_id].outlet.name} to {who_b}"
            )
            return [(Conflict(_conflict_id("attribution", refs), "attribution", fid, detail, refs), frozenset())]
    return []


def _named_in_text(claim: Claim) -> list[SourceRef]:
    """Named sources the claim names by name. A source reached through a pronoun or a title ("he
    said", "The A.G. said") depends on coreference, which errs often enough (seen on BASIL: the
    same senator resolved to two people) that a disagreement built on it would be noise."""
    out = []
    for s in claim.sources:
        # "A.G.", "FBI": an abbreviation may be a title or a body named by its initials; only
        # names written out (with lowercase letters) are trusted here
        if s.kind in _NAMED_SOURCE_KINDS and s.name and any(ch.islower() for ch in s.name):
            surname = s.name.split()[-1].casefold()
            if surname and surname in s.text.casefold():
                out.append(s)
    return out


def _names(ids: set[str], names: Mapping[str, str]) -> str:
    return ", ".join(sorted(names.get(e, e) for e in ids))


def find_conflicts(
    groups: Sequence[Sequence[int]],
    claims: Sequence[Claim],
    articles: Mapping[str, Article],
    quotes: Mapping[str, Sequence[Quote]],
    entities: Sequence[Entity] = (),
) -> tuple[tuple[Conflict, ...], dict[str, frozenset[str]]]:
    """All conflicts of a story, and per fact id the outlets whose report is contradicted.

    ``entities`` (the story's canonical entities) enable the place conflicts.
    """
    kinds = {e.id: e.kind for e in entities}
    names = {e.id: e.name for e in entities}
    found: list[tuple[Conflict, frozenset[str]]] = []
    fact_of_claim: dict[str, str] = {}
    for g in groups:
        gc = [claims[i] for i in g]
        fid = fact_id(gc)
        for c in gc:
            fact_of_claim[c.id] = fid
        if len(gc) > 1:
            found.extend(_number_conflicts(gc, articles, fid))
            found.extend(_date_conflicts(gc, articles, fid))
            found.extend(_negation_conflicts(gc, articles, fid))
            if kinds:
                found.extend(_place_conflicts(gc, articles, fid, kinds, names))
            found.extend(_source_conflicts(gc, articles, fid))
    found.extend(_attribution_conflicts(quotes, claims, fact_of_claim, articles))
    contradicted: dict[str, frozenset[str]] = defaultdict(frozenset)
    for conflict, against in found:
        contradicted[conflict.fact_id] = contradicted[conflict.fact_id] | against
    return tuple(c for c, _ in found), dict(contradicted)
