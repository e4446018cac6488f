"""Conditional threats: "Moscow warned that it would retaliate if Finland joined NATO" targets
the party the condition names (Finland), not the threatener's own country that the complement
clause happens to name ("warned that Moscow would be forced to ...")."""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding import arguments as args
from detente.coding.clauses import condition_subjects
from detente.models import Actor, Mention, Token


def conditional_targets(
    tokens: Sequence[Token],
    heads: Sequence[Token],
    targets: list[Actor],
    sources: Sequence[Actor],
    owner: dict[int, Mention],
) -> list[Actor]:
    """The threat's targets: the found ones unless they are all the source's own country, in
    which case the subjects of an "if"/"unless" clause, when it names any."""
    home = {a.country for a in sources if a.country}
    if targets and not all(t.country in home for t in targets):
        return targets
    named = args.not_own(args.actors(tokens, condition_subjects(tokens, heads), owner), sources)
    named = [a for a in named if a.country not in home]
    return named or targets
