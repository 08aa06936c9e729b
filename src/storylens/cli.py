"""The command line: parse arguments, call the API, print. No logic of its own."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from storylens._version import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compare how different outlets cover the same story; every finding points to its source characters.",
)

_FILES = {"md": "report.md", "json": "report.json", "html": "report.html", "text": "report.txt"}


class SafeConsole(Console):
    """A console that shows control characters of what it prints as escapes.

    Rich's own styling is emitted after rendering, so escaping the rendered text segments
    neutralizes escape sequences carried in by input (a title, a file name) and nothing else.
    """

    def render(self, renderable, options=None):  # type: ignore[no-untyped-def, override]
        from rich.segment import Segment

        from storylens.render import terminal_safe

        for segment in super().render(renderable, options):
            if segment.control is None and segment.text:
                safe = terminal_safe(segment.text, keep_lines=True)
                if safe != segment.text:
                    segment = Segment(safe, segment.style)
            yield segment


def _errors() -> Console:
    # Names, URLs and reasons come from the input: never read as Rich markup, emoji codes or
    # highlighting; every message goes through _say, which escapes control characters.
    return SafeConsole(stderr=True, markup=False, highlight=False, emoji=False, soft_wrap=True)


def _say(console: Console, message: str, label: str = "", style: str = "") -> None:
    """One line on stderr: an optional styled label, then ``message`` as plain, terminal-safe text."""
    from storylens.render import terminal_safe

    line = Text()
    if label:
        line.append(label, style=style)
        line.append(" ")
    line.append(terminal_safe(message))
    console.print(line)


@app.command()
def analyze(
    paths: List[str] = typer.Argument(..., help="Files or folders (read recursively); '-' reads JSONL records from stdin."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder to write report.md, report.json and report.html to."),
    fmt: str = typer.Option("text", "--format", "-f", help="What to print: text | md | json | html."),
    with_text: bool = typer.Option(False, "--with-text", help="Include every article's text in the JSON."),
    published: Optional[str] = typer.Option(
        None, "--published", help="Publication date (ISO 8601) for articles that state none; relative times resolve against it."
    ),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file."),
    since: Optional[str] = typer.Option(None, "--since", help="Only feed entries / WARC records from this time on (ISO 8601)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only feed entries / WARC records before this time (ISO 8601)."),
    domain: Optional[List[str]] = typer.Option(None, "--domain", help="Only pages from this domain (repeatable)."),
    language: Optional[List[str]] = typer.Option(None, "--language", help="Analyze articles in this language (ISO 639-1, repeatable; default en)."),
    field_map: Optional[List[str]] = typer.Option(None, "--field-map", help="JSONL/CSV field mapping ours=theirs, e.g. text=body (repeatable)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow fetching from private and loopback addresses."),
    store: Optional[str] = typer.Option(None, "--store", help="SQLite file keeping articles and analyses across runs."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes (default: one per core; 1 = in-process)."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Where stages run: local | ray."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (--engine ray; default: a local Ray)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what each stage does."),
) -> None:
    """Analyze articles and report, story by story, what each outlet reported."""
    from storylens import analyze as run_analysis
    from storylens.render import FORMATS, render, run_summary
    from storylens.settings import SettingsError, load_settings

    err = _errors()
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    if fmt not in FORMATS:
        _say(err, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", "error:", "red")
        raise typer.Exit(2)
    try:
        if published is not None:
            datetime.fromisoformat(published)
        settings = load_settings(
            config,
            published=published,
            with_text=with_text or None,
            since=since,
            until=until,
            domains=domain or None,
            languages=language or None,
            field_map=field_map or None,
            allow_private=allow_private or None,
            store=store,
            workers=workers,
            engine=engine,
            ray_address=address,
        )
    except (SettingsError, ValueError) as exc:
        _say(err, str(exc), "error:", "red")
        raise typer.Exit(2)

    stdin = sys.stdin if "-" in paths else None
    if quiet or not err.is_terminal:
        report = run_analysis(paths, settings, stdin=stdin)
    else:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total or None)
                bar.update(tasks[stage], completed=done, total=total or None)

            report = run_analysis(paths, settings, stdin=stdin, progress=progress)

    for item in report.skipped:
        _say(err, f"{item.source}: {item.reason}", "skipped", "yellow")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name in ("md", "json", "html"):
            (out / _FILES[name]).write_text(render(report, name, with_text=settings.with_text), encoding="utf-8")
        _say(err, f"wrote {out / _FILES['md']}, {out / _FILES['json']}, {out / _FILES['html']}")
    if fmt == "text":
        from storylens.render.text import render_text

        render_text(report, SafeConsole())
    else:
        sys.stdout.write(render(report, fmt, with_text=settings.with_text))
        sys.stdout.write("\n")
    n_articles = sum(len(s.articles) for s in report.stories)
    _say(err, run_summary(report))
    if n_articles == 0:
        raise typer.Exit(1)


@app.command()
def version() -> None:
    """Print the storylens version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
