"""What the mention finder knows beyond the gazetteer: reference words, the article's memory
of who was named, and how role-only mentions ("protesters") get a country.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from detente.models import Actor, Mention

COUNTRYISH = frozenset({"country", "demonym", "capital", "prefix"})
# Group references and the sector they imply.
GROUP_REFERENCES: dict[tuple[str, ...], str] = {
    ("the", "two", "sides"): "",
    ("both", "sides"): "",
    ("the", "two", "countries"): "",
    ("both", "countries"): "",
    ("the", "two", "nations"): "",
    ("the", "two", "governments"): "GOV",
    ("both", "governments"): "GOV",
    ("the", "two", "leaders"): "GOV",
    ("the", "two", "heads", "of", "state"): "GOV",
    ("the", "two", "presidents"): "GOV",
}
PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
THING_PRONOUNS = frozenset({"it", "its"})
NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?$|^[A-Z]\.$")
MAX_NAME_WORDS = 4
OUT_OF_OFFICE = "out of office on this date"
# How a role without a country of its own got one (the coder treats a guess with care).
PLACED = "role, country from the place"
DIRECTIONS = frozenset({"southern", "northern", "eastern", "western", "central", "occupied"})
GUESSED = "role, country guessed from the sentence"
# Words that may stand between a country and its role: "Japan's new prime minister".
MODIFIERS = frozenset(
    [
        "new",
        "senior",
        "top",
        "chief",
        "acting",
        "interim",
        "outgoing",
        "incoming",
        "current",
        "then",
        "local",
        "state",
        "federal",
        "national",
        "provincial",
        "regional",
        "ruling",
        "visiting",
        "two",
        "three",
        "several",
        "many",
        "some",
        "other",
        "its",
        "their",
        "leading",
        "peacekeeping",
    ]
)


def place_roles(found: list[Mention], words: list[Word], dominant: str) -> list[Mention]:
    """Give role-only mentions ("protesters") the sentence's place ("... in Colombo"), else the
    country the article is about, else the sentence's only country; the last two are marked as
    guesses (the coder never builds a domestic dyad on a guess)."""
    if all(m.actor.country for m in found):
        return found
    starts = {start: n for n, (_, start, _) in enumerate(words)}
    place = ""
    for m in found:
        n = starts.get(m.start, 0)
        before = [w.lower() for w, _, _ in words[max(0, n - 2) : n]]
        near_in = before[-1:] == ["in"] or (before[:1] == ["in"] and before[-1] in DIRECTIONS)
        if m.kind in {"capital", "country"} and near_in:
            place = m.actor.country
            break
    named = {
        m.actor.country
        for m in found
        if m.actor.country and not m.actor.country.startswith(("IGO:", "NGO:"))
    }
    if place:
        country, rule = place, PLACED
    elif dominant:
        country, rule = dominant, GUESSED
    elif len(named) == 1:
        country, rule = next(iter(named)), GUESSED
    else:
        return found
    return [
        replace(m, actor=replace(m.actor, country=country, rule=rule))
        if m.kind == "role" and not m.actor.country
        else m
        for m in found
    ]


def is_plural_people(word: str) -> bool:
    return word.endswith("s") and not word.endswith("ss") and word[:1].isupper()


def skip_modifiers(lower: list[str], k: int) -> int:
    for _ in range(2):
        if k < len(lower) and lower[k] in MODIFIERS:
            k += 1
    return k


Word = tuple[str, int, int]


@dataclass(slots=True)
class ArticleMemory:
    """What an article has said so far: people named with titles, recent actors."""

    names: dict[str, Actor] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)  # most recent last, no repeats in a row
    last_person: Actor | None = None
    last_thing: Actor | None = None
    country_counts: Counter[str] = field(default_factory=Counter)

    def dominant_country(self) -> str:
        """The country the article is about so far: named at least twice, more than any other."""
        ranked = self.country_counts.most_common(2)
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
        return ""

    def saw(self, actor: Actor, kind: str) -> None:
        if actor.country and not actor.country.startswith(("IGO:", "NGO:")):
            if actor.country in self.countries:
                self.countries.remove(actor.country)
            self.countries.append(actor.country)
            if kind in COUNTRYISH or kind == "metonym":
                self.country_counts[actor.country] += 1
        if kind == "person":
            self.last_person = actor
        elif kind in {"country", "capital", "metonym", "org"}:
            self.last_thing = actor
