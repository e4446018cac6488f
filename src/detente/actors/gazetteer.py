"""A phrase table over the knowledge base: every name, alias, demonym, capital and role term.

Phrases are stored as tuples of lowercase word tokens, produced by the same tokenizer that
reads the text, so "U.S.", "Japan's" and "China-US" split the same way on both sides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from detente.actors.kb import KnowledgeBase, load_kb

# "U.S." stays one token; possessive "'s" and every punctuation mark are tokens of their own.
WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_]+|['’]s\b|[^\w\s]")

# Kinds in the order a tie between two entries of the same phrase is broken.
KIND_PRIORITY = (
    "person",
    "group",
    "org",
    "metonym",
    "country",
    "capital",
    "demonym",
    "prefix",
    "agent",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """What one phrase of the gazetteer stands for."""

    kind: str  # person | group | org | metonym | country | capital | demonym | prefix | agent
    key: str  # alpha-3, IGO code, person id, group id or agent term
    sector: str
    name: str
    case_sensitive: bool  # all-caps acronyms ("US", "WHO") only match in capitals
    country: str = ""  # groups: the country the group is coded to


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split into (word, start, end) triples."""
    return [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def phrase_key(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word, _, _ in tokenize(text))


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


class Gazetteer:
    """Longest-match lookup of KB phrases in a token list."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.table: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.max_len = 1
        # Every leading part of every phrase: a lookup stops at the first word no phrase
        # continues with, so matching costs the length of the match, not ``max_len`` squared.
        self.prefixes: set[tuple[str, ...]] = set()
        for country in kb.countries.values():
            for text in (country.name, *country.names):
                self._add(text, Entry("country", country.alpha3, "", country.name, False))
            for text in country.demonyms:
                self._add(text, Entry("demonym", country.alpha3, "", country.name, False))
            for text in country.capitals:
                self._add(text, Entry("capital", country.alpha3, "GOV", country.name, False))
            for text, sector in country.metonyms:
                self._add(text, Entry("metonym", country.alpha3, sector, country.name, False))
            for text in country.prefixes:
                self._add(text, Entry("prefix", country.alpha3, "", country.name, False))
        for org in kb.organisations.values():
            self._add(org.name, Entry("org", org.code, org.sector, org.name, False))
            for text, sector in org.aliases:
                self._add(text, Entry("org", org.code, sector or org.sector, org.name, False))
        for agent in kb.agents.values():
            for text in (agent.term, *agent.plural):
                self._add(text, Entry("agent", agent.term, agent.sector, agent.term, False))
        for person in kb.people.values():
            for text in (person.name, *person.variants):
                self._add(text, Entry("person", person.id, "", person.name, False))
        for group in kb.groups.values():
            for text in (group.name, *group.aliases):
                self._add(
                    text, Entry("group", group.id, group.sector, group.name, False, group.country)
                )
        for entries in self.table.values():
            entries.sort(key=lambda e: KIND_PRIORITY.index(e.kind))

    def _add(self, text: str, entry: Entry) -> None:
        key = phrase_key(text)
        if not key:
            return
        if _is_acronym(text) and entry.kind != "agent":
            entry = Entry(entry.kind, entry.key, entry.sector, entry.name, True, entry.country)
        if entry not in self.table[key]:
            self.table[key].append(entry)
        self.max_len = max(self.max_len, len(key))
        self.prefixes.update(key[:n] for n in range(1, len(key) + 1))

    def match_at(self, words: list[tuple[str, int, int]], i: int) -> tuple[int, list[Entry]] | None:
        """Longest phrase starting at word ``i``: (number of words, entries) or None.

        ``i`` past the last word (a lookahead after the text's final token) finds nothing.
        """
        if not 0 <= i < len(words):
            return None
        found = self._longest_at(words, i)
        if words[i][0].lower() == "the" and i + 1 < len(words):
            # "the UN Security Council" when the KB lists "UN Security Council"
            after = self._longest_at(words, i + 1)
            if after is not None and (found is None or after[0] + 1 > found[0]):
                return after[0] + 1, after[1]
        return found

    def _longest_at(
        self, words: list[tuple[str, int, int]], i: int
    ) -> tuple[int, list[Entry]] | None:
        phrases: list[tuple[str, ...]] = []  # phrases starting at ``i``, shortest first
        key: tuple[str, ...] = ()
        for word, _, _ in words[i : i + self.max_len]:
            key = (*key, word.lower())
            if key not in self.prefixes:
                break
            if key in self.table:
                phrases.append(key)
        for key in reversed(phrases):
            span = words[i : i + len(key)]
            fitting = [e for e in self.table[key] if _case_fits(e, span)]
            if fitting:
                return len(key), fitting
        return None


def _case_fits(entry: Entry, span: list[tuple[str, int, int]]) -> bool:
    text = " ".join(w for w, _, _ in span)
    if entry.case_sensitive:
        return _is_acronym(text)
    if entry.kind == "agent":
        return True
    # Proper names must be capitalised in the text ("china" is porcelain, "turkey" a bird);
    # a leading "the" may be lowercase ("the Kremlin").
    for word, _, _ in span:
        if word.lower() in {"the", "al", "el", "-"}:  # "the Kremlin", "al-Qaeda"
            continue
        return word[:1].isupper() or word[:1].isdigit()
    return False


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(load_kb())
