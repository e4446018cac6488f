"""Nothing lost, nothing stalls: the store side.

Extreme dates cluster without overflowing; one article whose data cannot be stored (a lone
surrogate, an event field of the wrong type, a value the schema refuses) is left out and
reported while the rest of its batch is stored once, with nothing of it half-written.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import pytest

from detente.models import Actor, Article, Event, Sentence
from detente.store import AddResult, Store
from detente.store.clusters import WINDOW_DAYS, search_window, shift

USA = Actor("Washington", "USA", "GOV", "United States", "kb:usa")
CHN = Actor("Beijing", "CHN", "GOV", "China", "kb:chn")
DAY = dt.date(2024, 1, 10)
UTF8 = "a text field is not valid UTF-8 ('utf-8' codec can't encode character '\\udfff' in "
UTF8_FIX = "surrogates not allowed); replace lone surrogates (the readers do) before storing"


def _event(article_id: str, day: dt.date | None = DAY, **fields: object) -> Event:
    event = Event(
        article_id=article_id,
        sentence_index=0,
        sentence=f"Washington met Beijing ({article_id}).",
        trigger="met",
        trigger_start=11,
        trigger_end=14,
        source=USA,
        target=CHN,
        cameo="042",
        cameo_root="04",
        plover="CONSULT",
        quad_class=1,
        goldstein=1.0,
        date=day,
    )
    return replace(event, **fields)  # type: ignore[arg-type]


def _article(article_id: str, day: dt.date | None = DAY, **fields: object) -> Article:
    text = f"Washington met Beijing ({article_id})."
    article = Article(
        id=article_id,
        text=text,
        date=day,
        title=f"Title {article_id}",
        sents=(Sentence(0, 0, len(text), text),),
        events=(_event(article_id, day),),
    )
    return replace(article, **fields)  # type: ignore[arg-type]


def _rows(store: Store) -> tuple[list[str], list[str], list[str]]:
    """Article ids per table: articles, sentences and events, sorted."""
    cur = store.cursor()
    try:
        return (
            sorted(r[0] for r in cur.execute("SELECT id FROM articles").fetchall()),
            sorted(r[0] for r in cur.execute("SELECT article_id FROM sentences").fetchall()),
            sorted(r[0] for r in cur.execute("SELECT article_id FROM events").fetchall()),
        )
    finally:
        cur.close()


# -- extreme dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [dt.date(1, 1, 1), dt.date(1, 1, 2), dt.date(9999, 12, 30), dt.date(9999, 12, 31)],
)
def test_robust_store_clusters_extreme_dates(day: dt.date) -> None:
    with Store(":memory:") as store:
        assert store.add_articles([_article("a", day)]) == AddResult(1, 0, 1)
        assert store.add_articles([_article("b", day)]) == AddResult(1, 0, 1)
        first = _event("a", day).event_id
        assert [(e.article_id, e.date, e.cluster_id) for e in store.events()] == [
            ("a", day, first),
            ("b", day, first),  # same dyad, code and day: the cluster of the first
        ]


def test_robust_store_clusters_both_ends_in_one_batch() -> None:
    low, high = dt.date(1, 1, 1), dt.date(9999, 12, 31)
    with Store(":memory:") as store:
        result = store.add_articles([_article("a", low), _article("b", high)])
        assert result == AddResult(2, 0, 2)
        assert [(e.date, e.cluster_id == e.event_id) for e in store.events()] == [
            (low, True),
            (high, True),
        ]


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (dt.date(2024, 1, 10), 3, dt.date(2024, 1, 13)),
        (dt.date(2024, 1, 10), -3, dt.date(2024, 1, 7)),
        (dt.date(1, 1, 2), -3, dt.date.min),
        (dt.date.min, -3, dt.date.min),
        (dt.date(9999, 12, 30), 3, dt.date.max),
        (dt.date.max, 3, dt.date.max),
        (dt.date.max, -3, dt.date(9999, 12, 28)),
    ],
)
def test_robust_clusters_shift_stops_at_the_ends(
    day: dt.date, days: int, expected: dt.date
) -> None:
    assert shift(day, days) == expected


def test_robust_clusters_search_window() -> None:
    assert WINDOW_DAYS == 3
    assert search_window([dt.date(2024, 1, 10), dt.date(2024, 1, 1)]) == (
        dt.date(2023, 12, 29),
        dt.date(2024, 1, 13),
    )
    assert search_window([dt.date.min, dt.date.max]) == (dt.date.min, dt.date.max)


# -- one bad article ------------------------------------------------------------------------

BAD_ARTICLES = {
    "text": (
        _article("b", text="Washington met Beijing\udfff"),
        UTF8 + "position 22: " + UTF8_FIX,
    ),
    "title": (_article("b", title="Title\udfff"), UTF8 + "position 5: " + UTF8_FIX),
    "sentence": (
        _article("b", sents=(Sentence(0, 0, 1, "\udfff"),)),
        UTF8 + "position 0: " + UTF8_FIX,
    ),
    "event sentence": (
        _article("b", events=(_event("b", sentence="\udfff met"),)),
        UTF8 + "position 0: " + UTF8_FIX,
    ),
    "event field type": (
        _article("b", events=(_event("b", quad_class="one"),)),
        "a field of the article or an event has the wrong type or size "
        "(Could not convert 'one' with type str: tried to convert to int32)",
    ),
    "event field size": (
        _article("b", events=(_event("b", trigger_start=2**40),)),
        "a field of the article or an event has the wrong type or size "
        "(Value 1099511627776 too large to fit in C integer type)",
    ),
    # Converts, but the events table refuses it: the article and sentence rows of the same
    # transaction are rolled back with it.
    "refused by the schema": (
        _article("b", events=(replace(_event("b"), article_id=None),)),  # type: ignore[arg-type]
        "the database refused it (Constraint Error: NOT NULL constraint failed: events.article_id)",
    ),
}


@pytest.mark.parametrize("bad", BAD_ARTICLES, ids=list(BAD_ARTICLES))
def test_robust_store_one_bad_article_fails_alone(bad: str) -> None:
    article, reason = BAD_ARTICLES[bad]
    batch = [_article("a"), article, _article("c")]
    with Store(":memory:") as store:
        assert store.add_articles(batch) == AddResult(2, 0, 2, 1, (("b", reason),))
        assert _rows(store) == (["a", "c"], ["a", "c"], ["a", "c"])
        # Again: the good ones are stored, never twice; the bad one fails again.
        assert store.add_articles(batch) == AddResult(0, 2, 0, 1, (("b", reason),))
        assert _rows(store) == (["a", "c"], ["a", "c"], ["a", "c"])


def test_robust_store_only_the_failing_batch_is_written_one_by_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad, reason = BAD_ARTICLES["event field type"]
    batch = [_article("a"), bad, _article("c"), _article("d")]
    with Store(":memory:") as store, caplog.at_level(logging.INFO, logger="detente.store.store"):
        result = store.add_articles(batch, batch_size=2)
        assert result == AddResult(3, 0, 3, 1, (("b", reason),))
        assert _rows(store) == (["a", "c", "d"], ["a", "c", "d"], ["a", "c", "d"])
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"a batch of 2 articles failed ({reason}); writing them one by one"),
        ("ERROR", f"article b (no origin) not stored: {reason}"),
        ("WARNING", "articles not stored in :memory:: 1 (see the errors above)"),
    ]


def test_robust_store_a_batch_of_bad_articles_stores_nothing() -> None:
    reason = UTF8 + "position 1: " + UTF8_FIX
    batch = [_article("a", title="a\udfff"), _article("b", title="b\udfff")]
    with Store(":memory:") as store:
        assert store.add_articles(batch) == AddResult(0, 0, 0, 2, (("a", reason), ("b", reason)))
        assert _rows(store) == ([], [], [])
        assert store.add_articles([_article("c")]) == AddResult(1, 0, 1)


def test_robust_store_an_id_no_query_can_hold_fails_alone() -> None:
    bad = _article("b", id="b\udfff", events=())  # no Event can be built with such an id
    with Store(":memory:") as store:
        result = store.add_articles([_article("a"), bad, bad])
        reason = UTF8 + "position 1: " + UTF8_FIX
        assert result == AddResult(1, 0, 1, 2, (("b\udfff", reason), ("b\udfff", reason)))
        assert store.known_article_ids(["a", "b\udfff"]) == {"a"}
        assert _rows(store) == (["a"], ["a"], ["a"])


def test_robust_store_add_results_add_up() -> None:
    one = AddResult(1, 2, 3, 1, (("x", "why"),))
    two = AddResult(4, 5, 6, 2, (("y", "why"), ("z", "why")))
    assert one + two == AddResult(5, 7, 9, 3, (("x", "why"), ("y", "why"), ("z", "why")))
