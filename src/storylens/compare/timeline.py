"""Timeline: the dated statements of all outlets of a story on one line.

An entry is a resolved time interval with the facts whose claims are dated by it; only times
resolved against an absolute date or the publication time are placed (unresolved "Tuesday" in an
undated article is never guessed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Mapping, Sequence

from storylens.model import Article, Claim, Fact, TimelineEntry
from storylens.compare.align import claim_ref

__all__ = ["build_timeline"]


def build_timeline(
    facts: Sequence[Fact], claims: Mapping[str, Claim], articles: Mapping[str, Article]
) -> tuple[TimelineEntry, ...]:
    """One entry per (interval, fact), ordered by time; evidence = the claims carrying the time.
    A sentence that supports several facts dates only the first of them (facts come best
    supported first): the same words at the same time are one line, not one per fact."""
    entries: dict[tuple[datetime, datetime, str], list[Claim]] = defaultdict(list)
    texts: dict[tuple[datetime, datetime, str], str] = {}
    placed: set[tuple[str, datetime, datetime]] = set()
    for fact in facts:
        for ref in fact.claims:
            c = claims.get(ref.claim_id or "")
            if c is None:
                continue
            for t in c.times:
                if t.start is None or t.end is None or t.type not in ("DATE", "TIME"):
                    continue
                if (c.id, t.start, t.end) in placed and (t.start, t.end, fact.id) not in entries:
                    continue
                placed.add((c.id, t.start, t.end))
                key = (t.start, t.end, fact.id)
                if c not in entries[key]:
                    entries[key].append(c)
                texts[key] = fact.text
    out = [
        TimelineEntry(start, end, texts[(start, end, fid)], tuple(claim_ref(c, articles[c.article_id]) for c in cs))
        for (start, end, fid), cs in entries.items()
    ]
    out.sort(key=lambda e: (_naive(e.start), _naive(e.end), e.text))
    return tuple(out)


def _naive(d: datetime | None) -> datetime:
    if d is None:
        return datetime.min
    return d.astimezone(timezone.utc).replace(tzinfo=None) if d.tzinfo else d
