"""Builders for scheduler tests: nodes, pods and a Framework over a Snapshot, without an API server."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from labk8s.scheduler.cache.cache import Cache
from labk8s.scheduler.cache.snapshot import Snapshot
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.interface import NodeList
from labk8s.scheduler.framework.runtime import Framework
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins import new_plugins

Obj = dict[str, Any]


def make_node(name: str, milli_cpu: int | None = None, memory: int | None = None,
              extended: dict[str, int] | None = None, *, pods: int = 110, labels: dict[str, str] | None = None,
              taints: list[Obj] | None = None, unschedulable: bool = False) -> Obj:
    """makeNode of the upstream tests: milli-CPU and bytes as allocatable (and capacity)."""
    res: Obj = {}
    if milli_cpu is not None:
        res["cpu"] = f"{milli_cpu}m"
    if memory is not None:
        res["memory"] = str(memory)
    for k, v in (extended or {}).items():
        res[k] = str(v)
    if pods:
        res["pods"] = str(pods)
    spec: Obj = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": f"uid-{name}",
                         "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
            "spec": spec, "status": {"capacity": dict(res), "allocatable": dict(res)}}


def make_pod(name: str, *requests: dict[str, str], node: str = "", namespace: str = "default",
             labels: dict[str, str] | None = None, priority: int | None = None, **spec: Any) -> Obj:
    """A pod with one container per requests dict (st.MakePod().Req(...)); no dict means no containers."""
    containers = [{"name": f"c{i}", "image": "registry.k8s.io/pause:3.10",
                   **({"resources": {"requests": dict(r)}} if r else {})} for i, r in enumerate(requests)]
    body: Obj = {"containers": containers, **spec}
    if node:
        body["nodeName"] = node
    if priority is not None:
        body["priority"] = priority
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{namespace}-{name}",
                         "labels": dict(labels or {}), "generation": 1},
            "spec": body, "status": {"phase": "Pending"}}


def build(nodes: list[Obj], pods: list[Obj] = (), plugin_args: dict[str, Obj] | None = None,  # type: ignore[assignment]
          listers: dict[str, Any] | None = None) -> tuple[Framework, Cache]:
    snap = Snapshot()
    cache = Cache(snap)
    for n in nodes:
        cache.add_node(n)
    for p in pods:
        cache.add_pod(p)
    fw = Framework(snap)
    fw.rng = _FakeRng()
    fw.listers = dict(listers or {})
    fw.set_plugins(new_plugins(fw, plugin_args))
    return fw, cache


class _FakeRng:
    def __init__(self) -> None:
        self.random = random.Random(0)


def slots(fw: Framework, names: list[str] | None = None) -> np.ndarray:
    snap = fw.snapshot
    return snap.slots_of(names if names is not None else snap.names)


def scores(fw: Framework, plugin_name: str, pod: Obj, names: list[str] | None = None,
           pre_score: bool = True) -> tuple[list[int], list[int]]:
    """(per-node Score results, vectorised score_batch results) of one plugin, before normalisation."""
    plugin = fw.by_name[plugin_name]
    pi = PodInfo(pod)
    state = CycleState()
    nodes = NodeList(fw.snapshot, slots(fw, names))
    if pre_score:
        s = plugin.pre_score(state, pi, nodes)  # type: ignore[attr-defined]
        assert s is None, s
    per_node = [plugin.score(state, pi, ni) for ni in nodes.infos]  # type: ignore[attr-defined]
    batch = plugin.score_batch(state, pi, NodeList(fw.snapshot, nodes.slots)).tolist()  # type: ignore[attr-defined]
    return per_node, batch
