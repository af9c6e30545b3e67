"""Tests of the controllers. `NodeSim` is shared by the node controllers' tests.

NodeSim is a Cluster with no worker machines and no add-ons: its control-plane machine has a real kubelet
(which registers its Node and renews its Lease every 10 s from t = 0), and its kube-controller-manager runs
the node IPAM, node lifecycle, taint eviction and pod GC controllers from t = 0. The worker nodes of a test
are Node objects made by hand, with names that have no machine; each live one's "kubelet" is a Lease
renewal every 10 s (the kubelet's renewInterval), 2 s past the tens so that renewals never coincide with
the 5 s node-monitor ticks; a dead kubelet is simply a node that is no longer renewed. The control plane's
kubelet is stopped and started with the cluster's own fail_node / recover_node.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from labk8s import Cluster
from labk8s._sim import format_rfc3339, format_rfc3339_micro
from labk8s.client.client import Client
from labk8s.controllers.nodeipam import NodeIpamController
from labk8s.controllers.nodelifecycle import NodeLifecycleController
from labk8s.controllers.podgc import PodGCController
from labk8s.controllers.tainteviction import TaintEvictionController

Obj = dict[str, Any]

RENEW_INTERVAL_MS = 10_000
#: The controller-manager attribute that holds the running instance of each controller class.
RUNNING = {NodeIpamController: "node_ipam", NodeLifecycleController: "node_lifecycle",
           TaintEvictionController: "taint_eviction", PodGCController: "pod_gc"}


class NodeSim:
    def __init__(self, seed: int = 0, renew_phase_ms: int = 2_000) -> None:
        self.c = Cluster(nodes=0, seed=seed, addons=False)
        self.loop = self.c.loop
        self.admin = Client(self.c.api, "kubeadm")
        self.kcm = Client(self.c.api, "system:kube-controller-manager")
        self.alive: set[str] = set()
        self._lease_rt = self.admin.resource("coordination.k8s.io", "Lease")
        self._node_rt = self.admin.resource("", "Node")
        self._pod_rt = self.admin.resource("", "Pod")
        self.loop.call_later(renew_phase_ms, self._renew_all, "test: kubelets renew their leases")

    # -- nodes -------------------------------------------------------------------------------------
    def add_node(self, name: str, zone: str | None = None, labels: dict[str, str] | None = None,
                 pod_cidr: str | None = None, conditions: bool = True, lease: bool = True) -> Obj:
        meta_labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                       "beta.kubernetes.io/os": "linux"}
        if zone:
            meta_labels["topology.kubernetes.io/zone"] = zone
        meta_labels.update(labels or {})
        spec: Obj = {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]} if pod_cidr else {}
        node = self.admin.create({"apiVersion": "v1", "kind": "Node",
                                  "metadata": {"name": name, "labels": meta_labels}, "spec": spec})
        if conditions:
            node = self.post_status(name, "True")
        if lease:
            self.add_lease(name)
        return node

    def add_lease(self, name: str) -> None:
        self.admin.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                           "metadata": {"name": name, "namespace": "kube-node-lease"},
                           "spec": {"holderIdentity": name, "leaseDurationSeconds": 40,
                                    "renewTime": format_rfc3339_micro(self.loop.now_ms)}})
        self.alive.add(name)

    def post_status(self, name: str, ready: str, reason: str = "KubeletReady",
                    message: str = "kubelet is posting ready status") -> Obj:
        """What the kubelet's node status update does: fresh heartbeats; transitions when the status moves."""
        node = self.admin.get(self._node_rt, "", name)
        stamp = format_rfc3339(self.loop.now_ms)
        old = {c["type"]: c for c in (node.get("status") or {}).get("conditions") or []}
        wanted = [("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                  ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                  ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                  ("Ready", ready, reason, message)]
        conds = []
        for type_, status, r, m in wanted:
            prev = old.get(type_)
            moved = prev is None or prev["status"] != status
            conds.append({"type": type_, "status": status, "lastHeartbeatTime": stamp,
                          "lastTransitionTime": stamp if prev is None or moved else prev["lastTransitionTime"],
                          "reason": r, "message": m})
        node["status"] = dict(node.get("status") or {}, conditions=conds)
        return self.admin.update_status(node)

    def renew(self, name: str) -> None:
        lease = self.admin.get(self._lease_rt, "kube-node-lease", name)
        lease["spec"]["renewTime"] = format_rfc3339_micro(self.loop.now_ms)
        self.admin.update(lease)

    def _renew_all(self) -> None:
        for name in sorted(self.alive):
            self.renew(name)
        self.loop.call_later(RENEW_INTERVAL_MS, self._renew_all, "test: kubelets renew their leases")

    def kill(self, *names: str) -> None:
        """The kubelet stops: no more lease renewals or status updates."""
        for name in names:
            if name in self.c.machines:
                self.c.fail_node(name)
            self.alive.discard(name)

    def revive(self, *names: str) -> None:
        """The kubelet is back: it posts Ready and renews its lease at once."""
        for name in names:
            if name in self.c.machines:
                self.c.recover_node(name)
                continue
            self.post_status(name, "True")
            self.renew(name)
            self.alive.add(name)

    def node(self, name: str) -> Obj:
        return self.admin.get(self._node_rt, "", name)

    def taints(self, name: str) -> list[tuple[str, str, str | None]]:
        return [(t["key"], t["effect"], t.get("timeAdded"))
                for t in (self.node(name).get("spec") or {}).get("taints") or []]

    def ready(self, name: str) -> Obj:
        return next(c for c in self.node(name)["status"]["conditions"] if c["type"] == "Ready")

    # -- pods --------------------------------------------------------------------------------------
    def add_pod(self, name: str, node: str, tolerations: list[Obj] | None = None, ready: bool = True,
                namespace: str = "default", phase: str = "Running") -> Obj:
        spec: Obj = {"nodeName": node, "containers": [{"name": "app", "image": "nginx:1.25"}]}
        if tolerations is not None:
            spec["tolerations"] = tolerations
        pod = self.admin.create({"apiVersion": "v1", "kind": "Pod",
                                 "metadata": {"name": name, "namespace": namespace}, "spec": spec})
        if ready:
            stamp = format_rfc3339(self.loop.now_ms)
            pod = copy.deepcopy(pod)  # what create returns is shared with the watchers: never change it
            pod["status"] = dict(pod.get("status") or {}, phase=phase, conditions=[
                {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": stamp}
                for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")])
            pod = self.admin.update_status(pod)
        return pod

    def pod(self, name: str, namespace: str = "default") -> Obj | None:
        items, _ = self.admin.list(self._pod_rt, namespace)
        return next((p for p in items if p["metadata"]["name"] == name), None)

    # -- running -----------------------------------------------------------------------------------
    def start(self, *controllers: Callable[..., Any]) -> list[Any]:
        """The cluster's own running instances of these controller classes (its kube-controller-manager
        started them at t = 0; a second instance would act twice). The keyword arguments of a
        ``partial(Controller, flag=value)`` are set on the running instance, like that command-line flag."""
        made = []
        for ctor in controllers:
            flags: dict[str, Any] = {}
            if isinstance(ctor, partial):
                flags = dict(ctor.keywords)
                ctor = ctor.func
            running = getattr(self.c.controller_manager, RUNNING[ctor])  # type: ignore[index]
            for flag, value in flags.items():
                assert hasattr(running, flag), flag
                setattr(running, flag, value)
            made.append(running)
        return made

    def at(self, seconds: float, fn: Callable[[], object]) -> None:
        self.loop.call_at(int(round(seconds * 1000)), fn, "test: action")

    def run_to(self, seconds: float) -> None:
        self.c.run(seconds - self.c.now)

    def when(self, predicate: Callable[[], bool], timeout: float = 900) -> float:
        """The virtual time (s) at which `predicate` first holds."""
        return self.c.run_until(lambda _c: predicate(), timeout=timeout)

    def events(self, reason: str | None = None, name: str | None = None) -> list[Obj]:
        return [e for e in self.c.events(None)
                if (reason is None or e["reason"] == reason)
                and (name is None or e["involvedObject"]["name"] == name)]
