"""``detente train``: fit the second opinion's classifiers and write them into the package."""

from __future__ import annotations

from pathlib import Path

import typer

from detente.cli.app import app, run, stderr


@app.command("train")
def train_command(
    output: Path = typer.Option(
        None, "--output", "-o", help="Where to write the model (default: the packaged file)."
    ),
) -> None:
    """Train the MiniLM second opinion (type and mode) on data/training/ (about 2 minutes)."""

    def body() -> None:
        from detente.embeddings.training import MODEL_PATH, save_models, train_models

        models = train_models(report=lambda line: stderr.print(line, highlight=False))
        save_models(models, output or MODEL_PATH)
        stderr.print(
            f"wrote {output or MODEL_PATH} ({models.metadata['examples']} sentences, corpus "
            f"sha256 {models.metadata['corpus_sha256'][:12]})",
            highlight=False,
        )

    run(body)
