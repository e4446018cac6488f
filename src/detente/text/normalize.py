"""Clean article text before sentence splitting: Unicode, whitespace, censorship residue and
content-farm boilerplate.

``normalize_text`` returns the clean text and the boilerplate lines it dropped, so a reader can
audit what went.  Boilerplate is matched line by line with phrase patterns that must sit at the
start of a sentence (after at most a short lead-in such as "Friends,"), and a line goes only when
such sentences make up most of it, so "Talks will follow next week." stays.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import ClassVar

from detente.models import Article

__all__ = ["MAX_BOILERPLATE_LINE", "Normalizer", "is_boilerplate", "normalize_text"]

MAX_BOILERPLATE_LINE = 400  # longer lines are paragraphs of content, never dropped

# Invisible characters that split words for our matchers; ZWJ/ZWNJ stay (emoji, scripts).
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_HSPACE_RE = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# In our sources "**" is always what is left of a censored word, never Markdown bold.
_CENSOR_RE = re.compile(r"\*{2,}")
_BLANK_RUN_RE = re.compile(r"\n{3,}")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")

_APOS = "['’]"
_ASK = (
    rf"(?:(?:please|kindly|do|remember to|don{_APOS}t forget to|do not forget to|be sure to"
    r"|welcome to|you can|feel free to|click(?: to)?|tap(?: to)?|hit) )*"
)
_FOLLOW_TARGET = (
    r"(?:me|us|the author|this author|the (?:blogger|editor|account|channel|page)"
    r"|(?:my|our|this) (?:account|channel|page|column|homepage|profile|blog|newsletter))"
)
_ENGAGE = r"(?:like|comment|share|subscribe|forward|repost|collect|bookmark|favou?rite)"
_CHEER = (
    r"(?:attention|support|likes?|comments?|encouragement|follows?|following|shares?|reposts?"
    r"|love|recognition|reading)"
)
_LEAD_INS = (
    r"(?:dear |my )?(?:friends|readers|everyone|everybody|all|guys|folks|netizens)",
    r"hello|hi|ok(?:ay)?|so|well|finally|lastly|also|and|again|at last|in the end|by the way",
    r"last but not least|ps",
    r"i(?: am|['’]m) [^,，.!?！？]{1,30}",
    r"if you (?:like|liked|enjoy|enjoyed|love|loved|agree|found|find|think|feel)"
    r"[^,，.!?！？]{0,60}",
    r"(?:for|to get|to see|to read) more[^,，.!?！？]{0,40}",
)
_LEAD = (
    r"[^\w\"'“”‘’«»]*"  # decorations such as "👉" or "【"; a quotation is never boilerplate
    rf"(?:(?:{'|'.join(_LEAD_INS)})[\s,，.!！:：;；~～-]+)*"
)
_PATTERNS = (
    # "Follow me to get the latest ...", "Please subscribe to our channel"
    rf"{_ASK}(?:follow|subscribe to|pay attention to) {_FOLLOW_TARGET}\b",
    # "Click the 'Follow' button"
    r"(?:click|tap|hit|press)(?: on)? (?:the |a )?[\"“'‘]?(?:follow|subscribe|like)[\"”'’]?\b",
    # "Welcome to leave a message", "Don't forget to like"
    rf"(?:welcome|remember|don{_APOS}t forget|do not forget|be sure|feel free)"
    r" (?:everyone |all |you |friends )?to (?:follow|like|comment|share|subscribe|forward"
    r"|repost|leave|pay attention|discuss)\b",
    # "Like, comment and share", "Please like and follow"
    rf"{_ASK}{_ENGAGE}(?: ?(?:,|、|/|\+|&|and|or) ?(?:please )?(?:{_ENGAGE}|follow))+\b",
    # "Give me a like", "Leave your comments below"
    rf"{_ASK}(?:give|leave) (?:me |us |this (?:article|post) )?a (?:like|follow|thumbs[- ]up"
    r"|comment|message)\b",
    rf"{_ASK}leave (?:your |a |us a |me a )?(?:comments?|messages?|thoughts|opinions?|views)\b",
    r"(?:in|to) the (?:comments?|message) (?:section|area|board|box)\b",
    rf"(?:let{_APOS}?s|let us|we can|you can) (?:discuss|talk about it|chat)(?: together)? in "
    r"the comments?\b",
    r"what (?:do|did|would) you (?:think|say)(?: (?:of|about)[^?？]{0,80})?\s*[?？]",
    # "Thank you for reading", "Thanks for your support"
    r"thank(?:s| you)(?: all| everyone| again| very much| so much)* for (?:reading|watching"
    r"|your (?:attention|support|reading|time|likes?|patience|comments?|encouragement"
    r"|following|love)|(?:following|supporting|reading) (?:me|us|this))\b",
    # "Your attention is my biggest motivation", "Your likes and support keep me going"
    rf"(?:your|(?:the )?readers{_APOS}?|everyone{_APOS}s|every reader{_APOS}s|all your)"
    rf" (?:{_CHEER}(?: ?(?:,|、|and|or|&) ?)?)+ (?:is|are|will be|has been|have been|gives?"
    r"|keeps?|means?)\b[^.!?]{0,40}?(?:motivation|motive|driving force|encouragement"
    r"|inspiration|power|strength|going|writing|updating|creating|a lot|everything)\b",
    rf"(?:writing|creation|creating|original(?:ity| writing| content| work)?|updating)"
    rf" (?:is not|isn{_APOS}t) easy\b",
    # "Every bit of yours, I will remember in my heart"
    r"every (?:bit|drop|piece|ounce|one|single one|like|comment|share|word)(?: and \w+)?"
    r" of (?:yours|your\b)[^.!?]{0,60}\b(?:heart|mind)\b",
    rf"i(?: will| shall|{_APOS}ll)?(?: always)? (?:remember|keep|cherish|engrave|treasure)\b"
    r"[^.!?]{0,50}\b(?:in|on) my heart\b",
    r"(?:for|to (?:get|see|read)) more (?:\w+ ){0,2}(?:news|content|articles|information"
    r"|updates|stories)\b[^.!?]{0,30}\b(?:follow|subscribe|click|pay attention)\b",
)
_BOILERPLATE_RE = re.compile(rf"{_LEAD}(?:{'|'.join(_PATTERNS)})", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is short and mostly sentences that open with a boilerplate phrase."""
    line = _HSPACE_RE.sub(" ", line).strip()
    if not line or len(line) >= MAX_BOILERPLATE_LINE:
        return False
    sentences = [s for s in _SENTENCE_END_RE.split(line) if s]
    flagged = sum(len(s) for s in sentences if _BOILERPLATE_RE.match(s))
    return flagged * 2 > sum(len(s) for s in sentences)


def normalize_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Return ``(clean text, removed boilerplate lines)`` for an article's raw text.

    NFC; every line break becomes ``\\n``; non-breaking and other wide spaces become spaces
    and zero-width characters go; ``**`` runs are deleted; spaces and tabs collapse within a
    line; lines are stripped; boilerplate lines are dropped; two or more blank lines become one.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CENSOR_RE.sub("", text)
    kept: list[str] = []
    removed: list[str] = []
    for raw_line in text.splitlines():
        line = _HSPACE_RE.sub(" ", raw_line).strip()
        if line and is_boilerplate(line):
            removed.append(line)
        else:
            kept.append(line)
    clean = _BLANK_RUN_RE.sub("\n\n", "\n".join(kept)).strip("\n")
    return clean, tuple(removed)


@dataclass(frozen=True, slots=True)
class Normalizer:
    """Pipeline stage: normalise ``Article.text``, keeping the original in ``raw_text``."""

    name: ClassVar[str] = "normalize"
    requires: ClassVar[tuple[str, ...]] = ("text",)
    assigns: ClassVar[tuple[str, ...]] = ("text", "removed")

    def __call__(self, article: Article) -> Article:
        clean, removed = normalize_text(article.text)
        # A second pass must not overwrite the original text or forget what the first dropped.
        return replace(
            article,
            text=clean,
            raw_text=article.raw_text or article.text,
            removed=article.removed + removed,
        )
