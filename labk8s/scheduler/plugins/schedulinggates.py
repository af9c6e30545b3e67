"""SchedulingGates: PreEnqueue keeps pods with spec.schedulingGates out of the active queue."""

from __future__ import annotations

from typing import Any

from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import EnqueueExtensions, PreEnqueuePlugin
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.plugins.base import PluginBase, uid

Obj = dict[str, Any]
NAME = "SchedulingGates"


class SchedulingGates(PluginBase, PreEnqueuePlugin, EnqueueExtensions):
    name = NAME

    def pre_enqueue(self, pod: Obj) -> Status | None:
        gates = (pod.get("spec") or {}).get("schedulingGates") or []
        if not gates:
            return None
        names = " ".join(str(g.get("name", "")) for g in gates)
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, f"waiting for scheduling gates: [{names}]")

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(ClusterEvent("Pod", ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED),
                                     self._after_gates_eliminated)]

    @staticmethod
    def _after_gates_eliminated(pod: Obj, old: Any, new: Any) -> QueueingHint:
        return QueueingHint.QUEUE if new is not None and uid(new) == uid(pod) else QueueingHint.QUEUE_SKIP
