"""Read articles from files, directories and standard input.

``read_articles`` accepts plain text (``.txt .text .md``), HTML (``.html .htm``) and records
(``.jsonl .ndjson .csv``; fields ``id, text, date, title, url, source``).  Record files are
streamed line by line.  A path that does not exist is a mistake in the call and raises
``InputError`` at once, before anything is read; a bad record or file never stops the run:
it is handed to ``on_skip`` as a ``Skipped`` that says where it was and how to fix it, and
reading goes on.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from detente.errors import ConfigError, InputError
from detente.ingest.html import html_to_text
from detente.ingest.ids import article_id_for
from detente.models import Article

__all__ = [
    "HTML_SUFFIXES",
    "INPUT_FORMATS",
    "RECORD_SUFFIXES",
    "TEXT_SUFFIXES",
    "Skipped",
    "read_articles",
]

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv")
INPUT_FORMATS = ("auto", "jsonl", "csv", "text", "html")
STDIN_PATH = "-"
STDIN_NAME = "<stdin>"

_ALL_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + RECORD_SUFFIXES
_SUFFIX_FORMATS = {
    **dict.fromkeys(TEXT_SUFFIXES, "text"),
    **dict.fromkeys(HTML_SUFFIXES, "html"),
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
_SNIFF_BYTES = 8192  # a NUL in this much of the start marks a binary file
_RECORD_EXAMPLE = '{"id": "a1", "date": "2024-05-01", "text": "..."}'
_DATE_HELP = "use YYYY-MM-DD or an ISO 8601 datetime such as 2024-05-01T09:30:00Z"
_UTF8_HELP = "re-encode the input as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt)"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not read: where it is (``path:line`` or ``path``) and why."""

    origin: str
    reason: str


def _log_skip(skipped: Skipped) -> None:
    LOGGER.warning("skipped %s: %s", skipped.origin, skipped.reason)


def read_articles(
    paths: Sequence[str | Path],
    *,
    date: dt.date | None = None,
    input_format: str = "auto",
    on_skip: Callable[[Skipped], None] = _log_skip,
    stdin: TextIO | BinaryIO | None = None,
) -> Iterator[Article]:
    """Yield an ``Article`` for every readable document or record in ``paths``, in order.

    Each path is a file, a directory (walked recursively in sorted order for files with the
    known suffixes, hidden entries skipped) or ``"-"`` for standard input.  ``date`` is the
    date of inputs that carry none; a record's own ``date`` wins.  ``input_format`` is
    ``"auto"`` (by suffix; sniffed for stdin and unknown suffixes) or one of ``jsonl``,
    ``csv``, ``text``, ``html`` to force it.  Raises at once, before reading anything,
    ``ConfigError`` for an unknown ``input_format`` and ``InputError`` naming every path that
    does not exist; data problems only ever reach ``on_skip``.
    """
    if input_format not in INPUT_FORMATS:
        raise ConfigError(
            f"unknown input format {input_format!r}; use one of {', '.join(INPUT_FORMATS)}"
        )
    missing = [str(p) for p in paths if str(p) != STDIN_PATH and not Path(p).exists()]
    if missing:
        paths_word = "the path" if len(missing) == 1 else "the paths"
        raise InputError(
            f"no such file or directory; check {paths_word}", origin=", ".join(missing)
        )
    reader = _Reader(date=date, input_format=input_format, on_skip=on_skip, stdin=stdin)
    return reader.read(paths)


class _Reader:
    """Holds the options of one ``read_articles`` call while it walks the inputs."""

    def __init__(
        self,
        *,
        date: dt.date | None,
        input_format: str,
        on_skip: Callable[[Skipped], None],
        stdin: TextIO | BinaryIO | None,
    ) -> None:
        self.date = date
        self.input_format = input_format
        self.on_skip = on_skip
        self.stdin = stdin

    def skip(self, origin: str, reason: str) -> None:
        self.on_skip(Skipped(origin, reason))

    def read(self, paths: Sequence[str | Path]) -> Iterator[Article]:
        for item in paths:
            if str(item) == STDIN_PATH:
                stream = self.stdin if self.stdin is not None else sys.stdin.buffer
                yield from self._stream(_binary_lines(stream), STDIN_NAME, self.input_format)
                continue
            path = Path(item)
            if path.is_dir():
                yield from self._directory(path)
            elif path.exists():
                yield from self._file(path)
            else:  # removed since read_articles checked it
                self.skip(str(path), "no such file or directory; check the path")

    def _directory(self, root: Path) -> Iterator[Article]:
        found: list[Path] = []

        def walk_error(err: OSError) -> None:
            self.skip(str(err.filename or root), f"cannot read the directory ({err.strerror})")

        for dirpath, dirnames, filenames in os.walk(root, onerror=walk_error):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            found.extend(
                Path(dirpath, name)
                for name in filenames
                if not name.startswith(".") and Path(name).suffix.lower() in _ALL_SUFFIXES
            )
        if not found:
            self.skip(
                str(root),
                f"the directory holds no input files ({' '.join(_ALL_SUFFIXES)}); "
                "point at the files themselves or rename them with one of these suffixes",
            )
            return
        for path in sorted(found, key=lambda p: p.relative_to(root).parts):
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Article]:
        fmt = self.input_format
        if fmt == "auto":
            fmt = _SUFFIX_FORMATS.get(path.suffix.lower(), "auto")
        try:
            handle = path.open("rb")
        except OSError as err:
            self.skip(str(path), f"cannot open the file ({err.strerror}); check its permissions")
            return
        with handle:
            yield from self._stream(handle, str(path), fmt)

    def _stream(self, lines: Iterable[bytes], name: str, fmt: str) -> Iterator[Article]:
        """Read one file or stream, named ``name`` in origins, as ``fmt`` (or sniff it)."""
        rest = iter(lines)
        head: list[bytes] = []
        size = 0
        first = b""
        # Read past the binary-check window and up to the first non-blank line, then chain.
        for line in rest:
            head.append(line)
            size += len(line)
            if not first and line.strip():
                first = line
            if first and size >= _SNIFF_BYTES:
                break
        if b"\0" in b"".join(head)[:_SNIFF_BYTES]:
            self.skip(
                name, "binary data (NUL bytes), not text; pass a text, HTML, JSONL or CSV file"
            )
            return
        if not first:
            what = "standard input" if name == STDIN_NAME else "the file"
            self.skip(name, f"{what} is empty or holds only whitespace; give it some text")
            return
        if fmt == "auto":
            fmt = _sniff(first)
        LOGGER.debug("reading %s as %s", name, fmt)
        everything = chain(head, rest)
        if fmt == "jsonl":
            yield from self._jsonl(everything, name)
        elif fmt == "csv":
            yield from self._csv(everything, name)
        else:
            yield from self._document(b"".join(everything), name, fmt)

    def _document(self, data: bytes, name: str, fmt: str) -> Iterator[Article]:
        text, error = _decode(data, 0, first=True)
        if error:
            self.skip(name, error)
            return
        if not text.strip():
            self.skip(name, "the input holds only whitespace; give it some text")
            return
        title = ""
        if fmt == "html":
            try:
                text, title = html_to_text(text)
            except InputError as err:
                self.skip(name, err.reason)
                return
        yield Article(id=article_id_for(text), text=text, date=self.date, title=title, origin=name)

    def _jsonl(self, lines: Iterable[bytes], name: str) -> Iterator[Article]:
        offset = 0
        for number, raw in enumerate(lines, start=1):
            origin = f"{name}:{number}"
            line, error = _decode(raw, offset, first=number == 1)
            offset += len(raw)
            if error:
                self.skip(origin, error)
                continue
            line = line.strip().lstrip("\ufeff")
            if not line:
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                self.skip(
                    origin,
                    f"line {number} is not valid JSON ({err.msg} at column {err.colno}); "
                    f"each line must be one JSON object such as {_RECORD_EXAMPLE}",
                )
                continue
            except (ValueError, RecursionError) as err:  # huge integers, absurd nesting
                self.skip(origin, f"line {number} cannot be read as JSON ({err})")
                continue
            if not isinstance(value, dict):
                self.skip(
                    origin,
                    f"line {number} is a JSON {_json_kind(value)}, not an object; "
                    f"each line must be one JSON object such as {_RECORD_EXAMPLE}",
                )
                continue
            yield from self._record(value, origin)

    def _csv(self, lines: Iterable[bytes], name: str) -> Iterator[Article]:
        bad: dict[int, str] = {}

        def decoded() -> Iterator[str]:
            offset = 0
            for number, raw in enumerate(lines, start=1):
                text, error = _decode(raw, offset, first=number == 1)
                offset += len(raw)
                if error:
                    # Keep the line so csv stays in step with quoted fields; drop its row later.
                    bad[number] = error
                    text = raw.decode("utf-8", "replace")
                yield text

        reader = csv.reader(decoded())
        try:
            header = [cell.strip().lower() for cell in next(reader, [])]
        except csv.Error as err:
            self.skip(f"{name}:1", f"cannot parse the CSV header ({err}); fix its quoting")
            return
        if 1 in bad:
            self.skip(f"{name}:1", bad[1])
            return
        if "text" not in header:
            found = ", ".join(cell for cell in header if cell) or "nothing"
            self.skip(
                name,
                f'the CSV header has no "text" column (found: {found}); the first row must '
                "name the columns, e.g. id,date,title,text",
            )
            return
        while True:
            before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                self.skip(
                    f"{name}:{before + 1}",
                    f"cannot parse the CSV ({err}); fix the quoting (or use JSONL for very long "
                    "texts); the rest of this file was not read",
                )
                return
            origin = f"{name}:{before + 1}"
            problems = [bad[n] for n in range(before + 1, reader.line_num + 1) if n in bad]
            if problems:
                self.skip(origin, problems[0])
            elif any(cell.strip() for cell in row):
                yield from self._record(dict(zip(header, row, strict=False)), origin)

    def _record(self, record: Mapping[str, Any], origin: str) -> Iterator[Article]:
        text = record.get("text")
        if text is None:
            self.skip(origin, 'the record has no "text" field; put the article text under "text"')
            return
        if not isinstance(text, str):
            self.skip(origin, f'"text" must be a string, not a JSON {_json_kind(text)}')
            return
        if not text.strip():
            self.skip(origin, '"text" is empty; give the article text or drop the record')
            return
        date, date_error = _parse_date(record.get("date"), self.date)
        if date_error:
            self.skip(origin, date_error)
            return
        raw_id = record.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float | None):
            self.skip(origin, f'"id" must be a string or a number, not a JSON {_json_kind(raw_id)}')
            return
        article_id = "" if raw_id is None else str(raw_id).strip()
        yield Article(
            id=article_id or article_id_for(text),
            text=text,
            date=date,
            title=_field(record, "title"),
            url=_field(record, "url"),
            source=_field(record, "source"),
            origin=origin,
        )


def _binary_lines(stream: TextIO | BinaryIO) -> Iterator[bytes]:
    """Lines of a text or binary stream as bytes (text streams are re-encoded as UTF-8)."""
    for line in stream:
        # surrogateescape round-trips bytes a text stream could not decode, so they fail later
        # with an offset instead of vanishing here.
        yield line if isinstance(line, bytes) else line.encode("utf-8", "surrogateescape")


def _decode(data: bytes, offset: int, *, first: bool) -> tuple[str, str]:
    """Decode UTF-8 (dropping a BOM at the very start); return ``(text, error message)``."""
    start = len(codecs.BOM_UTF8) if first and data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8"), ""
    except UnicodeDecodeError as err:
        position = offset + start + err.start
        byte = data[start + err.start : start + err.start + 1].hex()
        return "", f"invalid UTF-8 at byte offset {position} (0x{byte}); {_UTF8_HELP}"


def _sniff(first_line: bytes) -> str:
    """Guess a stream's format from its first non-blank line."""
    line = first_line.decode("utf-8", "replace").strip().lstrip("\ufeff")
    if line.startswith("{"):
        try:
            if isinstance(json.loads(line), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass
    lowered = line[:50].lower()
    if lowered.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def _parse_date(value: Any, default: dt.date | None) -> tuple[dt.date | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default, ""
    if isinstance(value, str):
        stamp = value.strip()
        try:
            return dt.date.fromisoformat(stamp), ""
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(stamp).date(), ""
        except ValueError:
            pass
    return None, f"invalid date {value!r}; {_DATE_HELP}"


def _field(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    return "string" if isinstance(value, str) else type(value).__name__
