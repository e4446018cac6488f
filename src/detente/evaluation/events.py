"""Score the coder against gold files in the formats of ``../shared/eval``.

Two kinds of gold:

* country-coded (``dev.jsonl``, ``plover_gsr.jsonl``, ``petr2_gsr.jsonl``): gold and system
  events are matched per item on (source country, target country, PLOVER type), and again on
  (source country, target country, CAMEO root) where the gold gives a CAMEO code.  Each gold
  tuple can be matched by one system tuple, so duplicates count once on each side.
* span-coded (``plv_train.jsonl``): gold gives character spans for source and target; a system
  event matches when its actors' text overlaps the spans (in either order for the dyad) and
  its PLOVER type agrees (PLV merges CONCEDE and RETREAT into YIELD).

Also measured: mode accuracy over matched events whose gold gives a mode, how many
non-asserted gold events come out asserted, events emitted for items with no gold event, and a
confusion table of PLOVER types per gold dyad.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.coder import build_pipeline
from detente.coding.codebook import plover_for_cameo
from detente.errors import ConfigError, InputError
from detente.models import MODES, Article, Event
from detente.settings import Settings

LOGGER = logging.getLogger(__name__)

Triple = tuple[str, str, str]
# PLV merges the two yielding types.
PLV_TYPES = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
# Types of earlier PLOVER drafts (the PLOVER GSR uses them) that POLECAT-era PLOVER, which this
# project codes, merged into others.
LEGACY_PLOVER = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}


@dataclass(frozen=True, slots=True)
class GoldEvent:
    source: str
    target: str
    plover: str
    cameo: str = ""
    mode: str = ""
    source_span: tuple[int, int] | None = None
    target_span: tuple[int, int] | None = None
    sentence: int | None = None  # multi-sentence items (ART-) say which sentence


@dataclass(frozen=True, slots=True)
class GoldItem:
    id: str
    text: str
    date: str | None
    events: tuple[GoldEvent, ...]
    spans: bool = False  # span-coded gold (PLV): match by overlap, not by country


@dataclass(slots=True)
class Score:
    """Counts behind every figure ``detente eval`` prints."""

    items: int = 0
    gold: int = 0
    system: int = 0
    matched: int = 0
    root_gold: int = 0
    root_system: int = 0
    root_matched: int = 0
    mode_pairs: int = 0
    mode_right: int = 0
    non_asserted: int = 0
    non_asserted_as_asserted: int = 0
    empty_items: int = 0
    empty_item_events: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    @property
    def precision(self) -> float:
        return self._ratio(self.matched, self.system)

    @property
    def recall(self) -> float:
        return self._ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def root_precision(self) -> float:
        return self._ratio(self.root_matched, self.root_system)

    @property
    def root_recall(self) -> float:
        return self._ratio(self.root_matched, self.root_gold)

    @property
    def mode_accuracy(self) -> float:
        return self._ratio(self.mode_right, self.mode_pairs)

    @property
    def asserted_leak(self) -> float:
        """Share of non-asserted gold events reported as asserted."""
        return self._ratio(self.non_asserted_as_asserted, self.non_asserted)

    def to_dict(self) -> dict[str, Any]:
        root_p, root_r = self.root_precision, self.root_recall
        return {
            "items": self.items,
            "gold": self.gold,
            "system": self.system,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "root_precision": round(root_p, 4),
            "root_recall": round(root_r, 4),
            "root_f1": round(2 * root_p * root_r / (root_p + root_r) if root_p + root_r else 0, 4),
            "mode_accuracy": round(self.mode_accuracy, 4),
            "mode_pairs": self.mode_pairs,
            "non_asserted_gold": self.non_asserted,
            "non_asserted_reported_asserted": round(self.asserted_leak, 4),
            "no_event_items": self.empty_items,
            "events_on_no_event_items": self.empty_item_events,
            "confusion": {f"{g}->{s}": n for (g, s), n in sorted(self.confusion.items())},
        }


def gold_country(value: Any) -> str:
    text = str(value or "")
    # plover_gsr writes actor codes like "HUNGOV"; the country is the first three letters.
    return text if text.startswith(("IGO:", "NGO:")) else text[:3]


def _span(raw: Any) -> tuple[int, int] | None:
    if isinstance(raw, list) and raw and isinstance(raw[0], list) and len(raw[0]) == 2:
        return int(raw[0][0]), int(raw[0][1])
    return None


def _gold_event(raw: dict[str, Any]) -> GoldEvent | None:
    source = gold_country(raw.get("source_country") or raw.get("source"))
    target = gold_country(raw.get("target_country") or raw.get("target"))
    cameo = str(raw.get("cameo") or "")
    code = str(raw.get("code") or "")
    if not cameo and code[:1].isdigit():
        cameo = code
    plover = str(raw.get("plover") or raw.get("plover_from_cameo") or "")
    if not plover and cameo:
        plover = plover_for_cameo(cameo)
    if not plover and code and not code[:1].isdigit():
        plover = code
    plover = LEGACY_PLOVER.get(plover, plover)
    source_span, target_span = _span(raw.get("source_offsets")), _span(raw.get("target_offsets"))
    if not plover or not (source or source_span):
        return None
    # PLOVER GSR uses "mode" for the PLOVER sub-type ("visit", "phone"): only epistemic modes count.
    mode = str(raw.get("mode") or "")
    sentence = raw.get("sentence")
    return GoldEvent(
        source,
        target,
        plover,
        cameo,
        mode if mode in MODES else "",
        source_span,
        target_span,
        int(sentence) if isinstance(sentence, int) else None,
    )


def _checked_gold_event(raw: dict[str, Any], where: str) -> GoldEvent | None:
    """A gold event, or None with a warning when its code is not CAMEO ("224")."""
    try:
        return _gold_event(raw)
    except ConfigError as error:  # the codebook's verdict on a malformed code
        LOGGER.warning("%s: gold event skipped: %s", where, error)
        return None


def read_gold(path: str | Path) -> Iterator[GoldItem]:
    """Read a gold JSONL file; items marked not to be evaluated are skipped."""
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{number}: not valid JSON ({e.msg})") from e
            meta = raw.get("meta") or {}
            if meta.get("evaluate") is False:
                continue
            events = tuple(
                event
                for g in raw.get("gold", [])
                if (event := _checked_gold_event(g, f"{path}:{number}")) is not None
            )
            spans = meta.get("actor_format") == "span"
            yield GoldItem(str(raw["id"]), raw["text"], raw.get("date"), events, spans)


def _triples(events: Iterable[Event], *, root: bool = False) -> Counter[Triple]:
    return Counter(
        (e.source.country, e.target.country if e.target else "", e.cameo_root if root else e.plover)
        for e in events
        if root or e.plover
    )


def _overlaps(text: str, actor_text: str, span: tuple[int, int] | None) -> bool:
    if span is None or not actor_text:
        return False
    start = text.find(actor_text)
    while start >= 0:
        if start < span[1] and span[0] < start + len(actor_text):
            return True
        start = text.find(actor_text, start + 1)
    return False


def _score_spans(score: Score, item: GoldItem, events: Sequence[Event]) -> None:
    """PLV-style gold: a dyad is found when both actors overlap the gold spans."""
    used: set[int] = set()
    for gold in item.events:
        score.gold += 1
        found = ""
        for index, event in enumerate(events):
            if index in used or event.target is None:
                continue
            forward = _overlaps(item.text, event.source.text, gold.source_span) and _overlaps(
                item.text, event.target.text, gold.target_span
            )
            if forward:
                found = PLV_TYPES.get(event.plover, event.plover)
                if found == gold.plover:
                    used.add(index)
                    break
        score.confusion[(gold.plover, found or "-")] += 1
        score.matched += found == gold.plover
    score.system += len(events)


def score_items(items: Iterable[GoldItem], *, settings: Settings | None = None) -> Score:
    """Code every item and compare its events with the gold."""
    pipeline = build_pipeline(settings)
    score = Score()
    for item in items:
        article = Article.from_dict({"id": item.id, "text": item.text, "date": item.date})
        done = pipeline.run_one(article)
        events = done.events if done is not None else ()
        score.items += 1
        if not item.events:
            score.empty_items += 1
            score.empty_item_events += len(events)
        if item.spans:
            _score_spans(score, item, events)
            continue
        _score_countries(score, item, events)
    return score


def _score_countries(score: Score, item: GoldItem, events: Sequence[Event]) -> None:
    gold = Counter((g.source, g.target, g.plover) for g in item.events)
    system = _triples(events)
    matched = gold & system
    score.gold += sum(gold.values())
    score.system += sum(system.values())
    score.matched += sum(matched.values())
    with_roots = [g for g in item.events if g.cameo]
    if with_roots or not item.events:
        gold_roots = Counter((g.source, g.target, g.cameo[:2]) for g in with_roots)
        system_roots = _triples(events, root=True)
        score.root_gold += sum(gold_roots.values())
        score.root_system += sum(system_roots.values())
        score.root_matched += sum((gold_roots & system_roots).values())
    for g in item.events:
        same = [
            e.mode
            for e in events
            if (e.source.country, e.target.country if e.target else "", e.plover)
            == (g.source, g.target, g.plover)
        ]
        dyad = [
            e.plover
            for e in events
            if (e.source.country, e.target.country if e.target else "") == (g.source, g.target)
        ]
        score.confusion[
            (g.plover, g.plover if g.plover in dyad else (dyad[0] if dyad else "-"))
        ] += 1
        if g.mode and same:
            score.mode_pairs += 1
            score.mode_right += g.mode in same
        if g.mode and g.mode != "asserted":
            # In a multi-sentence item only the gold event's own sentence can leak it.
            here = [
                e.mode
                for e in events
                if (e.source.country, e.target.country if e.target else "", e.plover)
                == (g.source, g.target, g.plover)
                and (g.sentence is None or e.sentence_index == g.sentence)
            ]
            score.non_asserted += 1
            score.non_asserted_as_asserted += "asserted" in here
    if gold != matched or system != matched:
        score.errors.append(
            {
                "id": item.id,
                "text": item.text,
                "missed": sorted("-".join(t) for t in (gold - system).elements()),
                "false": sorted("-".join(t) for t in (system - gold).elements()),
            }
        )
