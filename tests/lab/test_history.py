"""labk8s.analysis.history.Recorder: a watch through the API server that keeps every change."""

from __future__ import annotations

from typing import Any

from labk8s import Cluster
from labk8s.analysis import Recorder

Obj = dict[str, Any]


#: A nodeSelector no node matches: the scheduler leaves the pod Pending (PodScheduled=False, Unschedulable).
NO_NODE: Obj = {"nodeSelector": {"disktype": "none"}}


def pod(name: str, node: str | None = None, **spec: Any) -> Obj:
    body: Obj = {"containers": [{"name": "c", "image": "nginx"}], **spec}
    if node:
        body["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": body}


def sleeper(name: str, node: str) -> Obj:
    """busybox running `sh -c 'sleep 3600'`: sh as PID 1 ignores SIGTERM, so deletion waits out the grace period."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "busybox",
                                                       "command": ["sh", "-c", "sleep 3600"]}]}}


def test_existing_objects_are_recorded_as_added_at_the_start() -> None:
    c = Cluster(nodes=1, seed=0)
    c.create(pod("early"))
    c.run(2)
    rec = Recorder(c, ["pods"])
    assert rec.started_ms == 2000
    history = rec.history("pods", "early")
    # Recorded once, as it is now: bound at t=0.003 s, its nginx image still pulling (3.188 s) at t=2 s.
    assert [(ch.time_ms, ch.type, ch.status) for ch in history] == [(2000, "ADDED", "ContainerCreating")]
    assert history[0].object["spec"]["nodeName"] == "node-1"
    assert rec.kinds == ["pods"]


def test_changes_are_recorded_at_the_virtual_time_they_were_committed() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c, ["pods"])
    c.run(1)
    c.create(pod("a", **NO_NODE))
    c.run(1)
    c.patch("pod", "a", {"metadata": {"labels": {"x": "1"}}})
    c.run(1)
    c.delete("pod", "a")  # not bound to a node: deleted at once
    c.run(1)
    history = rec.history("pod", "a")
    # The scheduler's failed attempt (same millisecond) records PodScheduled=False in the pod's status.
    assert [(ch.time_ms, ch.type) for ch in history] == [(1000, "ADDED"), (1000, "MODIFIED"), (2000, "MODIFIED"),
                                                         (3000, "DELETED")]
    assert [(c["type"], c["status"], c["reason"]) for c in history[1].object["status"]["conditions"]] == [
        ("PodScheduled", "False", "Unschedulable")]
    assert history[2].object["metadata"]["labels"] == {"x": "1"}
    assert [int(ch.resource_version) for ch in history] == sorted(int(ch.resource_version) for ch in history)
    intervals = rec.status_intervals("pods", "default")
    assert intervals.to_dict("records") == [
        {"namespace": "default", "name": "a", "status": "Pending", "start": 1.0, "end": 3.0}]


def test_status_changes_split_intervals_and_deletion_shows_terminating() -> None:
    c = Cluster(nodes=1, seed=0)
    rec = Recorder(c, ["pods"])
    c.create(sleeper("bound", "node-1"))
    c.run(2)
    c.delete("pod", "bound")  # bound to a node: graceful deletion sets deletionTimestamp
    c.run(3)
    rows = rec.status_intervals().query("name == 'bound'")
    # The kubelet posts ContainerCreating in the millisecond the pod is created (a zero-length Pending),
    # busybox pulls in 1 s; the 30 s grace period is still running at t=5 s (the open interval ends now).
    assert rows[["status", "start", "end"]].values.tolist() == [
        ["Pending", 0.0, 0.0], ["ContainerCreating", 0.0, 1.0], ["Running", 1.0, 2.0], ["Terminating", 2.0, 5.0]]
    c.run(30)  # SIGKILL at the end of the grace period: exit 137 (Error), then the kubelet deletes the pod
    rows = rec.status_intervals().query("name == 'bound'")
    assert rows[["status", "start", "end"]].values.tolist()[3:] == [["Terminating", 2.0, 32.0], ["Error", 32.0, 32.0]]
    assert rec.history("pods", "bound")[-1].type == "DELETED"


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
    # The scheduler binds them in queue (creation) order, one 1 ms cycle apart, each Binding 2 ms after its
    # cycle started; node-1's kubelet posts ContainerCreating in the same millisecond.
    assert [(ch.name, ch.time_ms, ch.type, ch.status) for ch in rec.changes("pods", "default")] == [
        ("b", 0, "ADDED", "Pending"), ("a", 0, "ADDED", "Pending"), ("c", 0, "ADDED", "Pending"),
        ("b", 3, "MODIFIED", "Pending"), ("b", 3, "MODIFIED", "ContainerCreating"),
        ("a", 4, "MODIFIED", "Pending"), ("a", 4, "MODIFIED", "ContainerCreating"),
        ("c", 5, "MODIFIED", "Pending"), ("c", 5, "MODIFIED", "ContainerCreating")]
    # ... and 8 more: the 4 control-plane mirror pods, each ADDED and then Running.
    assert rec.count == 17
    assert [(ch.type, ch.status) for ch in rec.changes("pods", "kube-system")] == [("ADDED", "Pending")] * 4 + [
        ("MODIFIED", "Running")] * 4
