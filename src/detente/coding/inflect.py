"""English word forms for the lexicon's prefilter: inflections of verb and noun lemmas.

The parser runs only on sentences that contain a trigger word; these functions list the
surface forms ("held", "banned", "sanctions") a lemma can take.  Regular rules plus tables of
irregular forms, written by the detente team.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiou")

# Irregular past tense and past participle forms; the -s and -ing forms stay regular.
_IRREGULAR_VERBS: dict[str, tuple[str, ...]] = {
    "arise": ("arose", "arisen"),
    "awake": ("awoke", "awoken"),
    "be": ("was", "were", "been"),
    "bear": ("bore", "borne", "born"),
    "beat": ("beat", "beaten"),
    "become": ("became", "become"),
    "begin": ("began", "begun"),
    "bend": ("bent",),
    "bet": ("bet",),
    "bid": ("bid",),
    "bind": ("bound",),
    "bite": ("bit", "bitten"),
    "bleed": ("bled",),
    "blow": ("blew", "blown"),
    "break": ("broke", "broken"),
    "breed": ("bred",),
    "bring": ("brought",),
    "broadcast": ("broadcast", "broadcasted"),
    "build": ("built",),
    "burn": ("burned", "burnt"),
    "burst": ("burst",),
    "buy": ("bought",),
    "cast": ("cast",),
    "catch": ("caught",),
    "choose": ("chose", "chosen"),
    "cling": ("clung",),
    "come": ("came", "come"),
    "cost": ("cost",),
    "creep": ("crept",),
    "cut": ("cut",),
    "deal": ("dealt",),
    "dig": ("dug",),
    "do": ("did", "done"),
    "draw": ("drew", "drawn"),
    "drink": ("drank", "drunk"),
    "drive": ("drove", "driven"),
    "eat": ("ate", "eaten"),
    "fall": ("fell", "fallen"),
    "feed": ("fed",),
    "feel": ("felt",),
    "fight": ("fought",),
    "find": ("found",),
    "flee": ("fled",),
    "fling": ("flung",),
    "fly": ("flew", "flown"),
    "forbid": ("forbade", "forbidden"),
    "forecast": ("forecast", "forecasted"),
    "foresee": ("foresaw", "foreseen"),
    "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"),
    "freeze": ("froze", "frozen"),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "go": ("went", "gone"),
    "grind": ("ground",),
    "grow": ("grew", "grown"),
    "hang": ("hung", "hanged"),
    "have": ("had",),
    "hear": ("heard",),
    "hide": ("hid", "hidden"),
    "hit": ("hit",),
    "hold": ("held",),
    "hurt": ("hurt",),
    "keep": ("kept",),
    "know": ("knew", "known"),
    "lay": ("laid",),
    "lead": ("led",),
    "lean": ("leaned", "leant"),
    "leave": ("left",),
    "lend": ("lent",),
    "let": ("let",),
    "lie": ("lay", "lain", "lied"),
    "light": ("lit", "lighted"),
    "lose": ("lost",),
    "make": ("made",),
    "mean": ("meant",),
    "meet": ("met",),
    "mislead": ("misled",),
    "outdo": ("outdid", "outdone"),
    "overcome": ("overcame", "overcome"),
    "overrun": ("overran", "overrun"),
    "oversee": ("oversaw", "overseen"),
    "overtake": ("overtook", "overtaken"),
    "overthrow": ("overthrew", "overthrown"),
    "pay": ("paid",),
    "put": ("put",),
    "quit": ("quit", "quitted"),
    "read": ("read",),
    "rebuild": ("rebuilt",),
    "redo": ("redid", "redone"),
    "rethink": ("rethought",),
    "ride": ("rode", "ridden"),
    "ring": ("rang", "rung"),
    "rise": ("rose", "risen"),
    "run": ("ran", "run"),
    "say": ("said",),
    "see": ("saw", "seen"),
    "seek": ("sought",),
    "sell": ("sold",),
    "send": ("sent",),
    "set": ("set",),
    "shake": ("shook", "shaken"),
    "shed": ("shed",),
    "shoot": ("shot",),
    "show": ("showed", "shown"),
    "shut": ("shut",),
    "sing": ("sang", "sung"),
    "sink": ("sank", "sunk"),
    "sit": ("sat",),
    "slay": ("slew", "slain"),
    "slide": ("slid",),
    "speak": ("spoke", "spoken"),
    "spend": ("spent",),
    "spill": ("spilled", "spilt"),
    "spin": ("spun",),
    "split": ("split",),
    "spread": ("spread",),
    "spring": ("sprang", "sprung"),
    "stand": ("stood",),
    "steal": ("stole", "stolen"),
    "stick": ("stuck",),
    "sting": ("stung",),
    "strike": ("struck", "stricken"),
    "strive": ("strove", "striven"),
    "swear": ("swore", "sworn"),
    "sweep": ("swept",),
    "swim": ("swam", "swum"),
    "swing": ("swung",),
    "take": ("took", "taken"),
    "teach": ("taught",),
    "tear": ("tore", "torn"),
    "tell": ("told",),
    "think": ("thought",),
    "throw": ("threw", "thrown"),
    "thrust": ("thrust",),
    "undergo": ("underwent", "undergone"),
    "understand": ("understood",),
    "undertake": ("undertook", "undertaken"),
    "undo": ("undid", "undone"),
    "uphold": ("upheld",),
    "upset": ("upset",),
    "wake": ("woke", "woken"),
    "wear": ("wore", "worn"),
    "weave": ("wove", "woven"),
    "weep": ("wept",),
    "win": ("won",),
    "wind": ("wound",),
    "withdraw": ("withdrew", "withdrawn"),
    "withhold": ("withheld",),
    "withstand": ("withstood",),
    "wring": ("wrung",),
    "write": ("wrote", "written"),
}

# Verbs of more than one syllable whose final consonant doubles (stress on the last syllable,
# or a prefixed one-syllable verb such as "unban").
_DOUBLING_VERBS = frozenset(
    {
        "abet", "acquit", "admit", "airdrop", "allot", "commit", "compel", "confer", "control",
        "deter", "embed", "equip", "expel", "extol", "handicap", "incur", "kidnap", "occur",
        "omit", "outstrip", "overstep", "patrol", "permit", "prefer", "propel", "rebel", "recur",
        "refer", "regret", "remit", "repel", "submit", "transfer", "transmit", "unban", "unpin",
        "worship",
    }
)  # fmt: skip

# Verbs ending in a vowel pair + "l" that British spelling still doubles (fuelled, duelled).
_L_DOUBLING_EXTRA = frozenset({"dial", "duel", "fuel", "trial"})

_IRREGULAR_NOUNS: dict[str, tuple[str, ...]] = {
    "analysis": ("analyses",),
    "child": ("children",),
    "crisis": ("crises",),
    "man": ("men",),
    "person": ("people", "persons"),
    "thesis": ("theses",),
    "woman": ("women",),
}


def _vowel_groups(word: str) -> int:
    groups = 0
    previous = False
    for i, ch in enumerate(word):
        vowel = ch in _VOWELS or (ch == "y" and i > 0 and word[i - 1] not in _VOWELS)
        if ch == "u" and i > 0 and word[i - 1] == "q":
            vowel = False
        if vowel and not previous:
            groups += 1
        previous = vowel
    return groups


def _is_cvc(word: str) -> bool:
    """True when ``word`` ends consonant-vowel-consonant with a single vowel letter."""
    if len(word) < 3 or word[-1] in _VOWELS or word[-1] in "wxy":
        return False
    if word[-2] not in _VOWELS:
        return False
    before = word[-3]
    return before not in _VOWELS or (before == "u" and len(word) > 3 and word[-4] == "q")


def _doubles(verb: str) -> bool:
    if verb in _DOUBLING_VERBS:
        return True
    return _is_cvc(verb) and _vowel_groups(verb) == 1


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in _VOWELS:
        return verb[:-1] + "ies"
    return verb + "s"


def _regular(verb: str, suffix: str) -> list[str]:
    """The -ed or -ing forms of a regular verb (two spellings where British doubles an l)."""
    if suffix == "ed":
        if verb.endswith("e"):
            return [verb + "d"]
        if verb.endswith("y") and len(verb) > 1 and verb[-2] not in _VOWELS:
            return [verb[:-1] + "ied"]
    else:
        if verb.endswith("ie"):
            return [verb[:-2] + "ying"]
        if verb.endswith(("ee", "ye", "oe")):
            return [verb + "ing"]
        if verb.endswith("e") and len(verb) > 2:
            return [verb[:-1] + "ing"]
    if _doubles(verb):
        return [verb + verb[-1] + suffix]
    if verb.endswith("l") and (_is_cvc(verb) or verb in _L_DOUBLING_EXTRA):
        # travel: traveled / travelled, cancel: canceled / cancelled
        return [verb + suffix, verb + "l" + suffix]
    if verb.endswith("c") and len(verb) > 2 and verb[-2] in _VOWELS:
        # panic -> panicked, mimic -> mimicking
        return [verb + "k" + suffix]
    return [verb + suffix]


def verb_forms(lemma: str) -> frozenset[str]:
    """The lemma and its -s, -ed (or irregular past), and -ing forms, lowercase."""
    verb = lemma.lower()
    forms = {verb, _third_person(verb), *_regular(verb, "ing")}
    irregular = _IRREGULAR_VERBS.get(verb)
    forms.update(irregular if irregular is not None else _regular(verb, "ed"))
    return frozenset(forms)


def noun_forms(lemma: str) -> frozenset[str]:
    """The lemma and its plural(s), lowercase."""
    noun = lemma.lower()
    forms = {noun}
    irregular = _IRREGULAR_NOUNS.get(noun)
    if irregular is not None:
        forms.update(irregular)
    elif noun.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(noun + "es")
    elif noun.endswith("y") and len(noun) > 1 and noun[-2] not in _VOWELS:
        forms.add(noun[:-1] + "ies")
    elif noun.endswith("o"):
        forms.update((noun + "s", noun + "es"))  # vetoes, embargoes; but photos
    else:
        forms.add(noun + "s")
    return frozenset(forms)
