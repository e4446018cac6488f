"""The records of a CSV stream with the line each starts on; a quote left open costs one record.

Rows are parsed with Python's ``csv`` module in strict mode, where a quoted field ends at a
quote followed by a comma or the end of the line.  A quoted field may run over several lines
(a text with paragraphs), so a quote that is never closed shows up only later: at the end of
the input, or at a quote that is not followed by a comma.  What the record's lines hold
decides what it was, by the parity of their quote characters (a field's own quotes are
doubled, so a complete record holds an even number):

* odd: a quote opened on the record's first line is never closed.  That record is skipped,
  and parsing starts again on the next line, so the records the open quote swallowed are
  read as records of their own.
* even: the record is complete but sloppy (``"Oslo" accord``) and is read leniently, as
  ``csv`` reads it by default.

A record over the size cap (or with a field over ``csv.field_size_limit()``) is skipped whole:
its lines are passed over, by the same parity, up to the line that closes its quotes, holding
no more than another cap of them; when the input ends first, the quote was never closed and
the lines held are parsed again as above (past that much, they are reported as not read).
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from detente.ingest.decoding import Line, decode_line, nul_in_line, over_limit

__all__ = ["CsvLine", "CsvRecord", "csv_lines", "csv_records"]

_QUOTE_HELP = 'close it, and write a quote inside a quoted field twice ("")'


class CsvLine(NamedTuple):
    """One physical line: its number, its decoded text, its size in bytes with and without
    the line ending, its count of quote characters, and what is wrong with it (``""`` when
    nothing; a line with a problem spoils the record it belongs to)."""

    number: int
    text: str
    size: int
    length: int
    quotes: int
    problem: str = ""


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """A parsed record, or (``cells`` empty, ``problem`` set) one that could not be used;
    ``resumed`` is true when it ran over several lines and parsing went back to
    ``line + 1`` to read those lines again."""

    line: int
    cells: tuple[str, ...]
    problem: str = ""
    resumed: bool = False


class _TooBigError(Exception):
    """The record being parsed has grown past the cap."""


class _Feed:
    """The lines handed to ``csv.reader``, remembering those of the current record so that
    they can be handed over again after an error."""

    def __init__(self, lines: Iterable[CsvLine], max_bytes: int) -> None:
        self.source = iter(lines)
        self.max_bytes = max_bytes
        self.pending: deque[CsvLine] = deque()
        self.taken: list[CsvLine] = []
        self.size = 0

    def start_record(self) -> None:
        self.taken.clear()
        self.size = 0

    def next_line(self) -> CsvLine | None:
        return self.pending.popleft() if self.pending else next(self.source, None)

    def texts(self) -> Iterator[str]:
        pending, source, taken = self.pending, self.source, self.taken
        while True:
            line = pending.popleft() if pending else next(source, None)
            if line is None:
                return
            taken.append(line)
            if self.size + line.length > self.max_bytes:  # the last line ending is not counted
                raise _TooBigError
            self.size += line.size
            yield line.text

    def replay(self, lines: Iterable[CsvLine]) -> None:
        self.pending.extendleft(reversed(list(lines)))


def csv_records(lines: Iterable[CsvLine], *, max_bytes: int) -> Iterator[CsvRecord]:
    """Parse ``lines`` into records; a record over ``max_bytes`` bytes is reported, not read."""
    feed = _Feed(lines, max_bytes)
    reader = csv.reader(feed.texts(), strict=True)
    while True:
        feed.start_record()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _TooBigError:
            yield _oversized(feed, "")
        except csv.Error as err:
            if "field limit" in str(err):
                yield _oversized(feed, f" (a field is over {csv.field_size_limit()} characters)")
            elif _odd(feed.taken):
                feed.replay(feed.taken[1:])
                yield _unclosed(feed.taken, str(err))
            else:
                yield _lenient(feed.taken)
        else:
            yield _record(feed.taken, tuple(cells))
            continue
        reader = csv.reader(feed.texts(), strict=True)


def _odd(lines: Iterable[CsvLine]) -> bool:
    return sum(line.quotes for line in lines) % 2 == 1


def _record(taken: list[CsvLine], cells: tuple[str, ...]) -> CsvRecord:
    problem = next((line.problem for line in taken if line.problem), "")
    return CsvRecord(taken[0].number, cells, problem)


def _lenient(taken: list[CsvLine]) -> CsvRecord:
    try:
        rows = list(csv.reader(line.text for line in taken))
    except csv.Error as err:
        rows, error = [], f" ({err})"
    else:
        error = ""
    if len(rows) != 1:
        first, last = taken[0].number, taken[-1].number
        where = f"line {first}" if first == last else f"lines {first} to {last}"
        return CsvRecord(
            first, (), f"cannot parse CSV {where}{error}; quote the fields that hold line breaks"
        )
    return _record(taken, tuple(rows[0]))


def _unclosed(lines: list[CsvLine], detail: str) -> CsvRecord:
    start, end = lines[0].number, lines[-1].number
    problem = (
        f"a quote opened on CSV line {start} seems never to be closed (parsing stopped at line "
        f"{end}: {detail}); {_QUOTE_HELP}"
    )
    return CsvRecord(start, (), problem, resumed=end > start)


def _oversized(feed: _Feed, detail: str) -> CsvRecord:
    """Pass over the rest of a record too big to parse, up to the line that closes its
    quotes; if the input ends first, its quote was never closed."""
    taken = feed.taken
    held = list(taken[1:])  # to parse again if the quote turns out never to be closed
    budget = feed.max_bytes  # on top of ``taken``, itself about one cap
    quotes = sum(line.quotes for line in taken)
    end = taken[-1].number
    while quotes % 2:
        line = feed.next_line()
        if line is None:  # the input ended inside the quote
            if budget < 0:
                return CsvRecord(
                    taken[0].number,
                    (),
                    f"a quote opened on CSV line {taken[0].number} is never closed; lines "
                    f"{taken[0].number + 1} to {end} were passed over, too many to read again; "
                    f"{_QUOTE_HELP}",
                )
            feed.replay(held)
            return _unclosed([taken[0], *held], "the input ends inside the quote")
        quotes += line.quotes
        end = line.number
        budget -= len(line.text)
        if budget >= 0:
            held.append(line)
    start = taken[0].number
    if end == start:
        what = f"line {start} is {taken[0].length} bytes{detail}"
    else:
        what = f"the CSV record on lines {start} to {end} is too big{detail}"
    return CsvRecord(start, (), over_limit(what, feed.max_bytes))


def csv_lines(lines: Iterable[Line]) -> Iterator[CsvLine]:
    """Physical lines decoded for ``csv``; a bad line is kept (decoded leniently) so that
    quoted fields stay in step, and marks its record as bad."""
    offset = 0
    for number, line in enumerate(lines, start=1):
        start, offset = offset, offset + line.size
        data = line.data
        if line.truncated:  # csv_records drops it for its size before parsing it
            yield CsvLine(number, "", line.size, line.length, line.quotes)
            continue
        problem = ""
        if b"\0" in data:
            problem = nul_in_line(number, start + data.index(b"\0"))
        elif number == 1 or not data.isascii():
            text, problem = decode_line(data, start, first=number == 1)
        else:
            text = data.decode("ascii")
        if problem:
            text = data.decode("utf-8", "replace")
        yield CsvLine(number, text, line.size, line.length, line.quotes, problem)
