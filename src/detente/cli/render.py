"""Rich tables and line formats for events and dyad summaries."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from rich.table import Table

from detente.coding.codebook import load_codebook
from detente.models import Actor, Event
from detente.store import DyadSummary
from detente.store.queries import EVENT_COLUMNS, event_to_row

QUAD_STYLE = {1: "green", 2: "bright_green", 3: "yellow", 4: "red"}


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "-"
    label = actor.country + (f" {actor.sector}" if actor.sector else "")
    return f"{label} ({actor.name})" if actor.name and actor.name not in {actor.country} else label


def snippet(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def events_table(events: Iterable[Event], *, title: str = "Events") -> Table:
    codebook = load_codebook()
    table = Table(title=title, show_lines=False, expand=False)
    for column in ("date", "source", "action", "target", "mode", "sentence"):
        table.add_column(column, overflow="fold")
    for event in events:
        action = f"{event.cameo} {codebook.get(event.cameo).name}"
        table.add_row(
            event.date.isoformat() if event.date else "",
            actor_label(event.source),
            f"[{QUAD_STYLE.get(event.quad_class, 'white')}]{action}[/]",
            actor_label(event.target),
            event.mode,
            snippet(event.sentence),
        )
    return table


def dyads_table(rows: Iterable[DyadSummary], *, title: str = "Dyads") -> Table:
    table = Table(title=title)
    for column in (
        "source",
        "target",
        "events",
        "mean goldstein",
        "verbal coop",
        "material coop",
        "verbal conflict",
        "material conflict",
    ):
        table.add_column(column, justify="right" if column not in {"source", "target"} else "left")
    for row in rows:
        table.add_row(
            row.source,
            row.target,
            str(row.events),
            f"{row.mean_goldstein:+.2f}",
            str(row.q1),
            str(row.q2),
            str(row.q3),
            str(row.q4),
        )
    return table


def write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(events: Iterable[Event], out: TextIO) -> int:
    """Flat rows with the columns of the events table; the header even when there are none."""
    writer = csv.DictWriter(out, fieldnames=list(EVENT_COLUMNS))
    writer.writeheader()
    count = 0
    for event in events:
        row = event_to_row(event)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        count += 1
    return count
