"""Text normalisation: whitespace, censorship residue and content-farm boilerplate."""

from __future__ import annotations

import pickle

import pytest

from detente.models import Article
from detente.text.normalize import Normalizer, is_boilerplate, normalize_text

BEFORE = "The defence ministers of Japan and Australia met in Canberra on Monday."
AFTER = "Both sides pledged to expand joint patrols in the Coral Sea."

BOILERPLATE = [
    "Follow me to get the latest news on Asian diplomacy!",
    "follow me to get the latest international analysis every day",
    "Please follow us for more updates.",
    "Click the “Follow” button so you never miss a story.",
    "Your attention is my biggest motivation!",
    "Your likes and support are the greatest motivation for me to keep writing.",
    "Thank you for reading, please like, comment and share.",
    "Thanks for your support!",
    "Like, comment and share!",
    "👉 Please like and follow, thank you!",
    "Don’t forget to subscribe to our channel.",
    "Every bit of yours, I will remember in my heart.",
    "Every like of yours, I will keep in my heart.",
    "Friends, what do you think? Welcome to leave a message in the comment area.",
    "If you enjoyed this article, give me a like.",
    "I am Old Zhou, follow me for more commentary on world affairs.",
    "Writing is not easy, your support means a lot.",
]

NEWS = [
    "Talks will follow next week.",
    "Follow-up talks are scheduled for March in Geneva.",
    "Follow the money, investigators say, and the sanctions evasion becomes clear.",
    "Delegates will follow us to the border crossing, the spokesman said.",
    "Thanks to mediation by Qatar, the two sides agreed to a truce.",
    "Like Japan, South Korea has raised its defence budget.",
    "Share prices in Seoul fell after the announcement.",
    "“Thank you for your support,” the president told lawmakers in Kyiv.",
    "The ministry declined to comment and share details of the deal.",
    "Your support for the resolution is welcome, the envoy told Brazil.",
    "Welcome to Beijing, Xi told the visiting premier.",
    "The summit ends Friday. Officials from both countries will follow the talks closely.",
]


@pytest.mark.parametrize("line", BOILERPLATE)
def test_boilerplate_line_is_removed(line: str) -> None:
    text = f"{BEFORE}\n\n{line}\n\n{AFTER}"
    assert normalize_text(text) == (f"{BEFORE}\n\n{AFTER}", (line,))
    assert is_boilerplate(line)


@pytest.mark.parametrize("sentence", NEWS)
def test_news_sentence_is_kept(sentence: str) -> None:
    assert normalize_text(sentence) == (sentence, ())
    assert not is_boilerplate(sentence)


def test_boilerplate_after_news_in_the_same_line_is_kept() -> None:
    line = f"{BEFORE} {AFTER} Follow me."
    assert normalize_text(line) == (line, ())


def test_long_lines_are_never_boilerplate() -> None:
    line = "Follow me for more. " + " ".join([AFTER] * 7)
    assert len(line) >= 400
    assert normalize_text(line) == (line, ())


def test_several_boilerplate_sentences_form_one_removed_line() -> None:
    line = "Thanks for reading! Follow me. Leave a comment below."
    assert normalize_text(f"{BEFORE}\n{line}") == (BEFORE, (line,))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Kishida** also met the envoy.", "Kishida also met the envoy."),
        ("They discussed the ** incident at length.", "They discussed the incident at length."),
        ("A framework with ** as its pillar.", "A framework with as its pillar."),
        ("**Censored** words ** everywhere **", "Censored words everywhere"),
        ("A *single* star stays.", "A *single* star stays."),
    ],
)
def test_censorship_markers_are_removed(raw: str, clean: str) -> None:
    assert normalize_text(raw) == (clean, ())


def test_whitespace_is_normalised_exactly() -> None:
    raw = (
        "\n\n  Seoul\u00a0and\tTokyo \t agreed\u2009today.  \r\n"
        "Zero\u200bwidth\u200b gone; cafe\u0301 composed.\r"
        "\r\n\r\n\n\n"
        "  Third\u3000paragraph\u2028fourth line.\n\n"
        "Fifth\u00a0\u00a0line.\n\n\n"
    )
    expected = (
        "Seoul and Tokyo agreed today.\n"
        "Zerowidth gone; café composed.\n"
        "\n"
        "Third paragraph\n"
        "fourth line.\n"
        "\n"
        "Fifth line."
    )
    assert normalize_text(raw) == (expected, ())


def test_single_blank_line_is_kept() -> None:
    assert normalize_text("One.\n\nTwo.") == ("One.\n\nTwo.", ())
    assert normalize_text("One.\n\n\n\nTwo.") == ("One.\n\nTwo.", ())


def test_normalizer_stage() -> None:
    raw = f"{BEFORE}\u00a0 \nKishida** also attended.\n\nFollow me for more!\n"
    article = Article(id="a1", text=raw, title="Talks")
    stage = Normalizer()
    assert (stage.name, stage.requires, stage.assigns) == (
        "normalize",
        ("text",),
        ("text", "removed"),
    )
    out = stage(article)
    assert out == Article(
        id="a1",
        text=f"{BEFORE}\nKishida also attended.",
        title="Talks",
        raw_text=raw,
        removed=("Follow me for more!",),
    )
    again = stage(out)
    assert (again.text, again.raw_text, again.removed) == (out.text, raw, out.removed)
    restored = pickle.loads(pickle.dumps(stage))
    assert restored(article) == out
