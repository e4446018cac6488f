"""The same events on every machine: recorded expectations that another CPU must meet.

``tests/data/reproducible_*`` hold, for team-written sentences, the MiniLM vectors and the
second opinion's outputs as computed when they were recorded, and the digest of the events
coded from ``../shared/eval/dev.jsonl``.  The tolerances (1e-12 on vectors, 1e-10 on
probabilities) are far above float64 rounding (about 1e-15) and far below what moved the
int8 encoder between AVX2 and AVX-512 machines (1e-2); every recorded decision stands more
than 1e-6 from its threshold, so agreement within them means the same decisions.  Re-record
on purpose with ``scripts/record-reproducible.py [--shared]``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.embeddings import SentenceEncoder, embeddings_available
from detente.embeddings.classifier import features, load_training, training_path
from detente.embeddings.tensorfile import read_safetensors
from detente.embeddings.training import MODEL_PATH, load_models, train_models

DATA = Path(__file__).with_name("data")
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
HYBRID = "coding.hybrid.v1"
MARGIN = 1e-6
pytestmark = pytest.mark.skipif(
    not embeddings_available(), reason="needs the [embeddings] extra (make dev installs it)"
)


def sentences() -> list[str]:
    texts: list[str] = json.loads((DATA / "reproducible_sentences.json").read_text("utf-8"))
    return texts


def _top_two(probabilities: np.ndarray, labels: tuple[str, ...]) -> dict[str, Any]:
    first, second = np.argsort(-probabilities, kind="stable")[:2]
    return {
        "label": labels[first],
        "probability": float(probabilities[first]),
        "runner_up": float(probabilities[second]),
    }


def classifier_outputs(texts: list[str]) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The vectors, and per sentence the type and mode the second opinion would take."""
    models = load_models()
    vectors = SentenceEncoder().encode(texts)
    inputs = features(texts, vectors)
    types = models.types.probabilities(inputs)
    modes = models.modes.probabilities(inputs)
    outputs = [
        {
            "text": text,
            "type": _top_two(types[row], models.types.labels),
            "mode": _top_two(modes[row], models.modes.labels),
        }
        for row, text in enumerate(texts)
    ]
    return vectors, outputs


def code_digest(path: Path, *, workers: int) -> dict[str, Any]:
    """``detente code --input PATH --format jsonl``, its lines sorted (``LC_ALL=C sort``)."""
    command = [sys.executable, "-m", "detente", "code", "--input", str(path), "--format", "jsonl"]
    command += ["--coder", HYBRID, "--workers", str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = sorted(done.stdout.splitlines())
    text = "".join(line + "\n" for line in lines)
    return {
        "coder": HYBRID,
        "events": len(lines),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def _expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "reproducible_expected.json").read_text("utf-8"))
    return data


def _distance_to_rounding(confidence: float) -> float:
    """How far ``confidence`` (a probability / 2, printed to 2 places) is from a .xx5 edge."""
    return abs((confidence * 100) % 1 - 0.5)


def test_reproducible_vectors_match_the_recorded_ones() -> None:
    recorded = np.load(DATA / "reproducible_vectors.npy")
    vectors = SentenceEncoder().encode(sentences())
    assert recorded.shape == vectors.shape == (24, 384)
    assert float(np.abs(vectors - recorded).max()) < 1e-12


def test_reproducible_classifier_decisions_match_the_recorded_ones() -> None:
    recorded = _expected()["sentences"]
    _, outputs = classifier_outputs(sentences())
    assert [o["text"] for o in outputs] == [r["text"] for r in recorded]
    for now, then in zip(outputs, recorded, strict=True):
        for part in ("type", "mode"):
            assert now[part]["label"] == then[part]["label"], now["text"]
            assert now[part]["probability"] == pytest.approx(then[part]["probability"], abs=1e-10)
            # The recorded decision is clear of every edge the tolerance could cross.
            assert then[part]["probability"] - then[part]["runner_up"] > MARGIN
        type_p = then["type"]["probability"]
        assert abs(type_p - 0.5) > MARGIN  # the second_opinion_threshold
        assert _distance_to_rounding(0.5 * type_p) > MARGIN
    # The sentences reach more than one decision: types and NONE, and more than one mode.
    assert len({r["type"]["label"] for r in recorded}) >= 8
    assert len({r["mode"]["label"] for r in recorded}) >= 3


def test_reproducible_model_file_was_trained_on_this_corpus() -> None:
    metadata = load_models().metadata
    digest = hashlib.sha256(training_path().read_bytes()).hexdigest()
    assert metadata["corpus_sha256"] == digest, "the training sentences changed: run make train"
    assert metadata["examples"] == str(len(load_training()))


@pytest.mark.slow
def test_reproducible_training_gives_the_committed_weights() -> None:
    committed = read_safetensors(MODEL_PATH)
    trained = train_models()
    assert float(np.abs(trained.types.weights - committed["types"]).max()) < 1e-6
    assert float(np.abs(trained.modes.weights - committed["modes"]).max()) < 1e-6
    assert trained.codes == load_models().codes


@pytest.mark.slow
@pytest.mark.shared
def test_reproducible_dev_events_for_one_and_two_workers() -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} is not present (a bare clone)")
    one = code_digest(DEV, workers=1)
    assert code_digest(DEV, workers=2) == one
    assert one == _expected()["dev"]
