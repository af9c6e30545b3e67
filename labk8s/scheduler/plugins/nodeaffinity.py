"""NodeAffinity: spec.nodeSelector and required node affinity filter nodes; preferred node affinity
scores them (sum of matching weights, normalised)."""

from __future__ import annotations

from typing import Any

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import (
    EnqueueExtensions,
    FilterPlugin,
    IntArray,
    NodeList,
    PreFilterPlugin,
    PreScorePlugin,
    ScorePlugin,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import MAX_NODE_SCORE, Code, Status
from labk8s.scheduler.framework.types import PodInfo, PreFilterResult
from labk8s.scheduler.plugins.base import PluginBase
from labk8s.scheduler.plugins.helpers import (
    RequiredNodeAffinity,
    default_normalize_score,
    node_selector_term_matches,
)

Obj = dict[str, Any]
NAME = "NodeAffinity"
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_CONFLICT = "pod affinity terms conflict"
_PRE_FILTER_KEY = "PreFilter" + NAME
_PRE_SCORE_KEY = "PreScore" + NAME


def _node_affinity(pod: Obj) -> Obj:
    return ((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}


def preferred_terms(pod: Obj) -> list[tuple[int, Obj]] | None:
    """NewPreferredSchedulingTerms: (weight, preference) of every term with a weight and a non-empty
    preference; None when the pod has no preferred node affinity at all."""
    pref = _node_affinity(pod).get("preferredDuringSchedulingIgnoredDuringExecution")
    if pref is None:
        return None
    out = []
    for t in pref:
        p = t.get("preference") or {}
        if int(t.get("weight", 0)) == 0 or (not p.get("matchExpressions") and not p.get("matchFields")):
            continue
        out.append((int(t["weight"]), p))
    return out


class NodeAffinity(PluginBase, PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions):
    name = NAME

    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        required = _node_affinity(pod.pod).get("requiredDuringSchedulingIgnoredDuringExecution")
        if required is None and not pod.spec.get("nodeSelector"):
            return None, Status(Code.SKIP)
        state.write(_PRE_FILTER_KEY, RequiredNodeAffinity(pod.pod))
        terms = (required or {}).get("nodeSelectorTerms") or []
        if not terms:
            return None, None
        # Affinity to specific nodes by metadata.name narrows the nodes to evaluate (PreFilterResult).
        node_names: set[str] | None = None
        for t in terms:
            term_names: set[str] | None = None
            for r in t.get("matchFields") or ():
                if r.get("key") == "metadata.name" and r.get("operator") == "In":
                    s = set(r.get("values") or ())
                    term_names = s if term_names is None else term_names & s
            if term_names is None:
                return None, None
            node_names = term_names if node_names is None else node_names | term_names
        if node_names is not None and not node_names:
            return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_CONFLICT)
        return (PreFilterResult(node_names) if node_names else None), None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        req = state.get(_PRE_FILTER_KEY)
        if req is None:
            req = RequiredNodeAffinity(pod.pod)
        assert node.node is not None
        if not req.match(node.node):
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_POD)
        return None

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        terms = preferred_terms(pod.pod)
        if terms is None:
            return Status(Code.SKIP)
        state.write(_PRE_SCORE_KEY, terms)
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        terms = state.get(_PRE_SCORE_KEY)
        if terms is None:
            terms = preferred_terms(pod.pod) or []
        labels = node.labels
        fields = {"metadata.name": node.name}
        return sum(w for w, t in terms if node_selector_term_matches(t, labels, fields))

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: IntArray, nodes: NodeList) -> None:
        default_normalize_score(MAX_NODE_SCORE, False, scores)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD | ActionType.UPDATE_NODE_LABEL),
                                     self._after_node_change)]

    @staticmethod
    def _after_node_change(pod: Obj, old: Any, new: Any) -> QueueingHint:
        req = RequiredNodeAffinity(pod)
        if not req.match(new):
            return QueueingHint.QUEUE_SKIP
        if old is None or not req.match(old):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
