from __future__ import annotations

import io

import pytest
from rich.console import Console

from storylens.render import FORMATS, UnknownFormat, render, single_outlet_facts
from storylens.render.text import render_text

from .sample import LEDGER, POST, WIRE


def test_text_output_has_outlets_matrix_conflicts_and_skipped(report):
    out = render(report, "text")
    for outlet in (LEDGER, WIRE, POST):
        assert outlet in out
    assert "Harwick dam failure" in out
    lines = out.splitlines()
    f2 = next(l for l in lines if l.lstrip().startswith("F2 "))
    # ✓ for the Ledger, ✗ for the Wire, · for the silent Post, in outlet column order
    assert f2.index("✓") < f2.index("✗") < f2.index("·")
    f4 = next(l for l in lines if l.lstrip().startswith("F4 "))
    assert "~" in f4
    assert "number (F2): homes flooded: 240" in out
    assert "6 facts · 1 conflict · 2 quotes · 3 sources · 1 timeline entry" in out
    assert "feeds/broken.xml: not a feed" in out
    assert all(len(l) <= 120 for l in lines)


def test_render_text_to_a_console(report):
    console = Console(record=True, width=100, file=io.StringIO())
    render_text(report, console)
    assert LEDGER in console.export_text()


def test_long_fact_is_wrapped_not_cut(report):
    import dataclasses

    sr = report.stories[0]
    words = " ".join(f"word{k}" for k in range(60))
    long_fact = dataclasses.replace(sr.facts[0], text=words)
    report = dataclasses.replace(report, stories=(dataclasses.replace(sr, facts=(long_fact,)),))
    out = render(report, "text")
    assert "…" not in out
    shown = " ".join(w for line in out.splitlines() for w in line.split() if w.startswith("word"))
    assert shown == words  # every word, in order, over several lines
    assert all(len(line) <= 120 for line in out.splitlines())


def test_legend_explains_the_marks_and_sup(report):
    out = render(report, "text")
    assert "✓ reported · ~ hedged · ✗ contradicted · ≈ related statement, not the same fact · · silent · Sup: independent support" in out


def test_many_stories_print_one_line_each(report):
    import dataclasses

    from storylens.render.text import MANY_STORIES

    sr = report.stories[0]
    many = tuple(dataclasses.replace(sr, story=dataclasses.replace(sr.story, id=f"s{k}", title=f"Story number {k}"))
                 for k in range(MANY_STORIES + 1))
    out = render(dataclasses.replace(report, stories=many), "text")
    rows = [line for line in out.splitlines() if "Story number" in line]
    assert len(rows) == MANY_STORIES + 1
    assert all(f"s{k}" in rows[k] for k in range(len(rows)))
    assert "F1" not in out  # no fact tables: they are one `--full` away
    console = Console(record=True, width=120, file=io.StringIO(), color_system=None)
    render_text(dataclasses.replace(report, stories=many), console, full=True)
    assert console.export_text().count("F1 ") == MANY_STORIES + 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_every_format(report, fmt):
    out = render(report, fmt)
    assert isinstance(out, str) and "Harwick" in out


def test_render_with_text_only_changes_json(report):
    full = '"text": "The Harwick reservoir dam failed on Tuesday night, flooding 240 homes in the lower valley.\\n\\nMayor'
    assert full in render(report, "json", with_text=True)
    assert full not in render(report, "json")


def test_unknown_format(report):
    with pytest.raises(UnknownFormat):
        render(report, "pdf")


def test_single_outlet_facts(report):
    only = single_outlet_facts(report.stories[0])
    assert {o: [f.id for f in fs] for o, fs in only.items()} == {LEDGER: ["f4", "f6"], WIRE: ["f5"]}


import pytest as _pytest


@_pytest.mark.parametrize(
    "names, codes",
    [
        (["Bramcote Courier", "Coastal Press Agency", "Harbour FM"], ["BC", "CPA", "HFM"]),
        (["Reuters", "Axios"], ["Reut", "Axio"]),
        (["Bay Courier", "Bay Chronicle"], ["BC", "BC2"]),
    ],
)
def test_outlet_codes_are_short_and_unique(names, codes):
    from storylens.render.text import outlet_codes

    assert list(outlet_codes(names).values()) == codes


def test_narrow_terminal_keeps_every_outlet_column(report):
    from io import StringIO

    from rich.console import Console

    from storylens.render.text import outlet_codes, render_text

    console = Console(file=StringIO(), width=80, color_system=None)
    render_text(report, console)
    out = console.file.getvalue()
    for sr in report.stories:
        header = next(line for line in out.splitlines() if line.strip().startswith("#") and "Fact" in line)
        for code in outlet_codes(sr.outlets).values():
            assert code in header
        assert header.rstrip().endswith("Sup")
        assert all(len(line) <= 80 for line in out.splitlines())


def test_text_shows_omissions_per_outlet_and_naming_pairs(report):
    out = render(report, "text")
    assert "omits [CW] 2 facts others reported, surest first: F4 (support 1), F6 (support 1)" in out
    assert "omits [VPE] 2 facts others reported" in out
    assert "omits [NL]" not in out
    assert "≈ “flooding” (NL) / “reached” (CW) F2" in out
