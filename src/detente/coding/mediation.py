"""Mediation named as the modifier of a frame noun: "launched a mediation effort between A and
B", "undertook a mediation mission between A and B".

The CAMEO manual codes a party that mediates between two others as 045 toward each of them
(README "Mediation").  The lexicon's noun pattern "mediation +between" only binds when the
preposition hangs on "mediation" itself and the noun is the object of a light verb; here
"mediation" is a compound of the frame noun ("effort", "mission"), and "between" attaches to
the frame noun or to the verb.  Verbs that start or carry on the effort give 045; verbs that
end or halt it ("ended mediation efforts between A and B") give 165, halt mediation, toward
each party.  Other verbs ("praised the mediation effort") are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding import arguments as args
from detente.coding.lexicon import Pattern
from detente.models import Token

PATTERN = Pattern("045", "noun", "mediation", (), "between", "mediation effort +between")
HALT = Pattern("165", "noun", "mediation", (), "between", "halt mediation effort +between")
FRAMES = frozenset({"effort", "mission", "bid", "initiative", "attempt", "push", "drive"})
STARTS = frozenset(
    {
        "launch",
        "undertake",
        "begin",
        "start",
        "resume",
        "lead",
        "conduct",
        "pursue",
        "renew",
        "intensify",
        "spearhead",
        "step",
        "mount",
    }
)
ENDS = frozenset({"end", "halt", "suspend", "abandon", "pause", "terminate", "stop", "freeze"})


def find(tokens: Sequence[Token]) -> list[tuple[Pattern, Token, Token, tuple[Token, ...]]]:
    """(pattern, the "mediation" token, its light verb, the parties' heads) for each framed
    mediation."""
    found: list[tuple[Pattern, Token, Token, tuple[Token, ...]]] = []
    for tok in tokens:
        if tok.lemma.lower() != "mediation" or tok.dep != "compound":
            continue
        frame = tokens[tok.head]
        if frame.lemma.lower() not in FRAMES:
            continue
        verb = args.light_verb(tokens, frame)
        lemma = verb.lemma.lower() if verb is not None else ""
        if verb is None or lemma not in STARTS | ENDS:
            continue
        parties = args.between(tokens, frame) or args.between(tokens, verb)
        if parties:
            found.append((PATTERN if lemma in STARTS else HALT, tok, verb, parties))
    return found
