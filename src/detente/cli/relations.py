"""``detente relations``, ``detente shifts`` and ``detente graph``: the analytics, readable."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from detente.analytics import (
    BAND_COLOURS,
    GRAPH_FORMATS,
    RelationsReport,
    Shift,
    detect_shifts,
    relations_graph,
    relations_report,
    save_graph,
)
from detente.cli import options as opt
from detente.cli.app import app, run, stderr, stdout
from detente.errors import InputError
from detente.models import Event
from detente.store import Store

OUTPUT_FORMATS = ("table", "json")
FREQ = typer.Option("month", "--freq", help="Period length: day, week, month or quarter.")
FORMAT = typer.Option("table", "--format", "-f", help="table or json.")


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(f"--format {value!r} is not one of {', '.join(allowed)}")


def _band(name: str) -> str:
    return f"[{BAND_COLOURS[name]}]{name}[/]"


def report_table(report: RelationsReport) -> Table:
    arrow = "→" if report.directed else "–"
    table = Table(title=f"{report.a} {arrow} {report.b} by {report.freq}")
    for column in ("period", "events", "q1", "q2", "q3", "q4", "goldstein mean", "index"):
        table.add_column(column, justify="left" if column == "period" else "right")
    table.add_column("band")
    for row in report.rows:
        counts = (row.events, row.q1, row.q2, row.q3, row.q4)
        table.add_row(
            row.period.isoformat(),
            *(str(c) for c in counts),
            f"{row.goldstein_mean:+.2f}",
            f"{row.index:+.2f}",
            _band(row.band),
        )
    return table


def shifts_table(shifts: list[Shift], drivers: dict[str, Event] | None = None) -> Table:
    table = Table(title=f"{len(shifts)} shifts")
    for column in ("period", "dyad", "before", "after", "change", "band", "drivers"):
        numeric = column in {"before", "after", "change"}
        table.add_column(column, justify="right" if numeric else "left")
    for shift in shifts:
        table.add_row(
            shift.period.isoformat(),
            f"{shift.a}–{shift.b}",
            f"{shift.before:+.2f}",
            f"{shift.after:+.2f}",
            f"{shift.change:+.2f}",
            f"{_band(shift.band_before)} → {_band(shift.band_after)}",
            "\n".join(_driver_label(i, (drivers or {}).get(i)) for i in shift.drivers),
        )
    return table


def _driver_label(event_id: str, event: Event | None) -> str:
    if event is None:
        return event_id
    target = event.target.country if event.target else "-"
    when = event.date.isoformat() if event.date else ""
    return f"{when} {event.source.country}→{target} {event.cameo} {event.trigger}"


@app.command("relations")
def relations_command(
    a: str = typer.Argument(..., help="First actor: a code or name, e.g. CHN or China."),
    b: str = typer.Argument(..., help="Second actor, e.g. JPN, Japan or IGO:UN."),
    db: str = opt.DB,
    freq: str = FREQ,
    since: str = opt.SINCE,
    until: str = opt.UNTIL,
    directed: bool = typer.Option(
        False, "--directed", help="Count only A → B events (the index is always both ways)."
    ),
    plot: str = typer.Option(None, "--plot", help="Also save the index over its bands as a PNG."),
    format: str = FORMAT,
) -> None:
    """Counts, Goldstein mean and the relations index (-9..+9) of two actors per period."""

    def body() -> None:
        _check_format(format, OUTPUT_FORMATS)
        first, second = opt.parse_actor(a, "first actor"), opt.parse_actor(b, "second actor")
        window = opt.parse_date(since, "--since"), opt.parse_date(until, "--until")
        with Store(db, read_only=True) as store:
            report = relations_report(
                store, first, second, freq=freq, directed=directed, since=window[0], until=window[1]
            )
        if plot:
            from detente.analytics.plot import save_index_png  # loads matplotlib

            save_index_png(report.index_points(), plot, title=f"{report.a}–{report.b} relations")
            stderr.print(f"wrote the index chart to {plot}", highlight=False)
        if format == "json":
            sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
            return
        stdout.print(report_table(report))
        stdout.print(f"index -9..+9  {report.sparkline() or '(no asserted events)'}")

    run(body)


@app.command("shifts")
def shifts_command(
    db: str = opt.DB,
    since: str = opt.SINCE,
    until: str = opt.UNTIL,
    freq: str = FREQ,
    min_change: float = typer.Option(
        2.0, "--min-change", help="Flag moves of the index of at least this many points."
    ),
    format: str = FORMAT,
) -> None:
    """Periods where a dyad's relations index changed band or moved sharply, with drivers."""

    def body() -> None:
        _check_format(format, OUTPUT_FORMATS)
        window = opt.parse_date(since, "--since"), opt.parse_date(until, "--until")
        with Store(db, read_only=True) as store:
            shifts = detect_shifts(
                store, since=window[0], until=window[1], freq=freq, min_change=min_change
            )
            ids = [i for shift in shifts for i in shift.drivers]
            drivers = {event.event_id: event for event in store.events_by_id(ids)}
        if format == "json":
            data = [shift.to_dict() for shift in shifts]
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            stdout.print(shifts_table(shifts, drivers))

    run(body)


@app.command("graph")
def graph_command(
    db: str = opt.DB,
    since: str = opt.SINCE,
    until: str = opt.UNTIL,
    format: str = typer.Option("json", "--format", "-f", help="json, graphml or png."),
    output: str = typer.Option(
        None, "--output", "-o", help="Output file (stdout for json/graphml if omitted)."
    ),
) -> None:
    """The relations graph: countries and IGOs, edges weighted by events, coloured by band."""

    def body() -> None:
        _check_format(format, GRAPH_FORMATS)
        if format == "png" and not output:
            raise InputError("--format png writes a binary file; give one with -o FILE.png")
        window = opt.parse_date(since, "--since"), opt.parse_date(until, "--until")
        with Store(db, read_only=True) as store:
            graph = relations_graph(store, since=window[0], until=window[1])
        if output:
            save_graph(graph, output, format=format)
            size = f"{len(graph.nodes)} nodes, {len(graph.edges)} edges"
            stderr.print(f"wrote the graph ({size}) to {output}", highlight=False)
        elif format == "graphml":
            sys.stdout.write(graph.to_graphml())
        else:
            sys.stdout.write(json.dumps(graph.to_dict(), ensure_ascii=False, indent=2) + "\n")

    run(body)
