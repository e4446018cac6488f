"""Actor codes as people type them: ``actor_code("Japan") == "JPN"``.

Stored events name their actors by code: an ISO 3166-1 alpha-3 code (``JPN``) or an
organisation code (``IGO:NATO``).  ``actor_code`` turns what a person typed into such a code:
a known code in any case (``jpn``, ``igo:nato``), or a country or organisation name or alias
from the knowledge base (``China``, ``south korea``, ``NATO``).  Anything else raises
:class:`detente.errors.InputError` with the closest known codes, so a typo such as ``JAP``
is an error that suggests ``JPN`` rather than a filter that silently matches nothing.
``actor_dyad`` does the same for a ``SOURCE-TARGET`` pair.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain

from detente.actors.gazetteer import phrase_key
from detente.actors.kb import (
    COUNTRIES_FILE,
    DATA_DIR,
    ORGANISATIONS_FILE,
    Country,
    KnowledgeBase,
    Organisation,
)
from detente.errors import InputError

__all__ = ["actor_code", "actor_dyad"]

_MAX_LENGTH = 100  # longer than any code or name; spares difflib a pasted paragraph
_SUGGESTIONS = 3
_CUTOFF = 0.6  # difflib's default: below this a "suggestion" is noise
_NEAR_BEST = 0.05  # suggest only codes about as close as the closest one
_HINT_WEIGHT = 0.9  # a demonym or capital points to a code less surely than a name
_WORD_SCORE = 0.9  # "jap" starts "japan", "korea" is a word of "south korea"
_SEPARATOR_RE = re.compile(r"[-,:]")  # ":" too, as in CHN:JPN; IGO:UN is tried both ways
_HELP = (
    "use an ISO alpha-3 code such as CHN, an organisation code such as IGO:UN, or a country name"
)


@dataclass(frozen=True, slots=True)
class _Index:
    """Codes with their display names, every code, name or alias folded to the codes it
    names, and the demonyms and capitals that only ever serve as suggestions."""

    names: dict[str, str]  # code -> name ("JPN" -> "Japan")
    keys: dict[str, frozenset[str]]  # folded code, name or alias -> codes ("japan" -> {JPN})
    hints: dict[str, frozenset[str]]  # folded demonym or capital -> codes ("tokyo" -> {JPN})


def _fold(text: str) -> str:
    """Lowercase words without accents, so "Côte d'Ivoire" and "cote d'ivoire" compare equal."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(phrase_key(plain))


def _frozen(table: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {key: frozenset(codes) for key, codes in table.items() if key}


def _build_index(
    countries: Mapping[str, Country], organisations: Mapping[str, Organisation]
) -> _Index:
    names: dict[str, str] = {}
    keys: dict[str, set[str]] = defaultdict(set)
    hints: dict[str, set[str]] = defaultdict(set)
    for country in countries.values():
        names[country.alpha3] = country.name
        for text in (country.alpha3, country.name, *country.names):
            keys[_fold(text)].add(country.alpha3)
        for text in (*country.demonyms, *country.capitals):
            hints[_fold(text)].add(country.alpha3)
    for org in organisations.values():
        names[org.code] = org.name
        for text in (org.code, org.name, *(alias for alias, _ in org.aliases)):
            keys[_fold(text)].add(org.code)
    return _Index(names, _frozen(keys), _frozen(hints))


@functools.lru_cache(maxsize=1)
def _packaged_index() -> _Index:
    # Codes and names come from two of the KB's files only (the user overlay adds people,
    # never codes), which read in a tenth of the time the whole KB takes.
    from detente.actors.kb_files import _load_countries, _load_organisations

    countries = _load_countries(DATA_DIR / COUNTRIES_FILE)
    return _build_index(countries, _load_organisations(DATA_DIR / ORGANISATIONS_FILE, countries))


def _index(kb: KnowledgeBase | None) -> _Index:
    return _packaged_index() if kb is None else _build_index(kb.countries, kb.organisations)


def _lookup(text: str, index: _Index) -> frozenset[str]:
    """The codes ``text`` is or names: one, none, or (for a shared alias) several."""
    code = text.strip().upper()
    if code in index.names:
        return frozenset({code})
    key = _fold(text)
    return index.keys.get(key) or index.keys.get(key.removeprefix("the ")) or frozenset()


def _not_one(text: str, codes: frozenset[str], index: _Index) -> str:
    """Why ``text`` is not one actor: it names none (with suggestions) or several."""
    if codes:
        listed = ", ".join(_label(c, index) for c in sorted(codes))
        return f"{text!r} names several actors ({listed}); give one code"
    return _unknown(text, index)


def _label(code: str, index: _Index) -> str:
    return f"{code} ({index.names[code]})"


def _suggest(text: str, index: _Index) -> list[str]:
    """The known codes closest to ``text`` as a code, a name or an alias; best first."""
    query = _fold(text) or text.strip().lower()
    best: dict[str, float] = {}
    weighted = chain(
        ((key, codes, 1.0) for key, codes in index.keys.items()),
        ((key, codes, _HINT_WEIGHT) for key, codes in index.hints.items()),
    )
    for key, codes, weight in weighted:
        score = difflib.SequenceMatcher(None, query, key).ratio()
        if len(query) >= 3 and (key.startswith(query) or f" {query} " in f" {key} "):
            score = max(score, _WORD_SCORE)
        score *= weight
        for code in codes:
            best[code] = max(best.get(code, 0.0), score)
    ranked = sorted((c for c, s in best.items() if s >= _CUTOFF), key=lambda c: (-best[c], c))
    if not ranked:
        return []
    top = best[ranked[0]]
    return [c for c in ranked if best[c] >= top - _NEAR_BEST][:_SUGGESTIONS]


def _unknown(text: str, index: _Index) -> str:
    """``'JAP' is not a known actor code; did you mean JPN (Japan)?``"""
    found = [_label(c, index) for c in _suggest(text, index)]
    if not found:
        return f"{text!r} is not a known actor code; {_HELP}"
    options = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} or {found[-1]}"
    return f"{text!r} is not a known actor code; did you mean {options}?"


def _checked(text: str, what: str) -> str:
    if not text.strip():
        raise InputError(f"{what} is empty; {_HELP}")
    if len(text) > _MAX_LENGTH:
        raise InputError(f"{what} is {len(text)} characters long; {_HELP}")
    return text


def actor_code(text: str, *, what: str = "actor", kb: KnowledgeBase | None = None) -> str:
    """The actor code (``JPN``, ``IGO:NATO``) that ``text`` is or names.

    ``text`` is a known code in any case or a country or organisation name or alias of the
    knowledge base ``kb`` (default: the packaged one with its overlay).  A known code with no
    events is still a code.  Raises ``InputError`` starting with ``what`` (the option or field
    the text came from) when ``text`` names no actor, suggesting the closest known codes.
    """
    index = _index(kb)
    codes = _lookup(_checked(text, what), index)
    if len(codes) != 1:
        raise InputError(f"{what} {_not_one(text, codes, index)}")
    return next(iter(codes))


def actor_dyad(
    text: str,
    *,
    what: str = "dyad",
    example: str = "CHN-JPN",
    kb: KnowledgeBase | None = None,
) -> tuple[str, str]:
    """The (source, target) codes of ``SOURCE-TARGET`` (or ``SOURCE,TARGET``).

    Each side is read by ``actor_code``; a side may itself hold a separator, as in
    ``IGO:UN-CHN`` or ``Guinea-Bissau-SEN``, when only one way of cutting the text gives two
    actors.  Raises ``InputError`` starting with ``what``: for a text that is not two actors
    (with ``example`` of the right form), for an unknown side (with suggestions), or for a
    text that reads as two different dyads.
    """
    index = _index(kb)
    value = _checked(text, what).strip()
    cuts = [
        (value[: m.start()].strip(), value[m.end() :].strip())
        for m in _SEPARATOR_RE.finditer(value)
    ]
    cuts = [(a, b) for a, b in cuts if a and b]
    if not cuts:
        raise InputError(f"{what} {text!r} should name two actors, e.g. {example}")
    read = [(a, b, _lookup(a, index), _lookup(b, index)) for a, b in cuts]
    dyads = sorted(
        {(next(iter(ca)), next(iter(cb))) for _, _, ca, cb in read if len(ca) == len(cb) == 1}
    )
    if len(dyads) == 1:
        return dyads[0]
    if dyads:
        readings = " or ".join(f"{a}-{b}" for a, b in dyads)
        raise InputError(f"{what} {text!r} reads as {readings}; write it with two codes")
    if all(len(_lookup(piece, index)) == 1 for piece in _SEPARATOR_RE.split(value)):
        raise InputError(f"{what} {text!r} should name two actors, e.g. {example}")  # CHN-JPN-USA
    # No cut gives two actors: report the first bad side of the cut that got furthest.
    a, b, ca, cb = max(read, key=lambda r: (len(r[2]) == 1) + (len(r[3]) == 1))
    bad, codes = (b, cb) if len(ca) == 1 else (a, ca)
    raise InputError(f"{what} {text!r}: {_not_one(bad, codes, index)}")
