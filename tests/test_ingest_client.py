"""Sending to a busy server: 429 and 503 are asked again after their Retry-After."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from detente.errors import StoreError
from detente.ingest.client import SendResult, send_articles
from detente.models import Article

ARTICLES = [Article(id="a1", text="Chile recalled its ambassador."), Article(id="a2", text="x")]
COUNTS = {"articles_added": 2, "articles_skipped": 0, "articles_failed": 0, "events_added": 1}


@contextmanager
def _server(answers: list[tuple[int, dict[str, str]]]) -> Iterator[tuple[str, list[str]]]:
    """A loopback server that answers POSTs from ``answers`` in turn, then 200 with counts."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(body.decode())
            code, headers = answers.pop(0) if answers else (200, {})
            payload = COUNTS if code == 200 else {"detail": "the write queue is full"}
            raw = json.dumps({**payload, "ids": ["a1", "a2"]} if code == 200 else payload)
            self.send_response(code)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_ingest_client_waits_out_a_busy_server() -> None:
    waits: list[float] = []
    busy = [(503, {"Retry-After": "2"}), (429, {"Retry-After": "soon"}), (503, {})]
    with _server(busy) as (url, seen):
        result = send_articles(url, ARTICLES, token="t", sleep=waits.append)
        assert result == SendResult(2, 0, 0, 1, 1, ("a1", "a2"))
        assert waits == [2.0, 1.0, 1.0]  # a Retry-After that is not a number counts as 1 s
        assert len(seen) == 4 and len(set(seen)) == 1  # the same batch each time


def test_ingest_client_gives_up_after_its_retries() -> None:
    waits: list[float] = []
    with _server([(503, {"Retry-After": "999"})] * 3) as (url, seen):
        with pytest.raises(
            StoreError, match=r"stayed busy \(503: the write queue is full\) after 3"
        ):
            send_articles(url, ARTICLES, token="t", retries=2, sleep=waits.append)
        assert waits == [60.0, 60.0]  # capped
        assert len(seen) == 3
