"""The SQLite store: exact round trips, idempotence, search, crash safety, bad files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storylens.model import (
    Article,
    ArticleAnalysis,
    Claim,
    Hedge,
    Mention,
    Outlet,
    Quantity,
    Quote,
    SourceRef,
    Span,
    TimeRef,
    text_id,
)
from storylens.store import (
    SCHEMA_VERSION,
    FETCH_OK,
    Store,
    StoreError,
    StoreQueryError,
    StoreVersionMismatch,
    plain_query,
)

ROOT = Path(__file__).resolve().parents[1]

# A fictional wire story; every finding below is located in it by text, never by hand-typed offsets.
TEXT = (
    "Harbour officials said on Tuesday that the Skerrow ferry ran aground with more than 180 "
    "passengers aboard. \"Nobody was hurt,\" said Captain Mara Lindqvist. Two port officials told "
    "the Northshore Daily that the tide gauge had reportedly failed the week before."
)
PUBLISHED = datetime(2024, 10, 2, 9, 30, tzinfo=timezone(timedelta(hours=2)))


def span_of(text: str, part: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return Span(start, start + len(part))


def make_article(text: str = TEXT, *, origin: str = "wire/skerrow.txt", **kw) -> Article:
    fields = dict(
        id=text_id(text),
        outlet=Outlet("Coastal Wire", "coastalwire.example", "wire"),
        text=text,
        title="Skerrow ferry runs aground",
        url="https://coastalwire.example/skerrow",
        byline="Ines Haldor",
        published=PUBLISHED,
        published_how="metadata",
        language="en",
        paragraphs=(Span(0, len(text)),),
        origin=origin,
        meta={"section": "news", "tags": ["ferry", "harbour"], "wordcount": 42, "extra": {"a": 1}},
    )
    fields.update(kw)
    return Article(**fields)


def make_analysis(article: Article) -> ArticleAnalysis:
    t = article.text
    s1_end = t.index("aboard.") + len("aboard.")
    s2_end = t.index("Lindqvist.") + len("Lindqvist.")
    sentences = (Span(0, s1_end), Span(s1_end + 1, s2_end), Span(s2_end + 1, len(t)))
    mentions = (
        Mention(span_of(t, "Skerrow"), "Skerrow", "GPE", entity_id="e:skerrow"),
        Mention(span_of(t, "Mara Lindqvist"), "Mara Lindqvist", "PERSON", entity_id=None),
        Mention(span_of(t, "Northshore Daily"), "Northshore Daily", "ORG"),
    )
    captain = SourceRef(
        span_of(t, "Captain Mara Lindqvist"),
        "Captain Mara Lindqvist",
        "person",
        name="Mara Lindqvist",
        role="captain",
        cue=span_of(t, "said", 1),
    )
    anon = SourceRef(
        span_of(t, "Two port officials"),
        "Two port officials",
        "anonymous",
        count=2,
        role="official",
        affiliation="port",
        via="Northshore Daily",
        cue=span_of(t, "told"),
    )
    officials = SourceRef(span_of(t, "Harbour officials"), "Harbour officials", "organization")
    quote = Quote(span_of(t, "Nobody was hurt,"), "Nobody was hurt,", "direct", speaker=captain,
                  cue=span_of(t, "said", 1))
    tuesday = TimeRef(
        span_of(t, "Tuesday"),
        "Tuesday",
        "DATE",
        value="2024-10-01",
        start=datetime(2024, 10, 1, tzinfo=timezone(timedelta(hours=2))),
        end=datetime(2024, 10, 2, tzinfo=timezone(timedelta(hours=2))),
        granularity="day",
        anchor="publication",
    )
    week = TimeRef(span_of(t, "the week before"), "the week before", "DATE")  # unresolved
    passengers = Quantity(span_of(t, "more than 180 passengers"), "more than 180 passengers", 180.0,
                          qualifier="more than", unit="passengers")
    hedge = Hedge(span_of(t, "reportedly"), "reportedly", "hearsay")
    claims = (
        Claim(
            id=f"{article.id}:c0",
            article_id=article.id,
            span=sentences[0],
            text=sentences[0].of(t),
            sources=(officials,),
            entities=("e:skerrow",),
            quantities=(passengers,),
            times=(tuesday,),
        ),
        Claim(
            id=f"{article.id}:c1",
            article_id=article.id,
            span=sentences[2],
            text=sentences[2].of(t),
            sources=(anon,),
            hedges=(hedge,),
            times=(week,),
            negated=False,
            sentence=sentences[2],
        ),
    )
    return ArticleAnalysis(
        article=article,
        sentences=sentences,
        mentions=mentions,
        quotes=(quote,),
        sources=(officials, captain, anon),
        times=(tuesday, week),
        quantities=(passengers,),
        claims=claims,
    )


def other_article(n: int, size: int = 600) -> Article:
    filler = "Filler words follow here. " * (size // 26)
    body = f"Story number {n} about the tide gauge in Bramcote. {filler}"
    return make_article(body, origin=f"bulk/{n}.txt", title=f"Bulk article {n}")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store.db") as s:
        yield s


# --- opening ----------------------------------------------------------------------------------


def test_new_store_settings(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "store.db"  # parent directories are created
    with Store.open(path) as s:
        s.put_article(make_article())
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    with Store.open(path) as s:  # reopening finds what was written
        assert s.count_articles() == 1
        assert s._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.integrity_check() == "ok"


def _text_file(p: Path) -> Path:
    p.write_text("This is a plain text file, not a database.\n" * 50, encoding="utf-8")
    return p


def _foreign_db(p: Path) -> Path:
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()
    return p


def _dir(p: Path) -> Path:
    p.mkdir()
    return p


@pytest.mark.parametrize(
    "make, reason",
    [
        (_text_file, "not a SQLite database"),
        (_foreign_db, "not a storylens store"),
        (_dir, "is a directory"),
    ],
)
def test_wrong_file_is_refused(tmp_path: Path, make, reason: str) -> None:
    path = make(tmp_path / "thing.db")
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert reason in str(info.value)
    assert str(path) in str(info.value)
    assert not isinstance(info.value, StoreVersionMismatch)
    if before is not None:
        assert path.read_bytes() == before  # refused files are left untouched


@pytest.mark.parametrize("version, word", [(SCHEMA_VERSION + 1, "newer"), (SCHEMA_VERSION + 98, "newer")])
def test_schema_version_mismatch(tmp_path: Path, version: int, word: str) -> None:
    path = tmp_path / "store.db"
    with Store.open(path) as s:
        s.put_article(make_article())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    with pytest.raises(StoreVersionMismatch, match=f"version {version} is {word}"):
        Store.open(path)


def test_older_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    with pytest.raises(StoreVersionMismatch, match="older"):
        Store.open(path)


def test_closed_store_raises(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "store.db")
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.count_articles()


# --- articles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "article",
    [
        make_article(),
        make_article(published=datetime(2024, 10, 2, 9, 30)),  # naive stays naive
        make_article(published=None, title=None, url=None, byline=None, meta={}, paragraphs=()),
        make_article("Ünïcode “quotes” — and emoji 🚢 survive.\n\nSecond paragraph.",
                     outlet=Outlet("Harbour FM")),
    ],
    ids=["full", "naive-time", "minimal", "unicode"],
)
def test_article_round_trip(store: Store, article: Article) -> None:
    assert store.put_article(article) is True
    got = store.get_article(article.id)
    assert got == article
    assert got.published == article.published
    if article.published is not None:
        assert got.published.utcoffset() == article.published.utcoffset()
    assert got.meta == article.meta
    assert list(store.iter_articles()) == [article]


def test_missing_article(store: Store) -> None:
    assert store.get_article("nope") is None
    assert store.has_article("nope") is False


def test_reput_adds_nothing(store: Store) -> None:
    batch = [other_article(n) for n in range(5)]
    assert store.put_articles(batch) == 5
    assert store.put_articles(batch) == 0
    assert store.put_article(batch[0]) is False
    assert store.count_articles() == 5
    assert [a.id for a in store.iter_articles()] == [a.id for a in batch]
    assert all(store.origins(a.id) == [a.origin] for a in batch)


def test_same_text_from_another_origin(store: Store) -> None:
    first = make_article(origin="wire/skerrow.txt")
    again = make_article(origin="https://mirror.example/skerrow", url="https://mirror.example/skerrow")
    assert store.put_article(first) is True
    assert store.put_article(again) is False
    assert store.put_article(again) is False
    assert store.count_articles() == 1
    assert store.origins(first.id) == ["wire/skerrow.txt", "https://mirror.example/skerrow"]
    assert store.get_article(first.id) == first  # the first copy's metadata is kept


def test_failed_batch_stores_nothing(store: Store) -> None:
    store.put_article(make_article())

    def batch():
        for n in range(10):
            if n == 7:
                raise RuntimeError("reader failed mid-batch")
            yield other_article(n)

    with pytest.raises(RuntimeError):
        store.put_articles(batch())
    assert store.count_articles() == 1
    assert store.put_articles(other_article(n) for n in range(3)) == 3  # the store still works


def test_readers_do_not_see_an_open_batch(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    seen_during: list[int] = []
    with Store.open(path) as writer, Store.open(path) as reader:
        writer.put_article(make_article())

        def batch():
            for n in range(20):
                if n == 10:
                    # WAL: the reader is not blocked and sees only committed articles
                    seen_during.append(reader.count_articles())
                    seen_during.append(len(reader.search("bramcote")))
                yield other_article(n)

        assert writer.put_articles(batch()) == 20
        assert seen_during == [1, 0]
        assert reader.count_articles() == 21


def test_memory_store() -> None:
    with Store.open(":memory:") as s:
        a = make_article()
        assert s.put_article(a) and s.get_article(a.id) == a
        assert s.search("ferry")[0].article_id == a.id


def test_unencodable_meta_is_a_store_error(store: Store) -> None:
    bad = make_article(meta={"when": object()})
    with pytest.raises(StoreError, match=bad.id):
        store.put_articles([other_article(1), bad])
    assert store.count_articles() == 0


# --- analyses ---------------------------------------------------------------------------------


def test_analysis_round_trip(store: Store) -> None:
    analysis = make_analysis(make_article())
    store.put_analysis(analysis, "understand-1")
    got = store.get_analysis(analysis.article.id, "understand-1")
    assert got == analysis
    assert store.has_article(analysis.article.id)  # stored along with its analysis
    # spans still index the stored text exactly
    for finding in (*got.mentions, *got.quotes, *got.sources, *got.times, *got.quantities, *got.claims):
        assert finding.span.of(got.article.text) == finding.text
    assert got.claims[0].times[0].start.utcoffset() == timedelta(hours=2)
    assert got.quotes[0].speaker.cue == analysis.quotes[0].speaker.cue
    assert got.claims[1].times[0].start is None


def test_analyzer_versions_are_separate(store: Store) -> None:
    analysis = make_analysis(make_article())
    store.put_analysis(analysis, "v1")
    assert store.get_analysis(analysis.article.id, "v2") is None
    newer = ArticleAnalysis(article=analysis.article, sentences=analysis.sentences)
    store.put_analysis(newer, "v2")
    assert store.get_analysis(analysis.article.id, "v1") == analysis
    assert store.get_analysis(analysis.article.id, "v2") == newer
    store.put_analysis(newer, "v2")  # re-run: replaced, not duplicated
    assert store.count_analyses() == 2
    assert store.count_analyses("v2") == 1
    assert store.count_articles() == 1


def test_get_analyses_batch(store: Store) -> None:
    arts = [other_article(n) for n in range(7)]
    stored = [ArticleAnalysis(article=a, sentences=(Span(0, 10),)) for a in arts[:4]]
    assert store.put_analyses(stored, "v1") == 4
    got = store.get_analyses([a.id for a in arts] + [arts[0].id], "v1")
    assert got == {a.article.id: a for a in stored}


def test_analysis_of_whitespace_variant_keeps_its_text(store: Store) -> None:
    original = make_article()
    variant = make_article(TEXT.replace("Tuesday that", "Tuesday  that"), origin="variant.txt")
    assert variant.id == original.id and variant.text != original.text
    store.put_article(original)
    analysis = make_analysis(variant)
    store.put_analysis(analysis, "v1")
    got = store.get_analysis(variant.id, "v1")
    assert got == analysis
    assert all(m.span.of(got.article.text) == m.text for m in got.mentions)
    assert store.get_article(original.id) == original


# --- fetched URLs -----------------------------------------------------------------------------

URL = "https://coastalwire.example/feed.xml"
T0 = datetime(2024, 10, 2, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "attempts, seen, status, attempts_n, article_id",
    [
        ([], False, None, 0, None),
        ([("error", None, "timeout")], False, "error", 1, None),
        ([(FETCH_OK, "a1", None)], True, FETCH_OK, 1, "a1"),
        ([("error", None, "503"), (FETCH_OK, "a1", None)], True, FETCH_OK, 2, "a1"),
        ([(FETCH_OK, "a1", None), ("error", None, "timeout")], True, "error", 2, "a1"),
        ([("skipped", None, "not modified")], False, "skipped", 1, None),
    ],
)
def test_fetched_bookkeeping(store: Store, attempts, seen, status, attempts_n, article_id) -> None:
    for k, (st, aid, reason) in enumerate(attempts):
        store.mark_fetched(URL, status=st, article_id=aid, reason=reason, at=T0 + timedelta(hours=k))
    assert store.seen_url(URL) is seen
    rec = store.get_fetched(URL)
    if not attempts:
        assert rec is None and store.fetched_at(URL) is None
        return
    assert rec.status == status
    assert rec.attempts == attempts_n
    assert rec.article_id == article_id
    assert rec.reason == attempts[-1][2]
    assert store.fetched_at(URL) == T0 + timedelta(hours=len(attempts) - 1)
    assert store.seen_url(URL + "?other") is False


# --- search -----------------------------------------------------------------------------------


def test_search_hit_with_snippet(store: Store) -> None:
    store.put_articles([make_article(), *(other_article(n) for n in range(3))])
    hits = store.search("aground")
    assert [h.article_id for h in hits] == [text_id(TEXT)]
    hit = hits[0]
    assert hit.outlet == "Coastal Wire"
    assert hit.title == "Skerrow ferry runs aground"
    assert "ran [aground]" in hit.snippet
    html = store.search("Lindqvist", mark=("\x02", "\x03"))[0].snippet
    assert "\x02Lindqvist\x03" in html


def test_search_ranking_and_stemming(store: Store) -> None:
    store.put_articles([make_article(), *(other_article(n) for n in range(3))])
    assert len(store.search("bramcote")) == 3
    assert store.search("gauges")  # porter stemming: gauges ~ gauge
    assert store.search("tide AND Skerrow")[0].article_id == text_id(TEXT)
    assert store.search("zeppelin") == []
    assert len(store.search("bramcote", limit=2)) == 2


@pytest.mark.parametrize(
    "query", ['"unterminated', "Gallant's", "AND OR", "nosuchcolumn:ferry", "(ferry", "   "]
)
def test_bad_search_query(store: Store, query: str) -> None:
    store.put_article(make_article())
    with pytest.raises(StoreQueryError):
        store.search(query)


@pytest.mark.parametrize(
    "text, found",
    [("Lindqvist's ferry", False), ("ferry aground", True), ("U.S.", False), ('"Nobody was hurt"', True),
     ("port-officials", True)],
)
def test_plain_query_never_raises(store: Store, text: str, found: bool) -> None:
    store.put_article(make_article())
    assert bool(store.search(plain_query(text))) is found


# --- crash safety -----------------------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from test_store import other_article
    from storylens.store import Store

    def batch():
        for n in range(100, 100 + {n}):
            if n == 100 + {pause_at}:
                print("mid-batch", flush=True)
                time.sleep(60)
            yield other_article(n, size=4000)

    with Store.open({path!r}) as s:
        print("start", flush=True)
        s.put_articles(batch())
    """
)


@pytest.mark.parametrize("n, pause_at", [(400, 300), (1500, 1400)])
def test_killed_mid_batch(tmp_path: Path, n: int, pause_at: int) -> None:
    path = tmp_path / "store.db"
    committed = [other_article(k) for k in range(5)]
    with Store.open(path) as s:
        s.put_articles(committed)
    script = _WRITER.format(tests=str(Path(__file__).parent), n=n, pause_at=pause_at, path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "start"
        # the writer has inserted pause_at articles (several MB: pages spill to the WAL file)
        # inside one open transaction when it says so
        assert proc.stdout.readline().strip() == "mid-batch"
        if pause_at > 1000:
            # ~5 MB of uncommitted pages exceed SQLite's 2 MB default cache: they are on disk
            assert (tmp_path / "store.db-wal").stat().st_size > 1_000_000
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "store.db-wal").exists()
    with Store.open(path) as s:
        assert s.integrity_check() == "ok"
        assert s.count_articles() == len(committed)  # none of the killed batch
        assert [a.id for a in s.iter_articles()] == [a.id for a in committed]
        assert s.search("bramcote", limit=100) and len(s.search("bramcote", limit=100)) == 5
        assert s.put_articles(other_article(k) for k in range(100, 110)) == 10


def test_killed_while_writing_is_all_or_nothing(tmp_path: Path) -> None:
    """Killed at an arbitrary moment (not at a pause): the batch is wholly there or wholly absent."""
    path = tmp_path / "store.db"
    script = _WRITER.format(tests=str(Path(__file__).parent), n=1000, pause_at=-1, path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "start"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    with Store.open(path) as s:
        assert s.integrity_check() == "ok"
        assert s.count_articles() in (0, 1000)


V2_STORE = ROOT / "tests" / "data" / "store" / "v2.sqlite"  # written by the schema-2 code (one analysis, two articles)


def _copy_v2(tmp_path: Path) -> Path:
    path = tmp_path / "v2.sqlite"
    path.write_bytes(V2_STORE.read_bytes())
    return path


@pytest.mark.parametrize("start", [1, 2])
def test_an_older_store_is_upgraded_in_place_and_keeps_everything(tmp_path, start):
    path = _copy_v2(tmp_path)
    if start == 1:  # version 1 had no embeddings cache
        conn = sqlite3.connect(path)
        conn.execute("DROP TABLE embeddings")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
        conn.close()
    with Store.open(path) as store:
        assert store.count_articles() == 2 and store.count_analyses() == 1
        article = store.get_article(text_id(TEXT))
        assert article is not None and article.text == TEXT
        assert store.get_analysis(article.id, "old-analyzer").claims
        assert store.seen_url("https://coastalwire.example/skerrow")
        assert [h.article_id for h in store.search("ferry aground")]
        store.put_vectors({"k": b"\x00\x00\x80?"})
        assert store.get_vectors(["k"]) == {"k": b"\x00\x00\x80?"}
        # the library tables are there and empty: every article waits for a story
        assert store.count_stories() == 0
        assert set(store.unassigned_articles()) == {article.id, text_id(TEXT.replace("Tuesday", "Wednesday"))}
        assert store.integrity_check() == "ok"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    conn.close()


def test_a_failed_upgrade_leaves_the_old_store_as_it_was(tmp_path):
    path = _copy_v2(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE stories (x TEXT)")  # a step of the upgrade will collide with it
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="cannot upgrade the store from version 2"):
        Store.open(path)
    assert path.read_bytes() == before
