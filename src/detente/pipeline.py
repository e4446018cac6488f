"""The Pipeline: an ordered list of named stages, each ``Article -> Article``.

A stage declares the article fields it ``requires`` and ``assigns``; the pipeline checks the
order when it is built, so a misordered pipeline fails at once, not at record 40,000.  A stage
that raises on one article is reported to the error handler and the article is skipped; a
``FailureCount`` passed to the run counts the skipped articles, also those skipped in worker
processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from detente.errors import ConfigError
from detente.models import Article

LOGGER = logging.getLogger(__name__)

# Fields an article has when it enters the pipeline.
INPUT_FIELDS = frozenset({"id", "text", "date", "title", "url", "source", "origin"})


@runtime_checkable
class Stage(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def requires(self) -> tuple[str, ...]: ...

    @property
    def assigns(self) -> tuple[str, ...]: ...

    def __call__(self, article: Article) -> Article: ...


@dataclass(frozen=True, slots=True)
class StageFailure:
    """What the error handler receives when a stage fails on an article."""

    article_id: str
    origin: str
    stage: str
    error: BaseException


ErrorHandler = Callable[[StageFailure], None]


@dataclass(slots=True)
class FailureCount:
    """How many articles a run dropped because a stage failed on them.

    Not frozen: the run adds to it as it goes and the caller reads it when the stream ends.
    """

    articles: int = 0


def log_and_skip(failure: StageFailure) -> None:
    """Default error handler: log the failure and let the batch go on."""
    LOGGER.error(
        "stage %s failed on article %s (%s): %s: %s",
        failure.stage,
        failure.article_id,
        failure.origin or "no origin",
        type(failure.error).__name__,
        failure.error,
    )


def raise_failure(failure: StageFailure) -> None:
    """Error handler for tests and debugging: re-raise the stage's exception."""
    raise failure.error


class Pipeline:
    """Run stages in order over one article (``__call__``) or a stream (``pipe``)."""

    def __init__(self, stages: Sequence[Stage], *, on_error: ErrorHandler = log_and_skip) -> None:
        check_order(stages)
        self.stages = tuple(stages)
        self.on_error = on_error
        self.failures = 0

    @property
    def stage_names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    def set_error_handler(self, on_error: ErrorHandler) -> None:
        self.on_error = on_error

    def prepare(self) -> None:
        """Let stages build what they cache on disk (``stage.prepare()`` where defined) once,
        before worker processes start, so the workers do not all build it at the same time."""
        for stage in self.stages:
            prepare = getattr(stage, "prepare", None)
            if callable(prepare):
                prepare()

    def __call__(self, article: Article) -> Article:
        """Run every stage; raises whatever a stage raises (use ``pipe`` for log-and-skip)."""
        for stage in self.stages:
            article = stage(article)
        return article

    def run_one(self, article: Article) -> Article | None:
        """Run every stage; on failure call the error handler and return None."""
        for stage in self.stages:
            try:
                article = stage(article)
            except ConfigError:
                raise  # a missing model or a bad setting fails every article: stop at once
            except Exception as error:  # one bad article must never end the batch
                self.failures += 1
                self.on_error(StageFailure(article.id, article.origin, stage.name, error))
                return None
        return article

    def pipe(
        self, articles: Iterable[Article], *, failures: FailureCount | None = None
    ) -> Iterator[Article]:
        """Yield processed articles in input order, skipping those a stage failed on (and
        counting them in ``failures``)."""
        yield from keep_done(map(self.run_one, articles), failures)


def keep_done(
    results: Iterable[Article | None], failures: FailureCount | None = None
) -> Iterator[Article]:
    """The articles of ``run_one`` results, counting each ``None`` (a failed article) in
    ``failures``; works on results that come back from worker processes."""
    for done in results:
        if done is not None:
            yield done
        elif failures is not None:
            failures.articles += 1


def check_order(stages: Sequence[Stage]) -> None:
    """Raise ConfigError when a stage requires a field no earlier stage assigns."""
    available = set(INPUT_FIELDS)
    seen: set[str] = set()
    for stage in stages:
        if not isinstance(stage, Stage):
            raise ConfigError(
                f"{stage!r} is not a stage: it needs name, requires, assigns and __call__"
            )
        if stage.name in seen:
            raise ConfigError(f"stage {stage.name!r} appears twice in the pipeline")
        seen.add(stage.name)
        missing = [f for f in stage.requires if f not in available]
        if missing:
            raise ConfigError(
                f"stage {stage.name!r} requires {', '.join(missing)}, which no earlier stage "
                f"assigns; order is {' -> '.join(s.name for s in stages)}"
            )
        available.update(stage.assigns)
