"""The CLI over a library: stories, show, delete, serve; progress lines without a terminal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from storylens.cli import app

from .conftest import ROOT


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_stories_lists_one_line_per_story_and_filters(library_db):
    result = run("stories", "--store", str(library_db))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line[:2].strip().isdigit()]
    assert len(rows) == 3
    assert "Grammar" in result.stdout
    only = run("stories", "--store", str(library_db), "--outlet", "Northshore Daily", "--format", "json")
    data = json.loads(only.stdout)
    assert data["total"] == 1 and "Northshore Daily" in data["stories"][0]["outlets"]
    searched = json.loads(run("stories", "--store", str(library_db), "-s", "Binbot", "-f", "json").stdout)
    assert [s["title"] for s in searched["stories"]] == ["Grammar school robot that sorts recycling wins place in national final"]
    bad = run("stories", "--store", str(library_db), "--since", "soon")
    assert bad.exit_code == 2 and "since: not an ISO 8601" in bad.output


def test_show_prints_one_story_in_full_by_id_or_prefix(library_db):
    stories = json.loads(run("stories", "--store", str(library_db), "-f", "json").stdout)["stories"]
    ferry = next(s for s in stories if "Coastal Press Agency" in s["outlets"])
    text = run("show", ferry["id"][:8], "--store", str(library_db))
    assert text.exit_code == 0 and "F1 " in text.stdout and "Sup" in text.stdout
    as_json = json.loads(run("show", ferry["id"], "--store", str(library_db), "-f", "json").stdout)
    assert as_json["stories"][0]["id"] == ferry["id"]
    missing = run("show", "ffffffffffffffff", "--store", str(library_db))
    assert missing.exit_code == 1 and "no story" in missing.output
    nowhere = run("show", "x", "--store", str(library_db.parent / "absent.sqlite"))
    assert nowhere.exit_code == 2 and "no such library" in nowhere.output
    assert not (library_db.parent / "absent.sqlite").exists()


def test_delete_a_story(library_copy):
    stories = json.loads(run("stories", "--store", str(library_copy), "-f", "json").stdout)["stories"]
    robot = next(s for s in stories if "robot" in s["title"])
    result = run("delete", robot["id"], "--store", str(library_copy))
    assert result.exit_code == 0 and "deleted story" in result.output
    left = json.loads(run("stories", "--store", str(library_copy), "-f", "json").stdout)
    assert left["total"] == 2 and robot["id"] not in [s["id"] for s in left["stories"]]
    assert run("delete", "nope", "--store", str(library_copy)).exit_code == 1


def test_progress_lines_on_stderr_when_not_a_terminal(tmp_path):
    result = run("analyze", str(ROOT / "examples"), "--store", str(tmp_path / "lib.sqlite"))
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("progress ")]
    assert any(line.startswith("progress understand: 5 of 5") for line in lines)
    assert any(line.startswith("progress compare:") for line in lines)
    assert len(lines) < 30  # a line per stage and now and then, not one per step
    quiet = run("analyze", str(ROOT / "examples"), "--store", str(tmp_path / "lib.sqlite"), "-q")
    assert "progress" not in quiet.stderr


def test_serve_binds_loopback_and_answers(tmp_path, library_copy):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "storylens.cli", "serve", "--store", str(library_copy), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read() if proc.poll() is not None else "no answer")
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["total"] == 3
        # the kernel's table of listening sockets: local address 127.0.0.1 (hex, little-endian)
        rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == port]
        assert listening == [f"0100007F:{port:04X}"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
