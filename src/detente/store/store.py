"""The DuckDB store: articles, their sentences and the events coded from them.

``Store`` wraps one DuckDB connection.  Writes go through ``add_articles`` in batches: each batch
becomes pyarrow tables that DuckDB inserts in one statement per table inside one transaction,
so ingest never runs row-by-row SQL and a failed batch leaves nothing half-written.  When one
article's data breaks the batch (a lone surrogate in its text, an event field of the wrong
type), the batch is rolled back and written again article by article, each in its own
transaction: the good articles are stored once, the bad ones are reported in ``AddResult``.
Reads use their own cursor, so a long export does not block ingest on the same store.

DuckDB lets only one process open a file for writing; opening a held file raises
``StoreLockedError`` with the pid DuckDB reports and what to do instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from detente.errors import InputError, StoreError, StoreLockedError
from detente.models import Article, Event, Sentence
from detente.store.clusters import Known, assign_clusters, search_window
from detente.store.migrations import apply_migrations, pending_migrations
from detente.store.queries import (
    EVENT_COLUMNS,
    DyadSummary,
    EventFilter,
    build_dyad_summary,
    build_select,
    row_to_event,
)
from detente.store.rows import (
    DATA_ERRORS,
    arrow_tables,
    failure_reason,
    insert_rows,
    unstorable_id,
)

__all__ = ["ALL_EVENTS", "TABLES", "AddResult", "Store"]

LOGGER = logging.getLogger(__name__)

TABLES = ("articles", "sentences", "events")
ALL_EVENTS = EventFilter()  # the default filter: every event

# "Could not set lock on file ...: Conflicting lock is held in ... (PID 123)"; match the word
# so messages about storage *blocks* are not mistaken for a lock conflict.
_LOCK_RE = re.compile(r"\block\b", re.IGNORECASE)
_PID_RE = re.compile(r"\bPID (\d+)", re.IGNORECASE)
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_HEAD_BYTES = 16  # enough for the magic, and to show what the file starts with instead

_ID_CHUNK = 1000  # article ids per lookup in ``known_article_ids``


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``Store.add_articles`` did: new articles, ones already stored, events written, and
    the articles whose data could not be stored, as ``(article id, reason)`` in ``failures``."""

    articles_added: int = 0
    articles_skipped: int = 0
    events_added: int = 0
    articles_failed: int = 0
    failures: tuple[tuple[str, str], ...] = ()

    def __add__(self, other: AddResult) -> AddResult:
        return AddResult(
            self.articles_added + other.articles_added,
            self.articles_skipped + other.articles_skipped,
            self.events_added + other.events_added,
            self.articles_failed + other.articles_failed,
            self.failures + other.failures,
        )


def _locked_message(path: str, detail: str) -> str:
    pid = _PID_RE.search(detail)
    who = f"another detente process (pid {pid.group(1)})" if pid else "another detente process"
    return (
        f"{who} holds {path}; stop it, use `--db` to pick another file, or send articles "
        "to the running server with `detente ingest --server URL`"
    )


def _not_duckdb_message(path: str, detail: str) -> str:
    return (
        f"{path} is not a DuckDB database ({detail}); pass --db with a .duckdb file, "
        "or a new path to create one"
    )


def _check_duckdb_file(path: str) -> None:
    """``StoreError`` if ``path`` is an existing file without DuckDB's header.

    DuckDB would open a CSV, Parquet or JSON file as an in-memory database that reads the
    file as a table: writes would vanish on close and a read-only open fails with a
    confusing catalog error.  A DuckDB file has ``DUCK`` at bytes 8-11.
    """
    file = Path(path)
    if not file.is_file():
        return  # new (DuckDB creates it), a folder, or missing (DuckDB says which)
    try:
        with file.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError as e:
        raise StoreError(f"cannot read database {path}: {e.strerror or e}") from e
    if head[8:12] == _DUCKDB_MAGIC:
        return
    if not head:
        raise StoreError(_not_duckdb_message(path, "the file is empty"))
    start = head.decode("utf-8", errors="replace")
    raise StoreError(_not_duckdb_message(path, f"it starts with {start!r}"))


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    if path != ":memory:":
        _check_duckdb_file(path)
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as e:
        if _LOCK_RE.search(str(e)):
            raise StoreLockedError(_locked_message(path, str(e))) from e
        if "not a valid DuckDB database file" in str(e):
            raise StoreError(_not_duckdb_message(path, str(e))) from e
        raise StoreError(f"cannot open database {path}: {e}") from e
    except duckdb.Error as e:
        raise StoreError(f"cannot open database {path}: {e}") from e


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class Store:
    """One DuckDB database of articles, sentences and events.

    ``Store(":memory:")`` gives a throwaway database.  Use it as a context manager or call
    ``close()``.  Methods are safe to call from several threads of one process.
    """

    def __init__(self, path: str | Path = "detente.duckdb", *, read_only: bool = False) -> None:
        memory = str(path) == ":memory:"
        self.path = ":memory:" if memory else str(Path(path).expanduser())
        self.read_only = read_only
        self._lock = threading.RLock()
        self._closed = False
        if not memory and not read_only:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"cannot create the folder for {self.path}: {e}") from e
        self._con = _connect(self.path, read_only)
        try:
            self.migrations_applied: list[int] = self._migrate()
        except BaseException:
            self._con.close()
            raise
        LOGGER.debug("opened store %s (read_only=%s)", self.path, read_only)

    def _migrate(self) -> list[int]:
        if not self.read_only:
            return apply_migrations(self._con)
        with self._errors("reading the schema version"):
            pending = pending_migrations(self._con)
        if pending:
            raise StoreError(
                f"{self.path} needs schema migrations {[m.version for m in pending]}; "
                "open it once without read-only to upgrade it"
            )
        return []

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("read-only" if self.read_only else "open")
        return f"Store({self.path!r}, {state})"

    def _live(self) -> duckdb.DuckDBPyConnection:
        if self._closed:
            raise StoreError(f"the store {self.path} is closed")
        return self._con

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except duckdb.Error as e:
            raise StoreError(f"{action} failed on {self.path}: {e}") from e

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the same database, for reads the Store methods do not cover.

        Close it when done.  It sees committed writes and may be used from another thread.
        """
        with self._lock, self._errors("opening a cursor"):
            return self._live().cursor()

    # -- writes ----------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article], *, batch_size: int = 500) -> AddResult:
        """Store new articles with their sentences and events; skip ids already stored.

        Each batch of ``batch_size`` articles is written in one transaction.  An article whose
        data cannot be stored is left out and listed in ``AddResult.failures``; the others of
        its batch are stored.
        """
        if batch_size < 1:
            raise InputError(f"batch_size must be at least 1, got {batch_size}")
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only; open it without read-only to add")
        total = AddResult()
        for batch in _batches(articles, batch_size):
            total += self._add_batch(batch)
        if total.articles_failed:
            LOGGER.warning(
                "articles not stored in %s: %d (see the errors above)",
                self.path,
                total.articles_failed,
            )
        return total

    def _add_batch(self, batch: list[Article]) -> AddResult:
        unique: dict[str, Article] = {}
        bad_ids = AddResult()
        for article in batch:
            if problem := unstorable_id(article.id):  # no query can even look it up
                bad_ids += AddResult(0, 0, 0, 1, (_failure(article, problem),))
                continue
            unique.setdefault(article.id, article)  # first copy in the batch wins
        with self._lock:
            con = self._live()
            stored = self._stored_ids(con, list(unique))
            new = [a for a in unique.values() if a.id not in stored]
            skipped = AddResult(0, len(batch) - len(new) - bad_ids.articles_failed, 0) + bad_ids
            if not new:
                return skipped
            try:
                events_added = self._write(con, new)
            except DATA_ERRORS as e:
                if len(new) == 1:
                    return skipped + AddResult(0, 0, 0, 1, (_failure(new[0], failure_reason(e)),))
                LOGGER.warning(
                    "a batch of %d articles failed (%s); writing them one by one",
                    len(new),
                    failure_reason(e),
                )
                return skipped + self._add_one_by_one(con, new)
        LOGGER.debug(
            "stored %d articles (%d skipped), %d events",
            len(new),
            skipped.articles_skipped,
            events_added,
        )
        return skipped + AddResult(len(new), 0, events_added)

    def _add_one_by_one(self, con: duckdb.DuckDBPyConnection, new: list[Article]) -> AddResult:
        """Write each article in its own transaction, leaving out those whose data fails."""
        total = AddResult()
        for article in new:
            try:
                total += AddResult(1, 0, self._write(con, [article]))
            except DATA_ERRORS as e:
                total += AddResult(0, 0, 0, 1, (_failure(article, failure_reason(e)),))
        return total

    def _stored_ids(self, con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
        with self._errors("checking stored article ids"):
            rows = con.execute(
                "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
            ).fetchall()
        return {row[0] for row in rows}

    def _write(self, con: duckdb.DuckDBPyConnection, articles: list[Article]) -> int:
        """Cluster and insert the articles in one transaction; the number of events written.

        Raises what the data raises (see ``DATA_ERRORS``) with nothing written; other
        database errors become ``StoreError``.
        """
        try:
            return insert_rows(con, arrow_tables(self._clustered(con, articles)))
        except duckdb.Error as e:
            if isinstance(e, DATA_ERRORS):
                raise
            raise StoreError(f"writing articles to {self.path} failed: {e}") from e

    def _clustered(self, con: duckdb.DuckDBPyConnection, articles: list[Article]) -> list[Article]:
        """The articles with every event's cross-article cluster id filled in."""
        events = [e for a in articles for e in a.events]
        dates = [e.date for e in events if e.date is not None]
        known: list[Known] = []
        if dates:
            rows = con.execute(
                "SELECT source_code, coalesce(target_code, ''), cameo, date, cluster_id "
                "FROM events WHERE date BETWEEN ? AND ? AND cameo IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [*search_window(dates), sorted({e.cameo for e in events})],
            ).fetchall()
            known = [Known((r[0], r[1], r[2]), r[3], r[4]) for r in rows]
        clusters = assign_clusters(events, known)
        return [
            replace(a, events=tuple(replace(e, cluster_id=clusters[e.event_id]) for e in a.events))
            for a in articles
        ]

    # -- reads -----------------------------------------------------------------------------

    def known_article_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Which of these article ids are stored (looked up ``_ID_CHUNK`` at a time).

        Lets a caller skip stored articles before coding them.
        """
        known: set[str] = set()
        it = (i for i in article_ids if not unstorable_id(i))  # such an id is never stored
        with self._lock:
            con = self._live()
            while chunk := list(islice(it, _ID_CHUNK)):
                known |= self._stored_ids(con, chunk)
        return known

    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is stored."""
        with self._lock, self._errors("looking up an article"):
            row = (
                self._live()
                .execute("SELECT 1 FROM articles WHERE id = ? LIMIT 1", [article_id])
                .fetchone()
            )
        return row is not None

    def count(self, table: str) -> int:
        """Number of rows in ``articles``, ``sentences`` or ``events``."""
        if table not in TABLES:
            raise InputError(f"unknown table {table!r}; allowed: {', '.join(TABLES)}")
        with self._lock, self._errors(f"counting {table}"):
            # Safe to format: the name was checked against TABLES above.
            row = self._live().execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def load_article(self, article_id: str) -> Article | None:
        """The stored article rebuilt as an ``Article`` with its sentences and events."""
        found = self._article_rows(article_id)
        return found[0] if found else None

    def article(self, article_id: str) -> dict[str, Any] | None:
        """A JSON-ready dict of the stored article, its sentences and events, or ``None``.

        Keys: those of ``Article.to_dict()``, ``ingested_at`` (ISO), ``sentences`` (dicts of
        index, start, end, text) and ``events`` (``Event.to_dict()`` each).
        """
        found = self._article_rows(article_id)
        if found is None:
            return None
        art, ingested_at = found
        data = art.to_dict()
        data["ingested_at"] = ingested_at.isoformat() if ingested_at else None
        data["sentences"] = [
            {"index": s.index, "start": s.start, "end": s.end, "text": s.text} for s in art.sents
        ]
        data["events"] = [e.to_dict() for e in art.events]
        return data

    def _article_rows(self, article_id: str) -> tuple[Article, dt.datetime | None] | None:
        events_sql, events_params = build_select(EventFilter(article_id=article_id))
        with self._lock, self._errors("reading an article"):
            con = self._live()
            row = con.execute(
                "SELECT id, text, date, title, url, source, origin, ingested_at "
                "FROM articles WHERE id = ?",
                [article_id],
            ).fetchone()
            if row is None:
                return None
            sents = con.execute(
                "SELECT idx, start_char, end_char, text FROM sentences "
                "WHERE article_id = ? ORDER BY idx",
                [article_id],
            ).fetchall()
            events = con.execute(events_sql, events_params).fetchall()
        art = Article(
            id=row[0],
            text=row[1] or "",
            date=row[2],
            title=row[3] or "",
            url=row[4] or "",
            source=row[5] or "",
            origin=row[6] or "",
            sents=tuple(Sentence(s[0], s[1], s[2], s[3] or "") for s in sents),
            events=tuple(row_to_event(e) for e in events),
        )
        return art, row[7]

    def iter_events(self, filt: EventFilter = ALL_EVENTS, *, chunk: int = 5000) -> Iterator[Event]:
        """Events matching ``filt`` in (date, article, sentence) order, read in chunks."""
        sql, params = build_select(filt)
        cur = self.cursor()
        try:
            with self._errors("reading events"):
                cur.execute(sql, params)
                while rows := cur.fetchmany(chunk):
                    yield from (row_to_event(r) for r in rows)
        finally:
            cur.close()

    def events_by_id(self, event_ids: Sequence[str]) -> list[Event]:
        """The stored events with these ids, in the order given (unknown ids are left out)."""
        if not event_ids:
            return []
        marks = ", ".join("?" for _ in event_ids)
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE event_id IN ({marks})"
        with self._errors("reading events by id"):
            rows = self.cursor().execute(sql, list(event_ids)).fetchall()
        found = {event.event_id: event for event in map(row_to_event, rows)}
        return [found[i] for i in event_ids if i in found]

    def events(self, filt: EventFilter = ALL_EVENTS) -> list[Event]:
        """Events matching ``filt`` in (date, article, sentence) order."""
        return list(self.iter_events(filt))

    def dyad_summary(self, filt: EventFilter = ALL_EVENTS) -> list[DyadSummary]:
        """Per directed country pair: event count, mean Goldstein and quad-class counts.

        Only events with a target whose two countries are known count; busiest dyads first.
        ``limit``/``offset`` of the filter page through the dyads, not the events.
        """
        sql, params = build_dyad_summary(filt)
        cur = self.cursor()
        try:
            with self._errors("summarising dyads"):
                rows = cur.execute(sql, params).fetchall()
        finally:
            cur.close()
        return [
            DyadSummary(r[0], r[1], int(r[2]), float(r[3]), *(int(q) for q in r[4:8])) for r in rows
        ]


def _failure(article: Article, reason: str) -> tuple[str, str]:
    LOGGER.error(
        "article %s (%s) not stored: %s", article.id, article.origin or "no origin", reason
    )
    return article.id, reason
