"""The JSON endpoints.  Each parses its input, calls one library function (from
``detente.views`` or ``detente.analytics``, through the view cache for the whole-store ones)
and returns its dict.

Query parameters declare their formats and bounds (``format: date``, enums, ``minimum`` and
``maximum``), so ``/openapi.json`` says what the server accepts; the values are still checked by
the library, whose messages name the bad value and the fix.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from detente import views
from detente.analytics import detect_shifts, dyad_series, relations_graph, relations_index
from detente.analytics.series import FREQS
from detente.api.auth import require_token
from detente.api.cache import Compute, ViewCache
from detente.api.schemas import (
    NOT_BLANK,
    AddedOut,
    ErrorOut,
    EventsPage,
    HealthOut,
    articles_from_body,
    parse_json,
    post_body_schema,
)
from detente.api.writer import WriteQueue
from detente.errors import InputError
from detente.models import MODES
from detente.store import PLOVER_TYPES, EventFilter, Store

__all__ = [
    "ERRORS",
    "Freq",
    "Limit",
    "Offset",
    "Since",
    "Until",
    "Window",
    "cached",
    "overview_of",
    "prime",
    "router",
    "store_of",
    "window_of",
]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# Every read can be refused for a bad value (400) or fail (500); writes add the rest.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("A query or path value is wrong; the message names it and the fix."),
    500: _error("The server failed; its log has the details."),
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The body is not JSON, or its Content-Length is not a number."),
    401: _error("No bearer token, or not 'Authorization: Bearer <token>'."),
    403: _error("A wrong token, or a server started without one (writes disabled)."),
    413: _error("The body is over the server's size limit."),
    422: _error("The body is JSON but not articles; the message names each problem."),
    429: _error("Too many writes from this client; retry after Retry-After seconds."),
    500: ERRORS[500],
    503: _error("The write queue is full; retry after Retry-After seconds."),
}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}}
WRITE_ERRORS[429] = {**WRITE_ERRORS[429], "headers": _RETRY_AFTER}
WRITE_ERRORS[503] = {**WRITE_ERRORS[503], "headers": _RETRY_AFTER}

DEFAULT_MIN_CHANGE = 2.0
_DATE = {"format": "date"}
Since = Annotated[
    str | None, Query(description="First event date, YYYY-MM-DD.", json_schema_extra=_DATE)
]
Until = Annotated[
    str | None, Query(description="Last event date, YYYY-MM-DD.", json_schema_extra=_DATE)
]
Freq = Annotated[
    str, Query(description="day, week, month or quarter.", json_schema_extra={"enum": FREQS})
]
Limit = Annotated[
    int, Query(ge=0, le=views.MAX_LIMIT, description=f"Items per page, 0 to {views.MAX_LIMIT}.")
]
Offset = Annotated[int, Query(ge=0, le=views.MAX_OFFSET, description="Items to skip.")]


@dataclass(frozen=True, slots=True)
class Window:
    """The ``since``..``until`` dates of a request (inclusive; ``None`` is open)."""

    since: dt.date | None
    until: dt.date | None


def window_of(since: Since = None, until: Until = None) -> Window:
    """The ``since``/``until`` query parameters as dates (400 for anything else)."""
    return Window(_date(since, "since"), _date(until, "until"))


def _date(value: str | None, name: str) -> dt.date | None:
    return views.parse_date(value, name, blank=False)  # the schema says format: date


def store_of(request: Request) -> Store:
    """The app's Store (opened at startup)."""
    store: Store = request.app.state.store
    return store


def cached(request: Request, key: Hashable, compute: Compute) -> Any:
    """``compute()`` through the app's view cache (see ``detente.api.cache``)."""
    cache: ViewCache = request.app.state.cache
    return cache.get(key, compute)


def overview_of(
    request: Request, store: Store, since: dt.date | None, until: dt.date | None
) -> dict[str, Any]:
    """``views.overview`` through the view cache (the dashboard's front page and its twin)."""
    result: dict[str, Any] = cached(
        request, ("overview", since, until), lambda: views.overview(store, since=since, until=until)
    )
    return result


def _shifts(
    store: Store, since: dt.date | None, until: dt.date | None, freq: str, min_change: float
) -> dict[str, Any]:
    found = detect_shifts(store, freq=freq, min_change=min_change, since=since, until=until)
    return {"freq": freq, "min_change": min_change, "items": [s.to_dict() for s in found]}


def prime(cache: ViewCache, store: Store) -> None:
    """Start computing the costliest views at their defaults (``/`` and ``/api/shifts``)."""
    cache.refresh(("overview", None, None), lambda: views.overview(store))
    freq, min_change = "month", DEFAULT_MIN_CHANGE
    cache.refresh(
        ("shifts", None, None, freq, min_change),
        lambda: _shifts(store, None, None, freq, min_change),
    )


# Declares the bearer scheme in /openapi.json; require_token does the checking.
_BEARER = HTTPBearer(auto_error=False, description="The token `detente serve` was started with.")
Actor = Annotated[
    str,
    Path(
        description="An actor code (CHN, IGO:UN) or name (China).",
        json_schema_extra={"pattern": NOT_BLANK, "examples": ["CHN", "JPN"]},
    ),
]
StoreDep = Annotated[Store, Depends(store_of)]
WindowDep = Annotated[Window, Depends(window_of)]

router = APIRouter()


@router.get("/health", response_model=HealthOut, responses={500: ERRORS[500]}, tags=["meta"])
def health(store: StoreDep) -> dict[str, Any]:
    """Whether the server is up, with the numbers of stored articles and events."""
    return views.health(store)


@router.get("/api/events", response_model=EventsPage, responses=ERRORS, tags=["events"])
def events(
    store: StoreDep,
    dyad: Annotated[str | None, Query(description="Directed dyad SOURCE-TARGET.")] = None,
    undirected: bool = False,
    country: str | None = None,
    cameo: Annotated[
        str | None,
        Query(description="CAMEO code prefix.", json_schema_extra={"pattern": "^[0-9]{2,4}$"}),
    ] = None,
    plover: Annotated[
        str | None, Query(description="PLOVER type.", json_schema_extra={"enum": PLOVER_TYPES})
    ] = None,
    mode: Annotated[
        str | None, Query(description="Event mode.", json_schema_extra={"enum": MODES})
    ] = None,
    since: Since = None,
    until: Until = None,
    min_confidence: Annotated[
        float | None,
        Query(ge=0, le=1, allow_inf_nan=False, description="Only events at least this sure."),
    ] = None,
    limit: Limit = views.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Stored events matching the filters (as ``detente events``), one page at a time."""
    filt = EventFilter(
        dyad=views.parse_dyad(dyad),
        undirected=undirected,
        country=views.parse_code(country, "country") if country else None,
        cameo=views.parse_cameo(cameo),
        plover=plover,
        mode=mode,
        since=_date(since, "since"),
        until=_date(until, "until"),
        min_confidence=min_confidence,
        limit=limit,
        offset=offset,
    )
    return views.events_view(store, filt)


@router.get(
    "/api/articles/{article_id:path}",
    responses={404: _error("No article with this id."), 500: ERRORS[500]},
    tags=["articles"],
)
def article(store: StoreDep, article_id: str) -> dict[str, Any]:
    """One stored article with its sentences, events and marked-up text segments."""
    found = views.article_view(store, article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id!r}; list ids with /api/events")
    return found


@router.get("/api/actors", responses={500: ERRORS[500]}, tags=["events"])
def actors(request: Request, store: StoreDep) -> dict[str, Any]:
    """Actor codes and countries seen in events, with their event counts."""
    result: dict[str, Any] = cached(request, ("actors",), lambda: views.actors_view(store))
    return result


@router.get("/api/dyads/{a}/{b}/series", responses=ERRORS, tags=["relations"])
def series(
    store: StoreDep,
    a: Actor,
    b: Actor,
    window: WindowDep,
    freq: Freq = "month",
    directed: bool = True,
) -> dict[str, Any]:
    """Asserted events and quad classes per period from ``a`` to ``b`` (both ways unless
    ``directed``); quiet periods between the first and last are zeros."""
    a, b = views.parse_code(a, "a"), views.parse_code(b, "b")
    points = dyad_series(
        store, a, b, freq=freq, directed=directed, since=window.since, until=window.until
    )
    return {
        "a": a,
        "b": b,
        "freq": freq,
        "directed": directed,
        "items": [p.to_dict() for p in points],
    }


@router.get("/api/dyads/{a}/{b}/index", responses=ERRORS, tags=["relations"])
def index(
    store: StoreDep,
    a: Actor,
    b: Actor,
    window: WindowDep,
    freq: Freq = "month",
    half_life_days: Annotated[
        float, Query(gt=0, le=36500, allow_inf_nan=False, description="Decay half-life.")
    ] = 90.0,
    prior_events: Annotated[
        float, Query(ge=0, le=1e6, allow_inf_nan=False, description="Weight of the prior.")
    ] = 5.0,
) -> dict[str, Any]:
    """The relations index (-9..+9) of ``a`` and ``b`` per period, and its six bands."""
    a, b = views.parse_code(a, "a"), views.parse_code(b, "b")
    points = relations_index(
        store,
        a,
        b,
        freq=freq,
        half_life_days=half_life_days,
        prior_events=prior_events,
        since=window.since,
        until=window.until,
    )
    return {
        "a": a,
        "b": b,
        "freq": freq,
        "bands": views.bands(),
        "items": [p.to_dict() for p in points],
    }


@router.get("/api/shifts", responses=ERRORS, tags=["relations"])
def shifts(
    request: Request,
    store: StoreDep,
    window: WindowDep,
    freq: Freq = "month",
    min_change: Annotated[
        float, Query(gt=0, le=18, allow_inf_nan=False, description="Index points, 0..18.")
    ] = DEFAULT_MIN_CHANGE,
) -> dict[str, Any]:
    """Dyads whose index changed band or moved by ``min_change`` in one period, with the
    events that drove each shift."""
    since, until = window.since, window.until
    result: dict[str, Any] = cached(
        request,
        ("shifts", since, until, freq, min_change),
        lambda: _shifts(store, since, until, freq, min_change),
    )
    return result


@router.get("/api/graph", responses=ERRORS, tags=["relations"])
def graph(request: Request, store: StoreDep, window: WindowDep) -> dict[str, Any]:
    """Countries and IGOs as nodes, related pairs as edges with their index."""
    since, until = window.since, window.until
    result: dict[str, Any] = cached(
        request,
        ("graph", since, until),
        lambda: relations_graph(store, since=since, until=until).to_dict(),
    )
    return result


@router.get("/api/search", responses=ERRORS, tags=["events"])
def search(
    store: StoreDep,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="Text the sentence contains.")
    ],
    limit: Limit = views.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Events whose sentence contains ``q`` (case-insensitive), latest first."""
    return views.search_view(store, q, limit=limit, offset=offset)


@router.post(
    "/api/articles",
    response_model=AddedOut,
    dependencies=[Depends(_BEARER), Depends(require_token)],
    responses=WRITE_ERRORS,
    openapi_extra={"requestBody": post_body_schema()},
    tags=["articles"],
)
async def post_articles(request: Request) -> dict[str, Any]:
    """Code and store one article ``{id?, text, date?, title?, url?, source?}`` or a
    list of them; articles already stored are skipped.  Needs the bearer token.

    The token, the rate limit and the size limit are checked before the body is read
    (``guard``); the batch then waits in the write queue (503 when it is full).
    """
    body = await request.body()
    payload = await run_in_threadpool(parse_json, body)  # a 10 MB parse stays off the loop
    try:
        articles, notes = await run_in_threadpool(articles_from_body, payload)
    except InputError as e:
        raise HTTPException(422, str(e)) from None
    writer: WriteQueue = request.app.state.writer
    future = writer.submit(articles, notes)
    if future is None:
        seconds = writer.retry_after()
        raise HTTPException(
            503,
            f"the server is busy coding {writer.waiting()} batches; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )
    result: dict[str, Any] = await asyncio.wrap_future(future)
    return result
