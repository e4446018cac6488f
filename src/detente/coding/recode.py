"""Recode an event from the clause around it, following the gold conventions (eval README).

* Intent: "wants to hold talks", "is ready to send aid" is CAMEO 03 (expressed intent), and
  the intent itself is asserted.
* Threat: "would resume fighting if Hamas does not ..." is a threat (13x), made, so asserted.
* Refusal: "will not renew the agreement" is a rejection (12x), asserted.
* Place: talks whose place is one party's country are a visit (042/043); elsewhere 044.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.mode import children, under_condition
from detente.models import Actor, Place, Token

INTENT_GOVERNORS = frozenset({"want", "ready", "willing", "prepared", "eager", "keen"})
INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
THREAT_CODES = {"15": "138", "16": "1312", "17": "130", "18": "138", "19": "138", "20": "138"}
REFUSAL_CODES = {"03": "120", "05": "120", "06": "121", "07": "122", "08": "120"}
FUTURE_AUX = frozenset({"will", "would", "wo", "'ll", "shall"})
MEETING_CODES = frozenset({"040", "046"})


def recode(tokens: Sequence[Token], verb: Token, code: str, mode: str) -> tuple[str, str]:
    """The (code, mode) the clause around ``verb`` implies for an event coded ``code``."""
    root = code[:2]
    head = tokens[verb.head]
    intent = verb.dep == "xcomp" and head.i != verb.i and head.lemma in INTENT_GOVERNORS
    if intent and (root in INTENT_CODES or root == "03"):
        negated = any(k.dep == "neg" for k in children(tokens, head.i))
        return INTENT_CODES.get(root, code), "negated" if negated else "asserted"
    aux = {k.text.lower() for k in children(tokens, verb.i) if k.dep == "aux"}
    conditional = mode == "hypothetical" and bool(aux & FUTURE_AUX)
    if conditional and root in THREAT_CODES and under_condition(tokens, verb):
        return THREAT_CODES[root], "asserted"
    if mode == "negated" and root in REFUSAL_CODES and aux & FUTURE_AUX:
        return REFUSAL_CODES[root], "asserted"
    return code, mode


def located_meeting(
    cameo: str, source: Actor, target: Actor | None, place: Place
) -> tuple[str, Actor, Actor | None]:
    """Talks at a known place: the visitor makes a visit (042), the host hosts it (043); at a
    third place both meet there (044)."""
    if target is None or cameo not in MEETING_CODES:
        return cameo, source, target
    if target.country == place.country:
        return "042", source, target
    if source.country == place.country:
        return "043", source, target
    return "044", source, target
