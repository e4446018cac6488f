"""Read office-holders out of a Wikidata JSON dump and turn them into KB people.

Reads the official dump (one JSON array, one entity per line: ``[`` first, ``]`` last, entity
lines ending with ``,``) and JSON Lines, plain or gzip or bzip2 (told apart by their first
bytes), streamed line by line.  For each item it takes the English label and aliases and the
"position held" (``P39``) statements with their start (``P580``) and end (``P582``)
qualifiers; a position table maps position items to a role, a country and a sector.  Items
holding no mapped position are skipped and counted.  A line that does not mention ``P39`` is
counted but not parsed (which keeps a full dump fast), only checked to look like one JSON
object.  A malformed line is counted with its line number and skipped; it never stops the import.
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from detente.actors.kb import (
    COUNTRIES_FILE,
    DATA_DIR,
    ORGANISATIONS_FILE,
    Person,
    Role,
)
from detente.actors.kb_files import (
    _QID_RE,
    _Entry,
    _load_countries,
    _load_organisations,
)
from detente.errors import DataError, InputError

__all__ = [
    "POSITIONS_FILE",
    "ImportStats",
    "Position",
    "PositionTable",
    "import_dump",
    "load_positions",
    "people_from_entities",
    "person_from_entity",
    "read_entities",
    "wikidata_date",
]

LOGGER = logging.getLogger(__name__)

#: The packaged position table.
POSITIONS_FILE: Path = DATA_DIR / "wikidata_positions.yaml"

#: Malformed lines whose number and reason are kept for the report (all are counted).
MAX_REPORTED = 20

_TIME_RE = re.compile(r"([+-])(\d{1,16})-(\d{2})-(\d{2})T")
_JULIAN = "Q1985786"  # the proleptic Julian calendar model
_POSITION_KEYS = frozenset({"qid", "role", "country", "sector", "source"})
_COUNTRY_KEYS = frozenset({"qid", "country"})

Skip = Literal["no-position", "no-label", "no-role"]


# --- Position table ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Position:
    """A Wikidata position item and the KB role its holders get (country "" = from P17)."""

    qid: str
    role: str
    country: str
    sector: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class PositionTable:
    """Positions by item id, and country items (for ``P17`` qualifiers) by item id."""

    positions: dict[str, Position]
    countries: dict[str, str] = field(default_factory=dict)
    source: str = ""


def load_positions(path: Path | None = None) -> PositionTable:
    """Read and validate a position table (default: the packaged one).

    Countries must be alpha-3 codes of ``countries.yaml`` or organisation codes of
    ``organisations.yaml``.  Raises :class:`DataError` naming the file, the entry and the fix.
    """
    path = POSITIONS_FILE if path is None else Path(path)
    data = _read_table(path)
    countries = _load_countries(DATA_DIR / COUNTRIES_FILE)
    organisations = _load_organisations(DATA_DIR / ORGANISATIONS_FILE, countries)
    positions: dict[str, Position] = {}
    for index, item in enumerate(data["positions"]):
        entry = _Entry(path, index, item, "qid")
        entry.check_keys(_POSITION_KEYS)
        qid = entry.match("qid", _QID_RE, "a Wikidata item id such as 'Q11696'")
        if qid in positions:
            entry.fail(f"position {qid} is listed twice; keep one entry")
        country = entry.text("country", required=False)
        if country and country not in countries and country not in organisations:
            entry.fail(
                f"country {country!r} is not an alpha-3 code in {COUNTRIES_FILE} nor an "
                f"organisation code in {ORGANISATIONS_FILE}"
            )
        if "sector" not in entry.data:
            entry.fail("missing required field 'sector' (write sector: \"\" for none)")
        positions[qid] = Position(
            qid=qid,
            role=entry.text("role"),
            country=country,
            sector=entry.sector(entry.data["sector"], "field 'sector'"),
            source=entry.text("source", required=False),
        )
    country_items: dict[str, str] = {}
    for index, item in enumerate(data["countries"]):
        entry = _Entry(path, index, item, "qid")
        entry.label = f"countries[{index}]"
        entry.check_keys(_COUNTRY_KEYS)
        qid = entry.match("qid", _QID_RE, "a Wikidata item id such as 'Q30'")
        code = entry.text("country")
        if code not in countries:
            entry.fail(f"country {code!r} is not an alpha-3 code in {COUNTRIES_FILE}")
        country_items[qid] = code
    source = data.get("source")
    return PositionTable(positions, country_items, source if isinstance(source, str) else "")


def _read_table(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(
            f"{path}: cannot read the position table ({exc.strerror or exc}); "
            "pass an existing YAML file to --positions"
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from None
    keys = ("source", "positions", "countries")
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("positions"), list)
        or not isinstance(data.setdefault("countries", []), list)
        or any(key not in keys for key in data)
    ):
        raise DataError(
            f"{path}: expected a mapping of 'source', a 'positions' list of {{qid, role, "
            "country, sector, source}} and an optional 'countries' list of {qid, country}; "
            "see the packaged wikidata_positions.yaml"
        )
    return data


# --- Reading the dump ----------------------------------------------------------------------------


@dataclass(slots=True)
class ImportStats:
    """Counts of one import; ``malformed_lines`` keeps the first few (line number, reason)."""

    entities: int = 0
    people: int = 0
    roles: int = 0
    skipped_no_position: int = 0
    skipped_no_label: int = 0
    skipped_no_role: int = 0
    malformed: int = 0
    malformed_lines: list[tuple[int, str]] = field(default_factory=list)

    def malformed_line(self, number: int, reason: str) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < MAX_REPORTED:
            self.malformed_lines.append((number, reason))

    def skipped(self, reason: Skip) -> None:
        name = f"skipped_{reason.replace('-', '_')}"  # "no-label" -> skipped_no_label
        setattr(self, name, getattr(self, name) + 1)


def _open(path: Path) -> io.BufferedIOBase:
    """The dump as a binary stream, decompressed by what its first bytes say it is."""
    try:
        with path.open("rb") as probe:
            magic = probe.read(3)
        if magic[:2] == b"\x1f\x8b":
            return gzip.open(path, "rb")
        if magic == b"BZh":
            return bz2.open(path, "rb")
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(
            "file not found; pass a Wikidata JSON dump (.json, .json.gz or .json.bz2)",
            origin=str(path),
        ) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", origin=str(path)) from None


def read_entities(path: Path, stats: ImportStats) -> Iterator[dict[str, Any]]:
    """Yield the entities of the dump that mention ``P39``; count every entity line.

    Lines that are not a JSON object (and ``P39`` lines that do not parse) are counted in
    ``stats`` as malformed, logged with their line number and skipped.  A damaged compressed
    file raises :class:`InputError`, since nothing after the damage can be read.
    """
    path = Path(path)
    number = 0
    with _open(path) as stream:
        try:
            for number, raw in enumerate(stream, start=1):
                entity = _entity(raw, number, path, stats)
                if entity is not None:
                    yield entity
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                f"the compressed data is damaged after line {number} ({exc}); "
                "download the dump again or decompress it to find the damage",
                origin=str(path),
            ) from None


def _entity(raw: bytes, number: int, path: Path, stats: ImportStats) -> dict[str, Any] | None:
    line = raw.strip()
    if not line or line in (b"[", b"]"):
        return None
    if line.endswith(b","):
        line = line[:-1].rstrip()
    reason = ""
    entity: dict[str, Any] | None = None
    if not (line.startswith(b"{") and line.endswith(b"}")):
        reason = "not a JSON object on one line"
    elif b'"P39"' in line:
        try:
            parsed = json.loads(line)
        except (ValueError, RecursionError) as exc:
            reason = f"not valid JSON ({exc})"
        else:
            if isinstance(parsed, dict):
                entity = parsed
            else:
                reason = "not a JSON object"
    if reason:
        stats.malformed_line(number, reason)
        LOGGER.debug("%s: line %d skipped: %s", path, number, reason)
        return None
    stats.entities += 1
    if entity is None:
        stats.skipped("no-position")
    return entity


# --- Entities to people --------------------------------------------------------------------------


def wikidata_date(value: Any) -> tuple[dt.date, bool] | None:
    """A Wikidata time value as (date, approx); ``None`` when unusable.

    Day precision (11 or finer) is exact; month (10) and year (9) precision give the first day
    of the month or year, marked approximate, as do Julian-calendar dates.  Coarser precisions,
    dates before the common era and malformed values give ``None``.
    """
    if not isinstance(value, dict):
        return None
    time, precision = value.get("time"), value.get("precision")
    if not isinstance(time, str) or not isinstance(precision, int) or precision < 9:
        return None
    match = _TIME_RE.match(time)
    if match is None or match.group(1) == "-":
        return None
    year = int(match.group(2))
    month = int(match.group(3)) if precision >= 10 else 1
    day = int(match.group(4)) if precision >= 11 else 1
    try:
        date = dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    julian = str(value.get("calendarmodel", "")).endswith(_JULIAN)
    return date, precision < 11 or julian


def person_from_entity(
    entity: dict[str, Any], table: PositionTable, *, surnames: bool = False
) -> Person | Skip:
    """The KB person for one entity, or why it is skipped."""
    qid = entity.get("id")
    claims = entity.get("claims")
    if entity.get("type") != "item" or not isinstance(qid, str) or not _QID_RE.fullmatch(qid):
        return "no-position"
    statements = claims.get("P39") if isinstance(claims, dict) else None
    known = False
    roles: set[Role] = set()
    for statement in statements if isinstance(statements, list) else ():
        if not isinstance(statement, dict) or statement.get("rank") == "deprecated":
            continue
        position = table.positions.get(_item_id(statement.get("mainsnak")) or "")
        if position is None:
            continue
        known = True
        role = _role(statement, position, table)
        if role is not None:
            roles.add(role)
    if not known:
        return "no-position"
    label = _text(_dig(entity, "labels", "en", "value"))
    if not label:
        return "no-label"
    if not roles:
        return "no-role"
    return Person(
        id=f"wd-{qid.lower()}",
        name=label,
        variants=_variants(entity, label, surnames=surnames),
        roles=tuple(sorted(roles, key=lambda r: (r.start, r.role, r.country))),
        qid=qid,
    )


def people_from_entities(
    entities: Iterable[dict[str, Any]],
    table: PositionTable,
    *,
    stats: ImportStats,
    surnames: bool = False,
) -> Iterator[Person]:
    """The people among ``entities``; what is skipped is counted in ``stats``."""
    for entity in entities:
        result = person_from_entity(entity, table, surnames=surnames)
        if isinstance(result, Person):
            stats.people += 1
            stats.roles += len(result.roles)
            yield result
        else:
            stats.skipped(result)


def import_dump(
    path: Path,
    table: PositionTable | None = None,
    *,
    stats: ImportStats | None = None,
    surnames: bool = False,
) -> Iterator[Person]:
    """Stream the people out of a dump (default table: the packaged one)."""
    table = load_positions() if table is None else table
    stats = ImportStats() if stats is None else stats
    yield from people_from_entities(
        read_entities(path, stats), table, stats=stats, surnames=surnames
    )


def _role(statement: dict[str, Any], position: Position, table: PositionTable) -> Role | None:
    country = position.country
    if not country:
        countries = [_item_id(snak) for snak in _snaks(statement, "P17")]
        country = next((table.countries[q] for q in countries if q in table.countries), "")
    starts = [d for d in map(_time, _snaks(statement, "P580")) if d is not None]
    end_snaks = _snaks(statement, "P582")
    ends = [d for d in map(_time, end_snaks) if d is not None]
    if not country or not starts:
        return None
    if not ends and any(_snak_type(s) != "novalue" for s in end_snaks):
        return None  # it ended, on a day Wikidata does not know: no safe end date
    start, start_approx = min(starts)
    end: dt.date | None = None
    end_approx = False
    if ends:
        end, end_approx = max(ends)
        if end < start:
            if not (start_approx or end_approx) or end.year != start.year:
                return None  # contradictory dates
            end, end_approx = start, True  # a coarse end in the start's month or year
    return Role(position.role, country, position.sector, start, end, start_approx or end_approx)


def _snaks(statement: dict[str, Any], prop: str) -> list[Any]:
    qualifiers = statement.get("qualifiers")
    snaks = qualifiers.get(prop) if isinstance(qualifiers, dict) else None
    return snaks if isinstance(snaks, list) else []


def _snak_type(snak: Any) -> str:
    return str(snak.get("snaktype", "value")) if isinstance(snak, dict) else ""


def _time(snak: Any) -> tuple[dt.date, bool] | None:
    if _snak_type(snak) != "value":
        return None
    return wikidata_date(_dig(snak, "datavalue", "value"))


def _item_id(snak: Any) -> str | None:
    value = _dig(snak, "datavalue", "value")
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("id"), str):
        return str(value["id"])
    numeric = value.get("numeric-id")
    return f"Q{numeric}" if isinstance(numeric, int) else None


def _variants(entity: dict[str, Any], label: str, *, surnames: bool) -> tuple[str, ...]:
    aliases = _dig(entity, "aliases", "en")
    texts = [label]
    for alias in aliases if isinstance(aliases, list) else ():
        text = _text(_dig(alias, "value"))
        if sum(c.isalpha() for c in text) >= 2:
            texts.append(text)
    words = label.split()
    if surnames and len(words) >= 2:
        last = words[-1]
        letters = last.replace("-", "").replace("'", "").replace("’", "")
        # "Macron" yes; "Jr.", "III" and "de" no.
        if letters.isalpha() and last[:1].isupper() and not last.isupper() and len(last) > 1:
            texts.append(last)
    return tuple(dict.fromkeys(texts))


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
