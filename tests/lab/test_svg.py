"""labk8s.viz.svg and graph_svg: the graphs as SVG text, like the matplotlib drawings, deterministic."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from labk8s import Cluster
from labk8s.analysis import cluster_talks
from labk8s.analysis.graphs import ownership_graph, service_graph, talks_graph, topology_graph
from labk8s.viz import PHASE_COLORS, svg_graph, svg_ownership, svg_services, svg_talks, svg_topology
from labk8s.viz.svg import Canvas, num

ROOT = Path(__file__).resolve().parents[2]
Obj = dict[str, Any]


def obj(kind: str, name: str, uid: str, owner: tuple[str, str, str] | None = None, phase: str | None = None) -> Obj:
    md: Obj = {"name": name, "namespace": "default", "uid": uid}
    if owner:
        md["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "uid": owner[2], "controller": True}]
    return {"kind": kind, "metadata": md, **({"status": {"phase": phase}} if phase else {})}


def node(name: str, ready: bool = True) -> Obj:
    return {"kind": "Node", "metadata": {"name": name},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def pod(name: str, host: str, phase: str) -> Obj:
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {"nodeName": host},
            "status": {"phase": phase}}


def fills(svg: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag} [^>]*fill='(#[0-9a-f]{{6}})'", svg)


# -- the canvas ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "text"), [(0.0, "0.0"), (-0.04, "0.0"), (1.25, "1.2"), (-3.456, "-3.5"),
                                             (640, "640.0")])
def test_num_rounds_to_a_tenth_without_negative_zero(value: float, text: str) -> None:
    assert num(value) == text


def test_canvas_maps_data_to_the_axes_box_with_margins() -> None:
    # 10 x 10 inches at 72 dpi: 720 px; the Axes spans x 7.2..712.8 and y 50.4 (top)..712.8 (bottom).
    canvas = Canvas([(0.0, 0.0), (1.0, 1.0)], width=10, height=10, dpi=72)
    x0, y0 = canvas.xy((0.0, 0.0))
    x1, y1 = canvas.xy((1.0, 1.0))
    assert (round(x0, 3), round(x1, 3)) == (round(7.2 + 705.6 * 0.08 / 1.16, 3), round(7.2 + 705.6 * 1.08 / 1.16, 3))
    assert y0 > y1  # y grows downwards
    assert round(y1, 3) == round(712.8 - 662.4 * 1.08 / 1.16, 3)
    single = Canvas([(5.0, 5.0)], width=10, height=10, dpi=72)
    assert single.xy((5.0, 5.0)) == pytest.approx((360.0, (50.4 + 712.8) / 2))


def test_canvas_shapes_are_sized_in_points() -> None:
    canvas = Canvas([(0.0, 0.0)], width=1, height=1, dpi=144, title="a <b>")  # 2 px per point
    canvas.marker((50.0, 50.0), size=100, fill="#ffffff")  # 10 pt across: a radius of 10 px
    canvas.marker((50.0, 50.0), size=100, fill="#000000", shape="s", tooltip="x & y")
    canvas.text((10.0, 10.0), "two\nlines", size=5)
    svg = canvas.to_svg()
    assert "<circle cx='50.0' cy='50.0' r='10.0' fill='#ffffff'/>" in svg
    assert "<rect x='40.0' y='40.0' width='20.0' height='20.0' fill='#000000'><title>x &amp; y</title></rect>" in svg
    assert "font-size='10.0'" in svg and "<tspan x='10.0' y='4.0'>two</tspan><tspan x='10.0' y='16.0'>lines" in svg
    assert ">a &lt;b&gt;</text>" in svg


def test_arrows_stop_at_the_markers_and_skip_overlapping_ones() -> None:
    canvas = Canvas([(0.0, 0.0)], width=1, height=1, dpi=72)
    canvas.arrow((0.0, 0.0), (100.0, 0.0), color="#326ce5", shrink_a=10, shrink_b=20, head=10, alpha=0.5)
    assert canvas.parts[0].startswith("<line x1='10.0' y1='0.0' x2='76.0' y2='0.0' stroke='#326ce5'")
    assert canvas.parts[1].startswith("<polygon points='80.0,0.0 76.0,2.0 76.0,-2.0' fill='#326ce5'")
    assert "opacity='0.5'" in canvas.parts[1]
    canvas.arrow((0.0, 0.0), (20.0, 0.0), color="#000000", shrink_a=10, shrink_b=10)
    assert len(canvas.parts) == 2


# -- the graphs ---------------------------------------------------------------------------------------------------
def test_topology_colours_pods_by_phase_with_a_legend_of_the_phases_shown() -> None:
    g = topology_graph([node("node-1"), node("node-2", ready=False)],
                       [pod("a", "node-1", "Running"), pod("b", "node-2", "Pending"), pod("c", "", "Failed")])
    svg = svg_topology(g)
    circles = fills(svg, "circle")
    # 3 pods (sorted by id), then the legend in PHASE_COLORS order
    assert circles == [PHASE_COLORS["Running"], PHASE_COLORS["Pending"], PHASE_COLORS["Failed"],
                       PHASE_COLORS["Pending"], PHASE_COLORS["Running"], PHASE_COLORS["Failed"]]
    assert "<title>Node node-2: NotReady</title>" in svg and "fill='#f2b8b5'" in svg
    assert ">Pending</text>" in svg and ">Succeeded</text>" not in svg
    assert ">a</text>" in svg  # pod names shown with at most 24 pods
    assert ">a</text>" not in svg_topology(g, pod_labels=False)
    assert svg.startswith("<svg ") and svg.endswith("</svg>") and ">Cluster topology</text>" in svg


def test_talks_labels_each_edge_with_its_count() -> None:
    c = Cluster(nodes=1, seed=0)
    c.run(5)
    g = cluster_talks(c)
    svg = svg_talks(g)
    writes = g.edges["kube-apiserver", "etcd"]["writes"]
    assert f">{writes} writes</text>" in svg
    assert f">{g.edges['kubelet', 'kube-apiserver']['requests']}</text>" in svg
    assert svg.count("<polygon ") == g.number_of_edges()  # one arrow head per edge
    assert svg_talks(talks_graph([])).count("<circle ") == 2  # API server and etcd only


def test_ownership_and_services() -> None:
    objs = [obj("Deployment", "web", "d1"), obj("ReplicaSet", "web-1", "r1", ("Deployment", "web", "d1")),
            obj("Pod", "web-1-a", "p1", ("ReplicaSet", "web-1", "r1"), "Running"),
            obj("Pod", "orphan", "p2", ("ReplicaSet", "gone", "rX"), "Failed")]
    svg = svg_ownership(ownership_graph(objs))
    assert ">deploy/web</text>" in svg and ">rs/gone</text>" in svg
    assert "<title>ReplicaSet/default/gone (deleted)</title>" in svg and "fill='#eeeeee'" in svg
    assert "no owned objects" in svg_ownership(nx.DiGraph())
    slices = [{"kind": "EndpointSlice",
               "metadata": {"name": "web-x", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
               "endpoints": [{"addresses": [f"10.0.0.{i}"], "conditions": {"ready": i == 0},
                              "targetRef": {"kind": "Pod", "namespace": "default", "name": f"web-{i}"}}
                             for i in range(2)]}]
    svc = svg_services(service_graph([{"kind": "Service", "metadata": {"name": "web", "namespace": "default"}}],
                                     slices, []))
    assert svc.count("stroke='#d9534f'") == 2 and svc.count("stroke-dasharray") == 1  # not ready: line, head
    assert ">svc/web</text>" in svc and ">eps/web-x</text>" in svc
    assert "no Services" in svg_services(nx.DiGraph())


def test_any_graph_with_a_given_layout() -> None:
    g = nx.DiGraph([("a", "b")])
    svg = svg_graph(g, pos={"a": (0.0, 0.0), "b": (1.0, 0.0)}, color=lambda n, _: "#123456", label=lambda n, _: str(n) * 2)
    assert fills(svg, "circle") == ["#123456", "#123456"] and ">aa</text>" in svg and "<polygon " in svg
    assert svg_graph(nx.Graph([("a", "b")]), seed=1).count("<polygon ") == 0  # undirected: no heads
    assert svg_graph(g, seed=1) == svg_graph(nx.DiGraph([("a", "b")]), seed=1)


DIGEST = """
import hashlib
from labk8s import Cluster
from labk8s.analysis import cluster_talks, cluster_topology
from labk8s.viz import svg_talks, svg_topology
c = Cluster(nodes=3, seed=0)
for i in range(6):
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"web-{i}"},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
c.run(5)
print(hashlib.sha256((svg_topology(cluster_topology(c)) + svg_talks(cluster_talks(c))).encode()).hexdigest())
"""


def test_same_state_same_svg_under_any_hash_seed() -> None:
    digests = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", DIGEST], env=env, capture_output=True, text=True, check=True,
                             cwd=ROOT)
        digests.append(out.stdout.strip())
    assert len(digests[0]) == 64 and digests[0] == digests[1]
