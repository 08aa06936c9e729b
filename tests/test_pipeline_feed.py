"""A feed analyzed end to end twice with a store: entries fetched once, failures recorded."""

from __future__ import annotations

from pathlib import Path

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
