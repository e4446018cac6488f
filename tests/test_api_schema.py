"""The OpenAPI schema says what the server does: schemathesis over the app, in process.

schemathesis (4.32.5) generates requests from ``/openapi.json``, valid and invalid, sends them to
the app through its ASGI transport and checks every answer: no 500, only documented statuses,
content types and headers, responses matching their models, invalid requests refused and
valid ones accepted.  The run is bounded (few examples per operation, no shrinking) and
deterministic (``derandomize``), and POSTed articles go through a stand-in coder in the writer
thread, so no spaCy model is loaded.

A few 400s answer rules OpenAPI cannot state (an actor code the knowledge base does not know,
``since`` after ``until``, ``undirected`` without a ``dyad``, a dyad of one actor twice); the
``filter_failure`` hook accepts exactly those.  The same hook serves the CLI run against a live
server: ``PYTHONPATH=tests SCHEMATHESIS_HOOKS=test_api_schema schemathesis run URL/openapi.json``.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis==4.32.5")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402  (after importorskip)
from schemathesis import GenerationMode  # noqa: E402

from detente.api import create_app  # noqa: E402
from detente.models import Article  # noqa: E402
from test_api import AUTH, TOKEN, fill_store  # noqa: E402

EXAMPLES = 10  # per operation and mode: the whole file runs in seconds

# Messages of the 400s that answer rules beyond what OpenAPI can declare.
SEMANTIC_400 = (
    "is not a known actor code",
    "is after until",
    "needs a dyad",
    "a dyad needs two different actors",
    "should name two actors",
)


def _semantic_400(response: Any) -> bool:
    if response.status_code != 400:
        return False
    try:
        detail = response.json().get("detail", "")
    except ValueError:
        return False
    return any(part in detail for part in SEMANTIC_400)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure except a documented 400 for a rule the schema cannot state."""
    return not _semantic_400(response)


def keep_as_is(articles: list[Article], settings: Any) -> list[Article]:
    """A stand-in coder: every article coded, with no events."""
    return list(articles)


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = fill_store(tmp_path_factory.mktemp("schema") / "schema.duckdb")
    app = create_app(str(db), token=TOKEN, coder=keep_as_is, coding_process=False, write_rate=None)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _can_be_wrong(operation: Any) -> bool:
    """Whether a request to ``operation`` can break its schema: it takes a body, a required
    query parameter, or a parameter that is not any string (a path of any text cannot)."""
    definition = operation.definition.raw
    if "requestBody" in definition:
        return True
    for param in definition.get("parameters", ()):
        schema = param["schema"]
        any_text = schema.get("type") == "string" and not set(schema) - {"type", "title"}
        if (param["in"] == "query" and param.get("required")) or not any_text:
            return True
    return False


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_schema_matches_the_server(api_schema: Any, mode: str) -> None:
    failures: list[str] = []
    for operation in _operations(api_schema):

        @settings(
            max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        def check(case: Any) -> None:
            case.call_and_validate(headers=AUTH)

        if mode == "negative" and not _can_be_wrong(operation):
            continue
        try:
            check()
        except Exception as e:  # collect every operation's failures, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {e}")
    assert failures == [], "\n\n".join(failures)


def test_api_schema_declares_formats_and_limits(api_schema: Any) -> None:
    raw = api_schema.raw_schema
    events = {p["name"]: p["schema"] for p in raw["paths"]["/api/events"]["get"]["parameters"]}
    assert events["since"]["format"] == "date"
    assert events["until"]["format"] == "date"
    assert (events["limit"]["minimum"], events["limit"]["maximum"]) == (0, 1000)
    assert (events["offset"]["minimum"], events["offset"]["maximum"]) == (0, 1_000_000_000)
    assert (events["min_confidence"]["minimum"], events["min_confidence"]["maximum"]) == (0, 1)
    assert events["mode"]["enum"] == ["asserted", "future", "hypothetical", "negated",
                                      "prescriptive"]  # fmt: skip
    assert events["cameo"]["pattern"] == "^[0-9]{2,4}$"
    shifts = {p["name"]: p["schema"] for p in raw["paths"]["/api/shifts"]["get"]["parameters"]}
    assert shifts["freq"]["enum"] == ["day", "week", "month", "quarter"]
    assert (shifts["min_change"]["exclusiveMinimum"], shifts["min_change"]["maximum"]) == (0, 18)
    post = raw["paths"]["/api/articles"]["post"]
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for status in ("400", "401", "403", "413", "422", "429", "500", "503"):
        assert post["responses"][status]["content"]["application/json"]["schema"] == error
    assert set(post["responses"]["429"]["headers"]) == {"Retry-After"}
    assert set(post["responses"]["503"]["headers"]) == {"Retry-After"}
    assert post["security"] == [{"HTTPBearer": []}]
    assert raw["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The token `detente serve` was started with.",
    }
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            assert "500" in operation["responses"], (method, path)
            if path != "/health" and method == "get" and operation.get("parameters"):
                assert {"400", "500"} <= set(operation["responses"]) or path.startswith(
                    "/api/articles/"
                ), (method, path)
