"""Possible conflicts and conflict confidence in every format: shown apart from the conflicts."""

from __future__ import annotations

import dataclasses
import io
import json

from jsonschema import Draft202012Validator
from rich.console import Console

from storylens.render.html import render_html
from storylens.render.json import load_schema, render_json
from storylens.render.markdown import render_markdown
from storylens.render.text import render_text

from .sample import LEDGER, WIRE


def _with_possible(report):
    (sr,) = report.stories
    sure = dataclasses.replace(sr.conflicts[0], confidence=0.93, fact_ids=("f2", "f3"))
    doubt = dataclasses.replace(
        sr.conflicts[0], id="k2", kind="date", detail="different dates for “the dam failed”: maybe not one event",
        confidence=0.61,
    )
    return dataclasses.replace(report, stories=(dataclasses.replace(sr, conflicts=(sure,), possible_conflicts=(doubt,)),))


def test_json_lists_possible_conflicts_apart_and_validates(report):
    doc = json.loads(render_json(_with_possible(report)))
    Draft202012Validator(load_schema()).validate(doc)
    (story,) = doc["stories"]
    assert [c["id"] for c in story["conflicts"]] == ["k1"]
    assert story["conflicts"][0]["confidence"] == 0.93 and story["conflicts"][0]["fact_ids"] == ["f2", "f3"]
    assert [(c["id"], c["confidence"]) for c in story["possible_conflicts"]] == [("k2", 0.61)]


def test_markdown_has_a_possible_section_after_the_conflicts(report):
    md = render_markdown(_with_possible(report))
    conflicts, possible = md.index("### Conflicts"), md.index("### Possible conflicts")
    assert conflicts < possible
    assert "maybe not one event" in md[possible:] and "maybe not one event" not in md[conflicts:possible]
    assert "confidence 0.93" in md[conflicts:possible] and "confidence 0.61" in md[possible:]
    assert "1 conflict (+1 possible)" in md


def test_html_and_terminal_show_possible_conflicts_apart(report):
    html = render_html(_with_possible(report))
    assert "<h3>Possible conflicts</h3>" in html and 'class="conflict possible"' in html
    assert html.index("<h3>Conflicts</h3>") < html.index("<h3>Possible conflicts</h3>")
    console = Console(record=True, width=200, file=io.StringIO(), color_system=None)
    render_text(_with_possible(report), console)
    text = console.export_text()
    assert "? possible date" in text and "confidence 0.61" in text
    assert text.index("✗ number") < text.index("? possible date")
    assert LEDGER in text and WIRE in text
