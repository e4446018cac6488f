"""Property-based fuzzing of ``read_articles``: whatever the bytes, it never raises, every
article it yields is storable (UTF-8-encodable strings, a date in range), and every record is
accounted for: read or skipped, exactly once, at its own line."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.ingest.sources import Skipped, read_articles
from detente.models import EARLIEST_DATE, LATEST_DATE, Article

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BAD_BYTES = (b"\xff", b"\xe9", b"\xc0\xaf", b"\xed\xa0\x80")  # the last: a CESU-8 surrogate
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be+bom", "utf-32")
LIMITS = (60, 400, 5_000_000)

texts = st.text(max_size=40)
# CSV cells without control characters: NULs come one per row, from _mutate, so that no input
# is mostly control bytes (that is binary data, skipped whole, and tested elsewhere).
cell_texts = st.text(
    st.characters(exclude_categories=["Cc", "Cs"]) | st.sampled_from("\r\n\t"), max_size=40
)
lone_surrogates = st.integers(0xD800, 0xDFFF)
dates = st.one_of(
    st.none(),
    st.just(""),
    st.dates().map(dt.date.isoformat),  # 0001-01-01..9999-12-31, most out of range
    st.datetimes().map(lambda d: d.isoformat() + "+05:00"),
    st.dates(EARLIEST_DATE, LATEST_DATE).map(dt.date.isoformat),
    texts,
    st.integers(),
)


@st.composite
def json_strings(draw: st.DrawFn) -> str:
    """A JSON string literal whose pieces are text or ``\\uXXXX`` surrogate escapes."""
    pieces = draw(st.lists(st.one_of(texts, lone_surrogates), max_size=4))
    body = "".join(
        f"\\u{piece:04x}" if isinstance(piece, int) else json.dumps(piece)[1:-1] for piece in pieces
    )
    return f'"{body}"'


def _json_value(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> str:
    return draw(st.one_of(json_strings(), strategy.map(json.dumps)))


@st.composite
def jsonl_lines(draw: st.DrawFn) -> str:
    """One non-blank line of at least 16 bytes: a record, mostly, or broken JSON."""
    number = draw(st.integers(0, 999))
    fields = [f'"id": "r{number}"']
    fields.append(f'"text": {_json_value(draw, st.one_of(st.none(), st.integers(), texts))}')
    for key in draw(st.lists(st.sampled_from(["title", "url", "source", "id"]), max_size=3)):
        fields.append(f'"{key}": {_json_value(draw, st.one_of(st.none(), st.floats(), texts))}')
    if draw(st.booleans()):
        fields.append(f'"date": {json.dumps(draw(dates))}')
    line = "{" + ", ".join(fields) + "}"
    shape = draw(st.sampled_from(["record", "record", "record", "cut", "array", "nested"]))
    if shape == "cut":
        line = line[: draw(st.integers(16, max(16, len(line) - 1)))]
    elif shape == "array":
        line = '["not", "an", "object", ' + json.dumps(number) + "]"
    elif shape == "nested":
        line = "[" * 5000 + "]" * 5000  # deeper than json can go
    return line


def _mutate(data: st.DataObject, line: bytes, *, raw: bool, at_start: bool = False) -> bytes:
    """Put a NUL (or, in raw UTF-8, an invalid byte sequence) into ``line``, anywhere or at
    its start."""
    what = data.draw(st.sampled_from(["none", "none", "nul", "bad"] if raw else ["none", "nul"]))
    if what == "none":
        return line
    at = 0 if at_start else data.draw(st.integers(0, len(line)))
    junk = b"\0" if what == "nul" else data.draw(st.sampled_from(BAD_BYTES))
    return line[:at] + junk + line[at:]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be+bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def _read(data: bytes, fmt: str, limit: int) -> tuple[list[Article], list[Skipped]]:
    skipped: list[Skipped] = []
    articles = list(
        read_articles(
            ["-"],
            stdin=io.BytesIO(data),
            input_format=fmt,
            on_skip=skipped.append,
            max_article_bytes=limit,
        )
    )
    for article in articles:
        for value in (article.id, article.text, article.title, article.url, article.source):
            value.encode("utf-8")  # raises on a lone surrogate
        article.origin.encode("utf-8")
        assert article.date is None or EARLIEST_DATE <= article.date <= LATEST_DATE
        assert article.id.strip() and article.text.strip()
    for skip in skipped:
        (skip.origin + skip.reason).encode("utf-8")
    return articles, skipped


def _lines_seen(articles: list[Article], skipped: list[Skipped]) -> list[int]:
    origins = [a.origin for a in articles] + [s.origin for s in skipped]
    assert all(origin.startswith("<stdin>:") for origin in origins), origins
    return sorted(int(origin.rpartition(":")[2]) for origin in origins)


@FUZZ
@given(
    lines=st.lists(st.one_of(jsonl_lines(), st.sampled_from(["", "  "])), max_size=12),
    encoding=st.sampled_from(ENCODINGS),
    limit=st.sampled_from(LIMITS),
    data=st.data(),
)
def test_ingest_fuzz_jsonl(
    lines: list[str], encoding: str, limit: int, data: st.DataObject
) -> None:
    lead = json.dumps({"id": "lead", "text": "Oslo accord. " * 20})
    lines = [lead, *lines]
    raw = encoding in ("utf-8", "utf-8-sig")
    mutated = [_mutate(data, line.encode(), raw=raw) for line in lines]
    if raw:
        payload = b"\n".join(mutated) + b"\n"
        if encoding == "utf-8-sig":
            payload = codecs.BOM_UTF8 + payload
    else:  # the lines are ASCII (JSON escapes all else) and a NUL keeps them so
        payload = _encode(b"\n".join(mutated).decode() + "\n", encoding)
    articles, skipped = _read(payload, "jsonl", limit)
    expected = [n for n, line in enumerate(mutated, start=1) if line.strip()]
    assert _lines_seen(articles, skipped) == expected


@st.composite
def csv_rows(draw: st.DrawFn) -> list[str]:
    cells = st.one_of(cell_texts, st.sampled_from(["", " ", '"', '""', "a,b", "x\r\ny", "\n"]))
    return [
        f"r{draw(st.integers(0, 999))}",
        draw(st.one_of(dates.map(lambda d: "" if d is None else str(d)), cells)),
        draw(cells),
        draw(cell_texts),
    ]


def _csv_text(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue()


@FUZZ
@given(
    rows=st.lists(csv_rows(), max_size=10),
    broken=st.one_of(st.none(), st.integers(0, 9)),
    encoding=st.sampled_from(ENCODINGS),
    limit=st.sampled_from(LIMITS),
    data=st.data(),
)
def test_ingest_fuzz_csv(
    rows: list[list[str]],
    broken: int | None,
    encoding: str,
    limit: int,
    data: st.DataObject,
) -> None:
    texts = [_csv_text(row) for row in rows]
    if broken is not None and broken < len(texts):
        texts[broken] = f'r{broken},,"an unterminated quote {texts[broken]}'
    else:
        broken = None
    raw = encoding in ("utf-8", "utf-8-sig")
    parts: list[bytes] = []
    starts: list[int] = []
    line = 2
    for text in texts:
        starts.append(line)
        line += text.count("\n")
        # At the start, where it cannot follow a closing quote, which would break the record.
        parts.append(_mutate(data, text.encode(), raw=raw, at_start=True))
    body = b"".join(parts)
    header = b"id,date,text,title\r\n"
    if raw:
        payload = (codecs.BOM_UTF8 if encoding == "utf-8-sig" else b"") + header + body
    else:
        payload = _encode((header + body).decode(), encoding)
    articles, skipped = _read(payload, "csv", limit)
    seen = _lines_seen(articles, skipped)
    if broken is not None:  # the records before the open quote are all there, as they were
        assert [n for n in seen if n < starts[broken]] == starts[:broken]
        assert starts[broken] in seen
    else:  # well-formed records, over the limit or not, are each read or skipped whole
        assert seen == starts


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=300), texts.map(str.encode)),
    text=st.text(max_size=200),
    encoding=st.sampled_from(ENCODINGS),
    limit=st.sampled_from(LIMITS),
    fmt=st.sampled_from(["text", "auto"]),
)
def test_ingest_fuzz_documents(body: bytes, text: str, encoding: str, limit: int, fmt: str) -> None:
    for payload in (body, _encode(text, encoding)):
        articles, skipped = _read(payload, fmt, limit)
        if fmt == "text":  # one document: read or skipped, once
            assert len(articles) + len(skipped) == 1
