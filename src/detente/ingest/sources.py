"""Read articles from files, directories and standard input.

``read_articles`` accepts plain text (``.txt .text .md``), HTML (``.html .htm``) and records
(``.jsonl .ndjson .csv``; fields ``id, text, date, title, url, source``).  Record files are
streamed line by line.  A path that does not exist is a mistake in the call and raises
``InputError`` at once, before anything is read; a bad record or file never stops the run:
it is handed to ``on_skip`` as a ``Skipped`` that says where it was and how to fix it, and
reading goes on.  What counts as bad, and what happens to it:

* Encoding: UTF-8, with or without a BOM; UTF-16 and UTF-32 when they start with a byte order
  mark.  A line (a record) with invalid UTF-8 is skipped with its byte offset.
* Invalid Unicode: lone surrogates (``\\udfff`` escapes in JSON that are not half of a pair)
  are replaced with U+FFFD in every field; the count is logged once per file.
* Binary data: a file whose start is mostly non-text bytes with NULs is skipped whole.  In a
  text file, a stray NUL spoils only its record: the line of a JSONL file, the row of a CSV
  file, the whole document of a text or HTML file.
* Size: a record (a JSONL line, a CSV record, a text or HTML file) over ``max_article_bytes``
  is skipped without being read into memory.
* Dates must lie in ``EARLIEST_DATE..LATEST_DATE`` (1000-01-01..2999-12-31) of
  ``detente.models``; a record dated outside it is skipped.
* CSV: a quote that is never closed spoils the record it opens: that record is skipped with
  its line number and parsing starts again on the next line, so the records it swallowed and
  those after it are still read; a record over the size limit is skipped whole (details in
  ``detente.ingest.csv_records``).
* Only regular files are read: a FIFO, socket or device (or a link to one) is skipped as "not
  a regular file" without being opened for reading.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from detente.errors import ConfigError, InputError
from detente.ingest.csv_records import csv_lines, csv_records
from detente.ingest.decoding import (
    Line,
    clean_text,
    decode_line,
    looks_binary,
    nul_in_line,
    over_limit,
    read_lines,
)
from detente.ingest.files import is_directory, open_regular, path_missing, regular_size, shown
from detente.ingest.html import html_to_text
from detente.ingest.ids import article_id_for
from detente.ingest.records import Repairs, article_from_record, clean_record, date_range_problem
from detente.ingest.records import json_kind as _json_kind
from detente.models import Article

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
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
DEFAULT_MAX_ARTICLE_BYTES = 5_000_000  # the default of the max_article_bytes setting
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
_SNIFF_BYTES = 8192  # the start of an input that decides whether it is binary
_HEAD_LINES = 100_000  # blank lines held while looking for the first non-blank one
_RECORD_EXAMPLE = '{"id": "a1", "date": "2024-05-01", "text": "..."}'
_BINARY = (
    "binary data (NUL bytes), not text; pass a text, HTML, JSONL or CSV file "
    "(UTF-16 or UTF-32 text needs a byte order mark)"
)


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
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> Iterator[Article]:
    """Yield an ``Article`` for every readable document or record in ``paths``, in order.

    Each path is a file, a directory (walked recursively in sorted order for files with the
    known suffixes, hidden entries skipped) or ``"-"`` for standard input.  ``date`` is the
    date of inputs that carry none; a record's own ``date`` wins.  ``input_format`` is
    ``"auto"`` (by suffix; sniffed for stdin and unknown suffixes) or one of ``jsonl``,
    ``csv``, ``text``, ``html`` to force it.  ``max_article_bytes`` caps one record or
    document.  Raises at once, before reading anything, ``ConfigError`` for an unknown
    ``input_format`` or a ``max_article_bytes`` under 1, and ``InputError`` for a ``date``
    outside 1000-01-01..2999-12-31 and naming every path that does not exist; data problems
    only ever reach ``on_skip`` (see the module docstring for what is skipped and how).
    """
    if input_format not in INPUT_FORMATS:
        raise ConfigError(
            f"unknown input format {input_format!r}; use one of {', '.join(INPUT_FORMATS)}"
        )
    if isinstance(max_article_bytes, bool) or not isinstance(max_article_bytes, int):
        raise ConfigError(
            f"max_article_bytes must be a whole number of bytes such as 5000000, not "
            f"{max_article_bytes!r}"
        )
    if max_article_bytes < 1:
        raise ConfigError(
            f"max_article_bytes must be at least 1, not {max_article_bytes}; set it with "
            "DETENTE_MAX_ARTICLE_BYTES or max_article_bytes in detente.toml"
        )
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is not None and (problem := date_range_problem(date)):
        raise InputError(f"{problem}; give a date in that range for inputs that carry none")
    missing = [str(p) for p in paths if str(p) != STDIN_PATH and path_missing(Path(p))]
    if missing:
        paths_word = "the path" if len(missing) == 1 else "the paths"
        raise InputError(
            f"no such file or directory; check {paths_word}", origin=", ".join(missing)
        )
    reader = _Reader(
        date=date,
        input_format=input_format,
        on_skip=on_skip,
        stdin=stdin,
        max_bytes=max_article_bytes,
    )
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
        max_bytes: int,
    ) -> None:
        self.date = date
        self.input_format = input_format
        self.on_skip = on_skip
        self.stdin = stdin
        self.max_bytes = max_bytes
        self.repairs = Repairs()

    def skip(self, origin: str, reason: str) -> None:
        self.on_skip(Skipped(origin, reason))

    def read(self, paths: Sequence[str | Path]) -> Iterator[Article]:
        for item in paths:
            if str(item) == STDIN_PATH:
                stream = self.stdin if self.stdin is not None else sys.stdin.buffer
                yield from self._guarded(stream, STDIN_NAME, self.input_format)
                continue
            path = Path(item)
            if is_directory(path):
                yield from self._directory(path)
            else:
                yield from self._file(path)

    def _directory(self, root: Path) -> Iterator[Article]:
        found: list[Path] = []

        def walk_error(err: OSError) -> None:
            where = shown(err.filename or root)
            self.skip(where, f"cannot read the directory ({err.strerror})")

        for dirpath, dirnames, filenames in os.walk(root, onerror=walk_error):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            found.extend(
                Path(dirpath, name)
                for name in filenames
                if not name.startswith(".") and Path(name).suffix.lower() in _ALL_SUFFIXES
            )
        if not found:
            self.skip(
                shown(root),
                f"the directory holds no input files ({' '.join(_ALL_SUFFIXES)}); "
                "point at the files themselves or rename them with one of these suffixes",
            )
            return
        for path in sorted(found, key=lambda p: p.relative_to(root).parts):
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Article]:
        name = shown(path)
        size, problem = regular_size(path)
        if problem:
            self.skip(name, problem)
            return
        fmt = self.input_format
        if fmt == "auto":
            fmt = _SUFFIX_FORMATS.get(path.suffix.lower(), "auto")
        if fmt in ("text", "html") and size > self.max_bytes:
            self.skip(name, over_limit(f"the file is {size} bytes", self.max_bytes))
            return
        handle, problem = open_regular(path)
        if handle is None:
            self.skip(name, problem)
            return
        with handle:
            yield from self._guarded(handle, name, fmt, size=size)

    def _guarded(
        self, stream: Any, name: str, fmt: str, *, size: int | None = None
    ) -> Iterator[Article]:
        """Read one stream; an I/O or decoding error of the stream itself ends it, reported."""
        self.repairs = Repairs()
        try:
            yield from self._stream(read_lines(stream, self.max_bytes), name, fmt, size)
        except OSError as err:
            what = "standard input" if name == STDIN_NAME else "the file"
            self.skip(
                name, f"cannot read {what} to the end ({err.strerror}); what came before was read"
            )
        except UnicodeDecodeError as err:  # raised by a text stream that decodes for us
            self.skip(
                name,
                f"cannot read the stream to the end ({err}); what came before was read; pass "
                "a binary stream (such as sys.stdin.buffer) so that bad bytes cost only their line",
            )
        if summary := self.repairs.summary(name):
            LOGGER.warning("%s", summary)

    def _stream(
        self, lines: Iterable[Line], name: str, fmt: str, size: int | None
    ) -> Iterator[Article]:
        """Read one file or stream, named ``name`` in origins, as ``fmt`` (or sniff it)."""
        rest = iter(lines)
        head: list[Line] = []
        held = 0
        first: Line | None = None
        complete = True
        # Read past the binary-check window and up to the first non-blank line, then chain.
        for line in rest:
            head.append(line)
            held += len(line.data)
            if first is None and line.data.strip():
                first = line
            if held >= _SNIFF_BYTES and (
                first is not None or len(head) >= _HEAD_LINES or held > self.max_bytes
            ):
                complete = False
                break
        if looks_binary(b"".join(line.data for line in head)[:_SNIFF_BYTES]):
            self.skip(name, _BINARY)
            return
        if first is None and complete:
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
            yield from self._document(everything, name, fmt, size)

    def _document(
        self, lines: Iterable[Line], name: str, fmt: str, size: int | None
    ) -> Iterator[Article]:
        parts: list[bytes] = []
        total = 0
        for line in lines:
            total += line.size
            if total > self.max_bytes:
                if size is not None:
                    what = f"the file is {size} bytes"
                else:
                    what = "standard input holds a longer text"
                self.skip(name, over_limit(what, self.max_bytes))
                return
            parts.append(line.data)
        data = b"".join(parts)
        if (nul := data.find(b"\0")) >= 0:
            self.skip(name, f"{_BINARY}; the first NUL is at byte offset {nul}")
            return
        text, error = decode_line(data, 0, first=True)
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
            text, replaced = clean_text(text)
            title, replaced_in_title = clean_text(title)
            self.repairs.add(name, {"text": replaced, "title": replaced_in_title})
        yield Article(id=article_id_for(text), text=text, date=self.date, title=title, origin=name)

    def _jsonl(self, lines: Iterable[Line], name: str) -> Iterator[Article]:
        offset = 0
        for number, raw in enumerate(lines, start=1):
            origin = f"{name}:{number}"
            start, offset = offset, offset + raw.size
            if raw.truncated:
                self.skip(
                    origin, over_limit(f"line {number} is {raw.length} bytes", self.max_bytes)
                )
                continue
            if b"\0" in raw.data:
                self.skip(origin, nul_in_line(number, start + raw.data.index(b"\0")))
                continue
            line, error = decode_line(raw.data, start, first=number == 1)
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

    def _csv(self, lines: Iterable[Line], name: str) -> Iterator[Article]:
        records = csv_records(csv_lines(lines), max_bytes=self.max_bytes)
        header_record = next(records, None)
        if header_record is None:
            return
        if header_record.problem:
            self.skip(f"{name}:{header_record.line}", header_record.problem)
            return
        header = [cell.strip().lower() for cell in header_record.cells]
        if "text" not in header:
            found = ", ".join(cell for cell in header if cell) or "nothing"
            self.skip(
                name,
                f'the CSV header has no "text" column (found: {found}); the first row must '
                "name the columns, e.g. id,date,title,text",
            )
            return
        for record in records:
            origin = f"{name}:{record.line}"
            if record.problem:
                went_on = f"; reading went on at line {record.line + 1}" if record.resumed else ""
                self.skip(origin, record.problem + went_on)
            elif any(cell.strip() for cell in record.cells):
                yield from self._record(dict(zip(header, record.cells, strict=False)), origin)

    def _record(self, record: dict[str, Any], origin: str) -> Iterator[Article]:
        cleaned, repaired = clean_record(record)
        self.repairs.add(origin, repaired)
        article, reason = article_from_record(cleaned, origin, default_date=self.date)
        if article is None:
            self.skip(origin, reason)
        else:
            yield article


def _sniff(first: Line | None) -> str:
    """Guess a stream's format from its first non-blank line."""
    if first is None:
        return "text"
    line = first.data.decode("utf-8", "replace").strip().lstrip("\ufeff")
    if line.startswith("{"):
        if first.truncated:  # too long to check, and a record too long to read
            return "jsonl"
        try:
            if isinstance(json.loads(line), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass
    lowered = line[:50].lower()
    if lowered.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"
