"""Record what tests/test_reproducible.py expects: vectors, classifier outputs and, with
``--shared``, the digest of the events coded from ../shared/eval/dev.jsonl.

    .venv/bin/python scripts/record-reproducible.py [--shared]

Run it after a deliberate change to the encoder, the model file or (with --shared) the coder,
and say in the commit why the expectations moved.  The test then holds every other machine to
them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "tests"))

from test_reproducible import (  # noqa: E402
    DEV,
    classifier_outputs,
    code_digest,
    sentences,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", action="store_true", help="also record the dev.jsonl digest")
    args = parser.parse_args()
    vectors, outputs = classifier_outputs(sentences())
    np.save(DATA / "reproducible_vectors.npy", vectors)
    expected = {"sentences": outputs}
    old = DATA / "reproducible_expected.json"
    if old.exists():
        expected["dev"] = json.loads(old.read_text(encoding="utf-8")).get("dev", {})
    if args.shared:
        expected["dev"] = code_digest(DEV, workers=1)
    old.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {old} and {DATA / 'reproducible_vectors.npy'}")


if __name__ == "__main__":
    main()
