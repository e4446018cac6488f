"""The actor knowledge base: countries, organisations, role terms and people.

Four YAML files make up the knowledge base (KB); the packaged copies live in
``detente/data`` and each starts with a comment header saying what it holds and where its
facts come from:

    countries.yaml       every ISO 3166-1 country: names, demonyms, capitals, metonyms, prefixes
    organisations.yaml   IGOs and NGOs (``IGO:NATO``, ``NGO:AMNESTY``) with aliases and members
    agents.yaml          role and agent terms ("foreign minister", "protesters") and their sector
    people.yaml          office-holders with dated roles

Each file is a mapping with an optional file-level ``source`` and one list of entries
(``countries``, ``organisations``, ``agents``, ``people``).  ``load_kb()`` reads and validates
all four and returns a :class:`KnowledgeBase` of frozen records; the packaged KB is cached
and merged with the user overlay (``detente.actors.overlay``), whose people replace packaged
people with the same id or qid; ``clear_kb_cache()`` forgets it after the overlay changes.
Any problem (unknown sector, duplicate code, bad date, a role in an unknown country, ...)
raises :class:`detente.errors.DataError` naming the file, the entry and the problem.

Dates in ``people.yaml`` are inclusive at both ends, and ``Person.role_on(day)`` returns the
role held on ``day`` (the most recently started one when several overlap) or ``None`` when the
person held no listed office then.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import DataError

__all__ = [
    "DATA_DIR",
    "SECTORS",
    "Agent",
    "Country",
    "Group",
    "KnowledgeBase",
    "Organisation",
    "Person",
    "Role",
    "clear_kb_cache",
    "load_kb",
]

#: Actor sector codes the KB may use ("" means the words fix no sector).
SECTORS: frozenset[str] = frozenset(
    {
        "GOV",  # government: executives, ministers, diplomats, police and intelligence
        "MIL",  # armed forces
        "LEG",  # legislatures
        "JUD",  # courts, judges, prosecutors
        "BUS",  # companies and business people
        "MED",  # journalists and news outlets
        "CVL",  # civilians: protesters, unions, residents, pupils
        "OPP",  # opposition parties and leaders, activists, dissidents
        "REB",  # non-state armed groups
        "EDU",  # education
        "REL",  # religion
        "HLH",  # health
        "ELI",  # elites (CAMEO); unused by the gold standard, kept for completeness
    }
)

#: Directory of the packaged KB files.
DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"

COUNTRIES_FILE = "countries.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
AGENTS_FILE = "agents.yaml"
PEOPLE_FILE = "people.yaml"
PEOPLE_DIR = "people"
GROUPS_FILE = "groups.yaml"

# --- Records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Country:
    """One ISO 3166-1 country or territory and the words a text may use for it."""

    alpha3: str
    alpha2: str
    name: str
    names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    metonyms: tuple[tuple[str, str], ...] = ()  # (text, sector): ("the Kremlin", "GOV")
    prefixes: tuple[str, ...] = ()  # combining forms: "Sino", "Russo"


@dataclass(frozen=True, slots=True)
class Organisation:
    """An intergovernmental (``IGO:``) or non-governmental (``NGO:``) organisation."""

    code: str
    name: str
    aliases: tuple[tuple[str, str], ...] = ()  # (text, sector); plain aliases carry ``sector``
    sector: str = ""
    members: tuple[str, ...] = ()  # alpha-3 codes, only where short and certain


@dataclass(frozen=True, slots=True)
class Agent:
    """A role or agent term ("foreign minister", "protesters") and the sector it implies."""

    term: str
    plural: tuple[str, ...] = ()
    sector: str = ""


@dataclass(frozen=True, slots=True)
class Role:
    """An office held from ``start`` to ``end`` (inclusive; ``None`` while still held)."""

    role: str
    country: str  # alpha-3 or an organisation code such as "IGO:UN"
    sector: str
    start: dt.date
    end: dt.date | None = None
    approx: bool = False  # the exact days are uncertain; the dates lie inside the real term

    def active_on(self, day: dt.date) -> bool:
        """Whether the role was held on ``day``."""
        day = _as_date(day)
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Person:
    """A named office-holder with dated roles."""

    id: str
    name: str
    variants: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    qid: str = ""

    def role_on(self, day: dt.date) -> Role | None:
        """The role held on ``day``; the most recently started one when several overlap."""
        day = _as_date(day)
        best: Role | None = None
        for role in self.roles:
            if role.active_on(day) and (best is None or role.start > best.start):
                best = role
        return best


@dataclass(frozen=True, slots=True)
class Group:
    """A named armed group, company, outlet, agency or party, coded to a country and sector."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    sector: str


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """The loaded KB, keyed by alpha-3, organisation code, agent term, person and group id."""

    countries: dict[str, Country]
    organisations: dict[str, Organisation]
    agents: dict[str, Agent]
    people: dict[str, Person]
    groups: dict[str, Group] = field(default_factory=dict)

    def country(self, alpha3: str) -> Country:
        """The country with this alpha-3 code; ``KeyError`` if there is none."""
        try:
            return self.countries[alpha3]
        except KeyError:
            raise KeyError(
                f"no country with alpha-3 code {alpha3!r} in the knowledge base"
            ) from None

    def organisation(self, code: str) -> Organisation:
        """The organisation with this code (``IGO:NATO``); ``KeyError`` if there is none."""
        try:
            return self.organisations[code]
        except KeyError:
            raise KeyError(f"no organisation with code {code!r} in the knowledge base") from None

    def person(self, person_id: str) -> Person:
        """The person with this id (``wang-yi``); ``KeyError`` if there is none."""
        try:
            return self.people[person_id]
        except KeyError:
            raise KeyError(f"no person with id {person_id!r} in the knowledge base") from None

    def is_actor_code(self, code: str) -> bool:
        """Whether ``code`` is a known alpha-3 or organisation code."""
        return code in self.countries or code in self.organisations


# --- Loading -------------------------------------------------------------------------------------


def load_kb(data_dir: Path | None = None) -> KnowledgeBase:
    """Read and validate the four KB files in ``data_dir`` (default: the packaged copies).

    The packaged KB is read once, merged with the user overlay (people in
    ``detente.actors.overlay.overlay_path()``) and cached; ``data_dir`` gets no overlay.
    Raises :class:`DataError` on any invalid file.
    """
    if data_dir is None:
        return _load_packaged()
    return _load_dir(Path(data_dir))


@functools.lru_cache(maxsize=1)
def _load_packaged() -> KnowledgeBase:
    from detente.actors.overlay import apply_overlay  # overlay imports this module

    return apply_overlay(_load_dir(DATA_DIR))


def clear_kb_cache() -> None:
    """Forget the cached packaged KB and the gazetteer built on it (after the overlay changes)."""
    from detente.actors.gazetteer import default_gazetteer  # gazetteer imports this module

    _load_packaged.cache_clear()
    default_gazetteer.cache_clear()


def _load_dir(data_dir: Path) -> KnowledgeBase:
    # Loaders live in kb_files, which imports the records above.
    from detente.actors.kb_files import (
        _load_agents,
        _load_countries,
        _load_groups,
        _load_organisations,
        _load_people,
    )

    countries = _load_countries(data_dir / COUNTRIES_FILE)
    organisations = _load_organisations(data_dir / ORGANISATIONS_FILE, countries)
    agents = _load_agents(data_dir / AGENTS_FILE)
    people = _load_people(data_dir / PEOPLE_FILE, countries, organisations)
    # More people, one file per region, in people/*.yaml; an id may appear only once overall.
    for extra in sorted((data_dir / PEOPLE_DIR).glob("*.yaml")):
        for person_id, person in _load_people(extra, countries, organisations).items():
            if person_id in people:
                raise DataError(f"{extra}: person id {person_id!r} is already defined elsewhere")
            people[person_id] = person
    groups_file = data_dir / GROUPS_FILE
    groups = _load_groups(groups_file, countries) if groups_file.exists() else {}
    return KnowledgeBase(countries, organisations, agents, people, groups)


def _as_date(day: dt.date) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day
