"""A softmax-regression event-type classifier over sentence embeddings.

Trained on the team-written sentences in ``data/training/sentences.jsonl`` (PLOVER type or
NONE per sentence).  Small on purpose: 17 x 385 weights, trained in about a second, fully
deterministic (full-batch gradient descent from zero), so it is retrained and cached rather
than shipped as a binary.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from detente.paths import replacing

__all__ = ["TrainingExample", "TypeClassifier", "load_training", "training_path"]

NONE = "NONE"


@dataclass(frozen=True, slots=True)
class TrainingExample:
    text: str
    plover: str  # a PLOVER type or NONE
    mode: str
    source_text: str
    target_text: str
    cameo: str = ""


def training_path() -> Path:
    return Path(str(resources.files("detente") / "data" / "training" / "sentences.jsonl"))


def load_training(path: Path | None = None) -> list[TrainingExample]:
    """The labelled sentences; a malformed line is an error naming the line (it is our data)."""
    path = path or training_path()
    examples = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                examples.append(
                    TrainingExample(
                        text=raw["text"],
                        plover=raw["plover"] or NONE,
                        mode=raw.get("mode") or "asserted",
                        source_text=raw.get("source_text") or "",
                        target_text=raw.get("target_text") or "",
                        cameo=raw.get("cameo") or "",
                    )
                )
            except (ValueError, KeyError) as e:
                raise ValueError(f"{path}:{number}: bad training example ({e})") from e
    return examples


HASHED_DIM = 4096
_WORD = re.compile(r"[a-z]+")


def word_features(texts: Sequence[str]) -> np.ndarray:
    """Hashed counts of lowercased words and word pairs, each row of unit length.

    The sentence vector knows what a sentence is about; these keep the exact verbs ("refused",
    "expelled") that decide the type.  CRC32 hashing is stable across runs and machines."""
    rows = np.zeros((len(texts), HASHED_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        words = _WORD.findall(text.lower())
        for item in (*words, *(f"{a}_{b}" for a, b in itertools.pairwise(words))):
            rows[row, zlib.crc32(item.encode()) % HASHED_DIM] += 1.0
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    result: np.ndarray = rows / np.clip(norms, 1e-12, None)
    return result


def features(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """What the classifier sees: the sentence vector beside the hashed words."""
    return np.hstack([vectors, word_features(texts)]).astype(np.float32)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    result: np.ndarray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


class TypeClassifier:
    """P(type | sentence embedding) for the PLOVER types plus NONE."""

    def __init__(self, labels: Sequence[str], weights: np.ndarray) -> None:
        self.labels = tuple(labels)
        self.weights = weights  # (dim + 1, classes); the last row is the bias

    @classmethod
    def train(
        cls,
        vectors: np.ndarray,
        labels: Sequence[str],
        *,
        l2: float = 1e-4,
        steps: int = 400,
        rate: float = 8.0,
        momentum: float = 0.9,
    ) -> TypeClassifier:
        """Fit by full-batch gradient descent with Nesterov momentum on the mean cross-entropy
        plus ``l2``: deterministic (it starts from zero) and about 8x fewer steps than plain
        descent for the same fit."""
        names = sorted(set(labels))
        index = {name: i for i, name in enumerate(names)}
        x = np.hstack([vectors, np.ones((len(vectors), 1), dtype=np.float32)]).astype(np.float32)
        y = np.zeros((len(labels), len(names)), dtype=np.float32)
        y[np.arange(len(labels)), [index[label] for label in labels]] = 1.0
        w: np.ndarray = np.zeros((x.shape[1], len(names)), dtype=np.float32)
        velocity: np.ndarray = np.zeros_like(w)
        for _ in range(steps):
            ahead = w + momentum * velocity
            grad = x.T @ (_softmax(x @ ahead) - y) / len(x)
            grad[:-1] += l2 * ahead[:-1]
            velocity = momentum * velocity - rate * grad
            w = w + velocity
        return cls(names, w.astype(np.float32))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        x = np.hstack([vectors, np.ones((len(vectors), 1), dtype=np.float32)])
        return _softmax(x @ self.weights)

    def predict(self, vectors: np.ndarray) -> list[tuple[str, float]]:
        """The most likely label of each row, with its probability."""
        probs = self.probabilities(vectors)
        best = probs.argmax(axis=1)
        return [(self.labels[i], float(probs[row, i])) for row, i in enumerate(best)]

    def save(self, path: Path) -> None:
        """Write atomically: worker processes may train and save the same file at once."""
        with replacing(path) as tmp, tmp.open("wb") as stream:
            np.savez(stream, weights=self.weights, labels=np.array(self.labels))

    @classmethod
    def load(cls, path: Path) -> TypeClassifier:
        with np.load(path) as data:
            return cls([str(label) for label in data["labels"]], data["weights"])


def training_key(path: Path, encoder_id: str, params: dict[str, Any]) -> str:
    """A cache key that changes whenever the data, the encoder or the settings change."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(encoder_id.encode())
    digest.update(json.dumps(params, sort_keys=True).encode())
    return digest.hexdigest()[:12]
