"""Nothing lost, nothing stalls: the pipeline side.

A text without sentence punctuation is one giant sentence; the stages before the parser must
stay linear in it.  An article a stage fails on is counted, also when worker processes code
it, and ``ingest_articles`` codes only what the store does not hold yet.
"""

from __future__ import annotations

import random
import time

import pytest

from detente.coder import code_articles, code_text, ingest_articles
from detente.models import Article
from detente.pipeline import FailureCount
from detente.settings import load_settings
from detente.store import AddResult, Store

RULES = load_settings(coder="coding.rules.v1")
WORDS = (
    "talks", "officials", "said", "the", "minister", "trade", "border", "meeting", "and",
    "visit", "condemned", "agreed", "troops", "president", "government", "with", "over",
    "sanctions", "über", "東京", "l'accord", "d'état", "—", "«", "»",
)  # fmt: skip
COUNTRIES = ("China", "Japan", "Russia", "Ukraine", "France", "Chinese", "United States")


@pytest.mark.slow
def test_robust_pipeline_codes_100k_unpunctuated_words_in_linear_time() -> None:
    rng = random.Random(7)
    giant = " ".join(
        rng.choice(COUNTRIES) if rng.random() < 0.05 else rng.choice(WORDS) for _ in range(100_000)
    )
    text = giant + "\n\nChina condemned Japan on Monday."
    code_text("China condemned Japan.", date="2024-02-05", settings=RULES)  # load KB and model
    start = time.perf_counter()
    events = code_text(text, date="2024-02-05", settings=RULES)
    elapsed = time.perf_counter() - start
    # The giant sentence is too long to parse; the sentence after it is still coded.
    assert [
        (e.sentence_index, e.source.code, e.target and e.target.code, e.cameo) for e in events
    ] == [(1, "CHN", "JPN", "111")]
    assert text[events[0].trigger_start : events[0].trigger_end] == "condemned"
    assert elapsed < 10, f"coding 100,000 unpunctuated words took {elapsed:.1f} s"


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_robust_pipeline_counts_failed_articles(boom_coder: str, workers: int) -> None:
    settings = load_settings(coder=boom_coder, n_process=workers, batch_size=2)
    texts = ["a quiet day", "boom", "another quiet day", "boom again", "calm"]
    articles = [Article(id=f"a{i}", text=text) for i, text in enumerate(texts)]
    failed = FailureCount()
    coded = code_articles(articles, settings=settings, failures=failed)
    assert [a.id for a in coded] == ["a0", "a2", "a4"]
    assert failed == FailureCount(2)


def test_robust_pipeline_ingest_codes_only_new_articles(boom_coder: str) -> None:
    settings = load_settings(coder=boom_coder)
    articles = [Article(id=f"a{i}", text="boom" if i == 3 else "calm") for i in range(7)]
    with Store(":memory:") as store:
        store.add_articles(articles[:2])
        failed = FailureCount()
        result = ingest_articles(store, articles, settings=settings, failures=failed, batch_size=2)
        assert result == AddResult(4, 2, 0)
        assert failed == FailureCount(1)
        assert store.known_article_ids(a.id for a in articles) == {
            "a0", "a1", "a2", "a4", "a5", "a6",
        }  # fmt: skip
        # Everything stored but the failing one: a re-run codes just that one again.
        again = FailureCount()
        assert ingest_articles(store, articles, settings=settings, failures=again) == AddResult(
            0, 6, 0
        )
        assert again == FailureCount(1)
