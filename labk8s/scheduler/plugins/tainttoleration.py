"""TaintToleration: NoSchedule/NoExecute taints a pod does not tolerate exclude the node (Filter);
untolerated PreferNoSchedule taints lower its score (Score, normalised in reverse)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import (
    BoolArray,
    EnqueueExtensions,
    FilterPlugin,
    IntArray,
    NodeList,
    PreScorePlugin,
    ScorePlugin,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import MAX_NODE_SCORE, Code, Status
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins.base import PluginBase, tolerations, uid
from labk8s.scheduler.plugins.helpers import (
    default_normalize_score,
    do_not_schedule_taints,
    find_matching_untolerated_taint,
    tolerations_tolerate_taint,
)

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot

Obj = dict[str, Any]
NAME = "TaintToleration"
#: v1.33+ reports no taint key or value (earlier: "node(s) had untolerated taint {key: value}").
ERR_REASON_NOT_MATCH = "node(s) had untolerated taint(s)"
_PRE_SCORE_KEY = "PreScore" + NAME


def untolerated(node: Obj | None, pod: Obj) -> bool:
    if node is None:
        return True
    taints = (node.get("spec") or {}).get("taints") or []
    return find_matching_untolerated_taint(taints, tolerations(pod), do_not_schedule_taints) is not None


def prefer_no_schedule_tolerations(pod: Obj) -> list[Obj]:
    """Tolerations whose effect is PreferNoSchedule or empty (which means all effects)."""
    return [t for t in tolerations(pod) if (t.get("effect") or "") in ("", "PreferNoSchedule")]


def count_intolerable_prefer_no_schedule(taints: list[Obj], tols: list[Obj]) -> int:
    return sum(1 for t in taints if t.get("effect") == "PreferNoSchedule" and not tolerations_tolerate_taint(tols, t))


class TaintToleration(PluginBase, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions):
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if find_matching_untolerated_taint(node.taints, tolerations(pod.pod), do_not_schedule_taints) is None:
            return None
        return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_NOT_MATCH)

    def filter_batch(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, slots: IntArray) -> BoolArray | None:
        flags = snapshot.hard_taints[slots]
        if not flags.any():
            return None
        mask = np.ones(len(slots), dtype=np.bool_)
        infos = snapshot.slot_infos
        tols = tolerations(pod.pod)
        for i in np.flatnonzero(flags).tolist():
            ni = infos[int(slots[i])]
            assert ni is not None
            if find_matching_untolerated_taint(ni.taints, tols, do_not_schedule_taints) is not None:
                mask[i] = False
        return mask

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        state.write(_PRE_SCORE_KEY, prefer_no_schedule_tolerations(pod.pod))
        return None

    def _tols(self, state: CycleState, pod: PodInfo) -> list[Obj]:
        tols = state.get(_PRE_SCORE_KEY)
        return tols if tols is not None else prefer_no_schedule_tolerations(pod.pod)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return count_intolerable_prefer_no_schedule(node.taints, self._tols(state, pod))

    def score_batch(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> IntArray:
        out = np.zeros(len(nodes), dtype=np.int64)
        flags = nodes.snapshot.prefer_taints[nodes.slots]
        if flags.any():
            tols = self._tols(state, pod)
            infos = nodes.snapshot.slot_infos
            for i in np.flatnonzero(flags).tolist():
                ni = infos[int(nodes.slots[i])]
                assert ni is not None
                out[i] = count_intolerable_prefer_no_schedule(ni.taints, tols)
        return out

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: IntArray, nodes: NodeList) -> None:
        default_normalize_score(MAX_NODE_SCORE, True, scores)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD | ActionType.UPDATE_NODE_TAINT),
                                 self._after_node_change),
            ClusterEventWithHint(ClusterEvent("Pod", ActionType.UPDATE_POD_TOLERATION), self._after_toleration),
        ]

    @staticmethod
    def _after_node_change(pod: Obj, old: Any, new: Any) -> QueueingHint:
        if untolerated(old, pod) and not untolerated(new, pod):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_toleration(pod: Obj, old: Any, new: Any) -> QueueingHint:
        return QueueingHint.QUEUE if uid(new) == uid(pod) else QueueingHint.QUEUE_SKIP
