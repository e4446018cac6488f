"""Dyad time series: events, quad classes and Goldstein per period, computed in DuckDB.

``dyad_series(store, "CHN", "JPN", freq="month")`` counts the dated events between two actors
per calendar period (``date_trunc`` in SQL, values always bound as parameters).  Periods with no
events between the first and the last period are filled with zeros, so a chart or a sparkline
never hides a quiet stretch.  The period helpers here (``period_start``, ``period_range``) are
the Python twins of DuckDB's ``date_trunc`` and are shared by the index, shifts and graph.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from detente.errors import InputError, StoreError
from detente.models import MODES
from detente.store import Store

__all__ = [
    "FREQS",
    "SeriesPoint",
    "check_dyad",
    "check_freq",
    "check_window",
    "dyad_clause",
    "dyad_series",
    "fetch",
    "period_end",
    "period_range",
    "period_start",
    "sparkline",
    "window_clause",
]

LOGGER = logging.getLogger(__name__)

FREQS = ("day", "week", "month", "quarter")
_BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """Counts for one period (``period`` is its first day; weeks start on Monday)."""

    period: dt.date
    events: int
    q1: int  # verbal cooperation
    q2: int  # material cooperation
    q3: int  # verbal conflict
    q4: int  # material conflict
    goldstein_sum: float
    goldstein_mean: float  # 0.0 for a period without events

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.isoformat(),
            "events": self.events,
            "q1": self.q1,
            "q2": self.q2,
            "q3": self.q3,
            "q4": self.q4,
            "goldstein_sum": round(self.goldstein_sum, 4),
            "goldstein_mean": round(self.goldstein_mean, 4),
        }


# -- periods ------------------------------------------------------------------------------------


def check_freq(freq: str) -> str:
    """``freq`` lower-cased, or ``InputError`` naming the allowed values."""
    value = freq.lower()
    if value not in FREQS:
        raise InputError(f"unknown frequency {freq!r}; use one of {', '.join(FREQS)}")
    return value


def period_start(day: dt.date, freq: str) -> dt.date:
    """First day of the period holding ``day`` (what DuckDB's ``date_trunc`` returns)."""
    if freq == "day":
        return day
    if freq == "week":
        return day - dt.timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    if freq == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise InputError(f"unknown frequency {freq!r}; use one of {', '.join(FREQS)}")


def _next_start(start: dt.date, freq: str) -> dt.date:
    if freq == "day":
        return start + dt.timedelta(days=1)
    if freq == "week":
        return start + dt.timedelta(days=7)
    months = 1 if freq == "month" else 3
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(start: dt.date, freq: str) -> dt.date:
    """Last day of the period that begins on ``start``."""
    return _next_start(start, freq) - dt.timedelta(days=1)


def period_range(first: dt.date, last: dt.date, freq: str) -> list[dt.date]:
    """Starts of every period from the one holding ``first`` to the one holding ``last``."""
    current, stop = period_start(first, freq), period_start(last, freq)
    periods: list[dt.date] = []
    while current <= stop:
        periods.append(current)
        current = _next_start(current, freq)
    return periods


# -- checks and SQL pieces shared by the analytics modules --------------------------------------


def check_dyad(a: str, b: str) -> tuple[str, str]:
    """The two actor codes upper-cased; ``InputError`` if one is empty or they are equal."""
    first, second = a.strip().upper(), b.strip().upper()
    if not first or not second:
        raise InputError(f"a dyad needs two actor codes like CHN JPN, got {a!r} and {b!r}")
    if first == second:
        raise InputError(f"a dyad needs two different actors, got {first} twice")
    return first, second


def _check_modes(modes: Sequence[str]) -> list[str]:
    chosen = [m.lower() for m in modes]
    unknown = [m for m in chosen if m not in MODES]
    if not chosen or unknown:
        raise InputError(f"modes {list(modes)!r} must be one or more of {', '.join(MODES)}")
    return chosen


def check_window(since: dt.date | None, until: dt.date | None) -> None:
    """``InputError`` when ``since`` is after ``until``."""
    if since is not None and until is not None and since > until:
        raise InputError(f"since ({since}) is after until ({until}); nothing can match")


def dyad_clause(a: str, b: str, *, directed: bool) -> tuple[str, list[object]]:
    """SQL condition matching ``a -> b`` (and ``b -> a`` unless ``directed``) with its values."""
    if directed:
        return "(source_country = ? AND target_country = ?)", [a, b]
    one_way = "(source_country = ? AND target_country = ?)"
    return f"({one_way} OR {one_way})", [a, b, b, a]


def window_clause(since: dt.date | None, until: dt.date | None) -> tuple[str, list[object]]:
    """SQL condition on the event date (always excluding undated events) with its values."""
    clauses = ["date IS NOT NULL"]
    params: list[object] = []
    if since is not None:
        clauses.append("date >= ?")
        params.append(since)
    if until is not None:
        clauses.append("date <= ?")
        params.append(until)
    return " AND ".join(clauses), params


def fetch(store: Store, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on its own cursor; DuckDB failures become ``StoreError``."""
    cur = store.cursor()
    try:
        return cur.execute(sql, list(params)).fetchall()
    except duckdb.Error as e:
        raise StoreError(f"an analytics query failed on {store.path}: {e}") from e
    finally:
        cur.close()


# -- the series ---------------------------------------------------------------------------------


def dyad_series(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    directed: bool = True,
    since: dt.date | None = None,
    until: dt.date | None = None,
    modes: Sequence[str] = ("asserted",),
) -> list[SeriesPoint]:
    """Events from ``a`` to ``b`` (both ways unless ``directed``) per period, gaps as zeros.

    Only dated events whose mode is in ``modes`` count; ``since``/``until`` are inclusive.
    """
    freq = check_freq(freq)
    a, b = check_dyad(a, b)
    check_window(since, until)
    dyad, dyad_params = dyad_clause(a, b, directed=directed)
    window, window_params = window_clause(since, until)
    # freq was checked against FREQS above, so formatting it into the SQL is safe.
    sql = f"""
        SELECT date_trunc('{freq}', date)::DATE AS period, count(*),
               count_if(quad_class = 1), count_if(quad_class = 2),
               count_if(quad_class = 3), count_if(quad_class = 4),
               coalesce(sum(goldstein), 0.0)
        FROM events
        WHERE {dyad} AND {window} AND mode IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY period ORDER BY period
    """
    rows = fetch(store, sql, [*dyad_params, *window_params, _check_modes(modes)])
    found = {row[0]: row for row in rows}
    if not found:
        return []
    points = []
    for period in period_range(rows[0][0], rows[-1][0], freq):
        row = found.get(period)
        if row is None:
            points.append(SeriesPoint(period, 0, 0, 0, 0, 0, 0.0, 0.0))
            continue
        events, total = int(row[1]), float(row[6])
        q1, q2, q3, q4 = (int(q) for q in row[2:6])
        points.append(SeriesPoint(period, events, q1, q2, q3, q4, total, total / events))
    LOGGER.debug("series %s-%s: %d periods, %d with events", a, b, len(points), len(rows))
    return points


def sparkline(values: Iterable[float], *, lo: float | None = None, hi: float | None = None) -> str:
    """One block character per value, from ``▁`` at ``lo`` to ``█`` at ``hi``.

    ``lo``/``hi`` default to the smallest and largest value; give them to draw several lines
    on one scale (the relations index uses -9..+9).  Values outside are clamped.
    """
    items = list(values)
    if not items:
        return ""
    low = min(items) if lo is None else lo
    high = max(items) if hi is None else hi
    if high <= low:
        return _BARS[len(_BARS) // 2 - 1] * len(items)  # a flat line, drawn mid-height
    steps = len(_BARS) - 1
    chars = []
    for value in items:
        share = (min(max(value, low), high) - low) / (high - low)
        chars.append(_BARS[int(share * steps + 0.5)])  # half up, not to even
    return "".join(chars)
