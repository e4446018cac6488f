"""detente.store: the DuckDB database of articles, sentences and coded events.

from detente.store import EventFilter, Store

with Store("detente.duckdb") as store:
    store.add_articles(articles)
    store.events(EventFilter(dyad=("USA", "CHN"), cameo="04"))
"""

from detente.store.export import EXPORT_FORMATS, export_events
from detente.store.queries import PLOVER_TYPES, DyadSummary, EventFilter
from detente.store.store import AddResult, Store

__all__ = [
    "EXPORT_FORMATS",
    "PLOVER_TYPES",
    "AddResult",
    "DyadSummary",
    "EventFilter",
    "Store",
    "export_events",
]
