"""The compare stage: one :class:`StoryReport` per story.

Order: entities are linked across the story's articles (so claims, quotes and sources speak of
canonical entities), claims are aligned into facts, conflicts are found among the aligned claims
and quotes, facts get their per-outlet status, and the timeline is laid out.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from storylens.compare.align import build_facts, claim_ref, group_facts, related_claims
from storylens.compare.conflicts import find_conflicts
from storylens.compare.events import build_events
from storylens.compare.framing import framing_notes, role_fillers
from storylens.compare.omissions import find_omissions
from storylens.compare.samefact import Roles, candidates
from storylens.compare.sourcing import sourcing_profiles
from storylens.compare.timeline import build_timeline
from storylens.model import Article, ArticleAnalysis, Claim, Entity, Fact, Mention, SourceRef, Story, StoryReport
from storylens.settings import Settings
from storylens.understand.embed import Embedder, EmbedderUnavailable, TokenStates
from storylens.understand.entities import canonical_key, link_entities, mention_entity_ids
from storylens.understand.nlp import get_nlp
from storylens.understand.parse import ParseMismatch, parse_vocab, rebuild_doc

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["compare_story", "link_story", "embedding_texts", "article_docs"]

log = logging.getLogger(__name__)


def _resolve_source(
    s: SourceRef | None, index: Mapping[str, Entity], by_id: Mapping[str, Entity], mentions: Sequence[Mention]
) -> SourceRef | None:
    """Point a named source at its canonical entity and use the entity's full name: the entity
    of the mention its name is written with ("Paul" after "Rand Paul" in its article is Rand
    Paul, even when the story also names Ron Paul), else the entity of its name."""
    if s is None or not s.name or s.kind == "anonymous":
        return s
    key = canonical_key(s.name)
    last = key.split()[-1] if key else ""
    ent = None
    for m in mentions:
        if m.entity_id and s.span.contains(m.span) and canonical_key(m.text).split()[-1:] == [last]:
            ent = by_id.get(m.entity_id)
            break
    if ent is None:
        ent = index.get(key)
    if ent is None:
        return s
    return dataclasses.replace(s, name=ent.name, entity_id=ent.id)


def link_story(analyses: Sequence[ArticleAnalysis]) -> tuple[tuple[Entity, ...], tuple[ArticleAnalysis, ...]]:
    """Canonical entities of a story, and the analyses rewritten to refer to them."""
    entities, linked = link_entities({a.article.id: a.mentions for a in analyses})
    index: dict[str, Entity] = {}
    for e in entities:
        for form in (e.name, *e.aliases):
            index.setdefault(canonical_key(form), e)
    by_id = {e.id: e for e in entities}
    out = []
    for a in analyses:
        mentions = linked[a.article.id]
        sources = tuple(_resolve_source(s, index, by_id, mentions) for s in a.sources)
        quotes = tuple(
            dataclasses.replace(q, speaker=_resolve_source(q.speaker, index, by_id, mentions)) for q in a.quotes
        )
        src_by_span = {(s.span, s.kind): s for s in sources}
        claims = tuple(
            dataclasses.replace(
                c,
                entities=mention_entity_ids(mentions, c.span),
                sources=tuple(src_by_span.get((s.span, s.kind), s) for s in c.sources),
            )
            for c in a.claims
        )
        out.append(dataclasses.replace(a, mentions=mentions, sources=sources, quotes=quotes, claims=claims))
    return entities, tuple(out)


def embedding_texts(story: Story, analyses: Sequence[ArticleAnalysis]) -> list[str]:
    """The texts :func:`compare_story` embeds through ``Embedder.embed``, so that an engine can
    embed a whole run's texts beforehand, each once. The claims of a story are embedded by the
    comparison itself, together with their token states (``embed_tokens``, one forward pass that
    the same-fact decision needs), so there is nothing to embed beforehand: the engines' rounds
    stay for stages that embed sentences only."""
    return []


def article_docs(analyses: Sequence[ArticleAnalysis], settings: Settings) -> dict[str, "Doc"]:
    """Each article's parse by article id, rebuilt from its analysis (no model runs); an
    analysis without a usable parse (made elsewhere, or damaged) is parsed again."""
    docs: dict[str, Doc] = {}
    for a in analyses:
        if a.parse is not None:
            try:
                docs[a.article.id] = rebuild_doc(a.parse, a.article.text, parse_vocab())
                continue
            except ParseMismatch as exc:
                log.warning("%s: stored parse unusable (%s); parsing again", a.article.origin, exc)
        docs[a.article.id] = get_nlp(settings.spacy_model)(a.article.text)
    return docs


def _embed(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, list[TokenStates] | None]:
    """Sentence vectors and, where the embedder gives them, token states (same forward pass)."""
    embed_tokens = getattr(embedder, "embed_tokens", None)
    if embed_tokens is not None:
        try:
            return embed_tokens(texts)
        except EmbedderUnavailable as exc:
            log.warning("%s; comparing sentence vectors only", exc)
    return embedder.embed(texts), None


def claim_roles(
    claims: Sequence[Claim], articles: Mapping[str, Article], docs: Mapping[str, "Doc"], linked: Sequence[ArticleAnalysis]
) -> list[Roles]:
    """Who does what in each claim (the subject's entities, the main verb), for the same-fact
    decision: "Netanyahu nixed the trip" and "Gallant postponed the trip" read alike."""
    mentions = {a.article.id: a.mentions for a in linked}
    out = []
    for c in claims:
        doc = docs.get(c.article_id)
        fillers = (
            role_fillers(doc, claim_ref(c, articles[c.article_id]), articles[c.article_id], mentions.get(c.article_id, ()))
            if doc is not None
            else {}
        )
        actor = fillers.get("actor")
        action = fillers.get("action")
        out.append(Roles(actor.entities if actor else frozenset(), action.lemma if action else None))
    return out


def _closest(
    facts: Sequence[Fact], claims: Sequence[Claim], articles: Mapping[str, Article], prob: Mapping[tuple[int, int], float]
) -> dict[tuple[str, str], float]:
    """Per (fact, outlet): the highest same-fact probability between a claim of the fact and a
    claim of that outlet (0 when no pair of them was a candidate)."""
    index = {c.id: k for k, c in enumerate(claims)}
    outlet_of = [articles[c.article_id].outlet.name for c in claims]
    near: dict[int, dict[str, float]] = {}
    for (i, j), p in prob.items():
        for a, b in ((i, j), (j, i)):
            row = near.setdefault(a, {})
            if p > row.get(outlet_of[b], 0.0):
                row[outlet_of[b]] = p
    out: dict[tuple[str, str], float] = {}
    for fact in facts:
        for ref in fact.claims:
            k = index.get(ref.claim_id or "")
            if k is None:
                continue
            for outlet, p in near.get(k, {}).items():
                if p > out.get((fact.id, outlet), 0.0):
                    out[(fact.id, outlet)] = p
    return out


def _omission_weights(
    facts: Sequence[Fact], linked: Sequence[ArticleAnalysis]
) -> tuple[dict[str, bool], dict[str, float]]:
    """Per fact: whether its evidence names something checkable (an entity, a number, a date, a
    named source), and where its earliest claim stands in its article (0 the lede, 1 the end)."""
    claim_of: dict[str, Claim] = {}
    place_of: dict[str, float] = {}
    for a in linked:
        starts = sorted({(c.sentence or c.span).start for c in a.claims})
        rank = {st: k for k, st in enumerate(starts)}
        last = max(1, len(starts) - 1)
        for c in a.claims:
            claim_of[c.id] = c
            place_of[c.id] = rank[(c.sentence or c.span).start] / last
    checkable: dict[str, bool] = {}
    place: dict[str, float] = {}
    for fact in facts:
        own = [claim_of[r.claim_id] for r in fact.claims if r.claim_id in claim_of]
        if not own:
            continue
        checkable[fact.id] = any(
            c.entities or c.quantities or c.times or any(s.name for s in c.sources) for c in own
        )
        place[fact.id] = min(place_of[c.id] for c in own)
    return checkable, place


def compare_story(
    story: Story, analyses: Sequence[ArticleAnalysis], settings: Settings, embedder: Embedder
) -> StoryReport:
    """The cross-outlet report of one story from the analyses of its articles."""
    by_id = {a.article.id: a for a in analyses}
    ordered = [by_id[aid] for aid in story.article_ids]
    entities, linked = link_story(ordered)
    articles = {a.article.id: a.article for a in linked}
    outlets = list(dict.fromkeys(a.outlet.name for a in articles.values()))
    claims = [c for a in linked for c in a.claims]
    quotes = {a.article.id: a.quotes for a in linked}
    related: dict[int, dict[int, float]] = {}
    prob: dict[tuple[int, int], float] = {}
    docs: dict[str, Doc] | None = None
    if len(articles) > 1:
        texts = [c.text for c in claims]
        vectors, tokens = _embed(embedder, texts)
        docs = article_docs(linked, settings)
        cand = candidates(claims, texts, vectors, tokens, claim_roles(claims, articles, docs, linked))
        sim = cand.cosine
        art_of = [c.article_id for c in claims]
        groups, prob = group_facts(
            art_of, cand.pairs, cand.probabilities(), settings.fact_threshold, settings.link_threshold
        )
        related = related_claims(
            groups, art_of, prob, min(settings.related_threshold, settings.omission_threshold), settings.fact_threshold
        )
    else:
        # a single article has nothing to align with: every claim is its own fact, no embedding
        sim = np.eye(len(claims), dtype=np.float32)
        groups = [[i] for i in range(len(claims))]
    # roles, descriptors and what values are of are read from the articles' parses, needed
    # only when outlets can differ
    if len(outlets) < 2:
        docs = None
    mentions = {a.article.id: a.mentions for a in linked}
    found = find_conflicts(groups, claims, articles, quotes, entities, docs=docs, embedder=embedder, mentions=mentions)
    conflicts = found.conflicts
    facts = build_facts(
        groups, claims, sim, articles, outlets, copies=story.copies, contradicted=found.contradicted,
        related=related, prob=prob, related_at=settings.related_threshold,
    )
    timeline = build_timeline(facts, {c.id: c for c in claims}, articles)
    log.info(
        "story %s: %d articles, %d claims, %d facts, %d conflicts",
        story.id, len(articles), len(claims), len(facts), len(conflicts),
    )
    claims_by_id = {c.id: c for c in claims}
    return StoryReport(
        story=story,
        articles=tuple(articles.values()),
        entities=entities,
        mentions=mentions,
        facts=facts,
        conflicts=conflicts,
        possible_conflicts=found.possible,
        quotes=quotes,
        sources={a.article.id: a.sources for a in linked},
        timeline=timeline,
        framing=framing_notes(facts, claims_by_id, articles, entities, mentions, docs=docs),
        profiles=sourcing_profiles(tuple(articles.values()), {a.article.id: a.sources for a in linked}, quotes),
        omissions=find_omissions(
            facts, outlets, _closest(facts, claims, articles, prob), *_omission_weights(facts, linked)
        ),
        events=build_events(facts, claims_by_id, articles, mentions, entities, docs) if docs is not None else (),
    )
