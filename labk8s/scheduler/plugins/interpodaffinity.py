"""InterPodAffinity: required pod affinity/anti-affinity (of the incoming pod and of existing pods)
filter nodes; preferred terms, and existing pods' terms, score them (interpodaffinity/{filtering,
scoring,plugin}.go). Default args: hardPodAffinityWeight 1, ignorePreferredTermsOfExistingPods false."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from labk8s.api.labels import NOTHING
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
from labk8s.scheduler.framework.types import (
    AffinityTerm,
    PodInfo,
    PreFilterResult,
    WeightedAffinityTerm,
    required_terms,
)
from labk8s.scheduler.plugins.base import PluginBase, node_name

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]
NAME = "InterPodAffinity"
ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
_PRE_FILTER_KEY = "PreFilter" + NAME
_PRE_SCORE_KEY = "PreScore" + NAME
Counts = dict[tuple[str, str], int]


def _update(counts: Counts, node: Obj, key: str, value: int) -> None:
    tv = (node["metadata"].get("labels") or {}).get(key)
    if tv is None:
        return
    pair = (key, tv)
    n = counts.get(pair, 0) + value
    if n == 0:
        counts.pop(pair, None)
    else:
        counts[pair] = n


def matches_all(terms: list[AffinityTerm], pod: Obj) -> bool:
    """podMatchesAllAffinityTerms: false for no terms."""
    return bool(terms) and all(t.matches(pod, None) for t in terms)


def matches_any(terms: list[AffinityTerm], pod: Obj) -> bool:
    return any(t.matches(pod, None) for t in terms)


class _PreFilterState:
    __slots__ = ("existing_anti", "affinity", "anti", "pod", "affinity_terms", "anti_terms", "ns_labels")

    def __init__(self, pod: PodInfo, affinity_terms: list[AffinityTerm], anti_terms: list[AffinityTerm],
                 ns_labels: dict[str, str]) -> None:
        self.pod = pod
        self.affinity_terms = affinity_terms
        self.anti_terms = anti_terms
        self.ns_labels = ns_labels
        self.existing_anti: Counts = {}
        self.affinity: Counts = {}
        self.anti: Counts = {}

    def clone(self) -> _PreFilterState:
        c = _PreFilterState(self.pod, self.affinity_terms, self.anti_terms, self.ns_labels)
        c.existing_anti, c.affinity, c.anti = dict(self.existing_anti), dict(self.affinity), dict(self.anti)
        return c

    def update_with_pod(self, other: PodInfo, node: Obj, mult: int) -> None:
        for t in other.required_anti_affinity_terms:
            if t.matches(self.pod.pod, self.ns_labels):
                _update(self.existing_anti, node, t.topology_key, mult)
        if matches_all(self.affinity_terms, other.pod):
            for t in self.affinity_terms:
                _update(self.affinity, node, t.topology_key, mult)
        for t in self.anti_terms:
            if t.matches(other.pod, None):
                _update(self.anti, node, t.topology_key, mult)


class InterPodAffinity(PluginBase, PreFilterPlugin, PreFilterExtensions, FilterPlugin, PreScorePlugin, ScorePlugin,
                       EnqueueExtensions):
    name = NAME

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        super().__init__(handle, args)
        self.hard_pod_affinity_weight = int(self.args.get("hardPodAffinityWeight", 1))
        self.ignore_preferred_terms_of_existing_pods = bool(self.args.get("ignorePreferredTermsOfExistingPods", False))

    def _namespace_labels(self, ns: str) -> dict[str, str]:
        inf = self.handle.listers.get("namespaces")
        obj = inf.get("", ns) if inf is not None else None
        return dict((obj or {}).get("metadata", {}).get("labels") or {}) if obj is not None else {}

    def _merge_namespaces(self, term: AffinityTerm) -> AffinityTerm:
        """mergeAffinityTermNamespacesIfNotEmpty: fold a non-empty namespaceSelector into namespaces."""
        term = term.copy()
        if term.namespace_selector.empty():
            return term
        inf = self.handle.listers.get("namespaces")
        names = set(term.namespaces)
        if inf is not None:
            for ns in inf.list():
                if term.namespace_selector.matches(ns["metadata"].get("labels") or {}):
                    names.add(ns["metadata"]["name"])
        term.namespaces = frozenset(names)
        term.namespace_selector = NOTHING
        return term

    # -- PreFilter and Filter -----------------------------------------------------------------------
    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        snap = self.handle.snapshot
        aff = [self._merge_namespaces(t) for t in pod.required_affinity_terms]
        anti = [self._merge_namespaces(t) for t in pod.required_anti_affinity_terms]
        s = _PreFilterState(pod, aff, anti, self._namespace_labels(pod.namespace))
        for ni in snap.have_pods_with_required_anti_affinity():
            assert ni.node is not None
            for existing in ni.pods_with_required_anti_affinity.values():
                for t in existing.required_anti_affinity_terms:
                    if t.matches(pod.pod, s.ns_labels):
                        _update(s.existing_anti, ni.node, t.topology_key, 1)
        if aff or anti:
            for ni in snap.list_nodes():
                assert ni.node is not None
                for existing in ni.pods.values():
                    if matches_all(aff, existing.pod):
                        for t in aff:
                            _update(s.affinity, ni.node, t.topology_key, 1)
                    for t in anti:
                        if t.matches(existing.pod, None):
                            _update(s.anti, ni.node, t.topology_key, 1)
        if not s.existing_anti and not aff and not anti:
            return None, Status(Code.SKIP)
        state.write(_PRE_FILTER_KEY, s)
        return None, None

    def add_pod(self, state: CycleState, pod: PodInfo, pod_to_add: PodInfo, node: NodeInfo) -> Status | None:
        s: _PreFilterState | None = state.get(_PRE_FILTER_KEY)
        if s is not None and node.node is not None:
            s.update_with_pod(pod_to_add, node.node, 1)
        return None

    def remove_pod(self, state: CycleState, pod: PodInfo, pod_to_remove: PodInfo, node: NodeInfo) -> Status | None:
        s: _PreFilterState | None = state.get(_PRE_FILTER_KEY)
        if s is not None and node.node is not None:
            s.update_with_pod(pod_to_remove, node.node, -1)
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        s: _PreFilterState | None = state.get(_PRE_FILTER_KEY)
        if s is None:
            return Status(Code.ERROR, f'reading "{_PRE_FILTER_KEY}" from cycleState: not found')
        labels = node.labels
        # satisfyPodAffinity
        pods_exist = True
        for t in s.affinity_terms:
            tv = labels.get(t.topology_key)
            if tv is None:
                return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_AFFINITY)
            if s.affinity.get((t.topology_key, tv), 0) <= 0:
                pods_exist = False
        if not pods_exist and not (not s.affinity and matches_all(s.affinity_terms, pod.pod)):
            # The first pod of a group with affinity to itself may go where its terms' labels exist.
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_AFFINITY)
        # satisfyPodAntiAffinity
        if s.anti:
            for t in s.anti_terms:
                tv = labels.get(t.topology_key)
                if tv is not None and s.anti.get((t.topology_key, tv), 0) > 0:
                    return Status(Code.UNSCHEDULABLE, ERR_REASON_ANTI_AFFINITY)
        # satisfyExistingPodsAntiAffinity
        if s.existing_anti:
            for k, v in labels.items():
                if s.existing_anti.get((k, v), 0) > 0:
                    return Status(Code.UNSCHEDULABLE, ERR_REASON_EXISTING_ANTI_AFFINITY)
        return None

    # -- PreScore, Score, NormalizeScore ------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        if len(nodes) == 0:
            return Status(Code.SKIP)
        pref_aff = [WeightedAffinityTerm(self._merge_namespaces(w.term), w.weight)
                    for w in pod.preferred_affinity_terms]
        pref_anti = [WeightedAffinityTerm(self._merge_namespaces(w.term), w.weight)
                     for w in pod.preferred_anti_affinity_terms]
        has_constraints = bool(pref_aff or pref_anti)
        if self.ignore_preferred_terms_of_existing_pods and not has_constraints:
            return Status(Code.SKIP)
        snap = self.handle.snapshot
        all_nodes = snap.list_nodes() if has_constraints else snap.have_pods_with_affinity()
        ns_labels = self._namespace_labels(pod.namespace)
        topo: dict[str, dict[str, int]] = {}

        def process_term(term: AffinityTerm, weight: int, target: Obj, ns: dict[str, str] | None,
                         node: Obj, mult: int) -> None:
            if term.matches(target, ns):
                tv = (node["metadata"].get("labels") or {}).get(term.topology_key)
                if tv is not None:
                    m = topo.setdefault(term.topology_key, {})
                    m[tv] = m.get(tv, 0) + weight * mult

        for ni in all_nodes:
            node = ni.node
            assert node is not None
            if not node["metadata"].get("labels"):
                continue
            existing_pods = ni.pods if has_constraints else ni.pods_with_affinity
            for existing in existing_pods.values():
                for w in pref_aff:
                    process_term(w.term, w.weight, existing.pod, None, node, 1)
                for w in pref_anti:
                    process_term(w.term, w.weight, existing.pod, None, node, -1)
                if self.hard_pod_affinity_weight > 0:
                    for t in existing.required_affinity_terms:
                        process_term(t, self.hard_pod_affinity_weight, pod.pod, ns_labels, node, 1)
                for w in existing.preferred_affinity_terms:
                    process_term(w.term, w.weight, pod.pod, ns_labels, node, 1)
                for w in existing.preferred_anti_affinity_terms:
                    process_term(w.term, w.weight, pod.pod, ns_labels, node, -1)
        if not topo:
            return Status(Code.SKIP)
        state.write(_PRE_SCORE_KEY, topo)
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        topo: dict[str, dict[str, int]] = state.read(_PRE_SCORE_KEY)
        labels = node.labels
        return sum(values.get(labels[k], 0) for k, values in topo.items() if k in labels)

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: IntArray, nodes: NodeList) -> None:
        topo = state.get(_PRE_SCORE_KEY)
        if not topo or len(scores) == 0:
            return
        lo, hi = int(scores.min()), int(scores.max())
        diff = hi - lo
        out = []
        for v in scores.tolist():
            f = float(MAX_NODE_SCORE) * (float(v - lo) / float(diff)) if diff > 0 else 0.0
            out.append(math.trunc(f))
        scores[:] = out

    # -- queueing hints -----------------------------------------------------------------------------
    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent("Pod", ActionType.ADD | ActionType.UPDATE_POD_LABEL | ActionType.DELETE),
                                 self._after_pod_change),
            ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD | ActionType.UPDATE_NODE_LABEL),
                                 self._after_node_change),
        ]

    @staticmethod
    def _after_pod_change(pod: Obj, old: Any, new: Any) -> QueueingHint:
        if (new is not None and not node_name(new)) or (old is not None and not node_name(old)):
            return QueueingHint.QUEUE_SKIP
        terms = required_terms(pod, "podAffinity")
        anti = required_terms(pod, "podAntiAffinity")
        if new is not None and old is not None:
            if not matches_all(terms, old) and matches_all(terms, new):
                return QueueingHint.QUEUE
            if matches_any(anti, old) and not matches_any(anti, new):
                return QueueingHint.QUEUE
            return QueueingHint.QUEUE_SKIP
        if new is not None:
            return QueueingHint.QUEUE if matches_all(terms, new) else QueueingHint.QUEUE_SKIP
        if matches_any(anti, old):
            return QueueingHint.QUEUE
        # The deleted pod's own anti-affinity may have been what kept this pod out.
        if any(t.matches(pod, None) for t in PodInfo(old).required_anti_affinity_terms):
            return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    @staticmethod
    def _after_node_change(pod: Obj, old: Any, new: Any) -> QueueingHint:
        new_labels = new["metadata"].get("labels") or {}
        old_labels = old["metadata"].get("labels") or {} if old is not None else None
        for t in required_terms(pod, "podAffinity"):
            if old_labels is None:
                if t.topology_key in new_labels:
                    return QueueingHint.QUEUE
                continue
            if t.topology_key not in old_labels and t.topology_key in new_labels:
                return QueueingHint.QUEUE
            if t.topology_key in old_labels and t.topology_key in new_labels and \
                    old_labels[t.topology_key] != new_labels[t.topology_key]:
                return QueueingHint.QUEUE
        for t in required_terms(pod, "podAntiAffinity"):
            if old_labels is None:
                return QueueingHint.QUEUE
            if t.topology_key in old_labels and t.topology_key not in new_labels:
                return QueueingHint.QUEUE
            if t.topology_key in old_labels and t.topology_key in new_labels and \
                    old_labels[t.topology_key] != new_labels[t.topology_key]:
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
