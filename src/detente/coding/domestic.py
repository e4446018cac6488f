"""Acts with no named target that the conventions code on the actor's own country.

A curfew, martial law or a withdrawn bill acts on the source's own country (README "Modes",
codes 08, 15, 17); so does a strike, rally or hunger strike that names no target: it presses
the protesters' own authorities (README "Known limitations": implicit targets of protests).
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.models import Actor, Token

DOMESTIC_ROOTS = frozenset({"08", "15", "17"})
PROTEST_ROOT = "14"
# One-sided acts are coded only from a main clause: "summoned the envoy to protest" is the
# summons, not a protest of its own.
MAIN_CLAUSE_DEPS = frozenset({"ROOT", "conj", "ccomp"})


def acts_at_home(code: str, verb: Token, trigger: Token, sources: Sequence[Actor]) -> bool:
    """Whether an act with no named target falls on the source's own country.

    A protest must be people's, from a main clause: a government never protests at home,
    and a bare country that "protested" is a government complaining (one that marched,
    rioted or went on strike is its people)."""
    if code[:2] in DOMESTIC_ROOTS:
        return True
    official = {"GOV", ""} if trigger.lemma == "protest" else {"GOV"}
    return (
        code[:2] == PROTEST_ROOT
        and verb.dep in MAIN_CLAUSE_DEPS
        and all(a.sector not in official and ":" not in a.country for a in sources)
    )


def home(actor: Actor) -> Actor:
    """The source's own country as the target of a domestic act."""
    return Actor(actor.text, actor.country, "", actor.name, "", "domestic")
