"""Releases "in exchange for" someone are swaps: two releases, one each way (README "Swaps").

"Iran freed a French tourist in exchange for an Iranian engineer" is Iran's release of the
tourist (0841 Iran -> France) and France's release of the engineer (0841 France -> Iran).
The return release goes from the first release's target to its source.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding.mode import children
from detente.models import Actor, Token

RELEASE_CODE = "0841"
# "in exchange for", "in return for", "in a swap for", "as part of a prisoner exchange".
EXCHANGE_NOUNS = frozenset({"exchange", "return", "swap", "trade"})


def exchanged(tokens: Sequence[Token], verb: Token) -> bool:
    """Whether the release by ``verb`` is one half of an exchange."""
    for prep in children(tokens, verb.i):
        if prep.dep != "prep" or prep.text.lower() not in {"in", "as"}:
            continue
        for noun in children(tokens, prep.i):
            if noun.dep == "pobj" and noun.lemma in EXCHANGE_NOUNS:
                return True
            if noun.dep == "pobj" and noun.lemma == "part":
                inner = [t for p in children(tokens, noun.i) for t in children(tokens, p.i)]
                if any(t.lemma in EXCHANGE_NOUNS for t in inner):
                    return True
    return False


def both_ways(
    tokens: Sequence[Token], verb: Token, pairs: list[tuple[str, Actor, Actor | None]]
) -> list[tuple[str, Actor, Actor | None]]:
    """``pairs``, with the return release of each release that is half of a swap."""
    if not any(code == RELEASE_CODE for code, _, _ in pairs) or not exchanged(tokens, verb):
        return pairs
    out = list(pairs)
    for code, source, target in pairs:
        if code != RELEASE_CODE or target is None or target.country == source.country:
            continue
        back = (code, Actor(target.text, target.country, "", "", "", "swap"), source)
        if back not in out:
            out.append(back)
    return out
