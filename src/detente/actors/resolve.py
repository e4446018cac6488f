"""Resolve the actors of a text on a date: the library side of `detente actors resolve`."""

from __future__ import annotations

import datetime as dt

from detente.actors.mentions import ActorFinder
from detente.ingest.ids import article_id_for
from detente.models import Article, Mention
from detente.text.normalize import normalize_text
from detente.text.sentences import split_sentences


def resolve_actors(text: str, *, date: dt.date | None = None) -> list[Mention]:
    """The actor mentions of ``text`` in order of appearance, resolved as of ``date``."""
    clean, _ = normalize_text(text)
    article = Article(id=article_id_for(clean), text=clean, date=date, sents=split_sentences(clean))
    return list(ActorFinder()(article).mentions)


def mention_to_dict(mention: Mention) -> dict[str, object]:
    actor = mention.actor
    return {
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "country": actor.country,
        "sector": actor.sector,
        "name": actor.name,
        "kb_id": actor.kb_id,
        "code": actor.code,
        "kind": mention.kind,
        "rule": actor.rule,
        "members": [m.country for m in mention.members],
    }
