"""Pydantic models of the API's request bodies and responses.

``ArticleIn`` is the record ``POST /api/articles`` accepts (the same fields as a JSONL input
record); ``articles_from_body`` turns a parsed JSON body (one object or a list of them) into
``Article`` records, or raises ``InputError`` with one line per problem, each naming where it is
(``body[2].date``) and how to fix it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from detente.errors import InputError
from detente.ingest.ids import article_id_for
from detente.models import Article

__all__ = [
    "MAX_POST_ARTICLES",
    "AddedOut",
    "ArticleIn",
    "ErrorOut",
    "EventsPage",
    "HealthOut",
    "articles_from_body",
    "post_body_schema",
]

MAX_POST_ARTICLES = 1000
_DATE_HELP = "use YYYY-MM-DD or an ISO 8601 datetime such as 2024-05-01T09:30:00Z"


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
            id=(self.id or "").strip() or article_id_for(self.text),
            text=self.text,
            date=_parse_date(self.date) if self.date and self.date.strip() else None,
            title=(self.title or "").strip(),
            url=(self.url or "").strip(),
            source=(self.source or "").strip(),
            origin="api",
        )


def _parse_date(value: str) -> dt.date:
    stamp = value.strip()
    try:
        return dt.date.fromisoformat(stamp)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(stamp).date()
    except ValueError:
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


def articles_from_body(payload: Any) -> list[Article]:
    """``Article`` records from a JSON body: one article object or a list of them."""
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
    problems: list[str] = []
    for n, item in enumerate(items):
        prefix = f"body[{n}]" if isinstance(payload, list) else "body"
        if not isinstance(item, dict):
            kind = type(item).__name__ if item is not None else "null"
            problems.append(f'{prefix}: expected an article object {{"text": ...}}, got {kind}')
            continue
        try:
            articles.append(ArticleIn.model_validate(item).to_article())
        except ValidationError as e:
            problems.extend(_problems(e, prefix))
    if problems:
        raise InputError("; ".join(problems[:20]))
    return articles


def post_body_schema() -> dict[str, Any]:
    """OpenAPI request body of ``POST /api/articles``: an article or a list of them."""
    one = ArticleIn.model_json_schema()
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"anyOf": [one, {"type": "array", "items": one}]},
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


class AddedOut(BaseModel):
    articles_added: int
    articles_skipped: int  # already stored, or repeated in the request
    articles_failed: int  # a coding stage failed on them (the server log says why)
    events_added: int
    ids: list[str]  # every article's id, in request order


class ErrorOut(BaseModel):
    detail: str
