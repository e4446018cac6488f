"""Where detente keeps per-user files (the KB overlay), and atomic file replacement."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["data_home", "replacing"]


def data_home() -> Path:
    """``$DETENTE_HOME``, else ``$XDG_DATA_HOME/detente``, else ``~/.local/share/detente``."""
    home = os.environ.get("DETENTE_HOME", "").strip()
    if home:
        return Path(home).expanduser()
    xdg = Path(os.environ.get("XDG_DATA_HOME", "").strip() or "relative").expanduser()
    base = xdg if xdg.is_absolute() else Path.home() / ".local" / "share"
    return base / "detente"


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
