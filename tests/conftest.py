"""Shared fixtures: a CLI runner, the Typer app, a scratch database path, a JSONL writer, a
coder stage that fails on purpose (``boom_coder``) and the path of ../shared (skipped when a
bare clone has no such folder).

About the runner: Typer 0.29 / Click 8.2+ removed ``mix_stderr``.  A result always keeps the
two streams apart: ``result.stdout`` is standard output only, ``result.stderr`` standard error
only, and ``result.output`` is both interleaved as a terminal would show them.  Tests read
``stdout`` for machine output and ``stderr`` for messages.

Rich wraps what it prints to stderr at the console width (80 columns when it cannot tell), which
would split long messages and file paths over lines; the runner sets ``COLUMNS`` wide so the
messages tests look for stay on one line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from detente.models import Article
from detente.registry import stages
from detente.settings import Settings

WriteJsonl = Callable[[Path, Iterable[dict[str, Any] | str]], Path]

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
# Set by the autouse fixture below: the test's own KB home.
KEPT_VARIABLES = frozenset({"DETENTE_HOME"})


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A CliRunner isolated from the caller's settings: no DETENTE_* variables, no
    ``detente.toml`` of the working folder (the test runs in its own tmp folder)."""
    for key in list(os.environ):
        if key.startswith("DETENTE_") and key not in KEPT_VARIABLES:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return CliRunner(env={"COLUMNS": "1000"})


@pytest.fixture
def cli_app() -> typer.Typer:
    """The ``detente`` Typer app with every command registered."""
    from detente.cli.app import app, register_commands

    register_commands()

    return app


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a DuckDB file that does not exist yet."""
    return tmp_path / "db" / "test.duckdb"


def _write_jsonl(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    """Write one JSON object per line; a ``str`` item is written verbatim (a broken line)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def write_jsonl() -> WriteJsonl:
    """``write_jsonl(path, records) -> path``."""
    return _write_jsonl


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` next to the repository; tests that need it skip in a bare clone."""
    if not SHARED_DIR.is_dir():
        pytest.skip(
            f"../shared is not present (a bare clone): {SHARED_DIR} holds the design notes, "
            "seeds and evaluation data these tests read"
        )
    return SHARED_DIR


@pytest.fixture(autouse=True)
def _isolated_kb_overlay(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep a developer's own KB overlay (~/.local/share/detente) out of every test."""
    monkeypatch.setenv("DETENTE_HOME", str(tmp_path_factory.mktemp("detente-home")))


class Boom:
    """A coder stage: fails on "boom" texts, gives "unstorable" ones a title no database can
    hold (at module level here, so worker processes can unpickle it)."""

    name = "boom"
    requires: tuple[str, ...] = ("sents",)
    assigns: tuple[str, ...] = ("events",)

    def __call__(self, article: Article) -> Article:
        if "boom" in article.text:
            raise ValueError(f"cannot code {article.id}")
        if "unstorable" in article.text:
            return replace(article, title="lone \udfff surrogate")
        return article


def make_boom(settings: Settings) -> Boom:
    return Boom()


@pytest.fixture
def boom_coder(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of the failing coder ``Boom``, registered for this test only."""
    monkeypatch.setitem(stages._items, "coding.boom.test", make_boom)
    yield "coding.boom.test"
