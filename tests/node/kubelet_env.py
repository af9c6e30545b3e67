"""Test support for the kubelet tests: a Cluster and the kubelet the cluster runs on node-1.

Every machine of a Cluster has its own containerd-like runtime and kubelet (``c.machines[name]``); the
tests drive that kubelet (power off/on, logs, exec) instead of starting a second one for the same node.
"""

from __future__ import annotations

from typing import Any

from labk8s.cluster import Cluster
from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]


def cluster(nodes: int = 1, seed: int = 0) -> tuple[Cluster, Kubelet]:
    """A cluster with ``nodes`` workers; returns it and the (started) kubelet of node-1."""
    c = Cluster(nodes=nodes, seed=seed, addons=False)
    return c, c.machines["node-1"].kubelet


def pod(name: str, containers: list[Obj], node: str = "node-1", **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": containers, **spec}}


def container_state(c: Cluster, pod_name: str, container: str | None = None) -> Obj:
    status = c.get("pod", pod_name)["status"]
    statuses = status.get("containerStatuses") or []
    cs = statuses[0] if container is None else next(s for s in statuses if s["name"] == container)
    return dict(cs)


def events(c: Cluster, name: str | None = None) -> list[tuple[str, str, str]]:
    """(reason, message, fieldPath) of the events about ``name`` (all when None), oldest first."""
    out = []
    for e in c.events(None):
        obj = e["involvedObject"]
        if name is None or obj.get("name") == name:
            out.append((e["reason"], e["message"], obj.get("fieldPath", "")))
    return out


def until(c: Cluster, predicate: Any, timeout: float = 600) -> float:
    return c.run_until(lambda cl: predicate(), timeout=timeout)
