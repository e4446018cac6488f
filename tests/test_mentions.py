import datetime as dt

import pytest

from detente.actors.gazetteer import phrase_key, tokenize
from detente.actors.mentions import ActorFinder
from detente.models import Article
from detente.text.sentences import SentenceSplitter


def find(text: str, day: str) -> list[tuple[str, str, str, str]]:
    article = Article(id="t", text=text, date=dt.date.fromisoformat(day))
    done = ActorFinder()(SentenceSplitter()(article))
    return [(m.text, m.actor.country, m.actor.sector, m.actor.name) for m in done.mentions]


def test_mentions_tokenizer_keeps_abbreviations_and_splits_possessives() -> None:
    assert [w for w, _, _ in tokenize("The U.S. and Japan's China-US talks")] == [
        "The", "U.S.", "and", "Japan", "'s", "China", "-", "US", "talks",
    ]  # fmt: skip
    assert phrase_key("the White House") == ("the", "white", "house")


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        (
            "Chinese Foreign Minister Wang Yi and US adviser Jake Sullivan held talks.",
            "2024-01-27",
            [
                ("Chinese Foreign Minister Wang Yi", "CHN", "GOV", "Wang Yi"),
                ("US adviser Jake Sullivan", "USA", "GOV", "Jake Sullivan"),
            ],
        ),
        (
            "The Kremlin rebuked the White House.",
            "2024-02-05",
            [
                ("The Kremlin", "RUS", "GOV", "Russia"),
                ("the White House", "USA", "GOV", "United States"),
            ],
        ),
        ("Beijing protested.", "2024-02-05", [("Beijing", "CHN", "GOV", "China")]),
        ("Israeli troops advanced.", "2024-02-05", [("Israeli troops", "ISR", "MIL", "troops")]),
        (
            "Kishida visited Seoul.",
            "2015-06-01",
            [("Kishida", "JPN", "GOV", "Fumio Kishida"), ("Seoul", "KOR", "GOV", "South Korea")],
        ),
        ("Biden spoke.", "2019-06-01", [("Biden", "USA", "", "Joe Biden")]),
        (
            "NATO met.",
            "2024-02-05",
            [("NATO", "IGO:NATO", "", "North Atlantic Treaty Organization")],
        ),
        ("Japanese seafood sold well.", "2024-02-05", [("Japanese", "JPN", "", "Japan")]),
    ],
)
def test_mentions_resolve(text: str, day: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert find(text, day) == expected


def test_mentions_article_memory_and_references() -> None:
    text = (
        "Vietnamese Prime Minister Pham Minh Chinh visited Japan. "
        "He was greeted by Deputy Foreign Minister Masahiro Takamura. "
        "Chinh thanked Takamura. The two sides agreed. The Vietnamese side said so."
    )
    article = ActorFinder()(
        SentenceSplitter()(Article(id="t", text=text, date=dt.date(2023, 12, 17)))
    )
    got = [
        (m.text, m.actor.country, m.actor.sector, m.kind, tuple(a.country for a in m.members))
        for m in article.mentions
    ]
    assert got == [
        ("Vietnamese Prime Minister Pham Minh Chinh", "VNM", "GOV", "person", ()),
        ("Japan", "JPN", "", "country", ()),
        ("He", "VNM", "GOV", "pronoun", ()),
        ("Deputy Foreign Minister Masahiro Takamura", "JPN", "GOV", "person", ()),
        ("Chinh", "VNM", "GOV", "person", ()),
        ("Takamura", "JPN", "GOV", "person", ()),
        ("The two sides", "VNM", "", "reference", ("VNM", "JPN")),
        ("The Vietnamese side", "VNM", "GOV", "role", ()),
    ]


def test_mentions_lowercase_common_words_are_not_countries() -> None:
    assert find("They ate turkey from fine china.", "2024-02-05") == []


def test_mentions_acronyms_need_capitals() -> None:
    assert find("Tell us what the who said.", "2024-02-05") == []
    assert [m[1] for m in find("The US and the WHO spoke.", "2024-02-05")] == ["USA", "IGO:WHO"]


def test_mentions_country_prefixes_need_a_compound() -> None:
    assert find("The Indo-Pacific strategy was discussed.", "2024-02-05") == []
    assert [m[1] for m in find("Sino-Japanese ties improved.", "2024-02-05")] == ["CHN", "JPN"]
