"""The Typer app, shared options, and the one place that turns errors into exit messages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import version
from typing import TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from detente.errors import DetenteError
from detente.ingest.sources import Skipped

app = typer.Typer(
    name="detente",
    help="Turn news about international relations into coded political events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stdout = Console()
if not stdout.is_terminal:
    # Piped or captured output: wide enough that event tables stay readable.
    stdout = Console(width=150)
stderr = Console(stderr=True)
if not stderr.is_terminal:
    # Logs and CI output: keep each message on one line.
    stderr = Console(stderr=True, width=1000)

T = TypeVar("T")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"detente {version('detente')}")
        raise typer.Exit()


@app.callback()
def _configure(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr."),
    _version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=stderr, show_path=False, show_time=False)],
    )


class SkipReporter:
    """Prints each skipped input on stderr as ``origin: reason`` and counts them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, skipped: Skipped) -> None:
        self.count += 1
        stderr.print(
            f"[yellow]skipped[/] {skipped.origin}: {skipped.reason}", highlight=False, markup=True
        )


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def report_dropped(*, skipped: int, coding: int, storing: int = 0) -> int:
    """Print what never made it through on stderr ("2 records skipped, 1 article failed in
    coding"); return how many inputs that is (0 prints nothing)."""
    parts = [
        f"{_counted(skipped, 'record')} skipped" if skipped else "",
        f"{_counted(coding, 'article')} failed in coding" if coding else "",
        f"{_counted(storing, 'article')} failed in the store" if storing else "",
    ]
    if any(parts):
        stderr.print(", ".join(p for p in parts if p), highlight=False)
    return skipped + coding + storing


def progress(items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
    """A progress bar on stderr while iterating; silent when stderr is not a terminal."""
    if not stderr.is_terminal:
        yield from items
        return
    columns = [
        SpinnerColumn(),
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


def run(command: Callable[[], T]) -> T:
    """Run a command body, turning detente's errors into a clean message and exit status 2."""
    try:
        return command()
    except DetenteError as e:
        stderr.print(f"[red]error:[/] {escape(str(e))}", highlight=False)
        raise typer.Exit(2) from None


def register_commands() -> None:
    """Import the command modules; importing one registers its commands on ``app``."""
    from detente.cli import (  # noqa: F401
        actors,
        code,
        demo,
        evaluate,
        events,
        ingest,
        kb,
        relations,
        serve,
        train,
    )


def main() -> None:
    register_commands()
    app(prog_name="detente")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
