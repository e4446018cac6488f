"""``detente actors resolve``: show who the text names and which rule decided it."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from detente.actors.resolve import mention_to_dict, resolve_actors
from detente.cli.app import app, run, stdout
from detente.cli.options import parse_date
from detente.errors import InputError

actors_app = typer.Typer(help="Inspect actor resolution.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")


@actors_app.command("resolve")
def resolve_command(
    text: str = typer.Argument(..., help="The text to resolve."),
    date: str = typer.Option(None, "--date", help="Resolve roles as of this date (YYYY-MM-DD)."),
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Print the actors found in TEXT, in order: country, sector, name, KB id and rule."""

    def body() -> None:
        if format not in ("table", "json"):
            raise InputError(f"--format {format!r} is not one of table, json")
        rows = [mention_to_dict(m) for m in resolve_actors(text, date=parse_date(date, "--date"))]
        if format == "json":
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"{len(rows)} actors")
        for column in ("text", "country", "sector", "name", "kb id", "rule"):
            table.add_column(column)
        for row in rows:
            cells = (
                row["text"],
                row["country"],
                row["sector"],
                row["name"],
                row["kb_id"],
                row["rule"],
            )
            table.add_row(*(str(c) for c in cells))
        stdout.print(table)

    run(body)
