"""Graceful deletion and finalizers (k8s.io/apiserver registry/rest/delete.go, pod strategy).

Decides, for a DELETE request, whether the object goes at once or is marked with a
deletionTimestamp and stays until its grace period and its finalizers are done.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.resources import ResourceType

Obj = dict[str, Any]

FINALIZER_ORPHAN = "orphan"
FINALIZER_FOREGROUND = "foregroundDeletion"
#: spec.finalizers entry the namespace controller removes when a namespace is empty.
FINALIZER_KUBERNETES = "kubernetes"


def grace_period_seconds(rt: ResourceType, obj: Obj, requested: int | None) -> int:
    """Pod strategy CheckGracefulDelete; every other kind is deleted without a grace period."""
    if rt.group != "" or rt.kind != "Pod":
        return 0
    spec = obj.get("spec") or {}
    grace = requested if requested is not None else int(spec.get("terminationGracePeriodSeconds", 30))
    # Unscheduled pods and pods that have finished are deleted at once.
    if not spec.get("nodeName"):
        return 0
    phase = (obj.get("status") or {}).get("phase")
    if phase in ("Failed", "Succeeded"):
        return 0
    return max(grace, 0)


def default_propagation(rt: ResourceType) -> str:
    """DefaultGarbageCollectionPolicy: batch/v1 Jobs and core ReplicationControllers orphan by default."""
    if rt.group == "batch" and rt.kind == "Job":
        return "Orphan"
    if rt.group == "" and rt.kind == "ReplicationController":
        return "Orphan"
    return "Background"


def apply_propagation(meta: Obj, propagation: str) -> bool:
    """Add the finalizer the propagation policy asks for; True when the finalizers changed."""
    finalizers: list[str] = list(meta.get("finalizers") or [])
    before = list(finalizers)
    if propagation == "Orphan":
        if FINALIZER_FOREGROUND in finalizers:
            finalizers.remove(FINALIZER_FOREGROUND)
        if FINALIZER_ORPHAN not in finalizers:
            finalizers.append(FINALIZER_ORPHAN)
    elif propagation == "Foreground":
        if FINALIZER_ORPHAN in finalizers:
            finalizers.remove(FINALIZER_ORPHAN)
        if FINALIZER_FOREGROUND not in finalizers:
            finalizers.append(FINALIZER_FOREGROUND)
    if finalizers != before:
        meta["finalizers"] = finalizers
        return True
    return False


def should_delete_now(obj: Obj) -> bool:
    """An object marked for deletion goes once its grace period is zero and no finalizer is left."""
    meta = obj["metadata"]
    if not meta.get("deletionTimestamp"):
        return False
    if meta.get("finalizers"):
        return False
    if obj.get("kind") == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
        return False
    return int(meta.get("deletionGracePeriodSeconds") or 0) == 0
