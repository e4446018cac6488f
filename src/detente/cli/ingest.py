"""``detente ingest``: code articles and store them with their events."""

from __future__ import annotations

import typer

from detente.cli.app import SkipReporter, app, progress, report_dropped, run, stderr
from detente.cli.options import CODER, DB, WORKERS, parse_date
from detente.cli.serve import TOKEN
from detente.coder import ingest_articles
from detente.ingest.client import send_articles
from detente.ingest.sources import read_articles
from detente.pipeline import FailureCount
from detente.settings import load_settings
from detente.store import Store


@app.command("ingest")
def ingest_command(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
    db: str = DB,
    date: str = typer.Option(None, "--date", help="Date of inputs that carry none (YYYY-MM-DD)."),
    strict: bool = typer.Option(
        False, "--strict", help="Exit 1 if any input record was skipped or any article failed."
    ),
    server: str = typer.Option(
        None, "--server", help="Send to a running `detente serve` at this URL instead of --db."
    ),
    token: str = TOKEN,
    batch_size: int = typer.Option(50, "--batch-size", help="Articles per request with --server."),
    coder: str = CODER,
    workers: int = WORKERS,
) -> None:
    """Code articles and add them to the database (an article already there is skipped)."""

    def body() -> tuple[int, int, int]:
        skips = SkipReporter()
        settings = load_settings(coder=coder, n_process=workers)
        articles = read_articles(
            paths,
            date=parse_date(date, "--date"),
            on_skip=skips,
            max_article_bytes=settings.max_article_bytes,
        )
        if server:
            sent = send_articles(
                server, progress(articles, label="sending"), token=token, batch_size=batch_size
            )
            stderr.print(
                f"{sent.articles_added} articles added, {sent.articles_skipped} already stored, "
                f"{sent.articles_failed} failed, {sent.events_added} events; server {server}",
                highlight=False,
            )
            return skips.count, sent.articles_failed, 0
        failed = FailureCount()
        with Store(db) as store:
            articles = progress(articles, label="ingesting")
            result = ingest_articles(store, articles, settings=settings, failures=failed)
        not_stored = f"{result.articles_failed} not stored, " if result.articles_failed else ""
        stderr.print(
            f"{result.articles_added} articles added, {result.articles_skipped} already stored, "
            f"{not_stored}{result.events_added} events; database {db}",
            highlight=False,
        )
        return skips.count, failed.articles, result.articles_failed

    skipped, coding, storing = run(body)
    if strict and report_dropped(skipped=skipped, coding=coding, storing=storing):
        raise typer.Exit(1)
