"""A plural pronoun subject that points back to a coordinated subject in the same sentence.

"Chile and Peru said they would hold joint drills": the speakers are the ones who will hold
them, so "they" stands for "Chile and Peru".  Only a coordinated subject of the clause that
governs the pronoun's clause is taken; "Russia said they ..." leaves "they" unresolved.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.mode import children
from detente.models import Token

PLURAL_PRONOUNS = frozenset({"they", "we"})
GOVERNED_DEPS = frozenset({"ccomp"})


def antecedents(tokens: Sequence[Token], verb: Token, subjects: Sequence[Token]) -> list[Token]:
    """The coordinated subject a lone "they" subject of ``verb`` refers to; [] if none."""
    if len(subjects) != 1 or subjects[0].text.lower() not in PLURAL_PRONOUNS:
        return []
    clause = verb
    while clause.dep in GOVERNED_DEPS | {"xcomp"} and clause.head != clause.i:
        clause = tokens[clause.head]
        found = [k for k in children(tokens, clause.i) if k.dep == "nsubj"]
        if found and found[0].i != subjects[0].i:
            coordinated = any(k.dep == "conj" for k in children(tokens, found[0].i))
            return list(found) if coordinated else []
    return []
