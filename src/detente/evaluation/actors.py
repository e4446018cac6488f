"""Score actor resolution against gold files (``detente eval --actors``).

Where the gold gives an actor's text (``source_text``), the mention covering that span is
compared; where it does not (dev.jsonl), each gold actor counts as right when some mention of
the item resolves to its country (and sector, where the gold names one).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.evaluation.events import gold_country


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
                    country = gold_country(gold.get(f"{side}_country") or gold.get(side))
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
