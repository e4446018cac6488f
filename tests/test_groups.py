import datetime as dt
from pathlib import Path

import pytest

from detente.actors.kb import load_kb
from detente.actors.resolve import resolve_actors
from detente.errors import DataError


def test_groups_packaged_counts_and_entries() -> None:
    kb = load_kb()
    assert len(kb.groups) >= 800
    hamas = kb.groups["hamas"]
    assert (hamas.country, hamas.sector) == ("PSE", "REB")
    assert {g.sector for g in kb.groups.values()} <= {"BUS", "MED", "REB", "MIL", "GOV", "OPP"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hamas released two hostages.", [("Hamas", "PSE", "REB"), ("hostages", "PSE", "CVL")]),
        ("Fighters of al-Qaeda attacked.", [("al-Qaeda", "AFG", "REB")]),
        ("TikTok was fined by Brussels.", [("TikTok", "CHN", "BUS"), ("Brussels", "BEL", "GOV")]),
    ],
)
def test_groups_resolve_in_text(text: str, expected: list[tuple[str, str, str]]) -> None:
    got = [
        (m.text, m.actor.country, m.actor.sector)
        for m in resolve_actors(text, date=dt.date(2024, 1, 1))
    ]
    assert got == expected


def test_groups_unknown_country_is_reported(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "src" / "detente" / "data"
    for name in ("countries.yaml", "organisations.yaml", "agents.yaml", "people.yaml"):
        (tmp_path / name).write_text((data / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "groups.yaml").write_text(
        "groups:\n  - {id: nowhere-inc, name: Nowhere Inc, aliases: [Nowhere Inc],"
        " country: XXX, sector: BUS}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="country 'XXX' is not an alpha-3 code"):
        load_kb(tmp_path)
