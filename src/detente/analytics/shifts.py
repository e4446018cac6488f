"""Shift detection: periods where a relationship changed band or moved sharply.

For every undirected dyad with asserted, dated events in the window, the relations index is
computed per period (``index.py``).  A period is a shift when its band differs from the previous
period's, or when the index moved by at least ``min_change`` points.  Its drivers are the events
of that period that pushed the index the way it moved, ranked by their weighted contribution
``|goldstein * w|`` (the same decay weight ``w`` the index gives them at the period's end).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from detente.analytics.index import Daily, IndexPoint, check_index_options, index_points
from detente.analytics.series import check_freq, check_window, dyad_clause, fetch, period_end
from detente.errors import InputError
from detente.store import Store

__all__ = ["MAX_DRIVERS", "Shift", "detect_shifts", "flag_changes"]

LOGGER = logging.getLogger(__name__)

MAX_DRIVERS = 5
# A dyad needs a target and two different, known actors; the same test the graph uses.
DYADIC = (
    "target_country IS NOT NULL AND source_country <> '' AND target_country <> '' "
    "AND source_country <> target_country"
)


@dataclass(frozen=True, slots=True)
class Shift:
    """A change in the relations of ``a`` and ``b`` (``a < b``) at the end of ``period``."""

    a: str
    b: str
    period: dt.date
    before: float
    after: float
    band_before: str
    band_after: str
    drivers: tuple[str, ...]  # event ids, strongest push first, at most MAX_DRIVERS

    @property
    def change(self) -> float:
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "period": self.period.isoformat(),
            "before": round(self.before, 4),
            "after": round(self.after, 4),
            "change": round(self.change, 4),
            "band_before": self.band_before,
            "band_after": self.band_after,
            "drivers": list(self.drivers),
        }


def flag_changes(points: Sequence[IndexPoint], *, min_change: float) -> list[int]:
    """Positions (from 1) whose band differs from the previous point's or that moved by
    ``min_change`` or more (the pure core of shift detection)."""
    flagged = []
    for i in range(1, len(points)):
        before, after = points[i - 1], points[i]
        if before.band != after.band or abs(after.value - before.value) >= min_change:
            flagged.append(i)
    return flagged


def _all_daily(store: Store, until: dt.date | None) -> dict[tuple[str, str], list[Daily]]:
    sql = (
        "SELECT least(source_country, target_country) AS a, "
        "greatest(source_country, target_country) AS b, date, count(*), sum(goldstein) "
        f"FROM events WHERE mode = 'asserted' AND date IS NOT NULL AND {DYADIC}"
    )
    params: list[object] = []
    if until is not None:
        sql += " AND date <= ?"
        params.append(until)
    rows = fetch(store, sql + " GROUP BY a, b, date ORDER BY a, b, date", params)
    return {
        dyad: [(row[2], int(row[3]), float(row[4])) for row in group]
        for dyad, group in groupby(rows, key=lambda row: (row[0], row[1]))
    }


def _drivers(
    store: Store,
    dyad: tuple[str, str],
    period: dt.date,
    *,
    freq: str,
    since: dt.date | None,
    direction: float,
    half_life_days: float,
) -> tuple[str, ...]:
    end = period_end(period, freq)
    first = max(period, since) if since is not None else period
    clause, params = dyad_clause(*dyad, directed=False)
    rows = fetch(
        store,
        f"SELECT event_id, date, goldstein FROM events WHERE {clause} "
        "AND mode = 'asserted' AND date BETWEEN ? AND ?",
        [*params, first, end],
    )
    pushes = []
    for event_id, day, goldstein in rows:
        contribution = goldstein * 2.0 ** (-(end - day).days / half_life_days)
        if contribution * direction > 0:
            pushes.append((-abs(contribution), event_id))
    return tuple(event_id for _, event_id in sorted(pushes)[:MAX_DRIVERS])


def detect_shifts(
    store: Store,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    freq: str = "month",
    min_change: float = 2.0,
    half_life_days: float = 90.0,
    prior_events: float = 5.0,
) -> list[Shift]:
    """Every shift of every dyad in ``since..until``, ordered by period, then dyad.

    A period without events can still be a shift (the index fades towards 0); it has no
    drivers.  The first period of a dyad has nothing to compare with and is never a shift.
    """
    freq = check_freq(freq)
    check_window(since, until)
    check_index_options(half_life_days, prior_events)
    if not min_change > 0:
        raise InputError(f"min_change must be above 0 (e.g. 2.0), got {min_change}")
    shifts = []
    for dyad, daily in _all_daily(store, until).items():
        points = index_points(
            daily, freq=freq, since=since, half_life_days=half_life_days, prior_events=prior_events
        )
        for i in flag_changes(points, min_change=min_change):
            before, after = points[i - 1], points[i]
            drivers = _drivers(
                store, dyad, after.period, freq=freq, since=since,
                direction=after.value - before.value, half_life_days=half_life_days,
            )  # fmt: skip
            values = (before.value, after.value, before.band, after.band)
            shifts.append(Shift(dyad[0], dyad[1], after.period, *values, drivers=drivers))
    shifts.sort(key=lambda s: (s.period, s.a, s.b))
    LOGGER.info("found %d shifts", len(shifts))
    return shifts
