"""Persistence: articles, analyses and fetched URLs in one SQLite file (stdlib ``sqlite3``).

Everything is keyed by content: an article by ``Article.id`` (the hash of its normalized text),
an analysis by ``(article id, analyzer version)``, a fetched URL by the URL. Re-running over the
same inputs adds nothing, and a new version of the understand code (a new ``analyzer`` string)
never reuses results of an old one.

Crash safety comes from SQLite itself: every write runs in one transaction, the database is in
WAL mode, and a process killed mid-transaction leaves the last committed state. With
``synchronous=NORMAL`` a *power loss* may lose the last few commits but never corrupts the file;
an application crash loses nothing that was committed.

Layout (schema version :data:`SCHEMA_VERSION`, kept in ``PRAGMA user_version``)::

    articles   one row per article id: metadata columns, the body text, the rest as JSON
    origins    every (article id, origin) seen: the same text read from another file or URL
    analyses   (article id, analyzer) -> ArticleAnalysis JSON without the article (rebuilt
               from ``articles``, so the spans index exactly the stored text)
    fetched    URL bookkeeping for feeds and web pages
    articles_fts   FTS5 index over title + text (external content: ``articles``)

    The library (version 3; see :mod:`storylens.library` for how it is kept up to date):
    stories        one row per story of the library: its summary counts, the ``key`` its
                   report was computed from, and the full :class:`StoryReport` as JSON (without
                   article texts, which are read back from ``articles``)
    story_articles which story each article is in (an article is in at most one)
    story_facts    one row per fact (text, outlets that speak of it), with ``facts_fts`` over it
    story_outlets  per (story, outlet): counts for the outlet pages (first, exclusive, omitted)
    story_aliases  ids of stories that were superseded (an article joined) -> the story now
    runs           every library update: inputs, progress, touched stories, skipped inputs

Usage::

    with Store.open("storylens.db") as store:
        new = store.put_articles(articles)
        cached = store.get_analyses([a.id for a in articles], analyzer=ANALYZER)
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from storylens.model import Article, ArticleAnalysis, from_dict, to_dict

__all__ = [
    "Store",
    "StoreError",
    "StoreVersionMismatch",
    "StoreDamaged",
    "StoreQueryError",
    "SearchHit",
    "FetchRecord",
    "FETCH_OK",
    "SCHEMA_VERSION",
    "plain_query",
    "StoryRecord",
    "StoryFactRow",
    "StoryOutletRow",
    "StorySummary",
    "FactHit",
    "OutletTotals",
    "RunRecord",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
# "SLNS" as a big-endian int: marks the file as a storylens store (``PRAGMA application_id``),
# so that another program's SQLite database is refused instead of being written into.
APPLICATION_ID = 0x534C4E53
FETCH_OK = "ok"

# Rows fetched per round trip and ids per ``IN (...)`` list; SQLite's default variable limit
# was 999 before 3.32, so 500 stays below it on any build.
_CHUNK = 500
# bm25 column weights (title, text): a query word in the title says more about what the article
# is about than one in the body; 5:1 is a judgement call, not calibrated on data.
_TITLE_WEIGHT = 5.0
_TEXT_WEIGHT = 1.0
# Words of context in a search snippet: about one line of a terminal or a results page.
_SNIPPET_TOKENS = 16
# The columns RunRecord is read from, in its field order.
_RUN_COLUMNS = "id, kind, status, inputs, started_at, finished_at, stage, done, total, result, error"
# Shortest story-id prefix accepted in place of the id (ids are 16 hex digits).
_MIN_PREFIX = 6

_SCHEMA = f"""
CREATE TABLE articles (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    outlet     TEXT NOT NULL,
    url        TEXT,
    title      TEXT,
    published  TEXT,
    origin     TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    text       TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_url ON articles(url);

CREATE TABLE origins (
    seq        INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    origin     TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    UNIQUE (article_id, origin)
);

CREATE TABLE analyses (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    analyzer   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    article    TEXT,
    data       TEXT NOT NULL,
    PRIMARY KEY (article_id, analyzer)
) WITHOUT ROWID;

CREATE TABLE fetched (
    url        TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    article_id TEXT,
    reason     TEXT,
    fetched_at TEXT NOT NULL,
    ok_at      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE embeddings (
    key    TEXT PRIMARY KEY,
    vector BLOB NOT NULL
) WITHOUT ROWID;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text,
    content='articles', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, coalesce(new.title, ''), new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, coalesce(old.title, ''), old.text);
END;

PRAGMA application_id = {APPLICATION_ID};
"""


_EMBEDDINGS_TABLE = """CREATE TABLE embeddings (
    key    TEXT PRIMARY KEY,
    vector BLOB NOT NULL
) WITHOUT ROWID;
"""

# Dates are kept twice: ISO text as given (with its offset) for display, and seconds since the
# epoch (UTC) for ordering and filtering, since ISO strings with different offsets do not sort.
_LIBRARY_TABLES = """
CREATE TABLE stories (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    key          TEXT NOT NULL,
    recipe       TEXT NOT NULL,
    title        TEXT NOT NULL,
    first_published TEXT,
    last_published  TEXT,
    first_utc    REAL,
    last_utc     REAL,
    n_articles   INTEGER NOT NULL,
    n_outlets    INTEGER NOT NULL,
    n_facts      INTEGER NOT NULL,
    n_shared     INTEGER NOT NULL,
    n_single     INTEGER NOT NULL,
    n_conflicts  INTEGER NOT NULL,
    outlets      TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    report       TEXT NOT NULL
);
CREATE INDEX stories_last ON stories(last_utc);

CREATE TABLE story_articles (
    story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (story_id, article_id)
) WITHOUT ROWID;

CREATE TABLE story_facts (
    seq        INTEGER PRIMARY KEY,
    story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    fact_id    TEXT NOT NULL,
    number     INTEGER NOT NULL,
    text       TEXT NOT NULL,
    outlets    TEXT NOT NULL,
    n_outlets  INTEGER NOT NULL,
    exclusive  TEXT,
    first_reported TEXT,
    support    INTEGER NOT NULL,
    UNIQUE (story_id, fact_id)
);
CREATE INDEX story_facts_exclusive ON story_facts(exclusive);
CREATE INDEX story_facts_first ON story_facts(first_reported);

CREATE TABLE story_outlets (
    story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    outlet     TEXT NOT NULL,
    n_articles INTEGER NOT NULL,
    n_reported INTEGER NOT NULL,
    n_first    INTEGER NOT NULL,
    n_exclusive INTEGER NOT NULL,
    n_omitted  INTEGER NOT NULL,
    n_contradicted INTEGER NOT NULL,
    omitted    TEXT NOT NULL,
    profile    TEXT,
    PRIMARY KEY (story_id, outlet)
) WITHOUT ROWID;
CREATE INDEX story_outlets_outlet ON story_outlets(outlet);

CREATE TABLE story_aliases (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    inputs      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    stage       TEXT,
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    result      TEXT,
    error       TEXT
);

CREATE VIRTUAL TABLE facts_fts USING fts5(
    text, content='story_facts', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER story_facts_fts_insert AFTER INSERT ON story_facts BEGIN
    INSERT INTO facts_fts(rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER story_facts_fts_delete AFTER DELETE ON story_facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
"""

# What each schema version adds to the one before: a store of an older version is upgraded
# in place, one step at a time, in one transaction (all steps or none).
_MIGRATIONS: dict[int, str] = {2: _EMBEDDINGS_TABLE, 3: _LIBRARY_TABLES}


class StoreError(Exception):
    """The store cannot be opened, read or written."""


class StoreVersionMismatch(StoreError):
    """The store file was written with a schema version this code cannot use."""


class StoreDamaged(StoreError):
    """The store file fails SQLite's consistency check: its pages were overwritten or cut."""


class StoreQueryError(StoreError):
    """A full-text search query is empty or not valid FTS5 syntax."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text search result; ``snippet`` has each match wrapped in the chosen marks."""

    article_id: str
    title: str | None
    outlet: str
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What is known about one fetched URL (``status`` of the last attempt)."""

    url: str
    status: str
    article_id: str | None
    reason: str | None
    fetched_at: datetime
    ok_at: datetime | None
    attempts: int


@dataclass(frozen=True, slots=True)
class StoryFactRow:
    """One fact of a stored story, as indexed for search and the outlet pages."""

    fact_id: str
    number: int
    text: str
    outlets: tuple[str, ...]  # outlets that speak of it (any status but silent)
    exclusive: str | None  # the one outlet that speaks of it, in a story of several outlets
    first_reported: str | None
    support: int


@dataclass(frozen=True, slots=True)
class StoryOutletRow:
    """What one outlet did in one stored story."""

    outlet: str
    n_articles: int
    n_reported: int
    n_first: int
    n_exclusive: int
    n_omitted: int
    n_contradicted: int
    omitted: tuple[str, ...] = ()  # fact ids, in the report's order (surest, then most supported, first)
    profile: Mapping[str, Any] | None = None  # the outlet's SourcingProfile as JSON


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as the library writes it: the report (JSON form) plus what lists and pages need."""

    id: str
    key: str  # what the report was computed from (recipe, members, copies)
    recipe: str  # the code and settings that computed it
    title: str
    article_ids: tuple[str, ...]
    first_published: datetime | None
    last_published: datetime | None
    outlets: tuple[str, ...]
    n_facts: int
    n_shared: int
    n_single: int
    n_conflicts: int
    report: Mapping[str, Any]  # to_dict(StoryReport) without the article texts
    facts: tuple[StoryFactRow, ...] = ()
    outlet_rows: tuple[StoryOutletRow, ...] = ()


@dataclass(frozen=True, slots=True)
class StorySummary:
    """One row of the stories list."""

    id: str
    title: str
    first_published: datetime | None
    last_published: datetime | None
    n_articles: int
    outlets: tuple[str, ...]
    n_facts: int
    n_shared: int
    n_single: int
    n_conflicts: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class FactHit:
    """One fact matching a search, with its story; ``snippet`` has matches wrapped in marks."""

    story_id: str
    story_title: str
    fact_id: str
    number: int
    snippet: str
    outlets: tuple[str, ...]
    rank: float


@dataclass(frozen=True, slots=True)
class OutletTotals:
    """One outlet across the library: sums of its per-story rows."""

    outlet: str
    n_stories: int
    n_articles: int
    n_reported: int
    n_first: int
    n_exclusive: int
    n_omitted: int
    n_contradicted: int


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One library update (an ``analyze --store`` run or a run started from the web app)."""

    id: int
    kind: str
    status: str  # queued | running | done | failed
    inputs: tuple[str, ...]
    started_at: datetime
    finished_at: datetime | None
    stage: str | None
    done: int
    total: int
    result: Mapping[str, Any] | None
    error: str | None


def _utc_seconds(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:  # naive times are UTC throughout storylens
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _dumps(data: Any) -> str:
    # compact separators: the JSON is read by machines only, and analyses are the bulk of the file
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def plain_query(text: str) -> str:
    """Free text (what a user types in a search box) as an FTS5 query: all words, any order.

    Every word is quoted, so characters that are FTS5 syntax (``'``, ``-``, ``:``, ``*``,
    ``AND``...) are searched as text instead of raising :class:`StoreQueryError`.
    """
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"' for w in words if w.strip('"'))


class Store:
    """A storylens SQLite store. Use :meth:`open`; a context manager that closes on exit.

    One ``Store`` is one connection: use it from one thread; other processes may open the same
    file at the same time (WAL: readers never block the writer; writers wait up to ``timeout``).
    """

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self.path = path

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = 30.0, verify: bool = False) -> Store:
        """Open (creating if needed) the store at ``path`` (``":memory:"`` for a throwaway one).

        Raises :class:`StoreError` when the file is not a SQLite database or not a storylens
        store, and :class:`StoreVersionMismatch` when its schema version is not ours. With
        ``verify``, :class:`StoreDamaged` when ``PRAGMA quick_check`` finds damage: a run that
        reuses stored analyses and vectors must not build a report on overwritten pages.
        """
        name = str(path)
        if name != ":memory:":
            p = Path(path)
            if p.is_dir():
                raise StoreError(f"{name}: is a directory, not a store file")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{name}: cannot create its directory: {exc}") from exc
        try:
            # isolation_level=None: transactions are begun explicitly (see _write), so that a
            # batch is one BEGIN IMMEDIATE ... COMMIT and nothing is committed behind our back.
            conn = sqlite3.connect(name, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{name}: cannot open: {exc}") from exc
        try:
            cls._setup(conn, name)
            if verify:
                cls._verify(conn, name)
        except BaseException:
            conn.close()
            raise
        log.debug("opened store %s", name)
        return cls(conn, name)

    @staticmethod
    def _setup(conn: sqlite3.Connection, name: str) -> None:
        try:
            # the first statement that reads the file header: a text file fails here
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{name}: not a SQLite database ({exc})") from exc
        if app_id != APPLICATION_ID and (tables or version or app_id):
            raise StoreError(
                f"{name}: a SQLite database, but not a storylens store (application_id {app_id:#x})"
            )
        if tables and 1 <= version < SCHEMA_VERSION and app_id == APPLICATION_ID:
            version = _migrate(conn, name, version)
        if tables and version != SCHEMA_VERSION:
            relation = "newer" if version > SCHEMA_VERSION else "older"
            raise StoreVersionMismatch(
                f"{name}: store schema version {version} is {relation} than this storylens "
                f"(version {SCHEMA_VERSION}); use a matching storylens or a new store file"
            )
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode not in ("wal", "memory"):
                log.warning("%s: journal_mode is %s, not WAL", name, mode)
            conn.execute("PRAGMA synchronous = NORMAL")
            if not tables:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    # re-check under the write lock: another process may have just created it
                    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                        for stmt in _statements(_SCHEMA + _LIBRARY_TABLES):
                            conn.execute(stmt)
                        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    _rollback(conn)
                    raise
        except sqlite3.Error as exc:
            raise StoreError(f"{name}: cannot set up the store: {exc}") from exc

    @staticmethod
    def _verify(conn: sqlite3.Connection, name: str) -> None:
        # quick_check reads every page once and checks the b-trees, cell and record formats and
        # overflow chains (not index contents): a page of random bytes fails it. It costs one
        # read of the file.
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)").fetchall()]
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems != ["ok"]:
            raise StoreDamaged(
                f"{name}: the store is damaged ({'; '.join(problems)}); restore it from a copy or use a new store file"
            )

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is None:
            return
        try:
            self._conn.execute("PRAGMA optimize")
        except sqlite3.Error as exc:  # a failed optimisation must not hide the caller's error
            log.debug("%s: PRAGMA optimize failed: %s", self.path, exc)
        self._conn.close()
        self._conn = None  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or (on any exception) none of it."""
        conn = self._connection()
        try:
            # IMMEDIATE takes the write lock up front: two processes that both read and then
            # try to write would otherwise fail with SQLITE_BUSY instead of waiting their turn.
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"{self.path}: the store stayed locked by another process for the whole wait; "
                    "try again when it has finished"
                ) from exc
            raise StoreError(f"{self.path}: cannot begin a write: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot begin a write: {exc}") from exc
        try:
            yield conn
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise StoreError(f"{self.path}: cannot commit: {exc}") from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._conn

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: read failed: {exc}") from exc

    # --- articles -----------------------------------------------------------------------------

    def put_article(self, article: Article) -> bool:
        """Store one article; True if its id was new. A known id only gains ``origin``."""
        with self._write() as conn:
            return self._insert_article(conn, article, _now())

    def put_articles(self, articles: Iterable[Article]) -> int:
        """Store many articles in one transaction (all or none); returns how many were new."""
        now = _now()
        with self._write() as conn:
            return sum(self._insert_article(conn, a, now) for a in articles)

    def _insert_article(self, conn: sqlite3.Connection, a: Article, now: str) -> bool:
        data = to_dict(a)
        del data["text"]  # kept once, in its own column (FTS reads it from there)
        try:
            cur = conn.execute(
                "INSERT OR IGNORE INTO articles"
                " (id, outlet, url, title, published, origin, added_at, text, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.id,
                    a.outlet.name,
                    a.url,
                    a.title,
                    a.published.isoformat() if a.published else None,
                    a.origin,
                    now,
                    a.text,
                    _dumps(data),
                ),
            )
            new = cur.rowcount == 1
            if not new:
                self._update_published(conn, a)
            conn.execute(
                "INSERT OR IGNORE INTO origins (article_id, origin, added_at) VALUES (?, ?, ?)",
                (a.id, a.origin, now),
            )
        except (sqlite3.Error, TypeError, ValueError) as exc:
            # TypeError/ValueError: meta that JSON cannot encode; it aborts the whole batch
            raise StoreError(f"{self.path}: cannot store article {a.id} ({a.origin}): {exc}") from exc
        if not new:
            log.debug("article %s already stored; origin %s recorded", a.id, a.origin)
        return new

    @staticmethod
    def _update_published(conn: sqlite3.Connection, a: Article) -> None:
        """A stored article given again with another publication time takes the new one.

        Its analyses were resolved against the old time ("yesterday", "on Friday"), so they are
        dropped, and the stories it is in are marked stale (no key, no recipe), so that the
        next library update compares them again.
        """
        published = a.published.isoformat() if a.published else None
        row = conn.execute("SELECT published, data FROM articles WHERE id = ?", (a.id,)).fetchone()
        if row is None or row[0] == published:
            return
        data = json.loads(row[1])
        data.update(published=published, published_how=a.published_how, published_note=a.published_note)
        conn.execute("UPDATE articles SET published = ?, data = ? WHERE id = ?", (published, _dumps(data), a.id))
        conn.execute("DELETE FROM analyses WHERE article_id = ?", (a.id,))
        conn.execute(
            "UPDATE stories SET key = '', recipe = '' WHERE id IN"
            " (SELECT story_id FROM story_articles WHERE article_id = ?)",
            (a.id,),
        )
        log.info("article %s: publication time changed from %s to %s; its analyses are dropped", a.id, row[0], published)

    def has_article(self, article_id: str) -> bool:
        """True if an article with this id is stored."""
        return bool(self._read("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def get_article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        rows = self._read("SELECT id, text, data FROM articles WHERE id = ?", (article_id,))
        return self._article(rows[0]) if rows else None

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in the order they were first stored."""
        last = 0
        while True:
            # keyset pagination instead of one open cursor: writes between iterations are safe
            rows = self._read(
                "SELECT seq, id, text, data FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, _CHUNK),
            )
            if not rows:
                return
            for row in rows:
                yield self._article(row[1:])
            last = rows[-1][0]

    def count_articles(self) -> int:
        """How many distinct articles are stored."""
        return int(self._read("SELECT count(*) FROM articles")[0][0])

    def origins(self, article_id: str) -> list[str]:
        """Every origin the article was read from, first seen first."""
        rows = self._read(
            "SELECT origin FROM origins WHERE article_id = ? ORDER BY seq", (article_id,)
        )
        return [r[0] for r in rows]

    def articles_from(self, origin: str) -> list[str]:
        """The ids of the articles read from ``origin``, first stored first."""
        rows = self._read("SELECT article_id FROM origins WHERE origin = ? ORDER BY seq", (origin,))
        return list(dict.fromkeys(r[0] for r in rows))

    def _article(self, row: Sequence[Any]) -> Article:
        article_id, text, data = row
        try:
            d = json.loads(data)
            d["text"] = text
            return from_dict(Article, d)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.path}: article {article_id} is unreadable: {exc}") from exc

    # --- analyses -----------------------------------------------------------------------------

    def put_analysis(self, analysis: ArticleAnalysis, analyzer: str) -> None:
        """Store (or replace) the analysis of one article by this analyzer version.

        The article is stored too when it is new, in the same transaction.
        """
        now = _now()
        with self._write() as conn:
            self._insert_analysis(conn, analysis, analyzer, now)

    def put_analyses(self, analyses: Iterable[ArticleAnalysis], analyzer: str) -> int:
        """Store many analyses in one transaction (all or none); returns how many."""
        now = _now()
        n = 0
        with self._write() as conn:
            for analysis in analyses:
                self._insert_analysis(conn, analysis, analyzer, now)
                n += 1
        return n

    def _insert_analysis(
        self, conn: sqlite3.Connection, analysis: ArticleAnalysis, analyzer: str, now: str
    ) -> None:
        if not analyzer:
            raise ValueError("analyzer must be a non-empty version string")
        article = analysis.article
        self._insert_article(conn, article, now)
        stored_text = conn.execute(
            "SELECT text FROM articles WHERE id = ?", (article.id,)
        ).fetchone()[0]
        data = to_dict(analysis)
        del data["article"]
        # Ids hash the *normalized* text, so a stored article may differ from this one in case
        # or whitespace; then its spans do not index the stored text and the article is kept
        # with the analysis.
        own_article = None if stored_text == article.text else _dumps(to_dict(article))
        try:
            conn.execute(
                "INSERT OR REPLACE INTO analyses (article_id, analyzer, added_at, article, data)"
                " VALUES (?, ?, ?, ?, ?)",
                (article.id, analyzer, now, own_article, _dumps(data)),
            )
        except (sqlite3.Error, TypeError, ValueError) as exc:
            raise StoreError(
                f"{self.path}: cannot store the analysis of {article.id} ({analyzer}): {exc}"
            ) from exc

    def get_analysis(self, article_id: str, analyzer: str) -> ArticleAnalysis | None:
        """The analysis of this article by exactly this analyzer version, or None."""
        return self.get_analyses([article_id], analyzer).get(article_id)

    def get_analyses(self, article_ids: Iterable[str], analyzer: str) -> dict[str, ArticleAnalysis]:
        """The stored analyses by this analyzer among ``article_ids`` (missing ids are absent)."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, ArticleAnalysis] = {}
        for k in range(0, len(ids), _CHUNK):
            chunk = ids[k : k + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                "SELECT an.article_id, an.article, an.data, ar.text, ar.data"
                " FROM analyses an JOIN articles ar ON ar.id = an.article_id"
                f" WHERE an.analyzer = ? AND an.article_id IN ({marks})",
                (analyzer, *chunk),
            )
            for article_id, own_article, data, text, article_data in rows:
                out[article_id] = self._analysis(article_id, own_article, data, text, article_data)
        return out

    # --- sentence embeddings -----------------------------------------------------------------

    def get_vectors(self, keys: Iterable[str]) -> dict[str, bytes]:
        """Stored embedding vectors (raw bytes) by key; missing keys are absent."""
        ks = list(dict.fromkeys(keys))
        out: dict[str, bytes] = {}
        for k in range(0, len(ks), _CHUNK):
            chunk = ks[k : k + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, vector in self._read(f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk):
                out[key] = bytes(vector)
        return out

    def put_vectors(self, vectors: Mapping[str, bytes]) -> None:
        """Keep embedding vectors by key (one transaction; existing keys are left as they are)."""
        try:
            with self._write() as conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO embeddings (key, vector) VALUES (?, ?)", list(vectors.items())
                )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot store embeddings: {exc}") from exc

    def count_analyses(self, analyzer: str | None = None) -> int:
        """How many analyses are stored (by this analyzer version, when given)."""
        if analyzer is None:
            return int(self._read("SELECT count(*) FROM analyses")[0][0])
        return int(self._read("SELECT count(*) FROM analyses WHERE analyzer = ?", (analyzer,))[0][0])

    def _analysis(
        self, article_id: str, own_article: str | None, data: str, text: str, article_data: str
    ) -> ArticleAnalysis:
        try:
            if own_article is not None:
                article = json.loads(own_article)
            else:
                article = json.loads(article_data)
                article["text"] = text
            d = json.loads(data)
            d["article"] = article
            return from_dict(ArticleAnalysis, d)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.path}: analysis of {article_id} is unreadable: {exc}") from exc

    # --- fetched URLs -------------------------------------------------------------------------

    def mark_fetched(
        self,
        url: str,
        *,
        status: str,
        article_id: str | None = None,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record a fetch attempt of ``url``; ``status`` :data:`FETCH_OK` means it succeeded.

        A later failure does not erase an earlier success (``seen_url`` stays True).
        """
        if not status:
            raise ValueError("status must be a non-empty string")
        when = (at or datetime.now(timezone.utc)).isoformat()
        ok_at = when if status == FETCH_OK else None
        with self._write() as conn:
            conn.execute(
                "INSERT INTO fetched (url, status, article_id, reason, fetched_at, ok_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET status = excluded.status,"
                " article_id = coalesce(excluded.article_id, fetched.article_id),"
                " reason = excluded.reason, fetched_at = excluded.fetched_at,"
                " ok_at = coalesce(excluded.ok_at, fetched.ok_at),"
                " attempts = fetched.attempts + 1",
                (url, status, article_id, reason, when, ok_at),
            )

    def seen_url(self, url: str) -> bool:
        """True when ``url`` was fetched successfully at some point."""
        return bool(self._read("SELECT 1 FROM fetched WHERE url = ? AND ok_at IS NOT NULL", (url,)))

    def fetched_article(self, url: str) -> Article | None:
        """The stored article of ``url`` when it was fetched successfully, else None."""
        rows = self._read(
            "SELECT ar.id, ar.text, ar.data FROM fetched f JOIN articles ar ON ar.id = f.article_id"
            " WHERE f.url = ? AND f.ok_at IS NOT NULL",
            (url,),
        )
        return self._article(rows[0]) if rows else None

    def fetched_at(self, url: str) -> datetime | None:
        """When ``url`` was last attempted (successfully or not), or None if never."""
        rows = self._read("SELECT fetched_at FROM fetched WHERE url = ?", (url,))
        return datetime.fromisoformat(rows[0][0]) if rows else None

    def get_fetched(self, url: str) -> FetchRecord | None:
        """Everything recorded about ``url``, or None if it was never attempted."""
        rows = self._read(
            "SELECT url, status, article_id, reason, fetched_at, ok_at, attempts"
            " FROM fetched WHERE url = ?",
            (url,),
        )
        if not rows:
            return None
        url_, status, article_id, reason, fetched, ok_at, attempts = rows[0]
        return FetchRecord(
            url=url_,
            status=status,
            article_id=article_id,
            reason=reason,
            fetched_at=datetime.fromisoformat(fetched),
            ok_at=datetime.fromisoformat(ok_at) if ok_at else None,
            attempts=int(attempts),
        )

    # --- search -------------------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 20, *, mark: tuple[str, str] = ("[", "]")
    ) -> list[SearchHit]:
        """Articles matching an FTS5 ``query`` over title and text, best first.

        ``mark`` wraps each match in the snippet (a web page would pass characters it can find
        again after HTML-escaping). Bad syntax raises :class:`StoreQueryError`; for free text
        from a search box, pass it through :func:`plain_query` first.
        """
        rows = self._match(
            query,
            limit,
            "SELECT a.id, a.title, a.outlet,"
            " snippet(articles_fts, 1, ?, ?, '…', ?),"
            " bm25(articles_fts, ?, ?) AS rank"
            " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (mark[0], mark[1], _SNIPPET_TOKENS, _TITLE_WEIGHT, _TEXT_WEIGHT, query, limit),
        )
        return [SearchHit(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]

    def _match(self, query: str, limit: int, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Rows of a full-text ``sql`` for a user's ``query`` (its errors named as the query's)."""
        if not query.strip():
            raise StoreQueryError("empty search query")
        if limit < 1:
            return []
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            # FTS5 reports bad syntax ("fts5: syntax error near ...") and unknown column
            # filters ("no such column: x") as OperationalError; both come from the user's query
            raise StoreQueryError(
                f"invalid search query {query!r}: {exc} (quote words with special characters, "
                'e.g. "U.S." or "Gallant\'s")'
            ) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: search failed: {exc}") from exc


    # --- library: stories ----------------------------------------------------------------------
    # Written by storylens.library only; the web app and the CLI read them.

    def replace_stories(
        self,
        remove: Iterable[str],
        add: Iterable[StoryRecord],
        aliases: Mapping[str, str] | None = None,
        delete_articles: Iterable[str] = (),
    ) -> None:
        """In one transaction: delete articles, drop the ``remove`` stories, write the ``add``
        ones, and point ``aliases`` (superseded story id -> the story holding its articles now).
        """
        now = _now()
        with self._write() as conn:
            self._delete_articles(conn, list(dict.fromkeys(delete_articles)))
            for story_id in remove:
                conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            for record in add:
                self._insert_story(conn, record, now)
            for old, new in (aliases or {}).items():
                if old == new:
                    continue
                conn.execute(
                    "INSERT OR REPLACE INTO story_aliases (old_id, new_id) VALUES (?, ?)", (old, new)
                )
                # earlier aliases to the superseded story move on to its successor
                conn.execute("UPDATE story_aliases SET new_id = ? WHERE new_id = ?", (new, old))
            # a story id that exists again is no longer an alias
            conn.execute("DELETE FROM story_aliases WHERE old_id IN (SELECT id FROM stories)")

    def _insert_story(self, conn: sqlite3.Connection, r: StoryRecord, now: str) -> None:
        try:
            conn.execute("DELETE FROM stories WHERE id = ?", (r.id,))
            conn.execute(
                "INSERT INTO stories (id, key, recipe, title, first_published, last_published,"
                " first_utc, last_utc, n_articles, n_outlets, n_facts, n_shared, n_single,"
                " n_conflicts, outlets, updated_at, report)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.id, r.key, r.recipe, r.title,
                    _iso(r.first_published), _iso(r.last_published),
                    _utc_seconds(r.first_published), _utc_seconds(r.last_published),
                    len(r.article_ids), len(r.outlets), r.n_facts, r.n_shared, r.n_single,
                    r.n_conflicts, _dumps(list(r.outlets)), now, _dumps(r.report),
                ),
            )
            # an article moves from its old story to this one (the old one may survive, smaller)
            conn.executemany(
                "DELETE FROM story_articles WHERE article_id = ?", [(a,) for a in r.article_ids]
            )
            conn.executemany(
                "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)",
                [(r.id, a, k) for k, a in enumerate(r.article_ids)],
            )
            conn.executemany(
                "INSERT INTO story_facts (story_id, fact_id, number, text, outlets, n_outlets,"
                " exclusive, first_reported, support) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.id, f.fact_id, f.number, f.text, _dumps(list(f.outlets)), len(f.outlets),
                     f.exclusive, f.first_reported, f.support)
                    for f in r.facts
                ],
            )
            conn.executemany(
                "INSERT INTO story_outlets (story_id, outlet, n_articles, n_reported, n_first,"
                " n_exclusive, n_omitted, n_contradicted, omitted, profile)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.id, o.outlet, o.n_articles, o.n_reported, o.n_first, o.n_exclusive,
                     o.n_omitted, o.n_contradicted, _dumps(list(o.omitted)),
                     None if o.profile is None else _dumps(o.profile))
                    for o in r.outlet_rows
                ],
            )
        except (sqlite3.Error, TypeError, ValueError) as exc:
            raise StoreError(f"{self.path}: cannot store story {r.id}: {exc}") from exc

    def story_keys(self) -> dict[str, tuple[str, str]]:
        """Every stored story id -> (key, recipe)."""
        return {r[0]: (r[1], r[2]) for r in self._read("SELECT id, key, recipe FROM stories")}

    def story_key(self, story_id: str) -> str | None:
        """The key a stored story's report was computed from (None when no such story)."""
        rows = self._read("SELECT key, recipe FROM stories WHERE id = ?", (story_id,))
        return f"{rows[0][1]}|{rows[0][0]}" if rows else None

    def story_members(self) -> dict[str, tuple[str, ...]]:
        """Every stored story id -> its article ids, in story order."""
        out: dict[str, list[str]] = {}
        for story_id, article_id in self._read(
            "SELECT story_id, article_id FROM story_articles ORDER BY story_id, position"
        ):
            out.setdefault(story_id, []).append(article_id)
        return {k: tuple(v) for k, v in out.items()}

    def stories_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article id -> id of the stored story it is in (articles in no story are absent)."""
        ids = list(dict.fromkeys(article_ids))
        rows = self._in("SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", ids)
        return {article_id: story_id for article_id, story_id in rows}

    def article_dates(self) -> list[tuple[str, float | None]]:
        """Every stored article (id, publication time in UTC seconds or None), in stored order."""
        out: list[tuple[str, float | None]] = []
        for article_id, published in self._read("SELECT id, published FROM articles ORDER BY seq"):
            out.append((article_id, _utc_seconds(_parse_time(published))))
        return out

    def article_order(self, article_ids: Iterable[str]) -> list[str]:
        """``article_ids`` that are stored, in the order they were first stored."""
        ids = list(dict.fromkeys(article_ids))
        found = self._in("SELECT seq, id FROM articles WHERE id IN ({marks})", ids)
        return [article_id for _, article_id in sorted(found)]

    def resolve_story(self, story_id: str) -> str | None:
        """The id of the stored story ``story_id`` names now: itself, the story that took the
        articles of a superseded story, or the one story whose id starts with it; else None."""
        if self._read("SELECT 1 FROM stories WHERE id = ?", (story_id,)):
            return story_id
        rows = self._read("SELECT new_id FROM story_aliases WHERE old_id = ?", (story_id,))
        if rows and self._read("SELECT 1 FROM stories WHERE id = ?", (rows[0][0],)):
            return str(rows[0][0])
        if len(story_id) >= _MIN_PREFIX and story_id.isalnum():
            # a unique prefix names a story, as the one-line lists show ids
            found = self._read("SELECT id FROM stories WHERE id LIKE ? LIMIT 2", (story_id + "%",))
            if len(found) == 1:
                return str(found[0][0])
        return None

    def get_story_report(self, story_id: str) -> dict[str, Any] | None:
        """The stored report of a story in its :func:`to_dict` form, article texts put back."""
        rows = self._read("SELECT report FROM stories WHERE id = ?", (story_id,))
        if not rows:
            return None
        try:
            data = json.loads(rows[0][0])
        except ValueError as exc:
            raise StoreError(f"{self.path}: story {story_id} is unreadable: {exc}") from exc
        texts = self.article_texts(a["id"] for a in data.get("articles", []) if "text" not in a)
        for a in data.get("articles", []):
            if "text" not in a:
                if a["id"] not in texts:
                    raise StoreError(f"{self.path}: story {story_id} names a missing article {a['id']}")
                a["text"] = texts[a["id"]]
        return data

    def _in(self, sql: str, ids: Sequence[str], params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """``sql`` with ``{marks}`` run over ``ids`` in chunks (``params`` come first)."""
        out: list[tuple[Any, ...]] = []
        for k in range(0, len(ids), _CHUNK):
            chunk = list(ids[k : k + _CHUNK])
            out.extend(self._read(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk)))
        return out

    def count_stories(self) -> int:
        """How many stories the library holds."""
        return int(self._read("SELECT count(*) FROM stories")[0][0])

    def list_stories(
        self,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        conflicts: bool | None = None,
        story_ids: Sequence[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[StorySummary], int]:
        """Stories newest first (by their latest article; undated ones last) and how many match.

        ``since``/``until`` keep stories whose period overlaps ``[since, until)``; ``outlet``
        those with an article by that outlet; ``conflicts`` those with (True) or without (False)
        a conflict; ``story_ids`` only those stories (e.g. the hits of a search).
        """
        where: list[str] = []
        params: list[Any] = []
        if outlet is not None:
            where.append("EXISTS (SELECT 1 FROM story_outlets o WHERE o.story_id = s.id AND o.outlet = ?)")
            params.append(outlet)
        if since is not None:
            where.append("s.last_utc >= ?")
            params.append(_utc_seconds(since))
        if until is not None:
            where.append("s.first_utc < ?")
            params.append(_utc_seconds(until))
        if conflicts is not None:
            where.append("s.n_conflicts > 0" if conflicts else "s.n_conflicts = 0")
        if story_ids is not None:
            ids = list(dict.fromkeys(story_ids))[:_CHUNK]
            where.append(f"s.id IN ({','.join('?' * len(ids))})" if ids else "0")
            params.extend(ids)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = int(self._read(f"SELECT count(*) FROM stories s{clause}", params)[0][0])
        rows = self._read(
            "SELECT s.id, s.title, s.first_published, s.last_published, s.n_articles, s.outlets,"
            " s.n_facts, s.n_shared, s.n_single, s.n_conflicts, s.updated_at"
            f" FROM stories s{clause}"
            " ORDER BY s.last_utc IS NULL, s.last_utc DESC, s.seq DESC LIMIT ? OFFSET ?",
            (*params, max(0, limit), max(0, offset)),
        )
        return [
            StorySummary(
                id=r[0], title=r[1], first_published=_parse_time(r[2]), last_published=_parse_time(r[3]),
                n_articles=int(r[4]), outlets=tuple(json.loads(r[5])), n_facts=int(r[6]),
                n_shared=int(r[7]), n_single=int(r[8]), n_conflicts=int(r[9]),
                updated_at=datetime.fromisoformat(r[10]),
            )
            for r in rows
        ], total

    def story_facts(self, story_id: str) -> list[StoryFactRow]:
        """The indexed facts of one story, in report order."""
        rows = self._read(
            "SELECT fact_id, number, text, outlets, exclusive, first_reported, support"
            " FROM story_facts WHERE story_id = ? ORDER BY number",
            (story_id,),
        )
        return [StoryFactRow(r[0], int(r[1]), r[2], tuple(json.loads(r[3])), r[4], r[5], int(r[6])) for r in rows]

    def search_facts(
        self, query: str, limit: int = 20, *, mark: tuple[str, str] = ("[", "]")
    ) -> list[FactHit]:
        """Facts of the library matching an FTS5 ``query``, best first (see :meth:`search`)."""
        rows = self._match(
            query,
            limit,
            "SELECT f.story_id, s.title, f.fact_id, f.number,"
            " snippet(facts_fts, 0, ?, ?, '…', ?), f.outlets, bm25(facts_fts) AS rank"
            " FROM facts_fts JOIN story_facts f ON f.seq = facts_fts.rowid"
            " JOIN stories s ON s.id = f.story_id"
            " WHERE facts_fts MATCH ? ORDER BY rank LIMIT ?",
            (mark[0], mark[1], _SNIPPET_TOKENS, query, limit),
        )
        return [FactHit(r[0], r[1], r[2], int(r[3]), r[4], tuple(json.loads(r[5])), float(r[6])) for r in rows]

    def outlet_totals(self, outlet: str | None = None) -> list[OutletTotals]:
        """Per outlet, sums over the stories it is in (most stories first); one outlet if named."""
        where, params = ("WHERE outlet = ?", (outlet,)) if outlet is not None else ("", ())
        rows = self._read(
            "SELECT outlet, count(*), sum(n_articles), sum(n_reported), sum(n_first),"
            " sum(n_exclusive), sum(n_omitted), sum(n_contradicted)"
            f" FROM story_outlets {where} GROUP BY outlet ORDER BY count(*) DESC, outlet",
            params,
        )
        return [OutletTotals(r[0], *(int(v) for v in r[1:])) for r in rows]

    def outlet_stories(self, outlet: str) -> list[tuple[StorySummary, StoryOutletRow]]:
        """Every story the outlet is in, newest first, with its row for that story."""
        rows = self._read(
            "SELECT story_id, n_articles, n_reported, n_first, n_exclusive, n_omitted,"
            " n_contradicted, omitted, profile FROM story_outlets WHERE outlet = ?",
            (outlet,),
        )
        by_story = {
            r[0]: StoryOutletRow(
                outlet, int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]),
                tuple(json.loads(r[7])), json.loads(r[8]) if r[8] else None,
            )
            for r in rows
        }
        out: list[tuple[StorySummary, StoryOutletRow]] = []
        ids = list(by_story)
        for k in range(0, len(ids), _CHUNK):
            summaries, _ = self.list_stories(story_ids=ids[k : k + _CHUNK], limit=_CHUNK)
            out.extend((s, by_story[s.id]) for s in summaries)
        out.sort(key=lambda pair: (pair[0].last_published is None, -(_utc_seconds(pair[0].last_published) or 0.0)))
        return out

    def outlet_facts(self, outlet: str, *, exclusive: bool = False, first: bool = False, limit: int = 50) -> list[tuple[str, str, StoryFactRow]]:
        """(story id, story title, fact) of facts this outlet alone reported (``exclusive``) or
        reported first among several outlets (``first``), newest stories first."""
        cond = "f.exclusive = ?" if exclusive else "f.first_reported = ? AND f.n_outlets > 1"
        if exclusive == first:
            raise ValueError("choose one of exclusive or first")
        rows = self._read(
            "SELECT f.story_id, s.title, f.fact_id, f.number, f.text, f.outlets, f.exclusive,"
            " f.first_reported, f.support FROM story_facts f JOIN stories s ON s.id = f.story_id"
            f" WHERE {cond} ORDER BY s.last_utc IS NULL, s.last_utc DESC, f.number LIMIT ?",
            (outlet, limit),
        )
        return [
            (r[0], r[1], StoryFactRow(r[2], int(r[3]), r[4], tuple(json.loads(r[5])), r[6], r[7], int(r[8])))
            for r in rows
        ]

    def list_outlets(self) -> list[str]:
        """Every outlet with a story in the library, by name."""
        return [r[0] for r in self._read("SELECT DISTINCT outlet FROM story_outlets ORDER BY outlet")]

    def unassigned_articles(self) -> list[str]:
        """Stored articles that are in no story (new, or their analysis failed), stored order."""
        return [
            r[0]
            for r in self._read(
                "SELECT a.id FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id"
                " WHERE sa.article_id IS NULL ORDER BY a.seq"
            )
        ]

    def delete_articles(self, article_ids: Iterable[str]) -> int:
        """Remove articles with their origins, analyses, story membership and fetch records
        (so that a feed run may fetch them again); returns how many were stored."""
        with self._write() as conn:
            return self._delete_articles(conn, list(dict.fromkeys(article_ids)))

    @staticmethod
    def _delete_articles(conn: sqlite3.Connection, ids: Sequence[str]) -> int:
        n = 0
        for k in range(0, len(ids), _CHUNK):
            chunk = ids[k : k + _CHUNK]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM fetched WHERE article_id IN ({marks})", chunk)
            n += conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk).rowcount
        return n

    def article_texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The stored text of each of ``article_ids`` that is stored."""
        ids = list(dict.fromkeys(article_ids))
        return {r[0]: r[1] for r in self._in("SELECT id, text FROM articles WHERE id IN ({marks})", ids)}

    # --- library: runs -------------------------------------------------------------------------

    def start_run(self, kind: str, inputs: Sequence[str], *, status: str = "running") -> int:
        """Record a new library update; returns its id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs (kind, status, inputs, started_at) VALUES (?, ?, ?, ?)",
                (kind, status, _dumps(list(inputs)), _now()),
            )
            return int(cur.lastrowid or 0)

    def update_run(self, run_id: int, *, stage: str | None = None, done: int = 0, total: int = 0, status: str | None = None) -> None:
        """Progress of a run (``status`` changes only when given)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET stage = coalesce(?, stage), done = ?, total = ?,"
                " status = coalesce(?, status) WHERE id = ?",
                (stage, done, total, status, run_id),
            )

    def finish_run(self, run_id: int, *, result: Mapping[str, Any] | None = None, error: str | None = None) -> None:
        """Mark a run done (with its ``result``) or failed (with ``error``)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET status = ?, finished_at = ?, result = ?, error = ? WHERE id = ?",
                ("failed" if error else "done", _now(), None if result is None else _dumps(result), error, run_id),
            )

    def get_run(self, run_id: int) -> RunRecord | None:
        """One run, or None."""
        rows = self._read(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        return self._run(rows[0]) if rows else None

    def list_runs(self, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""
        rows = self._read(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [self._run(r) for r in rows]

    @staticmethod
    def _run(r: Sequence[Any]) -> RunRecord:
        return RunRecord(
            id=int(r[0]), kind=r[1], status=r[2], inputs=tuple(json.loads(r[3])),
            started_at=datetime.fromisoformat(r[4]), finished_at=_parse_time(r[5]), stage=r[6],
            done=int(r[7]), total=int(r[8]), result=json.loads(r[9]) if r[9] else None, error=r[10],
        )

    # --- maintenance --------------------------------------------------------------------------

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` plus the FTS index check: "ok" when sound."""
        result = "; ".join(r[0] for r in self._read("PRAGMA integrity_check"))
        if result != "ok":
            return result
        for table in ("articles_fts", "facts_fts"):
            try:
                self._connection().execute(
                    f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.Error as exc:
                return f"full-text index {table}: {exc}"
        problems = self._read("PRAGMA foreign_key_check")
        if problems:
            return f"foreign keys: {len(problems)} dangling rows, first in {problems[0][0]}"
        return "ok"


def _migrate(conn: sqlite3.Connection, name: str, version: int) -> int:
    """Upgrade a store of an older schema version in place; returns the new version."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        # re-read under the write lock: another process may have upgraded it meanwhile
        start = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(start + 1, SCHEMA_VERSION + 1):
            for stmt in _statements(_MIGRATIONS[step]):
                conn.execute(stmt)
            log.info("%s: store upgraded to schema version %d", name, step)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise StoreError(f"{name}: cannot upgrade the store from version {version}: {exc}") from exc
    return SCHEMA_VERSION


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite rolls back by itself after some errors (disk full, I/O error); a second ROLLBACK
    # would then raise and hide the error that caused it
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _statements(script: str) -> list[str]:
    """Split the schema script into statements (``executescript`` would commit on its own)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    return out
