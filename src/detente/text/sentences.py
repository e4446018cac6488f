"""Rule-based sentence splitting with character offsets into the article text.

A rule splitter rather than spaCy's parser: it runs on every sentence of every article, while
the parser runs only on candidate sentences (see ``nlp.py``).  Paragraph breaks always end a
sentence; ``.``, ``!`` and ``?`` end one unless they close a known abbreviation or an initial.
A wire dateline opening a paragraph ("TIRANA, Albania (AP) --") is left out of the sentence: it
names where the report was filed, never an actor.
"""

from __future__ import annotations

import re
from dataclasses import replace

from detente.models import Article, Sentence

# Abbreviations that end with a period but rarely end a sentence in news text.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cmdr",
        "adm",
        "sgt",
        "sen",
        "rep",
        "gov",
        "pres",
        "st",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "a.m",
        "p.m",
        "approx",
        "dept",
        "est",
        "fig",
        "rev",
        "hon",
        "amb",
    ]
)

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_REGION = r"(?:, [A-Z][A-Za-z.'’-]*(?: [A-Z][A-Za-z.'’-]*){0,3})?"
_DATE = rf"(?:,? {_MONTH} \d{{1,2}})?"
_AGENCY = r"(?: ?\([A-Z][A-Za-z.&' -]{0,30}\))?"
_DASH = r" ?(?:--|—|–|-) "
# An upper-case place (at least three letters in a row: "U.S. -" is not a dateline) closed by
# a dash or a colon, or a capitalised place closed by a dash: "MOSCOW --", "LYON:",
# "THE HAGUE, Netherlands --", "Washington (Reuters) -".
_DATELINE = re.compile(
    rf"(?:(?=[A-Z.'’ -]*[A-Z]{{3}})[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){{0,3}}"
    rf"{_REGION}{_DATE}{_AGENCY}(?:{_DASH}| ?: )"
    rf"|[A-Z][a-z.'’-]+(?: [A-Z][a-z.'’-]+){{0,2}}{_REGION}{_DATE}{_AGENCY}{_DASH}"
    rf"|\([A-Z][A-Za-z.&' -]{{0,30}}\){_DASH})\s*"
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    # A single capital letter before the period is an initial ("Jake J. Sullivan").
    if len(word) == 1 and text[start].isupper():
        return True
    return word in ABBREVIATIONS


def dateline_end(text: str) -> int:
    """Where the text after a leading dateline starts (0 when there is none)."""
    found = _DATELINE.match(text)
    return found.end() if found is not None and found.end() < len(text) else 0


def split_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of ``text``, stripped of whitespace."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        base = para.start()
        chunk = para.group()
        begin = dateline_end(chunk)
        for end_match in _END.finditer(chunk):
            stop = end_match.end()
            if chunk[end_match.start()] == "." and _ends_with_abbreviation(
                chunk, end_match.start()
            ):
                continue
            if stop < len(chunk) and not _NEXT_START.match(chunk, stop):
                continue  # "... 3.5 percent" or a lowercase continuation
            spans.append((base + begin, base + stop))
            begin = stop
        spans.append((base + begin, base + len(chunk)))
    cleaned: list[tuple[int, int]] = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            cleaned.append((start, end))
    return cleaned


def split_sentences(text: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(index=i, start=start, end=end, text=text[start:end])
        for i, (start, end) in enumerate(split_spans(text))
    )


class SentenceSplitter:
    """Pipeline stage: fill ``article.sents``."""

    name = "sentences"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("sents",)

    def __call__(self, article: Article) -> Article:
        return replace(article, sents=split_sentences(article.text))
