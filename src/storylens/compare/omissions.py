"""Omissions: for each outlet, the facts other outlets reported and it did not.

An omission is only as interesting as the fact left out is well supported, so each outlet's
omissions are ranked by the fact's independent support (copies and shared sources count once),
then by how many outlets reported it at all. An outlet with a claim that resembles the fact, even
weakly (``Fact.related``), is not listed: it may tell the fact in other words, and a false
omission costs a reader's trust more than a missing one.
"""

from __future__ import annotations

import logging
from typing import Sequence

from storylens.model import Fact, Omission

__all__ = ["find_omissions", "REPORTING"]

log = logging.getLogger(__name__)

# A hedged report ("reportedly", "is expected to") still puts the fact in front of the reader,
# so it counts as reporting; a contradiction is a disagreement, not a silence.
REPORTING = frozenset({"reported", "hedged"})


def find_omissions(facts: Sequence[Fact], outlets: Sequence[str]) -> tuple[Omission, ...]:
    """Per outlet (in ``outlets`` order), the facts it is silent on that another outlet reported.

    An outlet missing from ``Fact.status`` is silent. ``reporters`` lists the outlets that
    reported or hedged the fact, in ``outlets`` order (outlets only named in a status follow).
    Within an outlet: most independent support first, then most reporters, then fact order.
    """
    out: list[Omission] = []
    order = {o: k for k, o in enumerate(outlets)}
    for outlet in outlets:
        found: list[tuple[tuple[int, int, int], Omission]] = []
        for pos, fact in enumerate(facts):
            if fact.status.get(outlet, "silent") != "silent":
                continue
            # a claim of this outlet resembles the fact: it may tell it in other words
            if any(c.outlet == outlet for c in fact.related):
                continue
            reporters = sorted(
                (o for o, s in fact.status.items() if s in REPORTING and o != outlet),
                key=lambda o: (order.get(o, len(order)), o),
            )
            if not reporters:
                continue
            om = Omission(outlet=outlet, fact_id=fact.id, support=fact.independent_support, reporters=tuple(reporters))
            found.append(((-fact.independent_support, -len(reporters), pos), om))
        found.sort(key=lambda t: t[0])
        out.extend(om for _, om in found)
    log.debug("%d omissions over %d outlets", len(out), len(outlets))
    return tuple(out)
