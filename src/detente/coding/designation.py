"""Bans by designation: a court, parliament or ministry that declares a body unlawful.

"The court declared the party unconstitutional", "the ministry designated the movement as
extremist" ban what they name (CAMEO 17): a party is 1722, a company 172 (README "court ban
on a company"), any other body 1721 (the manual's "outlawed the ... extremist organization").
A body the text names only by its kind ("the party", "an extremist organisation", "the
movement") is the banning authority's own country, with the sector its kind implies; the
same holds for the plain verbs "outlawed" and "banned" with such an object.  A law that bars
an international agency from operating expels it (1663, README "expelled an aid agency").
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.lexicon import Pattern
from detente.coding.mode import children
from detente.models import Actor, Mention, Token

DESIGNATE_VERBS = frozenset(
    {"declare", "designate", "label", "brand", "list", "deem", "classify", "proclaim", "rule"}
)
# Words that make a designation a ban.
UNLAWFUL = frozenset(
    {"extremist", "terrorist", "unconstitutional", "illegal", "unlawful", "undesirable"}
)
BAN_VERBS = frozenset({"outlaw", "ban", "dissolve", "proscribe"})
BAR_VERBS = frozenset({"bar", "ban", "prohibit", "forbid"})
# A body named by its kind: the sector it implies.
BODY_SECTORS = {
    "party": "OPP",
    "movement": "CVL",
    "organisation": "CVL",
    "organization": "CVL",
    "group": "CVL",
    "network": "CVL",
    "association": "CVL",
    "community": "CVL",
    "foundation": "CVL",
    "charity": "CVL",
    "union": "CVL",
    "company": "BUS",
    "firm": "BUS",
    "corporation": "BUS",
    "broadcaster": "MED",
    "newspaper": "MED",
    "outlet": "MED",
    "channel": "MED",
}
CODES_BY_SECTOR = {"OPP": "1722", "BUS": "172"}
BAN_CODES = frozenset({"172", "1721", "1722"})
AGENCY_CODE = "1663"
OPERATE_VERBS = frozenset({"operate", "work", "function"})
ARGUMENT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "oprd", "attr", "appos", "nsubj"})


def _local(tokens: Sequence[Token], verb: Token, depth: int = 3) -> list[Token]:
    """Tokens under ``verb`` within ``depth`` steps, not entering other verbs' clauses; a
    predicate adjective ("declared the party unconstitutional") is entered."""
    found: list[Token] = []
    frontier = [verb]
    for _ in range(depth):
        frontier = [
            k
            for t in frontier
            for k in children(tokens, t.i)
            if k.pos not in {"VERB", "AUX"} and k.dep not in {"relcl", "advcl", "conj"}
        ]
        found.extend(frontier)
    return found


def _designated(tokens: Sequence[Token], verb: Token) -> Token | None:
    """What ``verb`` designates: its object, passive subject or the subject of a predicate."""
    for kid in children(tokens, verb.i):
        if kid.dep in {"dobj", "obj", "nsubjpass"}:
            return kid
        if kid.dep in {"ccomp", "oprd", "xcomp"}:
            subject = [k for k in children(tokens, kid.i) if k.dep == "nsubj"]
            if subject:
                return subject[0]
    return None


def _kind(tokens: Sequence[Token], head: Token) -> str:
    """The sector a body's kind implies: its head noun, else a noun in apposition or the
    predicate ("Meta an extremist organisation")."""
    if head.lemma in BODY_SECTORS:
        return BODY_SECTORS[head.lemma]
    for kid in children(tokens, head.i):
        if kid.dep in {"appos", "compound"} and kid.lemma in BODY_SECTORS:
            return BODY_SECTORS[kid.lemma]
    return ""


def ban_code(tokens: Sequence[Token], verb: Token, owner: dict[int, Mention]) -> str:
    """The CAMEO code of a ban by designation or of a bar on an agency; "" if neither."""
    if verb.pos not in {"VERB", "AUX"}:
        return ""
    body = _designated(tokens, verb)
    if body is None:
        return ""
    if verb.lemma in BAR_VERBS and _operating(tokens, verb):
        parts = [body, *(k for k in children(tokens, body.i) if k.dep in {"compound", "appos"})]
        countries = [owner[t.i].actor.country for t in parts if t.i in owner]
        if any(country.startswith(("IGO:", "NGO:")) for country in countries):
            return AGENCY_CODE
    if verb.lemma not in DESIGNATE_VERBS:
        return ""
    if not any(t.lemma in UNLAWFUL for t in _local(tokens, verb)):
        return ""
    named = owner.get(body.i)
    sector = named.actor.sector if named is not None else ""
    return CODES_BY_SECTOR.get(_kind(tokens, body) or sector, "1721")


def _operating(tokens: Sequence[Token], verb: Token) -> bool:
    """Whether a "from" clause names operating: "barred the agency from operating"."""
    return any(
        k.lemma in OPERATE_VERBS
        for p in children(tokens, verb.i)
        if p.dep == "prep" and p.text.lower() == "from"
        for k in children(tokens, p.i)
    )


def banned_bodies(
    tokens: Sequence[Token],
    verb: Token,
    code: str,
    owner: dict[int, Mention],
    sources: Sequence[Actor],
) -> list[Actor]:
    """The source's own country as the target of a ban on a body named only by its kind
    ("outlawed the movement", "declared the party unconstitutional"); [] otherwise."""
    body = _designated(tokens, verb)
    if code == AGENCY_CODE and body is not None:
        parts = [body, *children(tokens, body.i)]
        agencies = [owner[t.i].actor for t in parts if t.i in owner]
        return [a for a in agencies if a.country.startswith(("IGO:", "NGO:"))][:1]
    if code not in BAN_CODES or not (verb.lemma in BAN_VERBS or verb.lemma in DESIGNATE_VERBS):
        return []
    if body is None or body.i in owner:
        return []
    if any(k.i in owner for k in children(tokens, body.i) if k.dep in {"compound", "poss"}):
        return []  # "Google's service": the owner is named
    sector = _kind(tokens, body)
    if not sector:
        return []
    return [
        Actor(body.text, a.country, sector, "", "", "domestic")
        for a in sources
        if a.country and ":" not in a.country
    ]


def pattern(code: str, lemma: str) -> Pattern:
    """The lexicon-like pattern a designation or bar is coded under."""
    return Pattern(code, "verb", lemma, (), "", f"{lemma} (designation)")
