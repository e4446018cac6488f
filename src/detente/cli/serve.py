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
# The defaults of detente.api.create_app (a test checks they agree); repeated here so that the
# CLI does not import the server extra until `serve` runs.
MAX_BODY = typer.Option(
    10_000_000, "--max-body", min=1, help="Largest request body in bytes (413 beyond)."
)
WRITE_RATE = typer.Option(
    2.0,
    "--write-rate",
    min=0.0,
    help="Writes a second per client address (429 beyond); 0: no limit.",
)
WRITE_BURST = typer.Option(10, "--write-burst", min=1, help="Writes a client may send at once.")
WRITE_QUEUE = typer.Option(
    8, "--write-queue", min=1, help="Batches waiting to be coded before POSTs get 503."
)


@app.command("serve")
def serve_command(
    db: str = DB,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    token: str = TOKEN,
    max_body: int = MAX_BODY,
    write_rate: float = WRITE_RATE,
    write_burst: int = WRITE_BURST,
    write_queue: int = WRITE_QUEUE,
) -> None:
    """Serve the JSON API and the dashboard; other commands reach the data through it."""

    def body() -> None:
        import uvicorn  # the [server] extra: loaded only by this command

        from detente.api import create_app

        Store(db).close()  # fail here, with a clean message, if the file is held or broken
        server = create_app(
            db, token=token, max_body_bytes=max_body, write_rate=write_rate or None,
            write_burst=write_burst, write_queue=write_queue,
        )  # fmt: skip
        writes = "enabled" if token else "disabled (set DETENTE_TOKEN or --token to enable)"
        stderr.print(f"serving {db} on http://{host}:{port}/ ; writes {writes}", highlight=False)
        uvicorn.run(server, host=host, port=port, log_level="info")

    run(body)
