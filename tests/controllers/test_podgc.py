"""Pod garbage collector: orphaned pods (with quarantine), terminated pods over the threshold, terminating
pods on out-of-service nodes and unscheduled terminating pods. GC passes run at t = 0, 20, 40, ... s."""

from __future__ import annotations

import copy
from functools import partial
from typing import Any

import pytest

from labk8s._sim import format_rfc3339
from labk8s.controllers import podgc
from labk8s.controllers.podgc import PodGCController, by_eviction_and_creation, is_pod_terminated
from tests.controllers import NodeSim

Obj = dict[str, Any]


def test_defaults() -> None:
    assert podgc.GC_CHECK_PERIOD_MS == 20_000
    assert podgc.QUARANTINE_TIME_MS == 40_000
    assert podgc.TERMINATED_POD_GC_THRESHOLD == 12_500


@pytest.mark.parametrize("phase, terminated", [
    ("Pending", False), ("Running", False), ("Unknown", False), ("Succeeded", True), ("Failed", True),
])
def test_is_pod_terminated(phase: str, terminated: bool) -> None:
    assert is_pod_terminated({"status": {"phase": phase}}) is terminated


def test_sort_evicted_first_then_oldest_then_name() -> None:
    def pod(name: str, created: str, evicted: bool = False) -> Obj:
        status = {"phase": "Failed", "reason": "Evicted"} if evicted else {"phase": "Succeeded"}
        return {"metadata": {"name": name, "creationTimestamp": created}, "status": status}
    pods = [pod("c", "2026-01-01T00:00:05Z"), pod("b", "2026-01-01T00:00:01Z"),
            pod("a", "2026-01-01T00:00:05Z"), pod("z", "2026-01-01T00:00:09Z", evicted=True)]
    assert [p["metadata"]["name"] for p in sorted(pods, key=by_eviction_and_creation)] == ["z", "b", "a", "c"]


class Watcher:
    """Records the last state of every pod as the watch delivers it (a force-deleted pod's final state)."""

    def __init__(self, sim: NodeSim) -> None:
        self.final: dict[str, tuple[int, Obj]] = {}
        self.sim = sim
        sim.admin.watch(sim.admin.resource("", "Pod"), None, self._on)

    def _on(self, events: list[tuple[str, Obj]]) -> None:
        for kind, obj in events:
            if kind == "DELETED":
                self.final[obj["metadata"]["name"]] = (self.sim.loop.now_ms, obj)


def delete_node(sim: NodeSim, name: str) -> None:
    sim.admin.delete(sim.admin.resource("", "Node"), "", name)


def test_orphaned_pods_deleted_after_quarantine() -> None:
    sim = NodeSim()
    sim.add_node("node-1")
    sim.add_node("gone")
    sim.add_pod("orphan-a", "gone")
    sim.add_pod("orphan-b", "gone", ready=False)
    sim.add_pod("kept", "node-1")
    watcher = Watcher(sim)
    sim.start(PodGCController)
    sim.at(25, partial(delete_node, sim, "gone"))
    # The 40 s pass finds the node missing and quarantines it for 40 s; the 80 s pass GETs it: deleted.
    sim.run_to(79.999)
    assert sim.pod("orphan-a") is not None
    sim.run_to(80)
    assert sim.pod("orphan-a") is None and sim.pod("orphan-b") is None
    assert sim.pod("kept") is not None
    for name in ("orphan-a", "orphan-b"):
        at, final = watcher.final[name]
        assert at == 80_000
        assert final["status"]["phase"] == "Failed"
        assert final["status"]["observedGeneration"] == 1
        cond = next(c for c in final["status"]["conditions"] if c["type"] == "DisruptionTarget")
        assert (cond["status"], cond["reason"], cond["message"]) == \
            ("True", "DeletionByPodGC", "PodGC: node no longer exists")


def test_node_back_within_quarantine_keeps_its_pods() -> None:
    sim = NodeSim()
    sim.add_node("flaky")
    sim.add_pod("web", "flaky")
    sim.start(PodGCController)
    sim.at(25, partial(delete_node, sim, "flaky"))
    sim.at(50, lambda: sim.add_node("flaky", lease=False))
    sim.run_to(200)
    assert sim.pod("web") is not None


def test_terminated_pods_over_threshold_oldest_first() -> None:
    sim = NodeSim()
    sim.add_node("node-1")

    def finished(name: str, phase: str, reason: str = "") -> None:
        pod = copy.deepcopy(sim.add_pod(name, "node-1", ready=False))  # the created object is shared
        pod["status"] = dict(pod["status"], phase=phase, **({"reason": reason} if reason else {}))
        sim.admin.update_status(pod)
    for i, (name, phase) in enumerate([("old", "Succeeded"), ("mid", "Failed"), ("new", "Succeeded")]):
        sim.at(1 + i, partial(finished, name, phase))
    sim.at(4, partial(finished, "evicted", "Failed", "Evicted"))
    sim.at(5, lambda: sim.add_pod("running", "node-1"))
    watcher = Watcher(sim)
    # kube-controller-manager --terminated-pod-gc-threshold=2 (its GC passes run at 0, 20, 40, ... s)
    sim.start(partial(PodGCController, terminated_pod_threshold=2))
    sim.run_to(19.999)
    assert watcher.final == {}
    sim.run_to(20)
    # 4 terminated, threshold 2: the evicted one, then the oldest, both by the 20 s pass.
    assert sorted(watcher.final) == ["evicted", "old"]
    assert {at for at, _ in watcher.final.values()} == {20_000}
    assert {n for n in ("mid", "new", "running") if sim.pod(n) is not None} == {"mid", "new", "running"}


def test_terminating_pod_on_out_of_service_node() -> None:
    sim = NodeSim()
    sim.add_node("node-1")
    sim.add_node("broken")
    sim.add_pod("stuck", "broken")
    sim.add_pod("fine", "node-1")
    pods = sim.admin.resource("", "Pod")
    sim.admin.delete(pods, "default", "stuck")   # graceful: no kubelet will ever confirm it
    sim.admin.delete(pods, "default", "fine")
    watcher = Watcher(sim)
    sim.start(PodGCController)
    sim.run_to(25)
    assert sim.pod("stuck") is not None  # a Ready node without the taint: left alone

    def out_of_service() -> None:
        sim.post_status("broken", "False", "KubeletNotReady", "node is shutting down")
        sim.admin.patch(sim.admin.resource("", "Node"), "", "broken",
                        {"spec": {"taints": [{"key": "node.kubernetes.io/out-of-service", "value": "nodeshutdown",
                                              "effect": "NoExecute"}]}})
    sim.at(30, out_of_service)
    sim.run_to(40)
    assert sim.pod("stuck") is None
    at, final = watcher.final["stuck"]
    assert at == 40_000 and final["status"]["phase"] == "Failed"
    assert sim.pod("fine") is not None  # terminating, but on a healthy node


def test_unscheduled_terminating_pod() -> None:
    sim = NodeSim()
    pods = sim.admin.resource("", "Pod")
    sim.admin.create({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": "pending", "finalizers": ["example.com/hold"]},
                      "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}})
    sim.admin.delete(pods, "default", "pending")  # stays: a finalizer holds it
    sim.start(PodGCController)
    sim.run_to(0.001)
    pod = sim.pod("pending")
    assert pod is not None
    assert pod["status"]["phase"] == "Failed"
    assert pod["metadata"]["deletionGracePeriodSeconds"] == 0
    assert pod["metadata"]["deletionTimestamp"] == format_rfc3339(0)
