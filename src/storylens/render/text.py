"""Compact terminal output with rich: per story the outlets, the facts matrix, conflicts, counts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timezone

from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from storylens.model import Report, StoryReport
from storylens.render import (
    confidence_text,
    conflict_facts,
    coverage_counts,
    fact_status,
    format_when,
    omissions_by_outlet,
    plural,
)

__all__ = ["render_text", "render_story_lines", "StoryLine", "story_line", "TERMINAL_SYMBOLS", "LEGEND", "MANY_STORIES"]

log = logging.getLogger(__name__)

# In a terminal a blank cell reads as missing data, so silence gets a visible dot here.
TERMINAL_SYMBOLS: dict[str, tuple[str, str]] = {
    "reported": ("✓", "green"),
    "hedged": ("~", "yellow"),
    "contradicted": ("✗", "bold red"),
    "related": ("≈", "cyan"),
    "silent": ("·", "dim"),
}

LEGEND = "✓ reported · ~ hedged · ✗ contradicted · ≈ related statement, not the same fact · · silent · Sup: independent support (copies and reports resting on one source count once)"
# Above this many stories a run prints one line per story (``--full`` prints every table): 50
# BASIL stories in full were 4,300 lines.
MANY_STORIES = 5
SHORT_ID = 8
# The terminal is an overview: the best supported omissions and the first naming differences;
# the Markdown, HTML and JSON reports have them all.
_OMISSIONS_NAMED = 3
_NAMING_SHOWN = 3


def _flat(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class StoryLine:
    """What the one-line-per-story summary shows of a story."""

    id: str
    title: str
    when: str
    articles: int
    outlets: int
    facts: int
    shared: int
    single: int
    conflicts: int


def story_line(sr: StoryReport) -> StoryLine:
    """The summary line of a story report."""
    shared, single = coverage_counts(sr)
    last = max((a.published for a in sr.articles if a.published is not None), default=None, key=_utc_key)
    return StoryLine(sr.story.id, sr.story.title, format_when(last, date_only=True), len(sr.articles),
                     len(sr.outlets), len(sr.facts), shared, single, len(sr.conflicts))


def _utc_key(value):  # type: ignore[no-untyped-def]
    return value.timestamp() if value.tzinfo is not None else value.replace(tzinfo=timezone.utc).timestamp()


def render_story_lines(lines: list[StoryLine], console: Console, *, start: int = 1) -> None:
    """One line per story: date, title (cut to the width left), outlets, facts, conflicts, id."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True, min_width=len(str(start + len(lines))))
    table.add_column("Date", no_wrap=True, style="dim", min_width=10)
    # ids are shown by their first characters, as git shows commits; `show` takes the prefix
    id_width = SHORT_ID
    numbers = ("Out", "Facts", "Shared", "One", "✗")
    # the title gets what the other columns leave (each column costs its width, 2 of padding and
    # 1 of separator)
    fixed = len(str(start + len(lines))) + 10 + sum(max(len(n), 3) for n in numbers) + id_width + 3 * 8
    table.add_column("Story", overflow="ellipsis", no_wrap=True, width=max(12, console.width - fixed))
    for name in numbers:
        table.add_column(name, justify="right", no_wrap=True, min_width=max(len(name), 3))
    table.add_column("Id", no_wrap=True, style="dim", width=id_width)
    for k, line in enumerate(lines, start):
        table.add_row(str(k), line.when or "undated", Text(_flat(line.title)), str(line.outlets), str(line.facts),
                      str(line.shared), str(line.single), Text(str(line.conflicts), style="bold red" if line.conflicts else ""),
                      line.id[:SHORT_ID])
    console.print(table)
    console.print(Text("Out: outlets · Shared: facts told by several outlets · One: facts only one outlet told · ✗: conflicts", style="dim"))


def outlet_codes(outlets: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Short, unique column headers: initials of a multi-word name, else its first letters.

    Full outlet names do not fit as columns once a story has more than two or three outlets in
    an 80-column terminal; the codes are explained in the story's outlet line.
    """
    codes: dict[str, str] = {}
    used: set[str] = set()
    for name in outlets:
        words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
        if len(words) > 1:
            base = "".join(w[0].upper() if not w.isupper() else w for w in words)[:5]
        else:
            base = (words[0] if words else name)[:4]
        code, k = base, 2
        while code in used:
            code, k = f"{base}{k}", k + 1
        used.add(code)
        codes[name] = code
    return codes


def _story(console: Console, index: int, sr: StoryReport) -> None:
    console.print(Rule(Text(f"{index}. {sr.story.title}", style="bold"), align="left"))
    if sr.failed:
        console.print(Text(f"  not compared: {sr.failed}", style="yellow"))
    codes = outlet_codes(sr.outlets)
    # one line per outlet: the code that heads its column, the name, when, and whether a copy
    for a in sr.articles:
        line = Text("  ")
        line.append(f"[{codes[a.outlet.name]}] ", style="bold")
        line.append(a.outlet.name, style="cyan")
        when = format_when(a.published)
        if when:
            line.append(f" ({when})", style="dim")
        if a.id in sr.story.copies:
            line.append(" [copy]", style="dim")
        console.print(line)

    if sr.facts:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("#", justify="right", style="dim", no_wrap=True, min_width=3)
        # what is left of the line after the #, outlet and support columns (each costs its width,
        # two spaces of padding and one of separator)
        room = console.width - 6 - sum(len(codes[o]) + 3 for o in sr.outlets) - 6 - 2
        # facts are wrapped, never cut: the whole statement is the point of the row
        table.add_column("Fact", overflow="fold", no_wrap=False, width=max(20, room))
        for o in sr.outlets:
            table.add_column(Text(codes[o]), justify="center", no_wrap=True, min_width=len(codes[o]))
        table.add_column("Sup", justify="right", no_wrap=True)
        for n, fact in enumerate(sr.facts, 1):
            cells = [Text(*TERMINAL_SYMBOLS[fact_status(fact, o)]) for o in sr.outlets]
            table.add_row(f"F{n}", Text(_flat(fact.text)), *cells, str(fact.independent_support))
        console.print(table)
        console.print(Text(LEGEND, style="dim"))
    else:
        console.print(Text("No facts aligned.", style="dim"))

    numbers = {f.id: n for n, f in enumerate(sr.facts, 1)}
    for mark, style, conflicts in (("✗ ", "bold red", sr.conflicts), ("? possible ", "yellow", sr.possible_conflicts)):
        for c in conflicts:
            line = Text(mark, style=style)
            line.append(f"{c.kind}", style="bold")
            where = [f"F{numbers[f]}" for f in conflict_facts(c, numbers)] + ([confidence_text(c)] if c.confidence is not None else [])
            if where:
                line.append(f" ({', '.join(where)})")
            line.append(f": {c.detail}")
            console.print(line)
            for ref in c.claims:
                side = Text("    ")
                side.append(ref.outlet, style="cyan")
                side.append(f": “{_flat(ref.text)}” ")
                side.append(f"[{ref.span.start}:{ref.span.end}]", style="dim")
                console.print(side)

    for outlet, oms in omissions_by_outlet(sr).items():
        line = Text("  omits ", style="dim")
        line.append(f"[{codes.get(outlet, outlet)}] ", style="bold")
        line.append(f"{plural(len(oms), 'fact')} others reported")
        best = [f"F{numbers[o.fact_id]} (support {o.support})" for o in oms[:_OMISSIONS_NAMED] if o.fact_id in numbers]
        if best:
            line.append(", surest first: " + ", ".join(best), style="dim")
        console.print(line)
    for note in [n for n in sr.framing if n.kind == "naming"][:_NAMING_SHOWN]:
        line = Text("≈ ", style="bold magenta")
        words: dict[str, dict[str, None]] = {}
        for u in note.uses:
            words.setdefault(u.text, {})[codes.get(u.outlet, u.outlet)] = None
        line.append(" / ".join(f"“{w}” ({', '.join(cs)})" for w, cs in words.items()))
        if note.fact_id in numbers:
            line.append(f" F{numbers[note.fact_id]}", style="dim")
        console.print(line)

    n_quotes = sum(len(q) for q in sr.quotes.values())
    n_sources = sum(len(s) for s in sr.sources.values())
    console.print(
        Text(
            " · ".join(
                (
                    plural(len(sr.articles), "article"),
                    plural(len(sr.outlets), "outlet"),
                    plural(len(sr.facts), "fact"),
                    plural(len(sr.conflicts), "conflict"),
                    plural(n_quotes, "quote"),
                    plural(n_sources, "source"),
                    plural(len(sr.timeline), "timeline entry", "timeline entries"),
                )
            ),
            style="dim",
        )
    )
    console.print()


def render_text(report: Report, console: Console, *, full: bool | None = None) -> None:
    """Print a compact overview of the report to ``console``: every story's table, or (when
    there are more than :data:`MANY_STORIES` and ``full`` is not True) one line per story."""
    if not report.stories:
        console.print(Text("No stories.", style="bold"))
    if full is None:
        full = len(report.stories) <= MANY_STORIES
    if not full:
        console.print(Text(f"{plural(len(report.stories), 'story', 'stories')}, newest first in the web app "
                           "(storylens serve); here in input order:", style="bold"))
        render_story_lines([story_line(sr) for sr in report.stories], console)
        console.print(Text("Every story in full: --full, or --out DIR for Markdown/HTML/JSON, or "
                           "storylens show ID --store FILE after a run with --store.", style="dim"))
    for i, sr in enumerate(report.stories if full else (), 1):
        _story(console, i, sr)
    if report.skipped:
        console.print(Text(f"Skipped {plural(len(report.skipped), 'input')}:", style="bold yellow"))
        for s in report.skipped:
            line = Text("  ")
            line.append(s.source)
            line.append(f": {s.reason}", style="dim")
            console.print(line)
    if report.duplicates:
        console.print(Text(f"{plural(len(report.duplicates), 'duplicate article')} dropped.", style="dim"))
