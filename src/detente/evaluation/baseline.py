"""The accuracy gate: per-file floors that may only rise.

The baseline file maps a gold file's name to its SHA-256 digest and the floors of its figures.
``check_floors`` lists every figure below its floor; ``raise_floors`` writes the new figures
and refuses to lower any floor unless told to (``allow_regression``), so a regression always
takes an explicit decision that the commit must explain.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from detente.errors import DataError

GATED = ("precision", "recall", "f1", "mode_accuracy")
# Figures where lower is better: the gate keeps a ceiling instead of a floor.
CEILINGS = ("non_asserted_reported_asserted",)


def baseline_key(coder: str, name: str) -> str:
    """Floors are kept per coder and gold file: ``coding.rules.v1:dev.jsonl``."""
    return f"{coder}:{name}"


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_baseline(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    if not file.exists():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DataError(f"{file}: not valid JSON ({e.msg}); restore it from git") from e
    if not isinstance(data, dict):
        raise DataError(f"{file}: expected a JSON object of gold file names")
    return data


def check_floors(
    baseline: dict[str, Any], name: str, gold_digest: str, figures: dict[str, Any]
) -> list[str]:
    """Problems with ``figures`` for gold file ``name``: figures under floors, changed gold."""
    entry = baseline.get(name)
    if entry is None:
        coder, _, file = name.rpartition(":")
        command = f"detente eval {file}" + (f" --coder {coder}" if coder else "")
        return [f"{name}: no baseline yet; run `{command} --baseline FILE --update-baseline`"]
    problems = []
    if entry.get("sha256") != gold_digest:
        problems.append(f"{name}: the gold file changed (sha256 differs); re-baseline on purpose")
    for key in GATED:
        if key in entry and figures.get(key, 0.0) < entry[key]:
            problems.append(
                f"{name}: {key} {figures.get(key, 0.0):.4f} fell below the floor {entry[key]:.4f}"
            )
    for key in CEILINGS:
        if key in entry and figures.get(key, 0.0) > entry[key]:
            problems.append(
                f"{name}: {key} {figures.get(key, 0.0):.4f} rose above the ceiling {entry[key]:.4f}"
            )
    return problems


def raise_floors(
    baseline: dict[str, Any],
    name: str,
    gold_digest: str,
    figures: dict[str, Any],
    *,
    allow_regression: bool = False,
) -> dict[str, Any]:
    """A new baseline with ``figures`` as the floors of ``name``."""
    old = baseline.get(name, {})
    lowered = [k for k in GATED if k in old and figures.get(k, 0.0) < old[k]]
    lowered += [k for k in CEILINGS if k in old and figures.get(k, 0.0) > old[k]]
    if lowered and not allow_regression:
        raise DataError(
            f"{name}: updating would lower {', '.join(lowered)}; pass --allow-regression and "
            "give the reason in the commit message"
        )
    entry = {
        "sha256": gold_digest,
        **{k: round(float(figures.get(k, 0.0)), 4) for k in (*GATED, *CEILINGS)},
    }
    return {**baseline, name: entry}


def save_baseline(path: str | Path, baseline: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", encoding="utf-8")
