"""The kube-scheduler actor (pkg/scheduler/scheduler.go, schedule_one.go, eventhandlers.go).

Informers feed the cache (assigned pods, nodes) and the scheduling queue (unassigned pods of this
scheduler); each scheduling cycle is one event of the loop and takes SCHEDULING_CYCLE_MS of virtual time
before the next one starts; binding runs asynchronously and lands BIND_LATENCY_MS after the cycle.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Callable, Generator
from typing import Any

from labk8s._sim import Priority, Rng
from labk8s.client.client import Client
from labk8s.client.informer import Informer, InformerFactory
from labk8s.client.record import EventRecorder
from labk8s.errors import ApiError
from labk8s.scheduler.cache.cache import Cache, CacheError
from labk8s.scheduler.cache.snapshot import Snapshot
from labk8s.scheduler.config import DEFAULT_SCHEDULER_NAME, PERCENTAGE_OF_NODES_TO_SCORE
from labk8s.scheduler.explain import Explanation
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import (
    CSI_NODE,
    EVENT_ASSIGNED_POD_ADD,
    EVENT_ASSIGNED_POD_DELETE,
    EVENT_NODE_ADD,
    EVENT_NODE_DELETE,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    STORAGE_CLASS,
    ActionType,
    ClusterEvent,
    node_scheduling_properties_change,
    pod_scheduling_properties_change,
)
from labk8s.scheduler.framework.interface import Retry
from labk8s.scheduler.framework.runtime import Framework, FrameworkError, WaitingPod
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import (
    MODE_OVERRIDE,
    Diagnosis,
    FitError,
    NominatingInfo,
    PodInfo,
    QueuedPodInfo,
    clear_nominated_node,
    pod_key,
    pod_priority,
)
from labk8s.scheduler.nominator import nominated_node_name
from labk8s.scheduler.plugins import new_plugins
from labk8s.scheduler.queue import PriorityQueue
from labk8s.scheduler.schedule_one import Algorithm, CycleRecord, NoNodesAvailable

Obj = dict[str, Any]

#: Virtual duration of one scheduling cycle. kube-scheduler's scheduling_attempt_duration on small and
#: medium clusters is about a millisecond (scheduler_perf); the next cycle starts no earlier than this.
SCHEDULING_CYCLE_MS = 1
#: Binding is asynchronous: one pods/binding POST round trip (API server + etcd write) after the cycle.
BIND_LATENCY_MS = 2
#: How many pods' last attempts explain() keeps (most recent first out).
EXPLAIN_HISTORY = 2000
#: validation.NoteLengthLimit: longer FailedScheduling messages are cut and end in " ...".
NOTE_LENGTH_LIMIT = 1024
_PHASE_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed"
_LISTERS = ("nodes", "persistentvolumeclaims", "persistentvolumes", "storageclasses", "priorityclasses",
            "namespaces", "services", "replicasets", "statefulsets", "replicationcontrollers", "poddisruptionbudgets",
            "csinodes")
_GENERIC_RESOURCES = {"persistentvolumeclaims": PERSISTENT_VOLUME_CLAIM, "persistentvolumes": PERSISTENT_VOLUME,
                      "storageclasses": STORAGE_CLASS, "csinodes": CSI_NODE}


def truncate_message(message: str) -> str:
    if len(message) <= NOTE_LENGTH_LIMIT:
        return message
    return message[:NOTE_LENGTH_LIMIT - 4] + " ..."


def _assigned(pod: Obj) -> bool:
    return bool((pod.get("spec") or {}).get("nodeName"))


class Scheduler:
    def __init__(self, client: Client, rng: Rng, *, recorder: EventRecorder | None = None,
                 percentage_of_nodes_to_score: int = PERCENTAGE_OF_NODES_TO_SCORE,
                 plugin_args: dict[str, Obj] | None = None) -> None:
        self.client = client
        self.loop = client.loop
        self.rng = rng
        self._random: random.Random = rng.random
        self.recorder = recorder if recorder is not None else EventRecorder(client, DEFAULT_SCHEDULER_NAME)
        self.profiles = (DEFAULT_SCHEDULER_NAME,)
        self.factory = InformerFactory(client)
        self.informers: dict[str, Informer] = {n: self.factory.for_resource(client.resolve(n)) for n in _LISTERS}
        self.pods = Informer(client, client.resolve("pods"), field_selector=_PHASE_SELECTOR)
        self.pods.add_indexer("namespace", lambda o: [o["metadata"].get("namespace", "")])
        self.snapshot = Snapshot()
        self.cache = Cache(self.snapshot)
        fw = self.framework = Framework(self.snapshot)
        fw.client = client
        fw.recorder = self.recorder
        fw.rng = rng
        fw.listers = {**self.informers, "pods": self.pods}
        fw.now_ms = lambda: self.loop.now_ms
        fw.activate = lambda pods: self.queue.activate(pods)
        fw.patch_pod_status = self._patch_pod_status
        fw.set_plugins(new_plugins(fw, plugin_args))
        self.queue = PriorityQueue(fw, self.loop, self.pods.get, on_activity=self._kick)
        fw.nominator = self.queue.nominator
        self.algorithm = Algorithm(fw, self._random, percentage_of_nodes_to_score)
        self.explanations: OrderedDict[str, Explanation] = OrderedDict()
        self.cycles = 0
        self._cycle_event: Any = None
        self._busy_until = 0
        self._started = False
        self._register_handlers()

    # -- start --------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.factory.start()
        self.pods.start()

    def stop(self) -> None:
        """Stop watching; pending cycles still scheduled on the loop find nothing to do."""
        self._started = False
        self.factory.stop()
        self.pods.stop()

    def _responsible(self, pod: Obj) -> bool:
        return ((pod.get("spec") or {}).get("schedulerName") or DEFAULT_SCHEDULER_NAME) in self.profiles

    # -- event handlers (eventhandlers.go) ----------------------------------------------------------
    def _register_handlers(self) -> None:
        self.pods.add_event_handler(self._on_pod_add, self._on_pod_update, self._on_pod_delete)
        self.informers["nodes"].add_event_handler(self._on_node_add, self._on_node_update, self._on_node_delete)
        for name, resource in _GENERIC_RESOURCES.items():
            self.informers[name].add_event_handler(*self._generic_handlers(resource))

    def _generic_handlers(self, resource: str) -> tuple[Callable[[Obj], None], Callable[[Obj, Obj], None],
                                                        Callable[[Obj], None]]:
        q = self.queue

        def on_add(obj: Obj) -> None:
            q.move_all_to_active_or_backoff(ClusterEvent(resource, ActionType.ADD), None, obj)

        def on_update(old: Obj, new: Obj) -> None:
            q.move_all_to_active_or_backoff(ClusterEvent(resource, ActionType.UPDATE), old, new)

        def on_delete(obj: Obj) -> None:
            q.move_all_to_active_or_backoff(ClusterEvent(resource, ActionType.DELETE), obj, None)
        return on_add, on_update, on_delete

    def _on_pod_add(self, pod: Obj) -> None:
        if _assigned(pod):
            self._add_pod_to_cache(pod)
        elif self._responsible(pod):
            self.queue.add(pod)

    def _on_pod_update(self, old: Obj, new: Obj) -> None:
        # Two filtered handlers, as upstream registers them: the cache's (assigned pods), then the queue's.
        oa, na = _assigned(old), _assigned(new)
        if oa and na:
            self._update_pod_in_cache(old, new)
        elif oa:
            self._delete_pod_from_cache(old)
        elif na:
            self._add_pod_to_cache(new)
        oq, nq = not oa and self._responsible(old), not na and self._responsible(new)
        if oq and nq:
            self._update_pod_in_queue(old, new)
        elif oq:
            self._delete_pod_from_queue(old)
        elif nq:
            self.queue.add(new)

    def _on_pod_delete(self, pod: Obj) -> None:
        if _assigned(pod):
            self._delete_pod_from_cache(pod)
        elif self._responsible(pod):
            self._delete_pod_from_queue(pod)

    def _add_pod_to_cache(self, pod: Obj) -> None:
        try:
            self.cache.add_pod(pod)
        except CacheError:
            pass
        self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_ADD, None, pod)

    def _update_pod_in_cache(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        try:
            self.cache.update_pod(old, new)
        except CacheError:
            pass
        for ev in pod_scheduling_properties_change(new, old):
            self.queue.move_all_to_active_or_backoff(ev, old, new)

    def _delete_pod_from_cache(self, pod: Obj) -> None:
        self.cache.remove_pod(pod)
        self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, pod, None)

    def _update_pod_in_queue(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        if self.cache.is_assumed(pod_key(new)):
            return
        self.queue.update(old, new)
        if nominated_node_name(old) != nominated_node_name(new):
            self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, old, None,
                                                     self._le_priority(pod_priority(old)))

    def _delete_pod_from_queue(self, pod: Obj) -> None:
        self.queue.delete(pod)
        if self.framework.reject_waiting_pod(pod["metadata"].get("uid", "")):
            self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, pod, None)
        elif nominated_node_name(pod):
            self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, pod, None,
                                                     self._le_priority(pod_priority(pod)))

    @staticmethod
    def _le_priority(prio: int) -> Callable[[Obj], bool]:
        return lambda p: pod_priority(p) <= prio

    def _on_node_add(self, node: Obj) -> None:
        self.cache.add_node(node)
        self.queue.move_all_to_active_or_backoff(EVENT_NODE_ADD, None, node)

    def _on_node_update(self, old: Obj, new: Obj) -> None:
        self.cache.update_node(old, new)
        for ev in node_scheduling_properties_change(new, old):
            self.queue.move_all_to_active_or_backoff(ev, old, new)

    def _on_node_delete(self, node: Obj) -> None:
        self.cache.remove_node(node)
        self.queue.move_all_to_active_or_backoff(EVENT_NODE_DELETE, node, None)

    # -- the scheduling loop ------------------------------------------------------------------------
    def _kick(self) -> None:
        if self._cycle_event is None and self._started:
            at = max(self.loop.now_ms, self._busy_until)
            self._cycle_event = self.loop.call_at(at, self._schedule_one, "kube-scheduler: scheduling cycle",
                                                  Priority.NORMAL)

    def _schedule_one(self) -> None:
        self._cycle_event = None
        q = self.queue.pop()
        if q is not None:
            self._busy_until = self.loop.now_ms + SCHEDULING_CYCLE_MS
            self.cycles += 1
            self._scheduling_cycle(q)
        if self.queue.has_ready():
            self._kick()

    def _skip(self, q: QueuedPodInfo) -> bool:
        pod = q.pod
        if pod["metadata"].get("deletionTimestamp"):
            self.recorder.event(pod, "Warning", "FailedScheduling",
                                f"skip schedule deleting pod: {q.pod_info.namespace}/{q.pod_info.name}")
            return True
        return self.cache.is_assumed(q.key)

    def _scheduling_cycle(self, q: QueuedPodInfo) -> None:
        pi = q.pod_info
        if self._skip(q):
            self.queue.done(pi.uid)
            return
        start = self.loop.now_ms
        state = CycleState()
        record = CycleRecord()
        try:
            result = self.algorithm.schedule_pod(state, pi, record)
        except NoNodesAvailable as err:
            status = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, str(err), error=err)
            self._remember(q, record, status, start)
            self._handle_failure(q, status, clear_nominated_node())
            return
        except FitError as fit:
            nominating: NominatingInfo | None = clear_nominated_node()
            if self.framework.post_filter_plugins:
                res, s = self.framework.run_post_filter(state, pi, fit.diagnosis.node_to_status)
                fit.diagnosis.post_filter_msg = s.message()
                nominating = res.nominating_info if res is not None else None
            status = Status(Code.UNSCHEDULABLE, str(fit), error=fit)
            self._remember(q, record, status, start)
            self._handle_failure(q, status, nominating)
            return
        except FrameworkError as err:
            self._remember(q, record, err.status, start)
            self._handle_failure(q, Status(Code.ERROR, err.status.message(), error=err), clear_nominated_node())
            return
        host = result.suggested_host
        assumed_pod = {**pi.pod, "spec": {**pi.spec, "nodeName": host}}
        assumed = PodInfo(assumed_pod)
        try:
            self.cache.assume_pod(assumed, host)
        except CacheError as err:
            self._handle_failure(q, Status.as_status(err), clear_nominated_node())
            return
        self.queue.nominator.delete(assumed_pod)
        self._remember(q, record, None, start)
        fw = self.framework
        rs = fw.run_reserve(state, assumed, host)
        if rs is None:
            rs = fw.run_permit(state, assumed, host)
            if rs is not None and rs.code == Code.WAIT:
                rs = None
            elif rs is not None:
                fw.run_unreserve(state, assumed, host)
        else:
            fw.run_unreserve(state, assumed, host)
        if rs is not None:
            self.cache.forget_pod(assumed.key, host)
            self._handle_failure(q, self._one_node_fit_error(pi.pod, host, rs), clear_nominated_node())
            return
        gen = self._binding_cycle(state, q, assumed, host)
        self.loop.call_later(SCHEDULING_CYCLE_MS + BIND_LATENCY_MS, lambda: self._drive(gen),
                             f"kube-scheduler: bind {pi.key} to {host}", Priority.NORMAL)

    @staticmethod
    def _one_node_fit_error(pod: Obj, host: str, s: Status) -> Status:
        if not s.is_rejected():
            return s
        diag = Diagnosis()
        diag.node_to_status.set(host, s)
        diag.add_plugin_status(s)
        fit = FitError(pod, 1, diag)
        return Status(s.code, str(fit), error=fit)

    # -- binding cycle ------------------------------------------------------------------------------
    def _drive(self, gen: Generator[Any, None, None]) -> None:
        try:
            step = next(gen)
        except StopIteration:
            return
        if isinstance(step, WaitingPod):
            def resume() -> None:
                self.loop.call_later(0, lambda: self._drive(gen), "kube-scheduler: permit resolved", Priority.NORMAL)
            step.on_done(resume)
        else:
            self.loop.call_later(int(step), lambda: self._drive(gen), "kube-scheduler: binding cycle",
                                 Priority.NORMAL)

    def _binding_cycle(self, state: CycleState, q: QueuedPodInfo, assumed: PodInfo,
                       host: str) -> Generator[Any, None, None]:
        fw = self.framework
        # NominatedNodeNameForExpectation (beta, on since v1.35): publish the chosen node while PreBind
        # or Permit still has work to do, for components such as the cluster autoscaler.
        flight = fw.run_pre_bind_pre_flights(state, assumed, host)
        if flight is not None and flight.code not in (Code.SUCCESS, Code.SKIP):
            self._binding_failed(state, q, assumed, host, flight)
            return
        wp = fw.get_waiting_pod(assumed.uid)
        if flight is None or wp is not None:
            self._patch_pod_status(assumed.pod, None, NominatingInfo(host, MODE_OVERRIDE))
        if wp is not None:
            if not wp.done:
                yield wp
            fw.waiting_pods.pop(assumed.uid, None)
            if wp.status is not None:
                self._binding_failed(state, q, assumed, host, self._one_node_fit_error(assumed.pod, host, wp.status))
                return
        self.queue.done(assumed.uid)
        index = 0
        while True:
            index, r = fw.run_pre_bind_step(state, assumed, host, index)
            if isinstance(r, Retry):
                yield r.delay_ms
                continue
            if r is not None:
                self._binding_failed(state, q, assumed, host, r)
                return
            break
        s = fw.run_bind(state, assumed, host)
        self.cache.finish_binding(assumed.key)
        if s is not None:
            self._binding_failed(state, q, assumed, host, s)
            return
        self.recorder.event(assumed.pod, "Normal", "Scheduled",
                            f"Successfully assigned {assumed.namespace}/{assumed.name} to {host}")
        fw.run_post_bind(state, assumed, host)

    def _binding_failed(self, state: CycleState, q: QueuedPodInfo, assumed: PodInfo, host: str,
                        status: Status) -> None:
        """handleBindingCycleError: unreserve, forget the assumed pod, and requeue what it blocked."""
        self.framework.run_unreserve(state, assumed, host)
        try:
            self.cache.forget_pod(assumed.key, host)
        except CacheError:
            pass
        else:
            if status.is_rejected():
                uid = assumed.uid
                self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, assumed.pod, None,
                                                         lambda p: p["metadata"].get("uid") != uid)
            else:
                self.queue.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, assumed.pod, None)
        self._handle_failure(q, status, clear_nominated_node())

    # -- failures -----------------------------------------------------------------------------------
    def _handle_failure(self, q: QueuedPodInfo, status: Status, nominating: NominatingInfo | None) -> None:
        """handleSchedulingFailure: requeue, nominate, FailedScheduling event, PodScheduled condition."""
        reason = "Unschedulable" if status.is_rejected() else "SchedulerError"
        err = status.error
        if isinstance(err, FitError):
            q.unschedulable_plugins = set(err.diagnosis.unschedulable_plugins)
            q.pending_plugins = set(err.diagnosis.pending_plugins)
        pod = q.pod
        cached = self.pods.get(q.pod_info.namespace, q.pod_info.name)
        if cached is None or _assigned(cached):
            self.queue.done(q.pod_info.uid)
        else:
            q.pod_info = PodInfo(cached)
            self.queue.add_unschedulable_if_not_present(q, self.queue.scheduling_cycle)
        self.queue.nominator.add(q.pod_info, nominating)
        msg = status.message()
        self.recorder.event(pod, "Warning", "FailedScheduling", truncate_message(msg))
        cond = {"type": "PodScheduled", "status": "False", "reason": reason, "message": msg}
        self._patch_pod_status(pod, cond, nominating)

    def _patch_pod_status(self, pod: Obj, condition: Obj | None, nominating: NominatingInfo | None) -> None:
        """updatePod / util.PatchPodStatus: write the PodScheduled condition and nominatedNodeName when
        either changes (podutil.UpdatePodCondition keeps lastTransitionTime while the status holds).

        The conditions go as a JSON merge patch of the whole list, taken from the informer's latest copy:
        a strategic patch would drop the condition's ``lastProbeTime: null``, which a real API server keeps
        (the Go struct re-encodes it)."""
        status = pod.get("status") or {}
        patch: Obj = {}
        if nominating is not None and nominating.mode == MODE_OVERRIDE and \
                nominated_node_name(pod) != nominating.nominated_node_name:
            patch["nominatedNodeName"] = nominating.nominated_node_name or None
        if condition is not None:
            old = next((c for c in status.get("conditions") or () if c.get("type") == condition["type"]), None)
            cond: Obj = {"type": condition["type"]}
            generation = pod["metadata"].get("generation", 0)
            if generation:
                cond["observedGeneration"] = generation
            cond.update(status=condition["status"], lastProbeTime=None,
                        lastTransitionTime=old.get("lastTransitionTime") if old is not None and
                        old.get("status") == condition["status"] else self.framework.now_rfc3339(),
                        reason=condition["reason"], message=condition["message"])
            if old is None or any(old.get(k) != cond.get(k) for k in cond):
                latest = self.pods.get(pod["metadata"].get("namespace", ""), pod["metadata"]["name"]) or pod
                conds = list((latest.get("status") or {}).get("conditions") or [])
                idx = next((i for i, c in enumerate(conds) if c.get("type") == cond["type"]), None)
                if idx is None:
                    conds.append(cond)
                else:
                    conds[idx] = cond
                patch["conditions"] = conds
        if not patch:
            return
        try:
            self.client.patch(self.client.resolve("pods"), pod["metadata"].get("namespace", ""),
                              pod["metadata"]["name"], {"status": patch}, "merge", subresource="status")
        except ApiError:
            pass  # the pod is gone or changed: the next attempt reports again

    # -- explain ------------------------------------------------------------------------------------
    def _remember(self, q: QueuedPodInfo, record: CycleRecord, status: Status | None, start: int) -> None:
        if EXPLAIN_HISTORY <= 0:
            return
        ex = Explanation(q.key, q.attempts, start, record, status, self.snapshot, self.framework)
        self.explanations[q.key] = ex
        self.explanations.move_to_end(q.key)
        if len(self.explanations) > EXPLAIN_HISTORY:
            self.explanations.popitem(last=False)

    def explain(self, namespace: str, name: str) -> dict[str, Any]:
        """The last scheduling attempt of a pod: each node's filter verdicts per plugin and scores per
        plugin, the chosen node or the failure message. KeyError when the scheduler has not tried it."""
        ex = self.explanations.get(f"{namespace}/{name}")
        if ex is None:
            raise KeyError(f"no scheduling attempt recorded for pod {namespace}/{name}")
        return ex.to_dict()
