"""Stable article ids for inputs that do not carry their own.

The id is a content hash, so the same text read twice (from a ``.txt`` file today, from a JSONL
record tomorrow) gets the same id and the store can recognise it as the same article.
"""

from __future__ import annotations

import hashlib

__all__ = ["article_id_for"]

ID_LENGTH = 16


def article_id_for(text: str) -> str:
    """Return the first 16 hex digits of the SHA-1 of ``text`` with its whitespace normalised.

    Whitespace runs (including line breaks and non-breaking spaces) count as one space and
    leading or trailing whitespace is ignored, so re-wrapped copies of a text share an id.
    """
    normalised = " ".join(text.split())
    # surrogatepass: never fail on lone surrogates a caller may have smuggled in.
    digest = hashlib.sha1(normalised.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return digest.hexdigest()[:ID_LENGTH]
