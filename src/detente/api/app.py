"""The FastAPI app: JSON endpoints under ``/api``, the dashboard, and the one Store they share.

The app owns the DuckDB file: ``create_app`` opens one read-write ``Store`` when the server
starts (lifespan) and closes it when it stops.  Reads run on cursors of their own (``views``
opens one per query), so requests in different threads never share a connection.  Writes go
through the ``WriteQueue``: one thread codes and stores POSTed batches in arrival order, off the
event loop, and a full queue is answered 503.  The costly whole-store views are cached per store
version (``ViewCache``).

Before any route runs, the middleware of ``guard`` adds the security headers to every answer,
refuses writes past the client's rate or without the token from the headers alone, and
refuses bodies over the size limit without reading them.  Every error is JSON
``{"detail": ...}`` (an error page on the dashboard), and a 500 never shows exception text.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente import views
from detente.api.cache import ViewCache
from detente.api.guard import SECURITY_HEADERS, BodyLimit, RateLimiter, SecurityHeaders, WriteGate
from detente.api.routes import prime, router
from detente.api.writer import WriteQueue
from detente.errors import ConfigError, DetenteError, InputError
from detente.settings import Settings, load_settings
from detente.store import Store

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_WRITE_BURST",
    "DEFAULT_WRITE_QUEUE",
    "DEFAULT_WRITE_RATE",
    "create_app",
]

LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 10_000_000
DEFAULT_WRITE_RATE = 2.0  # writes a second per client, on average
DEFAULT_WRITE_BURST = 10  # writes a client may send at once
DEFAULT_WRITE_QUEUE = 8  # batches waiting to be coded before POSTs are answered 503
SERVER_ERROR = "the server failed on this request; its log has the details"


def create_app(
    db_path: str,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    write_rate: float | None = DEFAULT_WRITE_RATE,
    write_burst: int = DEFAULT_WRITE_BURST,
    write_queue: int = DEFAULT_WRITE_QUEUE,
    cache_size: int = 64,
    coder: views.Coder = views.code_batch,
    coding_process: bool = True,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The detente server over the DuckDB file ``db_path``.

    ``token`` enables writes (``POST /api/articles``) for clients that send it as a bearer
    token; without one the server is read-only.  ``settings`` configure the coder that POSTed
    articles go through (default: ``load_settings()`` when the server starts).

    Limits: request bodies of at most ``max_body_bytes`` (413 beyond); per client address,
    ``write_rate`` writes a second on average and ``write_burst`` at once (429 beyond;
    ``None`` switches the rate limit off); ``write_queue`` batches waiting to be coded (503
    beyond).  ``cache_size`` whole-store views are cached.  ``coder`` codes a batch (it must be
    picklable when ``coding_process``: coding then runs in one worker process, else in the
    writer thread; as with any ``multiprocessing``, a script that serves the app must guard
    its start with ``if __name__ == "__main__":``); ``clock`` times the rate limit and the
    cache's refreshes.
    """
    _check_limits(max_body_bytes, write_rate, write_burst, write_queue, cache_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loaded = settings or load_settings()
        store = Store(db_path)
        cache = ViewCache(size=cache_size, clock=clock)
        writer = WriteQueue(
            store, settings=loaded, maxsize=write_queue, coder=coder,
            coding_process=coding_process, on_added=cache.invalidate,
        )  # fmt: skip
        app.state.settings, app.state.store = loaded, store
        app.state.cache, app.state.writer = cache, writer
        prime(cache, store)  # the dashboard's front page and shifts, before anyone asks
        LOGGER.info("serving %s (writes %s)", db_path, "enabled" if token else "disabled")
        try:
            yield
        finally:
            writer.close()  # writes every batch already accepted
            cache.close()
            store.close()

    app = DetenteAPI(
        title="detente",
        summary="Political events coded from news, and the relations they add up to.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN; none here
        redoc_url=None,
    )
    app.state.token = token
    _add_error_handlers(app)
    app.include_router(router)
    from detente.web.routes import mount_web  # the dashboard needs jinja2; only the server does

    mount_web(app)
    # add_middleware wraps: the last added runs first.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    limiter = None
    if write_rate is not None:
        limiter = RateLimiter(rate=write_rate, burst=write_burst, clock=clock)
    app.add_middleware(WriteGate, token=token, limiter=limiter)
    app.add_middleware(SecurityHeaders)
    return app


class DetenteAPI(FastAPI):
    """FastAPI with a tidier schema: an optional query parameter is declared as its type, not
    as ``anyOf: [type, null]`` (a query string cannot send null; leaving it out is none)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            schema = super().openapi()
            for item in schema.get("paths", {}).values():
                for operation in item.values():
                    for param in operation.get("parameters", ()):
                        param["schema"] = _without_null(param["schema"])
        return super().openapi()


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("anyOf", ())
    kept = [o for o in options if o != {"type": "null"}]
    if len(options) != 2 or len(kept) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**kept[0], **rest}


def _check_limits(
    max_body_bytes: int, write_rate: float | None, write_burst: int, write_queue: int, cache: int
) -> None:
    problems = []
    if max_body_bytes < 1:
        problems.append(f"max_body_bytes must be 1 or more, got {max_body_bytes}")
    if write_rate is not None and not (write_rate > 0 and math.isfinite(write_rate)):
        problems.append(f"write_rate must be above 0 (or None for no limit), got {write_rate}")
    if write_burst < 1:
        problems.append(f"write_burst must be 1 or more, got {write_burst}")
    if write_queue < 1:
        problems.append(f"write_queue must be 1 or more, got {write_queue}")
    if cache < 1:
        problems.append(f"cache_size must be 1 or more, got {cache}")
    if problems:
        raise ConfigError("; ".join(problems))


# -- errors ---------------------------------------------------------------------------------


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _bound_message(item: dict[str, Any], where: str) -> str | None:
    """``limit 5000 is out of range; use at most 1000`` for a value outside its declared
    bounds (``None`` for other problems)."""
    ctx = item.get("ctx", {})
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    bounds = [f"{words[k]} {_number(ctx[k])}" for k in ("ge", "gt", "le", "lt") if k in ctx]
    if not bounds or "input" not in item:
        return None
    return f"{where} {item['input']} is out of range; use {' and '.join(bounds)}"


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
        bound = _bound_message(item, where)
        if bound is not None:
            problems.append(bound)
            continue
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
        if isinstance(exc, InputError | ConfigError):
            return error_response(request, 400, str(exc))
        LOGGER.error("%s %s failed: %s", request.method, request.url.path, exc)
        return error_response(request, 500, SERVER_ERROR)

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

    @app.exception_handler(Exception)
    async def on_anything(request: Request, exc: Exception) -> Response:
        # Starlette's outermost layer runs this one, outside the middleware that adds the
        # security headers, so they are added here.
        LOGGER.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, SERVER_ERROR, headers=SECURITY_HEADERS)
