"""Taint eviction controller: NoExecute taints, tolerations and tolerationSeconds on the virtual clock."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s.controllers.nodelifecycle import NodeLifecycleController
from labk8s.controllers.tainteviction import (
    TaintEvictionController,
    get_matching_tolerations,
    get_min_toleration_time_ms,
    tolerates,
    update_pod_condition,
)
from tests.controllers import NodeSim

Obj = dict[str, Any]
NODE_RT = ("", "Node")


def taint(key: str, value: str = "", effect: str = "NoExecute") -> Obj:
    t = {"key": key, "effect": effect}
    if value:
        t["value"] = value
    return t


# -- toleration matching (core/v1 toleration_test.go, v1helper) ----------------------------------------

@pytest.mark.parametrize("toleration, taint_, expected", [
    ({"key": "foo", "operator": "Exists", "effect": "NoExecute"}, taint("foo"), True),
    ({"key": "foo", "operator": "Exists", "effect": "NoExecute"}, taint("foo", "bar"), True),
    ({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoExecute"}, taint("foo", "bar"), True),
    ({"key": "foo", "value": "bar", "effect": "NoExecute"}, taint("foo", "bar"), True),  # "" means Equal
    ({"key": "foo", "operator": "Equal", "value": "baz", "effect": "NoExecute"}, taint("foo", "bar"), False),
    ({"key": "foo", "operator": "Exists", "effect": "NoSchedule"}, taint("foo"), False),
    ({"key": "foo", "operator": "Exists"}, taint("foo"), True),          # no effect: any effect
    ({"operator": "Exists"}, taint("anything", "v"), True),              # no key, Exists: everything
    ({"key": "other", "operator": "Exists", "effect": "NoExecute"}, taint("foo"), False),
    ({"key": "foo", "operator": "Lt", "value": "3", "effect": "NoExecute"}, taint("foo", "1"), False),
])
def test_tolerates(toleration: Obj, taint_: Obj, expected: bool) -> None:
    assert tolerates(toleration, taint_) is expected


def test_get_matching_tolerations() -> None:
    a, b = taint("a"), taint("b")
    ta = {"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 10}
    tb = {"key": "b", "operator": "Exists"}
    assert get_matching_tolerations([], []) == (True, [])
    assert get_matching_tolerations([a], []) == (False, [])
    assert get_matching_tolerations([a, b], [ta]) == (False, [])
    assert get_matching_tolerations([a, b], [tb, ta]) == (True, [ta, tb])


@pytest.mark.parametrize("seconds, expected_ms", [
    # taint_eviction_test.go TestGetMinTolerationTime, plus non-positive values
    ([], 0),
    ([None], -1),
    ([1, 2], 1_000),
    ([1, None], 1_000),
    ([None, 1], 1_000),
    ([300, 60], 60_000),
    ([0, 60], 0),
    ([-5], 0),
])
def test_get_min_toleration_time(seconds: list[int | None], expected_ms: int) -> None:
    tolerations = [{"operator": "Exists"} if s is None else {"operator": "Exists", "tolerationSeconds": s}
                   for s in seconds]
    assert get_min_toleration_time_ms(tolerations) == expected_ms


def test_update_pod_condition() -> None:
    status: Obj = {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
    assert not update_pod_condition(status, {"type": "Ready", "status": "True"}, 5_000)
    assert update_pod_condition(status, {"type": "Ready", "status": "False"}, 5_000)
    assert status["conditions"][0]["lastTransitionTime"] == "2026-01-01T00:00:05Z"
    assert update_pod_condition(status, {"type": "Ready", "status": "False", "reason": "X"}, 9_000)
    assert status["conditions"][0]["lastTransitionTime"] == "2026-01-01T00:00:05Z"  # status unchanged
    assert update_pod_condition(status, {"type": "DisruptionTarget", "status": "True"}, 9_000)
    assert [c["type"] for c in status["conditions"]] == ["Ready", "DisruptionTarget"]


# -- the controller on the virtual clock ----------------------------------------------------------------

def tolerate(key: str, seconds: int | None = None) -> Obj:
    t: Obj = {"key": key, "operator": "Exists", "effect": "NoExecute"}
    if seconds is not None:
        t["tolerationSeconds"] = seconds
    return t


def set_taints(sim: NodeSim, node: str, taints: list[Obj]) -> None:
    sim.admin.patch(sim.admin.resource(*NODE_RT), "", node, {"spec": {"taints": taints or None}})


def deleted_at(sim: NodeSim, name: str) -> str | None:
    pod = sim.pod(name)
    assert pod is not None
    return pod["metadata"].get("deletionTimestamp")


def eviction_events(sim: NodeSim) -> list[tuple[str, str, str]]:
    return [(e["lastTimestamp"], e["involvedObject"]["name"], e["message"]) for e in sim.events("TaintManagerEviction")]


def taint_sim() -> NodeSim:
    sim = NodeSim()
    sim.add_node("node-1")
    sim.add_pod("plain", "node-1")                                     # only the default tolerations
    sim.add_pod("tol60", "node-1", tolerations=[tolerate("dedicated", 60)])
    sim.add_pod("forever", "node-1", tolerations=[tolerate("dedicated")])
    sim.start(TaintEvictionController)
    return sim


def test_untolerated_pod_deleted_at_once_tolerated_after_its_seconds() -> None:
    sim = taint_sim()
    sim.at(10.5, lambda: set_taints(sim, "node-1", [taint("dedicated", "db")]))
    sim.run_to(10.5)
    # Deleted with the pod's own grace period (30 s): deletionTimestamp = now + 30 s.
    assert deleted_at(sim, "plain") == "2026-01-01T00:00:40Z"
    plain = sim.pod("plain")
    assert plain is not None
    cond = next(c for c in plain["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (cond["status"], cond["reason"], cond["message"], cond["lastTransitionTime"]) == \
        ("True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint", "2026-01-01T00:00:10Z")
    assert cond["observedGeneration"] == 1  # the generation before the deletion bumped it
    assert deleted_at(sim, "tol60") is None
    sim.run_to(70.499)
    assert deleted_at(sim, "tol60") is None
    sim.run_to(70.5)
    assert deleted_at(sim, "tol60") == "2026-01-01T00:01:40Z"
    sim.run_to(1000)
    assert deleted_at(sim, "forever") is None
    assert eviction_events(sim) == [
        ("2026-01-01T00:00:10Z", "plain", "Marking for deletion Pod default/plain"),
        ("2026-01-01T00:01:10Z", "tol60", "Marking for deletion Pod default/tol60"),
    ]
    ev = sim.events("TaintManagerEviction")[0]
    assert (ev["type"], ev["source"]["component"], ev["involvedObject"]["kind"]) == \
        ("Normal", "taint-eviction-controller", "Pod")


def test_taint_removed_cancels_pending_eviction() -> None:
    sim = taint_sim()
    sim.at(10.5, lambda: set_taints(sim, "node-1", [taint("dedicated", "db")]))
    sim.at(40.2, lambda: set_taints(sim, "node-1", []))
    sim.run_to(300)
    assert deleted_at(sim, "tol60") is None
    assert eviction_events(sim)[1:] == [("2026-01-01T00:00:40Z", "tol60", "Cancelling deletion of Pod default/tol60")]


def test_pod_bound_to_tainted_node_counts_from_when_it_is_seen() -> None:
    sim = taint_sim()
    sim.at(10.5, lambda: set_taints(sim, "node-1", [taint("dedicated", "db")]))
    sim.at(30.25, lambda: sim.add_pod("late", "node-1", tolerations=[tolerate("dedicated", 60)]))
    t = sim.when(lambda: (sim.pod("late") or {}).get("metadata", {}).get("deletionTimestamp") is not None)
    assert t == 90.25


def test_shortest_toleration_of_all_taints_wins() -> None:
    sim = NodeSim()
    sim.add_node("node-1")
    sim.add_pod("two", "node-1", tolerations=[tolerate("a", 100), tolerate("b", 50)])
    sim.start(TaintEvictionController)
    sim.at(5, lambda: set_taints(sim, "node-1", [taint("a"), taint("b")]))
    assert sim.when(lambda: deleted_at(sim, "two") is not None) == 55.0


def test_pod_deleted_while_waiting_cancels_with_event() -> None:
    sim = taint_sim()
    sim.at(10.5, lambda: set_taints(sim, "node-1", [taint("dedicated", "db")]))
    pods = sim.admin.resource("", "Pod")
    sim.at(20, lambda: sim.admin.delete(pods, "default", "tol60", grace_period_seconds=0))
    sim.run_to(200)
    assert sim.pod("tol60") is None
    assert eviction_events(sim)[1:] == [("2026-01-01T00:00:20Z", "tol60", "Cancelling deletion of Pod default/tol60")]


def test_no_schedule_taints_are_ignored() -> None:
    sim = taint_sim()
    sim.at(10.5, lambda: set_taints(sim, "node-1", [taint("dedicated", "db", "NoSchedule")]))
    sim.run_to(200)
    assert [deleted_at(sim, n) for n in ("plain", "tol60", "forever")] == [None, None, None]


# -- with the node lifecycle controller: a dead kubelet -------------------------------------------------

def dead_kubelet_sim() -> NodeSim:
    sim = NodeSim()
    for name in ("node-1", "node-2", "node-3"):
        sim.add_node(name)
    sim.add_pod("web", "node-3")                                                   # admission: 300 s
    sim.add_pod("fast", "node-3", tolerations=[tolerate("node.kubernetes.io/unreachable", 60)])
    sim.add_pod("daemon", "node-3", tolerations=[tolerate("node.kubernetes.io/unreachable"),
                                                  tolerate("node.kubernetes.io/not-ready")])
    sim.add_pod("elsewhere", "node-1")
    sim.start(NodeLifecycleController, TaintEvictionController)
    sim.at(22.1, lambda: sim.kill("node-3"))
    return sim


def test_dead_kubelet_pods_evicted_after_default_toleration() -> None:
    sim = dead_kubelet_sim()
    web = sim.pod("web")
    assert web is not None
    assert {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
            "tolerationSeconds": 300} in web["spec"]["tolerations"]
    # Unknown at 75 s, unreachable:NoExecute at 80 s, so: fast at 80 + 60, web at 80 + 300.
    assert sim.when(lambda: deleted_at(sim, "fast") is not None) == 140.0
    assert sim.when(lambda: deleted_at(sim, "web") is not None) == 380.0
    assert deleted_at(sim, "web") == "2026-01-01T00:06:50Z"
    sim.run_to(1000)
    # No kubelet confirms the deletion: the pods stay Terminating; the daemon-like pod stays.
    assert deleted_at(sim, "web") == "2026-01-01T00:06:50Z"
    assert deleted_at(sim, "daemon") is None
    assert deleted_at(sim, "elsewhere") is None


def test_recovery_before_toleration_runs_out_cancels_eviction() -> None:
    sim = dead_kubelet_sim()
    sim.at(200.5, lambda: sim.revive("node-3"))
    sim.run_to(1000)
    assert deleted_at(sim, "fast") == "2026-01-01T00:02:50Z"
    assert deleted_at(sim, "web") is None
    assert ("2026-01-01T00:03:25Z", "web", "Cancelling deletion of Pod default/web") in eviction_events(sim)
