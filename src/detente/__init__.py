"""detente: political event data from news and commentary.

    >>> import detente
    >>> events = detente.code_text("China and Japan held talks in Beijing.", date="2024-02-05")

The public API is what ``__all__`` lists; everything else may change between versions.
"""

import logging as _logging

from detente import errors, models
from detente.coder import build_pipeline, code_articles, code_text
from detente.models import Actor, Article, Event, Mention, Place, Sentence
from detente.pipeline import Pipeline
from detente.settings import Settings, load_settings
from detente.store import EventFilter, Store

__all__ = [
    "Actor",
    "Article",
    "Event",
    "EventFilter",
    "Mention",
    "Pipeline",
    "Place",
    "Sentence",
    "Settings",
    "Store",
    "build_pipeline",
    "code_articles",
    "code_text",
    "errors",
    "load_settings",
    "models",
]
__version__ = "0.1.0"

_logging.getLogger(__name__).addHandler(_logging.NullHandler())
