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

from detente.actors.mentions import GUESSED
from detente.coding import arguments as args
from detente.coding import claims, deployments, designation, domestic, places, reparse, swaps, truce
from detente.coding import demands as reported
from detente.coding import mediation as mediated
from detente.coding import threats as conditional
from detente.coding.clauses import clause_target_tokens, clause_targets, named_actors
from detente.coding.codebook import Codebook, load_codebook
from detente.coding.dates import resolve_event_date
from detente.coding.lexicon import Lexicon, Pattern, load_lexicon
from detente.coding.mode import children, clause_mode
from detente.coding.recode import located_meeting, recode
from detente.models import Actor, Article, Event, Mention, Place, Sentence, Token

LOGGER = logging.getLogger(__name__)

CODER = "rules.v1"
# Commitments that two coordinated subjects make to each other when no one else is named.
MUTUAL_VERBS = frozenset({"agree"})


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
        seen: set[tuple[str, ...]] = set()
        ids: set[str] = set()
        for sent in article.sents:
            if not sent.parsed or sent.index not in by_sentence:
                continue
            sent = reparse.repaired(sent)  # the parse the rules read
            for event in self.code_sentence(article, sent, by_sentence[sent.index]):
                # One event per dyad, type and mode in a sentence: "held a phone call, their
                # first conversation" is one consultation, whichever trigger found it first.
                target = event.target.country if event.target else ""
                key = (
                    str(event.sentence_index),
                    event.source.country,
                    target,
                    event.plover or event.cameo,
                    event.mode,
                )
                if event.event_id not in ids and key not in seen:
                    seen.add(key)
                    ids.add(event.event_id)
                    events.append(event)
        return replace(article, events=merge_mentions(events))

    def code_sentence(
        self, article: Article, sent: Sentence, mentions: Sequence[Mention]
    ) -> Iterator[Event]:
        tokens = sent.tokens
        owner = args.mention_index(tokens, mentions)
        matches = [m for t in tokens if (m := self.match(tokens, t, owner)) is not None]
        # "Russia said Sudan must return it": Russia's demand (100), not Sudan's act.
        said = reported.find(tokens, owner)
        hidden = {i for _, clause, _ in said for i in reported.demanded(tokens, clause)}
        matches = [m for m in matches if m.verb.i not in hidden and m.trigger.i not in hidden]
        matches += [Match(reported.pattern(v.lemma), v, v, (), heads) for v, _, heads in said]
        matches += [Match(pat, n, v, (), p) for pat, n, v, p in mediated.find(tokens)]
        own = {m.verb.i for m in matches if deployments.own_order(tokens, m.verb, owner)}
        consumed = {w.i for m in matches if m.verb.i not in own for w in m.words}
        triggers = {m.trigger.i for m in matches}
        clauses = {m.verb.i: m for m in matches if m.pattern.kind == "verb"}
        for match in matches:
            if match.trigger.i in consumed:
                continue  # "talks" in "held talks": the light-verb pattern already coded it
            if args.governed_by_trigger(tokens, match.verb, triggers):
                # "agreed to resume talks", "urged X to release": the governor is the event.
                continue
            if _noun_complement(tokens, match.verb):
                continue  # "the decision to open talks" names an event only as a noun phrase
            if (
                match.pattern.kind == "noun"
                and match.verb.i in clauses
                and claims.claim_verb(tokens, match.trigger) is None
            ):
                continue  # "condemned the invasion": the verb is the event, the noun its topic
            yield from self.events_for(article, sent, match, owner, clauses)

    def match(
        self, tokens: Sequence[Token], token: Token, owner: dict[int, Mention] | None = None
    ) -> Match | None:
        lemma = token.lemma
        if token.pos in {"VERB", "AUX"}:
            kind = "verb"
        elif token.pos in {"NOUN", "PROPN"}:
            kind = "noun"
        elif _intent_adjective(tokens, token):
            kind, lemma = "verb", "agree"  # "is ready to withdraw" commits as "agreed to" does
        else:
            return None
        if kind == "verb" and (code := designation.ban_code(tokens, token, owner or {})):
            return Match(designation.pattern(code, lemma), token, token, (), ())
        fallback: Match | None = None
        best: tuple[float, Match] | None = None
        for pattern in self.lexicon.for_lemma(lemma, kind):
            bound = args.bind(tokens, token, pattern)
            if bound is None:
                continue
            words, targets = bound
            if (
                pattern.prep
                and targets
                and owner is not None
                and not (
                    args.actors(tokens, targets, owner)
                    if pattern.reciprocal
                    else clause_targets(tokens, targets, owner)
                )
            ):
                # "called Erdogan on Tuesday" is not "call on": try a less specific pattern.
                if fallback is None and kind == "verb":
                    fallback = Match(pattern, token, token, words, targets)
                continue
            verb = token
            if kind == "noun" and any(k.dep == "poss" for k in children(tokens, token.i)):
                continue  # "Russia's invasion": an event named only as a noun phrase
            if kind == "noun":
                light = args.light_verb(tokens, token) or claims.claim_verb(tokens, token)
                if light is not None:
                    verb = light
                elif pattern.reciprocal and (parties := args.between(tokens, token)):
                    # A reciprocal act named with both parties is reported as fact even as a
                    # noun phrase: "the meeting between China and Vietnam drew attention";
                    # a truce only once it took effect.
                    effect = truce.effect_verb(tokens, token)
                    if effect is None and pattern.code in truce.IN_EFFECT_CODES:
                        continue
                    return Match(pattern, token, effect or token, words, (), parties)
                else:
                    continue
            # What the sentence actually shows: bound words, plus the preposition if present
            # ("ruled out supplying" beats "rule +against" without an "against").
            # A pattern whose preposition is missing shows less than one that needs none.
            shown = len(words) + (1.0 if targets else -0.5) * bool(pattern.prep)
            if best is None or shown > best[0]:
                best = (shown, Match(pattern, token, verb, words, targets))
        return best[1] if best is not None else fallback

    def targets_for(
        self,
        tokens: Sequence[Token],
        match: Match,
        owner: dict[int, Mention],
        sources: Sequence[Actor],
        clauses: dict[int, Match],
        depth: int = 0,
    ) -> list[Actor]:
        """The target: the pattern's preposition, the object, fallbacks, or the complement
        clause's target ("threatened to impose tariffs on Mexico")."""
        if match.between:
            return []
        if match.pattern.prep and match.target_tokens:
            if match.pattern.reciprocal:
                return args.actors(tokens, match.target_tokens, owner)
            return clause_targets(tokens, match.target_tokens, owner)
        if match.pattern.kind == "noun":
            heads = args.nominal_target_tokens(tokens, match.trigger)
            named = args.actors(tokens, heads, owner)
            if not named and claims.claim_verb(tokens, match.trigger) is not None:
                named = args.actors(tokens, claims.relative_objects(tokens, match.trigger), owner)
            return named
        passive = args.is_passive(tokens, match.verb)
        direct = [
            t
            for t in children(tokens, match.verb.i)
            if (t.dep == "nsubjpass" if passive else t.dep in args.OBJECT_DEPS)
        ]
        targets = args.not_own(args.actors(tokens, direct, owner), sources)
        if not targets:
            # "ruled out supplying Ukraine": the object of a bound verb word.
            verbs = [w for w in match.words if w.pos in {"VERB", "AUX"}]
            inner = [t for w in verbs for t in children(tokens, w.i) if t.dep in args.OBJECT_DEPS]
            targets = args.not_own(args.actors(tokens, inner, owner), sources)
        if match.pattern.reciprocal and len(sources) >= 2:
            return targets  # "A and B signed a deal" needs no target
        conflict = match.pattern.code[:2] >= "14"
        fallback = args.fallback_target_tokens(tokens, match.verb, direct, conflict=conflict)
        if targets and not any(t.country for t in targets):
            # "struck bombers at Russian air bases": the place names the role's country.
            placed = [a.country for a in args.actors(tokens, fallback, owner) if a.country]
            if placed:
                return [
                    replace(t, country=placed[0], rule="role, country from the place")
                    for t in targets
                ]
        if targets:
            return targets
        targets = args.actors(tokens, fallback, owner)
        if not targets and not match.pattern.reciprocal:
            # "revoked a pact that let U.S. troops stay": the object's own clause names them;
            # the partner of a shared act is named directly ("signed a deal with"), never so.
            targets = named_actors(tokens, clause_target_tokens(tokens, direct), owner)
        complements = [k for k in children(tokens, match.verb.i) if k.dep in {"xcomp", "ccomp"}]
        # "offered to lead a force and to deploy police to Haiti": each coordinated complement.
        complements += [k for c in complements for k in children(tokens, c.i) if k.dep == "conj"]
        for clause in complements:
            if targets or depth > 2:
                break
            if clause.pos in {"VERB", "AUX"}:
                sub = clauses.get(clause.i)
                if sub is not None:
                    targets = self.targets_for(tokens, sub, owner, sources, clauses, depth + 1)
                else:
                    objects = [t for t in children(tokens, clause.i) if t.dep in args.OBJECT_DEPS]
                    found = args.fallback_target_tokens(tokens, clause, objects, conflict=False)
                    targets = args.actors(tokens, [*objects, *found], owner)
        if match.pattern.code[:2] == "13":  # "warned Moscow would act if Finland joined"
            heads = [match.verb, *complements]
            targets = conditional.conditional_targets(tokens, heads, targets, sources, owner)
        return targets

    def events_for(
        self,
        article: Article,
        sent: Sentence,
        match: Match,
        owner: dict[int, Mention],
        clauses: dict[int, Match],
    ) -> Iterator[Event]:
        tokens = sent.tokens
        passive = args.is_passive(tokens, match.verb)
        if match.between:
            sources = args.actors(tokens, match.between, owner)
        else:
            sources = args.actors(tokens, args.source_tokens(tokens, match.verb, passive), owner)
        if args.own_command(tokens, match.verb, owner, sources):
            return  # the ordered act is coded from its own clause
        pattern = deployments.military(tokens, match.verb, match.pattern, sources)
        match = replace(match, pattern=pattern)  # "police arrived in Haiti to lead a mission"
        banned = designation.banned_bodies(tokens, match.verb, pattern.code, owner, sources)
        targets = banned or self.targets_for(tokens, match, owner, sources, clauses)
        anchors = [match.verb, match.trigger, *match.words]
        place = places.find_place(tokens, anchors, owner)
        # A role-only actor ("protesters") takes the place's country, else a "from X", else the
        # sentence's first country; the last is a guess, so it may not make a domestic dyad.
        located = deployments.commander_country(tokens, match.verb, owner) or (
            place.country if place is not None else places.sentence_place(tokens, owner)
        )
        guess = "" if located else places.context_country(None, list(owner.values()))
        origin = places.origin_country(tokens, anchors, owner)
        sources = args.with_country(sources, located, guess)
        targets = args.with_country(
            targets, origin or located, "" if origin else guess, modifiers=False
        )
        if not sources:
            return
        code, mode = recode(
            tokens,
            match.verb,
            match.pattern.code,
            clause_mode(tokens, match.trigger, verb=match.verb),
        )
        date, precision = resolve_event_date(sent.text, article.date, forward=mode != "asserted")
        attribution = places.attribution(tokens, match.verb, owner)
        mention_id = hashlib.sha1(
            f"{article.id}|{sent.index}|{match.trigger.start}".encode()
        ).hexdigest()[:12]
        confidence = 0.8 if match.pattern.kind == "verb" else 0.65
        pairs = self.pairs(match, code, sources, targets, place)
        for cameo, source, target in swaps.both_ways(tokens, match.verb, pairs):
            if target is not None and args.self_directed(source, target):
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
                confidence=_confidence(confidence, mode, source, target),
                coder=CODER,
                mention_id=mention_id,
            )

    @staticmethod
    def pairs(
        match: Match, code: str, sources: list[Actor], targets: list[Actor], place: Place | None
    ) -> list[tuple[str, Actor, Actor | None]]:
        """(code, source, target) per ordered pair: both ways for reciprocal codes, the inverse
        code for visits, the source's own country for domestic acts with no target."""
        pattern = match.pattern
        pairs: list[tuple[str, Actor, Actor | None]] = []
        if targets:
            for one in sources:
                for other in targets:
                    pairs.append((code, one, other))
                    # An intent ("Japan wants to build ties with China") is one side's; a
                    # shared act (talks, a treaty) runs both ways.
                    if pattern.reciprocal and code[:2] != "03":
                        pairs.append((code, other, one))
                    if pattern.inverse:
                        pairs.append((pattern.inverse, other, one))
        elif len(sources) >= 2 and (
            pattern.reciprocal or (code[:2] == "03" and match.trigger.lemma in MUTUAL_VERBS)
        ):
            # "Peru and Chile agreed to hold drills": each side's commitment is to the other.
            pairs.extend((code, a, b) for a in sources for b in sources if a is not b)
        elif pattern.target == "optional" and domestic.acts_at_home(
            code, match.verb, match.trigger, sources
        ):
            # A curfew, martial law, a general strike: with no named target it acts on the
            # source's own country.
            pairs.extend((code, a, domestic.home(a)) for a in sources)
        elif pattern.target == "optional" and match.verb.dep in domestic.MAIN_CLAUSE_DEPS:
            # A one-sided act of a main clause; "summoned the envoy to protest" is the summons.
            pairs.extend((code, one, None) for one in sources)
        if place is not None and place.country:
            pairs = [located_meeting(cameo, a, b, place) for cameo, a, b in pairs]
        return pairs


# Actors resolved by a guess or a back-reference are less certain than named ones.
UNCERTAIN_RULES = frozenset(
    {GUESSED, "pronoun", "pronoun+role", "group-reference", "title+name, country from context"}
)


def _confidence(base: float, mode: str, source: Actor, target: Actor | None) -> float:
    """A 0..1 score: verbal triggers above nominal ones; less for non-asserted modes and for
    every actor that was guessed or resolved through a pronoun or "the two sides"."""
    score = base - (0.1 if mode != "asserted" else 0.0)
    for actor in (source, target):
        if actor is not None and actor.rule in UNCERTAIN_RULES:
            score -= 0.15
    return round(max(score, 0.05), 2)


def merge_mentions(events: Sequence[Event]) -> tuple[Event, ...]:
    """One event per act in an article: "held talks ... after the talks" is one consultation.

    A later event with the same source, target, code and mode is merged into the first as
    evidence (its sentence index) when it carries no date of its own or the same date; a
    different date ("landed on Saturday", "met on Monday") is a different event.
    """
    merged: list[Event] = []
    first: dict[tuple[str, str, str, str], int] = {}
    for event in events:
        key = (
            event.source.code,
            event.target.code if event.target else "",
            event.cameo,
            event.mode,
        )
        at = first.get(key)
        if at is not None:
            kept = merged[at]
            same_day = event.date_precision == "" or event.date == kept.date
            if event.sentence_index != kept.sentence_index and same_day:
                merged[at] = replace(kept, evidence=(*kept.evidence, event.sentence_index))
                continue
        first.setdefault(key, len(merged))
        merged.append(event)
    return tuple(merged)


# "is willing to withdraw", "stands ready to help": a commitment (convention: "is ready to"
# is CAMEO 03, mode asserted).
INTENT_ADJECTIVES = frozenset({"willing", "ready", "prepared"})


def _intent_adjective(tokens: Sequence[Token], token: Token) -> bool:
    return (
        token.pos == "ADJ"
        and token.lemma in INTENT_ADJECTIVES
        and token.dep == "acomp"
        and any(k.dep == "xcomp" for k in children(tokens, token.i))
    )


def _noun_complement(tokens: Sequence[Token], verb: Token) -> bool:
    """An infinitive attached to a noun: "the decision to open talks", "a plan to visit"."""
    return verb.dep == "acl" and any(
        k.dep == "aux" and k.text.lower() == "to" for k in children(tokens, verb.i)
    )
