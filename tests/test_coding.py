"""End-to-end coding of hand-written sentences (loads the spaCy model: marked slow)."""

import pickle

import pytest

from detente import code_text, load_settings
from detente.coder import build_pipeline

# These cases pin down the rule coder; the hybrid's additions are tested in
# test_second_opinion.py.
RULES = load_settings(coder="coding.rules.v1")

pytestmark = pytest.mark.slow

Tuple = tuple[str, str | None, str, str]

CASES: list[tuple[str, list[Tuple]]] = [
    ("Australia imposed sanctions on Iran on Monday.", [("AUS", "IRN", "163", "asserted")]),
    ("Kenya was criticised by Uganda on Friday.", [("UGA", "KEN", "111", "asserted")]),
    (
        "Brazil and Argentina signed a trade agreement in Buenos Aires.",
        [("ARG", "BRA", "057", "asserted"), ("BRA", "ARG", "057", "asserted")],
    ),
    (
        "Indian Prime Minister Narendra Modi visited Moscow on Monday.",
        [("IND", "RUS", "042", "asserted"), ("RUS", "IND", "043", "asserted")],
    ),
    (
        "Peru should expel the Bolivian ambassador, the newspaper argued.",
        [("PER", "BOL", "161", "prescriptive")],
    ),
    ("Poland will send tanks to Ukraine next month.", [("POL", "UKR", "072", "future")]),
    (
        "Columnists argue that Portugal ought to sit down with Morocco over fishing quotas.",
        [("MAR", "PRT", "040", "prescriptive"), ("PRT", "MAR", "040", "prescriptive")],
    ),
    ("Spain may recognise Palestine this year.", [("ESP", "PSE", "054", "hypothetical")]),
    ("Egypt has not condemned Sudan.", [("EGY", "SDN", "111", "negated")]),
    ("If Ghana attacks Togo, Nigeria will respond.", [("GHA", "TGO", "190", "hypothetical")]),
    ("Serbia agreed to resume talks with Croatia.", [("SRB", "HRV", "036", "asserted")]),
    (
        "The meeting between Chile and Colombia drew attention.",
        [("CHL", "COL", "040", "asserted"), ("COL", "CHL", "040", "asserted")],
    ),
    ("Protesters rallied against Israel in Amman on Sunday.", [("JOR", "ISR", "141", "asserted")]),
    (
        "Thailand held talks with Cambodia in Bangkok.",
        [("KHM", "THA", "042", "asserted"), ("THA", "KHM", "043", "asserted")],
    ),
    (
        "Thailand held talks with Cambodia in Paris.",
        [("KHM", "THA", "044", "asserted"), ("THA", "KHM", "044", "asserted")],
    ),
    ("Canada accused India of meddling in its elections.", [("CAN", "IND", "112", "asserted")]),
    (
        "Norway's foreign minister praised Qatar for its mediation.",
        [("NOR", "QAT", "051", "asserted")],
    ),
    ("A possible visit by the Turkish president to Greece was discussed.", []),
    (
        "Germany urged Russia to release the detained journalist.",
        [("DEU", "RUS", "0253", "asserted")],
    ),
    (
        "Ukrainian drones struck an oil refinery in Russia on Sunday.",
        [("UKR", "RUS", "190", "asserted")],
    ),
    (
        "Japan is expected to host the South Korean president in May.",
        [("JPN", "KOR", "043", "future"), ("KOR", "JPN", "042", "future")],
    ),
    ("Inflation rose by two percent in March.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_coding_sentence(text: str, expected: list[Tuple]) -> None:
    events = code_text(text, date="2024-03-04", settings=RULES)
    got = sorted(
        (e.source.country, e.target.country if e.target else None, e.cameo, e.mode) for e in events
    )
    assert got == sorted(expected)


def test_coding_event_fields_and_offsets() -> None:
    text = "Trade figures were released. Australia imposed sanctions on Iran on Monday."
    (event,) = code_text(text, date="2024-03-06", id="doc-7")
    assert (event.article_id, event.sentence_index, event.trigger) == ("doc-7", 1, "imposed")
    assert text[event.trigger_start : event.trigger_end] == "imposed"
    assert (event.cameo_root, event.plover, event.quad_class, event.goldstein) == (
        "16",
        "SANCTION",
        4,
        -8.0,
    )
    assert (event.date.isoformat() if event.date else None, event.date_precision) == (
        "2024-03-04",
        "day",
    )
    assert event.source.to_dict()["code"] == "AUS"
    assert event.coder == "rules.v1"
    assert event.to_dict()["doc_id"] == "doc-7"


def test_coding_location_and_attribution() -> None:
    text = "According to Ghanaian officials, Nigeria signed a defence pact with Ghana in Accra."
    events = code_text(text, date="2024-03-04")
    assert {(e.location.name, e.location.country) if e.location else None for e in events} == {
        ("Accra", "GHA")
    }
    assert {e.attribution for e in events} == {"according to Ghanaian officials"}


def test_coding_pipeline_pickles() -> None:
    pipeline = build_pipeline()
    clone = pickle.loads(pickle.dumps(pipeline))
    assert [s.name for s in clone.stages] == ["normalize", "sentences", "actors", "nlp", "coding"]


def test_coding_confidence_drops_for_guesses_and_modes() -> None:
    (named,) = code_text("Australia imposed sanctions on Iran on Monday.", date="2024-03-04")
    (future,) = code_text("Poland will send tanks to Ukraine next month.", date="2024-03-04")
    assert (named.confidence, future.confidence) == (0.8, 0.7)
