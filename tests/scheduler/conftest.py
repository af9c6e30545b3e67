from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from labk8s import ApiError, Cluster
from labk8s.client.client import Client
from labk8s.scheduler import Scheduler

Obj = dict[str, Any]


def attach_scheduler(c: Cluster) -> Scheduler:
    """The cluster's scheduler once the facade runs one; until then, start one as the lead will."""
    existing = getattr(c, "scheduler", None)
    if isinstance(existing, Scheduler):
        return existing
    s = Scheduler(Client(c.api, "system:kube-scheduler"), c.rng.child("kube-scheduler"))
    s.start()
    return s


def wait_until_schedulable(c: Cluster, s: Scheduler, expected: int) -> None:
    """Run until every node is registered and carries no node.kubernetes.io/* taint (not-ready, ...)."""
    def ready(_: Cluster) -> bool:
        snap = s.snapshot
        if snap.num_nodes() < expected:
            return False
        return not any(str(t.get("key", "")).startswith("node.kubernetes.io/")
                       for ni in snap.list_nodes() for t in ni.taints)
    c.run_until(ready, timeout=300)


@pytest.fixture
def cluster() -> Callable[..., tuple[Cluster, Scheduler]]:
    """A cluster without add-ons (their pods would take node resources) and its scheduler, nodes ready."""
    def make(nodes: int | list[Obj] = 2, **kwargs: Any) -> tuple[Cluster, Scheduler]:
        kwargs.setdefault("seed", 0)
        kwargs.setdefault("addons", False)
        c = Cluster(nodes, **kwargs)
        s = attach_scheduler(c)
        wait_until_schedulable(c, s, (nodes if isinstance(nodes, int) else len(nodes)) + 1)
        return c, s
    return make


def pod(name: str, cpu: str | None = None, memory: str | None = None, *, labels: dict[str, str] | None = None,
        namespace: str = "default", **spec: Any) -> Obj:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    container: Obj = {"name": "app", "image": "nginx:1.27"}
    if requests:
        container["resources"] = {"requests": requests}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
            "spec": {"containers": [container], **spec}}


def node_of(c: Cluster, name: str, namespace: str = "default") -> str | None:
    return c.get("pod", name, namespace).get("spec", {}).get("nodeName")


def scheduled_condition(c: Cluster, name: str, namespace: str = "default") -> Obj | None:
    for cond in c.get("pod", name, namespace).get("status", {}).get("conditions") or ():
        if cond.get("type") == "PodScheduled":
            return dict(cond)
    return None


def force_delete(c: Cluster, name: str, namespace: str = "default") -> None:
    """What the kubelet does once a pod's containers are gone: delete it for good (no-op if it did)."""
    try:
        Client(c.api, "system:node").delete(c._rt("pod"), namespace, name, grace_period_seconds=0)
    except ApiError as err:
        if err.reason != "NotFound":
            raise


def events_for(c: Cluster, name: str, reason: str | None = None) -> list[Obj]:
    return [e for e in c.events() if e["involvedObject"]["name"] == name and (reason is None or e["reason"] == reason)]
