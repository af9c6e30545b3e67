"""NodeInfo: one node with the pods on it and their aggregated requests (framework.NodeInfo).

The scheduler cache keeps one NodeInfo per node and updates it incrementally; the snapshot mirrors its
integer totals into arrays for the vectorised filters and scores (cache/snapshot.py). Preemption and
nominated-pod evaluation work on ``clone()`` copies, never on the cache's objects.
"""

from __future__ import annotations

import itertools
from typing import Any

from labk8s.scheduler.framework.resource import Resource
from labk8s.scheduler.framework.types import PodInfo

Obj = dict[str, Any]

DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"
_generation = itertools.count(1)


class ImageState:
    """The cache's view of one image: its size and the nodes that hold it (ImageStateSummary)."""

    __slots__ = ("size", "nodes")

    def __init__(self, size: int) -> None:
        self.size = size
        self.nodes: set[str] = set()

    @property
    def num_nodes(self) -> int:
        return len(self.nodes)


class HostPortInfo:
    """fwk.HostPortInfo: host IP -> set of (protocol, port)."""

    __slots__ = ("ports",)

    def __init__(self) -> None:
        self.ports: dict[str, set[tuple[str, int]]] = {}

    @staticmethod
    def _sanitize(ip: str, protocol: str) -> tuple[str, str]:
        return ip or DEFAULT_BIND_ALL_HOST_IP, protocol or "TCP"

    def add(self, ip: str, protocol: str, port: int) -> None:
        if port <= 0:
            return
        ip, protocol = self._sanitize(ip, protocol)
        self.ports.setdefault(ip, set()).add((protocol, port))

    def remove(self, ip: str, protocol: str, port: int) -> None:
        if port <= 0:
            return
        ip, protocol = self._sanitize(ip, protocol)
        m = self.ports.get(ip)
        if m is not None:
            m.discard((protocol, port))
            if not m:
                del self.ports[ip]

    def check_conflict(self, ip: str, protocol: str, port: int) -> bool:
        if port <= 0:
            return False
        ip, protocol = self._sanitize(ip, protocol)
        pp = (protocol, port)
        if ip == DEFAULT_BIND_ALL_HOST_IP:
            return any(pp in m for m in self.ports.values())
        return any(pp in self.ports.get(k, ()) for k in (DEFAULT_BIND_ALL_HOST_IP, ip))

    def __len__(self) -> int:
        return len(self.ports)

    def clone(self) -> HostPortInfo:
        c = HostPortInfo()
        c.ports = {ip: set(m) for ip, m in self.ports.items()}
        return c


class NodeInfo:
    __slots__ = ("node", "name", "pods", "pods_with_affinity", "pods_with_required_anti_affinity", "used_ports",
                 "requested", "non_zero_requested", "allocatable", "image_states", "pvc_ref_counts", "generation",
                 "slot")

    def __init__(self, node: Obj | None = None) -> None:
        self.node: Obj | None = None
        self.name = ""
        self.pods: dict[str, PodInfo] = {}
        self.pods_with_affinity: dict[str, PodInfo] = {}
        self.pods_with_required_anti_affinity: dict[str, PodInfo] = {}
        self.used_ports = HostPortInfo()
        self.requested = Resource()
        self.non_zero_requested = Resource()
        self.allocatable = Resource()
        self.image_states: dict[str, ImageState] = {}
        self.pvc_ref_counts: dict[str, int] = {}
        self.generation = next(_generation)
        self.slot = -1
        if node is not None:
            self.set_node(node)

    # -- node ---------------------------------------------------------------------------------------
    def set_node(self, node: Obj) -> None:
        self.node = node
        self.name = node["metadata"]["name"]
        self.allocatable = Resource.from_list((node.get("status") or {}).get("allocatable"))
        self.generation = next(_generation)

    @property
    def labels(self) -> dict[str, str]:
        return (self.node or {}).get("metadata", {}).get("labels") or {}

    @property
    def taints(self) -> list[Obj]:
        return ((self.node or {}).get("spec") or {}).get("taints") or []

    @property
    def unschedulable(self) -> bool:
        return bool(((self.node or {}).get("spec") or {}).get("unschedulable"))

    # -- pods ---------------------------------------------------------------------------------------
    def add_pod_info(self, pi: PodInfo) -> None:
        self.pods[pi.key] = pi
        if pi.has_affinity():
            self.pods_with_affinity[pi.key] = pi
        if pi.has_required_anti_affinity():
            self.pods_with_required_anti_affinity[pi.key] = pi
        self._update(pi, 1)

    def remove_pod(self, key: str) -> PodInfo | None:
        pi = self.pods.pop(key, None)
        if pi is None:
            return None
        self.pods_with_affinity.pop(key, None)
        self.pods_with_required_anti_affinity.pop(key, None)
        self._update(pi, -1)
        return pi

    def _update(self, pi: PodInfo, sign: int) -> None:
        res = pi.resource
        req = res.requests
        r = self.requested
        r.milli_cpu += sign * req.milli_cpu
        r.memory += sign * req.memory
        r.ephemeral_storage += sign * req.ephemeral_storage
        if req.scalar:
            for name, q in req.scalar.items():
                r.scalar[name] = r.scalar.get(name, 0) + sign * q
        nz = self.non_zero_requested
        nz.milli_cpu += sign * res.non0_cpu
        nz.memory += sign * res.non0_mem
        for ip, proto, port in pi.host_ports:
            if sign > 0:
                self.used_ports.add(ip, proto, port)
            else:
                self.used_ports.remove(ip, proto, port)
        if pi.spec.get("volumes"):
            ns = pi.namespace
            for v in pi.spec.get("volumes") or ():
                pvc = v.get("persistentVolumeClaim")
                if pvc is None:
                    continue
                key = f"{ns}/{pvc.get('claimName', '')}"
                n = self.pvc_ref_counts.get(key, 0) + sign
                if n <= 0:
                    self.pvc_ref_counts.pop(key, None)
                else:
                    self.pvc_ref_counts[key] = n
        self.generation = next(_generation)

    # -- copies -------------------------------------------------------------------------------------
    def clone(self) -> NodeInfo:
        """NodeInfo.Snapshot: an independent copy (image states shared, as upstream summarises them)."""
        c = NodeInfo.__new__(NodeInfo)
        c.node = self.node
        c.name = self.name
        c.pods = dict(self.pods)
        c.pods_with_affinity = dict(self.pods_with_affinity)
        c.pods_with_required_anti_affinity = dict(self.pods_with_required_anti_affinity)
        c.used_ports = self.used_ports.clone()
        c.requested = self.requested.clone()
        c.non_zero_requested = self.non_zero_requested.clone()
        c.allocatable = self.allocatable.clone()
        c.image_states = self.image_states
        c.pvc_ref_counts = dict(self.pvc_ref_counts)
        c.generation = self.generation
        c.slot = -1
        return c

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)}, requested={self.requested})"
