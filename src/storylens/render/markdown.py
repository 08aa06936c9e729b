"""The report as Markdown (GitHub-flavoured tables), every finding followed by its evidence span."""

from __future__ import annotations

import logging
import re
from typing import Iterable, Mapping
from urllib.parse import quote, urlsplit

from storylens._version import __version__
from storylens.model import ClaimRef, Report, SourceRef, Span, StoryReport
from storylens.render import (
    OMISSIONS_SHOWN,
    STATUS_LEGEND,
    STATUS_SYMBOLS,
    articles_by_id,
    confidence_text,
    conflict_facts,
    count_line,
    distinctive_by_outlet,
    each_story,
    omissions_by_outlet,
    OMISSION_ORDER,
    omission_confidence,
    fact_status,
    format_when,
    plural,
    single_outlet_facts,
)

__all__ = ["render_markdown", "md_cell", "md_inline", "md_link"]

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
# Characters that start inline Markdown/HTML constructs (& starts an entity, ~ a strikethrough);
# escaped so article text renders verbatim.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~])")
# Control characters left after whitespace is folded: invisible in a page, and some renderers
# and terminals act on them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def md_inline(text: str) -> str:
    """Text safe to place inline in Markdown: one line, Markdown specials backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _CONTROL.sub("\ufffd", _WS.sub(" ", text).strip()))


# What may stay as it is in a link destination: the URL's own delimiters and unreserved
# characters. Everything else (spaces, newlines, <, >, |, \, quotes, non-ASCII) is
# percent-encoded, so a URL cannot end its link, its table row or its line.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def md_link(label: str, url: str | None) -> str:
    """``label`` (already escaped) linked to ``url`` when it is an http(s) URL, else the label alone."""
    if not url:
        return label
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return label
    if scheme not in ("http", "https"):
        return label  # javascript:, data: and friends are never made clickable
    return f"[{label}](<{quote(url, safe=_URL_SAFE)}>)"


def md_cell(text: str | None) -> str:
    """Text safe inside a Markdown table cell (pipes escaped too)."""
    return md_inline(text or "").replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _ref(article_id: str, span: Span) -> str:
    return f"`{article_id}` [{span.start}:{span.end}]"


def _claim_line(ref: ClaimRef) -> str:
    return f"{md_inline(ref.outlet)}: “{md_inline(ref.text)}” ({_ref(ref.article_id, ref.span)})"


def _who(src: SourceRef) -> str:
    if src.name:
        return src.name
    parts = [str(src.count) if src.count is not None else "", src.affiliation or "", src.role or ""]
    described = " ".join(p for p in parts if p)
    return f"unnamed {described}".strip() if described else "unnamed"


def _articles(sr: StoryReport) -> list[str]:
    by_id = articles_by_id(sr)
    rows = []
    for a in sr.articles:
        title = md_link(md_cell(a.title or "(untitled)"), a.url)
        original = sr.story.copies.get(a.id)
        if original:
            copied = by_id[original].outlet.name if original in by_id else original
            title += f" (copy of {md_cell(copied)})"
        published = format_when(a.published)
        if published and a.published_how:
            published += f" ({a.published_how})"
        if a.published_note:
            published = f"{published}; {a.published_note}" if published else a.published_note
        rows.append([md_cell(a.outlet.name), title, md_cell(published), md_cell(a.origin), f"`{a.id}`"])
    return ["### Articles", "", *_table(["Outlet", "Title", "Published", "Source", "Id"], rows)]


def _matrix(sr: StoryReport, numbers: Mapping[str, int]) -> list[str]:
    outlets = sr.outlets
    if not sr.facts:
        return ["### Facts × outlets", "", "_No facts were aligned for this story._"]
    rows = []
    for fact in sr.facts:
        n = numbers[fact.id]
        cells = [STATUS_SYMBOLS[fact_status(fact, o)] for o in outlets]
        rows.append(
            [f"[F{n}](#fact-{fact.id})", md_cell(fact.text), *cells,
             str(fact.independent_support), md_cell(fact.first_reported)]
        )
    lines = [
        "### Facts × outlets",
        "",
        f"{STATUS_LEGEND}. "
        "Support counts independent outlets (copies and shared sources count once).",
        "",
        *_table(["#", "Fact", *(md_cell(o) for o in outlets), "Support", "First"], rows),
        "",
        "#### Evidence",
        "",
    ]
    for fact in sr.facts:
        lines.append(f'<a id="fact-{fact.id}"></a>**F{numbers[fact.id]}** {md_inline(fact.text)}')
        lines.append("")
        lines += [f"- {_claim_line(c)}" for c in fact.claims] or ["- _no evidence_"]
        if fact.confidence is not None:
            lines.append(f"- alignment confidence: {fact.confidence:.2f}")
        lines += [
            f"- related, not the same fact ({p:.2f}): {_claim_line(c)}"
            for c, p in zip(fact.related, fact.related_confidence)
            if fact_status(fact, c.outlet) == "related"  # weaker ones only keep omissions honest
        ]
        if fact.rests_on:
            lines.append(f"- rests on: {md_inline(', '.join(fact.rests_on))}")
        lines.append("")
    return lines


def _single(sr: StoryReport, numbers: Mapping[str, int]) -> list[str]:
    only = single_outlet_facts(sr)
    if not only:
        return []
    lines = ["### Reported by one outlet only", ""]
    for outlet, facts in only.items():
        lines.append(f"**{md_inline(outlet)}**")
        lines.append("")
        lines += [f"- [F{numbers[f.id]}](#fact-{f.id}) {md_inline(f.text)}" for f in facts]
        lines.append("")
    return lines


def _conflicts(sr: StoryReport, numbers: Mapping[str, int]) -> list[str]:
    lines: list[str] = []
    for title, conflicts in (
        ("Conflicts", sr.conflicts),
        ("Possible conflicts (below the bar for a conflict: check before relying on them)", sr.possible_conflicts),
    ):
        if not conflicts:
            continue
        lines += [f"### {title}", ""]
        for c in conflicts:
            facts = " × ".join(f"[F{numbers[f]}](#fact-{f})" for f in conflict_facts(c, numbers))
            where = f" on {facts}" if facts else ""
            sure = f" ({confidence_text(c)})" if c.confidence is not None else ""
            lines.append(f"- **{md_inline(c.kind)}**{where}{sure}: {md_inline(c.detail)}")
            lines += [f"  - {_claim_line(ref)}" for ref in c.claims]
        lines.append("")
    return lines


def _quotes(sr: StoryReport) -> list[str]:
    if not any(sr.quotes.values()):
        return []
    by_id = articles_by_id(sr)
    lines = ["### Quotes", ""]
    for article_id, quotes in sr.quotes.items():
        if not quotes:
            continue
        outlet = by_id[article_id].outlet.name if article_id in by_id else article_id
        lines += [f"**{md_inline(outlet)}**", ""]
        for q in quotes:
            if q.speaker is None:
                who = "_unknown speaker_"
            else:
                who = f"**{md_inline(q.speaker.name or q.speaker.text)}** ({md_inline(q.speaker.kind)})"
            lines.append(f"- {who}, {md_inline(q.kind)}: “{md_inline(q.text)}” ({_ref(article_id, q.span)})")
        lines.append("")
    return lines


def _sources(sr: StoryReport) -> list[str]:
    if not any(sr.sources.values()):
        return []
    by_id = articles_by_id(sr)
    per_outlet: dict[str, list[list[str]]] = {}
    for article_id, sources in sr.sources.items():
        outlet = by_id[article_id].outlet.name if article_id in by_id else article_id
        for s in sources:
            per_outlet.setdefault(outlet, []).append(
                [md_cell(s.kind), md_cell(_who(s)), "" if s.count is None else str(s.count),
                 md_cell(s.role), md_cell(s.affiliation), md_cell(s.via),
                 f"“{md_cell(s.text)}” {_ref(article_id, s.span)}"]
            )
    lines = ["### Sources", ""]
    for outlet, rows in per_outlet.items():
        lines += [f"**{md_inline(outlet)}** ({plural(len(rows), 'attribution')})", ""]
        lines += _table(["Kind", "Who", "Count", "Role", "Affiliation", "Via", "Text"], rows)
        lines.append("")
    return lines


def _timeline(sr: StoryReport) -> list[str]:
    if not sr.timeline:
        return []
    lines = ["### Timeline", ""]
    for entry in sr.timeline:
        start, end = format_when(entry.start), format_when(entry.end)
        when = start if not end or end == start else f"{start} – {end}"
        lines.append(f"- **{md_inline(when or 'undated')}** {md_inline(entry.text)}")
        lines += [f"  - {_claim_line(ref)}" for ref in entry.claims]
    lines.append("")
    return lines


def _use_cell(ref: ClaimRef) -> str:
    return f"“{md_cell(ref.text)}” ({md_cell(ref.outlet)}, {_ref(ref.article_id, ref.span)})"


def _omissions(sr: StoryReport, numbers: Mapping[str, int]) -> list[str]:
    grouped = omissions_by_outlet(sr)
    if not grouped:
        return []
    texts = {f.id: f.text for f in sr.facts}
    lines = ["### Omissions", "", f"Facts other outlets reported that this outlet does not mention, {OMISSION_ORDER}.", ""]
    for outlet, oms in grouped.items():
        lines += [f"**{md_inline(outlet)}** is silent on {plural(len(oms), 'fact')} others reported", ""]
        for k, om in enumerate(oms[:OMISSIONS_SHOWN], 1):
            fact = f"[F{numbers[om.fact_id]}](#fact-{om.fact_id}) " if om.fact_id in numbers else f"`{om.fact_id}` "
            lines.append(
                f"{k}. {fact}{md_inline(texts.get(om.fact_id, ''))} — reported by "
                f"{md_inline(', '.join(om.reporters))}; support {om.support}{omission_confidence(om)}"
            )
        if len(oms) > OMISSIONS_SHOWN:
            lines.append(f"\n_… and {len(oms) - OMISSIONS_SHOWN} more (all in the JSON report)._")
        lines.append("")
    return lines


def _events(sr: StoryReport, numbers: Mapping[str, int]) -> list[str]:
    if not sr.events:
        return []
    roles = ("actor", "action", "target", "time", "place")
    lines = [
        "### Events",
        "",
        "Who did what to whom, merged across the outlets that tell it; **bold** roles are filled "
        "differently by different outlets (each outlet's own words below).",
        "",
    ]
    rows = []
    for e in sr.events:
        fact = f"[F{numbers[e.fact_id]}](#fact-{e.fact_id})" if e.fact_id in numbers else f"`{e.fact_id}`"
        cells = []
        for r in roles:
            value = md_cell(getattr(e, r) or "")
            cells.append(f"**{value}**" if r in e.differs and value else value)
        rows.append([fact, *cells])
    lines += _table(["Fact", "Actor", "Action", "Target", "Time", "Place"], rows)
    lines.append("")
    for e in sr.events:
        if not e.differs:
            continue
        fact = f"F{numbers[e.fact_id]}" if e.fact_id in numbers else e.fact_id
        for v in e.versions:
            words = [f"{r}: “{md_inline(getattr(v, r).text)}”" for r in e.differs if getattr(v, r) is not None]
            if words:
                lines.append(f"- {fact} · {md_inline(v.outlet)}: " + "; ".join(words))
    lines.append("")
    return lines


def _framing(sr: StoryReport, numbers: Mapping[str, int]) -> list[str]:
    if not sr.framing:
        return []
    names = {e.id: e.name for e in sr.entities}
    lines = ["### Framing", ""]
    naming = [n for n in sr.framing if n.kind == "naming"]
    if naming:
        rows = []
        for n in naming:
            if n.fact_id in numbers:
                about = f"[F{numbers[n.fact_id]}](#fact-{n.fact_id})"
            else:
                about = md_cell(names.get(n.entity_id or "", n.entity_id or ""))
            rows.append([about, " / ".join(_use_cell(u) for u in n.uses), md_cell(n.detail)])
        lines += ["**Naming**: the same action, thing or entity in different words.", ""]
        lines += _table(["About", "Words, by outlet", "Note"], rows)
        lines.append("")
    distinctive = distinctive_by_outlet(sr)
    if distinctive:
        lines += ["**Distinctive terms** per outlet (weighted log-odds, story as prior; z-score, uses):", ""]
        for outlet, notes in distinctive.items():
            terms = ", ".join(
                f"{md_inline(n.term or '')} (z {n.score or 0:.2f}, {len(n.uses)}×, first at "
                f"{_ref(n.uses[0].article_id, n.uses[0].span)})"
                for n in notes
            )
            lines.append(f"- **{md_inline(outlet)}**: {terms}")
        lines.append("")
    return lines


def _profiles(sr: StoryReport) -> list[str]:
    if not sr.profiles:
        return []
    lines = ["### Sourcing profiles", ""]
    for p in sr.profiles:
        rows = [
            ["Named sources", str(p.named)],
            ["Unnamed sources", str(p.unnamed)],
            ["By kind", md_cell(count_line(p.by_kind))],
            ["Anonymous officials by affiliation", md_cell(count_line(p.officials_by_affiliation))],
            ["Outlets cited", md_cell(count_line(p.outlets_cited))],
            ["Quoted", md_cell(count_line(p.quoted))],
        ]
        lines += [f"**{md_inline(p.outlet)}**", "", *_table(["", "Count"], rows), ""]
    return lines


def _story(index: int, sr: StoryReport) -> list[str]:
    numbers = {f.id: i for i, f in enumerate(sr.facts, 1)}
    n_quotes = sum(len(q) for q in sr.quotes.values())
    n_sources = sum(len(s) for s in sr.sources.values())
    lines = [
        f"## {index}. {md_inline(sr.story.title)}",
        "",
        f"Story `{sr.story.id}` · {plural(len(sr.articles), 'article')} · {plural(len(sr.outlets), 'outlet')} · "
        f"{plural(len(sr.facts), 'fact')} · {plural(len(sr.conflicts), 'conflict')}"
        f"{f' (+{len(sr.possible_conflicts)} possible)' if sr.possible_conflicts else ''} · "
        f"{plural(n_quotes, 'quote')} · {plural(n_sources, 'source')}",
        "",
        *([f"**Not compared:** {md_inline(sr.failed)}", ""] if sr.failed else []),
        *_articles(sr),
        "",
        *_matrix(sr, numbers),
        *_single(sr, numbers),
        *_conflicts(sr, numbers),
        *_quotes(sr),
        *_sources(sr),
        *_timeline(sr),
        *_omissions(sr, numbers),
        *_events(sr, numbers),
        *_framing(sr, numbers),
        *_profiles(sr),
    ]
    return lines


def render_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    lines = [
        "# storylens report",
        "",
        f"storylens {__version__} · {plural(len(report.stories), 'story', 'stories')} · "
        f"{plural(len(report.skipped), 'skipped input')}",
        "",
    ]
    for block in each_story(report, _story):
        lines += block
    if report.skipped:
        lines += ["## Skipped inputs", ""]
        lines += _table(["Source", "Reason"], ([md_cell(s.source), md_cell(s.reason)] for s in report.skipped))
        lines.append("")
    if report.duplicates:
        lines += ["## Duplicates dropped", ""]
        lines += _table(["Dropped", "Kept"], ([md_cell(d), f"`{md_cell(k)}`"] for d, k in report.duplicates.items()))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
