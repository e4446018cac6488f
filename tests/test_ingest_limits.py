"""The reader against bad data (issue "Nothing lost"): unterminated CSV quotes, special files
(FIFOs, devices) and records over ``max_article_bytes``.  Encodings: test_ingest_hardening.py."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import pytest

from detente.errors import ConfigError
from detente.ingest.ids import article_id_for
from detente.ingest.sources import DEFAULT_MAX_ARTICLE_BYTES, Skipped, read_articles
from detente.models import Article
from detente.settings import Settings, load_settings

OSLO = "Norway and Chile signed a fisheries accord in Oslo on Tuesday."
LIMA = "Peru recalled its ambassador from Quito after a border shooting."
LIMIT_HELP = (
    "for one article; to read it, raise max_article_bytes (DETENTE_MAX_ARTICLE_BYTES, or "
    "max_article_bytes in detente.toml)"
)
NOT_REGULAR = "pass a regular file, or send a stream to standard input (-)"
QUOTE_HELP = 'close it, and write a quote inside a quoted field twice ("")'


def _read(paths: list[Any], **kwargs: Any) -> tuple[list[Article], list[Skipped]]:
    skipped: list[Skipped] = []
    articles = list(read_articles(paths, on_skip=skipped.append, **kwargs))
    return articles, skipped


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode("utf-8") + b"\n"


@contextlib.contextmanager
def _fails_after(seconds: float) -> Iterator[None]:
    """Turn a hang (an open FIFO, an endless device) into a failure instead of a stuck run."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- 4. CSV: an unterminated quote costs one record ------------------------------------------


def test_ingest_csv_unterminated_quote_costs_only_its_record(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        f'id,text\ng1,{OSLO}\nbad,"Unclosed quote\ng3,{LIMA}\ng4,"Quoted, fine",extra\ng5,{OSLO}\n',
        encoding="utf-8",
    )
    articles, skipped = _read([path])
    assert skipped == [
        Skipped(
            f"{path}:3",
            "a quote opened on CSV line 3 seems never to be closed (parsing stopped at line 5: "
            f"',' expected after '\"'); {QUOTE_HELP}; reading went on at line 4",
        )
    ]
    assert [(a.id, a.text, a.origin) for a in articles] == [
        ("g1", OSLO, f"{path}:2"),
        ("g3", LIMA, f"{path}:4"),
        ("g4", "Quoted, fine", f"{path}:5"),
        ("g5", OSLO, f"{path}:6"),
    ]


@pytest.mark.parametrize(
    ("tail", "stopped", "went_on"),
    [(f"g4,{LIMA}\n", 4, "; reading went on at line 4"), ("", 3, "")],
    ids=["records-after", "last-line"],
)
def test_ingest_csv_quote_open_at_the_end_of_the_file(
    tmp_path: Path, tail: str, stopped: int, went_on: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f'id,text\ng1,{OSLO}\nbad,"Unclosed\n{tail}', encoding="utf-8")
    articles, skipped = _read([path])
    assert skipped == [
        Skipped(
            f"{path}:3",
            f"a quote opened on CSV line 3 seems never to be closed (parsing stopped at line "
            f"{stopped}: unexpected end of data); {QUOTE_HELP}{went_on}",
        )
    ]
    assert [a.id for a in articles] == ["g1", "g4"][: 1 + bool(tail)]


def test_ingest_csv_sloppy_quotes_with_balanced_counts_are_read_leniently(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,text\ng1,"Oslo" accord\ng2,"Lima\nand" Quito\ng3,"Hanoi"\n', "utf-8")
    articles, skipped = _read([path])
    assert skipped == []
    assert [(a.id, a.text, a.origin) for a in articles] == [
        ("g1", "Oslo accord", f"{path}:2"),
        ("g2", "Lima\nand Quito", f"{path}:3"),
        ("g3", "Hanoi", f"{path}:5"),
    ]


def test_ingest_csv_bare_carriage_return_outside_quotes_costs_its_record(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"id,text\ng1,Oslo\rsecond line\ng2,Lima\n")
    articles, skipped = _read([path])
    assert skipped == [
        Skipped(
            f"{path}:2",
            "cannot parse CSV line 2 (new-line character seen in unquoted field - do you need to "
            "open the file in universal-newline mode?); quote the fields that hold line breaks",
        )
    ]
    assert [(a.id, a.origin) for a in articles] == [("g2", f"{path}:3")]


def test_ingest_csv_record_over_the_limit_is_skipped_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    paragraphs = "\n".join(["A long paragraph, with commas, that goes on."] * 8)
    path.write_text(f'id,text\ng1,{OSLO}\nbig,"{paragraphs}"\ng3,{LIMA}\n', encoding="utf-8")
    articles, skipped = _read([path], max_article_bytes=200)
    assert skipped == [
        Skipped(
            f"{path}:3",
            f"the CSV record on lines 3 to 10 is too big, more than the limit of 200 bytes "
            f"{LIMIT_HELP}",
        )
    ]
    assert [(a.id, a.origin) for a in articles] == [("g1", f"{path}:2"), ("g3", f"{path}:11")]


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (
            4,
            "a quote opened on CSV line 3 seems never to be closed (parsing stopped at line 7: the "
            f"input ends inside the quote); {QUOTE_HELP}; reading went on at line 4",
        ),
        (
            12,
            "a quote opened on CSV line 3 is never closed; lines 4 to 15 were passed over, too "
            f"many to read again; {QUOTE_HELP}",
        ),
    ],
    ids=["read-again", "too-many"],
)
def test_ingest_csv_open_quote_past_the_size_limit(tmp_path: Path, rows: int, reason: str) -> None:
    path = tmp_path / "x.csv"
    lines = "".join(f"g{n},{OSLO}\n" for n in range(4, 4 + rows))
    path.write_text(f'id,text\ng1,{OSLO}\nbad,"Unclosed\n{lines}', encoding="utf-8")
    articles, skipped = _read([path], max_article_bytes=200)
    assert skipped == [Skipped(f"{path}:3", reason)]
    read_again = [f"g{n}" for n in range(4, 4 + rows)] if rows == 4 else []
    assert [a.id for a in articles] == ["g1", *read_again]


# --- 5. special files -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this platform")
def test_ingest_special_files_are_skipped_unopened(tmp_path: Path) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    good = tmp_path / "good.txt"
    good.write_text(OSLO, encoding="utf-8")
    expected = [
        Skipped(str(fifo), f"not a regular file: a FIFO (named pipe); {NOT_REGULAR}"),
        Skipped(
            str(zero), f"not a regular file: a symbolic link to a character device; {NOT_REGULAR}"
        ),
    ]
    with _fails_after(10):
        given = _read([fifo, zero, good])
        walked = _read([tmp_path])
    assert given == ([Article(id=article_id_for(OSLO), text=OSLO, origin=str(good))], expected)
    assert walked == given


# --- 6. size limit ----------------------------------------------------------------------------


def test_ingest_jsonl_line_over_the_limit_is_skipped(tmp_path: Path) -> None:
    fits = _line({"id": "fits", "text": "x" * 74})  # 100 bytes and a newline
    over = _line({"id": "over", "text": "x" * 75})
    assert (len(fits), len(over)) == (101, 102)
    path = tmp_path / "x.jsonl"
    path.write_bytes(fits + over + fits.replace(b"fits", b"last"))
    articles, skipped = _read([path], max_article_bytes=100)
    assert skipped == [
        Skipped(f"{path}:2", f"line 2 is 101 bytes, more than the limit of 100 bytes {LIMIT_HELP}")
    ]
    assert [a.id for a in articles] == ["fits", "last"]


def test_ingest_csv_line_over_the_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"id,text\ng1,{'x' * 97}\ng2,{'x' * 98}\ng3,{LIMA}\n", encoding="utf-8")
    articles, skipped = _read([path], max_article_bytes=100)
    assert skipped == [
        Skipped(f"{path}:3", f"line 3 is 101 bytes, more than the limit of 100 bytes {LIMIT_HELP}")
    ]
    assert [a.id for a in articles] == ["g1", "g3"]


def test_ingest_text_over_the_limit_is_skipped(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 150, encoding="utf-8")
    small = tmp_path / "small.md"
    small.write_text("x" * 100, encoding="utf-8")
    articles, skipped = _read([big, small], max_article_bytes=100)
    assert skipped == [
        Skipped(str(big), f"the file is 150 bytes, more than the limit of 100 bytes {LIMIT_HELP}")
    ]
    assert [a.origin for a in articles] == [str(small)]
    from_stdin = _read(["-"], stdin=io.BytesIO(b"x" * 150), max_article_bytes=100)
    assert from_stdin == (
        [],
        [
            Skipped(
                "<stdin>",
                "standard input holds a longer text, more than the limit of 100 bytes "
                f"{LIMIT_HELP}",
            )
        ],
    )


def test_ingest_a_gigabyte_line_is_skipped_in_little_memory() -> None:
    class GigabyteLine:
        """1 GiB of ``x`` with no newline, then a good record; never held whole."""

        def __init__(self) -> None:
            self.left = 1 << 30
            self.tail = b'\n{"id": "after", "text": "Oslo accord"}\n'

        def readline(self, size: int) -> bytes:
            if self.left:
                size = min(size, self.left)
                self.left -= size
                return b"x" * size
            tail, self.tail = self.tail, b""
            return tail

    tracemalloc.start()
    try:
        articles, skipped = _read(
            ["-"], stdin=cast(BinaryIO, GigabyteLine()), input_format="jsonl",
            max_article_bytes=1_000_000,
        )  # fmt: skip
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert skipped == [
        Skipped(
            "<stdin>:1",
            f"line 1 is {1 << 30} bytes, more than the limit of 1000000 bytes {LIMIT_HELP}",
        )
    ]
    assert [(a.id, a.origin) for a in articles] == [("after", "<stdin>:2")]
    assert peak < 16_000_000


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (0, "must be at least 1, not 0; set it with DETENTE_MAX_ARTICLE_BYTES or max_article_bytes "
         "in detente.toml"),
        (-5, "must be at least 1, not -5; set it with DETENTE_MAX_ARTICLE_BYTES or "
         "max_article_bytes in detente.toml"),
        ("5MB", "must be a whole number of bytes such as 5000000, not '5MB'"),
        (True, "must be a whole number of bytes such as 5000000, not True"),
    ],
)  # fmt: skip
def test_ingest_max_article_bytes_must_be_a_positive_number(limit: Any, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        read_articles(["-"], max_article_bytes=limit)
    assert str(raised.value) == f"max_article_bytes {message}"


def test_ingest_max_article_bytes_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().max_article_bytes == DEFAULT_MAX_ARTICLE_BYTES == 5_000_000
    monkeypatch.chdir(tmp_path)  # no detente.toml here
    monkeypatch.setenv("DETENTE_MAX_ARTICLE_BYTES", "12345")
    assert load_settings().max_article_bytes == 12345
