"""Session fixtures for the group tests: analyses of the fictional articles and of the seeds."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

# The shared fixture texts live next to the tests; pytest 9 does not put this folder on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from group_fixtures import FLOOD_OTHER, FLOOD_WIRE, RECALL_ONE, RECALL_TWO, analyze, make_article  # noqa: E402

from storylens.model import ArticleAnalysis  # noqa: E402


@pytest.fixture(scope="session")
def fiction_analyses(nlp) -> list[ArticleAnalysis]:
    """Flood (2 outlets) and battery recall (2 outlets), interleaved, one week in May 2031."""
    when = datetime(2031, 5, 4, 9, 0, tzinfo=timezone.utc)
    return [
        analyze(nlp, make_article(FLOOD_WIRE, outlet="Northwire", kind="wire", published=when)),
        analyze(nlp, make_article(RECALL_ONE, outlet="Tessaly Times", published=when)),
        analyze(nlp, make_article(FLOOD_OTHER, outlet="Valley Voice", published=when.replace(day=5))),
        analyze(nlp, make_article(RECALL_TWO, outlet="Callen Courier", published=when.replace(day=6))),
    ]


@pytest.fixture(scope="session")
def seed_analyses(nlp, seed_paths) -> list[ArticleAnalysis]:
    return [analyze(nlp, make_article(p.read_text(encoding="utf-8"), outlet=p.stem)) for p in seed_paths]
