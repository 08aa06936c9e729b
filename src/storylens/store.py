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
    "StoreQueryError",
    "SearchHit",
    "FetchRecord",
    "FETCH_OK",
    "SCHEMA_VERSION",
    "plain_query",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
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
PRAGMA user_version = {SCHEMA_VERSION};
"""


_EMBEDDINGS_TABLE = """CREATE TABLE embeddings (
    key    TEXT PRIMARY KEY,
    vector BLOB NOT NULL
) WITHOUT ROWID"""


class StoreError(Exception):
    """The store cannot be opened, read or written."""


class StoreVersionMismatch(StoreError):
    """The store file was written with a schema version this code cannot use."""


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
    def open(cls, path: str | Path, *, timeout: float = 30.0) -> Store:
        """Open (creating if needed) the store at ``path`` (``":memory:"`` for a throwaway one).

        Raises :class:`StoreError` when the file is not a SQLite database or not a storylens
        store, and :class:`StoreVersionMismatch` when its schema version is not ours.
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
        if tables and version == 1 and app_id == APPLICATION_ID:
            # version 2 only added the embeddings cache: upgrade in place
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(_EMBEDDINGS_TABLE)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
                version = SCHEMA_VERSION
            except sqlite3.Error as exc:
                _rollback(conn)
                raise StoreError(f"{name}: cannot upgrade the store from version 1: {exc}") from exc
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
                        for stmt in _statements(_SCHEMA):
                            conn.execute(stmt)
                    conn.execute("COMMIT")
                except BaseException:
                    _rollback(conn)
                    raise
        except sqlite3.Error as exc:
            raise StoreError(f"{name}: cannot set up the store: {exc}") from exc

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
        if not query.strip():
            raise StoreQueryError("empty search query")
        if limit < 1:
            return []
        try:
            rows = self._connection().execute(
                "SELECT a.id, a.title, a.outlet,"
                " snippet(articles_fts, 1, ?, ?, '…', ?),"
                " bm25(articles_fts, ?, ?) AS rank"
                " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
                " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (mark[0], mark[1], _SNIPPET_TOKENS, _TITLE_WEIGHT, _TEXT_WEIGHT, query, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            # FTS5 reports bad syntax ("fts5: syntax error near ...") and unknown column
            # filters ("no such column: x") as OperationalError; both come from the user's query
            raise StoreQueryError(
                f"invalid search query {query!r}: {exc} (quote words with special characters, "
                'e.g. "U.S." or "Gallant\'s")'
            ) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: search failed: {exc}") from exc
        return [SearchHit(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]

    # --- maintenance --------------------------------------------------------------------------

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` plus the FTS index check: "ok" when sound."""
        result = "; ".join(r[0] for r in self._read("PRAGMA integrity_check"))
        if result != "ok":
            return result
        try:
            self._connection().execute(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.Error as exc:
            return f"full-text index: {exc}"
        return "ok"


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
