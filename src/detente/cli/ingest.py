"""``detente ingest``: code articles and store them with their events."""

from __future__ import annotations

import typer

from detente.cli.app import SkipReporter, app, progress, run, stderr
from detente.cli.options import DB, parse_date
from detente.coder import code_articles
from detente.ingest.sources import read_articles
from detente.store import Store


@app.command("ingest")
def ingest_command(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
    db: str = DB,
    date: str = typer.Option(None, "--date", help="Date of inputs that carry none (YYYY-MM-DD)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input record was skipped."),
) -> None:
    """Code articles and add them to the database (an article already there is skipped)."""

    def body() -> int:
        skips = SkipReporter()
        articles = read_articles(paths, date=parse_date(date, "--date"), on_skip=skips)
        with Store(db) as store:
            result = store.add_articles(code_articles(progress(articles, label="ingesting")))
        stderr.print(
            f"{result.articles_added} articles added, {result.articles_skipped} already stored, "
            f"{result.events_added} events; database {db}",
            highlight=False,
        )
        return skips.count

    skipped = run(body)
    if strict and skipped:
        raise typer.Exit(1)
