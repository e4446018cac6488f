"""Forces that arrive somewhere to keep the peace deploy there; they do not visit.  Forces
that withdraw from a place retreat (0874); they do not leave a treaty (160).

"Kenyan police arrived in Haiti to lead a mission against the gangs" and "the first Nepali
peacekeepers landed in Juba" report a deployment (CAMEO 074, the manual's own example: "NATO
peacekeeping troops have arrived in Bosnia"), not a visit (042) and its hosting (043).  The
linked 0861 (receive peacekeepers) is not coded, following the dev conventions.  Troops that
arrive for drills or a port call still visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from detente.coding import arguments as args
from detente.coding.lexicon import Pattern
from detente.coding.mode import children
from detente.models import Actor, Mention, Token

DEPLOYMENT_CODE = "074"
ARRIVAL_VERBS = frozenset({"arrive", "land"})
PEACEKEEPERS = frozenset({"peacekeeper", "peacekeeping", "contingent"})
FORCES = PEACEKEEPERS | frozenset(
    {"troop", "soldier", "police", "policeman", "officer", "force", "unit", "battalion"}
)
# What the force came to do: "to lead a mission", "to help restore order".
PURPOSE_VERBS = frozenset(
    {"lead", "join", "protect", "secure", "restore", "stabilise", "stabilize", "patrol", "guard"}
)
PURPOSE_NOUNS = frozenset({"mission", "force", "operation", "order", "security", "peace"})


def _force(tokens: Sequence[Token], verb: Token) -> Token | None:
    subjects = [k for k in children(tokens, verb.i) if k.dep == "nsubj"]
    if not subjects:
        return None
    head = subjects[0]
    # "the first deployment of Kenyan police", "a contingent of troops": the noun behind "of".
    heads = [
        head,
        *(
            t
            for p in children(tokens, head.i)
            if p.text.lower() == "of"
            for t in children(tokens, p.i)
        ),
    ]
    for one in heads:
        words = {one.lemma, *(k.lemma for k in children(tokens, one.i) if k.dep != "det")}
        if words & FORCES:
            return one
    return None


def _purpose(tokens: Sequence[Token], verb: Token) -> bool:
    """A "to" clause on the arrival naming a protective purpose."""
    for clause in children(tokens, verb.i):
        if clause.dep not in {"advcl", "xcomp"} or clause.pos != "VERB":
            continue
        inner = [clause, *(k for k in children(tokens, clause.i) if k.dep in {"xcomp", "dobj"})]
        if clause.lemma in PURPOSE_VERBS and any(k.lemma in PURPOSE_NOUNS for k in inner):
            return True
        if any(k.lemma in {"help", "support"} for k in inner) and any(
            k.lemma in PURPOSE_VERBS | PURPOSE_NOUNS for t in inner for k in children(tokens, t.i)
        ):
            return True
    return False


RETREAT_CODE = "0874"
WITHDRAW_VERBS = frozenset({"withdraw", "pull", "retreat"})


def withdrawal(verb: Token, pattern: Pattern, sources: Sequence[Actor]) -> Pattern:
    """``pattern``, or a military retreat (0874) when armed forces withdraw from a place:
    "troops withdrew from the town" is not leaving a treaty (160)."""
    if pattern.code != "160" or verb.lemma not in WITHDRAW_VERBS or not sources:
        return pattern
    if all(a.sector == "MIL" for a in sources):
        return replace(pattern, code=RETREAT_CODE)
    return pattern


def deployment(
    tokens: Sequence[Token], verb: Token, pattern: Pattern, sources: Sequence[Actor]
) -> Pattern:
    """``pattern``, or the deployment pattern when ``verb`` is a force arriving to keep peace."""
    if pattern.code != "042" or verb.lemma not in ARRIVAL_VERBS or not sources:
        return pattern
    force = _force(tokens, verb)
    if force is None:
        return pattern
    words = {force.lemma, *(k.lemma for k in children(tokens, force.i))}
    if words & PEACEKEEPERS or _purpose(tokens, verb):
        return replace(pattern, code=DEPLOYMENT_CODE, inverse="")
    return pattern


def commander_country(tokens: Sequence[Token], verb: Token, owner: dict[int, Mention]) -> str:
    """The country of whoever ordered the act of ``verb``: "Chile's defence minister ordered
    troops to withdraw" makes the troops Chile's, wherever they withdraw from."""
    if verb.dep != "xcomp" or verb.head == verb.i:
        return ""
    head = tokens[verb.head]
    if head.lemma not in args.COMMAND_VERBS:
        return ""
    subjects = args.source_tokens(tokens, head, args.is_passive(tokens, head))
    countries = [a.country for a in args.actors(tokens, subjects, owner) if a.country]
    return countries[0] if countries else ""


def own_order(tokens: Sequence[Token], verb: Token, owner: dict[int, Mention]) -> bool:
    """Whether ``verb`` orders the source's own side to act, so the act is coded instead."""
    sources = args.actors(tokens, args.source_tokens(tokens, verb, False), owner)
    return args.own_command(tokens, verb, owner, sources)


def military(
    tokens: Sequence[Token], verb: Token, pattern: Pattern, sources: Sequence[Actor]
) -> Pattern:
    """``pattern`` recoded for forces: a peacekeeping deployment or a military withdrawal."""
    return withdrawal(verb, deployment(tokens, verb, pattern, sources), sources)
