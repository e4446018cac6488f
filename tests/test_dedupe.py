import datetime as dt

from detente.coding.extract import merge_mentions
from detente.models import Actor, Article, Event
from detente.store import Store
from detente.store.clusters import Known, assign_clusters, cluster_key

CHN, USA = Actor("China", "CHN", "GOV"), Actor("Washington", "USA", "GOV")


def event(
    article: str, sentence: int, day: dt.date | None, precision: str = "day", cameo: str = "046"
) -> Event:
    return Event(
        article_id=article, sentence_index=sentence, sentence=f"s{sentence}", trigger="talks",
        trigger_start=sentence * 10, trigger_end=sentence * 10 + 5, source=CHN, target=USA,
        cameo=cameo, cameo_root=cameo[:2], plover="CONSULT", quad_class=1, goldstein=7.0,
        date=day, date_precision=precision,
    )  # fmt: skip


def test_merge_mentions_keeps_one_event_with_evidence() -> None:
    day = dt.date(2024, 1, 27)
    first, again, undated = event("a", 0, day), event("a", 2, day), event("a", 3, day, "")
    merged = merge_mentions([first, again, undated])
    assert [(e.sentence_index, e.evidence) for e in merged] == [(0, (2, 3))]
    assert merged[0].event_id == first.event_id


def test_merge_mentions_keeps_events_on_other_dates_apart() -> None:
    saturday, monday = event("a", 1, dt.date(2023, 11, 4)), event("a", 2, dt.date(2023, 11, 6))
    assert [e.sentence_index for e in merge_mentions([saturday, monday])] == [1, 2]


def test_assign_clusters_joins_nearby_reports_only() -> None:
    a, b, c = (
        event("a", 0, dt.date(2024, 1, 27)),
        event("b", 0, dt.date(2024, 1, 29)),
        event("c", 0, dt.date(2024, 2, 20)),
    )
    other = event("d", 0, dt.date(2024, 1, 27), cameo="042")
    clusters = assign_clusters([b, c, a, other], [])
    assert clusters == {
        a.event_id: a.event_id,
        b.event_id: a.event_id,
        c.event_id: c.event_id,
        other.event_id: other.event_id,
    }
    known = [Known(cluster_key(a), dt.date(2024, 2, 18), "old")]
    assert assign_clusters([c], known) == {c.event_id: "old"}
    undated = event("e", 0, None, "")
    assert assign_clusters([undated], known) == {undated.event_id: undated.event_id}


def test_store_links_reports_across_articles_and_batches() -> None:
    a, b = event("a", 0, dt.date(2024, 1, 27)), event("b", 0, dt.date(2024, 1, 28))
    with Store(":memory:") as store:
        store.add_articles([Article(id="a", text="x", events=(a,))])
        store.add_articles([Article(id="b", text="y", events=(b,))])
        assert {e.article_id: e.cluster_id for e in store.events()} == {
            "a": a.event_id,
            "b": a.event_id,
        }
