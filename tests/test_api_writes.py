"""Tests for POST /api/articles through the write queue (detente.api.writer).

Coding runs off the event loop: one writer thread takes batches from a bounded queue (a full
queue is 503 with Retry-After) and codes them in a worker process, so reads stay fast while
writes run.  Each article's fate is in the answer, and text that is not valid Unicode is
cleaned (U+FFFD) instead of failing the request.  Stand-in coders keep spaCy out of it.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from detente.api import create_app
from detente.api.writer import WriteQueue
from detente.models import Article
from detente.store import Store
from test_api import AUTH, CHN, JPN, TOKEN, _article, fill_store, live_app, make_client

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

JSON = {**AUTH, "Content-Type": "application/json"}


def keep_as_is(articles: list[Article], settings: Any) -> list[Article]:
    """A stand-in coder: every article coded, with no events."""
    return list(articles)


def mark_pid(articles: list[Article], settings: Any) -> list[Article]:
    """A stand-in coder that writes the id of the process it ran in into ``source``."""
    return [replace(a, source=str(os.getpid())) for a in articles]


def seize(articles: list[Article], settings: Any) -> list[Article]:
    """A stand-in coder: one CHN -> JPN seizure event per article, dated 2024-06-01."""
    spec = (0, "seized", CHN, JPN, "171", "COERCE", 4, -9.2, "asserted")
    text = "China seized Japanese fishing boats."
    return [_article(a.id, dt.date(2024, 6, 1), text, [spec]) for a in articles]


def drop_failing(articles: list[Article], settings: Any) -> list[Article]:
    """A stand-in coder that fails (leaves out) every article whose text says 'fail'."""
    return [a for a in articles if "fail" not in a.text]


@pytest.fixture
def db(tmp_db: Path) -> Path:
    return fill_store(tmp_db)


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with make_client(db, coder=keep_as_is, coding_process=False) as test_client:
        yield test_client


def test_api_post_cleans_invalid_unicode_and_keeps_the_others(client: TestClient) -> None:
    body = (
        b'[{"id": "ok", "text": "Plain text."},'
        b' {"id": "esc", "text": "ab\\udfff cd", "title": "\\ud800T\\udfff"},'
        b' {"id": "raw\xff", "text": "bytes \xfe\xff that are not UTF-8"},'
        b' {"id": "pair", "text": "a real pair \\ud83d\\ude00 is fine"}]'
    )
    response = client.post("/api/articles", content=body, headers=JSON)
    assert response.status_code == 200
    assert response.json() == {
        "articles_added": 4, "articles_skipped": 0, "articles_failed": 0, "events_added": 0,
        "ids": ["ok", "esc", "raw\ufffd", "pair"],
        "articles": [
            {"id": "ok", "status": "added", "note": ""},
            {"id": "esc", "status": "added",
             "note": "invalid Unicode replaced with U+FFFD in text (1), title (2)"},
            {"id": "raw\ufffd", "status": "added",
             "note": "invalid Unicode replaced with U+FFFD in id (1), text (2)"},
            {"id": "pair", "status": "added", "note": ""},
        ],
    }  # fmt: skip
    stored = client.get("/api/articles/esc").json()
    assert (stored["text"], stored["title"]) == ("ab\ufffd cd", "\ufffdT\ufffd")
    assert client.get("/api/articles/pair").json()["text"] == "a real pair \U0001f600 is fine"
    assert client.get("/health").json()["articles"] == 10


def test_api_post_reports_each_article(db: Path) -> None:
    with make_client(db, coder=drop_failing, coding_process=False) as client:
        body = [{"id": "n1", "text": "fine"}, {"id": "a2", "text": "stored"},
                {"id": "n2", "text": "this will fail"}, {"id": "n1", "text": "again"}]  # fmt: skip
        response = client.post("/api/articles", json=body, headers=AUTH)
    assert response.json() == {
        "articles_added": 1, "articles_skipped": 2, "articles_failed": 1, "events_added": 0,
        "ids": ["n1", "a2", "n2", "n1"],
        "articles": [
            {"id": "n1", "status": "added", "note": ""},
            {"id": "a2", "status": "skipped", "note": "already stored"},
            {"id": "n2", "status": "failed",
             "note": "a coding stage failed on it; the server log says why"},
            {"id": "n1", "status": "skipped", "note": "repeated in this request"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b'{"text": ', 400,
         "the body is not valid JSON (Expecting value at line 1 column 10); send a JSON "
         "object or list"),
        (b"[" * 100_000 + b"]" * 100_000, 400,
         "the body is nested too deeply to read; send an article object or a list of them"),
        (b'{"text": "x", "id": ' + b"9" * 5000 + b"}", 400,
         "the body is not valid JSON (Exceeds the limit (4300 digits) for integer string "
         "conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the "
         "limit); send a JSON object or list"),
        (b"", 422, 'the body is empty; send a JSON article {"text": ...} or a list of them'),
        (b'{"id": " ", "text": "x"}', 422,
         "body.id: id is blank; give the article's id, or leave id out to use a hash"),
        (b'{"text": "x", "date": "2024-05-01 09:30"}', 422,
         "body.date: invalid date '2024-05-01 09:30'; use YYYY-MM-DD or an RFC 3339 datetime "
         "such as 2024-05-01T09:30:00Z"),
        (b'{"text": "\\u001e"}', 422,
         "body.text: text is empty; give the article text or drop the record"),
    ],
)  # fmt: skip
def test_api_post_bad_bodies(client: TestClient, body: bytes, status: int, detail: str) -> None:
    response = client.post("/api/articles", content=body, headers=JSON)
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert client.get("/health").json()["articles"] == 6


@pytest.mark.parametrize(
    ("date", "stored"),
    [
        ("2024-05-01", "2024-05-01"),
        ("2024-05-01T23:30:00Z", "2024-05-01"),
        ("2024-05-01t23:59:60.25+05:30", "2024-05-01"),
        ("  ", None),
        (None, None),
    ],
)
def test_api_post_dates(client: TestClient, date: str | None, stored: str | None) -> None:
    article = {"id": "d1", "text": "x", "date": date}
    assert client.post("/api/articles", json=article, headers=AUTH).status_code == 200
    assert client.get("/api/articles/d1").json()["date"] == stored


def test_api_post_codes_in_a_worker_process(db: Path) -> None:
    with make_client(db, coder=mark_pid) as client:  # coding_process=True, the default
        response = client.post("/api/articles", json={"id": "p1", "text": "x"}, headers=AUTH)
        assert response.json()["articles_added"] == 1
        worker = client.get("/api/articles/p1").json()["source"]
    assert worker.isdigit() and int(worker) != os.getpid()


class Gate:
    """A stand-in coder that waits until the test opens it (run in the writer thread)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.open = threading.Event()

    def __call__(self, articles: list[Article], settings: Any) -> list[Article]:
        self.entered.set()
        if not self.open.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        return list(articles)


def _wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_api_post_full_queue_is_503_and_reads_stay_fast(db: Path) -> None:
    gate = Gate()
    app = create_app(str(db), token=TOKEN, coder=gate, coding_process=False, write_queue=1)
    with live_app(app) as url, ThreadPoolExecutor(2) as pool, httpx.Client(base_url=url) as http:

        def post(aid: str) -> httpx.Response:
            return httpx.post(f"{url}/api/articles", json={"id": aid, "text": "x"},
                              headers=AUTH, timeout=30)  # fmt: skip

        first = pool.submit(post, "q1")
        assert gate.entered.wait(timeout=10)  # q1 is being coded
        second = pool.submit(post, "q2")
        writer: WriteQueue = app.state.writer
        _wait_for(lambda: writer.waiting() == 1, "q2 to wait in the queue")
        refused = http.post("/api/articles", json={"id": "q3", "text": "x"}, headers=AUTH)
        assert (refused.status_code, refused.headers["retry-after"]) == (503, "2")
        assert refused.json() == {"detail": "the server is busy coding 1 batches; retry in 2 s"}
        started = time.monotonic()
        assert http.get("/health").json() == {"status": "ok", "articles": 6, "events": 11}
        assert http.get("/api/events?limit=1").status_code == 200
        assert time.monotonic() - started < 2.0  # reads answer while the writer is busy
        gate.open.set()
        assert [f.result().json()["ids"] for f in (first, second)] == [["q1"], ["q2"]]
        assert http.get("/health").json()["articles"] == 8


def test_api_writer_close_writes_what_was_queued(db: Path) -> None:
    gate = Gate()
    with Store(db) as store:
        writer = WriteQueue(store, settings=None, coder=gate, coding_process=False)
        futures = [writer.submit([Article(f"w{n}", "x")]) for n in range(3)]
        assert gate.entered.wait(timeout=10)
        gate.open.set()
        writer.close()
        assert [f.result()["articles_added"] for f in futures if f is not None] == [1, 1, 1]
        assert store.count("articles") == 9


def test_api_post_added_articles_show_in_reads(db: Path) -> None:
    with make_client(db, coder=seize, coding_process=False) as client:
        response = client.post("/api/articles", json={"id": "s1", "text": "x"}, headers=AUTH)
        assert response.json()["events_added"] == 1
        assert client.get("/health").json() == {"status": "ok", "articles": 7, "events": 12}
