"""The verb lexicon: trigger patterns that map a parsed clause to a CAMEO event code.

The data lives in ``detente/data/lexicon.yaml``.  Each entry names a CAMEO code and lists
``verbs`` and ``nouns`` patterns such as ``"hold talk +with"``:

* the first word is the lemma of the trigger head (spaCy's English lemma, lowercase);
* further plain words are lemmas that must be dependents of the trigger (or of the previous
  pattern word), in order;
* an optional final ``+prep`` says the target is the object of that preposition.

``load_lexicon()`` validates the file (known codes, pattern syntax, no pattern text under two
codes, no unknown keys) and raises :class:`detente.errors.DataError` naming the entry and the
problem.  The packaged lexicon is parsed once per process.

``Lexicon.trigger_forms()`` expands every trigger lemma to its surface forms (regular
inflection plus a table of irregular verbs) so a caller can skip sentences that cannot match
before paying for a parse.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from detente.coding.codebook import load_codebook
from detente.coding.inflect import noun_forms, verb_forms
from detente.errors import DataError

__all__ = [
    "KINDS",
    "LEMMA_FIXES",
    "TARGETS",
    "Lexicon",
    "Pattern",
    "load_lexicon",
    "noun_forms",
    "parse_pattern",
    "verb_forms",
]

LOGGER = logging.getLogger(__name__)

KINDS = ("verb", "noun")
TARGETS = ("required", "optional")

# spaCy's rule lemmatizer strips too much from a few regular verbs ("staged" -> "stag",
# "waged" -> "wag", "fined" -> "fin").  ``Lexicon.for_lemma`` answers for these wrong lemmas
# too, unless the wrong lemma is itself a trigger head.  Found by lemmatizing every inflected
# form of every head in the packaged lexicon; tests/test_lexicon.py re-checks a sample.
LEMMA_FIXES: dict[str, dict[str, str]] = {
    "verb": {
        "boycotts": "boycott",
        "defunde": "defund",
        "fin": "fine",
        "forgave": "forgive",
        "hee": "heed",
        "lambast": "lambaste",
        "rap": "rape",
        "snip": "snipe",
        "stag": "stage",
        "unbanne": "unban",
        "wag": "wage",
    },
    "noun": {},
}

_ENTRY_KEYS = frozenset({"code", "verbs", "nouns", "reciprocal", "inverse", "target"})
_LIST_KEYS = (("verbs", "verb"), ("nouns", "noun"))
_WORD_RE = re.compile(r"[a-z]+")
_PREP_RE = re.compile(r"\+[a-z]+")


@dataclass(frozen=True, slots=True)
class Pattern:
    """One trigger pattern of one lexicon entry."""

    code: str  # CAMEO code, e.g. "042"
    kind: str  # "verb" or "noun"
    lemma: str  # lemma of the trigger head
    words: tuple[str, ...]  # further lemmas that must be dependents, in order
    prep: str  # the target is the object of this preposition; "" = direct object
    text: str  # the pattern as written, whitespace-normalised
    reciprocal: bool = False  # also emit the same code from target to source
    inverse: str = ""  # also emit this code from target to source
    target: str = "required"  # "required" or "optional"

    @property
    def specificity(self) -> int:
        """How much the pattern asks for: words after the head, plus one for a preposition."""
        return len(self.words) + (1 if self.prep else 0)


def parse_pattern(
    text: str,
    *,
    code: str,
    kind: str = "verb",
    reciprocal: bool = False,
    inverse: str = "",
    target: str = "required",
) -> Pattern:
    """Parse one pattern string; raise :class:`DataError` naming ``code`` when it is malformed."""
    if kind not in KINDS:
        raise DataError(f"lexicon entry {code}: unknown pattern kind {kind!r}; use verb or noun")
    if target not in TARGETS:
        raise DataError(f"lexicon entry {code}: target must be one of {', '.join(TARGETS)}")
    tokens = text.split()
    if not tokens:
        raise DataError(f"lexicon entry {code}: empty {kind} pattern")
    where = f"lexicon entry {code}: {kind} pattern {text!r}"
    if any(ch.isupper() for ch in text):
        raise DataError(f"{where} has uppercase letters; write lemmas in lowercase")
    preps = [i for i, token in enumerate(tokens) if token.startswith("+")]
    if len(preps) > 1:
        raise DataError(f"{where} has more than one +preposition; keep only the target's")
    if preps and preps[0] != len(tokens) - 1:
        raise DataError(f"{where} has its +preposition before the end; move it last")
    if preps and preps[0] == 0:
        raise DataError(f"{where} starts with a +preposition; start with the trigger lemma")
    for token in tokens:
        pattern = _PREP_RE if token.startswith("+") else _WORD_RE
        if not pattern.fullmatch(token):
            raise DataError(f"{where} has a bad word {token!r}; use letters a-z only")
    prep = tokens[-1][1:] if preps else ""
    plain = tokens[:-1] if preps else tokens
    return Pattern(
        code=code,
        kind=kind,
        lemma=plain[0],
        words=tuple(plain[1:]),
        prep=prep,
        text=" ".join(tokens),
        reciprocal=reciprocal,
        inverse=inverse,
        target=target,
    )


class Lexicon:
    """An indexed, immutable set of patterns."""

    __slots__ = ("_by_head", "_forms", "patterns")

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.patterns: tuple[Pattern, ...] = tuple(patterns)
        grouped: dict[tuple[str, str], list[tuple[int, Pattern]]] = {}
        for order, pattern in enumerate(self.patterns):
            grouped.setdefault((pattern.lemma, pattern.kind), []).append((order, pattern))
        self._by_head: dict[tuple[str, str], tuple[Pattern, ...]] = {
            key: tuple(
                p for _, p in sorted(items, key=lambda item: (-item[1].specificity, item[0]))
            )
            for key, items in grouped.items()
        }
        self._forms: frozenset[str] | None = None

    def __len__(self) -> int:
        return len(self.patterns)

    def __repr__(self) -> str:
        return f"Lexicon({len(self.patterns)} patterns, {len(self.codes())} codes)"

    def for_lemma(self, lemma: str, kind: str) -> tuple[Pattern, ...]:
        """Patterns whose trigger head is ``lemma`` of ``kind``: most specific first, then
        file order.  Known spaCy mislemmatizations (``LEMMA_FIXES``) are looked up too."""
        key = (lemma.lower(), kind)
        found = self._by_head.get(key)
        if found is not None:
            return found
        fixed = LEMMA_FIXES.get(kind, {}).get(key[0])
        return self._by_head.get((fixed, kind), ()) if fixed else ()

    def codes(self) -> frozenset[str]:
        """Every CAMEO code some pattern emits (not counting ``inverse`` codes)."""
        return frozenset(p.code for p in self.patterns)

    def heads(self, kind: str) -> frozenset[str]:
        """Every trigger lemma of ``kind``."""
        return frozenset(lemma for lemma, k in self._by_head if k == kind)

    def trigger_forms(self) -> frozenset[str]:
        """Lowercase surface forms of every trigger head: a cheap prefilter before parsing."""
        if self._forms is None:
            forms: set[str] = set()
            for lemma, kind in self._by_head:
                forms.update(verb_forms(lemma) if kind == "verb" else noun_forms(lemma))
            self._forms = frozenset(forms)
        return self._forms


# --------------------------------------------------------------------------- inflection

# --------------------------------------------------------------------------- loading


def _entry_patterns(entry: Any, index: int, known: Callable[[str], bool]) -> list[Pattern]:
    if not isinstance(entry, Mapping):
        raise DataError(
            f"lexicon entry #{index + 1}: expected a mapping, got {type(entry).__name__}"
        )
    code = entry.get("code")
    if not isinstance(code, str) or not code:
        raise DataError(
            f"lexicon entry #{index + 1}: 'code' must be a quoted string such as \"042\", "
            f"got {code!r}"
        )
    label = f"lexicon entry {code} (#{index + 1})"
    unknown = sorted(str(key) for key in entry if key not in _ENTRY_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_ENTRY_KEYS))
        raise DataError(f"{label}: unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
    if not known(code):
        raise DataError(f"{label}: unknown CAMEO code {code!r}; it is not in the codebook")
    reciprocal = entry.get("reciprocal", False)
    if not isinstance(reciprocal, bool):
        raise DataError(f"{label}: 'reciprocal' must be true or false, got {reciprocal!r}")
    inverse = entry.get("inverse", "") or ""
    if not isinstance(inverse, str):
        raise DataError(f"{label}: 'inverse' must be a quoted code string, got {inverse!r}")
    if inverse:
        if not known(inverse):
            raise DataError(f"{label}: unknown inverse CAMEO code {inverse!r}")
        if inverse == code:
            raise DataError(f"{label}: inverse equals the code; use 'reciprocal: true' instead")
        if reciprocal:
            raise DataError(f"{label}: an entry cannot be both reciprocal and have an inverse")
    target = entry.get("target", "required")
    if target not in TARGETS:
        raise DataError(f"{label}: 'target' must be one of {', '.join(TARGETS)}, got {target!r}")

    patterns: list[Pattern] = []
    for key, kind in _LIST_KEYS:
        raw = entry.get(key, [])
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise DataError(f"{label}: '{key}' must be a list of pattern strings")
        for text in raw:
            if not isinstance(text, str):
                raise DataError(f"{label}: {kind} pattern {text!r} is not a string")
            patterns.append(
                parse_pattern(
                    text,
                    code=code,
                    kind=kind,
                    reciprocal=reciprocal,
                    inverse=inverse,
                    target=str(target),
                )
            )
    if not patterns:
        raise DataError(f"{label}: no patterns; give at least one verb or noun pattern")
    return patterns


def _build(data: Any, source: str) -> Lexicon:
    if not isinstance(data, Mapping):
        raise DataError(f"{source}: expected a mapping with an 'entries' list at the top")
    extra = sorted(str(key) for key in data if key != "entries")
    if extra:
        raise DataError(f"{source}: unknown top-level key(s) {', '.join(extra)}; only 'entries'")
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise DataError(f"{source}: 'entries' must be a non-empty list")

    codebook = load_codebook()

    def known(code: str) -> bool:
        return code in codebook

    seen: dict[tuple[str, str], str] = {}
    patterns: list[Pattern] = []
    for index, entry in enumerate(entries):
        for pattern in _entry_patterns(entry, index, known):
            key = (pattern.kind, pattern.text)
            first = seen.get(key)
            if first is not None:
                where = "twice under" if first == pattern.code else f"under {first} and also under"
                raise DataError(
                    f"lexicon entry {pattern.code} (#{index + 1}): duplicate {pattern.kind} "
                    f"pattern {pattern.text!r} appears {where} {pattern.code}; keep one"
                )
            seen[key] = pattern.code
            patterns.append(pattern)
    lexicon = Lexicon(patterns)
    LOGGER.debug("loaded %r from %s", lexicon, source)
    return lexicon


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read lexicon {path}: {exc.strerror or exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"lexicon {path} is not valid YAML: {exc}") from exc


@functools.cache
def _packaged() -> Lexicon:
    resource = resources.files("detente") / "data" / "lexicon.yaml"
    with resources.as_file(resource) as path:
        return _build(_read(path), "packaged lexicon.yaml")


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load and validate a lexicon; ``None`` gives the packaged one (parsed once, cached)."""
    if path is None:
        return _packaged()
    path = Path(path)
    return _build(_read(path), str(path))
