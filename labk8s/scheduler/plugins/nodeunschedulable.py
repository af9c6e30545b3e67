"""NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods tolerating
node.kubernetes.io/unschedulable:NoSchedule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import BoolArray, EnqueueExtensions, FilterPlugin, IntArray
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins.base import PluginBase, tolerations, uid
from labk8s.scheduler.plugins.helpers import tolerations_tolerate_taint

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot

Obj = dict[str, Any]
NAME = "NodeUnschedulable"
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
_UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def tolerates_unschedulable(pod: Obj) -> bool:
    return tolerations_tolerate_taint(tolerations(pod), _UNSCHEDULABLE_TAINT)


class NodeUnschedulable(PluginBase, FilterPlugin, EnqueueExtensions):
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not node.unschedulable:
            return None
        if not tolerates_unschedulable(pod.pod):
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_UNSCHEDULABLE)
        return None

    def filter_batch(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, slots: IntArray) -> BoolArray | None:
        flags = snapshot.unschedulable[slots]
        if not flags.any() or tolerates_unschedulable(pod.pod):
            return None
        return ~flags

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD | ActionType.UPDATE_NODE_TAINT),
                                 self._after_node_change),
            ClusterEventWithHint(ClusterEvent("Pod", ActionType.UPDATE_POD_TOLERATION), self._after_toleration),
        ]

    @staticmethod
    def _after_node_change(pod: Obj, old: Any, new: Any) -> QueueingHint:
        new_unsched = bool((new.get("spec") or {}).get("unschedulable"))
        if old is None:
            return QueueingHint.QUEUE if not new_unsched else QueueingHint.QUEUE_SKIP
        if (old.get("spec") or {}).get("unschedulable") and not new_unsched:
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_toleration(pod: Obj, old: Any, new: Any) -> QueueingHint:
        if uid(new) == uid(pod) and not tolerates_unschedulable(old) and tolerates_unschedulable(new):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
