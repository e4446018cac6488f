"""Event filters and the SQL built from them, plus the mapping between events rows and records.

``EventFilter`` is the one description of "which events" shared by ``Store.events``,
``Store.dyad_summary`` and the exporters.  ``build_where`` turns it into a WHERE clause whose
values are always bound as parameters, never formatted into the SQL text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from detente.errors import InputError
from detente.models import MODES, Actor, Event, Place

__all__ = [
    "EVENT_COLUMNS",
    "PLOVER_TYPES",
    "DyadSummary",
    "EventFilter",
    "build_dyad_summary",
    "build_select",
    "build_where",
    "event_to_row",
    "row_to_event",
]

LOGGER = logging.getLogger(__name__)

# PLOVER event types.  The ontology has two published vocabularies (the 16 types POLECAT uses,
# and the reference list with DEMAND/DISAPPROVE/INVESTIGATE/CRIME); accept both so a filter
# never rejects a type the coder may emit.
PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "INVESTIGATE",
    "REQUEST",
    "DEMAND",
    "ACCUSE",
    "DISAPPROVE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "CRIME",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

# Columns of the events table, in table order (also the CSV header).
EVENT_COLUMNS = (
    "event_id",
    "article_id",
    "sentence_index",
    "sentence",
    "trigger",
    "trigger_start",
    "trigger_end",
    "source_text",
    "source_country",
    "source_sector",
    "source_name",
    "source_kb_id",
    "source_code",
    "target_text",
    "target_country",
    "target_sector",
    "target_name",
    "target_kb_id",
    "target_code",
    "cameo",
    "cameo_root",
    "plover",
    "quad_class",
    "goldstein",
    "mode",
    "date",
    "date_precision",
    "location_name",
    "location_country",
    "attribution",
    "confidence",
    "coder",
    "mention_id",
    "evidence",
    "cluster_id",
)

_CAMEO_PREFIX = re.compile(r"\d{2,4}")
_ORDER = "ORDER BY date, article_id, sentence_index, trigger_start, event_id"


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to read.  Every field left at its default matches everything.

    ``dyad`` is directed (source, target) unless ``undirected`` is set; ``country`` matches
    either side; ``cameo`` is a code prefix ("04" the whole root, "042" the code and its
    children); ``since``/``until`` are inclusive bounds on the event date.
    """

    dyad: tuple[str, str] | None = None
    undirected: bool = False
    country: str | None = None
    cameo: str | None = None
    plover: str | None = None
    mode: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    article_id: str | None = None
    min_confidence: float | None = None  # e.g. 0.55 keeps rule events, drops second opinions
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        # Validate at construction so a bad CLI flag fails before any query runs.
        _validate(self)


def _validate(filt: EventFilter) -> None:
    if filt.dyad is not None and (
        len(filt.dyad) != 2 or not all(isinstance(c, str) and c for c in filt.dyad)
    ):
        raise InputError(f"dyad must be two country codes like ('USA', 'CHN'), got {filt.dyad!r}")
    if filt.undirected and filt.dyad is None:
        raise InputError("undirected=True needs a dyad to match in both directions")
    if filt.country is not None and not filt.country:
        raise InputError("country filter is empty; give a code like 'USA' or leave it unset")
    if filt.cameo is not None and not _CAMEO_PREFIX.fullmatch(filt.cameo):
        raise InputError(
            f"cameo filter {filt.cameo!r} is not a CAMEO code prefix; "
            "use 2 to 4 digits, e.g. '04' (a root) or '042' (a code and its children)"
        )
    if filt.plover is not None and filt.plover.upper() not in PLOVER_TYPES:
        raise InputError(f"unknown PLOVER type {filt.plover!r}; allowed: {', '.join(PLOVER_TYPES)}")
    if filt.mode is not None and filt.mode.lower() not in MODES:
        raise InputError(f"unknown mode {filt.mode!r}; allowed: {', '.join(MODES)}")
    if filt.since is not None and filt.until is not None and filt.since > filt.until:
        raise InputError(f"since ({filt.since}) is after until ({filt.until}); nothing can match")
    if filt.min_confidence is not None and not 0.0 <= filt.min_confidence <= 1.0:
        raise InputError(f"min_confidence must be between 0 and 1, got {filt.min_confidence}")
    if filt.limit is not None and filt.limit < 0:
        raise InputError(f"limit must be 0 or more, got {filt.limit}")
    if filt.offset < 0:
        raise InputError(f"offset must be 0 or more, got {filt.offset}")


def build_where(filt: EventFilter) -> tuple[str, list[object]]:
    """A parameterised ``WHERE ...`` clause (or ``""``) and its values, for the events table."""
    _validate(filt)
    clauses: list[str] = []
    params: list[object] = []
    if filt.dyad is not None:
        source, target = (c.upper() for c in filt.dyad)
        if filt.undirected:
            clauses.append(
                "((source_country = ? AND target_country = ?) "
                "OR (source_country = ? AND target_country = ?))"
            )
            params += [source, target, target, source]
        else:
            clauses.append("source_country = ? AND target_country = ?")
            params += [source, target]
    if filt.country is not None:
        code = filt.country.upper()
        clauses.append("(source_country = ? OR target_country = ?)")
        params += [code, code]
    if filt.cameo is not None:
        clauses.append("starts_with(cameo, ?)")
        params.append(filt.cameo)
    if filt.plover is not None:
        clauses.append("plover = ?")
        params.append(filt.plover.upper())
    if filt.mode is not None:
        clauses.append("mode = ?")
        params.append(filt.mode.lower())
    if filt.since is not None:
        clauses.append("date >= ?")
        params.append(filt.since)
    if filt.until is not None:
        clauses.append("date <= ?")
        params.append(filt.until)
    if filt.article_id is not None:
        clauses.append("article_id = ?")
        params.append(filt.article_id)
    if filt.min_confidence is not None:
        clauses.append("confidence >= ?")
        params.append(filt.min_confidence)
    if not clauses:
        return "", []
    return "WHERE " + " AND ".join(clauses), params


def _limit_clause(filt: EventFilter) -> tuple[str, list[object]]:
    parts: list[str] = []
    params: list[object] = []
    if filt.limit is not None:
        parts.append("LIMIT ?")
        params.append(filt.limit)
    if filt.offset:
        parts.append("OFFSET ?")
        params.append(filt.offset)
    return " ".join(parts), params


def build_select(
    filt: EventFilter, columns: Sequence[str] = EVENT_COLUMNS
) -> tuple[str, list[object]]:
    """The full ordered, limited SELECT of ``columns`` from events matching ``filt``."""
    unknown = [c for c in columns if c not in EVENT_COLUMNS]
    if unknown:
        raise InputError(f"unknown event columns {unknown}; allowed: {', '.join(EVENT_COLUMNS)}")
    where, params = build_where(filt)
    limit, limit_params = _limit_clause(filt)
    sql = f"SELECT {', '.join(columns)} FROM events {where} {_ORDER} {limit}"
    return sql, params + limit_params


@dataclass(frozen=True, slots=True)
class DyadSummary:
    """Counts for one directed pair of countries: events, mean Goldstein and quad classes."""

    source: str
    target: str
    events: int
    mean_goldstein: float
    q1: int  # verbal cooperation
    q2: int  # material cooperation
    q3: int  # verbal conflict
    q4: int  # material conflict


def build_dyad_summary(filt: EventFilter) -> tuple[str, list[object]]:
    """SELECT producing ``DyadSummary`` rows; ``limit``/``offset`` apply to the dyads."""
    where, params = build_where(filt)
    # Only events with a target and known countries on both sides form a dyad.
    has_dyad = "target_country IS NOT NULL AND target_country <> '' AND source_country <> ''"
    where = f"{where} AND {has_dyad}" if where else f"WHERE {has_dyad}"
    limit, limit_params = _limit_clause(filt)
    sql = f"""
        SELECT source_country, target_country, count(*) AS events, avg(goldstein),
               count_if(quad_class = 1), count_if(quad_class = 2),
               count_if(quad_class = 3), count_if(quad_class = 4)
        FROM events {where}
        GROUP BY source_country, target_country
        ORDER BY events DESC, source_country, target_country
        {limit}
    """
    return sql, params + limit_params


def event_to_row(event: Event) -> dict[str, Any]:
    """The events-table row for ``event``; target and location columns are NULL when absent."""
    source, target, place = event.source, event.target, event.location
    return {
        "event_id": event.event_id,
        "article_id": event.article_id,
        "sentence_index": event.sentence_index,
        "sentence": event.sentence,
        "trigger": event.trigger,
        "trigger_start": event.trigger_start,
        "trigger_end": event.trigger_end,
        "source_text": source.text,
        "source_country": source.country,
        "source_sector": source.sector,
        "source_name": source.name,
        "source_kb_id": source.kb_id,
        "source_code": source.code,
        "target_text": target.text if target else None,
        "target_country": target.country if target else None,
        "target_sector": target.sector if target else None,
        "target_name": target.name if target else None,
        "target_kb_id": target.kb_id if target else None,
        "target_code": target.code if target else None,
        "cameo": event.cameo,
        "cameo_root": event.cameo_root,
        "plover": event.plover,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "mode": event.mode,
        "date": event.date,
        "date_precision": event.date_precision,
        "location_name": place.name if place else None,
        "location_country": place.country if place else None,
        "attribution": event.attribution,
        "confidence": event.confidence,
        "coder": event.coder,
        "mention_id": event.mention_id,
        "evidence": ",".join(str(i) for i in event.evidence),
        "cluster_id": event.cluster_id or event.event_id,
    }


def row_to_event(row: Sequence[Any]) -> Event:
    """Rebuild an ``Event`` from a row selected with ``EVENT_COLUMNS`` in that order."""
    r = dict(zip(EVENT_COLUMNS, row, strict=True))
    target = None
    if r["target_country"] is not None:
        target = Actor(
            text=r["target_text"] or "",
            country=r["target_country"],
            sector=r["target_sector"] or "",
            name=r["target_name"] or "",
            kb_id=r["target_kb_id"] or "",
        )
    location = None
    if r["location_name"] is not None:
        location = Place(name=r["location_name"], country=r["location_country"] or "")
    return Event(
        article_id=r["article_id"],
        sentence_index=r["sentence_index"],
        sentence=r["sentence"] or "",
        trigger=r["trigger"] or "",
        trigger_start=r["trigger_start"],
        trigger_end=r["trigger_end"],
        source=Actor(
            text=r["source_text"] or "",
            country=r["source_country"] or "",
            sector=r["source_sector"] or "",
            name=r["source_name"] or "",
            kb_id=r["source_kb_id"] or "",
        ),
        target=target,
        cameo=r["cameo"] or "",
        cameo_root=r["cameo_root"] or "",
        plover=r["plover"] or "",
        quad_class=r["quad_class"],
        goldstein=r["goldstein"],
        mode=r["mode"] if r["mode"] is not None else "asserted",
        date=r["date"],
        date_precision=r["date_precision"] or "",
        location=location,
        attribution=r["attribution"] or "",
        confidence=r["confidence"],
        coder=r["coder"] or "",
        mention_id=r["mention_id"] or "",
        evidence=tuple(int(i) for i in (r["evidence"] or "").split(",") if i),
        cluster_id=r["cluster_id"] or "",
        event_id=r["event_id"],
    )
