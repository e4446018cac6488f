"""Fifth round of rule-coder fixes: demands reported with "must" (the speaker demands of the
complement's subject; the demanded act is not coded), and conditional threats whose complement
names the threatener's own country (the target is the subject of the "if" clause).  Loads the
spaCy model: slow.  The rule coder is pinned so that these cases test its rules."""

import pytest

from detente import code_text, load_settings

pytestmark = pytest.mark.slow

Tuple = tuple[str, str, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # A speaker saying another party must act demands it (100), in the speaker's mode.
    (
        "Norway said on Friday that Iceland must return the seized trawler.",
        [("NOR", "ISL", "100", "asserted")],
    ),
    (
        "Chile's foreign minister reiterated that Bolivia must hand over the two fugitives.",
        [("CHL", "BOL", "100", "asserted")],
    ),
    # The demanded act is not coded as the addressee's own prescriptive event.
    (
        "Kenya said Uganda must release the detained Kenyan fishermen.",
        [("KEN", "UGA", "100", "asserted")],
    ),
    # A pronoun subject refers to the party reminded or told.
    (
        "Germany reminded Serbia that it must cooperate fully with the tribunal.",
        [("DEU", "SRB", "100", "asserted")],
    ),
    # "has to" demands too; "would have to" warns and is no demand.
    (
        "Ghana said Togo has to reopen the border.",
        [("GHA", "TGO", "100", "asserted")],
    ),
    # Commentary with no speaker stays prescriptive.
    (
        "Canada must impose tougher sanctions on Iran.",
        [("CAN", "IRN", "163", "prescriptive")],
    ),
    # A conditional threat targets the subject of the "if" clause, not the threatener's own
    # capital named in the complement.
    (
        "Turkey warned on Monday that Ankara would respond if Greece extended its waters.",
        [("TUR", "GRC", "130", "asserted")],
    ),
    (
        "Beijing warned that it would retaliate if Manila installed the missiles.",
        [("CHN", "PHL", "130", "asserted")],
    ),
    # A threat with its own target keeps it.
    (
        "Egypt threatened to shell Libyan border posts on Sunday.",
        [("EGY", "LBY", "130", "asserted")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_round5_events(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else "", e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)
