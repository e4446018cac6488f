"""The user's KB overlay: people added or updated on top of the packaged knowledge base.

The overlay is one file, ``people.yaml`` in :func:`user_kb_dir`, in the same schema as the
packaged people files.  ``detente kb import-wikidata`` writes it with :func:`write_overlay`;
the packaged, cached ``load_kb()`` merges it with :func:`apply_overlay`: an overlay person
replaces a packaged person with the same id or the same Wikidata qid, and is added otherwise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from detente.actors.kb import (
    COUNTRIES_FILE,
    DATA_DIR,
    ORGANISATIONS_FILE,
    PEOPLE_FILE,
    KnowledgeBase,
    Person,
)
from detente.actors.kb_files import (
    _load_countries,
    _load_organisations,
    _load_people,
    _read_entries,
)
from detente.errors import DataError
from detente.paths import data_home, replacing

__all__ = [
    "OverlayResult",
    "apply_overlay",
    "merge_people",
    "overlay_path",
    "person_entry",
    "read_overlay",
    "user_kb_dir",
    "write_overlay",
]

LOGGER = logging.getLogger(__name__)

_HEADER = """\
# detente actor knowledge base: the user overlay (people).
#
# Written by `detente kb import-wikidata` in the schema of the packaged people files (see
# docs/kb.md).  A person here replaces a packaged person with the same id or the same qid and
# is added otherwise.  Hand edits to entries survive a re-import, which replaces only entries
# with the id or qid of an imported person; comments do not (the file is rewritten).

"""


def user_kb_dir() -> Path:
    """``$DETENTE_HOME/kb``, else ``$XDG_DATA_HOME/detente/kb``, else ``~/.local/share/...``."""
    return data_home() / "kb"


def overlay_path() -> Path:
    """The overlay file the packaged ``load_kb()`` merges (it may not exist)."""
    return user_kb_dir() / PEOPLE_FILE


@dataclass(frozen=True, slots=True)
class OverlayResult:
    """What :func:`write_overlay` did."""

    path: Path
    added: int
    updated: int
    total: int


def read_overlay(kb: KnowledgeBase, path: Path | None = None) -> dict[str, Person]:
    """The overlay's people, validated against ``kb``'s countries and organisations.

    An absent file gives no people; an invalid one raises :class:`DataError` naming it.
    """
    path = overlay_path() if path is None else Path(path)
    if not path.is_file():
        return {}
    try:
        return _load_people(path, kb.countries, kb.organisations)
    except DataError as exc:
        raise DataError(
            f"{exc} (this is the user overlay: fix the entry, or delete {path} and import again)"
        ) from None


def merge_people(base: dict[str, Person], overlay: dict[str, Person]) -> dict[str, Person]:
    """``base`` with each overlay person replacing the one with its id, qid or (for packaged
    people without a qid) exact name, or added."""
    merged = dict(base)
    by_qid = {person.qid: key for key, person in base.items() if person.qid}
    # Packaged people without a qid are matched by their exact name instead.
    by_name = {person.name: key for key, person in base.items() if not person.qid}
    for key, person in overlay.items():
        merged.pop(key, None)
        twin = by_qid.get(person.qid) if person.qid else None
        twin = twin or by_name.get(person.name)
        if twin is not None:
            replaced = merged.pop(twin, None)
            if replaced is not None and replaced.id != key:
                LOGGER.info("overlay person %s replaces %s", key, replaced.id)
        merged[key] = person
    return merged


def apply_overlay(kb: KnowledgeBase, path: Path | None = None) -> KnowledgeBase:
    """``kb`` with the overlay's people merged in (``kb`` itself when there is no overlay)."""
    overlay = read_overlay(kb, path)
    if not overlay:
        return kb
    LOGGER.info("merging %d people from the KB overlay", len(overlay))
    return replace(kb, people=merge_people(kb.people, overlay))


def person_entry(person: Person, *, source: str = "") -> dict[str, Any]:
    """``person`` as a people-file entry (a plain mapping ready for YAML)."""
    entry: dict[str, Any] = {"id": person.id, "name": person.name}
    if person.variants:
        entry["variants"] = list(person.variants)
    if person.qid:
        entry["qid"] = person.qid
    roles: list[dict[str, Any]] = []
    for role in person.roles:
        item: dict[str, Any] = {
            "role": role.role,
            "country": role.country,
            "sector": role.sector,
            "start": role.start,
            "end": role.end,
        }
        if role.approx:
            item["approx"] = True
        roles.append(item)
    entry["roles"] = roles
    if source:
        entry["source"] = source
    return entry


def write_overlay(
    people: Iterable[Person], *, path: Path | None = None, source: str = ""
) -> OverlayResult:
    """Add or update ``people`` in the overlay file (default :func:`overlay_path`).

    An entry of the existing file with the id or the qid of a new person is replaced in place;
    the other entries are kept and new people are appended.  The merged file is validated
    before it atomically replaces the old one, so a failed write leaves the overlay as it was.
    """
    path = overlay_path() if path is None else Path(path)
    entries: list[Any] = []
    file_source = "user overlay; each entry names its own source"
    if path.is_file():
        entries = list(_read_entries(path, "people"))
        file_source = _file_source(path) or file_source
    index_of: dict[str, int] = {}
    for i, item in enumerate(entries):
        if isinstance(item, dict):
            for key in ("id", "qid"):
                if isinstance(item.get(key), str) and item[key]:
                    index_of.setdefault(f"{key}:{item[key]}", i)
    added = updated = 0
    for person in people:
        entry = person_entry(person, source=source)
        at = index_of.get(f"id:{person.id}")
        if at is None and person.qid:
            at = index_of.get(f"qid:{person.qid}")
        if at is None:
            index_of[f"id:{person.id}"] = len(entries)
            if person.qid:
                index_of[f"qid:{person.qid}"] = len(entries)
            entries.append(entry)
            added += 1
        else:
            entries[at] = entry
            updated += 1
    text = _HEADER + yaml.safe_dump(
        {"source": file_source, "people": entries},
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=120,
    )
    _write_atomically(path, text)
    return OverlayResult(path=path, added=added, updated=updated, total=len(entries))


def _file_source(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    value = data.get("source") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _write_atomically(path: Path, text: str) -> None:
    try:
        with replacing(path) as tmp:
            with tmp.open("w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            _validate(tmp, path)
    except OSError as exc:
        raise DataError(
            f"{path}: cannot write the KB overlay ({exc.strerror or exc}); "
            "set DETENTE_HOME to a writable folder or pass --overlay"
        ) from None


def _validate(tmp: Path, path: Path) -> None:
    countries = _load_countries(DATA_DIR / COUNTRIES_FILE)
    organisations = _load_organisations(DATA_DIR / ORGANISATIONS_FILE, countries)
    try:
        _load_people(tmp, countries, organisations)
    except DataError as exc:
        message = str(exc).replace(str(tmp), str(path))
        raise DataError(
            f"{message} (the overlay was left unchanged; fix or delete {path} and import again)"
        ) from None
