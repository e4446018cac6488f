"""Tests for detente.api: the JSON endpoints, auth on writes, and the error messages.

The database is built by hand (``fill_store``), so every expected count is exact; only the one
POST test marked ``slow`` runs the coder.  ``fill_store`` and ``ARTICLES`` are also used by
test_web.py and test_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer import Typer
from typer.testing import CliRunner

from detente.analytics import detect_shifts, dyad_series, relations_graph, relations_index
from detente.api import create_app
from detente.coder import code_text
from detente.errors import ConfigError, InputError, StoreError
from detente.ingest.client import SendResult, send_articles
from detente.models import Actor, Article, Event, Sentence
from detente.store import Store

with warnings.catch_warnings():
    # Starlette warns that its TestClient will move from httpx to httpx2; httpx is what we have.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

D = dt.date
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

CHN = Actor("China", "CHN", "GOV", "China", "kb:chn")
JPN = Actor("Japan", "JPN", "GOV", "Japan", "kb:jpn")
USA = Actor("Washington", "USA", "GOV", "United States", "kb:usa")
RUS = Actor("Moscow", "RUS", "GOV", "Russia", "kb:rus")

# (sentence, trigger, source, target, cameo, plover, quad class, Goldstein, mode)
Spec = tuple[int, str, Actor, Actor, str, str, int, float, str]


def _article(aid: str, day: dt.date, text: str, specs: list[Spec], **fields: Any) -> Article:
    """An article whose sentences are split at ". " and whose events point into them."""
    sents: list[Sentence] = []
    start = 0
    for i, piece in enumerate(text.split(". ")):
        body = piece if piece.endswith(".") else piece + "."
        sents.append(Sentence(i, start, start + len(body), body))
        start += len(body) + 1
    events = []
    for sent, trigger, source, target, cameo, plover, quad, goldstein, mode in specs:
        at = sents[sent].start + sents[sent].text.index(trigger)
        events.append(
            Event(
                article_id=aid, sentence_index=sent, sentence=sents[sent].text, trigger=trigger,
                trigger_start=at, trigger_end=at + len(trigger), source=source, target=target,
                cameo=cameo, cameo_root=cameo[:2], plover=plover, quad_class=quad,
                goldstein=goldstein, mode=mode, date=day,
            )
        )  # fmt: skip
    return Article(aid, text, day, sents=tuple(sents), events=tuple(events), **fields)


ARTICLES = [
    _article(
        "a1", D(2024, 1, 15),
        "China and Japan held talks in Beijing. Japan accused China of violating its airspace.",
        [(0, "held", CHN, JPN, "043", "CONSULT", 1, 2.8, "asserted"),
         (0, "held", JPN, CHN, "043", "CONSULT", 1, 2.8, "asserted"),
         (1, "accused", JPN, CHN, "112", "ACCUSE", 3, -2.0, "asserted")],
        title="Talks in Beijing", source="Example Wire", url="https://example.org/a1",
    ),
    _article(
        "a2", D(2024, 3, 10), "Japan and China signed a fishing agreement.",
        [(0, "signed", JPN, CHN, "057", "AGREE", 1, 8.0, "asserted"),
         (0, "signed", CHN, JPN, "057", "AGREE", 1, 8.0, "asserted")],
        title="A fishing deal",
    ),
    _article(
        "a3", D(2024, 4, 20), "China banned seafood imports from Japan. Japan rejected the ban.",
        [(0, "banned", CHN, JPN, "163", "SANCTION", 4, -8.0, "asserted"),
         (1, "rejected", JPN, CHN, "120", "REJECT", 3, -4.0, "asserted")],
        title="Seafood ban",
    ),
    _article(
        "a4", D(2024, 2, 5), "Washington imposed sanctions on Moscow.",
        [(0, "imposed", USA, RUS, "163", "SANCTION", 4, -8.0, "asserted")],
    ),
    _article(
        "a5", D(2024, 2, 6),
        'Moscow said it <script>alert("x")</script> would retaliate against Washington.',
        [(0, "retaliate", RUS, USA, "138", "THREATEN", 3, -7.0, "future")],
        title="<i>Retaliation</i> & more", url="javascript:alert(1)",
    ),
    _article(
        "a6", D(2024, 5, 12), "China seized Japanese fishing boats. Japan condemned the seizure.",
        [(0, "seized", CHN, JPN, "171", "COERCE", 4, -9.2, "asserted"),
         (1, "condemned", JPN, CHN, "111", "ACCUSE", 3, -2.0, "asserted")],
        title="Boats seized",
    ),
]  # fmt: skip


def fill_store(path: Path) -> Path:
    """Write ``ARTICLES`` (6 articles, 11 events) to a new database at ``path``."""
    with Store(path) as store:
        store.add_articles(ARTICLES)
    return path


def make_client(path: Path, token: str | None = TOKEN, **options: Any) -> TestClient:
    """A TestClient of the app over ``path`` (``options`` go to ``create_app``)."""
    return TestClient(create_app(str(path), token=token, **options))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(path: Path, *, token: str | None = TOKEN, **options: Any) -> Iterator[str]:
    """A real uvicorn server over ``path`` in a thread (``options`` go to ``create_app``);
    yields its base URL once /health answers, and stops it on exit."""
    with live_app(create_app(str(path), token=token, **options)) as url:
        yield url


@contextmanager
def live_app(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread; yields its base URL once
    /health answers, and stops it on exit."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=_free_port(), log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="detente-test-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{config.port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or not thread.is_alive():
                    pytest.fail(f"the test server did not answer {url}/health within 20s")
                time.sleep(0.05)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def client(tmp_db: Path) -> Iterator[TestClient]:
    with make_client(fill_store(tmp_db)) as test_client:
        yield test_client


def _ids(items: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return [(e["article_id"], e["sentence_index"], e["trigger"]["text"]) for e in items]


# -- reads ------------------------------------------------------------------------------------


def test_api_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "articles": 6, "events": 11}


def test_api_openapi_lists_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/health", "/api/events", "/api/articles", "/api/articles/{article_id}",
                 "/api/actors", "/api/dyads/{a}/{b}/series", "/api/dyads/{a}/{b}/index",
                 "/api/shifts", "/api/graph", "/api/search"):  # fmt: skip
        assert path in paths, path
    assert "/" not in paths  # dashboard pages stay out of the API schema


def test_api_events_default_page(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert (body["limit"], body["offset"], body["count"], body["total"]) == (100, 0, 11, 11)
    order = ["a1"] * 3 + ["a4", "a5"] + ["a2"] * 2 + ["a3"] * 2 + ["a6"] * 2
    assert [e["article_id"] for e in body["items"]] == order
    assert body["items"][0]["source"]["code"] in ("CHNGOV", "JPNGOV")
    assert body["items"][2]["trigger"] == {"text": "accused", "start": 45, "end": 52}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dyad=JPN-CHN", [("a1", 0, "held"), ("a1", 1, "accused"), ("a2", 0, "signed"),
                          ("a3", 1, "rejected"), ("a6", 1, "condemned")]),
        ("dyad=chn-usa", []),
        ("dyad=RUS-USA&undirected=true", [("a4", 0, "imposed"), ("a5", 0, "retaliate")]),
        ("country=usa", [("a4", 0, "imposed"), ("a5", 0, "retaliate")]),
        ("country=United%20States", [("a4", 0, "imposed"), ("a5", 0, "retaliate")]),
        ("dyad=Russia-USA&undirected=true", [("a4", 0, "imposed"), ("a5", 0, "retaliate")]),
        ("country=FRA", []),
        ("cameo=16", [("a4", 0, "imposed"), ("a3", 0, "banned")]),
        ("plover=accuse", [("a1", 1, "accused"), ("a6", 1, "condemned")]),
        ("mode=future", [("a5", 0, "retaliate")]),
        ("since=2024-03-01&until=2024-03-31", [("a2", 0, "signed"), ("a2", 0, "signed")]),
        ("min_confidence=0.55", []),  # these test events all have the default 0.5
        ("mode=future&min_confidence=0.5", [("a5", 0, "retaliate")]),
    ],
)  # fmt: skip
def test_api_events_filters(client: TestClient, query: str, expected: list[Any]) -> None:
    body = client.get(f"/api/events?{query}").json()
    assert _ids(body["items"]) == expected
    assert body["total"] == len(expected)


def test_api_events_pagination(client: TestClient) -> None:
    everything = client.get("/api/events").json()["items"]
    pages = [client.get(f"/api/events?limit=4&offset={o}").json() for o in (0, 4, 8)]
    assert [p["count"] for p in pages] == [4, 4, 3]
    assert all(p["total"] == 11 and p["limit"] == 4 for p in pages)
    assert [e for p in pages for e in p["items"]] == everything
    assert client.get("/api/events?limit=0").json()["items"] == []
    assert client.get("/api/events?offset=50").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("mode=maybe", "unknown mode 'maybe'; allowed: asserted, future"),
        ("since=notadate", "since 'notadate' is not a date; use YYYY-MM-DD"),
        ("until=2024-13-01", "until '2024-13-01' is not a date; use YYYY-MM-DD"),
        ("dyad=CHN", "dyad 'CHN' should name two actors, e.g. dyad=CHN-JPN"),
        ("undirected=true", "undirected=True needs a dyad"),
        ("cameo=abc", "cameo filter 'abc' is not a CAMEO code prefix"),
        ("plover=HUG", "unknown PLOVER type 'HUG'"),
        ("limit=1001", "limit 1001 is out of range; use at most 1000"),
        ("limit=-1", "limit -1 is out of range; use at least 0"),
        ("offset=-1", "offset -1 is out of range; use at least 0"),
        (
            "offset=9223372036854775808",
            "offset 9223372036854775808 is out of range; use at most 1000000000",
        ),
        ("min_confidence=nan", "min_confidence: Input should be a finite number (got 'nan')"),
        ("min_confidence=1.5", "min_confidence 1.5 is out of range; use at most 1"),
        ("cameo=%D9%A0%D9%A4", "cameo filter '٠٤' is not a CAMEO code prefix"),
        ("since=20240101", "since '20240101' is not a date; use YYYY-MM-DD"),
        ("limit=ten", "limit: Input should be a valid integer"),
        ("since=2024-05-01&until=2024-01-01", "since (2024-05-01) is after until (2024-01-01)"),
    ],
)
def test_api_events_bad_query_is_400(client: TestClient, query: str, message: str) -> None:
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        (
            "/api/events?country=JAP",
            "country 'JAP' is not a known actor code; did you mean JPN (Japan)?",
        ),
        (
            "/api/events?country=XYZ",
            "country 'XYZ' is not a known actor code; use an ISO alpha-3 code such as CHN, an "
            "organisation code such as IGO:UN, or a country name",
        ),
        (
            "/api/events?dyad=CHN-JAP",
            "dyad 'CHN-JAP': 'JAP' is not a known actor code; did you mean JPN (Japan)?",
        ),
        (
            "/api/dyads/CHN/JAP/series",
            "b 'JAP' is not a known actor code; did you mean JPN (Japan)?",
        ),
        (
            "/api/dyads/Chna/JPN/index",
            "a 'Chna' is not a known actor code; did you mean CHN (China)?",
        ),
    ],
)
def test_api_unknown_actor_is_400(client: TestClient, path: str, detail: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_api_dyads_take_names(client: TestClient) -> None:
    by_name = client.get("/api/dyads/china/Japan/index").json()
    assert (by_name["a"], by_name["b"]) == ("CHN", "JPN")
    assert by_name == client.get("/api/dyads/CHN/JPN/index").json()


def test_api_article(client: TestClient) -> None:
    body = client.get("/api/articles/a1").json()
    assert (body["id"], body["title"], body["date"], body["url"]) == (
        "a1", "Talks in Beijing", "2024-01-15", "https://example.org/a1"
    )  # fmt: skip
    assert [s["text"] for s in body["sentences"]] == [
        "China and Japan held talks in Beijing.",
        "Japan accused China of violating its airspace.",
    ]
    assert [s["start"] for s in body["sentences"]] == [0, 39]
    assert len(body["events"]) == 3
    marked = [(s["text"], s["mark"], set(s["title"].split("; "))) for s in body["segments"]
              if s["mark"]]  # fmt: skip
    assert marked == [
        ("China", "actor", {"CHNGOV"}), ("Japan", "actor", {"JPNGOV"}),
        ("held", "trigger", {"CHN → JPN: 043 CONSULT", "JPN → CHN: 043 CONSULT"}),
        ("Japan", "actor", {"JPNGOV"}), ("accused", "trigger", {"JPN → CHN: 112 ACCUSE"}),
        ("China", "actor", {"CHNGOV"}),
    ]  # fmt: skip
    assert "".join(s["text"] for s in body["segments"]) == body["text"]


def test_api_article_unknown_is_404(client: TestClient) -> None:
    response = client.get("/api/articles/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "no article with id 'nope'; list ids with /api/events"}


def test_api_actors(client: TestClient) -> None:
    body = client.get("/api/actors").json()
    assert body["items"] == [
        {"code": "CHNGOV", "country": "CHN", "sector": "GOV", "events": 9, "as_source": 4,
         "as_target": 5},
        {"code": "JPNGOV", "country": "JPN", "sector": "GOV", "events": 9, "as_source": 5,
         "as_target": 4},
        {"code": "RUSGOV", "country": "RUS", "sector": "GOV", "events": 2, "as_source": 1,
         "as_target": 1},
        {"code": "USAGOV", "country": "USA", "sector": "GOV", "events": 2, "as_source": 1,
         "as_target": 1},
    ]  # fmt: skip
    assert body["countries"] == [
        {"country": "CHN", "events": 9},
        {"country": "JPN", "events": 9},
        {"country": "RUS", "events": 2},
        {"country": "USA", "events": 2},
    ]


def test_api_dyad_series(client: TestClient) -> None:
    body = client.get("/api/dyads/chn/jpn/series").json()
    assert (body["a"], body["b"], body["freq"], body["directed"]) == ("CHN", "JPN", "month", True)
    counts = [(p["period"], p["events"], p["q1"], p["q4"]) for p in body["items"]]
    assert counts == [("2024-01-01", 1, 1, 0), ("2024-02-01", 0, 0, 0), ("2024-03-01", 1, 1, 0),
                      ("2024-04-01", 1, 0, 1), ("2024-05-01", 1, 0, 1)]  # fmt: skip
    both = client.get("/api/dyads/CHN/JPN/series?directed=false&freq=quarter").json()["items"]
    assert [(p["period"], p["events"]) for p in both] == [("2024-01-01", 5), ("2024-04-01", 4)]


def test_api_dyad_index_shifts_graph_match_analytics(client: TestClient) -> None:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    index = client.get("/api/dyads/CHN/JPN/index").json()
    assert index["items"] == [p.to_dict() for p in relations_index(store, "CHN", "JPN")]
    assert [b["name"] for b in index["bands"]] == [
        "confrontation", "tension", "discord", "ordinary", "good", "friendly"
    ]  # fmt: skip
    shifts = client.get("/api/shifts?min_change=1").json()
    assert shifts["items"] == [s.to_dict() for s in detect_shifts(store, min_change=1.0)]
    graph = client.get("/api/graph?since=2024-02-01").json()
    assert graph == relations_graph(store, since=D(2024, 2, 1)).to_dict()
    assert {(e["a"], e["b"]) for e in graph["edges"]} == {("CHN", "JPN"), ("RUS", "USA")}
    series = client.get("/api/dyads/JPN/CHN/series?freq=week&until=2024-01-31").json()
    expected = dyad_series(store, "JPN", "CHN", freq="week", until=D(2024, 1, 31))
    assert series["items"] == [p.to_dict() for p in expected]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/dyads/CHN/JPN/series?freq=year", "unknown frequency 'year'"),
        ("/api/dyads/CHN/CHN/index", "a dyad needs two different actors"),
        ("/api/shifts?min_change=0", "min_change 0 is out of range; use above 0"),
        ("/api/shifts?min_change=19", "min_change 19 is out of range; use at most 18"),
        ("/api/shifts?freq=", "unknown frequency ''"),
        (
            "/api/dyads/CHN/JPN/index?half_life_days=inf",
            "half_life_days: Input should be a finite number",
        ),
        ("/api/search?q=" + "x" * 201, "q: String should have at most 200 characters"),
        (
            "/api/search?q=x&offset=9223372036854775808",
            "offset 9223372036854775808 is out of range; use at most 1000000000",
        ),
        ("/api/graph?since=yesterday", "since 'yesterday' is not a date"),
        ("/api/search?q=", "q: String should have at least 1 character"),
        ("/api/search", "q: Field required"),
    ],
)
def test_api_analytics_bad_query_is_400(client: TestClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("SEAFOOD", [("a3", 0, "banned")]),
        ("japan", [("a6", 0, "seized"), ("a6", 1, "condemned"), ("a3", 0, "banned"),
                   ("a3", 1, "rejected"), ("a2", 0, "signed"), ("a2", 0, "signed"),
                   ("a1", 0, "held"), ("a1", 0, "held"), ("a1", 1, "accused")]),
        ("<script>", [("a5", 0, "retaliate")]),
        ("%", []),
        ("_", []),
        ("nothing like this", []),
    ],
)  # fmt: skip
def test_api_search(client: TestClient, q: str, expected: list[Any]) -> None:
    body = client.get("/api/search", params={"q": q}).json()
    assert _ids(body["items"]) == expected
    assert (body["q"], body["total"], body["count"]) == (q, len(expected), len(expected))


def test_api_search_marks_the_match(client: TestClient) -> None:
    item = client.get("/api/search?q=seafood").json()["items"][0]
    assert [(s["text"], s["mark"]) for s in item["segments"]] == [
        ("China", "source"), (" ", ""), ("banned", "trigger"), (" ", ""), ("seafood", "match"),
        (" imports from ", ""), ("Japan", "target"), (".", ""),
    ]  # fmt: skip


def test_api_unknown_path_is_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert "nothing at /api/nothing" in response.json()["detail"]


# -- the client and `detente ingest --server` ---------------------------------------------


def test_api_client_sends_batches(tmp_db: Path) -> None:
    # Every id is stored already, so the server skips them without coding (no spaCy needed).
    with live_server(fill_store(tmp_db)) as url:
        result = send_articles(url + "/", ARTICLES, token=TOKEN, batch_size=4)
    assert result == SendResult(0, 6, 0, 0, 2, ("a1", "a2", "a3", "a4", "a5", "a6"))


def test_api_client_errors(tmp_db: Path) -> None:
    with live_server(fill_store(tmp_db)) as url:
        with pytest.raises(ConfigError, match=r"refused the token \(403\): wrong token"):
            send_articles(url, ARTICLES, token="nope")
        with pytest.raises(ConfigError, match=r"refused the token \(401\)"):
            send_articles(url, ARTICLES, token=None)
        with pytest.raises(StoreError, match=r"the server failed \(404\)"):
            send_articles(url + "/elsewhere", ARTICLES, token=TOKEN)
    with pytest.raises(StoreError, match=r"cannot reach the server at .*; start it with"):
        send_articles(url, ARTICLES, token=TOKEN)  # stopped now
    with pytest.raises(ConfigError, match=r"should look like http://127\.0\.0\.1:8000"):
        send_articles("localhost:8000", ARTICLES, token=TOKEN)
    with pytest.raises(InputError, match="batch_size must be 1 to 1000, got 0"):
        send_articles("http://127.0.0.1:1", ARTICLES, token=TOKEN, batch_size=0)


def test_api_cli_ingest_to_server(
    tmp_db: Path, tmp_path: Path, runner: CliRunner, cli_app: Typer
) -> None:
    records = tmp_path / "known.jsonl"
    records.write_text(
        "".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in ARTICLES[:3]),
        encoding="utf-8",
    )
    with live_server(fill_store(tmp_db)) as url:
        ok = runner.invoke(cli_app, ["ingest", str(records), "--server", url, "--token", TOKEN])
        assert ok.exit_code == 0, ok.output
        assert f"0 articles added, 3 already stored, 0 failed, 0 events; server {url}" in ok.stderr
        env = {"DETENTE_TOKEN": "wrong"}
        bad = runner.invoke(cli_app, ["ingest", str(records), "--server", url], env=env)
        assert bad.exit_code == 2
        assert "error: the server refused the token (403): wrong token" in bad.stderr
    assert not (tmp_path / "detente.duckdb").exists()  # --server never opens a local file


# -- writes -----------------------------------------------------------------------------------

ONE = {"id": "x1", "text": "Japan and China signed a deal."}


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 401, "this endpoint writes and needs a token; send 'Authorization: Bearer <token>'"),
        ({"Authorization": "Basic abc"}, 401, "the Authorization header should read 'Bearer"),
        ({"Authorization": "Bearer"}, 401, "the Authorization header should read 'Bearer"),
        ({"Authorization": "Bearer wrong"}, 403, "wrong token; use the one the server was"),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403, "wrong token"),
        ({"Authorization": "Bearer tökén".encode()}, 403, "wrong token"),
    ],
)
def test_api_post_needs_the_token(
    client: TestClient, headers: dict[str, Any], status: int, message: str
) -> None:
    response = client.post("/api/articles", json=ONE, headers=headers)
    assert response.status_code == status
    assert message in response.json()["detail"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/health").json()["articles"] == 6


def test_api_post_disabled_without_server_token(tmp_db: Path) -> None:
    with make_client(fill_store(tmp_db), token=None) as no_token:
        response = no_token.post("/api/articles", json=ONE, headers=AUTH)
        assert response.status_code == 403
        detail = response.json()["detail"]
        assert detail.startswith("writes are disabled: this server was started without a token")
        assert "DETENTE_TOKEN" in detail
        assert no_token.get("/health").status_code == 200  # reads stay open


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": ""}, 422, "body.text: text is empty; give the article text or drop the record"),
        ({"text": "   \n"}, 422, "body.text: text is empty"),
        ({"title": "no text"}, 422, "body.text: missing"),
        ({"text": 5}, 422, "body.text: Input should be a valid string"),
        ({"text": "x", "date": "last week"}, 422,
         "body.date: invalid date 'last week'; use YYYY-MM-DD or an RFC 3339 datetime"),
        ({"text": "x", "date": "2024-02-30"}, 422, "body.date: invalid date '2024-02-30'"),
        ([ONE, {"text": "ok", "date": "soon"}], 422, "body[1].date: invalid date 'soon'"),
        ([ONE, "text"], 422, 'body[1]: expected an article object {"text": ...}, got str'),
        ([], 422, "the body is an empty list; send at least one article"),
        ("just text", 422, 'body: expected an article object {"text": ...}, got str'),
        (None, 422, "the body is empty"),
    ],
)  # fmt: skip
def test_api_post_invalid_body(client: TestClient, body: Any, status: int, message: str) -> None:
    response = client.post("/api/articles", json=body, headers=AUTH)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert client.get("/health").json()["articles"] == 6


def test_api_post_not_json_is_400(client: TestClient) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/api/articles", content=b'{"text": ', headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("the body is not valid JSON")


def test_api_post_too_many_articles(client: TestClient) -> None:
    response = client.post("/api/articles", json=[ONE] * 1001, headers=AUTH)
    assert response.status_code == 422
    assert "the body holds 1001 articles; send at most 1000" in response.json()["detail"]


def test_api_post_known_articles_are_skipped_without_coding(client: TestClient) -> None:
    # Both ids are stored already, so nothing reaches the coder (no spaCy needed).
    body = [
        {"id": "a1", "text": "x"},
        {"id": "a2", "text": "y", "extra": 1},
        {"id": "a1", "text": "z"},
    ]
    response = client.post("/api/articles", json=body, headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {
        "articles_added": 0, "articles_skipped": 3, "articles_failed": 0, "events_added": 0,
        "ids": ["a1", "a2", "a1"],
        "articles": [{"id": "a1", "status": "skipped", "note": "already stored"},
                     {"id": "a2", "status": "skipped", "note": "already stored"},
                     {"id": "a1", "status": "skipped", "note": "repeated in this request"}],
    }  # fmt: skip
    assert client.get("/health").json() == {"status": "ok", "articles": 6, "events": 11}


@pytest.mark.slow
def test_api_post_codes_and_stores(client: TestClient) -> None:
    text = "China and Japan held talks in Beijing on Monday. Japan accused China of violating it."
    article = {"id": "post-1", "date": "2024-06-03", "title": "Talks", "text": text}
    coded = code_text(text, date="2024-06-03", id="post-1")
    assert len(coded) >= 3  # talks both ways, and the accusation
    first = client.post("/api/articles", json=article, headers=AUTH)
    assert first.status_code == 200
    assert first.json() == {
        "articles_added": 1, "articles_skipped": 0, "articles_failed": 0,
        "events_added": len(coded), "ids": ["post-1"],
        "articles": [{"id": "post-1", "status": "added", "note": ""}],
    }  # fmt: skip
    again = client.post("/api/articles", json=[article], headers=AUTH).json()
    assert again == {"articles_added": 0, "articles_skipped": 1, "articles_failed": 0,
                     "events_added": 0, "ids": ["post-1"],
                     "articles": [{"id": "post-1", "status": "skipped",
                                   "note": "already stored"}]}  # fmt: skip
    stored = client.get("/api/articles/post-1").json()
    assert (stored["title"], stored["date"], stored["origin"]) == ("Talks", "2024-06-03", "api")
    # The store adds cross-article cluster ids; a lone report is its own cluster.
    expected = [{**e.to_dict(), "cluster_id": e.event_id} for e in sorted(coded, key=_order)]
    assert stored["events"] == expected
    assert client.get("/health").json() == {
        "status": "ok", "articles": 7, "events": 11 + len(coded)
    }  # fmt: skip


def _order(event: Event) -> tuple[int, int, str]:
    return (event.sentence_index, event.trigger_start, event.event_id)
