"""Cross-article event clusters: the same event reported by several articles.

Two events belong to one cluster when they have the same source, target and CAMEO code and
their dates are at most ``WINDOW_DAYS`` apart.  A new event joins the cluster of the closest
such event already stored (or earlier in the same batch); otherwise it starts a cluster named
by its own event id.  Undated events are always their own cluster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.models import Event

WINDOW_DAYS = 3

ClusterKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Known:
    """An event already clustered: its key, date and cluster id."""

    key: ClusterKey
    date: dt.date
    cluster_id: str


def shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, stopping at ``date.min``/``date.max`` instead of overflowing."""
    room = (dt.date.max - day).days if days >= 0 else (day - dt.date.min).days
    if abs(days) > room:
        return dt.date.max if days >= 0 else dt.date.min
    return day + dt.timedelta(days=days)


def search_window(dates: Iterable[dt.date]) -> tuple[dt.date, dt.date]:
    """The stored dates an event on one of ``dates`` could share a cluster with (clamped to
    what a date can hold, so 0001-01-01 and 9999-12-31 work)."""
    days = list(dates)
    return shift(min(days), -WINDOW_DAYS), shift(max(days), WINDOW_DAYS)


def cluster_key(event: Event) -> ClusterKey:
    return (event.source.code, event.target.code if event.target else "", event.cameo)


def assign_clusters(events: Sequence[Event], known: Iterable[Known]) -> dict[str, str]:
    """Map each event id to its cluster id, given events already clustered."""
    by_key: dict[ClusterKey, list[Known]] = {}
    for item in known:
        by_key.setdefault(item.key, []).append(item)
    assigned: dict[str, str] = {}
    for event in sorted(events, key=lambda e: (e.date or dt.date.max, e.event_id)):
        day = event.date
        if day is None:
            assigned[event.event_id] = event.event_id
            continue
        key = cluster_key(event)
        near = [k for k in by_key.get(key, []) if abs((k.date - day).days) <= WINDOW_DAYS]
        if near:
            closest = min(near, key=lambda k: (abs((k.date - day).days), k.cluster_id))
            cluster = closest.cluster_id
        else:
            cluster = event.event_id
        assigned[event.event_id] = cluster
        by_key.setdefault(key, []).append(Known(key, day, cluster))
    return assigned
