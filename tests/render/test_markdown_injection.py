"""Issue 11 item 7: whatever the input's names, URLs and texts hold, the Markdown report renders
(CommonMark + GFM tables, raw HTML allowed as GitHub-style renderers do) to exactly the
structure storylens wrote: no injected HTML, links, rows or cells. Then opened in Chromium."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import storylens
from storylens.render import render

BODY = (
    "The harbour authority closed the northern pier on Monday after a crane collapsed onto the "
    "loading dock. Two workers were taken to hospital with minor injuries, the authority said. "
    "Engineers will inspect the remaining cranes before the pier reopens, officials said."
)
PAYLOAD = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
HOSTILE_URL = 'https://dock.example/a\n\n</td></tr></table><img src=x onerror="window.pwned=3">|x|\n| injected | row |'


@pytest.fixture(scope="module")
def hostile_markdown(tmp_path_factory) -> tuple[str, int, int]:
    folder = tmp_path_factory.mktemp("hostile")
    records = [
        {"outlet": f"Evil | Post `x` {PAYLOAD}", "title": f"Pier ]( javascript:alert(1) ) {PAYLOAD}", "url": HOSTILE_URL, "text": BODY},
        {"outlet": "Script Daily", "url": "javascript:window.pwned=4", "title": "[click](javascript:window.pwned=5)", "text": BODY + " More & more."},
        {"outlet": "Tilde ~~News~~", "url": "https://ok.example/x y>z", "title": "&lt;b&gt; &amp; ~~gone~~", "text": BODY + " Again."},
    ]
    (folder / "r.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    # the same text under two hostile file names: one is kept, one is listed as a duplicate
    name = "a`b` | c\n| d | e |\n<img src=x onerror=\"window.pwned=6\">"
    (folder / f"{name}.txt").write_text("Dup Post\n\n" + BODY + " Twice.", encoding="utf-8")
    (folder / f"{name}2.txt").write_text("Dup Post\n\n" + BODY + " Twice.", encoding="utf-8")
    report = storylens.analyze([str(folder)], embedder="lexical")
    assert report.skipped == () and len(report.duplicates) == 1
    n_articles = sum(len(s.articles) for s in report.stories)
    return render(report, "md"), n_articles, len(report.duplicates)


def _tokens(md: str):
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    return parser, parser.parse(md)


def _flat(tokens):
    for t in tokens:
        yield t
        if t.children:
            yield from _flat(t.children)


def test_no_html_links_or_rows_are_injected(hostile_markdown):
    md, n_articles, n_duplicates = hostile_markdown
    _, tokens = _tokens(md)
    every = list(_flat(tokens))
    html = [t.content.strip() for t in every if t.type in ("html_inline", "html_block")]
    assert html and all(re.fullmatch(r'<a id="fact-[0-9a-f]+">|</a>|<a id="fact-[0-9a-f]+"></a>', h) for h in html), html
    hrefs = [t.attrGet("href") for t in every if t.type == "link_open"]
    assert all(h.startswith(("https://", "http://", "#fact-")) for h in hrefs), hrefs
    assert not any("javascript" in h.lower() for h in hrefs)
    assert [t.type for t in every if t.type == "image"] == []
    # every table keeps the shape storylens gave it: the articles table one row per article,
    # the duplicates table one row per duplicate, and no row with more cells than its header
    tables = _tables(tokens)
    articles = [t for t in tables if t[0][:2] == ["Outlet", "Title"]]
    assert articles
    assert sum(len(t) - 1 for t in articles) == n_articles
    (duplicates,) = [t for t in tables if t[0] == ["Dropped", "Kept"]]
    assert len(duplicates) - 1 == n_duplicates
    for table in tables:
        assert all(len(row) == len(table[0]) for row in table), table


def _tables(tokens) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for k, t in enumerate(tokens):
        if t.type == "table_open":
            tables.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            inline = tokens[k + 1]
            row.append(inline.content if inline.type == "inline" else "")  # type: ignore[union-attr]
        elif t.type == "tr_close":
            tables[-1].append(row)  # type: ignore[arg-type]
    return tables


def test_the_payloads_read_as_the_text_they_are(hostile_markdown):
    md, _, _ = hostile_markdown
    parser, _ = _tokens(md)
    html = parser.render(md)
    text = re.sub(r"<[^>]+>", "", html)
    import html as html_module

    shown = html_module.unescape(text)
    assert PAYLOAD in shown  # visible as text, character for character
    assert "&lt;b&gt; &amp; ~~gone~~" in shown
    assert "<del>" not in html


CHROMIUM = Path(os.environ.get("STORYLENS_CHROMIUM", "/usr/bin/chromium"))


def test_the_rendered_report_runs_nothing_in_chromium(hostile_markdown):
    if not CHROMIUM.exists():  # pragma: no cover - environment
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs the chromium package")
        pytest.skip(f"no browser at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    md, _, _ = hostile_markdown
    parser, _ = _tokens(md)
    page_html = "<!doctype html><meta charset=utf-8><body>" + parser.render(md)
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            # nothing may leave the page: every request but the page itself is refused
            page.route("**/*", lambda route: route.abort())
            page.set_content(page_html, wait_until="load")
            page.wait_for_timeout(300)
            assert page.evaluate("window.pwned") is None
            assert page.evaluate("document.querySelectorAll('img, script, iframe, object, embed').length") == 0
            hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
            assert all(h.startswith(("https://", "http://", "#fact-")) for h in hrefs), hrefs
            assert PAYLOAD in page.inner_text("body")
        finally:
            browser.close()
    assert dialogs == []
