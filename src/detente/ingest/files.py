"""Which paths the reader opens: regular files only, so a FIFO, socket or device is never read.

A FIFO named ``x.txt`` would hang an ordinary ``open`` until a writer comes, and a link to
``/dev/zero`` would feed the reader zeros until memory runs out; both are reported instead.
The check is made on the path (``stat`` follows links) and again on the opened descriptor,
which is opened non-blocking so that a FIFO swapped in between cannot hang the open.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from detente.ingest.decoding import clean_text

__all__ = ["is_directory", "open_regular", "path_missing", "regular_size", "shown"]

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def shown(path: str | Path) -> str:
    """``path`` for origins and messages: undecodable bytes of a file name become U+FFFD."""
    return clean_text(os.fspath(path))[0]


def path_missing(path: Path) -> bool:
    """Whether nothing is at ``path`` (an unreadable entry is there, and reported later)."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:  # there but unreadable (permissions, a link loop)
        return False
    return False


def is_directory(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def regular_size(path: Path) -> tuple[int, str]:
    """``(size in bytes, "")`` for a regular file (or a link to one), else ``(0, reason)``."""
    try:
        info = path.stat()
    except FileNotFoundError:  # removed since read_articles checked it
        return 0, "no such file or directory; check the path"
    except OSError as err:
        return 0, f"cannot read the file ({err.strerror}); check its permissions"
    if not stat.S_ISREG(info.st_mode):
        return 0, _not_regular(path, info.st_mode)
    return info.st_size, ""


def open_regular(path: Path) -> tuple[BinaryIO | None, str]:
    """``(binary handle, "")`` for a regular file, else ``(None, reason)``."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as err:
        return None, f"cannot open the file ({err.strerror}); check its permissions"
    try:
        mode = os.fstat(fd).st_mode
    except OSError as err:
        os.close(fd)
        return None, f"cannot read the file ({err.strerror}); check its permissions"
    if not stat.S_ISREG(mode):
        os.close(fd)
        return None, _not_regular(path, mode)
    return os.fdopen(fd, "rb"), ""


def _not_regular(path: Path, mode: int) -> str:
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "not a file")
    try:
        linked = path.is_symlink()
    except OSError:
        linked = False
    if linked:
        kind = f"a symbolic link to {kind}"
    return (
        f"not a regular file: {kind}; pass a regular file, or send a stream to standard input (-)"
    )
