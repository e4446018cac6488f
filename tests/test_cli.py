"""Tests for the ``detente`` command line: the machine contract of ``code``, input errors,
``ingest``, ``events`` and ``export`` filters, ``demo``, a database held by another process,
and the two seed articles of ../shared.

Tests marked ``slow`` run the coder (spaCy); the rest build their databases by hand with
``Store.add_articles`` so their expected rows are exact and independent of the coder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from typer.testing import CliRunner, Result

from detente.ingest.ids import article_id_for
from detente.models import Actor, Article, Event, Sentence
from detente.store import EventFilter, Store
from detente.store.queries import EVENT_COLUMNS
from detente.text.normalize import normalize_text

WriteJsonl = Callable[..., Path]

EVENT_FIELDS = {
    "event_id",
    "doc_id",
    "article_id",
    "sentence_index",
    "sentence",
    "trigger",
    "source",
    "target",
    "cameo",
    "cameo_root",
    "plover",
    "quad_class",
    "goldstein",
    "mode",
    "date",
    "date_precision",
    "location",
    "attribution",
    "confidence",
    "coder",
}
ACTOR_FIELDS = {"text", "country", "sector", "name", "kb_id", "code"}


def _jsonl(result: Result) -> list[dict[str, Any]]:
    """Every stdout line parsed as JSON (fails on a line that is not)."""
    return [json.loads(line) for line in result.stdout.splitlines()]


def _dyads(events: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    return {
        (
            e["doc_id"],
            e["source"]["country"],
            e["target"]["country"] if e["target"] else "",
            e["cameo"],
        )
        for e in events
    }


# -- code: the machine contract --------------------------------------------------------------

CONTRACT_RECORDS = [
    {
        "id": "talks-1",
        "text": "Japan and South Korea held talks on Monday.",
        "date": "2024-03-04",
    },
    {
        "id": "expel-1",
        "text": "The ministry published a short statement in the morning.\n"
        "France expelled two Russian diplomats on Tuesday.",
        "date": "2024-03-05",
    },
    {
        "id": "quiet-1",
        "text": "The weather in the capital was mild and sunny all week.",
        "date": "2024-03-06",
    },
]


@pytest.mark.slow
def test_code_jsonl_machine_contract(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    docs = write_jsonl(tmp_path / "docs.jsonl", CONTRACT_RECORDS)
    result = runner.invoke(cli_app, ["code", "--input", str(docs), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    events = _jsonl(result)
    texts = {r["id"]: r["text"] for r in CONTRACT_RECORDS}
    for event in events:
        assert not EVENT_FIELDS - set(event), EVENT_FIELDS - set(event)
        assert set(event["trigger"]) == {"text", "start", "end"}
        assert set(event["source"]) == ACTOR_FIELDS
        assert set(event["target"]) == ACTOR_FIELDS
        assert event["doc_id"] == event["article_id"]
        assert event["doc_id"] in texts
        text = texts[event["doc_id"]]
        trigger = event["trigger"]
        # Offsets point into the article text (no boilerplate here, so it is the input text).
        assert text[trigger["start"] : trigger["end"]] == trigger["text"]
        sentence_start = text.index(event["sentence"])
        assert sentence_start <= trigger["start"]
        assert trigger["end"] <= sentence_start + len(event["sentence"])
        assert event["cameo_root"] == event["cameo"][:2]
        assert event["coder"] == "rules.v1"
        assert 0.0 <= event["confidence"] <= 1.0
    assert _dyads(events) == {
        ("talks-1", "JPN", "KOR", "046"),
        ("talks-1", "KOR", "JPN", "046"),
        ("expel-1", "FRA", "RUS", "161"),
    }
    assert len(events) == 3
    by_doc = {e["doc_id"]: e for e in events}
    expel = by_doc["expel-1"]
    assert expel["sentence_index"] == 1
    assert expel["trigger"] == {"text": "expelled", "start": 64, "end": 72}
    assert expel["mode"] == "asserted"
    assert expel["date"] == "2024-03-05"
    assert by_doc["talks-1"]["date"] == "2024-03-04"
    assert by_doc["talks-1"]["plover"] == "CONSULT"


@pytest.mark.slow
def test_code_text_file_takes_date_and_content_hash_id(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path
) -> None:
    text = "Germany condemned North Korea over its missile test.\nThe statement was brief.\n"
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(
        cli_app, ["code", str(path), "--date", "2024-02-05", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    events = _jsonl(result)
    doc_id = article_id_for(text)
    assert _dyads(events) == {(doc_id, "DEU", "PRK", "111")}
    assert [e["date"] for e in events] == ["2024-02-05"]
    assert [e["trigger"] for e in events] == [{"text": "condemned", "start": 8, "end": 17}]


@pytest.mark.slow
def test_code_stdin(runner: CliRunner, cli_app: typer.Typer) -> None:
    text = "Canada imposed sanctions on Iran."
    result = runner.invoke(cli_app, ["code", "-", "--date", "2024-02-05"], input=text)
    assert result.exit_code == 0, result.output
    events = _jsonl(result)  # jsonl is the default format
    doc_id = article_id_for(text)
    assert doc_id == article_id_for(text + "\n")  # the id ignores surrounding whitespace
    assert _dyads(events) == {(doc_id, "CAN", "IRN", "163")}
    assert [(e["date"], e["mode"]) for e in events] == [("2024-02-05", "asserted")]


@pytest.mark.slow
def test_code_csv_format_header(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(
        cli_app, ["code", "-", "--format", "csv"], input="Canada imposed sanctions on Iran."
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert [(r["source_country"], r["target_country"], r["cameo"]) for r in rows] == [
        ("CAN", "IRN", "163")
    ]


@pytest.mark.slow
def test_code_table_format(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(
        cli_app, ["code", "-", "--format", "table"], input="Canada imposed sanctions on Iran."
    )
    assert result.exit_code == 0, result.output
    assert "Events" in result.stdout
    assert "CAN (Canada)" in result.stdout
    assert "IRN (Iran)" in result.stdout
    assert "163 Impose embargo, boycott, or sanctions" in result.stdout


# -- code: bad input -------------------------------------------------------------------------


@pytest.fixture
def bad_jsonl(tmp_path: Path, write_jsonl: WriteJsonl) -> Path:
    return write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"id": "good-1", "text": "Canada imposed sanctions on Iran.", "date": "2024-04-02"},
            '{"id": "broken-2", "text": ',
            {"id": "empty-3", "title": "a record without any text"},
        ],
    )


@pytest.mark.slow
def test_code_skips_bad_records_and_codes_the_rest(
    runner: CliRunner, cli_app: typer.Typer, bad_jsonl: Path
) -> None:
    result = runner.invoke(cli_app, ["code", "--input", str(bad_jsonl)])
    assert result.exit_code == 0, result.output
    assert _dyads(_jsonl(result)) == {("good-1", "CAN", "IRN", "163")}
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"skipped {bad_jsonl}:2: line 2 is not valid JSON")
    assert lines[1].startswith(f'skipped {bad_jsonl}:3: the record has no "text" field')
    assert f"{bad_jsonl}:1" not in result.stderr


@pytest.mark.slow
def test_code_strict_exits_1_on_skipped_records(
    runner: CliRunner, cli_app: typer.Typer, bad_jsonl: Path
) -> None:
    result = runner.invoke(cli_app, ["code", "--strict", "--input", str(bad_jsonl)])
    assert result.exit_code == 1
    # The good record is still coded before the exit status reports the skips.
    assert _dyads(_jsonl(result)) == {("good-1", "CAN", "IRN", "163")}
    assert f"{bad_jsonl}:2" in result.stderr
    assert f"{bad_jsonl}:3" in result.stderr


@pytest.mark.parametrize("strict", [False, True])
def test_code_missing_path_exits_2(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, strict: bool
) -> None:
    missing = tmp_path / "no-such-file.txt"
    args = ["code", str(missing), *(["--strict"] if strict else [])]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {missing}: no such file or directory; check the path\n"


def test_code_unknown_format_exits_2(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Canada imposed sanctions on Iran.", encoding="utf-8")
    result = runner.invoke(cli_app, ["code", str(path), "--format", "xml"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: --format 'xml' is not one of jsonl, csv, table\n"


def test_code_without_inputs_exits_2(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["code"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: nothing to code: give FILE..., --input docs.jsonl, or - for stdin\n"
    )


def test_code_bad_date_exits_2(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["code", "-", "--date", "05/02/2024"], input="text")
    assert result.exit_code == 2
    assert result.stderr == "error: --date '05/02/2024' is not a date; use YYYY-MM-DD\n"


# -- ingest ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ingest_twice_adds_nothing_the_second_time(
    runner: CliRunner, cli_app: typer.Typer, tmp_path: Path, tmp_db: Path, write_jsonl: WriteJsonl
) -> None:
    docs = write_jsonl(tmp_path / "docs.jsonl", CONTRACT_RECORDS)
    first = runner.invoke(cli_app, ["ingest", str(docs), "--db", str(tmp_db)])
    assert first.exit_code == 0, first.output
    assert first.stderr == f"3 articles added, 0 already stored, 3 events; database {tmp_db}\n"
    with Store(tmp_db, read_only=True) as store:
        assert store.count("articles") == 3
        assert store.count("events") == 3
        assert {(e.article_id, e.source.country, e.cameo) for e in store.events()} == {
            ("talks-1", "JPN", "046"),
            ("talks-1", "KOR", "046"),
            ("expel-1", "FRA", "161"),
        }

    second = runner.invoke(cli_app, ["ingest", str(docs), "--db", str(tmp_db)])
    assert second.exit_code == 0, second.output
    assert second.stderr == f"0 articles added, 3 already stored, 0 events; database {tmp_db}\n"
    with Store(tmp_db, read_only=True) as store:
        assert store.count("articles") == 3
        assert store.count("events") == 3


def test_ingest_needs_a_path(runner: CliRunner, cli_app: typer.Typer, tmp_db: Path) -> None:
    result = runner.invoke(cli_app, ["ingest", "--db", str(tmp_db)])
    assert result.exit_code == 2
    assert "Missing argument 'paths'" in result.stderr
    assert not tmp_db.exists()


# -- events and export over a hand-built database --------------------------------------------

USA = Actor("Washington", "USA", "GOV", "United States", "country:USA")
CHN = Actor("Beijing", "CHN", "GOV", "China", "country:CHN")
RUS = Actor("Moscow", "RUS", "GOV", "Russia", "country:RUS")
UKR = Actor("Kyiv", "UKR", "GOV", "Ukraine", "country:UKR")
JPN = Actor("Tokyo", "JPN", "GOV", "Japan", "country:JPN")


def _ev(
    article: str,
    sent: int,
    trigger: str,
    source: Actor,
    target: Actor,
    cameo: str,
    plover: str,
    quad: int,
    goldstein: float,
    mode: str,
    day: dt.date,
) -> Event:
    sentence = f"{source.text} {trigger} {target.text}."
    start = len(source.text) + 1
    return Event(
        article_id=article,
        sentence_index=sent,
        sentence=sentence,
        trigger=trigger,
        trigger_start=start,
        trigger_end=start + len(trigger),
        source=source,
        target=target,
        cameo=cameo,
        cameo_root=cameo[:2],
        plover=plover,
        quad_class=quad,
        goldstein=goldstein,
        mode=mode,
        date=day,
        date_precision="day",
        confidence=0.8,
    )


D = dt.date
# Triggers name the events so each filter's expected subset is readable.
EVENTS_A = (
    _ev("art-a", 0, "visited", USA, CHN, "042", "CONSULT", 1, 1.9, "asserted", D(2024, 1, 10)),
    _ev("art-a", 1, "accused", CHN, USA, "112", "ACCUSE", 3, -2.0, "asserted", D(2024, 1, 11)),
)
EVENTS_B = (
    _ev("art-b", 0, "shelled", RUS, UKR, "190", "ASSAULT", 4, -10.0, "asserted", D(2024, 2, 15)),
    _ev("art-b", 1, "will aid", USA, UKR, "070", "AID", 2, 7.0, "future", D(2024, 2, 20)),
    _ev("art-b", 2, "may meet", CHN, JPN, "046", "CONSULT", 1, 7.0, "hypothetical", D(2024, 2, 16)),
)


def _article(article_id: str, day: dt.date, events: tuple[Event, ...]) -> Article:
    text = " ".join(e.sentence for e in events)
    sents = []
    start = 0
    for e in events:
        sents.append(Sentence(e.sentence_index, start, start + len(e.sentence), e.sentence))
        start += len(e.sentence) + 1
    return Article(id=article_id, text=text, date=day, sents=tuple(sents), events=events)


@pytest.fixture
def events_db(tmp_db: Path) -> Path:
    with Store(tmp_db) as store:
        added = store.add_articles(
            [
                _article("art-a", D(2024, 1, 10), EVENTS_A),
                _article("art-b", D(2024, 2, 15), EVENTS_B),
            ]
        )
    assert (added.articles_added, added.events_added) == (2, 5)
    return tmp_db


def _triggers(result: Result) -> list[str]:
    return [e["trigger"]["text"] for e in _jsonl(result)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["visited", "accused", "shelled", "may meet", "will aid"]),
        (["--country", "USA"], ["visited", "accused", "will aid"]),
        (["--country", "ukr"], ["shelled", "will aid"]),
        (["--cameo", "04"], ["visited", "may meet"]),
        (["--cameo", "112"], ["accused"]),
        (["--mode", "asserted"], ["visited", "accused", "shelled"]),
        (["--mode", "FUTURE"], ["will aid"]),
        (["--dyad", "USA-CHN"], ["visited"]),
        (["--dyad", "chn-usa"], ["accused"]),
        (["--dyad", "USA-CHN", "--undirected"], ["visited", "accused"]),
        (["--plover", "consult"], ["visited", "may meet"]),
        (["--since", "2024-02-16"], ["may meet", "will aid"]),
        (["--until", "2024-01-31"], ["visited", "accused"]),
        (["--country", "CHN", "--mode", "asserted"], ["visited", "accused"]),
        (["--limit", "2"], ["visited", "accused"]),
        (["--country", "FRA"], []),
        (["--country", "China"], ["visited", "accused", "may meet"]),
        (["--country", "japan"], ["may meet"]),
        (["--country", "south korea"], []),
        (["--country", "IGO:NATO"], []),
        (["--dyad", "United States-China"], ["visited"]),
        (["--dyad", "russia,UKR"], ["shelled"]),
        (["--dyad", "CHN:JPN"], ["may meet"]),
    ],
)
def test_events_filters(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, args: list[str], expected: list[str]
) -> None:
    result = runner.invoke(cli_app, ["events", "--db", str(events_db), "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    assert _triggers(result) == expected
    assert result.stderr == ""


def test_events_jsonl_round_trips_the_stored_events(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path
) -> None:
    result = runner.invoke(cli_app, ["events", "--db", str(events_db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    by_id = {e.event_id: e for e in (*EVENTS_A, *EVENTS_B)}
    records = _jsonl(result)
    assert len(records) == 5
    for record in records:
        assert Event.from_dict(record) == by_id[record["event_id"]]


def test_events_csv_header_and_rows(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path
) -> None:
    result = runner.invoke(
        cli_app, ["events", "--db", str(events_db), "--format", "csv", "--mode", "asserted"]
    )
    assert result.exit_code == 0, result.output
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader)
    assert header[:4] == ["event_id", "article_id", "sentence_index", "sentence"]
    assert header == list(EVENT_COLUMNS)
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    assert [(r["source_country"], r["target_country"], r["cameo"]) for r in rows] == [
        ("USA", "CHN", "042"),
        ("CHN", "USA", "112"),
        ("RUS", "UKR", "190"),
    ]


def test_events_table_format(runner: CliRunner, cli_app: typer.Typer, events_db: Path) -> None:
    result = runner.invoke(cli_app, ["events", "--db", str(events_db), "--dyad", "RUS-UKR"])
    assert result.exit_code == 0, result.output
    assert "1 events" in result.stdout
    assert "RUS GOV (Russia)" in result.stdout
    assert "UKR GOV (Ukraine)" in result.stdout
    assert "190" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--mode", "maybe"],
            "error: unknown mode 'maybe'; allowed: asserted, future, hypothetical, negated, "
            "prescriptive\n",
        ),
        (["--since", "notadate"], "error: --since 'notadate' is not a date; use YYYY-MM-DD\n"),
        (["--until", "2024-13-01"], "error: --until '2024-13-01' is not a date; use YYYY-MM-DD\n"),
        (
            ["--dyad", "USA"],
            "error: --dyad 'USA' should name two actors, e.g. --dyad CHN-JPN\n",
        ),
        (
            ["--cameo", "4"],
            "error: cameo filter '4' is not a CAMEO code prefix; use 2 to 4 digits, e.g. '04' "
            "(a root) or '042' (a code and its children)\n",
        ),
        (
            ["--since", "2024-03-01", "--until", "2024-02-01"],
            "error: since (2024-03-01) is after until (2024-02-01); nothing can match\n",
        ),
        (["--format", "xml"], "error: --format 'xml' is not one of table, jsonl, csv\n"),
        (
            ["--country", "JAP"],
            "error: --country 'JAP' is not a known actor code; did you mean JPN (Japan)?\n",
        ),
        (
            ["--country", "XYZ"],
            "error: --country 'XYZ' is not a known actor code; use an ISO alpha-3 code such as "
            "CHN, an organisation code such as IGO:UN, or a country name\n",
        ),
        (
            ["--country", "Chna"],
            "error: --country 'Chna' is not a known actor code; did you mean CHN (China)?\n",
        ),
        (
            ["--dyad", "CHN-JAP"],
            "error: --dyad 'CHN-JAP': 'JAP' is not a known actor code; did you mean JPN (Japan)?\n",
        ),
        (
            ["--dyad", "Chna-JPN"],
            "error: --dyad 'Chna-JPN': 'Chna' is not a known actor code; did you mean CHN "
            "(China)?\n",
        ),
        (
            ["--dyad", "CHN-JPN-USA"],
            "error: --dyad 'CHN-JPN-USA' should name two actors, e.g. --dyad CHN-JPN\n",
        ),
    ],
)
def test_events_bad_options_exit_2(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli_app, ["events", "--db", str(events_db), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_events_missing_database_exits_2(
    runner: CliRunner, cli_app: typer.Typer, tmp_db: Path
) -> None:
    result = runner.invoke(cli_app, ["events", "--db", str(tmp_db)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot open database {tmp_db}:")
    assert "does not exist" in result.stderr
    assert not tmp_db.exists()  # reading never creates the file


def test_events_db_from_environment(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path
) -> None:
    result = runner.invoke(
        cli_app, ["events", "--format", "jsonl"], env={"DETENTE_DB": str(events_db)}
    )
    assert result.exit_code == 0, result.output
    assert len(_jsonl(result)) == 5


def test_export_parquet(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.parquet"
    result = runner.invoke(
        cli_app, ["export", "--db", str(events_db), "--format", "parquet", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == f"exported 5 events to {out}\n"
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT cameo FROM read_parquet(?) ORDER BY date, sentence_index", [str(out)]
        ).fetchall()
        columns = [
            d[0] for d in con.execute("SELECT * FROM read_parquet(?)", [str(out)]).description
        ]
    assert [r[0] for r in rows] == ["042", "112", "190", "046", "070"]
    assert columns == list(EVENT_COLUMNS)


def test_export_parquet_filtered(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "asserted.parquet"
    result = runner.invoke(
        cli_app,
        ["export", "--db", str(events_db), "-f", "parquet", "-o", str(out), "--mode", "asserted"],
    )
    assert result.exit_code == 0, result.output
    with duckdb.connect() as con:
        row = con.execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchone()
    assert row == (3,)


def test_export_csv_to_stdout(runner: CliRunner, cli_app: typer.Typer, events_db: Path) -> None:
    result = runner.invoke(
        cli_app, ["export", "--db", str(events_db), "--format", "csv", "--country", "UKR"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert [(r["trigger"], r["date"], r["goldstein"]) for r in rows] == [
        ("shelled", "2024-02-15", "-10.0"),
        ("will aid", "2024-02-20", "7.0"),
    ]
    assert result.stderr == "exported 2 events\n"


def test_export_csv_with_no_match_still_has_header(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path
) -> None:
    result = runner.invoke(
        cli_app, ["export", "--db", str(events_db), "--format", "csv", "--country", "FRA"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ",".join(EVENT_COLUMNS) + "\n"
    assert result.stderr == "exported 0 events\n"


def test_export_jsonl_to_file(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "events.jsonl"
    result = runner.invoke(
        cli_app, ["export", "--db", str(events_db), "--format", "jsonl", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["trigger"]["text"] for line in lines] == [
        "visited",
        "accused",
        "shelled",
        "may meet",
        "will aid",
    ]


def test_export_parquet_needs_output_file(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path
) -> None:
    result = runner.invoke(cli_app, ["export", "--db", str(events_db), "--format", "parquet"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: parquet is a binary file format and cannot be written to a stream or stdout; "
        "give an output file path, or use jsonl or csv for stdout\n"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--limit", "2"], ["visited", "accused"]),
        (["--limit", "0"], []),
        (["--limit", "2", "--country", "UKR"], ["shelled", "will aid"]),
        (["--limit", "10"], ["visited", "accused", "shelled", "may meet", "will aid"]),
    ],
)
def test_export_limit(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, args: list[str], expected: list[str]
) -> None:
    result = runner.invoke(cli_app, ["export", "--db", str(events_db), "-f", "jsonl", *args])
    assert result.exit_code == 0, result.output
    assert _triggers(result) == expected
    assert result.stderr == f"exported {len(expected)} events\n"


def test_export_parquet_limit(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "two.parquet"
    args = ["export", "--db", str(events_db), "-f", "parquet", "-o", str(out), "--limit", "2"]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"exported 2 events to {out}\n"
    with duckdb.connect() as con:
        rows = con.execute("SELECT trigger FROM read_parquet(?)", [str(out)]).fetchall()
    assert sorted(r[0] for r in rows) == ["accused", "visited"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--country", "JAP"],
            "error: --country 'JAP' is not a known actor code; did you mean JPN (Japan)?\n",
        ),
        (
            ["--dyad", "USA-Chinaa"],
            "error: --dyad 'USA-Chinaa': 'Chinaa' is not a known actor code; did you mean CHN "
            "(China)?\n",
        ),
        (["--limit", "-1"], "error: limit must be 0 or more, got -1\n"),
    ],
)
def test_export_bad_options_exit_2(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli_app, ["export", "--db", str(events_db), "-f", "csv", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_export_unknown_format_exits_2(
    runner: CliRunner, cli_app: typer.Typer, events_db: Path
) -> None:
    result = runner.invoke(cli_app, ["export", "--db", str(events_db), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stderr == "error: --format 'xlsx' is not one of jsonl, csv, parquet\n"


# -- demo ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_codes_the_samples_once(runner: CliRunner, cli_app: typer.Typer, tmp_db: Path) -> None:
    first = runner.invoke(cli_app, ["demo", "--db", str(tmp_db)])
    assert first.exit_code == 0, first.output
    with Store(tmp_db, read_only=True) as store:
        assert store.count("articles") == 16
        total = store.count("events")
        shown = len(store.events(EventFilter(mode="asserted", limit=40)))
    assert total > 0
    assert first.stderr == (
        f"16 sample articles: 16 added, 0 already in {tmp_db}; {total} events stored\n"
    )
    assert f"First {shown} asserted events" in first.stdout
    assert "Dyads (top 20 by events)" in first.stdout

    second = runner.invoke(cli_app, ["demo", "--db", str(tmp_db)])
    assert second.exit_code == 0, second.output
    assert second.stderr == (
        f"16 sample articles: 0 added, 16 already in {tmp_db}; {total} events stored\n"
    )
    with Store(tmp_db, read_only=True) as store:
        assert store.count("articles") == 16
        assert store.count("events") == total


# -- a database held by another process ------------------------------------------------------

_HOLDER = textwrap.dedent(
    """
    import sys, time
    from detente.store import Store
    store = Store(sys.argv[1])
    print("holding", flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("command", [["events"], ["export", "--format", "jsonl"]])
def test_database_held_by_another_process_exits_2(
    runner: CliRunner, cli_app: typer.Typer, tmp_db: Path, command: list[str]
) -> None:
    tmp_db.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "holding"
        result = runner.invoke(cli_app, [*command, "--db", str(tmp_db)])
        assert result.exit_code == 2
        assert result.stdout == ""
        message = result.stderr
        assert message.startswith(f"error: another detente process (pid {proc.pid}) holds ")
        assert f"holds {tmp_db};" in message
        assert "--db" in message
        assert message.count("\n") == 1  # one line, not a traceback
    finally:
        proc.kill()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


# -- the seed articles of ../shared ----------------------------------------------------------

SEED_CHINA_US_JAPAN = "seeds/000_8fd9632fd7463a7d.txt"
SEED_VIETNAM_JAPAN = "seeds/001_e6466d13d0322759.txt"


def _code_seed(
    runner: CliRunner, cli_app: typer.Typer, path: Path, date: str
) -> list[dict[str, Any]]:
    result = runner.invoke(cli_app, ["code", "--format", "jsonl", "--date", date, str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    events = _jsonl(result)
    assert {e["doc_id"] for e in events} == {article_id_for(path.read_text(encoding="utf-8"))}
    return events


@pytest.mark.slow
@pytest.mark.shared
def test_seed_china_us_japan(runner: CliRunner, cli_app: typer.Typer, shared_dir: Path) -> None:
    events = _code_seed(runner, cli_app, shared_dir / SEED_CHINA_US_JAPAN, "2024-02-05")
    found = {
        (e["source"]["country"], e["target"]["country"], e["cameo"], e["mode"])
        for e in events
        if e["target"] is not None
    }
    # Wang Yi and Sullivan's talks in Thailand: a meeting at a third location, both ways.
    assert {("CHN", "USA", "044", "asserted"), ("USA", "CHN", "044", "asserted")} <= found
    # Japan sending a delegation to China is a visit.
    assert ("JPN", "CHN", "042", "asserted") in found
    # "has so far not lifted its ban" is no concession.
    lifted = {(e["cameo"], e["mode"]) for e in events if e["trigger"]["text"] == "lifted"}
    assert lifted == {("085", "negated")}
    # A "possible visit" and Biden's "willingness to visit" never happened.
    assert not [e for e in events if e["trigger"]["text"] == "visit" and e["mode"] == "asserted"]
    for event in events:
        if event["mode"] == "asserted":
            assert " should " not in event["sentence"], event["sentence"]
            assert " must " not in event["sentence"], event["sentence"]


@pytest.mark.slow
@pytest.mark.shared
def test_seed_seafood_ban_is_163(runner: CliRunner, cli_app: typer.Typer, shared_dir: Path) -> None:
    events = _code_seed(runner, cli_app, shared_dir / SEED_CHINA_US_JAPAN, "2024-02-05")
    ban = [
        (e["source"]["country"], e["target"]["country"], e["trigger"]["text"], e["mode"])
        for e in events
        if e["cameo"] == "163" and "seafood" in e["sentence"]
    ]
    assert ban == [("CHN", "JPN", "banned", "asserted")]


@pytest.mark.slow
@pytest.mark.shared
def test_seed_vietnam_japan(runner: CliRunner, cli_app: typer.Typer, shared_dir: Path) -> None:
    events = _code_seed(runner, cli_app, shared_dir / SEED_VIETNAM_JAPAN, "2023-12-18")
    found = {
        (e["source"]["country"], (e["target"] or {}).get("country"), e["cameo"], e["mode"])
        for e in events
    }
    assert ("VNM", "JPN", "042", "asserted") in found
    assert ("JPN", "VNM", "043", "asserted") in found
    # "Vietnam and Japan will deepen close cooperation": planned, both ways.
    assert {("VNM", "JPN", "030", "future"), ("JPN", "VNM", "030", "future")} <= found


@pytest.mark.slow
@pytest.mark.shared
def test_seed_boilerplate_is_removed(
    runner: CliRunner, cli_app: typer.Typer, shared_dir: Path
) -> None:
    path = shared_dir / SEED_CHINA_US_JAPAN
    raw = path.read_text(encoding="utf-8")
    assert "Follow me" in raw and "**" in raw  # the seed still has what this test is about
    text, removed = normalize_text(raw)
    assert "**" not in text
    assert "Follow me" not in text
    assert len(removed) == 2
    assert all("Follow me" in line for line in removed)
    events = _code_seed(runner, cli_app, path, "2024-02-05")
    assert events
    for event in events:
        assert "Follow me" not in event["sentence"]
        assert "**" not in event["sentence"]
        # Offsets are into the normalised text the coder saw, not the raw file.
        trigger = event["trigger"]
        assert text[trigger["start"] : trigger["end"]] == trigger["text"]
        assert event["sentence"] in text
