"""``detente serve``: the HTTP API and dashboard over one database (this process owns it)."""

from __future__ import annotations

import typer

from detente.cli.app import app, run, stderr
from detente.cli.options import DB
from detente.store import Store

# Shared with `ingest --server`, which sends the token this command accepts.
TOKEN = typer.Option(
    None,
    "--token",
    envvar="DETENTE_TOKEN",
    help="Bearer token for writes: `serve` accepts POSTs carrying it (none: read-only), "
    "`ingest --server` sends it.",
    show_default=False,
)


@app.command("serve")
def serve_command(
    db: str = DB,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    token: str = TOKEN,
) -> None:
    """Serve the JSON API and the dashboard; other commands reach the data through it."""

    def body() -> None:
        import uvicorn  # the [server] extra: loaded only by this command

        from detente.api import create_app

        Store(db).close()  # fail here, with a clean message, if the file is held or broken
        writes = "enabled" if token else "disabled (set DETENTE_TOKEN or --token to enable)"
        stderr.print(f"serving {db} on http://{host}:{port}/ ; writes {writes}", highlight=False)
        uvicorn.run(create_app(db, token=token), host=host, port=port, log_level="info")

    run(body)
