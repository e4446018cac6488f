"""Find actor mentions in an article and resolve each to a country and a sector.

Mentions are found on raw text (before any parse) so the parser can skip sentences without
actors.  Per sentence, KB phrases are matched longest-first ("atoms"), then combined:

* country, demonym or possessive + role term (+ name): "Chinese Foreign Minister Wang Yi",
  "US adviser Jake Sullivan", "Japan's prime minister" -> the country with the role's sector;
* role term + capitalised name not in the KB: "Deputy Foreign Minister Masahiro Takamura" ->
  the role's sector and the country the sentence (or else the article) is about;
* a KB person alone: "Biden", "Fumio Kishida" -> the role held on the article date;
* "the US side", "the Vietnamese side" -> that country's government;
* "the two sides", "both countries" -> the last two countries mentioned;
* he/she/his/her -> the last person; it/its -> the last country or organisation.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from detente.actors.context import (
    COUNTRYISH,
    GROUP_REFERENCES,
    GUESSED,
    MAX_NAME_WORDS,
    NAME_WORD,
    OUT_OF_OFFICE,
    PERSON_PRONOUNS,
    PLACED,
    THING_PRONOUNS,
    ArticleMemory,
    Word,
    is_plural_people,
    place_roles,
    skip_modifiers,
)
from detente.actors.gazetteer import Entry, Gazetteer, default_gazetteer, tokenize
from detente.models import Actor, Article, Mention

__all__ = ["GUESSED", "PLACED", "ActorFinder"]

LOGGER = logging.getLogger(__name__)

# Capitalised words that turn a demonym into a region when the pair is no KB phrase of its own
# ("North Korean" and "South African" are, and match first).
REGION_WORDS = frozenset({"Latin", "South", "North", "Central", "Pan"})
# First words of the group references ("the two sides"), to try them only where they can start.
_GROUP_STARTS = frozenset(phrase[0] for phrase in GROUP_REFERENCES)


class ActorFinder:
    """Pipeline stage: fill ``article.mentions``."""

    name = "actors"
    requires: tuple[str, ...] = ("sents",)
    assigns: tuple[str, ...] = ("mentions",)

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    def __getstate__(self) -> dict[str, object]:
        # The gazetteer is rebuilt from the packaged KB in the worker process.
        return {"_gazetteer": None}

    def __setstate__(self, state: dict[str, object]) -> None:
        self._gazetteer = None

    def __call__(self, article: Article) -> Article:
        memory = ArticleMemory()
        mentions: list[Mention] = []
        for sent in article.sents:
            words = [(w, s + sent.start, e + sent.start) for w, s, e in tokenize(sent.text)]
            mentions.extend(self.find(words, sent.index, article, memory))
        return replace(article, mentions=tuple(mentions))

    def find(
        self, words: list[Word], sentence_index: int, article: Article, memory: ArticleMemory
    ) -> list[Mention]:
        day = article.date or dt.date.today()
        lower = [w.lower() for w, _, _ in words]  # once per sentence: linear in its length
        found: list[Mention] = []
        country = ""  # the last country named in the sentence so far
        i = 0
        while i < len(words):
            made = self._mention_at(words, lower, i, sentence_index, article, day, memory, country)
            if made is None:
                i += 1
                continue
            mention, next_i, kind = made
            found.append(mention)
            if mention.kind in COUNTRYISH and mention.actor.country:
                country = mention.actor.country
            memory.saw(mention.actor, kind)
            for member in mention.members:
                memory.saw(member, "country")
            i = next_i
        return place_roles(found, words, memory.dominant_country())

    def _mention_at(
        self,
        words: list[Word],
        lower: list[str],
        i: int,
        sentence_index: int,
        article: Article,
        day: dt.date,
        memory: ArticleMemory,
        sentence_country: str,
    ) -> tuple[Mention, int, str] | None:
        text = article.text

        def make(
            start: int, end: int, actor: Actor, kind: str, members: tuple[Actor, ...] = ()
        ) -> Mention:
            s, e = words[start][1], words[end - 1][2]
            return Mention(
                text[s:e], s, e, sentence_index, replace(actor, text=text[s:e]), kind, members
            )

        references = GROUP_REFERENCES.items() if lower[i] in _GROUP_STARTS else ()
        for phrase, sector in references:
            if tuple(lower[i : i + len(phrase)]) == phrase and len(memory.countries) >= 2:
                a, b = memory.countries[-2], memory.countries[-1]
                span_text = text[words[i][1] : words[i + len(phrase) - 1][2]]
                members = tuple(
                    Actor(
                        span_text,
                        c,
                        sector,
                        self._country_name(c),
                        f"country:{c}",
                        "group-reference",
                    )
                    for c in (a, b)
                )
                return (
                    make(i, i + len(phrase), members[0], "reference", members),
                    i + len(phrase),
                    "reference",
                )

        word = words[i][0]
        if lower[i] in PERSON_PRONOUNS and memory.last_person is not None:
            actor = replace(memory.last_person, rule="pronoun")
            return make(i, i + 1, actor, "pronoun"), i + 1, "pronoun"
        if lower[i] in THING_PRONOUNS and memory.last_thing is not None:
            actor = replace(memory.last_thing, rule="pronoun")
            role = self._role_after(words, i + 1) if lower[i] == "its" else None
            if role is not None:  # "its government": the role of the country just named
                actor = replace(actor, sector=role[0].sector, rule="pronoun+role")
                return make(i, role[1], actor, "role"), role[1], "role"
            return make(i, i + 1, actor, "pronoun"), i + 1, "pronoun"
        if word in memory.names and NAME_WORD.match(word):
            # A surname or full name already introduced with a title in this article.
            length = 1
            while (
                i + length < len(words)
                and " ".join(w for w, _, _ in words[i : i + length + 1]) in memory.names
            ):
                length += 1
            name = " ".join(w for w, _, _ in words[i : i + length])
            actor = replace(memory.names[name], rule="earlier-mention")
            return make(i, i + length, actor, "person"), i + length, "person"

        match = self.gazetteer.match_at(words, i)
        if match is None:
            return None
        length, entries = match
        entry = entries[0]
        j = i + length
        if entry.kind == "prefix" and not self._prefix_compound(words, j):
            return None  # "Indo-Pacific" is a region; "Indo-Pakistani" names India
        if entry.kind == "demonym" and i > 0 and words[i - 1][0] in REGION_WORDS:
            return None  # "Latin American", "South American": a region, not the United States
        if entry.kind in COUNTRYISH or entry.kind in {"metonym", "org"}:
            country_entry = next((e for e in entries if e.kind in COUNTRYISH), entry)
            k = j
            if k < len(words) and lower[k] in {"'s", "’s"}:
                k += 1
            k = skip_modifiers(lower, k)
            role = self._role_after(words, k)
            if role is None and country_entry.kind in COUNTRYISH:
                shared = self._shared_role(words, lower, k)
                if shared is not None:  # "Hungarian and Romanian officials"
                    actor = replace(
                        self._entry_actor(country_entry, day),
                        sector=shared.sector,
                        rule="country+shared role",
                    )
                    return make(i, j, actor, "role"), j, "role"
            if role is not None and country_entry.kind in COUNTRYISH:
                role_entry, role_end = role
                name_end, person = self._name_after(words, role_end, day)
                actor = self._titled_actor(
                    country_entry.key, role_entry, person, words, role_end, name_end, day
                )
                if name_end > role_end:
                    self._remember_name(words, role_end, name_end, actor, memory)
                return (
                    make(i, name_end, actor, "person" if name_end > role_end else "role"),
                    name_end,
                    "person" if name_end > role_end else "role",
                )
            if k > j:  # "Japan's Fumio Kishida": the possessive introduces a person
                name_end, person = self._name_after(words, k, day)
                if person is not None:
                    return make(k, name_end, person, "person"), name_end, "person"
            actor = self._entry_actor(entry, day)
            if entry.kind == "demonym" and is_plural_people(words[j - 1][0]):
                # "Libyans protested": a plural demonym names people, not the state.
                actor = replace(actor, sector="CVL", rule="plural demonym")
            return make(i, j, actor, entry.kind), j, entry.kind
        if entry.kind in {"person", "group"}:
            actor = self._entry_actor(entry, day)
            if entry.kind == "person" and j - i >= 2:
                self._remember_name(words, i, j, actor, memory)  # "Kim Jong Un ... Kim"
            role = self._role_after(words, j) if entry.kind == "group" else None
            if role is not None:  # "Hamas gunmen", "Huawei executives": the group decides
                return make(i, role[1], actor, "group"), role[1], "group"
            return make(i, j, actor, entry.kind), j, entry.kind
        # A role term: maybe a title before a name, maybe "the side" after a country.
        role_entry, role_end = self._extend_role(words, i, entry, j)
        name_end, person = self._name_after(words, role_end, day)
        country = self._context_country(sentence_country, memory)
        of_country, of_end = self._of_country(words, lower, name_end)
        if of_country:  # "King Hassan of Morocco", "the president of Armenia"
            country, name_end = of_country, of_end
        if person is not None and person.rule.endswith(OUT_OF_OFFICE):
            actor = replace(person, sector=role_entry.sector, rule="title+person-kb out of office")
        elif person is not None:
            actor = replace(person, rule="title+person-kb")
        elif of_country and name_end > role_end:
            actor = Actor("", country, role_entry.sector, role_entry.name, "", "role of country")
        elif name_end > role_end and country:
            actor = Actor(
                "",
                country,
                role_entry.sector,
                " ".join(w for w, _, _ in words[role_end:name_end]),
                "",
                "title+name, country from context",
            )
        elif name_end > role_end:
            actor = Actor(
                "",
                "",
                role_entry.sector,
                " ".join(w for w, _, _ in words[role_end:name_end]),
                "",
                "title+name, country unknown",
            )
        elif of_country:
            actor = Actor("", country, role_entry.sector, role_entry.name, "", "role of country")
            return make(i, name_end, actor, "role"), name_end, "role"
        else:
            # A bare role noun ("protesters", "troops"): the sector is known, the country is
            # left to the coder, which takes it from the place or the other party.
            actor = Actor(
                "",
                "",
                role_entry.sector,
                role_entry.name,
                f"agent:{role_entry.key}",
                "role, country from context",
            )
            return make(i, role_end, actor, "role"), role_end, "role"
        if name_end > role_end:
            self._remember_name(words, role_end, name_end, actor, memory)
        return make(i, name_end, actor, "person"), name_end, "person"

    def _prefix_compound(self, words: list[Word], j: int) -> bool:
        if j + 1 >= len(words) or words[j][0] != "-":
            return False
        match = self.gazetteer.match_at(words, j + 1)
        return match is not None and match[1][0].kind in {"country", "demonym"}

    def _shared_role(self, words: list[Word], lower: list[str], k: int) -> Entry | None:
        """The role after "and <country>": "Hungarian and Romanian officials" -> officials."""
        if k + 1 >= len(words) or lower[k] not in {"and", ",", "or"}:
            return None
        match = self.gazetteer.match_at(words, k + 1)
        if match is None or match[1][0].kind not in COUNTRYISH:
            return None
        role = self._role_after(words, skip_modifiers(lower, k + 1 + match[0]))
        return role[0] if role is not None else None

    def _of_country(self, words: list[Word], lower: list[str], k: int) -> tuple[str, int]:
        """ "... of Morocco" right after a role or name: (country, end word) or ("", k)."""
        if k + 1 < len(words) and lower[k] == "of":
            match = self.gazetteer.match_at(words, k + 1)
            if match is not None and match[1][0].kind in {"country", "capital"}:
                return match[1][0].key, k + 1 + match[0]
        return "", k

    def _role_after(self, words: list[Word], k: int) -> tuple[Entry, int] | None:
        """A role term (possibly several: "Foreign Minister") starting at word ``k``."""
        if k >= len(words):
            return None
        match = self.gazetteer.match_at(words, k)
        if match is None:
            return None
        length, entries = match
        agent = next((e for e in entries if e.kind == "agent"), None)
        if agent is None:
            return None
        return self._extend_role(words, k, agent, k + length)

    def _extend_role(
        self, words: list[Word], start: int, entry: Entry, end: int
    ) -> tuple[Entry, int]:
        # "Chief of Protocol", "Deputy Foreign Minister": keep the last, most specific role.
        while end < len(words):
            match = self.gazetteer.match_at(words, end)
            if match is None:
                break
            length, entries = match
            agent = next((e for e in entries if e.kind == "agent"), None)
            if agent is None:
                break
            entry, end = agent, end + length
        return entry, end

    def _name_after(self, words: list[Word], k: int, day: dt.date) -> tuple[int, Actor | None]:
        """Capitalised name words after a title: (end word, KB person actor or None)."""
        match = self.gazetteer.match_at(words, k) if k < len(words) else None
        if match is not None and match[1][0].kind == "person":
            return k + match[0], self._entry_actor(match[1][0], day)
        end = k
        while end < len(words) and end - k < MAX_NAME_WORDS and NAME_WORD.match(words[end][0]):
            if end > k and words[end][1] > words[end - 1][2] + 1:
                break
            hit = self.gazetteer.match_at(words, end)
            if hit is not None and hit[1][0].kind != "person":
                break
            end += 1
        return end, None

    def _titled_actor(
        self,
        country: str,
        role: Entry,
        person: Actor | None,
        words: list[Word],
        start: int,
        end: int,
        day: dt.date,
    ) -> Actor:
        name = " ".join(w for w, _, _ in words[start:end])
        if person is not None and person.rule.endswith(OUT_OF_OFFICE):
            # The text's title says what the KB's dates do not: trust the text.
            return replace(
                person,
                country=country or person.country,
                sector=role.sector,
                rule="country+title, person-kb out of office",
            )
        if person is not None:
            return replace(
                person, country=country or person.country, rule="country+title+person-kb"
            )
        return Actor(
            "",
            country,
            role.sector,
            name or role.name,
            "",
            "country+role" if not name else "country+role+name",
        )

    def _remember_name(
        self, words: list[Word], start: int, end: int, actor: Actor, memory: ArticleMemory
    ) -> None:
        parts = [w for w, _, _ in words[start:end] if w not in {"-", "."}]
        memory.names[" ".join(parts)] = actor
        if parts:
            memory.names[parts[-1]] = actor
        if len(parts) >= 3:
            # East Asian names put the family name first: "Kim Jong Un ... Kim".
            memory.names[parts[0]] = actor
        memory.last_person = actor

    def _context_country(self, sentence_country: str, memory: ArticleMemory) -> str:
        """The country a title with an unknown name belongs to: the last country named in
        the sentence, else the country the article names most."""
        if sentence_country:
            return sentence_country
        if memory.country_counts:
            return memory.country_counts.most_common(1)[0][0]
        return ""

    def _country_name(self, alpha3: str) -> str:
        country = self.gazetteer.kb.countries.get(alpha3)
        return country.name if country else alpha3

    def _entry_actor(self, entry: Entry, day: dt.date) -> Actor:
        if entry.kind == "person":
            person = self.gazetteer.kb.people[entry.key]
            role = person.role_on(day)
            if role is not None:
                return Actor(
                    "",
                    role.country,
                    role.sector,
                    person.name,
                    entry.key,
                    f"person-kb ({role.role})",
                )
            last = max(person.roles, key=lambda r: r.start) if person.roles else None
            country = last.country if last else ""
            return Actor("", country, "", person.name, entry.key, "person-kb, " + OUT_OF_OFFICE)
        if entry.kind == "group":
            return Actor("", entry.country, entry.sector, entry.name, f"group:{entry.key}", "group")
        kb_id = f"{entry.kind}:{entry.key}" if entry.kind != "org" else entry.key
        rule = {
            "country": "country name",
            "demonym": "demonym",
            "capital": "capital as metonym",
            "metonym": "metonym",
            "prefix": "country prefix",
            "org": "organisation",
        }.get(entry.kind, entry.kind)
        return Actor("", entry.key, entry.sector, entry.name, kb_id, rule)
