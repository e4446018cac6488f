"""Reading articles from files, directories and stdin, and skipping what cannot be read."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import pytest

from detente.errors import ConfigError, InputError
from detente.ingest.html import html_to_text
from detente.ingest.ids import article_id_for
from detente.ingest.sources import Skipped, read_articles
from detente.models import Article


def _trafilatura_problem() -> str:
    try:
        import trafilatura  # noqa: F401
    except ImportError as err:
        return " ".join(str(err).split())
    return ""


_TRAFILATURA_PROBLEM = _trafilatura_problem()
needs_trafilatura = pytest.mark.skipif(
    bool(_TRAFILATURA_PROBLEM),
    reason=f"trafilatura does not import in this environment: {_TRAFILATURA_PROBLEM}",
)

DAY = dt.date(2024, 5, 1)
OSLO = "Norway and Chile signed a fisheries accord in Oslo on Tuesday."
LIMA = "Peru recalled its ambassador from Quito after a border shooting."
HANOI = "Vietnam and the Philippines held coast guard talks in Hanoi."

PAGE = """<!DOCTYPE html>
<html><head><title>Fisheries Accord Signed | The Daily Example</title>
<meta property="og:title" content="Fisheries Accord Signed"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Fisheries Accord Signed</h1>
<p>The foreign ministers of Norway and Chile signed a fisheries accord in Oslo on Tuesday,
ending two years of disputes over quotas in the southern ocean, officials said.</p>
<p>Both delegations agreed to meet again in Santiago next spring.</p></article>
<footer>Copyright The Daily Example</footer></body></html>
"""


def _read(paths: list[Any], **kwargs: Any) -> tuple[list[Article], list[Skipped]]:
    skipped: list[Skipped] = []
    articles = list(read_articles(paths, on_skip=skipped.append, **kwargs))
    return articles, skipped


def _jsonl(path: Path, *records: Any) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- ids ------------------------------------------------------------------------------------


def test_article_id_is_a_stable_content_hash() -> None:
    expected = hashlib.sha1(OSLO.encode("utf-8")).hexdigest()[:16]
    assert article_id_for(OSLO) == expected
    assert article_id_for(OSLO) == article_id_for(OSLO)
    assert article_id_for(f"  {OSLO.replace(' ', '  ', 3)}\n") == expected
    assert article_id_for(OSLO.replace(" in ", "\nin\u00a0")) == expected
    assert article_id_for(LIMA) != expected
    assert len(expected) == 16


def test_same_text_from_a_file_and_a_record_gets_the_same_id(tmp_path: Path) -> None:
    text_file = tmp_path / "a.txt"
    text_file.write_text(OSLO + "\n", encoding="utf-8")
    records = _jsonl(tmp_path / "b.jsonl", {"text": OSLO})
    articles, skipped = _read([text_file, records])
    assert skipped == []
    assert articles[0].id == articles[1].id == article_id_for(OSLO)


# --- plain files and directories ------------------------------------------------------------


def test_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    content = f"{OSLO}\n\n{LIMA}\n"
    path.write_text(content, encoding="utf-8")
    articles, skipped = _read([path], date=DAY)
    assert skipped == []
    assert articles == [
        Article(id=article_id_for(content), text=content, date=DAY, title="", origin=str(path))
    ]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + OSLO.encode("utf-8"))
    articles, skipped = _read([path])
    assert skipped == []
    assert [a.text for a in articles] == [OSLO]


def test_directory_is_walked_recursively_by_suffix(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b.txt").write_text(OSLO, encoding="utf-8")
    (root / "a.md").write_text(LIMA, encoding="utf-8")
    _jsonl(root / "sub" / "d.jsonl", {"id": "d1", "text": HANOI})
    (root / "sub" / "deeper" / "e.TEXT").write_text(OSLO + " More.", encoding="utf-8")
    (root / "sub" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / ".hidden.txt").write_text("hidden notes", encoding="utf-8")
    (root / ".git" / "note.txt").write_text("inside a hidden directory", encoding="utf-8")
    (root / "readme.rst").write_text("not an input suffix", encoding="utf-8")
    articles, skipped = _read([root])
    assert skipped == []
    assert [a.origin for a in articles] == [
        str(root / "a.md"),
        str(root / "b.txt"),
        str(root / "sub" / "d.jsonl") + ":1",
        str(root / "sub" / "deeper" / "e.TEXT"),
    ]
    assert [a.text for a in articles] == [LIMA, OSLO, HANOI, OSLO + " More."]


# --- records ----------------------------------------------------------------------------------


def test_jsonl_records_with_ids_and_dates(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "x.jsonl",
        {"id": 7, "text": OSLO, "date": "2024-03-02", "title": "Accord", "url": "https://e.test/1"},
        "",
        {"id": "lima-1", "text": LIMA, "date": "2024-03-02T23:10:00+05:00", "source": "Wire"},
        {"text": HANOI, "date": None},
    )
    articles, skipped = _read([path], date=DAY)
    assert skipped == []
    assert articles == [
        Article(
            id="7",
            text=OSLO,
            date=dt.date(2024, 3, 2),
            title="Accord",
            url="https://e.test/1",
            origin=f"{path}:1",
        ),
        Article(
            id="lima-1", text=LIMA, date=dt.date(2024, 3, 2), source="Wire", origin=f"{path}:3"
        ),
        Article(id=article_id_for(HANOI), text=HANOI, date=DAY, origin=f"{path}:4"),
    ]


def test_ndjson_suffix_is_read_as_jsonl(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "x.ndjson", {"id": "n1", "text": OSLO})
    articles, _ = _read([path])
    assert [(a.id, a.origin) for a in articles] == [("n1", f"{path}:1")]


def test_csv_records(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "\ufeffID,Date,Title,Text\n"
        f'c1,2024-02-10,Accord,"{OSLO}\nSecond paragraph, with a comma."\n'
        "\n"
        f"c2,,,{LIMA}\n"
        f",2024-02-11,,{HANOI}\n",
        encoding="utf-8",
    )
    articles, skipped = _read([path], date=DAY)
    assert skipped == []
    assert articles == [
        Article(
            id="c1",
            text=f"{OSLO}\nSecond paragraph, with a comma.",
            date=dt.date(2024, 2, 10),
            title="Accord",
            origin=f"{path}:2",
        ),
        Article(id="c2", text=LIMA, date=DAY, origin=f"{path}:5"),
        Article(
            id=article_id_for(HANOI), text=HANOI, date=dt.date(2024, 2, 11), origin=f"{path}:6"
        ),
    ]


def test_forced_format_overrides_the_suffix(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "records.txt", {"id": "f1", "text": OSLO})
    as_text, _ = _read([path])
    as_jsonl, _ = _read([path], input_format="jsonl")
    assert [a.origin for a in as_text] == [str(path)]
    assert [(a.id, a.text) for a in as_jsonl] == [("f1", OSLO)]


def test_unknown_input_format_raises_at_call_time() -> None:
    with pytest.raises(ConfigError, match="unknown input format 'xml'"):
        read_articles(["-"], input_format="xml")


# --- HTML -----------------------------------------------------------------------------------


@needs_trafilatura
def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    articles, skipped = _read([path], date=DAY)
    assert skipped == []
    [article] = articles
    assert "signed a fisheries accord in Oslo on Tuesday" in article.text
    assert "Both delegations agreed to meet again in Santiago next spring." in article.text
    assert "Copyright" not in article.text
    assert article.title == "Fisheries Accord Signed"
    assert article.id == article_id_for(article.text)
    assert (article.origin, article.date) == (str(path), DAY)


@needs_trafilatura
def test_html_fragment_without_html_tag() -> None:
    text, title = html_to_text(f"<div><p>{OSLO}</p></div>")
    assert (text, title) == (OSLO, "")


@needs_trafilatura
def test_html_without_article_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.htm"
    path.write_text("<html><head><title>Nothing</title></head><body></body></html>", "utf-8")
    good = tmp_path / "good.txt"
    good.write_text(OSLO, encoding="utf-8")
    articles, skipped = _read([path, good])
    assert [s.origin for s in skipped] == [str(path)]
    assert "no article text found in the HTML" in skipped[0].reason
    assert [a.text for a in articles] == [OSLO]


def test_missing_trafilatura_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes the import fail
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    with pytest.raises(ConfigError, match="reading HTML needs trafilatura"):
        _read([path])


# --- stdin ----------------------------------------------------------------------------------


def test_stdin_plain_text() -> None:
    content = f"{OSLO}\n{LIMA}\n"
    articles, skipped = _read(["-"], date=DAY, stdin=io.BytesIO(content.encode("utf-8")))
    assert skipped == []
    assert articles == [
        Article(id=article_id_for(content), text=content, date=DAY, origin="<stdin>")
    ]


def test_stdin_jsonl_is_sniffed() -> None:
    data = "\n" + json.dumps({"id": "s1", "text": OSLO}) + "\n" + json.dumps({"text": LIMA}) + "\n"
    articles, skipped = _read(["-"], stdin=io.BytesIO(data.encode("utf-8")))
    assert skipped == []
    assert [(a.id, a.origin) for a in articles] == [
        ("s1", "<stdin>:2"),
        (article_id_for(LIMA), "<stdin>:3"),
    ]


def test_stdin_text_stream_and_forced_text_format() -> None:
    data = json.dumps({"id": "s1", "text": OSLO}) + "\n"
    articles, _ = _read(["-"], stdin=io.StringIO(data))
    forced, _ = _read(["-"], stdin=io.StringIO(data), input_format="text")
    assert [a.id for a in articles] == ["s1"]
    assert [a.text for a in forced] == [data]


def test_stdin_is_streamed_not_read_whole() -> None:
    line = (json.dumps({"text": OSLO}) + "\n").encode("utf-8")

    class Endless:
        def __iter__(self) -> Iterator[bytes]:
            while True:
                yield line

    first = next(read_articles(["-"], stdin=cast(BinaryIO, Endless())))
    assert (first.text, first.origin) == (OSLO, "<stdin>:1")


# --- malformed input: exactly one Skipped each, everything else still read ------------------


def _bad_utf8_jsonl(path: Path) -> None:
    good = json.dumps({"id": "g1", "text": OSLO}).encode("utf-8") + b"\n"
    path.write_bytes(good + b'{"id": "bad", "text": "caf\xe9"}\n' + good.replace(b"g1", b"g3"))


@pytest.mark.parametrize(
    ("name", "lines", "line_no", "reason"),
    [
        ("bad-json", ['{"id": "bad", "text": '], 2, "line 2 is not valid JSON"),
        ("array", ['["not", "an", "object"]'], 2, "line 2 is a JSON array, not an object"),
        ("no-text", ['{"id": "bad", "title": "x"}'], 2, 'no "text" field'),
        ("empty-text", ['{"id": "bad", "text": "  "}'], 2, '"text" is empty'),
        ("number-text", ['{"id": "bad", "text": 42}'], 2, '"text" must be a string'),
        ("bad-date", ['{"id": "bad", "text": "x", "date": "2024-13-45"}'], 2, "YYYY-MM-DD"),
        ("list-id", ['{"id": [1], "text": "x"}'], 2, '"id" must be a string or a number'),
    ],
)
def test_bad_jsonl_record_is_skipped(
    tmp_path: Path, name: str, lines: list[str], line_no: int, reason: str
) -> None:
    path = _jsonl(
        tmp_path / f"{name}.jsonl",
        {"id": "g1", "text": OSLO},
        *lines,
        {"id": "g3", "text": LIMA},
    )
    articles, skipped = _read([path])
    assert [s.origin for s in skipped] == [f"{path}:{line_no}"]
    assert reason in skipped[0].reason
    assert [a.id for a in articles] == ["g1", "g3"]


def test_bad_json_says_each_line_must_be_an_object(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "x.jsonl", {"text": OSLO}, {"text": LIMA}, "{oops", {"text": HANOI})
    articles, skipped = _read([path])
    assert skipped == [
        Skipped(
            f"{path}:3",
            "line 3 is not valid JSON (Expecting property name enclosed in double quotes at "
            'column 2); each line must be one JSON object such as {"id": "a1", '
            '"date": "2024-05-01", "text": "..."}',
        )
    ]
    assert [a.text for a in articles] == [OSLO, LIMA, HANOI]


def test_invalid_utf8_record_reports_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    _bad_utf8_jsonl(path)
    offset = path.read_bytes().index(b"\xe9")
    articles, skipped = _read([path])
    assert [s.origin for s in skipped] == [f"{path}:2"]
    assert f"invalid UTF-8 at byte offset {offset} (0xe9)" in skipped[0].reason
    assert "re-encode the input as UTF-8" in skipped[0].reason
    assert [a.id for a in articles] == ["g1", "g3"]


def test_invalid_utf8_csv_row_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        b"id,text\n" + f"g1,{OSLO}\n".encode() + b"bad,caf\xe9\n" + f"g3,{LIMA}\n".encode()
    )
    articles, skipped = _read([path])
    assert [s.origin for s in skipped] == [f"{path}:3"]
    assert "invalid UTF-8 at byte offset" in skipped[0].reason
    assert [a.id for a in articles] == ["g1", "g3"]


def test_bad_csv_date_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"id,date,text\ng1,,{OSLO}\nbad,01/02/2024,x\ng3,,{LIMA}\n", "utf-8")
    articles, skipped = _read([path])
    assert [s.origin for s in skipped] == [f"{path}:3"]
    assert "invalid date '01/02/2024'; use YYYY-MM-DD" in skipped[0].reason
    assert [a.id for a in articles] == ["g1", "g3"]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "latin1.txt",
            "Café diplomacy in Paris.".encode("latin-1"),
            "invalid UTF-8 at byte offset 3",
        ),
        ("binary.txt", b"GIF89a\x00\x01\x02 some bytes", "binary data (NUL bytes)"),
        ("empty.txt", b"", "is empty or holds only whitespace"),
        ("blank.md", b"  \n\t\n\n", "is empty or holds only whitespace"),
        ("blank.jsonl", b"\n\n", "is empty or holds only whitespace"),
        ("blank.html", b"\n \n", "is empty or holds only whitespace"),
        ("notext.csv", b"id,title\n1,Accord\n", 'the CSV header has no "text" column'),
        ("noheader.csv", f"1,{OSLO}\n2,{LIMA}\n".encode(), 'the CSV header has no "text" column'),
    ],
)
def test_bad_file_is_skipped_once(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    bad = _write(tmp_path / name, data)
    good = _write(tmp_path / "good.txt", OSLO.encode("utf-8"))
    articles, skipped = _read([bad, good])
    assert [s.origin for s in skipped] == [str(bad)]
    assert reason in skipped[0].reason
    assert [a.text for a in articles] == [OSLO]


def test_nonexistent_path_is_an_error_before_reading(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    good = _write(tmp_path / "good.txt", OSLO.encode("utf-8"))
    skipped: list[Skipped] = []
    with pytest.raises(InputError) as raised:
        read_articles([good, missing, "-"], on_skip=skipped.append)  # raises before iterating
    assert str(raised.value) == f"{missing}: no such file or directory; check the path"
    assert skipped == []


def test_nonexistent_paths_are_named_together(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.jsonl"
    with pytest.raises(InputError) as raised:
        read_articles([first, second])
    assert str(raised.value) == f"{first}, {second}: no such file or directory; check the paths"


def test_directory_without_input_files_is_reported_once(tmp_path: Path) -> None:
    empty = tmp_path / "images"
    empty.mkdir()
    _write(empty / "map.png", b"\x89PNG\r\n")
    _write(empty / ".notes.txt", OSLO.encode("utf-8"))
    good = _write(tmp_path / "good.txt", OSLO.encode("utf-8"))
    articles, skipped = _read([empty, good])
    assert [s.origin for s in skipped] == [str(empty)]
    assert "the directory holds no input files" in skipped[0].reason
    assert [a.text for a in articles] == [OSLO]


def test_stdin_empty_is_skipped() -> None:
    articles, skipped = _read(["-"], stdin=io.BytesIO(b"\n  \n"))
    assert articles == []
    assert [s.origin for s in skipped] == ["<stdin>"]


def test_default_on_skip_logs_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _jsonl(tmp_path / "x.jsonl", {"text": OSLO}, "[1]")
    with caplog.at_level(logging.WARNING, logger="detente.ingest.sources"):
        articles = list(read_articles([path]))
    assert [a.text for a in articles] == [OSLO]
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert f"skipped {path}:2: line 2 is a JSON array" in caplog.records[0].getMessage()
