"""Arguments the rule coder finds through clauses and coordination (loads the spaCy model:
slow).  The rule coder is pinned so that these cases test its rules alone."""

import pytest

from detente import code_text, load_settings

pytestmark = pytest.mark.slow

Tuple = tuple[str, str | None, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # A relative clause with its own subject names the owner of the object.
    (
        "Canada imposed sanctions on the tankers that Iran operates.",
        [("CAN", "IRN", "163", "asserted")],
    ),
    # A relative clause on the object names the party it acts on.
    (
        "Chad revoked an accord that allowed French troops to stay on its territory.",
        [("TCD", "FRA", "160", "asserted")],
    ),
    # An infinitive on the object; "its" marks the source's own agreement, not a target.
    (
        "Ghana will not renew its agreement to join the Nigerian scheme.",
        [("GHA", "NGA", "121", "asserted")],
    ),
    # The author of a proposal is the target of its rejection.
    (
        "Norway rejected the proposal by Sweden to merge the two agencies.",
        [("NOR", "SWE", "127", "asserted")],
    ),
    # The partner of a shared act is named directly, never through the deal's content.
    (
        "Brazil and Peru signed a deal to sell gas to Chile.",
        [("BRA", "PER", "057", "asserted"), ("PER", "BRA", "057", "asserted")],
    ),
    # "in which" introduces another agent, not the target.
    ("Egypt condemned an attack in which Libyan fighters stormed a village.", []),
    # A list parsed as an apposition is still a coordination of sources.
    (
        "The UK, France, and Italy met in private.",
        [
            ("FRA", "GBR", "040", "asserted"),
            ("FRA", "ITA", "040", "asserted"),
            ("GBR", "FRA", "040", "asserted"),
            ("GBR", "ITA", "040", "asserted"),
            ("ITA", "FRA", "040", "asserted"),
            ("ITA", "GBR", "040", "asserted"),
        ],
    ),
    # A role compounded with an organisation's name takes it, not a guess from the sentence.
    ("African Union envoys condemned Sudan on Monday.", [("IGO:AU", "SDN", "111", "asserted")]),
    # A coordinated complement of a commitment is part of the offer, not an act of its own.
    (
        "Kenya offered to lead a new force and to deploy 1,000 police officers to Haiti.",
        [("KEN", "HTI", "030", "asserted")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_clauses_target(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else None, e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)
