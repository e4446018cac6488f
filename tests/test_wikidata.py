"""Tests for the Wikidata import (detente.actors.wikidata), the user KB overlay
(detente.actors.overlay) and ``detente kb``.

The sample dumps are written here.  Their people are fictional, with made-up item ids from
Q900000001 on; they hold real position items of the packaged table (Q274948 Prime Minister of
Japan, Q14211 Prime Minister of the United Kingdom, Q11696 President of the United States,
Q218295 President of Russia).  Every test points ``DETENTE_HOME`` at its tmp folder and
clears the KB caches before and after.
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from detente.actors.kb import DATA_DIR, Person, Role, clear_kb_cache, load_kb
from detente.actors.overlay import (
    apply_overlay,
    overlay_path,
    read_overlay,
    user_kb_dir,
    write_overlay,
)
from detente.actors.wikidata import (
    ImportStats,
    PositionTable,
    import_dump,
    load_positions,
    wikidata_date,
)
from detente.errors import DataError, InputError

PM_JAPAN, PM_UK, POTUS, PRESIDENT_RUSSIA = "Q274948", "Q14211", "Q11696", "Q218295"


# --- Building sample dumps -----------------------------------------------------------------------


def _time(value: str, precision: int = 11) -> dict[str, Any]:
    return {
        "snaktype": "value",
        "property": "P580",
        "datavalue": {
            "type": "time",
            "value": {
                "time": value,
                "timezone": 0,
                "before": 0,
                "after": 0,
                "precision": precision,
                "calendarmodel": "http://www.wikidata.org/entity/Q1985727",
            },
        },
    }


def _item_snak(prop: str, qid: str) -> dict[str, Any]:
    value = {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid}
    return {
        "snaktype": "value",
        "property": prop,
        "datavalue": {"type": "wikibase-entityid", "value": value},
    }


def p39(
    position: str,
    start: tuple[str, int] | None = None,
    end: tuple[str, int] | None = None,
    *,
    rank: str = "normal",
    qualifiers: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A "position held" statement; ``start``/``end`` are (Wikidata time, precision)."""
    quals = dict(qualifiers or {})
    if start is not None:
        quals["P580"] = [_time(*start)]
    if end is not None:
        quals["P582"] = [_time(*end)]
    return {"mainsnak": _item_snak("P39", position), "type": "statement", "rank": rank,
            "qualifiers": quals}  # fmt: skip


def item(
    qid: str,
    label: str | None,
    statements: Sequence[dict[str, Any]] = (),
    *,
    aliases: Sequence[str] = (),
) -> dict[str, Any]:
    labels = {"en": {"language": "en", "value": label}} if label else {}
    labels["fr"] = {"language": "fr", "value": f"{label or qid} (fr)"}
    entity: dict[str, Any] = {"type": "item", "id": qid, "labels": labels}
    entity["aliases"] = {"en": [{"language": "en", "value": a} for a in aliases]}
    if statements:
        entity["claims"] = {"P39": list(statements)}
    return entity


ALMA = item(
    "Q900000001",
    "Alma Testova",
    [p39(PM_JAPAN, ("+2021-10-04T00:00:00Z", 11), ("+2023-03-15T00:00:00Z", 11))],
    aliases=["Alma T. Testova", "A"],
)
BRUNO = item(
    "Q900000002",
    "Bruno de Fictus",
    [
        p39(PM_UK, ("+2019-07-00T00:00:00Z", 10), ("+2022-00-00T00:00:00Z", 9)),
        p39(POTUS, ("+2030-01-20T00:00:00Z", 11), rank="deprecated"),
    ],
)
NO_LABEL = item("Q900000003", None, [p39(POTUS, ("+2021-01-20T00:00:00Z", 11))])
UNKNOWN_POSITION = item(
    "Q900000004", "Carla Nobody", [p39("Q900000099", ("+2020-01-01T00:00:00Z", 11))]
)
NO_START = item("Q900000005", "Dmitri Nostart", [p39(PRESIDENT_RUSSIA)])
PROPERTY = {"type": "property", "id": "P39", "labels": {"en": {"value": "position held"}}}
NO_CLAIMS = item("Q900000007", "Erin Plain")
BROKEN = '{"type": "item", "id": "Q900000008", "claims": {"P39": [oops]}}'
TRUNCATED = '{"type": "item", "id": "Q900000009", "labels": {"en": {"val'

SAMPLE: list[dict[str, Any] | str] = [
    ALMA, BRUNO, NO_LABEL, UNKNOWN_POSITION, BROKEN, NO_START, PROPERTY, NO_CLAIMS, TRUNCATED
]  # fmt: skip


def write_dump(path: Path, records: Sequence[dict[str, Any] | str], *, jsonl: bool = False) -> Path:
    """The official array layout (or JSON Lines), gzip or bzip2 by the file's suffix."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    text = "".join(f"{line}\n" for line in lines) if jsonl else "[\n" + ",\n".join(lines) + "\n]\n"
    data = text.encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data)
    elif path.suffix == ".bz2":
        data = bz2.compress(data)
    path.write_bytes(data)
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty ``DETENTE_HOME`` and cold KB caches."""
    folder = tmp_path / "detente-home"
    monkeypatch.setenv("DETENTE_HOME", str(folder))
    clear_kb_cache()
    yield folder
    clear_kb_cache()


@pytest.fixture(scope="module")
def table() -> PositionTable:
    return load_positions()


def _import(path: Path, table: PositionTable, **kwargs: Any) -> tuple[list[Person], ImportStats]:
    stats = ImportStats()
    return list(import_dump(path, table, stats=stats, **kwargs)), stats


# --- Dates ---------------------------------------------------------------------------------------


def test_wikidata_dates_by_precision() -> None:
    def day(time: str, precision: int, **extra: str) -> tuple[dt.date, bool] | None:
        return wikidata_date({"time": time, "precision": precision, **extra})

    assert day("+2021-10-04T00:00:00Z", 11) == (dt.date(2021, 10, 4), False)
    assert day("+2021-10-00T00:00:00Z", 10) == (dt.date(2021, 10, 1), True)
    assert day("+2021-10-04T00:00:00Z", 10) == (dt.date(2021, 10, 1), True)
    assert day("+2021-00-00T00:00:00Z", 9) == (dt.date(2021, 1, 1), True)
    assert day("+2021-06-30T00:00:00Z", 9) == (dt.date(2021, 1, 1), True)
    assert day("+2021-10-04T12:00:00Z", 14) == (dt.date(2021, 10, 4), False)
    julian = "http://www.wikidata.org/entity/Q1985786"
    assert day("+1700-02-11T00:00:00Z", 11, calendarmodel=julian) == (dt.date(1700, 2, 11), True)
    assert day("+2001-00-00T00:00:00Z", 8) is None  # decade
    assert day("-0044-03-15T00:00:00Z", 11) is None
    assert day("+2021-02-30T00:00:00Z", 11) is None
    assert day("2021-10-04", 11) is None
    assert wikidata_date("+2021-10-04T00:00:00Z") is None


# --- Reading dumps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "jsonl"),
    [("dump.json", False), ("dump.json.gz", False), ("dump.json.bz2", False),
     ("dump.jsonl", True), ("dump.jsonl.gz", True)],
)  # fmt: skip
def test_import_formats_give_the_same_people(
    tmp_path: Path, table: PositionTable, name: str, jsonl: bool
) -> None:
    people, stats = _import(write_dump(tmp_path / name, SAMPLE, jsonl=jsonl), table)

    assert [p.id for p in people] == ["wd-q900000001", "wd-q900000002"]
    assert (stats.entities, stats.people, stats.roles) == (7, 2, 2)
    assert (stats.skipped_no_position, stats.skipped_no_label, stats.skipped_no_role) == (3, 1, 1)
    assert stats.malformed == 2
    # In the array layout line 1 is "[", so the fifth record is on line 6.
    first = 5 if jsonl else 6
    (n1, why1), (n2, why2) = stats.malformed_lines
    assert (n1, n2) == (first, first + 4)
    assert why1.startswith("not valid JSON") and why2 == "not a JSON object on one line"


def test_imported_people_and_roles(tmp_path: Path, table: PositionTable) -> None:
    people, _ = _import(write_dump(tmp_path / "dump.json", SAMPLE), table)
    alma, bruno = people

    assert alma.name == "Alma Testova" and alma.qid == "Q900000001"
    assert alma.variants == ("Alma Testova", "Alma T. Testova")  # one-letter alias dropped
    (role,) = alma.roles
    assert (role.role, role.country, role.sector) == ("prime minister", "JPN", "GOV")
    assert (role.start, role.end, role.approx) == (
        dt.date(2021, 10, 4),
        dt.date(2023, 3, 15),
        False,
    )
    # Month and year precision: the first day, approximate.  The deprecated statement is ignored.
    (role,) = bruno.roles
    assert (role.country, role.start, role.end) == ("GBR", dt.date(2019, 7, 1), dt.date(2022, 1, 1))
    assert role.approx


def test_surnames_flag(tmp_path: Path, table: PositionTable) -> None:
    dump = write_dump(tmp_path / "dump.json", [ALMA, BRUNO])
    people, _ = _import(dump, table, surnames=True)
    assert people[0].variants[-1] == "Testova"
    assert people[1].variants[-1] == "Fictus"
    plain, _ = _import(dump, table)
    assert "Testova" not in plain[0].variants


def test_statement_edge_cases(tmp_path: Path, table: PositionTable) -> None:
    unknown_end = {"P582": [{"snaktype": "somevalue", "property": "P582"}]}
    no_end = {"P582": [{"snaktype": "novalue", "property": "P582"}]}
    records = [
        # Ended on a day Wikidata does not know: no safe end, so no role.
        item(
            "Q900000011",
            "Fay Unknown",
            [p39(POTUS, ("+2021-01-20T00:00:00Z", 11), qualifiers=unknown_end)],
        ),
        # "no value" for the end: still in office.
        item(
            "Q900000012",
            "Gil Current",
            [p39(POTUS, ("+2021-01-20T00:00:00Z", 11), qualifiers=no_end)],
        ),
        # A year-precision end in the start's year is clamped to the start.
        item(
            "Q900000013",
            "Hal Brief",
            [p39(PM_UK, ("+2022-09-06T00:00:00Z", 11), ("+2022-00-00T00:00:00Z", 9))],
        ),
        # Exact dates the wrong way round: no role.
        item(
            "Q900000014",
            "Ivy Backwards",
            [p39(PM_UK, ("+2022-09-06T00:00:00Z", 11), ("+2021-01-01T00:00:00Z", 11))],
        ),
    ]
    people, stats = _import(write_dump(tmp_path / "edge.json", records), table)

    assert [p.name for p in people] == ["Gil Current", "Hal Brief"]
    assert people[0].roles[0].end is None
    assert people[1].roles[0].start == people[1].roles[0].end == dt.date(2022, 9, 6)
    assert stats.skipped_no_role == 2


def test_generic_position_takes_its_country_from_a_p17_qualifier(tmp_path: Path) -> None:
    positions = tmp_path / "positions.yaml"
    positions.write_text(
        "source: test\n"
        "positions:\n"
        "  - {qid: Q900000090, role: ambassador, sector: GOV, source: test}\n"
        "countries:\n"
        "  - {qid: Q17, country: JPN}\n",
        encoding="utf-8",
    )
    in_japan = {"P17": [_item_snak("P17", "Q17")]}
    elsewhere = {"P17": [_item_snak("P17", "Q900000091")]}
    records = [
        item(
            "Q900000021",
            "Jo Envoy",
            [p39("Q900000090", ("+2020-05-01T00:00:00Z", 11), qualifiers=in_japan)],
        ),
        item(
            "Q900000022",
            "Kit Envoy",
            [p39("Q900000090", ("+2020-05-01T00:00:00Z", 11), qualifiers=elsewhere)],
        ),
    ]
    people, stats = _import(write_dump(tmp_path / "d.json", records), load_positions(positions))

    assert [(p.name, p.roles[0].country, p.roles[0].role) for p in people] == [
        ("Jo Envoy", "JPN", "ambassador")
    ]
    assert stats.skipped_no_role == 1


def test_packaged_position_table(table: PositionTable) -> None:
    president = table.positions[POTUS]
    assert (president.role, president.country, president.sector) == ("president", "USA", "GOV")
    assert table.positions[PM_UK].country == "GBR"
    assert table.positions["Q81066"].country == "IGO:UN"
    assert all(p.source for p in table.positions.values())
    assert table.countries["Q30"] == "USA"


def test_bad_position_table_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "positions.yaml"
    path.write_text("positions:\n  - {qid: Q1, role: king, country: XXX, sector: GOV}\n")
    with pytest.raises(DataError, match=r"positions\.yaml.*'XXX' is not an alpha-3 code"):
        load_positions(path)
    path.write_text("positions:\n  - {qid: Q1, role: king, country: GBR, sector: ROYAL}\n")
    with pytest.raises(DataError, match="unknown sector 'ROYAL'"):
        load_positions(path)
    path.write_text("- just a list\n")
    with pytest.raises(DataError, match="'positions' list"):
        load_positions(path)
    with pytest.raises(DataError, match="--positions"):
        load_positions(tmp_path / "missing.yaml")


def test_missing_and_damaged_dumps(tmp_path: Path, table: PositionTable) -> None:
    with pytest.raises(InputError, match=r"missing\.json: file not found"):
        _import(tmp_path / "missing.json", table)
    damaged = write_dump(tmp_path / "dump.json.gz", [ALMA, BRUNO] * 50)
    damaged.write_bytes(damaged.read_bytes()[:-30])
    with pytest.raises(InputError, match="damaged"):
        _import(damaged, table)


# --- The overlay ---------------------------------------------------------------------------------


def test_user_kb_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DETENTE_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_kb_dir() == tmp_path / "h" / "kb"
    assert overlay_path() == tmp_path / "h" / "kb" / "people.yaml"
    monkeypatch.delenv("DETENTE_HOME")
    assert user_kb_dir() == tmp_path / "xdg" / "detente" / "kb"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert user_kb_dir() == Path.home() / ".local" / "share" / "detente" / "kb"


def test_overlay_import_twice_updates_instead_of_duplicating(
    home: Path, tmp_path: Path, table: PositionTable
) -> None:
    first, _ = _import(write_dump(tmp_path / "one.json", [ALMA, BRUNO]), table)
    result = write_overlay(first, source="test")
    assert (result.path, result.added, result.updated, result.total) == (overlay_path(), 2, 0, 2)

    changed = dict(ALMA, claims={"P39": [p39(PM_UK, ("+2024-01-02T00:00:00Z", 11))]})
    second, _ = _import(write_dump(tmp_path / "two.json", [changed]), table)
    result = write_overlay(second, source="test")
    assert (result.added, result.updated, result.total) == (0, 1, 2)

    data = yaml.safe_load(overlay_path().read_text(encoding="utf-8"))
    assert [e["id"] for e in data["people"]] == ["wd-q900000001", "wd-q900000002"]
    assert data["people"][0]["roles"] == [
        {"role": "prime minister", "country": "GBR", "sector": "GOV",
         "start": dt.date(2024, 1, 2), "end": None}
    ]  # fmt: skip
    assert data["people"][0]["source"] == "test"
    assert not list(overlay_path().parent.glob("*.tmp"))


def test_invalid_write_leaves_the_overlay_unchanged(home: Path, tmp_path: Path) -> None:
    people, _ = _import(write_dump(tmp_path / "one.json", [ALMA]), load_positions())
    write_overlay(people)
    before = overlay_path().read_bytes()
    bad = Person(
        "wd-q900000030", "Lou Bad", roles=(Role("king", "XXX", "GOV", dt.date(2020, 1, 1)),)
    )
    with pytest.raises(DataError, match="overlay was left unchanged"):
        write_overlay([bad])
    assert overlay_path().read_bytes() == before
    assert not list(overlay_path().parent.glob("*.tmp"))


def test_invalid_overlay_is_reported_with_its_path(home: Path) -> None:
    overlay_path().parent.mkdir(parents=True)
    overlay_path().write_text("people:\n  - {id: Bad Id, name: X}\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"people\.yaml.*delete .*people\.yaml"):
        load_kb()


def test_load_kb_merges_the_overlay(home: Path, tmp_path: Path, table: PositionTable) -> None:
    from detente.actors.gazetteer import default_gazetteer, phrase_key

    before = load_kb()
    biden = before.person("joe-biden")  # packaged, with qid Q6279
    assert biden.qid == "Q6279" and load_kb() is before

    # A fictional stand-in carrying the packaged person's qid replaces the packaged entry.
    stand_in = item("Q6279", "Stand In", [p39(POTUS, ("+2040-01-20T00:00:00Z", 11))])
    people, _ = _import(write_dump(tmp_path / "d.json.bz2", [ALMA, stand_in]), table)
    write_overlay(people)
    assert load_kb() is before  # cached until cleared
    clear_kb_cache()
    kb = load_kb()

    alma = kb.person("wd-q900000001")
    role = alma.role_on(dt.date(2022, 6, 1))
    assert role is not None and (role.country, role.role) == ("JPN", "prime minister")
    assert alma.role_on(dt.date(2021, 10, 3)) is None
    assert alma.role_on(dt.date(2023, 3, 16)) is None
    assert "joe-biden" not in kb.people
    assert kb.person("wd-q6279").name == "Stand In"
    assert len(kb.people) == len(before.people) + 1
    gazetteer = default_gazetteer()
    assert gazetteer.kb is kb
    assert any(e.key == "wd-q900000001" for e in gazetteer.table[phrase_key("Alma Testova")])


def test_apply_overlay_without_a_file_is_the_same_kb(home: Path) -> None:
    base = load_kb(DATA_DIR)
    assert apply_overlay(base) is base
    assert read_overlay(base) == {}


# --- The command line ----------------------------------------------------------------------------


def test_cli_import_wikidata_and_info(
    runner: CliRunner, cli_app: typer.Typer, home: Path, tmp_path: Path
) -> None:
    env = {"DETENTE_HOME": str(home)}
    dump = write_dump(tmp_path / "dump.json.gz", SAMPLE)

    result = runner.invoke(cli_app, ["kb", "import-wikidata", str(dump)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "entities read: 7" in lines
    assert "people imported: 2 (2 roles)" in lines
    assert "skipped (no known position): 3" in lines
    assert "skipped (no English label): 1" in lines
    assert "skipped (known position, no start date or country): 1" in lines
    assert "malformed lines: 2" in lines
    path = home / "kb" / "people.yaml"
    assert f"overlay: {path} (2 added, 0 updated, 2 people in all)" in lines
    assert "malformed line 6: not valid JSON" in result.stderr
    assert "malformed line 10: not a JSON object on one line" in result.stderr

    again = runner.invoke(cli_app, ["kb", "import-wikidata", str(dump), "--surnames"], env=env)
    assert f"overlay: {path} (0 added, 2 updated, 2 people in all)" in again.stdout.splitlines()
    assert "Testova" in read_overlay(load_kb(DATA_DIR), path)["wd-q900000001"].variants

    info = runner.invoke(cli_app, ["kb", "info"], env=env)
    assert info.exit_code == 0, info.output
    out = info.stdout.splitlines()
    assert "countries: 249" in out
    assert f"overlay: {path} (2 people)" in out
    assert any(line.startswith("people: ") and "2 in the overlay" in line for line in out)
    assert any(line.startswith("KB load time: ") and line.endswith(" ms)") for line in out)
    assert "people by role (top 15):" in out


def test_cli_import_to_another_overlay_and_errors(
    runner: CliRunner, cli_app: typer.Typer, home: Path, tmp_path: Path
) -> None:
    env = {"DETENTE_HOME": str(home)}
    dump = write_dump(tmp_path / "dump.jsonl", [ALMA], jsonl=True)
    target = tmp_path / "elsewhere" / "people.yaml"
    result = runner.invoke(
        cli_app, ["kb", "import-wikidata", str(dump), "--overlay", str(target)], env=env
    )
    assert result.exit_code == 0, result.output
    assert f"overlay: {target} (1 added, 0 updated, 1 people in all)" in result.stdout
    assert not overlay_path().exists()

    empty = write_dump(tmp_path / "empty.json", [NO_CLAIMS])
    result = runner.invoke(cli_app, ["kb", "import-wikidata", str(empty)], env=env)
    assert "(unchanged: no people imported)" in result.stdout
    assert not overlay_path().exists()

    missing = runner.invoke(cli_app, ["kb", "import-wikidata", str(tmp_path / "no.json")], env=env)
    assert missing.exit_code == 2
    assert "no.json: file not found" in missing.stderr
    bad_table = runner.invoke(
        cli_app, ["kb", "import-wikidata", str(dump), "--positions", str(tmp_path / "no.yaml")]
    )
    assert bad_table.exit_code == 2 and "--positions" in bad_table.stderr
