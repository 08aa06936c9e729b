"""Render stage: a :class:`~storylens.model.Report` as terminal text, Markdown, JSON or HTML.

Every renderer shows or links the exact characters each finding came from; none of them
computes a finding of its own. The small helpers here are shared by the renderers so that the
facts x outlets matrix means the same thing in every format.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from typing import Callable, Iterator, Mapping, TypeVar

from storylens.model import Article, ClaimRef, Conflict, Fact, FramingNote, Omission, Report, StoryReport

__all__ = [
    "skip_reasons",
    "run_summary",
    "FORMATS",
    "UnknownFormat",
    "render",
    "STATUS_SYMBOLS",
    "fact_status",
    "single_outlet_facts",
    "speaking_outlets",
    "coverage_counts",
    "story_claims",
    "conflict_facts",
    "confidence_text",
    "omission_confidence",
    "OMISSION_ORDER",
    "format_when",
    "articles_by_id",
    "plural",
    "omissions_by_outlet",
    "distinctive_by_outlet",
    "count_line",
    "OMISSIONS_SHOWN",
    "terminal_safe",
    "STATUS_LEGEND",
    "SPEAKING",
    "outlet_claim",
    "each_story",
]

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("text", "md", "json", "html")

# Cell symbols of the facts x outlets matrix; an outlet absent from ``Fact.status`` is silent.
STATUS_SYMBOLS: dict[str, str] = {"reported": "✓", "hedged": "~", "contradicted": "✗", "related": "≈", "silent": ""}

# What the marks mean, for every renderer's legend.
STATUS_LEGEND = (
    "✓ reported · ~ hedged · ✗ contradicted · ≈ a related statement, not the same fact (not "
    "counted as reporting it) · blank: silent"
)
# Statuses under which an outlet tells the reader the fact.
SPEAKING = frozenset({"reported", "hedged", "contradicted"})


# What input must never send to a terminal: C0 and C1 controls (ESC and CSI start escape
# sequences that move the cursor, retitle the window or rewrite earlier lines), DEL,
# bidirectional overrides and isolates (they reorder what is shown), and lone surrogates
# (not encodable: printing one raises). Newlines too where a name must stay one line.
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TERMINAL_UNSAFE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def terminal_safe(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every character that could drive a terminal shown as an escape (``\\x1b``).

    ``keep_lines`` leaves newlines and tabs alone (for text laid out in lines already).
    """
    return (_TERMINAL_UNSAFE_IN_LINES if keep_lines else _TERMINAL_UNSAFE).sub(_escaped, text)


_R = TypeVar("_R")


def each_story(report: Report, render_one: Callable[[int, StoryReport], _R]) -> list[_R]:
    """``render_one(index, story)`` for every story of the report, in order.

    The render stage's safety net: a story whose rendering raises is rendered again without its
    findings, its ``failed`` saying why, and the rest of the report is written as usual.
    """
    out: list[_R] = []
    for index, sr in enumerate(report.stories, 1):
        try:
            out.append(render_one(index, sr))
        except Exception as exc:  # one story's bad data or a renderer bug must not cost the report
            log.exception("story %s: rendering failed", sr.story.id)
            reason = f"rendering failed: {type(exc).__name__}: {exc}"
            out.append(render_one(index, StoryReport(sr.story, sr.articles, entities=(), mentions={}, failed=reason)))
    return out


class UnknownFormat(ValueError):
    """The requested output format is not one of FORMATS."""


def fact_status(fact: Fact, outlet: str) -> str:
    """What ``outlet`` does with ``fact``: reported | hedged | contradicted | related | silent."""
    return fact.status.get(outlet, "silent")


def outlet_claim(fact: Fact, outlet: str) -> ClaimRef | None:
    """The claim behind ``outlet``'s mark: its first claim of the fact, else its related one."""
    for c in (*fact.claims, *fact.related):
        if c.outlet == outlet:
            return c
    return None


def single_outlet_facts(sr: StoryReport) -> dict[str, list[Fact]]:
    """Facts that exactly one outlet of the story mentions at all (in story outlet order)."""
    out: dict[str, list[Fact]] = {o: [] for o in sr.outlets}
    for fact in sr.facts:
        speaking = speaking_outlets(fact, sr.outlets)
        if len(speaking) == 1 and len(sr.outlets) > 1:
            out[speaking[0]].append(fact)
    return {o: fs for o, fs in out.items() if fs}


def speaking_outlets(fact: Fact, outlets: "tuple[str, ...] | list[str]") -> list[str]:
    """The outlets (in story order) that tell the reader ``fact``: reported, hedged or contradicted
    (a related statement is not the fact)."""
    return [o for o in outlets if fact_status(fact, o) in SPEAKING]


def coverage_counts(sr: StoryReport) -> tuple[int, int]:
    """(facts told by more than one outlet, facts only one outlet of several told)."""
    outlets = sr.outlets
    told = [len(speaking_outlets(f, outlets)) for f in sr.facts]
    return sum(1 for n in told if n > 1), sum(1 for n in told if n == 1 and len(outlets) > 1)


def story_claims(sr: StoryReport) -> Iterator[ClaimRef]:
    """Every claim reference shown anywhere in a story (facts, conflicts, timeline)."""
    for fact in sr.facts:
        yield from fact.claims
        yield from fact.related
    for conflict in (*sr.conflicts, *sr.possible_conflicts):
        yield from conflict.claims
    for entry in sr.timeline:
        yield from entry.claims


def conflict_facts(conflict: Conflict, numbers: Mapping[str, int]) -> list[str]:
    """The ids of the facts a conflict's claims stand in that the report numbers, first fact first."""
    ids = conflict.fact_ids or ((conflict.fact_id,) if conflict.fact_id else ())
    return [f for f in dict.fromkeys(ids) if f in numbers]


# How the omissions of an outlet are ordered (compare/omissions.py), in the reports' words.
OMISSION_ORDER = (
    "each naming something to check (a name, number, date or source); surest first (nothing the outlet "
    "wrote is even loosely like the fact), then best supported, then nearest the top of its article"
)


def omission_confidence(om: Omission) -> str:
    """ "; confidence 0.97", or "" for an omission without one."""
    return "" if om.confidence is None else f"; confidence {om.confidence:.2f}"


def confidence_text(conflict: Conflict) -> str:
    """ "confidence 0.82", or "" for a conflict without one."""
    return "" if conflict.confidence is None else f"confidence {conflict.confidence:.2f}"


# Omissions listed per outlet in Markdown and HTML before the rest are folded away: a long story
# has dozens of one-outlet facts, and the best supported omissions come first.
OMISSIONS_SHOWN = 10


def omissions_by_outlet(sr: StoryReport) -> dict[str, list[Omission]]:
    """The story's omissions grouped by outlet (story outlet order, ranking kept)."""
    out: dict[str, list[Omission]] = {}
    for om in sr.omissions:
        out.setdefault(om.outlet, []).append(om)
    order = {o: k for k, o in enumerate(sr.outlets)}
    return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], len(order))))


def distinctive_by_outlet(sr: StoryReport) -> dict[str, list[FramingNote]]:
    """Distinctive-term notes grouped by outlet, highest score first."""
    out: dict[str, list[FramingNote]] = {}
    for note in sr.framing:
        if note.kind == "distinctive" and note.outlet:
            out.setdefault(note.outlet, []).append(note)
    return {o: sorted(ns, key=lambda n: -(n.score or 0.0)) for o, ns in out.items()}


def count_line(counts: "dict[str, int] | None", sep: str = " · ") -> str:
    """``"anonymous 9 · person 3"`` from a name -> count map ('' when empty)."""
    return sep.join(f"{name} {n}" for name, n in (counts or {}).items())


def format_when(value: datetime | None, *, date_only: bool = False) -> str:
    """A short human form of a datetime ('' when unknown)."""
    if value is None:
        return ""
    if date_only or (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%Y-%m-%d")
    text = value.strftime("%Y-%m-%d %H:%M")
    return f"{text} {value.strftime('%Z') or value.strftime('%z')}".rstrip()


def plural(count: int, word: str, many: str | None = None) -> str:
    """``"1 fact"``, ``"2 facts"``; ``many`` for irregular plurals ("story", "stories")."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def articles_by_id(sr: StoryReport) -> dict[str, Article]:
    """The story's articles keyed by id."""
    return {a.id: a for a in sr.articles}


def skip_reasons(report: Report) -> list[tuple[str, int]]:
    """Skipped inputs counted by kind of reason (the reason up to its first colon), most first."""
    counts: dict[str, int] = {}
    for item in report.skipped:
        kind = item.reason.split(":", 1)[0].strip() or item.reason
        kind = kind if len(kind) <= 60 else kind[:59] + "…"
        counts[kind] = counts.get(kind, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def run_summary(report: Report) -> str:
    """One paragraph for the end of a run: read, stories, skipped by reason, duplicates, copies."""
    n_articles = sum(len(s.articles) for s in report.stories)
    n_copies = sum(len(s.story.copies) for s in report.stories)
    parts = [
        f"{plural(n_articles, 'article')} in {plural(len(report.stories), 'story', 'stories')}",
        f"{plural(len(report.duplicates), 'exact duplicate')} dropped",
        f"{plural(n_copies, 'copy', 'copies')} of another article (counted once)",
        f"{len(report.skipped)} skipped",
    ]
    line = "; ".join(parts)
    reasons = skip_reasons(report)
    if reasons:
        line += " (" + ", ".join(f"{kind}: {n}" for kind, n in reasons) + ")"
    return line


def render(report: Report, fmt: str, *, with_text: bool = False) -> str:
    """The report in one of :data:`FORMATS`; ``with_text`` applies to JSON only."""
    # Renderers are imported on use so that asking for JSON does not import jinja2 or rich.
    if fmt == "json":
        from storylens.render.json import render_json

        return render_json(report, with_text=with_text)
    if fmt == "md":
        from storylens.render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from storylens.render.html import render_html

        return render_html(report)
    if fmt == "text":
        from rich.console import Console

        from storylens.render.text import render_text

        console = Console(record=True, width=120, file=io.StringIO(), color_system=None)
        render_text(report, console)
        return console.export_text()
    raise UnknownFormat(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
