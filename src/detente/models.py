"""Records that flow through detente: frozen, slotted dataclasses with to_dict/from_dict.

An ``Article`` enters the pipeline with only ``id`` and ``text``; each stage returns a new
``Article`` with more fields filled in (``sents``, ``mentions``, ``events``).  Everything here
is a plain immutable value so it pickles across worker processes and compares cleanly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MODES",
    "Actor",
    "Article",
    "Event",
    "Mention",
    "Place",
    "Sentence",
    "Token",
    "replace",
]

MODES = ("asserted", "future", "hypothetical", "negated", "prescriptive")
# The dates detente accepts for an article and resolves events to: wide enough for any news
# archive, narrow enough that date arithmetic (clusters +- days, "last year") never overflows.
EARLIEST_DATE = dt.date(1000, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def _date_or_none(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved participant: a country (or IGO) and a sector, with what decided it."""

    text: str
    country: str  # ISO 3166-1 alpha-3, "IGO:NATO" style, or "" when unknown
    sector: str = ""  # GOV MIL LEG JUD BUS MED CVL OPP REB EDU REL ... or ""
    name: str = ""  # canonical name of the person, organisation or country
    kb_id: str = ""  # knowledge-base entry that decided it
    # Which rule resolved it (shown by `detente actors resolve`); provenance, not identity.
    rule: str = field(default="", compare=False)

    @property
    def code(self) -> str:
        """CAMEO-style actor code: country letters followed by the sector, e.g. ``CHNGOV``."""
        return self.country.replace("IGO:", "IGO").replace("NGO:", "NGO") + self.sector

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "country": self.country,
            "sector": self.sector,
            "name": self.name,
            "kb_id": self.kb_id,
            "code": self.code,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(
            text=data.get("text", ""),
            country=data.get("country", ""),
            sector=data.get("sector", "") or "",
            name=data.get("name", "") or "",
            kb_id=data.get("kb_id", "") or "",
            rule=data.get("rule", "") or "",
        )


@dataclass(frozen=True, slots=True)
class Token:
    """One parsed token; ``head`` and ``i`` index tokens within the sentence, ``start`` is an
    offset into the article text.  Our own record, so coding never depends on spaCy objects."""

    i: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    start: int
    ent_type: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article with character offsets into ``Article.text``."""

    index: int
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...] = ()  # filled by the nlp stage for candidate sentences only

    @property
    def parsed(self) -> bool:
        return bool(self.tokens)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names an actor, resolved against the knowledge base."""

    text: str
    start: int
    end: int
    sentence_index: int
    actor: Actor
    kind: str = "name"  # name | role | pronoun | reference (the two sides, ...)
    members: tuple[Actor, ...] = ()  # for group references: "the two sides" -> both actors


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country}


@dataclass(frozen=True, slots=True)
class Event:
    """One dyadic action found in one sentence (see the table in DESIGN.md)."""

    article_id: str
    sentence_index: int
    sentence: str
    trigger: str
    trigger_start: int
    trigger_end: int
    source: Actor
    target: Actor | None
    cameo: str
    cameo_root: str
    plover: str
    quad_class: int
    goldstein: float
    mode: str = "asserted"
    date: dt.date | None = None
    date_precision: str = ""  # day | month | year | "" (publication date used)
    location: Place | None = None
    attribution: str = ""
    confidence: float = 0.5
    coder: str = "rules.v1"
    mention_id: str = ""  # shared by the events one compound or reciprocal mention produced
    evidence: tuple[int, ...] = ()  # later sentences of the article that report the same event
    # Shared with the same event reported by other articles; assigned by the store, so it is
    # bookkeeping, not part of the event's identity.
    cluster_id: str = field(default="", compare=False)
    event_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.event_id:
            object.__setattr__(self, "event_id", self.compute_id())

    def compute_id(self) -> str:
        key = "|".join(
            [
                self.article_id,
                str(self.sentence_index),
                self.source.code,
                self.target.code if self.target else "",
                self.cameo,
            ]
        )
        # surrogatepass: an id never fails on a lone surrogate that slipped past the readers.
        return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "doc_id": self.article_id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "trigger": {"text": self.trigger, "start": self.trigger_start, "end": self.trigger_end},
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "plover": self.plover,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "mode": self.mode,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision,
            "location": self.location.to_dict() if self.location else None,
            "attribution": self.attribution,
            "confidence": self.confidence,
            "coder": self.coder,
            "mention_id": self.mention_id,
            "evidence": list(self.evidence),
            "cluster_id": self.cluster_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        trigger = data.get("trigger") or {}
        location = data.get("location")
        target = data.get("target")
        return cls(
            article_id=data.get("article_id") or data["doc_id"],
            sentence_index=int(data["sentence_index"]),
            sentence=data.get("sentence", ""),
            trigger=trigger.get("text", ""),
            trigger_start=int(trigger.get("start", 0)),
            trigger_end=int(trigger.get("end", 0)),
            source=Actor.from_dict(data["source"]),
            target=Actor.from_dict(target) if target else None,
            cameo=data["cameo"],
            cameo_root=data["cameo_root"],
            plover=data.get("plover", ""),
            quad_class=int(data["quad_class"]),
            goldstein=float(data["goldstein"]),
            mode=data.get("mode", "asserted"),
            date=_date_or_none(data.get("date")),
            date_precision=data.get("date_precision", ""),
            location=Place(**location) if location else None,
            attribution=data.get("attribution", ""),
            confidence=float(data.get("confidence", 0.5)),
            coder=data.get("coder", ""),
            mention_id=data.get("mention_id", ""),
            evidence=tuple(int(i) for i in data.get("evidence") or ()),
            cluster_id=data.get("cluster_id", "") or "",
            event_id=data.get("event_id", ""),
        )


@dataclass(frozen=True, slots=True)
class Article:
    """One input document.  ``id`` is the record's id, else a content hash (see ingest.ids)."""

    id: str
    text: str
    date: dt.date | None = None
    title: str = ""
    url: str = ""
    source: str = ""  # publisher or feed name
    origin: str = ""  # where it was read from: "file.jsonl:12"
    raw_text: str = ""  # text before normalisation (kept so offsets can be audited)
    removed: tuple[str, ...] = ()  # boilerplate lines the normalizer dropped
    sents: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The article's own fields (not its derived sentences, mentions and events)."""
        return {
            "id": self.id,
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)} - {"sents", "mentions", "events", "removed"}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        values["date"] = _date_or_none(data.get("date"))
        return cls(**values)
