"""Property-based fuzzing of ``detente.code_text``: whatever the text and the article date, it
never raises, and every event points into the text it was coded from (its sentence exists, its
trigger lies inside that sentence and reads as the trigger) with a date in the supported range.

Texts are surrogate-free (the readers replace lone surrogates before coding) and are built from
random Unicode, punctuation-free runs, country names, role words, commas and sentence ends.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.models import EARLIEST_DATE, LATEST_DATE
from detente.settings import load_settings
from detente.text.normalize import normalize_text
from detente.text.sentences import split_sentences

RULES = load_settings(coder="coding.rules.v1")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Every character but lone surrogates, which readers never let through.
unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
words = st.sampled_from(
    [
        "China", "Japan", "Japanese", "the United States", "U.S.", "Russia's", "Kyiv",
        "Foreign Minister", "President", "officials", "the two sides", "he", "its",
        "condemned", "met", "will visit", "accused", "sanctions", "talks", "last year",
        "next month", "yesterday", "on Monday", "in May", "5 February 2024", "Tags:",
    ]
)  # fmt: skip
marks = st.sampled_from([",", ", ", ".", ". ", "!", "?", ";", " -", "'s", "\n", "\n\n", " "])
run_without_punctuation = st.lists(st.sampled_from(["talks", "China", "met", "Japan"])).map(
    " ".join
)
pieces = st.lists(st.one_of(unicode_text, words, marks, run_without_punctuation), max_size=25).map(
    lambda parts: " ".join(parts)
)
dates = st.one_of(
    st.none(),
    st.dates(),  # 0001-01-01..9999-12-31: most outside the supported range
    st.sampled_from([dt.date.min, dt.date(1, 1, 2), dt.date(9999, 12, 30), dt.date.max]),
    st.sampled_from([EARLIEST_DATE, LATEST_DATE]),
)


@FUZZ
@given(text=pieces, day=dates)
def test_robust_fuzz_code_text_never_raises_and_stays_in_the_text(
    text: str, day: dt.date | None
) -> None:
    events = detente.code_text(text, date=day, settings=RULES)
    clean, _ = normalize_text(text)  # the text the pipeline codes
    sents = split_sentences(clean)
    for event in events:
        assert 0 <= event.sentence_index < len(sents)
        sent = sents[event.sentence_index]
        assert sent.start <= event.trigger_start < event.trigger_end <= sent.end
        assert clean[event.trigger_start : event.trigger_end] == event.trigger
        assert event.sentence == sent.text
        assert event.date is None or EARLIEST_DATE <= event.date <= LATEST_DATE


@FUZZ
@given(day=dates)
def test_robust_fuzz_extreme_dates_through_the_whole_pipeline(day: dt.date | None) -> None:
    text = (
        "China condemned Japan last year. Japan will visit China next month. "
        "Russia accused Ukraine yesterday. Tags: China, Japan,"
    )
    events = detente.code_text(text, date=day, settings=RULES)
    assert {(e.source.country, e.target and e.target.country) for e in events} >= {
        ("CHN", "JPN"),
        ("RUS", "UKR"),
    }
    for event in events:
        assert event.date is None or EARLIEST_DATE <= event.date <= LATEST_DATE
