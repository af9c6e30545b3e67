"""Plugin interfaces, one small class per extension point (k8s.io/kube-scheduler/framework/interface.go).

A plugin inherits the interfaces of the extension points it implements; the framework runs it at each
of them in the configured order. Two optional fast paths keep large clusters quick without changing any
result: ``filter_batch`` (a boolean mask over node slots) and ``score_batch`` (an array of raw scores).
The per-node ``filter``/``score`` remain the reference: the framework calls them for every rejected node
to build its Status, and tests check that both paths agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ClusterEventWithHint
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import Status
from labk8s.scheduler.framework.types import (
    NodeToStatus,
    PodInfo,
    PostFilterResult,
    PreFilterResult,
    QueuedPodInfo,
)

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot

Obj = dict[str, Any]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class NodeList:
    """The nodes given to PreScore/Score: snapshot slots in evaluation order, NodeInfos on demand."""

    __slots__ = ("snapshot", "slots", "_infos", "_columns")

    def __init__(self, snapshot: Snapshot, slots: IntArray) -> None:
        self.snapshot = snapshot
        self.slots = slots
        self._infos: list[NodeInfo] | None = None
        self._columns: dict[str, IntArray] = {}

    def column(self, name: str) -> IntArray:
        """A snapshot array (alloc_cpu, req_mem, nz_cpu, ...) gathered for these nodes, once per cycle."""
        col = self._columns.get(name)
        if col is None:
            col = self._columns[name] = getattr(self.snapshot, name)[self.slots]
        return col

    @property
    def infos(self) -> list[NodeInfo]:
        infos = self._infos
        if infos is None:
            table = self.snapshot.slot_infos
            infos = self._infos = [table[s] for s in self.slots.tolist()]
        return infos

    def __len__(self) -> int:
        return len(self.slots)


class Plugin:
    name = ""


class PreEnqueuePlugin(Plugin):
    def pre_enqueue(self, pod: Obj) -> Status | None:
        raise NotImplementedError


class QueueSortPlugin(Plugin):
    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        raise NotImplementedError

    def sort_key(self, q: QueuedPodInfo) -> tuple[Any, ...]:
        """A heap key ordering pods as ``less`` does (the queue keeps a heap of keys)."""
        raise NotImplementedError


class PreFilterPlugin(Plugin):
    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        raise NotImplementedError


class PreFilterExtensions:
    """Implemented by PreFilter plugins whose state depends on the pods of a node (AddPod/RemovePod)."""

    def add_pod(self, state: CycleState, pod: PodInfo, pod_to_add: PodInfo, node: NodeInfo) -> Status | None:
        raise NotImplementedError

    def remove_pod(self, state: CycleState, pod: PodInfo, pod_to_remove: PodInfo, node: NodeInfo) -> Status | None:
        raise NotImplementedError


class FilterPlugin(Plugin):
    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        raise NotImplementedError

    def filter_batch(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, slots: IntArray) -> BoolArray | None:
        """Vectorised Filter over snapshot slots: True where the node passes; None when all pass.
        The default runs the per-node Filter."""
        infos = snapshot.slot_infos
        return np.fromiter((self.filter(state, pod, infos[s]) is None
                            for s in slots.tolist()), dtype=np.bool_, count=len(slots))


class PostFilterPlugin(Plugin):
    def post_filter(self, state: CycleState, pod: PodInfo,
                    statuses: NodeToStatus) -> tuple[PostFilterResult | None, Status]:
        raise NotImplementedError


class PreScorePlugin(Plugin):
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> Status | None:
        raise NotImplementedError


class ScorePlugin(Plugin):
    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        raise NotImplementedError

    def score_batch(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> IntArray:
        return np.fromiter((self.score(state, pod, n) for n in nodes.infos), dtype=np.int64, count=len(nodes))

    def normalize_score(self, state: CycleState, pod: PodInfo, scores: IntArray, nodes: NodeList) -> None:
        """ScoreExtensions.NormalizeScore, in place; the default does nothing (no ScoreExtensions)."""


class ReservePlugin(Plugin):
    def reserve(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        raise NotImplementedError

    def unreserve(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        raise NotImplementedError


class PermitPlugin(Plugin):
    def permit(self, state: CycleState, pod: PodInfo, node_name: str) -> tuple[Status | None, int]:
        """(status, timeout in ms); a Wait status parks the pod until allowed, rejected or timed out."""
        raise NotImplementedError


class Retry:
    """A PreBind result meaning "not done yet; call again after ``delay_ms``" (upstream polls)."""

    __slots__ = ("delay_ms",)

    def __init__(self, delay_ms: int) -> None:
        self.delay_ms = delay_ms


class PreBindPlugin(Plugin):
    def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | Retry | None:
        raise NotImplementedError


class BindPlugin(Plugin):
    def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        """Skip means "not mine": the next Bind plugin is asked."""
        raise NotImplementedError


class PostBindPlugin(Plugin):
    def post_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        raise NotImplementedError


class EnqueueExtensions:
    def events_to_register(self) -> list[ClusterEventWithHint]:
        raise NotImplementedError
