"""NodeResourcesBalancedAllocation: favours nodes whose cpu and memory use stay balanced after placing
the pod, with the current formula (1 - standard deviation of the requested fractions) * 100.
Best-effort pods are skipped (PreScore returns Skip; kubernetes/kubernetes#129138)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ClusterEventWithHint
from labk8s.scheduler.framework.interface import (
    EnqueueExtensions,
    IntArray,
    NodeList,
    PreScorePlugin,
    ScorePlugin,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins.base import PluginBase
from labk8s.scheduler.plugins.resource_allocation import (
    balanced_allocation_batch,
    parse_resources,
    pod_request_list,
    score_node,
    validate_resources,
    vectorisable,
)

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]
NAME = "NodeResourcesBalancedAllocation"
_PRE_SCORE_KEY = "PreScore" + NAME


class BalancedAllocation(PluginBase, PreScorePlugin, ScorePlugin, EnqueueExtensions):
    name = NAME

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        super().__init__(handle, args)
        self.resources = parse_resources(self.args)
        validate_resources(self.resources, "resources")
        self._vector = vectorisable(self.resources) and len(self.resources) == 2

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        reqs = pod_request_list(pod, self.resources, True)
        if all(r == 0 for r in reqs):
            return Status(Code.SKIP)
        state.write(_PRE_SCORE_KEY, reqs)
        return None

    def _pod_requests(self, state: CycleState, pod: PodInfo) -> list[int]:
        r = state.get(_PRE_SCORE_KEY)
        return r if r is not None else pod_request_list(pod, self.resources, True)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return score_node(node, self.resources, self._pod_requests(state, pod), True, False)

    def score_batch(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> IntArray:
        if not self._vector:
            return super().score_batch(state, pod, nodes)
        return balanced_allocation_batch(nodes, self.resources, self._pod_requests(state, pod))

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return []
