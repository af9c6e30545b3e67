"""The node snapshot the scheduling algorithm reads: NodeInfos in node-tree order, and their integer
totals mirrored into numpy arrays indexed by slot.

A cycle runs inside one event of the loop, so nothing changes while it runs: the cache updates this
structure incrementally (one slot per pod event) and a cycle reads it without copying. Arrays hold the
exact int64 values NodeInfo holds (milli-CPU, bytes, pod counts); the vectorised plugins compute the
same integers and floats upstream computes per node.

Node order is upstream's nodeTree: zones in order of first appearance, nodes of each zone in order of
addition, listed round-robin across zones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from labk8s.scheduler.framework.node_info import ImageState, NodeInfo
from labk8s.scheduler.framework.types import PodInfo

Obj = dict[str, Any]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_INT_FIELDS = ("alloc_cpu", "alloc_mem", "alloc_eph", "alloc_pods", "req_cpu", "req_mem", "req_eph", "nz_cpu",
               "nz_mem", "pod_count")
_BOOL_FIELDS = ("valid", "unschedulable", "hard_taints", "prefer_taints", "has_ports", "has_scalar")
LABEL_ZONE = "topology.kubernetes.io/zone"
LABEL_REGION = "topology.kubernetes.io/region"
_LABEL_ZONE_BETA = "failure-domain.beta.kubernetes.io/zone"
_LABEL_REGION_BETA = "failure-domain.beta.kubernetes.io/region"


def zone_key(node: Obj) -> str:
    """utilnode.GetZoneKey: region and zone joined by ':\\x00:', empty when neither is set."""
    labels = node["metadata"].get("labels") or {}
    region = labels.get(LABEL_REGION) or labels.get(_LABEL_REGION_BETA) or ""
    zone = labels.get(LABEL_ZONE) or labels.get(_LABEL_ZONE_BETA) or ""
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"


class Snapshot:
    def __init__(self) -> None:
        self.slot_infos: list[NodeInfo | None] = []
        self.by_name: dict[str, NodeInfo] = {}
        # Nodes deleted while pods remain on them: kept, unlisted, until their pods go (cache.RemoveNode).
        self.ghosts: dict[str, NodeInfo] = {}
        self._free: list[int] = []
        self._tree: dict[str, list[str]] = {}
        self._zones: list[str] = []
        self.order: IntArray = np.zeros(0, dtype=np.int64)
        self.names: list[str] = []
        #: Node name by slot, replaced (never mutated) when nodes come or go, so records can keep it.
        self.slot_names: tuple[str, ...] = ()
        self.image_states: dict[str, ImageState] = {}
        #: Per image, which slots hold it (ImageState.nodes as a mask, for the vectorised ImageLocality).
        self.image_slots: dict[str, BoolArray] = {}
        self.affinity_slots: set[int] = set()
        self.anti_affinity_slots: set[int] = set()
        self._cap = 0
        self.alloc_cpu = self.alloc_mem = self.alloc_eph = self.alloc_pods = np.zeros(0, dtype=np.int64)
        self.req_cpu = self.req_mem = self.req_eph = self.nz_cpu = self.nz_mem = self.pod_count = self.alloc_cpu
        self.valid = self.unschedulable = self.hard_taints = self.prefer_taints = np.zeros(0, dtype=np.bool_)
        self.has_ports = self.has_scalar = self.valid
        self._grow(64)

    # -- sizes --------------------------------------------------------------------------------------
    def num_nodes(self) -> int:
        return len(self.names)

    def _grow(self, cap: int) -> None:
        old = self._cap
        for f in _INT_FIELDS:
            arr = np.zeros(cap, dtype=np.int64)
            arr[:old] = getattr(self, f)[:old]
            setattr(self, f, arr)
        for f in _BOOL_FIELDS:
            barr = np.zeros(cap, dtype=np.bool_)
            barr[:old] = getattr(self, f)[:old]
            setattr(self, f, barr)
        for name, mask in self.image_slots.items():
            grown = np.zeros(cap, dtype=np.bool_)
            grown[:old] = mask[:old]
            self.image_slots[name] = grown
        self._cap = cap

    # -- lookups ------------------------------------------------------------------------------------
    def get(self, name: str) -> NodeInfo | None:
        return self.by_name.get(name)

    def get_any(self, name: str) -> NodeInfo | None:
        """A listed node or a ghost (deleted node that still has pods)."""
        ni = self.by_name.get(name)
        return ni if ni is not None else self.ghosts.get(name)

    def list_nodes(self) -> list[NodeInfo]:
        """NodeInfos().List(): every node, in node-tree order."""
        by_name = self.by_name
        return [by_name[n] for n in self.names]

    def _in_order(self, slots: set[int]) -> list[NodeInfo]:
        if not slots:
            return []
        infos = self.slot_infos
        return [infos[s] for s in self.order.tolist() if s in slots]

    def have_pods_with_affinity(self) -> list[NodeInfo]:
        """HavePodsWithAffinityList: nodes holding pods with pod (anti-)affinity, in node order."""
        return self._in_order(self.affinity_slots)

    def have_pods_with_required_anti_affinity(self) -> list[NodeInfo]:
        return self._in_order(self.anti_affinity_slots)

    def slots_of(self, names: list[str]) -> IntArray:
        by_name = self.by_name
        return np.array([by_name[n].slot for n in names if n in by_name], dtype=np.int64)

    # -- nodes --------------------------------------------------------------------------------------
    def add_node(self, node: Obj) -> NodeInfo:
        name = node["metadata"]["name"]
        ni = self.by_name.get(name)
        if ni is not None:
            self.update_node(ni.node or node, node)
            return ni
        ni = self.ghosts.pop(name, None)
        if ni is None:
            ni = NodeInfo(node)
        else:
            ni.set_node(node)
        if self._free:
            slot = self._free.pop()
        else:
            slot = len(self.slot_infos)
            self.slot_infos.append(None)
            if slot >= self._cap:
                self._grow(self._cap * 2)
        ni.slot = slot
        self.slot_infos[slot] = ni
        self.by_name[name] = ni
        self._tree_add(name, zone_key(node))
        self._add_images(ni)
        self.sync(ni)
        self._rebuild_order()
        return ni

    def update_node(self, old: Obj, new: Obj) -> NodeInfo | None:
        ni = self.by_name.get(new["metadata"]["name"])
        if ni is None:
            return self.add_node(new)
        old_zone, new_zone = zone_key(old), zone_key(new)
        images_changed = (old.get("status") or {}).get("images") != (new.get("status") or {}).get("images")
        if images_changed:
            self._remove_images(ni)
        ni.set_node(new)
        if images_changed:
            self._add_images(ni)
        self.sync(ni)
        if old_zone != new_zone:
            self._tree_remove(ni.name, old_zone)
            self._tree_add(ni.name, new_zone)
            self._rebuild_order()
        return ni

    def remove_node(self, node: Obj) -> NodeInfo | None:
        name = node["metadata"]["name"]
        ni = self.by_name.pop(name, None)
        if ni is None:
            return None
        self._tree_remove(name, zone_key(ni.node or node))
        self._remove_images(ni)
        slot = ni.slot
        self.slot_infos[slot] = None
        self.valid[slot] = False
        self.affinity_slots.discard(slot)
        self.anti_affinity_slots.discard(slot)
        self._free.append(slot)
        ni.slot = -1
        if ni.pods:
            self.ghosts[name] = ni
        self._rebuild_order()
        return ni

    def _tree_add(self, name: str, zone: str) -> None:
        members = self._tree.get(zone)
        if members is None:
            self._zones.append(zone)
            self._tree[zone] = [name]
        elif name not in members:
            members.append(name)

    def _tree_remove(self, name: str, zone: str) -> None:
        members = self._tree.get(zone)
        if members is not None and name in members:
            members.remove(name)
            if not members:
                del self._tree[zone]
                self._zones.remove(zone)

    def _rebuild_order(self) -> None:
        """nodeTree.list(): round-robin over zones."""
        names: list[str] = []
        lists = [self._tree[z] for z in self._zones]
        depth = max((len(m) for m in lists), default=0)
        for i in range(depth):
            for m in lists:
                if i < len(m):
                    names.append(m[i])
        self.names = names
        self.order = np.array([self.by_name[n].slot for n in names], dtype=np.int64)
        self.slot_names = tuple(ni.name if ni is not None else "" for ni in self.slot_infos)

    # -- images -------------------------------------------------------------------------------------
    def _add_images(self, ni: NodeInfo) -> None:
        summary: dict[str, ImageState] = {}
        for image in ((ni.node or {}).get("status") or {}).get("images") or ():
            for name in image.get("names") or ():
                state = self.image_states.get(name)
                if state is None:
                    state = self.image_states[name] = ImageState(int(image.get("sizeBytes") or 0))
                state.nodes.add(ni.name)
                summary.setdefault(name, state)
                if ni.slot >= 0:
                    mask = self.image_slots.get(name)
                    if mask is None:
                        mask = self.image_slots[name] = np.zeros(self._cap, dtype=np.bool_)
                    mask[ni.slot] = True
        ni.image_states = summary

    def _remove_images(self, ni: NodeInfo) -> None:
        for name, state in ni.image_states.items():
            state.nodes.discard(ni.name)
            mask = self.image_slots.get(name)
            if mask is not None and ni.slot >= 0:
                mask[ni.slot] = False
            if not state.nodes:
                self.image_states.pop(name, None)
                self.image_slots.pop(name, None)
        ni.image_states = {}

    # -- pods ---------------------------------------------------------------------------------------
    def add_pod(self, ni: NodeInfo, pi: PodInfo) -> None:
        ni.add_pod_info(pi)
        self.sync(ni)

    def remove_pod(self, ni: NodeInfo, key: str) -> PodInfo | None:
        pi = ni.remove_pod(key)
        if pi is not None:
            self.sync(ni)
            if ni.slot < 0 and not ni.pods:
                self.ghosts.pop(ni.name, None)
        return pi

    def sync(self, ni: NodeInfo) -> None:
        """Mirror one NodeInfo into the arrays."""
        s = ni.slot
        if s < 0:
            return
        a, r, nz = ni.allocatable, ni.requested, ni.non_zero_requested
        self.alloc_cpu[s] = a.milli_cpu
        self.alloc_mem[s] = a.memory
        self.alloc_eph[s] = a.ephemeral_storage
        self.alloc_pods[s] = a.allowed_pod_number
        self.req_cpu[s] = r.milli_cpu
        self.req_mem[s] = r.memory
        self.req_eph[s] = r.ephemeral_storage
        self.nz_cpu[s] = nz.milli_cpu
        self.nz_mem[s] = nz.memory
        self.pod_count[s] = len(ni.pods)
        self.valid[s] = True
        self.unschedulable[s] = ni.unschedulable
        taints = ni.taints
        self.hard_taints[s] = any(t.get("effect") in ("NoSchedule", "NoExecute") for t in taints)
        self.prefer_taints[s] = any(t.get("effect") == "PreferNoSchedule" for t in taints)
        self.has_ports[s] = len(ni.used_ports) > 0
        self.has_scalar[s] = bool(a.scalar) or any(r.scalar.values())
        if ni.pods_with_affinity:
            self.affinity_slots.add(s)
        else:
            self.affinity_slots.discard(s)
        if ni.pods_with_required_anti_affinity:
            self.anti_affinity_slots.add(s)
        else:
            self.anti_affinity_slots.discard(s)
