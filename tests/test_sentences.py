import pytest

from detente.models import Article
from detente.text.sentences import SentenceSplitter, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ships sailed. Talks began.", ["Ships sailed.", "Talks began."]),
        (
            "U.S. envoys met Mr. Lee on Nov. 3. Both left.",
            ["U.S. envoys met Mr. Lee on Nov. 3.", "Both left."],
        ),
        ("Growth was 3.5 percent. It fell.", ["Growth was 3.5 percent.", "It fell."]),
        ('"We agree," she said. Then silence.', ['"We agree," she said.', "Then silence."]),
        ("Line one\nLine two without stop", ["Line one", "Line two without stop"]),
        ("Did they sign? Nobody knows!", ["Did they sign?", "Nobody knows!"]),
        ("Envoy J. Smith arrived. He spoke.", ["Envoy J. Smith arrived.", "He spoke."]),
        ("  \n  ", []),
    ],
)
def test_sentences_split(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_sentences_offsets_point_into_text() -> None:
    text = "First one here.  Second one.\n\nThird."
    sents = split_sentences(text)
    assert [(s.index, s.start, s.end) for s in sents] == [(0, 0, 15), (1, 17, 28), (2, 30, 36)]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_sentences_stage_assigns_sents() -> None:
    article = SentenceSplitter()(Article(id="a", text="One. Two."))
    assert [s.text for s in article.sents] == ["One.", "Two."]
