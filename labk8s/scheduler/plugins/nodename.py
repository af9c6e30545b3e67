"""NodeName: a pod that names a node (spec.nodeName) fits only that node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import BoolArray, EnqueueExtensions, FilterPlugin, IntArray
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins.base import PluginBase, node_name

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot

Obj = dict[str, Any]
NAME = "NodeName"
ERR_REASON = "node(s) didn't match the requested node name"


def fits(pod: Obj, name: str) -> bool:
    want = node_name(pod)
    return not want or want == name


class NodeName(PluginBase, FilterPlugin, EnqueueExtensions):
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not fits(pod.pod, node.name):
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON)
        return None

    def filter_batch(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, slots: IntArray) -> BoolArray | None:
        if not node_name(pod.pod):
            return None
        return super().filter_batch(state, pod, snapshot, slots)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD), self._after_node_add)]

    @staticmethod
    def _after_node_add(pod: Obj, old: Any, new: Any) -> QueueingHint:
        return QueueingHint.QUEUE if fits(pod, new["metadata"]["name"]) else QueueingHint.QUEUE_SKIP
