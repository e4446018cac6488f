"""A BERT encoder in float64 NumPy, straight from its safetensors weights.

Why not onnxruntime: its int8 kernels compute differently on CPUs with and without AVX-512
(AVX2's u8s8 path saturates), and even its float32 kernels sum in an order that depends on the
instruction set, so a sentence's vector, and then an event, would depend on the machine that
coded it.  In float64 the same differences shrink to about 1e-15: every decision and every
printed figure comes out the same on any x86-64 or aarch64 CPU unless a value lies within
about 1e-12 of a threshold.  The cost, printed by ``bench/classifier_cv.py``: about 35
sentences/s on one core, where the int8 graph ran at about 160.

One sentence at a time, unpadded, so no vector depends on what it was batched with.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detente.embeddings.tensorfile import read_safetensors

__all__ = ["Bert", "BertShape"]


@dataclass(frozen=True, slots=True)
class BertShape:
    """The few numbers of a BERT ``config.json`` that the computation depends on."""

    hidden: int
    heads: int
    layers: int
    eps: float

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertShape:
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config['hidden_act']!r}; expected gelu")
        return cls(
            hidden=int(config["hidden_size"]),
            heads=int(config["num_attention_heads"]),
            layers=int(config["num_hidden_layers"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
        )


# Abramowitz and Stegun 7.1.26: |error| < 1.5e-7, far below what float32 training resolved.
_ERF_P = 0.3275911
_ERF_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact-form GELU, x * (1 + erf(x / sqrt 2)) / 2, computed in place of ``x``'s copy."""
    z = np.abs(x) * (1.0 / math.sqrt(2.0))
    t = 1.0 / (1.0 + _ERF_P * z)
    poly = np.full_like(t, _ERF_A[0])
    for a in _ERF_A[1:]:
        poly *= t
        poly += a
    poly *= t
    # erf(|z|) = 1 - poly * exp(-z^2); the sign of x comes back through copysign.
    np.negative(z, out=z)
    z *= np.abs(x) * (1.0 / math.sqrt(2.0))
    np.exp(z, out=z)
    poly *= z
    erf: np.ndarray = np.copysign(1.0 - poly, x)
    erf += 1.0
    erf *= x
    erf *= 0.5
    return erf


def _layer_norm(x: np.ndarray, scale: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    spread = np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)
    result: np.ndarray = centred / spread * scale + bias
    return result


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: np.ndarray  # (hidden, 3 * hidden): query, key and value projections side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    inner: np.ndarray
    inner_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class Bert:
    """Token ids -> last hidden state, in float64."""

    def __init__(self, weights: dict[str, np.ndarray], shape: BertShape) -> None:
        def w(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=np.float64)

        def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            # torch keeps Linear weights as (out, in); a row-vector product wants (in, out).
            return np.ascontiguousarray(w(f"{prefix}.weight").T), w(f"{prefix}.bias")

        def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            return w(f"{prefix}.weight"), w(f"{prefix}.bias")

        self.shape = shape
        self.words = w("embeddings.word_embeddings.weight")
        self.positions = w("embeddings.position_embeddings.weight")
        # Single sentences have token type 0 throughout: one constant row.
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.embedding_norm = norm("embeddings.LayerNorm")
        self.layers = []
        for n in range(shape.layers):
            p = f"encoder.layer.{n}"
            parts = [linear(f"{p}.attention.self.{name}") for name in ("query", "key", "value")]
            self.layers.append(
                _Layer(
                    np.ascontiguousarray(np.hstack([m for m, _ in parts])),
                    np.concatenate([b for _, b in parts]),
                    *linear(f"{p}.attention.output.dense"),
                    norm(f"{p}.attention.output.LayerNorm"),
                    *linear(f"{p}.intermediate.dense"),
                    *linear(f"{p}.output.dense"),
                    norm(f"{p}.output.LayerNorm"),
                )
            )

    @classmethod
    def from_files(cls, folder: Path) -> Bert:
        """A model folder with ``config.json`` and ``model.safetensors``."""
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        return cls(read_safetensors(folder / "model.safetensors"), BertShape.from_config(config))

    def hidden_states(self, ids: np.ndarray) -> np.ndarray:
        """(tokens, hidden) for one sentence's token ids, no padding."""
        tokens = len(ids)
        hidden, heads, eps = self.shape.hidden, self.shape.heads, self.shape.eps
        head_dim = hidden // heads
        x = self.words[ids] + self.positions[:tokens] + self.token_type
        x = _layer_norm(x, *self.embedding_norm, eps)
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            # (tokens, 3, heads, head_dim) -> three (heads, tokens, head_dim) blocks
            q, k, v = qkv.reshape(tokens, 3, heads, head_dim).transpose(1, 2, 0, 3)
            scores = q @ k.transpose(0, 2, 1) * (1.0 / math.sqrt(head_dim))
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(tokens, hidden)
            x = _layer_norm(context @ layer.out + layer.out_bias + x, *layer.norm1, eps)
            inner = _gelu(x @ layer.inner + layer.inner_bias)
            x = _layer_norm(inner @ layer.down + layer.down_bias + x, *layer.norm2, eps)
        return x
