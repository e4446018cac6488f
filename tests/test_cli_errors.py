"""Tests for mistakes the command line used to let through silently: input paths that do not
exist, a ``--db`` that is not a DuckDB database, and ``--version``.

None of these runs the coder: each error comes before any article is read or coded.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from detente.errors import StoreError
from detente.store import Store

CSV_TEXT = "source,target\nCHN,JPN\n"
NOT_DUCKDB = (
    "is not a DuckDB database (it starts with 'source,target\\nCH'); pass --db with a .duckdb "
    "file, or a new path to create one"
)


# -- input paths that do not exist -----------------------------------------------------------


def test_cli_errors_ingest_missing_path_creates_nothing(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, tmp_db: Path
) -> None:
    missing = tmp_path / "missing.txt"
    result = runner.invoke(cli_app, ["ingest", str(missing), "--db", str(tmp_db)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {missing}: no such file or directory; check the path\n"
    assert not tmp_db.exists()
    assert not tmp_db.parent.exists()  # not even the folder of the database


def test_cli_errors_ingest_names_every_missing_path_and_keeps_stdin(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, tmp_db: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Canada imposed sanctions on Iran.", encoding="utf-8")
    first, second = tmp_path / "a.txt", tmp_path / "b.jsonl"
    args = ["ingest", str(good), "-", str(first), str(second), "--db", str(tmp_db)]
    result = runner.invoke(cli_app, args, input="")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {first}, {second}: no such file or directory; check the paths\n"
    )
    assert not tmp_db.exists()


def test_cli_errors_ingest_missing_path_with_server(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    # The path is checked before anything is sent: no server needs to listen here.
    result = runner.invoke(cli_app, ["ingest", str(missing), "--server", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {missing}: no such file or directory; check the path\n"


@pytest.mark.parametrize("option", [[], ["--input"]])
def test_cli_errors_code_missing_path(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, option: list[str]
) -> None:
    missing = tmp_path / "missing.txt"
    result = runner.invoke(cli_app, ["code", *option, str(missing)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {missing}: no such file or directory; check the path\n"


# -- a --db that is not a DuckDB database ----------------------------------------------------


@pytest.fixture
def csv_db(tmp_path: Path) -> Path:
    """A file named like an export, holding CSV text: what ``--db out.csv`` points at."""
    path = tmp_path / "out.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["events"],
        ["events", "--country", "CHN"],
        ["export", "--format", "jsonl"],
        ["relations", "CHN", "JPN"],
        ["shifts"],
        ["graph"],
    ],
)
def test_cli_errors_reading_a_csv_as_database(
    runner: CliRunner, cli_app: typer.Typer, csv_db: Path, command: list[str]
) -> None:
    result = runner.invoke(cli_app, [*command, "--db", str(csv_db)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {csv_db} {NOT_DUCKDB}\n"
    assert csv_db.read_text(encoding="utf-8") == CSV_TEXT


def test_cli_errors_ingest_into_a_csv_leaves_it_alone(
    runner: CliRunner, cli_app: typer.Typer, csv_db: Path, tmp_path: Path
) -> None:
    text = tmp_path / "article.txt"
    text.write_text("Canada imposed sanctions on Iran.", encoding="utf-8")
    result = runner.invoke(cli_app, ["ingest", str(text), "--db", str(csv_db)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {csv_db} {NOT_DUCKDB}\n"
    assert csv_db.read_text(encoding="utf-8") == CSV_TEXT


@pytest.mark.parametrize("read_only", [False, True])
def test_cli_errors_store_rejects_files_that_are_not_duckdb(
    tmp_path: Path, read_only: bool
) -> None:
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    with pytest.raises(StoreError) as raised:
        Store(empty, read_only=read_only)
    assert str(raised.value) == (
        f"{empty} is not a DuckDB database (the file is empty); pass --db with a .duckdb "
        "file, or a new path to create one"
    )
    parquet = tmp_path / "events.parquet"
    parquet.write_bytes(b"PAR1\x15\x00\x15")
    with pytest.raises(StoreError, match=r"events\.parquet is not a DuckDB database"):
        Store(parquet, read_only=read_only)


def test_cli_errors_store_still_opens_duckdb_files(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"  # any name: the content decides
    with Store(path) as store:
        assert store.count("events") == 0
    with Store(path, read_only=True) as store:
        assert store.count("events") == 0


# -- --version -------------------------------------------------------------------------------


def test_cli_errors_version(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"detente {version('detente')}\n"
    assert result.stderr == ""


def test_cli_errors_version_wins_over_a_command(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["--version", "events", "--db", "/nonexistent/x.duckdb"])
    assert result.exit_code == 0
    assert result.stdout == f"detente {version('detente')}\n"
