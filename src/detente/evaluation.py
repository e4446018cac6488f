"""Score the coder against gold files in the formats of ``../shared/eval``.

Country-coded gold (``dev.jsonl``, ``plover_gsr.jsonl``, ``petr2_gsr.jsonl``) is matched per
item on (source country, target country, PLOVER type): each gold tuple can be matched by one
system event, so duplicates count once on each side.  Mode accuracy is measured over matched
pairs whose gold gives a mode.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.coder import build_pipeline
from detente.coding.codebook import plover_for_cameo
from detente.errors import InputError
from detente.models import Article, Event
from detente.settings import Settings

LOGGER = logging.getLogger(__name__)

Triple = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class GoldEvent:
    source: str
    target: str
    plover: str
    cameo: str = ""
    mode: str = ""


@dataclass(frozen=True, slots=True)
class GoldItem:
    id: str
    text: str
    date: str | None
    events: tuple[GoldEvent, ...]


@dataclass(slots=True)
class Score:
    """Counts behind precision, recall and mode accuracy."""

    items: int = 0
    gold: int = 0
    system: int = 0
    matched: int = 0
    mode_pairs: int = 0
    mode_right: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mode_accuracy(self) -> float:
        return self.mode_right / self.mode_pairs if self.mode_pairs else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "gold": self.gold,
            "system": self.system,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "mode_accuracy": round(self.mode_accuracy, 4),
            "mode_pairs": self.mode_pairs,
        }


def _country(value: Any) -> str:
    text = str(value or "")
    # plover_gsr writes actor codes like "HUNGOV"; the country is the first three letters.
    return text if text.startswith(("IGO:", "NGO:")) else text[:3]


def _gold_event(raw: dict[str, Any]) -> GoldEvent | None:
    source = _country(raw.get("source_country") or raw.get("source"))
    target = _country(raw.get("target_country") or raw.get("target"))
    cameo = str(raw.get("cameo") or "")
    code = str(raw.get("code") or "")
    if not cameo and code[:1].isdigit():
        cameo = code
    plover = str(raw.get("plover") or raw.get("plover_from_cameo") or "")
    if not plover and cameo:
        plover = plover_for_cameo(cameo)
    if not plover and code and not code[:1].isdigit():
        plover = code
    if not source or not plover:
        return None
    return GoldEvent(source, target, plover, cameo, str(raw.get("mode") or ""))


def read_gold(path: str | Path) -> Iterator[GoldItem]:
    """Read a gold JSONL file; items without country-coded actors are skipped."""
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{number}: not valid JSON ({e.msg})") from e
            if raw.get("meta", {}).get("evaluate") is False:
                continue
            parsed = (_gold_event(g) for g in raw.get("gold", []))
            events = tuple(e for e in parsed if e is not None)
            yield GoldItem(str(raw["id"]), raw["text"], raw.get("date"), events)


def _triples(events: Iterable[Event]) -> Counter[Triple]:
    return Counter(
        (e.source.country, e.target.country if e.target else "", e.plover)
        for e in events
        if e.plover
    )


def score_items(items: Iterable[GoldItem], *, settings: Settings | None = None) -> Score:
    """Code every item and compare its events with the gold tuples."""
    pipeline = build_pipeline(settings)
    score = Score()
    for item in items:
        article = Article.from_dict({"id": item.id, "text": item.text, "date": item.date})
        done = pipeline.run_one(article)
        events = done.events if done is not None else ()
        gold = Counter((g.source, g.target, g.plover) for g in item.events)
        system = _triples(events)
        matched = gold & system
        score.items += 1
        score.gold += sum(gold.values())
        score.system += sum(system.values())
        score.matched += sum(matched.values())
        for g in item.events:
            if g.mode and (g.source, g.target, g.plover) in matched:
                modes = [
                    e.mode
                    for e in events
                    if (e.source.country, e.target.country if e.target else "", e.plover)
                    == (g.source, g.target, g.plover)
                ]
                score.mode_pairs += 1
                score.mode_right += g.mode in modes
        if gold != matched or system != matched:
            score.errors.append(
                {
                    "id": item.id,
                    "text": item.text,
                    "missed": sorted("-".join(t) for t in (gold - system).elements()),
                    "false": sorted("-".join(t) for t in (system - gold).elements()),
                }
            )
    return score
