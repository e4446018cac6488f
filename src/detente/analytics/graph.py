"""The relations graph: countries and IGOs as nodes, one undirected edge per related pair.

An edge carries the number of asserted, dated events between its two ends in the window, their
plain Goldstein mean, and the relations index over the whole window: the index formula with
every event at full weight (no decay), ``0.9 * S / (N + prior_events)``.  A node carries its
name from the knowledge base and the number of events on its edges.  The graph serialises as
JSON (``to_dict``), GraphML (``to_graphml``) or a PNG (``plot.save_graph_png``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.actors.kb import load_kb
from detente.analytics.index import band, check_index_options, index_value
from detente.analytics.series import check_window, fetch, window_clause
from detente.analytics.shifts import DYADIC
from detente.errors import InputError
from detente.store import Store

__all__ = [
    "GRAPH_FORMATS",
    "Edge",
    "Node",
    "RelationsGraph",
    "relations_graph",
    "save_graph",
]

LOGGER = logging.getLogger(__name__)

GRAPH_FORMATS = ("json", "graphml", "png")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# Countries (ISO alpha-3) and intergovernmental bodies; NGOs and unknown codes are left out.
_NODE_CODE = re.compile(r"[A-Z]{3}|IGO:[A-Z0-9]+")
# GraphML attribute keys: (id, for, attr.name, attr.type)
_KEYS = (
    ("n_label", "node", "label", "string"),
    ("n_events", "node", "events", "int"),
    ("e_events", "edge", "events", "int"),
    ("e_index", "edge", "index", "double"),
    ("e_band", "edge", "band", "string"),
    ("e_goldstein_mean", "edge", "goldstein_mean", "double"),
)


@dataclass(frozen=True, slots=True)
class Node:
    """A country or IGO: its code, display name and the events on its edges."""

    id: str
    label: str
    events: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "events": self.events}


@dataclass(frozen=True, slots=True)
class Edge:
    """The relations of ``a`` and ``b`` (``a < b``) over the graph's window."""

    a: str
    b: str
    events: int
    index: float
    band: str
    goldstein_mean: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "events": self.events,
            "index": round(self.index, 4),
            "band": self.band,
            "goldstein_mean": round(self.goldstein_mean, 4),
        }


@dataclass(frozen=True, slots=True)
class RelationsGraph:
    """Nodes sorted by id; edges busiest first, then by their ends."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [node.to_dict() for node in self.nodes],
            "edges": [edge.to_dict() for edge in self.edges],
        }

    def to_graphml(self) -> str:
        """The graph as a GraphML document (undirected, attributes declared as keys)."""
        # Plain tags under a default xmlns attribute: no global namespace registration.
        root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
        for key_id, domain, name, kind in _KEYS:
            ET.SubElement(
                root,
                "key",
                {"id": key_id, "for": domain, "attr.name": name, "attr.type": kind},
            )
        graph = ET.SubElement(root, "graph", {"id": "relations", "edgedefault": "undirected"})
        for node in self.nodes:
            element = ET.SubElement(graph, "node", {"id": node.id})
            _data(element, "n_label", node.label)
            _data(element, "n_events", str(node.events))
        for i, edge in enumerate(self.edges):
            attrs = {"id": f"e{i}", "source": edge.a, "target": edge.b}
            element = ET.SubElement(graph, "edge", attrs)
            _data(element, "e_events", str(edge.events))
            _data(element, "e_index", repr(round(edge.index, 4)))
            _data(element, "e_band", edge.band)
            _data(element, "e_goldstein_mean", repr(round(edge.goldstein_mean, 4)))
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _data(parent: ET.Element, key: str, text: str) -> None:
    ET.SubElement(parent, "data", {"key": key}).text = text


def _label(code: str) -> str:
    kb = load_kb()
    if code in kb.countries:
        return kb.countries[code].name
    if code in kb.organisations:
        return kb.organisations[code].name
    return code


def relations_graph(
    store: Store,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    prior_events: float = 5.0,
) -> RelationsGraph:
    """Countries and IGOs related by asserted, dated events in ``since..until``."""
    check_window(since, until)
    check_index_options(1.0, prior_events)
    window, params = window_clause(since, until)
    sql = (
        "SELECT least(source_country, target_country) AS a, "
        "greatest(source_country, target_country) AS b, count(*), sum(goldstein) "
        f"FROM events WHERE mode = 'asserted' AND {window} AND {DYADIC} "
        "GROUP BY a, b ORDER BY count(*) DESC, a, b"
    )
    edges = []
    volume: dict[str, int] = {}
    for a, b, count, total in fetch(store, sql, params):
        if not (_NODE_CODE.fullmatch(a) and _NODE_CODE.fullmatch(b)):
            continue
        value = index_value(float(total), float(count), prior_events)
        edges.append(Edge(a, b, int(count), value, band(value), float(total) / count))
        for code in (a, b):
            volume[code] = volume.get(code, 0) + int(count)
    nodes = tuple(Node(code, _label(code), volume[code]) for code in sorted(volume))
    LOGGER.debug("relations graph: %d nodes, %d edges", len(nodes), len(edges))
    return RelationsGraph(nodes, tuple(edges))


def save_graph(graph: RelationsGraph, path: str | Path, *, format: str) -> None:
    """Write the graph to ``path`` as JSON, GraphML or PNG."""
    fmt = format.lower()
    if fmt not in GRAPH_FORMATS:
        raise InputError(f"unknown graph format {format!r}; use one of {', '.join(GRAPH_FORMATS)}")
    if fmt == "png":
        from .plot import save_graph_png  # matplotlib is loaded only when a PNG is asked for

        save_graph_png(graph, path)
        return
    text = graph.to_graphml() if fmt == "graphml" else json.dumps(graph.to_dict(), indent=2)
    try:
        Path(path).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    except OSError as e:
        raise InputError(
            f"cannot write the graph to {path}: {e.strerror or e}; check the folder exists"
        ) from e
