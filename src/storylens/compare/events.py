"""Events: who did what to whom, when and where, merged across the outlets that tell it.

An event is an aligned fact told by two or more outlets whose claims have an action. Each
outlet's claim is read for its roles from its article's parse, as the framing notes read them (``framing.role_fillers``: the action verb below any reporting verb, its subject as
actor, its object as target), plus the claim's resolved date and the first place it names that is
not the actor or the target. The event's values are the readings most outlets share; ``differs``
lists the roles that outlets fill differently, and every outlet's own words stay in ``versions``
as spans of its article.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Mapping, Sequence

from storylens.compare.framing import RoleFiller, role_fillers
from storylens.model import Article, Claim, ClaimRef, Entity, Event, EventVersion, Fact, Mention, text_id
from storylens.understand.time import readable_value

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["build_events", "ROLES"]

log = logging.getLogger(__name__)

ROLES = ("actor", "action", "target", "time", "place")
_PLACE_KINDS = frozenset({"GPE", "LOC", "FAC"})


def _entity_value(
    filler: RoleFiller, mentions: Sequence[Mention], names: Mapping[str, str], kinds: Mapping[str, str]
) -> str:
    """Who or what fills a role: the entity named at the role's head word; else the one person or
    organisation named in its phrase ("Prime Minister Benjamin Netanyahu", whose head the parser
    makes "Minister"); else a proper noun as written ("Gallant", not its lemma "gallant"), and any
    other head word's lemma ("ferry" in "the ferry ... off Bramcote Bay")."""
    for m in mentions:
        if m.entity_id and m.span.overlaps(filler.ref.span):
            return names.get(m.entity_id, m.text)
    agents = sorted(e for e in filler.entities if kinds.get(e) in ("PERSON", "ORG"))
    if len(agents) == 1:
        return names.get(agents[0], agents[0])
    return filler.ref.text if filler.pos == "PROPN" else filler.lemma


def _version(
    ref: ClaimRef,
    claim: Claim | None,
    fillers: Mapping[str, RoleFiller],
    article: Article,
    mentions: Sequence[Mention],
    kinds: Mapping[str, str],
    names: Mapping[str, str],
) -> tuple[EventVersion, dict[str, str]]:
    values: dict[str, str] = {}
    roles: dict[str, ClaimRef] = {}
    for role, key in (("actor", "actor"), ("action", "action"), ("object", "target")):
        f = fillers.get(role)
        if f is not None:
            roles[key] = f.ref
            values[key] = f.lemma if key == "action" else _entity_value(f, mentions, names, kinds)
    if claim is not None:
        dated = [t for t in claim.times if t.start is not None and t.type in ("DATE", "TIME")]
        if dated:
            t = dated[0]
            roles["time"] = ClaimRef(ref.article_id, ref.outlet, t.span, t.text, ref.claim_id)
            values["time"] = readable_value(t.value) if t.value else t.start.date().isoformat()  # type: ignore[union-attr]
    taken = {e for f in fillers.values() for e in f.entities}
    for m in mentions:
        if ref.span.contains(m.span) and m.entity_id and kinds.get(m.entity_id) in _PLACE_KINDS and m.entity_id not in taken:
            roles["place"] = ClaimRef(ref.article_id, ref.outlet, m.span, m.text, ref.claim_id)
            values["place"] = names.get(m.entity_id, m.text)
            break
    return EventVersion(outlet=ref.outlet, claim_id=ref.claim_id, **roles), values


def build_events(
    facts: Sequence[Fact],
    claims_by_id: Mapping[str, Claim],
    articles: Mapping[str, Article],
    mentions_by_article: Mapping[str, Sequence[Mention]],
    entities: Sequence[Entity],
    docs: Mapping[str, "Doc"],
) -> tuple[Event, ...]:
    """The events of a story, in fact order (see the module docstring); ``docs`` are the
    articles' parses by article id."""
    names = {e.id: e.name for e in entities}
    kinds = {e.id: e.kind for e in entities}
    multi = [f for f in facts if len({c.outlet for c in f.claims}) > 1]
    events: list[Event] = []
    for fact in multi:
        versions: list[EventVersion] = []
        readings: list[dict[str, str]] = []
        for ref in fact.claims:
            article = articles.get(ref.article_id)
            if article is None or ref.article_id not in docs:
                continue
            mentions = mentions_by_article.get(ref.article_id, ())
            fillers = role_fillers(docs[ref.article_id], ref, article, mentions)
            if "action" not in fillers:
                continue
            version, values = _version(
                ref, claims_by_id.get(ref.claim_id or ""), fillers, article, mentions, kinds, names
            )
            versions.append(version)
            readings.append(values)
        if len({v.outlet for v in versions}) < 2:
            continue
        summary: dict[str, str | None] = {}
        differs: list[str] = []
        for role in ROLES:
            seen = [r[role] for r in readings if role in r]
            summary[role] = Counter(seen).most_common(1)[0][0] if seen else None
            if len(set(seen)) > 1:
                differs.append(role)
        events.append(
            Event(
                id="v" + text_id(fact.id, 12),
                fact_id=fact.id,
                versions=tuple(versions),
                differs=tuple(differs),
                **summary,  # type: ignore[arg-type]
            )
        )
    log.debug("%d events from %d facts told by several outlets", len(events), len(multi))
    return tuple(events)
