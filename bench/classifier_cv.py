"""Cross-validated accuracy of the second-opinion classifier on its own training sentences.

    python bench/classifier_cv.py [--folds 5]

Encodes ``data/training/sentences.jsonl`` with the MiniLM encoder, then for each fold trains
the type classifier on the rest exactly as coder hybrid.v1 does and predicts the held-out
sentences. Prints the accuracy with the sentence vector alone and with the hashed words
beside it, their ratio, and per-type recall. Needs the ``[embeddings]`` extra. State the
machine with every figure (the docs' figures: x86_64, 2 cores, 24 GiB).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections import Counter

import numpy as np

from detente.embeddings import SentenceEncoder
from detente.embeddings.classifier import TypeClassifier, features, load_training
from detente.embeddings.training import L2, MOMENTUM, RATE, STEPS


def cross_validate(
    inputs: np.ndarray, labels: list[str], folds: int
) -> tuple[float, Counter[tuple[str, str]]]:
    order = np.random.default_rng(0).permutation(len(labels))
    outcomes: Counter[tuple[str, str]] = Counter()
    for held in np.array_split(order, folds):
        train = np.setdiff1d(order, held)
        model = TypeClassifier.train(
            inputs[train], [labels[i] for i in train], l2=L2, steps=STEPS, rate=RATE,
            momentum=MOMENTUM,
        )  # fmt: skip
        for i, (guess, _) in zip(held, model.predict(inputs[held]), strict=True):
            outcomes[(labels[i], guess)] += 1
    right = sum(n for (gold, guess), n in outcomes.items() if gold == guess)
    return right / len(labels), outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    examples = load_training()
    texts = [e.text for e in examples]
    labels = [e.plover for e in examples]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    started = time.perf_counter()
    vectors = SentenceEncoder().encode(texts)
    seconds = time.perf_counter() - started
    print(f"{len(texts)} sentences encoded in {seconds:.1f}s ({len(texts) / seconds:.0f}/s)")
    alone, _ = cross_validate(vectors, labels, args.folds)
    both, outcomes = cross_validate(features(texts, vectors), labels, args.folds)
    print(f"{args.folds}-fold type accuracy: vector {alone:.3f} | vector+words {both:.3f}")
    print(f"ratio vector+words / vector: {both / alone:.2f}")
    totals = Counter(labels)
    for label in sorted(totals):
        print(f"  {label:10s} {outcomes[(label, label)] / totals[label]:.2f} of {totals[label]}")


if __name__ == "__main__":
    main()
