"""Stopping containers and pods: killContainer, killPodWithSyncResult and the lifecycle hooks.

killContainer: record ``Killing`` (``Stopping container x``, or the reason the kubelet kills it, e.g.
``Container x failed liveness probe, will be restarted``), take the grace period (the pod's
deletionGracePeriodSeconds, else a probe's terminationGracePeriodSeconds for probe kills, else
spec.terminationGracePeriodSeconds; a caller's override wins), run the preStop hook (exec, httpGet or
sleep) for at most that long and subtract the whole seconds it took, wait for the termination ordering
(sidecars stop after the main containers, in reverse order), and call StopContainer with at least 2
seconds: the runtime sends the stop signal, and SIGKILL when the time is up.

killPod stops all running containers concurrently, then stops the pod's sandboxes (CNI DEL releases the
pod IP).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from labk8s.node.kubelet import events as ev
from labk8s.node.kubelet.config import MINIMUM_GRACE_PERIOD_SECONDS
from labk8s.node.kubelet.podstatus import RUNNING, RuntimePodStatus, is_sidecar
from labk8s.node.kubelet.tasks import Op, Resume, TaskGen, first_of, gather, sleep

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]

REASON_UNKNOWN = ""
REASON_LIVENESS = "LivenessProbe"
REASON_STARTUP = "StartupProbe"
REASON_POST_START_HOOK = "FailedPostStartHook"


def container_spec(pod: Obj, name: str) -> Obj | None:
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if c.get("name") == name:
                return c
    return None


def grace_period(pod: Obj, container: Obj, reason: str) -> int:
    """setTerminationGracePeriod."""
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    if meta.get("deletionGracePeriodSeconds") is not None:
        return int(meta["deletionGracePeriodSeconds"])
    if spec.get("terminationGracePeriodSeconds") is not None:
        probe = {REASON_LIVENESS: container.get("livenessProbe"), REASON_STARTUP: container.get("startupProbe")}.get(reason)
        if probe and probe.get("terminationGracePeriodSeconds") is not None:
            return int(probe["terminationGracePeriodSeconds"])
        return int(spec["terminationGracePeriodSeconds"])
    return MINIMUM_GRACE_PERIOD_SECONDS


class TerminationOrdering:
    """newTerminationOrdering: sidecars wait for every main container, and for the sidecars after them."""

    def __init__(self, kl: Kubelet, pod: Obj, running: list[str]) -> None:
        self.kl = kl
        spec = pod.get("spec") or {}
        self.done: dict[str, bool] = {}
        self.prereqs: dict[str, list[str]] = {}
        self._waiters: list[tuple[list[str], Resume]] = []
        mains = []
        for c in spec.get("containers") or []:
            self.done[c["name"]] = c["name"] not in running
            mains.append(c["name"])
        previous = ""
        for ic in reversed(spec.get("initContainers") or []):
            self.done[ic["name"]] = ic["name"] not in running
            if is_sidecar(ic):
                self.prereqs[ic["name"]] = list(mains) + ([previous] if previous else [])
                previous = ic["name"]

    def wait_for_turn(self, name: str, grace_s: int) -> TaskGen:
        """Generator: the whole seconds waited (at most ``grace_s``)."""
        prereqs = self.prereqs.get(name, [])
        if all(self.done.get(p, True) for p in prereqs):
            return 0
        start = self.kl.now_ms()

        def waiter(resume: Resume) -> None:
            self._waiters.append((prereqs, resume))
        yield first_of(self.kl.loop, _op_gen(waiter), grace_s * 1000, f"kubelet {self.kl.node_name}: termination order")
        return (self.kl.now_ms() - start) // 1000

    def terminated(self, name: str) -> None:
        self.done[name] = True
        ready = [(p, r) for p, r in self._waiters if all(self.done.get(x, True) for x in p)]
        self._waiters = [(p, r) for p, r in self._waiters if not all(self.done.get(x, True) for x in p)]
        for _, resume in ready:
            resume(None)


def _op_gen(op: Op) -> TaskGen:
    value = yield op
    return value


def stop_container(kl: Kubelet, container_id: str, grace_s: int) -> Op:
    def start(resume: Resume) -> None:
        kl.runtime.stop_container(container_id, grace_s, lambda *args: resume(None))
    return start


def kill_container(kl: Kubelet, pod: Obj, container_id: str, name: str, message: str, reason: str,
                   override: int | None, ordering: TerminationOrdering | None) -> TaskGen:
    """Generator: killContainer. Returns True when the container stopped."""
    spec = container_spec(pod, name) or {"name": name}
    grace = grace_period(pod, spec, reason)
    kl.recorder.container(pod, name, ev.NORMAL, ev.KILLING_CONTAINER, message or ev.stopping_message(name))
    if override is not None:
        grace = override
    pre_stop = (spec.get("lifecycle") or {}).get("preStop")
    if pre_stop and grace > 0:
        start = kl.now_ms()
        ok = yield first_of(kl.loop, run_handler(kl, pod, spec, container_id, pre_stop, "PreStop"),
                            grace * 1000, f"kubelet {kl.node_name}: preStop {name}")
        done, result = ok
        if done and result is not None and not result[0]:
            kl.recorder.container(pod, name, ev.WARNING, ev.FAILED_PRE_STOP_HOOK, "PreStopHook failed")
        grace -= (kl.now_ms() - start) // 1000
    if ordering is not None and grace > 0:
        grace -= yield from ordering.wait_for_turn(name, grace)
    grace = max(grace, MINIMUM_GRACE_PERIOD_SECONDS)
    yield stop_container(kl, container_id, grace)
    if ordering is not None:
        ordering.terminated(name)
    kl.probes.remove_container(container_id)
    return True


def kill_pod(kl: Kubelet, pod: Obj, rps: RuntimePodStatus, override: int | None) -> TaskGen:
    """Generator: killPodWithSyncResult (running containers concurrently, then the sandboxes)."""
    running = [c for c in rps.containers if c.state == RUNNING]
    ordering = None
    spec = pod.get("spec") or {}
    if any(is_sidecar(c) for c in spec.get("initContainers") or []):
        ordering = TerminationOrdering(kl, pod, [c.name for c in running])
    yield gather([kill_container(kl, pod, c.id, c.name, "", REASON_UNKNOWN, override, ordering) for c in running])
    for sandbox in rps.sandboxes:
        if sandbox.ready:
            kl.runtime.stop_pod_sandbox(sandbox.id)
    return True


# -- lifecycle hooks -------------------------------------------------------------------------------------
def run_handler(kl: Kubelet, pod: Obj, container: Obj, container_id: str, handler: Obj,
                kind: str) -> Generator[Op, Any, tuple[bool, str]]:
    """HandlerRunner.Run: (ok, message) of an exec, httpGet or sleep hook."""
    if handler.get("exec") is not None:
        cmd = list(handler["exec"].get("command") or [])
        code, stdout, stderr = yield _exec(kl, container_id, cmd, 0)
        if code == 0:
            return True, ""
        return False, (f"Exec lifecycle hook ({ev.go_string_list(cmd)}) for Container {ev.go_quote(container['name'])} "
                       f"in Pod {ev.go_quote(ev.format_pod(pod))} failed - error: command "
                       f"{ev.go_quote(' '.join(cmd))} exited with {code}, message: {ev.go_quote(stdout + stderr)}")
    if handler.get("httpGet") is not None:
        ok, msg = kl.probes.http_check(pod, container, container_id, handler["httpGet"])
        if ok:
            return True, ""
        return False, (f"HTTP lifecycle hook ({handler['httpGet'].get('path', '')}) for Container "
                       f"{ev.go_quote(container['name'])} in Pod {ev.go_quote(ev.format_pod(pod))} failed - "
                       f"error: {msg}")
    if handler.get("sleep") is not None:
        yield sleep(kl.loop, int(handler["sleep"].get("seconds", 0)) * 1000, f"kubelet {kl.node_name}: {kind} sleep")
        return True, ""
    return False, "unknown handler"


def _exec(kl: Kubelet, container_id: str, cmd: list[str], timeout_s: int) -> Op:
    def start(resume: Resume) -> None:
        kl.runtime.exec_sync(container_id, cmd, timeout_s, lambda code, out, err: resume((code, out or "", err or "")))
    return start
