"""``detente events`` and ``detente export``: read events back from the database."""

from __future__ import annotations

import sys

import typer

from detente.cli import options as opt
from detente.cli.app import app, run, stderr, stdout
from detente.cli.render import events_table, write_csv, write_jsonl
from detente.errors import InputError
from detente.store import EXPORT_FORMATS, Store, export_events

LIST_FORMATS = ("table", "jsonl", "csv")


@app.command("events")
def events_command(
    db: str = opt.DB,
    dyad: str = opt.DYAD,
    undirected: bool = opt.UNDIRECTED,
    country: str = opt.COUNTRY,
    cameo: str = opt.CAMEO,
    plover: str = opt.PLOVER,
    mode: str = opt.MODE,
    since: str = opt.SINCE,
    until: str = opt.UNTIL,
    limit: int = opt.LIMIT,
    min_confidence: float = opt.MIN_CONFIDENCE,
    format: str = typer.Option("table", "--format", "-f", help="table, jsonl or csv."),
) -> None:
    """List stored events, filtered."""

    def body() -> None:
        if format not in LIST_FORMATS:
            raise InputError(f"--format {format!r} is not one of {', '.join(LIST_FORMATS)}")
        filt = opt.event_filter(
            dyad, undirected, country, cameo, plover, mode, since, until, limit, min_confidence
        )
        with Store(db, read_only=True) as store:
            events = store.events(filt)
        if format == "table":
            stdout.print(events_table(events, title=f"{len(events)} events"))
        elif format == "jsonl":
            write_jsonl(events, sys.stdout)
        else:
            write_csv(events, sys.stdout)

    run(body)


@app.command("export")
def export_command(
    format: str = typer.Option(..., "--format", "-f", help="jsonl, csv or parquet."),
    output: str = typer.Option(
        None, "--output", "-o", help="Output file (stdout for jsonl/csv if omitted)."
    ),
    db: str = opt.DB,
    dyad: str = opt.DYAD,
    undirected: bool = opt.UNDIRECTED,
    country: str = opt.COUNTRY,
    cameo: str = opt.CAMEO,
    plover: str = opt.PLOVER,
    mode: str = opt.MODE,
    since: str = opt.SINCE,
    until: str = opt.UNTIL,
    limit: int = opt.LIMIT,
    min_confidence: float = opt.MIN_CONFIDENCE,
) -> None:
    """Export stored events as JSONL, CSV or Parquet."""

    def body() -> None:
        if format not in EXPORT_FORMATS:
            raise InputError(f"--format {format!r} is not one of {', '.join(EXPORT_FORMATS)}")
        filt = opt.event_filter(
            dyad, undirected, country, cameo, plover, mode, since, until, limit, min_confidence
        )
        with Store(db, read_only=True) as store:
            count = export_events(store, output or sys.stdout, format=format, filt=filt)
        stderr.print(
            f"exported {count} events" + (f" to {output}" if output else ""), highlight=False
        )

    run(body)
