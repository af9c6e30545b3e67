"""The node IPAM controller with the range allocator (pkg/controller/nodeipam/ipam/range_allocator.go).

Each node gets a /24 out of the cluster CIDR 10.244.0.0/16 in spec.podCIDR and spec.podCIDRs. The
allocator (cidrset.CidrSet) remembers where it allocated last and hands out the next free block after it,
wrapping around, so a released block is reused only once the allocator has gone round. Nodes that already
carry a podCIDR (kubeadm's bootstrap nodes, or after a controller restart) keep it and mark it used; a
deleted node's blocks are released. When the range is exhausted the node gets a `CIDRNotAvailable`
event.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from labk8s._sim import Rng
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory
from labk8s.client.record import EventRecorder
from labk8s.client.workqueue import WorkQueue
from labk8s.errors import ApiError

Obj = dict[str, Any]

COMPONENT = "cidrAllocator"
#: kube-controller-manager --cluster-cidr (kubeadm's podSubnet in this cluster).
CLUSTER_CIDR = "10.244.0.0/16"
#: --node-cidr-mask-size (IPv4 default 24).
NODE_CIDR_MASK_SIZE = 24
#: --service-cluster-ip-range; blocks overlapping it are never handed out.
SERVICE_CIDR = "10.96.0.0/12"
#: cidrUpdateRetries: attempts at patching a node's podCIDRs.
CIDR_UPDATE_RETRIES = 3


class CidrSet:
    """cidrset.CidrSet: the node-sized blocks of one cluster CIDR, as a bitmap with a rotating cursor."""

    def __init__(self, cluster_cidr: str, node_mask_size: int) -> None:
        self.cluster = ipaddress.ip_network(cluster_cidr, strict=False)  # ParseCIDR masks host bits
        if node_mask_size < self.cluster.prefixlen:
            raise ValueError(f"node CIDR mask /{node_mask_size} is larger than the cluster CIDR {cluster_cidr}")
        self.node_mask_size = node_mask_size
        self.max_cidrs = 1 << (node_mask_size - self.cluster.prefixlen)
        self.allocated = 0
        self.next_candidate = 0
        self._used: set[int] = set()

    def block(self, index: int) -> str:
        size = 1 << (self.cluster.max_prefixlen - self.node_mask_size)
        return str(ipaddress.ip_network((int(self.cluster.network_address) + index * size, self.node_mask_size)))

    def is_used(self, cidr: str) -> bool:
        begin, end = self._indices(cidr)
        return all(i in self._used for i in range(begin, end + 1))

    def allocate_next(self) -> str:
        if self.allocated == self.max_cidrs:
            raise ValueError("CIDR allocation failed; there are no remaining CIDRs left to allocate in the "
                             "accepted range")
        candidate = self.next_candidate
        for _ in range(self.max_cidrs):
            if candidate not in self._used:
                break
            candidate = (candidate + 1) % self.max_cidrs
        self.next_candidate = (candidate + 1) % self.max_cidrs
        self._used.add(candidate)
        self.allocated += 1
        return self.block(candidate)

    def occupy(self, cidr: str) -> None:
        begin, end = self._indices(cidr)
        for i in range(begin, end + 1):
            if i not in self._used:
                self._used.add(i)
                self.allocated += 1

    def release(self, cidr: str) -> None:
        begin, end = self._indices(cidr)
        for i in range(begin, end + 1):
            if i in self._used:
                self._used.discard(i)
                self.allocated -= 1

    def _indices(self, cidr: str) -> tuple[int, int]:
        """getBeginningAndEndIndices: the blocks a CIDR covers (clipped to the cluster CIDR)."""
        net = ipaddress.ip_network(cidr, strict=False)
        if net.version != self.cluster.version or not (net.overlaps(self.cluster)):
            raise ValueError(f"cidr {cidr} is out the range of cluster cidr {self.cluster}")
        if net.prefixlen <= self.cluster.prefixlen:
            return 0, self.max_cidrs - 1
        shift = self.cluster.max_prefixlen - self.node_mask_size
        base = int(self.cluster.network_address)
        begin = (int(net.network_address) - base) >> shift
        end = (int(net.broadcast_address) - base) >> shift
        return begin, end


class NodeIpamController:
    def __init__(self, client: Client, factory: InformerFactory, rng: Rng | None = None, *,
                 cluster_cidr: str = CLUSTER_CIDR, node_cidr_mask_size: int = NODE_CIDR_MASK_SIZE,
                 service_cidr: str | None = SERVICE_CIDR) -> None:
        self.client = client
        self.rng = rng  # unused: allocation is deterministic
        self.cidr_set = CidrSet(cluster_cidr, node_cidr_mask_size)
        self.recorder = EventRecorder(client, COMPONENT)
        self._rt = client.resource("", "Node")
        if service_cidr is not None and ipaddress.ip_network(service_cidr, strict=False).overlaps(self.cidr_set.cluster):
            self.cidr_set.occupy(service_cidr)
        # NewCIDRRangeAllocator gets the current node list so existing podCIDRs are marked before
        # any new node is given one.
        items, _ = client.list(self._rt)
        for node in items:
            self._occupy(node)
        self.nodes = factory.for_resource(self._rt)
        self.queue = WorkQueue(client.loop, "cidrallocator_node", self._sync_node)
        self.nodes.add_event_handler(self._on_add, self._on_update, self._on_delete)

    # -- handlers ------------------------------------------------------------------------------------
    def _on_add(self, node: Obj) -> None:
        self.queue.add(node["metadata"]["name"])

    def _on_update(self, old: Obj, new: Obj) -> None:
        # Upstream queues every update; syncing a node whose podCIDRs did not change only re-occupies
        # the same blocks, so those updates are skipped.
        if not _pod_cidrs(new) or _pod_cidrs(new) != _pod_cidrs(old) or new["metadata"].get("deletionTimestamp"):
            self.queue.add(new["metadata"]["name"])

    def _on_delete(self, node: Obj) -> None:
        # As upstream, the release happens in the handler: the informer no longer has the node.
        self._release(node)
        self.queue.add(node["metadata"]["name"])

    # -- reconcile -----------------------------------------------------------------------------------
    def _sync_node(self, name: str) -> None:
        node = self.nodes.get("", name)
        if node is None:
            return
        if node["metadata"].get("deletionTimestamp"):
            self._release(node)
            return
        if _pod_cidrs(node):
            self._occupy(node)
            return
        try:
            cidr = self.cidr_set.allocate_next()
        except ValueError:
            self._status_change(node, "Warning", "CIDRNotAvailable")
            self.queue.add_rate_limited(name)
            return
        self._update_cidrs_allocation(name, [cidr])

    def _update_cidrs_allocation(self, name: str, cidrs: list[str]) -> None:
        node = self.nodes.get("", name)
        if node is None:
            for c in cidrs:
                self.cidr_set.release(c)
            return
        existing = _pod_cidrs(node)
        if existing == cidrs:
            return
        if existing:  # someone else assigned one meanwhile: give ours back
            for c in cidrs:
                self.cidr_set.release(c)
            return
        err: ApiError | None = None
        for _ in range(CIDR_UPDATE_RETRIES):
            try:
                self.client.patch(self._rt, "", name, {"spec": {"podCIDR": cidrs[0], "podCIDRs": cidrs}},
                                  "strategic")
                self.queue.forget(name)
                return
            except ApiError as exc:
                err = exc
        self._status_change(node, "Warning", "CIDRAssignmentFailed")
        if err is not None and err.code != 504:  # a timeout may have gone through: keep the block
            for c in cidrs:
                self.cidr_set.release(c)
        if err is not None and err.code != 404:
            self.queue.add_rate_limited(name)

    def _occupy(self, node: Obj) -> None:
        for cidr in _pod_cidrs(node)[:1]:  # single-stack: one cluster CIDR
            try:
                self.cidr_set.occupy(cidr)
            except ValueError:
                pass  # outside the cluster CIDR: not ours to track

    def _release(self, node: Obj) -> None:
        for cidr in _pod_cidrs(node)[:1]:
            try:
                self.cidr_set.release(cidr)
            except ValueError:
                pass

    def _status_change(self, node: Obj, type_: str, status: str) -> None:
        """RecordNodeStatusChange: `Node <name> status is now: <status>`."""
        name = node["metadata"]["name"]
        ref = {"kind": "Node", "name": name, "uid": node["metadata"].get("uid", ""), "apiVersion": "v1"}
        self.recorder.record(ref, type_, status, f"Node {name} status is now: {status}")


def _pod_cidrs(node: Obj) -> list[str]:
    spec = node.get("spec") or {}
    cidrs = list(spec.get("podCIDRs") or [])
    if not cidrs and spec.get("podCIDR"):
        cidrs = [spec["podCIDR"]]
    return cidrs
