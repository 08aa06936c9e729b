"""The library: incremental updates equal a from-scratch run; deletions keep the rest consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

import storylens
from storylens.ingest import read_inputs
from storylens.library import (
    add_articles,
    delete_articles,
    delete_story,
    library_report,
    load_story,
    refresh,
    window_days,
)
from storylens.model import Article
from storylens.render.json import report_to_dict
from storylens.settings import Settings
from storylens.store import Store, plain_query

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HARBOUR = EXAMPLES / "harbour-fm.jsonl"
SETTINGS = Settings()


def read(paths, settings: Settings = SETTINGS) -> list[Article]:
    return [a for a in read_inputs([str(p) for p in paths], settings) if isinstance(a, Article)]


def demo_without_harbour() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".jsonl") and p != HARBOUR)


_SCRATCH: dict[tuple, dict] = {}


def from_scratch(store: Store, settings: Settings = SETTINGS) -> dict:
    """What a batch run (no store) reports over every article of the library, stored order."""
    articles = list(store.iter_articles())
    key = (settings, repr(articles))
    if key not in _SCRATCH:  # the same library state is checked by several tests
        _SCRATCH[key] = report_to_dict(storylens.analyze_articles(articles, settings), with_text=True)
    return _SCRATCH[key]


def library(store: Store) -> dict:
    return report_to_dict(library_report(store), with_text=True)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A library holding the demo corpus (built once; tests work on copies)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with Store.open(path) as s:
        add_articles(s, read([EXAMPLES]), SETTINGS)
    return path


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "library.sqlite") as s:
        yield s


@pytest.fixture
def demo(tmp_path, demo_db):
    path = tmp_path / "copy.sqlite"
    with Store.open(demo_db) as src, Store.open(path) as _:
        pass
    import sqlite3

    src = sqlite3.connect(demo_db)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    with Store.open(path) as s:
        yield s


def test_the_derived_window_is_where_time_damping_falls_below_the_threshold():
    from storylens.group.stories import TIME_GRACE_DAYS, TIME_HALF_LIFE_DAYS

    days = window_days(SETTINGS)
    damping = 0.5 ** ((days - TIME_GRACE_DAYS) / TIME_HALF_LIFE_DAYS)
    assert damping == pytest.approx(SETTINGS.story_threshold)
    assert window_days(storylens.load_settings(library_window_days=10)) == 10


def test_a_new_article_joins_its_story_and_only_that_story_is_compared(store):
    first = add_articles(store, read(demo_without_harbour()), SETTINGS)
    assert len(first.compared) == 2 and store.count_stories() == 2
    ferry_before = next(s.story.id for s in first.report.stories if len(s.articles) == 3)

    second = add_articles(store, read([HARBOUR]), SETTINGS)
    assert len(second.new_articles) == 1
    [ferry] = second.report.stories  # the report holds the story the new article joined, whole
    assert len(ferry.articles) == 4 and "Harbour FM" in ferry.outlets
    assert second.compared == (ferry.story.id,)  # the robotics story was in the window, unchanged
    assert len(second.reused) == 1 and second.removed == (ferry_before,)
    # the superseded id leads to the story that took its articles
    assert store.resolve_story(ferry_before) == ferry.story.id
    assert load_story(store, ferry_before).story.id == ferry.story.id
    assert library(store) == from_scratch(store)
    assert store.integrity_check() == "ok"


def test_articles_far_apart_in_time_leave_the_other_stories_out_of_the_pool(demo, seed_paths):
    store = demo
    dated = storylens.load_settings(published="2024-10-09")
    update = add_articles(store, read(seed_paths, dated), dated)
    assert update.pool == 2  # only the seeds: the demo stories are 17 months away
    assert len(update.compared) == 1 and not update.removed
    assert store.count_stories() == 3
    assert library(store) == from_scratch(store)


def test_undated_new_articles_regroup_the_whole_library(demo, seed_paths):
    store = demo
    update = add_articles(store, read(seed_paths), SETTINGS)
    assert update.pool == 2 + 5  # an undated article may belong anywhere
    assert len(update.compared) == 1 and len(update.reused) == 2
    assert library(store) == from_scratch(store)


def test_a_rerun_parses_and_compares_nothing_and_reports_the_same(demo, monkeypatch):
    store = demo
    articles = read([EXAMPLES])
    first = library_report(store)
    import storylens.compare as compare_module
    import storylens.understand.nlp as nlp_module

    def forbidden(*args, **kwargs):
        raise AssertionError("nothing should be parsed or compared again")

    monkeypatch.setattr(nlp_module, "parse_many", forbidden)
    monkeypatch.setattr(compare_module, "compare_story", forbidden)
    again = add_articles(store, articles, SETTINGS)
    assert again.compared == () and again.new_articles == ()
    assert report_to_dict(again.report) == report_to_dict(first)


def test_other_settings_recompute_the_touched_stories(demo, seed_paths):
    store = demo
    dated = storylens.load_settings(published="2024-10-09")
    seeds = read(seed_paths, dated)
    add_articles(store, seeds, dated)
    stricter = storylens.load_settings(published="2024-10-09", fact_threshold=0.9)
    update = add_articles(store, seeds[:1], stricter)
    assert len(update.compared) == 1  # the seeds' story; the demo stories, far off, wait
    assert len(refresh(store, stricter).compared) == 2  # ... until a refresh
    assert refresh(store, stricter).compared == ()
    assert library(store) == from_scratch(store, stricter)


def test_deleting_an_article_regroups_its_story_as_a_batch_run_would(demo):
    store = demo
    harbour = next(a for a in store.iter_articles() if a.outlet.name == "Harbour FM")
    old_story = store.stories_of([harbour.id])[harbour.id]
    update = delete_articles(store, [harbour.id], SETTINGS)
    assert update.removed == (old_story,) and len(update.compared) == 1
    assert store.get_article(harbour.id) is None and store.stories_of([harbour.id]) == {}
    assert not store.search('"Ambulance crews took 31 passengers"')
    assert not store.search_facts('"Ambulance crews took 31 passengers"')
    assert "Harbour FM" not in store.list_outlets()
    assert library(store) == from_scratch(store)
    assert store.integrity_check() == "ok"


def test_deleting_a_story_removes_its_articles_and_facts(demo):
    store = demo
    summaries, total = store.list_stories()
    robot = next(s for s in summaries if "robot" in s.title.lower())
    delete_story(store, robot.id, SETTINGS)
    assert store.count_stories() == total - 1 == 1
    assert store.resolve_story(robot.id) is None
    assert not store.search("Binbot") and not store.search_facts("Binbot")
    assert store.count_articles() == 4
    assert library(store) == from_scratch(store)
    assert store.integrity_check() == "ok"


def test_stories_list_filters_and_counts(demo):
    store = demo
    all_, total = store.list_stories()
    assert total == 2
    assert all_[0].last_published >= all_[1].last_published  # newest first
    ferry = next(s for s in all_ if len(s.outlets) == 4)
    assert ferry.n_conflicts > 0 and ferry.n_shared > 0 and ferry.n_single > 0
    assert [s.id for s in store.list_stories(conflicts=True)[0]] == [ferry.id]
    assert [s.id for s in store.list_stories(outlet="Harbour FM")[0]] == [ferry.id]
    from datetime import datetime, timezone

    assert [s.id for s in store.list_stories(since=datetime(2026, 3, 8, tzinfo=timezone.utc))[0]] == [ferry.id]
    assert ferry.id not in [s.id for s in store.list_stories(until=datetime(2026, 3, 8, tzinfo=timezone.utc))[0]]
    hits = store.search_facts(plain_query("passengers St Aldhelm's"))
    assert hits and all(h.story_id == ferry.id for h in hits)
    totals = {t.outlet: t for t in store.outlet_totals()}
    assert totals["Bramcote Courier"].n_stories == 2
    exclusive = store.outlet_facts("Harbour FM", exclusive=True)
    assert all(f.exclusive == "Harbour FM" for _, _, f in exclusive)


def test_a_migrated_store_places_its_old_articles_in_stories(tmp_path):
    path = tmp_path / "v2.sqlite"
    path.write_bytes((ROOT / "tests" / "data" / "store" / "v2.sqlite").read_bytes())
    with Store.open(path) as store:
        assert store.count_stories() == 0
        update = refresh(store, SETTINGS)
        assert update.compared and store.unassigned_articles() == []
        assert library(store) == from_scratch(store)


def test_analyze_with_a_store_records_the_run(tmp_path):
    db = tmp_path / "runs.sqlite"
    report = storylens.analyze([str(EXAMPLES), str(tmp_path / "missing.txt")], store=str(db))
    with Store.open(db) as store:
        [run] = store.list_runs()
        assert run.status == "done" and run.kind == "analyze"
        assert run.result["new_articles"] == 5
        assert {s["id"] for s in run.result["stories"]} == {s.story.id for s in report.stories}
        assert any("missing.txt" in s["source"] for s in run.result["skipped"])


def test_a_run_finishes_with_its_skipped_inputs_named_as_the_caller_names_them(tmp_path, monkeypatch):
    # the web app names uploads by their file names: the run must never be seen finished with
    # the temporary paths (it once was, between finishing and renaming)
    from storylens.pipeline import run

    seen = []
    finish = Store.finish_run

    def spy(self, run_id, *, result=None, error=None):
        seen.append(result)
        finish(self, run_id, result=result, error=error)

    monkeypatch.setattr(Store, "finish_run", spy)
    missing = str(tmp_path / "tmp-upload" / "000" / "notes.txt")
    run([str(EXAMPLES), missing], Settings(store=str(tmp_path / "runs.sqlite")),
        source_name=lambda s: "upload: notes.txt" if s == missing else s)
    assert len(seen) == 1  # finished once, with the final names
    assert [s["source"] for s in seen[0]["skipped"]] == ["upload: notes.txt"]


def test_an_edited_file_replaces_its_stored_version(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in demo_without_harbour():
        if p.suffix == ".txt":
            (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    edited = sorted(folder.iterdir())[0]
    with Store.open(tmp_path / "lib.sqlite") as store:
        add_articles(store, read([folder]), SETTINGS)
        before = store.count_articles()
        old_id = next(a.id for a in read([edited]))
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text + "\n\nA correction was appended to this article on Friday.\n", encoding="utf-8")
        update = add_articles(store, read([folder]), SETTINGS)
        new_id = next(a.id for a in read([edited]))
        assert update.replaced == (old_id,) and update.new_articles == (new_id,)
        assert store.count_articles() == before
        assert not store.has_article(old_id) and store.has_article(new_id)
        assert library(store) == from_scratch(store)
        assert store.integrity_check() == "ok"
        # the file overwritten with another article altogether: the stored one stays
        other = next(p for p in demo_without_harbour() if p.suffix == ".txt" and p.name != edited.name)
        edited.write_text(other.read_text(encoding="utf-8").replace("ferry", "barge"), encoding="utf-8")
        update = add_articles(store, read([folder]), SETTINGS)
        assert update.replaced == () and len(update.new_articles) == 1
        assert store.has_article(new_id)


def test_a_changed_line_of_a_jsonl_file_adds_an_article(tmp_path):
    # a line number says where a record sat, not which article it is: nothing is replaced
    dump = tmp_path / "dump.jsonl"
    lines = HARBOUR.read_text(encoding="utf-8").splitlines()
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "lib.sqlite") as store:
        add_articles(store, read([dump]), SETTINGS)
        import json

        record = json.loads(lines[0])
        record["text"] = record["text"] + " A correction was appended to this article on Friday."
        dump.write_text("\n".join([json.dumps(record), *lines[1:]]) + "\n", encoding="utf-8")
        update = add_articles(store, read([dump]), SETTINGS)
        assert update.replaced == () and len(update.new_articles) == 1
        assert store.count_articles() == len(lines) + 1
