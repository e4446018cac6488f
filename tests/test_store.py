"""Tests for detente.store: migrations, idempotent ingest, filters, summaries, exports, locking.

Every record is built by hand (no spaCy), so expected ids and numbers are exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from detente.errors import InputError, StoreError, StoreLockedError
from detente.models import Actor, Article, Event, Place, Sentence
from detente.store import AddResult, DyadSummary, EventFilter, Store, export_events
from detente.store.migrations import apply_migrations
from detente.store.queries import EVENT_COLUMNS, build_where, event_to_row

D = dt.date

USA = Actor("Washington", "USA", "GOV", "United States", "kb:usa")
CHN = Actor("Beijing", "CHN", "GOV", "China", "kb:chn")
RUS = Actor("Russian forces", "RUS", "MIL", "Russia", "kb:rus")
UKR = Actor("Kyiv", "UKR", "GOV", "Ukraine", "kb:ukr")
PROTESTERS = Actor("protesters", "", "OPP")


def _event(
    name: str,
    article_id: str,
    sent: int,
    start: int,
    source: Actor,
    target: Actor | None,
    cameo: str,
    plover: str,
    quad: int,
    goldstein: float,
    mode: str,
    date: dt.date | None,
    **extra: object,
) -> Event:
    return Event(
        article_id=article_id,
        sentence_index=sent,
        sentence=f"sentence {sent} of {article_id}",
        trigger=name,
        trigger_start=start,
        trigger_end=start + len(name),
        source=source,
        target=target,
        cameo=cameo,
        cameo_root=cameo[:2],
        plover=plover,
        quad_class=quad,
        goldstein=goldstein,
        mode=mode,
        date=date,
        **extra,  # type: ignore[arg-type]
    )


E = {
    "e1": _event(
        "met", "a1", 0, 4, USA, CHN, "042", "CONSULT", 1, 1.5, "asserted", D(2024, 1, 10),
        location=Place("Genève", "CHE"), date_precision="day",
    ),
    "e2": _event("agreed", "a1", 1, 40, CHN, USA, "036", "AGREE", 1, 4.0, "future", D(2024, 1, 10)),
    "e3": _event("accused", "a2", 0, 5, USA, CHN, "112", "ACCUSE", 3, -2.0, "asserted",
                 D(2024, 2, 5)),
    "e4": _event("shelled", "a2", 1, 50, RUS, UKR, "190", "ASSAULT", 4, -10.0, "asserted",
                 D(2024, 2, 6)),
    "e5": _event("talked", "a2", 2, 90, RUS, None, "040", "CONSULT", 1, 1.0, "negated",
                 D(2024, 2, 6)),
    "e6": _event(
        "asked", "a3", 0, 3, UKR, USA, "0233", "REQUEST", 1, 3.5, "asserted", D(2024, 3, 15),
        attribution="officials said", confidence=0.9, mention_id="m1", coder="rules.v2",
    ),
    "e7": _event("sent", "a3", 1, 30, USA, UKR, "070", "AID", 2, 7.0, "asserted", D(2024, 3, 16)),
    "e8": _event("urged", "a3", 2, 60, CHN, USA, "023", "REQUEST", 1, 3.0, "hypothetical",
                 D(2024, 3, 16)),
    "e9": _event("called", "a3", 3, 80, USA, CHN, "020", "REQUEST", 1, 3.5, "prescriptive", None),
    "e10": _event("marched", "a3", 3, 100, PROTESTERS, CHN, "141", "PROTEST", 3, -6.5, "asserted",
                  D(2024, 3, 16)),
}  # fmt: skip

# Order the store returns: date (missing last), article, sentence, trigger offset.
ALL_ORDER = ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e10", "e9"]


def _article(aid: str, date: dt.date, n_sents: int, events: list[str]) -> Article:
    sents = tuple(
        Sentence(i, i * 30, i * 30 + 20, f"sentence {i} of {aid}") for i in range(n_sents)
    )
    return Article(
        id=aid,
        text=" ".join(s.text for s in sents),
        date=date,
        title=f"Title {aid} – Zelenskyy’s visit",
        url=f"https://example.org/{aid}",
        source="Example Wire",
        origin=f"feed.jsonl:{aid[-1]}",
        sents=sents,
        events=tuple(E[name] for name in events),
    )


ARTICLES = [
    _article("a1", D(2024, 1, 10), 2, ["e1", "e2"]),
    _article("a2", D(2024, 2, 5), 3, ["e3", "e4", "e5"]),
    _article("a3", D(2024, 3, 15), 4, ["e6", "e7", "e8", "e10", "e9"]),
]


def stored(event: Event) -> dict[str, object]:
    """``event.to_dict()`` as the store returns it: these test events are each their own cluster."""
    return {**event.to_dict(), "cluster_id": event.event_id}


def ids(*names: str) -> list[str]:
    return [E[n].event_id for n in names]


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        s.add_articles(ARTICLES)
        yield s


def found(store: Store, **kwargs: object) -> list[str]:
    return [e.event_id for e in store.events(EventFilter(**kwargs))]  # type: ignore[arg-type]


# -- migrations -----------------------------------------------------------------------------


def test_migrations_recorded_once_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "events.duckdb"  # the missing folder is created
    with Store(path) as s:
        assert s.migrations_applied == [1, 2]
    with Store(path) as s:
        assert s.migrations_applied == []
        cur = s.cursor()
        rows = cur.execute("SELECT version, name FROM _migrations").fetchall()
        cur.close()
    assert rows == [
        (1, "create articles, sentences, events"),
        (2, "events: evidence sentences and cross-article cluster ids"),
    ]
    with Store(path, read_only=True) as s:
        assert s.migrations_applied == []
        assert s.count("events") == 0
        with pytest.raises(StoreError, match="read-only"):
            s.add_articles(ARTICLES)


def test_apply_migrations_on_bare_connection() -> None:
    con = duckdb.connect()
    assert apply_migrations(con) == [1, 2]
    assert apply_migrations(con) == []
    assert con.execute("SELECT count(*) FROM _migrations").fetchone() == (2,)
    con.close()


# -- ingest ---------------------------------------------------------------------------------


def test_ingest_twice_adds_nothing() -> None:
    with Store(":memory:") as s:
        assert s.add_articles(ARTICLES) == AddResult(3, 0, 10)
        assert s.add_articles(ARTICLES, batch_size=2) == AddResult(0, 3, 0)
        assert (s.count("articles"), s.count("sentences"), s.count("events")) == (3, 9, 10)


def test_duplicates_within_and_across_batches() -> None:
    extra = _article("a4", D(2024, 4, 1), 1, [])
    dup_event = _event("met", "a5", 0, 1, USA, CHN, "042", "CONSULT", 1, 1.5, "asserted", None)
    a5 = Article(id="a5", text="x", events=(dup_event, dup_event))
    with Store(":memory:") as s:
        assert s.add_articles([extra, extra, a5]) == AddResult(2, 1, 1)
        assert s.add_articles([ARTICLES[0], ARTICLES[0]], batch_size=1) == AddResult(1, 1, 2)
        assert s.count("articles") == 3
        assert s.count("sentences") == 3


def test_known_article_ids_in_chunks(store: Store) -> None:
    assert store.known_article_ids(["a3", "zz", "a1", "a1"]) == {"a1", "a3"}
    assert store.known_article_ids([]) == set()
    many = (f"x{i}" for i in range(2500))  # several lookups of 1,000 ids
    assert store.known_article_ids(itertools.chain(many, ["a2"])) == {"a2"}


def test_has_article_article_and_count(store: Store) -> None:
    assert store.has_article("a2")
    assert not store.has_article("zz")
    assert store.article("zz") is None
    data = store.article("a1")
    assert data is not None
    assert data["title"] == "Title a1 – Zelenskyy’s visit"
    assert data["date"] == "2024-01-10"
    assert data["ingested_at"] is not None
    assert data["sentences"] == [
        {"index": 0, "start": 0, "end": 20, "text": "sentence 0 of a1"},
        {"index": 1, "start": 30, "end": 50, "text": "sentence 1 of a1"},
    ]
    assert data["events"] == [stored(E["e1"]), stored(E["e2"])]
    assert store.load_article("a3") == ARTICLES[2]
    with pytest.raises(InputError, match="'users'"):
        store.count("users")


def test_closed_store_raises() -> None:
    s = Store(":memory:")
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.count("articles")


# -- reads and filters ----------------------------------------------------------------------


def test_events_round_trip(store: Store) -> None:
    assert store.events() == [E[n] for n in ALL_ORDER]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"dyad": ("USA", "CHN")}, ["e1", "e3", "e9"]),
        ({"dyad": ("usa", "chn")}, ["e1", "e3", "e9"]),
        ({"dyad": ("CHN", "USA")}, ["e2", "e8"]),
        ({"dyad": ("USA", "CHN"), "undirected": True}, ["e1", "e2", "e3", "e8", "e9"]),
        ({"country": "UKR"}, ["e4", "e6", "e7"]),
        ({"country": "CHN"}, ["e1", "e2", "e3", "e8", "e10", "e9"]),
        ({"cameo": "04"}, ["e1", "e5"]),
        ({"cameo": "042"}, ["e1"]),
        ({"cameo": "02"}, ["e6", "e8", "e9"]),
        ({"cameo": "023"}, ["e6", "e8"]),
        ({"cameo": "0233"}, ["e6"]),
        ({"plover": "CONSULT"}, ["e1", "e5"]),
        ({"plover": "request"}, ["e6", "e8", "e9"]),
        ({"mode": "future"}, ["e2"]),
        ({"mode": "negated"}, ["e5"]),
        ({"since": D(2024, 2, 6), "until": D(2024, 3, 15)}, ["e4", "e5", "e6"]),
        ({"since": D(2024, 3, 16)}, ["e7", "e8", "e10"]),
        ({"until": D(2024, 1, 10)}, ["e1", "e2"]),
        ({"article_id": "a2"}, ["e3", "e4", "e5"]),
        ({"limit": 3}, ["e1", "e2", "e3"]),
        ({"limit": 3, "offset": 2}, ["e3", "e4", "e5"]),
        ({"offset": 8}, ["e10", "e9"]),
        ({"limit": 0}, []),
        ({"country": "USA", "cameo": "02"}, ["e6", "e8", "e9"]),
        ({"country": "FRA"}, []),
        ({"min_confidence": 0.55}, ["e6"]),
        ({"min_confidence": 0.5, "limit": 2}, ["e1", "e2"]),
    ],
)
def test_filters(store: Store, kwargs: dict[str, object], expected: list[str]) -> None:
    assert found(store, **kwargs) == ids(*expected)


def test_build_where_binds_values() -> None:
    where, params = build_where(EventFilter(country="x'; DROP TABLE events; --"))
    assert "DROP" not in where
    assert params == ["X'; DROP TABLE EVENTS; --", "X'; DROP TABLE EVENTS; --"]
    assert build_where(EventFilter()) == ("", [])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"mode": "maybe"}, "'maybe'"),
        ({"plover": "BOMBARD"}, "'BOMBARD'"),
        ({"cameo": "4"}, "'4'"),
        ({"cameo": "04a"}, "'04a'"),
        ({"cameo": "12345"}, "'12345'"),
        ({"dyad": ("USA",)}, "('USA',)"),
        ({"undirected": True}, "undirected"),
        ({"country": ""}, "country"),
        ({"since": D(2024, 2, 1), "until": D(2024, 1, 1)}, "2024-02-01"),
        ({"limit": -1}, "-1"),
        ({"offset": -5}, "-5"),
        ({"min_confidence": 1.5}, "between 0 and 1, got 1.5"),
    ],
)
def test_invalid_filters(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError) as exc:
        EventFilter(**kwargs)  # type: ignore[arg-type]
    assert needle in str(exc.value)


def test_invalid_filter_lists_allowed_values() -> None:
    with pytest.raises(InputError, match="asserted, future, hypothetical"):
        EventFilter(mode="maybe")
    with pytest.raises(InputError, match="CONSULT"):
        EventFilter(plover="nope")


def test_dyad_summary(store: Store) -> None:
    assert store.dyad_summary() == [
        DyadSummary("USA", "CHN", 3, 1.0, 2, 0, 1, 0),
        DyadSummary("CHN", "USA", 2, 3.5, 2, 0, 0, 0),
        DyadSummary("RUS", "UKR", 1, -10.0, 0, 0, 0, 1),
        DyadSummary("UKR", "USA", 1, 3.5, 1, 0, 0, 0),
        DyadSummary("USA", "UKR", 1, 7.0, 0, 1, 0, 0),
    ]
    assert store.dyad_summary(EventFilter(since=D(2024, 3, 1))) == [
        DyadSummary("CHN", "USA", 1, 3.0, 1, 0, 0, 0),
        DyadSummary("UKR", "USA", 1, 3.5, 1, 0, 0, 0),
        DyadSummary("USA", "UKR", 1, 7.0, 0, 1, 0, 0),
    ]
    top = store.dyad_summary(EventFilter(limit=2))
    assert [(d.source, d.target) for d in top] == [("USA", "CHN"), ("CHN", "USA")]


# -- exports --------------------------------------------------------------------------------


def test_export_jsonl_file_and_stream(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    filt = EventFilter(dyad=("USA", "CHN"))
    assert export_events(store, path, format="jsonl", filt=filt) == 3
    raw = path.read_text(encoding="utf-8")
    assert "Genève" in raw  # ensure_ascii=False
    lines = raw.splitlines()
    assert [json.loads(line) for line in lines] == [stored(E[n]) for n in ("e1", "e3", "e9")]
    stream = io.StringIO()
    assert export_events(store, stream, format="jsonl", filt=filt) == 3
    assert stream.getvalue() == raw


def test_export_csv(store: Store, tmp_path: Path) -> None:
    assert list(event_to_row(E["e1"])) == list(EVENT_COLUMNS)
    path = tmp_path / "out.csv"
    assert export_events(store, path, format="CSV", filt=EventFilter(article_id="a2")) == 3
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(EVENT_COLUMNS)
    expected = [
        ["" if v is None else str(v) for v in event_to_row(E[n]).values()]
        for n in ("e3", "e4", "e5")
    ]
    assert rows[1:] == expected
    assert rows[3][EVENT_COLUMNS.index("target_country")] == ""  # e5 has no target
    assert rows[1][EVENT_COLUMNS.index("source_code")] == "USAGOV"


def test_export_parquet(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "it's.parquet"  # a quote in the name must not break COPY
    assert export_events(store, path, format="parquet", filt=EventFilter(cameo="02")) == 3
    con = duckdb.connect()
    cur = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
    assert [d[0] for d in cur.description] == list(EVENT_COLUMNS)
    assert cur.fetchall() == [tuple(event_to_row(E[n]).values()) for n in ("e6", "e8", "e9")]
    con.close()


def test_export_errors(store: Store) -> None:
    with pytest.raises(InputError, match="file path"):
        export_events(store, io.StringIO(), format="parquet")
    with pytest.raises(InputError, match=r"'xml'.*jsonl, csv, parquet"):
        export_events(store, io.StringIO(), format="xml")


# -- locking --------------------------------------------------------------------------------

_HOLDER = textwrap.dedent(
    """
    import sys, time
    from detente.store import Store
    store = Store(sys.argv[1])
    print("ready", flush=True)
    time.sleep(120)
    """
)


def test_locked_file_raises_store_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError) as exc:
            Store(path)
        message = str(exc.value)
        assert str(path) in message
        assert f"pid {proc.pid}" in message
        assert "--db" in message and "detente ingest --server URL" in message
        assert isinstance(exc.value.__cause__, duckdb.IOException)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def test_events_by_id_keeps_the_order_given(store: Store) -> None:
    wanted = ids("e7", "e1", "e4")
    assert [e.event_id for e in store.events_by_id([*wanted, "no-such-id"])] == wanted
    assert store.events_by_id([]) == []
