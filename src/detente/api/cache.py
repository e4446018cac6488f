"""Cache of the costly whole-store views (overview, shifts, graph, actors), per store version.

Each value is kept with the store version it was computed at; a write that adds articles
calls ``invalidate()``, which moves the version on.  A read then gets:

* a value of the current version: at once;
* a value of an older version: at once (stale), while the view is recomputed in the
  background, so reads stay fast however long the computation takes (``detect_shifts`` over a
  large store takes seconds).  A view rests at least as long as it last took between two
  background recomputations, so refreshing never takes more than half the time of a thread;
* no value yet: the first request computes it, and concurrent requests for the same view
  wait for that one computation instead of starting their own.

So the cached views may lag a write by about one computation; the other endpoints read the
store directly.  Values are shared between requests: treat them as read-only.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

__all__ = ["Compute", "ViewCache"]

LOGGER = logging.getLogger(__name__)

Compute = Callable[[], Any]


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    value: Any
    compute: Compute
    took: float  # seconds the computation took
    done: float  # clock time it finished


class ViewCache:
    """Up to ``size`` view results, recomputed by ``workers`` background threads when stale.

    ``clock`` (seconds, monotonic) is injected for tests.  ``close()`` stops the threads.
    """

    def __init__(
        self, *, size: int = 64, workers: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size = size
        self.version = 0
        self.computed = 0  # computations finished (tests and the load test read it)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._running: dict[Hashable, Future[Any]] = {}  # one computation per view at a time
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="detente-cache")
        self._closed = False

    def get(self, key: Hashable, compute: Compute) -> Any:
        """The value of ``key``: see the module docstring for which one."""
        with self._lock:
            version = self.version
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                if entry.version != version and self._may_refresh(key, entry):
                    self._start(key, compute, version)
                return entry.value
            running = self._running.get(key)
            if running is None:
                running = self._running[key] = Future()
                owner = True
            else:
                owner = False
        if not owner:
            return running.result()
        return self._run(key, compute, version, running)

    def refresh(self, key: Hashable, compute: Compute) -> None:
        """Compute ``key`` in the background now (unless it is being computed already)."""
        with self._lock:
            if key not in self._running:
                self._start(key, compute, self.version)

    def invalidate(self) -> None:
        """The store changed: every cached value is out of date."""
        with self._lock:
            self.version += 1

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no computation runs (``False`` if ``timeout`` passed first)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                running = list(self._running.values())
            left = deadline - time.monotonic()
            if not running or left <= 0:
                return not running
            wait(running, timeout=left)

    def close(self) -> None:
        """Stop the background threads, letting a computation in progress finish."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True)

    def _may_refresh(self, key: Hashable, entry: _Entry) -> bool:
        rested = self._clock() - entry.done >= entry.took
        return rested and key not in self._running

    def _start(self, key: Hashable, compute: Compute, version: int) -> None:
        if self._closed:  # the server is stopping: the stale value will do
            return
        future: Future[Any] = Future()
        self._running[key] = future
        self._pool.submit(self._refresh, key, compute, version, future)

    def _refresh(self, key: Hashable, compute: Compute, version: int, future: Future[Any]) -> None:
        # Logged by _run; the stale value stays, and a later read tries again.
        with contextlib.suppress(Exception):
            self._run(key, compute, version, future, background=True)

    def _run(
        self,
        key: Hashable,
        compute: Compute,
        version: int,
        future: Future[Any],
        *,
        background: bool = False,
    ) -> Any:
        started = self._clock()
        try:
            value = compute()
        except BaseException as e:
            if background:
                LOGGER.exception("recomputing the cached view %r failed", key)
            with self._lock:
                del self._running[key]
            future.set_exception(e)
            raise
        done = self._clock()
        with self._lock:
            del self._running[key]
            self.computed += 1
            current = self._entries.get(key)
            if current is None or current.version <= version:
                self._entries[key] = _Entry(version, value, compute, done - started, done)
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        future.set_result(value)
        return value
