"""Tests for detente.actors.codes: actor codes and names as people type them."""

from __future__ import annotations

import pytest

from detente.actors.codes import actor_code, actor_dyad
from detente.actors.kb import load_kb
from detente.errors import InputError

HELP = "use an ISO alpha-3 code such as CHN, an organisation code such as IGO:UN, or a country name"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CHN", "CHN"),
        ("jpn", "JPN"),
        (" usa ", "USA"),
        ("igo:nato", "IGO:NATO"),
        ("NGO:AMNESTY", "NGO:AMNESTY"),
        ("China", "CHN"),
        ("Japan", "JPN"),
        ("south korea", "KOR"),
        ("SOUTH  KOREA", "KOR"),
        ("the United States", "USA"),
        ("United States", "USA"),
        ("U.S.", "USA"),
        ("UK", "GBR"),
        ("cote d'ivoire", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("NATO", "IGO:NATO"),
        ("the UN", "IGO:UN"),
        ("European Union", "IGO:EU"),
        ("FRA", "FRA"),  # a code with no events is still a code
    ],
)
def test_actor_code_reads_codes_and_names(text: str, code: str) -> None:
    assert actor_code(text) == code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("JAP", "--country 'JAP' is not a known actor code; did you mean JPN (Japan)?"),
        ("Japn", "--country 'Japn' is not a known actor code; did you mean JPN (Japan)?"),
        ("Austira", "--country 'Austira' is not a known actor code; did you mean AUT (Austria)?"),
        ("Beijing", "--country 'Beijing' is not a known actor code; did you mean CHN (China)?"),
        (
            "Congo",
            "--country 'Congo' is not a known actor code; did you mean COD (Democratic Republic "
            "of the Congo) or COG (Republic of the Congo)?",
        ),
        (
            "IGO:NATOO",
            "--country 'IGO:NATOO' is not a known actor code; did you mean IGO:NATO (North "
            "Atlantic Treaty Organization)?",
        ),
        ("XYZ", f"--country 'XYZ' is not a known actor code; {HELP}"),
        ("", f"--country is empty; {HELP}"),
        ("  ", f"--country is empty; {HELP}"),
        ("x" * 101, f"--country is 101 characters long; {HELP}"),
    ],
)
def test_actor_code_unknown_suggests_codes(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        actor_code(text, what="--country")
    assert str(raised.value) == message


def test_actor_code_default_label_and_explicit_kb() -> None:
    with pytest.raises(InputError, match=r"^actor 'JAP' is not a known actor code; did you"):
        actor_code("JAP")
    assert actor_code("Japan", kb=load_kb()) == "JPN"


@pytest.mark.parametrize(
    ("text", "dyad"),
    [
        ("CHN-JPN", ("CHN", "JPN")),
        ("chn-usa", ("CHN", "USA")),
        ("China,Japan", ("CHN", "JPN")),
        ("CHN:JPN", ("CHN", "JPN")),
        ("south korea - japan", ("KOR", "JPN")),
        ("IGO:UN-CHN", ("IGO:UN", "CHN")),
        ("CHN-IGO:UN", ("CHN", "IGO:UN")),
        ("Guinea-Bissau-SEN", ("GNB", "SEN")),
        ("Timor-Leste-Indonesia", ("TLS", "IDN")),
        ("CHN-CHN", ("CHN", "CHN")),
    ],
)
def test_actor_dyad_reads_two_actors(text: str, dyad: tuple[str, str]) -> None:
    assert actor_dyad(text) == dyad


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CHN", "dyad 'CHN' should name two actors, e.g. CHN-JPN"),
        ("CHN-", "dyad 'CHN-' should name two actors, e.g. CHN-JPN"),
        ("CHN-JPN-USA", "dyad 'CHN-JPN-USA' should name two actors, e.g. CHN-JPN"),
        (
            "CHN-JAP",
            "dyad 'CHN-JAP': 'JAP' is not a known actor code; did you mean JPN (Japan)?",
        ),
        (
            "Chna-JPN",
            "dyad 'Chna-JPN': 'Chna' is not a known actor code; did you mean CHN (China)?",
        ),
        (
            "IGO:UNN-CHN",
            "dyad 'IGO:UNN-CHN': 'IGO:UNN' is not a known actor code; did you mean IGO:UN "
            "(United Nations)?",
        ),
        ("XXX-YYY", f"dyad 'XXX-YYY': 'XXX' is not a known actor code; {HELP}"),
    ],
)
def test_actor_dyad_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        actor_dyad(text)
    assert str(raised.value) == message


def test_actor_dyad_names_the_option() -> None:
    with pytest.raises(InputError) as raised:
        actor_dyad("USA", what="--dyad", example="--dyad CHN-JPN")
    assert str(raised.value) == "--dyad 'USA' should name two actors, e.g. --dyad CHN-JPN"
