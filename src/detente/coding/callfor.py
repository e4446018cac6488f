""" "Called for X to do Y" read as "called on X to do Y".

The parser takes "for" in "Peru called for Chile to lift the ban" as the marker of an
adverbial clause whose subject is Chile, so the appeal has no addressee.  The wording asks
the clause's subject to act, as "called on Chile to lift the ban" does (README: "called on"
is 02x; "called for" is an appeal), so the construction is rewritten into that parse: the
preposition "on" with the addressee as its object and the infinitive as the complement.
Only a "for" that marks an infinitive clause with its own subject is touched; "called for
sanctions" and "called for talks" keep their parse.
"""

from __future__ import annotations

from dataclasses import replace

from detente.coding.mode import children
from detente.models import Token


def _call_for(tokens: list[Token], mark: Token) -> tuple[Token, Token, Token] | None:
    """(for, subject, infinitive) when ``mark`` opens "call for X to V"."""
    if mark.text.lower() != "for" or mark.dep != "mark":
        return None
    verb = tokens[mark.head]
    if verb.dep not in {"advcl", "xcomp", "ccomp"} or verb.tag != "VB" or verb.head == verb.i:
        return None
    call = tokens[verb.head]
    if call.lemma != "call" or call.pos != "VERB" or call.i + 1 != mark.i:
        return None
    kids = children(tokens, verb.i)
    if not any(k.dep == "aux" and k.text.lower() == "to" for k in kids):
        return None
    subject = next((k for k in kids if k.dep == "nsubj" and mark.i < k.i < verb.i), None)
    if subject is None or any(k.dep in {"xcomp", "ccomp"} for k in children(tokens, call.i)):
        return None
    return mark, subject, verb


def repair(tokens: list[Token]) -> list[Token]:
    """``tokens`` with each "call for X to V" parsed as "call on X to V"."""
    for mark in list(tokens):
        found = _call_for(tokens, mark)
        if found is None:
            continue
        prep, subject, verb = found
        call = verb.head
        # The rules read a preposition by its text; the token keeps its offset.
        on = replace(prep, text="on", lemma="on", pos="ADP", tag="IN", dep="prep", head=call)
        tokens[prep.i] = on
        tokens[subject.i] = replace(subject, dep="pobj", head=prep.i)
        tokens[verb.i] = replace(verb, dep="xcomp")
    return tokens
