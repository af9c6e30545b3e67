"""The analysis graphs as SVG text: the same layouts, colours, sizes and legend as the matplotlib drawings
in labk8s.viz.graphs, built as a string in a few milliseconds, for views that redraw on every Step.

Every function takes the graph (and the picture's size in inches at `dpi`, as render_png does) and
returns an `<svg>` element; the same graph gives the same text, whatever the process or PYTHONHASHSEED
(nodes and edges are drawn in sorted order, coordinates rounded). Markers carry a tooltip (<title>).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx

from labk8s.viz import layout
from labk8s.viz.colors import PHASE_COLORS, ROLE_COLORS, phase_color
from labk8s.viz.labels import (
    API_EDGE,
    DEFAULT_NODE,
    EDGE_COLOR,
    NOT_READY_EDGE,
    NOT_READY_NODE,
    OUTLINE,
    RUNS_COLOR,
    component_label,
    kind_color,
    kind_label,
)
from labk8s.viz.layout import Pos
from labk8s.viz.svg import Canvas

NodeFn = Callable[[Hashable, dict[str, Any]], str]
Edge = tuple[Hashable, Hashable, dict[str, Any]]


def _edges(graph: nx.Graph) -> list[Edge]:
    return sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))


def _extent(pos: Pos, groups: list[list[Edge]]) -> list[tuple[float, float]]:
    """What matplotlib autoscales to: the node positions, and for each group of edges drawn by one
    draw_networkx_edges call, their bounding box padded by 5% (networkx updates the data limits so)."""
    points = list(pos.values())
    for edges in groups:
        if not edges:
            continue
        xs = [pos[n][0] for u, v, _ in edges for n in (u, v)]
        ys = [pos[n][1] for u, v, _ in edges for n in (u, v)]
        pad_x, pad_y = 0.05 * (max(xs) - min(xs)), 0.05 * (max(ys) - min(ys))
        points += [(min(xs) - pad_x, min(ys) - pad_y), (max(xs) + pad_x, max(ys) + pad_y)]
    return points


def _radius(node_size: float) -> float:
    """A marker's radius in points (node_size is its area in points², as in networkx)."""
    return math.sqrt(node_size) / 2


def _connect(canvas: Canvas, pos: Pos, edges: list[Edge], *, arrows: bool, color: str, node_size: float,
             width: float = 1.0, alpha: float = 1.0, head: float = 10.0, dash: bool = False) -> None:
    for u, v, _ in edges:
        a, b = canvas.xy(pos[u]), canvas.xy(pos[v])
        if arrows:
            canvas.arrow(a, b, color=color, width=width, alpha=alpha, head=head, shrink_a=_radius(node_size),
                         shrink_b=_radius(node_size), dash=dash)
        else:
            canvas.line(a, b, color=color, width=width, alpha=alpha, dash=dash)


def svg_graph(graph: nx.Graph, *, pos: Pos | None = None, seed: int = 0, color: NodeFn | None = None,
              label: NodeFn | None = None, node_size: int = 500, font_size: float = 8, title: str | None = None,
              width: float = 8.0, height: float = 4.5, dpi: int = 80) -> str:
    """Any graph, as viz.draw_graph: spring_layout(seed=seed) unless `pos` is given; `color` and `label`
    map (node, attrs) to a fill and a text."""
    pos = pos if pos is not None else layout.spring(graph, seed)
    edges = _edges(graph)
    canvas = Canvas(_extent(pos, [edges]), width=width, height=height, dpi=dpi, title=title)
    _connect(canvas, pos, edges, arrows=graph.is_directed(), color=EDGE_COLOR, node_size=node_size)
    nodes = sorted(graph.nodes, key=str)
    for n in nodes:
        canvas.marker(canvas.xy(pos[n]), size=node_size, fill=color(n, graph.nodes[n]) if color else DEFAULT_NODE,
                      edge=OUTLINE, edge_width=0.5, tooltip=str(n))
    for n in nodes:
        canvas.text(canvas.xy(pos[n]), label(n, graph.nodes[n]) if label else str(n), size=font_size)
    return canvas.to_svg()


def svg_topology(graph: nx.DiGraph, *, pod_labels: bool | None = None, title: str | None = "Cluster topology",
                 width: float = 8.0, height: float = 4.5, dpi: int = 80) -> str:
    """viz.draw_topology as SVG: components (blue squares), Nodes (pale squares, red when not Ready) and
    their pods (circles coloured by phase, a legend of the phases shown); arrows component ->
    kube-apiserver -> etcd, lines from each node's kubelet to the API server and from a node to its pods."""
    pos = layout.topology(graph)
    roles = nx.get_node_attributes(graph, "role")
    by_role: dict[str, list[Hashable]] = {"pod": [], "component": [], "node": []}
    for n in sorted(roles, key=str):
        by_role.setdefault(str(roles[n]), []).append(n)
    pods, comps, nodes = by_role["pod"], by_role["component"], by_role["node"]
    edges = _edges(graph)
    relation: dict[str, list[Edge]] = {"api": [], "store": [], "kubelet": [], "runs": []}
    for e in edges:
        relation.setdefault(str(e[2].get("relation")), []).append(e)
    control = sorted(relation["api"] + relation["store"], key=lambda e: (str(e[0]), str(e[1])))
    canvas = Canvas(_extent(pos, [control, relation["kubelet"], relation["runs"]]), width=width, height=height,
                    dpi=dpi, title=title)
    _connect(canvas, pos, control, arrows=True, color=API_EDGE, alpha=0.6, head=8, node_size=900)
    _connect(canvas, pos, relation["kubelet"], arrows=False, color=API_EDGE, alpha=0.35, node_size=0)
    _connect(canvas, pos, relation["runs"], arrows=False, color=RUNS_COLOR, width=0.6, node_size=0)
    names = nx.get_node_attributes(graph, "name")
    for n in comps:
        canvas.marker(canvas.xy(pos[n]), size=900, shape="s", fill=ROLE_COLORS["component"], tooltip=str(n))
    ready = nx.get_node_attributes(graph, "ready")
    for n in nodes:
        ok = ready.get(n, True)
        canvas.marker(canvas.xy(pos[n]), size=1100, shape="s", fill=ROLE_COLORS["node"] if ok else NOT_READY_NODE,
                      edge=API_EDGE, edge_width=1.0,
                      tooltip=f"Node {names.get(n, n)}: {'Ready' if ok else 'NotReady'}")
    phases = nx.get_node_attributes(graph, "phase")
    small = len(pods) > 24
    for p in pods:
        attrs = graph.nodes[p]
        canvas.marker(canvas.xy(pos[p]), size=40 if small else 120, fill=phase_color(phases.get(p, "")),
                      edge=OUTLINE, edge_width=0.3,
                      tooltip=f"Pod {attrs.get('namespace', '')}/{names.get(p, p)}: {phases.get(p, '')}"
                              + (f" on {attrs['host']}" if attrs.get("host") else ""))
    for n in comps:
        canvas.text(canvas.xy(pos[n]), component_label(str(names.get(n, n))), size=6, color="white")
    for n in nodes:
        canvas.text(canvas.xy(pos[n]), str(names.get(n, n)), size=7)
    if pod_labels if pod_labels is not None else not small:
        for p in pods:
            canvas.text(canvas.xy((pos[p][0] + 0.09, pos[p][1])), str(names.get(p, p)), size=6, anchor="start")
    order = list(PHASE_COLORS)
    present = sorted({str(phases.get(p, "")) for p in pods}, key=lambda ph: order.index(ph) if ph in order else len(order))
    if present:
        canvas.legend([(phase_color(ph), ph) for ph in present])
    return canvas.to_svg()


def _labels_below(canvas: Canvas, graph: nx.DiGraph, pos: Pos, nodes: list[Hashable], rotation: float) -> None:
    for n in nodes:
        canvas.text(canvas.xy((pos[n][0], pos[n][1] - 0.12)), kind_label(n, graph.nodes[n]), size=7, valign="top",
                    rotation=rotation)


def svg_ownership(graph: nx.DiGraph, *, title: str | None = "Ownership (ownerReferences)", width: float = 8.0,
                  height: float = 4.5, dpi: int = 80) -> str:
    """viz.draw_ownership as SVG: owners above their dependents, coloured by kind (pods by phase)."""
    if graph.number_of_nodes() == 0:
        empty = Canvas([], width=width, height=height, dpi=dpi, title=title)
        empty.note("no owned objects")
        return empty.to_svg()
    pos = layout.layered(graph)
    edges = _edges(graph)
    canvas = Canvas(_extent(pos, [edges]), width=width, height=height, dpi=dpi, title=title)
    _connect(canvas, pos, edges, arrows=True, color=EDGE_COLOR, node_size=350)
    nodes = sorted(graph.nodes, key=str)
    for n in nodes:
        canvas.marker(canvas.xy(pos[n]), size=350, fill=kind_color(n, graph.nodes[n]), edge=OUTLINE, edge_width=0.5,
                      tooltip=str(n) + (" (deleted)" if graph.nodes[n].get("missing") else ""))
    _labels_below(canvas, graph, pos, nodes, 20 if graph.number_of_nodes() > 8 else 0)
    return canvas.to_svg()


def svg_services(graph: nx.DiGraph, *, title: str | None = "Service -> EndpointSlice -> Pod", width: float = 8.0,
                 height: float = 4.5, dpi: int = 80) -> str:
    """viz.draw_services as SVG: Services over their EndpointSlices over the endpoint pods; edges to
    endpoints that are not ready dashed red."""
    if graph.number_of_nodes() == 0:
        empty = Canvas([], width=width, height=height, dpi=dpi, title=title)
        empty.note("no Services")
        return empty.to_svg()
    pos = layout.layered(graph)
    edges = _edges(graph)
    ready = [e for e in edges if e[2].get("ready", True)]
    not_ready = [e for e in edges if not e[2].get("ready", True)]
    canvas = Canvas(_extent(pos, [ready, not_ready]), width=width, height=height, dpi=dpi, title=title)
    _connect(canvas, pos, ready, arrows=True, color=EDGE_COLOR, node_size=350)
    _connect(canvas, pos, not_ready, arrows=True, color=NOT_READY_EDGE, node_size=350, dash=True)
    nodes = sorted(graph.nodes, key=str)
    for n in nodes:
        canvas.marker(canvas.xy(pos[n]), size=350, fill=kind_color(n, graph.nodes[n]), edge=OUTLINE, edge_width=0.5,
                      tooltip=str(n))
    _labels_below(canvas, graph, pos, nodes, 0)
    return canvas.to_svg()


def svg_talks(graph: nx.DiGraph, *, title: str | None = "Who talks to whom (audit log)", width: float = 8.0,
              height: float = 4.5, dpi: int = 80) -> str:
    """viz.draw_talks as SVG: every client -> kube-apiserver -> etcd, edge width growing with the number
    of requests, each edge labelled with its count (writes for the store edge)."""
    pos = layout.hub(graph)
    edges = _edges(graph)
    canvas = Canvas(_extent(pos, [edges]), width=width, height=height, dpi=dpi, title=title)
    for u, v, d in edges:
        canvas.arrow(canvas.xy(pos[u]), canvas.xy(pos[v]), color=API_EDGE, alpha=0.6,
                     width=0.8 + math.log10(1 + int(d.get("requests", 1))) * 1.2, shrink_a=_radius(1400),
                     shrink_b=_radius(1400))
    roles = nx.get_node_attributes(graph, "role")
    nodes = sorted(graph.nodes, key=str)
    for n in nodes:
        canvas.marker(canvas.xy(pos[n]), size=1400, fill=ROLE_COLORS.get(roles.get(n, "client"), DEFAULT_NODE),
                      edge=OUTLINE, edge_width=0.5, tooltip=str(n))
    for n in nodes:
        canvas.text(canvas.xy(pos[n]), component_label(str(n)), size=7)
    for u, v, d in edges:
        text = f"{d.get('writes', 0)} writes" if v == "etcd" else str(d.get("requests", 0))
        (x1, y1), (x2, y2) = pos[u], pos[v]
        at = canvas.xy((x1 * 0.45 + x2 * 0.55, y1 * 0.45 + y2 * 0.55))  # label_pos=0.55 (as networkx 3.6 draws it)
        (ax, ay), (bx, by) = canvas.xy(pos[u]), canvas.xy(pos[v])
        angle = -math.degrees(math.atan2(by - ay, bx - ax))  # counter-clockwise, kept upright
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        canvas.text(at, text, size=7, rotation=angle, background="white")
    return canvas.to_svg()
