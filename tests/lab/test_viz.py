"""labk8s.viz: every drawing takes an Axes and returns it, and the same state gives the same image."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from labk8s import Cluster
from labk8s.analysis import (
    Recorder,
    cluster_allocation,
    cluster_ownership,
    cluster_services,
    cluster_talks,
    cluster_topology,
    event_frame,
    placement_frame,
    read_objects,
)
from labk8s.viz import (
    draw_allocation,
    draw_events,
    draw_graph,
    draw_ownership,
    draw_replicas,
    draw_services,
    draw_status_timeline,
    draw_talks,
    draw_topology,
    layout,
    render_png,
    status_color,
)


def build() -> tuple[Cluster, Recorder]:
    c = Cluster(nodes=3, seed=0)
    rec = Recorder(c)
    for i in range(6):
        # web-5 has a nodeSelector no node matches: the scheduler leaves it Pending, unscheduled.
        placement = {"nodeName": f"node-{i % 3 + 1}"} if i < 5 else {"nodeSelector": {"disktype": "none"}}
        c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                  "spec": {**placement,
                           "containers": [{"name": "c", "image": "nginx",
                                           "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}})
    c.run(2)
    c.delete("pod", "web-0")
    c.run(2)
    return c, rec


@pytest.fixture(scope="module")
def state() -> tuple[Cluster, Recorder]:
    return build()


def drawings(c: Cluster, rec: Recorder) -> dict[str, Callable[[Axes], Axes]]:
    pods = read_objects(c, "pods")
    return {
        "topology": lambda ax: draw_topology(cluster_topology(c), ax),
        "ownership": lambda ax: draw_ownership(cluster_ownership(c), ax),
        "services": lambda ax: draw_services(cluster_services(c, None), ax),
        "talks": lambda ax: draw_talks(cluster_talks(c), ax),
        "graph": lambda ax: draw_graph(cluster_topology(c), ax, seed=3),
        "allocation-cpu": lambda ax: draw_allocation(cluster_allocation(c), placement_frame(pods), ax),
        "allocation-memory": lambda ax: draw_allocation(cluster_allocation(c), placement_frame(pods), ax,
                                                        resource="memory"),
        "status": lambda ax: draw_status_timeline(rec.status_intervals(), ax),
        "replicas": lambda ax: draw_replicas(rec.replica_series(), ax),
        "events": lambda ax: draw_events(event_frame(c.events()), ax),
    }


NAMES = ["topology", "ownership", "services", "talks", "graph", "allocation-cpu", "allocation-memory", "status",
         "replicas", "events"]


@pytest.mark.parametrize("name", NAMES)
def test_draw_takes_an_axes_and_returns_it(state: tuple[Cluster, Recorder], name: str) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert drawings(*state)[name](ax) is ax


@pytest.mark.parametrize("name", ["topology", "talks", "allocation-cpu", "status", "graph"])
def test_same_state_same_png(name: str) -> None:
    first = render_png(drawings(*build())[name])
    second = render_png(drawings(*build())[name])
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second


def test_allocation_rejects_unknown_resources(state: tuple[Cluster, Recorder]) -> None:
    c, _ = state
    with pytest.raises(ValueError, match="resource must be one of"):
        draw_allocation(cluster_allocation(c), placement_frame(read_objects(c, "pods")), Figure().add_subplot(),
                        resource="gpu")


def test_allocation_title_counts_unscheduled_pods(state: tuple[Cluster, Recorder]) -> None:
    c, _ = state
    ax = draw_allocation(cluster_allocation(c), placement_frame(read_objects(c, "pods")), Figure().add_subplot())
    assert ax.get_title() == "cpu requests per node (1 pods not scheduled)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["control-plane", "node-1", "node-2", "node-3"]


def test_layouts_are_deterministic_and_structural() -> None:
    g = nx.DiGraph([("b", "c"), ("a", "b"), ("a", "d")])
    assert layout.spring(g, seed=1) == layout.spring(nx.DiGraph([("a", "d"), ("a", "b"), ("b", "c")]), seed=1)
    pos = layout.layered(g)
    assert pos["a"][1] == 0 and pos["b"][1] == pos["d"][1] == -1 and pos["c"][1] == -2
    c = Cluster(nodes=2, seed=0)
    c.run(1)  # the control-plane kubelet posts the static pods' mirror pods once the loop runs
    topo = layout.topology(cluster_topology(c))
    assert topo["kube-apiserver"][1] == 2.0 and topo["node/node-1"][1] == 1.0
    assert topo["Pod/kube-system/etcd-control-plane"][1] < 1.0


@pytest.mark.parametrize(("status", "color"), [
    ("Running", "#5cb85c"), ("Pending", "#f0ad4e"), ("CrashLoopBackOff", "#c9302c"), ("Init:0/1", "#f7d08a"),
    ("Ready,SchedulingDisabled", "#5cb85c"), ("Terminating", "#9b59b6"), ("Whatever", "#999999"),
])
def test_status_colors(status: str, color: str) -> None:
    assert status_color(status) == color
