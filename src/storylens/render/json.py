"""The JSON report: the public, stable contract of storylens (validated by ``report.schema.json``).

Every ``span`` is ``[start, end]`` into the ``text`` of the article named by the nearest
``article_id``; ``text[start:end]`` is exactly the ``text`` shown next to it.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from storylens._version import __version__
from storylens.render import each_story
from storylens.model import (
    Article,
    ClaimRef,
    Conflict,
    Entity,
    Event,
    Fact,
    FramingNote,
    Mention,
    Omission,
    Quote,
    Report,
    SourceRef,
    SourcingProfile,
    Span,
    StoryReport,
    TimelineEntry,
)

__all__ = ["SCHEMA_PATH", "load_schema", "report_to_dict", "render_json"]

log = logging.getLogger(__name__)

SCHEMA_PATH: Path = Path(__file__).with_name("report.schema.json")


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report produced by :func:`report_to_dict`."""
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _span(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _claim(ref: ClaimRef) -> dict[str, Any]:
    return {
        "article_id": ref.article_id,
        "outlet": ref.outlet,
        "span": _span(ref.span),
        "text": ref.text,
        "claim_id": ref.claim_id,
    }


def _article(article: Article, copies: Mapping[str, str], with_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": article.id,
        "outlet": article.outlet.name,
        "title": article.title,
        "url": article.url,
        "published": _when(article.published),
        "source": article.origin,
        "outlet_kind": article.outlet.kind,
        "outlet_domain": article.outlet.domain,
        "published_how": article.published_how,
        "published_note": article.published_note,
        "published_earliest": article.meta.get("published_earliest"),
        "published_earliest_how": article.meta.get("published_earliest_how"),
        "byline": article.byline,
        "language": article.language,
        "copy_of": copies.get(article.id),
    }
    if with_text:
        out["text"] = article.text
    return out


def _fact(fact: Fact, outlets: tuple[str, ...]) -> dict[str, Any]:
    # Every outlet of the story gets a status, so consumers can draw the matrix from this alone;
    # an outlet the compare stage did not list said nothing about the fact.
    status = {o: fact.status.get(o, "silent") for o in outlets}
    status.update((o, s) for o, s in fact.status.items() if o not in status)
    return {
        "id": fact.id,
        "text": fact.text,
        "claims": [_claim(c) for c in fact.claims],
        "status": status,
        "independent_support": fact.independent_support,
        "rests_on": list(fact.rests_on),
        "first_reported": fact.first_reported,
        "confidence": fact.confidence,
        "related": [
            {**_claim(c), "confidence": p} for c, p in zip(fact.related, fact.related_confidence)
        ],
    }


def _conflict(conflict: Conflict) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "kind": conflict.kind,
        "fact_id": conflict.fact_id,
        "detail": conflict.detail,
        "claims": [_claim(c) for c in conflict.claims],
        "confidence": conflict.confidence,
        "fact_ids": list(conflict.fact_ids or ((conflict.fact_id,) if conflict.fact_id else ())),
    }


def _speaker(ref: SourceRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    # ``name`` is the canonical name (may differ from the words in the text), ``text`` the words.
    return {
        "name": ref.name if ref.name is not None else ref.text,
        "kind": ref.kind,
        "span": _span(ref.span),
        "text": ref.text,
        "entity_id": ref.entity_id,
    }


def _quote(article_id: str, quote: Quote) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "span": _span(quote.span),
        "text": quote.text,
        "kind": quote.kind,
        "speaker": _speaker(quote.speaker),
        "cue_span": _span(quote.cue),
    }


def _source(article_id: str, ref: SourceRef) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "span": _span(ref.span),
        "text": ref.text,
        "kind": ref.kind,
        "name": ref.name,
        "count": ref.count,
        "role": ref.role,
        "affiliation": ref.affiliation,
        "via": ref.via,
        "entity_id": ref.entity_id,
        "cue_span": _span(ref.cue),
    }


def _timeline(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "start": _when(entry.start),
        "end": _when(entry.end),
        "text": entry.text,
        "claims": [_claim(c) for c in entry.claims],
    }


def _framing(note: FramingNote) -> dict[str, Any]:
    return {
        "kind": note.kind,
        "detail": note.detail,
        "outlet": note.outlet,
        "term": note.term,
        "fact_id": note.fact_id,
        "entity_id": note.entity_id,
        "score": note.score,
        "uses": [_claim(u) for u in note.uses],
    }


def _profile(p: SourcingProfile) -> dict[str, Any]:
    return {
        "outlet": p.outlet,
        "named": p.named,
        "unnamed": p.unnamed,
        "by_kind": dict(p.by_kind),
        "officials_by_affiliation": dict(p.officials_by_affiliation),
        "outlets_cited": dict(p.outlets_cited),
        "quoted": dict(p.quoted),
    }


def _omission(o: Omission) -> dict[str, Any]:
    return {
        "outlet": o.outlet, "fact_id": o.fact_id, "support": o.support, "reporters": list(o.reporters),
        "confidence": o.confidence,
    }


def _entities(entities: tuple[Entity, ...], mentions: Mapping[str, tuple[Mention, ...]]) -> list[dict[str, Any]]:
    by_entity: dict[str, list[dict[str, Any]]] = {e.id: [] for e in entities}
    for article_id, article_mentions in mentions.items():
        for m in article_mentions:
            if m.entity_id is None:
                continue
            if m.entity_id not in by_entity:
                log.debug("mention %r links to unknown entity %s", m.text, m.entity_id)
                continue
            by_entity[m.entity_id].append(
                {"article_id": article_id, "span": _span(m.span), "text": m.text, "label": m.label}
            )
    return [
        {
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "aliases": list(e.aliases),
            "stands_for": e.stands_for,
            "mentions": by_entity[e.id],
        }
        for e in entities
    ]


def _story(sr: StoryReport, with_text: bool) -> dict[str, Any]:
    story = sr.story
    return {
        "id": story.id,
        "title": story.title,
        "failed": sr.failed,
        "period": [_when(story.period[0]), _when(story.period[1])],
        "outlets": list(sr.outlets),
        "articles": [_article(a, story.copies, with_text) for a in sr.articles],
        "facts": [_fact(f, sr.outlets) for f in sr.facts],
        "conflicts": [_conflict(c) for c in sr.conflicts],
        "possible_conflicts": [_conflict(c) for c in sr.possible_conflicts],
        "quotes": [_quote(aid, q) for aid, qs in sr.quotes.items() for q in qs],
        "sources": [_source(aid, s) for aid, ss in sr.sources.items() for s in ss],
        "timeline": [_timeline(t) for t in sr.timeline],
        "entities": _entities(sr.entities, sr.mentions),
        "framing": [_framing(f) for f in sr.framing],
        "profiles": [_profile(p) for p in sr.profiles],
        "omissions": [_omission(o) for o in sr.omissions],
        "events": [_event(e) for e in sr.events],
    }


def _event(e: Event) -> dict[str, Any]:
    roles = ("actor", "action", "target", "time", "place")
    return {
        "id": e.id,
        "fact_id": e.fact_id,
        **{r: getattr(e, r) for r in roles},
        "differs": list(e.differs),
        "versions": [
            {
                "outlet": v.outlet,
                "claim_id": v.claim_id,
                **{r: (_claim(getattr(v, r)) if getattr(v, r) is not None else None) for r in roles},
            }
            for v in e.versions
        ],
    }


def report_to_dict(report: Report, *, with_text: bool = False) -> dict[str, Any]:
    """The JSON-ready report; ``with_text`` adds each article's full ``text``."""
    return {
        "storylens": __version__,
        "stories": each_story(report, lambda _, sr: _story(sr, with_text)),
        "skipped": [{"source": s.source, "reason": s.reason} for s in report.skipped],
        "duplicates": dict(report.duplicates),
    }


def render_json(report: Report, *, with_text: bool = False) -> str:
    """The report as a JSON string (indented, UTF-8 characters kept as is)."""
    return json.dumps(report_to_dict(report, with_text=with_text), indent=2, ensure_ascii=False)
