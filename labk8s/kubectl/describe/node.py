"""``kubectl describe node`` (describeNode with its lease, non-terminated pods and allocations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.errors import ApiError
from labk8s.kubectl.describe._quantity import ZERO, Quantity
from labk8s.kubectl.describe._resources import ResourceList, pod_limits, pod_requests, to_resource_list
from labk8s.kubectl.describe._timefmt import rfc1123z, translate_timestamp_since
from labk8s.kubectl.describe.common import (
    LOOKUP_ERRORS,
    Lookup,
    Obj,
    g,
    go_v,
    print_annotations_multiline,
    print_labels_multiline,
    print_taints_multiline,
    safe_list,
)
from labk8s.kubectl.describe.events import describe_events, search_events
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed_string

LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_LABEL_ROLE = "kubernetes.io/role"
_INT64_MIN = -(2**63)  # int64(NaN or ±Inf) on amd64, what Go prints when allocatable is zero


def find_node_roles(node: Mapping[str, Any]) -> list[str]:
    roles: set[str] = set()
    for key, value in g(node, "metadata", "labels", default={}).items():
        if key.startswith(LABEL_NODE_ROLE_PREFIX):
            role = key[len(LABEL_NODE_ROLE_PREFIX) :]
            if role:
                roles.add(role)
        elif key == NODE_LABEL_ROLE and value != "":
            roles.add(str(value))
    return sorted(roles)


def _percent(numerator: int, denominator: int) -> int:
    """``int64(float64(n) / float64(d) * 100)`` with Go's float semantics."""
    if denominator == 0:
        return _INT64_MIN
    return int(float(numerator) / float(denominator) * 100)


def _get(resources: ResourceList, name: str) -> Quantity:
    return resources.get(name, ZERO)


def _lease(node_name: str, lookup: Lookup, w: PrefixWriter) -> None:
    try:
        lease = lookup.get("leases", "coordination.k8s.io", "kube-node-lease", node_name)
        error = None if lease is not None else ApiError.not_found("leases", "coordination.k8s.io", node_name).message
    except ApiError as err:
        lease, error = None, err.message
    except LOOKUP_ERRORS as err:
        lease, error = None, str(err)
    if error is not None or lease is None:
        w.write(LEVEL_0, f"Lease:\tFailed to get lease: {error}\n")
        return
    w.write(LEVEL_0, "Lease:\n")
    holder = g(lease, "spec", "holderIdentity")
    w.write(LEVEL_1, f"HolderIdentity:\t{'<unset>' if holder is None else holder}\n")
    acquire = g(lease, "spec", "acquireTime")
    w.write(LEVEL_1, f"AcquireTime:\t{'<unset>' if acquire is None else rfc1123z(acquire)}\n")
    renew = g(lease, "spec", "renewTime")
    w.write(LEVEL_1, f"RenewTime:\t{'<unset>' if renew is None else rfc1123z(renew)}\n")


def _resource_slices(w: PrefixWriter, slices: list[Obj]) -> None:
    pools: dict[str, list[Any]] = {}
    for item in slices:
        driver = str(g(item, "spec", "driver", default=""))
        pool = str(g(item, "spec", "pool", "name", default=""))
        entry = pools.setdefault(f"{driver}/{pool}", [driver, pool, 0, 0])
        entry[2] += 1
        entry[3] += len(g(item, "spec", "devices", default=[]))
    if not pools:
        return
    keys = sorted(pools)
    w.write(LEVEL_0, "Node-Local ResourceSlices:\n")
    w.write(LEVEL_1, "Driver\tPool\tSlices\tDevices\n")
    w.write(LEVEL_1, "------\t----\t------\t-------\n")
    for shown, key in enumerate(keys):
        if shown >= 10:
            w.write(LEVEL_1, f"...and {len(keys) - 10} more pools\n")
            break
        driver, pool, count, devices = pools[key]
        w.write(LEVEL_1, f"{driver}\t{pool}\t{count}\t{devices}\n")


def _totals(pods: list[Obj]) -> tuple[ResourceList, ResourceList]:
    """getPodsTotalRequestsAndLimits (spec resources, pod-level resources honoured)."""
    reqs: ResourceList = {}
    limits: ResourceList = {}
    for pod in pods:
        for name, q in pod_requests(pod).items():
            reqs[name] = reqs[name].add(q) if name in reqs else q
        for name, q in pod_limits(pod).items():
            limits[name] = limits[name].add(q) if name in limits else q
    return reqs, limits


def _is_huge_page(name: str) -> bool:
    return name.startswith("hugepages-")


def describe_node_resource(pods: list[Obj], node: Mapping[str, Any], w: PrefixWriter, now_ms: int) -> None:
    """describeNodeResource: the Non-terminated Pods table and Allocated resources."""
    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    allocatable = to_resource_list(g(node, "status", "capacity"))
    if g(node, "status", "allocatable"):
        allocatable = to_resource_list(g(node, "status", "allocatable"))
    alloc_cpu = _get(allocatable, "cpu").milli_value()
    alloc_mem = _get(allocatable, "memory").int_value()
    for pod in pods:
        req = pod_requests(pod, use_status=True)
        lim = pod_limits(pod, use_status=True)
        cpu_req, cpu_lim = _get(req, "cpu"), _get(lim, "cpu")
        mem_req, mem_lim = _get(req, "memory"), _get(lim, "memory")
        w.write(
            LEVEL_1,
            f"{g(pod, 'metadata', 'namespace', default='')}\t{g(pod, 'metadata', 'name', default='')}\t\t"
            f"{cpu_req.string()} ({_percent(cpu_req.milli_value(), alloc_cpu)}%)\t"
            f"{cpu_lim.string()} ({_percent(cpu_lim.milli_value(), alloc_cpu)}%)\t"
            f"{mem_req.string()} ({_percent(mem_req.int_value(), alloc_mem)}%)\t"
            f"{mem_lim.string()} ({_percent(mem_lim.int_value(), alloc_mem)}%)\t"
            f"{translate_timestamp_since(g(pod, 'metadata', 'creationTimestamp'), now_ms)}\n",
        )
    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    reqs, limits = _totals(pods)

    def row(name: str, denominator: int, milli: bool) -> None:
        r, lim = _get(reqs, name), _get(limits, name)
        rv, lv = (r.milli_value(), lim.milli_value()) if milli else (r.int_value(), lim.int_value())
        fr = _percent(rv, denominator) if denominator != 0 else 0
        fl = _percent(lv, denominator) if denominator != 0 else 0
        w.write(LEVEL_1, f"{name}\t{r.string()} ({fr}%)\t{lim.string()} ({fl}%)\n")

    row("cpu", alloc_cpu, True)
    row("memory", alloc_mem, False)
    row("ephemeral-storage", _get(allocatable, "ephemeral-storage").int_value(), False)
    huge = sorted(n for n in allocatable if _is_huge_page(n))
    ext = sorted(n for n in allocatable if not _is_huge_page(n) and n not in ("cpu", "memory", "ephemeral-storage", "pods"))
    for name in huge:
        row(name, allocatable[name].int_value(), False)
    for name in ext:
        w.write(LEVEL_1, f"{name}\t{_get(reqs, name).string()}\t{_get(limits, name).string()}\n")


def write_node(
    node: Mapping[str, Any],
    pods: list[Obj] | None,
    events: list[Obj] | None,
    lookup: Lookup,
    slices: list[Obj],
    now_ms: int,
) -> str:
    """describeNode."""
    status: Mapping[str, Any] = node.get("status") or {}
    spec: Mapping[str, Any] = node.get("spec") or {}
    name = str(g(node, "metadata", "name", default=""))

    def resource_list(w: PrefixWriter, resources: Mapping[str, Any]) -> None:
        for res in sorted(resources):
            w.write(LEVEL_0, f"  {res}:\t{to_resource_list({res: resources[res]})[res].string()}\n")

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{name}\n")
        roles = find_node_roles(node)
        w.write(LEVEL_0, f"Roles:\t{','.join(roles) if roles else '<none>'}\n")
        print_labels_multiline(w, "Labels", g(node, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(node, "metadata", "annotations"))
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(g(node, 'metadata', 'creationTimestamp'))}\n")
        print_taints_multiline(w, "Taints", spec.get("taints"))
        w.write(LEVEL_0, f"Unschedulable:\t{go_v(bool(spec.get('unschedulable')))}\n")
        _lease(name, lookup, w)
        conditions = status.get("conditions") or []
        if conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                    f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n",
                )
        w.write(LEVEL_0, "Addresses:\n")
        for address in status.get("addresses") or []:
            w.write(LEVEL_1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
        if status.get("capacity"):
            w.write(LEVEL_0, "Capacity:\n")
            resource_list(w, status["capacity"])
        if status.get("allocatable"):
            w.write(LEVEL_0, "Allocatable:\n")
            resource_list(w, status["allocatable"])
        if slices:
            _resource_slices(w, slices)
        info: Mapping[str, Any] = status.get("nodeInfo") or {}
        w.write(LEVEL_0, "System Info:\n")
        for label, key in (
            ("Machine ID", "machineID"),
            ("System UUID", "systemUUID"),
            ("Boot ID", "bootID"),
            ("Kernel Version", "kernelVersion"),
            ("OS Image", "osImage"),
            ("Operating System", "operatingSystem"),
            ("Architecture", "architecture"),
            ("Container Runtime Version", "containerRuntimeVersion"),
            ("Kubelet Version", "kubeletVersion"),
        ):
            w.write(LEVEL_0, f"  {label}:\t{info.get(key) or ''}\n")
        if spec.get("podCIDR"):
            w.write(LEVEL_0, f"PodCIDR:\t{spec['podCIDR']}\n")
        if spec.get("podCIDRs"):
            w.write(LEVEL_0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
        if spec.get("providerID"):
            w.write(LEVEL_0, f"ProviderID:\t{spec['providerID']}\n")
        if pods is not None:
            describe_node_resource(pods, node, w, now_ms)
        else:
            w.write(LEVEL_0, "Pods:\tnot authorized\n")
        if events is not None:
            describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_node(node: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    """NodeDescriber: pods on the node that are neither Succeeded nor Failed, node events by UID and
    by name (kubelet reports with the node name as UID), and node-local ResourceSlices."""
    name = str(g(node, "metadata", "name", default=""))
    pods: list[Obj] | None
    try:
        listed = lookup.list("pods", "", None, field_selector=f"spec.nodeName={name}")
        pods = [p for p in listed if g(p, "status", "phase") not in ("Succeeded", "Failed")]
    except ApiError as err:
        if err.code != 403:
            raise
        pods = None
    uid = str(g(node, "metadata", "uid", default=""))
    events = search_events(lookup, name, "", "Node", uid) + search_events(lookup, name, "", "Node", name)
    slices = safe_list(lookup, "resourceslices", "resource.k8s.io", None, field_selector=f"spec.nodeName={name}")
    return write_node(node, pods, events, lookup, slices, now_ms)
