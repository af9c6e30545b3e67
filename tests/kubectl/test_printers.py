"""kubectl printers: server-side Tables, HumanDuration, the pod STATUS logic, tabwriter, -o name/yaml/json.

Tables marked "upstream" are ported from kubernetes/kubernetes (duration_test.go, printers_test.go).
Golden strings are the bytes kubectl v1.37 prints for the same objects.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from labk8s._sim.clock import format_rfc3339
from labk8s.kubectl.printers import (
    Column,
    Table,
    TabWriter,
    build_table,
    custom_resource_table,
    format_name,
    format_table,
    human_duration,
    no_resources_message,
    short_human_duration,
    to_json,
    to_yaml,
)
from labk8s.kubectl.printers.columns_pod import pod_status_cells
from labk8s.kubectl.printers.encoding import go_yaml_sorted_keys, resolves_to_non_string

S = 1000
M = 60 * S
H = 60 * M
D = 24 * H
NOW = 2 * H  # virtual "now" of the golden tables: 2026-01-01T02:00:00Z


def ts(ms: int) -> str:
    return format_rfc3339(ms)


def meta(name: str, ns: str | None = "default", created: int = 0, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "creationTimestamp": ts(created)}
    if ns is not None:
        out["namespace"] = ns
    out.update(extra)
    return out


def get(group: str, kind: str, objs: list[dict[str, Any]], *, wide: bool = False, now: int = NOW, **kw: Any) -> str:
    """`kubectl get <kind>` of these objects."""
    opts = {"all_namespaces": False, "show_kind": False, "show_labels": False, "no_headers": False}
    opts.update(kw)
    return format_table([("x", build_table(group, kind, objs, now))], wide, **opts)


# --- HumanDuration (upstream duration_test.go) ---------------------------------------------------------------

HUMAN_DURATION = [
    (S, "1s"),
    (70 * S, "70s"),
    (190 * S, "3m10s"),
    (70 * M, "70m"),
    (47 * H, "47h"),
    (49 * H, "2d1h"),
    ((8 * 24 + 2) * H, "8d"),
    ((367 * 24) * H, "367d"),
    ((365 * 2 * 24 + 25) * H, "2y1d"),
    ((365 * 8 * 24 + 2) * H, "8y"),
]

HUMAN_DURATION_BOUNDARIES = [
    (-2 * S, "<invalid>"),
    (-2 * S + 1, "0s"),  # upstream: -2s + 1ns
    (0, "0s"),
    (S - 1, "0s"),
    (2 * M - 1, "119s"),
    (2 * M, "2m"),
    (2 * M + S, "2m1s"),
    (10 * M - 1, "9m59s"),
    (10 * M, "10m"),
    (10 * M + S, "10m"),
    (3 * H - 1, "179m"),
    (3 * H, "3h"),
    (3 * H + M, "3h1m"),
    (8 * H - 1, "7h59m"),
    (8 * H, "8h"),
    (8 * H + 59 * M, "8h"),
    (2 * 24 * H - 1, "47h"),
    (2 * 24 * H, "2d"),
    (2 * 24 * H + H, "2d1h"),
    (8 * 24 * H - 1, "7d23h"),
    (8 * 24 * H, "8d"),
    (8 * 24 * H + 23 * H, "8d"),
    (2 * 365 * 24 * H - 1, "729d"),
    (2 * 365 * 24 * H, "2y"),
    (2 * 365 * 24 * H + 23 * H, "2y"),
    (2 * 365 * 24 * H + 23 * H + 59 * M, "2y"),
    (2 * 365 * 24 * H + 24 * H - 1, "2y"),
    (2 * 365 * 24 * H + 24 * H, "2y1d"),
    (3 * 365 * 24 * H, "3y"),
    (4 * 365 * 24 * H, "4y"),
    (5 * 365 * 24 * H, "5y"),
    (6 * 365 * 24 * H, "6y"),
    (7 * 365 * 24 * H, "7y"),
    (8 * 365 * 24 * H - 1, "7y364d"),
    (8 * 365 * 24 * H, "8y"),
    (8 * 365 * 24 * H + 364 * 24 * H, "8y"),
    (9 * 365 * 24 * H, "9y"),
]

SHORT_HUMAN_DURATION_BOUNDARIES = [
    (-2 * S, "<invalid>"),
    (-2 * S + 1, "0s"),
    (0, "0s"),
    (S - 1, "0s"),
    (S, "1s"),
    (2 * S - 1, "1s"),
    (M - 1, "59s"),
    (M, "1m"),
    (2 * M - 1, "1m"),
    (H - 1, "59m"),
    (H, "1h"),
    (2 * H - 1, "1h"),
    (24 * H - 1, "23h"),
    (24 * H, "1d"),
    (2 * 24 * H - 1, "1d"),
    (365 * 24 * H - 1, "364d"),
    (365 * 24 * H, "1y"),
    (2 * 365 * 24 * H - 1, "1y"),
    (2 * 365 * 24 * H, "2y"),
]


@pytest.mark.parametrize(("ms", "want"), HUMAN_DURATION + HUMAN_DURATION_BOUNDARIES)
def test_human_duration(ms: int, want: str) -> None:
    assert human_duration(ms) == want


@pytest.mark.parametrize(("ms", "want"), SHORT_HUMAN_DURATION_BOUNDARIES)
def test_short_human_duration(ms: int, want: str) -> None:
    assert short_human_duration(ms) == want


# --- pod READY / STATUS / RESTARTS ------------------------------------------------------------------------


def cs(
    *,
    name: str = "",
    ready: bool = False,
    restarts: int = 0,
    state: dict[str, Any] | None = None,
    finished_ago: int | None = None,
    started: bool | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "ready": ready, "restartCount": restarts, "state": state or {}}
    if finished_ago is not None:
        out["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ts(NOW - finished_ago)}}
    if started is not None:
        out["started"] = started
    return out


RUNNING: dict[str, Any] = {"running": {"startedAt": ts(0)}}
WAITING: dict[str, Any] = {"waiting": {}}


def waiting(reason: str) -> dict[str, Any]:
    return {"waiting": {"reason": reason}}


def terminated(reason: str = "", exit_code: int = 0, signal: int = 0) -> dict[str, Any]:
    term: dict[str, Any] = {"exitCode": exit_code}
    if reason:
        term["reason"] = reason
    if signal:
        term["signal"] = signal
    return {"terminated": term}


def pod(
    containers: int = 1,
    statuses: list[dict[str, Any]] | None = None,
    *,
    phase: str = "Running",
    reason: str = "",
    init: list[dict[str, Any]] | None = None,
    init_statuses: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    deleting: bool = False,
) -> dict[str, Any]:
    status: dict[str, Any] = {"phase": phase}
    if reason:
        status["reason"] = reason
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if conditions is not None:
        status["conditions"] = conditions
    metadata: dict[str, Any] = {"name": "p", "namespace": "default"}
    if deleting:
        metadata["deletionTimestamp"] = ts(NOW - 10 * S)
    spec: dict[str, Any] = {"containers": [{"name": f"c{i}", "image": "busybox"} for i in range(containers)]}
    if init is not None:
        spec["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


READY_TRUE = [{"type": "Ready", "status": "True"}]
SIDECARS = [{"name": "restartable-init-1", "restartPolicy": "Always"}, {"name": "restartable-init-2", "restartPolicy": "Always"}]
INIT_FALSE = [{"type": "Initialized", "status": "False"}]

POD_STATUS = [
    # upstream TestPrintPod
    ("test1", pod(2, [cs(ready=True, restarts=3, state=RUNNING), cs(restarts=3)], phase="podPhase"), ("1/2", "podPhase", "6")),
    ("test2", pod(2, [cs(ready=True, restarts=3, state=RUNNING), cs(restarts=3, state=waiting("ContainerWaitingReason"))], phase="podPhase"), ("1/2", "ContainerWaitingReason", "6")),
    ("test3", pod(2, [cs(restarts=3, state=waiting("ContainerWaitingReason")), cs(restarts=3, state=terminated("ContainerTerminatedReason"))], phase="podPhase"), ("0/2", "ContainerWaitingReason", "6")),
    ("test4", pod(2, [cs(ready=True, restarts=3, state=RUNNING), cs(ready=True, restarts=3)], phase="podPhase"), ("1/2", "podPhase", "6")),
    ("test5", pod(2, [cs(ready=True, restarts=3, state=RUNNING), cs(ready=True, restarts=3)], phase="podPhase", reason="podReason"), ("1/2", "podReason", "6")),
    ("test6 no ready condition", pod(2, [cs(ready=True, restarts=3, state=terminated("Completed")), cs(ready=True, restarts=3, state=RUNNING)]), ("1/2", "NotReady", "6")),
    ("test6 ready condition", pod(2, [cs(ready=True, restarts=3, state=terminated("Completed")), cs(ready=True, restarts=3, state=RUNNING)], conditions=READY_TRUE), ("1/2", "Running", "6")),
    ("test7", pod(1, [cs(state=WAITING)], phase="podPhase", init=[{"name": ""}], init_statuses=[cs(restarts=3, state=RUNNING, finished_ago=10 * S)]), ("0/1", "Init:0/1", "3 (10s ago)")),
    ("test8", pod(1, [cs(state=WAITING)], phase="podPhase", init=[{"name": ""}, {"name": ""}], init_statuses=[cs(restarts=3, state=RUNNING, finished_ago=10 * S), cs(state=WAITING)]), ("0/1", "Init:0/2", "3 (10s ago)")),
    ("test9", pod(1, [cs(state=WAITING)], phase="podPhase", init=[{"name": ""}, {"name": ""}], init_statuses=[cs(state=terminated()), cs(restarts=3, state=RUNNING, finished_ago=10 * S)]), ("0/1", "Init:1/2", "3 (10s ago)")),
    ("test10", pod(1, [cs(state=WAITING)], phase="podPhase", init=[{"name": ""}, {"name": ""}], init_statuses=[cs(restarts=2, state=terminated(), finished_ago=2 * M), cs(restarts=3, state=RUNNING, finished_ago=10 * S)]), ("0/1", "Init:1/2", "5 (10s ago)")),
    ("test11", pod(1, [cs(restarts=4, state=RUNNING, finished_ago=20 * S)], init=[{"name": ""}], init_statuses=[cs(restarts=2, state=terminated(), finished_ago=2 * M)]), ("0/1", "Running", "4 (20s ago)")),
    ("test12", pod(1, [cs(ready=True, restarts=3, state=RUNNING, finished_ago=5 * D)]), ("1/1", "Running", "3 (5d ago)")),
    ("test13", pod(2, [cs(ready=True, state=RUNNING), cs(ready=True, restarts=3, state=RUNNING, finished_ago=10 * D)]), ("2/2", "Running", "3 (10d ago)")),
    ("test14", pod(2, [cs(ready=True, restarts=6, state=RUNNING, finished_ago=5 * D), cs(ready=True, restarts=3, state=RUNNING, finished_ago=20 * D)]), ("2/2", "Running", "9 (5d ago)")),
    ("test15 SchedulingGated", pod(2, phase="podPhase", conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]), ("0/2", "SchedulingGated", "0")),
    ("test16 Completed", pod(1, [cs(state=terminated("Completed"))], phase="Succeeded"), ("0/1", "Completed", "0")),
    ("test17 Error", pod(1, [cs(state=terminated("Error", 1))], phase="Failed"), ("0/1", "Error", "0")),
    ("test18 succeeded while deleting", pod(1, [cs(state=terminated("Completed"))], phase="Succeeded", deleting=True), ("0/1", "Completed", "0")),
    ("test19 Terminating", pod(1, [cs(state=RUNNING)], deleting=True), ("0/1", "Terminating", "0")),
    ("test20 pending Terminating", pod(1, phase="Pending", deleting=True), ("0/1", "Terminating", "0")),
    # upstream TestPrintPodWithRestartableInitContainer
    ("sidecar running, not started", pod(1, [cs(state=WAITING)], phase="Pending", init=SIDECARS, init_statuses=[cs(name="restartable-init-1", restarts=3, state=RUNNING, started=False, finished_ago=10 * S), cs(name="restartable-init-2", state=WAITING, started=False)], conditions=INIT_FALSE), ("0/3", "Init:0/2", "3 (10s ago)")),
    ("sidecar started, second not", pod(1, [cs(state=WAITING)], phase="Pending", init=SIDECARS, init_statuses=[cs(name="restartable-init-1", restarts=3, state=RUNNING, started=True, finished_ago=10 * S), cs(name="restartable-init-2", state=RUNNING, started=False)], conditions=INIT_FALSE), ("0/3", "Init:1/2", "3 (10s ago)")),
    ("sidecars started, app running", pod(1, [cs(ready=True, state=RUNNING)], init=SIDECARS, init_statuses=[cs(name="restartable-init-1", ready=True, restarts=3, state=RUNNING, started=True, finished_ago=10 * S), cs(name="restartable-init-2", ready=True, state=RUNNING, started=True)], conditions=[{"type": "Initialized", "status": "True"}]), ("3/3", "Running", "3 (10s ago)")),
    # every reason of the lifecycle
    ("Pending unscheduled", pod(1, phase="Pending"), ("0/1", "Pending", "0")),
    ("ContainerCreating", pod(1, [cs(state=waiting("ContainerCreating"))], phase="Pending"), ("0/1", "ContainerCreating", "0")),
    ("ErrImagePull", pod(1, [cs(state=waiting("ErrImagePull"))], phase="Pending"), ("0/1", "ErrImagePull", "0")),
    ("ImagePullBackOff", pod(1, [cs(state=waiting("ImagePullBackOff"))], phase="Pending"), ("0/1", "ImagePullBackOff", "0")),
    ("CrashLoopBackOff", pod(1, [cs(restarts=4, state=waiting("CrashLoopBackOff"), finished_ago=90 * S)]), ("0/1", "CrashLoopBackOff", "4 (90s ago)")),
    ("OOMKilled", pod(1, [cs(restarts=1, state=terminated("OOMKilled", 137), finished_ago=5 * M)]), ("0/1", "OOMKilled", "1 (5m ago)")),
    ("ExitCode without reason", pod(1, [cs(state=terminated(exit_code=2))], phase="Failed"), ("0/1", "ExitCode:2", "0")),
    ("Signal without reason", pod(1, [cs(state=terminated(exit_code=137, signal=9))], phase="Failed"), ("0/1", "Signal:9", "0")),
    ("Running ready", pod(1, [cs(ready=True, state=RUNNING)], conditions=READY_TRUE), ("1/1", "Running", "0")),
    ("Running not ready", pod(1, [cs(state=RUNNING)]), ("0/1", "Running", "0")),
    ("Init:0/1 PodInitializing ignored", pod(1, [cs(state=waiting("PodInitializing"))], phase="Pending", init=[{"name": "i"}], init_statuses=[cs(name="i", state=waiting("PodInitializing"))]), ("0/1", "Init:0/1", "0")),
    ("Init:CrashLoopBackOff", pod(1, [cs(state=waiting("PodInitializing"))], phase="Pending", init=[{"name": "i"}], init_statuses=[cs(name="i", restarts=2, state=waiting("CrashLoopBackOff"), finished_ago=20 * S)]), ("0/1", "Init:CrashLoopBackOff", "2 (20s ago)")),
    ("Init:Error", pod(1, [cs(state=waiting("PodInitializing"))], phase="Pending", init=[{"name": "i"}], init_statuses=[cs(name="i", state=terminated("Error", 1))]), ("0/1", "Init:Error", "0")),
    ("Init:ExitCode", pod(1, phase="Pending", init=[{"name": "i"}], init_statuses=[cs(name="i", state=terminated(exit_code=3))]), ("0/1", "Init:ExitCode:3", "0")),
    ("Init:Signal", pod(1, phase="Pending", init=[{"name": "i"}], init_statuses=[cs(name="i", state=terminated(exit_code=143, signal=15))]), ("0/1", "Init:Signal:15", "0")),
    ("PodInitializing after init", pod(1, [cs(state=waiting("PodInitializing"))], phase="Pending", init=[{"name": "i"}], init_statuses=[cs(name="i", state=terminated("Completed"))]), ("0/1", "PodInitializing", "0")),
    ("Unknown: node lost while deleting", pod(1, [cs(ready=True, state=RUNNING)], reason="NodeLost", deleting=True), ("1/1", "Unknown", "0")),
    ("NodeLost without deletion", pod(1, [cs(ready=True, state=RUNNING)], reason="NodeLost"), ("1/1", "NodeLost", "0")),
    ("Evicted", pod(1, [cs(state=terminated("ContainerStatusUnknown", 137))], phase="Failed", reason="Evicted"), ("0/1", "ContainerStatusUnknown", "0")),
    ("Evicted without statuses", pod(1, phase="Failed", reason="Evicted"), ("0/1", "Evicted", "0")),
]


@pytest.mark.parametrize(("name", "obj", "want"), POD_STATUS, ids=[c[0] for c in POD_STATUS])
def test_pod_status(name: str, obj: dict[str, Any], want: tuple[str, str, str]) -> None:
    assert pod_status_cells(obj, NOW) == want


def test_pod_row_cells_upstream_unknown_age() -> None:
    row = build_table("", "Pod", [{"metadata": {"name": "test1"}, "spec": {"containers": [{}, {}]}, "status": {"phase": "podPhase"}}], NOW).rows[0]
    assert row == ["test1", "0/2", "podPhase", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"]


def test_pod_wide_readiness_gates() -> None:
    obj = pod(1, [cs(ready=True, state=RUNNING)], conditions=[{"type": "Ready", "status": "True"}, {"type": "example.com/lb", "status": "True"}])
    obj["spec"]["readinessGates"] = [{"conditionType": "example.com/lb"}, {"conditionType": "example.com/other"}]
    obj["spec"]["nodeName"] = "node-1"
    obj["status"]["podIP"] = "10.244.1.9"
    obj["status"]["nominatedNodeName"] = "node-2"
    assert build_table("", "Pod", [obj], NOW).rows[0][5:] == ["10.244.1.9", "node-1", "node-2", "1/2"]


# --- golden `kubectl get` output for every kind -------------------------------------------------------------
# fmt: off
NODES = [
  {"apiVersion":"v1","kind":"Node","metadata":meta("control-plane",None,labels={"kubernetes.io/hostname":"control-plane","node-role.kubernetes.io/control-plane":""}),
   "spec":{"taints":[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]},
   "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"172.18.0.2"},{"type":"Hostname","address":"control-plane"}],
             "nodeInfo":{"kubeletVersion":"v1.37.1","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.8.0-1015-gcp","containerRuntimeVersion":"containerd://2.1.4"}}},
  {"apiVersion":"v1","kind":"Node","metadata":meta("node-1",None,created=30*S,labels={"kubernetes.io/hostname":"node-1"}),
   "spec":{"unschedulable":True},
   "status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"172.18.0.3"}],
             "nodeInfo":{"kubeletVersion":"v1.37.1","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.8.0-1015-gcp","containerRuntimeVersion":"containerd://2.1.4"}}},
  {"apiVersion":"v1","kind":"Node","metadata":meta("node-2",None,created=30*S,labels={"node-role.kubernetes.io/worker":"","kubernetes.io/role":"gpu"}),
   "status":{"conditions":[{"type":"Ready","status":"Unknown"}],"addresses":[{"type":"InternalIP","address":"172.18.0.4"},{"type":"ExternalIP","address":"34.1.2.3"}],
             "nodeInfo":{"kubeletVersion":"v1.37.1"}}},
]
NAMESPACES = [{"apiVersion":"v1","kind":"Namespace","metadata":meta(n,None,labels={"kubernetes.io/metadata.name":n}),"status":{"phase":"Active"}} for n in ["default","kube-node-lease","kube-public","kube-system"]] + \
  [{"apiVersion":"v1","kind":"Namespace","metadata":meta("old",None,created=H,deletionTimestamp=ts(NOW-S)),"status":{"phase":"Terminating"}}]
SERVICES = [
 {"apiVersion":"v1","kind":"Service","metadata":meta("kubernetes"),"spec":{"type":"ClusterIP","clusterIP":"10.96.0.1","clusterIPs":["10.96.0.1"],"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":6443}]}},
 {"apiVersion":"v1","kind":"Service","metadata":meta("web",created=10*M),"spec":{"type":"NodePort","clusterIPs":["10.96.100.7"],"selector":{"app":"web"},"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":meta("lb",created=H+M),"spec":{"type":"LoadBalancer","clusterIPs":["10.96.5.5"],"selector":{"app":"web","tier":"front"},"ports":[{"name":"http","port":80,"nodePort":31000,"protocol":"TCP"},{"name":"dns","port":53,"nodePort":31001,"protocol":"UDP"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":meta("lb-ready",created=H+M),"spec":{"type":"LoadBalancer","clusterIPs":["10.96.5.6"],"externalIPs":["192.0.2.10"],"ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]},"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"},{"hostname":"a1b2c3d4e5f6-1234567890.elb.example.com"}]}}},
 {"apiVersion":"v1","kind":"Service","metadata":meta("db",created=H),"spec":{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"],"selector":{"app":"db"},"ports":[{"port":5432,"protocol":"TCP"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":meta("ext",created=H),"spec":{"type":"ExternalName","externalName":"example.com"}},
]
ENDPOINTS = [
 {"apiVersion":"v1","kind":"Endpoints","metadata":meta("kubernetes"),"subsets":[{"addresses":[{"ip":"172.18.0.2"}],"ports":[{"name":"https","port":6443,"protocol":"TCP"}]}]},
 {"apiVersion":"v1","kind":"Endpoints","metadata":meta("web",created=10*M),"subsets":[{"addresses":[{"ip":"10.244.1.2"},{"ip":"10.244.2.3"},{"ip":"10.244.3.4"},{"ip":"10.244.1.5"}],"ports":[{"port":80,"protocol":"TCP"}]}]},
 {"apiVersion":"v1","kind":"Endpoints","metadata":meta("db",created=H),"subsets":[{"addresses":[{"ip":"10.244.1.8"}]}]},
 {"apiVersion":"v1","kind":"Endpoints","metadata":meta("empty",created=H)},
]
SLICES = [
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":meta("kubernetes"),"addressType":"IPv4","endpoints":[{"addresses":["172.18.0.2"]}],"ports":[{"name":"https","port":6443,"protocol":"TCP"}]},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":meta("web-x7k2p",created=10*M),"addressType":"IPv4",
  "endpoints":[{"addresses":["10.244.1.2"]},{"addresses":["10.244.2.3"]},{"addresses":["10.244.3.4"]},{"addresses":["10.244.1.5"]},{"addresses":["10.244.2.6"]}],
  "ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"metrics","port":9090,"protocol":"TCP"}]},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":meta("idle-abcde",created=H),"addressType":"IPv4","endpoints":None,"ports":None},
]
def tmpl(*cs: tuple[str, str]) -> dict[str, Any]:
    return {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":n,"image":i} for n,i in cs]}}
DEPLOYMENTS = [
 {"apiVersion":"apps/v1","kind":"Deployment","metadata":meta("web",created=10*M),"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":tmpl(("nginx","nginx:1.25"))},"status":{"replicas":3,"readyReplicas":3,"updatedReplicas":3,"availableReplicas":3}},
 {"apiVersion":"apps/v1","kind":"Deployment","metadata":meta("api",created=NOW-90*S),"spec":{"replicas":2,"selector":{"matchLabels":{"app":"api"},"matchExpressions":[{"key":"tier","operator":"In","values":["web","backend"]}]},"template":tmpl(("api","example.com/api:v2"),("sidecar","envoyproxy/envoy:v1.31"))},"status":{"replicas":2,"updatedReplicas":1}},
]
REPLICASETS = [
 {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":meta("web-7d4b9c8f5",created=10*M),"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","pod-template-hash":"7d4b9c8f5"}},"template":tmpl(("nginx","nginx:1.25"))},"status":{"replicas":3,"readyReplicas":3}},
 {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":meta("web-5f6d8b7c9",created=5*M),"spec":{"replicas":0,"selector":{"matchLabels":{"app":"web","pod-template-hash":"5f6d8b7c9"}},"template":tmpl(("nginx","nginx:1.24"))},"status":{"replicas":0}},
]
STATEFULSETS = [{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":meta("db",created=H),"spec":{"replicas":3,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},"template":tmpl(("postgres","postgres:16"))},"status":{"replicas":2,"readyReplicas":2}}]
DAEMONSETS = [
 {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":meta("kube-proxy","kube-system",labels={"k8s-app":"kube-proxy"}),"spec":{"selector":{"matchLabels":{"k8s-app":"kube-proxy"}},"template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"kube-proxy","image":"registry.k8s.io/kube-proxy:v1.37.1"}]}}},
  "status":{"desiredNumberScheduled":4,"currentNumberScheduled":4,"numberReady":4,"updatedNumberScheduled":4,"numberAvailable":4}},
 {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":meta("fluentd","kube-system",created=H),"spec":{"selector":{"matchLabels":{"name":"fluentd"}},"template":{"spec":{"containers":[{"name":"fluentd","image":"fluentd:v1.17"}]}}},
  "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":1,"updatedNumberScheduled":3,"numberAvailable":1}},
]
def jobtmpl() -> dict[str, Any]:
    return {"spec":{"restartPolicy":"Never","containers":[{"name":"pi","image":"perl:5.34"}]}}
JOBS = [
 {"apiVersion":"batch/v1","kind":"Job","metadata":meta("pi",created=H),"spec":{"completions":1,"parallelism":1,"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"c0ffee00-0000-4000-8000-000000000001"}},"template":jobtmpl()},
  "status":{"startTime":ts(H),"completionTime":ts(H+42*S),"succeeded":1,"conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}},
 {"apiVersion":"batch/v1","kind":"Job","metadata":meta("batch",created=NOW-5*M),"spec":{"completions":5,"parallelism":2,"template":jobtmpl()},"status":{"startTime":ts(NOW-5*M),"succeeded":2,"active":2}},
 {"apiVersion":"batch/v1","kind":"Job","metadata":meta("work-queue",created=NOW-3*M),"spec":{"parallelism":3,"template":jobtmpl()},"status":{"startTime":ts(NOW-3*M),"active":3}},
 {"apiVersion":"batch/v1","kind":"Job","metadata":meta("flaky",created=H),"spec":{"completions":1,"parallelism":1,"backoffLimit":2,"template":jobtmpl()},
  "status":{"startTime":ts(H),"failed":3,"conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}},
 {"apiVersion":"batch/v1","kind":"Job","metadata":meta("paused",created=H),"spec":{"completions":1,"parallelism":1,"suspend":True,"template":jobtmpl()},"status":{"conditions":[{"type":"Suspended","status":"True"}]}},
]
CRONJOBS = [
 {"apiVersion":"batch/v1","kind":"CronJob","metadata":meta("hello",created=H),"spec":{"schedule":"*/1 * * * *","suspend":False,"jobTemplate":{"spec":{"template":jobtmpl()}}},"status":{"lastScheduleTime":ts(NOW-20*S),"active":[{"kind":"Job","name":"hello-29456400"}]}},
 {"apiVersion":"batch/v1","kind":"CronJob","metadata":meta("nightly",created=H),"spec":{"schedule":"0 3 * * *","timeZone":"Etc/UTC","jobTemplate":{"spec":{"template":jobtmpl()}}}},
]
def hpa(name: str, metrics: Any = None, current: Any = None, minr: int | None = 1, maxr: int = 10, replicas: int = 3) -> dict[str, Any]:
    spec: dict[str, Any] = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "maxReplicas": maxr}
    if minr is not None:
        spec["minReplicas"] = minr
    if metrics is not None:
        spec["metrics"] = metrics
    st: dict[str, Any] = {"currentReplicas": replicas, "desiredReplicas": replicas}
    if current is not None:
        st["currentMetrics"] = current
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(name, created=H), "spec": spec, "status": st}


CPU50={"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}
HPAS = [
 hpa("web",[CPU50]),
 hpa("api",[CPU50,{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}}],
     [{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":23,"averageValue":"115m"}}},{"type":"Resource","resource":{"name":"memory","current":{"averageValue":"212Mi"}}}],minr=2,replicas=2),
 hpa("queue",[{"type":"Pods","pods":{"metric":{"name":"packets-per-second"},"target":{"type":"AverageValue","averageValue":"1k"}}},
              {"type":"Object","object":{"metric":{"name":"requests-per-second"},"describedObject":{"kind":"Ingress","name":"main"},"target":{"type":"Value","value":"10k"}}},
              {"type":"External","external":{"metric":{"name":"queue_messages_ready"},"target":{"type":"AverageValue","averageValue":"30"}}}]),
 hpa("v1style",None,None,minr=None,maxr=5,replicas=1),
]
HPAS[3]["apiVersion"] = "autoscaling/v1"
HPAS[3]["spec"]["targetCPUUtilizationPercentage"] = 80
HPAS[3]["status"]["currentCPUUtilizationPercentage"] = 12
PVS = [
 {"apiVersion":"v1","kind":"PersistentVolume","metadata":meta("pvc-0b1c2d3e-0000-4000-8000-000000000001",None,created=H,annotations={"pv.kubernetes.io/provisioned-by":"rancher.io/local-path"}),
  "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Delete","storageClassName":"standard","volumeMode":"Filesystem","claimRef":{"kind":"PersistentVolumeClaim","namespace":"default","name":"data-db-0"}},"status":{"phase":"Bound"}},
 {"apiVersion":"v1","kind":"PersistentVolume","metadata":meta("manual-pv",None,created=H),"spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteMany","ReadOnlyMany","ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain","hostPath":{"path":"/mnt/data"}},"status":{"phase":"Available"}},
 {"apiVersion":"v1","kind":"PersistentVolume","metadata":meta("released-pv",None,created=H),"spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadWriteOncePod"],"persistentVolumeReclaimPolicy":"Recycle","storageClassName":"slow","volumeMode":"Block","claimRef":{"namespace":"team-a","name":"scratch"}},"status":{"phase":"Failed","reason":"VolumeFailedRecycle"}},
]
PVCS = [
 {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":meta("data-db-0",created=H),"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"standard","volumeMode":"Filesystem","volumeName":"pvc-0b1c2d3e-0000-4000-8000-000000000001"},
  "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}},
 {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":meta("pending-claim",created=NOW-30*S),"spec":{"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"5Gi"}},"storageClassName":"fast"},"status":{"phase":"Pending"}},
 {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":meta("no-class",created=NOW-30*S,deletionTimestamp=ts(NOW-S)),"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":""},"status":{"phase":"Pending"}},
]
STORAGECLASSES = [
 {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":meta("standard",None,annotations={"storageclass.kubernetes.io/is-default-class":"true"}),"provisioner":"rancher.io/local-path","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"},
 {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":meta("fast",None,created=H),"provisioner":"pd.csi.storage.gke.io","allowVolumeExpansion":True},
]
CONFIGMAPS = [
 {"apiVersion":"v1","kind":"ConfigMap","metadata":meta("kube-root-ca.crt"),"data":{"ca.crt":"-----BEGIN CERTIFICATE-----\n"}},
 {"apiVersion":"v1","kind":"ConfigMap","metadata":meta("app-config",created=H),"data":{"a":"1","b":"2"},"binaryData":{"logo.png":"iVBORw0KGgo="}},
 {"apiVersion":"v1","kind":"ConfigMap","metadata":meta("empty",created=H)},
]
SECRETS = [
 {"apiVersion":"v1","kind":"Secret","metadata":meta("db-password",created=H),"type":"Opaque","data":{"password":"czNjcjN0"}},
 {"apiVersion":"v1","kind":"Secret","metadata":meta("registry",created=H),"type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"e30="}},
 {"apiVersion":"v1","kind":"Secret","metadata":meta("tls",created=H),"type":"kubernetes.io/tls","data":{"tls.crt":"", "tls.key":""}},
]
SERVICEACCOUNTS = [{"apiVersion":"v1","kind":"ServiceAccount","metadata":meta("default")},{"apiVersion":"v1","kind":"ServiceAccount","metadata":meta("builder",created=H),"secrets":[{"name":"builder-token"}]}]
EVENTS = [
 {"apiVersion":"v1","kind":"Event","metadata":meta("web-7d4b9c8f5-abcde.181f1a2b3c4d5e6f",created=NOW-2*M),"involvedObject":{"kind":"Pod","namespace":"default","name":"web-7d4b9c8f5-abcde","fieldPath":"spec.containers{nginx}"},
  "reason":"Pulled","message":"Successfully pulled image \"nginx:1.25\" in 1.2s (1.2s including waiting). Image size: 72099501 bytes.","type":"Normal","source":{"component":"kubelet","host":"node-1"},
  "firstTimestamp":ts(NOW-2*M),"lastTimestamp":ts(NOW-2*M),"count":1},
 {"apiVersion":"v1","kind":"Event","metadata":meta("web-7d4b9c8f5-abcde.181f1a2b3c4d5e70",created=NOW-2*M),"involvedObject":{"kind":"Pod","namespace":"default","name":"web-7d4b9c8f5-abcde"},
  "reason":"Scheduled","message":"Successfully assigned default/web-7d4b9c8f5-abcde to node-1","type":"Normal","reportingComponent":"default-scheduler","reportingController":"default-scheduler","reportingInstance":"default-scheduler-control-plane",
  "eventTime":"2026-01-01T01:58:00.000000Z","source":{}},
 {"apiVersion":"v1","kind":"Event","metadata":meta("crash.181f1a2b3c4d5e71",created=NOW-10*M),"involvedObject":{"kind":"Pod","namespace":"default","name":"crash","fieldPath":"spec.containers{c}"},
  "reason":"BackOff","message":"Back-off restarting failed container c in pod crash_default(0a1b)","type":"Warning","source":{"component":"kubelet","host":"node-2"},
  "firstTimestamp":ts(NOW-10*M),"lastTimestamp":ts(NOW-15*S),"count":42},
 {"apiVersion":"v1","kind":"Event","metadata":meta("node-1.181f1a2b3c4d5e72",created=NOW-H),"involvedObject":{"kind":"Node","name":"node-1"},"reason":"NodeReady","message":"Node node-1 status is now: NodeReady","type":"Normal",
  "source":{"component":"kubelet","host":"node-1"},"firstTimestamp":ts(NOW-H),"lastTimestamp":ts(NOW-H),"count":1},
]
LEASES = [
 {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":meta("kube-controller-manager","kube-system"),"spec":{"holderIdentity":"control-plane_3b9c0e2a-0000-4000-8000-000000000001","leaseDurationSeconds":15}},
 {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":meta("kube-scheduler","kube-system"),"spec":{"holderIdentity":"control-plane_7f0e1d2c-0000-4000-8000-000000000002","leaseDurationSeconds":15}},
 {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":meta("released","kube-system",created=H),"spec":{}},
]
PRIORITYCLASSES = [
 {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":meta("system-cluster-critical",None),"value":2000000000,"preemptionPolicy":"PreemptLowerPriority"},
 {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":meta("system-node-critical",None),"value":2000001000,"preemptionPolicy":"PreemptLowerPriority"},
 {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":meta("batch-low",None,created=H),"value":-10,"globalDefault":True,"preemptionPolicy":"Never"},
]
LIMITRANGES = [{"apiVersion":"v1","kind":"LimitRange","metadata":meta("cpu-limit-range",created=H+M+5*S),"spec":{"limits":[{"type":"Container","default":{"cpu":"1"}}]}}]
QUOTAS = [
 {"apiVersion":"v1","kind":"ResourceQuota","metadata":meta("compute",created=H),"spec":{"hard":{"requests.cpu":"1","requests.memory":"1Gi","limits.cpu":"2","limits.memory":"2Gi","pods":"10"}},
  "status":{"hard":{"requests.cpu":"1","requests.memory":"1Gi","limits.cpu":"2","limits.memory":"2Gi","pods":"10"},"used":{"requests.cpu":"500m","requests.memory":"256Mi","limits.cpu":"1","limits.memory":"512Mi","pods":"2"}}},
 {"apiVersion":"v1","kind":"ResourceQuota","metadata":meta("objects",created=H),"spec":{"hard":{"count/deployments.apps":"5"}},"status":{"hard":{"count/deployments.apps":"5","services.nodeports":"0"},"used":{"count/deployments.apps":"1"}}},
]
ROLES = [{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":meta("pod-reader",created=H),"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}]
CLUSTERROLES = [{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":meta(n,None),"rules":[]} for n in ["admin","cluster-admin","edit","view"]]
ROLEBINDINGS = [
 {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":meta("read-pods",created=H),"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"},
  "subjects":[{"kind":"User","name":"jane","apiGroup":"rbac.authorization.k8s.io"},{"kind":"Group","name":"devs","apiGroup":"rbac.authorization.k8s.io"},{"kind":"ServiceAccount","name":"builder","namespace":"default"},{"kind":"User","name":"bob"}]},
 {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":meta("edit-ci",created=H),"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"ServiceAccount","name":"ci","namespace":"tools"}]},
]
CLUSTERROLEBINDINGS = [{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":meta("cluster-admin",None,labels={"kubernetes.io/bootstrapping":"rbac-defaults"}),"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:masters"}]}]
INGRESSES = [
 {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":meta("web",created=H),"spec":{"ingressClassName":"nginx","rules":[{"host":"web.example.com","http":{"paths":[]}}]},"status":{"loadBalancer":{"ingress":[{"ip":"172.18.0.3"}]}}},
 {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":meta("many",created=H),"spec":{"tls":[{"hosts":["a.example.com"],"secretName":"tls"}],"rules":[{"host":"a.example.com"},{"host":"b.example.com"},{},{"host":"c.example.com"},{"host":"d.example.com"}]}},
 {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":meta("default-backend",created=H),"spec":{"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}},
]
NETPOLS = [
 {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":meta("default-deny",created=H),"spec":{"podSelector":{},"policyTypes":["Ingress"]}},
 {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":meta("db-access",created=H),"spec":{"podSelector":{"matchLabels":{"app":"db"},"matchExpressions":[{"key":"env","operator":"NotIn","values":["test","dev"]},{"key":"tier","operator":"Exists"}]}}},
]
PDBS = [
 {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":meta("web",created=H),"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}},"status":{"disruptionsAllowed":1,"currentHealthy":3,"desiredHealthy":2,"expectedPods":3}},
 {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":meta("db",created=H),"spec":{"maxUnavailable":"25%","selector":{"matchLabels":{"app":"db"}}},"status":{"disruptionsAllowed":0}},
]
REVISIONS = [
 {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":meta("db-6b8f9d7c5",created=H,ownerReferences=[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"db","uid":"u1","controller":True,"blockOwnerDeletion":True}]),"revision":1},
 {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":meta("orphan-5c4d",created=H),"revision":3},
]
CSINODES = [{"apiVersion":"storage.k8s.io/v1","kind":"CSINode","metadata":meta("node-1",None,created=30*S),"spec":{"drivers":[{"name":"pd.csi.storage.gke.io","nodeID":"node-1"}]}},
            {"apiVersion":"storage.k8s.io/v1","kind":"CSINode","metadata":meta("node-2",None,created=30*S),"spec":{"drivers":None}}]
RUNTIMECLASSES = [{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":meta("gvisor",None,created=H),"handler":"runsc"},{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":meta("kata",None,created=H),"handler":"kata-qemu"}]
# fmt: on

GOLDEN = [
    (
        'nodes', '', 'Node', NODES, False, False,
        """\
NAME            STATUS                     ROLES           AGE    VERSION
control-plane   Ready                      control-plane   120m   v1.37.1
node-1          Ready,SchedulingDisabled   <none>          119m   v1.37.1
node-2          NotReady                   gpu,worker      119m   v1.37.1
""",
    ),
    (
        'nodes -o wide', '', 'Node', NODES, True, False,
        """\
NAME            STATUS                     ROLES           AGE    VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME
control-plane   Ready                      control-plane   120m   v1.37.1   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1015-gcp   containerd://2.1.4
node-1          Ready,SchedulingDisabled   <none>          119m   v1.37.1   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1015-gcp   containerd://2.1.4
node-2          NotReady                   gpu,worker      119m   v1.37.1   172.18.0.4    34.1.2.3      <unknown>                        <unknown>        <unknown>
""",
    ),
    (
        'namespaces', '', 'Namespace', NAMESPACES, False, False,
        """\
NAME              STATUS        AGE
default           Active        120m
kube-node-lease   Active        120m
kube-public       Active        120m
kube-system       Active        120m
old               Terminating   60m
""",
    ),
    (
        'services', '', 'Service', SERVICES, False, False,
        """\
NAME         TYPE           CLUSTER-IP    EXTERNAL-IP                                                      PORT(S)                     AGE
kubernetes   ClusterIP      10.96.0.1     <none>                                                           443/TCP                     120m
web          NodePort       10.96.100.7   <none>                                                           80:30080/TCP                110m
lb           LoadBalancer   10.96.5.5     <pending>                                                        80:31000/TCP,53:31001/UDP   59m
lb-ready     LoadBalancer   10.96.5.6     203.0.113.7,a1b2c3d4e5f6-1234567890.elb.example.com,192.0.2.10   443:31443/TCP               59m
db           ClusterIP      None          <none>                                                           5432/TCP                    60m
ext          ExternalName   <none>        example.com                                                      <none>                      60m
""",
    ),
    (
        'services -o wide', '', 'Service', SERVICES, True, False,
        """\
NAME         TYPE           CLUSTER-IP    EXTERNAL-IP                                                      PORT(S)                     AGE    SELECTOR
kubernetes   ClusterIP      10.96.0.1     <none>                                                           443/TCP                     120m   <none>
web          NodePort       10.96.100.7   <none>                                                           80:30080/TCP                110m   app=web
lb           LoadBalancer   10.96.5.5     <pending>                                                        80:31000/TCP,53:31001/UDP   59m    app=web,tier=front
lb-ready     LoadBalancer   10.96.5.6     203.0.113.7,a1b2c3d4e5f6-1234567890.elb.example.com,192.0.2.10   443:31443/TCP               59m    <none>
db           ClusterIP      None          <none>                                                           5432/TCP                    60m    app=db
ext          ExternalName   <none>        example.com                                                      <none>                      60m    <none>
""",
    ),
    (
        'endpoints', '', 'Endpoints', ENDPOINTS, False, False,
        """\
NAME         ENDPOINTS                                               AGE
kubernetes   172.18.0.2:6443                                         120m
web          10.244.1.2:80,10.244.2.3:80,10.244.3.4:80 + 1 more...   110m
db           10.244.1.8                                              60m
empty        <none>                                                  60m
""",
    ),
    (
        'endpointslices', 'discovery.k8s.io', 'EndpointSlice', SLICES, False, False,
        """\
NAME         ADDRESSTYPE   PORTS     ENDPOINTS                                      AGE
kubernetes   IPv4          6443      172.18.0.2                                     120m
web-x7k2p    IPv4          80,9090   10.244.1.2,10.244.2.3,10.244.3.4 + 2 more...   110m
idle-abcde   IPv4          <unset>   <unset>                                        60m
""",
    ),
    (
        'deployments', 'apps', 'Deployment', DEPLOYMENTS, False, False,
        """\
NAME   READY   UP-TO-DATE   AVAILABLE   AGE
web    3/3     3            3           110m
api    0/2     1            0           90s
""",
    ),
    (
        'deployments -o wide', 'apps', 'Deployment', DEPLOYMENTS, True, False,
        """\
NAME   READY   UP-TO-DATE   AVAILABLE   AGE    CONTAINERS    IMAGES                                      SELECTOR
web    3/3     3            3           110m   nginx         nginx:1.25                                  app=web
api    0/2     1            0           90s    api,sidecar   example.com/api:v2,envoyproxy/envoy:v1.31   app=api,tier in (backend,web)
""",
    ),
    (
        'replicasets -o wide', 'apps', 'ReplicaSet', REPLICASETS, True, False,
        """\
NAME            DESIRED   CURRENT   READY   AGE    CONTAINERS   IMAGES       SELECTOR
web-7d4b9c8f5   3         3         3       110m   nginx        nginx:1.25   app=web,pod-template-hash=7d4b9c8f5
web-5f6d8b7c9   0         0         0       115m   nginx        nginx:1.24   app=web,pod-template-hash=5f6d8b7c9
""",
    ),
    (
        'statefulsets', 'apps', 'StatefulSet', STATEFULSETS, False, False,
        """\
NAME   READY   AGE
db     2/3     60m
""",
    ),
    (
        'statefulsets -o wide', 'apps', 'StatefulSet', STATEFULSETS, True, False,
        """\
NAME   READY   AGE   CONTAINERS   IMAGES
db     2/3     60m   postgres     postgres:16
""",
    ),
    (
        'daemonsets -A', 'apps', 'DaemonSet', DAEMONSETS, False, True,
        """\
NAMESPACE     NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE
kube-system   kube-proxy   4         4         4       4            4           kubernetes.io/os=linux   120m
kube-system   fluentd      3         3         1       3            1           <none>                   60m
""",
    ),
    (
        'daemonsets -A -o wide', 'apps', 'DaemonSet', DAEMONSETS, True, True,
        """\
NAMESPACE     NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE    CONTAINERS   IMAGES                               SELECTOR
kube-system   kube-proxy   4         4         4       4            4           kubernetes.io/os=linux   120m   kube-proxy   registry.k8s.io/kube-proxy:v1.37.1   k8s-app=kube-proxy
kube-system   fluentd      3         3         1       3            1           <none>                   60m    fluentd      fluentd:v1.17                        name=fluentd
""",
    ),
    (
        'jobs', 'batch', 'Job', JOBS, False, False,
        """\
NAME         STATUS      COMPLETIONS   DURATION   AGE
pi           Complete    1/1           42s        60m
batch        Running     2/5           5m         5m
work-queue   Running     0/1 of 3      3m         3m
flaky        Failed      0/1           60m        60m
paused       Suspended   0/1                      60m
""",
    ),
    (
        'jobs -o wide', 'batch', 'Job', JOBS, True, False,
        """\
NAME         STATUS      COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES      SELECTOR
pi           Complete    1/1           42s        60m   pi           perl:5.34   batch.kubernetes.io/controller-uid=c0ffee00-0000-4000-8000-000000000001
batch        Running     2/5           5m         5m    pi           perl:5.34   <none>
work-queue   Running     0/1 of 3      3m         3m    pi           perl:5.34   <none>
flaky        Failed      0/1           60m        60m   pi           perl:5.34   <none>
paused       Suspended   0/1                      60m   pi           perl:5.34   <none>
""",
    ),
    (
        'cronjobs', 'batch', 'CronJob', CRONJOBS, False, False,
        """\
NAME      SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
hello     */1 * * * *   <none>     False     1        20s             60m
nightly   0 3 * * *     Etc/UTC    False     0        <none>          60m
""",
    ),
    (
        'hpa', 'autoscaling', 'HorizontalPodAutoscaler', HPAS, False, False,
        """\
NAME      REFERENCE            TARGETS                                   MINPODS   MAXPODS   REPLICAS   AGE
web       Deployment/web       cpu: <unknown>/50%                        1         10        3          60m
api       Deployment/api       cpu: 23%/50%, memory: 212Mi/500Mi         2         10        2          60m
queue     Deployment/queue     <unknown>/1k, <unknown>/10k + 1 more...   1         10        3          60m
v1style   Deployment/v1style   cpu: 12%/80%                              1         5         1          60m
""",
    ),
    (
        'pv', '', 'PersistentVolume', PVS, False, False,
        """\
NAME                                       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON                AGE
pvc-0b1c2d3e-0000-4000-8000-000000000001   1Gi        RWO            Delete           Bound       default/data-db-0   standard       <unset>                                       60m
manual-pv                                  10Gi       RWO,ROX,RWX    Retain           Available                                      <unset>                                       60m
released-pv                                5Gi        RWOP           Recycle          Failed      team-a/scratch      slow           <unset>                 VolumeFailedRecycle   60m
""",
    ),
    (
        'pv -o wide', '', 'PersistentVolume', PVS, True, False,
        """\
NAME                                       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON                AGE   VOLUMEMODE
pvc-0b1c2d3e-0000-4000-8000-000000000001   1Gi        RWO            Delete           Bound       default/data-db-0   standard       <unset>                                       60m   Filesystem
manual-pv                                  10Gi       RWO,ROX,RWX    Retain           Available                                      <unset>                                       60m   Filesystem
released-pv                                5Gi        RWOP           Recycle          Failed      team-a/scratch      slow           <unset>                 VolumeFailedRecycle   60m   Block
""",
    ),
    (
        'pvc', '', 'PersistentVolumeClaim', PVCS, False, False,
        """\
NAME            STATUS        VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
data-db-0       Bound         pvc-0b1c2d3e-0000-4000-8000-000000000001   1Gi        RWO            standard       <unset>                 60m
pending-claim   Pending                                                                            fast           <unset>                 30s
no-class        Terminating                                                                                       <unset>                 30s
""",
    ),
    (
        'pvc -o wide', '', 'PersistentVolumeClaim', PVCS, True, False,
        """\
NAME            STATUS        VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE
data-db-0       Bound         pvc-0b1c2d3e-0000-4000-8000-000000000001   1Gi        RWO            standard       <unset>                 60m   Filesystem
pending-claim   Pending                                                                            fast           <unset>                 30s   Filesystem
no-class        Terminating                                                                                       <unset>                 30s   Filesystem
""",
    ),
    (
        'storageclasses', 'storage.k8s.io', 'StorageClass', STORAGECLASSES, False, False,
        """\
NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE
standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  120m
fast                 pd.csi.storage.gke.io   Delete          Immediate              true                   60m
""",
    ),
    (
        'configmaps', '', 'ConfigMap', CONFIGMAPS, False, False,
        """\
NAME               DATA   AGE
kube-root-ca.crt   1      120m
app-config         3      60m
empty              0      60m
""",
    ),
    (
        'secrets', '', 'Secret', SECRETS, False, False,
        """\
NAME          TYPE                             DATA   AGE
db-password   Opaque                           1      60m
registry      kubernetes.io/dockerconfigjson   1      60m
tls           kubernetes.io/tls                2      60m
""",
    ),
    (
        'serviceaccounts', '', 'ServiceAccount', SERVICEACCOUNTS, False, False,
        """\
NAME      SECRETS   AGE
default   0         120m
builder   1         60m
""",
    ),
    (
        'events', '', 'Event', EVENTS, False, False,
        """\
LAST SEEN   TYPE      REASON      OBJECT                    MESSAGE
2m          Normal    Pulled      pod/web-7d4b9c8f5-abcde   Successfully pulled image "nginx:1.25" in 1.2s (1.2s including waiting). Image size: 72099501 bytes.
2m          Normal    Scheduled   pod/web-7d4b9c8f5-abcde   Successfully assigned default/web-7d4b9c8f5-abcde to node-1
15s         Warning   BackOff     pod/crash                 Back-off restarting failed container c in pod crash_default(0a1b)
60m         Normal    NodeReady   node/node-1               Node node-1 status is now: NodeReady
""",
    ),
    (
        'events -o wide', '', 'Event', EVENTS, True, False,
        """\
LAST SEEN   TYPE      REASON      OBJECT                    SUBOBJECT                SOURCE                                               MESSAGE                                                                                                FIRST SEEN   COUNT   NAME
2m          Normal    Pulled      pod/web-7d4b9c8f5-abcde   spec.containers{nginx}   kubelet, node-1                                      Successfully pulled image "nginx:1.25" in 1.2s (1.2s including waiting). Image size: 72099501 bytes.   2m           1       web-7d4b9c8f5-abcde.181f1a2b3c4d5e6f
2m          Normal    Scheduled   pod/web-7d4b9c8f5-abcde                            default-scheduler, default-scheduler-control-plane   Successfully assigned default/web-7d4b9c8f5-abcde to node-1                                            2m           1       web-7d4b9c8f5-abcde.181f1a2b3c4d5e70
15s         Warning   BackOff     pod/crash                 spec.containers{c}       kubelet, node-2                                      Back-off restarting failed container c in pod crash_default(0a1b)                                      10m          42      crash.181f1a2b3c4d5e71
60m         Normal    NodeReady   node/node-1                                        kubelet, node-1                                      Node node-1 status is now: NodeReady                                                                   60m          1       node-1.181f1a2b3c4d5e72
""",
    ),
    (
        'leases -A', 'coordination.k8s.io', 'Lease', LEASES, False, True,
        """\
NAMESPACE     NAME                      HOLDER                                               AGE
kube-system   kube-controller-manager   control-plane_3b9c0e2a-0000-4000-8000-000000000001   120m
kube-system   kube-scheduler            control-plane_7f0e1d2c-0000-4000-8000-000000000002   120m
kube-system   released                                                                       60m
""",
    ),
    (
        'priorityclasses', 'scheduling.k8s.io', 'PriorityClass', PRIORITYCLASSES, False, False,
        """\
NAME                      VALUE        GLOBAL-DEFAULT   AGE    PREEMPTIONPOLICY
system-cluster-critical   2000000000   false            120m   PreemptLowerPriority
system-node-critical      2000001000   false            120m   PreemptLowerPriority
batch-low                 -10          true             60m    Never
""",
    ),
    (
        'limitranges', '', 'LimitRange', LIMITRANGES, False, False,
        """\
NAME              CREATED AT
cpu-limit-range   2026-01-01T01:01:05Z
""",
    ),
    (
        'resourcequotas', '', 'ResourceQuota', QUOTAS, False, False,
        """\
NAME      REQUEST                                                        LIMIT                                       AGE
compute   pods: 2/10, requests.cpu: 500m/1, requests.memory: 256Mi/1Gi   limits.cpu: 1/2, limits.memory: 512Mi/2Gi   60m
objects   count/deployments.apps: 1/5, services.nodeports: 0/0                                                       60m
""",
    ),
    (
        'roles', 'rbac.authorization.k8s.io', 'Role', ROLES, False, False,
        """\
NAME         CREATED AT
pod-reader   2026-01-01T01:00:00Z
""",
    ),
    (
        'clusterroles', 'rbac.authorization.k8s.io', 'ClusterRole', CLUSTERROLES, False, False,
        """\
NAME            CREATED AT
admin           2026-01-01T00:00:00Z
cluster-admin   2026-01-01T00:00:00Z
edit            2026-01-01T00:00:00Z
view            2026-01-01T00:00:00Z
""",
    ),
    (
        'rolebindings -o wide', 'rbac.authorization.k8s.io', 'RoleBinding', ROLEBINDINGS, True, False,
        """\
NAME        ROLE               AGE   USERS       GROUPS   SERVICEACCOUNTS
read-pods   Role/pod-reader    60m   jane, bob   devs     default/builder
edit-ci     ClusterRole/edit   60m                        tools/ci
""",
    ),
    (
        'ingresses', 'networking.k8s.io', 'Ingress', INGRESSES, False, False,
        """\
NAME              CLASS    HOSTS                                                   ADDRESS      PORTS     AGE
web               nginx    web.example.com                                         172.18.0.3   80        60m
many              <none>   a.example.com,b.example.com,c.example.com + 2 more...                80, 443   60m
default-backend   <none>   *                                                                    80        60m
""",
    ),
    (
        'networkpolicies', 'networking.k8s.io', 'NetworkPolicy', NETPOLS, False, False,
        """\
NAME           POD-SELECTOR                       AGE
default-deny   <none>                             60m
db-access      app=db,env notin (dev,test),tier   60m
""",
    ),
    (
        'pdb', 'policy', 'PodDisruptionBudget', PDBS, False, False,
        """\
NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE
web    2               N/A               1                     60m
db     N/A             25%               0                     60m
""",
    ),
    (
        'controllerrevisions', 'apps', 'ControllerRevision', REVISIONS, False, False,
        """\
NAME           CONTROLLER            REVISION   AGE
db-6b8f9d7c5   statefulset.apps/db   1          60m
orphan-5c4d    <none>                3          60m
""",
    ),
    (
        'csinodes', 'storage.k8s.io', 'CSINode', CSINODES, False, False,
        """\
NAME     DRIVERS   AGE
node-1   1         119m
node-2   0         119m
""",
    ),
    (
        'runtimeclasses', 'node.k8s.io', 'RuntimeClass', RUNTIMECLASSES, False, False,
        """\
NAME     HANDLER     AGE
gvisor   runsc       60m
kata     kata-qemu   60m
""",
    ),
]


@pytest.mark.parametrize(("case", "group", "kind", "objs", "wide", "all_namespaces", "want"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_get(case: str, group: str, kind: str, objs: list[dict[str, Any]], wide: bool, all_namespaces: bool, want: str) -> None:
    assert get(group, kind, objs, wide=wide, all_namespaces=all_namespaces) == want


def test_golden_trailing_padding_before_empty_last_cell() -> None:
    # The GROUPS cell is tab-terminated, so it is padded even though the last cell is empty.
    want = (
        "NAME            ROLE                        AGE    USERS   GROUPS           SERVICEACCOUNTS\n"
        "cluster-admin   ClusterRole/cluster-admin   120m           system:masters   \n"
    )
    assert get("rbac.authorization.k8s.io", "ClusterRoleBinding", CLUSTERROLEBINDINGS, wide=True) == want


# --- tabwriter (upstream liggitt/tabwriter tabwriter_test.go, the flags kubectl does not use left out) ---------

TABWRITER = [
    ("2", 8, 1, ".", "\n\n\n", "\n\n\n"),
    ("3", 8, 1, ".", "a\nb\nc", "a\nb\nc"),
    ("4a", 8, 1, ".", "\t", ""),
    ("5", 8, 1, ".", "*\t*", "*.......*"),
    ("5b", 8, 1, ".", "*\t*\n", "*.......*\n"),
    ("5c", 8, 1, ".", "*\t*\t", "*.......*"),
    ("6", 8, 1, ".", "\t\n", "........\n"),
    ("7a", 8, 1, ".", "a) foo", "a) foo"),
    ("7b", 8, 1, " ", "b) foo\tbar", "b) foo  bar"),
    ("7c", 8, 1, ".", "c) foo\tbar\t", "c) foo..bar"),
    ("7d", 8, 1, ".", "d) foo\tbar\n", "d) foo..bar\n"),
    ("7e", 8, 1, ".", "e) foo\tbar\t\n", "e) foo..bar.....\n"),
    ("8", 8, 1, "*", "Hello, world!\n", "Hello, world!\n"),
    ("9a", 1, 0, ".", "1\t2\t3\t4\n11\t222\t3333\t44444\n", "1.2..3...4\n11222333344444\n"),
    ("9c", 1, 0, ".", "1\t2\t3\t4\f11\t222\t3333\t44444\n", "1234\n11222333344444\n"),
    ("10a", 5, 0, ".", "1\t2\t3\t4\n", "1....2....3....4\n"),
    ("10b", 5, 0, ".", "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
    ("11", 8, 1, ".", "本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n", "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n"),
    ("12b", 2, 0, " ", "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a  b  c\naa bbbcccc\naaabbbb\n"),
    ("12c", 8, 1, "_", "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n"),
    (
        "13a", 4, 1, "-",
        "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n",
    ),
    (
        "13b", 4, 3, ".",
        "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n",
    ),
    ("15a", 4, 0, ".", "a\t\tb", "a.......b"),
]


@pytest.mark.parametrize(("case", "minwidth", "padding", "padchar", "src", "want"), TABWRITER, ids=[t[0] for t in TABWRITER])
@pytest.mark.parametrize("chunked", [False, True], ids=["at once", "byte by byte"])
def test_tabwriter(case: str, minwidth: int, padding: int, padchar: str, src: str, want: str, chunked: bool) -> None:
    tw = TabWriter(minwidth=minwidth, padding=padding, padchar=padchar, remember_widths=False)
    for piece in (list(src) if chunked else [src]):
        tw.write(piece)
    tw.flush()
    assert tw.getvalue() == want


def test_tabwriter_remember_widths_upstream_multiwrite() -> None:
    tw = TabWriter()  # kubectl's settings: minwidth 6, padding 3, RememberWidths
    tw.write("First\tMiddle\tLast\n")
    tw.write("a\tbb\tccc\n")
    tw.write("ddd\teeeeeeeeeeeeee\tf\n")
    tw.flush()
    tw.write("g\th\ti\n")
    tw.flush()
    for text in ("j\t\t\n", "\tk\t\n", "\t\tl\n", "mmmmmmmmmmmmmmm\tnnn\tooo\n"):
        tw.write(text)
        tw.flush()
    assert tw.remembered_widths() == [18, 17]
    tw.write("p\tq\tr\n")
    tw.flush()
    tw.set_remembered_widths(None)
    tw.write("sssss\tt\tu\n")
    tw.flush()
    assert tw.remembered_widths() == [8, 6]
    tw.set_remembered_widths([10, 5, 5])
    tw.write("v\tw\tx\n")
    tw.flush()
    assert tw.getvalue() == (
        "First   Middle           Last\n"
        "a       bb               ccc\n"
        "ddd     eeeeeeeeeeeeee   f\n"
        "g       h                i\n"
        "j                        \n"
        "        k                \n"
        "                         l\n"
        "mmmmmmmmmmmmmmm   nnn              ooo\n"
        "p                 q                r\n"
        "sssss   t     u\n"
        "v         w     x\n"
    )


# --- kubectl's table options -------------------------------------------------------------------------------

WEB_POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": meta("web-7d4b9c8f5-abcde", created=10 * M, labels={"app": "web", "pod-template-hash": "7d4b9c8f5"}),
    "spec": {"nodeName": "node-1", "containers": [{"name": "nginx", "image": "nginx:1.25"}]},
    "status": {
        "phase": "Running", "podIP": "10.244.1.2", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [cs(ready=True, restarts=2, state=RUNNING, finished_ago=5 * M)],
    },
}  # fmt: skip
DNS_POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": meta("coredns-5d78c9869d-x2x9q", "kube-system", labels={"k8s-app": "kube-dns"}),
    "spec": {"nodeName": "control-plane", "containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.1"}]},
    "status": {"phase": "Pending", "podIPs": [{"ip": "10.244.0.2"}], "containerStatuses": [cs(state=waiting("ContainerCreating"))]},
}  # fmt: skip


def test_get_pods_default_and_wide() -> None:
    assert get("", "Pod", [WEB_POD]) == (
        "NAME                  READY   STATUS    RESTARTS     AGE\n"
        "web-7d4b9c8f5-abcde   1/1     Running   2 (5m ago)   110m\n"
    )
    assert get("", "Pod", [WEB_POD], wide=True) == (
        "NAME                  READY   STATUS    RESTARTS     AGE    IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "web-7d4b9c8f5-abcde   1/1     Running   2 (5m ago)   110m   10.244.1.2   node-1   <none>           <none>\n"
    )


def test_get_pods_all_namespaces_show_labels_and_label_columns() -> None:
    table = build_table("", "Pod", [WEB_POD, DNS_POD], NOW)
    out = format_table([("pod", table)], False, True, False, True, False, ["app", "k8s-app", "app.kubernetes.io/name"])
    assert out == (
        "NAMESPACE     NAME                       READY   STATUS              RESTARTS     AGE    APP   K8S-APP    NAME   LABELS\n"
        "default       web-7d4b9c8f5-abcde        1/1     Running             2 (5m ago)   110m   web                     app=web,pod-template-hash=7d4b9c8f5\n"
        "kube-system   coredns-5d78c9869d-x2x9q   0/1     ContainerCreating   0            120m         kube-dns          k8s-app=kube-dns\n"
    )


def test_no_headers() -> None:
    table = build_table("", "Pod", [WEB_POD, DNS_POD], NOW)
    assert format_table([("pod", table)], False, False, False, False, True) == (
        "web-7d4b9c8f5-abcde        1/1   Running             2 (5m ago)   110m\n"
        "coredns-5d78c9869d-x2x9q   0/1   ContainerCreating   0            120m\n"
    )


def test_all_namespaces_leaves_cluster_scoped_kinds_without_namespace_column() -> None:
    out = format_table([("node", build_table("", "Node", NODES[:1], NOW))], False, True, False, False, False)
    assert out.startswith("NAME            STATUS   ROLES           AGE    VERSION\n")


def test_get_all_blocks_kind_prefixes_and_blank_lines() -> None:
    tables = [
        ("pod", build_table("", "Pod", [WEB_POD], NOW)),
        ("service", build_table("", "Service", SERVICES[:2], NOW)),
        ("daemonset.apps", build_table("apps", "DaemonSet", [], NOW)),  # empty: no block, no extra blank line
        ("deployment.apps", build_table("apps", "Deployment", DEPLOYMENTS[:1], NOW)),
        ("replicaset.apps", build_table("apps", "ReplicaSet", REPLICASETS[:1], NOW)),
        ("statefulset.apps", build_table("apps", "StatefulSet", [], NOW)),
        ("horizontalpodautoscaler.autoscaling", build_table("autoscaling", "HorizontalPodAutoscaler", HPAS[:1], NOW)),
    ]
    assert format_table(tables, False, False, True, False, False) == (
        "NAME                      READY   STATUS    RESTARTS     AGE\n"
        "pod/web-7d4b9c8f5-abcde   1/1     Running   2 (5m ago)   110m\n"
        "\n"
        "NAME                 TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1     <none>        443/TCP        120m\n"
        "service/web          NodePort    10.96.100.7   <none>        80:30080/TCP   110m\n"
        "\n"
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   3/3     3            3           110m\n"
        "\n"
        "NAME                            DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-7d4b9c8f5   3         3         3       110m\n"
        "\n"
        "NAME                                      REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n"
        "horizontalpodautoscaler.autoscaling/web   Deployment/web   cpu: <unknown>/50%   1         10        3          60m\n"
    )
    # --no-headers: no header rows and no separating blank lines
    assert format_table(tables[:2], False, False, True, False, True) == (
        "pod/web-7d4b9c8f5-abcde   1/1   Running   2 (5m ago)   110m\n"
        "service/kubernetes   ClusterIP   10.96.0.1     <none>   443/TCP        120m\n"
        "service/web          NodePort    10.96.100.7   <none>   80:30080/TCP   110m\n"
    )


def test_same_resource_twice_prints_one_header_and_aligns_together() -> None:
    # `kubectl get pod a b`: one Table per object, same printer, headers once, one tabwriter block.
    tables = [("pod", build_table("", "Pod", [DNS_POD], NOW)), ("pod", build_table("", "Pod", [WEB_POD], NOW))]
    assert format_table(tables, False, False, False, False, False) == (
        "NAME                       READY   STATUS              RESTARTS     AGE\n"
        "coredns-5d78c9869d-x2x9q   0/1     ContainerCreating   0            120m\n"
        "web-7d4b9c8f5-abcde        1/1     Running             2 (5m ago)   110m\n"
    )


def test_empty_tables_print_nothing() -> None:
    empty = build_table("", "Pod", [], NOW)
    assert format_table([("pod", empty)], False, False, False, False, False) == ""
    assert format_table([("pod", empty)], False, False, False, False, True) == ""


def test_rows_are_flushed_every_100_rows_without_losing_alignment() -> None:
    cms = [{"metadata": meta(f"cm-{i}", created=H), "data": {}} for i in range(150)]
    long_name = "a-much-longer-configmap-name-after-the-first-flush"
    cms[120]["metadata"]["name"] = long_name
    lines = get("", "ConfigMap", cms).splitlines()
    assert len(lines) == 151
    width = len(long_name) + 3
    assert lines[0] == "NAME".ljust(width) + "DATA   AGE"
    assert lines[1] == "cm-0".ljust(width) + "0      60m"
    assert lines[121] == long_name + "   0      60m"
    assert {len(line) for line in lines} == {len(lines[0])}


def test_cells_are_cut_at_line_breaks_and_terminal_escapes_defused() -> None:
    ev = dict(EVENTS[3])
    ev["message"] = "first line\nsecond line"
    ev2 = dict(EVENTS[3])
    ev2["message"] = "\x1b[31mred\x1b[0m"
    out = get("", "Event", [ev, ev2])
    assert out == (
        "LAST SEEN   TYPE     REASON      OBJECT        MESSAGE\n"
        "60m         Normal   NodeReady   node/node-1   first line...\n"
        "60m         Normal   NodeReady   node/node-1   ^[[31mred^[[0m\n"
    )


@pytest.mark.parametrize(
    ("namespace", "all_namespaces", "namespaced", "want"),
    [
        ("default", False, [True], "No resources found in default namespace.\n"),
        ("kube-system", False, [True, True], "No resources found in kube-system namespace.\n"),
        ("default", True, [True], "No resources found\n"),
        ("default", False, [False], "No resources found\n"),
        ("default", False, [True, False], "No resources found\n"),
    ],
)
def test_no_resources_message(namespace: str, all_namespaces: bool, namespaced: list[bool], want: str) -> None:
    assert no_resources_message(namespace, all_namespaces, namespaced) == want


# --- build_table: the server-side Table -------------------------------------------------------------------


def test_build_table_carries_all_columns_with_priorities() -> None:
    table = build_table("", "Pod", [WEB_POD], NOW)
    assert isinstance(table, Table)
    assert [(c.name, c.type, c.format, c.priority) for c in table.columns] == [
        ("Name", "string", "name", 0),
        ("Ready", "string", "", 0),
        ("Status", "string", "", 0),
        ("Restarts", "string", "", 0),
        ("Age", "string", "", 0),
        ("IP", "string", "", 1),
        ("Node", "string", "", 1),
        ("Nominated Node", "string", "", 1),
        ("Readiness Gates", "string", "", 1),
    ]
    assert table.rows == [["web-7d4b9c8f5-abcde", "1/1", "Running", "2 (5m ago)", "110m", "10.244.1.2", "node-1", "<none>", "<none>"]]
    assert table.objects == [WEB_POD]
    assert all(isinstance(c, Column) and c.description for c in table.columns)


def test_default_table_for_kinds_without_a_handler() -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": meta("crontabs.stable.example.com", None, created=H + 30 * S)}
    table = build_table("apiextensions.k8s.io", "CustomResourceDefinition", [crd], NOW)
    assert [(c.name, c.type, c.format) for c in table.columns] == [("Name", "string", "name"), ("Created At", "date", "")]
    assert table.rows == [["crontabs.stable.example.com", "2026-01-01T01:00:30Z"]]


def test_flowschemas_are_sorted_by_matching_precedence() -> None:
    def fs(name: str, precedence: int) -> dict[str, Any]:
        return {"metadata": meta(name, None), "spec": {"matchingPrecedence": precedence, "priorityLevelConfiguration": {"name": "workload-low"}}}

    table = build_table("flowcontrol.apiserver.k8s.io", "FlowSchema", [fs("global-default", 9900), fs("exempt", 1), fs("catch-all", 10000), fs("b", 1)], NOW)
    assert [r[0] for r in table.rows] == ["b", "exempt", "global-default", "catch-all"]
    assert table.rows[0][1:] == ["workload-low", 1, "<none>", "120m", "?"]


def test_events_k8s_io_events_print_like_core_events() -> None:
    ev = {
        "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": meta("web.1a", created=NOW - M),
        "regarding": {"kind": "Deployment", "name": "web", "namespace": "default"}, "reason": "ScalingReplicaSet",
        "note": "Scaled up replica set web-7d4b9c8f5 from 0 to 3", "type": "Normal", "reportingController": "deployment-controller",
        "eventTime": "2026-01-01T01:59:00.000000Z", "series": {"count": 3, "lastObservedTime": "2026-01-01T01:59:50.000000Z"},
    }  # fmt: skip
    row = build_table("events.k8s.io", "Event", [ev], NOW).rows[0]
    assert row == ["10s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller", "Scaled up replica set web-7d4b9c8f5 from 0 to 3", "60s", 3, "web.1a"]


# --- -o name ---------------------------------------------------------------------------------------------


def test_format_name() -> None:
    assert format_name([WEB_POD, DNS_POD], "pod") == "pod/web-7d4b9c8f5-abcde\npod/coredns-5d78c9869d-x2x9q\n"
    assert format_name(DEPLOYMENTS) == "deployment.apps/web\ndeployment.apps/api\n"
    assert format_name(HPAS[:1]) == "horizontalpodautoscaler.autoscaling/web\n"
    assert format_name(SERVICES[:1]) == "service/kubernetes\n"
    assert format_name([]) == ""


# --- -o yaml / -o json ---------------------------------------------------------------------------------------

# fmt: off
DEP = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "uid": "0b1c2d3e-0000-4000-8000-000000000001", "resourceVersion": "1234", "generation": 2,
                 "creationTimestamp": "2026-01-01T00:10:00Z", "labels": {"app": "web"},
                 "annotations": {"deployment.kubernetes.io/revision": "1",
                                 "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"}}\n'}},
    "spec": {"replicas": 3, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, "selector": {"matchLabels": {"app": "web"}},
             "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
             "template": {"metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
                                                   "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                                   "env": [{"name": "GREETING", "value": "yes"}, {"name": "PORT", "value": "8080"}, {"name": "EMPTY", "value": ""}],
                                                   "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                                                   "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
                                   "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                                   "securityContext": {}, "terminationGracePeriodSeconds": 30}}},
    "status": {"availableReplicas": 2, "observedGeneration": 2, "readyReplicas": 2, "replicas": 3, "updatedReplicas": 3, "unavailableReplicas": 1,
               "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                               "lastTransitionTime": "2026-01-01T00:10:00Z", "lastUpdateTime": "2026-01-01T00:10:00Z"},
                              {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                               "message": 'ReplicaSet "web-7d4b9c8f5" is progressing. This message is long enough to be folded by the YAML emitter at eighty columns.',
                               "lastTransitionTime": "2026-01-01T00:10:00Z", "lastUpdateTime": "2026-01-01T00:10:05Z"}]},
}
# fmt: on

DEPLOYMENT_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"}}
  creationTimestamp: "2026-01-01T00:10:00Z"
  generation: 2
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "1234"
  uid: 0b1c2d3e-0000-4000-8000-000000000001
spec:
  progressDeadlineSeconds: 600
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - env:
        - name: GREETING
          value: "yes"
        - name: PORT
          value: "8080"
        - name: EMPTY
          value: ""
        image: nginx:1.25
        imagePullPolicy: IfNotPresent
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 2
  conditions:
  - lastTransitionTime: "2026-01-01T00:10:00Z"
    lastUpdateTime: "2026-01-01T00:10:00Z"
    message: Deployment does not have minimum availability.
    reason: MinimumReplicasUnavailable
    status: "False"
    type: Available
  - lastTransitionTime: "2026-01-01T00:10:00Z"
    lastUpdateTime: "2026-01-01T00:10:05Z"
    message: ReplicaSet "web-7d4b9c8f5" is progressing. This message is long enough
      to be folded by the YAML emitter at eighty columns.
    reason: ReplicaSetUpdated
    status: "True"
    type: Progressing
  observedGeneration: 2
  readyReplicas: 2
  replicas: 3
  unavailableReplicas: 1
  updatedReplicas: 3
"""


def test_to_yaml_golden_deployment() -> None:
    assert to_yaml(DEP) == DEPLOYMENT_YAML


def test_to_yaml_list_and_empty_list() -> None:
    assert to_yaml([]) == 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n'
    text = to_yaml([SERVICES[0]])
    assert text.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n")
    assert text.endswith('kind: List\nmetadata:\n  resourceVersion: ""\n')


def test_to_yaml_scalar_styles() -> None:
    data = {
        "script": "set -e\techo " + "word " * 18 + "end",
        "multi": "a\nb\n\n",
        "lead": "  indented\nx",
        "trailsp": "x \ny",
        "colon": "a: b",
        "list": "[a]",
        "ip": "10.96.0.1",
        "port": "80",
        "float": "1e3",
        "bool": "on",
        "y": "n",
        "time": "12:30",
        "date": "2026-1-2",
        "version": "v1.37.1",
        "emoji": "\U0001F600",
    }
    assert to_yaml({"data": data}) == (
        "data:\n"
        '  bool: "on"\n'
        "  colon: 'a: b'\n"
        '  date: "2026-1-2"\n'
        '  emoji: "\\U0001F600"\n'
        '  float: "1e3"\n'
        "  ip: 10.96.0.1\n"
        "  lead: |2-\n"
        "      indented\n"
        "    x\n"
        "  list: '[a]'\n"
        "  multi: |+\n"
        "    a\n"
        "    b\n"
        "\n"
        '  port: "80"\n'
        '  script: "set -e\\techo word word word word word word word word word word word word\n'
        '    word word word word word word end"\n'
        '  time: "12:30"\n'
        '  trailsp: "x \\ny"\n'
        '  version: v1.37.1\n'
        '  "y": "n"\n'
    )


def test_to_json_golden_and_html_escaping() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "html", "namespace": "default"}, "data": {"page": '<a href="x">&amp;</a>', "ratio": "0.5"}, "binaryData": {}}
    assert to_json(cm) == (
        "{\n"
        '    "apiVersion": "v1",\n'
        '    "binaryData": {},\n'
        '    "data": {\n'
        '        "page": "\\u003ca href=\\"x\\"\\u003e\\u0026amp;\\u003c/a\\u003e",\n'
        '        "ratio": "0.5"\n'
        "    },\n"
        '    "kind": "ConfigMap",\n'
        '    "metadata": {\n'
        '        "name": "html",\n'
        '        "namespace": "default"\n'
        "    }\n"
        "}\n"
    )
    assert to_json([]) == '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    assert to_json({"a": 1.0, "b": 0.25, "c": 1e-7, "d": 1e21}) == '{\n    "a": 1,\n    "b": 0.25,\n    "c": 1e-7,\n    "d": 1e+21\n}\n'


ALL_FIXTURES = [
    NODES, NAMESPACES, SERVICES, ENDPOINTS, SLICES, DEPLOYMENTS, REPLICASETS, STATEFULSETS, DAEMONSETS, JOBS, CRONJOBS,
    HPAS, PVS, PVCS, STORAGECLASSES, CONFIGMAPS, SECRETS, SERVICEACCOUNTS, EVENTS, LEASES, PRIORITYCLASSES, LIMITRANGES,
    QUOTAS, ROLES, CLUSTERROLES, ROLEBINDINGS, CLUSTERROLEBINDINGS, INGRESSES, NETPOLS, PDBS, REVISIONS, CSINODES, RUNTIMECLASSES,
]  # fmt: skip


@pytest.mark.parametrize("objs", ALL_FIXTURES)
def test_yaml_and_json_round_trip(objs: list[dict[str, Any]]) -> None:
    for obj in objs + [DEP]:
        assert yaml.safe_load(to_yaml(obj)) == obj
        assert json.loads(to_json(obj)) == obj
    listed = {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    assert yaml.safe_load(to_yaml(objs)) == listed
    assert json.loads(to_json(objs)) == listed


@pytest.mark.parametrize(
    ("text", "non_string"),
    [
        ("", True), ("~", True), ("null", True), ("y", True), ("Yes", True), ("off", True), ("TRUE", True),
        ("yep", False), ("nginx", False), ("0", True), ("-1", True), ("+5", True), ("017", True), ("08", True),
        ("0x1F", True), ("0o17", True), ("0b101", True), ("1_000", True), ("1.5", True), (".5", True), ("1e3", True),
        ("1.2.3", False), ("10.96.0.1", False), ("-", False), ("-x", False), (".inf", True), ("-.Inf", True), (".nan", True),
        ("2026-01-01", True), ("2026-01-01T00:00:00Z", True), ("2026-1-2t3:4:5+01:00", True), ("2026-01-01 10:00:00", True),
        ("2026-13-01", False), ("2026-02-30", False), ("2026-01-01T00:00:00", False), ("20260101", True), ("<<", False),
        ("v1", False), ("1Gi", False), ("100m", False), ("5432/TCP", False),
    ],
)  # fmt: skip
def test_go_yaml_resolve(text: str, non_string: bool) -> None:
    assert resolves_to_non_string(text) is non_string


def test_go_yaml_key_order() -> None:
    keys = ["b", "a10", "a9", "A", "a_b", "aB", "a", "item2", "item10", "x-1", "x1", "Z"]
    assert go_yaml_sorted_keys(keys) == ["A", "Z", "a", "a_b", "a9", "a10", "aB", "b", "item2", "item10", "x-1", "x1"]


def test_custom_resources_use_printer_columns_or_age() -> None:
    ct = {"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": meta("my-new-cron-object", created=H), "spec": {"cronSpec": "* * * * */5", "image": "my-awesome-cron-image", "replicas": 1}}
    bare = {"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": meta("bare", created=NOW - 45 * S), "spec": {}}
    columns = [
        {"name": "Spec", "type": "string", "description": "The cron spec defining the interval a CronJob is run", "jsonPath": ".spec.cronSpec"},
        {"name": "Replicas", "type": "integer", "description": "The number of jobs launched by the CronJob", "jsonPath": ".spec.replicas"},
        {"name": "Image", "type": "string", "priority": 1, "jsonPath": ".spec.image"},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
    ]
    table = custom_resource_table([ct, bare], NOW, columns)
    assert format_table([("crontab.stable.example.com", table)], False, False, False, False, False) == (
        "NAME                 SPEC          REPLICAS   AGE\n"
        "my-new-cron-object   * * * * */5   1          60m\n"
        "bare                                          45s\n"
    )
    assert table.columns[3].description == "Custom resource definition column (in JSONPath format): .spec.image"
    default = custom_resource_table([ct], NOW)
    assert [c.name for c in default.columns] == ["Name", "Age"]
    assert default.rows == [["my-new-cron-object", "60m"]]


APIS_ROWS = [
    (
        "certificates.k8s.io", "CertificateSigningRequest",
        {"metadata": meta("csr-abc", None, created=H), "spec": {"signerName": "kubernetes.io/kube-apiserver-client-kubelet", "username": "system:node:node-1", "expirationSeconds": 86400}, "status": {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "LS0t"}},
        ["csr-abc", "60m", "kubernetes.io/kube-apiserver-client-kubelet", "system:node:node-1", "24h", "Approved,Issued"],
    ),
    (
        "certificates.k8s.io", "CertificateSigningRequest",
        {"metadata": meta("csr-denied", None, created=H), "spec": {"username": "jane"}, "status": {"conditions": [{"type": "Denied", "status": "True"}, {"type": "Failed", "status": "True"}]}},
        ["csr-denied", "60m", "<none>", "jane", "<none>", "Denied,Failed"],
    ),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", {"metadata": meta("policy-webhook", None, created=H), "webhooks": [{"name": "a"}, {"name": "b"}]}, ["policy-webhook", 2, "60m"]),
    (
        "admissionregistration.k8s.io", "ValidatingAdmissionPolicy",
        {"metadata": meta("replicas-limit", None, created=H), "spec": {"paramKind": {"apiVersion": "rules.example.com/v1", "kind": "ReplicaLimit"}, "validations": [{"expression": "object.spec.replicas <= 5"}]}},
        ["replicas-limit", 1, "rules.example.com/v1/ReplicaLimit", "60m"],
    ),
    (
        "admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding",
        {"metadata": meta("replicas-limit-binding", None, created=H), "spec": {"policyName": "replicas-limit", "paramRef": {"name": "limit-test"}}},
        ["replicas-limit-binding", "replicas-limit", "*/limit-test", "60m"],
    ),
    (
        "flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration",
        {"metadata": meta("workload-low", None), "spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 100, "limitResponse": {"type": "Queue", "queuing": {"queues": 128, "handSize": 6, "queueLengthLimit": 50}}}}},
        ["workload-low", "Limited", 100, 128, 6, 50, "120m"],
    ),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", {"metadata": meta("exempt", None), "spec": {"type": "Exempt", "exempt": {}}}, ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>", "120m"]),
    ("resource.k8s.io", "ResourceClaim", {"metadata": meta("gpu-claim", created=H), "status": {"allocation": {}, "reservedFor": [{"resource": "pods", "name": "p"}]}}, ["gpu-claim", "allocated,reserved", "60m"]),
    ("resource.k8s.io", "ResourceClaim", {"metadata": meta("pending-claim", created=H, deletionTimestamp=ts(NOW))}, ["pending-claim", "deleted", "60m"]),
    ("resource.k8s.io", "ResourceSlice", {"metadata": meta("node-1-gpu.example.com-x", None, created=H), "spec": {"nodeName": "node-1", "driver": "gpu.example.com", "pool": {"name": "node-1"}}}, ["node-1-gpu.example.com-x", "node-1", "gpu.example.com", "node-1", "60m"]),
    ("networking.k8s.io", "IngressClass", {"metadata": meta("nginx", None, created=H), "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}}, ["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "60m"]),
    ("networking.k8s.io", "ServiceCIDR", {"metadata": meta("kubernetes", None), "spec": {"cidrs": ["10.96.0.0/16", "fd00:10:96::/112"]}}, ["kubernetes", "10.96.0.0/16,fd00:10:96::/112", "120m"]),
    ("networking.k8s.io", "IPAddress", {"metadata": meta("10.96.0.1", None), "spec": {"parentRef": {"group": "", "resource": "services", "namespace": "default", "name": "kubernetes"}}}, ["10.96.0.1", "services/default/kubernetes", "120m"]),
    ("storage.k8s.io", "CSIDriver", {"metadata": meta("pd.csi.storage.gke.io", None, created=H), "spec": {"attachRequired": True, "podInfoOnMount": False, "volumeLifecycleModes": ["Persistent"]}}, ["pd.csi.storage.gke.io", True, False, False, "<unset>", False, "Persistent", "60m"]),
    ("storage.k8s.io", "VolumeAttachment", {"metadata": meta("csi-123", None, created=H), "spec": {"attacher": "pd.csi.storage.gke.io", "nodeName": "node-1", "source": {"persistentVolumeName": "pv-1"}}, "status": {"attached": True}}, ["csi-123", "pd.csi.storage.gke.io", "pv-1", "node-1", True, "60m"]),
    ("coordination.k8s.io", "LeaseCandidate", {"metadata": meta("kcm-1", "kube-system"), "spec": {"leaseName": "kube-controller-manager", "binaryVersion": "1.37.1", "emulationVersion": "1.37"}}, ["kcm-1", "kube-controller-manager", "1.37.1", "1.37", "120m"]),
    ("", "ReplicationController", {"metadata": meta("rc", created=H), "spec": {"replicas": 2, "selector": {"app": "rc"}, "template": tmpl(("nginx", "nginx"))}, "status": {"replicas": 2, "readyReplicas": 1}}, ["rc", 2, 2, 1, "60m", "nginx", "nginx", "app=rc"]),
    ("", "PodTemplate", {"metadata": meta("tpl", created=H), "template": tmpl(("a", "busybox"), ("b", "nginx"))}, ["tpl", "a,b", "busybox,nginx", "app=web"]),
    ("", "ComponentStatus", {"metadata": meta("etcd-0", None), "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}, ["etcd-0", "Healthy", "ok", ""]),
]  # fmt: skip


@pytest.mark.parametrize(("group", "kind", "obj", "row"), APIS_ROWS, ids=[f"{r[1]}-{r[2]['metadata']['name']}" for r in APIS_ROWS])
def test_server_side_rows(group: str, kind: str, obj: dict[str, Any], row: list[Any]) -> None:
    assert build_table(group, kind, [obj], NOW).rows == [row]
