"""NodeResourcesFit: Filter on the node's free allocatable (pods, cpu, memory, ephemeral storage, extended
resources), Score with the LeastAllocated strategy (noderesources/fit.go, least_allocated.go)."""

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
    PreFilterPlugin,
    PreScorePlugin,
    ScorePlugin,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.resource import Resource, compute_pod_resource, is_extended_resource_name
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo, PreFilterResult
from labk8s.scheduler.plugins.base import PluginBase, node_name, uid
from labk8s.scheduler.plugins.resource_allocation import (
    least_allocated_batch,
    parse_resources,
    pod_request_list,
    score_node,
    validate_resources,
    vectorisable,
)

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]
NAME = "NodeResourcesFit"
_PRE_FILTER_KEY = "PreFilter" + NAME
_PRE_SCORE_KEY = "PreScore" + NAME
LEAST_ALLOCATED = "LeastAllocated"


class InsufficientResource:
    __slots__ = ("resource_name", "reason", "requested", "used", "capacity", "unresolvable")

    def __init__(self, resource_name: str, reason: str, requested: int, used: int, capacity: int,
                 unresolvable: bool = False) -> None:
        self.resource_name = resource_name
        self.reason = reason
        self.requested = requested
        self.used = used
        self.capacity = capacity
        self.unresolvable = unresolvable


def fits_request(req: Resource, ni: NodeInfo, ignored: frozenset[str] = frozenset(),
                 ignored_groups: frozenset[str] = frozenset()) -> list[InsufficientResource]:
    """fitsRequest: every resource the node lacks for the pod (pod count first, then cpu, memory,
    ephemeral storage, then extended resources sorted by name, where upstream iterates a map)."""
    out: list[InsufficientResource] = []
    alloc, used = ni.allocatable, ni.requested
    if len(ni.pods) + 1 > alloc.allowed_pod_number:
        out.append(InsufficientResource("pods", "Too many pods", 1, len(ni.pods), alloc.allowed_pod_number))
    if req.milli_cpu == 0 and req.memory == 0 and req.ephemeral_storage == 0 and not req.scalar:
        return out
    if req.milli_cpu > 0 and req.milli_cpu > alloc.milli_cpu - used.milli_cpu:
        out.append(InsufficientResource("cpu", "Insufficient cpu", req.milli_cpu, used.milli_cpu, alloc.milli_cpu,
                                        req.milli_cpu > alloc.milli_cpu))
    if req.memory > 0 and req.memory > alloc.memory - used.memory:
        out.append(InsufficientResource("memory", "Insufficient memory", req.memory, used.memory, alloc.memory,
                                        req.memory > alloc.memory))
    if req.ephemeral_storage > 0 and req.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage:
        out.append(InsufficientResource("ephemeral-storage", "Insufficient ephemeral-storage", req.ephemeral_storage,
                                        used.ephemeral_storage, alloc.ephemeral_storage,
                                        req.ephemeral_storage > alloc.ephemeral_storage))
    for name in sorted(req.scalar):
        q = req.scalar[name]
        if q == 0:
            continue
        if is_extended_resource_name(name) and (name in ignored or name.split("/", 1)[0] in ignored_groups):
            continue
        have = alloc.scalar.get(name, 0)
        if q > have - used.scalar.get(name, 0):
            out.append(InsufficientResource(name, f"Insufficient {name}", q, used.scalar.get(name, 0), have, q > have))
    return out


def status_for(insufficient: list[InsufficientResource]) -> Status | None:
    if not insufficient:
        return None
    code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE if any(r.unresolvable for r in insufficient) else Code.UNSCHEDULABLE
    return Status(code, *(r.reason for r in insufficient))


class NodeResourcesFit(PluginBase, PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions):
    name = NAME

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        super().__init__(handle, args)
        self.ignored = frozenset(self.args.get("ignoredResources") or ())
        self.ignored_groups = frozenset(self.args.get("ignoredResourceGroups") or ())
        strategy = self.args.get("scoringStrategy") or {}
        if strategy.get("type", LEAST_ALLOCATED) != LEAST_ALLOCATED:
            raise ValueError(f"scoring strategy {strategy.get('type')} is not supported")
        self.resources = parse_resources(strategy)
        validate_resources(self.resources, "scoringStrategy.resources")
        self._vector = vectorisable(self.resources)

    # -- Filter -------------------------------------------------------------------------------------
    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        state.write(_PRE_FILTER_KEY, pod.resource.requests)
        return None, None

    def _request(self, state: CycleState, pod: PodInfo) -> Resource:
        req = state.get(_PRE_FILTER_KEY)
        return req if req is not None else pod.resource.requests

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        return status_for(fits_request(self._request(state, pod), node, self.ignored, self.ignored_groups))

    def filter_batch(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, slots: IntArray) -> BoolArray | None:
        req = self._request(state, pod)
        s = snapshot
        ok = s.pod_count[slots] < s.alloc_pods[slots]
        if req.milli_cpu > 0:
            ok &= req.milli_cpu <= s.alloc_cpu[slots] - s.req_cpu[slots]
        if req.memory > 0:
            ok &= req.memory <= s.alloc_mem[slots] - s.req_mem[slots]
        if req.ephemeral_storage > 0:
            ok &= req.ephemeral_storage <= s.alloc_eph[slots] - s.req_eph[slots]
        if any(req.scalar.values()):
            infos = s.slot_infos
            for i in np.flatnonzero(ok).tolist():
                ni = infos[int(slots[i])]
                assert ni is not None
                if fits_request(req, ni, self.ignored, self.ignored_groups):
                    ok[i] = False
        return ok

    # -- Score --------------------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        state.write(_PRE_SCORE_KEY, pod_request_list(pod, self.resources, False))
        return None

    def _pod_requests(self, state: CycleState, pod: PodInfo) -> list[int]:
        r = state.get(_PRE_SCORE_KEY)
        return r if r is not None else pod_request_list(pod, self.resources, False)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return score_node(node, self.resources, self._pod_requests(state, pod), False, True)

    def score_batch(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> IntArray:
        if not self._vector:
            return super().score_batch(state, pod, nodes)
        return least_allocated_batch(nodes, self.resources, self._pod_requests(state, pod))

    # -- queueing hints -----------------------------------------------------------------------------
    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            # InPlacePodVerticalScaling is GA: a scale-down frees resources as a deletion does.
            ClusterEventWithHint(ClusterEvent("Pod", ActionType.DELETE | ActionType.UPDATE_POD_SCALE_DOWN),
                                 self._after_pod_event),
            ClusterEventWithHint(ClusterEvent("Node", ActionType.ADD | ActionType.UPDATE_NODE_ALLOCATABLE),
                                 self._after_node_change),
        ]

    def _after_pod_event(self, pod: Obj, old: Any, new: Any) -> QueueingHint:
        if new is None:
            if not node_name(old) and not (old.get("status") or {}).get("nominatedNodeName"):
                return QueueingHint.QUEUE_SKIP
            return QueueingHint.QUEUE
        if uid(new) == uid(pod):
            return QueueingHint.QUEUE
        if not node_name(new):
            return QueueingHint.QUEUE_SKIP
        before = compute_pod_resource(old.get("spec") or {}).requests
        after = compute_pod_resource(new.get("spec") or {}).requests
        want = compute_pod_resource(pod.get("spec") or {}).requests
        for name in ("cpu", "memory", "ephemeral-storage", *sorted(want.scalar)):
            if want.get(name) and before.get(name) > after.get(name):
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP

    def _after_node_change(self, pod: Obj, old: Any, new: Any) -> QueueingHint:
        req = compute_pod_resource(pod.get("spec") or {}).requests
        empty = NodeInfo(new)
        if fits_request(req, empty):
            return QueueingHint.QUEUE_SKIP
        if old is None:
            return QueueingHint.QUEUE
        before = NodeInfo(old).allocatable
        after = empty.allocatable
        if after.allowed_pod_number > before.allowed_pod_number:
            return QueueingHint.QUEUE
        if req.is_zero():
            return QueueingHint.QUEUE_SKIP
        for name in ("cpu", "memory", "ephemeral-storage", *sorted(req.scalar)):
            if req.get(name) > 0 and after.get(name) > before.get(name):
                return QueueingHint.QUEUE
        return QueueingHint.QUEUE_SKIP
