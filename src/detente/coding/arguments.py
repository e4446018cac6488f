"""Finding the arguments of a trigger in a dependency parse: who acts, and on whom.

Pure functions over ``Token`` records: the source (subject, passive agent, or the subject a
coordinated, controlled or relative clause inherits), the target (direct object, the object of
a pattern's preposition, fallbacks) and the actor mentions those tokens name.  The place,
origin and attribution of an event are in :mod:`detente.coding.places`; targets inside the
clauses that modify an argument in :mod:`detente.coding.clauses`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from detente.actors import mentions
from detente.coding import instruments, pronouns
from detente.coding.lexicon import Pattern
from detente.coding.mode import children
from detente.models import Actor, Mention, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "obj", "dative", "attr", "oprd"})
# Dependents through which an argument's actor can be found: "Japanese seafood",
# "China's ban", "imports of Japanese seafood", "Foreign Minister Wang Yi".
NOMINAL_DEPS = frozenset({"compound", "amod", "poss", "nmod", "appos", "npadvmod", "nummod"})
REPORTING_VERBS = frozenset(
    {"say", "report", "tell", "state", "claim", "add", "write", "quote", "cite"}
)
# Dependents that can never be a pattern's extra word ("launched ... and struck" is two events).
LIGHT_SKIP_DEPS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "csubj",
        "punct",
        "cc",
        "det",
        "conj",
        "advcl",
        "relcl",
        "appos",
        "parataxis",
    }
)
# Participles that describe the subject's own stance, not something done to it.
STATIVE_PASSIVES = frozenset({"oppose"})
ASPECTUAL = frozenset({"continue", "begin", "start", "keep", "go"})


def mention_index(tokens: Sequence[Token], mentions: Sequence[Mention]) -> dict[int, Mention]:
    owner: dict[int, Mention] = {}
    for mention in mentions:
        for tok in tokens:
            if mention.start <= tok.start < mention.end:
                owner[tok.i] = mention
    return owner


def _phrase_children(tokens: Sequence[Token], head: Token) -> list[Token]:
    """Children, plus the nouns behind "of" ("two days of talks", "a round of talks")."""
    kids = children(tokens, head.i)
    # The head's own "of", and its object's: "wrapped up two days of talks".
    holders = [head, *(k for k in kids if k.dep in OBJECT_DEPS)]
    for holder in holders:
        for prep in children(tokens, holder.i):
            if prep.dep == "prep" and prep.text.lower() == "of":
                kids = [*kids, *(t for t in children(tokens, prep.i) if t.dep == "pobj")]
    return kids


# Dependents never searched for a pattern's preposition: other clauses and coordinations.
CLAUSE_BOUNDARY = frozenset({"relcl", "advcl", "ccomp", "xcomp", "conj", "acl", "parataxis"})


def _descendants(tokens: Sequence[Token], head: Token, depth: int) -> list[Token]:
    """Tokens under ``head`` within ``depth`` steps, not crossing into other clauses."""
    found: list[Token] = []
    frontier = [head]
    for _ in range(depth):
        frontier = [
            kid
            for tok in frontier
            for kid in children(tokens, tok.i)
            if kid.dep not in CLAUSE_BOUNDARY
        ]
        found.extend(frontier)
    return found


def _may_be_word(tokens: Sequence[Token], tok: Token) -> bool:
    """Whether a dependent can fill a pattern word: not a subject, conjunct or other clause,
    except a bare gerund ("ruled out supplying tanks")."""
    if tok.dep == "advcl" and tok.tag == "VBG":
        return not any(k.dep in {"nsubj", "nsubjpass"} for k in children(tokens, tok.i))
    return tok.dep not in LIGHT_SKIP_DEPS


def bind(
    tokens: Sequence[Token], trigger: Token, pattern: Pattern
) -> tuple[tuple[Token, ...], tuple[Token, ...]] | None:
    """Tokens for the pattern's extra words and its prepositional target, or None."""
    anchors = [trigger]
    bound: list[Token] = []
    for word in pattern.words:
        found = None
        for anchor in reversed(anchors):
            kids = _phrase_children(tokens, anchor)
            found = next((t for t in kids if t.lemma == word and _may_be_word(tokens, t)), None)
            if found is None:
                # "called off", "stepped up": particles and prepositions
                found = next(
                    (
                        t
                        for t in kids
                        if t.text.lower() == word and t.dep in {"prt", "prep", "advmod"}
                    ),
                    None,
                )
            if found is not None:
                break
        if found is None:
            return None
        bound.append(found)
        anchors.append(found)
    targets: list[Token] = []
    if pattern.prep:
        # Nearest first, the most specific word first: "imposed sanctions on Iran on Monday"
        # -> Iran; "drills in six zones around Taiwan" -> Taiwan.
        for depth in (1, 3):
            for anchor in reversed(anchors):
                for prep in [anchor, *_descendants(tokens, anchor, depth)]:
                    if (
                        prep.dep in {"prep", "agent", "dative"}
                        and prep.text.lower() == pattern.prep
                    ):
                        targets.extend(
                            t for t in children(tokens, prep.i) if t.dep in {"pobj", "pcomp"}
                        )
            if targets:
                break
    return tuple(bound), tuple(dict.fromkeys(targets))


def light_verb(tokens: Sequence[Token], noun: Token) -> Token | None:
    """The clause verb a nominal trigger is the object of ("imposed a ban", "launched strikes")."""
    current = noun
    for _ in range(3):
        if current.dep in {"dobj", "attr", "oprd", "nsubjpass"}:
            head = tokens[current.head]
            return head if head.pos in {"VERB", "AUX"} else None
        if current.dep == "conj":
            current = tokens[current.head]
            continue
        return None
    return None


def between(tokens: Sequence[Token], noun: Token) -> tuple[Token, ...]:
    for prep in children(tokens, noun.i):
        if prep.dep == "prep" and prep.text.lower() == "between":
            objs = tuple(t for t in children(tokens, prep.i) if t.dep == "pobj")
            if objs and any(k.dep == "conj" for k in children(tokens, objs[0].i)):
                return objs
    return ()


def _has_object(tokens: Sequence[Token], verb: Token) -> bool:
    """An object on the verb or a verb coordinated with it: not a passive participle."""
    verbs = [verb, *(k for k in children(tokens, verb.i) if k.dep == "conj")]
    return any(k.dep in {"dobj", "obj"} for v in verbs for k in children(tokens, v.i))


def is_passive(tokens: Sequence[Token], verb: Token) -> bool:
    return any(t.dep in {"nsubjpass", "auxpass"} for t in children(tokens, verb.i))


def source_tokens(tokens: Sequence[Token], verb: Token, passive: bool) -> list[Token]:
    kids = children(tokens, verb.i)
    if passive:
        agents = [t for t in kids if t.dep == "agent"]
        if not agents and verb.lemma in STATIVE_PASSIVES:
            return [t for t in kids if t.dep == "nsubjpass"]  # "Chile is opposed to ..."
        return [p for a in agents for p in children(tokens, a.i) if p.dep == "pobj"]
    subjects = [t for t in kids if t.dep in {"nsubj", "csubj"}]
    if subjects:  # "Chile and Peru said they would ...": the pair is "they"
        return pronouns.antecedents(tokens, verb, subjects) or subjects
    head = tokens[verb.head]
    if verb.dep == "conj" and head.i != verb.i:
        return source_tokens(tokens, head, is_passive(tokens, head))
    if verb.dep == "xcomp" and head.i != verb.i:
        # Object control ("invited the prime minister to visit") before subject control, and
        # raising over a passive ("Japan is expected to host").
        objects = [t for t in children(tokens, head.i) if t.dep in {"dobj", "obj"}]
        raised = [t for t in children(tokens, head.i) if t.dep == "nsubjpass"]
        return objects or raised or source_tokens(tokens, head, is_passive(tokens, head))
    if verb.dep == "acomp" and head.i != verb.i:
        return source_tokens(tokens, head, is_passive(tokens, head))  # "Peru is ready to"
    if verb.dep in {"relcl", "acl"} and head.i != verb.i:
        enacting = instruments.enacting_verb(tokens, head) if verb.dep == "acl" else None
        if enacting is not None:  # "passed a law barring ...": the law's author acts
            return source_tokens(tokens, enacting, is_passive(tokens, enacting))
        if verb.dep == "acl" and verb.tag == "VBN" and not _has_object(tokens, verb):
            return []  # "an agent jailed in Berlin": the noun suffered the act
        return [head]
    if verb.dep == "pcomp" and head.dep == "prep" and head.head != head.i:
        # "after cutting its ties with Taiwan": the clause the preposition attaches to.
        clause = tokens[head.head]
        return source_tokens(tokens, clause, is_passive(tokens, clause))
    if (
        verb.dep == "advcl"
        and head.i != verb.i
        and (
            verb.tag == "VBG"
            or any(k.dep == "aux" and k.text.lower() == "to" for k in children(tokens, verb.i))
        )
    ):
        return source_tokens(tokens, head, is_passive(tokens, head))
    return []


# Prepositions whose object is the target when the direct object names no actor:
# "struck bombers at Russian air bases", "demanded that Yoon lift martial law".
FALLBACK_TARGET_PREPS = frozenset({"against", "on", "into", "toward", "towards", "to", "with"})
# Force lands where it is aimed: "struck bombers at Russian bases", "shelled towns in Ukraine".
CONFLICT_TARGET_PREPS = FALLBACK_TARGET_PREPS | {"at", "near", "in", "inside"}


def fallback_target_tokens(
    tokens: Sequence[Token], verb: Token, direct: Sequence[Token], *, conflict: bool
) -> list[Token]:
    preps = CONFLICT_TARGET_PREPS if conflict else FALLBACK_TARGET_PREPS
    found: list[Token] = []
    for anchor in [verb, *direct]:
        for prep in children(tokens, anchor.i):
            # spaCy labels "to" after a giving verb "dative": "send troops to Chad".
            if prep.dep in {"prep", "dative"} and prep.text.lower() in preps:
                found.extend(t for t in children(tokens, prep.i) if t.dep == "pobj")
    for clause in children(tokens, verb.i):
        if clause.dep == "ccomp":
            found.extend(t for t in children(tokens, clause.i) if t.dep in {"nsubj", "nsubjpass"})
    return found


def nominal_target_tokens(tokens: Sequence[Token], noun: Token) -> list[Token]:
    return [t for t in children(tokens, noun.i) if t.dep in {"poss", "compound", "amod"}]


# Prepositions through which a noun's actor is found: "imports of Japanese seafood",
# "goods from Mexico", "a support package for Ukraine".
DESCENT_PREPS = frozenset({"of", "from", "for"})


def actors(
    tokens: Sequence[Token], heads: Sequence[Token], owner: dict[int, Mention]
) -> list[Actor]:
    """Actors named by argument heads, expanded over coordination and group references."""
    found: list[Actor] = []

    def add(actor: Actor) -> None:
        if actor not in found:
            found.append(actor)

    def visit(tok: Token, depth: int, modifier: bool = False) -> None:
        if depth > 6:
            return
        mention = owner.get(tok.i)
        if mention is not None:
            for actor in _mention_actors(tokens, tok, mention, owner):
                add(_as_modifier(actor) if modifier else actor)
            for kid in children(tokens, tok.i):
                # "Chinese and Russian warships": the first country shares the role noun.
                other = owner.get(kid.i)
                if other is not None and other is not mention and other.actor.rule == SHARED:
                    add(other.actor)
        else:
            for kid in children(tokens, tok.i):
                if kid.dep in NOMINAL_DEPS:
                    # "joint military exercises": a role that only qualifies a thing
                    visit(kid, depth + 1, kid.dep in MODIFIER_DEPS and tok.pos == "NOUN")
                elif kid.dep == "prep" and kid.text.lower() in DESCENT_PREPS:
                    for obj in children(tokens, kid.i):
                        if obj.dep == "pobj":
                            visit(obj, depth + 1)
                elif kid.dep == "acl" and kid.tag == "VBN":
                    for obj in _objects_of_preps(tokens, kid, {"in", "from", "by"}):
                        visit(obj, depth + 1)  # "vehicles made in China"
        for kid in children(tokens, tok.i):
            if kid.dep == "conj" or (kid.dep == "appos" and _listed(tokens, tok, kid)):
                visit(kid, depth + 1)

    for head in heads:
        visit(head, 0)
    return found


def _mention_actors(
    tokens: Sequence[Token], tok: Token, mention: Mention, owner: dict[int, Mention]
) -> list[Actor]:
    """The actors of a mention; a role without a country ("its government") takes the
    country of its own modifier, and one with only a guessed country that of a name
    compounded with it ("European Union leaders")."""
    if mention.members:
        return list(mention.members)
    actor = mention.actor
    if not actor.country:
        deps = {"poss", "amod", "compound", "nmod"}
    elif actor.rule == GUESSED:
        deps = {"compound"}
    else:
        return [actor]
    country = _modifier_country(tokens, tok, owner, deps)
    return [replace(actor, country=country, rule="role+possessive")] if country else [actor]


SHARED = "country+shared role"
# How a role-only noun that modifies a thing is marked: "military" in "military exercises",
# "police" in "police reform".  As a target it takes a country only from the event's place.
MODIFIER_ROLE = "role as modifier"
MODIFIER_DEPS = frozenset({"amod", "compound"})


def _as_modifier(actor: Actor) -> Actor:
    return actor if actor.country else replace(actor, rule=MODIFIER_ROLE)


def _listed(tokens: Sequence[Token], head: Token, appos: Token) -> bool:
    """An apposition that is really a list item ("the UK, France, and Italy"): it or its
    head continues into a coordination after it."""
    return any(k.dep == "conj" for k in children(tokens, appos.i)) or any(
        k.dep == "conj" and k.i > appos.i for k in children(tokens, head.i)
    )


def _objects_of_preps(tokens: Sequence[Token], head: Token, preps: set[str]) -> list[Token]:
    return [
        obj
        for prep in children(tokens, head.i)
        if prep.dep == "prep" and prep.text.lower() in preps
        for obj in children(tokens, prep.i)
        if obj.dep == "pobj"
    ]


def _modifier_country(
    tokens: Sequence[Token], tok: Token, owner: dict[int, Mention], deps: set[str]
) -> str:
    own = owner.get(tok.i)
    for kid in children(tokens, tok.i):
        if kid.dep in deps:
            mention = owner.get(kid.i)
            if mention is not None and mention is not own and mention.actor.country:
                return mention.actor.country
    return ""


GUESSED = mentions.GUESSED


def self_directed(source: Actor, target: Actor) -> bool:
    """An actor acting on itself, or a guessed country that made a doubtful domestic dyad.

    A domestic dyad with a guessed side survives only when the named side has a sector and
    the two sectors differ ("Yoon accused the opposition"); "France signed a deal with the
    junta" (a guess) is not read as France dealing with its own army.
    """
    if target.rule == "domestic":
        return False
    if source.code == target.code:
        return True
    if source.country != target.country:
        return False
    guessed = [a for a in (source, target) if a.rule == GUESSED]
    named = [a for a in (source, target) if a.rule != GUESSED]
    if not guessed:
        return False
    return not named or not named[0].sector


def not_own(targets: list[Actor], sources: Sequence[Actor]) -> list[Actor]:
    """Targets less what the source owns: "renewed its agreement to join ...", "withdraw its
    troops from Iraq" (the troops are the source's own, the target lies elsewhere)."""
    codes = {a.code for a in sources}
    countries = {a.country for a in sources}
    return [
        t
        for t in targets
        if not (t.rule == "pronoun" and t.code in codes)
        and not (t.rule == "pronoun+role" and t.country in countries)
    ]


def with_country(
    actors: list[Actor], country: str, guess: str, *, modifiers: bool = True
) -> list[Actor]:
    """Give role-only actors ("protesters") the country the context supplies, or drop them;
    without ``modifiers``, a role that only qualifies a thing needs the place's country."""
    out: list[Actor] = []
    for actor in actors:
        if not actor.country:
            if actor.rule == MODIFIER_ROLE and not (country or modifiers):
                continue  # "agreed to hold joint military exercises": no one's army in particular
            if country:
                actor = replace(actor, country=country, rule=mentions.PLACED)
            elif guess:
                actor = replace(actor, country=guess, rule=GUESSED)
            else:
                continue
        if actor not in out:
            out.append(actor)
    return out


def governed_by_trigger(tokens: Sequence[Token], verb: Token, triggers: set[int]) -> bool:
    while verb.dep == "conj" and verb.head != verb.i and tokens[verb.head].pos in {"VERB", "AUX"}:
        verb = tokens[verb.head]  # "offered to lead ... and to deploy ...": the first conjunct
    if verb.head == verb.i:
        return False
    head = tokens[verb.head]
    if verb.dep == "pcomp" and head.dep == "prep" and head.text.lower() in {"of", "for"}:
        # "accused North Korea of supplying arms": the accusation is the event, the supply
        # only its content.
        return head.head in triggers
    if verb.dep not in {"xcomp", "ccomp"}:
        return False
    passes_through = ASPECTUAL | REPORTING_VERBS | COMMAND_VERBS
    return head.i in triggers and head.lemma not in passes_through


# "Shoigu ordered troops to withdraw": the ordered act is the event, carried out by the
# orderer's side; the order itself is coded only when addressed to a foreign actor.
COMMAND_VERBS = frozenset({"order", "instruct", "direct", "command", "authorize", "authorise"})


def own_command(
    tokens: Sequence[Token], verb: Token, owner: dict[int, Mention], sources: Sequence[Actor]
) -> bool:
    """True for an order to one's own side followed by the ordered act (coded instead)."""
    if verb.lemma not in COMMAND_VERBS:
        return False
    kids = children(tokens, verb.i)
    if not any(k.dep in {"xcomp", "ccomp"} for k in kids):
        return False
    ordered = actors(tokens, [k for k in kids if k.dep in OBJECT_DEPS], owner)
    own = {a.country for a in sources}
    return all(not a.country or a.country in own for a in ordered)
