"""detente.analytics: what the stored events say about each relationship.

    from detente.analytics import dyad_series, relations_index, detect_shifts, relations_graph

    with Store("detente.duckdb", read_only=True) as store:
        series = dyad_series(store, "CHN", "JPN", freq="month", directed=False)
        index = relations_index(store, "CHN", "JPN")  # -9..+9, six bands
        shifts = detect_shifts(store, since=date(2024, 1, 1))
        graph = relations_graph(store)  # .to_dict(), .to_graphml()

Every result is a frozen dataclass with ``to_dict()``.  PNG charts live in
``detente.analytics.plot`` (matplotlib, imported only there).  docs/analytics.md has the formulas.
"""

from detente.analytics.graph import (
    GRAPH_FORMATS,
    Edge,
    Node,
    RelationsGraph,
    relations_graph,
    save_graph,
)
from detente.analytics.index import (
    BAND_COLOURS,
    BANDS,
    IndexPoint,
    RelationsReport,
    ReportRow,
    band,
    index_values,
    relations_index,
    relations_report,
)
from detente.analytics.series import FREQS, SeriesPoint, dyad_series, sparkline
from detente.analytics.shifts import Shift, detect_shifts

__all__ = [
    "BANDS",
    "BAND_COLOURS",
    "FREQS",
    "GRAPH_FORMATS",
    "Edge",
    "IndexPoint",
    "Node",
    "RelationsGraph",
    "RelationsReport",
    "ReportRow",
    "SeriesPoint",
    "Shift",
    "band",
    "detect_shifts",
    "dyad_series",
    "index_values",
    "relations_graph",
    "relations_index",
    "relations_report",
    "save_graph",
    "sparkline",
]
