"""``detente demo``: code the packaged sample articles, store them, show what came out."""

from __future__ import annotations

from importlib.resources import files

import typer

from detente.cli.app import app, progress, run, stderr, stdout
from detente.cli.options import DB
from detente.cli.render import dyads_table, events_table
from detente.coder import code_articles
from detente.ingest.sources import read_articles
from detente.store import EventFilter, Store


def samples_path() -> str:
    return str(files("detente") / "data" / "samples" / "articles.jsonl")


@app.command("demo")
def demo_command(
    db: str = DB,
    rows: int = typer.Option(40, "--rows", help="Events to show in the table."),
) -> None:
    """Code the bundled sample articles into the database and print events and dyads."""

    def body() -> None:
        articles = list(read_articles([samples_path()]))
        with Store(db) as store:
            result = store.add_articles(
                code_articles(progress(articles, label="coding samples", total=len(articles)))
            )
            events = store.events(EventFilter(mode="asserted", limit=rows))
            dyads = store.dyad_summary(EventFilter())
            total = store.count("events")
        stderr.print(
            f"{len(articles)} sample articles: {result.articles_added} added, "
            f"{result.articles_skipped} already in {db}; {total} events stored",
            highlight=False,
        )
        stdout.print(events_table(events, title=f"First {len(events)} asserted events"))
        stdout.print(dyads_table(dyads[:20], title="Dyads (top 20 by events)"))

    run(body)
