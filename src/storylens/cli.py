"""The command line: parse arguments, call the API, print. No logic of its own."""

from __future__ import annotations

import logging
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, List, Optional, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from storylens._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from storylens.model import Report
    from storylens.settings import Settings

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
    store: Optional[str] = typer.Option(None, "--store", help="SQLite library: keeps articles, analyses and stories across runs."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Outlet of text files without front matter (default: the file name)."),
    full: bool = typer.Option(False, "--full", help="Print every story in full even when there are many."),
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
    from storylens.store import StoreError

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
            outlet=outlet,
        )
    except (SettingsError, ValueError) as exc:
        _say(err, str(exc), "error:", "red")
        raise typer.Exit(2)

    from storylens.engine import engine_problem

    problem = engine_problem(settings)
    if problem:
        err.print(f"[red]error:[/] {problem}")
        raise typer.Exit(2)
    stdin = sys.stdin if "-" in paths else None
    try:
        report = _run(run_analysis, paths, settings, stdin, err, quiet)
    except StoreError as exc:
        _say(err, str(exc), "error:", "red")
        raise typer.Exit(2)
    except sqlite3.Error as exc:  # a store failure that no store method put into words
        _say(err, f"{settings.store}: store error: {exc}", "error:", "red")
        raise typer.Exit(2)

    for item in report.skipped:
        _say(err, f"{item.source}: {item.reason}", "skipped", "yellow")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name in ("md", "json", "html"):
            (out / _FILES[name]).write_text(render(report, name, with_text=settings.with_text), encoding="utf-8")
        _say(err, f"wrote {out / _FILES['md']}, {out / _FILES['json']}, {out / _FILES['html']}")
    if fmt == "text":
        from storylens.render.text import render_text

        render_text(report, SafeConsole(), full=True if full else None)
    else:
        sys.stdout.write(render(report, fmt, with_text=settings.with_text))
        sys.stdout.write("\n")
    n_articles = sum(len(s.articles) for s in report.stories)
    _say(err, run_summary(report))
    if n_articles == 0:
        raise typer.Exit(1)


def _run(
    run_analysis: Callable[..., "Report"], paths: List[str], settings: "Settings", stdin: Optional[TextIO],
    err: Console, quiet: bool,
) -> "Report":
    """The analysis, with a progress bar on a terminal and progress lines without one."""
    if quiet:
        return run_analysis(paths, settings, stdin=stdin)
    if not err.is_terminal:
        return run_analysis(paths, settings, stdin=stdin, progress=_progress_lines(err))
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        return run_analysis(paths, settings, stdin=stdin, progress=progress)


# Without a terminal (a log file, CI) progress is a line per stage and then every this many
# seconds: enough to see that a long run moves, few enough lines to read.
_PROGRESS_LINE_EVERY = 10.0


def _progress_lines(err: Console):  # type: ignore[no-untyped-def]
    """A progress callback that prints plain lines ("understand: 40 of 150") to ``err``."""
    import time

    last = {"stage": "", "at": 0.0}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = bool(total) and done >= total
        if stage != last["stage"] or finished or now - last["at"] >= _PROGRESS_LINE_EVERY:
            last["stage"], last["at"] = stage, now
            _say(err, f"{stage}: {done} of {total}" if total else f"{stage}: {done}", "progress", "dim")

    return progress


_STORE_HELP = "The SQLite library (written by analyze --store or the web app)."
_DEFAULT_STORE = "storylens.sqlite"


def _open_store(path: str, err: Console):  # type: ignore[no-untyped-def]
    from storylens.store import Store, StoreError

    if not Path(path).exists():
        _say(err, f"{path}: no such library; create one with: storylens analyze FILES --store {path}", "error:", "red")
        raise typer.Exit(2)
    try:
        return Store.open(path)
    except StoreError as exc:
        _say(err, str(exc), "error:", "red")
        raise typer.Exit(2)


@app.command()
def stories(
    store: str = typer.Option(_DEFAULT_STORE, "--store", help=_STORE_HELP),
    query: Optional[str] = typer.Option(None, "--search", "-s", help="Only stories whose facts or articles contain these words."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Only stories with an article by this outlet."),
    since: Optional[str] = typer.Option(None, "--since", help="Only stories with an article from this date on (ISO 8601)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only stories with an article before this date (ISO 8601)."),
    conflicts: Optional[bool] = typer.Option(None, "--conflicts/--no-conflicts", help="Only stories with (or without) conflicts."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many stories."),
    fmt: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """List the stories of a library, newest first, one line each."""
    import json

    from storylens.render.text import StoryLine, render_story_lines
    from storylens.web.views import BadParameter, stories_view

    err = _errors()
    with _open_store(store, err) as opened:
        try:
            data = stories_view(opened, q=query, outlet=outlet, since=since, until=until,
                                conflicts=None if conflicts is None else str(conflicts), limit=limit)
        except BadParameter as exc:
            _say(err, str(exc), "error:", "red")
            raise typer.Exit(2)
    if fmt == "json":
        from fastapi.encoders import jsonable_encoder

        sys.stdout.write(json.dumps(jsonable_encoder(data), ensure_ascii=False, indent=2) + "\n")
        return
    lines = [
        StoryLine(s["id"], s["title"], (s["last_published"].date().isoformat() if s["last_published"] else ""),
                  s["articles"], len(s["outlets"]), s["facts"], s["shared"], s["single"], s["conflicts"])
        for s in data["stories"]
    ]
    if lines:
        render_story_lines(lines, SafeConsole())
    _say(err, f"{len(lines)} of {data['total']} matching stories ({data['library']['stories']} in the library); "
              f"storylens show ID --store {store} prints one in full")


@app.command()
def show(
    story: str = typer.Argument(..., help="A story id (from storylens stories or the web app)."),
    store: str = typer.Option(_DEFAULT_STORE, "--store", help=_STORE_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text | md | json | html"),
    with_text: bool = typer.Option(False, "--with-text", help="Include every article's text in the JSON."),
) -> None:
    """Print one story of a library in full."""
    from storylens.library import load_story
    from storylens.model import Report
    from storylens.render import FORMATS, render

    err = _errors()
    if fmt not in FORMATS:
        _say(err, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", "error:", "red")
        raise typer.Exit(2)
    with _open_store(store, err) as opened:
        sr = load_story(opened, story)
    if sr is None:
        _say(err, f"no story {story!r} in {store}; list them with: storylens stories --store {store}", "error:", "red")
        raise typer.Exit(1)
    report = Report(stories=(sr,))
    if fmt == "text":
        from storylens.render.text import render_text

        render_text(report, SafeConsole(), full=True)
    else:
        sys.stdout.write(render(report, fmt, with_text=with_text) + "\n")


@app.command()
def delete(
    ids: List[str] = typer.Argument(..., help="Story or article ids."),
    store: str = typer.Option(_DEFAULT_STORE, "--store", help=_STORE_HELP),
) -> None:
    """Delete stories (with their articles) or single articles from a library; the stories
    around them are regrouped and compared again as a batch run over what is left would."""
    from storylens.library import delete_articles, delete_story
    from storylens.settings import Settings

    err = _errors()
    with _open_store(store, err) as opened:
        settings = Settings(store=store)
        for item in ids:
            if opened.resolve_story(item) is not None:
                update = delete_story(opened, item, settings)
                _say(err, f"deleted story {item}; {len(update.compared)} stories compared again")
            elif opened.get_article(item) is not None:
                update = delete_articles(opened, [item], settings)
                _say(err, f"deleted article {item}; {len(update.compared)} stories compared again")
            else:
                _say(err, f"{item}: no such story or article", "error:", "red")
                raise typer.Exit(1)


@app.command()
def serve(
    store: str = typer.Option(_DEFAULT_STORE, "--store", help=_STORE_HELP + " Created if missing."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default: the app has no accounts)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let runs started in the app fetch private and loopback addresses."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file for runs started in the app."),
) -> None:
    """Browse, search and grow the library in a web browser (http://127.0.0.1:8000)."""
    import uvicorn

    from storylens.settings import SettingsError, load_settings
    from storylens.store import StoreError
    from storylens.web import create_app
    from storylens.web.app import LOOPBACK_HOSTS

    err = _errors()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(config, allow_private=allow_private or None)
        loopback = host in LOOPBACK_HOSTS or host.startswith("127.")
        hosts = (*LOOPBACK_HOSTS, host) if loopback or host not in ("0.0.0.0", "::") else ("*",)
        application = create_app(store, settings=settings, allowed_hosts=hosts)
    except (SettingsError, StoreError) as exc:
        _say(err, str(exc), "error:", "red")
        raise typer.Exit(2)
    if not loopback:
        _say(err, f"listening on {host}: anyone who can reach this address can read and add to the library", "warning:", "yellow")
    _say(err, f"storylens: http://{host if ':' not in host else '[' + host + ']'}:{port}/ over {store} (Ctrl-C stops)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def version() -> None:
    """Print the storylens version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
