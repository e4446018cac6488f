"""Where detente keeps per-user files (the KB overlay, built models)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["data_home", "models_home", "replacing"]


def data_home() -> Path:
    """``$DETENTE_HOME``, else ``$XDG_DATA_HOME/detente``, else ``~/.local/share/detente``."""
    home = os.environ.get("DETENTE_HOME", "").strip()
    if home:
        return Path(home).expanduser()
    xdg = Path(os.environ.get("XDG_DATA_HOME", "").strip() or "relative").expanduser()
    base = xdg if xdg.is_absolute() else Path.home() / ".local" / "share"
    return base / "detente"


def models_home() -> Path:
    """Built models (the ONNX encoder, trained classifiers): ``$DETENTE_MODELS``, else
    ``data_home()/models``.  Safe to delete; they are rebuilt on next use."""
    models = os.environ.get("DETENTE_MODELS", "").strip()
    return Path(models).expanduser() if models else data_home() / "models"


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` that replaces it when the block ends without error,
    so a crash, or another process writing the same file, never leaves half a file behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
