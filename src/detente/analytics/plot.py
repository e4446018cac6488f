"""PNG charts of the relations index and the relations graph (the only module using matplotlib).

matplotlib is imported inside the functions, so importing detente.analytics stays light and a
core install without the ``[server]`` extra fails only when a PNG is asked for.  Figures are
drawn on the Agg canvas directly (no pyplot), so nothing depends on a display or global state.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from detente.analytics.graph import RelationsGraph
from detente.analytics.index import BAND_COLOURS, BANDS, IndexPoint
from detente.errors import ConfigError, InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["save_graph_png", "save_index_png"]

LOGGER = logging.getLogger(__name__)

_DPI = 100


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ConfigError(
            "PNG output needs matplotlib, which is not installed; "
            "install it with `pip install 'detente[server]'` or choose another format"
        ) from e
    figure = Figure(figsize=(width, height), dpi=_DPI)
    FigureCanvasAgg(figure)  # attaches the Agg canvas that savefig renders with
    return figure


def _save(figure: Figure, path: str | Path) -> None:
    try:
        figure.savefig(str(path), format="png")
    except OSError as e:
        raise InputError(
            f"cannot write the PNG to {path}: {e.strerror or e}; check the folder exists"
        ) from e
    LOGGER.info("wrote %s", path)


def save_index_png(points: Sequence[IndexPoint], path: str | Path, *, title: str = "") -> None:
    """The index over time as a line across the six coloured bands, saved as a PNG."""
    figure = _figure(9.0, 4.5)
    ax = figure.add_subplot()
    for name, low, high in BANDS:
        ax.axhspan(low, high, color=BAND_COLOURS[name], alpha=0.35, linewidth=0)
        ax.text(1.01, (low + high) / 2, name, transform=ax.get_yaxis_transform(), va="center")
    if points:
        import numpy as np  # comes with matplotlib; its date array is what plot() is typed for

        days = np.array([p.period for p in points], dtype="datetime64[D]")
        ax.plot(days, [p.value for p in points], color="black", marker="o", markersize=3)
    else:
        ax.text(0.5, 0.5, "no events", transform=ax.transAxes, ha="center", va="center")
    ax.set_ylim(-9.0, 9.0)
    ax.set_ylabel("relations index")
    ax.set_title(title)
    figure.autofmt_xdate()
    figure.tight_layout()
    _save(figure, path)


def save_graph_png(graph: RelationsGraph, path: str | Path) -> None:
    """The graph on a circle: edge colour by band, edge width by number of events."""
    figure = _figure(8.0, 8.0)
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    count = len(graph.nodes)
    # Circular layout: node i of n at angle 2*pi*i/n, starting at the top.
    where = {
        node.id: (math.sin(2 * math.pi * i / count), math.cos(2 * math.pi * i / count))
        for i, node in enumerate(graph.nodes)
    }
    busiest = max((edge.events for edge in graph.edges), default=1)
    for edge in reversed(graph.edges):  # the busiest edges are drawn last, on top
        (x1, y1), (x2, y2) = where[edge.a], where[edge.b]
        width = 0.8 + 5.0 * edge.events / busiest
        colour = BAND_COLOURS[edge.band]
        ax.plot([x1, x2], [y1, y2], color=colour, linewidth=width, solid_capstyle="round")
    for node in graph.nodes:
        x, y = where[node.id]
        ax.scatter([x], [y], s=60, color="#35618f", zorder=3)
        side = "left" if x > 0.1 else "right" if x < -0.1 else "center"
        ax.annotate(node.id, (x, y), xytext=(x * 1.08, y * 1.08), ha=side, va="center")
    if not graph.nodes:
        ax.text(0.5, 0.5, "no relations", transform=ax.transAxes, ha="center", va="center")
    # A legend of the six band colours, drawn as short lines.
    for name, _, _ in BANDS:
        ax.plot([], [], color=BAND_COLOURS[name], linewidth=4, label=name)
    ax.legend(loc="lower center", ncol=len(BANDS), frameon=False, bbox_to_anchor=(0.5, -0.06))
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_title("Relations graph (edge colour: band; width: events)")
    _save(figure, path)
