"""labk8s.analysis.history.Recorder: a watch through the API server that keeps every change."""

from __future__ import annotations

from typing import Any

from labk8s import Cluster
from labk8s.analysis import Recorder

Obj = dict[str, Any]


def pod(name: str, node: str | None = None) -> Obj:
    spec: Obj = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def test_existing_objects_are_recorded_as_added_at_the_start() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create(pod("early"))
    c.run(2)
    rec = Recorder(c, ["pods"])
    assert rec.started_ms == 2000
    history = rec.history("pods", "early")
    assert [(ch.time_ms, ch.type, ch.status) for ch in history] == [(2000, "ADDED", "Pending")]
    assert rec.kinds == ["pods"]


def test_changes_are_recorded_at_the_virtual_time_they_were_committed() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c, ["pods"])
    c.run(1)
    c.create(pod("a"))
    c.run(1)
    c.patch("pod", "a", {"metadata": {"labels": {"x": "1"}}})
    c.run(1)
    c.delete("pod", "a")  # not bound to a node: deleted at once
    c.run(1)
    history = rec.history("pod", "a")
    assert [(ch.time_ms, ch.type) for ch in history] == [(1000, "ADDED"), (2000, "MODIFIED"), (3000, "DELETED")]
    assert history[1].object["metadata"]["labels"] == {"x": "1"}
    assert [int(ch.resource_version) for ch in history] == sorted(int(ch.resource_version) for ch in history)
    intervals = rec.status_intervals("pods", "default")
    assert intervals.to_dict("records") == [
        {"namespace": "default", "name": "a", "status": "Pending", "start": 1.0, "end": 3.0}]


def test_status_changes_split_intervals_and_deletion_shows_terminating() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c, ["pods"])
    c.create(pod("bound", "node-1"))
    c.run(2)
    c.delete("pod", "bound")  # bound to a node: graceful deletion sets deletionTimestamp
    c.run(3)
    rows = rec.status_intervals().query("name == 'bound'")
    assert rows[["status", "start", "end"]].values.tolist() == [["Pending", 0.0, 2.0], ["Terminating", 2.0, 5.0]]


def test_the_recorder_is_an_api_client_and_stops_cleanly() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c, ["pods", "nodes"])
    watches = [r for r in c.api.audit.records() if r.user == "labk8s-recorder"]
    assert sorted((r.verb, r.resource) for r in watches) == [("watch", "nodes"), ("watch", "pods")]
    rec.stop()
    c.create(pod("after"))
    c.run(1)
    assert rec.history("pods", "after") == []
    assert rec.stopped


def test_replica_series_of_a_deployment() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    c.run(1)
    c.scale("deployment", "web", 5)
    c.run(1)
    series = rec.replica_series()
    web = series[(series["kind"] == "Deployment") & (series["name"] == "web")]
    assert web[["time", "desired"]].values.tolist()[0] == [0.0, 3]
    assert web["desired"].iloc[-1] == 5
    assert list(series.columns) == ["time", "kind", "namespace", "name", "desired", "current", "ready", "available"]


def test_changes_are_ordered_by_arrival() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c, ["pods"])
    for name in ("b", "a", "c"):
        c.create(pod(name))
    c.run(1)
    assert [ch.name for ch in rec.changes("pods", "default")] == ["b", "a", "c"]
    assert rec.count >= 3
