"""Fourth round of rule-coder fixes: bans by designation, bars on agencies, prisoner swaps,
peacekeeping deployments, military withdrawals, "they" for a coordinated subject, reported
"would", infinitives detached by a time phrase, and rescue teams (loads the spaCy model:
slow).  The rule coder is pinned so that these cases test its rules."""

import pytest

from detente import code_text, load_settings

pytestmark = pytest.mark.slow

Tuple = tuple[str, str, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # A court that declares a party, movement or company unlawful bans it (1722, 1721, 172);
    # a body named only by its kind is the court's own country.
    (
        "Georgia's Constitutional Court declared the Lelo party unconstitutional on Monday.",
        [("GEO", "GEO", "1722", "asserted")],
    ),
    (
        "Kazakhstan's Supreme Court designated the Ata-Zhurt party as extremist on Friday.",
        [("KAZ", "KAZ", "1722", "asserted")],
    ),
    (
        "A court in Minsk declared the independent broadcaster Belsat an extremist organisation.",
        [("BLR", "BLR", "1721", "asserted")],
    ),
    (
        "A court in Moscow declared Google an extremist organisation on Friday.",
        [("RUS", "USA", "172", "asserted")],
    ),
    # A law that bars a U.N. agency from operating expels it (1663), enacted by parliament.
    (
        "Hungary's parliament passed a law barring the U.N. refugee agency from operating in "
        "the country.",
        [("HUN", "IGO:UN", "1663", "asserted")],
    ),
    # A release in exchange for someone is a swap: two releases, one each way.
    (
        "Iran freed a French tourist on Monday in exchange for an Iranian engineer held in France.",
        [("IRN", "FRA", "0841", "asserted"), ("FRA", "IRN", "0841", "asserted")],
    ),
    ("Venezuela freed ten Americans on Tuesday.", [("VEN", "USA", "0841", "asserted")]),
    # Forces arriving to keep the peace deploy (074); a leader arriving visits (042/043).
    (
        "About 300 Nigerian soldiers arrived in Mali's capital to lead a peacekeeping mission.",
        [("NGA", "MLI", "074", "asserted")],
    ),
    (
        "The first contingent of Rwandan peacekeeping troops arrived in Mozambique on Friday.",
        [("RWA", "MOZ", "074", "asserted")],
    ),
    (
        "Indian Prime Minister Narendra Modi arrived in Egypt on Monday.",
        [("IND", "EGY", "042", "asserted"), ("EGY", "IND", "043", "asserted")],
    ),
    # Troops that withdraw from a place retreat (0874), also when their minister orders it.
    (
        "Chilean troops withdrew from the Bolivian town of Oruro on Monday.",
        [("CHL", "BOL", "0874", "asserted")],
    ),
    (
        "Chile's defence minister ordered troops to withdraw from the Bolivian town of Oruro.",
        [("CHL", "BOL", "0874", "asserted")],
    ),
    # "they" after a coordinated subject is that pair; a reported "would" is future.
    (
        "Bolivia and Paraguay said on Friday they had finalised the text of a border treaty.",
        [("BOL", "PRY", "037", "asserted"), ("PRY", "BOL", "037", "asserted")],
    ),
    (
        "Chile and Peru said they would hold joint naval drills next month.",
        [("CHL", "PER", "062", "future"), ("PER", "CHL", "062", "future")],
    ),
    ("Russia said they would respond.", []),
    # A time phrase between a threat and its infinitive does not make it an act.
    (
        "Peru threatened on Monday to sever ties with Chile and Bolivia.",
        [("PER", "CHL", "1313", "asserted"), ("PER", "BOL", "1313", "asserted")],
    ),
    # Rescue teams and firefighters sent abroad are humanitarian aid (073).
    (
        "Italy dispatched a team of rescuers to northern Albania on Tuesday to help search for "
        "survivors.",
        [("ITA", "ALB", "073", "asserted")],
    ),
    ("Spain sent 200 firefighters to Portugal.", [("ESP", "PRT", "073", "asserted")]),
    # A participle on a noun is done to it: "an agent jailed in Berlin" has no source.
    (
        "Belarus pardoned a German citizen in return for a Russian agent jailed in Berlin.",
        [("BLR", "DEU", "0841", "asserted"), ("DEU", "BLR", "0841", "asserted")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_round4_events(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else "", e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)
