"""A feed analyzed end to end twice with a store: entries fetched once, failures recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

import storylens
from storylens.store import Store
from tests.ingest.loopback import Loopback, Route, loopback  # noqa: F401  (the fixture)

DATA = Path(__file__).resolve().parent / "data" / "web"


def test_second_run_does_not_fetch_seen_entries(loopback: Loopback, tmp_path):
    loopback.add("/news/ferry", Route.html((DATA / "ferry.html").read_bytes()))
    loopback.add("/news/bridge", Route.html((DATA / "bridge.html").read_bytes()))
    loopback.add("/news/lighthouse", Route.html((DATA / "bridge.html").read_bytes()))
    feed = (DATA / "feed.rss.tmpl").read_text(encoding="utf-8").replace("{base}", loopback.base).encode()
    feed_url = loopback.add("/feed.rss", Route(body=feed, headers=(("Content-Type", "application/rss+xml"),)))
    db = tmp_path / "store.sqlite"
    settings = dict(store=str(db), allow_private=True, fetch_timeout=5.0, since="2024-03-01")

    first = storylens.analyze([feed_url], **settings)
    fetched_first = [r.path for r in loopback.requests]
    assert "/news/ferry" in fetched_first and "/news/bridge" in fetched_first
    assert sum(len(s.articles) for s in first.stories) == 2
    with Store.open(db) as store:
        assert store.seen_url(loopback.url("/news/ferry"))
        assert not store.seen_url(loopback.url("/news/gone"))  # 404: recorded as a failure
        assert store.get_fetched(loopback.url("/news/gone")).status == "failed"

    before = len(loopback.requests)
    storylens.analyze([feed_url], **settings)
    again = [r.path for r in loopback.requests[before:]]
    assert "/news/ferry" not in again and "/news/bridge" not in again
    assert "/feed.rss" in again and "/news/gone" in again  # the feed itself and the failed entry are retried
    with Store.open(db) as store:
        assert store.count_articles() == 2


def _feed(loopback: Loopback) -> str:
    loopback.add("/news/ferry", Route.html((DATA / "ferry.html").read_bytes()))
    loopback.add("/news/bridge", Route.html((DATA / "bridge.html").read_bytes()))
    feed = (DATA / "feed.rss.tmpl").read_text(encoding="utf-8").replace("{base}", loopback.base).encode()
    return loopback.add("/feed.rss", Route(body=feed, headers=(("Content-Type", "application/rss+xml"),)))


def _titles(report) -> list[str]:
    return sorted(a.title for s in report.stories for a in s.articles)


def test_a_rerun_reports_the_entries_it_read_before_from_the_store(loopback: Loopback, tmp_path):
    feed_url = _feed(loopback)
    settings = dict(store=str(tmp_path / "s.sqlite"), allow_private=True, fetch_timeout=5.0, since="2024-03-01")
    first = storylens.analyze([feed_url], **settings)
    before = len(loopback.requests)
    second = storylens.analyze([feed_url], **settings)
    assert len(_titles(first)) == 2 and _titles(second) == _titles(first)
    again = [r.path for r in loopback.requests[before:]]
    assert "/news/ferry" not in again and "/news/bridge" not in again
    with Store.open(tmp_path / "s.sqlite") as store:
        # taking an entry from the store is not another fetch attempt
        assert store.get_fetched(loopback.url("/news/ferry")).attempts == 1


@pytest.mark.parametrize("dies_in", ["analysis", "storing"])
def test_a_crash_after_fetching_loses_no_entry(loopback: Loopback, tmp_path, monkeypatch, dies_in):
    feed_url = _feed(loopback)
    settings = dict(store=str(tmp_path / "s.sqlite"), allow_private=True, fetch_timeout=5.0, since="2024-03-01")
    import storylens.pipeline as pipeline

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the run dies here

    with monkeypatch.context() as m:
        if dies_in == "analysis":
            m.setattr(pipeline, "analyze_inputs", crash)
        else:
            m.setattr(Store, "put_articles", crash)
        with pytest.raises(KeyboardInterrupt):
            storylens.analyze([feed_url], **settings)
    with Store.open(tmp_path / "s.sqlite") as store:
        marked = store.seen_url(loopback.url("/news/ferry"))
        # a URL is marked fetched only when its article is in the store
        assert marked == (store.count_articles() == 2)
    report = storylens.analyze([feed_url], **settings)
    assert len(_titles(report)) == 2
