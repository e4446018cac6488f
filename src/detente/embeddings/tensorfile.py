"""Read and write the safetensors format: an 8-byte header length, a JSON index, raw data.

Model weights arrive in it, and detente's own trained weights are written in it, because the
bytes depend only on the tensors and metadata (a zip, as ``np.savez`` writes, stamps the time).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

from detente.paths import replacing

__all__ = ["read_metadata", "read_safetensors", "write_safetensors"]

_DTYPES = {
    "F64": np.float64,
    "F32": np.float32,
    "F16": np.float16,
    "I64": np.int64,
    "I32": np.int32,
}
_NAMES = {np.dtype(kind): name for name, kind in _DTYPES.items()}


def _header(raw: bytes) -> tuple[dict[str, Any], int]:
    (length,) = struct.unpack("<Q", raw[:8])
    header: dict[str, Any] = json.loads(raw[8 : 8 + length])
    return header, 8 + length


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of the file, as NumPy arrays."""
    raw = path.read_bytes()
    header, offset = _header(raw)
    data = memoryview(raw)[offset:]
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        tensors[name] = array.copy()
    return tensors


def read_metadata(path: Path) -> dict[str, str]:
    """The file's ``__metadata__`` (string to string), empty when it has none."""
    header, _ = _header(path.read_bytes())
    return {str(k): str(v) for k, v in dict(header.get("__metadata__", {})).items()}


def write_safetensors(
    path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None
) -> None:
    """Write ``tensors`` (sorted by name) atomically; the same input gives the same bytes."""
    header: dict[str, object] = {"__metadata__": dict(sorted((metadata or {}).items()))}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        if array.dtype not in _NAMES:
            raise ValueError(f"tensor {name!r}: dtype {array.dtype} cannot be stored")
        blob = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": _NAMES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the format aligns data to 8 bytes
    with replacing(path) as tmp:
        tmp.write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))
