"""Headless widget tests: construct the Stepper and the views, click, and assert on their state."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pytest

from labk8s import Cluster
from labk8s.analysis import explainer_of
from labk8s.widgets import (
    ClusterView,
    EventLog,
    GraphView,
    ObjectInspector,
    SchedulerExplain,
    Stepper,
    TimelineView,
    View,
)

Obj = dict[str, Any]


#: A nodeSelector no node matches: the scheduler leaves the pod Pending (PodScheduled=False, Unschedulable).
NO_NODE: Obj = {"nodeSelector": {"disktype": "none"}}


def pod(name: str, node: str | None = None, namespace: str = "default", cpu: str = "500m", **spec: Any) -> Obj:
    body: Obj = {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": cpu}}}], **spec}
    if node:
        body["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}, "spec": body}


def scenario(seed: int) -> Cluster:
    """Two pods waiting in a namespace that is being deleted: the namespace controller's Steps remove them.

    They wait because no node matches their nodeSelector (the scheduler binds a plain pod within ms); not
    bound to a node, they are deleted at once, without a kubelet's graceful termination.
    """
    c = Cluster(nodes=2, seed=seed)
    c.create(pod("web", "node-1"))
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo"}})
    c.create(pod("a", namespace="demo", **NO_NODE))
    c.create(pod("b", namespace="demo", **NO_NODE))
    c.run(1)
    c.delete("namespace", "demo")
    return c


def all_views(s: Stepper | Cluster) -> list[View]:
    return [ClusterView(s), EventLog(s), ObjectInspector(s), TimelineView(s), SchedulerExplain(s),
            GraphView(s, "topology"), GraphView(s, "talks")]


def closed(w: widgets.Widget) -> bool:
    return w.comm is None


def step_until(s: Stepper, predicate: Any, limit: int = 50) -> int:
    for n in range(1, limit + 1):
        s.step_button.click()
        if predicate():
            return n
    raise AssertionError(f"not true after {limit} Step clicks")


def test_step_click_processes_one_event_and_updates_the_readout() -> None:
    s = Stepper(scenario, seed=0)
    before = s.cluster.loop.processed
    assert f"{before} events processed" in s.readout.value
    s.step_button.click()
    assert s.cluster.loop.processed == before + 1
    assert f"{before + 1} events processed" in s.readout.value
    assert s.last_event is not None and s.last_event.startswith("t=1.000s ")
    assert repr(s).startswith("Stepper(t=1.000s, revision=")


def test_run_button_advances_virtual_time_by_the_given_seconds() -> None:
    s = Stepper(scenario, seed=0)
    s.run_seconds.value = 7.5
    s.run_button.click()
    assert s.cluster.now == 8.5
    assert "t=8.500s" in s.readout.value
    assert s.last_event is not None and s.last_event.startswith("ran 7.5s: ")


def test_views_rerender_when_a_step_changes_what_they_show() -> None:
    s = Stepper(scenario, seed=0)
    view = ClusterView(s, namespace="demo")
    assert "not scheduled</b> (2)" in view.html.value
    assert repr(view) == "ClusterView(t=1.000s: 3 nodes (3 Ready), 2 pods: Pending 2)"
    # Two Steps deliver the namespace's deletion to the controller manager's and the scheduler's watches;
    # the third is the namespace controller's sync, which deletes both pods.
    assert step_until(s, lambda: "not scheduled" not in view.html.value) == 3
    assert s.last_event == "t=1.000s namespace: sync"
    assert view.summary().endswith("0 pods")
    for _ in range(5):  # a Step redraws the view only if it changed the store
        renders, revision = view.renders, s.cluster.store.revision
        s.step()
        assert view.renders == renders + (s.cluster.store.revision != revision)


def test_cluster_view_fills_nodes_with_requests() -> None:
    c = Cluster(nodes=1, node_cpu="2", seed=0)
    c.create(pod("x", "node-1", cpu="500m"))
    c.create(pod("y", "node-1", cpu="1"))
    view = ClusterView(c)
    assert "cpu 1.5/2" in view.html.value
    assert "width:25.00%" in view.html.value and "width:50.00%" in view.html.value
    assert "default/x: Pending" in view.html.value


def test_every_view_constructs_renders_and_closes_cleanly() -> None:
    s = Stepper(scenario, seed=0)
    views = all_views(s)
    assert s.followers == views
    owned = [w for v in views for w in v._owned]
    assert owned and not any(closed(w) for w in owned)
    for _ in range(3):
        s.step_button.click()
    assert all(v.renders >= 1 for v in views)
    for v in views:
        bundle = v._repr_mimebundle_()
        assert bundle["text/plain"] == repr(v)
        assert "application/vnd.jupyter.widget-view+json" in bundle
    first_owned = list(views[0]._owned)
    views[0].close()
    assert views[0].closed and views[0] not in s.followers
    assert all(closed(w) for w in first_owned)
    assert not any(closed(w) for w in views[1]._owned)
    s.close()
    assert all(v.closed for v in views) and all(closed(w) for w in owned)
    assert s.followers == []
    assert closed(s.step_button) and closed(s.ticker.play) and closed(s.widget)
    assert repr(s) == "Stepper(closed)"
    assert [r for r in s.cluster.api.audit.records() if r.user == "labk8s-recorder"]
    assert s.recorder is not None and s.recorder.stopped


def test_reset_rebuilds_the_scenario_with_the_same_seed() -> None:
    s = Stepper(scenario, seed=4)
    view = ClusterView(s, namespace="demo")
    inspector = ObjectInspector(s, "pods", "a", "demo")
    start = (s.cluster.loop.processed, s.cluster.store.revision, repr(view), inspector.summary())
    first = s.cluster
    step_until(s, lambda: "not scheduled" not in view.html.value)
    s.reset_button.click()
    assert s.cluster is not first and s.resets == 1
    assert (s.cluster.loop.processed, s.cluster.store.revision, repr(view), inspector.summary()) == start
    assert "not scheduled</b> (2)" in view.html.value
    assert first.get("pod", "web")["metadata"]["uid"] == s.cluster.get("pod", "web")["metadata"]["uid"]


def test_reset_needs_a_scenario() -> None:
    s = Stepper(Cluster(nodes=1, seed=0))
    assert s.reset_button.disabled
    with pytest.raises(ValueError, match="cannot reset"):
        s.reset()


def test_play_ticks_advance_speed_seconds_of_virtual_time() -> None:
    s = Stepper(scenario, seed=0, speed=2.0, interval_ms=500)
    timeline = TimelineView(s)
    s.ticker.play.value += 1  # what the browser's timer does while playing
    s.ticker.play.value += 1
    assert s.cluster.now == 1.0 + 2 * 2.0 * 0.5
    assert s.ticker.ticks == 2
    s.ticker.play.value = 0  # the stop button rewinds: not a tick
    assert s.ticker.ticks == 2 and s.cluster.now == 3.0
    assert timeline.summary().startswith("t=3.000s")
    s.speed.value = 10.0
    s.ticker.play.value = 1
    assert s.cluster.now == 8.0


def test_event_log_shows_kubectl_event_columns() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create({"apiVersion": "v1", "kind": "Event",
              "metadata": {"name": "web.1", "namespace": "default"},
              "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
              "reason": "BackOff", "message": "Back-off restarting failed container", "type": "Warning",
              "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z", "count": 1,
              "source": {"component": "kubelet"}})
    c.run(30)
    log = EventLog(c, namespace="default")
    for header in ("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"):
        assert f">{header}<" in log.html.value
    assert ">30s<" in log.html.value and ">pod/web<" in log.html.value
    # Besides ours, each Node's startup at t=0 records 6 Normal events in "default", as on a real cluster:
    # the kubelet's Starting, NodeHasSufficientMemory, NodeHasNoDiskPressure, NodeHasSufficientPID,
    # NodeAllocatableEnforced and the node lifecycle controller's RegisteredNode.
    node_reasons = ["Starting", "NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID",
                    "NodeAllocatableEnforced", "RegisteredNode"]
    assert sorted((e["involvedObject"]["kind"], e["involvedObject"]["name"], e["reason"])
                  for e in c.events("default")) == sorted(
        [("Pod", "web", "BackOff")] + [("Node", n, r) for n in ("control-plane", "node-1") for r in node_reasons])
    assert ">node/node-1<" in log.html.value and ">RegisteredNode<" in log.html.value
    assert repr(log) == "EventLog(t=30.000s: 13 events, 1 warnings)"


def test_object_inspector_shows_yaml_and_history() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create(pod("web"))
    inspector = ObjectInspector(c, "pods", "web")
    assert inspector.selected == "default/web"
    assert "name: web" in inspector.yaml.value
    c.patch("pod", "web", {"metadata": {"labels": {"tier": "front"}}})
    c.run(1)
    inspector.refresh()
    history = inspector.history()
    # Created and labelled at t=0; then the scheduler binds it (t=0.003 s, PodScheduled=True) and node-1's
    # kubelet posts ContainerCreating in the same millisecond.
    assert [(ch.time_ms, ch.type, ch.status) for ch in history] == [
        (0, "ADDED", "Pending"), (0, "MODIFIED", "Pending"), (3, "MODIFIED", "Pending"),
        (3, "MODIFIED", "ContainerCreating")]
    assert "+ metadata.labels.tier: front" in inspector.history_html.value
    assert "+ spec.nodeName: node-1" in inspector.history_html.value
    assert inspector.summary().endswith("4 versions recorded")
    inspector.select("nodes", "node-1")
    assert inspector.kind_picker.value == "Node" and inspector.selected == "node-1"
    assert "kind: Node" in inspector.yaml.value
    c.delete("pod", "web")
    inspector.select("pods", "web")
    # Bound to a node, the pod is deleted gracefully: it stays, Terminating, until node-1's kubelet has
    # stopped it and deletes it for good, once the loop runs.
    assert "deletionTimestamp: " in inspector.yaml.value and "was deleted" not in inspector.yaml.value
    c.run(1)
    inspector.select("pods", "web")
    assert "was deleted" in inspector.yaml.value
    inspector.close()
    assert inspector._own_recorder is None


def test_scheduler_explain_reads_the_documented_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    c = Cluster(nodes=2, seed=0)
    c.create(pod("web"))
    calls: list[tuple[str, str]] = []

    def explain(namespace: str, name: str) -> dict[str, Any] | None:
        calls.append((namespace, name))
        return {"pod": f"{namespace}/{name}", "time_ms": 0, "result": "Scheduled", "node": "node-2", "message": "",
                "nodes": [{"name": "node-1", "feasible": True, "filters": [], "scores": {"NodeResourcesFit": 37},
                           "total": 37},
                          {"name": "node-2", "feasible": True, "filters": [], "scores": {"NodeResourcesFit": 50},
                           "total": 50}]}

    view = SchedulerExplain(c, "web", explain=explain)
    assert calls == [("default", "web")]
    assert repr(view) == "SchedulerExplain(pod default/web: Scheduled on node-2, 2/2 nodes feasible)"
    assert "background:#e8f0fe'><td style='padding:1px 8px 1px 0;white-space:pre'>node-2" in view.html.value
    # Without an override the view asks the kube-scheduler the Cluster runs; the loop has not run yet.
    assert explainer_of(c) == c.scheduler.explain
    assert SchedulerExplain(c, "web").summary() == "pod default/web: not tried yet"
    monkeypatch.setattr(c, "scheduler", None)  # a cluster without a scheduler (as an older Cluster was)
    assert SchedulerExplain(c, "web").summary() == "pod default/web: no scheduler"


def test_graph_view_redraws_only_when_the_graph_changes() -> None:
    c = Cluster(nodes=1, seed=0)
    view = GraphView(c, "topology")
    assert view.format == "svg" and view.image is None and view.html is not None
    svg = view.html.value
    assert svg == view.svg and svg.startswith("<svg xmlns='http://www.w3.org/2000/svg' width='640.0' height='360.0'")
    assert view.renders == 1
    assert view.summary() == "topology: 4 nodes, 3 edges at t=0.000s"  # etcd, kube-apiserver, 2 Nodes
    c.run(5)  # the control-plane kubelet posts the 4 mirror pods: 2 more components, 4 more pods
    assert view.refresh() is True and view.html.value != svg and view.renders == 2
    assert view.summary() == "topology: 10 nodes, 9 edges at t=5.000s"
    svg = view.html.value
    revision = c.store.revision
    c.run(5)  # the kubelets renew their Leases at t=10 s: the store changes, but nothing the topology shows
    assert c.store.revision == revision + 2
    assert view.refresh() is False and view.html.value == svg and view.renders == 2
    c.create(pod("web", "node-1"))
    assert view.refresh() is True and view.html.value != svg
    assert "<title>Pod default/web: Pending on node-1</title>" in view.html.value
    with pytest.raises(ValueError, match="unknown graph"):
        GraphView(c, "nope")


def test_graph_view_same_state_same_svg() -> None:
    first, second = GraphView(scenario(0), "topology"), GraphView(scenario(0), "topology")
    assert first.svg == second.svg
    talks = [GraphView(scenario(0), "talks").svg for _ in range(2)]
    assert talks[0] == talks[1] and " writes</text>" in talks[0]


def test_graph_view_png_with_a_matplotlib_drawing() -> None:
    from labk8s.viz import draw_topology

    c = Cluster(nodes=1, seed=0)
    view = GraphView(c, "topology", draw=draw_topology)
    assert view.format == "png" and view.html is None and view.image is not None
    assert view.image.value[:4] == b"\x89PNG" and view.svg == ""
    assert GraphView(c, "talks").png()[:4] == b"\x89PNG"  # a static copy of an SVG view
    view.close()
    assert closed(view.image)


def test_graph_view_of_a_function_keeps_its_spring_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    from labk8s.viz import layout

    calls: list[int] = []
    spring = layout.spring

    def counting(graph: Any, seed: int = 0) -> Any:
        calls.append(graph.number_of_nodes())
        return spring(graph, seed)

    monkeypatch.setattr(layout, "spring", counting)

    def pods_on_nodes(c: Cluster) -> Any:
        import networkx as nx

        g = nx.Graph()
        for p in c.list("pods", namespace="default"):
            g.add_node(p["metadata"]["name"], phase=p.get("status", {}).get("phase", ""))
            g.add_edge(p["metadata"]["name"], p["spec"].get("nodeName") or "unscheduled")
        return g

    c = Cluster(nodes=2, seed=0)
    c.create(pod("a", "node-1"))
    view = GraphView(c, pods_on_nodes, seed=1)
    assert view.name == "pods_on_nodes" and calls == [2] and "<title>a</title>" in view.svg
    svg = view.svg
    c.run(10)  # pod a starts: its phase (an attribute) changes, so the view redraws, with the same layout
    assert view.refresh() is True and view.renders == 2 and view.svg == svg and calls == [2]
    c.create(pod("b", "node-2"))
    assert view.refresh() is True and calls == [2, 4]


def test_scheduler_explain_with_the_real_scheduler() -> None:
    c = Cluster(nodes=2, node_cpu="1", seed=0)  # the Cluster runs the real kube-scheduler
    c.create(pod("fits", cpu="500m"))
    c.create(pod("too-big", cpu="2"))
    view = SchedulerExplain(c, "fits")
    assert view.summary() == "pod default/fits: not tried yet"
    c.run(5)
    view.refresh()
    node = c.get("pod", "fits")["spec"]["nodeName"]
    assert view.summary() == f"pod default/fits: Scheduled on {node}, 2/3 nodes feasible"
    assert "TaintToleration" in view.html.value  # why the control-plane node was filtered out
    view.select("too-big")
    assert view.summary() == "pod default/too-big: Unschedulable, 0/3 nodes feasible"
    assert "Insufficient cpu" in view.html.value
