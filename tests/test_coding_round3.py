"""Third round of rule-coder fixes: protests with no named target, truces that took effect,
agreed treaty texts and claims of responsibility (loads the spaCy model: slow).  The rule
coder is pinned so that these cases test its rules."""

import pytest

from detente import code_text, load_settings

pytestmark = pytest.mark.slow

Tuple = tuple[str, str, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # A general strike, a hunger strike or a riot with no target presses the own authorities.
    (
        "Chilean dockworkers launched a general strike on Monday.",
        [("CHL", "CHL", "143", "asserted")],
    ),
    (
        "Jailed Cuban dissident Jose Ferrer escalated his hunger strike on Sunday.",
        [("CUB", "CUB", "142", "asserted")],
    ),
    ("Kenyan students rioted on Tuesday.", [("KEN", "KEN", "145", "asserted")]),
    # A government that "protested" complains; a purpose clause is the summons, not a protest.
    ("Bolivia protested on Monday.", [("BOL", "", "141", "asserted")]),
    (
        "Peru's foreign ministry summoned Chile's envoy to protest the remarks.",
        [("PER", "CHL", "114", "asserted")],
    ),
    # A truce between two parties that took effect runs both ways; one only called for does not.
    (
        "A truce between Sudan and South Sudan took effect on Friday.",
        [("SDN", "SSD", "0871", "asserted"), ("SSD", "SDN", "0871", "asserted")],
    ),
    (
        "A ceasefire between Sudan and Chad will come into force on Monday.",
        [("SDN", "TCD", "0871", "future"), ("TCD", "SDN", "0871", "future")],
    ),
    ("Qatar pressed for a ceasefire between Sudan and Chad.", []),
    # An agreed text, not yet signed, is a commitment to settle (037), both ways.
    (
        "Serbia and Croatia finalised the text of a border agreement on Monday.",
        [("HRV", "SRB", "037", "asserted"), ("SRB", "HRV", "037", "asserted")],
    ),
    # A claim of responsibility is coded with the claimed attack, by the claimant.
    (
        "Sudanese rebels claimed responsibility for a drone strike on a Chadian airbase.",
        [("SDN", "", "015", "asserted"), ("SDN", "TCD", "190", "asserted")],
    ),
    (
        "Yemen's Houthis claimed responsibility for a missile strike that set a Greek tanker "
        "ablaze.",
        [("YEM", "GRC", "015", "asserted"), ("YEM", "GRC", "190", "asserted")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_round3_events(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else "", e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)
