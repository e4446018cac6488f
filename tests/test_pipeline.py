from dataclasses import replace

import pytest

from detente.errors import ConfigError
from detente.models import Article
from detente.pipeline import FailureCount, Pipeline, StageFailure, keep_done, raise_failure
from detente.registry import Registry


class Upper:
    name = "upper"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("text",)

    def __call__(self, article: Article) -> Article:
        if "boom" in article.text:
            raise ValueError("cannot shout boom")
        return replace(article, text=article.text.upper())


class NeedsEvents:
    name = "needs-events"
    requires: tuple[str, ...] = ("events",)
    assigns: tuple[str, ...] = ()

    def __call__(self, article: Article) -> Article:
        return article


def test_pipeline_runs_stages_in_order() -> None:
    pipeline = Pipeline([Upper()])
    assert pipeline(Article(id="a", text="hi")).text == "HI"
    assert pipeline.stage_names == ["upper"]


def test_pipeline_rejects_misordered_stages() -> None:
    with pytest.raises(ConfigError, match=r"needs-events.*requires events"):
        Pipeline([NeedsEvents(), Upper()])


def test_pipeline_rejects_duplicate_stage() -> None:
    with pytest.raises(ConfigError, match="appears twice"):
        Pipeline([Upper(), Upper()])


def test_pipeline_pipe_skips_bad_article_and_reports_it() -> None:
    failures: list[StageFailure] = []
    pipeline = Pipeline([Upper()], on_error=failures.append)
    articles = [
        Article(id="1", text="a"),
        Article(id="2", text="boom", origin="x.jsonl:2"),
        Article(id="3", text="c"),
    ]
    out = list(pipeline.pipe(articles))
    assert [a.text for a in out] == ["A", "C"]
    assert [(f.article_id, f.origin, f.stage, str(f.error)) for f in failures] == [
        ("2", "x.jsonl:2", "upper", "cannot shout boom")
    ]
    assert pipeline.failures == 1


def test_pipeline_pipe_counts_failed_articles() -> None:
    failed = FailureCount()
    reported: list[StageFailure] = []
    pipeline = Pipeline([Upper()], on_error=reported.append)
    articles = [Article(id=str(i), text="boom" if i % 2 else "a") for i in range(5)]
    assert [a.id for a in pipeline.pipe(articles, failures=failed)] == ["0", "2", "4"]
    assert failed == FailureCount(2)
    assert [f.article_id for f in reported] == ["1", "3"]
    assert pipeline.failures == 2


def test_pipeline_keep_done_counts_results_from_workers() -> None:
    # What worker processes send back: None for an article a stage failed on.
    results = [Article(id="1", text="a"), None, None, Article(id="4", text="d")]
    failed = FailureCount()
    assert [a.id for a in keep_done(results, failed)] == ["1", "4"]
    assert failed.articles == 2
    assert [a.id for a in keep_done(results)] == ["1", "4"]  # counting is optional


def test_pipeline_raise_handler_reraises() -> None:
    pipeline = Pipeline([Upper()], on_error=raise_failure)
    with pytest.raises(ValueError, match="boom"):
        list(pipeline.pipe([Article(id="2", text="boom")]))


def test_registry_lists_names_on_unknown() -> None:
    registry = Registry("widgets")

    @registry.register("widget.v1")
    def make() -> int:
        return 1

    assert registry.get("widget.v1") is make
    with pytest.raises(ConfigError, match=r"no widgets named 'widget\.v2'; available: widget\.v1"):
        registry.get("widget.v2")


class Misconfigured:
    name = "misconfigured"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ()

    def __call__(self, article: Article) -> Article:
        raise ConfigError("spaCy model 'nope' is not installed")


def test_pipeline_configuration_errors_stop_the_batch() -> None:
    failures: list[StageFailure] = []
    pipeline = Pipeline([Misconfigured()], on_error=failures.append)
    with pytest.raises(ConfigError, match="not installed"):
        list(pipeline.pipe([Article(id="1", text="a"), Article(id="2", text="b")]))
    assert failures == []
