"""Second round of rule-coder fixes: datelines, roles that only modify a noun, legal action,
calls for sanctions, searches, stated readiness, conditional threats and regional adjectives
(loads the spaCy model: slow).  The rule coder is pinned so that these cases test its rules."""

import pytest

from detente import code_text, load_settings
from detente.text.sentences import split_sentences

pytestmark = pytest.mark.slow

Tuple = tuple[str, str | None, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # A dateline names where the report was filed, never the source.
    (
        "ANKARA -- A court in Izmir fined a Greek shipping firm on Monday.",
        [],
    ),
    (
        "OSLO, Norway (AP) -- Sweden summoned the Danish ambassador on Friday.",
        [("SWE", "DNK", "114", "asserted")],
    ),
    # A role word that only qualifies a thing is no one's army: the partners agree together.
    (
        "Peru and Chile agreed to hold joint military exercises next spring.",
        [("CHL", "PER", "0312", "asserted"), ("PER", "CHL", "0312", "asserted")],
    ),
    # Joint exercises of coordinated partners run both ways (062), also when the two
    # countries share one role noun.
    (
        "Brazilian and Argentine warships held joint exercises on Tuesday.",
        [("ARG", "BRA", "062", "asserted"), ("BRA", "ARG", "062", "asserted")],
    ),
    (
        "Chile and Peru began joint naval drills.",
        [("CHL", "PER", "062", "asserted"), ("PER", "CHL", "062", "asserted")],
    ),
    # Legal action is a lawsuit (115).
    (
        "The European Commission launched legal action against the Slovak government.",
        [("IGO:EU", "SVK", "115", "asserted")],
    ),
    ("Mexico took Spain to court over the unpaid debt.", [("MEX", "ESP", "115", "asserted")]),
    # Calling for sanctions against a party rallies others against it (113).
    ("Argentina called for sanctions against Venezuela.", [("ARG", "VEN", "113", "asserted")]),
    # A police search of premises is an investigation (091).
    (
        "Polish police searched the offices of a Lithuanian firm.",
        [("POL", "LTU", "091", "asserted")],
    ),
    # "is willing / ready to" is a commitment (03x, asserted); the troops withdrawn are the
    # source's own, the target is where they leave.
    (
        "Russia is willing to withdraw its troops from Moldova.",
        [("RUS", "MDA", "0356", "asserted")],
    ),
    ("Peru is ready to send engineers to Bolivia.", [("PER", "BOL", "030", "asserted")]),
    ("Chile is not willing to negotiate with Bolivia.", [("CHL", "BOL", "036", "negated")]),
    # A conditional threat is aimed at the subject of its condition.
    (
        "Ghana threatened to quit the bloc unless Togo paid its dues.",
        [("GHA", "TGO", "1313", "asserted")],
    ),
    # "is opposed to" is the subject's own stance, not a passive.
    ("Kenya is opposed to the Ugandan proposal.", [("KEN", "UGA", "110", "asserted")]),
    # Engaging a party in a firefight is an attack on it, not a consultation.
    (
        "Sudanese rebels engaged Chadian soldiers in a firefight near the border.",
        [("SDN", "TCD", "190", "asserted")],
    ),
    # "Latin American" is a region, not the United States.
    ("Latin American envoys praised Cuba.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_round2_events(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else None, e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LIMA -- Talks resumed.", "Talks resumed."),
        ("CAIRO, Egypt (AP) -- Talks resumed.", "Talks resumed."),
        ("Quito (Reuters) - Talks resumed.", "Talks resumed."),
        ("DAKAR: Talks resumed.", "Talks resumed."),
        ("U.S. - Talks resumed.", "U.S. - Talks resumed."),
        ("Talks resumed in Lima.", "Talks resumed in Lima."),
    ],
)
def test_coding_round2_dateline_left_out(text: str, expected: str) -> None:
    sents = split_sentences(text)
    assert [s.text for s in sents] == [expected]
    assert all(text[s.start : s.end] == s.text for s in sents)
