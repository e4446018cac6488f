"""Dashboard pages: each renders one ``detente.views`` dict with a template.

Every page has a JSON twin at the same path with ``?format=json``: the same dict, unchanged.
Templates are autoescaped; chart data reaches the page's script as JSON inside a
``<script type="application/json">`` block (``tojson`` escapes ``<``, ``>`` and ``&``), and the
Content-Security-Policy allows scripts from this server only.  plotly.js is served from the
installed ``plotly`` package, so the dashboard needs no CDN and no build step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined

from detente import views
from detente.api.routes import Offset, Since, Until, overview_of
from detente.errors import ConfigError, InputError
from detente.store import Store

__all__ = ["error_response", "mount_web", "render"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_FORMATS = ("html", "json")
# Scripts only from this server; plotly sets inline styles on the charts it draws.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_JSON_PREFIXES = ("/api/", "/health", "/openapi.json", "/static/")

_env = Environment(
    loader=PackageLoader("detente.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(_store)]
Format = Annotated[str, Query(alias="format", description="html (default) or json.")]


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json" or request.url.path.startswith(
        _JSON_PREFIXES
    )


def render(
    template: str,
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The template rendered with ``context``, sent with the Content-Security-Policy (the app's
    middleware adds the other security headers to every response) and ``headers``."""
    html = _env.get_template(template).render(**context)
    return HTMLResponse(
        html, status_code=status, headers={"Content-Security-Policy": CSP, **(headers or {})}
    )


def error_response(
    request: Request, status: int, message: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """``{"detail": message}`` for the API and JSON twins, an error page for the dashboard."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    title = {404: "Not found", 400: "Bad request"}.get(status, "Error")
    return render("error.html", status, headers=headers, title=title, code=status, message=message)


def _page(request: Request, fmt: str, template: str, data: dict[str, Any], **extra: Any) -> Any:
    if fmt not in PAGE_FORMATS:
        raise InputError(f"format {fmt!r} is not one of {', '.join(PAGE_FORMATS)}")
    if fmt == "json":
        return JSONResponse(data)
    return render(template, data=data, path=request.url.path, **extra)


def _date(value: str | None, name: str) -> dt.date | None:
    return views.parse_date(value, name)


router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request,
    store: StoreDep,
    since: Since = None,
    until: Until = None,
    format: Format = "html",
) -> Any:
    data = overview_of(request, store, _date(since, "since"), _date(until, "until"))
    return _page(request, format, "overview.html", data, title="Overview")


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad_page(
    request: Request,
    store: StoreDep,
    a: str,
    b: str,
    freq: str = "month",
    since: Since = None,
    until: Until = None,
    format: Format = "html",
) -> Any:
    data = views.dyad_view(
        store, a, b, freq=freq, since=_date(since, "since"), until=_date(until, "until")
    )
    if data is None:
        raise HTTPException(
            404,
            f"no events between {a.upper()} and {b.upper()}; pick a dyad on the overview "
            "or find one with the search",
        )
    return _page(request, format, "dyad.html", data, title=f"{data['a']} – {data['b']}")


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(
    request: Request, store: StoreDep, article_id: str, format: Format = "html"
) -> Any:
    data = views.article_view(store, article_id)
    if data is None:
        raise HTTPException(
            404, f"no article with id {article_id!r}; find articles through the search"
        )
    title = data["title"] or f"Article {article_id}"
    return _page(request, format, "article.html", data, title=title)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, store: StoreDep, q: str = "", offset: Offset = 0, format: Format = "html"
) -> Any:
    data = views.search_view(store, q, offset=offset)
    title = f"Search: {data['q']}" if data["q"] else "Search"
    return _page(request, format, "search.html", data, title=title)


def _plotly_path() -> Path:
    resource = files("plotly") / "package_data" / "plotly.min.js"
    path = Path(str(resource))
    if not path.is_file():
        raise ConfigError(
            "plotly.min.js is missing from the installed plotly package; reinstall the server "
            "extra with `pip install 'detente[server]'`"
        )
    return path


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(
        _plotly_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def mount_web(app: FastAPI) -> None:
    """Add the dashboard pages and their static files to ``app``."""
    app.include_router(router)  # before the mount, so /static/vendor/ reaches plotly_js
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
