"""Omissions: for each outlet, the facts other outlets reported and it did not.

An outlet with a claim that resembles the fact, even weakly (``Fact.related``), is not listed:
it may tell the fact in other words, and a false omission costs a reader's trust more than a
missing one. For the same reason an outlet that shares no fact at all with another one of the
story (another event grouped in, or one told too differently to align) neither omits nor is
omitted: on BASIL's 50 stories one story's three outlets shared nothing and would have had 130
omissions between them; on the 181 extraction pages, two unrelated reports grouped as one.

Each omission carries a ``confidence``: one minus the highest same-fact probability between the
fact's claims and any claim of the silent outlet.

Ranking: the sure omissions first (no sentence of the outlet even loosely like the fact), then
the rest; within each, by the fact's independent support (copies and shared sources count once),
then by how many outlets reported it. Support alone put the least reliable omissions first: a
fact two outlets of three report is one the third usually tells too, in words of its own.
"""

from __future__ import annotations

import logging
from typing import Mapping, Sequence

from storylens.model import Fact, Omission

__all__ = ["find_omissions", "REPORTING"]

log = logging.getLogger(__name__)

# A hedged report ("reportedly", "is expected to") still puts the fact in front of the reader,
# so it counts as reporting; a contradiction is a disagreement, not a silence.
REPORTING = frozenset({"reported", "hedged"})

# Below this highest same-fact probability, an outlet has nothing like the fact: a sure omission.
# Set on the tuning half of cross-outlet-alignment (first omission per outlet and story right
# 24 of 24 at 0.05, 23 of 24 at 0.1-0.3, 19 of 24 ranking by support alone); the held-out half
# went from 17 to 18 of 21.
SURE = 0.05


def find_omissions(
    facts: Sequence[Fact],
    outlets: Sequence[str],
    closest: Mapping[tuple[str, str], float] | None = None,
    checkable: Mapping[str, bool] | None = None,
    place: Mapping[str, float] | None = None,
) -> tuple[Omission, ...]:
    """Per outlet (in ``outlets`` order), the facts it is silent on that another outlet reported.

    An outlet missing from ``Fact.status`` is silent. ``reporters`` lists the outlets that
    reported or hedged the fact, in ``outlets`` order (outlets only named in a status follow).
    ``closest`` maps (fact id, outlet) to the highest same-fact probability between the two
    (missing: 0); without it no confidence is given and the ranking is by support alone.
    ``checkable`` maps a fact id to whether its evidence names something a reader can check (a
    name, a number, a date or a source); a fact marked False is never listed ("They're not bad
    products.", "Then there are those retro features."). ``place`` maps a fact id to where its
    evidence first stands in its article (0 the lede, 1 the last sentence).
    Within an outlet: sure omissions first, then most independent support, most reporters,
    least like anything the outlet said, nearest the top of its article, fact order. (Nearest
    the top before least like put the first omission per outlet right 0.756 of the time on
    cross-outlet-alignment, against 0.956: a fact with no candidate pair at all is a surer
    omission than one a sentence of the outlet resembles even a little.)
    """
    out: list[Omission] = []
    order = {o: k for k, o in enumerate(outlets)}
    # an outlet that shares no fact with another is telling another event, or telling it too
    # differently to align: what it "left out", and what others "left out" of it, would be noise
    isolated = {
        o for o in outlets
        if any(fact.status.get(o) in REPORTING for fact in facts) and not any(_shared_by(fact, o) for fact in facts)
    }
    for outlet in outlets:
        if outlet in isolated:
            continue
        found: list[tuple[tuple[bool, int, int, float, int], Omission]] = []
        for pos, fact in enumerate(facts):
            if fact.status.get(outlet, "silent") != "silent":
                continue
            if checkable is not None and not checkable.get(fact.id, True):
                continue
            # a claim of this outlet resembles the fact: it may tell it in other words
            if any(c.outlet == outlet for c in fact.related):
                continue
            reporters = sorted(
                (o for o, s in fact.status.items() if s in REPORTING and o != outlet and o not in isolated),
                key=lambda o: (order.get(o, len(order)), o),
            )
            if not reporters:
                continue
            near = closest.get((fact.id, outlet), 0.0) if closest is not None else 0.0
            om = Omission(
                outlet=outlet, fact_id=fact.id, support=fact.independent_support, reporters=tuple(reporters),
                confidence=round(1.0 - near, 3) if closest is not None else None,
            )
            at = place.get(fact.id, 1.0) if place is not None else 0.0
            found.append(((near >= SURE, -fact.independent_support, -len(reporters), near, at, pos), om))
        found.sort(key=lambda t: t[0])
        out.extend(om for _, om in found)
    log.debug("%d omissions over %d outlets", len(out), len(outlets))
    return tuple(out)


def _shared_by(fact: Fact, outlet: str) -> bool:
    """``outlet`` states the fact (or contradicts it) along with at least one other outlet."""
    telling = [o for o, s in fact.status.items() if s in REPORTING or s == "contradicted"]
    return outlet in telling and len(telling) > 1
