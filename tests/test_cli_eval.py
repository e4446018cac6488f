import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

pytestmark = pytest.mark.slow


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    records = [
        {
            "id": "g1",
            "text": "Australia imposed sanctions on Iran on Monday.",
            "date": "2024-03-04",
            "gold": [
                {
                    "source": "AUS",
                    "target": "IRN",
                    "cameo": "163",
                    "plover": "SANCTION",
                    "mode": "asserted",
                }
            ],
        },
        {
            "id": "g2",
            "text": "Spain may recognise Palestine this year.",
            "date": "2024-03-04",
            "gold": [
                {
                    "source": "ESP",
                    "target": "PSE",
                    "cameo": "054",
                    "plover": "SUPPORT",
                    "mode": "hypothetical",
                }
            ],
        },
        {
            "id": "g3",
            "text": "Inflation rose by two percent in March.",
            "date": "2024-03-04",
            "gold": [],
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_cli_eval_json_figures(runner: CliRunner, cli_app: typer.Typer, gold: Path) -> None:
    result = runner.invoke(cli_app, ["eval", str(gold), "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    keys = ("items", "gold", "system", "matched", "precision", "recall")
    assert {k: figures[k] for k in keys} == {
        "items": 3, "gold": 2, "system": 2, "matched": 2, "precision": 1.0, "recall": 1.0,
    }  # fmt: skip
    assert (figures["mode_accuracy"], figures["non_asserted_reported_asserted"]) == (1.0, 0.0)
    assert (figures["no_event_items"], figures["events_on_no_event_items"]) == (1, 0)
    assert figures["confusion"] == {"SANCTION->SANCTION": 1, "SUPPORT->SUPPORT": 1}


def test_cli_eval_gate_round_trip(
    runner: CliRunner, cli_app: typer.Typer, gold: Path, tmp_path: Path
) -> None:
    floors = tmp_path / "floors.json"
    rules = ["--coder", "coding.rules.v1"]
    update = runner.invoke(
        cli_app, ["eval", str(gold), *rules, "--baseline", str(floors), "--update-baseline"]
    )
    assert update.exit_code == 0, update.output
    key = "coding.rules.v1:gold.jsonl"  # floors are kept per coder
    assert json.loads(floors.read_text())[key]["precision"] == 1.0
    check = runner.invoke(cli_app, ["eval", str(gold), *rules, "--baseline", str(floors)])
    assert check.exit_code == 0, check.output
    data = json.loads(floors.read_text())
    data[key]["recall"] = 1.5  # a floor no coder can reach
    floors.write_text(json.dumps(data))
    failing = runner.invoke(cli_app, ["eval", str(gold), *rules, "--baseline", str(floors)])
    assert failing.exit_code == 1
    assert f"{key}: recall 1.0000 fell below the floor 1.5000" in failing.stderr


def test_cli_eval_missing_file(runner: CliRunner, cli_app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(cli_app, ["eval", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_cli_eval_skips_a_gold_event_with_a_non_cameo_code(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "odd.jsonl"
    records = [
        {"id": "o1", "text": "Australia imposed sanctions on Iran.", "date": "2024-03-04",
         "gold": [{"source": "AUS", "target": "IRN", "code": "224"}]},
        {"id": "o2", "text": "Australia imposed sanctions on Iran.", "date": "2024-03-04",
         "gold": [{"source": "AUS", "target": "IRN", "code": "163"}]},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = runner.invoke(
        cli_app, ["eval", str(path), "--coder", "coding.rules.v1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        "odd.jsonl:1: gold event skipped: '224' is not a CAMEO event code" in w for w in warned
    ), warned
    figures = json.loads(result.stdout)
    assert (figures["items"], figures["gold"], figures["matched"]) == (2, 1, 1)
