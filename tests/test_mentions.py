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


CHINA = ("China", "CHN", "", "China")
JAPAN = ("Japan", "JPN", "", "Japan")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A country, demonym or role as the text's last word before a comma, "and" or "or"
        # looked one word past the end (IndexError), and the whole article was dropped.
        ("Tags: China, Japan,", [CHINA, JAPAN]),
        ("Tags: China, Japan, ", [CHINA, JAPAN]),
        ("Tags: China, Japan", [CHINA, JAPAN]),
        ("Tags: China, Japan,\n\nRussia,", [CHINA, JAPAN, ("Russia", "RUS", "", "Russia")]),
        ("China,", [CHINA]),
        ("Japan ,", [JAPAN]),
        ("China and", [CHINA]),
        ("China or", [CHINA]),
        ("Japan;", [JAPAN]),
        ("Japan -", [JAPAN]),
        ("Japan's", [JAPAN]),
        ("China, the", [CHINA]),
        ("Japanese and", [("Japanese", "JPN", "", "Japan")]),
        ("Hungarian and", [("Hungarian", "HUN", "", "Hungary")]),
        ("President of", [("President", "", "GOV", "president")]),
        ("Foreign Minister", [("Foreign Minister", "", "GOV", "foreign minister")]),
        ("the", []),
        ("the two", []),
    ],
)
def test_mentions_trailing_punctuation_at_the_end_of_the_text(
    text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert find(text, "2024-02-05") == expected


def test_mentions_title_takes_the_last_country_of_its_sentence() -> None:
    text = "Vietnam and Japan held talks where Deputy Foreign Minister Masahiro Takamura spoke."
    assert find(text, "2024-02-05") == [
        ("Vietnam", "VNM", "", "Vietnam"),
        JAPAN,
        ("Deputy Foreign Minister Masahiro Takamura", "JPN", "GOV", "Masahiro Takamura"),
    ]


def test_mentions_in_one_long_unpunctuated_sentence() -> None:
    # 3,000 words and no sentence end: every country and role is still found, once each.
    text = " ".join(["China condemned Japan as officials met"] * 500)
    article = ActorFinder()(SentenceSplitter()(Article(id="t", text=text)))
    assert len(article.sents) == 1
    assert [m.text for m in article.mentions] == ["China", "Japan", "officials"] * 500
    assert {(m.text, m.actor.country) for m in article.mentions} == {
        ("China", "CHN"),
        ("Japan", "JPN"),
        ("officials", ""),  # two countries named equally often: no guess
    }
