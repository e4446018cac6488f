"""Page data shared by the HTTP API and the dashboard.

Each function here reads the store and returns one JSON-ready dict (only str, int, float, bool,
None, lists and dicts).  The API returns it as is; the dashboard renders the same dict with a
template, and serves it unchanged as the page's JSON twin (``?format=json``), so the two can
never disagree.  A view returns ``None`` when the thing asked for does not exist (the adapter
answers 404); bad arguments raise ``InputError`` naming the value and the fix.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, replace
from typing import Any

from detente.actors.codes import actor_code, actor_dyad
from detente.analytics import (
    BAND_COLOURS,
    BANDS,
    detect_shifts,
    dyad_series,
    relations_graph,
    relations_index,
)
from detente.coder import code_articles
from detente.coding.codebook import QUAD_CLASS_NAMES, load_codebook
from detente.errors import InputError
from detente.models import Article, Event
from detente.settings import Settings
from detente.store import EventFilter, Store
from detente.store.queries import EVENT_COLUMNS, build_where, row_to_event

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "Coder",
    "actors_view",
    "add_view",
    "article_view",
    "bands",
    "check_page",
    "code_batch",
    "dyad_view",
    "events_view",
    "health",
    "mark_spans",
    "overview",
    "parse_cameo",
    "parse_code",
    "parse_date",
    "parse_dyad",
    "search_view",
]

LOGGER = logging.getLogger(__name__)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000  # far past any store; keeps OFFSET inside DuckDB's BIGINT
_TOP_SHIFTS = 5  # warming and cooling dyads shown on the overview
_LATEST = 20  # latest events on the overview
_COLUMNS = ", ".join(EVENT_COLUMNS)
_LATEST_ORDER = "ORDER BY date DESC NULLS LAST, article_id, sentence_index, trigger_start, event_id"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_CAMEO_PREFIX = re.compile(r"\d{2,4}", re.ASCII)

# Codes a batch of articles, leaving out those a stage failed on (``code_batch``).
Coder = Callable[[list[Article], Settings | None], list[Article]]


# -- arguments ------------------------------------------------------------------------------


def parse_date(value: str | None, name: str, *, blank: bool = True) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, ``None`` for nothing (and, if ``blank``, for a blank value,
    as a dashboard form sends); ``InputError`` naming ``name`` otherwise."""
    if value is None:
        return None
    text = value.strip() if blank else value
    if blank and not text:
        return None
    fix = "use YYYY-MM-DD" if text else f"use YYYY-MM-DD or leave {name} out"
    if not _ISO_DATE.fullmatch(text):
        raise InputError(f"{name} {value!r} is not a date; {fix}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name} {value!r} is not a date; {fix}") from None


def parse_cameo(value: str | None) -> str | None:
    """A CAMEO code prefix of 2 to 4 ASCII digits (or nothing); ``InputError`` otherwise."""
    if value is None:
        return None
    if not _CAMEO_PREFIX.fullmatch(value):
        raise InputError(
            f"cameo filter {value!r} is not a CAMEO code prefix; use 2 to 4 digits, "
            "e.g. '04' (a root) or '042' (a code and its children)"
        )
    return value


def parse_code(value: str, name: str = "actor") -> str:
    """A known actor code as stored ("CHN", "IGO:UN"), from a code in any case or a name
    ("China"); ``InputError`` naming ``name`` and the closest known codes otherwise."""
    return actor_code(value, what=name)


def parse_dyad(value: str | None) -> tuple[str, str] | None:
    """``"CHN-JPN"`` (or ``CHN,JPN``, ``China-Japan``) as two known codes; ``None`` if unset."""
    if value is None or not value.strip():
        return None
    return actor_dyad(value, what="dyad", example="dyad=CHN-JPN")


def check_page(limit: int, offset: int) -> None:
    """``InputError`` unless ``0 <= limit <= MAX_LIMIT`` and ``0 <= offset <= MAX_OFFSET``."""
    if not 0 <= limit <= MAX_LIMIT:
        raise InputError(
            f"limit {limit} is out of range; use 0 to {MAX_LIMIT} and page with offset"
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise InputError(f"offset {offset} is out of range; use 0 to {MAX_OFFSET}")


# -- marking text ---------------------------------------------------------------------------


def mark_spans(text: str, spans: Iterable[tuple[int, int, str, str]]) -> list[dict[str, str]]:
    """Cut ``text`` into segments ``{text, mark, title}`` with the ``(start, end, mark, title)``
    spans marked.  Earlier spans win: a span overlapping one already taken is dropped, except
    that the same span marked again adds its title (``"CHN → JPN: 043; JPN → CHN: 043"``)."""
    taken: dict[tuple[int, int, str], list[str]] = {}
    for start, end, mark, title in spans:
        if (start, end, mark) in taken:
            if title not in taken[start, end, mark]:
                taken[start, end, mark].append(title)
        elif 0 <= start < end <= len(text) and all(end <= s or start >= e for s, e, _ in taken):
            taken[start, end, mark] = [title]
    segments: list[dict[str, str]] = []
    at = 0
    for start, end, mark in sorted(taken):
        if start > at:
            segments.append({"text": text[at:start], "mark": "", "title": ""})
        title = "; ".join(taken[start, end, mark])
        segments.append({"text": text[start:end], "mark": mark, "title": title})
        at = end
    if at < len(text):
        segments.append({"text": text[at:], "mark": "", "title": ""})
    return segments


def _find(text: str, needle: str, *, whole: bool = True) -> int:
    """Offset of ``needle`` in ``text`` ignoring case (as a whole word unless not ``whole``)."""
    if not needle:
        return -1
    if not whole:
        return text.lower().find(needle.lower())
    found = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text, re.IGNORECASE)
    return found.start() if found else -1


def _event_spans(event: Event, sent_text: str, sent_start: int | None, base: int) -> list[Any]:
    """Spans of the trigger, source and target of ``event`` in its sentence, shifted by ``base``."""
    spans: list[tuple[int, int, str, str]] = []
    rel = event.trigger_start - sent_start if sent_start is not None else -1
    length = max(event.trigger_end - event.trigger_start, len(event.trigger))
    if not (rel >= 0 and sent_text[rel : rel + length].lower() == event.trigger.lower()):
        rel, length = _find(sent_text, event.trigger), len(event.trigger)
    target = event.target.country if event.target else "-"
    title = f"{event.source.country or '?'} → {target}: {event.cameo} {event.plover}".strip()
    if rel >= 0 and length > 0:  # a second-opinion event has no trigger word to mark
        spans.append((base + rel, base + rel + length, "trigger", title))
    for kind, actor in (("source", event.source), ("target", event.target)):
        if actor is not None and (at := _find(sent_text, actor.text)) >= 0:
            spans.append((base + at, base + at + len(actor.text), kind, actor.code))
    return spans


def _sentence_starts(store: Store, events: Sequence[Event]) -> dict[tuple[str, int], int]:
    ids = sorted({e.article_id for e in events})
    if not ids:
        return {}
    rows = _rows(
        store,
        "SELECT article_id, idx, start_char FROM sentences "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids],
    )
    return {(r[0], int(r[1])): int(r[2]) for r in rows}


def _event_items(store: Store, events: Sequence[Event], match: str = "") -> list[dict[str, Any]]:
    """``Event.to_dict()`` plus the CAMEO name and the sentence cut into ``segments`` with the
    trigger, the actors and the first occurrence of ``match`` marked."""
    codebook = load_codebook()
    starts = _sentence_starts(store, events)
    items = []
    for event in events:
        start = starts.get((event.article_id, event.sentence_index))
        spans = _event_spans(event, event.sentence, start, 0)
        if (at := _find(event.sentence, match, whole=False)) >= 0:
            spans.insert(1, (at, at + len(match), "match", "matches the search"))
        item = event.to_dict()
        item["cameo_name"] = codebook.get(event.cameo).name if event.cameo in codebook else ""
        item["segments"] = mark_spans(event.sentence, spans)
        items.append(item)
    return items


# -- queries ----------------------------------------------------------------------------------


def _rows(store: Store, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
    # A cursor of its own per call: safe from any request thread, sees committed writes.
    cur = store.cursor()
    try:
        return list(cur.execute(sql, list(params)).fetchall())
    finally:
        cur.close()


def _count(store: Store, where: str, params: Sequence[object]) -> int:
    rows = _rows(store, f"SELECT count(*) FROM events {where}", params)
    return int(rows[0][0]) if rows else 0


def _latest(store: Store, where: str, params: Sequence[object], limit: int, offset: int) -> Any:
    sql = f"SELECT {_COLUMNS} FROM events {where} {_LATEST_ORDER} LIMIT ? OFFSET ?"
    return [row_to_event(r) for r in _rows(store, sql, [*params, limit, offset])]


def health(store: Store) -> dict[str, Any]:
    """``{status, articles, events}``."""
    return {"status": "ok", "articles": store.count("articles"), "events": store.count("events")}


def events_view(store: Store, filt: EventFilter) -> dict[str, Any]:
    """A page of events: ``items``, ``limit``, ``offset``, ``count`` (items on this page) and
    ``total`` (all events matching the filter)."""
    limit = DEFAULT_LIMIT if filt.limit is None else filt.limit
    check_page(limit, filt.offset)
    events = store.events(replace(filt, limit=limit))
    where, params = build_where(filt)
    return {
        "items": [e.to_dict() for e in events],
        "limit": limit,
        "offset": filt.offset,
        "count": len(events),
        "total": _count(store, where, params),
    }


def actors_view(store: Store) -> dict[str, Any]:
    """Actor codes seen in events, busiest first: ``{items: [{code, country, sector, events,
    as_source, as_target}], countries: [{country, events}]}``."""
    sides = (
        "SELECT event_id, source_code AS code, source_country AS country, source_sector AS sector,"
        " 1 AS src, 0 AS tgt FROM events UNION ALL "
        "SELECT event_id, target_code, target_country, target_sector, 0, 1 FROM events "
        "WHERE target_country IS NOT NULL"
    )
    actors = _rows(
        store,
        f"SELECT code, country, sector, sum(src) + sum(tgt) AS n, sum(src), sum(tgt) "
        f"FROM ({sides}) WHERE country <> '' GROUP BY code, country, sector "
        "ORDER BY n DESC, code",
        [],
    )
    countries = _rows(
        store,
        f"SELECT country, count(DISTINCT event_id) AS n FROM ({sides}) WHERE country <> '' "
        "GROUP BY country ORDER BY n DESC, country",
        [],
    )
    keys = ("code", "country", "sector", "events", "as_source", "as_target")
    return {
        "items": [
            dict(zip(keys, (r[0], r[1], r[2] or "", *map(int, r[3:])), strict=True)) for r in actors
        ],
        "countries": [{"country": r[0], "events": int(r[1])} for r in countries],
    }


def article_view(store: Store, article_id: str) -> dict[str, Any] | None:
    """The stored article (``Store.article``: its fields, sentences and events) plus its text
    cut into ``segments`` with event triggers and their actors marked; ``None`` if unknown."""
    data = store.article(article_id)
    if data is None:
        return None
    text: str = data["text"]
    sents = {s["index"]: s for s in data["sentences"]}
    events = [Event.from_dict(e) for e in data["events"]]
    triggers: list[tuple[int, int, str, str]] = []
    actors: list[tuple[int, int, str, str]] = []
    for event in events:
        sent = sents.get(event.sentence_index)
        if sent is None:
            continue
        for start, end, mark, title in _event_spans(
            event, sent["text"], sent["start"], sent["start"]
        ):
            if mark == "trigger":
                triggers.append((start, end, mark, title))
            else:  # one mention is the source of one event and the target of another
                actors.append((start, end, "actor", title))
    return {**data, "segments": mark_spans(text, [*triggers, *actors])}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_view(
    store: Store, q: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Events whose sentence contains ``q`` (case-insensitive), latest first.  A blank ``q``
    matches nothing (an empty search page)."""
    check_page(limit, offset)
    query = q.strip()
    if len(query) > 200:
        raise InputError(f"search text is {len(query)} characters long; use at most 200")
    items: list[dict[str, Any]] = []
    total = 0
    if query:
        where = "WHERE sentence ILIKE ? ESCAPE '\\'"
        params = [f"%{_escape_like(query)}%"]
        total = _count(store, where, params)
        items = _event_items(store, _latest(store, where, params, limit, offset), query)
    return {
        "q": query,
        "items": items,
        "limit": limit,
        "offset": offset,
        "count": len(items),
        "total": total,
    }


def code_batch(articles: list[Article], settings: Settings | None = None) -> list[Article]:
    """The articles coded, in order, without those a stage failed on (the log says why).

    A module-level function of picklable arguments, so a worker process can run it.
    """
    return list(code_articles(articles, settings=settings))


def add_view(
    store: Store,
    articles: Sequence[Article],
    *,
    settings: Settings | None = None,
    notes: Sequence[str] = (),
    coder: Coder = code_batch,
) -> dict[str, Any]:
    """Code the articles not stored yet (with ``coder``) and store them with their events.

    Returns ``{articles_added, articles_skipped, articles_failed, events_added, ids,
    articles}``: ``ids`` in request order, and ``articles`` saying per article (same order)
    ``{id, status, note}``: ``added``; ``skipped`` (already stored, or repeated in the
    request); or ``failed`` (a coding stage rejected it; the server log says why).  ``notes``
    (by position) are added to the articles' notes, e.g. what was cleaned on the way in.
    Callers serialise writes (one writer at a time).
    """
    seen: set[str] = set()
    fresh: list[Article] = []
    status: list[tuple[str, str]] = []
    stored = store.known_article_ids(a.id for a in articles)  # one query, not one per article
    for article in articles:
        if article.id in seen:
            status.append(("skipped", "repeated in this request"))
        elif article.id in stored:
            status.append(("skipped", "already stored"))
        else:
            fresh.append(article)
            status.append(("", ""))
        seen.add(article.id)
    coded = coder(fresh, settings) if fresh else []
    result = store.add_articles(coded)
    done = {a.id for a in coded}
    failed = "a coding stage failed on it; the server log says why"
    outcomes = []
    for n, (article, (state, note)) in enumerate(zip(articles, status, strict=True)):
        if not state:
            state, note = ("added", "") if article.id in done else ("failed", failed)
        extra = notes[n] if n < len(notes) else ""
        note = "; ".join(part for part in (extra, note) if part)
        outcomes.append({"id": article.id, "status": state, "note": note})
    counts = {s: sum(o["status"] == s for o in outcomes) for s in ("added", "skipped", "failed")}
    return {
        "articles_added": counts["added"],
        "articles_skipped": counts["skipped"],
        "articles_failed": counts["failed"],
        "events_added": result.events_added,
        "ids": [a.id for a in articles],
        "articles": outcomes,
    }


def bands() -> list[dict[str, Any]]:
    """The relations index bands: ``[{name, low, high, colour}]``, most hostile first."""
    return [
        {"name": name, "low": low, "high": high, "colour": BAND_COLOURS[name]}
        for name, low, high in BANDS
    ]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- pages --------------------------------------------------------------------------------


def _moves(store: Store, since: dt.date | None, until: dt.date | None) -> list[dict[str, Any]]:
    """The biggest shift (``detect_shifts``) of each dyad in the window, largest first."""
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for shift in detect_shifts(store, since=since, until=until):
        row = shift.to_dict()
        key = (shift.a, shift.b)
        if key not in best or abs(row["change"]) > abs(best[key]["change"]):
            best[key] = row
    return sorted(best.values(), key=lambda r: (-abs(r["change"]), r["a"], r["b"]))


def overview(
    store: Store, *, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    """The dashboard's front page: counts, the relations graph, the strongest warming and
    cooling dyads, and the latest events, all over the ``since``..``until`` window."""
    where, params = build_where(EventFilter(since=since, until=until))
    moves = _moves(store, since, until)
    return {
        "since": _iso(since),
        "until": _iso(until),
        "articles": store.count("articles"),
        "events": _count(store, where, params),
        "graph": relations_graph(store, since=since, until=until).to_dict(),
        "bands": bands(),
        "warming": [m for m in moves if m["change"] > 0][:_TOP_SHIFTS],
        "cooling": [m for m in moves if m["change"] < 0][:_TOP_SHIFTS],
        "latest": _event_items(store, _latest(store, where, params, _LATEST, 0)),
    }


def dyad_view(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any] | None:
    """One relationship, both directions: the index with its bands, quad classes per period,
    a summary per direction and the latest events with triggers marked; ``None`` when the
    two actors share no event at all."""
    a, b = parse_code(a, "first actor"), parse_code(b, "second actor")
    check_page(limit, 0)
    directions = store.dyad_summary(EventFilter(dyad=(a, b), undirected=True))
    if not directions:
        return None
    filt = EventFilter(dyad=(a, b), undirected=True, since=since, until=until)
    where, params = build_where(filt)
    items = _event_items(store, _latest(store, where, params, limit, 0))
    window: dict[str, Any] = {"freq": freq, "since": since, "until": until}
    return {
        "a": a,
        "b": b,
        "freq": freq,
        "since": _iso(since),
        "until": _iso(until),
        "bands": bands(),
        "quad_classes": {str(k): v for k, v in QUAD_CLASS_NAMES.items()},
        "directions": [asdict(d) for d in directions],
        "index": [p.to_dict() for p in relations_index(store, a, b, **window)],
        "series": [p.to_dict() for p in dyad_series(store, a, b, directed=False, **window)],
        "events": items,
        "count": len(items),
        "total": _count(store, where, params),
    }
