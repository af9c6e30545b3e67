"""computePodActions (pkg/kubelet/kuberuntime/kuberuntime_manager.go) with computeInitContainerActions
(SidecarContainers): what one SyncPod must do to move the runtime towards the pod spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from labk8s.node.kubelet.containerconfig import container_hash
from labk8s.node.kubelet.podstatus import (
    CREATED,
    EXITED,
    RUNNING,
    ContainerRecord,
    RuntimePodStatus,
    is_sidecar,
    should_container_be_restarted,
)
from labk8s.node.kubelet.termination import REASON_LIVENESS, REASON_STARTUP, REASON_UNKNOWN

Obj = dict[str, Any]
#: Probe results by runtime container ID: "Success", "Failure" or None (no result yet).
ProbeResult = Callable[[str], str | None]


@dataclass
class KillInfo:
    name: str
    message: str
    reason: str


@dataclass
class PodActions:
    kill_pod: bool = False
    create_sandbox: bool = False
    sandbox_id: str = ""
    attempt: int = 0
    init_to_start: list[int] = field(default_factory=list)
    containers_to_start: list[int] = field(default_factory=list)
    #: runtime container ID -> why it is killed (insertion order is the kill order).
    to_kill: dict[str, KillInfo] = field(default_factory=dict)


def sandbox_changed(pod: Obj, rps: RuntimePodStatus) -> tuple[bool, int, str]:
    """PodSandboxChanged: (create a new sandbox, its attempt, the current sandbox ID)."""
    if not rps.sandboxes:
        return True, 0, ""
    latest = rps.sandboxes[0]
    ready = sum(1 for s in rps.sandboxes if s.ready)
    if ready > 1 or not latest.ready:
        return True, latest.attempt + 1, latest.id
    if not (pod.get("spec") or {}).get("hostNetwork") and not latest.ip:
        return True, latest.attempt + 1, latest.id
    return False, latest.attempt, latest.id


def _restart_on_failure(pod: Obj) -> bool:
    return (pod.get("spec") or {}).get("restartPolicy", "Always") != "Never"


def _succeeded(c: Obj, rps: RuntimePodStatus) -> bool:
    st = rps.find(c["name"])
    return st is not None and st.state == EXITED and st.exit_code == 0


def _init_failed(st: ContainerRecord) -> bool:
    return st.state == EXITED and st.exit_code != 0


def _init_done(pod: Obj, rps: RuntimePodStatus) -> bool:
    """findNextInitContainerToRun's ``done``."""
    inits = (pod.get("spec") or {}).get("initContainers") or []
    if not inits:
        return True
    if any((st := rps.find(c["name"])) is not None and st.state == RUNNING for c in pod["spec"]["containers"]):
        return True
    for i in range(len(inits) - 1, -1, -1):
        st = rps.find(inits[i]["name"])
        if st is None:
            continue
        if st.state == RUNNING or _init_failed(st):
            return False
        if st.state == EXITED:
            return i == len(inits) - 1
    return False


def compute_pod_actions(pod: Obj, rps: RuntimePodStatus, liveness: ProbeResult, startup: ProbeResult) -> PodActions:
    spec = pod.get("spec") or {}
    create, attempt, sandbox_id = sandbox_changed(pod, rps)
    a = PodActions(kill_pod=create, create_sandbox=create, sandbox_id=sandbox_id, attempt=attempt)
    containers = list(spec.get("containers") or [])
    inits = list(spec.get("initContainers") or [])
    if create:
        if not _restart_on_failure(pod) and attempt != 0 and rps.containers:
            a.create_sandbox = False
            return a
        to_start = [i for i, c in enumerate(containers)
                    if not (spec.get("restartPolicy") == "OnFailure" and _succeeded(c, rps))]
        if not to_start and _init_done(pod, rps):
            a.create_sandbox = False
            return a
        if inits:
            a.init_to_start = [0]
            return a
        a.containers_to_start = to_start
        return a
    initialized = _init_actions(pod, rps, a, liveness, startup)
    if a.kill_pod or not initialized:
        return a
    keep = 0
    for idx, c in enumerate(containers):
        st = rps.find(c["name"])
        if st is None or st.state != RUNNING:
            if should_container_be_restarted(c, pod, rps):
                a.containers_to_start.append(idx)
            continue
        restart = _restart_on_failure(pod)
        if st.spec_hash and st.spec_hash != container_hash(c):
            message, reason, restart = f"Container {c['name']} definition changed", REASON_UNKNOWN, True
        elif liveness(st.id) == "Failure":
            message, reason = f"Container {c['name']} failed liveness probe", REASON_LIVENESS
        elif startup(st.id) == "Failure":
            message, reason = f"Container {c['name']} failed startup probe", REASON_STARTUP
        else:
            keep += 1
            continue
        if restart:
            message += ", will be restarted"
            a.containers_to_start.append(idx)
        a.to_kill[st.id] = KillInfo(c["name"], message, reason)
    if keep == 0 and not a.containers_to_start:
        a.kill_pod = True
        a.init_to_start = []
    return a


def _init_actions(pod: Obj, rps: RuntimePodStatus, a: PodActions, liveness: ProbeResult,
                  startup: ProbeResult) -> bool:
    """computeInitContainerActions: returns whether the pod has been initialized."""
    spec = pod.get("spec") or {}
    inits = list(spec.get("initContainers") or [])
    if not inits:
        return True
    initialized = any((st := rps.find(c["name"])) is not None and st.state in (CREATED, RUNNING)
                      for c in spec.get("containers") or [])
    previously = initialized
    restart_on_failure = _restart_on_failure(pod)
    start: list[int] = []
    last = len(inits) - 1
    for i in range(last, -1, -1):
        c = inits[i]
        st = rps.find(c["name"])
        if st is None:
            if previously and is_sidecar(c):
                start.append(i)
            continue
        if previously and not is_sidecar(c):
            continue
        if st.state == CREATED:
            start.append(i)
        elif st.state == RUNNING:
            if not is_sidecar(c):
                pass
            elif c.get("startupProbe") is not None and startup(st.id) != "Success":
                if startup(st.id) == "Failure":
                    a.to_kill[st.id] = KillInfo(c["name"], f"Init container {c['name']} failed startup probe",
                                                REASON_STARTUP)
                    start.append(i)
            else:
                if i == last:
                    initialized = True
                elif not previously:
                    start.append(i + 1)
                if st.spec_hash and st.spec_hash != container_hash(c):
                    a.to_kill[st.id] = KillInfo(c["name"], f"Init container {c['name']} definition changed",
                                                REASON_UNKNOWN)
                    start.append(i)
                elif c.get("livenessProbe") is not None and liveness(st.id) == "Failure":
                    a.to_kill[st.id] = KillInfo(c["name"], f"Init container {c['name']} failed liveness probe",
                                                REASON_LIVENESS)
                    start.append(i)
        elif st.state == EXITED:
            if is_sidecar(c):
                start.append(i)
            elif _init_failed(st):
                if not restart_on_failure:
                    a.kill_pod = True
                    a.init_to_start = []
                    return False
                start.append(i)
            elif i == last:
                initialized = True
            else:
                start.append(i + 1)
        else:
            if not is_sidecar(c) and not restart_on_failure:
                a.kill_pod = True
                a.init_to_start = []
                return False
            a.to_kill[st.id] = KillInfo(c["name"], f'Init container is in "{st.state}" state, try killing it '
                                        "before restart", REASON_UNKNOWN)
            start.append(i)
        if not previously:
            previously = True
    if not previously:
        start.append(0)
    a.init_to_start = list(reversed(start))
    return initialized
