"""PodTopologySpread: hard constraints (DoNotSchedule) filter nodes by skew; soft ones (ScheduleAnyway)
score them. Pods without constraints of their own that belong to a Service, ReplicationController,
ReplicaSet or StatefulSet get the system default constraints (hostname maxSkew 3, zone maxSkew 5,
both ScheduleAnyway). Follows podtopologyspread/{common,filtering,scoring,plugin}.go.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from labk8s.api.labels import Selector, SelectorError, selector_from_label_selector
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ActionType, ClusterEvent, ClusterEventWithHint, QueueingHint
from labk8s.scheduler.framework.interface import (
    EnqueueExtensions,
    FilterPlugin,
    IntArray,
    NodeList,
    PreFilterExtensions,
    PreFilterPlugin,
    PreScorePlugin,
    ScorePlugin,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import MAX_NODE_SCORE, Code, Status
from labk8s.scheduler.framework.types import PodInfo, PreFilterResult
from labk8s.scheduler.plugins.base import PluginBase, node_name, uid
from labk8s.scheduler.plugins.default_selector import default_selector
from labk8s.scheduler.plugins.helpers import (
    RequiredNodeAffinity,
    do_not_schedule_taints,
    find_matching_untolerated_taint,
)

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]
NAME = "PodTopologySpread"
ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"
DO_NOT_SCHEDULE = "DoNotSchedule"
SCHEDULE_ANYWAY = "ScheduleAnyway"
#: systemDefaultConstraints (podtopologyspread/plugin.go).
SYSTEM_DEFAULT_CONSTRAINTS: list[Obj] = [
    {"topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": SCHEDULE_ANYWAY, "maxSkew": 3},
    {"topologyKey": LABEL_ZONE, "whenUnsatisfiable": SCHEDULE_ANYWAY, "maxSkew": 5},
]
_PRE_FILTER_KEY = "PreFilter" + NAME
_PRE_SCORE_KEY = "PreScore" + NAME
_INVALID_SCORE = -1


class Constraint:
    __slots__ = ("max_skew", "topology_key", "selector", "min_domains", "node_affinity_policy", "node_taints_policy")

    def __init__(self, max_skew: int, topology_key: str, selector: Selector, min_domains: int = 1,
                 node_affinity_policy: str = "Honor", node_taints_policy: str = "Ignore") -> None:
        self.max_skew = max_skew
        self.topology_key = topology_key
        self.selector = selector
        self.min_domains = min_domains
        self.node_affinity_policy = node_affinity_policy
        self.node_taints_policy = node_taints_policy

    def match_node_inclusion_policies(self, pod: Obj, node: Obj, required: RequiredNodeAffinity) -> bool:
        if self.node_affinity_policy == "Honor" and not required.match(node):
            return False
        if self.node_taints_policy == "Honor":
            taints = (node.get("spec") or {}).get("taints") or []
            if find_matching_untolerated_taint(taints, (pod.get("spec") or {}).get("tolerations") or [],
                                               do_not_schedule_taints) is not None:
                return False
        return True


def filter_constraints(raw: list[Obj], action: str) -> list[Constraint]:
    """filterTopologySpreadConstraints (matchLabelKeys are already merged into the selector by the API
    server, MatchLabelKeysInPodTopologySpreadSelectorMerge)."""
    out = []
    for c in raw:
        if c.get("whenUnsatisfiable") != action:
            continue
        out.append(Constraint(int(c.get("maxSkew", 1)), str(c.get("topologyKey", "")),
                              selector_from_label_selector(c.get("labelSelector")),
                              int(c["minDomains"]) if c.get("minDomains") is not None else 1,
                              c.get("nodeAffinityPolicy") or "Honor", c.get("nodeTaintsPolicy") or "Ignore"))
    return out


def node_labels_match(labels: dict[str, str], constraints: list[Constraint]) -> bool:
    return all(c.topology_key in labels for c in constraints)


def count_pods_match_selector(node: NodeInfo, selector: Selector, namespace: str) -> int:
    if selector.empty():
        return 0
    n = 0
    for pi in node.pods.values():
        meta = pi.pod["metadata"]
        if meta.get("deletionTimestamp") or meta.get("namespace", "") != namespace:
            continue
        if selector.matches(meta.get("labels") or {}):
            n += 1
    return n


class _PreFilterState:
    __slots__ = ("constraints", "counts", "min_match")

    def __init__(self, constraints: list[Constraint], counts: list[dict[str, int]]) -> None:
        self.constraints = constraints
        self.counts = counts
        self.min_match = [min(c.values()) if c else math.inf for c in counts]

    def clone(self) -> _PreFilterState:
        return _PreFilterState(self.constraints, [dict(c) for c in self.counts])

    def global_min(self, i: int) -> float:
        # minMatchNum: below minDomains eligible domains the global minimum is 0.
        if len(self.counts[i]) < self.constraints[i].min_domains:
            return 0
        return self.min_match[i]


class _PreScoreState:
    __slots__ = ("constraints", "ignored", "counts", "weights")

    def __init__(self) -> None:
        self.constraints: list[Constraint] = []
        self.ignored: set[str] = set()
        self.counts: list[dict[str, int]] = []
        self.weights: list[float] = []


class PodTopologySpread(PluginBase, PreFilterPlugin, PreFilterExtensions, FilterPlugin, PreScorePlugin, ScorePlugin,
                        EnqueueExtensions):
    name = NAME

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        super().__init__(handle, args)
        self.system_defaulted = self.args.get("defaultingType", "System") == "System"
        self.default_constraints = SYSTEM_DEFAULT_CONSTRAINTS if self.system_defaulted else \
            list(self.args.get("defaultConstraints") or [])

    # -- constraints --------------------------------------------------------------------------------
    def _default_constraints(self, pod: Obj, action: str) -> list[Constraint]:
        constraints = filter_constraints(self.default_constraints, action)
        if not constraints:
            return []
        selector = default_selector(pod, self.handle.listers)
        if selector.empty():
            return []
        for c in constraints:
            c.selector = selector
        return constraints

    def constraints(self, pod: Obj, action: str) -> list[Constraint]:
        own = (pod.get("spec") or {}).get("topologySpreadConstraints") or []
        try:
            if own:
                return filter_constraints(own, action)
            return self._default_constraints(pod, action)
        except SelectorError:
            return []

    # -- PreFilter and Filter -----------------------------------------------------------------------
    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        constraints = self.constraints(pod.pod, DO_NOT_SCHEDULE)
        if not constraints:
            return None, Status(Code.SKIP)
        counts: list[dict[str, int]] = [{} for _ in constraints]
        required = RequiredNodeAffinity(pod.pod)
        ns = pod.namespace
        for ni in self.handle.snapshot.list_nodes():
            node = ni.node
            assert node is not None
            labels = ni.labels
            if not node_labels_match(labels, constraints):
                continue
            for i, c in enumerate(constraints):
                if not c.match_node_inclusion_policies(pod.pod, node, required):
                    continue
                v = labels[c.topology_key]
                counts[i][v] = counts[i].get(v, 0) + count_pods_match_selector(ni, c.selector, ns)
        state.write(_PRE_FILTER_KEY, _PreFilterState(constraints, counts))
        return None, None

    def _update_with_pod(self, state: CycleState, updated: PodInfo, pod: PodInfo, ni: NodeInfo, delta: int) -> None:
        s: _PreFilterState | None = state.get(_PRE_FILTER_KEY)
        if s is None or updated.namespace != pod.namespace or ni.node is None:
            return
        labels = ni.labels
        if not node_labels_match(labels, s.constraints):
            return
        required = RequiredNodeAffinity(pod.pod)
        for i, c in enumerate(s.constraints):
            if not c.selector.matches(updated.labels):
                continue
            if not c.match_node_inclusion_policies(pod.pod, ni.node, required):
                continue
            v = labels[c.topology_key]
            s.counts[i][v] = s.counts[i].get(v, 0) + delta
            s.min_match[i] = min(s.counts[i].values())

    def add_pod(self, state: CycleState, pod: PodInfo, pod_to_add: PodInfo, node: NodeInfo) -> Status | None:
        self._update_with_pod(state, pod_to_add, pod, node, 1)
        return None

    def remove_pod(self, state: CycleState, pod: PodInfo, pod_to_remove: PodInfo, node: NodeInfo) -> Status | None:
        self._update_with_pod(state, pod_to_remove, pod, node, -1)
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        s: _PreFilterState | None = state.get(_PRE_FILTER_KEY)
        if s is None:
            return Status(Code.ERROR, f'reading "{_PRE_FILTER_KEY}" from cycleState: not found')
        labels = node.labels
        pod_labels = pod.labels
        for i, c in enumerate(s.constraints):
            value = labels.get(c.topology_key)
            if value is None:
                return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_NODE_LABEL_NOT_MATCH)
            self_match = 1 if c.selector.matches(pod_labels) else 0
            skew = s.counts[i].get(value, 0) + self_match - s.global_min(i)
            if skew > c.max_skew:
                return Status(Code.UNSCHEDULABLE, ERR_REASON_CONSTRAINTS_NOT_MATCH)
        return None

    # -- PreScore, Score, NormalizeScore ------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        snap = self.handle.snapshot
        if snap.num_nodes() == 0:
            return Status(Code.SKIP)
        s = _PreScoreState()
        require_all = bool(pod.spec.get("topologySpreadConstraints")) or not self.system_defaulted
        s.constraints = self.constraints(pod.pod, SCHEDULE_ANYWAY)
        if not s.constraints:
            return Status(Code.SKIP)
        s.counts = [{} for _ in s.constraints]
        topo_size = [0] * len(s.constraints)
        for ni in nodes.infos:
            labels = ni.labels
            if require_all and not node_labels_match(labels, s.constraints):
                s.ignored.add(ni.name)
                continue
            for i, c in enumerate(s.constraints):
                if c.topology_key == LABEL_HOSTNAME:
                    continue
                value = labels.get(c.topology_key, "")
                if value not in s.counts[i]:
                    s.counts[i][value] = 0
                    topo_size[i] += 1
        for i, c in enumerate(s.constraints):
            size = len(nodes) - len(s.ignored) if c.topology_key == LABEL_HOSTNAME else topo_size[i]
            s.weights.append(math.log(size + 2))
        required = RequiredNodeAffinity(pod.pod)
        ns = pod.namespace
        for ni in snap.list_nodes():
            node = ni.node
            assert node is not None
            labels = ni.labels
            if require_all and not node_labels_match(labels, s.constraints):
                continue
            for i, c in enumerate(s.constraints):
                if not c.match_node_inclusion_policies(pod.pod, node, required):
                    continue
                value = labels.get(c.topology_key, "")
                if value not in s.counts[i]:
                    continue
                s.counts[i][value] += count_pods_match_selector(ni, c.selector, ns)
        state.write(_PRE_SCORE_KEY, s)
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        s: _PreScoreState = state.read(_PRE_SCORE_KEY)
        if node.name in s.ignored:
            return 0
        labels = node.labels
        total = 0.0
        for i, c in enumerate(s.constraints):
            value = labels.get(c.topology_key)
            if value is None:
                continue
            if c.topology_key == LABEL_HOSTNAME:
                cnt = count_pods_match_selector(node, c.selector, pod.namespace)
            else:
                cnt = s.counts[i][value]
            total += float(cnt) * s.weights[i] + float(c.max_skew - 1)
        return int(_round_half_away(total))

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: IntArray, nodes: NodeList) -> None:
        s: _PreScoreState | None = state.get(_PRE_SCORE_KEY)
        if s is None:
            return
        infos = nodes.infos
        valid = [i for i, ni in enumerate(infos) if ni.name not in s.ignored]
        if not valid:
            scores[:] = 0
            return
        vals = [int(scores[i]) for i in valid]
        min_score, max_score = min(vals), max(0, max(vals))
        out = [0] * len(infos)
        for i in valid:
            if max_score == 0:
                out[i] = MAX_NODE_SCORE
            else:
                out[i] = MAX_NODE_SCORE * (max_score + min_score - int(scores[i])) // max_score
        scores[:] = out

    # -- queueing hints -----------------------------------------------------------------------------
    def events_to_register(self) -> list[ClusterEventWithHint]:
        pod_actions = ActionType.ADD | ActionType.UPDATE_POD_LABEL | ActionType.UPDATE_POD_TOLERATION | \
            ActionType.DELETE
        node_actions = ActionType.ADD | ActionType.DELETE | ActionType.UPDATE_NODE_LABEL | ActionType.UPDATE_NODE_TAINT
        return [ClusterEventWithHint(ClusterEvent("Pod", pod_actions), self._after_pod_change),
                ClusterEventWithHint(ClusterEvent("Node", node_actions), self._after_node_change)]

    def _after_pod_change(self, pod: Obj, old: Any, new: Any) -> QueueingHint:
        def involved(other: Obj) -> bool:
            return uid(other) == uid(pod) or (bool(node_name(other)) and other["metadata"].get("namespace") ==
                                              pod["metadata"].get("namespace"))
        if (new is not None and not involved(new)) or (old is not None and not involved(old)):
            return QueueingHint.QUEUE_SKIP
        constraints = self.constraints(pod, DO_NOT_SCHEDULE)
        if new is not None and old is not None:
            old_labels = old["metadata"].get("labels") or {}
            new_labels = new["metadata"].get("labels") or {}
            if uid(new) != uid(pod) and old_labels == new_labels:
                return QueueingHint.QUEUE_SKIP
            for c in constraints:
                if c.selector.matches(old_labels) != c.selector.matches(new_labels):
                    return QueueingHint.QUEUE
            return QueueingHint.QUEUE_SKIP
        changed = new if new is not None else old
        for c in constraints:
            if c.selector.matches(changed["metadata"].get("labels") or {}):
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    def _after_node_change(self, pod: Obj, old: Any, new: Any) -> QueueingHint:
        constraints = self.constraints(pod, DO_NOT_SCHEDULE)

        def matching(n: Obj | None) -> bool:
            return n is not None and node_labels_match(n["metadata"].get("labels") or {}, constraints)
        om, nm = matching(old), matching(new)
        if old is not None and new is not None:
            if om != nm:
                return QueueingHint.QUEUE
            if nm:
                ol, nl = old["metadata"].get("labels") or {}, new["metadata"].get("labels") or {}
                if any(ol.get(c.topology_key) != nl.get(c.topology_key) for c in constraints):
                    return QueueingHint.QUEUE
                if (old.get("spec") or {}).get("taints") != (new.get("spec") or {}).get("taints"):
                    return QueueingHint.QUEUE
            return QueueingHint.QUEUE_SKIP
        if new is not None:
            return QueueingHint.QUEUE if nm else QueueingHint.QUEUE_SKIP
        return QueueingHint.QUEUE if om else QueueingHint.QUEUE_SKIP


def _round_half_away(x: float) -> float:
    """math.Round: halves away from zero (Python's round() rounds halves to even)."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)

