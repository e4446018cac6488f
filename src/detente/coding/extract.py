"""Rule-based event extraction over a dependency parse (coder ``rules.v1``).

For each trigger (a verb or noun the lexicon knows) in a parsed sentence:

1. match the most specific lexicon pattern ("hold talk +with" before "hold");
2. find the source (subject; the "by" agent of a passive; the subject inherited by
   coordinated, controlled and relative clauses) and the target (direct object, passive
   subject, or the object of the pattern's preposition), each expanded over coordination;
3. map those tokens to actor mentions, and emit one event per (source, target) pair, both ways
   for reciprocal codes and with the inverse code for visits (visitor -> host, host -> visitor);
4. give each event its mode, date, place and attribution.

Nominal triggers ("imposed a ban on", "launched strikes on") count only inside a clause with a
subject: an event named only as a noun phrase ("after the invasion") is not coded.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from detente.coding.codebook import Codebook, load_codebook
from detente.coding.dates import resolve_event_date
from detente.coding.lexicon import Lexicon, Pattern, load_lexicon
from detente.coding.mode import children, clause_mode
from detente.models import Actor, Article, Event, Mention, Place, Sentence, Token

LOGGER = logging.getLogger(__name__)

CODER = "rules.v1"
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
DOMESTIC_ROOTS = frozenset({"15", "17"})
ASPECTUAL = frozenset({"continue", "begin", "start", "keep", "go"})


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon pattern bound to the tokens of one sentence."""

    pattern: Pattern
    trigger: Token
    verb: Token  # the clause verb: the trigger itself, or the light verb over a nominal trigger
    words: tuple[Token, ...]
    target_tokens: tuple[Token, ...]
    between: tuple[Token, ...] = ()  # "the meeting between China and Vietnam": the parties


class EventCoder:
    """Pipeline stage: fill ``article.events`` from parsed sentences and their mentions."""

    name = "coding"
    requires: tuple[str, ...] = ("sents", "mentions")
    assigns: tuple[str, ...] = ("events",)

    def __init__(self, lexicon: Lexicon | None = None, codebook: Codebook | None = None) -> None:
        self._lexicon = lexicon
        self._codebook = codebook

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = load_lexicon()
        return self._lexicon

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            self._codebook = load_codebook()
        return self._codebook

    def __getstate__(self) -> dict[str, object]:
        return {}  # packaged data is reloaded (cached) in the worker process

    def __setstate__(self, state: dict[str, object]) -> None:
        self._lexicon = None
        self._codebook = None

    def __call__(self, article: Article) -> Article:
        by_sentence: dict[int, list[Mention]] = {}
        for mention in article.mentions:
            by_sentence.setdefault(mention.sentence_index, []).append(mention)
        events: list[Event] = []
        seen: set[str] = set()
        for sent in article.sents:
            if not sent.parsed or sent.index not in by_sentence:
                continue
            for event in self.code_sentence(article, sent, by_sentence[sent.index]):
                if event.event_id not in seen:  # identical tuples in one sentence: listed once
                    seen.add(event.event_id)
                    events.append(event)
        return replace(article, events=tuple(events))

    def code_sentence(
        self, article: Article, sent: Sentence, mentions: Sequence[Mention]
    ) -> Iterator[Event]:
        tokens = sent.tokens
        owner = _mention_index(tokens, mentions)
        matches = [m for t in tokens if (m := self.match(tokens, t, owner)) is not None]
        consumed = {w.i for m in matches for w in m.words}
        triggers = {m.trigger.i for m in matches}
        for match in matches:
            if match.trigger.i in consumed:
                continue  # "talks" in "held talks": the light-verb pattern already coded it
            if _governed_by_trigger(tokens, match.verb, triggers):
                # "agreed to resume talks", "urged X to release": the governor is the event.
                continue
            yield from self.events_for(article, sent, match, owner)

    def match(
        self, tokens: Sequence[Token], token: Token, owner: dict[int, Mention] | None = None
    ) -> Match | None:
        if token.pos in {"VERB", "AUX"}:
            kind = "verb"
        elif token.pos in {"NOUN", "PROPN"}:
            kind = "noun"
        else:
            return None
        fallback: Match | None = None
        for pattern in self.lexicon.for_lemma(token.lemma, kind):
            bound = _bind(tokens, token, pattern)
            if bound is None:
                continue
            words, targets = bound
            if (
                pattern.prep
                and targets
                and owner is not None
                and not _actors(tokens, targets, owner)
            ):
                # "called Erdogan on Tuesday" is not "call on": try a less specific pattern.
                if fallback is None and kind == "verb":
                    fallback = Match(pattern, token, token, words, targets)
                continue
            verb = token
            if kind == "noun":
                light = _light_verb(tokens, token)
                if light is not None:
                    verb = light
                elif pattern.reciprocal and (parties := _between(tokens, token)):
                    # A reciprocal act named with both parties is reported as fact even as a
                    # noun phrase: "the meeting between China and Vietnam drew attention".
                    return Match(pattern, token, token, words, (), parties)
                else:
                    continue
            return Match(pattern, token, verb, words, targets)
        return fallback

    def events_for(
        self, article: Article, sent: Sentence, match: Match, owner: dict[int, Mention]
    ) -> Iterator[Event]:
        tokens = sent.tokens
        passive = _is_passive(tokens, match.verb)
        if match.between:
            sources = _actors(tokens, match.between, owner)
        else:
            sources = _actors(tokens, _source_tokens(tokens, match.verb, passive), owner)
        targets: list[Actor] = []
        if match.between:
            pass
        elif match.pattern.prep and match.target_tokens:
            targets = _actors(tokens, match.target_tokens, owner)
        elif match.pattern.kind == "noun":
            targets = _actors(tokens, _nominal_target_tokens(tokens, match.trigger), owner)
        if not targets and not match.between and match.pattern.kind == "verb":
            # The direct object (the passive subject), then prepositional and clausal fallbacks:
            # "banned the import of Japanese seafood", "struck bombers at Russian bases".
            dep = "nsubjpass" if passive else None
            direct = [
                t
                for t in children(tokens, match.verb.i)
                if (t.dep == dep if dep else t.dep in OBJECT_DEPS)
            ]
            targets = _actors(tokens, direct, owner)
            shared = match.pattern.reciprocal and len(sources) >= 2  # "A and B signed a deal"
            if not targets and not shared:
                conflict = match.pattern.code[:2] >= "14"
                fallback = _fallback_target_tokens(tokens, match.verb, direct, conflict=conflict)
                targets = _actors(tokens, fallback, owner)
        place = _place(tokens, match, owner)
        # A role-only actor ("protesters") takes the place's country, else a "from X", else the
        # sentence's first country; the last is a guess, so it may not make a domestic dyad.
        located = place.country if place is not None else ""
        guess = "" if located else _context_country(None, list(owner.values()))
        origin = _origin_country(tokens, match, owner)
        sources = _with_country(sources, located, guess)
        targets = _with_country(targets, origin or located, "" if origin else guess)
        if not sources:
            return
        mode = clause_mode(tokens, match.trigger, verb=match.verb)
        date, precision = resolve_event_date(sent.text, article.date, forward=mode != "asserted")
        attribution = _attribution(tokens, match.verb, owner)
        mention_id = hashlib.sha1(
            f"{article.id}|{sent.index}|{match.trigger.start}".encode()
        ).hexdigest()[:12]
        confidence = 0.8 if match.pattern.kind == "verb" else 0.65
        pairs: list[tuple[str, Actor, Actor | None]] = []
        code = match.pattern.code
        if targets:
            for one in sources:
                for other in targets:
                    pairs.append((code, one, other))
                    if match.pattern.reciprocal:
                        pairs.append((code, other, one))
                    if match.pattern.inverse:
                        pairs.append((match.pattern.inverse, other, one))
        elif match.pattern.reciprocal and len(sources) >= 2:
            pairs.extend((code, a, b) for a in sources for b in sources if a is not b)
        elif match.pattern.target == "optional" and code[:2] in DOMESTIC_ROOTS:
            # A curfew, martial law or a deployment with no named target acts on the source's
            # own country.
            pairs.extend(
                (code, a, Actor(a.text, a.country, "", a.name, "", "domestic")) for a in sources
            )
        elif match.pattern.target == "optional":
            pairs.extend((code, one, None) for one in sources)
        if code in MEETING_CODES and place is not None and place.country:
            pairs = [_located_meeting(cameo, a, b, place) for cameo, a, b in pairs]
        for cameo, source, target in pairs:
            if target is not None and target.rule != "domestic" and _self_directed(source, target):
                continue  # an actor acting on itself is a parse error, not an event
            entry = self.codebook.get(cameo)
            yield Event(
                article_id=article.id,
                sentence_index=sent.index,
                sentence=sent.text,
                trigger=article.text[match.trigger.start : match.trigger.end],
                trigger_start=match.trigger.start,
                trigger_end=match.trigger.end,
                source=source,
                target=target,
                cameo=cameo,
                cameo_root=entry.root,
                plover=entry.plover,
                quad_class=entry.quad_class,
                goldstein=entry.goldstein,
                mode=mode,
                date=date,
                date_precision=precision,
                location=place,
                attribution=attribution,
                confidence=confidence if mode == "asserted" else confidence - 0.1,
                coder=CODER,
                mention_id=mention_id,
            )


# Talks and meetings whose place is known become visits (042 visitor -> host, 043 host ->
# visitor) or a meeting at a third location (044), as the gold conventions prefer.
MEETING_CODES = frozenset({"040", "046"})


def _located_meeting(
    cameo: str, source: Actor, target: Actor | None, place: Place
) -> tuple[str, Actor, Actor | None]:
    if target is None:
        return cameo, source, target
    if target.country == place.country:
        return "042", source, target
    if source.country == place.country:
        return "043", source, target
    return "044", source, target


def _mention_index(tokens: Sequence[Token], mentions: Sequence[Mention]) -> dict[int, Mention]:
    owner: dict[int, Mention] = {}
    for mention in mentions:
        for tok in tokens:
            if mention.start <= tok.start < mention.end:
                owner[tok.i] = mention
    return owner


def _bind(
    tokens: Sequence[Token], trigger: Token, pattern: Pattern
) -> tuple[tuple[Token, ...], tuple[Token, ...]] | None:
    """Tokens for the pattern's extra words and its prepositional target, or None."""
    anchors = [trigger]
    bound: list[Token] = []
    for word in pattern.words:
        found = None
        for anchor in reversed(anchors):
            found = next(
                (
                    t
                    for t in children(tokens, anchor.i)
                    if t.lemma == word and t.dep not in LIGHT_SKIP_DEPS
                ),
                None,
            )
            if found is None:
                # "called off", "stepped up": particles and prepositions
                found = next(
                    (
                        t
                        for t in children(tokens, anchor.i)
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
        # The most specific word first: "imposed sanctions on Iran on Monday" -> Iran.
        objects = [t for a in anchors for t in children(tokens, a.i) if t.dep in OBJECT_DEPS]
        for anchor in [*reversed(anchors), *objects]:
            for prep in children(tokens, anchor.i):
                if prep.dep in {"prep", "agent", "dative"} and prep.text.lower() == pattern.prep:
                    targets.extend(
                        t for t in children(tokens, prep.i) if t.dep in {"pobj", "pcomp"}
                    )
    return tuple(bound), tuple(targets)


def _light_verb(tokens: Sequence[Token], noun: Token) -> Token | None:
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


def _between(tokens: Sequence[Token], noun: Token) -> tuple[Token, ...]:
    for prep in children(tokens, noun.i):
        if prep.dep == "prep" and prep.text.lower() == "between":
            objs = tuple(t for t in children(tokens, prep.i) if t.dep == "pobj")
            if objs and any(k.dep == "conj" for k in children(tokens, objs[0].i)):
                return objs
    return ()


def _is_passive(tokens: Sequence[Token], verb: Token) -> bool:
    return any(t.dep in {"nsubjpass", "auxpass"} for t in children(tokens, verb.i))


def _source_tokens(tokens: Sequence[Token], verb: Token, passive: bool) -> list[Token]:
    kids = children(tokens, verb.i)
    if passive:
        agents = [t for t in kids if t.dep == "agent"]
        return [p for a in agents for p in children(tokens, a.i) if p.dep == "pobj"]
    subjects = [t for t in kids if t.dep in {"nsubj", "csubj"}]
    if subjects:
        return subjects
    head = tokens[verb.head]
    if verb.dep == "conj" and head.i != verb.i:
        return _source_tokens(tokens, head, _is_passive(tokens, head))
    if verb.dep == "xcomp" and head.i != verb.i:
        # Object control ("invited the prime minister to visit") before subject control, and
        # raising over a passive ("Japan is expected to host").
        objects = [t for t in children(tokens, head.i) if t.dep in {"dobj", "obj"}]
        raised = [t for t in children(tokens, head.i) if t.dep == "nsubjpass"]
        return objects or raised or _source_tokens(tokens, head, _is_passive(tokens, head))
    if verb.dep in {"relcl", "acl"} and head.i != verb.i:
        return [head]
    if (
        verb.dep == "advcl"
        and head.i != verb.i
        and (
            verb.tag == "VBG"
            or any(k.dep == "aux" and k.text.lower() == "to" for k in children(tokens, verb.i))
        )
    ):
        return _source_tokens(tokens, head, _is_passive(tokens, head))
    return []


# Prepositions whose object is the target when the direct object names no actor:
# "struck bombers at Russian air bases", "demanded that Yoon lift martial law".
FALLBACK_TARGET_PREPS = frozenset(
    {"at", "against", "on", "near", "into", "toward", "towards", "in", "to", "with"}
)


def _fallback_target_tokens(
    tokens: Sequence[Token], verb: Token, direct: Sequence[Token], *, conflict: bool
) -> list[Token]:
    # "in" names a place, which is the target only of force ("struck refineries in Russia").
    preps = FALLBACK_TARGET_PREPS if conflict else FALLBACK_TARGET_PREPS - {"in"}
    found: list[Token] = []
    for anchor in [verb, *direct]:
        for prep in children(tokens, anchor.i):
            if prep.dep == "prep" and prep.text.lower() in preps:
                found.extend(t for t in children(tokens, prep.i) if t.dep == "pobj")
    for clause in children(tokens, verb.i):
        if clause.dep == "ccomp":
            found.extend(t for t in children(tokens, clause.i) if t.dep in {"nsubj", "nsubjpass"})
    return found


def _nominal_target_tokens(tokens: Sequence[Token], noun: Token) -> list[Token]:
    return [t for t in children(tokens, noun.i) if t.dep in {"poss", "compound", "amod"}]


def _actors(
    tokens: Sequence[Token], heads: Sequence[Token], owner: dict[int, Mention]
) -> list[Actor]:
    """Actors named by argument heads, expanded over coordination and group references."""
    found: list[Mention] = []

    def visit(tok: Token, depth: int) -> None:
        if depth > 6:
            return
        mention = owner.get(tok.i)
        if mention is not None:
            if mention not in found:
                found.append(mention)
        else:
            for kid in children(tokens, tok.i):
                if kid.dep in NOMINAL_DEPS:
                    visit(kid, depth + 1)
                elif kid.dep == "prep" and kid.text.lower() == "of":
                    for obj in children(tokens, kid.i):
                        if obj.dep == "pobj":
                            visit(obj, depth + 1)
        for kid in children(tokens, tok.i):
            if kid.dep == "conj":
                visit(kid, depth + 1)

    for head in heads:
        visit(head, 0)
    actors: list[Actor] = []
    for mention in found:
        for actor in mention.members or (mention.actor,):
            if actor not in actors:
                actors.append(actor)
    return actors


GUESSED = "role, country guessed from the sentence"


def _self_directed(source: Actor, target: Actor) -> bool:
    guessed = GUESSED in {source.rule, target.rule}
    return source.code == target.code or (guessed and source.country == target.country)


def _with_country(actors: list[Actor], country: str, guess: str) -> list[Actor]:
    """Give role-only actors ("protesters") the country the context supplies, or drop them."""
    out: list[Actor] = []
    for actor in actors:
        if not actor.country:
            if country:
                actor = replace(actor, country=country, rule="role, country from the place")
            elif guess:
                actor = replace(actor, country=guess, rule=GUESSED)
            else:
                continue
        if actor not in out:
            out.append(actor)
    return out


def _origin_country(tokens: Sequence[Token], match: Match, owner: dict[int, Mention]) -> str:
    """A "from X" next to the trigger: "hosted a delegation from Sudan" -> Sudan."""
    anchors = [match.verb, match.trigger, *match.words]
    anchors += [t for a in anchors for t in children(tokens, a.i) if t.dep in OBJECT_DEPS]
    for anchor in anchors:
        for prep in children(tokens, anchor.i):
            if prep.dep == "prep" and prep.text.lower() == "from":
                for obj in children(tokens, prep.i):
                    mention = owner.get(obj.i)
                    if mention is not None and mention.actor.country:
                        return mention.actor.country
    return ""


def _context_country(place: Place | None, mentions: Sequence[Mention]) -> str:
    """The country of a role-only actor: the event's place, else the sentence's first country."""
    if place is not None and place.country:
        return place.country
    for mention in mentions:
        country = mention.actor.country
        if country and not country.startswith(("IGO:", "NGO:")):
            return country
    return ""


def _governed_by_trigger(tokens: Sequence[Token], verb: Token, triggers: set[int]) -> bool:
    if verb.dep not in {"xcomp", "ccomp"} or verb.head == verb.i:
        return False
    head = tokens[verb.head]
    return head.i in triggers and head.lemma not in ASPECTUAL and head.lemma not in REPORTING_VERBS


def _place(tokens: Sequence[Token], match: Match, owner: dict[int, Mention]) -> Place | None:
    anchors = [match.verb, match.trigger, *match.words]
    for anchor in anchors:
        for prep in children(tokens, anchor.i):
            if prep.dep != "prep" or prep.text.lower() not in {"in", "at"}:
                continue
            for obj in children(tokens, prep.i):
                mention = owner.get(obj.i)
                if mention is not None and mention.actor.rule in {
                    "capital as metonym",
                    "country name",
                }:
                    return Place(mention.text, mention.actor.country)
    return None


def _attribution(tokens: Sequence[Token], verb: Token, owner: dict[int, Mention]) -> str:
    for tok in tokens:
        if tok.text.lower() == "according" and tok.dep == "prep":
            to = next((t for t in children(tokens, tok.i) if t.text.lower() == "to"), None)
            if to is not None:
                objs = [t for t in children(tokens, to.i) if t.dep == "pobj"]
                if objs:
                    return "according to " + _subtree_text(tokens, objs[0])
    current = verb
    for _ in range(4):
        if current.dep != "ccomp" or current.head == current.i:
            break
        head = tokens[current.head]
        if head.lemma in REPORTING_VERBS:
            subjects = [t for t in children(tokens, head.i) if t.dep == "nsubj"]
            if subjects:
                return _subtree_text(tokens, subjects[0])
        current = head
    return ""


def _subtree_text(tokens: Sequence[Token], root: Token) -> str:
    members = {root.i}
    changed = True
    while changed:
        changed = False
        for tok in tokens:
            if tok.head in members and tok.i not in members:
                members.add(tok.i)
                changed = True
    ordered = sorted(members)
    first, last = tokens[ordered[0]], tokens[ordered[-1]]
    text = ""
    for i in range(first.i, last.i + 1):
        tok = tokens[i]
        if text and tok.start > tokens[i - 1].end:
            text += " "
        text += tok.text
    return text
