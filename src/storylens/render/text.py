"""Compact terminal output with rich: per story the outlets, the facts matrix, conflicts, counts."""

from __future__ import annotations

import logging

from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from storylens.model import Report, StoryReport
from storylens.render import fact_status, format_when, omissions_by_outlet, plural

__all__ = ["render_text", "TERMINAL_SYMBOLS"]

log = logging.getLogger(__name__)

# In a terminal a blank cell reads as missing data, so silence gets a visible dot here.
TERMINAL_SYMBOLS: dict[str, tuple[str, str]] = {
    "reported": ("✓", "green"),
    "hedged": ("~", "yellow"),
    "contradicted": ("✗", "bold red"),
    "silent": ("·", "dim"),
}

# Long enough to tell facts apart, short enough to leave room for 5-6 outlet columns at 120 chars.
_FACT_CHARS = 70
# The terminal is an overview: the best supported omissions and the first naming differences;
# the Markdown, HTML and JSON reports have them all.
_OMISSIONS_NAMED = 3
_NAMING_SHOWN = 3


def _truncate(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


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
        fact_width = max(20, min(_FACT_CHARS, room))
        table.add_column("Fact", overflow="ellipsis", no_wrap=True, width=fact_width)
        for o in sr.outlets:
            table.add_column(Text(codes[o]), justify="center", no_wrap=True, min_width=len(codes[o]))
        table.add_column("Sup", justify="right", no_wrap=True)
        for n, fact in enumerate(sr.facts, 1):
            cells = [Text(*TERMINAL_SYMBOLS[fact_status(fact, o)]) for o in sr.outlets]
            table.add_row(f"F{n}", Text(_truncate(fact.text, fact_width)), *cells, str(fact.independent_support))
        console.print(table)
    else:
        console.print(Text("No facts aligned.", style="dim"))

    numbers = {f.id: n for n, f in enumerate(sr.facts, 1)}
    for c in sr.conflicts:
        line = Text("✗ ", style="bold red")
        line.append(f"{c.kind}", style="bold")
        if c.fact_id in numbers:
            line.append(f" (F{numbers[c.fact_id]})")
        line.append(f": {c.detail}")
        console.print(line)
        for ref in c.claims:
            side = Text("    ")
            side.append(ref.outlet, style="cyan")
            side.append(f": “{_truncate(ref.text, 90)}” ")
            side.append(f"[{ref.span.start}:{ref.span.end}]", style="dim")
            console.print(side)

    for outlet, oms in omissions_by_outlet(sr).items():
        line = Text("  omits ", style="dim")
        line.append(f"[{codes.get(outlet, outlet)}] ", style="bold")
        line.append(f"{plural(len(oms), 'fact')} others reported")
        best = [f"F{numbers[o.fact_id]} (support {o.support})" for o in oms[:_OMISSIONS_NAMED] if o.fact_id in numbers]
        if best:
            line.append(", most supported: " + ", ".join(best), style="dim")
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


def render_text(report: Report, console: Console) -> None:
    """Print a compact overview of the report to ``console``."""
    if not report.stories:
        console.print(Text("No stories.", style="bold"))
    for i, sr in enumerate(report.stories, 1):
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
