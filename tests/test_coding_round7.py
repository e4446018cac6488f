"""Seventh round of rule-coder fixes: "called for X to do Y" is an appeal to X, parsed as
"called on X to do Y" (README: "called on" is 02x; "called for" is an appeal), with the
specific appeal code read from the requested act.  "Called for" with a plain noun object
keeps its parse.  Loads the spaCy model: slow.  The rule coder is pinned so that these
cases test its rules."""

import pytest

from detente import code_text, load_settings

pytestmark = pytest.mark.slow

Tuple = tuple[str, str, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # An unspecified requested act: a general appeal toward the clause's subject.
    (
        "Uruguay called for Paraguay to reopen the bridge.",
        [("URY", "PRY", "020", "asserted")],
    ),
    # The requested act picks the specific appeal code, as after "called on".
    (
        "Ghana called for Togo to free the detained fishermen.",
        [("GHA", "TGO", "0253", "asserted")],
    ),
    (
        "Malawi called for Zambia to withdraw its soldiers from the border.",
        [("MWI", "ZMB", "0256", "asserted")],
    ),
    # "Called for" with a noun object keeps its own pattern.
    (
        "Estonia called for sanctions against Belarus.",
        [("EST", "BLR", "113", "asserted")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_round7_events(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else "", e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)
