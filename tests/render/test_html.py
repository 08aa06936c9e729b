from __future__ import annotations

from html.parser import HTMLParser

import pytest

from storylens.model import Span
from storylens.render.html import Segment, anchor_id, article_anchor_id, render_html, segment_text
from storylens.render.json import report_to_dict

from .spans import iter_spans

_VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class _Page(HTMLParser):
    """Collects ids, links, tags, and the text of each article body; checks nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.bodies: dict[str, str] = {}
        self.marks: dict[str, str] = {}
        self._article: str | None = None
        self._body_depth: int | None = None
        self._mark: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "article":
            self._article = a.get("id")
        if tag == "div" and a.get("class") == "body":
            self._body_depth = len(self.stack)
            self.bodies[self._article] = ""
        if tag == "mark" and "id" in a:
            self._mark = a["id"]
            self.marks[self._mark] = ""
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "mark":
            self._mark = None
        if tag == "div" and self._body_depth == len(self.stack):
            self._body_depth = None

    def handle_data(self, data):
        if self._body_depth is not None:
            self.bodies[self._article] += data
        if self._mark is not None:
            self.marks[self._mark] += data


@pytest.fixture
def page(report) -> _Page:
    parser = _Page()
    parser.feed(render_html(report))
    parser.close()
    return parser


def test_well_formed(page):
    assert page.errors == []
    assert page.stack == []
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"


def test_self_contained(page, report):
    html = render_html(report)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [v for k, v in page.attrs if k == "src"]
    assert all(h.startswith("#") for h in page.hrefs)
    assert "<style>" in html


def test_article_text_is_escaped_not_executed(page, report):
    html = render_html(report)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Harwick flood: &lt;b&gt;310&lt;/b&gt; homes" in html


def test_article_bodies_reproduce_texts_exactly(page, report):
    for a in report.stories[0].articles:
        assert page.bodies[article_anchor_id(a.id)] == a.text


def test_every_internal_link_resolves(page):
    ids = set(page.ids)
    missing = [h for h in page.hrefs if h[1:] not in ids]
    assert missing == []


def test_every_evidence_span_has_an_anchor(page, report):
    ids = set(page.ids)
    doc = report_to_dict(report)
    for story in doc["stories"]:
        story.pop("entities")  # entity mentions are listed in the JSON, not linked from the page
    spans = [s for s in iter_spans(doc) if s[2] is not None]  # cue spans are not linked
    assert len(spans) == 9 + 2 + 3 + 3 + 2 + 3 + 2  # ... 3 framing uses, 2 related claims
    for article_id, (start, end), _ in spans:
        assert anchor_id(article_id, Span(start, end)) in ids
    # Claims, quotes and sources are linked from the report body, not only anchored.
    hrefs = set(page.hrefs)
    sr = report.stories[0]
    for fact in sr.facts:
        for c in fact.claims:
            assert f"#{anchor_id(c.article_id, c.span)}" in hrefs
    for aid, quotes in sr.quotes.items():
        assert all(f"#{anchor_id(aid, q.span)}" in hrefs for q in quotes)
    for aid, sources in sr.sources.items():
        assert all(f"#{anchor_id(aid, s.span)}" in hrefs for s in sources)


def test_non_overlapping_mark_wraps_exactly_its_span(page, report):
    sr = report.stories[0]
    gov = sr.facts[4].claims[0]
    assert page.marks[anchor_id(gov.article_id, gov.span)] == gov.text
    quote = sr.quotes[sr.articles[0].id][0]
    assert page.marks[anchor_id(sr.articles[0].id, quote.span)] == quote.text


def test_matrix_cells_and_sections(report):
    html = render_html(report)
    assert 'class="status contradicted"' in html and 'class="status hedged"' in html
    for section in ("Facts × outlets", "Reported by one outlet only", "Conflicts", "Quotes", "Sources",
                    "Timeline", "Omissions", "Framing", "Sourcing profiles", "Skipped inputs", "Article texts"):
        assert f">{section}</h" in html, section
    assert "unknown speaker" in html and "Elena Brandt" in html


@pytest.mark.parametrize(
    "text,spans,expected",
    [
        ("abcdef", [], [("abcdef", 0, ())]),
        ("abcdef", [Span(1, 3)], [("a", 0, ()), ("bc", 1, ("a-x-1-3",)), ("def", 0, ())]),
        # crossing spans: the middle is covered twice, each span anchored at its first character
        ("abcdef", [Span(0, 4), Span(2, 6)],
         [("ab", 1, ("a-x-0-4",)), ("cd", 2, ("a-x-2-6",)), ("ef", 1, ())]),
        # nested spans starting together: the longer one first
        ("abcdef", [Span(0, 2), Span(0, 6)], [("ab", 2, ("a-x-0-6", "a-x-0-2")), ("cdef", 1, ())]),
        # the same span twice is marked once
        ("abc", [Span(0, 3), Span(0, 3)], [("abc", 1, ("a-x-0-3",))]),
        # zero-length spans keep an anchor, also at the very end
        ("abc", [Span(1, 1), Span(3, 3)], [("a", 0, ()), ("bc", 0, ("a-x-1-1",)), ("", 0, ("a-x-3-3",))]),
        # a span past the end is clipped for marking but keeps its own anchor id
        ("abc", [Span(2, 9)], [("ab", 0, ()), ("c", 1, ("a-x-2-9",))]),
    ],
)
def test_segment_text(text, spans, expected):
    segments = segment_text("x", text, spans)
    assert segments == [Segment(t, d, a) for t, d, a in expected]
    assert "".join(s.text for s in segments) == text


@pytest.mark.parametrize(
    "article_id,expected",
    [("c964b33a3fd9bfc2", "a-c964b33a3fd9bfc2-3-9"), ("records 1/2", "a-records_1_2-3-9")],
)
def test_anchor_id(article_id, expected):
    assert anchor_id(article_id, Span(3, 9)) == expected


def test_framing_uses_and_omissions_are_linked(page, report):
    sr = report.stories[0]
    hrefs, ids = set(page.hrefs), set(page.ids)
    for note in sr.framing:
        assert f"#{anchor_id(note.uses[0].article_id, note.uses[0].span)}" in hrefs
        # every framing word is anchored where it sits in its article's text
        assert all(anchor_id(u.article_id, u.span) in ids for u in note.uses)
    for om in sr.omissions:
        assert f"#fact-{om.fact_id}" in hrefs


def test_omissions_beyond_the_shown_number_are_folded(report):
    import dataclasses

    from storylens.model import Omission
    from storylens.render import OMISSIONS_SHOWN

    sr = report.stories[0]
    many = tuple(Omission("Coastline Wire", "f4", 1, ("Northern Ledger",)) for _ in range(OMISSIONS_SHOWN + 2))
    html = render_html(dataclasses.replace(report, stories=(dataclasses.replace(sr, omissions=many),)))
    section = html.split(">Omissions</h3>", 1)[1].split("<h3>", 1)[0]
    assert section.count("<li>") == OMISSIONS_SHOWN + 2
    assert "<summary>2 more</summary>" in section
    assert section.index("<summary>") > section.replace("<li>", "#", OMISSIONS_SHOWN - 1).index("<li>")


def test_sourcing_profile_tables(report):
    html = render_html(report)
    section = html.split(">Sourcing profiles</h3>", 1)[1].split("</section>", 1)[0]
    assert section.count('<table class="profile">') == 3
    assert "<th>Anonymous officials by affiliation</th><td>county 1</td>" in section
    assert "Hill | Times 2" in section
