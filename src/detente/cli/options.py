"""Options shared by several commands, and turning them into library objects."""

from __future__ import annotations

import datetime as dt

import typer

from detente.actors.codes import actor_code, actor_dyad
from detente.errors import InputError
from detente.store import EventFilter


def parse_date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{flag} {value!r} is not a date; use YYYY-MM-DD") from None


def parse_dyad(value: str | None) -> tuple[str, str] | None:
    """``--dyad`` as two known actor codes (codes or names: CHN-JPN, China-Japan)."""
    if value is None:
        return None
    return actor_dyad(value, what="--dyad", example="--dyad CHN-JPN")


def parse_actor(value: str, flag: str) -> str:
    """An actor option as a known code (``China`` -> ``CHN``); ``InputError`` suggests codes."""
    return actor_code(value, what=flag)


DB = typer.Option("detente.duckdb", "--db", help="DuckDB database file.", envvar="DETENTE_DB")
DYAD = typer.Option(
    None, "--dyad", help="Directed dyad SOURCE-TARGET, codes or names: CHN-JPN, China-Japan."
)
UNDIRECTED = typer.Option(False, "--undirected", help="Match the dyad in both directions.")
COUNTRY = typer.Option(
    None, "--country", help="Events with this actor on either side: CHN, IGO:UN or China."
)
CAMEO = typer.Option(None, "--cameo", help="CAMEO code or root prefix: 04, 042, 1952.")
PLOVER = typer.Option(None, "--plover", help="PLOVER type, e.g. CONSULT, SANCTION.")
MODE = typer.Option(None, "--mode", help="asserted, future, hypothetical, negated or prescriptive.")
SINCE = typer.Option(None, "--since", help="First event date, YYYY-MM-DD.")
UNTIL = typer.Option(None, "--until", help="Last event date, YYYY-MM-DD.")
LIMIT = typer.Option(None, "--limit", help="At most this many events.")
MIN_CONFIDENCE = typer.Option(
    None,
    "--min-confidence",
    help="Only events at least this sure (0..1); 0.55 drops the classifier's second opinions.",
)
CODER = typer.Option(
    None,
    "--coder",
    help="coding.rules.v1, coding.hybrid.v1 or auto (default: the `coder` setting).",
)
WORKERS = typer.Option(None, "--workers", help="Worker processes (default: `n_process`).")


def event_filter(
    dyad: str | None = None,
    undirected: bool = False,
    country: str | None = None,
    cameo: str | None = None,
    plover: str | None = None,
    mode: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
) -> EventFilter:
    return EventFilter(
        dyad=parse_dyad(dyad),
        undirected=undirected,
        country=None if country is None else parse_actor(country, "--country"),
        cameo=cameo,
        plover=plover.upper() if plover else None,
        mode=mode.lower() if mode else None,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        limit=limit,
        min_confidence=min_confidence,
    )
