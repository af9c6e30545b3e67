"""Deterministic layouts: the same graph always gets the same positions (so images are stable).

`spring` is networkx's spring_layout with a fixed seed over the nodes in sorted order; the other
layouts place nodes by structure and need no randomness at all.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx

from labk8s.analysis.source import natural_key

Pos = dict[Hashable, tuple[float, float]]


def spring(graph: nx.Graph, seed: int = 0) -> Pos:
    """spring_layout(seed=seed) of the graph with its nodes and edges inserted in sorted order."""
    ordered = nx.DiGraph() if graph.is_directed() else nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes, key=str))
    ordered.add_edges_from(sorted(graph.edges, key=lambda e: (str(e[0]), str(e[1]))))
    pos = nx.spring_layout(ordered, seed=seed)
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def layered(graph: nx.DiGraph) -> Pos:
    """A tree layout top-down: roots (no predecessors) on top, each node one level below its deepest
    owner; leaves spread left to right in depth-first order from the sorted roots, parents centred
    over their children. Works for forests and DAGs (a node is placed under its first visitor)."""
    depth: dict[Hashable, int] = {}
    for node in nx.topological_sort(graph) if nx.is_directed_acyclic_graph(graph) else sorted(graph, key=str):
        preds = list(graph.predecessors(node))
        depth[node] = 1 + max((depth.get(p, 0) for p in preds), default=-1)
    x: dict[Hashable, float] = {}
    next_leaf = 0.0

    def place(node: Hashable) -> float:
        nonlocal next_leaf
        children = [c for c in sorted(graph.successors(node), key=str) if c not in x]
        x[node] = math.nan  # mark visited before recursing (shared children are placed once)
        xs = [place(c) for c in children]
        if xs:
            x[node] = sum(xs) / len(xs)
        else:
            x[node] = next_leaf
            next_leaf += 1.0
        return x[node]

    roots = sorted((n for n in graph if graph.in_degree(n) == 0), key=str)
    for root in roots:
        place(root)
    for node in sorted(graph, key=str):  # cycles: anything not reached from a root
        if node not in x:
            place(node)
    return {n: (x[n], -float(depth.get(n, 0))) for n in graph}


def topology(graph: nx.DiGraph, pods_per_column: int = 12) -> Pos:
    """Control plane on top (the API server in the middle, etcd to its right, the other components in
    a row above), Nodes in a row below, and each node's pods in columns under it."""
    pos: Pos = {}
    roles = nx.get_node_attributes(graph, "role")
    components = sorted(n for n, r in roles.items() if r == "component" and n not in ("kube-apiserver", "etcd"))
    nodes = sorted((n for n, r in roles.items() if r == "node"), key=lambda n: natural_key(str(n)))
    width = max(len(nodes), len(components), 2)
    pos["kube-apiserver"] = ((width - 1) / 2, 2.0)
    pos["etcd"] = ((width - 1) / 2 + 1.2, 2.0)
    for i, comp in enumerate(components):
        pos[comp] = ((width - 1) / 2 + (i - (len(components) - 1) / 2) * 1.2, 3.0)
    for i, node in enumerate(nodes):
        pos[node] = (float(i) * (width - 1) / max(len(nodes) - 1, 1) if len(nodes) > 1 else (width - 1) / 2, 1.0)
        pods = sorted((p for p in graph.successors(node) if roles.get(p) == "pod"), key=str)
        columns = max(1, math.ceil(len(pods) / pods_per_column))
        for j, pod in enumerate(pods):
            col, row = divmod(j, pods_per_column)
            dx = (col - (columns - 1) / 2) * 0.22
            pos[pod] = (pos[node][0] + dx, 0.5 - row * 0.18)
    unplaced = sorted((n for n in graph if n not in pos), key=str)
    for j, pod in enumerate(unplaced):  # unscheduled pods: a row at the bottom
        pos[pod] = (float(j % max(width, 1)), -2.0 - (j // max(width, 1)) * 0.3)
    return pos


def hub(graph: nx.DiGraph, center: Hashable = "kube-apiserver", store: Hashable = "etcd") -> Pos:
    """The API server in the middle, the store to its right, every client on a half circle on the left."""
    pos: Pos = {center: (0.0, 0.0), store: (1.5, 0.0)}
    clients = sorted((n for n in graph if n not in (center, store)), key=str)
    for i, client in enumerate(clients):
        angle = math.pi / 2 + math.pi * (i + 0.5) / max(len(clients), 1)
        pos[client] = (1.6 * math.cos(angle), 1.6 * math.sin(angle))
    return {n: pos[n] for n in graph if n in pos}
