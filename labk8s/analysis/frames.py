"""pandas DataFrames from the cluster: kubectl's columns for any kind, events, allocation, audit, trace.

Tables use the API server's print handlers (labk8s.kubectl.printers), so a frame shows exactly the
columns and cell text that `kubectl get` prints for the same objects; column names are upper-cased as
kubectl prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from labk8s._sim import TraceRecord
from labk8s._sim.clock import parse_rfc3339
from labk8s.analysis.source import natural_key, read_objects, resource
from labk8s.api.quantity import Quantity
from labk8s.api.resources import ResourceType
from labk8s.apiserver.audit import AuditRecord
from labk8s.kubectl.describe._resources import pod_requests as _pod_requests
from labk8s.kubectl.printers import build_table
from labk8s.kubectl.printers.output import go_sprint

if TYPE_CHECKING:
    from labk8s.cluster import Cluster

Obj = dict[str, Any]

#: Phases in which a pod no longer holds its node's resources (kubectl describe node skips them).
TERMINAL_PHASES = ("Succeeded", "Failed")


# -- kubectl tables --------------------------------------------------------------------------------------
def table_frame(group: str, kind: str, objects: Sequence[Obj], now_ms: int, *, wide: bool = False,
                all_namespaces: bool = False) -> pd.DataFrame:
    """The table `kubectl get` prints for `objects` of group/kind, as a DataFrame of cell text.

    `wide` adds the priority-1 columns (`-o wide`); `all_namespaces` puts NAMESPACE first (`-A`).
    """
    table = build_table(group, kind, list(objects), now_ms)
    keep = [i for i, c in enumerate(table.columns) if wide or c.priority == 0]
    names = [table.columns[i].name.upper() for i in keep]
    rows: list[list[str]] = []
    for obj, row in zip(table.objects, table.rows, strict=True):
        cells = ["" if i >= len(row) or row[i] is None else go_sprint(row[i]) for i in keep]
        if all_namespaces:
            cells.insert(0, str((obj.get("metadata") or {}).get("namespace") or ""))
        rows.append(cells)
    if all_namespaces:
        names.insert(0, "NAMESPACE")
    return pd.DataFrame(rows, columns=names)


def kind_frame(cluster: Cluster, kind: str, namespace: str | None = "default", *, wide: bool = False) -> pd.DataFrame:
    """`kubectl get <kind>` (namespace None: `-A`) as a DataFrame, read without an audit record."""
    rt: ResourceType = resource(kind)
    objects = read_objects(cluster, rt, namespace)
    return table_frame(rt.group, rt.kind, objects, cluster.loop.now_ms, wide=wide,
                       all_namespaces=namespace is None and rt.namespaced)


# -- events ----------------------------------------------------------------------------------------------
EVENT_COLUMNS = ["time", "namespace", "type", "reason", "object", "source", "message", "count"]


def _ms(value: Any) -> int | None:
    if not isinstance(value, str) or not value or value.startswith("0001-"):
        return None
    return parse_rfc3339(value)


def event_time_ms(event: Obj) -> int:
    """When an Event last occurred, in virtual ms: series.lastObservedTime, lastTimestamp, eventTime,
    then creationTimestamp (the order kubectl's LAST SEEN column reads them)."""
    for value in ((event.get("series") or {}).get("lastObservedTime"), event.get("lastTimestamp"),
                  event.get("eventTime"), (event.get("metadata") or {}).get("creationTimestamp")):
        ms = _ms(value)
        if ms is not None:
            return ms
    return 0


def event_frame(events: Iterable[Obj]) -> pd.DataFrame:
    """One row per core/v1 Event, oldest first: time (virtual seconds), namespace, type, reason,
    object (`kind/name` as kubectl's OBJECT column), source component, message, count."""
    rows: list[list[Any]] = []
    for ev in events:
        inv = ev.get("involvedObject") or {}
        source = (ev.get("source") or {}).get("component") or ev.get("reportingComponent") or ""
        count = ev.get("count") or (ev.get("series") or {}).get("count") or 1
        rows.append([event_time_ms(ev) / 1000.0, (ev.get("metadata") or {}).get("namespace", ""),
                     ev.get("type", ""), ev.get("reason", ""),
                     f"{str(inv.get('kind', '')).lower()}/{inv.get('name', '')}", source,
                     ev.get("message", ""), int(count)])
    # A stable sort keeps the API's order (creation order) among events of the same time.
    rows.sort(key=lambda r: r[0])
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


# -- allocation ------------------------------------------------------------------------------------------
def pod_requests(pod: Obj) -> tuple[int, int]:
    """The pod's effective (cpu millicores, memory bytes) requests, as the scheduler and
    `kubectl describe node` count them (resourcehelper.PodRequests: sidecar-aware init maximum, overhead)."""
    reqs = _pod_requests(pod)
    cpu = reqs.get("cpu")
    mem = reqs.get("memory")
    return (cpu.milli_value() if cpu is not None else 0, mem.int_value() if mem is not None else 0)


def _milli(value: Any) -> int:
    return Quantity(str(value)).milli_value() if value is not None else 0


def _value(value: Any) -> int:
    return Quantity(str(value)).value() if value is not None else 0


def _phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "Pending")


PLACEMENT_COLUMNS = ["namespace", "name", "node", "phase", "cpu_m", "memory", "terminating"]


def placement_frame(pods: Iterable[Obj]) -> pd.DataFrame:
    """One row per pod: namespace, name, node (spec.nodeName, "" when unscheduled), phase, the pod's
    effective cpu (millicores) and memory (bytes) requests, and whether it is being deleted."""
    rows: list[list[Any]] = []
    for pod in pods:
        md = pod.get("metadata") or {}
        cpu, mem = pod_requests(pod)
        rows.append([md.get("namespace", ""), md.get("name", ""), (pod.get("spec") or {}).get("nodeName") or "",
                     _phase(pod), cpu, mem, bool(md.get("deletionTimestamp"))])
    return pd.DataFrame(rows, columns=PLACEMENT_COLUMNS)


ALLOCATION_COLUMNS = ["node", "ready", "schedulable", "cpu_allocatable_m", "cpu_requests_m", "cpu_fraction",
                      "memory_allocatable", "memory_requests", "memory_fraction", "pods_allocatable", "pods",
                      "pods_fraction"]


def _ready(node: Obj) -> bool:
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False


def allocation_frame(nodes: Iterable[Obj], pods: Iterable[Obj]) -> pd.DataFrame:
    """Per node: allocatable cpu/memory/pods against the sum of the requests of the non-terminal pods
    bound to it (spec.nodeName), with the fractions used, in natural node-name order (node-2 before node-10)."""
    used: dict[str, list[int]] = {}
    for pod in pods:
        node = (pod.get("spec") or {}).get("nodeName")
        if not node or _phase(pod) in TERMINAL_PHASES:
            continue
        cpu, mem = pod_requests(pod)
        acc = used.setdefault(node, [0, 0, 0])
        acc[0] += cpu
        acc[1] += mem
        acc[2] += 1
    rows: list[list[Any]] = []
    for node in sorted(nodes, key=lambda n: natural_key(n["metadata"]["name"])):
        name = node["metadata"]["name"]
        alloc = (node.get("status") or {}).get("allocatable") or {}
        cpu_a = _milli(alloc.get("cpu"))
        mem_a = _value(alloc.get("memory"))
        pods_a = _value(alloc.get("pods"))
        cpu_u, mem_u, pods_u = used.get(name, [0, 0, 0])
        rows.append([name, _ready(node), not (node.get("spec") or {}).get("unschedulable", False),
                     cpu_a, cpu_u, cpu_u / cpu_a if cpu_a else 0.0,
                     mem_a, mem_u, mem_u / mem_a if mem_a else 0.0,
                     pods_a, pods_u, pods_u / pods_a if pods_a else 0.0])
    return pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)


def cluster_allocation(cluster: Cluster) -> pd.DataFrame:
    """allocation_frame of the cluster's nodes and pods."""
    return allocation_frame(read_objects(cluster, "nodes"), read_objects(cluster, "pods"))


# -- audit log and loop trace ----------------------------------------------------------------------------
AUDIT_COLUMNS = ["time", "user", "verb", "resource", "subresource", "namespace", "name", "code"]


def audit_frame(records: Iterable[AuditRecord]) -> pd.DataFrame:
    """One row per API request (time in virtual seconds)."""
    return pd.DataFrame([[r.time_ms / 1000.0, r.user, r.verb, r.resource, r.subresource, r.namespace, r.name,
                          r.code] for r in records], columns=AUDIT_COLUMNS)


def trace_frame(records: Iterable[TraceRecord]) -> pd.DataFrame:
    """One row per processed loop event: time (virtual seconds) and label."""
    return pd.DataFrame([[r.time_ms / 1000.0, r.label] for r in records], columns=["time", "label"])
