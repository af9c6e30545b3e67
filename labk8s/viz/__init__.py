"""matplotlib drawings of labk8s.analysis frames and graphs. Each takes an Axes and returns it; layouts
are deterministic so that images are stable. `render_png` turns a drawing into PNG bytes without pyplot.

The svg_* functions draw the same graphs as SVG text in a few milliseconds (for views that redraw on
every Step); the draw_* ones are for static figures."""

from labk8s.viz.allocation import draw_allocation
from labk8s.viz.colors import PHASE_COLORS, phase_color, status_color
from labk8s.viz.graph_svg import svg_graph, svg_ownership, svg_services, svg_talks, svg_topology
from labk8s.viz.graphs import draw_graph, draw_ownership, draw_services, draw_talks, draw_topology
from labk8s.viz.png import render_png
from labk8s.viz.timelines import draw_events, draw_replicas, draw_status_timeline

__all__ = [
    "PHASE_COLORS",
    "draw_allocation",
    "draw_events",
    "draw_graph",
    "draw_ownership",
    "draw_replicas",
    "draw_services",
    "draw_status_timeline",
    "draw_talks",
    "draw_topology",
    "phase_color",
    "render_png",
    "status_color",
    "svg_graph",
    "svg_ownership",
    "svg_services",
    "svg_talks",
    "svg_topology",
]
