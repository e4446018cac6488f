"""Export stored events as JSON Lines, CSV or Parquet.

JSON Lines carries the nested ``Event.to_dict()`` records; CSV and Parquet carry the flat
columns of the events table.  JSON Lines and CSV stream in chunks and can go to any text
stream (stdout included); Parquet is written by DuckDB itself and needs a file path.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import TextIO

import duckdb

from detente.errors import InputError, StoreError
from detente.store.queries import EVENT_COLUMNS, EventFilter, build_select
from detente.store.store import ALL_EVENTS, Store

__all__ = ["EXPORT_FORMATS", "export_events"]

LOGGER = logging.getLogger(__name__)

EXPORT_FORMATS = ("jsonl", "csv", "parquet")

_CHUNK = 5000


def export_events(
    store: Store,
    path_or_stream: str | Path | TextIO,
    *,
    format: str,
    filt: EventFilter = ALL_EVENTS,
) -> int:
    """Write the events matching ``filt`` to a file or text stream; return how many."""
    fmt = format.lower()
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {format!r}; allowed: {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        if not isinstance(path_or_stream, str | Path):
            raise InputError(
                "parquet is a binary file format and cannot be written to a stream or stdout; "
                "give an output file path, or use jsonl or csv for stdout"
            )
        count = _export_parquet(store, Path(path_or_stream), filt)
    elif isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        try:
            with path.open("w", encoding="utf-8", newline="") as fh:
                count = _write_text(store, fh, fmt, filt)
        except OSError as e:
            raise StoreError(f"cannot write the export to {path}: {e.strerror or e}") from e
    else:
        count = _write_text(store, path_or_stream, fmt, filt)
    LOGGER.info("exported %d events as %s", count, fmt)
    return count


def _write_text(store: Store, fh: TextIO, fmt: str, filt: EventFilter) -> int:
    if fmt == "jsonl":
        return _write_jsonl(store, fh, filt)
    return _write_csv(store, fh, filt)


def _write_jsonl(store: Store, fh: TextIO, filt: EventFilter) -> int:
    count = 0
    for event in store.iter_events(filt, chunk=_CHUNK):
        fh.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(store: Store, fh: TextIO, filt: EventFilter) -> int:
    sql, params = build_select(filt)
    # "\n" rows like DuckDB's own CSV writer; the csv module quotes embedded newlines.
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    count = 0
    cur = store.cursor()
    try:
        cur.execute(sql, params)
        while rows := cur.fetchmany(_CHUNK):
            writer.writerows(rows)
            count += len(rows)
    except duckdb.Error as e:
        raise StoreError(f"reading events for the CSV export failed: {e}") from e
    finally:
        cur.close()
    return count


def _export_parquet(store: Store, path: Path, filt: EventFilter) -> int:
    sql, params = build_select(filt)
    # COPY takes no parameter for the target, so the path is quoted as a SQL string literal;
    # the filter values themselves still travel as bound parameters.
    target = "'" + str(path).replace("'", "''") + "'"
    cur = store.cursor()
    try:
        row = cur.execute(f"COPY ({sql}) TO {target} (FORMAT parquet)", params).fetchone()
    except duckdb.Error as e:
        raise StoreError(f"writing parquet to {path} failed: {e}") from e
    finally:
        cur.close()
    return int(row[0]) if row else 0
