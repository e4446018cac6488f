"""A truce named only as a noun is coded once the sentence says it took effect.

"A ceasefire between Chad and Sudan took effect on Friday" reports a truce in force (0871,
both ways, README "Reciprocity"); "called for a ceasefire between Chad and Sudan" does not.
The clause verb of such a noun is the verb it is the subject of ("took effect", "came into
force", "held"), which also gives the event its mode ("will take effect": future).
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.mode import children
from detente.models import Token

# Codes a noun may carry only while in effect.
IN_EFFECT_CODES = frozenset({"0871"})
# (verb lemma, the word it needs, if any): "took effect", "went into effect", "came into force".
EFFECT_VERBS: dict[str, frozenset[str]] = {
    "take": frozenset({"effect", "hold"}),
    "go": frozenset({"effect"}),
    "come": frozenset({"effect", "force"}),
    "enter": frozenset({"force"}),
    "begin": frozenset(),
    "start": frozenset(),
    "hold": frozenset(),
}


def effect_verb(tokens: Sequence[Token], noun: Token) -> Token | None:
    """The verb saying that ``noun``, its subject, took effect; None if there is none."""
    if noun.dep != "nsubj" or noun.head == noun.i:
        return None
    verb = tokens[noun.head]
    needs = EFFECT_VERBS.get(verb.lemma)
    if needs is None or verb.pos not in {"VERB", "AUX"}:
        return None
    if not needs:
        return verb
    near = [verb, *(p for p in children(tokens, verb.i) if p.dep == "prep")]
    words = {k.lemma for t in near for k in children(tokens, t.i)}
    return verb if words & needs else None
