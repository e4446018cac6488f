"""Tests for detente.api.guard: the server refuses before it reads.

Writes are checked from the headers (rate limit, then token) before a byte of the body is
read; bodies over the limit are refused by their Content-Length, or cut off as they stream;
every answer carries the security headers; a 500 shows no exception text.  The ASGI tests
call the app directly with a ``receive`` that counts how often the body was asked for.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from detente.api import create_app
from detente.api.guard import WRITE_ROUTES, RateLimiter
from detente.errors import StoreError
from detente.models import Article
from test_api import AUTH, TOKEN, fill_store, make_client

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

MB = 1_000_000
SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
SERVER_ERROR = {"detail": "the server failed on this request; its log has the details"}
KNOWN = [{"id": "a1", "text": "x"}]  # stored already: answered without coding


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Answer:
    """What the app sent for one ASGI request, and how often it asked for the body."""

    def __init__(self, messages: list[dict[str, Any]], reads: int) -> None:
        start = messages[0]
        self.status: int = start["status"]
        self.headers = {k.decode(): v.decode() for k, v in start["headers"]}
        self.body = b"".join(m.get("body", b"") for m in messages[1:])
        self.starts = sum(m["type"] == "http.response.start" for m in messages)
        self.reads = reads

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    app: Any,
    *,
    headers: dict[str, str],
    chunks: int = 100,
    chunk: int = MB,
    client: str = "10.0.0.1",
) -> Answer:
    """POST /api/articles to ``app`` with a body of ``chunks`` pieces of ``chunk`` bytes."""
    reads = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        if reads > chunks:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": b" " * chunk, "more_body": reads < chunks}

    messages: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/articles", "raw_path": b"/api/articles",
        "query_string": b"", "root_path": "", "client": (client, 50000),
        "server": ("127.0.0.1", 8000),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    return Answer(messages, reads)


@pytest.fixture
def db(tmp_db: Path) -> Path:
    return fill_store(tmp_db)


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with make_client(db) as test_client:
        yield test_client


HUNDRED_MB = {"Content-Type": "application/json", "Content-Length": str(100 * MB)}


@pytest.mark.parametrize(
    ("token", "headers", "status", "detail"),
    [
        (TOKEN, {}, 401,
         "this endpoint writes and needs a token; send 'Authorization: Bearer <token>'"),
        (TOKEN, {"Authorization": "Bearer wrong"}, 403,
         "wrong token; use the one the server was started with (DETENTE_TOKEN)"),
        (None, AUTH, 403,
         "writes are disabled: this server was started without a token; restart it with "
         "DETENTE_TOKEN set (or `detente serve --token ...`) and send "
         "'Authorization: Bearer <token>'"),
    ],
)  # fmt: skip
def test_api_guard_token_checked_before_the_body(
    db: Path, token: str | None, headers: dict[str, str], status: int, detail: str
) -> None:
    app = create_app(str(db), token=token, max_body_bytes=1000 * MB)
    answer = call(app, headers={**HUNDRED_MB, **headers})
    assert (answer.status, answer.json(), answer.reads) == (status, {"detail": detail}, 0)
    assert answer.headers["connection"] == "close"  # the rest of the upload is not read
    assert answer.headers["content-type"] == "application/json"
    assert {k: answer.headers[k] for k in SECURITY} == SECURITY
    assert ("www-authenticate" in answer.headers) == (status == 401)


def test_api_guard_chunked_body_without_token_is_not_read(db: Path) -> None:
    app = create_app(str(db), token=TOKEN)
    answer = call(app, headers={"Transfer-Encoding": "chunked"})
    assert (answer.status, answer.reads, answer.headers["connection"]) == (401, 0, "close")


def test_api_guard_content_length_over_the_limit_is_413_unread(db: Path) -> None:
    app = create_app(str(db), token=TOKEN)  # the default limit: 10 MB
    answer = call(app, headers={**HUNDRED_MB, **AUTH})
    assert (answer.status, answer.reads, answer.headers["connection"]) == (413, 0, "close")
    assert answer.json() == {
        "detail": "the body is 100000000 bytes; this server takes at most 10000000 bytes a "
        "request: send fewer articles per request"
    }
    assert {k: answer.headers[k] for k in SECURITY} == SECURITY


def test_api_guard_streamed_body_is_cut_at_the_limit(db: Path) -> None:
    app = create_app(str(db), token=TOKEN, max_body_bytes=5000)
    answer = call(app, headers={**AUTH, "Transfer-Encoding": "chunked"}, chunk=1000)
    # Read up to the chunk that passed the limit, and no further; one answer, the 413.
    assert (answer.status, answer.reads, answer.starts) == (413, 6, 1)
    assert answer.json() == {
        "detail": "the body is over 5000 bytes; this server takes at most 5000 bytes a "
        "request: send fewer articles per request"
    }
    assert answer.headers["connection"] == "close"


def test_api_guard_bad_content_length_is_400(db: Path) -> None:
    app = create_app(str(db), token=TOKEN)
    answer = call(app, headers={**AUTH, "Content-Length": "12x"})
    assert (answer.status, answer.reads) == (400, 0)
    assert answer.json() == {"detail": "Content-Length '12x' is not a number of bytes"}


def test_api_guard_body_at_the_limit_is_taken(db: Path) -> None:
    body = json.dumps(KNOWN).encode()
    with make_client(db, max_body_bytes=len(body)) as exact:
        headers = {**AUTH, "Content-Type": "application/json"}
        assert exact.post("/api/articles", content=body, headers=headers).status_code == 200
        over = exact.post("/api/articles", content=body + b" ", headers=headers)
        assert over.status_code == 413
        assert over.json() == {
            "detail": f"the body is {len(body) + 1} bytes; this server takes at most "
            f"{len(body)} bytes a request: send fewer articles per request"
        }


# -- rate limits ------------------------------------------------------------------------------


def test_api_guard_rate_limiter_buckets() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock, max_clients=2)
    assert [limiter.take("a") for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]
    clock.now += 0.25  # half a token back
    assert limiter.take("a") == 0.25
    clock.now += 0.25
    assert (limiter.take("a"), limiter.take("a")) == (0.0, 0.5)
    assert limiter.take("b") == 0.0  # every client has its own bucket
    clock.now += 100  # a bucket refills to the burst, no further
    assert [limiter.take("a") for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]
    limiter.take("c")  # a third client: the least recently seen ("b") is dropped
    assert [limiter.take("a") for _ in range(1)] == [0.5]


def test_api_guard_writes_past_the_rate_are_429(db: Path) -> None:
    clock = Clock()
    app = create_app(str(db), token=TOKEN, write_rate=1.0, write_burst=2, clock=clock)
    with TestClient(app) as client:
        assert client.post("/api/articles", json=KNOWN, headers=AUTH).status_code == 200
        assert client.post("/api/articles", json=KNOWN).status_code == 401  # spends one too
        refused = client.post("/api/articles", json=KNOWN, headers=AUTH)
        assert refused.status_code == 429
        assert refused.json() == {
            "detail": "too many writes from testclient: the limit is 1 a second (bursts of 2); "
            "retry in 1 s"
        }
        assert refused.headers["retry-after"] == "1"
        assert {k: refused.headers[k] for k in SECURITY} == SECURITY
        assert client.get("/health").status_code == 200  # reads are not limited
        other = TestClient(app, client=("10.0.0.2", 50000))  # another address, its own bucket
        assert other.post("/api/articles", json=KNOWN, headers=AUTH).status_code == 200
        clock.now += 1.0
        assert client.post("/api/articles", json=KNOWN, headers=AUTH).status_code == 200
        assert client.post("/api/articles", json=KNOWN, headers=AUTH).status_code == 429


def test_api_guard_rate_limit_off(db: Path) -> None:
    with make_client(db, write_rate=None, write_burst=1) as client:
        codes = {client.post("/api/articles", json=KNOWN, headers=AUTH).status_code
                 for _ in range(5)}  # fmt: skip
        assert codes == {200}


def _routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            yield from _routes(route.original_router.routes)
        else:
            yield route


def test_api_guard_every_write_route_is_gated(client: TestClient) -> None:
    routes = list(_routes(client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 10
    writes = {
        (method, route.path)
        for route in routes
        for method in getattr(route, "methods", None) or ()
        if method not in ("GET", "HEAD")
    }
    assert writes == set(WRITE_ROUTES)


# -- headers and errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("GET", "/health", 200, "application/json"),
        ("GET", "/api/events?limit=1", 200, "application/json"),
        ("GET", "/api/events?limit=x", 400, "application/json"),
        ("GET", "/api/nothing", 404, "application/json"),
        ("GET", "/", 200, "text/html; charset=utf-8"),
        ("GET", "/articles/nope", 404, "text/html; charset=utf-8"),
        ("GET", "/static/dashboard.css", 200, "text/css; charset=utf-8"),
        ("GET", "/static/vendor/plotly.min.js", 200, "text/javascript; charset=utf-8"),
        ("GET", "/static/missing.js", 404, "application/json"),
        ("GET", "/openapi.json", 200, "application/json"),
        ("POST", "/api/articles", 401, "application/json"),
        ("POST", "/api/events", 405, "application/json"),
    ],
)
def test_api_guard_security_headers_everywhere(
    client: TestClient, method: str, path: str, status: int, kind: str
) -> None:
    response = client.request(method, path)
    assert (response.status_code, response.headers["content-type"]) == (status, kind)
    assert {k: response.headers[k] for k in SECURITY} == SECURITY
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]


def _failing_coder(kind: type[Exception], message: str) -> Any:
    def coder(articles: list[Article], settings: Any) -> list[Article]:
        raise kind(message)  # a new one each time: a raised error keeps its frames alive

    return coder


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (StoreError, "inserting failed on /srv/secret/detente.duckdb: Conversion Error: INT64"),
        (RuntimeError, "boom in /srv/secret/module.py"),
    ],
)
def test_api_guard_500_is_json_without_internals(
    db: Path, kind: type[Exception], message: str, caplog: pytest.LogCaptureFixture
) -> None:
    coder = _failing_coder(kind, message)
    app = create_app(str(db), token=TOKEN, coder=coder, coding_process=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/api/articles", json={"id": "new", "text": "x"}, headers=AUTH)
        assert (response.status_code, response.json()) == (500, SERVER_ERROR)
        assert response.headers["content-type"] == "application/json"
        assert {k: response.headers[k] for k in SECURITY} == SECURITY
        assert "secret" not in response.text
        assert client.get("/health").json()["articles"] == 6  # nothing half-written
    assert message in caplog.text  # the server log has the details


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/search?q=a&offset=9223372036854775808",
         "offset 9223372036854775808 is out of range; use at most 1000000000"),
        ("/api/events?offset=9223372036854775808",
         "offset 9223372036854775808 is out of range; use at most 1000000000"),
        ("/api/events?limit=99999999999999999999",
         "limit 99999999999999999999 is out of range; use at most 1000"),
        ("/api/events?since=", "since '' is not a date; use YYYY-MM-DD or leave since out"),
        ("/api/graph?until=2024-1-1", "until '2024-1-1' is not a date; use YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_api_guard_huge_or_malformed_values_are_400(
    client: TestClient, path: str, detail: str
) -> None:
    response = client.get(path)
    assert (response.status_code, response.json()) == (400, {"detail": detail})


def test_api_serve_defaults_are_create_app_defaults() -> None:
    import inspect

    from detente.cli import serve

    defaults = {k: p.default for k, p in inspect.signature(create_app).parameters.items()}
    assert serve.MAX_BODY.default == defaults["max_body_bytes"]
    assert serve.WRITE_RATE.default == defaults["write_rate"]
    assert serve.WRITE_BURST.default == defaults["write_burst"]
    assert serve.WRITE_QUEUE.default == defaults["write_queue"]
