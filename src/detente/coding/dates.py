"""Event dates from the sentence text, resolved against the article date.

Handles the expressions news uses most: explicit dates ("5 February 2024", "Feb. 5",
"February 2024"), months ("in February"), weekdays ("on Saturday"), "yesterday", "today",
"last week/month/year", "this year", "earlier this month".  With none of them the article
date stands in, with ``date_precision`` "" to say so.

Dates stay within ``EARLIEST_DATE..LATEST_DATE``: an explicit date outside it is ignored, an
article date outside it resolves nothing (the event is left undated), and a relative date that
steps just outside it ("last week" on 1000-01-03) is clamped to the edge.  Nothing here raises
on an extreme date.
"""

from __future__ import annotations

import datetime as dt
import re

from detente.models import EARLIEST_DATE, LATEST_DATE

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)

_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{{4}})", re.I)
_MONTH_YEAR = re.compile(rf"\b(?:in\s+){_MONTH}\s+(\d{{4}})\b", re.I)
_IN_MONTH = re.compile(rf"\bin\s+(?:early\s+|mid-|late\s+)?{_MONTH}(?!\s+\d)", re.I)
_WEEKDAY = re.compile(
    r"\b(?:on|last|this)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _safe(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when it does not exist or lies outside the supported range."""
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return found if EARLIEST_DATE <= found <= LATEST_DATE else None


def _month_year(month: int, ref: dt.date, forward: bool) -> int:
    """The year of the nearest ``month``: not after the reference date, or for an announced
    event ("will visit in May") not before it."""
    if forward:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def resolve_event_date(
    text: str, ref: dt.date | None, *, forward: bool = False
) -> tuple[dt.date | None, str]:
    """Return (date, precision) with precision day, month, week, year or "" (article date used).

    ``forward`` reads bare months and weekdays as the next ones (events not yet happened).
    An article date outside ``EARLIEST_DATE..LATEST_DATE`` counts as none.
    """
    if ref is not None and not EARLIEST_DATE <= ref <= LATEST_DATE:
        ref = None
    found, precision = _resolve(text, ref, forward)
    if found is None:
        return None, ""
    # Only a relative date can step outside (by at most a year) from a supported article date.
    return min(max(found, EARLIEST_DATE), LATEST_DATE), precision


def _resolve(text: str, ref: dt.date | None, forward: bool) -> tuple[dt.date | None, str]:
    if m := _ISO.search(text):
        found = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            return found, "day"
    if m := _DAY_MONTH_YEAR.search(text):
        found = _safe(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if found:
            return found, "day"
    if m := _MONTH_DAY_YEAR.search(text):
        found = _safe(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if found:
            return found, "day"
    if (m := _MONTH_YEAR.search(text)) and (
        found := _safe(int(m.group(2)), MONTHS[m.group(1).lower()], 1)
    ):
        return found, "month"
    if ref is None:
        return None, ""
    lower = text.lower()
    if m := _MONTH_DAY.search(text):
        month = MONTHS[m.group(1).lower()]
        found = _safe(_month_year(month, ref, forward), month, int(m.group(2)))
        if found:
            return found, "day"
    if "yesterday" in lower:
        return ref - dt.timedelta(days=1), "day"
    if "last year" in lower:
        return dt.date(ref.year - 1, 1, 1), "year"
    if "last month" in lower:
        first = ref.replace(day=1) - dt.timedelta(days=1)
        return first.replace(day=1), "month"
    if "last week" in lower:
        return ref - dt.timedelta(days=7), "week"
    if "next week" in lower:
        return ref + dt.timedelta(days=7), "week"
    if "next month" in lower:
        return (ref.replace(day=28) + dt.timedelta(days=4)).replace(day=1), "month"
    if "next year" in lower:
        return dt.date(ref.year + 1, 1, 1), "year"
    if m := _WEEKDAY.search(text):
        target = WEEKDAYS.index(m.group(1).lower())
        if forward:
            return ref + dt.timedelta(days=(target - ref.weekday()) % 7), "day"
        return ref - dt.timedelta(days=(ref.weekday() - target) % 7), "day"
    if m := _IN_MONTH.search(text):
        month = MONTHS[m.group(1).lower()]
        return dt.date(_month_year(month, ref, forward), month, 1), "month"
    if "this month" in lower:
        return ref.replace(day=1), "month"
    if "this year" in lower:
        return dt.date(ref.year, 1, 1), "year"
    if "today" in lower:
        return ref, "day"
    return ref, ""
