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
import shlex
from collections.abc import Callable
from typing import Any

from labk8s._sim import EventLoop, Rng, Trace, ms_to_seconds, seconds_to_ms
from labk8s.api.resources import REGISTRY, ResourceType, UnknownResourceError
from labk8s.apiserver.admission import default_admission_chain
from labk8s.apiserver.codec import deep_copy
from labk8s.apiserver.server import ApiServer
from labk8s.client.client import Client
from labk8s.cluster import bootstrap
from labk8s.cluster.machines import CLUSTER_CIDR, Machine, build_machine, check_cluster_cidr
from labk8s.cluster.machines import pod_cidr as pod_cidr_of
from labk8s.cluster.nodes import NodeSpec, node_ip
from labk8s.controllers.manager import ControllerManager, stored_resources
from labk8s.errors import ApiError
from labk8s.kubectl import apply as kubectl_apply
from labk8s.kubectl.cli import Kubectl
from labk8s.kubectl.manifest import load_manifests
from labk8s.node.images.registry import Registry
from labk8s.scheduler.scheduler import Scheduler
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
                 node_memory: str = "16Gi", addons: bool = True, pod_cidr: str = CLUSTER_CIDR) -> None:
        """``pod_cidr`` is kubeadm's podSubnet (kube-controller-manager --cluster-cidr): each node gets the
        next /24 of it, so the default 10.244.0.0/16 holds 256 nodes; pass a wider one (for example
        "10.128.0.0/9") for larger clusters."""
        _tune_gc()
        check_cluster_cidr(pod_cidr)
        self.pod_cidr = pod_cidr
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
        #: The image registry every node pulls from (`c.registry.push(...)`, `c.registry.delete(...)`).
        self.registry = Registry()
        self.machines: dict[str, Machine] = {}
        self._next_index = 0
        specs = self._parse_nodes(nodes, node_cpu, node_memory)
        pod_cidr_of(len(specs) - 1, pod_cidr)  # every machine gets a node range, or fail before booting any
        self._bootstrap(specs)
        self.controller_manager = ControllerManager(Client(self.api, "system:kube-controller-manager"),
                                                    cluster_cidr=pod_cidr)
        self.controller_manager.start()
        self.scheduler = Scheduler(Client(self.api, "system:kube-scheduler"), self.rng.child("kube-scheduler"))
        self.scheduler.start()
        self._kubectl = Kubectl(Client(self.api, USER), logs=self._logs, exec=self._exec_for_kubectl)

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
            self._start_machine(spec)
        sys.create(bootstrap.kubernetes_service())
        for obj in bootstrap.kubernetes_endpoints(node_ip(0)):
            sys.create(obj)
        if self.addons:
            sys.create(bootstrap.kube_dns_service())
        sys.create(bootstrap.default_storage_class())

    def _start_machine(self, spec: NodeSpec) -> Machine:
        """Boot a machine: its containerd and kubelet; the kubelet registers the Node."""
        # Machine indexes (IP, podCIDR) only ever grow: a removed machine's address is not reused.
        machine = build_machine(spec, self._next_index, self.api, self.loop, self.rng, self.registry,
                                self.pod_cidr)
        self._next_index += 1
        self.machines[spec.name] = machine
        machine.kubelet.start()
        return machine

    def _machine(self, name: str) -> Machine:
        found = self.machines.get(name)
        if found is None:
            raise ApiError.not_found("nodes", "", name)
        return found

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

    # -- nodes and containers --------------------------------------------------------------------------
    def add_node(self, spec: dict[str, Any]) -> Obj:
        """A new machine joins: its kubelet registers the Node."""
        ns = NodeSpec.from_dict(spec, "4", "16Gi")
        if ns.name in self.machines:
            raise ApiError.already_exists("nodes", "", ns.name)
        self._start_machine(ns)
        return self.get("node", ns.name)

    def remove_node(self, name: str) -> None:
        """The machine is switched off for good and its Node deleted (`kubectl delete node`)."""
        machine = self._machine(name)
        if machine.powered:
            machine.kubelet.power_off()
            machine.powered = False
        self._system.delete(self._rt("node"), "", name)
        del self.machines[name]

    def fail_node(self, name: str) -> None:
        """The machine loses power: containers stop, heartbeats stop; the control plane notices later."""
        machine = self._machine(name)
        if machine.powered:
            machine.kubelet.power_off()
            machine.powered = False

    def recover_node(self, name: str) -> None:
        """Power comes back: the kubelet starts again and reconciles its pods with the API."""
        machine = self._machine(name)
        if not machine.powered:
            machine.kubelet.power_on()
            machine.powered = True

    def _pod_machine(self, pod: str, namespace: str) -> Machine:
        node = (self.get("pod", pod, namespace).get("spec") or {}).get("nodeName")
        if not node or node not in self.machines:
            raise ApiError.bad_request(f"pod {pod} does not have a host assigned")
        return self.machines[node]

    def kill_container(self, pod: str, container: str | None = None, namespace: str = "default",
                       exit_code: int = 137) -> None:
        """The container's main process dies with `exit_code` (137: killed, as by the OOM killer)."""
        self._pod_machine(pod, namespace).kubelet.kill_container(namespace, pod, container, exit_code)

    def exec(self, pod: str, command: str | builtins.list[str], namespace: str = "default", container: str | None = None,
             timeout: float = 60) -> str:
        """Like `kubectl exec pod -- command`: the command's output (stdout then stderr)."""
        _, text = self._run_exec(pod, command, namespace, container, timeout)
        return text

    def _exec_for_kubectl(self, pod: str, argv: builtins.list[str], namespace: str,
                          container: str | None) -> tuple[int, str]:
        return self._run_exec(pod, argv, namespace, container, 60)

    def _run_exec(self, pod: str, command: str | builtins.list[str], namespace: str, container: str | None,
                  timeout: float) -> tuple[int, str]:
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        result: builtins.list[tuple[int, str, str]] = []
        self._pod_machine(pod, namespace).kubelet.exec(namespace, pod, argv, lambda code, out, err: result.append(
            (code, out, err)), container)
        deadline = self.loop.now_ms + seconds_to_ms(timeout)
        while not result and self.loop.peek() is not None and self.loop.peek() <= deadline:  # type: ignore[operator]
            self.loop.step()
        if not result:
            raise TimeoutError(f"command did not finish within {timeout:g}s of virtual time")
        code, out, err = result[0]
        return code, out + err

    def node_exec(self, node: str, command: str) -> str:
        """A shell on the node: crictl ps|pods|images, ls/cat of /etc/cni/net.d and /var/lib/cni, ip route."""
        return str(self._machine(node).shell()(command))

    def _logs(self, namespace: str, pod: str, container: str | None, previous: bool, tail: int | None) -> str:
        return self._pod_machine(pod, namespace).kubelet.logs(namespace, pod, container, previous, tail)

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
