"""The relations index: one number from -9 to +9 per dyad and period, in six named bands.

For the last day ``E`` of each period, every asserted event between the two actors dated on or
before ``E`` gets the weight ``w = 2 ** (-(E - date).days / half_life_days)``.  With
``N = sum(w)`` and ``S = sum(w * goldstein)``::

    index = 0.9 * S / (N + prior_events)

``S / N`` is the decayed Goldstein mean (-10..+10, scaled by 0.9 to -9..+9); adding
``prior_events`` to the denominator is a prior of that many neutral (Goldstein 0) events, so a
dyad seen in two articles stays near 0 while one seen in two hundred shows its real mean.  The
weights fall by half every ``half_life_days``, so one noisy week moves the index less than a
steady quarter, and a dyad that goes quiet drifts back towards 0.  docs/analytics.md has the
band table and a worked example; ``index_values`` is the pure core the tests hand-compute.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from detente.analytics.series import (
    SeriesPoint,
    check_dyad,
    check_freq,
    check_window,
    dyad_clause,
    dyad_series,
    fetch,
    period_end,
    period_range,
    period_start,
    sparkline,
)
from detente.errors import InputError
from detente.store import Store

__all__ = [
    "BANDS",
    "BAND_COLOURS",
    "GOLDSTEIN_SCALE",
    "IndexPoint",
    "RelationsReport",
    "ReportRow",
    "band",
    "check_index_options",
    "fetch_daily",
    "index_points",
    "index_value",
    "index_values",
    "relations_index",
    "relations_report",
]

LOGGER = logging.getLogger(__name__)

GOLDSTEIN_SCALE = 0.9  # Goldstein's -10..+10 onto the index's -9..+9
# (name, lower bound inclusive, upper bound exclusive; +9 itself is "friendly").
BANDS = (
    ("confrontation", -9.0, -6.0),
    ("tension", -6.0, -3.0),
    ("discord", -3.0, 0.0),
    ("ordinary", 0.0, 3.0),
    ("good", 3.0, 6.0),
    ("friendly", 6.0, 9.0),
)
# One colour per band for charts (plot.py, the dashboard): red through grey to green.
BAND_COLOURS = {
    "confrontation": "#b2182b",
    "tension": "#e0603a",
    "discord": "#f4a582",
    "ordinary": "#bdbdbd",
    "good": "#7fbf7b",
    "friendly": "#1b7837",
}

Daily = tuple[dt.date, int, float]  # (day, events, Goldstein sum)


def band(value: float) -> str:
    """The band holding ``value``; values beyond -9 or +9 fall in the outer bands."""
    for name, _, upper in BANDS[:-1]:
        if value < upper:
            return name
    return BANDS[-1][0]


def index_value(weighted_sum: float, weighted_count: float, prior_events: float) -> float:
    """``0.9 * S / (N + k)``; 0.0 when there is neither evidence nor prior."""
    denominator = weighted_count + prior_events
    return GOLDSTEIN_SCALE * weighted_sum / denominator if denominator > 0 else 0.0


def check_index_options(half_life_days: float, prior_events: float) -> None:
    """``InputError`` for a half-life that is not positive or a negative prior."""
    if not half_life_days > 0:
        raise InputError(f"half_life_days must be above 0 (e.g. 90), got {half_life_days}")
    if not prior_events >= 0:
        raise InputError(f"prior_events must be 0 or more (e.g. 5), got {prior_events}")


def _group_daily(events: Iterable[tuple[dt.date, float]]) -> list[Daily]:
    days: dict[dt.date, tuple[int, float]] = {}
    for day, goldstein in events:
        count, total = days.get(day, (0, 0.0))
        days[day] = (count + 1, total + goldstein)
    return [(day, count, total) for day, (count, total) in sorted(days.items())]


def _decayed(
    daily: Sequence[Daily], periods: Sequence[dt.date], freq: str, half_life: float, prior: float
) -> list[float]:
    # One pass: carry (N, S) from one period end to the next, decaying both by the days between,
    # then add the new days; the same sums as re-weighting every event, in O(days + periods).
    count = total = 0.0
    last: dt.date | None = None
    position = 0
    values = []
    for start in periods:
        end = period_end(start, freq)
        if last is not None:
            factor = 2.0 ** (-(end - last).days / half_life)
            count, total = count * factor, total * factor
        while position < len(daily) and daily[position][0] <= end:
            day, n, s = daily[position]
            weight = 2.0 ** (-(end - day).days / half_life)
            count, total = count + n * weight, total + s * weight
            position += 1
        last = end
        values.append(index_value(total, count, prior))
    return values


def index_values(
    events: Iterable[tuple[dt.date, float]],
    periods: Sequence[dt.date],
    *,
    freq: str = "month",
    half_life_days: float = 90.0,
    prior_events: float = 5.0,
) -> list[float]:
    """The index at the end of each period from ``(date, goldstein)`` pairs (the pure core).

    ``periods`` are period starts in order; events after a period's last day do not count
    for it, and events before the first period still count, decayed.
    """
    check_index_options(half_life_days, prior_events)
    freq = check_freq(freq)
    return _decayed(_group_daily(events), periods, freq, half_life_days, prior_events)


@dataclass(frozen=True, slots=True)
class IndexPoint:
    """The index at the end of one period; ``events`` counts that period's events only."""

    period: dt.date
    value: float
    band: str
    events: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.isoformat(),
            "value": round(self.value, 4),
            "band": self.band,
            "events": self.events,
        }


def fetch_daily(store: Store, a: str, b: str, until: dt.date | None) -> list[Daily]:
    """Asserted, dated events between ``a`` and ``b`` (both ways) per day, up to ``until``."""
    dyad, params = dyad_clause(a, b, directed=False)
    sql = (
        "SELECT date, count(*), sum(goldstein) FROM events "
        f"WHERE {dyad} AND mode = 'asserted' AND date IS NOT NULL"
    )
    if until is not None:
        sql += " AND date <= ?"
        params.append(until)
    rows = fetch(store, sql + " GROUP BY date ORDER BY date", params)
    return [(row[0], int(row[1]), float(row[2])) for row in rows]


def index_points(
    daily: Sequence[Daily],
    *,
    freq: str,
    since: dt.date | None,
    half_life_days: float,
    prior_events: float,
) -> list[IndexPoint]:
    """Index points from the first to the last period with events on or after ``since``."""
    shown = [d for d in daily if since is None or d[0] >= since]
    if not shown:
        return []
    periods = period_range(shown[0][0], shown[-1][0], freq)
    counts = dict.fromkeys(periods, 0)
    for day, n, _ in shown:
        counts[period_start(day, freq)] += n
    values = _decayed(daily, periods, freq, half_life_days, prior_events)
    return [IndexPoint(p, v, band(v), counts[p]) for p, v in zip(periods, values, strict=True)]


def relations_index(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    half_life_days: float = 90.0,
    prior_events: float = 5.0,
) -> list[IndexPoint]:
    """The undirected relations index of ``a`` and ``b`` per period (asserted events only).

    Periods run from the first to the last with events in ``since..until``; events before
    ``since`` still weigh in, decayed, so the first point is not a cold start.
    """
    freq = check_freq(freq)
    a, b = check_dyad(a, b)
    check_window(since, until)
    check_index_options(half_life_days, prior_events)
    daily = fetch_daily(store, a, b, until)
    return index_points(
        daily, freq=freq, since=since, half_life_days=half_life_days, prior_events=prior_events
    )


# -- the report behind `detente relations` --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One period of a dyad: its counts (directed or not) and the undirected index."""

    period: dt.date
    events: int
    q1: int
    q2: int
    q3: int
    q4: int
    goldstein_mean: float
    index: float
    band: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.isoformat(),
            "events": self.events,
            "q1": self.q1,
            "q2": self.q2,
            "q3": self.q3,
            "q4": self.q4,
            "goldstein_mean": round(self.goldstein_mean, 4),
            "index": round(self.index, 4),
            "band": self.band,
        }


@dataclass(frozen=True, slots=True)
class RelationsReport:
    """A dyad's series and index side by side, one row per period."""

    a: str
    b: str
    freq: str
    directed: bool
    rows: tuple[ReportRow, ...]

    def sparkline(self) -> str:
        """The index as block characters on the fixed -9..+9 scale."""
        return sparkline((row.index for row in self.rows), lo=-9.0, hi=9.0)

    def index_points(self) -> list[IndexPoint]:
        return [IndexPoint(r.period, r.index, r.band, r.events) for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "freq": self.freq,
            "directed": self.directed,
            "rows": [row.to_dict() for row in self.rows],
            "sparkline": self.sparkline(),
        }


def relations_report(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    directed: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    half_life_days: float = 90.0,
    prior_events: float = 5.0,
) -> RelationsReport:
    """``dyad_series`` joined to ``relations_index`` on the index's periods.

    Counts are ``a -> b`` only when ``directed``; the index is always both ways, so its
    periods cover every period of the series and a period without counts shows zeros.
    """
    a, b = check_dyad(a, b)
    points = relations_index(
        store, a, b, freq=freq, since=since, until=until,
        half_life_days=half_life_days, prior_events=prior_events,
    )  # fmt: skip
    series = dyad_series(store, a, b, freq=freq, directed=directed, since=since, until=until)
    by_period = {s.period: s for s in series}
    empty = SeriesPoint(dt.date.min, 0, 0, 0, 0, 0, 0.0, 0.0)
    rows = []
    for point in points:
        s = by_period.get(point.period, empty)
        counts = (s.events, s.q1, s.q2, s.q3, s.q4, s.goldstein_mean)
        rows.append(ReportRow(point.period, *counts, index=point.value, band=point.band))
    return RelationsReport(a, b, check_freq(freq), directed, tuple(rows))
