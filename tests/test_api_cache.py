"""Tests for detente.api.cache: the whole-store views are computed once per store version.

``/``, ``/api/shifts``, ``/api/graph`` and ``/api/actors`` go through the cache.  A write that
adds articles moves the version on; the next read gets the value from before it at once while
the view is recomputed in the background, and the read after that the new value.  The first
request for a view computes it, and requests arriving meanwhile share that computation.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from detente.api.cache import ViewCache
from test_api import AUTH, fill_store, make_client
from test_api_writes import seize

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Counter:
    """A computation that counts its runs and returns ``(name, run)``; it takes ``takes``
    seconds of ``clock`` time, and waits for ``gate`` (if set) from its second run on."""

    def __init__(self, name: str, clock: Clock | None = None, takes: float = 0.0) -> None:
        self.name = name
        self.runs = 0
        self.clock = clock
        self.takes = takes
        self.gate: threading.Event | None = None

    def __call__(self) -> tuple[str, int]:
        self.runs += 1
        if self.gate is not None and self.runs > 1:
            assert self.gate.wait(timeout=10)
        if self.clock is not None:
            self.clock.now += self.takes
        return (self.name, self.runs)


@pytest.fixture
def cache() -> Iterator[ViewCache]:
    view_cache = ViewCache(size=2, clock=Clock())
    yield view_cache
    view_cache.close()


def test_api_cache_one_computation_per_version(cache: ViewCache) -> None:
    shifts = Counter("shifts")
    assert [cache.get("s", shifts) for _ in range(3)] == [("shifts", 1)] * 3
    cache.invalidate()
    assert cache.get("s", shifts) == ("shifts", 1)  # from before the write, at once
    assert cache.wait_idle()
    assert [cache.get("s", shifts) for _ in range(2)] == [("shifts", 2)] * 2
    assert (cache.version, cache.computed, shifts.runs) == (1, 2, 2)


def test_api_cache_stale_value_while_the_new_one_is_computed(cache: ViewCache) -> None:
    overview = Counter("overview")
    overview.gate = threading.Event()
    cache.get("o", overview)
    cache.invalidate()
    assert [cache.get("o", overview) for _ in range(5)] == [("overview", 1)] * 5
    assert not cache.wait_idle(timeout=0.05)  # the recomputation waits at the gate
    overview.gate.set()
    assert cache.wait_idle()
    assert cache.get("o", overview) == ("overview", 2)
    assert overview.runs == 2  # five stale reads started one recomputation


def test_api_cache_a_view_rests_as_long_as_it_took() -> None:
    clock = Clock()
    cache = ViewCache(clock=clock)
    slow = Counter("slow", clock, takes=10.0)
    try:
        cache.get("k", slow)  # took 10 s, finished at 1010
        cache.invalidate()
        clock.now += 5
        assert cache.get("k", slow) == ("slow", 1)
        assert cache.wait_idle() and slow.runs == 1  # not rested yet: no recomputation
        clock.now += 5
        assert cache.get("k", slow) == ("slow", 1)
        assert cache.wait_idle() and slow.runs == 2
        assert cache.get("k", slow) == ("slow", 2)
    finally:
        cache.close()


def test_api_cache_keeps_the_most_recently_used(cache: ViewCache) -> None:
    a, b, c = Counter("a"), Counter("b"), Counter("c")
    for key, compute in [("a", a), ("b", b), ("a", a), ("c", c), ("a", a), ("b", b)]:
        cache.get(key, compute)  # c pushes out b, the least recently used of two
    assert (a.runs, b.runs, c.runs) == (1, 2, 1)


def test_api_cache_errors_are_not_kept(cache: ViewCache) -> None:
    runs = []

    def fails() -> None:
        runs.append(1)
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError, match="no"):
            cache.get("x", fails)
    assert len(runs) == 2


def test_api_cache_failed_refresh_keeps_the_stale_value(
    cache: ViewCache, caplog: pytest.LogCaptureFixture
) -> None:
    results: list[Any] = ["first", ValueError("disk gone")]

    def compute() -> Any:
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    cache.get("x", compute)
    cache.invalidate()
    with caplog.at_level(logging.ERROR, logger="detente.api.cache"):
        assert cache.get("x", compute) == "first"
        assert cache.wait_idle()
    assert "recomputing the cached view 'x' failed" in caplog.text
    results.append("second")
    assert cache.get("x", compute) == "first"  # tries again
    assert cache.wait_idle()
    assert cache.get("x", compute) == "second"


def test_api_cache_concurrent_requests_share_one_computation(cache: ViewCache) -> None:
    started, release = threading.Event(), threading.Event()
    runs = []

    def slow() -> str:
        runs.append(1)
        started.set()
        assert release.wait(timeout=10)
        return "overview"

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(cache.get, "o", slow)
        assert started.wait(timeout=10)
        others = [pool.submit(cache.get, "o", slow) for _ in range(7)]
        time.sleep(0.05)  # let them queue up behind the first
        release.set()
        assert {f.result() for f in [first, *others]} == {"overview"}
    assert len(runs) == 1


@pytest.fixture
def client(tmp_db: Path) -> Iterator[TestClient]:
    with make_client(fill_store(tmp_db), coder=seize, coding_process=False) as test_client:
        assert _cache(test_client).wait_idle()  # the views primed at startup
        yield test_client


def _cache(client: TestClient) -> ViewCache:
    cache: ViewCache = client.app.state.cache  # type: ignore[attr-defined]
    return cache


@pytest.mark.parametrize(
    ("first", "second", "computed"),
    [
        ("/", "/?format=json", 0),  # primed at startup; the page and its twin share it
        ("/api/shifts", "/api/shifts?freq=month&min_change=2", 0),  # primed too
        ("/api/shifts?min_change=1", "/api/shifts?min_change=1", 1),
        ("/api/graph?since=2024-02-01", "/api/graph?since=2024-02-01", 1),
        ("/api/actors", "/api/actors", 1),
    ],
)
def test_api_cache_serves_repeated_reads(
    client: TestClient, first: str, second: str, computed: int
) -> None:
    before = _cache(client).computed
    answers = [client.get(path) for path in (first, second, first)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].content == answers[2].content
    assert _cache(client).computed == before + computed


def test_api_cache_a_write_is_seen_after_one_recomputation(client: TestClient) -> None:
    def snapshot() -> tuple[Any, ...]:
        overview = client.get("/?format=json").json()
        shifts = client.get("/api/shifts?min_change=0.5").json()["items"]
        actors = client.get("/api/actors").json()["countries"]
        return overview["articles"], overview["events"], len(shifts), actors[0]

    old = (6, 11, 3, {"country": "CHN", "events": 9})
    assert snapshot() == old
    version = _cache(client).version
    posted = client.post("/api/articles", json={"id": "s1", "text": "x"}, headers=AUTH)
    assert posted.json()["events_added"] == 1
    assert _cache(client).version == version + 1
    assert client.get("/health").json() == {"status": "ok", "articles": 7, "events": 12}
    assert snapshot() == old  # at once, from before the write, while they are recomputed
    assert _cache(client).wait_idle()
    assert snapshot() == (7, 12, 4, {"country": "CHN", "events": 10})
    skipped = client.post("/api/articles", json={"id": "s1", "text": "x"}, headers=AUTH)
    assert skipped.json()["articles_skipped"] == 1
    assert _cache(client).version == version + 1  # nothing added: the cache stays valid
