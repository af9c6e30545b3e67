"""`Cluster`: the composition root and public facade (DESIGN.md, "Public API").

It wires the clock, the seeded RNG, the store, the API server with its admission chain, and the
controllers, then bootstraps the cluster as kubeadm would. Users act on it as `kubectl` would: every
call goes through the API server with the user "kubectl-admin" (visible in the audit log).
"""

from __future__ import annotations

import builtins
import gc
import math
import os
from collections.abc import Callable
from typing import Any

from labk8s._sim import EventLoop, Rng, Trace, ms_to_seconds, seconds_to_ms
from labk8s.api.resources import REGISTRY, ResourceType, UnknownResourceError
from labk8s.apiserver.admission import default_admission_chain
from labk8s.apiserver.codec import deep_copy
from labk8s.apiserver.server import ApiServer
from labk8s.client.client import Client
from labk8s.cluster import bootstrap
from labk8s.cluster.nodes import NodeSpec, node_ip, node_object
from labk8s.controllers.manager import ControllerManager, stored_resources
from labk8s.errors import ApiError
from labk8s.kubectl import apply as kubectl_apply
from labk8s.kubectl.cli import Kubectl
from labk8s.kubectl.manifest import load_manifests
from labk8s.store import Store

Obj = dict[str, Any]
USER = "kubectl-admin"
#: CPython's generation-0 collection threshold while a Cluster lives in the process. The model allocates
#: millions of small, acyclic dicts (objects, events, watch batches); with the default of 700, the cyclic
#: collector rescans them thousands of times per second of simulation and halves throughput.
GC_GEN0_THRESHOLD = 50_000


def _tune_gc() -> None:
    """Raise (never lower) the cyclic collector's thresholds; reference counting still frees everything."""
    gen0, gen1, gen2 = gc.get_threshold()
    if 0 < gen0 < GC_GEN0_THRESHOLD:
        gc.set_threshold(GC_GEN0_THRESHOLD, max(gen1, 20), max(gen2, 100))


class Cluster:
    """A Kubernetes v1.37 cluster on a virtual clock."""

    def __init__(self, nodes: int | list[dict[str, Any]] = 3, seed: int = 0, *, node_cpu: str = "4",
                 node_memory: str = "16Gi", addons: bool = True) -> None:
        _tune_gc()
        self.seed = seed
        self.addons = addons
        self.rng = Rng(seed)
        self.trace = Trace()
        self.loop = EventLoop(self.trace)
        self.store = Store()
        self.api = ApiServer(self.store, self.loop, self.rng.child("kube-apiserver"),
                             admission=default_admission_chain())
        self._client = Client(self.api, USER)
        self._system = Client(self.api, "kubeadm")
        self._node_specs: list[NodeSpec] = []
        self._node_index: dict[str, int] = {}
        specs = self._parse_nodes(nodes, node_cpu, node_memory)
        self._bootstrap(specs)
        self.controller_manager = ControllerManager(Client(self.api, "kube-controller-manager"))
        self.controller_manager.start()
        self._kubectl = Kubectl(Client(self.api, USER))

    # -- construction -------------------------------------------------------------------------------
    @staticmethod
    def _parse_nodes(nodes: int | list[dict[str, Any]], cpu: str, memory: str) -> list[NodeSpec]:
        specs = [NodeSpec("control-plane", control_plane=True)]
        if isinstance(nodes, bool) or not isinstance(nodes, int | list):
            raise TypeError("nodes must be an int or a list of node dicts")
        if isinstance(nodes, int):
            if nodes < 0:
                raise ValueError("nodes must be >= 0")
            specs += [NodeSpec(f"node-{i}", cpu=cpu, memory=memory) for i in range(1, nodes + 1)]
        else:
            specs += [NodeSpec.from_dict(d, cpu, memory) for d in nodes]
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate node names: {names}")
        return specs

    def _bootstrap(self, specs: list[NodeSpec]) -> None:
        sys = self._system
        for ns in bootstrap.SYSTEM_NAMESPACES:
            sys.create(bootstrap.namespace(ns))
        for spec in specs:
            self._register_node(spec)
        cp = self.get("node", "control-plane")
        cp_ip = node_ip(0)
        for component in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
            sys.create(bootstrap.static_pod(component, cp, cp_ip))
        sys.create(bootstrap.kubernetes_service())
        for obj in bootstrap.kubernetes_endpoints(cp_ip):
            sys.create(obj)
        if self.addons:
            sys.create(bootstrap.kube_dns_service())
        sys.create(bootstrap.default_storage_class())

    def _register_node(self, spec: NodeSpec) -> Obj:
        index = len(self._node_specs)
        self._node_specs.append(spec)
        self._node_index[spec.name] = index
        obj = node_object(spec, index, self.loop.now_ms)
        status = obj.pop("status")
        created = deep_copy(self._system.create(obj))
        created["status"] = status
        return deep_copy(self._system.update_status(created))

    # -- objects ------------------------------------------------------------------------------------
    def _rt(self, kind: str) -> ResourceType:
        try:
            return REGISTRY.resolve(kind)
        except UnknownResourceError as exc:
            raise ApiError.not_found_resource_type(str(exc)) from None

    def apply(self, src: Any, namespace: str | None = None) -> list[Obj]:
        """Create or update like `kubectl apply -f` (client-side apply with last-applied-configuration)."""
        return [deep_copy(kubectl_apply.apply_object(self._client, obj, namespace))
                for obj, _ in load_manifests(src)]

    def create(self, obj: Obj, namespace: str | None = None) -> Obj:
        return deep_copy(self._client.create(obj, namespace))

    def replace(self, obj: Obj) -> Obj:
        return deep_copy(self._client.update(obj))

    def get(self, kind: str, name: str, namespace: str = "default") -> Obj:
        return self._client.get(self._rt(kind), namespace, name)

    def list(self, kind: str, namespace: str | None = "default", selector: str | None = None) -> list[Obj]:
        items, _ = self._client.list(self._rt(kind), namespace, label_selector=selector)
        return items

    def patch(self, kind: str, name: str, patch: Obj, namespace: str = "default") -> Obj:
        return deep_copy(self._client.patch(self._rt(kind), namespace, name, patch, "merge"))

    def delete(self, kind: str, name: str, namespace: str = "default", propagation: str = "Background") -> Obj:
        return deep_copy(self._client.delete(self._rt(kind), namespace, name, propagation=propagation))

    def scale(self, kind: str, name: str, replicas: int, namespace: str = "default") -> Obj:
        rt = self._rt(kind)
        if "scale" not in rt.subresources:
            raise ApiError.not_found_resource_type(f'the server could not find the requested resource '
                                                   f'(patch {rt.group_resource} {name})')
        return deep_copy(self._client.patch(rt, namespace, name, {"spec": {"replicas": replicas}}, "merge",
                                            subresource="scale"))

    def dump(self) -> builtins.list[Obj]:
        """Every object of every kind, sorted by (apiVersion, kind, namespace, name)."""
        out: builtins.list[Obj] = []
        for rt in stored_resources():
            out.extend(self.api.read_all(rt, None))
        out.sort(key=lambda o: (o.get("apiVersion", ""), o.get("kind", ""), o["metadata"].get("namespace", ""),
                                o["metadata"]["name"]))
        return out

    def events(self, namespace: str | None = None) -> builtins.list[Obj]:
        """core/v1 Events, oldest first (by lastTimestamp, then creation order)."""
        items = self.api.read_all(self._rt("events"), namespace)
        items.sort(key=lambda e: (e.get("lastTimestamp") or "", int(e["metadata"]["resourceVersion"])))
        return items

    # -- nodes --------------------------------------------------------------------------------------
    def add_node(self, spec: dict[str, Any]) -> Obj:
        ns = NodeSpec.from_dict(spec, "4", "16Gi")
        if ns.name in self._node_index:
            raise ApiError.already_exists("nodes", "", ns.name)
        return self._register_node(ns)

    def remove_node(self, name: str) -> None:
        self._system.delete(self._rt("node"), "", name)

    # -- time ---------------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return ms_to_seconds(self.loop.now_ms)

    def step(self) -> str | None:
        ev = self.loop.step()
        return None if ev is None else f"t={ev.time / 1000:.3f}s {ev.label}"

    def run(self, seconds: float) -> float:
        if seconds < 0 or math.isnan(seconds):
            raise ValueError("seconds must be >= 0")
        self.loop.run_until_time(self.loop.now_ms + seconds_to_ms(seconds))
        return self.now

    def run_until(self, predicate: Callable[[Cluster], bool], timeout: float = 600) -> float:
        deadline = self.loop.now_ms + seconds_to_ms(timeout)
        if predicate(self):
            return self.now
        while True:
            nxt = self.loop.peek()
            if nxt is None or nxt > deadline:
                self.loop.run_until_time(deadline)
                if predicate(self):
                    return self.now
                raise TimeoutError(f"condition not met within {timeout:g}s of virtual time (now {self.now:g}s)")
            self.loop.step()
            if predicate(self):
                return self.now

    # -- kubectl ------------------------------------------------------------------------------------
    def kubectl(self, command: str) -> str:
        return self._kubectl.run(command, cwd=os.getcwd())
