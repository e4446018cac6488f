"""Mode of an event: did it happen, will it, might it, did it not, or should it?

Modes follow DESIGN.md: asserted, future, hypothetical, negated, prescriptive.  The mode is
read from the trigger's clause and the clauses that govern it: auxiliaries ("will", "should",
"may"), negation ("not", "never", "has so far not"), governing verbs ("plans to", "hopes to",
"is expected to", "hinted at"), conditionals ("if", "unless"), modifiers of a nominal
trigger ("a possible visit", "the planned talks") and questions.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.models import Token

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
PRESCRIPTIVE_AUX = frozenset({"should", "must", "ought", "need"})
HYPOTHETICAL_AUX = frozenset({"may", "might", "could", "can", "would", "ca"})
NEGATORS = frozenset({"not", "n't", "never", "no"})

# Governing verbs (lemmas) whose complement has not happened (yet).
FUTURE_GOVERNORS = frozenset(
    {
        "plan",
        "intend",
        "schedule",
        "set",
        "due",
        "prepare",
        "expect",
        "aim",
        "decide",
        "agree",
        "pledge",
        "promise",
        "vow",
        "commit",
        "resolve",
        "announce",
        "arrange",
        "invite",
    }
)
HYPOTHETICAL_GOVERNORS = frozenset(
    {
        "hope",
        "want",
        "wish",
        "seek",
        "try",
        "consider",
        "weigh",
        "mull",
        "hint",
        "propose",
        "suggest",
        "offer",
        "threaten",
        "attempt",
        "desire",
        "like",
        "explore",
        "discuss",
        "contemplate",
        "eye",
        "signal",
        "rumor",
        "rumour",
        "speculate",
        "urge",
        "ask",
        "call",
        "press",
        "demand",
        "request",
        "encourage",
        "willing",
        "ready",
        "able",
        "likely",
        "possible",
    }
)
NEGATING_GOVERNORS = frozenset({"fail", "refuse", "decline", "deny", "avoid", "stop", "cease"})
# "ought" too: spaCy makes it the head of "ought to sit down", not an auxiliary.
PRESCRIPTIVE_GOVERNORS = frozenset(
    {"need", "have", "require", "necessary", "important", "essential", "ought"}
)
# Nouns whose complement clause has not happened: "Biden's willingness to visit China".
HYPOTHETICAL_NOUNS = frozenset(
    {
        "willingness",
        "desire",
        "wish",
        "hope",
        "intention",
        "readiness",
        "possibility",
        "proposal",
        "offer",
        "attempt",
        "bid",
        "effort",
        "call",
        "plan",
        "idea",
        "prospect",
        "option",
        "chance",
        "ambition",
        "aim",
        "goal",
        "need",
        "demand",
        "request",
        "invitation",
        "threat",
        "opportunity",
    }
)
NOMINAL_FUTURE = frozenset(
    {"planned", "upcoming", "scheduled", "forthcoming", "proposed", "expected", "next", "future"}
)
NOMINAL_HYPOTHETICAL = frozenset(
    {
        "possible",
        "potential",
        "likely",
        "rumored",
        "rumoured",
        "mooted",
        "prospective",
        "hypothetical",
    }
)
REPORTING_LEMMAS = frozenset({"say", "announce", "tell", "state", "add", "confirm", "declare"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "once"})
CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "advcl", "conj", "relcl", "acl", "pcomp", "csubj"})
# Complement-taking deps through which a governor's meaning passes down to its complement.
GOVERNED_DEPS = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "dobj", "acomp"})


def children(tokens: Sequence[Token], head: int) -> list[Token]:
    return [t for t in tokens if t.head == head and t.i != head]


def subtree(tokens: Sequence[Token], heads: Sequence[int]) -> set[int]:
    """Indices of ``heads`` and every token below them."""
    members = set(heads)
    frontier = list(heads)
    while frontier:
        below = [t.i for h in frontier for t in children(tokens, h) if t.i not in members]
        members.update(below)
        frontier = below
    return members


def _local_mode(tokens: Sequence[Token], verb: Token) -> str | None:
    """The mode marked on one verb itself: its auxiliaries and negation."""
    kids = children(tokens, verb.i)
    marked = {"aux", "auxpass", "neg", "advmod", "npadvmod"}
    words = {t.text.lower() for t in kids if t.dep in marked}
    lemmas = {t.lemma for t in kids if t.dep in {"aux", "auxpass"}}
    if words & NEGATORS or any(t.dep == "neg" for t in kids):
        return "negated"
    if words & PRESCRIPTIVE_AUX or "must" in lemmas:
        return "prescriptive"
    if words & FUTURE_AUX:
        return "future"
    if words & HYPOTHETICAL_AUX:
        return "hypothetical"
    return None


def _governor_mode(tokens: Sequence[Token], governor: Token) -> str | None:
    lemma = governor.lemma
    if lemma in NEGATING_GOVERNORS:
        return "negated"
    if lemma in PRESCRIPTIVE_GOVERNORS and governor.tag != "VBN":
        return "prescriptive" if lemma != "have" or _has_to(tokens, governor) else None
    if lemma in FUTURE_GOVERNORS:
        return "future"
    if lemma in HYPOTHETICAL_GOVERNORS:
        return "hypothetical"
    return None


def _reported_will(tokens: Sequence[Token], verb: Token) -> bool:
    """A "would" in a clause reported by a past-tense verb of saying: a backshifted "will"."""
    words = {t.text.lower() for t in children(tokens, verb.i) if t.dep == "aux"}
    if "would" not in words or words & (HYPOTHETICAL_AUX - {"would"}) or verb.head == verb.i:
        return False
    conditions = [
        m
        for k in children(tokens, verb.i)
        if k.dep == "advcl"
        for m in children(tokens, k.i)
        if m.dep == "mark" and m.text.lower() in CONDITIONAL_MARKS
    ]
    head = tokens[verb.head]
    reported = verb.dep == "ccomp" and head.lemma in REPORTING_LEMMAS and head.tag == "VBD"
    return reported and not conditions  # "would impose tariffs if ...": a threat


def _has_to(tokens: Sequence[Token], governor: Token) -> bool:
    return any(t.dep == "xcomp" for t in children(tokens, governor.i))


def clause_mode(tokens: Sequence[Token], trigger: Token, *, verb: Token | None = None) -> str:
    """The mode of an event whose trigger is ``trigger`` (and whose clause verb is ``verb``).

    Walks from the clause verb up through governing clauses; the first mark found wins, and
    a negation on a governor ("did not agree to") negates.
    """
    if tokens and tokens[-1].text == "?":
        return "hypothetical"
    if trigger.pos in {"NOUN", "PROPN"}:
        for kid in children(tokens, trigger.i):
            word = kid.text.lower()
            if word in NOMINAL_HYPOTHETICAL:
                return "hypothetical"
            if word in NOMINAL_FUTURE:
                return "future"
            if kid.dep == "neg" or word == "no":
                return "negated"
    current = verb or trigger
    if under_condition(tokens, current):
        return "hypothetical"
    if verb is not None and verb.i != trigger.i:
        # A nominal trigger under a governing light verb: "is weighing a legal case".
        light = _governor_mode(tokens, verb)
        if light is not None and _local_mode(tokens, verb) is None:
            return light
    seen: set[int] = set()
    while current.i not in seen:
        seen.add(current.i)
        local = _local_mode(tokens, current)
        if local == "hypothetical" and _reported_will(tokens, current):
            return "future"  # "said it would lift the ban": the reported "will"
        if local is not None:
            return local
        for kid in children(tokens, current.i):
            if kid.dep == "mark" and kid.text.lower() in CONDITIONAL_MARKS:
                return "hypothetical"
        if current.dep not in CLAUSE_DEPS and current.dep not in GOVERNED_DEPS:
            break
        head = tokens[current.head]
        if current.dep in {"xcomp", "ccomp", "pcomp", "acomp"} or (current.dep in {"pobj", "dobj"}):
            governed = _governor_mode(tokens, head)
            if governed is not None:
                head_local = _local_mode(tokens, head)
                if head_local == "negated":
                    return "negated"
                return governed
        if current.dep == "pobj":
            # "hinted at a visit": the preposition's head governs.
            head = tokens[head.head] if head.dep == "prep" else head
            governed = _governor_mode(tokens, head)
            if governed is not None:
                return governed
        if current.dep == "acl" and head.lemma in HYPOTHETICAL_NOUNS:
            return "hypothetical"
        if current.dep in {"relcl", "acl", "advcl"}:
            # An adverbial clause keeps its own mode: in "Although Japan sent a delegation,
            # China has not lifted its ban" only the ban is negated.
            break
        if current.dep == "pcomp" and head.dep == "prep" and head.head != head.i:
            head = tokens[head.head]  # "will enable Japan to avoid risks by investing": the clause
        current = head
    return "asserted"


def under_condition(tokens: Sequence[Token], verb: Token) -> bool:
    """True when the verb's clause, or a clause governing it, opens with "if" or "unless"."""
    current = verb
    for _ in range(6):
        if any(
            k.dep == "mark" and k.text.lower() in CONDITIONAL_MARKS
            for k in children(tokens, current.i)
        ):
            return True
        if current.head == current.i or current.dep not in CLAUSE_DEPS | GOVERNED_DEPS:
            return False
        current = tokens[current.head]
    return False
