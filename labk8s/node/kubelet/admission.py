"""Pod admission on the node (pkg/kubelet/lifecycle/predicate.go, canAdmitPod).

Before running a newly bound pod, the kubelet checks what the scheduler should already have checked:
the node name, the node selector, and that the pod's requests fit beside the active pods
(``Node didn't have enough resource: cpu, requested: 5000, used: 100, capacity: 4000``, in millicores for
cpu, bytes for memory, a count for pods). A rejected pod is failed at once with reason ``OutOfcpu``
(``OutOf<resource>``) or the predicate name and the message ``Pod was rejected: <message>``, and a
Warning event of that reason; it never runs.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity

Obj = dict[str, Any]


def _amount(name: str, value: Any) -> int:
    q = Quantity(str(value))
    return q.milli_value() if name == "cpu" else q.value()


def pod_requests(pod: Obj) -> dict[str, int]:
    """resourcehelper.PodRequests: max(sum of containers (+ sidecars), any init container) + overhead."""
    spec = pod.get("spec") or {}
    total: dict[str, int] = {}
    pod_level = (spec.get("resources") or {}).get("requests")
    if pod_level:
        return {k: _amount(k, v) for k, v in pod_level.items()}
    for c in spec.get("containers") or []:
        for k, v in ((c.get("resources") or {}).get("requests") or {}).items():
            total[k] = total.get(k, 0) + _amount(k, v)
    sidecars: dict[str, int] = {}
    for c in spec.get("initContainers") or []:
        req = {k: _amount(k, v) for k, v in ((c.get("resources") or {}).get("requests") or {}).items()}
        if c.get("restartPolicy") == "Always":
            for k, v in req.items():
                sidecars[k] = sidecars.get(k, 0) + v
                total[k] = total.get(k, 0) + v
            continue
        for k, v in req.items():
            total[k] = max(total.get(k, 0), v + sidecars.get(k, 0))
    for k, v in (spec.get("overhead") or {}).items():
        total[k] = total.get(k, 0) + _amount(k, v)
    return total


#: Per pod UID: (the pod object, its requests). Objects from the informer cache never change, so the
#: requests of the same object need not be summed again at every admission on the node.
RequestsCache = dict[str, tuple[Obj, dict[str, int]]]


def _cached_requests(pod: Obj, cache: RequestsCache | None) -> dict[str, int]:
    if cache is None:
        return pod_requests(pod)
    uid = pod["metadata"].get("uid", "")
    hit = cache.get(uid)
    if hit is not None and hit[0] is pod:
        return hit[1]
    requests = pod_requests(pod)
    cache[uid] = (pod, requests)
    return requests


def admit(pod: Obj, node: Obj | None, active: list[Obj], node_name: str,
          cache: RequestsCache | None = None) -> tuple[str, str] | None:
    """None when the pod may run, else (reason, message). ``cache`` memoises each active pod's requests
    (read-only results)."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName") and spec["nodeName"] != node_name:
        return "NodeName", "Predicate NodeName failed: node(s) didn't match the requested node name"
    if node is None:
        return None
    labels = node["metadata"].get("labels") or {}
    selector = spec.get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return "NodeAffinity", "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    pods_allowed = int(str(allocatable.get("pods", "110")))
    if len(active) + 1 > pods_allowed:
        return "OutOfpods", (f"Node didn't have enough resource: pods, requested: 1, used: {len(active)}, "
                             f"capacity: {pods_allowed}")
    want = _cached_requests(pod, cache)
    used: dict[str, int] = {}
    for other in active:
        for k, v in _cached_requests(other, cache).items():
            used[k] = used.get(k, 0) + v
    names = ["cpu", "memory", "ephemeral-storage"] + sorted(n for n in want if n not in ("cpu", "memory",
                                                                                       "ephemeral-storage", "pods"))
    for name in names:
        req = want.get(name, 0)
        if req == 0:
            continue
        cap = _amount(name, allocatable.get(name, "0"))
        if req + used.get(name, 0) > cap:
            return f"OutOf{name}", (f"Node didn't have enough resource: {name}, requested: {req}, "
                                    f"used: {used.get(name, 0)}, capacity: {cap}")
    return None
