"""Take the README's screenshots of the web app from real output (the demo corpus).

    python scripts/screenshots.py [--out docs/img]

Builds a library of ``examples/`` in a temporary store, serves it on 127.0.0.1 and photographs
the pages with Debian's chromium through Playwright (the same setup as tests/web/test_browser.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from storylens.ingest import read_inputs  # noqa: E402
from storylens.library import add_articles  # noqa: E402
from storylens.model import Article  # noqa: E402
from storylens.settings import Settings  # noqa: E402
from storylens.store import Store  # noqa: E402
from storylens.web import create_app  # noqa: E402
from tests.web.conftest import LoopbackServer  # noqa: E402
from tests.web.test_browser import CHROMIUM, LAUNCH_ARGS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    store = Path(tempfile.mkdtemp()) / "demo.sqlite"
    with Store.open(store) as s:
        add_articles(s, [a for a in read_inputs([str(ROOT / "examples")], Settings()) if isinstance(a, Article)], Settings())
        ferry = next(x for x in s.list_stories()[0] if len(x.outlets) > 2)
    with LoopbackServer(create_app(store)) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        wide = browser.new_page(viewport={"width": 1280, "height": 860})
        wide.goto(f"{server.url}/stories/{ferry.id}")
        wide.screenshot(path=str(args.out / "story-summary.png"))
        wide.goto(f"{server.url}/stories/{ferry.id}?show=conflicts#facts")
        wide.screenshot(path=str(args.out / "story-matrix.png"))
        href = wide.locator("table.matrix tr.fact-row:not([hidden]) a.mark").first.get_attribute("href")
        wide.goto(server.url + href)
        wide.screenshot(path=str(args.out / "article-evidence.png"))
        wide.goto(f"{server.url}/")
        wide.screenshot(path=str(args.out / "stories.png"))
        narrow = browser.new_page(viewport={"width": 400, "height": 860})
        narrow.goto(f"{server.url}/stories/{ferry.id}#facts")
        narrow.screenshot(path=str(args.out / "story-400px.png"))
        browser.close()
    for png in sorted(args.out.glob("*.png")):
        print(png.relative_to(ROOT), png.stat().st_size)


if __name__ == "__main__":
    main()
