"""Score the coder against gold files in the formats of ``../shared/eval``.

Country-coded gold (``dev.jsonl``, ``plover_gsr.jsonl``, ``petr2_gsr.jsonl``) is matched per
item on (source country, target country, PLOVER type): each gold tuple can be matched by one
system event, so duplicates count once on each side.  Mode accuracy is measured over matched
pairs whose gold gives a mode.
"""

from __future__ import annotations

import datetime as dt
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


@dataclass(slots=True)
class ActorScore:
    """Actor resolution: how many gold actors got the right country, and country+sector."""

    actors: int = 0
    country_right: int = 0
    sector_scored: int = 0  # gold actors that name a sector
    both_right: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def country_accuracy(self) -> float:
        return self.country_right / self.actors if self.actors else 0.0

    @property
    def sector_accuracy(self) -> float:
        return self.both_right / self.sector_scored if self.sector_scored else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "actors": self.actors,
            "country_accuracy": round(self.country_accuracy, 4),
            "country_sector_accuracy": round(self.sector_accuracy, 4),
            "sector_scored": self.sector_scored,
        }


def score_actors(path: str | Path) -> ActorScore:
    """Score actor resolution on a gold file.

    Where the gold gives the actor's text (``source_text``), the mention covering that span
    is compared.  Where it does not (dev.jsonl), each gold actor counts as right when some
    mention of the item resolves to its country (and sector, where the gold names one).
    """
    from detente.actors.resolve import resolve_actors

    score = ActorScore()
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            text = raw["text"]
            day = raw.get("date")
            mentions = resolve_actors(text, date=dt.date.fromisoformat(day) if day else None)
            for gold in raw.get("gold", []):
                for side in ("source", "target"):
                    country = _country(gold.get(f"{side}_country") or gold.get(side))
                    country = LEGACY_COUNTRIES.get(country, country)
                    if not country or country in UNSCORED_COUNTRIES:
                        continue
                    raw_sector = str(gold.get(f"{side}_sector") or "")[:3]
                    sector = LEGACY_SECTORS.get(raw_sector, raw_sector)
                    if sector not in SCORED_SECTORS:
                        sector = ""
                    span = str(gold.get(f"{side}_text") or "")
                    found = _resolved(mentions, text, span)
                    country_ok = any(_same_country(c, country) for c, _ in found)
                    both_ok = any(
                        _same_country(c, country) and (not sector or s == sector) for c, s in found
                    )
                    score.actors += 1
                    score.country_right += country_ok
                    if sector:
                        score.sector_scored += 1
                        score.both_right += both_ok
                    if not both_ok:
                        score.errors.append(
                            {
                                "id": raw["id"],
                                "gold": f"{country} {sector}".strip(),
                                "span": span,
                                "found": found,
                            }
                        )
    return score


# Older gold (PLOVER GSR from CAMEO-era examples) uses some pre-ISO codes and sectors; they are
# translated to this project's conventions (eval README: police and intelligence are GOV).
LEGACY_COUNTRIES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
UNSCORED_COUNTRIES = frozenset({"IMG", "ISM"})  # ethnic or religious groups, not states
LEGACY_SECTORS = {
    "COP": "GOV",
    "SPY": "GOV",
    "JRN": "MED",
    "CIV": "CVL",
    "LAB": "CVL",
    "REF": "CVL",
}
SCORED_SECTORS = frozenset(
    {"GOV", "MIL", "LEG", "JUD", "BUS", "MED", "CVL", "OPP", "REB", "EDU", "REL"}
)


def _same_country(found: str, gold: str) -> bool:
    # Gold "IGO" or "NGO" without a name matches any organisation of that kind.
    if gold in {"IGO", "NGO"}:
        return found.startswith(gold + ":")
    return found == gold


def _resolved(mentions: Any, text: str, span: str) -> list[tuple[str, str]]:
    if span:
        start = text.find(span)
        if start >= 0:
            end = start + len(span)
            return [
                (m.actor.country, m.actor.sector)
                for m in mentions
                if m.start < end and start < m.end
            ] + [
                (a.country, a.sector)
                for m in mentions
                if m.start < end and start < m.end
                for a in m.members
            ]
    return [(m.actor.country, m.actor.sector) for m in mentions] + [
        (a.country, a.sector) for m in mentions for a in m.members
    ]
