"""The web app in a real browser: Debian's chromium driven by Playwright, app on loopback.

Nothing is downloaded: Playwright is pointed at /usr/bin/chromium (``.ci/run`` installs the
``chromium`` package when it is missing). Without it these tests are skipped, except under CI,
where a missing browser is an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import HARBOUR, HOSTILE_TITLE, LoopbackServer, copy_store

CHROMIUM = Path(os.environ.get("STORYLENS_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

if not CHROMIUM.exists():  # pragma: no cover - environment
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs the chromium package")
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, library_db):
    from storylens.web import create_app

    path = copy_store(library_db, tmp_path_factory.mktemp("browser") / "library.sqlite")
    with LoopbackServer(create_app(path)) as server:
        yield server


class Page:
    """A browser page that records console errors, page errors and dialogs (all must stay empty)."""

    def __init__(self, browser, base: str, width: int = 1280, height: int = 900) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.base = base
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        # the app must never reach beyond its own origin
        self.page.route(re.compile(r"^(?!" + re.escape(base) + r")"), lambda route: (self.problems.append(f"outside request: {route.request.url}"), route.abort()))

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


@pytest.fixture
def page(browser, app_server):
    p = Page(browser, app_server.url)
    yield p
    p.close()


def test_library_search_filter_story_and_evidence(page):
    pg = page.page
    page.goto("/")
    titles = pg.locator("a.story-title").all_inner_texts()
    # newest first: the ferry (10 March 2026), the robot (6 March), the footbridge (June 2025)
    assert len(titles) == 3 and titles[1].startswith("Grammar school robot") and titles[2] == HOSTILE_TITLE

    # search from the header: the fact hit names the story, the match is marked
    pg.fill("form.search input[name=q]", "Binbot")
    pg.press("form.search input[name=q]", "Enter")
    pg.wait_for_url(re.compile(r"/search\?q=Binbot"))
    assert pg.locator("ol.hits mark").first.inner_text().lower() == "binbot"

    # filter the list by outlet
    page.goto("/")
    pg.select_option("select[name=outlet]", "Northshore Daily")
    pg.click("form.filters button[type=submit]")
    pg.wait_for_url(re.compile(r"outlet=Northshore"))
    assert pg.locator("a.story-title").count() == 1

    # open the story: summary first, then the matrix
    pg.click("a.story-title")
    pg.wait_for_url(re.compile(r"/stories/"))
    sections = pg.locator("main h2").all_inner_texts()
    assert sections[:2] == ["Summary", "Facts × outlets"]
    assert pg.locator("table.matrix tr.fact-row").count() > 5

    # click a ✓ of the first fact: the article opens with that one sentence highlighted, in view
    row = pg.locator("table.matrix tr.fact-row").last  # the last fact: its sentence is far down
    mark = row.locator("a.mark.st-reported").first
    outlet = mark.get_attribute("title").split(":")[0]
    number = row.locator("td.num").inner_text()
    start, end = map(int, re.search(r"span=(\d+)-(\d+)", mark.get_attribute("href")).groups())
    mark.click()
    pg.wait_for_url(re.compile(r"/articles/.+\?span=\d+-\d+#ev"))
    marks = pg.locator("article mark")
    assert marks.count() == 1  # only that sentence is highlighted
    assert len(marks.first.inner_text()) == end - start
    box = pg.locator("mark#ev").bounding_box()
    assert box is not None and 0 <= box["y"] < pg.viewport_size["height"]  # scrolled into view
    assert outlet in pg.locator("p.meta").first.inner_text()
    # the claims of that sentence beside it, linking back to the fact
    back = pg.locator("aside .fact-card a").first
    assert back.inner_text() == number
    back.click()
    pg.wait_for_url(re.compile(rf"/stories/.+#{number}$"))


def test_fact_filters_work_without_reloading(page):
    pg = page.page
    page.goto("/")
    pg.locator("a.story-title", has_text="Ferry").click()
    pg.wait_for_url(re.compile(r"/stories/"))
    rows = pg.locator("table.matrix tr.fact-row")
    total = rows.count()
    pg.evaluate("window.__same_page = true")
    pg.click("nav.show a[data-show=single]")
    visible = pg.locator("table.matrix tr.fact-row:not([hidden])")
    assert 0 < visible.count() < total
    # one outlet tells each of these facts (others may have a related statement, ≈)
    assert all(len(r.locator("a.mark:not(.st-related)").all()) == 1 for r in visible.all())
    assert pg.evaluate("window.__same_page") is True  # no navigation happened
    assert "show=single" in pg.url


def test_hostile_title_and_text_render_as_text(page):
    pg = page.page
    page.goto("/?q=footbridge")
    link = pg.locator("a.story-title")
    assert link.inner_text() == HOSTILE_TITLE
    link.click()
    pg.wait_for_url(re.compile(r"/stories/"))
    assert pg.locator("h1").inner_text() == HOSTILE_TITLE
    pg.locator("ul.articles a", has_text="<script>").click()
    pg.wait_for_url(re.compile(r"/articles/"))
    assert "<script>window.__pwned = 3</script>" in pg.locator("article .body").inner_text()
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert pg.locator("article .body script, article .body svg, article img").count() == 0


def test_narrow_screen_keeps_every_outlet_on_screen(browser, app_server):
    narrow = Page(browser, app_server.url, width=400, height=800)
    try:
        pg = narrow.page
        narrow.goto("/")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 400
        pg.locator("a.story-title", has_text="Ferry").click()
        pg.wait_for_url(re.compile(r"/stories/"))
        assert pg.evaluate("document.documentElement.scrollWidth") <= 400
        first = pg.locator("table.matrix tr.fact-row").first
        cells = first.locator("td.cell")
        assert cells.count() == 3
        for k in range(cells.count()):
            box = cells.nth(k).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400
        fact_box = first.locator("td.fact").bounding_box()
        assert fact_box["width"] > 300  # the fact text has the width; the marks go under it
        first.locator("a.mark").first.click()
        pg.wait_for_url(re.compile(r"/articles/"))
        assert pg.evaluate("document.documentElement.scrollWidth") <= 400
    finally:
        narrow.close()


def test_add_an_article_through_the_form_and_see_it_join_its_story(browser, tmp_path, library_db):
    from storylens.web import create_app

    path = copy_store(library_db, tmp_path / "add.sqlite")
    with LoopbackServer(create_app(path)) as server:
        p = Page(browser, server.url)
        try:
            pg = p.page
            p.goto("/add")
            pg.set_input_files("input[type=file]", str(HARBOUR))
            pg.click("form.add button[type=submit]")
            pg.wait_for_url(re.compile(r"/runs/\d+"))
            # the page reloads itself while the run works; wait for it to say done
            pg.wait_for_selector("#run-status[data-status=done]", timeout=240_000)
            assert pg.locator("ul.skipped").count() == 0
            pg.locator("ul.run-stories a").first.click()
            pg.wait_for_url(re.compile(r"/stories/"))
            outlets = pg.locator("ul.articles a.outlet").all_inner_texts()
            assert "Harbour FM" in outlets and len(outlets) == 4
        finally:
            p.close()
