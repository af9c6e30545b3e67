"""Pod workers (pkg/kubelet/pod_workers.go): one goroutine per pod, driving it through its lifecycle.

States: SyncPod (running the pod; repeated on every update, PLEG event, probe change and retry) ->
SyncTerminatingPod (stop every container with the effective grace period, stop the sandbox) ->
SyncTerminatedPod (final status, volumes torn down; the status manager then deletes a pod marked for
deletion) -> finished. A pod enters termination when it is marked for deletion, removed from the API,
or reaches a terminal phase. Only one sync of a pod runs at a time; updates arriving meanwhile make it
run again when it ends. Termination cancels a sync that is waiting for an image pull.

The effective grace period (calculateEffectiveGracePeriod) starts from the pod's
deletionGracePeriodSeconds (else spec.terminationGracePeriodSeconds), can only decrease, and is at
least 1 second.

When a pod removed from the API has finished, its containers and sandboxes are removed from the runtime
(the container garbage collector's job upstream, done at once here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labk8s._sim import Event, Priority
from labk8s.node.kubelet.podstatus import TERMINAL
from labk8s.node.kubelet.sync import SyncResult, pod_status, sync_pod
from labk8s.node.kubelet.tasks import Task, TaskGen
from labk8s.node.kubelet.termination import kill_pod
from labk8s.node.runtime.containers import CriError

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]
SYNC, TERMINATING, TERMINATED, FINISHED = "SyncPod", "TerminatingPod", "TerminatedPod", "Finished"


@dataclass
class PodSyncStatus:
    uid: str
    pod: Obj
    phase: str = SYNC
    task: Task | None = None
    pending: bool = False
    scheduled: Event | None = None
    retry: Event | None = None
    termination_requested: bool = False
    grace: int = 0
    removed: bool = False


def sync_terminating_pod(kl: Kubelet, pod: Obj, grace: int) -> TaskGen:
    uid = pod["metadata"]["uid"]
    rps = kl.index.status(uid)
    kl.status_manager.set_pod_status(pod, pod_status(kl, pod, rps, False))
    kl.probes.stop_liveness_and_startup(uid)
    yield from kill_pod(kl, pod, rps, grace)
    kl.probes.remove_pod(uid)
    rps = kl.index.status(uid)
    kl.status_manager.set_pod_status(pod, pod_status(kl, pod, rps, True))
    return True


def sync_terminated_pod(kl: Kubelet, pod: Obj) -> TaskGen:
    uid = pod["metadata"]["uid"]
    rps = kl.index.status(uid)
    kl.status_manager.set_pod_status(pod, pod_status(kl, pod, rps, True))
    kl.volumes.teardown(uid)
    kl.status_manager.terminate_pod(pod, finished=True)
    return True
    yield  # a generator like the other pod worker steps


class PodWorkers:
    def __init__(self, kl: Kubelet) -> None:
        self.kl = kl
        self.states: dict[str, PodSyncStatus] = {}

    # -- queries ----------------------------------------------------------------------------------------
    def termination_requested(self, uid: str) -> bool:
        st = self.states.get(uid)
        return st is not None and st.termination_requested

    def pod(self, uid: str) -> Obj | None:
        st = self.states.get(uid)
        return st.pod if st is not None else None

    def known(self, uid: str) -> bool:
        return uid in self.states

    def active_pods(self) -> list[Obj]:
        """Pods admitted and not finished (filterOutInactivePods)."""
        return [self.states[u].pod for u in sorted(self.states) if self.states[u].phase in (SYNC, TERMINATING)]

    # -- inputs -----------------------------------------------------------------------------------------
    def update_pod(self, pod: Obj, removed: bool = False) -> None:
        uid = pod["metadata"]["uid"]
        st = self.states.get(uid)
        if st is None:
            if removed:
                return
            st = PodSyncStatus(uid, pod)
            self.states[uid] = st
            if (pod.get("status") or {}).get("phase") in TERMINAL:
                st.phase = TERMINATED  # finished before (a restarted kubelet): only clean up
                st.termination_requested = True
        if not removed:
            st.pod = pod
        else:
            st.removed = True
        if st.phase == FINISHED:
            if st.removed:
                self._cleanup(st)
            return
        meta = pod["metadata"]
        if removed:
            self._request_termination(st, 0)
        elif meta.get("deletionTimestamp") or (pod.get("status") or {}).get("phase") in TERMINAL:
            self._request_termination(st, None)
        self._kick(st)

    def pleg_event(self, uid: str) -> None:
        st = self.states.get(uid)
        if st is not None and st.phase in (SYNC, TERMINATING):
            self._kick(st)

    def request_sync(self, uid: str) -> None:
        st = self.states.get(uid)
        if st is not None and st.phase == SYNC:
            self._kick(st)

    # -- termination --------------------------------------------------------------------------------------
    def _grace(self, st: PodSyncStatus, override: int | None) -> int:
        grace = st.grace
        pod = st.pod
        meta = pod["metadata"]
        overridden = False
        if meta.get("deletionGracePeriodSeconds") is not None:
            value = int(meta["deletionGracePeriodSeconds"])
            if grace == 0 or value < grace:
                grace, overridden = value, True
        if override is not None and (grace == 0 or override < grace):
            grace, overridden = override, True
        spec = pod.get("spec") or {}
        if not overridden and grace == 0 and spec.get("terminationGracePeriodSeconds") is not None:
            grace = int(spec["terminationGracePeriodSeconds"])
        return max(grace, 1)

    def _request_termination(self, st: PodSyncStatus, override: int | None) -> None:
        grace = self._grace(st, override)
        if not st.termination_requested:
            st.termination_requested = True
            st.grace = grace
            if st.phase == SYNC and st.task is not None and getattr(st.task.current, "cancelable", False):
                st.task.cancel()
                st.task = None
            return
        if grace < st.grace:
            st.grace = grace
            if st.phase == TERMINATING and st.task is not None:
                st.task.cancel()  # restart termination with the shorter grace period
                st.task = None

    # -- running ------------------------------------------------------------------------------------------
    def _kick(self, st: PodSyncStatus) -> None:
        if st.task is not None:
            st.pending = True
            return
        if st.scheduled is None:
            st.scheduled = self.kl.loop.call_later(0, lambda: self._run(st), self._label(st), Priority.NORMAL)

    def _label(self, st: PodSyncStatus) -> str:
        meta = st.pod["metadata"]
        return f"kubelet {self.kl.node_name}: {st.phase} {meta.get('namespace', '')}/{meta['name']}"

    def _run(self, st: PodSyncStatus) -> None:
        st.scheduled = None
        if not self.kl.running or self.states.get(st.uid) is not st or st.task is not None:
            return
        if st.retry is not None:
            st.retry.cancel()
            st.retry = None
        st.pending = False
        if st.phase == SYNC and st.termination_requested:
            st.phase = TERMINATING
        if st.phase == SYNC:
            st.task = Task(sync_pod(self.kl, st.pod), lambda r: self._sync_done(st, r), self._label(st))
        elif st.phase == TERMINATING:
            st.task = Task(sync_terminating_pod(self.kl, st.pod, st.grace), lambda r: self._terminating_done(st),
                           self._label(st))
        elif st.phase == TERMINATED:
            st.task = Task(sync_terminated_pod(self.kl, st.pod), lambda r: self._terminated_done(st),
                           self._label(st))
        else:
            if st.removed:
                self._cleanup(st)
            return
        st.task.start()

    def _sync_done(self, st: PodSyncStatus, result: SyncResult) -> None:
        st.task = None
        if st.termination_requested or result.terminal:
            st.phase = TERMINATING
            self._kick(st)
            return
        if st.pending:
            self._kick(st)
            return
        if result.retry_at is not None:
            delay = max(0, result.retry_at - self.kl.now_ms())
            st.retry = self.kl.loop.call_later(delay, lambda: self._retry(st), self._label(st) + " (retry)",
                                               Priority.NORMAL)

    def _retry(self, st: PodSyncStatus) -> None:
        st.retry = None
        self._kick(st)

    def _terminating_done(self, st: PodSyncStatus) -> None:
        st.task = None
        st.phase = TERMINATED
        self._kick(st)

    def _terminated_done(self, st: PodSyncStatus) -> None:
        st.task = None
        st.phase = FINISHED
        if st.removed:
            self._cleanup(st)

    def _cleanup(self, st: PodSyncStatus) -> None:
        """The pod is gone from the API and finished: remove what is left of it in the runtime."""
        uid = st.uid
        self.states.pop(uid, None)
        if st.retry is not None:
            st.retry.cancel()
        runtime = self.kl.runtime
        for c in self.kl.index.containers(uid):
            try:
                runtime.remove_container(c.id)
            except CriError:
                pass
        for s in self.kl.index.sandboxes(uid):
            try:
                runtime.remove_pod_sandbox(s.id)
            except CriError:
                pass
        self.kl.forget_pod(uid)

    def reset(self) -> None:
        """The kubelet stopped: every goroutine ends."""
        for uid in sorted(self.states):
            st = self.states[uid]
            if st.task is not None:
                st.task.cancel()
            for e in (st.scheduled, st.retry):
                if e is not None:
                    e.cancel()
        self.states.clear()
