"""Tests for the actor knowledge base files and their loader (detente.actors.kb)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pycountry
import pytest

from detente.actors.kb import SECTORS, KnowledgeBase, load_kb
from detente.errors import DataError

# ISO 3166-1 entries that are not UN member states: territories, the two observer states
# (the Holy See and Palestine) and Taiwan.
NOT_UN_MEMBERS = frozenset(
    {
        "ABW",
        "AIA",
        "ALA",
        "ASM",
        "ATA",
        "ATF",
        "BES",
        "BLM",
        "BMU",
        "BVT",
        "CCK",
        "COK",
        "CUW",
        "CXR",
        "CYM",
        "ESH",
        "FLK",
        "FRO",
        "GGY",
        "GIB",
        "GLP",
        "GRL",
        "GUF",
        "GUM",
        "HKG",
        "HMD",
        "IMN",
        "IOT",
        "JEY",
        "MAC",
        "MAF",
        "MNP",
        "MSR",
        "MTQ",
        "MYT",
        "NCL",
        "NFK",
        "NIU",
        "PCN",
        "PRI",
        "PSE",
        "PYF",
        "REU",
        "SGS",
        "SHN",
        "SJM",
        "SPM",
        "SXM",
        "TCA",
        "TKL",
        "TWN",
        "UMI",
        "VAT",
        "VGB",
        "VIR",
        "WLF",
    }
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


# --- The packaged files ----------------------------------------------------------------------


def test_counts(kb: KnowledgeBase) -> None:
    assert len(kb.countries) == len(pycountry.countries) == 249
    assert set(kb.countries) == {c.alpha_3 for c in pycountry.countries}
    assert len(kb.organisations) >= 40
    assert len(kb.agents) >= 120
    assert len(kb.people) >= 80


def test_alpha2_codes_match_iso(kb: KnowledgeBase) -> None:
    for c in pycountry.countries:
        assert kb.country(c.alpha_3).alpha2 == c.alpha_2


def test_every_un_member_has_a_capital_and_a_demonym(kb: KnowledgeBase) -> None:
    members = [c for code, c in kb.countries.items() if code not in NOT_UN_MEMBERS]
    assert len(members) == 193
    for country in members:
        assert country.capitals, country.alpha3
        assert country.demonyms, country.alpha3


def test_common_names(kb: KnowledgeBase) -> None:
    expected = {
        "USA": "United States",
        "RUS": "Russia",
        "KOR": "South Korea",
        "PRK": "North Korea",
        "IRN": "Iran",
        "VNM": "Vietnam",
        "SYR": "Syria",
        "TWN": "Taiwan",
        "PSE": "Palestine",
        "GBR": "United Kingdom",
    }
    for code, name in expected.items():
        assert kb.country(code).name == name


def test_country_lookups(kb: KnowledgeBase) -> None:
    assert "Beijing" in kb.country("CHN").capitals
    assert "Sino" in kb.country("CHN").prefixes
    assert {"Kyiv", "Kiev"} <= set(kb.country("UKR").capitals)
    assert "Jerusalem" in kb.country("ISR").capitals
    assert "Tel Aviv" not in kb.country("ISR").capitals
    assert "Burma" in kb.country("MMR").names
    assert {"the U.S.", "America", "USA"} <= set(kb.country("USA").names)
    assert {"Britain", "UK"} <= set(kb.country("GBR").names)
    assert {"British", "Britons"} <= set(kb.country("GBR").demonyms)
    assert "DPRK" in kb.country("PRK").names
    assert "Holland" not in kb.country("NLD").names


def test_metonyms_carry_a_sector(kb: KnowledgeBase) -> None:
    assert ("the Kremlin", "GOV") in kb.country("RUS").metonyms
    assert ("the White House", "GOV") in kb.country("USA").metonyms
    assert ("the Pentagon", "MIL") in kb.country("USA").metonyms
    assert ("Zhongnanhai", "GOV") in kb.country("CHN").metonyms
    assert ("Downing Street", "GOV") in kb.country("GBR").metonyms


def test_organisations(kb: KnowledgeBase) -> None:
    nato = kb.organisation("IGO:NATO")
    texts = {text for text, _ in nato.aliases}
    assert {"NATO", "the North Atlantic Treaty Organization"} <= texts
    assert nato.sector == ""
    assert len(nato.members) == 32 and "SWE" in nato.members and "FIN" in nato.members
    assert kb.organisation("IGO:ICJ").sector == "JUD"
    assert kb.organisation("IGO:ICC").sector == "JUD"
    un_aliases = dict(kb.organisation("IGO:UN").aliases)
    assert un_aliases["the Security Council"] == ""
    assert "UNRWA" in un_aliases
    eu_aliases = dict(kb.organisation("IGO:EU").aliases)
    assert eu_aliases["the European Parliament"] == "LEG"
    assert eu_aliases["the European Commission"] == ""
    assert "Brussels" not in eu_aliases
    assert len(kb.organisation("IGO:EU").members) == 27
    for code in ("NGO:AMNESTY", "NGO:HRW", "NGO:ICRC", "NGO:MSF", "NGO:GREENPEACE"):
        assert code in kb.organisations


def test_organisation_members_are_countries(kb: KnowledgeBase) -> None:
    for org in kb.organisations.values():
        for member in org.members:
            assert member in kb.countries, (org.code, member)


def test_agents(kb: KnowledgeBase) -> None:
    assert kb.agents["foreign minister"].sector == "GOV"
    assert kb.agents["defence minister"].sector == "GOV"  # gold: CAMEO GOVMIL is GOV
    assert kb.agents["coast guard"].sector == "MIL"
    assert kb.agents["police"].sector == "GOV"
    assert kb.agents["protester"].plural == ("protesters",)
    assert kb.agents["protester"].sector == "CVL"
    assert kb.agents["activist"].sector == "OPP"
    assert kb.agents["rebel"].sector == "REB"
    assert kb.agents["gunman"].sector == ""
    assert kb.agents["spokesman"].plural == ("spokesmen",)
    for agent in kb.agents.values():
        assert agent.term == agent.term.lower()
        assert agent.sector == "" or agent.sector in SECTORS


def test_people_roles(kb: KnowledgeBase) -> None:
    kishida = kb.person("fumio-kishida")
    pm = kishida.role_on(dt.date(2023, 6, 1))
    assert pm is not None
    assert (pm.role, pm.country, pm.sector) == ("prime minister", "JPN", "GOV")
    fm = kishida.role_on(dt.date(2015, 6, 1))
    assert fm is not None and fm.role == "foreign minister" and fm.country == "JPN"
    assert kishida.role_on(dt.date(2019, 6, 1)) is None

    biden = kb.person("joe-biden")
    assert biden.role_on(dt.date(2019, 6, 1)) is None
    assert biden.qid == "Q6279"

    trump = kb.person("donald-trump")
    mid_2024 = trump.role_on(dt.date(2024, 6, 15))
    assert mid_2024 is not None and (mid_2024.country, mid_2024.sector) == ("USA", "OPP")
    in_2025 = trump.role_on(dt.datetime(2025, 3, 1, 12, 0))
    assert in_2025 is not None and (in_2025.role, in_2025.sector) == ("president", "GOV")
    assert trump.role_on(dt.date(2021, 6, 1)) is None

    # Overlapping roles: the most recently started one wins.
    wang = kb.person("wang-yi")
    now = wang.role_on(dt.date(2024, 1, 1))
    assert now is not None and now.role == "foreign minister" and now.start.year == 2023

    guterres = kb.person("antonio-guterres").role_on(dt.date(2024, 1, 1))
    assert guterres is not None and (guterres.country, guterres.sector) == ("IGO:UN", "")

    assert "Xi" in kb.person("xi-jinping").variants


def test_people_variants_are_unique(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    for person in kb.people.values():
        for variant in (person.name, *person.variants):
            owner = seen.setdefault(variant, person.id)
            assert owner == person.id, (variant, owner, person.id)


def test_packaged_kb_is_cached(kb: KnowledgeBase) -> None:
    assert load_kb() is kb
    assert load_kb(None) is kb


def test_unknown_lookups_raise_key_error(kb: KnowledgeBase) -> None:
    with pytest.raises(KeyError, match="XXX"):
        kb.country("XXX")
    with pytest.raises(KeyError):
        kb.organisation("IGO:NOPE")
    with pytest.raises(KeyError):
        kb.person("nobody")
    assert kb.is_actor_code("IGO:UN") and kb.is_actor_code("CHN")
    assert not kb.is_actor_code("XYZ")


# --- Validation on user data ----------------------------------------------------------------

COUNTRIES = """\
countries:
  - alpha3: JPN
    alpha2: "JP"
    name: Japan
    demonyms: [Japanese]
    capitals: [Tokyo]
    metonyms:
      - {text: Kasumigaseki, sector: GOV}
  - alpha3: CHN
    alpha2: "CN"
    name: China
    capitals: [Beijing]
"""
ORGANISATIONS = """\
organisations:
  - code: IGO:UN
    name: United Nations
    sector: ""
    aliases: [UN, {text: UN peacekeepers, sector: MIL}]
    members: [JPN, CHN]
"""
AGENTS = """\
source: test
agents:
  - {term: minister, plural: ministers, sector: GOV}
  - {term: gunman, plural: [gunmen], sector: ""}
"""
PEOPLE = """\
people:
  - id: test-person
    name: Test Person
    variants: [Test Person, Person]
    roles:
      - {role: foreign minister, country: JPN, sector: GOV, start: 2012-12-26, end: 2017-08-03}
      - {role: envoy, country: IGO:UN, sector: "", start: "2018-01-01", end: null, approx: true}
"""


def _write(
    tmp_path: Path,
    *,
    countries: str = COUNTRIES,
    organisations: str = ORGANISATIONS,
    agents: str = AGENTS,
    people: str = PEOPLE,
) -> Path:
    for name, text in (
        ("countries.yaml", countries),
        ("organisations.yaml", organisations),
        ("agents.yaml", agents),
        ("people.yaml", people),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_minimal_user_kb_loads(tmp_path: Path) -> None:
    kb = load_kb(_write(tmp_path))
    assert kb is not load_kb()
    assert set(kb.countries) == {"JPN", "CHN"}
    assert kb.country("JPN").metonyms == (("Kasumigaseki", "GOV"),)
    assert kb.organisation("IGO:UN").aliases == (("UN", ""), ("UN peacekeepers", "MIL"))
    assert kb.agents["gunman"].plural == ("gunmen",)
    person = kb.person("test-person")
    assert person.roles[1].start == dt.date(2018, 1, 1) and person.roles[1].approx
    role = person.role_on(dt.date(2030, 1, 1))
    assert role is not None and role.country == "IGO:UN"


def _bad(tmp_path: Path, *fragments: str, **files: str) -> None:
    with pytest.raises(DataError) as info:
        load_kb(_write(tmp_path, **files))
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


def test_unknown_sector(tmp_path: Path) -> None:
    agents = AGENTS.replace("sector: GOV}", "sector: GOVT}")
    _bad(
        tmp_path, "agents.yaml", "entry 0 (term 'minister')", "unknown sector 'GOVT'", agents=agents
    )


def test_unknown_metonym_sector(tmp_path: Path) -> None:
    countries = COUNTRIES.replace("sector: GOV}", "sector: XXX}")
    _bad(tmp_path, "countries.yaml", "'JPN'", "unknown sector 'XXX'", countries=countries)


def test_duplicate_alpha3(tmp_path: Path) -> None:
    countries = COUNTRIES + '  - alpha3: JPN\n    alpha2: "JQ"\n    name: Japan again\n'
    _bad(tmp_path, "countries.yaml", "entry 2", "duplicate alpha3 'JPN'", countries=countries)


def test_unquoted_norway_alpha2_is_caught(tmp_path: Path) -> None:
    countries = COUNTRIES + "  - alpha3: NOR\n    alpha2: NO\n    name: Norway\n"
    _bad(tmp_path, "countries.yaml", "'NOR'", "alpha2", "must be a string", countries=countries)


def test_bad_date(tmp_path: Path) -> None:
    people = PEOPLE.replace("start: 2012-12-26", "start: 2012-13-45")
    _bad(tmp_path, "people.yaml", "'test-person'", "bad date", "2012-13-45", people=people)


def test_start_after_end(tmp_path: Path) -> None:
    people = PEOPLE.replace("end: 2017-08-03", "end: 2011-01-01")
    _bad(
        tmp_path,
        "people.yaml",
        "'test-person'",
        "start 2012-12-26 is after end 2011-01-01",
        people=people,
    )


def test_role_country_unknown(tmp_path: Path) -> None:
    people = PEOPLE.replace("country: JPN", "country: XXX")
    _bad(tmp_path, "people.yaml", "'test-person'", "country 'XXX'", people=people)


def test_organisation_member_unknown(tmp_path: Path) -> None:
    organisations = ORGANISATIONS.replace("[JPN, CHN]", "[JPN, KOR]")
    _bad(tmp_path, "organisations.yaml", "'IGO:UN'", "member 'KOR'", organisations=organisations)


def test_duplicate_agent_term(tmp_path: Path) -> None:
    agents = AGENTS + "  - {term: minister, sector: GOV}\n"
    _bad(tmp_path, "agents.yaml", "entry 2", "duplicate term 'minister'", agents=agents)


def test_uppercase_agent_term(tmp_path: Path) -> None:
    agents = AGENTS.replace("term: minister", "term: Minister")
    _bad(tmp_path, "agents.yaml", "must be lowercase", agents=agents)


def test_unknown_field(tmp_path: Path) -> None:
    people = PEOPLE.replace("    variants:", "    nickname: TP\n    variants:")
    _bad(tmp_path, "people.yaml", "'test-person'", "unknown field(s) nickname", people=people)


def test_bad_organisation_code(tmp_path: Path) -> None:
    organisations = ORGANISATIONS.replace("code: IGO:UN", "code: UN")
    _bad(tmp_path, "organisations.yaml", "code 'UN' is not valid", organisations=organisations)


def test_invalid_yaml(tmp_path: Path) -> None:
    _bad(tmp_path, "agents.yaml", "not valid YAML", agents="agents: [\n  - {term: x\n")


def test_wrong_top_level(tmp_path: Path) -> None:
    _bad(tmp_path, "people.yaml", "'people' must be a list", people="people: 3\n")


def test_missing_file(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "agents.yaml").unlink()
    with pytest.raises(DataError, match=r"agents\.yaml: file not found"):
        load_kb(tmp_path)
