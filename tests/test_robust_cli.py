"""``--strict`` counts every dropped article (reader skips, coding failures, store failures,
with or without worker processes), and ``ingest`` skips stored articles before coding them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from detente.models import Article
from detente.store import Store

WriteJsonl = Callable[..., Path]


@pytest.fixture
def mixed(tmp_path: Path, write_jsonl: WriteJsonl) -> Path:
    """Five records: one not JSON, one a coding stage fails on, one the store refuses."""
    return write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"id": "calm-1", "text": "A calm day."},
            '{"id": "broken-2", "text": ',
            {"id": "boom-3", "text": "boom"},
            {"id": "unstorable-4", "text": "unstorable"},
            {"id": "calm-5", "text": "Another calm day."},
        ],
    )


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_robust_cli_ingest_strict_counts_every_dropped_article(
    runner: CliRunner,
    cli_app: typer.Typer,
    mixed: Path,
    tmp_db: Path,
    boom_coder: str,
    workers: int,
) -> None:
    args = ["ingest", str(mixed), "--db", str(tmp_db), "--coder", boom_coder]
    result = runner.invoke(cli_app, [*args, "--strict", "--workers", str(workers)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert lines[-2:] == [
        f"2 articles added, 0 already stored, 1 not stored, 0 events; database {tmp_db}",
        "1 record skipped, 1 article failed in coding, 1 article failed in the store",
    ]
    with Store(tmp_db, read_only=True) as store:
        assert store.known_article_ids(["calm-1", "boom-3", "unstorable-4", "calm-5"]) == {
            "calm-1",
            "calm-5",
        }


def test_robust_cli_ingest_without_strict_exits_0(
    runner: CliRunner, cli_app: typer.Typer, mixed: Path, tmp_db: Path, boom_coder: str
) -> None:
    args = ["ingest", str(mixed), "--db", str(tmp_db), "--coder", boom_coder]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"2 articles added, 0 already stored, 1 not stored, 0 events; database {tmp_db}"
    )


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_robust_cli_code_strict_counts_coding_failures(
    runner: CliRunner,
    cli_app: typer.Typer,
    mixed: Path,
    boom_coder: str,
    workers: int,
) -> None:
    args = ["code", str(mixed), "--coder", boom_coder, "--workers", str(workers)]
    strict = runner.invoke(cli_app, [*args, "--strict"])
    assert strict.exit_code == 1, strict.output
    assert strict.stderr.splitlines()[-1] == "1 record skipped, 1 article failed in coding"
    lenient = runner.invoke(cli_app, args)
    assert lenient.exit_code == 0, lenient.output
    assert "failed in coding" not in lenient.stderr


def test_robust_cli_ingest_skips_stored_articles_before_coding(
    runner: CliRunner,
    cli_app: typer.Typer,
    tmp_path: Path,
    tmp_db: Path,
    write_jsonl: WriteJsonl,
    boom_coder: str,
) -> None:
    records = [{"id": f"boom-{i}", "text": f"boom {i}"} for i in range(3)]
    docs = write_jsonl(tmp_path / "docs.jsonl", records)
    with Store(tmp_db) as store:
        store.add_articles(Article(id=str(r["id"]), text=str(r["text"])) for r in records)
    # The coder fails on every one of them: were any coded, --strict would exit 1.
    args = ["ingest", str(docs), "--db", str(tmp_db), "--coder", boom_coder, "--strict"]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"0 articles added, 3 already stored, 0 events; database {tmp_db}\n"
