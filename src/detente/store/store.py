"""The DuckDB store: articles, their sentences and the events coded from them.

``Store`` wraps one DuckDB connection.  Writes go through ``add_articles`` in batches: each batch
becomes pyarrow tables that DuckDB inserts in one statement per table inside one transaction,
so ingest never runs row-by-row SQL and a failed batch leaves nothing half-written.  Reads use
their own cursor, so a long export does not block ingest on the same store.

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
import pyarrow as pa

from detente.errors import InputError, StoreError, StoreLockedError
from detente.models import Article, Event, Sentence
from detente.store.clusters import WINDOW_DAYS, Known, assign_clusters
from detente.store.migrations import apply_migrations, pending_migrations
from detente.store.queries import (
    EVENT_COLUMNS,
    DyadSummary,
    EventFilter,
    build_dyad_summary,
    build_select,
    event_to_row,
    row_to_event,
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

_ARTICLE_FIELDS = ("id", "title", "url", "source", "origin", "date", "text")
_ARTICLES_SCHEMA = pa.schema(
    [(c, pa.date32() if c == "date" else pa.string()) for c in _ARTICLE_FIELDS]
)
_SENTENCE_COLUMNS = ("article_id", "idx", "start_char", "end_char", "text")
_SENTENCES_SCHEMA = pa.schema(
    [(c, pa.string() if c in ("article_id", "text") else pa.int32()) for c in _SENTENCE_COLUMNS]
)
_EVENT_TYPES = {
    "sentence_index": pa.int32(),
    "trigger_start": pa.int32(),
    "trigger_end": pa.int32(),
    "quad_class": pa.int32(),
    "goldstein": pa.float64(),
    "confidence": pa.float64(),
    "date": pa.date32(),
}
_EVENTS_SCHEMA = pa.schema([(c, _EVENT_TYPES.get(c, pa.string())) for c in EVENT_COLUMNS])


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``Store.add_articles`` did: new articles, ones already stored, events written."""

    articles_added: int = 0
    articles_skipped: int = 0
    events_added: int = 0

    def __add__(self, other: AddResult) -> AddResult:
        return AddResult(
            self.articles_added + other.articles_added,
            self.articles_skipped + other.articles_skipped,
            self.events_added + other.events_added,
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


def _utc_now() -> dt.datetime:
    # TIMESTAMP columns are naive; store UTC so hosts in different zones agree.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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

        Each batch of ``batch_size`` articles is written in one transaction.
        """
        if batch_size < 1:
            raise InputError(f"batch_size must be at least 1, got {batch_size}")
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only; open it without read-only to add")
        total = AddResult()
        for batch in _batches(articles, batch_size):
            total += self._add_batch(batch)
        return total

    def _add_batch(self, batch: list[Article]) -> AddResult:
        unique: dict[str, Article] = {}
        for article in batch:
            unique.setdefault(article.id, article)  # first copy in the batch wins
        with self._lock:
            con = self._live()
            with self._errors("checking stored article ids"):
                rows = con.execute(
                    "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                    [list(unique)],
                ).fetchall()
            stored = {row[0] for row in rows}
            new = [a for a in unique.values() if a.id not in stored]
            skipped = len(batch) - len(new)
            if not new:
                return AddResult(0, skipped, 0)
            new = self._clustered(con, new)
            tables = _arrow_tables(new)
            events_added = self._insert(con, tables)
        LOGGER.debug("stored %d articles (%d skipped), %d events", len(new), skipped, events_added)
        return AddResult(len(new), skipped, events_added)

    def _clustered(self, con: duckdb.DuckDBPyConnection, articles: list[Article]) -> list[Article]:
        """The articles with every event's cross-article cluster id filled in."""
        events = [e for a in articles for e in a.events]
        dates = [e.date for e in events if e.date is not None]
        known: list[Known] = []
        if dates:
            window = dt.timedelta(days=WINDOW_DAYS)
            with self._errors("reading stored events for clustering"):
                rows = con.execute(
                    "SELECT source_code, coalesce(target_code, ''), cameo, date, cluster_id "
                    "FROM events WHERE date BETWEEN ? AND ? AND cameo IN "
                    "(SELECT unnest(?::VARCHAR[]))",
                    [min(dates) - window, max(dates) + window, sorted({e.cameo for e in events})],
                ).fetchall()
            known = [Known((r[0], r[1], r[2]), r[3], r[4]) for r in rows]
        clusters = assign_clusters(events, known)
        return [
            replace(a, events=tuple(replace(e, cluster_id=clusters[e.event_id]) for e in a.events))
            for a in articles
        ]

    def _insert(self, con: duckdb.DuckDBPyConnection, tables: dict[str, Any]) -> int:
        names = {table: f"_detente_new_{table}" for table in tables}
        try:
            for table, arrow in tables.items():
                con.register(names[table], arrow)
            con.begin()
            con.execute(
                f"INSERT INTO articles SELECT *, ?::TIMESTAMP FROM {names['articles']}",
                [_utc_now()],
            )
            con.execute(f"INSERT INTO sentences SELECT * FROM {names['sentences']}")
            cols = ", ".join(EVENT_COLUMNS)
            # An event id already stored (same article, sentence, dyad, code and trigger)
            # is the same event; skip it rather than fail the batch.
            inserted = con.execute(
                f"INSERT INTO events ({cols}) SELECT {cols} FROM {names['events']} AS n "
                "WHERE NOT EXISTS (SELECT 1 FROM events AS e WHERE e.event_id = n.event_id)"
            ).fetchone()
            con.commit()
        except BaseException as e:
            # Roll back on anything (Ctrl-C included) so the connection is not left mid-batch.
            try:
                con.rollback()
            except duckdb.Error:
                LOGGER.debug("no transaction to roll back", exc_info=True)
            if isinstance(e, duckdb.Error):
                raise StoreError(f"writing a batch of articles to {self.path} failed: {e}") from e
            raise
        finally:
            for name in names.values():
                try:
                    con.unregister(name)
                except duckdb.Error:
                    LOGGER.debug("could not unregister %s", name, exc_info=True)
        return int(inserted[0]) if inserted else 0

    # -- reads -----------------------------------------------------------------------------

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


def _arrow_tables(articles: list[Article]) -> dict[str, Any]:
    """Column-wise pyarrow tables for the articles, their sentences and their events."""
    article_rows: list[dict[str, Any]] = []
    sentence_rows: list[dict[str, Any]] = []
    event_rows: dict[str, dict[str, Any]] = {}
    for a in articles:
        article_rows.append({c: getattr(a, c) for c in _ARTICLE_FIELDS})
        seen: set[int] = set()
        for s in a.sents:
            if s.index in seen:
                continue  # a repeated index would violate the primary key; keep the first
            seen.add(s.index)
            values = (a.id, s.index, s.start, s.end, s.text)
            sentence_rows.append(dict(zip(_SENTENCE_COLUMNS, values, strict=True)))
        for e in a.events:
            event_rows.setdefault(e.event_id, event_to_row(e))
    try:
        return {
            "articles": pa.Table.from_pylist(article_rows, schema=_ARTICLES_SCHEMA),
            "sentences": pa.Table.from_pylist(sentence_rows, schema=_SENTENCES_SCHEMA),
            "events": pa.Table.from_pylist(list(event_rows.values()), schema=_EVENTS_SCHEMA),
        }
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise StoreError(f"an article or event has a field of the wrong type: {e}") from e
