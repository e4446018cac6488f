"""Acts done through an instrument: "passed a law barring the agency", "adopted a resolution
demanding a ceasefire", "issued a statement condemning the raid".

A participle clause on the instrument noun acts for whoever enacted the instrument: the source
of the verb whose object the noun is.  Only verbs that enact ("passed", "adopted", "issued")
hand the act on; "welcomed a ruling barring ..." is not the welcomer's ruling.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.models import Token

INSTRUMENT_NOUNS = frozenset(
    {
        "law",
        "bill",
        "decree",
        "resolution",
        "order",
        "ruling",
        "measure",
        "legislation",
        "directive",
        "amendment",
        "statement",
        "declaration",
        "ordinance",
        "verdict",
        "communique",
    }
)
ENACT_VERBS = frozenset(
    {"pass", "adopt", "issue", "sign", "approve", "enact", "introduce", "publish", "release"}
)


def enacting_verb(tokens: Sequence[Token], noun: Token) -> Token | None:
    """The verb that enacted the instrument ``noun`` ("passed" in "passed a law"), or None."""
    if noun.lemma not in INSTRUMENT_NOUNS or noun.head == noun.i:
        return None
    if noun.dep not in {"dobj", "obj", "nsubjpass"}:
        return None
    verb = tokens[noun.head]
    return verb if verb.lemma in ENACT_VERBS and verb.pos in {"VERB", "AUX"} else None
