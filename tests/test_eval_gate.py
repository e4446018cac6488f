"""The accuracy gate: coding may not get worse than the floors in eval_baseline.json.

Each coder has its own floors.  Raise them after an improvement with
    detente eval ../shared/eval/{dev,plover_gsr,plv_train}.jsonl --coder CODER \\
        --baseline tests/eval_baseline.json --update-baseline
for CODER in coding.rules.v1 and coding.hybrid.v1.  Lowering one needs --allow-regression
and a reason in the commit message.
"""

from pathlib import Path

import pytest

from detente.embeddings import embeddings_available
from detente.evaluation import read_gold, score_items
from detente.evaluation.baseline import (
    baseline_key,
    check_floors,
    digest,
    load_baseline,
    raise_floors,
)
from detente.settings import load_settings

BASELINE = Path(__file__).with_name("eval_baseline.json")
GATED_FILES = ("dev.jsonl", "plover_gsr.jsonl", "plv_train.jsonl")
CODERS = ("coding.rules.v1", "coding.hybrid.v1")


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("name", GATED_FILES)
def test_eval_gate_floors_hold(shared_dir: Path, name: str, coder: str) -> None:
    path = shared_dir / "eval" / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    if coder == "coding.hybrid.v1" and not embeddings_available():
        pytest.skip("the hybrid coder needs the [embeddings] extra (make dev installs it)")
    settings = load_settings(coder=coder)
    figures = score_items(read_gold(path), settings=settings).to_dict()
    key = baseline_key(coder, name)
    assert check_floors(load_baseline(BASELINE), key, digest(path), figures) == []


def test_eval_gate_refuses_to_lower_a_floor_silently() -> None:
    baseline = {
        "x.jsonl": {
            "sha256": "abc",
            "precision": 0.8,
            "recall": 0.5,
            "f1": 0.6,
            "mode_accuracy": 0.9,
        }
    }
    worse = {"precision": 0.7, "recall": 0.5, "f1": 0.6, "mode_accuracy": 0.9}
    assert check_floors(baseline, "x.jsonl", "abc", worse) == [
        "x.jsonl: precision 0.7000 fell below the floor 0.8000"
    ]
    with pytest.raises(Exception, match="would lower precision; pass --allow-regression"):
        raise_floors(baseline, "x.jsonl", "abc", worse)
    lowered = raise_floors(baseline, "x.jsonl", "abc", worse, allow_regression=True)
    assert lowered["x.jsonl"]["precision"] == 0.7


def test_eval_gate_notices_changed_gold() -> None:
    baseline = {"x.jsonl": {"sha256": "abc", "precision": 0.5}}
    assert check_floors(baseline, "x.jsonl", "def", {"precision": 0.9}) == [
        "x.jsonl: the gold file changed (sha256 differs); re-baseline on purpose"
    ]
