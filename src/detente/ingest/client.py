"""Send articles to a running detente server instead of opening its DuckDB file.

The server owns the database (DuckDB lets one process write a file), so while it runs, other
processes add articles through ``POST /api/articles``.  ``send_articles`` posts them in batches
with the standard library's ``urllib`` and adds up the server's counts.  Errors are detente's:
a rejected token is a ``ConfigError``, a rejected body an ``InputError``, and a server that is
down or failing a ``StoreError``, each with the server's own message.  A busy server (429 or
503, the write queue or the rate limit full) is asked again after its ``Retry-After``.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from detente.errors import ConfigError, InputError, StoreError
from detente.models import Article

__all__ = ["ARTICLES_PATH", "SendResult", "send_articles"]

LOGGER = logging.getLogger(__name__)

ARTICLES_PATH = "/api/articles"
_MAX_BATCH = 1000  # the server refuses larger requests
_BUSY = (429, 503)
_LONGEST_WAIT = 60.0  # seconds; a Retry-After beyond this is not waited out in full


class _Busy(Exception):
    """The server asked to be asked again later (429 or 503)."""

    def __init__(self, code: int, detail: str, wait: float) -> None:
        super().__init__(detail)
        self.code, self.detail, self.wait = code, detail, wait


def _retry_after(error: urllib.error.HTTPError) -> float:
    try:
        wait = float(error.headers.get("Retry-After", "1"))
    except ValueError:
        wait = 1.0  # an HTTP date, or garbage: a second is a fair guess
    return min(max(wait, 0.0), _LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class SendResult:
    """The server's counts added up over every batch sent."""

    articles_added: int = 0
    articles_skipped: int = 0
    articles_failed: int = 0
    events_added: int = 0
    batches: int = 0
    ids: tuple[str, ...] = field(default=(), repr=False)

    def __add__(self, other: SendResult) -> SendResult:
        return SendResult(
            self.articles_added + other.articles_added,
            self.articles_skipped + other.articles_skipped,
            self.articles_failed + other.articles_failed,
            self.events_added + other.events_added,
            self.batches + other.batches,
            self.ids + other.ids,
        )


def _endpoint(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"server URL {url!r} should look like http://127.0.0.1:8000 (the address "
            "`detente serve` prints)"
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "text": article.text,
        "date": article.date.isoformat() if article.date else None,
        "title": article.title,
        "url": article.url,
        "source": article.source,
    }


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(islice(it, size)):
        yield batch


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read().decode("utf-8", "replace"))
    except (ValueError, OSError):
        return error.reason or f"HTTP {error.code}"
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail) if detail else f"HTTP {error.code}"


def _post(endpoint: str, records: list[dict[str, Any]], token: str | None, timeout: float) -> Any:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(endpoint, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        detail = _detail(e)
        if e.code in _BUSY:
            raise _Busy(e.code, detail, _retry_after(e)) from None
        if e.code in (401, 403):
            raise ConfigError(
                f"the server refused the token ({e.code}): {detail}; pass the server's token "
                "with --token or DETENTE_TOKEN"
            ) from None
        if e.code in (400, 413, 422):
            raise InputError(f"the server rejected a batch ({e.code}): {detail}") from None
        raise StoreError(f"the server failed ({e.code}): {detail}; see its log") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        raise StoreError(
            f"cannot reach the server at {endpoint}: {reason}; start it with "
            "`detente serve --db FILE` or check --server"
        ) from None
    except ValueError as e:
        raise StoreError(f"the server at {endpoint} did not answer JSON: {e}") from None


def send_articles(
    url: str,
    articles: Iterable[Article],
    *,
    token: str | None = None,
    batch_size: int = 50,
    timeout: float = 300.0,
    retries: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """POST ``articles`` to the detente server at ``url`` in batches; return the summed counts.

    ``url`` is the server's base address (``http://127.0.0.1:8000``).  A batch the server is
    too busy for (429, 503) is sent again after the ``Retry-After`` it gives, up to
    ``retries`` times; any other failure raises at once.  Batches already sent stay stored
    (sending again skips them).
    """
    if not 1 <= batch_size <= _MAX_BATCH:
        raise InputError(f"batch_size must be 1 to {_MAX_BATCH}, got {batch_size}")
    endpoint = _endpoint(url) + ARTICLES_PATH
    total = SendResult()
    for batch in _batches(articles, batch_size):
        answer = _post_patiently(
            endpoint, [_record(a) for a in batch], token, timeout, retries=retries, sleep=sleep
        )
        if not isinstance(answer, dict):
            raise StoreError(f"the server at {endpoint} answered {answer!r}, not the counts")
        total += SendResult(
            int(answer.get("articles_added", 0)),
            int(answer.get("articles_skipped", 0)),
            int(answer.get("articles_failed", 0)),
            int(answer.get("events_added", 0)),
            1,
            tuple(str(i) for i in answer.get("ids", ())),
        )
        LOGGER.info("sent %d articles to %s", len(batch), endpoint)
    return total


def _post_patiently(
    endpoint: str,
    records: list[dict[str, Any]],
    token: str | None,
    timeout: float,
    *,
    retries: int,
    sleep: Callable[[float], None],
) -> Any:
    for attempt in range(retries + 1):
        try:
            return _post(endpoint, records, token, timeout)
        except _Busy as busy:
            if attempt == retries:
                raise StoreError(
                    f"the server stayed busy ({busy.code}: {busy.detail}) after {retries + 1} "
                    "tries; send again later (stored articles are skipped) or lower --batch-size"
                ) from None
            LOGGER.info("server busy (%d); trying again in %.1f s", busy.code, busy.wait)
            sleep(busy.wait)
    raise AssertionError("unreachable")  # the loop returns or raises
