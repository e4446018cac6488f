"""Bearer-token check for the endpoints that write.

Reads are open.  A write needs ``Authorization: Bearer <token>`` matching the server's token:
no header is 401, a wrong token 403, and a server started without a token refuses every write
with 403 (writes are disabled until it is restarted with ``DETENTE_TOKEN`` set).
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

__all__ = ["TOKEN_ENV", "check_token", "require_token"]

TOKEN_ENV = "DETENTE_TOKEN"


def check_token(expected: str | None, authorization: str | None) -> None:
    """Raise ``HTTPException`` (401 or 403) unless ``authorization`` carries ``expected``."""
    if not expected:
        raise HTTPException(
            403,
            "writes are disabled: this server was started without a token; restart it with "
            f"{TOKEN_ENV} set (or `detente serve --token ...`) and send "
            "'Authorization: Bearer <token>'",
        )
    if not authorization:
        raise HTTPException(
            401,
            "this endpoint writes and needs a token; send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(
            401,
            "the Authorization header should read 'Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # compare_digest on bytes: constant time, and no error on non-ASCII input.
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(
            403, f"wrong token; use the one the server was started with ({TOKEN_ENV})"
        )


def require_token(request: Request) -> None:
    """FastAPI dependency: check the request against the app's token."""
    check_token(request.app.state.token, request.headers.get("authorization"))
