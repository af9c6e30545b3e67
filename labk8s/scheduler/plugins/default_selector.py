"""helper.DefaultSelector: the selector of the Services, ReplicationController, ReplicaSet or StatefulSet
a pod belongs to, used for the system default spreading."""

from __future__ import annotations

from typing import Any

from labk8s.api.labels import Selector, SelectorError, selector_from_label_selector, selector_from_set

Obj = dict[str, Any]


def pod_services(pod: Obj, listers: dict[str, Any]) -> list[Obj]:
    """GetPodServices: Services of the pod's namespace whose non-empty selector matches its labels."""
    inf = listers.get("services")
    if inf is None:
        return []
    ns = pod["metadata"].get("namespace", "")
    labels = pod["metadata"].get("labels") or {}
    out = []
    for svc in inf.list(ns):
        sel = (svc.get("spec") or {}).get("selector")
        if sel and selector_from_set(sel).matches(labels):
            out.append(svc)
    return out


def _controller_of(pod: Obj) -> Obj | None:
    for ref in pod["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def default_selector(pod: Obj, listers: dict[str, Any]) -> Selector:
    label_set: dict[str, str] = {}
    for svc in pod_services(pod, listers):
        label_set.update((svc.get("spec") or {}).get("selector") or {})
    selector = selector_from_set(label_set)
    owner = _controller_of(pod)
    if owner is None:
        return selector
    ns = pod["metadata"].get("namespace", "")
    api_version, kind = owner.get("apiVersion", ""), owner.get("kind", "")
    try:
        if api_version == "v1" and kind == "ReplicationController":
            rc = _get(listers, "replicationcontrollers", ns, owner.get("name", ""))
            if rc is not None:
                label_set.update((rc.get("spec") or {}).get("selector") or {})
                selector = selector_from_set(label_set)
        elif api_version == "apps/v1" and kind in ("ReplicaSet", "StatefulSet"):
            lister = "replicasets" if kind == "ReplicaSet" else "statefulsets"
            obj = _get(listers, lister, ns, owner.get("name", ""))
            if obj is not None:
                other = selector_from_label_selector((obj.get("spec") or {}).get("selector"))
                if not other.is_nothing():
                    selector = selector.add(*other.requirements)
    except SelectorError:
        return selector
    return selector


def _get(listers: dict[str, Any], name: str, ns: str, obj_name: str) -> Obj | None:
    inf = listers.get(name)
    return inf.get(ns, obj_name) if inf is not None else None
