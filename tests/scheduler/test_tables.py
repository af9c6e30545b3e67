"""The reference tables of scheduler.md section 7, ported from the upstream tests."""

from __future__ import annotations

import numpy as np
import pytest

from labk8s.scheduler.config import num_feasible_nodes_to_find
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.interface import NodeList
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import Diagnosis, FitError, PodInfo
from labk8s.scheduler.plugins.helpers import default_normalize_score
from labk8s.scheduler.plugins.resource_allocation import PluginConfigError

from .helpers import build, make_node, make_pod, scores

# -- numFeasibleNodesToFind (schedule_one_test.go TestNumFeasibleNodesToFind) ---------------------------


@pytest.mark.parametrize(("nodes", "percentage", "expected"), [
    (10, 0, 10),
    (10, 40, 10),
    (1000, 0, 420),
    (1000, 40, 400),
    (6000, 0, 300),
    (6000, 40, 2400),
    (100, 0, 100),
    (5000, 0, 500),
])
def test_num_feasible_nodes_to_find(nodes: int, percentage: int, expected: int) -> None:
    assert num_feasible_nodes_to_find(nodes, None, percentage) == expected
    assert num_feasible_nodes_to_find(nodes, percentage) == expected  # the profile's value wins


# -- LeastAllocated (least_allocated_test.go) -----------------------------------------------------------
CPU_MEM = ({"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"})
EXT = "intel.com/foo"
DEFAULT = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
EXTENDED_SET = DEFAULT + [{"name": EXT, "weight": 1}]


def cores(n: int) -> int:
    """Upstream writes node cpu as whole cores ("4000"), i.e. 4000 * 1000 milli-CPU."""
    return n * 1000


LEAST_ALLOCATED = [
    ("nothing scheduled, nothing requested", make_pod("p"),
     [make_node("node1", cores(4000), 10000), make_node("node2", cores(4000), 10000)], [], DEFAULT, [100, 100]),
    ("nothing scheduled, resources requested, differently sized nodes", make_pod("p", *CPU_MEM),
     [make_node("node1", cores(4000), 10000), make_node("node2", cores(6000), 10000)], [], DEFAULT, [37, 50]),
    ("no resources requested, pods scheduled", make_pod("p"),
     [make_node("node1", cores(4000), 10000), make_node("node2", cores(4000), 10000)],
     [make_pod("e1", node="node1"), make_pod("e2", node="node1"), make_pod("e3", node="node2"),
      make_pod("e4", node="node2")], DEFAULT, [100, 100]),
    ("no resources requested, pods scheduled with resources", make_pod("p"),
     [make_node("node1", cores(10000), 20000), make_node("node2", cores(10000), 20000)],
     [make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
      make_pod("e2", {"cpu": "3000", "memory": "0"}, node="node1"),
      make_pod("e3", {"cpu": "3000", "memory": "0"}, node="node2"),
      make_pod("e4", {"cpu": "3000", "memory": "5000"}, node="node2")], DEFAULT, [70, 57]),
    ("resources requested, pods scheduled with resources", make_pod("p", *CPU_MEM),
     [make_node("node1", cores(10000), 20000), make_node("node2", cores(10000), 20000)],
     [make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
      make_pod("e2", {"cpu": "3000", "memory": "5000"}, node="node2")], DEFAULT, [57, 45]),
    ("resources requested, pods scheduled with resources, differently sized nodes", make_pod("p", *CPU_MEM),
     [make_node("node1", cores(10000), 20000), make_node("node2", cores(10000), 50000)],
     [make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
      make_pod("e2", {"cpu": "3000", "memory": "5000"}, node="node2")], DEFAULT, [57, 60]),
    ("requested resources exceed node capacity", make_pod("p", {"cpu": "3000", "memory": "0"}),
     [make_node("node1", cores(4000), 10000), make_node("node2", cores(4000), 10000)],
     [make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
      make_pod("e2", {"cpu": "3000", "memory": "5000"}, node="node2")], DEFAULT, [50, 25]),
    ("zero node resources, pods scheduled with resources", make_pod("p"),
     [make_node("node1"), make_node("node2")],
     [make_pod("e1", {"cpu": "3000", "memory": "0"}, node="node1"),
      make_pod("e2", {"cpu": "3000", "memory": "5000"}, node="node2")], DEFAULT, [0, 0]),
    ("different weight on CPU and memory", make_pod("p", *CPU_MEM),
     [make_node("node1", cores(4000), 10000), make_node("node2", cores(6000), 10000)], [],
     [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}], [41, 50]),
    ("bypass extended resource if the pod does not request", make_pod("p", *CPU_MEM),
     [make_node("node1", cores(6000), 10000), make_node("node2", cores(6000), 10000, {EXT: 4})], [],
     EXTENDED_SET, [50, 50]),
    ("honor extended resource if the pod requests", make_pod("p", {"cpu": "3000", "memory": "5000", EXT: "2"}),
     [make_node("node1", cores(6000), 10000, {EXT: 4}), make_node("node2", cores(6000), 10000, {EXT: 10})], [],
     EXTENDED_SET, [50, 60]),
    ("if the node doesn't have a resource", make_pod("p", {"cpu": "3000", "memory": "4000"}),
     [make_node("node1", cores(6000), 10000), make_node("node2", cores(6000), 10000, {EXT: 4})], [],
     [{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}], [55, 55]),
]


@pytest.mark.parametrize(("name", "pod", "nodes", "pods", "resources", "expected"), LEAST_ALLOCATED,
                         ids=[c[0] for c in LEAST_ALLOCATED])
def test_least_allocated(name: str, pod: dict, nodes: list, pods: list, resources: list,
                         expected: list[int]) -> None:
    fw, _ = build(nodes, pods, {"NodeResourcesFit": {"scoringStrategy": {"type": "LeastAllocated",
                                                                          "resources": resources}}})
    per_node, batch = scores(fw, "NodeResourcesFit", pod)
    assert per_node == batch == expected


@pytest.mark.parametrize(("resources", "field"), [
    ([{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}], "scoringStrategy.resources[0].weight"),
    ([{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 0}], "scoringStrategy.resources[1].weight"),
    ([{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 101}], "scoringStrategy.resources[1].weight"),
])
def test_least_allocated_weight_validation(resources: list, field: str) -> None:
    with pytest.raises(PluginConfigError) as err:
        build([make_node("node1", cores(4000), 10000)], [],
              {"NodeResourcesFit": {"scoringStrategy": {"resources": resources}}})
    assert str(err.value).startswith(f"{field}: Invalid value: ")
    assert "not in valid range (0, 100]" in str(err.value)


# -- BalancedAllocation, current formula (balanced_allocation_test.go) ----------------------------------
CPU_ONLY = ({"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"})
CPU_AND_MEMORY = ({"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"})
CPU_MEMORY_GPU = ({"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000", "nvidia.com/gpu": "3"})
GPU_SET = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 1}]
SCHEDULED = [make_pod("cpu-only", *CPU_ONLY, node="node1"), make_pod("cpu-and-memory", *CPU_AND_MEMORY, node="node2")]

BALANCED = [
    ("nothing scheduled, resources requested, differently sized nodes", make_pod("p", *CPU_AND_MEMORY),
     [make_node("node1", 4000, 10000), make_node("node2", 6000, 10000)], [], None, [87, 100]),
    ("resources requested, pods scheduled with resources", make_pod("p", *CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 20000)], SCHEDULED, None, [82, 95]),
    ("resources requested, pods scheduled with resources, differently sized nodes", make_pod("p", *CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 50000)], SCHEDULED, None, [82, 80]),
    ("requested resources at node capacity", make_pod("p", *CPU_ONLY),
     [make_node("node1", 6000, 10000), make_node("node2", 6000, 10000)], SCHEDULED, None, [50, 75]),
    ("include scalar resource on a node", make_pod("p", {"memory": "0", "nvidia.com/gpu": "1"}),
     [make_node("node1", 3500, 40000, {"nvidia.com/gpu": 8}), make_node("node2", 3500, 40000, {"nvidia.com/gpu": 8})],
     [make_pod("gpu", *CPU_MEMORY_GPU, node="node1"), make_pod("cpu-and-memory", *CPU_AND_MEMORY, node="node2")],
     GPU_SET, [70, 65]),
    ("node without the scalar resource should skip the scalar resource", make_pod("p", *CPU_AND_MEMORY),
     [make_node("node1", 3500, 40000, {"nvidia.com/gpu": 8}), make_node("node2", 3500, 40000)], [], GPU_SET, [63, 63]),
]


@pytest.mark.parametrize(("name", "pod", "nodes", "pods", "resources", "expected"), BALANCED,
                         ids=[c[0] for c in BALANCED])
def test_balanced_allocation(name: str, pod: dict, nodes: list, pods: list, resources: list | None,
                             expected: list[int]) -> None:
    args = {"NodeResourcesBalancedAllocation": {"resources": resources}} if resources else None
    fw, _ = build(nodes, pods, args)
    per_node, batch = scores(fw, "NodeResourcesBalancedAllocation", pod)
    assert per_node == batch == expected
    # "if PreScore not called": Score computes the requests itself.
    no_pre, _ = scores(fw, "NodeResourcesBalancedAllocation", pod, pre_score=False)
    assert no_pre == expected


def test_balanced_allocation_skips_best_effort_pods() -> None:
    fw, _ = build([make_node("node1", 4000, 10000), make_node("node2", 4000, 10000)])
    plugin = fw.by_name["NodeResourcesBalancedAllocation"]
    status = plugin.pre_score(CycleState(), PodInfo(make_pod("p")), NodeList(fw.snapshot, fw.snapshot.order))
    assert status is not None and status.code == Code.SKIP


# -- TaintToleration and DefaultNormalizeScore ----------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [([0, 1, 2], [100, 50, 0]), ([0, 0], [100, 100]),
                                               ([2, 2], [0, 0])])
def test_default_normalize_score_reverse(raw: list[int], expected: list[int]) -> None:
    arr = np.array(raw, dtype=np.int64)
    default_normalize_score(100, True, arr)
    assert arr.tolist() == expected


@pytest.mark.parametrize(("raw", "expected"), [([0, 5, 10], [0, 50, 100]), ([0, 0], [0, 0]), ([3, 9], [33, 100])])
def test_default_normalize_score(raw: list[int], expected: list[int]) -> None:
    arr = np.array(raw, dtype=np.int64)
    default_normalize_score(100, False, arr)
    assert arr.tolist() == expected


def test_taint_toleration_scores_count_untolerated_prefer_no_schedule() -> None:
    prefer = {"effect": "PreferNoSchedule"}
    nodes = [make_node("n0", 1000, 1000), make_node("n1", 1000, 1000, taints=[{"key": "a", **prefer}]),
             make_node("n2", 1000, 1000, taints=[{"key": "a", **prefer}, {"key": "b", **prefer}])]
    fw, _ = build(nodes)
    pod = make_pod("p", {"cpu": "1m"})
    per_node, batch = scores(fw, "TaintToleration", pod)
    assert per_node == batch == [0, 1, 2]
    arr = np.array(per_node, dtype=np.int64)
    default_normalize_score(100, True, arr)
    assert arr.tolist() == [100, 50, 0]
    tolerant = make_pod("t", {"cpu": "1m"}, tolerations=[{"key": "a", "operator": "Exists"}])
    assert scores(fw, "TaintToleration", tolerant)[0] == [0, 0, 1]


def test_taint_toleration_filter_message() -> None:
    # Since v1.33 the message names no taint (the reference's "{dedicated: gpu}" form is the older one).
    fw, _ = build([make_node("gpu", 1000, 1000, taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])])
    status = fw.by_name["TaintToleration"].filter(CycleState(), PodInfo(make_pod("p")), fw.snapshot.get("gpu"))
    assert status == Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) had untolerated taint(s)")


# -- FitError messages ----------------------------------------------------------------------------------
def _fit_error(num: int, statuses: dict[str, list[str]], post: str = "") -> str:
    d = Diagnosis()
    for node, reasons in statuses.items():
        d.node_to_status.set(node, Status(Code.UNSCHEDULABLE, *reasons))
    d.post_filter_msg = post
    return str(FitError(make_pod("p"), num, d))


TAINT = "node(s) had untolerated taint(s)"


@pytest.mark.parametrize(("num", "statuses", "post", "expected"), [
    (3, {"a": ["Insufficient cpu"], "b": ["Insufficient cpu"], "c": ["Insufficient cpu"]}, "",
     "0/3 nodes are available: 3 Insufficient cpu."),
    (3, {"cp": [TAINT], "a": ["Insufficient memory"], "b": ["Insufficient memory"]}, "",
     f"0/3 nodes are available: 1 {TAINT}, 2 Insufficient memory."),
    (1, {"a": ["Insufficient cpu", "Insufficient memory"]}, "",
     "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory."),
    (3, {"cp": [TAINT], "a": ["Insufficient cpu"], "b": ["Insufficient cpu"]},
     "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
     "2 No preemption victims found for incoming pod.",
     f"0/3 nodes are available: 1 {TAINT}, 2 Insufficient cpu. preemption: 0/3 nodes are available: "
     "1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."),
    # Go's sort.Strings compares bytes: "10 ..." sorts before "2 ...".
    (12, {**{f"n{i}": ["Insufficient cpu"] for i in range(10)}, "x": [TAINT], "y": [TAINT]}, "",
     f"0/12 nodes are available: 10 Insufficient cpu, 2 {TAINT}."),
])
def test_fit_error_message(num: int, statuses: dict, post: str, expected: str) -> None:
    assert _fit_error(num, statuses, post) == expected


def test_fit_error_counts_absent_nodes_and_prefers_the_prefilter_message() -> None:
    d = Diagnosis()
    d.node_to_status.set("a", Status(Code.UNSCHEDULABLE, "Insufficient cpu"))
    d.node_to_status.absent = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) didn't satisfy plugin(s) [NodeAffinity]")
    assert str(FitError(make_pod("p"), 3, d)) == \
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."
    d = Diagnosis()
    d.pre_filter_msg = 'persistentvolumeclaim "data" not found'
    assert str(FitError(make_pod("p"), 3, d)) == '0/3 nodes are available: persistentvolumeclaim "data" not found.'


# -- pod count ------------------------------------------------------------------------------------------
def test_pod_count_limit() -> None:
    node = make_node("n", 1_000_000, 10**12, pods=110)
    existing = [make_pod(f"e{i}", {"cpu": "1m"}, node="n") for i in range(110)]
    fw, _ = build([node], existing)
    plugin = fw.by_name["NodeResourcesFit"]
    state = CycleState()
    pod = PodInfo(make_pod("p", {"cpu": "1m"}))
    plugin.pre_filter(state, pod)
    status = plugin.filter(state, pod, fw.snapshot.get("n"))
    assert status == Status(Code.UNSCHEDULABLE, "Too many pods")
    assert plugin.filter_batch(state, pod, fw.snapshot, fw.snapshot.order).tolist() == [False]


@pytest.mark.parametrize(("request_", "existing", "reasons", "code"), [
    ({"cpu": "2"}, {"cpu": "3"}, ["Insufficient cpu"], Code.UNSCHEDULABLE),
    ({"cpu": "5"}, {}, ["Insufficient cpu"], Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
    ({"cpu": "2", "memory": "1Gi"}, {"cpu": "3", "memory": "4Gi"}, ["Insufficient cpu", "Insufficient memory"],
     Code.UNSCHEDULABLE),
    ({"example.com/foo": "1"}, {}, ["Insufficient example.com/foo"], Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
    ({"cpu": "0"}, {"cpu": "4"}, [], None),
])
def test_fit_filter_reasons(request_: dict, existing: dict, reasons: list[str], code: Code | None) -> None:
    node = make_node("n", 4000, 4 * 1024**3)
    fw, _ = build([node], [make_pod("e", existing, node="n")] if existing else [])
    plugin = fw.by_name["NodeResourcesFit"]
    state = CycleState()
    pod = PodInfo(make_pod("p", request_))
    plugin.pre_filter(state, pod)
    status = plugin.filter(state, pod, fw.snapshot.get("n"))
    if code is None:
        assert status is None
    else:
        assert status == Status(code, *reasons)
    assert plugin.filter_batch(state, pod, fw.snapshot, fw.snapshot.order).tolist() == [code is None]
