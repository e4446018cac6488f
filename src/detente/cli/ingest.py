"""``detente ingest``: code articles and store them with their events."""

from __future__ import annotations

import typer

from detente.cli.app import SkipReporter, app, progress, run, stderr
from detente.cli.options import CODER, DB, WORKERS, parse_date
from detente.cli.serve import TOKEN
from detente.coder import code_articles
from detente.ingest.client import send_articles
from detente.ingest.sources import read_articles
from detente.settings import load_settings
from detente.store import Store


@app.command("ingest")
def ingest_command(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
    db: str = DB,
    date: str = typer.Option(None, "--date", help="Date of inputs that carry none (YYYY-MM-DD)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input record was skipped."),
    server: str = typer.Option(
        None, "--server", help="Send to a running `detente serve` at this URL instead of --db."
    ),
    token: str = TOKEN,
    batch_size: int = typer.Option(50, "--batch-size", help="Articles per request with --server."),
    coder: str = CODER,
    workers: int = WORKERS,
) -> None:
    """Code articles and add them to the database (an article already there is skipped)."""

    def body() -> int:
        skips = SkipReporter()
        articles = read_articles(paths, date=parse_date(date, "--date"), on_skip=skips)
        if server:
            sent = send_articles(
                server, progress(articles, label="sending"), token=token, batch_size=batch_size
            )
            stderr.print(
                f"{sent.articles_added} articles added, {sent.articles_skipped} already stored, "
                f"{sent.articles_failed} failed, {sent.events_added} events; server {server}",
                highlight=False,
            )
            return skips.count
        with Store(db) as store:
            settings = load_settings(coder=coder, n_process=workers)
            coded = code_articles(progress(articles, label="ingesting"), settings=settings)
            result = store.add_articles(coded)
        stderr.print(
            f"{result.articles_added} articles added, {result.articles_skipped} already stored, "
            f"{result.events_added} events; database {db}",
            highlight=False,
        )
        return skips.count

    skipped = run(body)
    if strict and skipped:
        raise typer.Exit(1)
