"""Reading and validating the knowledge-base files (the records live in ``kb.py``).

Every entry is checked against its schema; any problem raises ``DataError`` naming the file,
the entry and the problem.  ``overlay.py`` and ``wikidata.py`` reuse these readers for the user
overlay and for imported people.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import yaml

from detente.actors.kb import (
    COUNTRIES_FILE,
    ORGANISATIONS_FILE,
    SECTORS,
    Agent,
    Country,
    Group,
    Organisation,
    Person,
    Role,
)
from detente.errors import DataError

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ALPHA3_RE = re.compile(r"[A-Z]{3}")
_ALPHA2_RE = re.compile(r"[A-Z]{2}")
_ORG_CODE_RE = re.compile(r"(?:IGO|NGO):[A-Z0-9]+")
_PERSON_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_QID_RE = re.compile(r"Q[1-9][0-9]*")


class _Entry:
    """Validation context for one entry of one file: builds the DataError messages."""

    def __init__(self, path: Path, index: int, data: Any, key: str) -> None:
        self.path = path
        self.label = f"entry {index}"
        if not isinstance(data, dict):
            self.fail(f"expected a mapping, got {type(data).__name__} {data!r}")
        self.data: dict[str, Any] = data
        value = data.get(key)
        if isinstance(value, str) and value:
            self.label = f"entry {index} ({key} {value!r})"

    def fail(self, problem: str) -> NoReturn:
        raise DataError(f"{self.path}: {self.label}: {problem}")

    def check_keys(self, allowed: frozenset[str]) -> None:
        unknown = sorted(str(k) for k in self.data if k not in allowed)
        if unknown:
            self.fail(
                f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(f"missing required field {key!r}")
            return default
        value = self.data[key]
        if not isinstance(value, str):
            self.fail(f"field {key!r} must be a string, got {value!r} (quote it in the YAML)")
        if required and not value.strip():
            self.fail(f"field {key!r} is empty")
        return value

    def match(self, key: str, pattern: re.Pattern[str], hint: str) -> str:
        value = self.text(key)
        if not pattern.fullmatch(value):
            self.fail(f"{key} {value!r} is not valid: expected {hint}")
        return value

    def texts(self, key: str, *, allow_single: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if allow_single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(f"field {key!r} must be a list of strings, got {value!r}")
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.fail(f"field {key!r} holds {item!r}; every item must be a non-empty string")
            out.append(item)
        return tuple(out)

    def sector(self, value: Any, where: str) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str) or (value and value not in SECTORS):
            codes = ", ".join(sorted(SECTORS))
            self.fail(f'unknown sector {value!r} in {where}; use "" or one of {codes}')
        return value

    def date(self, value: Any, where: str) -> dt.date:
        if isinstance(value, dt.datetime):
            self.fail(f"{where} {value!r} must be a date (YYYY-MM-DD), not a date and time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _DATE_RE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(f"bad date {value!r} in {where}; write an ISO date such as 2021-01-20")

    def text_sector_pairs(
        self, key: str, default_sector: str | None
    ) -> tuple[tuple[str, str], ...]:
        """A list of {text, sector} mappings; plain strings allowed when a default is given."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(f"field {key!r} must be a list, got {value!r}")
        out: list[tuple[str, str]] = []
        for i, item in enumerate(value):
            where = f"{key}[{i}]"
            if isinstance(item, str) and default_sector is not None:
                if not item.strip():
                    self.fail(f"{where} is empty")
                out.append((item, default_sector))
                continue
            if not isinstance(item, dict):
                self.fail(f"{where} must be a {{text, sector}} mapping, got {item!r}")
            extra = sorted(str(k) for k in item if k not in ("text", "sector"))
            if extra:
                self.fail(f"{where} has unknown field(s) {', '.join(extra)}; allowed: sector, text")
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{where} needs a non-empty string 'text', got {text!r}")
            if "sector" not in item:
                self.fail(f"{where} ({text!r}) needs a 'sector'")
            out.append((text, self.sector(item["sector"], f"{where} ({text!r})")))
        return tuple(out)


# The C loader when libyaml is there (about 7x faster on the KB), else the pure-Python one.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loader that leaves dates as strings, so a bad date is reported with its entry."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_entries(path: Path, list_key: str) -> list[Any]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; the knowledge base needs {path.name}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read: {exc}") from None
    try:
        data = yaml.load(raw, Loader=_Loader)  # _Loader is a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping with a {list_key!r} list at the top level")
    unknown = sorted(str(k) for k in data if k not in (list_key, "source"))
    if unknown:
        raise DataError(
            f"{path}: unknown top-level key(s) {', '.join(unknown)}; allowed: source, {list_key}"
        )
    if "source" in data and not isinstance(data["source"], str):
        raise DataError(f"{path}: top-level 'source' must be a string")
    entries = data.get(list_key)
    if not isinstance(entries, list):
        raise DataError(f"{path}: {list_key!r} must be a list of entries, got {entries!r}")
    return entries


def _check_unique(seen: dict[str, int], value: str, index: int, entry: _Entry, what: str) -> None:
    if value in seen:
        entry.fail(
            f"duplicate {what} {value!r} (first used by entry {seen[value]}); keep one entry"
        )
    seen[value] = index


_COUNTRY_KEYS = frozenset(
    {"alpha3", "alpha2", "name", "names", "demonyms", "capitals", "metonyms", "prefixes", "source"}
)


def _load_countries(path: Path) -> dict[str, Country]:
    countries: dict[str, Country] = {}
    seen3: dict[str, int] = {}
    seen2: dict[str, int] = {}
    for index, data in enumerate(_read_entries(path, "countries")):
        entry = _Entry(path, index, data, "alpha3")
        entry.check_keys(_COUNTRY_KEYS)
        alpha3 = entry.match("alpha3", _ALPHA3_RE, "three capital letters (ISO 3166-1 alpha-3)")
        alpha2 = entry.match("alpha2", _ALPHA2_RE, "two capital letters (ISO 3166-1 alpha-2)")
        _check_unique(seen3, alpha3, index, entry, "alpha3")
        _check_unique(seen2, alpha2, index, entry, "alpha2")
        entry.text("source", required=False)
        countries[alpha3] = Country(
            alpha3=alpha3,
            alpha2=alpha2,
            name=entry.text("name"),
            names=entry.texts("names"),
            demonyms=entry.texts("demonyms"),
            capitals=entry.texts("capitals"),
            metonyms=entry.text_sector_pairs("metonyms", None),
            prefixes=entry.texts("prefixes"),
        )
    return countries


_ORG_KEYS = frozenset({"code", "name", "sector", "aliases", "members", "source"})


def _load_organisations(path: Path, countries: dict[str, Country]) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    seen: dict[str, int] = {}
    for index, data in enumerate(_read_entries(path, "organisations")):
        entry = _Entry(path, index, data, "code")
        entry.check_keys(_ORG_KEYS)
        code = entry.match("code", _ORG_CODE_RE, "IGO:NAME or NGO:NAME in capitals")
        _check_unique(seen, code, index, entry, "code")
        sector = entry.sector(entry.data.get("sector", ""), "field 'sector'")
        members = entry.texts("members")
        for member in members:
            if member not in countries:
                entry.fail(f"member {member!r} is not an alpha-3 code in {COUNTRIES_FILE}")
        entry.text("source", required=False)
        organisations[code] = Organisation(
            code=code,
            name=entry.text("name"),
            aliases=entry.text_sector_pairs("aliases", sector),
            sector=sector,
            members=members,
        )
    return organisations


_GROUP_KEYS = frozenset({"id", "name", "aliases", "country", "sector", "note", "source"})


def _load_groups(path: Path, countries: dict[str, Country]) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    seen: dict[str, int] = {}
    for index, data in enumerate(_read_entries(path, "groups")):
        entry = _Entry(path, index, data, "id")
        entry.check_keys(_GROUP_KEYS)
        group_id = entry.match("id", _PERSON_ID_RE, "a lowercase slug such as 'hamas'")
        _check_unique(seen, group_id, index, entry, "id")
        country = entry.text("country")
        if country not in countries:
            entry.fail(f"country {country!r} is not an alpha-3 code in {COUNTRIES_FILE}")
        entry.text("note", required=False)
        entry.text("source", required=False)
        groups[group_id] = Group(
            id=group_id,
            name=entry.text("name"),
            aliases=entry.texts("aliases"),
            country=country,
            sector=entry.sector(entry.data.get("sector", ""), "field 'sector'"),
        )
    return groups


_AGENT_KEYS = frozenset({"term", "plural", "sector", "source"})


def _load_agents(path: Path) -> dict[str, Agent]:
    agents: dict[str, Agent] = {}
    seen: dict[str, int] = {}
    for index, data in enumerate(_read_entries(path, "agents")):
        entry = _Entry(path, index, data, "term")
        entry.check_keys(_AGENT_KEYS)
        term = entry.text("term")
        plural = entry.texts("plural", allow_single=True)
        for word in (term, *plural):
            if word != word.lower():
                entry.fail(f"term {word!r} must be lowercase (matching ignores case)")
        _check_unique(seen, term, index, entry, "term")
        if "sector" not in entry.data:
            entry.fail("missing required field 'sector' (write sector: \"\" for none)")
        entry.text("source", required=False)
        agents[term] = Agent(
            term=term, plural=plural, sector=entry.sector(entry.data["sector"], "field 'sector'")
        )
    return agents


_PERSON_KEYS = frozenset({"id", "name", "variants", "qid", "roles", "source"})
_ROLE_KEYS = frozenset({"role", "country", "sector", "start", "end", "approx"})


def _load_people(
    path: Path, countries: dict[str, Country], organisations: dict[str, Organisation]
) -> dict[str, Person]:
    people: dict[str, Person] = {}
    seen: dict[str, int] = {}
    for index, data in enumerate(_read_entries(path, "people")):
        entry = _Entry(path, index, data, "id")
        entry.check_keys(_PERSON_KEYS)
        person_id = entry.match("id", _PERSON_ID_RE, "a lowercase slug such as 'wang-yi'")
        _check_unique(seen, person_id, index, entry, "id")
        qid = ""
        if entry.data.get("qid") is not None:
            qid = entry.match("qid", _QID_RE, "a Wikidata id such as 'Q42'")
        entry.text("source", required=False)
        people[person_id] = Person(
            id=person_id,
            name=entry.text("name"),
            variants=entry.texts("variants"),
            roles=_roles(entry, lambda code: code in countries or code in organisations),
            qid=qid,
        )
    return people


def _roles(entry: _Entry, known_code: Callable[[str], bool]) -> tuple[Role, ...]:
    value = entry.data.get("roles")
    if value is None:
        return ()
    if not isinstance(value, list):
        entry.fail(f"field 'roles' must be a list, got {value!r}")
    roles: list[Role] = []
    for i, item in enumerate(value):
        where = f"roles[{i}]"
        if not isinstance(item, dict):
            entry.fail(f"{where} must be a mapping, got {item!r}")
        extra = sorted(str(k) for k in item if k not in _ROLE_KEYS)
        if extra:
            allowed = ", ".join(sorted(_ROLE_KEYS))
            entry.fail(f"{where} has unknown field(s) {', '.join(extra)}; allowed: {allowed}")
        name = item.get("role")
        if not isinstance(name, str) or not name.strip():
            entry.fail(f"{where} needs a non-empty string 'role', got {name!r}")
        where = f"{where} ({name!r})"
        country = item.get("country")
        if not isinstance(country, str) or not known_code(country):
            entry.fail(
                f"{where}: country {country!r} is not an alpha-3 code in {COUNTRIES_FILE} "
                f"nor an organisation code in {ORGANISATIONS_FILE}"
            )
        if "sector" not in item:
            entry.fail(f"{where} needs a 'sector' (write sector: \"\" for none)")
        sector = entry.sector(item["sector"], where)
        if item.get("start") is None:
            entry.fail(f"{where} needs a 'start' date")
        start = entry.date(item["start"], f"{where} start")
        end = None if item.get("end") is None else entry.date(item["end"], f"{where} end")
        if end is not None and start > end:
            entry.fail(
                f"{where}: start {start.isoformat()} is after end {end.isoformat()}; fix the dates"
            )
        approx = item.get("approx", False)
        if not isinstance(approx, bool):
            entry.fail(f"{where}: approx must be true or false, got {approx!r}")
        roles.append(Role(name, country, sector, start, end, approx))
    return tuple(roles)
