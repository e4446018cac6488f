"""Tests for detente.analytics: periods, dyad series, the relations index, shifts and the graph.

Every store is built by hand, and every expected number is worked out in a comment next to it
from the formulas in docs/analytics.md:  w = 2 ** (-age_days / half_life),
index = 0.9 * sum(w * goldstein) / (sum(w) + prior_events).
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from detente.analytics import (
    BANDS,
    Edge,
    IndexPoint,
    Node,
    SeriesPoint,
    band,
    detect_shifts,
    dyad_series,
    index_values,
    relations_graph,
    relations_index,
    relations_report,
    save_graph,
    sparkline,
)
from detente.analytics.plot import save_graph_png, save_index_png
from detente.analytics.series import period_end, period_range, period_start
from detente.analytics.shifts import flag_changes
from detente.errors import InputError
from detente.models import Actor, Article, Event
from detente.store import Store

D = dt.date
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

CHN = Actor("Beijing", "CHN", "GOV", "China")
JPN = Actor("Tokyo", "JPN", "GOV", "Japan")
USA = Actor("Washington", "USA", "GOV", "United States")
RUS = Actor("Moscow", "RUS", "GOV", "Russia")
UKR = Actor("Kyiv", "UKR", "GOV", "Ukraine")
GBR = Actor("London", "GBR", "GOV", "United Kingdom")
FRA = Actor("Paris", "FRA", "GOV", "France")
UN = Actor("the UN", "IGO:UN", "", "United Nations")
MSF = Actor("MSF", "NGO:MSF", "", "Doctors Without Borders")
CROWD = Actor("protesters", "", "OPP")
QUAD = {1: "042", 2: "057", 3: "112", 4: "190"}  # one CAMEO code per quad class


def ev(
    article: str,
    sent: int,
    source: Actor,
    target: Actor | None,
    goldstein: float,
    date: dt.date | None,
    *,
    quad: int = 1,
    mode: str = "asserted",
) -> Event:
    cameo = QUAD[quad]
    return Event(
        article_id=article, sentence_index=sent, sentence=f"{article} sentence {sent}",
        trigger="t", trigger_start=0, trigger_end=1, source=source, target=target, cameo=cameo,
        cameo_root=cameo[:2], plover="", quad_class=quad, goldstein=goldstein, mode=mode,
        date=date,
    )  # fmt: skip


def make_store(*events: Event) -> Store:
    """A memory store holding ``events``, one article per distinct article id."""
    by_article: dict[str, list[Event]] = {}
    for event in events:
        by_article.setdefault(event.article_id, []).append(event)
    store = Store(":memory:")
    store.add_articles(
        Article(id=aid, text="text", events=tuple(evs)) for aid, evs in by_article.items()
    )
    return store


# -- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("freq", "day", "start", "end"),
    [
        ("day", D(2024, 2, 29), D(2024, 2, 29), D(2024, 2, 29)),
        ("week", D(2024, 1, 10), D(2024, 1, 8), D(2024, 1, 14)),  # a Wednesday; weeks start Monday
        ("month", D(2024, 2, 14), D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        ("month", D(2023, 12, 31), D(2023, 12, 1), D(2023, 12, 31)),
        ("quarter", D(2024, 5, 10), D(2024, 4, 1), D(2024, 6, 30)),
        ("quarter", D(2024, 11, 1), D(2024, 10, 1), D(2024, 12, 31)),
    ],
)
def test_analytics_period_start_and_end(
    freq: str, day: dt.date, start: dt.date, end: dt.date
) -> None:
    assert period_start(day, freq) == start
    assert period_end(start, freq) == end


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter"])
@pytest.mark.parametrize("day", [D(2024, 1, 1), D(2024, 3, 31), D(2023, 12, 31), D(2024, 8, 18)])
def test_analytics_period_start_matches_duckdb(freq: str, day: dt.date) -> None:
    with Store(":memory:") as store:
        cur = store.cursor()
        row = cur.execute(f"SELECT date_trunc('{freq}', ?::DATE)::DATE", [day]).fetchone()
        cur.close()
    assert row is not None and row[0] == period_start(day, freq)


def test_analytics_period_range_crosses_years() -> None:
    assert period_range(D(2023, 11, 20), D(2024, 2, 3), "month") == [
        D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1),
    ]  # fmt: skip
    assert period_range(D(2023, 12, 1), D(2024, 1, 1), "quarter") == [D(2023, 10, 1), D(2024, 1, 1)]


# -- dyad series ----------------------------------------------------------------------------------

SERIES_EVENTS = (
    ev("a1", 0, CHN, JPN, 4.0, D(2024, 1, 5), quad=1),
    ev("a1", 1, JPN, CHN, -2.0, D(2024, 1, 20), quad=3),
    ev("a2", 0, CHN, JPN, -10.0, D(2024, 3, 2), quad=4),
    ev("a2", 1, CHN, JPN, 3.0, D(2024, 3, 3), quad=2, mode="future"),
    ev("a2", 2, CHN, JPN, 7.0, None, quad=2),  # undated: never counted
    ev("a3", 0, USA, CHN, 1.0, D(2024, 2, 10)),  # another dyad
)


@pytest.fixture
def series_store() -> Store:
    return make_store(*SERIES_EVENTS)


def test_analytics_series_directed_fills_gaps(series_store: Store) -> None:
    assert dyad_series(series_store, "chn", "jpn") == [
        SeriesPoint(D(2024, 1, 1), 1, 1, 0, 0, 0, 4.0, 4.0),
        SeriesPoint(D(2024, 2, 1), 0, 0, 0, 0, 0, 0.0, 0.0),  # no events: zeros, not a gap
        SeriesPoint(D(2024, 3, 1), 1, 0, 0, 0, 1, -10.0, -10.0),
    ]
    assert dyad_series(series_store, "JPN", "CHN") == [
        SeriesPoint(D(2024, 1, 1), 1, 0, 0, 1, 0, -2.0, -2.0)
    ]


def test_analytics_series_undirected_merges_both_ways(series_store: Store) -> None:
    points = dyad_series(series_store, "CHN", "JPN", directed=False)
    # January: +4 (CHN->JPN, q1) and -2 (JPN->CHN, q3): sum 2, mean 2 / 2 = 1.
    assert points[0] == SeriesPoint(D(2024, 1, 1), 2, 1, 0, 1, 0, 2.0, 1.0)
    assert [p.events for p in points] == [2, 0, 1]


def test_analytics_series_modes_window_and_freq(series_store: Store) -> None:
    both = dyad_series(series_store, "CHN", "JPN", modes=("asserted", "future"))
    # March: -10 asserted and +3 future: sum -7, mean -3.5; the undated +7 never counts.
    assert both[-1] == SeriesPoint(D(2024, 3, 1), 2, 0, 1, 0, 1, -7.0, -3.5)
    later = dyad_series(series_store, "CHN", "JPN", since=D(2024, 2, 1))
    assert later == [SeriesPoint(D(2024, 3, 1), 1, 0, 0, 0, 1, -10.0, -10.0)]
    assert dyad_series(series_store, "CHN", "JPN", until=D(2023, 12, 31)) == []
    quarters = dyad_series(series_store, "CHN", "JPN", freq="quarter", directed=False)
    assert quarters == [SeriesPoint(D(2024, 1, 1), 3, 1, 0, 1, 1, -8.0, -8.0 / 3)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"freq": "year"}, "unknown frequency 'year'"),
        ({"modes": ("maybe",)}, "must be one or more of"),
        ({"modes": ()}, "must be one or more of"),
        ({"since": D(2024, 3, 1), "until": D(2024, 1, 1)}, "is after until"),
    ],
)
def test_analytics_series_rejects_bad_options(
    series_store: Store, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        dyad_series(series_store, "CHN", "JPN", **kwargs)  # type: ignore[arg-type]


def test_analytics_series_rejects_a_dyad_of_one(series_store: Store) -> None:
    with pytest.raises(InputError, match="two different actors, got CHN twice"):
        dyad_series(series_store, "CHN", "chn")


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        ([], {}, ""),
        ([1.0, 1.0], {}, "▄▄"),  # flat: mid-height
        ([0.0, 7.0], {}, "▁█"),
        ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], {}, "▁▂▃▄▅▆▇█"),
        # (0 + 9) / 18 * 7 = 3.5, rounded half up to 4: "▅"; values beyond hi are clamped.
        ([-9.0, 0.0, 20.0], {"lo": -9.0, "hi": 9.0}, "▁▅█"),
    ],
)
def test_analytics_sparkline(values: list[float], kwargs: dict[str, float], expected: str) -> None:
    assert sparkline(values, **kwargs) == expected


# -- the relations index --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-9.5, "confrontation"),
        (-9.0, "confrontation"),
        (-6.0001, "confrontation"),
        (-6.0, "tension"),
        (-3.0, "discord"),
        (-0.0001, "discord"),
        (0.0, "ordinary"),
        (2.999, "ordinary"),
        (3.0, "good"),
        (6.0, "friendly"),
        (9.0, "friendly"),
        (9.5, "friendly"),
    ],
)
def test_analytics_band_bounds(value: float, expected: str) -> None:
    assert band(value) == expected


def test_analytics_bands_cover_the_scale() -> None:
    assert BANDS[0][1] == -9.0 and BANDS[-1][2] == 9.0
    assert all(BANDS[i][2] == BANDS[i + 1][1] for i in range(len(BANDS) - 1))


def test_analytics_index_values_by_day() -> None:
    events = [(D(2024, 1, 1), 4.0), (D(2024, 1, 1), 6.0), (D(2024, 1, 3), -2.0)]
    days = [D(2024, 1, 1), D(2024, 1, 2), D(2024, 1, 3)]
    values = index_values(events, days, freq="day", half_life_days=1.0, prior_events=2.0)
    # Jan 1: N = 2, S = 4 + 6 = 10               -> 0.9 * 10 / (2 + 2)     = 2.25
    # Jan 2: one day older, w = 0.5: N = 1, S = 5 -> 0.9 * 5 / (1 + 2)      = 1.5
    # Jan 3: N = 0.5, S = 2.5, plus -2 at w = 1:
    #        N = 1.5, S = 0.5                     -> 0.9 * 0.5 / (1.5 + 2) = 9 / 70
    assert values == pytest.approx([2.25, 1.5, 9 / 70])


def test_analytics_index_values_by_month() -> None:
    events = [(D(2024, 1, 31), 10.0), (D(2024, 2, 29), -10.0), (D(2024, 3, 1), 10.0)]
    values = index_values(
        events, [D(2024, 1, 1), D(2024, 2, 1)], freq="month", half_life_days=29.0, prior_events=1.0
    )
    # January ends Jan 31: N = 1, S = 10                      -> 0.9 * 10 / 2   = 4.5
    # February ends Feb 29, 29 days after Jan 31, so w = 0.5:
    #   N = 0.5 + 1 = 1.5, S = 5 - 10 = -5                    -> 0.9 * -5 / 2.5 = -1.8
    # The March event is after February's end and counts for neither.
    assert values == pytest.approx([4.5, -1.8])


def test_analytics_index_values_history_prior_and_empty() -> None:
    history = [(D(2024, 1, 31), 10.0)]
    # Only February shown; the January event still counts at w = 0.5: 0.9 * 5 / (0.5 + 1) = 3.0.
    feb = index_values(
        history, [D(2024, 2, 1)], freq="month", half_life_days=29.0, prior_events=1.0
    )
    assert feb == pytest.approx([3.0])
    # Without a prior, decay alone never moves the mean: 0.9 * 5 / 0.5 = 9.0.
    no_prior = index_values(
        history, [D(2024, 2, 1)], freq="month", half_life_days=29.0, prior_events=0.0
    )
    assert no_prior == pytest.approx([9.0])
    assert index_values([], [D(2024, 2, 1)], prior_events=0.0) == [0.0]  # no evidence, no prior


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"half_life_days": 0.0}, "half_life_days must be above 0"),
        ({"prior_events": -1.0}, "prior_events must be 0 or more"),
        ({"freq": "hour"}, "unknown frequency"),
    ],
)
def test_analytics_index_values_rejects_bad_options(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        index_values([], [], **kwargs)  # type: ignore[arg-type]


# The store behind the shift and report tests: four dyads, plus events that must be ignored.
FEB_DRIVERS = (
    ev("r2", 0, RUS, USA, -7.0, D(2024, 2, 29), quad=4),
    ev("r2", 1, RUS, USA, -6.0, D(2024, 2, 29), quad=4),
    ev("r2", 2, USA, RUS, -5.0, D(2024, 2, 29), quad=3),
    ev("r2", 3, RUS, USA, -8.0, D(2024, 2, 1), quad=4),  # older: weighs 2 ** (-28 / 29)
    ev("r2", 4, USA, RUS, -4.0, D(2024, 2, 29), quad=3),
    ev("r2", 5, USA, RUS, -2.0, D(2024, 2, 29), quad=3),
    ev("r2", 6, USA, RUS, 3.0, D(2024, 2, 29), quad=1),  # pushes the other way
)
SHIFT_EVENTS = (
    ev("c1", 0, CHN, JPN, 10.0, D(2024, 1, 31)),
    ev("c2", 0, JPN, CHN, -10.0, D(2024, 2, 29), quad=4),
    ev("c2", 1, CHN, JPN, 10.0, D(2024, 2, 10), mode="future"),  # not asserted
    ev("c2", 2, CHN, JPN, -10.0, None, quad=4),  # undated
    ev("r1", 0, USA, RUS, 2.0, D(2024, 1, 31)),
    *FEB_DRIVERS,
    ev("g1", 0, GBR, FRA, 10.0, D(2024, 1, 31)),
    ev("g2", 0, FRA, GBR, 0.0, D(2024, 4, 30)),
    ev("x1", 0, CHN, None, -10.0, D(2024, 2, 1), quad=4),  # one-sided
    ev("x1", 1, CHN, CHN, -10.0, D(2024, 2, 1), quad=4),  # domestic
    ev("x1", 2, CROWD, CHN, -10.0, D(2024, 2, 1), quad=4),  # unknown country
)
HALF = {"half_life_days": 29.0, "prior_events": 1.0}


@pytest.fixture
def shift_store() -> Store:
    return make_store(*SHIFT_EVENTS)


def test_analytics_relations_index_from_store(shift_store: Store) -> None:
    points = relations_index(shift_store, "JPN", "CHN", **HALF)
    # As in test_analytics_index_values_by_month: the future and undated events do not count.
    assert [(p.period, p.band, p.events) for p in points] == [
        (D(2024, 1, 1), "good", 1),
        (D(2024, 2, 1), "discord", 1),
    ]
    assert [p.value for p in points] == pytest.approx([4.5, -1.8])
    later = relations_index(shift_store, "CHN", "JPN", since=D(2024, 2, 1), **HALF)
    assert [(p.period, p.events) for p in later] == [(D(2024, 2, 1), 1)]
    assert later[0].value == pytest.approx(-1.8)  # January still weighs in, decayed
    early = relations_index(shift_store, "CHN", "JPN", until=D(2024, 1, 31), **HALF)
    assert [p.period for p in early] == [D(2024, 1, 1)]


def test_analytics_relations_index_defaults() -> None:
    with make_store(ev("d1", 0, CHN, JPN, 6.0, D(2024, 1, 31))) as store:
        points = relations_index(store, "CHN", "JPN")
    # Month ending the event's day (w = 1), prior 5: 0.9 * 6 / (1 + 5) = 0.9.
    assert points == [IndexPoint(D(2024, 1, 1), pytest.approx(0.9), "ordinary", 1)]  # type: ignore[arg-type]
    assert points[0].to_dict() == {
        "period": "2024-01-01",
        "value": 0.9,
        "band": "ordinary",
        "events": 1,
    }


def test_analytics_relations_report_joins_series_and_index(shift_store: Store) -> None:
    report = relations_report(shift_store, "CHN", "JPN", directed=True, **HALF)
    # Directed counts: CHN->JPN in January only; the index stays undirected.
    assert [(r.period, r.events, r.q1, r.q4, r.band) for r in report.rows] == [
        (D(2024, 1, 1), 1, 1, 0, "good"),
        (D(2024, 2, 1), 0, 0, 0, "discord"),
    ]
    # 4.5 -> (4.5 + 9) / 18 * 7 = 5.25 -> "▆"; -1.8 -> (7.2 / 18) * 7 = 2.8 -> "▄"
    assert report.sparkline() == "▆▄"
    data = json.loads(json.dumps(report.to_dict()))
    assert data["rows"][1] == {
        "period": "2024-02-01", "events": 0, "q1": 0, "q2": 0, "q3": 0, "q4": 0,
        "goldstein_mean": 0.0, "index": -1.8, "band": "discord",
    }  # fmt: skip
    assert (data["a"], data["b"], data["directed"], data["sparkline"]) == ("CHN", "JPN", True, "▆▄")


# -- shifts ---------------------------------------------------------------------------------------


def test_analytics_flag_changes() -> None:
    points = [
        IndexPoint(D(2024, 1, 1), 0.5, "ordinary", 1),
        IndexPoint(D(2024, 2, 1), 2.9, "ordinary", 1),  # moved 2.4 >= 2: flagged
        IndexPoint(D(2024, 3, 1), 3.1, "good", 1),  # new band: flagged
        IndexPoint(D(2024, 4, 1), 3.2, "good", 1),  # neither
    ]
    assert flag_changes(points, min_change=2.0) == [1, 2]
    assert flag_changes(points, min_change=0.1) == [1, 2, 3]
    assert flag_changes(points[:1], min_change=2.0) == []


def test_analytics_detect_shifts(shift_store: Store) -> None:
    shifts = detect_shifts(shift_store, **HALF)
    assert [(s.a, s.b, s.period, s.band_before, s.band_after) for s in shifts] == [
        ("CHN", "JPN", D(2024, 2, 1), "good", "discord"),
        ("RUS", "USA", D(2024, 2, 1), "ordinary", "discord"),
        ("FRA", "GBR", D(2024, 3, 1), "good", "ordinary"),
    ]
    chn_jpn, rus_usa, fra_gbr = shifts
    assert (chn_jpn.before, chn_jpn.after) == pytest.approx((4.5, -1.8))
    assert chn_jpn.drivers == (SHIFT_EVENTS[1].event_id,)  # the -10 of JPN->CHN

    # RUS-USA. January: +2 alone -> 0.9 * 2 / (1 + 1) = 0.9.
    # February: January's event at w = 0.5 (N 0.5, S 1); six events of Feb 29 at w = 1
    # (-7 -6 -5 -4 -2 +3 = -21) and -8 of Feb 1 at w8 = 2 ** (-28 / 29):
    w8 = 2 ** (-28 / 29)
    feb = 0.9 * (1 - 21 - 8 * w8) / (0.5 + 6 + w8 + 1)
    assert (rus_usa.before, rus_usa.after) == pytest.approx((0.9, feb))
    # Drivers by |goldstein * w|: -7, -6, -5, then -8 * w8 = -4.10 before -4; +3 pushes up.
    minus7, minus6, minus5, minus8, minus4 = (FEB_DRIVERS[i].event_id for i in (0, 1, 2, 3, 4))
    assert rus_usa.drivers == (minus7, minus6, minus5, minus8, minus4)

    # FRA-GBR fades: January 4.5, February 0.9 * 5 / 1.5 = 3.0 (still good), March ends 60
    # days after Jan 31 with no events: w = 2 ** (-60 / 29), 0.9 * 10w / (w + 1) < 3.
    w60 = 2 ** (-60 / 29)
    assert (fra_gbr.before, fra_gbr.after) == pytest.approx((3.0, 0.9 * 10 * w60 / (w60 + 1)))
    assert fra_gbr.drivers == ()  # nothing happened in March: the warmth faded


def test_analytics_detect_shifts_window_and_threshold(shift_store: Store) -> None:
    until_feb = detect_shifts(shift_store, until=D(2024, 2, 29), **HALF)
    assert [(s.a, s.b) for s in until_feb] == [("CHN", "JPN"), ("RUS", "USA")]
    # From February on, each dyad's first period is February: nothing to compare it with.
    # FRA-GBR's only event from then is in April, so its first period is April.
    assert detect_shifts(shift_store, since=D(2024, 2, 1), **HALF) == []
    # FRA-GBR February: 4.5 -> 3.0 moved 1.5 without leaving "good"; a lower threshold flags it.
    low = detect_shifts(shift_store, min_change=1.5, **HALF)
    assert ("FRA", "GBR", D(2024, 2, 1)) in [(s.a, s.b, s.period) for s in low]
    with pytest.raises(InputError, match="min_change must be above 0"):
        detect_shifts(shift_store, min_change=0.0)


def test_analytics_shift_to_dict(shift_store: Store) -> None:
    data = detect_shifts(shift_store, **HALF)[0].to_dict()
    assert data == {
        "a": "CHN", "b": "JPN", "period": "2024-02-01", "before": 4.5, "after": -1.8,
        "change": -6.3, "band_before": "good", "band_after": "discord",
        "drivers": [SHIFT_EVENTS[1].event_id],
    }  # fmt: skip


# -- the graph ------------------------------------------------------------------------------------

GRAPH_EVENTS = (
    ev("n1", 0, CHN, USA, 4.0, D(2024, 1, 10)),
    ev("n1", 1, USA, CHN, 2.0, D(2024, 3, 10)),
    *(ev("n2", i, RUS, UKR, -10.0, D(2024, 2, 1), quad=4) for i in range(5)),
    ev("n3", 0, CHN, UN, 5.0, D(2024, 2, 2)),
    ev("n3", 1, CHN, MSF, 3.0, D(2024, 2, 2)),  # an NGO: not a node
    ev("n3", 2, CROWD, CHN, -5.0, D(2024, 2, 2), quad=3),  # no country: not a node
    ev("n4", 0, USA, CHN, 8.0, D(2024, 2, 2), mode="future"),  # not asserted
    ev("n4", 1, USA, CHN, 8.0, None),  # undated
)


@pytest.fixture
def graph_store() -> Store:
    return make_store(*GRAPH_EVENTS)


def test_analytics_relations_graph(graph_store: Store) -> None:
    graph = relations_graph(graph_store)
    assert graph.nodes == (
        Node("CHN", "China", 3),
        Node("IGO:UN", "United Nations", 1),
        Node("RUS", "Russia", 5),
        Node("UKR", "Ukraine", 5),
        Node("USA", "United States", 2),
    )
    # Every event at full weight, prior 5: RUS-UKR 0.9 * -50 / (5 + 5) = -4.5;
    # CHN-USA 0.9 * 6 / (2 + 5) = 5.4 / 7; CHN-IGO:UN 0.9 * 5 / (1 + 5) = 0.75.
    assert graph.edges == (
        Edge("RUS", "UKR", 5, pytest.approx(-4.5), "tension", -10.0),  # type: ignore[arg-type]
        Edge("CHN", "USA", 2, pytest.approx(5.4 / 7), "ordinary", 3.0),  # type: ignore[arg-type]
        Edge("CHN", "IGO:UN", 1, pytest.approx(0.75), "ordinary", 5.0),  # type: ignore[arg-type]
    )
    windowed = relations_graph(graph_store, since=D(2024, 2, 1), until=D(2024, 2, 28))
    assert [(e.a, e.b) for e in windowed.edges] == [("RUS", "UKR"), ("CHN", "IGO:UN")]


def test_analytics_relations_graph_to_dict(graph_store: Store) -> None:
    data = json.loads(json.dumps(relations_graph(graph_store).to_dict()))
    assert data["nodes"][0] == {"id": "CHN", "label": "China", "events": 3}
    assert data["edges"][1] == {
        "a": "CHN", "b": "USA", "events": 2, "index": 0.7714, "band": "ordinary",
        "goldstein_mean": 3.0,
    }  # fmt: skip


def _parse_graphml(
    text: str,
) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], dict[str, str]]]:
    root = ET.fromstring(text)
    assert root.tag == f"{GRAPHML}graphml"
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{GRAPHML}key")}
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "undirected"

    def attrs(element: ET.Element) -> dict[str, str]:
        return {str(keys[d.get("key")]): d.text or "" for d in element.iter(f"{GRAPHML}data")}

    nodes = {str(n.get("id")): attrs(n) for n in graph.iter(f"{GRAPHML}node")}
    edges = {
        (str(e.get("source")), str(e.get("target"))): attrs(e) for e in graph.iter(f"{GRAPHML}edge")
    }
    return nodes, edges


def test_analytics_relations_graph_to_graphml(graph_store: Store) -> None:
    nodes, edges = _parse_graphml(relations_graph(graph_store).to_graphml())
    assert nodes["IGO:UN"] == {"label": "United Nations", "events": "1"}
    assert list(nodes) == ["CHN", "IGO:UN", "RUS", "UKR", "USA"]
    assert edges[("RUS", "UKR")] == {
        "events": "5", "index": "-4.5", "band": "tension", "goldstein_mean": "-10.0",
    }  # fmt: skip
    assert set(edges) == {("RUS", "UKR"), ("CHN", "USA"), ("CHN", "IGO:UN")}


def test_analytics_save_graph_files(graph_store: Store, tmp_path: Path) -> None:
    graph = relations_graph(graph_store)
    save_graph(graph, tmp_path / "g.json", format="json")
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8")) == graph.to_dict()
    save_graph(graph, tmp_path / "g.graphml", format="GraphML")
    nodes, _ = _parse_graphml((tmp_path / "g.graphml").read_text(encoding="utf-8"))
    assert len(nodes) == 5
    save_graph(graph, tmp_path / "g.png", format="png")
    assert (tmp_path / "g.png").read_bytes().startswith(PNG_MAGIC)
    with pytest.raises(InputError, match="unknown graph format 'dot'"):
        save_graph(graph, tmp_path / "g.dot", format="dot")
    with pytest.raises(InputError, match="cannot write the graph"):
        save_graph(graph, tmp_path / "missing" / "g.json", format="json")


# -- plots ----------------------------------------------------------------------------------------


def test_analytics_plots_write_png(shift_store: Store, tmp_path: Path) -> None:
    save_index_png(relations_index(shift_store, "CHN", "JPN"), tmp_path / "i.png", title="CHN-JPN")
    save_index_png([], tmp_path / "empty.png")
    save_graph_png(relations_graph(shift_store), tmp_path / "g.png")
    with make_store() as empty:
        save_graph_png(relations_graph(empty), tmp_path / "g0.png")
    for name in ("i.png", "empty.png", "g.png", "g0.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_MAGIC), name
    with pytest.raises(InputError, match="cannot write the PNG"):
        save_index_png([], tmp_path / "missing" / "i.png")
