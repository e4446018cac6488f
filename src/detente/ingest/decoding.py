"""Bytes to lines for the readers: chunks, byte order marks, capped lines, binary checks.

Every input, whatever it is (a file, a binary or text stream, an iterable of lines), becomes
``Line`` values: one physical line each, split at ``\\n`` only.  A line longer than the cap is
cut to its first ``cap + 1`` bytes and the rest is dropped as it streams past, so no line ever
takes more memory than the cap however long it is.  Input that starts with a UTF-16 or UTF-32
byte order mark is decoded and re-encoded as UTF-8 first (code units that do not decode, such
as lone surrogates, become U+FFFD); everything else is passed on as it is and decoded line by
line as strict UTF-8 by ``decode_line``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any, NamedTuple

__all__ = [
    "Line",
    "clean_text",
    "decode_line",
    "looks_binary",
    "nul_in_line",
    "over_limit",
    "read_lines",
]

CHUNK_BYTES = 1 << 16  # what one read asks for; a line can span many reads
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes that do not occur in text: C0 controls except \t \n \v \f \r, and DEL.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_BINARY_SHARE = 0.3  # a window with NULs and this share of non-text bytes is binary
_SURROGATES = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # how surrogateescape spells undecodable bytes
_UTF8_HELP = "re-encode the input as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt)"


class Line(NamedTuple):
    """One physical line: its bytes (only the first ``cap + 1`` when ``truncated``), its size
    in the input with the line ending and its length without it, and how many ``"`` it holds
    (all three counted over the whole line, even when it was cut)."""

    data: bytes
    size: int
    length: int
    truncated: bool = False
    quotes: int = 0


def read_lines(stream: Any, cap: int) -> Iterator[Line]:
    """The lines of ``stream`` (binary or text stream, or an iterable of lines) as UTF-8.

    A stream with ``readline`` is read at most ``CHUNK_BYTES`` at a time; anything else is
    iterated.  A line whose content (line ending excluded) is over ``cap`` bytes comes back
    ``truncated``.
    """
    return _split_lines(_transcoded(_chunks(stream)), cap)


def _chunks(stream: Any) -> Iterator[bytes]:
    readline = getattr(stream, "readline", None)
    if callable(readline):
        while piece := readline(CHUNK_BYTES):
            yield piece if type(piece) is bytes else _as_bytes(piece)
    else:
        for piece in stream:
            if piece:
                yield piece if type(piece) is bytes else _as_bytes(piece)


def _as_bytes(piece: bytes | bytearray | str) -> bytes:
    if not isinstance(piece, str):
        return bytes(piece)
    try:
        # surrogateescape gives back the bytes a text stream could not decode, so they are
        # reported with their offset instead of vanishing here.
        return piece.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # other lone surrogates: the same policy as in JSON records
        return _SURROGATES.sub(_keep_escaped, piece).encode("utf-8", "surrogateescape")


def _keep_escaped(match: re.Match[str]) -> str:
    return match[0] if _ESCAPED_BYTES.fullmatch(match[0]) else "\ufffd"


def _transcoded(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` unchanged, or decoded and re-encoded as UTF-8 when they start with a
    UTF-16 or UTF-32 byte order mark."""
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 8:
            break
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "")
    if head.startswith(codecs.BOM_UTF32_LE) and len(head) >= 8 and (head[7] or head[6] > 0x10):
        # No code point after the little-endian mark: UTF-16 whose first character is U+0000.
        encoding = "utf-16"
    if not encoding:
        if head:
            yield head
        yield from chunks
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in chain([head], chunks):
        if text := decoder.decode(chunk):
            yield text.encode("utf-8")
    if text := decoder.decode(b"", final=True):
        yield text.encode("utf-8")


def _split_lines(chunks: Iterable[bytes], cap: int) -> Iterator[Line]:
    parts: list[bytes] = []
    size = 0  # bytes of the current line so far, kept or not
    kept = 0  # bytes of it held in ``parts``
    quotes = 0
    for chunk in chunks:
        last = len(chunk) - 1
        if not size and 0 <= last <= cap and chunk.find(b"\n") == last:  # a whole line, as usual
            yield Line(chunk, last + 1, last, False, chunk.count(b'"'))
            continue
        start = 0
        while start <= last:
            end = chunk.find(b"\n", start)
            stop = last + 1 if end < 0 else end + 1
            size += stop - start
            quotes += chunk.count(b'"', start, stop)
            if kept <= cap:  # still within the cap: keep what is needed to tell
                piece = chunk[start : min(stop, start + cap + 1 - kept)]
                parts.append(piece)
                kept += len(piece)
            start = stop
            if end >= 0:
                yield _line(parts, size, cap, quotes, ended=True)
                parts, size, kept, quotes = [], 0, 0, 0
    if size:
        yield _line(parts, size, cap, quotes, ended=False)


def _line(parts: list[bytes], size: int, cap: int, quotes: int, *, ended: bool) -> Line:
    data = b"".join(parts)
    length = size - 1 if ended else size
    if length > cap:
        return Line(data[: cap + 1], size, length, truncated=True, quotes=quotes)
    return Line(data, size, length, quotes=quotes)


def decode_line(data: bytes, offset: int, *, first: bool) -> tuple[str, str]:
    """Decode UTF-8 (dropping a BOM at the very start); return ``(text, error message)``."""
    start = len(codecs.BOM_UTF8) if first and data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8"), ""
    except UnicodeDecodeError as err:
        position = offset + start + err.start
        byte = data[start + err.start : start + err.start + 1].hex()
        return "", f"invalid UTF-8 at byte offset {position} (0x{byte}); {_UTF8_HELP}"


def looks_binary(window: bytes) -> bool:
    """Whether the start of an input is binary data rather than text with a stray NUL: it
    holds NUL bytes and more than 30% of it is control bytes or bytes that are not UTF-8."""
    if b"\0" not in window:
        return False
    controls = len(window) - len(window.translate(None, _CONTROL_BYTES))
    undecodable = len(_ESCAPED_BYTES.findall(window.decode("utf-8", "surrogateescape")))
    return controls + undecodable > _BINARY_SHARE * len(window)


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate (U+D800..U+DFFF) replaced by U+FFFD, and how many."""
    if text.isascii():
        return text, 0
    return _SURROGATES.subn("\ufffd", text)


def over_limit(what: str, cap: int) -> str:
    """A skip reason: ``what`` (e.g. "line 3 is 9000000 bytes") is over the cap, and the fix."""
    return (
        f"{what}, more than the limit of {cap} bytes for one article; to read it, raise "
        "max_article_bytes (DETENTE_MAX_ARTICLE_BYTES, or max_article_bytes in detente.toml)"
    )


def nul_in_line(number: int, offset: int) -> str:
    """A skip reason: line ``number`` holds a NUL at byte ``offset`` of the input."""
    return (
        f"line {number} holds a NUL byte at byte offset {offset}, which text never has; "
        "remove it, or re-encode the file as UTF-8 if it is in another encoding"
    )
