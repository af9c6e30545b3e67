"""SyncPod: kubelet.SyncPod followed by the runtime manager's SyncPod, as one kubelet task.

Order of one sync (upstream): generate and record the pod status from what the runtime reports; stop
if the pod is terminal; create the mirror pod of a static pod; make sure the pod is probed; compute the
actions; kill the pod or the containers to kill; create the sandbox (CNI ADD inside the runtime;
``FailedCreatePodSandBox`` on failure); start the init containers to start, then the regular containers
to start. Starting a container: back-off check (CrashLoopBackOff), EnsureImageExists, create
(``Created``), start (``Started``), postStart hook. Failures are remembered per container (reasonCache)
and become the waiting reason of the next status only (kubelet.SyncPod generates the status before
the runtime's SyncPod updates the reasonCache): the sync that finds a container dead shows its terminated
state (``Error``, ``OOMKilled``), the next one ``CrashLoopBackOff``.

The result tells the pod worker when to sync again: at once after a phase change, in 10s
(backOffPeriod) after an error, and while a container is in back-off every 10s and exactly when the
back-off expires (upstream re-syncs pods periodically; restarts then land at the back-off delays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labk8s.node.kubelet import events as ev
from labk8s.node.kubelet.actions import compute_pod_actions
from labk8s.node.kubelet.conditions import generate_api_pod_status
from labk8s.node.kubelet.config import BACKOFF_ON_TRANSIENT_ERROR_MS, BACKOFF_PERIOD_MS
from labk8s.node.kubelet.containerconfig import (
    ConfigError,
    container_config,
    container_mounts,
    sandbox_config,
)
from labk8s.node.kubelet.image_manager import ERR_IMAGE_PULL_BACKOFF
from labk8s.node.kubelet.podstatus import EXITED, TERMINAL, RuntimePodStatus, is_sidecar
from labk8s.node.kubelet.tasks import Op, Resume, TaskGen, sleep
from labk8s.node.kubelet.termination import REASON_POST_START_HOOK, kill_container, kill_pod, run_handler
from labk8s.node.kubelet.volumes import VolumeError
from labk8s.node.runtime.containers import CriError, PodSandboxConfig, grpc_message
from labk8s.node.runtime.cri import CONTAINER_CREATE_MS, CONTAINER_START_MS

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]

ERR_CRASHLOOP_BACKOFF = "CrashLoopBackOff"
ERR_CREATE_CONTAINER_CONFIG = "CreateContainerConfigError"
ERR_CREATE_CONTAINER = "CreateContainerError"
ERR_RUN_CONTAINER = "RunContainerError"
ERR_POST_START_HOOK = "PostStartHookError"
ERR_CREATE_POD_SANDBOX = "CreatePodSandboxError"
#: Errors that are waits, not failures (kubelet.SyncPod returns no error for them).
BACKOFF_ERRORS = (ERR_CRASHLOOP_BACKOFF, ERR_IMAGE_PULL_BACKOFF)


@dataclass
class SyncResult:
    terminal: bool = False
    failed: bool = False
    retry_at: int | None = None
    #: container name -> (reason, message) of a failed start; "" reason means it started.
    starts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def retry(self, when: int) -> None:
        self.retry_at = when if self.retry_at is None else min(self.retry_at, when)


def pod_status(kl: Kubelet, pod: Obj, rps: RuntimePodStatus, terminal: bool) -> Obj:
    uid = pod["metadata"]["uid"]
    old = kl.status_manager.old_status(pod)
    sandbox_ready = bool(rps.sandboxes and rps.sandboxes[0].ready
                         and ((pod.get("spec") or {}).get("hostNetwork") or rps.sandboxes[0].ip))
    return generate_api_pod_status(pod, rps, old, terminal, kl.reasons.get(uid, {}), kl.probes, kl.config.node_ip,
                                   sandbox_ready, kl.eviction_reason(pod))


def sync_pod(kl: Kubelet, pod: Obj) -> TaskGen:
    """Generator: returns a :class:`SyncResult`."""
    uid = pod["metadata"]["uid"]
    result = SyncResult()
    rps = kl.index.status(uid)
    status = pod_status(kl, pod, rps, False)
    kl.status_manager.set_pod_status(pod, status)
    if status["phase"] in TERMINAL:
        result.terminal = True
        return result
    network = [e for e in kl.runtime_errors() if "network not ready" in e]
    if network and not (pod.get("spec") or {}).get("hostNetwork"):
        kl.recorder.pod(pod, ev.WARNING, ev.NETWORK_NOT_READY, f"network is not ready: {network[0]}")
        result.failed = True
        result.retry(kl.now_ms() + BACKOFF_ON_TRANSIENT_ERROR_MS)
        return result
    kl.static_pods.ensure_mirror(pod)
    try:
        volumes = kl.volumes.setup(pod)
    except VolumeError as err:
        kl.recorder.pod(pod, ev.WARNING, ev.FAILED_MOUNT, str(err))
        result.failed = True
        result.retry(kl.now_ms() + BACKOFF_PERIOD_MS)
        return result
    kl.probes.add_pod(pod)
    actions = compute_pod_actions(pod, rps, kl.probes.liveness_result, kl.probes.startup_result)
    if actions.create_sandbox and actions.sandbox_id:
        kl.recorder.pod(pod, ev.NORMAL, ev.SANDBOX_CHANGED, "Pod sandbox changed, it will be killed and re-created.")
    if actions.kill_pod:
        yield from kill_pod(kl, pod, rps, None)
        if actions.create_sandbox:
            for c in (pod.get("spec") or {}).get("initContainers") or []:
                for rec in [r for r in rps.containers if r.name == c["name"]]:
                    kl.remove_container(rec.id)
    else:
        for cid, info in actions.to_kill.items():
            yield from kill_container(kl, pod, cid, info.name, info.message, info.reason, None, None)
    kl.prune_containers(rps)
    sandbox_id = actions.sandbox_id
    if actions.create_sandbox:
        sid, failure = yield _run_sandbox(kl, sandbox_config(pod, actions.attempt))
        if failure is not None or sid is None:
            if kl.workers.termination_requested(uid):
                return result
            kl.recorder.pod(pod, ev.WARNING, ev.FAILED_CREATE_POD_SANDBOX, f"Failed to create pod sandbox: {failure}")
            result.failed = True
            result.retry(kl.now_ms() + BACKOFF_PERIOD_MS)
            return result
        sandbox_id = sid
        kl.index.add_sandbox(uid, sid)
        kl.pleg.watch(uid)
    rps = kl.index.status(uid)
    pod_ip = rps.ips[0] if rps.ips else ""
    spec = pod.get("spec") or {}
    inits = list(spec.get("initContainers") or [])
    for idx in actions.init_to_start:
        c = inits[idx]
        failed = yield from _start(kl, pod, c, sandbox_id, rps, pod_ip, volumes, result)
        if failed and not is_sidecar(c):
            break
    else:
        containers = list(spec.get("containers") or [])
        for idx in actions.containers_to_start:
            yield from _start(kl, pod, containers[idx], sandbox_id, rps, pod_ip, volumes, result)
    # reasonCache.Update: a failed start (or a back-off) becomes the container's waiting reason in the
    # status generated at the start of the NEXT sync, as upstream; this sync's status stays the one
    # computed from the runtime above (e.g. the dead container's terminated state).
    for name, (reason, message) in result.starts.items():
        if reason:
            kl.reasons.setdefault(uid, {})[name] = (reason, message)
        else:
            kl.reasons.get(uid, {}).pop(name, None)
    return result


def _run_sandbox(kl: Kubelet, config: PodSandboxConfig) -> Op:
    def start(resume: Resume) -> None:
        kl.runtime.run_pod_sandbox(config, lambda sid, err: resume((sid, err)))
    return start


def _do_backoff(kl: Kubelet, pod: Obj, c: Obj, rps: RuntimePodStatus, result: SyncResult) -> str | None:
    """doBackOff: the waiting message when the container's last exit is within its back-off."""
    last = next((r for r in rps.containers if r.name == c["name"] and r.state == EXITED), None)
    if last is None:
        return None
    key = f"{pod['metadata']['name']}_{pod['metadata'].get('namespace', '')}_{pod['metadata']['uid']}_{c['name']}"
    if kl.crashloop.is_in_backoff_since(key, last.finished_at):
        kl.recorder.container(pod, c["name"], ev.WARNING, ev.BACKOFF_START_CONTAINER,
                              ev.backoff_restart_message(c["name"], pod))
        expiry = kl.crashloop.expiry_since(key, last.finished_at)
        if expiry is not None:
            result.retry(min(expiry, kl.now_ms() + BACKOFF_PERIOD_MS))
        return ev.crashloop_waiting_message(kl.crashloop.get(key), c["name"], pod)
    kl.crashloop.next(key, last.finished_at)
    return None


def _start(kl: Kubelet, pod: Obj, c: Obj, sandbox_id: str, rps: RuntimePodStatus, pod_ip: str,
           volumes: dict[str, Any], result: SyncResult) -> TaskGen:
    """Generator: the start helper of SyncPod plus startContainer; returns the error reason or ""."""
    name = c["name"]
    waiting = _do_backoff(kl, pod, c, rps, result)
    if waiting is not None:
        result.starts[name] = (ERR_CRASHLOOP_BACKOFF, waiting)
        return ERR_CRASHLOOP_BACKOFF
    outcome = yield from kl.images.ensure(pod, c)
    if outcome.reason:
        kl.recorder.container(pod, name, ev.WARNING, ev.FAILED_TO_CREATE_CONTAINER, f"Error: {outcome.reason}")
        result.starts[name] = (outcome.reason, outcome.message)
        if outcome.reason == ERR_IMAGE_PULL_BACKOFF:
            expiry = kl.images.backoff_expiry(pod, c.get("image", ""))
            result.retry(min(expiry or kl.now_ms() + BACKOFF_PERIOD_MS, kl.now_ms() + BACKOFF_PERIOD_MS))
        else:
            result.failed = True
            result.retry(kl.now_ms() + BACKOFF_PERIOD_MS)
        return outcome.reason
    previous = rps.find(name)
    attempt = previous.restart_count + 1 if previous is not None else kl.next_attempt_from_logs(pod, name)
    try:
        env = kl.container_env(pod, c, pod_ip)
    except ConfigError as err:
        return _fail(kl, pod, name, result, ERR_CREATE_CONTAINER_CONFIG, str(err))
    config = container_config(pod, c, attempt, outcome.image_ref, env, container_mounts(c, volumes))
    yield sleep(kl.loop, CONTAINER_CREATE_MS, f"kubelet {kl.node_name}: CreateContainer {name}")
    try:
        cid = kl.runtime.create_container(sandbox_id, config)
    except CriError as err:
        return _fail(kl, pod, name, result, ERR_CREATE_CONTAINER, grpc_message(str(err)))
    kl.index.add_container(pod["metadata"]["uid"], cid)
    kl.recorder.container(pod, name, ev.NORMAL, ev.CREATED_CONTAINER, "Container created")
    yield sleep(kl.loop, CONTAINER_START_MS, f"kubelet {kl.node_name}: StartContainer {name}")
    try:
        kl.runtime.start_container(cid)
    except CriError as err:
        return _fail(kl, pod, name, result, ERR_RUN_CONTAINER, grpc_message(str(err)))
    kl.recorder.container(pod, name, ev.NORMAL, ev.STARTED_CONTAINER, "Container started")
    kl.pleg.watch(pod["metadata"]["uid"])
    post_start = (c.get("lifecycle") or {}).get("postStart")
    if post_start:
        ok, msg = yield from run_handler(kl, pod, c, cid, post_start, "PostStart")
        if not ok:
            kl.recorder.container(pod, name, ev.WARNING, ev.FAILED_POST_START_HOOK, "PostStartHook failed")
            yield from kill_container(kl, pod, cid, name, "FailedPostStartHook", REASON_POST_START_HOOK, None, None)
            result.starts[name] = (ERR_POST_START_HOOK, msg)
            result.failed = True
            result.retry(kl.now_ms() + BACKOFF_PERIOD_MS)
            return ERR_POST_START_HOOK
    result.starts[name] = ("", "")
    return ""


def _fail(kl: Kubelet, pod: Obj, name: str, result: SyncResult, reason: str, message: str) -> str:
    kl.recorder.container(pod, name, ev.WARNING, ev.FAILED_TO_CREATE_CONTAINER, f"Error: {message}")
    result.starts[name] = (reason, message)
    result.failed = True
    result.retry(kl.now_ms() + BACKOFF_PERIOD_MS)
    return reason
