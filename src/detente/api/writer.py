"""The server's one writer: POSTed batches wait in a bounded queue and are coded and stored
in arrival order by one thread, off the event loop.

``submit`` never blocks: it returns a future for the batch's counts, or ``None`` when the queue
is full (the route answers 503 with ``retry_after()``).  The writer thread hands each batch to
``views.add_view``, which skips stored articles, codes the new ones with ``coder`` and writes
them; with ``coding_process`` (the default) the coding itself runs in one worker process, so
parsing news text never competes with the server's threads for the interpreter, while the
store is still written by this process's one writer thread.  ``on_added`` is called after each
batch that added articles (the app uses it to invalidate its view cache).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from detente import views
from detente.models import Article
from detente.settings import Settings
from detente.store import Store

__all__ = ["WriteQueue"]

LOGGER = logging.getLogger(__name__)

_RETRY_MIN_S, _RETRY_MAX_S = 1, 60
_FIRST_GUESS_S = 2.0  # seconds a batch takes, until one has been timed


@dataclass(frozen=True, slots=True)
class _Job:
    articles: Sequence[Article]
    notes: Sequence[str]
    future: Future[dict[str, Any]] = field(compare=False)


class WriteQueue:
    """At most ``maxsize`` batches waiting, one being written; see the module docstring."""

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings | None,
        maxsize: int = 8,
        coder: views.Coder = views.code_batch,
        coding_process: bool = True,
        on_added: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.coder = coder
        self.coding_process = coding_process
        self.on_added = on_added
        self._queue: queue.Queue[_Job | None] = queue.Queue(maxsize=maxsize)
        self._pool: ProcessPoolExecutor | None = None
        self._seconds = _FIRST_GUESS_S  # moving average of a batch's time
        self._thread = threading.Thread(target=self._run, name="detente-writer", daemon=True)
        self._thread.start()

    def submit(
        self, articles: Sequence[Article], notes: Sequence[str] = ()
    ) -> Future[dict[str, Any]] | None:
        """Queue a batch; ``None`` if the queue is full (nothing was queued)."""
        job = _Job(articles, notes, Future())
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            return None
        return job.future

    def waiting(self) -> int:
        """Batches queued and not started yet."""
        return self._queue.qsize()

    def retry_after(self) -> int:
        """Seconds a refused client should wait: about one batch's time (1 to 60)."""
        return min(_RETRY_MAX_S, max(_RETRY_MIN_S, math.ceil(self._seconds)))

    def close(self) -> None:
        """Write every batch already queued, then stop the thread and the worker process."""
        self._queue.put(None)
        self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _code(self, articles: list[Article], settings: Settings | None) -> list[Article]:
        if self.coding_process:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no copied threads or locks
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            try:
                return self._pool.submit(self.coder, articles, settings).result()
            except BrokenProcessPool:
                self._pool = None  # the worker died (out of memory?); the next batch starts one
                raise
        return self.coder(articles, settings)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if not job.future.set_running_or_notify_cancel():
                continue
            started = time.monotonic()
            try:
                added = views.add_view(
                    self.store, job.articles, settings=self.settings, notes=job.notes,
                    coder=self._code,
                )  # fmt: skip
            except Exception as e:  # the route answers with the generic 500
                LOGGER.exception("writing a batch of %d articles failed", len(job.articles))
                job.future.set_exception(e)
                continue
            self._seconds = 0.7 * self._seconds + 0.3 * (time.monotonic() - started)
            if added["articles_added"]:
                self.on_added()
            job.future.set_result(added)
