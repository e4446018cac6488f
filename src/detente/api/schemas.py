"""Pydantic models of the API's request bodies and responses.

``ArticleIn`` is the record ``POST /api/articles`` accepts (the same fields as a JSONL input
record).  ``parse_json`` reads the raw body, and ``articles_from_body`` turns it (one object or
a list of them) into ``Article`` records, or raises ``InputError`` with one line per problem,
each naming where it is (``body[2].date``) and how to fix it.

Text that is not valid Unicode (a JSON ``"\\udfff"`` escape, or bytes that are not UTF-8) cannot
be stored; it is replaced by U+FFFD, and the article's note in the answer says where.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from detente.errors import InputError
from detente.ingest.ids import article_id_for
from detente.models import Article

__all__ = [
    "ARTICLE_SCHEMA",
    "MAX_POST_ARTICLES",
    "NOT_BLANK",
    "AddedOut",
    "ArticleIn",
    "ArticleOutcome",
    "ErrorOut",
    "EventsPage",
    "HealthOut",
    "articles_from_body",
    "parse_json",
    "post_body_schema",
]

MAX_POST_ARTICLES = 1000
_DATE_HELP = "use YYYY-MM-DD or an RFC 3339 datetime such as 2024-05-01T09:30:00Z"
# An RFC 3339 full-date, or date-time (the formats the schema declares); detente keeps the date.
_STAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?"
    r"(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))?",
    re.ASCII,
)
_FIELDS = ("id", "text", "date", "title", "url", "source")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What str.strip() removes, as a regex class: the schema's patterns use it, since a regex's own
# \s differs between dialects (ECMA's leaves out U+001C..U+001F and U+0085, Python's does not).
_SPACES = "".join(f"\\u{n:04x}" for n in range(0x10000) if chr(n).isspace())
NOT_BLANK = f"[^{_SPACES}]"
_BLANK = f"^[{_SPACES}]*$"


class ArticleIn(BaseModel):
    """One article to code and store: ``text`` is required, the rest optional."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    text: str
    date: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and not value.strip():
            raise ValueError("id is blank; give the article's id, or leave id out to use a hash")
        return value

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty; give the article text or drop the record")
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            _parse_date(value)  # only checks; to_article parses again
        return value

    def to_article(self) -> Article:
        return Article(
            id=self.id if self.id is not None else article_id_for(self.text),
            text=self.text,
            date=_parse_date(self.date) if self.date and self.date.strip() else None,
            title=(self.title or "").strip(),
            url=(self.url or "").strip(),
            source=(self.source or "").strip(),
            origin="api",
        )


def _parse_date(value: str) -> dt.date:
    found = _STAMP.fullmatch(value)
    if found is None:
        raise ValueError(f"invalid date {value!r}; {_DATE_HELP}")
    try:
        return dt.date(*map(int, found.groups()))
    except ValueError:  # a day the calendar does not have, such as 2024-02-30
        raise ValueError(f"invalid date {value!r}; {_DATE_HELP}") from None


def _where(loc: tuple[int | str, ...], prefix: str) -> str:
    return prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def _problems(error: ValidationError, prefix: str) -> list[str]:
    lines = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "missing; every article needs its text under this field"
        lines.append(f"{_where(tuple(item['loc']), prefix)}: {message}")
    return lines


def _clean(item: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """``item`` with lone surrogates in its fields replaced by U+FFFD, and a note saying where."""
    cleaned = dict(item)
    fields = []
    for name in _FIELDS:
        value = item.get(name)
        if isinstance(value, str) and _SURROGATE.search(value):
            cleaned[name], count = _SURROGATE.subn("\ufffd", value)
            fields.append(f"{name} ({count})")
    if not fields:
        return cleaned, ""
    return cleaned, f"invalid Unicode replaced with U+FFFD in {', '.join(fields)}"


def articles_from_body(payload: Any) -> tuple[list[Article], list[str]]:
    """``Article`` records from a parsed JSON body (one article object or a list of them),
    with a note per article (``""``, or what was cleaned)."""
    if payload is None:
        raise InputError('the body is empty; send a JSON article {"text": ...} or a list of them')
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise InputError("the body is an empty list; send at least one article")
    if len(items) > MAX_POST_ARTICLES:
        raise InputError(
            f"the body holds {len(items)} articles; send at most {MAX_POST_ARTICLES} per request"
        )
    articles: list[Article] = []
    notes: list[str] = []
    problems: list[str] = []
    for n, item in enumerate(items):
        prefix = f"body[{n}]" if isinstance(payload, list) else "body"
        if not isinstance(item, dict):
            kind = type(item).__name__ if item is not None else "null"
            problems.append(f'{prefix}: expected an article object {{"text": ...}}, got {kind}')
            continue
        cleaned, note = _clean(item)
        try:
            articles.append(ArticleIn.model_validate(cleaned).to_article())
        except ValidationError as e:
            problems.extend(_problems(e, prefix))
        notes.append(note)
    if problems:
        raise InputError("; ".join(problems[:20]))
    return articles, notes


def parse_json(body: bytes) -> Any:
    """A raw request body as JSON (UTF-8); ``None`` for an empty body.

    Bytes that are not UTF-8 are read as lone surrogates (``surrogateescape``), so
    ``articles_from_body`` cleans and notes them per article like ``"\\udfff"`` escapes.
    """
    if not body.strip():
        return None
    text = body.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            f"the body is not valid JSON ({e.msg} at line {e.lineno} column {e.colno}); "
            "send a JSON object or list"
        ) from None
    except RecursionError:
        raise InputError(
            "the body is nested too deeply to read; send an article object or a list of them"
        ) from None
    except ValueError as e:  # e.g. an integer of more digits than Python converts
        raise InputError(f"the body is not valid JSON ({e}); send a JSON object or list") from None
    return payload


def _nullable(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}], "description": description}


# What ArticleIn accepts, written out: pydantic's schema would not say that ``id`` may be a
# number, that ``text`` must not be blank, or which strings ``date`` takes.
ARTICLE_SCHEMA: dict[str, Any] = {
    "title": "ArticleIn",
    "type": "object",
    "required": ["text"],
    "properties": {
        "id": {
            "anyOf": [
                {"type": "string", "pattern": NOT_BLANK},
                {"type": "number"},
                {"type": "null"},
            ],
            "description": "The article id, kept as given; default: a hash of the text.",
        },
        "text": {"type": "string", "pattern": NOT_BLANK, "description": "The text; not blank."},
        "date": _nullable(
            {
                "anyOf": [
                    {"type": "string", "format": "date"},
                    {"type": "string", "format": "date-time"},
                    {"type": "string", "pattern": _BLANK},
                ]
            },
            "YYYY-MM-DD or an ISO 8601 datetime; blank or null for none.",
        ),
        "title": _nullable({"type": "string"}, "The headline."),
        "url": _nullable({"type": "string"}, "Where the article was published."),
        "source": _nullable({"type": "string"}, "The outlet."),
    },
}


def post_body_schema() -> dict[str, Any]:
    """OpenAPI request body of ``POST /api/articles``: an article or a list of them."""
    many = {"type": "array", "items": ARTICLE_SCHEMA, "minItems": 1, "maxItems": MAX_POST_ARTICLES}
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"anyOf": [ARTICLE_SCHEMA, many]},
                "example": {
                    "id": "a1",
                    "date": "2024-05-01",
                    "text": "China and Japan held talks.",
                },
            }
        },
    }


class HealthOut(BaseModel):
    status: str
    articles: int
    events: int


class EventsPage(BaseModel):
    items: list[dict[str, Any]]
    limit: int
    offset: int
    count: int  # items on this page
    total: int  # events matching the filter


class ArticleOutcome(BaseModel):
    id: str
    status: Literal["added", "skipped", "failed"]
    note: str  # why it was skipped or failed, and anything cleaned on the way in


class AddedOut(BaseModel):
    articles_added: int
    articles_skipped: int  # already stored, or repeated in the request
    articles_failed: int  # a coding stage failed on them (the server log says why)
    events_added: int
    ids: list[str]  # every article's id, in request order
    articles: list[ArticleOutcome]  # what happened to each article, in request order


class ErrorOut(BaseModel):
    detail: str
