"""The framework runner (pkg/scheduler/framework/runtime/framework.go): runs the configured plugins at
each extension point, in order, and combines their results as upstream does.

The Framework is also the plugins' Handle: the snapshot, the client, listers, the event recorder, the
nominator and the random stream are reachable from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from labk8s._sim import format_rfc3339
from labk8s.scheduler.cache.snapshot import Snapshot
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import (
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    QueueingHintFn,
)
from labk8s.scheduler.framework.interface import (
    BindPlugin,
    EnqueueExtensions,
    FilterPlugin,
    NodeList,
    PermitPlugin,
    Plugin,
    PostBindPlugin,
    PostFilterPlugin,
    PreBindPlugin,
    PreEnqueuePlugin,
    PreFilterExtensions,
    PreFilterPlugin,
    PreScorePlugin,
    QueueSortPlugin,
    ReservePlugin,
    Retry,
    ScorePlugin,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import MAX_NODE_SCORE, Code, Status
from labk8s.scheduler.framework.types import NodeToStatus, PodInfo, PostFilterResult, PreFilterResult

Obj = dict[str, Any]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Resources a plugin without EnqueueExtensions is requeued by (framework.UnrollWildCardResource).
_WILDCARD_RESOURCES = ("Pod", "Node", "PersistentVolume", "PersistentVolumeClaim", "storage.k8s.io/CSINode",
                       "storage.k8s.io/StorageClass")


def go_duration(ms: int) -> str:
    """time.Duration.String for whole milliseconds: 100ms, 1.5s, 1m30s, 1h0m0s."""
    if ms < 1000:
        return f"{ms}ms"
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    sec = f"{rem // 1000}" if rem % 1000 == 0 else f"{rem / 1000:.3f}".rstrip("0")
    if h:
        return f"{h}h{m}m{sec}s"
    if m:
        return f"{m}m{sec}s"
    return f"{sec}s"


def score_clamp_check(plugin: str, scores: IntArray) -> str | None:
    """The range check after NormalizeScore: the error text, or None when every score is in [0, 100]."""
    if len(scores) == 0:
        return None
    lo, hi = int(scores.min()), int(scores.max())
    if lo < 0 or hi > MAX_NODE_SCORE:
        bad = lo if lo < 0 else hi
        return f'plugin "{plugin}" returns an invalid score {bad}, it should in the range of [0, {MAX_NODE_SCORE}] ' \
               "after normalizing"
    return None


class FrameworkError(Exception):
    """A plugin returned Error: the cycle stops and the pod is retried after the error backoff."""

    def __init__(self, status: Status) -> None:
        super().__init__(status.message())
        self.status = status


class WaitingPod:
    """A pod parked by Permit plugins until each allows it, one rejects it, or a timeout fires."""

    def __init__(self, pod: PodInfo, plugins: dict[str, int]) -> None:
        self.pod = pod
        self.pending = dict(plugins)
        self.status: Status | None = None
        self.done = False
        self._waiters: list[Callable[[], None]] = []

    def on_done(self, fn: Callable[[], None]) -> None:
        if self.done:
            fn()
        else:
            self._waiters.append(fn)

    def _finish(self, status: Status | None) -> None:
        if self.done:
            return
        self.done = True
        self.status = status
        for fn in self._waiters:
            fn()

    def allow(self, plugin: str) -> None:
        self.pending.pop(plugin, None)
        if not self.pending:
            self._finish(None)

    def reject(self, plugin: str, msg: str) -> None:
        self._finish(Status(Code.UNSCHEDULABLE, msg, plugin=plugin))


class Framework:
    def __init__(self, snapshot: Snapshot, *, profile_name: str = "default-scheduler",
                 percentage_of_nodes_to_score: int | None = None) -> None:
        self.profile_name = profile_name
        self.snapshot = snapshot
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.waiting_pods: dict[str, WaitingPod] = {}
        # Handle pieces, set by the Scheduler.
        self.nominator: Any = None
        self.client: Any = None
        self.recorder: Any = None
        self.rng: Any = None
        self.listers: dict[str, Any] = {}
        self.activate: Callable[[list[Obj]], None] = lambda pods: None
        self.now_ms: Callable[[], int] = lambda: 0
        #: util.PatchPodStatus of the scheduler: (pod, PodScheduled condition or None, NominatingInfo or None).
        self.patch_pod_status: Callable[[Obj, Obj | None, Any], None] = lambda pod, cond, nominating: None
        self.set_plugins([])

    def now_rfc3339(self) -> str:
        return format_rfc3339(self.now_ms())

    def set_plugins(self, plugins: list[tuple[Plugin, int]]) -> None:
        """Enable plugins (MultiPoint): each runs at every extension point it implements, in this order."""
        self.plugins = [p for p, _ in plugins]
        self.by_name = {p.name: p for p in self.plugins}
        self.weights = {p.name: w for p, w in plugins}
        ps = self.plugins
        self.pre_enqueue_plugins = [p for p in ps if isinstance(p, PreEnqueuePlugin)]
        sorts = [p for p in ps if isinstance(p, QueueSortPlugin)]
        if len(sorts) > 1:
            raise ValueError("only one QueueSort plugin can be enabled")
        self.queue_sort: QueueSortPlugin | None = sorts[0] if sorts else None
        self.pre_filter_plugins = [p for p in ps if isinstance(p, PreFilterPlugin)]
        self.filter_plugins = [p for p in ps if isinstance(p, FilterPlugin)]
        self.post_filter_plugins = [p for p in ps if isinstance(p, PostFilterPlugin)]
        self.pre_score_plugins = [p for p in ps if isinstance(p, PreScorePlugin)]
        self.score_plugins = [p for p in ps if isinstance(p, ScorePlugin)]
        self.reserve_plugins = [p for p in ps if isinstance(p, ReservePlugin)]
        self.permit_plugins = [p for p in ps if isinstance(p, PermitPlugin)]
        self.pre_bind_plugins = [p for p in ps if isinstance(p, PreBindPlugin)]
        self.bind_plugins = [p for p in ps if isinstance(p, BindPlugin)]
        self.post_bind_plugins = [p for p in ps if isinstance(p, PostBindPlugin)]

    # -- queueing hints -----------------------------------------------------------------------------
    def queueing_hints(self) -> list[tuple[ClusterEvent, str, QueueingHintFn | None]]:
        """Every (event, plugin, hint) the enabled plugins register (fillEventToPluginMap)."""
        out: list[tuple[ClusterEvent, str, QueueingHintFn | None]] = []
        rejectors = (PreEnqueuePlugin, PreFilterPlugin, FilterPlugin, ReservePlugin, PermitPlugin)
        for p in self.plugins:
            if not isinstance(p, rejectors):
                continue
            if isinstance(p, EnqueueExtensions):
                events: list[ClusterEventWithHint] = p.events_to_register()
            else:
                events = [ClusterEventWithHint(ClusterEvent(r, ActionType.ALL)) for r in _WILDCARD_RESOURCES]
            for ev in events:
                out.append((ev.event, p.name, ev.hint))
        return out

    # -- PreFilter ----------------------------------------------------------------------------------
    def run_pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None, set[str]]:
        result: PreFilterResult | None = None
        plugins_with_nodes: list[str] = []
        returned: Status | None = None
        skip: set[str] = set()
        for pl in self.pre_filter_plugins:
            r, s = pl.pre_filter(state, pod)
            if s is not None and s.code == Code.SKIP:
                skip.add(pl.name)
                continue
            if s is not None and s.code != Code.SUCCESS:
                s.plugin = pl.name
                if s.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                    return None, s, set()
                if s.code == Code.UNSCHEDULABLE:
                    returned = s
                    continue
                return None, Status(Code.ERROR, f'running PreFilter plugin "{pl.name}": {s.message()}',
                                    plugin=pl.name), set()
            if r is not None and not r.all_nodes():
                plugins_with_nodes.append(pl.name)
            result = r if result is None else result.merge(r)
            if result is not None and not result.all_nodes() and not result.node_names:
                if len(plugins_with_nodes) == 1:
                    msg = f"node(s) didn't satisfy plugin {plugins_with_nodes[0]}"
                else:
                    msg = f"node(s) didn't satisfy plugin(s) [{' '.join(plugins_with_nodes)}] simultaneously"
                return result, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, msg), set(plugins_with_nodes)
        state.skip_filter_plugins = skip
        return result, returned, set(plugins_with_nodes)

    def run_pre_filter_add_pod(self, state: CycleState, pod: PodInfo, to_add: PodInfo, ni: NodeInfo) -> None:
        for pl in self.pre_filter_plugins:
            if isinstance(pl, PreFilterExtensions) and pl.name not in state.skip_filter_plugins:
                s = pl.add_pod(state, pod, to_add, ni)
                if s is not None and s.code != Code.SUCCESS:
                    raise FrameworkError(Status(Code.ERROR, f'running AddPod on PreFilter plugin "{pl.name}": '
                                                            f"{s.message()}", plugin=pl.name))

    def run_pre_filter_remove_pod(self, state: CycleState, pod: PodInfo, to_remove: PodInfo, ni: NodeInfo) -> None:
        for pl in self.pre_filter_plugins:
            if isinstance(pl, PreFilterExtensions) and pl.name not in state.skip_filter_plugins:
                s = pl.remove_pod(state, pod, to_remove, ni)
                if s is not None and s.code != Code.SUCCESS:
                    raise FrameworkError(Status(Code.ERROR, f'running RemovePod on PreFilter plugin "{pl.name}": '
                                                            f"{s.message()}", plugin=pl.name))

    # -- Filter -------------------------------------------------------------------------------------
    def _checked(self, pl: FilterPlugin, s: Status) -> Status:
        if not s.is_rejected():
            raise FrameworkError(Status(Code.ERROR, f'running "{pl.name}" filter plugin: {s.message()}',
                                        plugin=pl.name))
        s.plugin = pl.name
        return s

    def run_filter(self, state: CycleState, pod: PodInfo, ni: NodeInfo) -> Status | None:
        """RunFilterPlugins: the first plugin that rejects the node decides its status."""
        skip = state.skip_filter_plugins
        for pl in self.filter_plugins:
            if pl.name in skip:
                continue
            s = pl.filter(state, pod, ni)
            if s is not None and s.code != Code.SUCCESS:
                return self._checked(pl, s)
        return None

    def _add_ge_nominated_pods(self, state: CycleState, pod: PodInfo,
                               ni: NodeInfo) -> tuple[bool, CycleState, NodeInfo]:
        nominated = self.nominator.nominated_pods_for_node(ni.name) if self.nominator is not None else []
        if not nominated:
            return False, state, ni
        prio = pod.priority
        out_state, out_ni = state.clone(), ni.clone()
        added = False
        for pi in nominated:
            if pi.priority >= prio and pi.uid != pod.uid:
                out_ni.add_pod_info(pi)
                self.run_pre_filter_add_pod(out_state, pod, pi, out_ni)
                added = True
        return added, out_state, out_ni

    def run_filter_with_nominated_pods(self, state: CycleState, pod: PodInfo, ni: NodeInfo) -> Status | None:
        """RunFilterPluginsWithNominatedPods: with equal-or-higher priority nominated pods added, then
        (if any were added and the node passed) once more without them."""
        added, st, nodeinfo = self._add_ge_nominated_pods(state, pod, ni)
        status = self.run_filter(st, pod, nodeinfo)
        if added and status is None:
            status = self.run_filter(state, pod, ni)
        return status

    def filter_batch(self, state: CycleState, pod: PodInfo, slots: IntArray) -> tuple[BoolArray, dict[int, Status]]:
        """Filter many nodes at once: the pass mask over ``slots`` and the status of each rejected slot.
        Equivalent to run_filter_with_nominated_pods on every node."""
        snap = self.snapshot
        infos = snap.slot_infos
        n = len(slots)
        mask = np.ones(n, dtype=np.bool_)
        statuses: dict[int, Status] = {}
        special: list[int] = []
        nominated = self.nominator.nominated_node_names() if self.nominator is not None else ()
        if nominated:
            names = snap.by_name
            nom_slots = {names[x].slot for x in nominated if x in names}
            if nom_slots:
                special = [i for i, s in enumerate(slots.tolist()) if s in nom_slots]
                for i in special:
                    mask[i] = False
        skip = state.skip_filter_plugins
        for pl in self.filter_plugins:
            if pl.name in skip:
                continue
            alive = np.flatnonzero(mask)
            if alive.size == 0:
                break
            sub = slots[alive]
            ok = pl.filter_batch(state, pod, snap, sub)
            if ok is None:
                continue
            for i in alive[~ok].tolist():
                slot = int(slots[i])
                s = pl.filter(state, pod, infos[slot])  # type: ignore[arg-type]
                if s is None or s.code == Code.SUCCESS:
                    raise AssertionError(f"{pl.name}: filter_batch and filter disagree on {infos[slot]}")
                statuses[slot] = self._checked(pl, s)
                mask[i] = False
        for i in special:
            slot = int(slots[i])
            s = self.run_filter_with_nominated_pods(state, pod, infos[slot])  # type: ignore[arg-type]
            if s is None:
                mask[i] = True
            else:
                statuses[slot] = s
        return mask, statuses

    # -- PostFilter ---------------------------------------------------------------------------------
    def run_post_filter(self, state: CycleState, pod: PodInfo,
                        statuses: NodeToStatus) -> tuple[PostFilterResult | None, Status]:
        result: PostFilterResult | None = None
        reasons: list[str] = []
        rejector = ""
        for pl in self.post_filter_plugins:
            r, s = pl.post_filter(state, pod, statuses)
            if s.code == Code.SUCCESS:
                return r, s
            if s.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return r, s.with_plugin(pl.name)
            if not s.is_rejected():
                return None, Status(Code.ERROR, s.message(), plugin=pl.name)
            if r is not None and r.nominating_info is not None and r.nominating_info.mode != "Noop":
                result = r
            reasons.extend(s.reasons)
            rejector = rejector or pl.name
        return result, Status(Code.UNSCHEDULABLE, *reasons, plugin=rejector)

    # -- PreScore and Score -------------------------------------------------------------------------
    def run_pre_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> None:
        skip: set[str] = set()
        for pl in self.pre_score_plugins:
            s = pl.pre_score(state, pod, nodes)
            if s is not None and s.code == Code.SKIP:
                skip.add(pl.name)
                continue
            if s is not None and s.code != Code.SUCCESS:
                raise FrameworkError(Status(Code.ERROR, f'running PreScore plugin "{pl.name}": {s.message()}',
                                            plugin=pl.name))
        state.skip_score_plugins = skip

    def run_score(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> tuple[dict[str, IntArray], IntArray]:
        """RunScorePlugins: each plugin's weighted, normalised scores, and the totals."""
        per_plugin: dict[str, IntArray] = {}
        total = np.zeros(len(nodes), dtype=np.int64)
        skip = state.skip_score_plugins
        for pl in self.score_plugins:
            if pl.name in skip:
                continue
            scores = pl.score_batch(state, pod, nodes)
            pl.normalize_score(state, pod, scores, nodes)
            err = score_clamp_check(pl.name, scores)
            if err is not None:
                raise FrameworkError(Status(Code.ERROR, err, plugin=pl.name))
            weight = self.weights.get(pl.name, 1)
            if weight != 1:
                scores = scores * weight
            per_plugin[pl.name] = scores
            total += scores
        return per_plugin, total

    # -- Reserve, Permit, PreBind, Bind, PostBind ---------------------------------------------------
    def run_reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        for pl in self.reserve_plugins:
            s = pl.reserve(state, pod, node)
            if s is not None and s.code != Code.SUCCESS:
                if s.is_rejected():
                    return s.with_plugin(pl.name)
                return Status(Code.ERROR, f'running Reserve plugin "{pl.name}": {s.message()}', plugin=pl.name)
        return None

    def run_unreserve(self, state: CycleState, pod: PodInfo, node: str) -> None:
        for pl in reversed(self.reserve_plugins):
            pl.unreserve(state, pod, node)

    def run_permit(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        waiting: dict[str, int] = {}
        for pl in self.permit_plugins:
            s, timeout_ms = pl.permit(state, pod, node)
            if s is None or s.code == Code.SUCCESS:
                continue
            if s.is_rejected():
                return s.with_plugin(pl.name)
            if s.code == Code.WAIT:
                waiting[pl.name] = timeout_ms
                continue
            return Status(Code.ERROR, f'running Permit plugin "{pl.name}": {s.message()}', plugin=pl.name)
        if waiting:
            wp = self.waiting_pods[pod.uid] = WaitingPod(pod, waiting)
            loop = getattr(self.client, "loop", None)
            for plugin, timeout_ms in waiting.items():
                if loop is not None:
                    msg = f"rejected due to timeout after waiting {go_duration(timeout_ms)} at plugin {plugin}"
                    loop.call_later(timeout_ms, lambda p=plugin, m=msg: wp.reject(p, m),
                                    f"kube-scheduler: permit timeout {pod.key}")
            return Status(Code.WAIT, "one or more plugins asked to wait and no plugin rejected pod")
        return None

    def get_waiting_pod(self, uid: str) -> WaitingPod | None:
        return self.waiting_pods.get(uid)

    def reject_waiting_pod(self, uid: str) -> bool:
        wp = self.waiting_pods.get(uid)
        if wp is None:
            return False
        wp.reject("", "removed")
        return True

    def run_pre_bind_step(self, state: CycleState, pod: PodInfo, node: str,
                          index: int) -> tuple[int, Status | Retry | None]:
        """Run PreBind plugins from ``index``: (next index, result); a Retry pauses the binding cycle."""
        while index < len(self.pre_bind_plugins):
            pl = self.pre_bind_plugins[index]
            s = pl.pre_bind(state, pod, node)
            if isinstance(s, Retry):
                return index, s
            if s is not None and s.code != Code.SUCCESS:
                return index, Status(Code.ERROR if not s.is_rejected() else s.code,
                                     f'running PreBind plugin "{pl.name}": {s.message()}', plugin=pl.name)
            index += 1
        return index, None

    def run_pre_bind_pre_flights(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        """RunPreBindPreFlights: Skip when no PreBind plugin has work for this pod, None (Success) when one
        has (NominatedNodeNameForExpectation then publishes the node before PreBind runs)."""
        result: Status | None = Status(Code.SKIP)
        for pl in self.pre_bind_plugins:
            flight = getattr(pl, "pre_bind_pre_flight", None)
            if flight is None:
                continue
            s = flight(state, pod, node)
            if s is not None and s.code == Code.SKIP:
                continue
            if s is not None and s.code != Code.SUCCESS:
                return Status(Code.ERROR, f'running PreBindPreFlight "{pl.name}": {s.message()}', plugin=pl.name)
            result = None
        return result

    def run_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        for pl in self.bind_plugins:
            s = pl.bind(state, pod, node)
            if s is not None and s.code == Code.SKIP:
                continue
            if s is not None and s.code != Code.SUCCESS:
                return Status(Code.ERROR if not s.is_rejected() else s.code,
                              f'running Bind plugin "{pl.name}": {s.message()}', plugin=pl.name)
            return None
        return Status(Code.SKIP)

    def run_post_bind(self, state: CycleState, pod: PodInfo, node: str) -> None:
        for pl in self.post_bind_plugins:
            pl.post_bind(state, pod, node)
