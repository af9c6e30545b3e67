"""GraphView: any analysis graph, redrawn only when the graph (its nodes, edges and their attributes)
changed. It draws inline SVG built straight from the deterministic layouts (labk8s.viz.graph_svg: a few
milliseconds, so a Step stays fast); with a matplotlib `draw` function it shows a PNG instead."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import networkx as nx
from matplotlib.axes import Axes

from labk8s.analysis import graphs
from labk8s.cluster import Cluster
from labk8s.viz import (
    draw_graph,
    draw_ownership,
    draw_services,
    draw_talks,
    draw_topology,
    render_png,
    svg_graph,
    svg_ownership,
    svg_services,
    svg_talks,
    svg_topology,
)
from labk8s.viz import layout as layouts
from labk8s.widgets.base import View

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper

GraphFn = Callable[[Cluster], nx.Graph]
DrawFn = Callable[[nx.Graph, Axes], Axes]
#: (graph, width=, height=, dpi=) -> SVG text.
SvgFn = Callable[..., str]

#: Named graphs: (build from the cluster, SVG drawing, matplotlib drawing). Namespaced ones read `namespace`.
GRAPHS: dict[str, tuple[Callable[[Cluster, str | None], nx.Graph], SvgFn, DrawFn]] = {
    "topology": (lambda c, _ns: graphs.cluster_topology(c), svg_topology, draw_topology),
    "ownership": (lambda c, ns: graphs.cluster_ownership(c, ns), svg_ownership, draw_ownership),
    "services": (lambda c, ns: graphs.cluster_services(c, ns), svg_services, draw_services),
    "talks": (lambda c, _ns: graphs.cluster_talks(c), svg_talks, draw_talks),
}


def signature(graph: nx.Graph) -> tuple[Any, ...]:
    """Everything a drawing depends on, in a canonical order (equal signatures draw equal images)."""
    def items(data: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(sorted((k, repr(v)) for k, v in data.items()))
    nodes = tuple(sorted((str(n), items(d)) for n, d in graph.nodes(data=True)))
    edges = tuple(sorted((str(u), str(v), items(d)) for u, v, d in graph.edges(data=True)))
    return nodes, edges


def structure(graph: nx.Graph) -> tuple[Any, ...]:
    """The nodes and edges without their attributes: what a spring layout depends on."""
    return (tuple(sorted(str(n) for n in graph.nodes)),
            tuple(sorted((str(u), str(v)) for u, v in graph.edges)))


class GraphView(View):
    """`graph` is "topology", "ownership", "services", "talks", or a function cluster -> networkx graph
    (drawn with a spring layout seeded with `seed`, recomputed only when its nodes or edges change).

    The view shows inline SVG (`svg` holds the text; the same graph gives the same text). Pass `draw`,
    a matplotlib drawing (graph, Axes) -> Axes such as viz.draw_topology, to show a PNG rendered by it
    instead (`image`); that costs tens of milliseconds per redraw."""

    title = "GraphView"

    def __init__(self, source: Stepper | Cluster, graph: str | GraphFn = "topology", *,
                 namespace: str | None = "default", draw: DrawFn | None = None, width: float = 8.0,
                 height: float = 4.5, dpi: int = 80, seed: int = 0) -> None:
        super().__init__(source)
        self._svg: SvgFn
        if isinstance(graph, str):
            if graph not in GRAPHS:
                raise ValueError(f"unknown graph {graph!r}: choose one of {sorted(GRAPHS)} or pass a function")
            build, self._svg, default_draw = GRAPHS[graph]
            self._build: GraphFn = lambda c: build(c, namespace)
            self.name = graph
        else:
            self._build = graph
            self._svg = self._spring_svg
            default_draw = None
            self.name = getattr(graph, "__name__", "graph")
        self._draw: DrawFn | None = draw
        self._png_draw = draw or default_draw  # for `png()`
        self.seed = seed
        self.size = (width, height, dpi)
        self.format = "png" if draw is not None else "svg"
        self.svg = ""
        self.image: widgets.Image | None = None
        self.html: widgets.HTML | None = None
        if self._draw is not None:
            self.image = self.own(widgets.Image(format="png"))
            self.widget.children = (self.image,)
        else:
            self.html = self.own(widgets.HTML())
            self.widget.children = (self.html,)
        self.graph: nx.Graph = nx.Graph()
        self._layout: tuple[tuple[Any, ...], dict[Hashable, tuple[float, float]]] | None = None
        self._subscribe()

    def render_key(self) -> object:
        # Build the graph once per refresh; the signature decides whether to redraw.
        self.graph = self._build(self.cluster)
        return signature(self.graph)

    def render(self) -> None:
        width, height, dpi = self.size
        graph = self.graph
        if self._draw is not None and self.image is not None:
            draw = self._draw
            self.image.value = render_png(lambda ax: draw(graph, ax), width=width, height=height, dpi=dpi,
                                          constrained=False)
            return
        self.svg = self._svg(graph, width=width, height=height, dpi=dpi)
        if self.html is not None:
            self.html.value = self.svg

    def _spring_svg(self, graph: nx.Graph, *, width: float, height: float, dpi: int) -> str:
        """svg_graph with the spring layout cached while the nodes and edges stay the same (attributes,
        such as a pod's phase, change colours, not positions)."""
        key = structure(graph)
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, layouts.spring(graph, self.seed))
        return svg_graph(graph, pos=self._layout[1], width=width, height=height, dpi=dpi)

    def png(self) -> bytes:
        """The current graph drawn with matplotlib (the `draw` function, or the named graph's drawing,
        or viz.draw_graph), as PNG bytes: for a static copy of what the view shows."""
        width, height, dpi = self.size
        graph, draw, seed = self.graph, self._png_draw, self.seed

        def paint(ax: Axes) -> Axes:
            return draw(graph, ax) if draw is not None else draw_graph(graph, ax, seed=seed)

        return render_png(paint, width=width, height=height, dpi=dpi, constrained=False)

    def summary(self) -> str:
        return (f"{self.name}: {self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges "
                f"at t={self.cluster.now:.3f}s")
