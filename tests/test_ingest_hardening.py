"""The reader against bad data (issue "Nothing lost"): invalid Unicode, dates out of range, NUL
bytes and UTF-16/32.  Broken CSV quotes, special files and sizes: test_ingest_limits.py."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import logging
import os
import random
import sys
from pathlib import Path
from typing import Any, BinaryIO, cast

import pytest

from detente.errors import InputError
from detente.ingest.ids import article_id_for
from detente.ingest.sources import Skipped, read_articles
from detente.models import Article

OSLO = "Norway and Chile signed a fisheries accord in Oslo on Tuesday."
LIMA = "Peru recalled its ambassador from Quito after a border shooting."
DATE_HELP = "use YYYY-MM-DD or an ISO 8601 datetime such as 2024-05-01T09:30:00Z"
OUTSIDE = "is outside 1000-01-01..2999-12-31; correct it, or leave it out to use the default date"
LIMIT_HELP = (
    "for one article; to read it, raise max_article_bytes (DETENTE_MAX_ARTICLE_BYTES, or "
    "max_article_bytes in detente.toml)"
)
BINARY = (
    "binary data (NUL bytes), not text; pass a text, HTML, JSONL or CSV file (UTF-16 or UTF-32 "
    "text needs a byte order mark)"
)
NOT_REGULAR = "pass a regular file, or send a stream to standard input (-)"
NUL_HELP = (
    "which text never has; remove it, or re-encode the file as UTF-8 if it is in another encoding"
)
QUOTE_HELP = 'close it, and write a quote inside a quoted field twice ("")'


def _read(paths: list[Any], **kwargs: Any) -> tuple[list[Article], list[Skipped]]:
    skipped: list[Skipped] = []
    articles = list(read_articles(paths, on_skip=skipped.append, **kwargs))
    return articles, skipped


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode("utf-8") + b"\n"


# --- 1. invalid Unicode: lone surrogates become U+FFFD, counted once per file ----------------


def test_ingest_lone_surrogates_are_replaced_in_every_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"id": "a\\udfff", "text": "Oslo \\ud800accord", "title": "T\\udfff", '
        '"url": "https://e.test/\\udc00", "source": "\\udfffWire", "date": "2024-05-01"}\n'
        '{"id": "pair", "text": "A clef \\ud834\\udd1e is a pair, not lone"}\n'
        '{"id": "d", "text": "x", "date": "2024-05-01\\udfff"}\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="detente.ingest.sources"):
        articles, skipped = _read([path])
    assert articles == [
        Article(
            id="a\ufffd",
            text="Oslo \ufffdaccord",
            date=dt.date(2024, 5, 1),
            title="T\ufffd",
            url="https://e.test/\ufffd",
            source="\ufffdWire",
            origin=f"{path}:1",
        ),
        Article(id="pair", text="A clef \U0001d11e is a pair, not lone", origin=f"{path}:2"),
    ]
    assert skipped == [Skipped(f"{path}:3", f"invalid date '2024-05-01\ufffd'; {DATE_HELP}")]
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: replaced 6 lone surrogate(s) (invalid Unicode, such as a \\udfff escape without "
        f"its pair) with U+FFFD in 2 record(s), first in {path}:1 (id, text, title, url, source)"
    ]


def test_ingest_text_stream_lone_surrogates() -> None:
    replaced, skipped = _read(["-"], stdin=io.StringIO("Oslo \ud800 accord\n"))
    assert (replaced, skipped) == (
        [Article(id=article_id_for("Oslo \ufffd accord"), text="Oslo \ufffd accord\n",
                 origin="<stdin>")],
        [],
    )  # fmt: skip
    # A byte the text stream could not decode (surrogateescape) is still invalid UTF-8.
    undecodable, skipped = _read(["-"], stdin=io.StringIO('{"text": "caf\udce9"}\n'))
    assert undecodable == []
    assert skipped == [
        Skipped(
            "<stdin>:1",
            "invalid UTF-8 at byte offset 13 (0xe9); re-encode the input as UTF-8 "
            "(e.g. iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt)",
        )
    ]


def test_ingest_text_stream_that_cannot_decode_ends_with_a_skip() -> None:
    data = b'{"text": "Oslo accord"}\n' * 3 + b'{"text": "caf\xe9"}\n'
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    articles, skipped = _read(["-"], stdin=stream)
    assert articles == []  # the wrapper fails on the chunk holding the bad byte: all of it
    assert skipped == [
        Skipped(
            "<stdin>",
            "cannot read the stream to the end ('utf-8' codec can't decode byte 0xe9 in position "
            "85: invalid continuation byte); what came before was read; pass a binary stream "
            "(such as sys.stdin.buffer) so that bad bytes cost only their line",
        )
    ]


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_ingest_undecodable_file_name_is_shown_with_a_replacement(tmp_path: Path) -> None:
    try:
        (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text(OSLO, encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    articles, skipped = _read([tmp_path])
    assert skipped == []
    assert [(a.text, a.origin) for a in articles] == [(OSLO, str(tmp_path / "caf\ufffd.txt"))]


# --- 2. dates: 1000-01-01..2999-12-31 -------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ("0001-01-02", "0001-01-02"),
        ("0999-12-31T23:30:00+00:00", "0999-12-31"),
        ("3000-01-01", "3000-01-01"),
        ("9999-12-31", "9999-12-31"),
    ],
)
def test_ingest_record_date_outside_the_range_is_skipped(
    tmp_path: Path, date: str, shown: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(
        _line({"id": "g1", "text": OSLO})
        + _line({"id": "bad", "text": LIMA, "date": date})
        + _line({"id": "g3", "text": LIMA})
    )
    articles, skipped = _read([path])
    assert skipped == [Skipped(f"{path}:2", f"date {shown} {OUTSIDE}")]
    assert [a.id for a in articles] == ["g1", "g3"]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("1000-01-01", dt.date(1000, 1, 1)),
        ("2999-12-31", dt.date(2999, 12, 31)),
        ("2999-12-31T23:59:59-12:00", dt.date(2999, 12, 31)),
    ],
)
def test_ingest_record_date_at_the_ends_of_the_range_is_read(
    tmp_path: Path, date: str, expected: dt.date
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(_line({"id": "edge", "text": OSLO, "date": date}))
    articles, skipped = _read([path])
    assert skipped == []
    assert articles == [Article(id="edge", text=OSLO, date=expected, origin=f"{path}:1")]


def test_ingest_csv_date_outside_the_range_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"id,date,text\ng1,,{OSLO}\nbad,0001-01-02,x\ng3,2999-12-31,{LIMA}\n")
    articles, skipped = _read([path])
    assert skipped == [Skipped(f"{path}:3", f"date 0001-01-02 {OUTSIDE}")]
    assert [(a.id, a.date) for a in articles] == [("g1", None), ("g3", dt.date(2999, 12, 31))]


@pytest.mark.parametrize("date", [dt.date(1, 1, 2), dt.date(3000, 1, 1)])
def test_ingest_default_date_outside_the_range_raises_before_reading(date: dt.date) -> None:
    class Unread:
        def readline(self, size: int) -> bytes:
            raise AssertionError("read before the date was checked")

    with pytest.raises(InputError) as raised:
        read_articles(["-"], date=date, stdin=cast(BinaryIO, Unread()))
    assert str(raised.value) == (
        f"date {date.isoformat()} is outside 1000-01-01..2999-12-31; give a date in that range "
        "for inputs that carry none"
    )


# --- 3. NUL bytes and UTF-16/32 ---------------------------------------------------------------


def test_ingest_nul_bytes_spoil_only_their_jsonl_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    good, bad = _line({"id": "g2", "text": OSLO}), b'{"id": "bad", "text": "a\0b"}\n'
    path.write_bytes(b"\0\0\n" + good + bad + _line({"id": "g4", "text": LIMA}))
    articles, skipped = _read([path])
    assert skipped == [
        Skipped(f"{path}:1", f"line 1 holds a NUL byte at byte offset 0, {NUL_HELP}"),
        Skipped(
            f"{path}:3", f"line 3 holds a NUL byte at byte offset {3 + len(good) + 24}, {NUL_HELP}"
        ),
    ]
    assert [a.id for a in articles] == ["g2", "g4"]


def test_ingest_nul_byte_spoils_only_its_csv_record(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        f"id,text\ng1,{OSLO}\n".encode() + b'bad,"a\nb\0c"\n' + f"g4,{LIMA}\n".encode()
    )
    articles, skipped = _read([path])
    offset = len(f"id,text\ng1,{OSLO}\n".encode()) + len(b'bad,"a\nb')
    assert skipped == [
        Skipped(
            f"{path}:3",
            f"line 4 holds a NUL byte at byte offset {offset}, {NUL_HELP}",
        )
    ]
    assert [(a.id, a.origin) for a in articles] == [("g1", f"{path}:2"), ("g4", f"{path}:5")]


def test_ingest_nul_byte_in_a_text_document_skips_it(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(OSLO.encode() + b"\0 trailing")
    articles, skipped = _read([path])
    assert articles == []
    assert skipped == [Skipped(str(path), f"{BINARY}; the first NUL is at byte offset {len(OSLO)}")]


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(4096),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8,
        _line({"text": OSLO}).decode().encode("utf-16-le"),  # UTF-16 without its BOM
    ],
    ids=["random", "png", "utf16-no-bom"],
)
def test_ingest_really_binary_record_file_is_skipped_whole(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    assert _read([path]) == ([], [Skipped(str(path), BINARY)])


UNICODE_BOMS = [
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
]


@pytest.mark.parametrize(("bom", "codec"), UNICODE_BOMS)
def test_ingest_utf16_and_utf32_with_a_bom_are_decoded(
    tmp_path: Path, bom: bytes, codec: str
) -> None:
    text = "Zürich talks \U0001d11e\r\nended.\n"
    (tmp_path / "a.txt").write_bytes(bom + text.encode(codec))
    records = _line({"id": "j1", "text": "Zürich"}) + _line({"id": "j2", "text": "\U0001d11e"})
    (tmp_path / "b.jsonl").write_bytes(bom + records.decode().encode(codec))
    table = 'id,text\r\nc1,"Zürich,\r\nsecond line"\r\nc2,\U0001d11e\r\n'
    (tmp_path / "c.csv").write_bytes(bom + table.encode(codec))
    articles, skipped = _read([tmp_path])
    assert skipped == []
    assert [(a.id, a.text, a.origin) for a in articles] == [
        (article_id_for(text), text, str(tmp_path / "a.txt")),
        ("j1", "Zürich", f"{tmp_path / 'b.jsonl'}:1"),
        ("j2", "\U0001d11e", f"{tmp_path / 'b.jsonl'}:2"),
        ("c1", "Zürich,\r\nsecond line", f"{tmp_path / 'c.csv'}:2"),
        ("c2", "\U0001d11e", f"{tmp_path / 'c.csv'}:4"),
    ]


def test_ingest_utf16_starting_with_a_nul_is_not_taken_for_utf32() -> None:
    records = '\0{"id": "nul"}\n{"id": "ok", "text": "Zürich"}\n'  # FF FE 00 00: UTF-32's mark
    data = codecs.BOM_UTF16_LE + records.encode("utf-16-le")
    articles, skipped = _read(["-"], stdin=io.BytesIO(data), input_format="jsonl")
    assert skipped == [
        Skipped(
            "<stdin>:1",
            f"line 1 holds a NUL byte at byte offset 0, {NUL_HELP}",
        )
    ]
    assert [(a.id, a.text) for a in articles] == [("ok", "Zürich")]


def test_ingest_utf16_lone_surrogate_becomes_a_replacement_character() -> None:
    data = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8" + "cd".encode("utf-16-le")
    articles, skipped = _read(["-"], stdin=io.BytesIO(data), input_format="text")
    assert skipped == []
    assert [a.text for a in articles] == ["ab\ufffdcd"]
