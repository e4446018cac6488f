"""Fuzz the readers: generated JSONL, CSV and text inputs through ``read_articles``.

    python bench/fuzz_readers.py [--records 20000] [--seed 0]

Builds inputs from random records (random Unicode, lone-surrogate escapes, NUL and invalid
bytes, byte order marks, UTF-16/32, unterminated CSV quotes, dates far out of range, lines
over the size limit) with ``random.Random(seed)``, reads each from a stream and checks the
property of tests/test_ingest_fuzz.py: nothing raises, every article is storable (strings
encode as UTF-8, its date is in range), and every record is read or skipped exactly once.
Prints "N records, C crashes" (a crash is an exception or a broken property) and exits 1 when
C is not 0.  The same seed gives the same inputs.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import random
import sys
import traceback

from detente.ingest.sources import Skipped, read_articles
from detente.models import EARLIEST_DATE, LATEST_DATE, Article

BAD_BYTES = (b"\0", b"\xff", b"\xe9", b"\xc0\xaf", b"\xed\xa0\x80")
LIMITS = (60, 400, 5_000_000)
# No NUL here: NULs come one at a time from BAD_BYTES, so that no input is mostly control bytes.
ALPHABET = "abc xyz,\"'\r\n\t\x1f\x7f\x85\u00e9\u2028\u4e2d\U0001f600\ufeff{}[]\\"


def random_text(rng: random.Random, size: int = 30) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(size)))


def random_date(rng: random.Random) -> str:
    year = rng.choice([1, 999, 1000, 2024, 2999, 3000, 9999, rng.randrange(1, 10000)])
    stamp = f"{year:04d}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    return rng.choice([stamp, stamp + "T23:59:59-12:00", random_text(rng, 12), "", stamp[:7]])


def json_string(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randrange(4)):
        if rng.random() < 0.3:
            pieces.append(f"\\u{rng.randrange(0xD800, 0xE000):04x}")
        else:
            pieces.append(json.dumps(random_text(rng))[1:-1])
    return '"' + "".join(pieces) + '"'


def jsonl_line(rng: random.Random, number: int) -> bytes:
    fields = [f'"id": "r{number}"', f'"text": {json_string(rng)}']
    for key in rng.sample(["title", "url", "source", "date"], rng.randrange(4)):
        value = json.dumps(random_date(rng)) if key == "date" else json_string(rng)
        fields.append(f'"{key}": {value}')
    line = ("{" + ", ".join(fields) + "}").encode()
    shape = rng.random()
    if shape < 0.1:
        line = line[: rng.randrange(16, max(17, len(line)))]
    elif shape < 0.15:
        line = b'["not", "an", "object"]'
    if rng.random() < 0.2:
        at = rng.randrange(len(line) + 1)
        line = line[:at] + rng.choice(BAD_BYTES) + line[at:]
    return line


def csv_row(rng: random.Random, number: int) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([f"r{number}", random_date(rng), random_text(rng), random_text(rng)])
    row = out.getvalue().encode()
    if rng.random() < 0.2:  # at the start, where it cannot follow a closing quote
        row = rng.choice(BAD_BYTES) + row
    return row


def encode(payload: bytes, rng: random.Random) -> bytes:
    """``payload`` as it is, with a UTF-8 BOM, or as UTF-16/32 with a BOM when it is UTF-8."""
    choice = rng.randrange(4)
    if choice == 1:
        return codecs.BOM_UTF8 + payload
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload
    if choice == 2:
        return text.encode("utf-16")
    if choice == 3:
        return text.encode("utf-32")
    return payload


def read(payload: bytes, fmt: str, limit: int) -> tuple[list[Article], list[Skipped]]:
    skipped: list[Skipped] = []
    articles = list(
        read_articles(
            ["-"],
            stdin=io.BytesIO(payload),
            input_format=fmt,
            on_skip=skipped.append,
            max_article_bytes=limit,
        )
    )
    for article in articles:
        for value in (article.id, article.text, article.title, article.url, article.source):
            value.encode("utf-8")
        if article.date is not None and not EARLIEST_DATE <= article.date <= LATEST_DATE:
            raise AssertionError(f"date {article.date} out of range at {article.origin}")
    for skip in skipped:
        (skip.origin + skip.reason).encode("utf-8")
    return articles, skipped


def lines_seen(articles: list[Article], skipped: list[Skipped]) -> list[int]:
    origins = [a.origin for a in articles] + [s.origin for s in skipped]
    return sorted(int(origin.rpartition(":")[2]) for origin in origins)


def check_one(rng: random.Random, count: int) -> None:
    """Build one input of ``count`` records, read it and check the property."""
    limit = rng.choice(LIMITS)
    kind = rng.choice(["jsonl", "csv", "text"])
    if kind == "jsonl":
        lines = [jsonl_line(rng, n) for n in range(count)]
        articles, skipped = read(encode(b"\n".join(lines) + b"\n", rng), "jsonl", limit)
        expected = [n for n, line in enumerate(lines, start=1) if line.strip()]
        if lines_seen(articles, skipped) != expected:
            raise AssertionError(f"JSONL lines {expected}, got {lines_seen(articles, skipped)}")
    elif kind == "csv":
        rows = [csv_row(rng, n) for n in range(count)]
        broken = rng.randrange(count) if rng.random() < 0.2 else None
        if broken is not None:
            rows[broken] = b'r0,,"an unterminated quote ' + rows[broken]
        starts, line = [], 2
        for row in rows:
            starts.append(line)
            line += row.count(b"\n")
        payload = encode(b"id,date,text,title\r\n" + b"".join(rows), rng)
        seen = lines_seen(*read(payload, "csv", limit))
        if broken is not None:
            if [n for n in seen if n < starts[broken]] != starts[:broken]:
                raise AssertionError(f"CSV records before line {starts[broken]} were lost")
        elif seen != starts:
            raise AssertionError(f"CSV lines {starts}, got {seen}")
    else:
        text = "".join(random_text(rng, 200) for _ in range(count)).encode()
        articles, skipped = read(encode(text, rng), "text", limit)
        if len(articles) + len(skipped) != 1:
            raise AssertionError(f"a document gave {len(articles)} articles, {len(skipped)} skips")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    done = crashes = 0
    inputs = 0
    while done < args.records:
        count = min(rng.randrange(1, 40), args.records - done)
        inputs += 1
        try:
            check_one(rng, count)
        except Exception:
            crashes += 1
            print(f"crash in input {inputs} (--seed {args.seed}):", file=sys.stderr)
            traceback.print_exc()
        done += count
    print(f"{done} records, {crashes} crashes")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
