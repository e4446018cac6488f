"""Sixth round of rule-coder fixes: mediation named as the modifier of a frame noun ("launched
a mediation effort between A and B" is 045 toward each party; "ended mediation efforts" is
165), and reported demands: a demanded act hanging on a predicate adjective ("must be ready to
mediate") and a demand noun with a that-clause ("reiterated its demand that X ease ...") give
the speaker's demand only.  Loads the spaCy model: slow.  The rule coder is pinned so that
these cases test its rules."""

import pytest

from detente import code_text, load_settings

pytestmark = pytest.mark.slow

Tuple = tuple[str, str, str, str]
RULES = load_settings(coder="coding.rules.v1")

CASES: list[tuple[str, list[Tuple]]] = [
    # A mediation effort, mission or bid started between two parties: 045 toward each.
    (
        "Qatar launched a mediation effort on Sunday between Kenya and Somalia.",
        [("QAT", "KEN", "045", "asserted"), ("QAT", "SOM", "045", "asserted")],
    ),
    (
        "Norway undertook a mediation mission between Colombia and Venezuela.",
        [("NOR", "COL", "045", "asserted"), ("NOR", "VEN", "045", "asserted")],
    ),
    # The mode follows the light verb.
    (
        "Algeria will launch a mediation bid between Mali and Niger next week.",
        [("DZA", "MLI", "045", "future"), ("DZA", "NER", "045", "future")],
    ),
    # Ending the effort halts mediation (165) toward each party.
    (
        "Oman ended its mediation efforts between Iran and Bahrain.",
        [("OMN", "IRN", "165", "asserted"), ("OMN", "BHR", "165", "asserted")],
    ),
    (
        "Norway halted its mediation between Colombia and Venezuela.",
        [("NOR", "COL", "165", "asserted"), ("NOR", "VEN", "165", "asserted")],
    ),
    # A demand that another party be ready to act codes the demand only.
    (
        "Tunisia said the United States must be ready to mediate between Israel and Jordan.",
        [("TUN", "USA", "100", "asserted")],
    ),
    # A repeated demand named as a noun with a that-clause: the speaker demands of the
    # clause's subject; the demanded act is not coded.
    (
        "Peru reiterated its demand that Chile ease restrictions on Peruvian truckers.",
        [("PER", "CHL", "100", "asserted")],
    ),
    # A mediation effort only commented on is no mediation act by the speaker.
    (
        "Egypt welcomed the mediation effort between Sudan and Chad.",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_round6_events(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else "", e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)
