"""Ordered schema migrations for the DuckDB store.

Each migration is a function registered with ``@migration(version, name)``.  ``apply_migrations``
runs the ones a database has not seen yet, in version order, each inside its own transaction,
and records it in ``_migrations`` so reopening a file never applies a migration twice.

To change the schema, add a new function with the next version number; never edit one that has
shipped, because databases in the wild have already recorded it as applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from detente.errors import StoreError

__all__ = [
    "Migration",
    "applied_versions",
    "apply_migrations",
    "migration",
    "pending_migrations",
    "registered_migrations",
]

LOGGER = logging.getLogger(__name__)

MigrationFn = Callable[[duckdb.DuckDBPyConnection], None]

_REGISTRY: dict[int, Migration] = {}

_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS _migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its version, a human-readable name and the function that applies it."""

    version: int
    name: str
    apply: MigrationFn


def migration(version: int, name: str) -> Callable[[MigrationFn], MigrationFn]:
    """Register the decorated function as schema migration ``version``."""
    if version < 1:
        raise ValueError(f"migration versions start at 1, got {version}")

    def register(fn: MigrationFn) -> MigrationFn:
        if version in _REGISTRY:
            # Two migrations with one number would make the applied set ambiguous.
            raise ValueError(
                f"migration {version} is registered twice: {_REGISTRY[version].name!r} and {name!r}"
            )
        _REGISTRY[version] = Migration(version, name, fn)
        return fn

    return register


def registered_migrations() -> list[Migration]:
    """All known migrations in the order they must be applied."""
    return [_REGISTRY[v] for v in sorted(_REGISTRY)]


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions recorded in ``_migrations``; empty when the table does not exist yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = '_migrations' AND table_schema = current_schema()"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {int(row[0]) for row in con.execute("SELECT version FROM _migrations").fetchall()}


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Registered migrations the database has not applied yet, in order."""
    done = applied_versions(con)
    return [m for m in registered_migrations() if m.version not in done]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every missing migration, one transaction each; return the versions applied."""
    try:
        con.execute(_MIGRATIONS_TABLE)
        pending = pending_migrations(con)
    except duckdb.Error as e:
        raise StoreError(f"cannot read the schema version of the database: {e}") from e
    applied: list[int] = []
    for step in pending:
        try:
            con.begin()
            step.apply(con)
            con.execute(
                "INSERT INTO _migrations VALUES (?, ?, ?)",
                [step.version, step.name, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            con.commit()
        except duckdb.Error as e:
            con.rollback()
            raise StoreError(
                f"schema migration {step.version} ({step.name}) failed and was rolled back: {e}"
            ) from e
        LOGGER.info("applied schema migration %d: %s", step.version, step.name)
        applied.append(step.version)
    return applied


@migration(1, "create articles, sentences, events")
def _v1_create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            title VARCHAR,
            url VARCHAR,
            source VARCHAR,
            origin VARCHAR,
            date DATE,
            text VARCHAR,
            ingested_at TIMESTAMP
        )
        """
    )
    con.execute(
        """
        CREATE TABLE sentences (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            start_char INTEGER,
            end_char INTEGER,
            text VARCHAR,
            PRIMARY KEY (article_id, idx)
        )
        """
    )
    con.execute(
        """
        CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY,
            article_id VARCHAR NOT NULL,
            sentence_index INTEGER,
            sentence VARCHAR,
            trigger VARCHAR,
            trigger_start INTEGER,
            trigger_end INTEGER,
            source_text VARCHAR,
            source_country VARCHAR,
            source_sector VARCHAR,
            source_name VARCHAR,
            source_kb_id VARCHAR,
            source_code VARCHAR,
            target_text VARCHAR,
            target_country VARCHAR,
            target_sector VARCHAR,
            target_name VARCHAR,
            target_kb_id VARCHAR,
            target_code VARCHAR,
            cameo VARCHAR,
            cameo_root VARCHAR,
            plover VARCHAR,
            quad_class INTEGER,
            goldstein DOUBLE,
            mode VARCHAR,
            date DATE,
            date_precision VARCHAR,
            location_name VARCHAR,
            location_country VARCHAR,
            attribution VARCHAR,
            confidence DOUBLE,
            coder VARCHAR,
            mention_id VARCHAR
        )
        """
    )


@migration(2, "events: evidence sentences and cross-article cluster ids")
def _v2_evidence_and_clusters(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE events ADD COLUMN evidence VARCHAR DEFAULT ''")
    con.execute("ALTER TABLE events ADD COLUMN cluster_id VARCHAR")
    # Events stored before this migration are each their own cluster.
    con.execute("UPDATE events SET cluster_id = event_id WHERE cluster_id IS NULL")
