"""Issue 11 items 2, 4 and 8: whatever names, reasons and fields the input carries, the CLI
finishes, prints them as plain text with control characters escaped, and writes every report."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from storylens.cli import app
from storylens.store import Store

BODY = (
    "The harbour authority closed the northern pier on Monday after a crane collapsed onto the "
    "loading dock. Two workers were taken to hospital with minor injuries, the authority said. "
    "Engineers will inspect the remaining cranes before the pier reopens, officials said."
)


def _invoke(*args: str):
    return CliRunner().invoke(app, ["analyze", *args, "-q"], catch_exceptions=False)


def test_markup_and_escapes_in_skipped_names_and_reasons_print_as_plain_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "[bold red]x[blink] [link=y].txt").write_bytes(b"")
    # a damaged WARC's first line becomes part of its reason
    (folder / "damaged.warc").write_bytes(b"GARBAGE [/] \x1b]0;owned\x07\x1b[2J line\r\nmore\r\n")
    (folder / "story.txt").write_text(BODY, encoding="utf-8")
    result = _invoke(str(folder), "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert "[bold red]x[blink] [link=y].txt" in result.stderr  # shown as written, not read as markup
    assert "GARBAGE [/]" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    warc_line = next(line for line in result.stderr.splitlines() if "damaged.warc" in line)
    assert "\\x1b" in warc_line  # the escape is shown, not sent


def test_control_characters_in_titles_do_not_reach_the_terminal(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text(
        json.dumps({"outlet": "Evil\u001b[2J Post\u202e", "title": "Pier\u001b]0;x\u0007 closed", "text": BODY}) + "\n",
        encoding="utf-8",
    )
    result = _invoke(str(records))
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "Evil\\x1b[2J Post\\u202e" in result.stdout


RECORD_WITH_SURROGATES = (
    '{"outlet": "Dock \\udfff Daily", "title": "Pier \\ud800 closed", "url": "https://dock.example/\\udfff",'
    ' "published": "2024-05-06T09:00:00Z", "byline": "A \\udc80 B", "tags": ["x\\udfff"], "text": "' + BODY + ' \\udfff"}\n'
)


@pytest.mark.parametrize("with_store", [False, True], ids=["no-store", "store"])
def test_lone_surrogates_in_jsonl_fields_are_sanitized_at_ingest(tmp_path, with_store):
    records = tmp_path / "s.jsonl"
    good = json.dumps({"outlet": "Harbour Post", "text": BODY + " Work stopped."})
    records.write_text(RECORD_WITH_SURROGATES + good + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = [str(records), "--out", str(out), "--format", "json", "--with-text"]
    if with_store:
        args += ["--store", str(tmp_path / "s.sqlite")]
    result = _invoke(*args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["skipped"] == []
    articles = {a["outlet"]: a for s in doc["stories"] for a in s["articles"]}
    assert set(articles) == {"Dock \ufffd Daily", "Harbour Post"}
    assert articles["Dock \ufffd Daily"]["title"] == "Pier \ufffd closed"
    assert articles["Dock \ufffd Daily"]["text"].endswith("\ufffd")
    for name in ("report.md", "report.html"):
        assert "Dock \ufffd Daily" in (out / name).read_text(encoding="utf-8")
    if with_store:
        with Store.open(tmp_path / "s.sqlite") as store:
            assert store.count_articles() == 2


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(str(folder)) + b"/caf\xe9.txt"
    with open(name, "wb") as fh:
        fh.write(BODY.encode("utf-8"))
    with open(os.fsencode(str(folder)) + b"/empty\xff.txt", "wb"):
        pass
    out = tmp_path / "out"
    result = _invoke(str(folder), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [a["source"].rsplit("/", 1)[-1] for s in doc["stories"] for a in s["articles"]] == ["caf\\xe9.txt"]
    assert [s["source"].rsplit("/", 1)[-1] for s in doc["skipped"]] == ["empty\\xff.txt"]
    assert "empty\\xff.txt" in result.stderr
