"""Node lifecycle controller: health monitoring, NoSchedule/NoExecute taints, zones and eviction rates.

Reference: shared/reference/kubernetes/kubelet-and-nodes.md section 3 and the test table of section 5.
Monitor ticks run at t = 0, 5, 10, ... s; leases are renewed at t = 2, 12, 22, ... s (NodeSim).
"""

from __future__ import annotations

import pytest

from labk8s.controllers import nodelifecycle as nl
from labk8s.controllers import nodelifecycle_zones as zones
from labk8s.controllers.nodelifecycle import NodeLifecycleController
from labk8s.controllers.nodelifecycle_zones import (
    RateLimitedTimedQueue,
    TimedValue,
    TokenBucket,
    compute_zone_state,
    get_zone_key,
)
from tests.controllers import NodeSim

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"


def ready(n: int) -> list[dict[str, str]]:
    return [{"type": "Ready", "status": "True"}] * n


def not_ready(n: int, status: str = "Unknown") -> list[dict[str, str]]:
    return [{"type": "Ready", "status": status}] * n


# -- reference rules and tables -------------------------------------------------------------------------

def test_defaults() -> None:
    assert nl.NODE_MONITOR_PERIOD_MS == 5_000
    assert nl.NODE_MONITOR_GRACE_PERIOD_MS == 50_000  # v1.32+; 40 s before
    assert nl.NODE_STARTUP_GRACE_PERIOD_MS == 60_000
    assert (zones.NODE_EVICTION_RATE, zones.SECONDARY_NODE_EVICTION_RATE) == (0.1, 0.01)
    assert (zones.LARGE_CLUSTER_SIZE_THRESHOLD, zones.UNHEALTHY_ZONE_THRESHOLD) == (50, 0.55)
    assert zones.EVICTION_RATE_LIMITER_BURST == 1


@pytest.mark.parametrize("conditions, expected", [
    # kubelet-and-nodes.md section 5 (zone state table)
    (ready(4) + not_ready(6), (6, "PartialDisruption")),   # 10 nodes, 6 NotReady: 0.6 >= 0.55 and 6 > 2
    (not_ready(3), (3, "FullDisruption")),                  # 3 nodes, 3 NotReady
    (ready(2) + not_ready(2), (2, "Normal")),               # 4 nodes, 2 NotReady: notReady must be > 2
    # the rule's edges
    (ready(1) + not_ready(2), (2, "Normal")),               # 0.67 but only 2 not ready
    (ready(3) + not_ready(3), (3, "Normal")),               # 0.5 < 0.55
    (ready(9) + not_ready(11), (11, "PartialDisruption")),  # exactly 0.55
    (ready(1) + not_ready(3, "False"), (3, "PartialDisruption")),
    (not_ready(1, "False"), (1, "FullDisruption")),
    ([None, None, {"type": "Ready", "status": "True"}], (2, "Normal")),  # no condition counts as not ready
    ([], (0, "Normal")),
])
def test_compute_zone_state(conditions: list, expected: tuple[int, str]) -> None:
    assert compute_zone_state(conditions) == expected


@pytest.mark.parametrize("zone_size, reduced", [(10, 0.0), (50, 0.0), (51, 0.01), (1000, 0.01)])
def test_eviction_rate_functions(zone_size: int, reduced: float) -> None:
    z = zones.Zones()
    assert z.healthy_qps(zone_size) == 0.1
    assert z.reduced_qps(zone_size) == reduced


@pytest.mark.parametrize("labels, key", [
    ({}, ""),
    ({"topology.kubernetes.io/zone": "zone-a"}, ":\x00:zone-a"),
    ({"topology.kubernetes.io/region": "r1", "topology.kubernetes.io/zone": "zone-a"}, "r1:\x00:zone-a"),
    ({"failure-domain.beta.kubernetes.io/zone": "old"}, ":\x00:old"),
    ({"failure-domain.beta.kubernetes.io/zone": "old", "topology.kubernetes.io/zone": "new"}, ":\x00:new"),
])
def test_zone_key(labels: dict[str, str], key: str) -> None:
    assert get_zone_key({"metadata": {"labels": labels}}) == key


@pytest.mark.parametrize("qps, accepted_at", [
    (0.1, [0, 10_000, 20_000]),
    # float32(0.01) is a hair below 0.01: each token is one millisecond late (the bucket caps at burst)
    (0.01, [0, 100_001, 200_002]),
])
def test_token_bucket(qps: float, accepted_at: list[int]) -> None:
    bucket = TokenBucket(qps, 1, 0)
    assert bucket.try_accept(0)  # starts full
    for t in accepted_at[1:]:
        assert not bucket.try_accept(t - 1)  # a refused try changes nothing
        assert bucket.try_accept(t)


def test_never_limiter_and_swap_drain() -> None:
    assert not TokenBucket(0, 1, 0).try_accept(10**9)
    q = RateLimitedTimedQueue(0.1, 0)
    assert q.limiter.try_accept(0)           # the bucket is now empty...
    q.swap_limiter(0.01, 1_000)
    assert not q.limiter.try_accept(1_000)   # ...so the new one starts drained
    q.swap_limiter(0.01, 2_000)              # same rate: kept
    assert q.limiter.qps == 0.01


def test_rate_limited_timed_queue_processes_once_until_removed() -> None:
    q = RateLimitedTimedQueue(0.1, 0)
    assert q.add("a", "u1", 0) and q.add("b", "u2", 0) and not q.add("a", "u1", 0)
    seen: list[str] = []

    def taint(v: TimedValue) -> tuple[bool, int]:
        seen.append(v.value)
        return True, 0
    q.try_process(0, taint)
    assert seen == ["a"] and len(q) == 1     # one token
    q.try_process(10_000, taint)
    assert seen == ["a", "b"] and len(q) == 0
    assert not q.add("a", "u1", 10_000)      # still in the set: tainted once per outage
    assert q.remove("a") and q.add("a", "u1", 10_000)


# -- health monitoring on the virtual clock -------------------------------------------------------------

def three_nodes() -> tuple[NodeSim, NodeLifecycleController]:
    sim = NodeSim()
    for name in ("node-1", "node-2", "node-3"):
        sim.add_node(name)
    (ctrl,) = sim.start(NodeLifecycleController)
    return sim, ctrl


@pytest.mark.parametrize("phase_ms, last_renewal, unknown_at", [
    (2_000, 22.0, 75.0),    # seen at the 25 s tick: t + 53
    (4_500, 24.5, 75.0),    # t + 50.5
    (500, 20.5, 75.0),      # seen at 25 s: t + 54.5
    (2_000, 2.0, 55.0),
])
def test_node_goes_unknown_after_grace_period(phase_ms: int, last_renewal: float, unknown_at: float) -> None:
    sim = NodeSim(renew_phase_ms=phase_ms)
    for name in ("node-1", "node-2", "node-3"):
        sim.add_node(name)
    sim.start(NodeLifecycleController)
    sim.at(last_renewal + 0.1, lambda: sim.kill("node-3"))
    t = sim.when(lambda: sim.ready("node-3")["status"] != "True")
    assert t == unknown_at
    assert last_renewal + 50 <= t <= last_renewal + 55
    stamp = f"2026-01-01T00:{int(t) // 60:02d}:{int(t) % 60:02d}Z"
    conds = {c["type"]: c for c in sim.node("node-3")["status"]["conditions"]}
    for type_ in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
        assert conds[type_]["status"] == "Unknown"
        assert conds[type_]["reason"] == "NodeStatusUnknown"
        assert conds[type_]["message"] == "Kubelet stopped posting node status."
        assert conds[type_]["lastTransitionTime"] == stamp
    assert conds["Ready"]["lastHeartbeatTime"] == "2026-01-01T00:00:00Z"  # the kubelet's, untouched
    assert [e["message"] for e in sim.events("NodeNotReady", "node-3")] == ["Node node-3 status is now: NodeNotReady"]
    assert sim.ready("node-1")["status"] == "True"


def test_unreachable_taints_then_recovery() -> None:
    sim, _ = three_nodes()
    sim.at(22.1, lambda: sim.kill("node-3"))
    sim.run_to(74.999)
    assert sim.taints("node-3") == []
    sim.run_to(75)
    # NoSchedule from the node's new condition at once, NoExecute from the rate-limited tainter once the
    # next monitor pass sees Ready=Unknown.
    assert sim.taints("node-3") == [(UNREACHABLE, "NoSchedule", "2026-01-01T00:01:15Z")]
    sim.run_to(80)
    assert sim.taints("node-3") == [(UNREACHABLE, "NoSchedule", "2026-01-01T00:01:15Z"),
                                    (UNREACHABLE, "NoExecute", "2026-01-01T00:01:20Z")]
    sim.at(200.5, lambda: sim.revive("node-3"))
    sim.run_to(200.5)
    assert sim.taints("node-3") == [(UNREACHABLE, "NoExecute", "2026-01-01T00:01:20Z")]  # NoSchedule gone at once
    sim.run_to(204.999)
    assert sim.taints("node-3") == [(UNREACHABLE, "NoExecute", "2026-01-01T00:01:20Z")]
    sim.run_to(205)  # the next monitor pass sees Ready=True
    assert sim.taints("node-3") == []
    assert sim.ready("node-3")["status"] == "True"


def test_pods_marked_not_ready() -> None:
    sim, _ = three_nodes()
    sim.add_pod("web", "node-3")
    sim.add_pod("other", "node-1")
    sim.at(22.1, lambda: sim.kill("node-3"))
    sim.run_to(75)
    web = sim.pod("web")
    assert web is not None
    cond = next(c for c in web["status"]["conditions"] if c["type"] == "Ready")
    assert (cond["status"], cond["lastTransitionTime"]) == ("False", "2026-01-01T00:01:15Z")
    assert next(c for c in web["status"]["conditions"] if c["type"] == "ContainersReady")["status"] == "True"
    events = sim.events("NodeNotReady", "web")
    assert [(e["type"], e["message"], e["source"]["component"]) for e in events] == \
        [("Warning", "Node is not ready", "node-controller")]
    other = sim.pod("other")
    assert other is not None
    assert next(c for c in other["status"]["conditions"] if c["type"] == "Ready")["status"] == "True"
    # A pod bound to the node afterwards is marked not ready as soon as it is seen (processPod).
    sim.at(100, lambda: sim.add_pod("late", "node-3"))
    sim.run_to(100)
    late = sim.pod("late")
    assert late is not None
    assert next(c for c in late["status"]["conditions"] if c["type"] == "Ready")["status"] == "False"


def test_kubelet_reports_not_ready() -> None:
    """Ready=False with a live lease: not-ready taints; then the lease stops: swapped to unreachable."""
    sim, _ = three_nodes()
    sim.at(30.5, lambda: sim.post_status("node-2", "False", "KubeletNotReady", "container runtime is down"))
    sim.run_to(30.5)
    assert sim.taints("node-2") == [(NOT_READY, "NoSchedule", "2026-01-01T00:00:30Z")]
    sim.run_to(35)  # the monitor pass at 35 s queues it; the tainter adds NoExecute in the same instant
    assert sim.taints("node-2") == [(NOT_READY, "NoSchedule", "2026-01-01T00:00:30Z"),
                                    (NOT_READY, "NoExecute", "2026-01-01T00:00:35Z")]
    # The controller reports NodeNotReady only for a transition it makes itself (to Unknown); for Ready=False
    # the kubelet records its own event.
    assert sim.events("NodeNotReady", "node-2") == []
    sim.at(42.1, lambda: sim.kill("node-2"))
    t = sim.when(lambda: sim.ready("node-2")["status"] == "Unknown")
    assert t == 95.0
    sim.run_to(100)  # the pass that observes Unknown swaps the NoExecute taint at once
    assert sim.taints("node-2") == [(UNREACHABLE, "NoSchedule", "2026-01-01T00:01:35Z"),
                                    (UNREACHABLE, "NoExecute", "2026-01-01T00:01:40Z")]


def test_node_that_never_posted_status_uses_startup_grace() -> None:
    sim = NodeSim()
    sim.add_node("node-1")
    sim.add_node("node-2")
    sim.add_node("fresh", conditions=False, lease=False)
    sim.start(NodeLifecycleController)
    t = sim.when(lambda: bool(sim.node("fresh").get("status", {}).get("conditions")))
    assert t == 60.0
    conds = {c["type"]: c for c in sim.node("fresh")["status"]["conditions"]}
    assert sorted(conds) == ["DiskPressure", "MemoryPressure", "PIDPressure", "Ready"]
    for c in conds.values():
        assert (c["status"], c["reason"], c["message"]) == \
            ("Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.")
        assert c["lastHeartbeatTime"] == "2026-01-01T00:00:00Z"  # the node's creation
        assert c["lastTransitionTime"] == "2026-01-01T00:01:00Z"


def test_registered_and_removing_node_events() -> None:
    sim, _ = three_nodes()
    sim.run_to(1)
    assert [e["message"] for e in sim.events("RegisteredNode")] == [
        f"Node {n} event: Registered Node {n} in Controller" for n in ("control-plane", "node-1", "node-2", "node-3")]
    sim.at(12.5, lambda: sim.admin.delete(sim.admin.resource("", "Node"), "", "node-2"))
    sim.run_to(15)
    assert [(e["message"], e["lastTimestamp"]) for e in sim.events("RemovingNode")] == \
        [("Node node-2 event: Removing Node node-2 from Controller", "2026-01-01T00:00:15Z")]


def test_beta_labels_reconciled() -> None:
    sim = NodeSim()
    sim.add_node("node-1", labels={"kubernetes.io/arch": "arm64", "beta.kubernetes.io/os": "windows"})
    sim.start(NodeLifecycleController)
    sim.run_to(1)
    labels = sim.node("node-1")["metadata"]["labels"]
    assert labels["beta.kubernetes.io/arch"] == "arm64"
    assert labels["beta.kubernetes.io/os"] == "linux"  # the stable label wins


# -- zones and eviction rates ---------------------------------------------------------------------------

def no_execute_times(sim: NodeSim, names: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        found = [t for k, e, t in sim.taints(name) if e == "NoExecute"]
        out[name] = found[0] if found else None
    return out


def test_normal_zone_taints_at_node_eviction_rate() -> None:
    sim = NodeSim()
    names = [f"node-{i}" for i in range(1, 10)]  # with the control plane: 10 nodes in zone ""
    for name in names:
        sim.add_node(name)
    (ctrl,) = sim.start(NodeLifecycleController)
    sim.at(22.1, lambda: sim.kill("node-1", "node-2", "node-3"))
    sim.run_to(120)
    assert ctrl.zones.states == {"": "Normal"}  # 3 of 10: 0.3 < 0.55
    # 0.1 per second: one node every 10 s, in name order.
    assert no_execute_times(sim, ["node-1", "node-2", "node-3"]) == {
        "node-1": "2026-01-01T00:01:20Z", "node-2": "2026-01-01T00:01:30Z", "node-3": "2026-01-01T00:01:40Z"}


def test_partial_disruption_small_cluster_stops_tainting() -> None:
    sim = NodeSim()
    names = [f"node-{i}" for i in range(1, 10)]
    for name in names:
        sim.add_node(name)
    (ctrl,) = sim.start(NodeLifecycleController)
    dead = names[:6]
    sim.at(22.1, lambda: sim.kill(*dead))
    sim.run_to(400)
    assert ctrl.zones.states == {"": "PartialDisruption"}  # 6 of 10, and only 10 <= 50 nodes: rate 0
    assert ctrl.zones.tainters[""].limiter.qps == 0
    assert set(no_execute_times(sim, dead).values()) == {None}
    assert all((UNREACHABLE, "NoSchedule", "2026-01-01T00:01:15Z") in sim.taints(n) for n in dead)
    # Two nodes recover: the zone is Normal again at the 405 s pass and tainting resumes at 0.1/s. The new
    # bucket starts drained because the old (never) limiter had no token: the first taint is at 415 s.
    sim.at(400.5, lambda: sim.revive("node-1", "node-2"))
    sim.run_to(460)
    assert ctrl.zones.states == {"": "Normal"}
    assert no_execute_times(sim, dead) == {
        "node-1": None, "node-2": None, "node-3": "2026-01-01T00:06:55Z", "node-4": "2026-01-01T00:07:05Z",
        "node-5": "2026-01-01T00:07:15Z", "node-6": "2026-01-01T00:07:25Z"}


def test_partial_disruption_large_cluster_secondary_rate() -> None:
    sim = NodeSim()
    names = [f"node-{i:02d}" for i in range(1, 60)]  # 60 nodes with the control plane
    for name in names:
        sim.add_node(name)
    (ctrl,) = sim.start(NodeLifecycleController)
    dead = names[:40]
    sim.at(22.1, lambda: sim.kill(*dead))
    sim.run_to(290)
    assert ctrl.zones.states == {"": "PartialDisruption"}
    assert ctrl.zones.tainters[""].limiter.qps == 0.01
    times = [t for t in no_execute_times(sim, dead[:4]).values()]
    # 0.01/s as float32: 100 s and a hair between tokens, so every later taint waits for the next 100 ms tick.
    assert times == ["2026-01-01T00:01:20Z", "2026-01-01T00:03:00Z", "2026-01-01T00:04:40Z", None]
    assert len(ctrl.zones.tainters[""]) == 37  # still waiting for tokens


def test_full_disruption_everywhere_stops_tainting() -> None:
    sim, ctrl = three_nodes()
    sim.at(22.1, lambda: sim.kill("control-plane", "node-1", "node-2", "node-3"))
    sim.run_to(200)
    assert ctrl.zones.states == {"": "FullDisruption"}
    for name in ("control-plane", "node-1", "node-2", "node-3"):
        assert sim.ready(name)["status"] == "Unknown"
        assert [e for k, e, _ in sim.taints(name) if e == "NoExecute"] == []


def test_fully_disrupted_zone_with_healthy_zones_is_tainted_at_normal_rate() -> None:
    sim = NodeSim()
    for zone in ("zone-a", "zone-b"):
        for i in range(1, 4):
            sim.add_node(f"{zone}-{i}", zone=zone)
    (ctrl,) = sim.start(NodeLifecycleController)
    dead = ["zone-a-1", "zone-a-2", "zone-a-3"]
    sim.at(22.1, lambda: sim.kill(*dead))
    sim.run_to(120)
    assert ctrl.zones.states == {"": "Normal", ":\x00:zone-a": "FullDisruption", ":\x00:zone-b": "Normal"}
    assert no_execute_times(sim, dead) == {"zone-a-1": "2026-01-01T00:01:20Z", "zone-a-2": "2026-01-01T00:01:30Z",
                                           "zone-a-3": "2026-01-01T00:01:40Z"}


def test_excluded_node_does_not_count_for_the_zone() -> None:
    sim = NodeSim()
    sim.add_node("node-1")
    sim.add_node("node-2")
    sim.admin.patch(sim.admin.resource("", "Node"), "", "control-plane",
                    {"metadata": {"labels": {"node.kubernetes.io/exclude-disruption": ""}}})
    (ctrl,) = sim.start(NodeLifecycleController)
    sim.at(22.1, lambda: sim.kill("node-1", "node-2"))
    sim.run_to(150)
    # Without the healthy (excluded) control plane the zone is fully disrupted: nothing is tainted.
    assert ctrl.zones.states == {"": "FullDisruption"}
    assert no_execute_times(sim, ["node-1", "node-2"]) == {"node-1": None, "node-2": None}


def test_deterministic() -> None:
    def run() -> list[tuple[str, str, str]]:
        sim, _ = three_nodes()
        sim.add_pod("web", "node-2")
        sim.at(22.1, lambda: sim.kill("node-2"))
        sim.run_to(120)
        return [(e["lastTimestamp"], e["reason"], e["metadata"]["name"]) for e in sim.events()]
    assert run() == run()
