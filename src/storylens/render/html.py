"""The report as one self-contained HTML page (inline CSS, no external resources, no script).

Every claim, quote and source links to ``#a-<article_id>-<start>-<end>``, an element inside the
full text of its article printed at the bottom of the page, where each evidence span is wrapped
in ``<mark>``. Overlapping spans are split into segments at every span boundary, so that each
character is marked once and every span still has its own anchor at its first character.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Iterable

import jinja2

from storylens._version import __version__
from storylens.model import Article, Report, Span, StoryReport
from storylens.render import (
    each_story,
    OMISSIONS_SHOWN,
    STATUS_LEGEND,
    STATUS_SYMBOLS,
    articles_by_id,
    confidence_text,
    conflict_facts,
    count_line,
    distinctive_by_outlet,
    omissions_by_outlet,
    OMISSION_ORDER,
    fact_status,
    format_when,
    plural,
    outlet_claim,
    single_outlet_facts,
    story_claims,
)

__all__ = ["render_html", "template_environment", "anchor_id", "article_anchor_id", "Segment", "segment_text", "evidence_spans"]

log = logging.getLogger(__name__)

# HTML ids may not contain whitespace; anything outside this set is replaced so that ids from
# user-supplied records (JSONL "id") still give valid, unique-enough anchors.
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def article_anchor_id(article_id: str) -> str:
    """The HTML id of an article's full text at the bottom of the page."""
    return f"art-{_ID_UNSAFE.sub('_', article_id)}"


def anchor_id(article_id: str, span: Span) -> str:
    """The HTML id of an evidence span: ``a-<article_id>-<start>-<end>``."""
    return f"a-{_ID_UNSAFE.sub('_', article_id)}-{span.start}-{span.end}"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text between two span boundaries.

    ``depth`` is how many evidence spans cover it (0 = plain text); ``anchors`` are the ids of
    the spans that start at its first character, longest span first.
    """

    text: str
    depth: int
    anchors: tuple[str, ...] = ()


def segment_text(article_id: str, text: str, spans: Iterable[Span]) -> list[Segment]:
    """Split ``text`` at every boundary of ``spans``; the segments concatenate back to ``text``."""
    n = len(text)
    unique = sorted(set(spans), key=lambda s: (s.start, -s.end))
    starts: dict[int, list[str]] = {}
    delta: dict[int, int] = {}
    bounds = {0, n}
    for span in unique:
        start, end = min(span.start, n), min(span.end, n)
        if span.end > n:
            log.warning("span %s-%s is past the end of article %s (%d chars)", span.start, span.end, article_id, n)
        starts.setdefault(start, []).append(anchor_id(article_id, span))
        bounds.update((start, end))
        if end > start:
            delta[start] = delta.get(start, 0) + 1
            delta[end] = delta.get(end, 0) - 1
    ordered = sorted(bounds)
    segments: list[Segment] = []
    depth = 0
    for a, b in zip(ordered, ordered[1:]):
        depth += delta.get(a, 0)
        segments.append(Segment(text[a:b], depth, tuple(starts.pop(a, ()))))
    # Zero-length spans at the very end of the text still need their anchor.
    for ids in starts.values():
        segments.append(Segment("", 0, tuple(ids)))
    return segments


def evidence_spans(sr: StoryReport) -> dict[str, set[Span]]:
    """Every span a story links to, by article id.

    Claims (of facts, conflicts and the timeline), quotes and their speakers, sources, and the
    uses of framing notes (the words they point at).
    """
    out: dict[str, set[Span]] = {}
    for ref in story_claims(sr):
        out.setdefault(ref.article_id, set()).add(ref.span)
    for article_id, quotes in sr.quotes.items():
        out.setdefault(article_id, set()).update(q.span for q in quotes)
        out[article_id].update(q.speaker.span for q in quotes if q.speaker is not None)
    for article_id, sources in sr.sources.items():
        out.setdefault(article_id, set()).update(s.span for s in sources)
    for note in sr.framing:
        for use in note.uses:
            out.setdefault(use.article_id, set()).add(use.span)
    return out


def template_environment(package: str) -> jinja2.Environment:
    """Jinja2 over the ``templates`` folder of ``package``: everything escaped, undefined names
    an error. (PackageLoader reads through importlib.resources, so it works from a wheel too.)"""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = template_environment("storylens.render")
    env.globals.update(
        anchor=anchor_id,
        art_id=article_anchor_id,
        when=format_when,
        plural=plural,
        status_of=fact_status,
        symbols=STATUS_SYMBOLS,
        legend=STATUS_LEGEND,
        is_span=lambda value: isinstance(value, Span),
        count_line=count_line,
        conflict_facts=conflict_facts,
        confidence_text=confidence_text,
    )
    return env


@dataclass(frozen=True, slots=True)
class _ArticleView:
    article: Article
    story_title: str
    copy_of: str | None
    segments: list[Segment]
    n_marks: int


def _story_view(sr: StoryReport) -> dict[str, object]:
    by_id = articles_by_id(sr)
    numbers = {f.id: i for i, f in enumerate(sr.facts, 1)}
    first_claim = {
        (f.id, o): outlet_claim(f, o) for f in sr.facts for o in sr.outlets
    }
    outlet_of = {aid: a.outlet.name for aid, a in by_id.items()}
    sources_by_outlet: dict[str, list[tuple[str, object]]] = {}
    for aid, sources in sr.sources.items():
        for s in sources:
            sources_by_outlet.setdefault(outlet_of.get(aid, aid), []).append((aid, s))
    return {
        "sr": sr,
        "numbers": numbers,
        "first_claim": first_claim,
        "related_outlets": {f.id: [o for o, s in f.status.items() if s == "related"] for f in sr.facts},
        "outlet_of": outlet_of,
        "single": single_outlet_facts(sr),
        "sources_by_outlet": sources_by_outlet,
        "facts_by_id": {f.id: f for f in sr.facts},
        "omissions": omissions_by_outlet(sr),
        "omissions_shown": OMISSIONS_SHOWN,
        "omission_order": OMISSION_ORDER,
        "naming": [n for n in sr.framing if n.kind == "naming"],
        "distinctive": distinctive_by_outlet(sr),
        "entity_names": {e.id: e.name for e in sr.entities},
        "n_quotes": sum(len(q) for q in sr.quotes.values()),
        "n_sources": sum(len(s) for s in sr.sources.values()),
    }


def _article_views(report: Report) -> list[_ArticleView]:
    spans: dict[str, set[Span]] = {}
    for sr in report.stories:
        for aid, found in evidence_spans(sr).items():
            spans.setdefault(aid, set()).update(found)
    views: list[_ArticleView] = []
    seen: set[str] = set()
    known: set[str] = set()
    for sr in report.stories:
        known.update(a.id for a in sr.articles)
        for a in sr.articles:
            if a.id in seen:
                continue
            seen.add(a.id)
            found = spans.get(a.id, set())
            views.append(
                _ArticleView(a, sr.story.title, sr.story.copies.get(a.id), segment_text(a.id, a.text, found), len(found))
            )
    for missing in sorted(set(spans) - known):
        log.warning("evidence points to article %s, which is not in any story; its links will not resolve", missing)
    return views


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML page."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        version=__version__,
        report=report,
        stories=each_story(report, lambda _, sr: _story_view(sr)),
        articles=_article_views(report),
    )
