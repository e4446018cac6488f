"""The CAMEO event codebook as data: names, Goldstein weights, quad classes and PLOVER types.

The packaged ``data/codebook.tsv`` holds one row per CAMEO 1.1b3 event code (the twenty
two-digit roots and every three- and four-digit code under them) with the columns
``code name root goldstein quad_class plover``.  Lines starting with ``#`` are comments and
the first other line is the header.

``load_codebook()`` reads and validates that file (cached for the packaged copy) and returns
a :class:`Codebook`; ``plover_for_cameo()`` is the CAMEO -> PLOVER mapping as a pure function,
which the packaged file agrees with row by row.
"""

from __future__ import annotations

import difflib
import functools
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from detente.errors import ConfigError, DataError

__all__ = [
    "COLUMNS",
    "PLOVER_TYPES",
    "QUAD_CLASS_NAMES",
    "CameoCode",
    "Codebook",
    "load_codebook",
    "plover_for_cameo",
    "quad_class_for_cameo",
]

LOGGER = logging.getLogger(__name__)

COLUMNS = ("code", "name", "root", "goldstein", "quad_class", "plover")

QUAD_CLASS_NAMES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

_ROOT_PLOVER: dict[str, str] = {
    "01": "",
    "02": "REQUEST",
    "03": "AGREE",
    "04": "CONSULT",
    "05": "SUPPORT",
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "09": "ACCUSE",
    "10": "REQUEST",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "ASSAULT",
    "20": "ASSAULT",
}

# Exceptions to the root-level mapping, keyed by code prefix (a 3- or 4-digit code and
# everything under it).  The longest matching prefix wins.
_PREFIX_PLOVER: dict[str, str] = {
    "0813": "RETREAT",
    "0814": "RETREAT",
    "084": "RETREAT",
    "085": "RETREAT",
    "086": "RETREAT",
    "087": "RETREAT",
    "116": "SANCTION",
    "1712": "ASSAULT",
    "175": "ASSAULT",
    "191": "COERCE",
    "192": "COERCE",
}

_PACKAGED_NAME = "codebook.tsv"


def _check_code_shape(code: str) -> None:
    if not (2 <= len(code) <= 4 and code.isascii() and code.isdigit()):
        raise ConfigError(
            f"{code!r} is not a CAMEO event code; codes are 2 to 4 digits such as '04' or '042'"
        )
    if code[:2] not in _ROOT_PLOVER:
        raise ConfigError(
            f"{code!r} is not a CAMEO event code; its root {code[:2]!r} is not one of 01..20"
        )


def plover_for_cameo(code: str) -> str:
    """Return the PLOVER event type for a CAMEO code ("" for root 01, which PLOVER leaves out).

    Raises ``ConfigError`` when ``code`` is not 2-4 digits under a root from 01 to 20.
    """
    _check_code_shape(code)
    for length in (4, 3):
        if len(code) >= length and code[:length] in _PREFIX_PLOVER:
            return _PREFIX_PLOVER[code[:length]]
    return _ROOT_PLOVER[code[:2]]


def quad_class_for_cameo(code: str) -> int:
    """Return the quad class (1-4, see ``QUAD_CLASS_NAMES``) implied by a CAMEO code's root."""
    _check_code_shape(code)
    root = int(code[:2])
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with its name, root, Goldstein weight, quad class and PLOVER type."""

    code: str
    name: str
    root: str
    goldstein: float
    quad_class: int
    plover: str


class Codebook:
    """A lookup from CAMEO code strings (``"042"``) to :class:`CameoCode` rows, in file order."""

    __slots__ = ("_codes",)

    def __init__(self, codes: Iterable[CameoCode]) -> None:
        table: dict[str, CameoCode] = {}
        for entry in codes:
            if entry.code in table:
                raise DataError(f"CAMEO code {entry.code!r} appears twice in the codebook")
            table[entry.code] = entry
        self._codes = table

    def get(self, code: str) -> CameoCode:
        """Return the row for ``code``; raise ``ConfigError`` naming it and close codes."""
        entry = self._codes.get(code)
        if entry is not None:
            return entry
        close = difflib.get_close_matches(str(code), list(self._codes), n=3, cutoff=0.5)
        hint = (
            f"close codes: {', '.join(close)}"
            if close
            else "codes are 2 to 4 digits under roots 01..20, e.g. '042'"
        )
        raise ConfigError(f"unknown CAMEO event code {code!r}; {hint}")

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._codes

    def __iter__(self) -> Iterator[CameoCode]:
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"Codebook({len(self._codes)} codes)"

    def plover(self, code: str) -> str:
        """Return the PLOVER type of ``code`` ("" for root 01); ``ConfigError`` if unknown."""
        return self.get(code).plover

    def roots(self) -> list[CameoCode]:
        """Return the two-digit root codes, in file order."""
        return [entry for entry in self._codes.values() if len(entry.code) == 2]


def _parse_row(fields: list[str], origin: str, lineno: int) -> CameoCode:
    where = f"{origin}, line {lineno}"
    if len(fields) != len(COLUMNS):
        raise DataError(
            f"{where}: expected {len(COLUMNS)} tab-separated columns "
            f"({' '.join(COLUMNS)}), found {len(fields)}"
        )
    code, name, root, goldstein_text, quad_text, plover = (field.strip() for field in fields)
    try:
        _check_code_shape(code)
    except ConfigError as exc:
        raise DataError(f"{where}: {exc}") from None
    if root != code[:2]:
        raise DataError(f"{where}: code {code!r} has root column {root!r}, expected {code[:2]!r}")
    if not name:
        raise DataError(f"{where}: code {code!r} has an empty name")
    try:
        goldstein = float(goldstein_text)
    except ValueError:
        raise DataError(
            f"{where}: goldstein {goldstein_text!r} for code {code!r} is not a number"
        ) from None
    if not (math.isfinite(goldstein) and -10.0 <= goldstein <= 10.0):
        raise DataError(
            f"{where}: goldstein {goldstein_text!r} for code {code!r} is outside -10..10"
        )
    expected_quad = quad_class_for_cameo(code)
    if quad_text != str(expected_quad):
        raise DataError(
            f"{where}: quad_class {quad_text!r} for code {code!r} should be {expected_quad} "
            f"({QUAD_CLASS_NAMES[expected_quad]})"
        )
    if plover and plover not in PLOVER_TYPES:
        raise DataError(
            f"{where}: plover {plover!r} for code {code!r} is not one of "
            f"{', '.join(PLOVER_TYPES)} (or empty)"
        )
    return CameoCode(
        code=code,
        name=name,
        root=root,
        goldstein=goldstein,
        quad_class=expected_quad,
        plover=plover,
    )


def _parse(text: str, origin: str) -> Codebook:
    rows: list[CameoCode] = []
    seen: dict[str, int] = {}
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            header = tuple(field.strip() for field in fields)
            if header != COLUMNS:
                raise DataError(
                    f"{origin}, line {lineno}: expected the header "
                    f"{' '.join(COLUMNS)!r} (tab-separated), found {line!r}"
                )
            header_seen = True
            continue
        entry = _parse_row(fields, origin, lineno)
        if entry.code in seen:
            raise DataError(
                f"{origin}, line {lineno}: code {entry.code!r} already defined "
                f"on line {seen[entry.code]}"
            )
        seen[entry.code] = lineno
        rows.append(entry)
    if not rows:
        raise DataError(f"{origin}: no codebook rows found")
    for entry in rows:
        if entry.root not in seen:
            raise DataError(
                f"{origin}, line {seen[entry.code]}: code {entry.code!r} has no root row "
                f"{entry.root!r}"
            )
    return Codebook(rows)


@functools.lru_cache(maxsize=1)
def _load_packaged() -> Codebook:
    resource = resources.files("detente").joinpath("data", _PACKAGED_NAME)
    try:
        text = resource.read_text(encoding="utf-8")
        origin = str(resource)
    except (FileNotFoundError, NotADirectoryError):
        fallback = Path(__file__).resolve().parent.parent / "data" / _PACKAGED_NAME
        try:
            text = fallback.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(
                f"the packaged codebook {fallback} cannot be read ({exc}); reinstall detente"
            ) from exc
        origin = str(fallback)
    codebook = _parse(text, origin)
    LOGGER.debug("loaded %d CAMEO codes from %s", len(codebook), origin)
    return codebook


def load_codebook(path: Path | None = None) -> Codebook:
    """Read and validate a codebook TSV; with no ``path``, the packaged one (cached).

    Raises ``DataError`` naming the file and line of the first malformed row.
    """
    if path is None:
        return _load_packaged()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read codebook {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"codebook {path} is not UTF-8 text: {exc}") from exc
    codebook = _parse(text, str(path))
    LOGGER.debug("loaded %d CAMEO codes from %s", len(codebook), path)
    return codebook
