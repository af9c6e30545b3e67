"""labk8s.analysis.frames: kubectl columns as DataFrames, events, allocation, audit and trace frames."""

from __future__ import annotations

import re
from typing import Any

import pytest

from labk8s import Cluster
from labk8s.analysis import (
    allocation_frame,
    audit_frame,
    event_frame,
    kind_frame,
    placement_frame,
    pod_requests,
    table_frame,
    trace_frame,
)
from labk8s.analysis.frames import event_time_ms

Obj = dict[str, Any]
Mi = 2**20


def pod(name: str, node: str | None = None, *, cpu: str | None = None, memory: str | None = None,
        phase: str | None = None, namespace: str = "default", **spec: Any) -> Obj:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    body: Obj = {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": requests}}], **spec}
    if node:
        body["nodeName"] = node
    obj: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}, "spec": body}
    if phase:
        obj["status"] = {"phase": phase}
    return obj


def node(name: str, cpu: str = "4", memory: str = "16Gi", pods: str = "110", ready: bool = True,
         unschedulable: bool = False) -> Obj:
    alloc = {"cpu": cpu, "memory": memory, "pods": pods}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "spec": {"unschedulable": True} if unschedulable else {},
            "status": {"allocatable": alloc, "capacity": alloc,
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def columns_of(text: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines() if line.strip()]


#: A nodeSelector no node matches: the scheduler leaves the pod Pending (PodScheduled=False, Unschedulable).
NO_NODE: Obj = {"nodeSelector": {"disktype": "none"}}


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(nodes=2, seed=0)
    c.create(pod("web", "node-1", cpu="250m", memory="64Mi"))
    c.create(pod("queued", cpu="100m", **NO_NODE))  # the scheduler would bind a plain pod within ms
    c.run(3)
    return c


@pytest.mark.parametrize(("kind", "namespace", "command"), [
    ("pods", None, "get pods -A"),
    ("pods", "default", "get pods"),
    ("nodes", "default", "get nodes"),
    ("services", None, "get services -A"),
    ("namespaces", "default", "get namespaces"),
    ("storageclasses", "default", "get storageclasses"),
])
def test_kind_frame_is_what_kubectl_prints(cluster: Cluster, kind: str, namespace: str | None, command: str) -> None:
    frame = kind_frame(cluster, kind, namespace)
    printed = columns_of(cluster.kubectl(command))
    assert list(frame.columns) == printed[0]
    assert [list(row) for row in frame.itertuples(index=False)] == printed[1:]


def test_wide_adds_the_priority_one_columns(cluster: Cluster) -> None:
    narrow = kind_frame(cluster, "pods")
    wide = kind_frame(cluster, "pods", wide=True)
    assert list(narrow.columns) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert list(wide.columns)[:5] == list(narrow.columns)
    assert "NODE" in wide.columns and "IP" in wide.columns
    assert dict(zip(wide["NAME"], wide["NODE"], strict=True)) == {"queued": "<none>", "web": "node-1"}
    # nginx (72 MB) takes 3.188 s to pull: at t=3 s the kubelet is still creating web's container.
    assert dict(zip(wide["NAME"], wide["STATUS"], strict=True)) == {"queued": "Pending", "web": "ContainerCreating"}


def test_table_frame_of_objects_without_a_cluster() -> None:
    frame = table_frame("", "Pod", [pod("a", "n1"), pod("b")], now_ms=5_000, all_namespaces=True)
    assert list(frame.columns) == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert list(frame["NAME"]) == ["a", "b"]
    assert list(frame["AGE"]) == ["<unknown>", "<unknown>"]


# resourcehelper.PodRequests: containers add up; an init container counts only if it is larger than what
# runs alongside it; sidecars (restartPolicy Always) add to everything after them; overhead is added.
REQUEST_CASES = [
    ("no requests", pod("p"), (0, 0)),
    ("one container", pod("p", cpu="250m", memory="64Mi"), (250, 64 * Mi)),
    ("two containers add up",
     {**pod("p"), "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}},
                                          {"name": "b", "resources": {"requests": {"cpu": "200m", "memory": "1Gi"}}}]}},
     (300, 1024 * Mi)),
    ("a larger init container wins",
     {**pod("p"), "spec": {"initContainers": [{"name": "i", "resources": {"requests": {"cpu": "1"}}}],
                           "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]}},
     (1000, 0)),
    ("a smaller init container does not count",
     {**pod("p"), "spec": {"initContainers": [{"name": "i", "resources": {"requests": {"cpu": "50m"}}}],
                           "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]}},
     (100, 0)),
    ("a sidecar adds to the app containers",
     {**pod("p"), "spec": {"initContainers": [{"name": "s", "restartPolicy": "Always",
                                               "resources": {"requests": {"cpu": "50m"}}}],
                           "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]}},
     (150, 0)),
    ("init after a sidecar runs alongside it",
     {**pod("p"), "spec": {"initContainers": [{"name": "s", "restartPolicy": "Always",
                                               "resources": {"requests": {"cpu": "50m"}}},
                                              {"name": "i", "resources": {"requests": {"cpu": "200m"}}}],
                           "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]}},
     (250, 0)),
    ("overhead is added",
     {**pod("p", cpu="100m"), "spec": {**pod("p", cpu="100m")["spec"], "overhead": {"cpu": "10m"}}},
     (110, 0)),
]


@pytest.mark.parametrize(("name", "obj", "expected"), REQUEST_CASES, ids=[c[0] for c in REQUEST_CASES])
def test_pod_requests(name: str, obj: Obj, expected: tuple[int, int]) -> None:
    assert pod_requests(obj) == expected


def test_allocation_counts_non_terminal_pods_bound_to_each_node() -> None:
    nodes = [node("node-10"), node("node-2", cpu="2", ready=False, unschedulable=True)]
    pods = [pod("a", "node-2", cpu="500m", memory="1Gi"), pod("b", "node-2", cpu="500m"),
            pod("done", "node-2", cpu="1", phase="Succeeded"), pod("failed", "node-10", cpu="1", phase="Failed"),
            pod("pending", cpu="3")]
    frame = allocation_frame(nodes, pods)
    assert list(frame["node"]) == ["node-2", "node-10"]  # natural order
    row = frame.set_index("node").loc["node-2"]
    assert (row["cpu_allocatable_m"], row["cpu_requests_m"], row["cpu_fraction"]) == (2000, 1000, 0.5)
    assert (row["memory_requests"], row["pods"], row["pods_allocatable"]) == (1024 * Mi, 2, 110)
    assert (bool(row["ready"]), bool(row["schedulable"])) == (False, False)
    empty = frame.set_index("node").loc["node-10"]
    assert (empty["cpu_requests_m"], empty["pods"], bool(empty["ready"])) == (0, 0, True)


def test_placement_frame() -> None:
    frame = placement_frame([pod("a", "n1", cpu="100m", phase="Running"), pod("b", cpu="1")])
    assert frame.to_dict("records") == [
        {"namespace": "default", "name": "a", "node": "n1", "phase": "Running", "cpu_m": 100, "memory": 0,
         "terminating": False},
        {"namespace": "default", "name": "b", "node": "", "phase": "Pending", "cpu_m": 1000, "memory": 0,
         "terminating": False},
    ]


EVENT_TIMES = [
    ("series wins", {"series": {"lastObservedTime": "2026-01-01T00:00:09.500000Z"},
                     "lastTimestamp": "2026-01-01T00:00:05Z"}, 9500),
    ("lastTimestamp", {"lastTimestamp": "2026-01-01T00:00:05Z", "eventTime": "2026-01-01T00:00:01.000000Z"}, 5000),
    ("eventTime", {"eventTime": "2026-01-01T00:00:01.250000Z"}, 1250),
    ("creationTimestamp", {"metadata": {"creationTimestamp": "2026-01-01T00:01:00Z"}}, 60000),
    ("zero time ignored", {"lastTimestamp": "0001-01-01T00:00:00Z",
                           "metadata": {"creationTimestamp": "2026-01-01T00:00:02Z"}}, 2000),
]


@pytest.mark.parametrize(("name", "event", "ms"), EVENT_TIMES, ids=[c[0] for c in EVENT_TIMES])
def test_event_time(name: str, event: Obj, ms: int) -> None:
    assert event_time_ms(event) == ms


def test_event_frame_orders_by_time_and_names_objects_like_kubectl() -> None:
    events: list[Obj] = [
        {"metadata": {"namespace": "default"}, "type": "Warning", "reason": "BackOff", "message": "m2", "count": 3,
         "involvedObject": {"kind": "Pod", "name": "web"}, "source": {"component": "kubelet"},
         "lastTimestamp": "2026-01-01T00:00:07Z"},
        {"metadata": {"namespace": "default"}, "type": "Normal", "reason": "Scheduled", "message": "m1",
         "involvedObject": {"kind": "Pod", "name": "web"}, "reportingComponent": "default-scheduler",
         "eventTime": "2026-01-01T00:00:01.000000Z"},
    ]
    frame = event_frame(events)
    assert frame.to_dict("records") == [
        {"time": 1.0, "namespace": "default", "type": "Normal", "reason": "Scheduled", "object": "pod/web",
         "source": "default-scheduler", "message": "m1", "count": 1},
        {"time": 7.0, "namespace": "default", "type": "Warning", "reason": "BackOff", "object": "pod/web",
         "source": "kubelet", "message": "m2", "count": 3},
    ]


def test_audit_and_trace_frames(cluster: Cluster) -> None:
    audit = audit_frame(cluster.api.audit.records())
    assert list(audit.columns) == ["time", "user", "verb", "resource", "subresource", "namespace", "name", "code"]
    created = audit[(audit["user"] == "kubectl-admin") & (audit["verb"] == "create")]
    assert list(created["name"]) == ["web", "queued"]
    assert set(created["code"]) == {201}
    trace = trace_frame(cluster.trace.records())
    assert list(trace.columns) == ["time", "label"]
    assert len(trace) == len(cluster.trace) and trace["time"].is_monotonic_increasing
