"""DefaultPreemption (PostFilter): find nodes where evicting lower-priority pods lets the pod fit, pick
one (fewest PDB violations, lowest highest-victim priority, smallest priority sum, fewest victims,
latest start), nominate it and delete the victims asynchronously (SchedulerAsyncPreemption, beta and on
since v1.33). defaultpreemption/default_preemption.go and framework/preemption/preemption.go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s._sim.clock import parse_rfc3339
from labk8s.api.labels import SelectorError, selector_from_label_selector
from labk8s.errors import ApiError
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import (
    ASSIGNED_POD,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    QueueingHint,
)
from labk8s.scheduler.framework.interface import EnqueueExtensions, PostFilterPlugin, PreEnqueuePlugin
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.runtime import FrameworkError
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import (
    Diagnosis,
    FitError,
    NodeToStatus,
    NominatingInfo,
    PodInfo,
    PostFilterResult,
    pod_priority,
)
from labk8s.scheduler.plugins.base import PluginBase

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]
NAME = "DefaultPreemption"
#: DefaultPreemptionArgs defaults.
MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100
#: The asynchronous preemption goroutine issues its API calls (status patch, delete) in parallel; one
#: API round trip after the cycle ends.
PREEMPTION_API_LATENCY_MS = 2
_INT32_MAX = 2**31 - 1


class Candidate:
    __slots__ = ("name", "victims", "num_pdb_violations")

    def __init__(self, name: str, victims: list[Obj], num_pdb_violations: int) -> None:
        self.name = name
        self.victims = victims
        self.num_pdb_violations = num_pdb_violations


def pod_start_ms(pod: Obj, now_ms: int) -> int:
    """GetPodStartTime: status.startTime, or now for pods not started yet."""
    st = (pod.get("status") or {}).get("startTime")
    return parse_rfc3339(st) if st else now_ms


def terminating_by_preemption(pod: Obj) -> bool:
    if not pod["metadata"].get("deletionTimestamp"):
        return False
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == "DisruptionTarget":
            return c.get("status") == "True" and c.get("reason") == "PreemptionByScheduler"
    return False


class DefaultPreemption(PluginBase, PreEnqueuePlugin, PostFilterPlugin, EnqueueExtensions):
    name = NAME

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        super().__init__(handle, args)
        self.min_pct = int(self.args.get("minCandidateNodesPercentage", MIN_CANDIDATE_NODES_PERCENTAGE))
        self.min_abs = int(self.args.get("minCandidateNodesAbsolute", MIN_CANDIDATE_NODES_ABSOLUTE))
        self.preempting: set[str] = set()

    # -- PreEnqueue (async preemption) --------------------------------------------------------------
    def pre_enqueue(self, pod: Obj) -> Status | None:
        if pod["metadata"].get("uid", "") in self.preempting:
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "waiting for the preemption for this pod to be finished")
        return None

    def events_to_register(self) -> list[ClusterEventWithHint]:
        # Other plugins decide when the pod is worth retrying; this one only gates it while it preempts.
        return [ClusterEventWithHint(ClusterEvent(ASSIGNED_POD, ActionType.DELETE), lambda p, o, n: QueueingHint.QUEUE_SKIP)]

    # -- PostFilter ---------------------------------------------------------------------------------
    def post_filter(self, state: CycleState, pod: PodInfo,
                    statuses: NodeToStatus) -> tuple[PostFilterResult | None, Status]:
        result, status = self._preempt(state, pod, statuses)
        msg = status.message()
        if msg:
            return result, Status(status.code, "preemption: " + msg)
        return result, status

    def _eligible(self, pod: Obj, nominated_status: Status) -> tuple[bool, str]:
        """PodEligibleToPreemptOthers."""
        if (pod.get("spec") or {}).get("preemptionPolicy") == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nominated = (pod.get("status") or {}).get("nominatedNodeName") or ""
        if nominated:
            if nominated_status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return True, ""
            ni = self.handle.snapshot.get(nominated)
            if ni is not None:
                prio = pod_priority(pod)
                for p in ni.pods.values():
                    if p.priority < prio and terminating_by_preemption(p.pod):
                        return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    def _preempt(self, state: CycleState, pod_info: PodInfo,
                 statuses: NodeToStatus) -> tuple[PostFilterResult | None, Status]:
        pods = self.handle.listers.get("pods")
        pod = pods.get(pod_info.namespace, pod_info.name) if pods is not None else pod_info.pod
        if pod is None:
            return None, Status(Code.ERROR, f'pod "{pod_info.name}" not found')
        nominated = (pod.get("status") or {}).get("nominatedNodeName") or ""
        ok, msg = self._eligible(pod, statuses.get(nominated))
        if not ok:
            return None, Status(Code.UNSCHEDULABLE, msg)
        snap = self.handle.snapshot
        all_names = snap.names
        potential = statuses.nodes_for_status_code(all_names, Code.UNSCHEDULABLE)
        node_statuses = NodeToStatus()
        candidates: list[Candidate] = []
        if potential:
            candidates, node_statuses = self._dry_run(state, pod_info, potential)
        if not candidates:
            diag = Diagnosis()
            diag.node_to_status = node_statuses
            node_statuses.absent = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "Preemption is not helpful for scheduling")
            fit = FitError(pod, len(all_names), diag)
            return PostFilterResult(NominatingInfo("")), Status(Code.UNSCHEDULABLE, str(fit))
        best = self._select(candidates)
        self._prepare_async(best, pod_info)
        return PostFilterResult(NominatingInfo(best.name)), Status(Code.SUCCESS)

    def _dry_run(self, state: CycleState, pod: PodInfo, potential: list[str]) -> tuple[list[Candidate], NodeToStatus]:
        n = len(potential)
        offset = self.handle.rng.random.randrange(n)
        num = max(n * self.min_pct // 100, self.min_abs)
        num = min(num, n)
        pdbs = self._pdbs()
        non_violating: list[Candidate] = []
        violating: list[Candidate] = []
        out = NodeToStatus()
        snap = self.handle.snapshot
        for i in range(n):
            name = potential[(offset + i) % n]
            ni = snap.get(name)
            assert ni is not None
            victims, violations, status = self.select_victims_on_node(state.clone(), pod, ni.clone(), pdbs)
            if status is None and victims:
                bucket = non_violating if violations == 0 else violating
                if len(bucket) < num:  # each candidate list holds at most candidatesNum entries
                    bucket.append(Candidate(name, victims, violations))
                if non_violating and len(non_violating) + len(violating) >= num:
                    break
                continue
            if status is None:
                status = Status(Code.ERROR, f'expected at least one victim pod on node "{name}"')
            out.set(name, status)
        return non_violating + violating, out

    def _pdbs(self) -> list[Obj]:
        inf = self.handle.listers.get("poddisruptionbudgets")
        return inf.list() if inf is not None else []

    def _more_important_key(self, pod: Obj) -> tuple[int, int]:
        return (-pod_priority(pod), pod_start_ms(pod, self.handle.now_ms()))

    def select_victims_on_node(self, state: CycleState, pod: PodInfo, ni: NodeInfo,
                               pdbs: list[Obj]) -> tuple[list[Obj], int, Status | None]:
        fw = self.handle
        prio = pod.priority
        potential = [p for p in ni.pods.values() if p.priority < prio]
        try:
            for p in potential:
                ni.remove_pod(p.key)
                fw.run_pre_filter_remove_pod(state, pod, p, ni)
            if not potential:
                return [], 0, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "No preemption victims found for incoming pod")
            status = fw.run_filter_with_nominated_pods(state, pod, ni)
            if status is not None:
                return [], 0, status
            potential.sort(key=lambda p: self._more_important_key(p.pod))
            violating, non_violating = _split_by_pdb(potential, pdbs)
            victims: list[PodInfo] = []

            def reprieve(p: PodInfo) -> bool:
                ni.add_pod_info(p)
                fw.run_pre_filter_add_pod(state, pod, p, ni)
                fits = fw.run_filter_with_nominated_pods(state, pod, ni) is None
                if not fits:
                    ni.remove_pod(p.key)
                    fw.run_pre_filter_remove_pod(state, pod, p, ni)
                    victims.append(p)
                return fits
            num_violating = sum(1 for p in violating if not reprieve(p))
            for p in non_violating:
                reprieve(p)
        except FrameworkError as err:
            return [], 0, err.status
        if violating and non_violating:
            victims.sort(key=lambda p: self._more_important_key(p.pod))
        return [p.pod for p in victims], num_violating, None

    def _select(self, candidates: list[Candidate]) -> Candidate:
        """pickOneNodeForPreemption; remaining ties go to the first candidate."""
        if len(candidates) == 1:
            return candidates[0]
        now = self.handle.now_ms()

        def earliest_start(c: Candidate) -> int:
            top = max(pod_priority(p) for p in c.victims)
            return min(pod_start_ms(p, now) for p in c.victims if pod_priority(p) == top)
        score_fns = [
            lambda c: -c.num_pdb_violations,
            lambda c: -pod_priority(c.victims[0]),
            lambda c: -sum(pod_priority(p) + _INT32_MAX + 1 for p in c.victims),
            lambda c: -len(c.victims),
            earliest_start,
        ]
        cands = candidates
        for fn in score_fns:
            best = max(fn(c) for c in cands)
            cands = [c for c in cands if fn(c) == best]
            if len(cands) == 1:
                return cands[0]
        return cands[0]

    # -- victims --------------------------------------------------------------------------------------
    def _prepare_async(self, c: Candidate, preemptor: PodInfo) -> None:
        victims = [v for v in c.victims if not v["metadata"].get("deletionTimestamp")]
        if not victims:
            return
        self.preempting.add(preemptor.uid)
        fw = self.handle

        def run() -> None:
            failed = False
            try:
                for nominated in fw.nominator.nominated_pods_for_node(c.name):
                    if nominated.priority < preemptor.priority:
                        fw.patch_pod_status(nominated.pod, None, NominatingInfo(""))
                for v in victims:
                    if not self._preempt_pod(c, preemptor.pod, v):
                        failed = True
            finally:
                self.preempting.discard(preemptor.uid)
            if failed:
                fw.activate([preemptor.pod])
        fw.client.loop.call_later(PREEMPTION_API_LATENCY_MS, run,
                                  f"kube-scheduler: preempt {len(victims)} pod(s) on {c.name} for {preemptor.key}")

    def _preempt_pod(self, c: Candidate, preemptor: Obj, victim: Obj) -> bool:
        """Evaluator.PreemptPod: DisruptionTarget condition, delete, and a Preempted event on the victim."""
        fw = self.handle
        client = fw.client
        rt = client.resource("", "Pod")
        ns, name = victim["metadata"].get("namespace", ""), victim["metadata"]["name"]
        scheduler_name = (preemptor.get("spec") or {}).get("schedulerName") or "default-scheduler"
        cond = {"type": "DisruptionTarget", "observedGeneration": victim["metadata"].get("generation", 1),
                "status": "True", "lastProbeTime": None, "lastTransitionTime": fw.now_rfc3339(),
                "reason": "PreemptionByScheduler",
                "message": f"{scheduler_name}: preempting to accommodate a higher priority pod"}
        try:
            client.patch(rt, ns, name, {"status": {"conditions": [cond]}}, "strategic", subresource="status")
            client.delete(rt, ns, name)
        except ApiError as err:
            return err.reason == "NotFound"
        fw.recorder.event(victim, "Normal", "Preempted",
                          f"Preempted by pod {preemptor['metadata'].get('uid', '')} on node {c.name}")
        return True


def _split_by_pdb(pods: list[PodInfo], pdbs: list[Obj]) -> tuple[list[PodInfo], list[PodInfo]]:
    """filterPodsWithPDBViolation: stable split into PDB-violating and non-violating victims."""
    allowed = [int((p.get("status") or {}).get("disruptionsAllowed") or 0) for p in pdbs]
    violating: list[PodInfo] = []
    non_violating: list[PodInfo] = []
    for pi in pods:
        labels = pi.labels
        bad = False
        if labels:
            for i, pdb in enumerate(pdbs):
                if pdb["metadata"].get("namespace") != pi.namespace:
                    continue
                try:
                    sel = selector_from_label_selector((pdb.get("spec") or {}).get("selector"))
                except SelectorError:
                    continue
                if sel.empty() or sel.is_nothing() or not sel.matches(labels):
                    continue
                if pi.name in ((pdb.get("status") or {}).get("disruptedPods") or {}):
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    bad = True
        (violating if bad else non_violating).append(pi)
    return violating, non_violating
