"""The scheduling algorithm of one cycle (schedule_one.go: schedulePod, findNodesThatFitPod,
findNodesThatPassFilters, prioritizeNodes, selectHost).

Nodes are checked from nextStartNodeIndex round-robin, in chunks through the vectorised filters, until
numFeasibleNodesToFind nodes pass. The outcome is exactly a sequential early-exit scan's: the feasible
list is the first ones found, the statuses are those of the nodes before the last feasible node needed,
and the start index advances by the nodes processed.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import numpy.typing as npt

from labk8s.scheduler.config import (
    new_tie_breaker,
    next_start_node_index,
    num_feasible_nodes_to_find,
    select_host,
)
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.interface import NodeList
from labk8s.scheduler.framework.runtime import Framework, FrameworkError
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import Diagnosis, FitError, PodInfo

Obj = dict[str, Any]
IntArray = npt.NDArray[np.int64]
ERR_NO_NODES_AVAILABLE = "no nodes available to schedule pods"
#: Smallest chunk of nodes filtered at once when more feasible nodes are still needed.
_MIN_CHUNK = 64


class NoNodesAvailable(Exception):
    def __init__(self) -> None:
        super().__init__(ERR_NO_NODES_AVAILABLE)


class CycleRecord:
    """What one attempt computed, kept for explain(): evaluated slots in order, rejected slots' statuses,
    feasible slots, each Score plugin's weighted scores and the totals."""

    __slots__ = ("evaluated", "statuses", "feasible", "scores", "totals", "host", "skip_filter", "skip_score",
                 "pre_filter_status", "nominated")

    def __init__(self) -> None:
        self.evaluated: IntArray = np.zeros(0, dtype=np.int64)
        self.statuses: dict[int, Status] = {}
        self.feasible: IntArray = np.zeros(0, dtype=np.int64)
        self.scores: dict[str, IntArray] = {}
        self.totals: IntArray | None = None
        self.host = ""
        self.skip_filter: set[str] = set()
        self.skip_score: set[str] = set()
        self.pre_filter_status: Status | None = None
        self.nominated = ""


class ScheduleResult:
    __slots__ = ("suggested_host", "evaluated_nodes", "feasible_nodes")

    def __init__(self, host: str, evaluated: int, feasible: int) -> None:
        self.suggested_host = host
        self.evaluated_nodes = evaluated
        self.feasible_nodes = feasible


class Algorithm:
    def __init__(self, fw: Framework, rng: random.Random, percentage_of_nodes_to_score: int = 0) -> None:
        self.fw = fw
        self.rng = new_tie_breaker(rng)
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.next_start_node_index = 0

    def schedule_pod(self, state: CycleState, pod: PodInfo, record: CycleRecord) -> ScheduleResult:
        snap = self.fw.snapshot
        n_all = snap.num_nodes()
        if n_all == 0:
            raise NoNodesAvailable()
        feasible, diagnosis = self.find_nodes_that_fit_pod(state, pod, record)
        record.feasible = feasible
        if len(feasible) == 0:
            raise FitError(pod.pod, n_all, diagnosis)
        infos = snap.slot_infos
        if len(feasible) == 1:
            host = infos[int(feasible[0])].name  # type: ignore[union-attr]
            record.host = host
            return ScheduleResult(host, 1 + len(diagnosis.node_to_status), 1)
        nodes = NodeList(snap, feasible)
        if not self.fw.score_plugins:
            totals = np.ones(len(feasible), dtype=np.int64)
        else:
            self.fw.run_pre_score(state, pod, nodes)
            record.skip_score = set(state.skip_score_plugins)
            record.scores, totals = self.fw.run_score(state, pod, nodes)
        record.totals = totals
        idx = select_host(totals, self.rng)
        host = infos[int(feasible[idx])].name  # type: ignore[union-attr]
        record.host = host
        return ScheduleResult(host, len(feasible) + len(diagnosis.node_to_status), len(feasible))

    def find_nodes_that_fit_pod(self, state: CycleState, pod: PodInfo,
                                record: CycleRecord) -> tuple[IntArray, Diagnosis]:
        fw = self.fw
        snap = fw.snapshot
        diagnosis = Diagnosis()
        all_slots = snap.order
        pre_res, s, unscheduled = fw.run_pre_filter(state, pod)
        diagnosis.unschedulable_plugins = set(unscheduled)
        record.skip_filter = set(state.skip_filter_plugins)
        empty = np.zeros(0, dtype=np.int64)
        if s is not None and s.code != Code.SUCCESS:
            if not s.is_rejected():
                raise FrameworkError(s)
            record.pre_filter_status = s
            diagnosis.node_to_status.absent = s
            diagnosis.pre_filter_msg = s.message()
            diagnosis.add_plugin_status(s)
            return empty, diagnosis
        nominated = str((pod.pod.get("status") or {}).get("nominatedNodeName") or "")
        if nominated:
            record.nominated = nominated
            ni = snap.get(nominated)
            if ni is not None:
                one = np.array([ni.slot], dtype=np.int64)
                feasible = self._pass_filters(state, pod, diagnosis, one, record, nominated_only=True)
                if len(feasible):
                    return feasible, diagnosis
        nodes = all_slots
        if pre_res is not None and not pre_res.all_nodes():
            wanted = pre_res.node_names or set()
            nodes = np.array([s for s, name in zip(all_slots.tolist(), snap.names, strict=True) if name in wanted],
                             dtype=np.int64)
            diagnosis.node_to_status.absent = Status(
                Code.UNSCHEDULABLE_AND_UNRESOLVABLE, f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(unscheduled))}]")
        feasible = self._pass_filters(state, pod, diagnosis, nodes, record)
        processed = len(feasible) + len(diagnosis.node_to_status)
        self.next_start_node_index = next_start_node_index(self.next_start_node_index, processed, len(all_slots))
        return feasible, diagnosis

    def _pass_filters(self, state: CycleState, pod: PodInfo, diagnosis: Diagnosis, nodes: IntArray,
                      record: CycleRecord, nominated_only: bool = False) -> IntArray:
        fw = self.fw
        n = len(nodes)
        if n == 0:
            return nodes
        to_find = num_feasible_nodes_to_find(n, fw.percentage_of_nodes_to_score, self.percentage_of_nodes_to_score)
        if not fw.score_plugins:
            to_find = 1
        start = 0 if nominated_only else self.next_start_node_index % n
        rotated = np.concatenate((nodes[start:], nodes[:start])) if start else nodes
        if not fw.filter_plugins:
            record.evaluated = rotated[:to_find]
            return rotated[:to_find]
        feasible_parts: list[IntArray] = []
        statuses: dict[int, Status] = {}
        found = 0
        pos = 0
        chunk = to_find
        while pos < n and found < to_find:
            sub = rotated[pos:pos + chunk]
            mask, st = fw.filter_batch(state, pod, sub)
            ok = sub[mask]
            if found + len(ok) > to_find:
                # Stop at the node that completes the search, as a sequential scan would.
                last = int(np.flatnonzero(mask)[to_find - found - 1])
                sub = sub[:last + 1]
                keep = set(sub.tolist())
                st = {k: v for k, v in st.items() if k in keep}
                ok = ok[:to_find - found]
            feasible_parts.append(ok)
            statuses.update(st)
            found += len(ok)
            pos += len(sub)
            chunk = max(2 * (to_find - found), _MIN_CHUNK)
        record.evaluated = rotated[:pos]
        record.statuses.update(statuses)
        infos = fw.snapshot.slot_infos
        n2s = diagnosis.node_to_status
        for slot, s in statuses.items():
            n2s.set(infos[slot].name, s)  # type: ignore[union-attr]
            diagnosis.add_plugin_status(s)
        return np.concatenate(feasible_parts) if len(feasible_parts) != 1 else feasible_parts[0]
