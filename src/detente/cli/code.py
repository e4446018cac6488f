"""``detente code``: code articles and print events (the machine contract of DESIGN.md)."""

from __future__ import annotations

import sys

import typer

from detente.cli.app import SkipReporter, app, progress, report_dropped, run, stdout
from detente.cli.options import CODER, WORKERS, parse_date
from detente.cli.render import events_table, write_csv, write_jsonl
from detente.coder import code_articles
from detente.errors import InputError
from detente.ingest.sources import read_articles
from detente.pipeline import FailureCount
from detente.settings import load_settings

FORMATS = ("jsonl", "csv", "table")


@app.command("code")
def code_command(
    files: list[str] = typer.Argument(
        None, help="Text, HTML, JSONL or CSV files or folders; - for stdin."
    ),
    input: list[str] = typer.Option(
        None, "--input", "-i", help="JSONL records {id, text, date?, ...}."
    ),
    date: str = typer.Option(None, "--date", help="Date of inputs that carry none (YYYY-MM-DD)."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or table."),
    strict: bool = typer.Option(
        False, "--strict", help="Exit 1 if any input record was skipped or any article failed."
    ),
    coder: str = CODER,
    workers: int = WORKERS,
) -> None:
    """Code articles and write one event per line to stdout."""

    def body() -> tuple[int, int]:
        if format not in FORMATS:
            raise InputError(f"--format {format!r} is not one of {', '.join(FORMATS)}")
        paths = [*(files or []), *(input or [])]
        if not paths:
            raise InputError("nothing to code: give FILE..., --input docs.jsonl, or - for stdin")
        skips = SkipReporter()
        settings = load_settings(coder=coder, n_process=workers)
        articles = read_articles(
            paths,
            date=parse_date(date, "--date"),
            on_skip=skips,
            max_article_bytes=settings.max_article_bytes,
        )
        failed = FailureCount()
        coded = code_articles(
            progress(articles, label="coding"), settings=settings, failures=failed
        )
        events = (event for article in coded for event in article.events)
        if format == "jsonl":
            write_jsonl(events, sys.stdout)
        elif format == "csv":
            write_csv(events, sys.stdout)
        else:
            stdout.print(events_table(list(events)))
        return skips.count, failed.articles

    skipped, failed = run(body)
    if strict and report_dropped(skipped=skipped, coding=failed):
        raise typer.Exit(1)
