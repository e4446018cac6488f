"""Tests for the dashboard (detente.web): pages render, escape, and equal their JSON twins.

The database is the hand-built one of test_api.py (``fill_store``): CHN–JPN talks, a deal and a
seafood ban; USA–RUS sanctions and a threat whose sentence carries a ``<script>`` tag.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from detente import views
from detente.store import Store
from test_api import fill_store, make_client

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def client(tmp_db: Path) -> Iterator[TestClient]:
    with make_client(fill_store(tmp_db)) as test_client:
        yield test_client


def _store(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


PAGES: list[tuple[str, list[str]]] = [
    ("/", ["Relations overview", ">banned</mark> seafood imports from <mark", 'id="graph"',
           "/static/vendor/plotly.min.js", 'id="latest"']),
    ("/?since=2024-03-01", [">signed</mark> a fishing agreement.", 'value="2024-03-01"']),
    ("/dyads/CHN/JPN", ["CHN – JPN", "CHN → JPN", "JPN → CHN", 'id="index"', 'id="quads"',
                        '<mark class="trigger"', ">banned</mark>", ">rejected</mark> the ban."]),
    ("/dyads/usa/rus?freq=quarter", ["USA – RUS", ">imposed</mark> sanctions on <mark"]),
    ("/articles/a1", ["Talks in Beijing", "Example Wire", 'href="https://example.org/a1"',
                      '<mark class="trigger"', ">accused</mark>", 'id="events"']),
    ("/search?q=seafood", ["1</strong> events whose sentence contains", 'id="results"',
                           '<mark class="match" title="matches the search">seafood</mark>']),
    ("/search", ["Search events"]),
]  # fmt: skip


@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_web_page_renders(client: TestClient, path: str, expected: list[str]) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for text in expected:
        assert text in response.text, text


TWINS: list[tuple[str, Callable[[Store], Any]]] = [
    ("/", lambda s: views.overview(s)),
    ("/?since=2024-02-01&until=2024-03-31",
     lambda s: views.overview(s, since=dt.date(2024, 2, 1), until=dt.date(2024, 3, 31))),
    ("/dyads/CHN/JPN", lambda s: views.dyad_view(s, "CHN", "JPN")),
    ("/dyads/jpn/chn?freq=week&since=2024-03-01",
     lambda s: views.dyad_view(s, "JPN", "CHN", freq="week", since=dt.date(2024, 3, 1))),
    ("/articles/a5", lambda s: views.article_view(s, "a5")),
    ("/search?q=Japan&offset=2", lambda s: views.search_view(s, "Japan", offset=2)),
    ("/search", lambda s: views.search_view(s, "")),
]  # fmt: skip


@pytest.mark.parametrize(("path", "view"), TWINS)
def test_web_json_twin_is_the_view(
    client: TestClient, path: str, view: Callable[[Store], Any]
) -> None:
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}format=json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == view(_store(client))


def test_web_overview_content(client: TestClient) -> None:
    data = client.get("/?format=json").json()
    assert (data["articles"], data["events"]) == (6, 11)
    assert {(e["a"], e["b"]) for e in data["graph"]["edges"]} == {("CHN", "JPN"), ("RUS", "USA")}
    assert [e["article_id"] for e in data["latest"]][:3] == ["a6", "a6", "a3"]
    assert data["warming"] == []
    assert [
        (m["a"], m["b"], m["period"], m["band_before"], m["band_after"]) for m in data["cooling"]
    ] == [("CHN", "JPN", "2024-05-01", "ordinary", "discord")]
    assert data["cooling"][0]["change"] < 0


def test_web_dyad_content(client: TestClient) -> None:
    data = client.get("/dyads/JPN/CHN?format=json").json()
    assert (data["a"], data["b"], data["total"], data["count"]) == ("JPN", "CHN", 9, 9)
    assert [(d["source"], d["target"], d["events"]) for d in data["directions"]] == [
        ("JPN", "CHN", 5),
        ("CHN", "JPN", 4),
    ]
    assert [p["period"] for p in data["series"]] == [
        "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"
    ]  # fmt: skip
    assert len(data["bands"]) == 6
    banned = next(e for e in data["events"] if e["trigger"]["text"] == "banned")
    assert banned["cameo_name"]
    assert [(s["text"], s["mark"]) for s in banned["segments"]] == [
        ("China", "source"), (" ", ""), ("banned", "trigger"), (" seafood imports from ", ""),
        ("Japan", "target"), (".", ""),
    ]  # fmt: skip


def test_web_escapes_stored_text(client: TestClient) -> None:
    overview = client.get("/").text
    assert "&lt;script&gt;alert(" in overview
    assert '<script>alert("x")' not in overview
    article = client.get("/articles/a5").text
    assert "&lt;i&gt;Retaliation&lt;/i&gt; &amp; more" in article
    assert "<i>Retaliation" not in article
    assert 'href="javascript:' not in article  # a non-http URL is shown, never linked
    assert "javascript:alert(1)" in article


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/articles/nope", "no article with id &#39;nope&#39;; find articles through the search"),
        ("/dyads/CHN/USA", "no events between CHN and USA; pick a dyad on the overview"),
        ("/nothing/here", "nothing at /nothing/here"),
    ],
)
def test_web_unknown_page_is_404_page(client: TestClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404 · Not found" in response.text
    assert message in response.text


def test_web_unknown_json_twin_is_404_json(client: TestClient) -> None:
    response = client.get("/articles/nope?format=json")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "no article with id 'nope'; find articles through the search"
    }


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/?since=notadate", "since &#39;notadate&#39; is not a date; use YYYY-MM-DD"),
        ("/dyads/CHN/JPN?freq=year", "unknown frequency &#39;year&#39;"),
        (
            "/dyads/CHN/JAP",
            "second actor &#39;JAP&#39; is not a known actor code; did you mean JPN (Japan)?",
        ),
        ("/search?q=x&format=xml", "format &#39;xml&#39; is not one of html, json"),
    ],
)
def test_web_bad_query_is_400_page(client: TestClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "400 · Bad request" in response.text
    assert message in response.text


def test_web_static_files(client: TestClient) -> None:
    plotly = client.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200
    assert plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000
    assert "plotly" in plotly.text[:2000].lower()
    for name in ("dashboard.css", "dashboard.js"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/missing.js").status_code == 404


def test_web_second_opinion_event_has_no_trigger_mark(tmp_db: Path) -> None:
    from detente.models import Article, Event, Sentence
    from test_api import ARTICLES, CHN, JPN

    text = "China and Japan compared notes on fisheries."
    sent = Sentence(0, 0, len(text), text)
    event = Event(
        article_id="s1", sentence_index=0, sentence=text, trigger="", trigger_start=0,
        trigger_end=0, source=CHN, target=JPN, cameo="040", cameo_root="04",
        plover="CONSULT", quad_class=1, goldstein=1.0, date=dt.date(2024, 6, 1),
        confidence=0.4, coder="minilm.v1",
    )  # fmt: skip
    article = Article("s1", text, dt.date(2024, 6, 1), sents=(sent,), events=(event,))
    with Store(tmp_db) as store:
        store.add_articles([*ARTICLES, article])
    with make_client(tmp_db) as client:
        page = client.get("/articles/s1").text
    assert "<td>(classifier: minilm.v1)</td>" in page
    text_part = page.split('id="article-text">')[1].split("</div>")[0]
    assert '<mark class="trigger"' not in text_part
    assert '<mark class="actor" title="CHNGOV">China</mark>' in page
