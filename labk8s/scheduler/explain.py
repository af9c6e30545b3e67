"""Explanations of scheduling attempts for notebooks: for each node the scheduler looked at, every
Filter plugin's verdict and every Score plugin's (normalised, weighted) score.

A record keeps the cycle's arrays as computed and turns them into a dict only when asked, so keeping
the last EXPLAIN_HISTORY attempts costs no extra work per cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s._sim import ms_to_seconds
from labk8s.scheduler.framework.status import Status

if TYPE_CHECKING:
    from labk8s.scheduler.cache.snapshot import Snapshot
    from labk8s.scheduler.framework.runtime import Framework
    from labk8s.scheduler.schedule_one import CycleRecord

Obj = dict[str, Any]
SUCCESS = "Success"
SKIP = "Skip"
NOT_RUN = "not run"


def _verdict(s: Status) -> str:
    return f"{s.code}: {s.message()}" if s.reasons else str(s.code)


class Explanation:
    __slots__ = ("pod", "attempt", "time_ms", "record", "status", "slot_names", "filter_plugins")

    def __init__(self, pod: str, attempt: int, time_ms: int, record: CycleRecord, status: Status | None,
                 snapshot: Snapshot, fw: Framework) -> None:
        self.pod = pod
        self.attempt = attempt
        self.time_ms = time_ms
        self.record = record
        self.status = status
        self.slot_names = snapshot.slot_names
        self.filter_plugins = tuple(p.name for p in fw.filter_plugins)

    def _filters(self, status: Status | None) -> dict[str, str]:
        skip = self.record.skip_filter
        out: dict[str, str] = {}
        failed = False
        for name in self.filter_plugins:
            if name in skip:
                out[name] = SKIP
            elif failed:
                out[name] = NOT_RUN
            elif status is not None and status.plugin == name:
                out[name] = _verdict(status)
                failed = True
            else:
                out[name] = SUCCESS
        return out

    def to_dict(self) -> Obj:
        r = self.record
        names = self.slot_names
        st = self.status
        if st is None:
            outcome = "Scheduled"
        elif st.is_rejected():
            outcome = "Unschedulable"
        else:
            outcome = "SchedulerError"
        feasible = {int(s): i for i, s in enumerate(r.feasible.tolist())}
        nodes: dict[str, Obj] = {}
        for slot in r.evaluated.tolist():
            entry: Obj = {"filters": self._filters(r.statuses.get(slot))}
            i = feasible.get(slot)
            if i is not None and r.totals is not None:
                entry["scores"] = {name: int(arr[i]) for name, arr in r.scores.items()}
                entry["total"] = int(r.totals[i])
            nodes[names[slot]] = entry
        pre = r.pre_filter_status
        return {
            "pod": self.pod,
            "attempt": self.attempt,
            "time": ms_to_seconds(self.time_ms),
            "outcome": outcome,
            "node": r.host or None,
            "message": st.message() if st is not None else "",
            "nominatedNode": r.nominated or None,
            "preFilter": None if pre is None else {"plugin": pre.plugin, "code": str(pre.code),
                                                   "reasons": list(pre.reasons)},
            "skippedFilterPlugins": sorted(r.skip_filter),
            "skippedScorePlugins": sorted(r.skip_score),
            "evaluatedNodes": len(r.evaluated),
            "feasibleNodes": len(r.feasible),
            "nodes": nodes,
        }
