"""Issue 11 item 16: a damaged store is refused with one clear line, never read into a report;
store errors (locked, not a store, newer schema) are one line, not a traceback."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli import app
from storylens.store import SCHEMA_VERSION, Store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples"


def _cli(*args: str):
    return CliRunner().invoke(app, ["analyze", str(DEMO), "-q", "--format", "json", "--config", str(_CONFIG), *args])


_CONFIG = ROOT / "tests" / "data" / "lexical.toml"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store written by one demo run, and that run's JSON report."""
    folder = tmp_path_factory.mktemp("store")
    db = folder / "s.sqlite"
    result = _cli("--store", str(db))
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db, result.stdout


def _pages(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA page_count").fetchone()[0]


def test_every_damaged_page_is_refused_or_harmless(stored, tmp_path):
    db, clean_report = stored
    size = 4096
    rng = random.Random(11)
    pages = _pages(db)
    outcomes = {"refused": 0, "same": 0}
    # every page but the header page (page 1 carries the format and is checked by opening)
    for page in range(2, pages + 1):
        copy = tmp_path / f"p{page}.sqlite"
        data = bytearray(db.read_bytes())
        data[(page - 1) * size : page * size] = rng.randbytes(size)
        copy.write_bytes(bytes(data))
        result = _cli("--store", str(copy))
        if result.exit_code == 0:
            # a page quick_check cannot tell was damaged must not have changed the report
            assert result.stdout == clean_report, f"page {page}: a different report from a damaged store"
            outcomes["same"] += 1
        else:
            assert result.exit_code == 2, result.stderr
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ") and "damaged" in lines[0], result.stderr
            outcomes["refused"] += 1
    assert outcomes["refused"] >= 1


def test_verify_on_open_names_the_damage(stored, tmp_path):
    db, _ = stored
    copy = tmp_path / "d.sqlite"
    data = bytearray(db.read_bytes())
    data[4096 : 2 * 4096] = random.Random(1).randbytes(4096)
    copy.write_bytes(bytes(data))
    from storylens.store import StoreDamaged

    with pytest.raises(StoreDamaged, match="the store is damaged"):
        Store.open(copy, verify=True)


@pytest.mark.parametrize("kind", ["text", "newer", "locked"])
def test_store_errors_are_one_line(tmp_path, kind):
    db = tmp_path / "s.sqlite"
    holder = None
    if kind == "text":
        db.write_text("not a database at all, just some words\n" * 100)
    elif kind == "newer":
        with Store.open(db):
            pass
        with sqlite3.connect(db) as conn:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        with Store.open(db):
            pass
        holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.MonkeyPatch.context() as m:
            # a short wait for the lock instead of 30 s
            opened = Store.open.__func__

            m.setattr(Store, "open", classmethod(lambda cls, path, **kw: opened(cls, path, **{**kw, "timeout": 0.2})))
            result = _cli("--store", str(db))
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(db) in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    words = {"text": "not a SQLite database", "newer": "newer than this storylens", "locked": "locked"}[kind]
    assert words in lines[0]
