"""The FastAPI app: JSON endpoints under ``/api``, the dashboard, and the one Store they share.

The app owns the DuckDB file: ``create_app`` opens one read-write ``Store`` when the server
starts (lifespan) and closes it when it stops.  Reads run on cursors of their own (``views``
opens one per query), so requests in different threads never share a connection; writes take
the app's write lock, so one batch is coded and stored at a time.  Every route parses its
input, calls one library function (from ``detente.views`` or ``detente.analytics``) and
returns its dict.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente import views
from detente.analytics import detect_shifts, dyad_series, relations_graph, relations_index
from detente.api.auth import require_token
from detente.api.schemas import (
    AddedOut,
    ErrorOut,
    EventsPage,
    HealthOut,
    articles_from_body,
    post_body_schema,
)
from detente.errors import ConfigError, DetenteError, InputError
from detente.settings import Settings, load_settings
from detente.store import EventFilter, Store

__all__ = ["Window", "create_app", "store_of", "window_of"]

LOGGER = logging.getLogger(__name__)

_ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}}
Since = Annotated[str | None, Query(description="First event date, YYYY-MM-DD.")]
Until = Annotated[str | None, Query(description="Last event date, YYYY-MM-DD.")]
Freq = Annotated[str, Query(description="day, week, month or quarter.")]


@dataclass(frozen=True, slots=True)
class Window:
    """The ``since``..``until`` dates of a request (inclusive; ``None`` is open)."""

    since: dt.date | None
    until: dt.date | None


def window_of(since: Since = None, until: Until = None) -> Window:
    """The ``since``/``until`` query parameters as dates (400 for anything else)."""
    return Window(views.parse_date(since, "since"), views.parse_date(until, "until"))


def store_of(request: Request) -> Store:
    """The app's Store (opened at startup)."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(store_of)]
WindowDep = Annotated[Window, Depends(window_of)]


def create_app(
    db_path: str, *, token: str | None = None, settings: Settings | None = None
) -> FastAPI:
    """The detente server over the DuckDB file ``db_path``.

    ``token`` enables writes (``POST /api/articles``) for clients that send it as a bearer
    token; without one the server is read-only.  ``settings`` configure the coder that POSTed
    articles go through (default: ``load_settings()`` when the server starts).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings or load_settings()
        app.state.store = Store(db_path)
        LOGGER.info("serving %s (writes %s)", db_path, "enabled" if token else "disabled")
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="detente",
        summary="Political events coded from news, and the relations they add up to.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN; none here
        redoc_url=None,
    )
    app.state.token = token
    app.state.write_lock = threading.Lock()
    _add_error_handlers(app)
    app.include_router(router)
    from detente.web.routes import mount_web  # the dashboard needs jinja2; only the server does

    mount_web(app)
    return app


# -- errors ---------------------------------------------------------------------------------


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    problems = []
    body = False
    for item in exc.errors():
        loc = [str(p) for p in item.get("loc", ())]
        body = body or (bool(loc) and loc[0] == "body")
        if item.get("type") == "json_invalid":
            reason = item.get("ctx", {}).get("error", "")
            return 400, f"the body is not valid JSON ({reason}); send a JSON object or list"
        where = ".".join(loc[1:]) or (loc[0] if loc else "request")
        message = str(item.get("msg", "is not valid")).removeprefix("Value error, ")
        if "input" in item and loc and loc[0] == "query":
            message += f" (got {item['input']!r})"
        problems.append(f"{where}: {message}")
    # A bad query or path value is the caller's request being wrong: 400 like InputError.
    return (422 if body else 400), "; ".join(problems)


def _add_error_handlers(app: FastAPI) -> None:
    from detente.web.routes import error_response

    @app.exception_handler(DetenteError)
    async def on_detente(request: Request, exc: DetenteError) -> Response:
        status = 400 if isinstance(exc, InputError | ConfigError) else 500
        if status == 500:
            LOGGER.error("%s %s failed: %s", request.method, request.url.path, exc)
        return error_response(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        status, message = _validation_message(exc)
        return error_response(request, status, message)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}; see /openapi.json for the endpoints"
        return error_response(request, exc.status_code, detail, headers=exc.headers)


# -- routes ---------------------------------------------------------------------------------


router = APIRouter()


@router.get("/health", response_model=HealthOut, tags=["meta"])
def health(store: StoreDep) -> dict[str, Any]:
    """Whether the server is up, with the numbers of stored articles and events."""
    return views.health(store)


@router.get("/api/events", response_model=EventsPage, responses=_ERRORS, tags=["events"])
def events(
    store: StoreDep,
    dyad: Annotated[str | None, Query(description="Directed dyad SOURCE-TARGET.")] = None,
    undirected: bool = False,
    country: str | None = None,
    cameo: str | None = None,
    plover: str | None = None,
    mode: str | None = None,
    since: Since = None,
    until: Until = None,
    min_confidence: Annotated[
        float | None, Query(description="Only events at least this sure (0..1).")
    ] = None,
    limit: Annotated[int, Query(description=f"At most {views.MAX_LIMIT}.")] = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """Stored events matching the filters (as ``detente events``), one page at a time."""
    filt = EventFilter(
        dyad=views.parse_dyad(dyad),
        undirected=undirected,
        country=views.parse_code(country, "country") if country else None,
        cameo=cameo,
        plover=plover,
        mode=mode,
        since=views.parse_date(since, "since"),
        until=views.parse_date(until, "until"),
        min_confidence=min_confidence,
        limit=limit,
        offset=offset,
    )
    return views.events_view(store, filt)


@router.get(
    "/api/articles/{article_id:path}", responses={404: {"model": ErrorOut}}, tags=["articles"]
)
def article(store: StoreDep, article_id: str) -> dict[str, Any]:
    """One stored article with its sentences, events and marked-up text segments."""
    found = views.article_view(store, article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id!r}; list ids with /api/events")
    return found


@router.get("/api/actors", tags=["events"])
def actors(store: StoreDep) -> dict[str, Any]:
    """Actor codes and countries seen in events, with their event counts."""
    return views.actors_view(store)


@router.get("/api/dyads/{a}/{b}/series", responses=_ERRORS, tags=["relations"])
def series(
    store: StoreDep,
    a: str,
    b: str,
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


@router.get("/api/dyads/{a}/{b}/index", responses=_ERRORS, tags=["relations"])
def index(
    store: StoreDep,
    a: str,
    b: str,
    window: WindowDep,
    freq: Freq = "month",
    half_life_days: float = 90.0,
    prior_events: float = 5.0,
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


@router.get("/api/shifts", responses=_ERRORS, tags=["relations"])
def shifts(
    store: StoreDep, window: WindowDep, freq: Freq = "month", min_change: float = 2.0
) -> dict[str, Any]:
    """Dyads whose index changed band or moved by ``min_change`` in one period, with the
    events that drove each shift."""
    found = detect_shifts(
        store, freq=freq, min_change=min_change, since=window.since, until=window.until
    )
    return {"freq": freq, "min_change": min_change, "items": [s.to_dict() for s in found]}


@router.get("/api/graph", responses=_ERRORS, tags=["relations"])
def graph(store: StoreDep, window: WindowDep) -> dict[str, Any]:
    """Countries and IGOs as nodes, related pairs as edges with their index."""
    return relations_graph(store, since=window.since, until=window.until).to_dict()


@router.get("/api/search", responses=_ERRORS, tags=["events"])
def search(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, description="Text the sentence contains.")],
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """Events whose sentence contains ``q`` (case-insensitive), latest first."""
    return views.search_view(store, q, limit=limit, offset=offset)


@router.post(
    "/api/articles",
    response_model=AddedOut,
    dependencies=[Depends(require_token)],
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
    openapi_extra={"requestBody": post_body_schema()},
    tags=["articles"],
)
def post_articles(
    request: Request, store: StoreDep, payload: Annotated[Any, Body()] = None
) -> dict[str, Any]:
    """Code and store one article ``{id?, text, date?, title?, url?, source?}`` or a
    list of them; articles already stored are skipped.  Needs the bearer token."""
    try:
        articles = articles_from_body(payload)
    except InputError as e:
        raise HTTPException(422, str(e)) from None
    with request.app.state.write_lock:
        return views.add_view(store, articles, settings=request.app.state.settings)
