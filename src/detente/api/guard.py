"""Pure ASGI middleware that protects the server before any route runs.

    SecurityHeaders  every response (JSON, HTML, static files, errors) gets
                     ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``
    WriteGate        on the write routes, from the headers alone: ``429`` past the client's
                     rate (a token bucket per client address), then ``401``/``403`` without the
                     token, before a byte of the body is read
    BodyLimit        ``413`` for a body over the limit: a ``Content-Length`` over it is refused
                     at once, and a chunked body is counted as it streams and cut off there

They answer in the API's error shape, ``{"detail": "<message>"}``.  An answer given before the
body was read carries ``Connection: close``, so the server drops the connection instead of
reading the rest of a large upload.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from detente.api.auth import token_problem

__all__ = [
    "SECURITY_HEADERS",
    "WRITE_ROUTES",
    "BodyLimit",
    "RateLimiter",
    "SecurityHeaders",
    "WriteGate",
    "send_error",
]

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# (method, path) of every route that writes; a test checks the app has no other.
WRITE_ROUTES = frozenset({("POST", "/api/articles")})
_MAX_CLIENTS = 10_000  # token buckets kept; the least recently seen client is dropped first


async def send_error(
    send: Send,
    status: int,
    message: str,
    *,
    headers: Iterable[tuple[str, str]] = (),
    close: bool = False,
) -> None:
    """Answer ``{"detail": message}`` with ``status`` (and ``Connection: close`` if ``close``)."""
    body = json.dumps({"detail": message}, separators=(",", ":")).encode("utf-8")
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers),
    ]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _has_body(scope: Scope) -> bool:
    length = _header(scope, b"content-length")
    return _header(scope, b"transfer-encoding") is not None or (
        length is not None and length.strip() not in ("", "0")
    )


class SecurityHeaders:
    """Add ``SECURITY_HEADERS`` to every HTTP response that passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimiter:
    """A token bucket per client: ``rate`` requests a second on average, ``burst`` at once.

    ``clock`` is injected (seconds, monotonic) so tests can step time.  At most
    ``max_clients`` buckets are kept; the least recently seen client's is dropped first.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = _MAX_CLIENTS,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, time

    def take(self, client: str) -> float:
        """Spend one token of ``client``'s bucket: 0.0 if it had one, else the seconds until
        it will (the request is refused and spends nothing)."""
        now = self._clock()
        tokens, then = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens - 1.0 if wait == 0.0 else tokens, now)
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)
        return wait


class WriteGate:
    """On ``WRITE_ROUTES``: the client's rate limit, then the bearer token, from the headers.

    ``token`` is the server's (``None``: writes disabled, every write is 403); ``limiter``
    ``None`` switches rate limiting off.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, limiter: RateLimiter | None) -> None:
        self.app = app
        self.token = token
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in WRITE_ROUTES:
            await self.app(scope, receive, send)
            return
        close = _has_body(scope)
        if self.limiter is not None:
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = self.limiter.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                message = (
                    f"too many writes from {client}: the limit is {self.limiter.rate:g} a "
                    f"second (bursts of {self.limiter.burst}); retry in {seconds} s"
                )
                headers = [("Retry-After", str(seconds))]
                await send_error(send, 429, message, headers=headers, close=close)
                return
        problem = token_problem(self.token, _header(scope, b"authorization"))
        if problem is not None:
            await send_error(
                send, problem.status, problem.message, headers=problem.headers, close=close
            )
            return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    """Raised inside ``BodyLimit`` when a streamed body passes the limit (caught there)."""


class BodyLimit:
    """``413`` for request bodies over ``max_bytes``, without reading them into memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self, size: str) -> str:
        return (
            f"the body is {size}; this server takes at most {self.max_bytes} bytes a "
            "request: send fewer articles per request"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                message = f"Content-Length {length!r} is not a number of bytes"
                await send_error(send, 400, message, close=True)
                return
            if int(length) > self.max_bytes:
                await send_error(send, 413, self._message(f"{int(length)} bytes"), close=True)
                return
        state: MutableMapping[str, Any] = {"received": 0, "over": False, "started": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_bytes:
                    state["over"] = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"]:
                return  # whatever the app makes of a cut-off body, the answer is the 413
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):  # the app let it through; the 413 goes out below
            await self.app(scope, counted_receive, guarded_send)
        if state["over"] and not state["started"]:
            over = f"over {self.max_bytes} bytes"
            await send_error(send, 413, self._message(over), close=True)
