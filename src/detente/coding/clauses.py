"""Arguments found inside the clauses that modify an argument.

When an argument names no actor itself, the clause attached to it often does:

* a relative clause with its own subject names the owner or user: "sanctions on the fleet that
  Russia uses" -> Russia;
* a relative clause whose subject is the relative pronoun names the party it acts on: "revoked
  an agreement that allowed U.S. troops to stay" -> the United States;
* an infinitive attached to a noun names the party of the act it describes: "a deal to supply
  gas to Vietnam", "its pledge to join the Chinese initiative";
* the subject of a condition names the party a threat is aimed at: "threatened to walk out
  unless Chile withdrew the plan" -> Chile.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.coding import arguments as args
from detente.coding.mode import children
from detente.models import Actor, Mention, Token

# Relative pronouns and determiners: "that", "which", "who", "whom", "whose".
RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})


def clause_target_tokens(tokens: Sequence[Token], heads: Sequence[Token]) -> list[Token]:
    """Tokens naming the target inside relative or infinitive clauses attached to ``heads``
    (or to the nouns behind their "of": "the fleet of tankers that ...")."""
    found: list[Token] = []
    for head in _with_of_objects(tokens, heads):
        agents = _by_objects(tokens, head)
        if agents:
            found.extend(agents)  # "the decision by the forum to renew ...": its author
            continue
        for clause in children(tokens, head.i):
            if clause.dep not in {"relcl", "acl"} or clause.pos not in {"VERB", "AUX"}:
                continue
            if clause.dep == "acl" and clause.tag == "VBN":
                continue  # "vehicles made in China": read by ``arguments.actors`` already
            kids = children(tokens, clause.i)
            subjects = [k for k in kids if k.dep == "nsubj" and k.tag not in RELATIVE_TAGS]
            if subjects:
                if _head_is_object(kids):
                    found.extend(subjects)  # "the fleet that Russia uses"
                continue  # "an attack in which gunmen stormed ...": another agent
            objects = [k for k in kids if k.dep in args.OBJECT_DEPS and k.tag not in RELATIVE_TAGS]
            found.extend(objects)
            found.extend(args.fallback_target_tokens(tokens, clause, objects, conflict=False))
    return found


# Conditions a threat is made on: "threatened to quit the talks if Peru goes ahead".
CONDITION_MARKS = frozenset({"if", "unless"})


def condition_subjects(tokens: Sequence[Token], heads: Sequence[Token]) -> list[Token]:
    """Subjects of "if"/"unless" clauses attached to ``heads`` or to the clauses they
    govern ("threatened to stop talks to cut arms if ..."): the party a threat targets."""
    chain = list(heads)
    for head in chain:
        if len(chain) < 8:
            chain.extend(k for k in children(tokens, head.i) if k.dep in {"xcomp", "ccomp"})
    return [
        subject
        for head in dict.fromkeys(chain)
        for clause in children(tokens, head.i)
        if clause.dep == "advcl"
        and any(
            k.dep == "mark" and k.text.lower() in CONDITION_MARKS
            for k in children(tokens, clause.i)
        )
        for subject in children(tokens, clause.i)
        if subject.dep in {"nsubj", "nsubjpass"}
    ]


def _head_is_object(kids: Sequence[Token]) -> bool:
    """Whether the modified noun is the clause's object: "that Russia uses" (a relative
    object) or "Russia uses" (no relative word and no object of its own)."""
    relative = [k for k in kids if k.tag in RELATIVE_TAGS]
    if relative:
        return any(k.dep in args.OBJECT_DEPS for k in relative)
    return not any(k.dep in args.OBJECT_DEPS for k in kids)


def _by_objects(tokens: Sequence[Token], head: Token) -> list[Token]:
    return [
        obj
        for prep in children(tokens, head.i)
        if prep.dep in {"prep", "agent"} and prep.text.lower() == "by"
        for obj in children(tokens, prep.i)
        if obj.dep == "pobj"
    ]


def clause_targets(
    tokens: Sequence[Token], heads: Sequence[Token], owner: dict[int, Mention]
) -> list[Actor]:
    """Actors named by ``heads`` or, failing that, by the clauses attached to them."""
    return args.actors(tokens, heads, owner) or named_actors(
        tokens, clause_target_tokens(tokens, heads), owner
    )


def named_actors(
    tokens: Sequence[Token], heads: Sequence[Token], owner: dict[int, Mention]
) -> list[Actor]:
    """Actors with a country of their own: a bare role ("forces") deep in a modifying clause
    is too far from the trigger to take the context's country."""
    return [a for a in args.actors(tokens, heads, owner) if a.country]


def _with_of_objects(tokens: Sequence[Token], heads: Sequence[Token]) -> list[Token]:
    out = list(heads)
    for head in heads:
        for prep in children(tokens, head.i):
            if prep.dep == "prep" and prep.text.lower() == "of":
                out.extend(t for t in children(tokens, prep.i) if t.dep == "pobj")
    return out
