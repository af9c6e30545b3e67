"""Framework pieces: Status, events and their matching, extension points Reserve/Permit/PreBind."""

from __future__ import annotations

import pytest

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import (
    EVENT_ASSIGNED_POD_DELETE,
    EVENT_NODE_ADD,
    EVENT_UNSCHEDULABLE_TIMEOUT,
    ActionType,
    ClusterEvent,
    match_cluster_events,
    node_scheduling_properties_change,
    pod_scheduling_properties_change,
)
from labk8s.scheduler.framework.interface import PermitPlugin, PreBindPlugin, ReservePlugin, Retry
from labk8s.scheduler.framework.runtime import go_duration
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins import DEFAULT_PLUGINS, new_plugins

from .conftest import events_for, node_of, pod, scheduled_condition
from .helpers import make_node, make_pod


def test_status_codes_and_messages() -> None:
    assert [int(c) for c in Code] == [0, 1, 2, 3, 4, 5, 6]
    assert str(Code.UNSCHEDULABLE_AND_UNRESOLVABLE) == "UnschedulableAndUnresolvable"
    s = Status(Code.UNSCHEDULABLE, "Insufficient cpu", "Insufficient memory")
    assert s.message() == "Insufficient cpu, Insufficient memory"
    assert s.is_rejected() and not s.is_success()
    assert Status(Code.PENDING).is_rejected() and not Status(Code.ERROR).is_rejected()


def test_cycle_state_clone_copies_clonable_values() -> None:
    class Counter:
        def __init__(self, n: int) -> None:
            self.n = n

        def clone(self) -> Counter:
            return Counter(self.n)
    st = CycleState()
    st.write("k", Counter(1))
    st.skip_filter_plugins = {"A"}
    c = st.clone()
    c.read("k").n = 2
    assert st.read("k").n == 1 and c.skip_filter_plugins == {"A"}
    with pytest.raises(KeyError):
        st.read("missing")


@pytest.mark.parametrize(("registered", "incoming", "expected"), [
    (ClusterEvent("Pod", ActionType.DELETE), EVENT_ASSIGNED_POD_DELETE, True),
    (ClusterEvent("Pod", ActionType.ADD), EVENT_ASSIGNED_POD_DELETE, False),
    (ClusterEvent("Node", ActionType.ADD | ActionType.UPDATE_NODE_TAINT), EVENT_NODE_ADD, True),
    (ClusterEvent("Node", ActionType.UPDATE), ClusterEvent("Node", ActionType.UPDATE_NODE_LABEL), True),
    (ClusterEvent("Node", ActionType.UPDATE_NODE_LABEL), ClusterEvent("Node", ActionType.UPDATE), False),
    (ClusterEvent("*", ActionType.ALL), EVENT_NODE_ADD, True),
    (ClusterEvent("Node", ActionType.ALL), EVENT_UNSCHEDULABLE_TIMEOUT, False),
])
def test_match_cluster_events(registered: ClusterEvent, incoming: ClusterEvent, expected: bool) -> None:
    assert match_cluster_events(registered, incoming) is expected


def test_event_labels() -> None:
    assert EVENT_NODE_ADD.label == "NodeAdd"
    assert EVENT_ASSIGNED_POD_DELETE.label == "AssignedPodDelete"
    assert ClusterEvent("Node", ActionType.UPDATE_NODE_TAINT).label == "NodeUpdateNodeTaint"
    assert EVENT_UNSCHEDULABLE_TIMEOUT.label == "UnschedulableTimeout"


def test_node_and_pod_change_extraction() -> None:
    old = make_node("n", 1000, 1000)
    new = make_node("n", 2000, 1000, labels={"a": "b"}, taints=[{"key": "k", "effect": "NoSchedule"}])
    assert [e.label for e in node_scheduling_properties_change(new, old)] == [
        "NodeUpdateNodeAllocatable", "NodeUpdateNodeLabel", "NodeUpdateNodeTaint"]
    uncordoned = node_scheduling_properties_change(make_node("n"), make_node("n", unschedulable=True))
    assert [e.label for e in uncordoned] == ["NodeUpdateNodeTaint"]
    p = make_pod("p", {"cpu": "2"}, node="n")
    smaller = make_pod("p", {"cpu": "1"}, node="n", labels={"x": "y"})
    assert [e.label for e in pod_scheduling_properties_change(smaller, p)] == [
        "AssignedPodUpdatePodLabel", "AssignedPodUpdatePodScaleDown"]
    status_only = {**p, "status": {"phase": "Running"}}
    assert [e.label for e in pod_scheduling_properties_change(status_only, p)] == ["AssignedPodUpdatePodOther"]
    gated = make_pod("g", schedulingGates=[{"name": "a"}])
    assert [e.label for e in pod_scheduling_properties_change(make_pod("g"), gated)] == [
        "UnschedulablePodUpdatePodSchedulingGatesEliminated"]


@pytest.mark.parametrize(("ms", "text"), [(100, "100ms"), (1000, "1s"), (1500, "1.5s"), (90_000, "1m30s"),
                                         (3_600_000, "1h0m0s")])
def test_go_duration(ms: int, text: str) -> None:
    assert go_duration(ms) == text


def test_default_plugin_order_and_weights() -> None:
    assert [n for n, _ in DEFAULT_PLUGINS] == [
        "SchedulingGates", "PrioritySort", "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
        "NodePorts", "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity",
        "DefaultPreemption", "NodeResourcesBalancedAllocation", "ImageLocality", "DefaultBinder"]
    weights = {n: w for n, w in DEFAULT_PLUGINS if w}
    assert weights == {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2,
                       "InterPodAffinity": 2, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}


class Recorder(ReservePlugin, PermitPlugin, PreBindPlugin):
    """A test plugin at Reserve, Permit and PreBind: waits at Permit, polls twice in PreBind."""

    name = "Recorder"

    def __init__(self, wait_ms: int = 0) -> None:
        self.calls: list[str] = []
        self.wait_ms = wait_ms
        self.polls = 0

    def reserve(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        self.calls.append(f"reserve {node_name}")
        return None

    def unreserve(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        self.calls.append(f"unreserve {node_name}")

    def permit(self, state: CycleState, pod: PodInfo, node_name: str) -> tuple[Status | None, int]:
        self.calls.append("permit")
        return (Status(Code.WAIT), self.wait_ms) if self.wait_ms else (None, 0)

    def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | Retry | None:
        self.calls.append("prebind")
        self.polls += 1
        return Retry(1000) if self.polls < 3 else None


def with_recorder(s, rec: Recorder) -> None:  # noqa: ANN001
    fw = s.framework
    fw.set_plugins(new_plugins(fw) + [(rec, 0)])


def test_reserve_permit_and_polling_prebind_run_in_order(cluster) -> None:
    c, s = cluster(nodes=1)
    rec = Recorder()
    with_recorder(s, rec)
    start = c.loop.now_ms
    c.create(pod("p", "100m"))
    c.run_until(lambda cl: bool(node_of(cl, "p")), timeout=10)
    assert rec.calls == ["reserve node-1", "permit", "prebind", "prebind", "prebind"]
    assert c.loop.now_ms - start == 3 + 2000  # two one-second PreBind polls before the bind


def test_permit_timeout_rejects_and_unreserves(cluster) -> None:
    c, s = cluster(nodes=1)
    rec = Recorder(wait_ms=5000)
    with_recorder(s, rec)
    c.create(pod("p", "100m"))
    c.run(6)
    assert node_of(c, "p") is None
    assert rec.calls[:3] == ["reserve node-1", "permit", "unreserve node-1"]
    msg = "0/1 nodes are available: 1 rejected due to timeout after waiting 5s at plugin Recorder."
    assert scheduled_condition(c, "p")["message"] == msg
    assert events_for(c, "p", "FailedScheduling")[0]["message"] == msg
