"""Where an event happened and on whose word: the place next to the trigger, the country a
role-only actor takes from its sentence, a "from X" origin, and the attribution ("according to
...", "X said ...").

Pure functions over ``Token`` records, split from :mod:`detente.coding.arguments`.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.arguments import OBJECT_DEPS, REPORTING_VERBS
from detente.coding.mode import children, subtree
from detente.models import Mention, Place, Token


def sentence_place(tokens: Sequence[Token], owner: dict[int, Mention]) -> str:
    """The country of any "in <capital or country>" in the sentence: context for role-only
    actors, not the event's location ("protesters stormed ... in Colombo")."""
    for tok in tokens:
        if tok.dep == "prep" and tok.text.lower() == "in":
            for obj in children(tokens, tok.i):
                mention = owner.get(obj.i)
                if mention is not None and mention.kind in {"capital", "country"}:
                    return mention.actor.country
    return ""


def origin_country(
    tokens: Sequence[Token], anchors: Sequence[Token], owner: dict[int, Mention]
) -> str:
    """A "from X" next to the trigger: "hosted a delegation from Sudan" -> Sudan."""
    objects = [t for a in anchors for t in children(tokens, a.i) if t.dep in OBJECT_DEPS]
    for anchor in [*anchors, *objects]:
        for prep in children(tokens, anchor.i):
            if prep.dep == "prep" and prep.text.lower() == "from":
                for obj in children(tokens, prep.i):
                    mention = owner.get(obj.i)
                    if mention is not None and mention.actor.country:
                        return mention.actor.country
    return ""


def context_country(place: Place | None, mentions: Sequence[Mention]) -> str:
    """The country of a role-only actor: the event's place, else the sentence's first country."""
    if place is not None and place.country:
        return place.country
    for mention in mentions:
        country = mention.actor.country
        if country and not country.startswith(("IGO:", "NGO:")):
            return country
    return ""


def find_place(
    tokens: Sequence[Token], anchors: Sequence[Token], owner: dict[int, Mention]
) -> Place | None:
    """Where it happened: "in Bangkok", "at the border" next to the trigger or its words."""
    for anchor in anchors:
        for prep in children(tokens, anchor.i):
            if prep.dep != "prep" or prep.text.lower() not in {"in", "at"}:
                continue
            for obj in children(tokens, prep.i):
                mention = owner.get(obj.i)
                if mention is not None and mention.actor.rule in {
                    "capital as metonym",
                    "country name",
                }:
                    return Place(mention.text, mention.actor.country)
    return None


def attribution(tokens: Sequence[Token], verb: Token, owner: dict[int, Mention]) -> str:
    for tok in tokens:
        if tok.text.lower() == "according" and tok.dep == "prep":
            to = next((t for t in children(tokens, tok.i) if t.text.lower() == "to"), None)
            if to is not None:
                objs = [t for t in children(tokens, to.i) if t.dep == "pobj"]
                if objs:
                    return "according to " + subtree_text(tokens, objs[0])
    current = verb
    for _ in range(4):
        if current.dep != "ccomp" or current.head == current.i:
            break
        head = tokens[current.head]
        if head.lemma in REPORTING_VERBS:
            subjects = [t for t in children(tokens, head.i) if t.dep == "nsubj"]
            if subjects:
                return subtree_text(tokens, subjects[0])
        current = head
    return ""


def subtree_text(tokens: Sequence[Token], root: Token) -> str:
    ordered = sorted(subtree(tokens, [root.i]))
    first, last = tokens[ordered[0]], tokens[ordered[-1]]
    text = ""
    for i in range(first.i, last.i + 1):
        tok = tokens[i]
        if text and tok.start > tokens[i - 1].end:
            text += " "
        text += tok.text
    return text
