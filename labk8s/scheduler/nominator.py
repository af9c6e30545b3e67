"""The nominator (backend/queue/nominator.go): pods nominated to a node, by preemption or by an earlier
cycle, that lower- or equal-priority pods must treat as already running there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labk8s.scheduler.framework.types import MODE_OVERRIDE, NominatingInfo, PodInfo

Obj = dict[str, Any]


def nominated_node_name(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("nominatedNodeName") or "")


class Nominator:
    def __init__(self, lookup: Callable[[str, str], Obj | None],
                 queued: Callable[[str], PodInfo | None] | None = None) -> None:
        self._lookup = lookup  # the pod informer's current object, by (namespace, name)
        self._queued = queued  # the queue's PodInfo for a pod key, when it holds the pod
        self._pod_to_node: dict[str, str] = {}  # uid -> node
        self._by_node: dict[str, dict[str, PodInfo]] = {}  # node -> uid -> PodInfo (insertion order)

    def add(self, pi: PodInfo, info: NominatingInfo | None) -> None:
        """addNominatedPod: Override nominates info's node; Noop (or None) keeps the pod's own field."""
        self.delete(pi.pod)
        if info is not None and info.mode == MODE_OVERRIDE:
            node = info.nominated_node_name
        else:
            node = nominated_node_name(pi.pod)
        if not node:
            return
        current = self._lookup(pi.namespace, pi.name)
        if current is None or (current.get("spec") or {}).get("nodeName"):
            return
        self._pod_to_node[pi.uid] = node
        self._by_node.setdefault(node, {}).setdefault(pi.uid, pi)

    def delete(self, pod: Obj) -> None:
        uid = pod["metadata"].get("uid", "")
        node = self._pod_to_node.pop(uid, None)
        if node is None:
            return
        pods = self._by_node.get(node)
        if pods is not None:
            pods.pop(uid, None)
            if not pods:
                del self._by_node[node]

    def update(self, old: Obj, new_info: PodInfo) -> None:
        info = None
        if not nominated_node_name(old) and not nominated_node_name(new_info.pod):
            node = self._pod_to_node.get(old["metadata"].get("uid", ""))
            if node is not None:
                info = NominatingInfo(node, MODE_OVERRIDE)
        self.delete(old)
        self.add(new_info, info)

    def nominated_pods_for_node(self, node: str) -> list[PodInfo]:
        out = []
        for pi in (self._by_node.get(node) or {}).values():
            queued = self._queued(pi.key) if self._queued is not None else None
            out.append(queued if queued is not None else pi)
        return out

    def nominated_node_names(self) -> list[str]:
        return list(self._by_node)

    def node_of(self, uid: str) -> str | None:
        return self._pod_to_node.get(uid)
