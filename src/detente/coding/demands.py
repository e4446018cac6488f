"""Reported demands: "Russia said Sudan must return the helicopter" is Russia demanding (100)
something of Sudan, not Sudan acting in prescriptive mode.

A reporting verb whose complement clause has its own subject and the auxiliary "must" (or
"has to") makes the speaker the source and the complement's subject the target; the demanded
act itself is not coded (the convention's example: "Baku insisted that Yerevan must first
remove a claim" is one demand).  Commentary with no speaker ("Europe should impose ...") stays
prescriptive: it has no reporting verb.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding import arguments as args
from detente.coding.lexicon import Pattern
from detente.coding.mode import children
from detente.models import Mention, Token

CODE = "100"
# Verbs that report what the speaker said; the demand is theirs, in their clause's mode.
REPORTING = frozenset(
    {
        "say",
        "reiterate",
        "declare",
        "announce",
        "state",
        "stress",
        "tell",
        "remind",
        "insist",
        "maintain",
        "argue",
        "add",
        "repeat",
        "emphasise",
        "emphasize",
        "underline",
    }
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
PRONOUNS = frozenset({"it", "they", "he", "she"})
# Heads the demanded act spreads over; ADJ for "must be ready to mediate", where the act hangs
# on the predicate adjective.
GROWS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})


def must_clause(tokens: Sequence[Token], verb: Token) -> Token | None:
    """The complement verb of a reporting ``verb`` that carries "must" / "has to", if any."""
    if verb.pos != "VERB" or verb.lemma not in REPORTING:
        return None
    for clause in children(tokens, verb.i):
        if clause.dep != "ccomp" or clause.pos not in {"VERB", "AUX"}:
            continue
        kids = children(tokens, clause.i)
        if any(k.dep == "neg" for k in kids):
            continue  # "must not" forbids: a different act, left to the lexicon
        if any(k.lemma == "must" and k.dep == "aux" for k in kids):
            return clause
        modal = any(k.lemma in {"will", "would", "may", "might"} for k in kids)
        if clause.lemma == "have" and not modal and any(k.dep == "xcomp" for k in kids):
            return clause  # "Iraq has to comply"; "would have to pay" warns
    return None


# "reiterated its demand that Israel ease ...": a demand noun whose that-clause has a subject.
DEMAND_NOUNS = frozenset({"demand", "call", "insistence"})
NOUN_VERBS = frozenset({"reiterate", "repeat", "renew", "restate", "press", "insist", "voice"})


def noun_clause(tokens: Sequence[Token], verb: Token) -> Token | None:
    """The that-clause of a demand noun the reporting ``verb`` takes ("insisted on its
    demand that ..."), if the clause has its own subject and is not negated."""
    if verb.pos != "VERB" or verb.lemma not in NOUN_VERBS:
        return None
    kids = children(tokens, verb.i)
    nouns = [k for k in kids if k.dep == "dobj"]
    nouns += [o for k in kids if k.dep == "prep" for o in children(tokens, k.i) if o.dep == "pobj"]
    for noun in nouns:
        if noun.lemma not in DEMAND_NOUNS:
            continue
        for clause in children(tokens, noun.i):
            inner = children(tokens, clause.i)
            if (
                clause.dep == "acl"
                and clause.pos == "VERB"
                and any(k.dep == "mark" and k.lemma == "that" for k in inner)
                and any(k.dep in SUBJECT_DEPS for k in inner)
                and not any(k.dep == "neg" for k in inner)
            ):
                return clause
    return None


def addressee(tokens: Sequence[Token], verb: Token, clause: Token) -> list[Token]:
    """Who must act: the complement's subject, or for a pronoun the person told or reminded."""
    subjects = [k for k in children(tokens, clause.i) if k.dep in SUBJECT_DEPS]
    if subjects and subjects[0].lemma.lower() in PRONOUNS:
        told = [k for k in children(tokens, verb.i) if k.dep in {"dobj", "dative"}]
        return told or subjects
    return subjects


def demanded(tokens: Sequence[Token], clause: Token) -> set[int]:
    """Token indices of the demanded act and the verbs it governs ("must withdraw and pay")."""
    inside = {clause.i}
    grown = True
    while grown:
        grown = False
        for tok in tokens:
            if tok.i not in inside and tok.head in inside and tok.pos in GROWS:
                inside.add(tok.i)
                grown = True
    return inside


def pattern(lemma: str) -> Pattern:
    """The lexicon-like pattern a reported demand is coded under: target from the subject."""
    return Pattern(CODE, "verb", lemma, (), "that", f"{lemma} (reported demand)")


def find(
    tokens: Sequence[Token], owner: dict[int, Mention]
) -> list[tuple[Token, Token, tuple[Token, ...]]]:
    """(reporting verb, demanded clause, addressee heads) where speaker and addressee are
    both actors."""
    found: list[tuple[Token, Token, tuple[Token, ...]]] = []
    for verb in tokens:
        clause = must_clause(tokens, verb) or noun_clause(tokens, verb)
        if clause is None:
            continue
        heads = addressee(tokens, verb, clause)
        speaker = args.source_tokens(tokens, verb, args.is_passive(tokens, verb))
        if args.actors(tokens, heads, owner) and args.actors(tokens, speaker, owner):
            found.append((verb, clause, tuple(heads)))
    return found
