"""One record (a JSONL object or a CSV row) to an ``Article``, or the reason it cannot be one.

Invalid Unicode policy: a lone surrogate (a ``\\ud800``..``\\udfff`` escape in JSON that is not
half of a pair) cannot be stored or encoded, so ``clean_record`` replaces each one with U+FFFD
in every string field (``id``, ``text``, ``date``, ``title``, ``url``, ``source``) and says how
many it replaced; the reader counts them and logs one warning per file.  A record never leaves
the reader with a lone surrogate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from detente.ingest.decoding import clean_text
from detente.ingest.ids import article_id_for
from detente.models import EARLIEST_DATE, LATEST_DATE, Article

__all__ = [
    "RECORD_FIELDS",
    "Repairs",
    "article_from_record",
    "clean_record",
    "date_range_problem",
    "json_kind",
]

RECORD_FIELDS = ("id", "text", "date", "title", "url", "source")
_DATE_HELP = "use YYYY-MM-DD or an ISO 8601 datetime such as 2024-05-01T09:30:00Z"
_SHOWN_CHARS = 60  # a bad value quoted in a reason is cut to this


def clean_record(record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """The known fields of ``record``, lone surrogates replaced, and the replacements per
    field (only fields that had any)."""
    cleaned = {key: record.get(key) for key in RECORD_FIELDS}
    repaired: dict[str, int] = {}
    for key, value in cleaned.items():
        if isinstance(value, str) and not value.isascii():
            cleaned[key], count = clean_text(value)
            if count:
                repaired[key] = count
    return cleaned, repaired


def article_from_record(
    record: Mapping[str, Any], origin: str, *, default_date: dt.date | None
) -> tuple[Article | None, str]:
    """``(article, "")`` for a good record, ``(None, reason)`` for a bad one."""
    text = record.get("text")
    if text is None:
        return None, 'the record has no "text" field; put the article text under "text"'
    if not isinstance(text, str):
        return None, f'"text" must be a string, not a JSON {json_kind(text)}'
    if not text.strip():
        return None, '"text" is empty; give the article text or drop the record'
    date, date_error = _parse_date(record.get("date"), default_date)
    if date_error:
        return None, date_error
    raw_id = record.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float | None):
        return None, f'"id" must be a string or a number, not a JSON {json_kind(raw_id)}'
    article_id = "" if raw_id is None else str(raw_id).strip()
    article = Article(
        id=article_id or article_id_for(text),
        text=text,
        date=date,
        title=_field(record, "title"),
        url=_field(record, "url"),
        source=_field(record, "source"),
        origin=origin,
    )
    return article, ""


def date_range_problem(date: dt.date) -> str:
    """Why ``date`` is outside the dates detente supports, or ``""`` when it is inside."""
    if EARLIEST_DATE <= date <= LATEST_DATE:
        return ""
    return f"date {date.isoformat()} is outside {EARLIEST_DATE}..{LATEST_DATE}"


def _parse_date(value: Any, default: dt.date | None) -> tuple[dt.date | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default, ""
    date = _iso_date(value.strip()) if isinstance(value, str) else None
    if date is None:
        return None, f"invalid date {_shown(value)}; {_DATE_HELP}"
    if problem := date_range_problem(date):
        return None, f"{problem}; correct it, or leave it out to use the default date"
    return date, ""


def _iso_date(stamp: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(stamp)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(stamp).date()
    except ValueError:
        return None


def _field(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= _SHOWN_CHARS else f"{shown[: _SHOWN_CHARS - 3]}..."


def json_kind(value: Any) -> str:
    """The JSON name of a decoded value's type (``array`` for a list, and so on)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    return "string" if isinstance(value, str) else type(value).__name__


class Repairs:
    """Counts the lone surrogates replaced in one input, for one warning when it is done."""

    def __init__(self) -> None:
        self.surrogates = 0
        self.records = 0
        self.first = ""

    def add(self, origin: str, counts: dict[str, int]) -> None:
        fixed = {field: n for field, n in counts.items() if n}
        if not fixed:
            return
        if not self.records:
            self.first = f"{origin} ({', '.join(fixed)})"
        self.records += 1
        self.surrogates += sum(fixed.values())

    def summary(self, name: str) -> str:
        """One line for the log about input ``name``, or ``""`` when nothing was replaced."""
        if not self.records:
            return ""
        return (
            f"{name}: replaced {self.surrogates} lone surrogate(s) (invalid Unicode, such as a "
            f"\\udfff escape without its pair) with U+FFFD in {self.records} record(s), first "
            f"in {self.first}"
        )
