"""The scheduler cache (pkg/scheduler/backend/cache): assumed pods, bound pods and nodes.

A pod is *assumed* on its node as soon as the scheduling cycle picks the node, so the next cycles see its
resources while the bind is still on its way; the informer's add event for the bound pod then confirms
it. Assumed pods never expire (durationToExpireAssumedPod is 0 upstream); a failed bind forgets them.
"""

from __future__ import annotations

from typing import Any

from labk8s.scheduler.cache.snapshot import Snapshot
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.types import PodInfo, pod_key

Obj = dict[str, Any]


class CacheError(Exception):
    pass


class _PodState:
    __slots__ = ("pod_info", "node_name", "binding_finished")

    def __init__(self, pod_info: PodInfo, node_name: str) -> None:
        self.pod_info = pod_info
        self.node_name = node_name
        self.binding_finished = False


class Cache:
    def __init__(self, snapshot: Snapshot | None = None) -> None:
        self.snapshot = snapshot if snapshot is not None else Snapshot()
        self._pods: dict[str, _PodState] = {}
        self._assumed: set[str] = set()

    # -- pods ---------------------------------------------------------------------------------------
    def _node_for(self, name: str) -> NodeInfo:
        snap = self.snapshot
        ni = snap.get_any(name)
        if ni is None:
            # A pod bound to a node the cache has not seen yet: keep it on a ghost NodeInfo until the
            # node arrives (cache.AddPod creates the NodeInfo for unknown nodes).
            ni = NodeInfo()
            ni.name = name
            snap.ghosts[name] = ni
        return ni

    def _add(self, pi: PodInfo, node_name: str) -> None:
        self.snapshot.add_pod(self._node_for(node_name), pi)

    def _remove(self, key: str, node_name: str) -> None:
        ni = self.snapshot.get_any(node_name)
        if ni is not None:
            self.snapshot.remove_pod(ni, key)

    def assume_pod(self, pi: PodInfo, node_name: str) -> None:
        if pi.key in self._pods:
            raise CacheError(f"pod {pi.key} is in the cache, so can't be assumed")
        self._add(pi, node_name)
        self._pods[pi.key] = _PodState(pi, node_name)
        self._assumed.add(pi.key)

    def finish_binding(self, key: str) -> None:
        st = self._pods.get(key)
        if st is not None and key in self._assumed:
            st.binding_finished = True

    def forget_pod(self, key: str, node_name: str) -> None:
        st = self._pods.get(key)
        if st is not None and st.node_name != node_name:
            raise CacheError(f"pod {key} was assumed on {node_name} but assigned to {st.node_name}")
        if key in self._assumed:
            self._remove(key, node_name)
            del self._pods[key]
            self._assumed.discard(key)

    def is_assumed(self, key: str) -> bool:
        return key in self._assumed

    def add_pod(self, pod: Obj) -> None:
        """An assigned pod arrived from the informer: confirm an assumed pod or add it."""
        key = pod_key(pod)
        node_name = pod["spec"]["nodeName"]
        st = self._pods.get(key)
        if st is not None and key in self._assumed:
            if st.node_name != node_name:
                self._remove(key, st.node_name)
                pi = PodInfo(pod)
                self._add(pi, node_name)
                self._pods[key] = _PodState(pi, node_name)
            else:
                st.pod_info.update(pod)
            self._assumed.discard(key)
            return
        if st is None:
            pi = PodInfo(pod)
            self._add(pi, node_name)
            self._pods[key] = _PodState(pi, node_name)
            return
        raise CacheError(f"pod {key} was already in added state")

    def update_pod(self, old: Obj, new: Obj) -> None:
        key = pod_key(new)
        st = self._pods.get(key)
        if st is None or key in self._assumed:
            raise CacheError(f"pod {key} is not added to scheduler cache, so cannot be updated")
        if old.get("spec") == new.get("spec") and st.pod_info.uid == new["metadata"].get("uid", ""):
            # Status or metadata only (kubelet updates): requests, ports and affinity are unchanged, and
            # labels are read from the pod object itself.
            st.pod_info.update(new)
            return
        self._remove(key, st.node_name)
        pi = PodInfo(new)
        node_name = new["spec"]["nodeName"]
        self._add(pi, node_name)
        self._pods[key] = _PodState(pi, node_name)

    def remove_pod(self, pod: Obj) -> None:
        key = pod_key(pod)
        st = self._pods.pop(key, None)
        if st is None:
            return
        self._remove(key, st.node_name)
        self._assumed.discard(key)

    def get_pod(self, key: str) -> PodInfo | None:
        st = self._pods.get(key)
        return st.pod_info if st is not None else None

    def pod_count(self) -> int:
        return len(self._pods)

    # -- nodes --------------------------------------------------------------------------------------
    def add_node(self, node: Obj) -> NodeInfo:
        return self.snapshot.add_node(node)

    def update_node(self, old: Obj, new: Obj) -> NodeInfo | None:
        return self.snapshot.update_node(old, new)

    def remove_node(self, node: Obj) -> None:
        self.snapshot.remove_node(node)

    def node_count(self) -> int:
        return self.snapshot.num_nodes()
