import json

import pytest
import typer
from typer.testing import CliRunner

from detente.actors.resolve import resolve_actors


def test_actors_resolve_library_order_and_rules() -> None:
    mentions = resolve_actors("Beijing rebuked Kishida** and the Kremlin.", date=None)
    first = mentions[0]
    assert (first.text, first.actor.country, first.actor.rule) == (
        "Beijing",
        "CHN",
        "capital as metonym",
    )
    assert [m.text for m in mentions] == ["Beijing", "Kishida", "the Kremlin"]


def test_actors_resolve_title_beats_out_of_office_dates() -> None:
    import datetime as dt

    (mention,) = resolve_actors("Prime Minister Fumio Kishida spoke.", date=dt.date(2019, 1, 1))
    assert (mention.actor.country, mention.actor.sector) == ("JPN", "GOV")
    (bare,) = resolve_actors("Kishida spoke.", date=dt.date(2025, 6, 1))
    assert (bare.actor.country, bare.actor.sector) == ("JPN", "")


def test_actors_resolve_shared_role_and_of_country() -> None:
    import datetime as dt

    got = [
        (m.text, m.actor.country, m.actor.sector)
        for m in resolve_actors(
            "Hungarian and Romanian officials met the president of Armenia.",
            date=dt.date(2024, 1, 1),
        )
    ]
    assert got == [
        ("Hungarian", "HUN", "GOV"),
        ("Romanian officials", "ROU", "GOV"),
        ("the president of Armenia", "ARM", "GOV"),
    ]


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_actors_resolve_cli(runner: CliRunner, cli_app: typer.Typer, fmt: str) -> None:
    text = "Chinese Foreign Minister Wang Yi met US adviser Jake Sullivan."
    result = runner.invoke(
        cli_app, ["actors", "resolve", text, "--date", "2024-01-27", "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert [(r["text"], r["country"], r["sector"], r["name"], r["kb_id"]) for r in rows] == [
            ("Chinese Foreign Minister Wang Yi", "CHN", "GOV", "Wang Yi", "wang-yi"),
            ("US adviser Jake Sullivan", "USA", "GOV", "Jake Sullivan", "jake-sullivan"),
        ]
    else:
        assert "2 actors" in result.stdout and "jake-sullivan" in result.stdout


def test_actors_resolve_cli_bad_format(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["actors", "resolve", "China", "--format", "xml"])
    assert result.exit_code == 2
    assert "--format 'xml' is not one of table, json" in result.stderr
