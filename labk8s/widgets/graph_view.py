"""GraphView: any analysis graph drawn by labk8s.viz, as a PNG that is redrawn only when the graph
(its nodes, edges and their attributes) changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import networkx as nx
from matplotlib.axes import Axes

from labk8s.analysis import graphs
from labk8s.cluster import Cluster
from labk8s.viz import draw_graph, draw_ownership, draw_services, draw_talks, draw_topology, render_png
from labk8s.widgets.base import View

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper

GraphFn = Callable[[Cluster], nx.Graph]
DrawFn = Callable[[nx.Graph, Axes], Axes]

#: Named graphs: (build from the cluster, draw). Namespaced ones read `namespace`.
GRAPHS: dict[str, tuple[Callable[[Cluster, str | None], nx.Graph], DrawFn]] = {
    "topology": (lambda c, _ns: graphs.cluster_topology(c), draw_topology),
    "ownership": (lambda c, ns: graphs.cluster_ownership(c, ns), draw_ownership),
    "services": (lambda c, ns: graphs.cluster_services(c, ns), draw_services),
    "talks": (lambda c, _ns: graphs.cluster_talks(c), draw_talks),
}


def signature(graph: nx.Graph) -> tuple[Any, ...]:
    """Everything a drawing depends on, in a canonical order (equal signatures draw equal images)."""
    def items(data: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(sorted((k, repr(v)) for k, v in data.items()))
    nodes = tuple(sorted((str(n), items(d)) for n, d in graph.nodes(data=True)))
    edges = tuple(sorted((str(u), str(v), items(d)) for u, v, d in graph.edges(data=True)))
    return nodes, edges


class GraphView(View):
    """`graph` is "topology", "ownership", "services", "talks", or a function cluster -> networkx graph
    (drawn with `draw`, default viz.draw_graph with a seeded spring layout)."""

    title = "GraphView"

    def __init__(self, source: Stepper | Cluster, graph: str | GraphFn = "topology", *,
                 namespace: str | None = "default", draw: DrawFn | None = None, width: float = 8.0,
                 height: float = 4.5, dpi: int = 80) -> None:
        super().__init__(source)
        if isinstance(graph, str):
            if graph not in GRAPHS:
                raise ValueError(f"unknown graph {graph!r}: choose one of {sorted(GRAPHS)} or pass a function")
            build, default_draw = GRAPHS[graph]
            self._build: GraphFn = lambda c: build(c, namespace)
            self.name = graph
        else:
            self._build = graph
            default_draw = draw_graph
            self.name = getattr(graph, "__name__", "graph")
        self._draw: DrawFn = draw or default_draw
        self.size = (width, height, dpi)
        self.image = self.own(widgets.Image(format="png"))
        self.widget.children = (self.image,)
        self.graph: nx.Graph = nx.Graph()
        self._subscribe()

    def render_key(self) -> object:
        # Build the graph once per refresh; the signature decides whether to redraw.
        self.graph = self._build(self.cluster)
        return signature(self.graph)

    def render(self) -> None:
        width, height, dpi = self.size
        graph = self.graph
        self.image.value = render_png(lambda ax: self._draw(graph, ax), width=width, height=height, dpi=dpi,
                                      constrained=False)

    def summary(self) -> str:
        return (f"{self.name}: {self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges "
                f"at t={self.cluster.now:.3f}s")
