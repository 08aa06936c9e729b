"""storylens: compare how different outlets cover the same story, every finding traced to its span.

    >>> import storylens
    >>> report = storylens.analyze(["examples/"])
    >>> for story in report.stories:
    ...     print(story.story.title, len(story.facts))

The API is :func:`analyze` (paths → :class:`Report`), :func:`analyze_articles` (already built
:class:`Article` objects → :class:`Report`), the core types, and JSON load/save of reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from storylens._version import __version__
from storylens.model import (
    Article,
    ArticleAnalysis,
    Claim,
    ClaimRef,
    Conflict,
    Entity,
    Fact,
    Mention,
    Outlet,
    Quantity,
    Quote,
    Report,
    Skipped,
    SourceRef,
    Span,
    Story,
    StoryReport,
    TimeRef,
    from_dict,
    to_dict,
)
from storylens.settings import Settings, load_settings

__all__ = [
    "__version__",
    "analyze",
    "analyze_articles",
    "save_report",
    "load_report",
    "Settings",
    "load_settings",
    "Article",
    "ArticleAnalysis",
    "Claim",
    "ClaimRef",
    "Conflict",
    "Entity",
    "Fact",
    "Mention",
    "Outlet",
    "Quantity",
    "Quote",
    "Report",
    "Skipped",
    "SourceRef",
    "Span",
    "Story",
    "StoryReport",
    "TimeRef",
    "to_dict",
    "from_dict",
]


def analyze(
    paths: str | Path | Sequence[str | Path],
    settings: Settings | None = None,
    *,
    stdin: TextIO | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    **overrides: Any,
) -> Report:
    """Read articles from files, folders (recursively), URLs or ``-`` (JSONL on ``stdin``) and report.

    ``paths`` is one path (a string or ``Path``: ``analyze("articles/")``) or a list of them.
    ``overrides`` are setting names (see :class:`Settings`) applied on top of ``settings``;
    ``progress(stage, done, total)`` is called as work advances (total 0 when unknown).
    """
    from storylens.pipeline import run

    if isinstance(paths, (str, Path)):
        # a string is a sequence of characters: iterating it would read "d", "i", "r", "/" ...
        paths = [paths]

    settings = _settings(settings, overrides)
    if progress is None:
        return run([str(p) for p in paths], settings, stdin=stdin)
    return run([str(p) for p in paths], settings, stdin=stdin, progress=progress)


def analyze_articles(articles: Sequence[Article], settings: Settings | None = None, **overrides: Any) -> Report:
    """Report on articles built in code (see :func:`storylens.ingest.make_article`)."""
    from storylens.pipeline import analyze_inputs

    return analyze_inputs(list(articles), _settings(settings, overrides))


def _settings(settings: Settings | None, overrides: dict[str, Any]) -> Settings:
    import dataclasses

    base = settings or Settings()
    if not overrides:
        return base
    merged = load_settings(None, **{**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)}, **overrides})
    return merged


def save_report(report: Report, path: str | Path) -> None:
    """Write the full report (all core types, article texts included) as JSON."""
    Path(path).write_text(json.dumps(to_dict(report), ensure_ascii=False), encoding="utf-8")


def load_report(path: str | Path) -> Report:
    """Read a report written by :func:`save_report`."""
    return from_dict(Report, json.loads(Path(path).read_text(encoding="utf-8")))
