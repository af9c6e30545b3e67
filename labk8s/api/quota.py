"""Resource quota usage evaluation (pkg/quota/v1/evaluator/core), shared by the ResourceQuota admission
plugin and the resource quota controller.

`usage(group_resource, obj)` gives what one object counts against a quota; `is_terminal` tells which
pods no longer count.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity

Obj = dict[str, Any]

#: Object-count quota names of the core group (the legacy names) by group resource.
LEGACY_COUNTS = {
    "pods": "pods", "services": "services", "replicationcontrollers": "replicationcontrollers",
    "resourcequotas": "resourcequotas", "secrets": "secrets", "configmaps": "configmaps",
    "persistentvolumeclaims": "persistentvolumeclaims",
}
#: Resources a quota on cpu or memory obliges every container to state.
POD_COMPUTE = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "cpu", "memory")


def is_terminal(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _add(total: dict[str, Quantity], name: str, value: Any) -> None:
    q = Quantity(str(value))
    total[name] = total[name] + q if name in total else q


def pod_resources(pod: Obj) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """Effective pod requests and limits: the sum over containers, at least the largest init container."""
    spec = pod.get("spec") or {}
    req: dict[str, Quantity] = {}
    lim: dict[str, Quantity] = {}
    for c in spec.get("containers") or []:
        res = c.get("resources") or {}
        for k, v in (res.get("requests") or {}).items():
            _add(req, k, v)
        for k, v in (res.get("limits") or {}).items():
            _add(lim, k, v)
    for c in spec.get("initContainers") or []:
        res = c.get("resources") or {}
        for source, total in ((res.get("requests") or {}, req), (res.get("limits") or {}, lim)):
            for k, v in source.items():
                q = Quantity(str(v))
                if c.get("restartPolicy") == "Always":  # sidecars run alongside the app containers
                    _add(total, k, v)
                elif k not in total or q > total[k]:
                    total[k] = q
    for source, total in ((spec.get("overhead") or {}, req), (spec.get("overhead") or {}, lim)):
        for k, v in source.items():
            _add(total, k, v)
    return req, lim


def usage(group_resource: str, obj: Obj) -> dict[str, Quantity]:
    """What `obj` counts against a quota, by quota resource name."""
    out: dict[str, Quantity] = {}
    if group_resource == "pods" and is_terminal(obj):
        return out
    legacy = LEGACY_COUNTS.get(group_resource)
    if legacy:
        out[legacy] = Quantity(1)
    out[f"count/{group_resource}"] = Quantity(1)
    if group_resource == "pods":
        req, lim = pod_resources(obj)
        for k, q in req.items():
            out[f"requests.{k}"] = q
            if k in ("cpu", "memory", "ephemeral-storage"):
                out[k] = q
        for k, q in lim.items():
            out[f"limits.{k}"] = q
    elif group_resource == "services":
        t = (obj.get("spec") or {}).get("type", "ClusterIP")
        if t in ("NodePort", "LoadBalancer"):
            out["services.nodeports"] = Quantity(len((obj.get("spec") or {}).get("ports") or []))
        if t == "LoadBalancer":
            out["services.loadbalancers"] = Quantity(1)
    elif group_resource == "persistentvolumeclaims":
        storage = (((obj.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
        if storage is not None:
            out["requests.storage"] = Quantity(str(storage))
            cls = (obj.get("spec") or {}).get("storageClassName")
            if cls:
                out[f"{cls}.storageclass.storage.k8s.io/requests.storage"] = Quantity(str(storage))
                out[f"{cls}.storageclass.storage.k8s.io/persistentvolumeclaims"] = Quantity(1)
    return out


def missing_compute(pod: Obj, hard: dict[str, Any]) -> str:
    """The pod evaluator's Constraints check: each container must state what a quota limits."""
    required = sorted(k for k in hard if k in POD_COMPUTE)
    if not required:
        return ""
    missing: dict[str, list[str]] = {}
    for c in (pod.get("spec") or {}).get("containers") or []:
        res = c.get("resources") or {}
        for name in required:
            part, _, resource = name.partition(".")
            if not resource:
                part, resource = "requests", name
            if resource not in (res.get(part) or {}):
                missing.setdefault(name, []).append(str(c.get("name")))
    if not missing:
        return ""
    return "must specify " + "; ".join(f"{k} for: {','.join(sorted(v))}" for k, v in sorted(missing.items()))


def add_usage(total: dict[str, Quantity], more: dict[str, Quantity]) -> None:
    for k, q in more.items():
        total[k] = total[k] + q if k in total else q
