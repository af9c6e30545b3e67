"""Drawings of the analysis graphs on a matplotlib Axes: topology, ownership, Services, who talks to whom.

Every function takes the graph and an Axes, draws, and returns the Axes. Layouts are deterministic
(labk8s.viz.layout), so the same cluster state gives the same image.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

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


def _finish(ax: Axes, title: str | None) -> Axes:
    ax.set_axis_off()
    ax.margins(0.08)
    if title:
        ax.set_title(title)
    return ax


def draw_graph(graph: nx.Graph, ax: Axes, *, pos: dict[Hashable, tuple[float, float]] | None = None,
               seed: int = 0, color: Callable[[Hashable, dict[str, Any]], str] | None = None,
               label: Callable[[Hashable, dict[str, Any]], str] | None = None, node_size: int = 500,
               font_size: float = 8, title: str | None = None) -> Axes:
    """Any graph: spring_layout(seed=seed) unless `pos` is given; `color` and `label` map (node, attrs)."""
    pos = pos if pos is not None else layout.spring(graph, seed)
    nodes = sorted(graph.nodes, key=str)
    colors = [color(n, graph.nodes[n]) if color else DEFAULT_NODE for n in nodes]
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color=EDGE_COLOR, arrows=graph.is_directed(), arrowsize=10,
                           node_size=node_size)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_color=colors, node_size=node_size, ax=ax,
                           edgecolors=OUTLINE, linewidths=0.5)
    labels = {n: (label(n, graph.nodes[n]) if label else str(n)) for n in nodes}
    nx.draw_networkx_labels(graph, pos, labels=labels, font_size=font_size, ax=ax)
    return _finish(ax, title)


def draw_topology(graph: nx.DiGraph, ax: Axes, *, pod_labels: bool | None = None,
                  title: str | None = "Cluster topology") -> Axes:
    """Control-plane components, Nodes and their pods (pods coloured by phase). Arrows: component ->
    kube-apiserver -> etcd; lines: each node's kubelet to the API server, and each node to its pods.

    Pod names are shown when there are at most 24 pods, unless `pod_labels` says otherwise."""
    pos = layout.topology(graph)
    roles = nx.get_node_attributes(graph, "role")
    pods = sorted((n for n, r in roles.items() if r == "pod"), key=str)
    comps = sorted((n for n, r in roles.items() if r == "component"), key=str)
    nodes = sorted((n for n, r in roles.items() if r == "node"), key=str)
    edges = sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    control = [(u, v) for u, v, d in edges if d.get("relation") in ("api", "store")]
    kubelets = [(u, v) for u, v, d in edges if d.get("relation") == "kubelet"]
    runs = [(u, v) for u, v, d in edges if d.get("relation") == "runs"]
    nx.draw_networkx_edges(graph, pos, edgelist=control, ax=ax, edge_color=API_EDGE, alpha=0.6, arrows=True,
                           arrowsize=8, node_size=900)
    # Kubelet -> API server lines without arrow heads: one LineCollection (fast to redraw every step).
    nx.draw_networkx_edges(graph, pos, edgelist=kubelets, ax=ax, edge_color=API_EDGE, alpha=0.35, arrows=False)
    nx.draw_networkx_edges(graph, pos, edgelist=runs, ax=ax, edge_color=RUNS_COLOR, arrows=False, width=0.6)
    nx.draw_networkx_nodes(graph, pos, nodelist=comps, node_shape="s", node_color=ROLE_COLORS["component"],
                           node_size=900, ax=ax)
    ready = nx.get_node_attributes(graph, "ready")
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_shape="s",
                           node_color=[ROLE_COLORS["node"] if ready.get(n, True) else NOT_READY_NODE for n in nodes],
                           edgecolors=API_EDGE, node_size=1100, ax=ax)
    phases = nx.get_node_attributes(graph, "phase")
    nx.draw_networkx_nodes(graph, pos, nodelist=pods, node_color=[phase_color(phases.get(p, "")) for p in pods],
                           node_size=120 if len(pods) <= 24 else 40, edgecolors=OUTLINE, linewidths=0.3, ax=ax)
    names = nx.get_node_attributes(graph, "name")
    nx.draw_networkx_labels(graph, pos, labels={n: component_label(str(names.get(n, n))) for n in comps},
                            font_size=6, font_color="white", ax=ax)
    nx.draw_networkx_labels(graph, pos, labels={n: str(names.get(n, n)) for n in nodes}, font_size=7, ax=ax)
    show = pod_labels if pod_labels is not None else len(pods) <= 24
    if show:
        nx.draw_networkx_labels(graph, {p: (pos[p][0] + 0.09, pos[p][1]) for p in pods},
                                labels={p: str(names.get(p, p)) for p in pods}, font_size=6,
                                horizontalalignment="left", ax=ax)
    present = sorted({phases.get(p, "") for p in pods}, key=list(PHASE_COLORS).index)
    if present:
        ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color=phase_color(ph), label=ph)
                           for ph in present], loc="lower right", fontsize=7, frameon=False)
    return _finish(ax, title)


def draw_ownership(graph: nx.DiGraph, ax: Axes, *, title: str | None = "Ownership (ownerReferences)") -> Axes:
    """Owner above dependents: Deployment -> ReplicaSet -> Pod, as a tree; pods coloured by phase."""
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no owned objects", ha="center", va="center", transform=ax.transAxes)
        return _finish(ax, title)
    pos = layout.layered(graph)
    draw_graph(graph, ax, pos=pos, color=kind_color, label=kind_label, node_size=350, font_size=7)
    for text in ax.texts:  # labels under the markers so that siblings do not overlap
        text.set_verticalalignment("top")
        x, y = text.get_position()
        text.set_position((x, y - 0.12))
        text.set_rotation(20 if graph.number_of_nodes() > 8 else 0)
    return _finish(ax, title)


def draw_services(graph: nx.DiGraph, ax: Axes, *, title: str | None = "Service -> EndpointSlice -> Pod") -> Axes:
    """Services over their EndpointSlices over the endpoint pods; not-ready endpoints dashed."""
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no Services", ha="center", va="center", transform=ax.transAxes)
        return _finish(ax, title)
    pos = layout.layered(graph)
    edges = sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    ready = [(u, v) for u, v, d in edges if d.get("ready", True)]
    not_ready = [(u, v) for u, v, d in edges if not d.get("ready", True)]
    nodes = sorted(graph.nodes, key=str)
    nx.draw_networkx_edges(graph, pos, edgelist=ready, ax=ax, edge_color=EDGE_COLOR, arrows=True, node_size=350)
    nx.draw_networkx_edges(graph, pos, edgelist=not_ready, ax=ax, edge_color=NOT_READY_EDGE, style="dashed",
                           arrows=True, node_size=350)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_color=[kind_color(n, graph.nodes[n]) for n in nodes],
                           node_size=350, edgecolors=OUTLINE, linewidths=0.5, ax=ax)
    nx.draw_networkx_labels(graph, {n: (p[0], p[1] - 0.12) for n, p in pos.items()},
                            labels={n: kind_label(n, graph.nodes[n]) for n in nodes}, font_size=7,
                            verticalalignment="top", ax=ax)
    return _finish(ax, title)


def draw_talks(graph: nx.DiGraph, ax: Axes, *, title: str | None = "Who talks to whom (audit log)") -> Axes:
    """Every client -> kube-apiserver -> etcd; edge width grows with the number of requests, and each
    edge is labelled with its count (writes for the store edge)."""
    pos = layout.hub(graph)
    nodes = sorted(graph.nodes, key=str)
    roles = nx.get_node_attributes(graph, "role")
    edges = sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    widths = [0.8 + math.log10(1 + int(d.get("requests", 1))) * 1.2 for _, _, d in edges]
    nx.draw_networkx_edges(graph, pos, edgelist=[(u, v) for u, v, _ in edges], width=widths, ax=ax,
                           edge_color=API_EDGE, alpha=0.6, arrows=True, arrowsize=10, node_size=1400)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_size=1400,
                           node_color=[ROLE_COLORS.get(roles.get(n, "client"), DEFAULT_NODE) for n in nodes],
                           edgecolors=OUTLINE, linewidths=0.5, ax=ax)
    nx.draw_networkx_labels(graph, pos, labels={n: component_label(str(n)) for n in nodes},
                            font_size=7, ax=ax)
    labels = {(u, v): (f"{d.get('writes', 0)} writes" if v == "etcd" else str(d.get("requests", 0)))
              for u, v, d in edges}
    nx.draw_networkx_edge_labels(graph, pos, edge_labels=labels, font_size=7, ax=ax, label_pos=0.55)
    return _finish(ax, title)
