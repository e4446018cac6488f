"""detente.api: the HTTP server (FastAPI) over one DuckDB store, with the dashboard.

    from detente.api import create_app

    app = create_app("detente.duckdb", token="s3cret")  # uvicorn.run(app)

Endpoints are listed in docs/api.md and at ``/openapi.json``.
"""

from detente.api.app import create_app

__all__ = ["create_app"]
