"""The command line on real files: formats, output folder, bad input."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from storylens.cli import app
from storylens.render.json import load_schema


@pytest.fixture(scope="module")
def batch(tmp_path_factory, seed_paths):
    d = tmp_path_factory.mktemp("batch")
    for p in seed_paths:
        shutil.copy(p, d / p.name)
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "latin1.txt").write_bytes(
        "Caf\u00e9 owners in the old town protested on Monday against the new parking rules, "
        "which the council adopted last week after a long debate about traffic and noise.\n".encode("latin-1") * 3
    )
    return d


@pytest.fixture(scope="module")
def run(batch, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(
        app,
        ["analyze", str(batch), str(batch / "missing.txt"), "--out", str(out), "--format", "json", "--with-text", "-q"],
    )
    return result, out


def test_bad_inputs_are_skipped_with_reasons_and_the_rest_is_analyzed(run, batch):
    result, out = run
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    skipped = {s["source"]: s["reason"] for s in doc["skipped"]}
    by_name = {src.rsplit("/", 1)[-1]: reason for src, reason in skipped.items()}
    assert set(by_name) == {"empty.txt", "binary.txt", "latin1.txt", "missing.txt"}
    assert "empty" in by_name["empty.txt"].lower()
    assert "binary" in by_name["binary.txt"].lower()
    assert "utf-8" in by_name["latin1.txt"].lower()
    assert "no such file" in by_name["missing.txt"].lower() or "not found" in by_name["missing.txt"].lower()
    assert len(doc["stories"]) == 1 and len(doc["stories"][0]["articles"]) == 2
    # each reason is also on stderr
    for name in by_name:
        assert name in result.stderr


def test_output_folder_has_every_format_and_json_validates(run):
    import jsonschema

    _, out = run
    for name in ("report.md", "report.json", "report.html"):
        assert (out / name).stat().st_size > 0
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema()).validate(doc)


def test_every_span_slices_to_its_text(run):
    from tests.render.spans import iter_spans

    _, out = run
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    texts = {a["id"]: a["text"] for s in doc["stories"] for a in s["articles"]}
    n = 0
    for article_id, (start, end), text in iter_spans(doc):
        assert 0 <= start <= end <= len(texts[article_id])
        if text is not None:
            assert texts[article_id][start:end] == text
            n += 1
    assert n > 20


def test_stdout_json_matches_the_file(run):
    result, out = run
    assert json.loads(result.stdout) == json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_unknown_format_is_an_error():
    result = CliRunner().invoke(app, ["analyze", "x", "--format", "pdf"])
    assert result.exit_code == 2
    assert "unknown format" in result.stderr


def test_stdin_records(tmp_path):
    body = (
        "The Mell bridge reopened on Friday after three weeks of repairs, the county said. "
        "Engineers replaced two cracked bearings and resurfaced the deck. "
        "Traffic was flowing normally by the evening rush hour, according to the county."
    )
    lines = [
        json.dumps({"outlet": "Valley Post", "url": "https://valleypost.example/a", "published": "2026-05-08", "text": body}),
        "{not json",
    ]
    result = CliRunner().invoke(app, ["analyze", "-", "--format", "json", "-q"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (story,) = doc["stories"]
    assert story["articles"][0]["outlet"] == "Valley Post"
    assert story["articles"][0]["published"].startswith("2026-05-08")
    (bad,) = doc["skipped"]
    assert bad["source"].endswith(":2")


def test_summary_counts_skips_by_reason(run):
    result, _ = run
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("2 articles in 1 story")
    assert "4 skipped" in last
    assert "empty file: 1" in last.lower() or "empty" in last.lower()


def test_bad_flag_values_are_errors():
    result = CliRunner().invoke(app, ["analyze", "x", "--since", "yesterday"])
    assert result.exit_code == 2
    assert "since" in result.stderr and "ISO 8601" in result.stderr
