"""Tests for ``detente relations``, ``detente shifts`` and ``detente graph``.

The database is built by hand with ``Store.add_articles``; the commands use the default index
options (half-life 90 days, prior 5 events), so expected values are worked out in comments.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from detente.models import Actor, Article, Event
from detente.store import Store

D = dt.date
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

CHN = Actor("Beijing", "CHN", "GOV", "China")
JPN = Actor("Tokyo", "JPN", "GOV", "Japan")
UN = Actor("the UN", "IGO:UN", "", "United Nations")

# January: +10; February: -10 the other way, 29 days later.
W = 2 ** (-29 / 90)  # the January event's weight at the end of February
JAN = 0.9 * 10 / (1 + 5)  # 1.5, "ordinary"
FEB = 0.9 * (10 * W - 10) / (W + 1 + 5)  # about -0.265, "discord"


def _event(
    article: str, sent: int, source: Actor, target: Actor, goldstein: float, day: dt.date
) -> Event:
    quad, cameo = (1, "042") if goldstein >= 0 else (4, "190")
    return Event(
        article_id=article, sentence_index=sent, sentence="s", trigger="t", trigger_start=0,
        trigger_end=1, source=source, target=target, cameo=cameo, cameo_root=cameo[:2],
        plover="", quad_class=quad, goldstein=goldstein, date=day,
    )  # fmt: skip


EVENTS = (
    _event("a1", 0, CHN, JPN, 10.0, D(2024, 1, 31)),
    _event("a2", 0, JPN, CHN, -10.0, D(2024, 2, 29)),
    _event("a3", 0, CHN, UN, 5.0, D(2024, 2, 10)),
)


@pytest.fixture
def db(tmp_db: Path) -> Path:
    with Store(tmp_db) as store:
        store.add_articles(
            Article(id=aid, text="text", events=tuple(e for e in EVENTS if e.article_id == aid))
            for aid in ("a1", "a2", "a3")
        )
    return tmp_db


def test_cli_relations_table(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    result = runner.invoke(cli_app, ["relations", "chn", "jpn", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    jan = next(line for line in lines if "2024-01-01" in line)
    assert "+10.00" in jan and "+1.50" in jan and "ordinary" in jan
    feb = next(line for line in lines if "2024-02-01" in line)
    assert "-10.00" in feb and f"{FEB:+.2f}" in feb and "discord" in feb
    # 1.5 -> (10.5 / 18) * 7 = 4.08 -> "▅"; -0.265 -> (8.735 / 18) * 7 = 3.40 -> "▄"
    assert "index -9..+9  ▅▄" in result.stdout


def test_cli_relations_json(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    result = runner.invoke(
        cli_app, ["relations", "CHN", "JPN", "--db", str(db), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [row["period"] for row in data["rows"]] == ["2024-01-01", "2024-02-01"]
    assert [row["index"] for row in data["rows"]] == [round(JAN, 4), round(FEB, 4)]
    assert [row["events"] for row in data["rows"]] == [1, 1]
    directed = runner.invoke(
        cli_app, ["relations", "CHN", "JPN", "--db", str(db), "-f", "json", "--directed"]
    )
    # CHN -> JPN only happened in January; the index is the same both ways.
    rows = json.loads(directed.stdout)["rows"]
    assert [(row["events"], row["index"]) for row in rows] == [
        (1, round(JAN, 4)),
        (0, round(FEB, 4)),
    ]


def test_cli_relations_window_and_freq(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    args = ["relations", "CHN", "JPN", "--db", str(db), "-f", "json"]
    result = runner.invoke(cli_app, [*args, "--since", "2024-02-01", "--freq", "quarter"])
    assert result.exit_code == 0, result.output
    # One quarter from Feb 1: the February event alone, January's still weighing in decayed
    # (the quarter ends Mar 31: ages 60 and 31 days).
    w_jan, w_feb = 2 ** (-60 / 90), 2 ** (-31 / 90)
    value = 0.9 * (10 * w_jan - 10 * w_feb) / (w_jan + w_feb + 5)
    assert json.loads(result.stdout)["rows"] == [
        {
            "period": "2024-01-01", "events": 1, "q1": 0, "q2": 0, "q3": 0, "q4": 1,
            "goldstein_mean": -10.0, "index": round(value, 4), "band": "discord",
        }
    ]  # fmt: skip


def test_cli_relations_plot(
    runner: CliRunner, cli_app: typer.Typer, db: Path, tmp_path: Path
) -> None:
    png = tmp_path / "index.png"
    result = runner.invoke(
        cli_app, ["relations", "CHN", "JPN", "--db", str(db), "--plot", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert f"wrote the index chart to {png}" in result.stderr


@pytest.mark.parametrize(
    "actors", [["China", "Japan"], ["chn", "japan"], ["People's Republic of China", "JPN"]]
)
def test_cli_relations_takes_names(
    runner: CliRunner, cli_app: typer.Typer, db: Path, actors: list[str]
) -> None:
    args = ["--db", str(db), "--format", "json"]
    by_code = runner.invoke(cli_app, ["relations", "CHN", "JPN", *args])
    by_name = runner.invoke(cli_app, ["relations", *actors, *args])
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.stdout)["a"] == "CHN"
    assert by_name.stdout == by_code.stdout


def test_cli_relations_igo(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    result = runner.invoke(cli_app, ["relations", "China", "UN", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["a"], data["b"]) == ("CHN", "IGO:UN")
    assert [row["events"] for row in data["rows"]] == [1]


def test_cli_relations_no_events(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    result = runner.invoke(cli_app, ["relations", "CHN", "USA", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "index -9..+9  (no asserted events)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["relations", "CHN", "CHN"], "two different actors, got CHN twice"),
        (
            ["relations", "CHN", "JPN", "--format", "xml"],
            "--format 'xml' is not one of table, json",
        ),
        (["relations", "CHN", "JPN", "--freq", "year"], "unknown frequency 'year'"),
        (["relations", "CHN", "JPN", "--since", "May"], "--since 'May' is not a date"),
        (["shifts", "--min-change", "0"], "min_change must be above 0"),
        (["shifts", "--format", "csv"], "--format 'csv' is not one of table, json"),
        (["graph", "--format", "png"], "give one with -o FILE.png"),
        (["graph", "--format", "dot"], "--format 'dot' is not one of json, graphml, png"),
    ],
)
def test_cli_relations_errors(
    runner: CliRunner, cli_app: typer.Typer, db: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli_app, [*args, "--db", str(db)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["CHN", "JAP"],
            "error: second actor 'JAP' is not a known actor code; did you mean JPN (Japan)?\n",
        ),
        (
            ["XYZ", "JPN"],
            "error: first actor 'XYZ' is not a known actor code; use an ISO alpha-3 code such as "
            "CHN, an organisation code such as IGO:UN, or a country name\n",
        ),
        (
            ["Korea", "JPN"],
            "error: first actor 'Korea' is not a known actor code; did you mean KOR (South Korea) "
            "or PRK (North Korea)?\n",
        ),
        (["China", "CHN"], "error: a dyad needs two different actors, got CHN twice\n"),
    ],
)
def test_cli_relations_unknown_actor_exits_2(
    runner: CliRunner, cli_app: typer.Typer, db: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli_app, ["relations", *args, "--db", str(db)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_cli_relations_missing_database(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli_app, ["relations", "CHN", "JPN", "--db", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 2
    assert "error:" in result.stderr


def test_cli_shifts(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    result = runner.invoke(cli_app, ["shifts", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    # CHN-JPN: January 1.5 ("ordinary") to February -0.265 ("discord"); CHN-IGO:UN has one month.
    assert json.loads(result.stdout) == [
        {
            "a": "CHN", "b": "JPN", "period": "2024-02-01", "before": round(JAN, 4),
            "after": round(FEB, 4), "change": round(FEB - JAN, 4), "band_before": "ordinary",
            "band_after": "discord", "drivers": [EVENTS[1].event_id],
        }
    ]  # fmt: skip
    table = runner.invoke(cli_app, ["shifts", "--db", str(db)])
    assert "CHN–JPN" in table.stdout and "ordinary → discord" in table.stdout
    driver = EVENTS[1]
    target = driver.target.country if driver.target else "-"
    assert f"{driver.source.country}→{target} {driver.cameo} {driver.trigger}" in table.stdout
    none = runner.invoke(
        cli_app, ["shifts", "--db", str(db), "--until", "2024-01-31", "-f", "json"]
    )
    assert json.loads(none.stdout) == []


def test_cli_graph_json_and_graphml(runner: CliRunner, cli_app: typer.Typer, db: Path) -> None:
    result = runner.invoke(cli_app, ["graph", "--db", str(db)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [node["id"] for node in data["nodes"]] == ["CHN", "IGO:UN", "JPN"]
    assert [(e["a"], e["b"], e["events"]) for e in data["edges"]] == [
        ("CHN", "JPN", 2),
        ("CHN", "IGO:UN", 1),
    ]
    graphml = runner.invoke(cli_app, ["graph", "--db", str(db), "--format", "graphml"])
    root = ET.fromstring(graphml.stdout)
    assert [n.get("id") for n in root.iter(f"{GRAPHML}node")] == ["CHN", "IGO:UN", "JPN"]
    assert {(e.get("source"), e.get("target")) for e in root.iter(f"{GRAPHML}edge")} == {
        ("CHN", "JPN"),
        ("CHN", "IGO:UN"),
    }


def test_cli_graph_files(runner: CliRunner, cli_app: typer.Typer, db: Path, tmp_path: Path) -> None:
    png, graphml = tmp_path / "graph.png", tmp_path / "graph.graphml"
    result = runner.invoke(cli_app, ["graph", "--db", str(db), "-f", "png", "-o", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert f"wrote the graph (3 nodes, 2 edges) to {png}" in result.stderr
    result = runner.invoke(
        cli_app,
        ["graph", "--db", str(db), "-f", "graphml", "-o", str(graphml), "--since", "2024-02-01"],
    )
    assert result.exit_code == 0, result.output
    root = ET.parse(graphml).getroot()
    # From February: the CHN-JPN event of January is out, the one of February is in.
    counts = {
        (e.get("source"), e.get("target")): e.findtext(f"{GRAPHML}data[@key='e_events']")
        for e in root.iter(f"{GRAPHML}edge")
    }
    assert counts == {("CHN", "JPN"): "1", ("CHN", "IGO:UN"): "1"}
    assert result.stdout == ""
