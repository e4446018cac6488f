"""Bearer-token check for the endpoints that write.

Reads are open.  A write needs ``Authorization: Bearer <token>`` matching the server's token:
no header is 401, a wrong token 403, and a server started without a token refuses every write
with 403 (writes are disabled until it is restarted with ``DETENTE_TOKEN`` set).

The check reads headers only: ``WriteGate`` (guard.py) runs it before the body is read, and
``require_token`` runs it again as the route's dependency.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request

__all__ = ["TOKEN_ENV", "TokenProblem", "check_token", "require_token", "token_problem"]

TOKEN_ENV = "DETENTE_TOKEN"
_BEARER = (("WWW-Authenticate", "Bearer"),)


@dataclass(frozen=True, slots=True)
class TokenProblem:
    """Why a write is refused: the status, the message and the headers to answer with."""

    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def token_problem(expected: str | None, authorization: str | None) -> TokenProblem | None:
    """``None`` if ``authorization`` carries ``expected``, else the 401 or 403 to answer."""
    if not expected:
        return TokenProblem(
            403,
            "writes are disabled: this server was started without a token; restart it with "
            f"{TOKEN_ENV} set (or `detente serve --token ...`) and send "
            "'Authorization: Bearer <token>'",
        )
    if not authorization:
        return TokenProblem(
            401,
            "this endpoint writes and needs a token; send 'Authorization: Bearer <token>'",
            _BEARER,
        )
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return TokenProblem(401, "the Authorization header should read 'Bearer <token>'", _BEARER)
    # compare_digest on bytes: constant time, and no error on non-ASCII input (an environment
    # variable can hold bytes that are not UTF-8: surrogateescape turns them back into bytes).
    if not hmac.compare_digest(_bytes(given.strip()), _bytes(expected)):
        return TokenProblem(
            403, f"wrong token; use the one the server was started with ({TOKEN_ENV})"
        )
    return None


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def check_token(expected: str | None, authorization: str | None) -> None:
    """Raise ``HTTPException`` (401 or 403) unless ``authorization`` carries ``expected``."""
    problem = token_problem(expected, authorization)
    if problem is not None:
        raise HTTPException(problem.status, problem.message, headers=dict(problem.headers))


def require_token(request: Request) -> None:
    """FastAPI dependency: check the request against the app's token."""
    check_token(request.app.state.token, request.headers.get("authorization"))
