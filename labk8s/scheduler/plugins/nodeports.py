"""NodePorts: a pod's hostPorts must be free on the node (hostIP 0.0.0.0 conflicts with every IP)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import (
    BoolArray,
    EnqueueExtensions,
    FilterPlugin,
    IntArray,
    PreFilterPlugin,
)
from labk8s.scheduler.framework.node_info import HostPortInfo, NodeInfo
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo, PreFilterResult
from labk8s.scheduler.plugins.base import PluginBase, node_name

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot

Obj = dict[str, Any]
NAME = "NodePorts"
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"


def fits_ports(want: list[tuple[str, str, int]], used: HostPortInfo) -> bool:
    return not any(used.check_conflict(ip, proto, port) for ip, proto, port in want)


class NodePorts(PluginBase, PreFilterPlugin, FilterPlugin, EnqueueExtensions):
    name = NAME

    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        if not pod.host_ports:
            return None, Status(Code.SKIP)
        return None, None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not fits_ports(pod.host_ports, node.used_ports):
            return Status(Code.UNSCHEDULABLE, ERR_REASON)
        return None

    def filter_batch(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, slots: IntArray) -> BoolArray | None:
        flags = snapshot.has_ports[slots]
        if not flags.any():
            return None
        return super().filter_batch(state, pod, snapshot, slots)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent("Pod", ActionType.DELETE), self._after_pod_deleted),
            ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD)),
        ]

    @staticmethod
    def _after_pod_deleted(pod: Obj, old: Any, new: Any) -> QueueingHint:
        if not node_name(old) and not (old.get("status") or {}).get("nominatedNodeName"):
            return QueueingHint.QUEUE_SKIP
        ports = PodInfo(old).host_ports
        if not ports:
            return QueueingHint.QUEUE_SKIP
        in_use = HostPortInfo()
        for ip, proto, port in ports:
            in_use.add(ip, proto, port)
        if fits_ports(PodInfo(pod).host_ports, in_use):
            return QueueingHint.QUEUE_SKIP
        return QueueingHint.QUEUE
