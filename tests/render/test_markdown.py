from __future__ import annotations

import re

import pytest

from storylens.render.markdown import md_cell, md_inline, render_markdown

from .sample import LEDGER, WIRE

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def cells(line: str) -> list[str]:
    return [c.strip() for c in _CELL_SPLIT.split(line.strip())[1:-1]]


def matrix_rows(md: str) -> tuple[list[str], dict[str, list[str]]]:
    lines = md.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("| # | Fact |"))
    header = cells(lines[start])
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        row = cells(line)
        assert len(row) == len(header), line  # an unescaped pipe would add a cell
        rows[re.search(r"F\d+", row[0]).group()] = row
    return header, rows


@pytest.fixture
def md(report) -> str:
    return render_markdown(report)


def test_matrix_header_has_one_escaped_column_per_outlet(md):
    header, _ = matrix_rows(md)
    assert header == ["#", "Fact", LEDGER, WIRE, "Valley Post \\| Evening", "Support", "First"]


@pytest.mark.parametrize(
    "fact,symbols,support",
    [
        ("F1", ["✓", "✓", "✓"], "3"),
        ("F2", ["✓", "✗", ""], "1"),
        ("F3", ["✓", "✗", ""], "1"),  # POST missing from status: silent
        ("F4", ["~", "≈", ""], "1"),
        ("F5", ["", "✓", ""], "1"),
    ],
)
def test_matrix_cells(md, fact, symbols, support):
    _, rows = matrix_rows(md)
    assert rows[fact][2:5] == symbols
    assert rows[fact][5] == support


def test_fact_text_pipe_is_escaped_in_table(md):
    _, rows = matrix_rows(md)
    assert rows["F5"][1] == "The governor \\| will visit on Friday"


@pytest.mark.parametrize(
    "raw,cell",
    [
        ("a | b", "a \\| b"),
        ("line\nbreak", "line break"),
        ("<script>x</script>", "\\<script\\>x\\</script\\>"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"),
        (None, ""),
    ],
)
def test_md_cell(raw, cell):
    assert md_cell(raw) == cell


def test_md_inline_keeps_pipes():
    assert md_inline("a | b") == "a | b"


def test_every_fact_is_followed_by_its_evidence_with_span(md, report):
    sr = report.stories[0]
    evidence = md.split("#### Evidence", 1)[1]
    for n, fact in enumerate(sr.facts, 1):
        block = evidence.split(f"**F{n}**", 1)[1].split("**F", 1)[0]
        for c in fact.claims:
            assert f"{c.outlet}: “{md_inline(c.text)}” (`{c.article_id}` [{c.span.start}:{c.span.end}])" in block


def test_sections(md):
    single = md.split("### Reported by one outlet only", 1)[1].split("###", 1)[0]
    assert single.index(f"**{LEDGER}**") < single.index("F4") < single.index(f"**{WIRE}**") < single.index("F5")
    conflicts = md.split("### Conflicts", 1)[1].split("###", 1)[0]
    assert "**number**" in conflicts and "“flooding 240 homes”" in conflicts and "“reached about 310 homes”" in conflicts
    quotes = md.split("### Quotes", 1)[1].split("###", 1)[0]
    assert "**Elena Brandt** (person)" in quotes and "_unknown speaker_" in quotes
    sources = md.split("### Sources", 1)[1].split("###", 1)[0]
    assert f"**{LEDGER}** (2 attributions)" in sources and "county emergency office" in sources
    assert "| anonymous | unnamed 2 county official | 2 | official | county |" in sources
    assert "### Timeline" in md and "2024-10-01 – 2024-10-02" in md
    assert "## Skipped inputs" in md and "| feeds/broken.xml | not a feed: no \\<rss\\> or \\<feed\\> root |" in md
    assert "(copy of Coastline Wire)" in md
    # Every table row has as many cells as its header.
    lines = md.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            width = len(cells(lines[i - 1]))
            for row in lines[i + 1:]:
                if not row.startswith("|"):
                    break
                assert len(cells(row)) == width, row


def test_empty_report():
    from storylens.model import Report

    out = render_markdown(Report(()))
    assert out.startswith("# storylens report") and "0 stories · 0 skipped inputs" in out


def _section(md: str, title: str) -> str:
    return md.split(f"### {title}", 1)[1].split("\n### ", 1)[0]


def test_omissions_section_lists_each_outlet_ranked_with_fact_links(md):
    om = _section(md, "Omissions")
    assert om.index(f"**{WIRE}** is silent on 2 facts") < om.index("[F4](#fact-f4)") < om.index("[F6](#fact-f6)")
    assert "**Valley Post | Evening** is silent on 2 facts" in om
    assert "1. [F2](#fact-f2) 240 homes were flooded — reported by Northern Ledger; support 1" in om
    assert f"**{LEDGER}**" not in om  # the Ledger omits nothing


def test_omissions_beyond_the_shown_number_are_counted(report):
    import dataclasses

    from storylens.model import Omission
    from storylens.render import OMISSIONS_SHOWN

    sr = report.stories[0]
    many = tuple(Omission(WIRE, "f4", 1, (LEDGER,)) for _ in range(OMISSIONS_SHOWN + 3))
    md = render_markdown(dataclasses.replace(report, stories=(dataclasses.replace(sr, omissions=many),)))
    om = _section(md, "Omissions")
    assert f"{OMISSIONS_SHOWN}. [F4]" in om and f"{OMISSIONS_SHOWN + 1}. [F4]" not in om
    assert "… and 3 more" in om


def test_framing_section_pairs_words_with_their_spans(md, report):
    fr = _section(md, "Framing")
    ledger, wire = report.stories[0].articles[:2]
    row = next(l for l in fr.splitlines() if l.startswith("| [F2](#fact-f2)"))
    start = ledger.text.index("flooding")
    assert f"“flooding” (Northern Ledger, `{ledger.id}` [{start}:{start + 8}])" in row
    assert f"“reached” (Coastline Wire, `{wire.id}` [32:39])" in row
    assert row.index("flooding") < row.index("reached")
    assert f"- **{WIRE}**: floodwater (z 2.10, 1×, first at `{wire.id}` [0:10])" in fr


def test_sourcing_profiles_are_one_table_per_outlet(md):
    prof = _section(md, "Sourcing profiles").split("## Skipped", 1)[0]
    assert prof.count("| Named sources |") == 3
    ledger = prof.split(f"**{LEDGER}**", 1)[1].split("**", 1)[0]
    assert "| Unnamed sources | 1 |" in ledger and "| Anonymous officials by affiliation | county 1 |" in ledger
    assert "| Quoted | Elena Brandt 1 |" in ledger
    assert "| Outlets cited | Hill \\| Times 2 |" in prof


def test_related_statements_are_listed_apart_and_weak_ones_not_shown(md):
    assert 'related, not the same fact (0.41): ' in md and "Nobody warned us" in md
    assert "(0.12)" not in md  # the Post's weak resemblance only keeps it off the omissions
