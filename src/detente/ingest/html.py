"""Turn one HTML page into article text and a title with trafilatura.

This is the only module that imports trafilatura, and it does so lazily: the import is slow and
only HTML input needs it.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

from detente.errors import ConfigError, InputError

__all__ = ["html_to_text"]

LOGGER = logging.getLogger(__name__)

# trafilatura rejects input whose first 50 characters do not mention "html" unless it parses to
# at least two top-level elements, so a bare "<div>...</div>" would come back empty.
_DUBIOUS_PREFIX = 50


def _trafilatura() -> ModuleType:
    try:
        import trafilatura
    except ImportError as err:
        detail = " ".join(str(err).split())
        raise ConfigError(
            f"reading HTML needs trafilatura, which failed to import ({detail}); "
            "reinstall detente's dependencies (pip install -e .) or pass plain text or JSONL"
        ) from err
    return trafilatura


def _as_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def html_to_text(html: str) -> tuple[str, str]:
    """Return ``(text, title)`` for an HTML page, dropping navigation, comments and tables.

    Raises ``InputError`` when the page holds no article text and ``ConfigError`` when
    trafilatura cannot be imported.  The title is ``""`` when the page has none.
    """
    if not html.strip():
        raise InputError("the HTML is empty; pass a page with an article in it")
    if "html" not in html[:_DUBIOUS_PREFIX].lower():
        html = f"<html><body>{html}</body></html>"
    trafilatura = _trafilatura()
    try:
        text = trafilatura.extract(
            html,
            favor_recall=True,
            include_comments=False,
            include_tables=False,
            output_format="txt",
        )
    except Exception as err:  # trafilatura and lxml raise many types on odd markup
        raise InputError(
            f"the HTML could not be parsed ({type(err).__name__}: {err}); "
            "save the article as plain text instead"
        ) from err
    text = _as_text(text)
    if not text:
        raise InputError(
            "no article text found in the HTML (trafilatura kept nothing after removing "
            "navigation and boilerplate); pass the article as plain text or JSONL instead"
        )
    try:
        title = _as_text(getattr(trafilatura.extract_metadata(html), "title", None))
    except Exception as err:  # a missing title should not cost us the text
        LOGGER.debug("no title extracted: %s: %s", type(err).__name__, err)
        title = ""
    return text, title
