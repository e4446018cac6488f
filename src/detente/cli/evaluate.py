"""``detente eval``: score the coder (or the actor resolver) on gold JSONL files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from detente.cli.app import app, run, stderr, stdout
from detente.coder import resolve_coder
from detente.errors import InputError
from detente.evaluation import read_gold, score_actors, score_items
from detente.evaluation.baseline import (
    baseline_key,
    check_floors,
    digest,
    load_baseline,
    raise_floors,
    save_baseline,
)
from detente.settings import load_settings

ROWS = (
    ("precision", "precision (source, target, PLOVER)"),
    ("recall", "recall (source, target, PLOVER)"),
    ("f1", "F1 (source, target, PLOVER)"),
    ("root_f1", "F1 (source, target, CAMEO root)"),
    ("mode_accuracy", "mode accuracy"),
    ("non_asserted_reported_asserted", "non-asserted gold reported asserted"),
    ("events_on_no_event_items", "events on no-event items"),
)


@app.command("eval")
def eval_command(
    gold: list[str] = typer.Argument(..., help="Gold JSONL files (../shared/eval/*.jsonl)."),
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
    errors: bool = typer.Option(False, "--errors", help="List misses and false events."),
    actors: bool = typer.Option(False, "--actors", help="Score actor resolution instead."),
    baseline: str = typer.Option(
        None, "--baseline", help="Check figures against this floors file."
    ),
    update: bool = typer.Option(
        False, "--update-baseline", help="Raise the floors to these figures."
    ),
    allow_regression: bool = typer.Option(
        False, "--allow-regression", help="Let an update lower a floor."
    ),
    coder: str = typer.Option(
        None, "--coder", help="Coding stage to score (default: the `coder` setting)."
    ),
) -> None:
    """Score the pipeline on gold files: P/R/F1, mode accuracy, confusion, errors."""

    def body() -> int:
        if format not in ("table", "json"):
            raise InputError(f"--format {format!r} is not one of table, json")
        floors = load_baseline(baseline) if baseline else {}
        settings = load_settings(coder=coder)
        chosen = resolve_coder(settings.coder)
        problems: list[str] = []
        for path in gold:
            if not Path(path).is_file():
                raise InputError(f"gold file {path} does not exist")
            score = (
                score_actors(path) if actors else score_items(read_gold(path), settings=settings)
            )
            figures = score.to_dict()
            # Floors are per coder: the rules alone and the hybrid are gated separately.
            name = baseline_key(chosen, Path(path).name)
            if baseline and update:
                floors = raise_floors(
                    floors, name, digest(path), figures, allow_regression=allow_regression
                )
            elif baseline:
                problems += check_floors(floors, name, digest(path), figures)
            _print(path, figures, chosen)
            for error in score.errors if errors else []:
                if actors:
                    found = ", ".join(f"{c} {s}".strip() for c, s in error["found"]) or "nothing"
                    line = (
                        f"- {error['id']}: gold {error['gold']} ({error['span']!r}); found {found}"
                    )
                    stdout.print(line, highlight=False)
                    continue
                line = f"- {error['id']}: missed {error['missed']} false {error['false']}"
                stdout.print(line, highlight=False)
                stdout.print(f"    {error['text']}", highlight=False)
        if baseline and update:
            save_baseline(baseline, floors)
            stderr.print(f"floors written to {baseline}")
        for problem in problems:
            stderr.print(f"[red]gate:[/] {problem}", highlight=False)
        return len(problems)

    def _print(path: str, figures: dict[str, object], coder: str) -> None:
        if format == "json":
            print(json.dumps({"file": path, "coder": coder, **figures}))
            return
        table = Table(title=path if actors else f"{path} ({coder})")
        table.add_column("figure")
        table.add_column("value", justify="right")
        for key, label in ROWS if not actors else [(k, k) for k in figures]:
            if key in figures:
                value = figures[key]
                table.add_row(label, f"{value:.3f}" if isinstance(value, float) else str(value))
        stdout.print(table)

    if run(body):
        raise typer.Exit(1)
