"""Repairs to the dependency parse that the rules rely on, made once per sentence.

A time or place phrase between a verb and its infinitive ("threatened on Monday to sever
ties", "agreed in Doha to resume talks") often makes the parser attach the infinitive as an
adverbial clause of purpose.  After verbs whose "to" clause is their content (threaten,
pledge, agree, decide, refuse ...) it is the complement (xcomp), as it is without the phrase;
the modes, intents, threats and refusals read from the complement then apply.
"""

from __future__ import annotations

from dataclasses import replace

from detente.coding import callfor
from detente.coding.mode import children
from detente.models import Sentence, Token

CONTROL_VERBS = frozenset(
    {
        "threaten",
        "pledge",
        "promise",
        "vow",
        "agree",
        "decide",
        "offer",
        "refuse",
        "decline",
        "plan",
        "intend",
        "want",
        "seek",
        "try",
        "attempt",
        "fail",
        "prepare",
        "hope",
        "aim",
        "undertake",
    }
)


def _content_infinitive(tokens: list[Token], tok: Token) -> bool:
    if tok.dep != "advcl" or tok.tag != "VB" or tok.head == tok.i:
        return False
    head = tokens[tok.head]
    if head.lemma not in CONTROL_VERBS or head.pos != "VERB" or head.i > tok.i:
        return False
    kids = children(tokens, tok.i)
    if any(k.dep in {"nsubj", "nsubjpass", "mark"} for k in kids):
        return False  # "so that Chile can ...", "in order to ...": a real adverbial clause
    if not any(k.dep == "aux" and k.text.lower() == "to" for k in kids):
        return False
    # Only one complement per verb: keep an existing xcomp.
    return not any(k.dep in {"xcomp", "ccomp"} for k in children(tokens, head.i))


def repaired(sent: Sentence) -> Sentence:
    """``sent`` with content infinitives of control verbs attached as complements."""
    tokens = list(sent.tokens)
    if not tokens:
        return sent
    fixed = [replace(t, dep="xcomp") if _content_infinitive(tokens, t) else t for t in tokens]
    fixed = callfor.repair(fixed)
    if fixed == tokens:
        return sent
    return replace(sent, tokens=tuple(fixed))
