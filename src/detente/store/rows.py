"""Rows for the store: articles, sentences and events as Arrow tables, inserted in one
transaction; and the errors one article's data can cause, said so a person can fix them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import duckdb
import pyarrow as pa

from detente.models import Article
from detente.store.queries import EVENT_COLUMNS, event_to_row

LOGGER = logging.getLogger(__name__)

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

# What one article's data can raise while its rows are built and inserted: text that is not
# valid UTF-8 (UnicodeEncodeError), a field Arrow cannot convert (ArrowInvalid/ArrowTypeError
# are ValueError/TypeError), a value the schema refuses.  Anything else (a full disk, a closed
# store) fails the whole write instead of being blamed on each article in turn.
DATA_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    OverflowError,
    pa.ArrowException,
    duckdb.DataError,
    duckdb.IntegrityError,
    duckdb.InvalidInputException,
)


def utc_now() -> dt.datetime:
    # TIMESTAMP columns are naive; store UTC so hosts in different zones agree.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def insert_rows(con: duckdb.DuckDBPyConnection, tables: dict[str, Any]) -> int:
    """Insert ``arrow_tables`` output in one transaction; the number of new events.

    On any error (Ctrl-C included) the transaction is rolled back, so nothing is half-written,
    and the error is raised as it came.
    """
    names = {table: f"_detente_new_{table}" for table in tables}
    try:
        for table, arrow in tables.items():
            con.register(names[table], arrow)
        con.begin()
        con.execute(
            f"INSERT INTO articles SELECT *, ?::TIMESTAMP FROM {names['articles']}",
            [utc_now()],
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
    except BaseException:
        # Roll back on anything (Ctrl-C included) so the connection is not left mid-batch.
        try:
            con.rollback()
        except duckdb.Error:
            LOGGER.debug("no transaction to roll back", exc_info=True)
        raise
    finally:
        for name in names.values():
            try:
                con.unregister(name)
            except duckdb.Error:
                LOGGER.debug("could not unregister %s", name, exc_info=True)
    return int(inserted[0]) if inserted else 0


def arrow_tables(articles: list[Article]) -> dict[str, Any]:
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
    return {
        "articles": pa.Table.from_pylist(article_rows, schema=_ARTICLES_SCHEMA),
        "sentences": pa.Table.from_pylist(sentence_rows, schema=_SENTENCES_SCHEMA),
        "events": pa.Table.from_pylist(list(event_rows.values()), schema=_EVENTS_SCHEMA),
    }


def failure_reason(error: BaseException) -> str:
    """Why an article could not be stored, and what to do about it."""
    if isinstance(error, UnicodeError):
        return (
            f"a text field is not valid UTF-8 ({error}); replace lone surrogates "
            "(the readers do) before storing"
        )
    if isinstance(error, pa.ArrowException | ValueError | TypeError | OverflowError):
        return f"a field of the article or an event has the wrong type or size ({error})"
    return f"the database refused it ({error})"


def unstorable_id(article_id: str) -> str:
    """Why no query can hold this article id, or "" when one can."""
    try:
        article_id.encode("utf-8")
    except UnicodeEncodeError as e:
        return failure_reason(e)
    return ""
