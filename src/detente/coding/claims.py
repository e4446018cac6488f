"""Claims of responsibility: the claimed attack is coded too, attributed to the claimant.

"Rebels claimed responsibility for a drone strike on a Chadian airbase" is a claim (015) and
the strike itself (README "Claims of responsibility"): the claim verb stands in as the light
verb of the attack noun, whose target is its own preposition's object or, failing that, the
object of a relative clause on it ("an attack that killed Kenyan soldiers").
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.mode import children
from detente.models import Token

CLAIM_VERBS = frozenset({"claim", "accept", "admit", "take", "acknowledge"})
CLAIM_NOUNS = frozenset({"responsibility", "credit"})
OBJECT_DEPS = frozenset({"dobj", "obj", "dative"})


def claim_verb(tokens: Sequence[Token], noun: Token) -> Token | None:
    """The verb of "claimed responsibility for <noun>", or None."""
    if noun.dep != "pobj" or noun.head == noun.i:
        return None
    prep = tokens[noun.head]
    if prep.text.lower() != "for" or prep.head == prep.i:
        return None
    held = tokens[prep.head]
    if held.lemma not in CLAIM_NOUNS or held.dep != "dobj" or held.head == held.i:
        return None
    verb = tokens[held.head]
    return verb if verb.lemma in CLAIM_VERBS and verb.pos in {"VERB", "AUX"} else None


def relative_objects(tokens: Sequence[Token], noun: Token) -> list[Token]:
    """Objects of the relative clauses on ``noun``: "a strike that hit a Chadian base"."""
    return [
        obj
        for clause in children(tokens, noun.i)
        if clause.dep == "relcl"
        for obj in children(tokens, clause.i)
        if obj.dep in OBJECT_DEPS
    ]
