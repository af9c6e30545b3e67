"""The scheduling queue (backend/queue/scheduling_queue.go, active_queue.go, backoff_queue.go).

Three places hold pending pods: activeQ (a heap in QueueSort order), backoffQ (pods waiting out their
backoff, in 1 s ordering windows; with SchedulerPopFromBackoffQ the scheduler pops from it when activeQ
is empty) and unschedulablePods (rejected pods waiting for a cluster event; gated pods too). A rejected
pod moves back only for events its rejecting plugins registered, when their QueueingHint says Queue.
Events that arrive while a pod is in flight are kept and replayed when the attempt fails.

The periodic flushes (backoffQ every second on window boundaries, leftover unschedulable pods every 30 s
after podMaxInUnschedulablePodsDuration) run as loop events only while there is something to flush,
which is indistinguishable from upstream's always-running tickers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from labk8s._sim import Event, EventLoop, Priority
from labk8s.scheduler.framework.events import (
    BACKOFF_COMPLETE,
    EVENT_FORCE_ACTIVATE,
    EVENT_UNSCHEDULABLE_TIMEOUT,
    EVENT_UNSCHEDULED_POD_ADD,
    EVENT_UNSCHEDULED_POD_UPDATE,
    SCHEDULE_ATTEMPT_FAILURE,
    ClusterEvent,
    QueueingHint,
    QueueingHintFn,
    match_any_cluster_event,
    match_cluster_events,
    pod_scheduling_properties_change,
)
from labk8s.scheduler.framework.runtime import Framework
from labk8s.scheduler.framework.status import Code
from labk8s.scheduler.framework.types import PodInfo, QueuedPodInfo, pod_key
from labk8s.scheduler.heap import KeyedHeap
from labk8s.scheduler.nominator import Nominator

Obj = dict[str, Any]

#: KubeSchedulerConfiguration defaults (podInitialBackoffSeconds, podMaxBackoffSeconds) and
#: DefaultPodMaxInUnschedulablePodsDuration.
POD_INITIAL_BACKOFF_MS = 1_000
POD_MAX_BACKOFF_MS = 10_000
POD_MAX_IN_UNSCHEDULABLE_PODS_MS = 300_000
#: backoffQOrderingWindowDuration, also the backoffQ flush period.
BACKOFF_ORDERING_WINDOW_MS = 1_000
#: flushUnschedulablePodsLeftover period.
UNSCHEDULABLE_FLUSH_PERIOD_MS = 30_000

ACTIVE_Q, BACKOFF_Q, UNSCHEDULABLE_Q = "Active", "Backoff", "Unschedulable"
QUEUE_SKIP, QUEUE_AFTER_BACKOFF, QUEUE_IMMEDIATELY = 0, 1, 2
_POD_MARK = "pod"


class PriorityQueue:
    def __init__(self, fw: Framework, loop: EventLoop, lookup: Callable[[str, str], Obj | None], *,
                 on_activity: Callable[[], None] = lambda: None, pod_initial_backoff_ms: int = POD_INITIAL_BACKOFF_MS,
                 pod_max_backoff_ms: int = POD_MAX_BACKOFF_MS,
                 pod_max_in_unschedulable_ms: int = POD_MAX_IN_UNSCHEDULABLE_PODS_MS,
                 pop_from_backoff_q: bool = True) -> None:
        self.fw = fw
        self.loop = loop
        self.initial_backoff_ms = pod_initial_backoff_ms
        self.max_backoff_ms = pod_max_backoff_ms
        self.max_in_unschedulable_ms = pod_max_in_unschedulable_ms
        self.pop_from_backoff_q = pop_from_backoff_q
        self.on_activity = on_activity
        self.active = KeyedHeap()
        self.backoff = KeyedHeap()
        self.error_backoff = KeyedHeap()
        self.unschedulable: dict[str, QueuedPodInfo] = {}
        self.scheduling_cycle = 0
        self.move_request_cycle = -1
        self._seq = itertools.count()
        self._in_flight: dict[str, int] = {}
        self._events: dict[int, Any] = {}
        self._events_base = 0
        self._events_next = 0
        self._start_ms = loop.now_ms
        self._backoff_tick: Event | None = None
        self._leftover_tick: Event | None = None
        self.hints: list[tuple[ClusterEvent, str, QueueingHintFn | None]] = fw.queueing_hints()
        self._interest: dict[tuple[str, int], bool] = {}
        self._plugin_events: dict[str, list[ClusterEvent]] = {}
        for ev, plugin, _ in self.hints:
            self._plugin_events.setdefault(plugin, []).append(ev)
        self.nominator = Nominator(lookup, self._queued_pod_info)

    # -- helpers ------------------------------------------------------------------------------------
    def _now(self) -> int:
        return self.loop.now_ms

    def _queued_pod_info(self, key: str) -> PodInfo | None:
        q = self.get(key)
        return q.pod_info if q is not None else None

    def get(self, key: str) -> QueuedPodInfo | None:
        return self.active.get(key) or self.backoff.get(key) or self.error_backoff.get(key) or \
            self.unschedulable.get(key)

    def _new_qpi(self, pod: Obj) -> QueuedPodInfo:
        return QueuedPodInfo(PodInfo(pod), self._now(), next(self._seq))

    def _active_key(self, q: QueuedPodInfo) -> tuple[Any, ...]:
        assert self.fw.queue_sort is not None
        return self.fw.queue_sort.sort_key(q)

    def _in_backoff_q(self, key: str) -> bool:
        return key in self.backoff or key in self.error_backoff

    def _delete_backoff(self, key: str) -> QueuedPodInfo | None:
        return self.backoff.delete(key) or self.error_backoff.delete(key)

    def __len__(self) -> int:
        return len(self.active) + len(self.backoff) + len(self.error_backoff) + len(self.unschedulable)

    # -- backoff ------------------------------------------------------------------------------------
    def _align(self, t: int) -> int:
        return t - t % BACKOFF_ORDERING_WINDOW_MS if self.pop_from_backoff_q else t

    def backoff_duration(self, count: int) -> int:
        """calculateBackoffDuration: initial, doubled per further failure, capped at the maximum."""
        d = self.initial_backoff_ms
        for _ in range(1, count):
            if d > self.max_backoff_ms - d:
                return self.max_backoff_ms
            d += d
        return d

    def backoff_time(self, q: QueuedPodInfo) -> int | None:
        """getBackoffTime: None (the zero time) when the pod owes no backoff."""
        if self.max_backoff_ms == 0:
            return None
        count = q.consecutive_errors_count if q.consecutive_errors_count > 0 else q.unschedulable_count
        if count == 0:
            return None
        if q.backoff_expiration is None:
            q.backoff_expiration = self._align(q.timestamp + self.backoff_duration(count))
        return q.backoff_expiration

    def is_backing_off(self, q: QueuedPodInfo) -> bool:
        bo = self.backoff_time(q)
        return bo is not None and not bo < self._align(self._now())

    def _add_backoff(self, q: QueuedPodInfo) -> None:
        bo = self.backoff_time(q) or 0
        if not q.unschedulable_plugins and not q.pending_plugins:
            self.backoff.delete(q.key)
            self.error_backoff.push((bo, next(self._seq)), q)
        else:
            self.error_backoff.delete(q.key)
            self.backoff.push((bo, self._active_key(q)), q)
        self._ensure_backoff_tick()

    def _ensure_backoff_tick(self) -> None:
        if self._backoff_tick is None and (len(self.backoff) or len(self.error_backoff)):
            now = self._now()
            at = now - now % BACKOFF_ORDERING_WINDOW_MS + BACKOFF_ORDERING_WINDOW_MS
            self._backoff_tick = self.loop.call_at(at, self._on_backoff_tick, "kube-scheduler: flush backoffQ",
                                                   Priority.NORMAL)

    def _on_backoff_tick(self) -> None:
        self._backoff_tick = None
        self.flush_backoff_completed()
        self._ensure_backoff_tick()

    def flush_backoff_completed(self) -> None:
        activated = False
        for heap in (self.backoff, self.error_backoff):
            while True:
                q = heap.peek()
                if q is None or self.is_backing_off(q):
                    break
                heap.pop()
                if self._move_to_active(q, BACKOFF_COMPLETE, from_backoff=True):
                    activated = True
        if activated:
            self.on_activity()

    # -- unschedulable leftovers --------------------------------------------------------------------
    def _ensure_leftover_tick(self) -> None:
        if self._leftover_tick is None and self.unschedulable:
            elapsed = self._now() - self._start_ms
            at = self._start_ms + (elapsed // UNSCHEDULABLE_FLUSH_PERIOD_MS + 1) * UNSCHEDULABLE_FLUSH_PERIOD_MS
            self._leftover_tick = self.loop.call_at(at, self._on_leftover_tick,
                                                    "kube-scheduler: flush unschedulable pods leftover",
                                                    Priority.NORMAL)

    def _on_leftover_tick(self) -> None:
        self._leftover_tick = None
        now = self._now()
        stale = [q for q in self.unschedulable.values() if now - q.timestamp > self.max_in_unschedulable_ms]
        if stale:
            self._move_pods(stale, EVENT_UNSCHEDULABLE_TIMEOUT, None, None)
        self._ensure_leftover_tick()

    def _add_unschedulable(self, q: QueuedPodInfo) -> None:
        self.unschedulable[q.key] = q
        self._ensure_leftover_tick()

    # -- PreEnqueue and moves -----------------------------------------------------------------------
    def _run_pre_enqueue(self, q: QueuedPodInfo) -> None:
        plugins = self.fw.pre_enqueue_plugins
        gating = q.gating_plugin
        ordered = ([p for p in plugins if p.name == gating] + [p for p in plugins if p.name != gating]) if gating \
            else plugins
        for pl in ordered:
            s = pl.pre_enqueue(q.pod)
            if s is None or s.code == Code.SUCCESS:
                continue
            q.unschedulable_plugins.add(pl.name)
            q.gating_plugin = pl.name
            q.gating_plugin_events = self._plugin_events.get(pl.name, [])
            return
        q.gating_plugin = ""

    def _move_to_active(self, q: QueuedPodInfo, event: str, from_backoff: bool = False) -> bool:
        if not (self.pop_from_backoff_q and from_backoff):
            self._run_pre_enqueue(q)
        if q.gated():
            key = q.key
            if key in self.active or self._in_backoff_q(key) or key in self.unschedulable:
                return False
            self._add_unschedulable(q)
            return False
        if q.initial_attempt_timestamp is None:
            q.initial_attempt_timestamp = self._now()
        self.unschedulable.pop(q.key, None)
        self._delete_backoff(q.key)
        q.seq = next(self._seq)
        self.active.push(self._active_key(q), q)
        if event in (EVENT_UNSCHEDULED_POD_ADD.label, EVENT_UNSCHEDULED_POD_UPDATE.label):
            self.nominator.add(q.pod_info, None)
        return True

    def _move_to_backoff(self, q: QueuedPodInfo, event: str) -> bool:
        if self.pop_from_backoff_q:
            self._run_pre_enqueue(q)
            if q.gated():
                if q.key not in self.unschedulable:
                    self._add_unschedulable(q)
                return False
        self.unschedulable.pop(q.key, None)
        self._add_backoff(q)
        return True

    def _requeue(self, q: QueuedPodInfo, strategy: int, event: str) -> str:
        if strategy == QUEUE_SKIP:
            self._add_unschedulable(q)
            return UNSCHEDULABLE_Q
        if strategy == QUEUE_AFTER_BACKOFF and self.is_backing_off(q):
            return BACKOFF_Q if self._move_to_backoff(q, event) else UNSCHEDULABLE_Q
        return ACTIVE_Q if self._move_to_active(q, event) else UNSCHEDULABLE_Q

    def _activating(self, where: str) -> bool:
        return where == ACTIVE_Q or (self.pop_from_backoff_q and where == BACKOFF_Q)

    # -- queueing hints -----------------------------------------------------------------------------
    def is_event_of_interest(self, event: ClusterEvent) -> bool:
        if event.is_wildcard():
            return True
        k = (event.resource, event.action)
        hit = self._interest.get(k)
        if hit is None:
            hit = self._interest[k] = any(match_cluster_events(reg, event) for reg, _, _ in self.hints)
        return hit

    def is_pod_worth_requeuing(self, q: QueuedPodInfo, event: ClusterEvent, old: Any, new: Any) -> int:
        rejectors = q.unschedulable_plugins | q.pending_plugins
        if not rejectors:
            return QUEUE_AFTER_BACKOFF
        if event.is_wildcard():
            if isinstance(new, dict) and new.get("kind") == "Pod" and \
                    new["metadata"].get("uid") != q.pod_info.uid:
                return QUEUE_SKIP
            return QUEUE_AFTER_BACKOFF
        strategy = QUEUE_SKIP
        for reg, plugin, fn in self.hints:
            if plugin not in rejectors or not match_cluster_events(reg, event):
                continue
            try:
                hint = fn(q.pod, old, new) if fn is not None else QueueingHint.QUEUE
            except Exception:  # noqa: BLE001 - upstream treats a failing hint as Queue
                hint = QueueingHint.QUEUE
            if hint == QueueingHint.QUEUE_SKIP:
                continue
            if plugin in q.pending_plugins:
                return QUEUE_IMMEDIATELY
            if not q.pending_plugins:
                return QUEUE_AFTER_BACKOFF
            strategy = QUEUE_AFTER_BACKOFF
        return strategy

    # -- public API ---------------------------------------------------------------------------------
    def add(self, pod: Obj) -> None:
        if self._move_to_active(self._new_qpi(pod), EVENT_UNSCHEDULED_POD_ADD.label):
            self.on_activity()

    def pop(self) -> QueuedPodInfo | None:
        q = self.active.pop()
        if q is None and self.pop_from_backoff_q:
            q = self.backoff.pop()
        if q is None:
            return None
        q.attempts += 1
        if q.pod_info.uid in self._in_flight:
            return self.pop()  # tracked twice: discard, as upstream
        self._in_flight[q.pod_info.uid] = self._events_next
        self._events[self._events_next] = _POD_MARK
        self._events_next += 1
        self.scheduling_cycle += 1
        q.unschedulable_plugins = set()
        q.pending_plugins = set()
        return q

    def has_ready(self) -> bool:
        return len(self.active) > 0 or (self.pop_from_backoff_q and len(self.backoff) > 0)

    def done(self, uid: str) -> None:
        pos = self._in_flight.pop(uid, None)
        if pos is None:
            return
        self._events.pop(pos, None)
        ev = self._events
        while self._events_base < self._events_next:
            e = ev.get(self._events_base)
            if e == _POD_MARK:
                break
            ev.pop(self._events_base, None)
            self._events_base += 1

    def _events_for(self, uid: str) -> list[tuple[ClusterEvent, Any, Any]]:
        pos = self._in_flight.get(uid)
        if pos is None:
            return []
        return [e for i in range(pos + 1, self._events_next)
                if (e := self._events.get(i)) is not None and e != _POD_MARK]

    def _add_event_if_any_in_flight(self, event: ClusterEvent, old: Any, new: Any) -> None:
        if self._in_flight:
            self._events[self._events_next] = (event, old, new)
            self._events_next += 1

    def add_unschedulable_if_not_present(self, q: QueuedPodInfo, cycle: int) -> None:
        uid = q.pod_info.uid
        try:
            key = q.key
            if key in self.unschedulable or key in self.active or self._in_backoff_q(key):
                return
            if not q.unschedulable_plugins and not q.pending_plugins:
                q.consecutive_errors_count += 1
            else:
                q.unschedulable_count += 1
                q.consecutive_errors_count = 0
            q.timestamp = self._now()
            q.backoff_expiration = None
            hint = self._hint_for_in_flight(q)
            where = self._requeue(q, hint, SCHEDULE_ATTEMPT_FAILURE)
        finally:
            self.done(uid)
        if self._activating(where):
            self.on_activity()

    def _hint_for_in_flight(self, q: QueuedPodInfo) -> int:
        if not q.unschedulable_plugins and not q.pending_plugins:
            return QUEUE_AFTER_BACKOFF
        strategy = QUEUE_SKIP
        for event, old, new in self._events_for(q.pod_info.uid):
            h = self.is_pod_worth_requeuing(q, event, old, new)
            if h == QUEUE_IMMEDIATELY:
                return h
            if h == QUEUE_AFTER_BACKOFF:
                strategy = h
                if not q.pending_plugins:
                    return h
        return strategy

    def update(self, old: Obj | None, new: Obj) -> None:
        uid = new["metadata"].get("uid", "")
        events = pod_scheduling_properties_change(new, old) if old is not None else []
        if uid in self._in_flight:
            for e in events:
                self._events[self._events_next] = (e, old, new)
                self._events_next += 1
            return
        key = pod_key(new)
        if old is not None:
            for heap in (self.active, self.backoff, self.error_backoff):
                q = heap.get(key)
                if q is not None:
                    q.pod_info.update(new)
                    self.nominator.update(old, q.pod_info)
                    return
        q = self.unschedulable.get(key)
        if q is not None:
            q.pod_info.update(new)
            if old is not None:
                self.nominator.update(old, q.pod_info)
            for e in events:
                where = self._requeue(q, self.is_pod_worth_requeuing(q, e, old, new), e.label)
                if self._activating(where):
                    self.on_activity()
                    break
            return
        if self._move_to_active(self._new_qpi(new), EVENT_UNSCHEDULED_POD_UPDATE.label):
            self.on_activity()

    def delete(self, pod: Obj) -> None:
        self.nominator.delete(pod)
        key = pod_key(pod)
        if self.active.delete(key) is not None:
            return
        if self._delete_backoff(key) is not None:
            return
        self.unschedulable.pop(key, None)

    def activate(self, pods: list[Obj]) -> None:
        activated = False
        for pod in pods:
            key = pod_key(pod)
            q = self.unschedulable.get(key)
            from_backoff = False
            if q is None:
                q = self._delete_backoff(key)
                from_backoff = q is not None
            if q is None:
                uid = pod["metadata"].get("uid", "")
                if uid in self._in_flight:
                    self._events[self._events_next] = (EVENT_FORCE_ACTIVATE, None, pod)
                    self._events_next += 1
                self.move_request_cycle = self.scheduling_cycle
                continue
            if self._move_to_active(q, EVENT_FORCE_ACTIVATE.label, from_backoff):
                activated = True
        if activated:
            self.on_activity()

    def move_all_to_active_or_backoff(self, event: ClusterEvent, old: Any, new: Any,
                                      pre_check: Callable[[Obj], bool] | None = None) -> None:
        if not self.is_event_of_interest(event):
            return
        pods = [q for q in self.unschedulable.values() if pre_check is None or pre_check(q.pod)]
        self._move_pods(pods, event, old, new)

    def _move_pods(self, pods: list[QueuedPodInfo], event: ClusterEvent, old: Any, new: Any) -> None:
        if not self.is_event_of_interest(event):
            return
        activated = False
        for q in pods:
            if q.gated() and not match_any_cluster_event(event, q.gating_plugin_events):
                continue
            hint = self.is_pod_worth_requeuing(q, event, old, new)
            if hint == QUEUE_SKIP:
                continue
            self.unschedulable.pop(q.key, None)
            if self._activating(self._requeue(q, hint, event.label)):
                activated = True
        self.move_request_cycle = self.scheduling_cycle
        self._add_event_if_any_in_flight(event, old, new)
        if activated:
            self.on_activity()

    # -- inspection ---------------------------------------------------------------------------------
    def pending_pods(self) -> tuple[list[Obj], str]:
        active = [q.pod for q in self.active.items()]
        backoff = [q.pod for q in self.backoff.items() + self.error_backoff.items()]
        unsched = [q.pod for q in self.unschedulable.values()]
        return active + backoff + unsched, \
            f"activeQ:{len(active)}; backoffQ:{len(backoff)}; unschedulablePods:{len(unsched)}"

    def where(self, key: str) -> str | None:
        if key in self.active:
            return ACTIVE_Q
        if self._in_backoff_q(key):
            return BACKOFF_Q
        if key in self.unschedulable:
            return UNSCHEDULABLE_Q
        return None
