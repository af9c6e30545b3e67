"""Pod resource arithmetic that describe uses: component-helpers PodRequests/PodLimits and QoS.

Ported from ``k8s.io/component-helpers/resource/helpers.go`` (sidecar-aware init-container
maximum, pod-level resources for cpu/memory/hugepages, overhead) and ``kubectl/pkg/util/qos``.
``use_status`` is kubectl's ``UseStatusResources``: the effective value is the maximum of the spec,
the allocated (``status.containerStatuses[].allocatedResources``) and the actuated
(``...resources.requests/limits``) amounts. DRA node-allocatable claims are not modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from labk8s.kubectl.describe._quantity import Quantity, parse_or_zero
from labk8s.kubectl.describe.common import g

ResourceList = dict[str, Quantity]
_Getter = Callable[[Mapping[str, Any], Mapping[str, Any] | None, bool], Mapping[str, Any] | None]


def to_resource_list(raw: Mapping[str, Any] | None) -> ResourceList:
    return {name: parse_or_zero(value) for name, value in (raw or {}).items()}


def _add(total: ResourceList, extra: ResourceList) -> None:
    for name, q in extra.items():
        total[name] = total[name].add(q) if name in total else q


def _max_into(total: ResourceList, extra: ResourceList) -> None:
    for name, q in extra.items():
        if name not in total or q.cmp(total[name]) > 0:
            total[name] = q


def _max(first: ResourceList, *others: ResourceList) -> ResourceList:
    result = dict(first)
    for other in others:
        _max_into(result, other)
    return result


def _supported_pod_level(name: str) -> bool:
    return name in ("cpu", "memory") or name.startswith("hugepages-")


def _resize_infeasible(pod: Mapping[str, Any]) -> bool:
    for cond in g(pod, "status", "conditions", default=[]):
        if cond.get("type") == "PodResizePending":
            return bool(cond.get("reason") == "Infeasible")
    return False


def _find_status(pod: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    for key in ("containerStatuses", "initContainerStatuses"):
        for status in g(pod, "status", key, default=[]):
            if status.get("name") == name:
                return status
    return None


def _spec_requests(c: Mapping[str, Any], _s: Mapping[str, Any] | None, _i: bool) -> Mapping[str, Any] | None:
    return g(c, "resources", "requests")


def _allocated_requests(c: Mapping[str, Any], s: Mapping[str, Any] | None, infeasible: bool) -> Mapping[str, Any] | None:
    if s is not None and s.get("allocatedResources") is not None:
        return s["allocatedResources"]
    return None if infeasible else g(c, "resources", "requests")


def _actuated_requests(c: Mapping[str, Any], s: Mapping[str, Any] | None, infeasible: bool) -> Mapping[str, Any] | None:
    if s is not None and g(s, "resources", "requests") is not None:
        return g(s, "resources", "requests")
    if s is not None and s.get("allocatedResources") is not None:
        return s["allocatedResources"]
    return None if infeasible else g(c, "resources", "requests")


def _spec_limits(c: Mapping[str, Any], _s: Mapping[str, Any] | None, _i: bool) -> Mapping[str, Any] | None:
    return g(c, "resources", "limits")


def _actuated_limits(c: Mapping[str, Any], s: Mapping[str, Any] | None, infeasible: bool) -> Mapping[str, Any] | None:
    if s is not None and g(s, "resources", "limits") is not None:
        return g(s, "resources", "limits")
    return None if infeasible else g(c, "resources", "limits")


def _aggregate(pod: Mapping[str, Any], use_status: bool, getter: _Getter) -> ResourceList:
    infeasible = _resize_infeasible(pod) if use_status else False
    result: ResourceList = {}
    for c in g(pod, "spec", "containers", default=[]):
        status = _find_status(pod, c.get("name", "")) if use_status else None
        _add(result, to_resource_list(getter(c, status, infeasible)))
    restartable: ResourceList = {}
    init_max: ResourceList = {}
    for c in g(pod, "spec", "initContainers", default=[]):
        status = _find_status(pod, c.get("name", "")) if use_status else None
        resources = to_resource_list(getter(c, status, infeasible))
        if c.get("restartPolicy") == "Always":
            # Sidecars run for the pod's lifetime: add them, and to every later init container.
            _add(result, resources)
            _add(restartable, resources)
            resources = dict(restartable)
        else:
            combined: ResourceList = {}
            _add(combined, resources)
            _add(combined, restartable)
            resources = combined
        _max_into(init_max, resources)
    _max_into(result, init_max)
    return result


def pod_requests(pod: Mapping[str, Any], use_status: bool = False) -> ResourceList:
    """resourcehelper.PodRequests(pod, {SkipPodLevelResources: false, UseStatusResources: use_status})."""
    if not use_status:
        reqs = _aggregate(pod, False, _spec_requests)
    else:
        spec = _aggregate(pod, True, _spec_requests)
        allocated = _aggregate(pod, True, _allocated_requests)
        actuated = _aggregate(pod, True, _actuated_requests)
        reqs = _max(actuated, allocated) if _resize_infeasible(pod) else _max(spec, actuated, allocated)
    pod_level = to_resource_list(g(pod, "spec", "resources", "requests"))
    if any(_supported_pod_level(name) for name in pod_level):
        for name, q in pod_level.items():
            if _supported_pod_level(name):
                reqs[name] = q
    overhead = to_resource_list(g(pod, "spec", "overhead"))
    if g(pod, "spec", "overhead") is not None:
        _add(reqs, overhead)
    return reqs


def _pod_level_resources_set(pod: Mapping[str, Any]) -> bool:
    res = g(pod, "spec", "resources") or {}
    names = list((res.get("requests") or {}).keys()) + list((res.get("limits") or {}).keys())
    return any(_supported_pod_level(name) for name in names)


def pod_limits(pod: Mapping[str, Any], use_status: bool = False) -> ResourceList:
    """resourcehelper.PodLimits(pod, {SkipPodLevelResources: false, UseStatusResources: use_status})."""
    if not use_status:
        limits = _aggregate(pod, False, _spec_limits)
    else:
        spec = _aggregate(pod, True, _spec_limits)
        actuated = _aggregate(pod, True, _actuated_limits)
        limits = dict(actuated) if _resize_infeasible(pod) else _max(spec, actuated)
    if _pod_level_resources_set(pod):
        for name, q in to_resource_list(g(pod, "spec", "resources", "limits")).items():
            if _supported_pod_level(name):
                limits[name] = q
    for name, q in to_resource_list(g(pod, "spec", "overhead")).items():
        if name in limits and not limits[name].is_zero():
            limits[name] = limits[name].add(q)
    return limits


def pod_qos(pod: Mapping[str, Any]) -> str:
    """qos.GetPodQOS: ``status.qosClass`` when set, else ComputePodQOS."""
    stored = g(pod, "status", "qosClass", default="")
    if stored:
        return str(stored)
    requests: ResourceList = {}
    limits: ResourceList = {}
    guaranteed = True
    containers = list(g(pod, "spec", "containers", default=[])) + list(g(pod, "spec", "initContainers", default=[]))
    for c in containers:
        for name, q in to_resource_list(g(c, "resources", "requests")).items():
            if name in ("cpu", "memory") and q.sign() > 0:
                requests[name] = q.add(requests[name]) if name in requests else q
        found: set[str] = set()
        for name, q in to_resource_list(g(c, "resources", "limits")).items():
            if name in ("cpu", "memory") and q.sign() > 0:
                found.add(name)
                limits[name] = q.add(limits[name]) if name in limits else q
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, req in requests.items():
            if name not in limits or limits[name].cmp(req) != 0:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"
