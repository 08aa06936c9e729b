"""End to end on whole real corpora: `storylens analyze` as a user runs it, checked for what must hold.

Three runs of the command line, each on a whole corpus of ../shared/bench read in place:

1. the 181 pages of article-extraction as a folder (``.html.gz`` files, read compressed), with a store;
2. the same pages as one WARC file built from them here, into the same store;
3. the 150 BASIL articles as a JSONL file built from them here.

For each: exit status 0; every input accounted for (articles + skipped + duplicates = inputs);
no story failed; every span of the JSON report slices its article's text to exactly the text
shown; and the Markdown and HTML reports written. The WARC run must find the same articles as
the folder run. The runs use the lexical sentence embedder: they check that whole corpora go
through every stage and come out traceable, which the quality benchmarks do not (they measure
scores, with the default embedder). Run by CI after the tests:

    python -m bench.e2e [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from bench.data import BENCH
from tests.render.spans import span_mismatches

__all__ = ["main", "build_warc", "build_basil_jsonl"]

PAGES = BENCH / "article-extraction"
BASIL = BENCH / "cross-outlet-basil" / "articles"
N_PAGES = 181
N_BASIL = 150


def build_warc(path: Path) -> int:
    """A WARC of the extraction pages, one response record each, with the page's own URL."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    n = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for page in sorted((PAGES / "html").glob("*.html.gz")):
            key = page.name.removesuffix(".html.gz")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                truth[key]["url"], "response", payload=io.BytesIO(gzip.decompress(page.read_bytes())),
                http_headers=http, warc_headers_dict={"WARC-Date": "2024-01-01T00:00:00Z"},
            )
            writer.write_record(record)
            n += 1
    return n


def build_basil_jsonl(path: Path) -> int:
    """BASIL's articles as storylens records: outlet, title, url, date, paragraphs joined."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for file in sorted(BASIL.glob("*/*.json")):
            a = json.loads(file.read_text(encoding="utf-8"))
            text = "\n\n".join(" ".join(p) for p in a["body-paragraphs"])
            row = {"id": a["uuid"], "outlet": a["source"], "url": a["url"], "title": a["title"],
                   "published": a["date"], "text": text}
            out.write(json.dumps(row) + "\n")
            n += 1
    return n


def analyze(inputs: Sequence[str], out: Path, *args: str) -> tuple[dict[str, Any], float]:
    """One CLI run writing every report format to ``out``; its JSON report and wall seconds."""
    cmd = [sys.executable, "-m", "storylens.cli", "analyze", *inputs, "--out", str(out), "--with-text",
           "--format", "json", "-q", *args]
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"FAIL {' '.join(inputs)}: exit status {done.returncode}\n{done.stderr[-3000:]}")
    for name in ("report.md", "report.html", "report.json"):
        if not (out / name).stat().st_size:
            raise SystemExit(f"FAIL {' '.join(inputs)}: {name} is empty")
    return json.loads(done.stdout), seconds


def check(label: str, doc: dict[str, Any], inputs: int) -> set[str]:
    """The run's promises; prints one line, raises SystemExit on a broken one; the article ids."""
    articles = [a for s in doc["stories"] for a in s["articles"]]
    ids = {a["id"] for a in articles}
    accounted = len(ids) + len(doc["skipped"]) + len(doc["duplicates"])
    problems = []
    if accounted != inputs:
        problems.append(f"{inputs} inputs but {len(ids)} articles + {len(doc['skipped'])} skipped + "
                        f"{len(doc['duplicates'])} duplicates = {accounted}")
    failed = [s["failed"] for s in doc["stories"] if s.get("failed")]
    if failed:
        problems.append(f"{len(failed)} stories failed, e.g. {failed[0]}")
    wrong = span_mismatches(doc)
    if wrong:
        problems.append(f"{len(wrong)} spans off their text, e.g. {wrong[0]}")
    n_spans = sum(1 for _ in _spans(doc))
    print(f"{label}: {len(ids)} articles in {len(doc['stories'])} stories, {len(doc['skipped'])} skipped, "
          f"{len(doc['duplicates'])} duplicates, {n_spans} spans checked", flush=True)
    if problems:
        raise SystemExit(f"FAIL {label}: " + "; ".join(problems))
    return ids


def _spans(doc: Any):
    from tests.render.spans import iter_spans

    return iter_spans(doc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the corpora, store and reports here (default: a temporary folder)")
    args = parser.parse_args(argv)
    for needed in (PAGES / "html", BASIL):
        if not needed.is_dir():
            raise SystemExit(f"FAIL: {needed} is missing (the corpora are read from ../shared/bench)")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        store = str(work / "e2e.sqlite")
        config = work / "e2e.toml"
        config.write_text('[storylens]\nembedder = "lexical"\n', encoding="utf-8")
        started = time.monotonic()

        folder, t1 = analyze([str(PAGES / "html")], work / "pages", "--store", store, "--config", str(config))
        folder_ids = check(f"pages as a folder ({t1:.0f} s)", folder, N_PAGES)

        warc = work / "pages.warc.gz"
        n = build_warc(warc)
        from_warc, t2 = analyze([str(warc)], work / "warc", "--store", store, "--config", str(config))
        warc_ids = check(f"pages as a WARC ({t2:.0f} s)", from_warc, n)
        if warc_ids != folder_ids:
            raise SystemExit(f"FAIL: the WARC gives {len(warc_ids ^ folder_ids)} articles the folder does not, or the other way round")

        basil = work / "basil.jsonl"
        n = build_basil_jsonl(basil)
        records, t3 = analyze([str(basil)], work / "basil", "--config", str(config))
        check(f"BASIL as JSONL ({t3:.0f} s)", records, n)
        print(f"end to end: all checks passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
