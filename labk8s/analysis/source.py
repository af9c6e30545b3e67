"""Reading the cluster for analysis without changing it.

Views re-read the cluster on every step. They read the way a debugger peeks at memory: through the
API server's object reader (no audit record, no event on the loop), so that looking at a cluster never
changes what it records. Watches that record history (history.py) do go through the API server, as
`kubectl get -w` would, and show up in the audit log under their own user.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from labk8s.api.resources import REGISTRY, ResourceType

if TYPE_CHECKING:
    from labk8s.cluster import Cluster

Obj = dict[str, Any]


def resource(kind: str) -> ResourceType:
    """The resource kubectl means by `kind` (`pods`, `po`, `Pod`, `deploy`, `deployments.apps`, ...)."""
    return REGISTRY.resolve(kind)


def read_objects(cluster: Cluster, kind: str | ResourceType, namespace: str | None = None) -> list[Obj]:
    """Every object of `kind` (in `namespace`, or all namespaces for None), in key order (namespace, name).

    The objects are fresh copies; nothing is recorded in the audit log.
    """
    rt = kind if isinstance(kind, ResourceType) else resource(kind)
    return cluster.api.read_all(rt, namespace if rt.namespaced else None)


def read_object(cluster: Cluster, kind: str | ResourceType, name: str, namespace: str = "default") -> Obj | None:
    """One object, or None when it does not exist (no audit record)."""
    rt = kind if isinstance(kind, ResourceType) else resource(kind)
    return cluster.api.read(rt, namespace if rt.namespaced else "", name)


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts node-2 before node-10 (digit runs compare as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part)


def object_key(obj: Obj) -> tuple[str, str, str]:
    """(kind, namespace, name) of an object: how analysis names objects in graphs and frames."""
    md = obj.get("metadata") or {}
    return str(obj.get("kind", "")), str(md.get("namespace") or ""), str(md.get("name", ""))
