"""The pod status the kubelet computes: generateAPIPodStatus, getPhase and the kubelet-owned conditions.

Ported from pkg/kubelet/kubelet_pods.go (getPhase, generateAPIPodStatus, convertToAPIContainerStatuses)
and pkg/kubelet/status/generate.go as of v1.35+, with the v1.37 default feature gates: SidecarContainers,
PodReadyToStartContainersCondition, PodObservedGenerationTracking, RecursiveReadOnlyMounts,
SupplementalGroupsPolicy and InPlacePodVerticalScaling on; ContainerRestartRules and
RestartAllContainersOnContainerExits (alpha) off.

Input is the runtime's view of the pod (:class:`RuntimePodStatus`, kubecontainer.PodStatus), the previous
status (status manager cache or the API), the reasons of the last failed starts (reasonCache) and the
probe results (:class:`ProbeView`). Timestamps are RFC 3339 strings of virtual time.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Protocol

from labk8s._sim import format_rfc3339

Obj = dict[str, Any]

CREATED, RUNNING, EXITED, UNKNOWN = "created", "running", "exited", "unknown"
#: Condition types the kubelet owns (kubetypes.PodConditionsByKubelet).
KUBELET_CONDITIONS = ("PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers",
                      "PodResizePending", "PodResizeInProgress")
TERMINAL = ("Succeeded", "Failed")
UNIX_EPOCH = "1970-01-01T00:00:00Z"


@dataclass
class ContainerRecord:
    """kubecontainer.Status: one container instance as the runtime reports it (times in virtual ms)."""

    id: str
    name: str
    state: str
    restart_count: int = 0
    created_at: int = 0
    started_at: int = 0
    finished_at: int = 0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    image: str = ""
    image_ref: str = ""
    spec_hash: str = ""
    sandbox_id: str = ""


@dataclass
class SandboxRecord:
    id: str
    ready: bool
    ip: str = ""
    attempt: int = 0
    created_at: int = 0


@dataclass
class RuntimePodStatus:
    """kubecontainer.PodStatus: sandboxes and containers newest first."""

    sandboxes: list[SandboxRecord] = field(default_factory=list)
    containers: list[ContainerRecord] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)

    def find(self, name: str) -> ContainerRecord | None:
        """FindContainerStatusByName: the newest instance of ``name``."""
        for c in self.containers:
            if c.name == name:
                return c
        return None

    def running(self) -> list[ContainerRecord]:
        return [c for c in self.containers if c.state == RUNNING]


class ProbeView(Protocol):
    """What generateAPIPodStatus asks the probe manager (prober_manager.UpdatePodStatus)."""

    def is_started(self, pod: Obj, name: str, container_id: str, running: bool) -> bool: ...

    def is_ready(self, pod: Obj, name: str, container_id: str) -> bool: ...


def container_id(runtime_id: str) -> str:
    return f"containerd://{runtime_id}" if runtime_id else ""


def is_sidecar(container: Obj) -> bool:
    """podutil.IsRestartableInitContainer."""
    return container.get("restartPolicy") == "Always"


def _status_of(statuses: list[Obj], name: str) -> Obj | None:
    for s in statuses:
        if s.get("name") == name:
            return s
    return None


# -- getPhase ------------------------------------------------------------------------------------------
def get_phase(pod: Obj, info: list[Obj], pod_is_terminal: bool, pod_has_initialized: bool) -> str:
    spec = pod.get("spec") or {}
    restart_policy = spec.get("restartPolicy", "Always")
    pending_restartable = pending_regular_init = failed_init = 0
    for c in spec.get("initContainers") or []:
        if is_sidecar(c):
            continue
        st = _status_of(info, c["name"])
        state = (st or {}).get("state") or {}
        if st is None or "running" in state:
            pending_regular_init += 1
        elif "terminated" in state:
            if state["terminated"].get("exitCode", 0) != 0:
                failed_init += 1
        elif "waiting" in state:
            last = (st.get("lastState") or {}).get("terminated")
            if last is not None:
                if last.get("exitCode", 0) != 0:
                    failed_init += 1
            else:
                pending_regular_init += 1
        else:
            pending_regular_init += 1
    unknown = running = waiting = stopped = succeeded = 0
    for c in spec.get("initContainers") or []:
        if not is_sidecar(c):
            continue
        st = _status_of(info, c["name"])
        if st is None:
            unknown += 1
            continue
        state = st.get("state") or {}
        if "running" in state:
            if not st.get("started"):
                pending_restartable += 1
            running += 1
        elif "terminated" in state:
            pass
        elif "waiting" in state:
            if (st.get("lastState") or {}).get("terminated") is None:
                pending_restartable += 1
                waiting += 1
        else:
            pending_restartable += 1
            unknown += 1
    for c in spec.get("containers") or []:
        st = _status_of(info, c["name"])
        if st is None:
            unknown += 1
            continue
        state = st.get("state") or {}
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if state["terminated"].get("exitCode", 0) == 0:
                succeeded += 1
        elif "waiting" in state:
            if (st.get("lastState") or {}).get("terminated") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    if failed_init > 0 and restart_policy == "Never":
        return "Failed"
    if pending_regular_init > 0 or (pending_restartable > 0 and not pod_has_initialized) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal and not is_static_pod(pod):
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def is_static_pod(pod: Obj) -> bool:
    return ((pod["metadata"].get("annotations") or {}).get("kubernetes.io/config.source") or "api") != "api"


# -- restart decisions (kubecontainer helpers) ------------------------------------------------------------
def should_container_be_restarted(container: Obj, pod: Obj, rps: RuntimePodStatus) -> bool:
    """ShouldContainerBeRestarted."""
    if pod["metadata"].get("deletionTimestamp"):
        return False
    st = rps.find(container["name"])
    if st is None:
        return True
    if st.state == RUNNING:
        return False
    if st.state in (UNKNOWN, CREATED):
        return True
    policy = (pod.get("spec") or {}).get("restartPolicy", "Always")
    if policy == "Never":
        return False
    if policy == "OnFailure" and st.exit_code == 0:
        return False
    return True


def has_any_regular_container_started(pod: Obj, statuses: list[Obj]) -> bool:
    names = {c["name"] for c in (pod.get("spec") or {}).get("containers") or []}
    return any(s.get("name") in names and ("running" in (s.get("state") or {}) or
                                           "terminated" in (s.get("state") or {})) for s in statuses)


def has_any_active_regular_container_started(pod: Obj, rps: RuntimePodStatus) -> bool:
    names = {c["name"] for c in (pod.get("spec") or {}).get("containers") or []}
    return any(c.name in names and c.state == RUNNING for c in rps.containers)


# -- container statuses ---------------------------------------------------------------------------------
def _convert(cs: ContainerRecord, old: Obj | None, spec: Obj) -> Obj:
    cid = container_id(cs.id)
    status: Obj = {"name": cs.name, "state": {}, "lastState": {}, "ready": False,
                   "restartCount": cs.restart_count, "image": cs.image or spec.get("image", ""),
                   "imageID": cs.image_ref, "containerID": cid}
    if old is not None and old.get("volumeMounts") is not None:
        status["volumeMounts"] = copy.deepcopy(old["volumeMounts"])
    if cs.state == RUNNING:
        status["state"] = {"running": {"startedAt": format_rfc3339(cs.started_at)}}
    elif cs.state == CREATED:
        status["state"] = {"waiting": {}}
    elif cs.state == EXITED:
        term: Obj = {"exitCode": cs.exit_code, "reason": cs.reason}
        if cs.message:
            term["message"] = cs.message
        # A container that never started reports time.Unix(0, 0) (containerd's zero startedAt).
        term["startedAt"] = format_rfc3339(cs.started_at) if cs.started_at else UNIX_EPOCH
        term["finishedAt"] = format_rfc3339(cs.finished_at)
        term["containerID"] = cid
        status["state"] = {"terminated": term}
    elif old is not None and "running" in (old.get("state") or {}):
        status["state"] = {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown",
                                          "message": "The container could not be located when the pod was "
                                                     "terminated"}}
        status["restartCount"] = int(old.get("restartCount", 0)) + 1
    else:
        status["state"] = {"waiting": {}}
    return status


def _volume_mounts(container: Obj) -> list[Obj] | None:
    mounts = []
    for vm in container.get("volumeMounts") or []:
        m: Obj = {"name": vm["name"], "mountPath": vm.get("mountPath", "")}
        if vm.get("readOnly"):
            m["readOnly"] = True
            m["recursiveReadOnly"] = "Disabled"
        mounts.append(m)
    return mounts or None


def _user() -> Obj:
    # The runtime reports the process identity; images run as root unless told otherwise.
    return {"linux": {"gid": 0, "supplementalGroups": [0], "uid": 0}}


def convert_container_statuses(pod: Obj, rps: RuntimePodStatus, previous: list[Obj], containers: list[Obj],
                               has_init: bool, is_init: bool, reasons: dict[str, tuple[str, str]]) -> list[Obj]:
    """convertToAPIContainerStatuses."""
    old_statuses = {s["name"]: s for s in previous or []}
    default_reason = "PodInitializing" if has_init else "ContainerCreating"
    statuses: dict[str, Obj] = {}
    for c in containers:
        status: Obj = {"name": c["name"], "state": {"waiting": {"reason": default_reason}}, "lastState": {},
                       "ready": False, "restartCount": 0, "image": c.get("image", ""), "imageID": ""}
        vms = _volume_mounts(c)
        if vms is not None:
            status["volumeMounts"] = vms
        old = old_statuses.get(c["name"])
        if old is not None:
            if "terminated" in (old.get("state") or {}):
                status = copy.deepcopy(old)
            else:
                status["restartCount"] = old.get("restartCount", 0)
                status["lastState"] = copy.deepcopy(old.get("lastState") or {})
        statuses[c["name"]] = status
    names_in_runtime = {cs.name for cs in rps.containers}
    for c in containers:
        if c["name"] in names_in_runtime:
            continue
        old = old_statuses.get(c["name"])
        if old is None or "terminated" in (old.get("state") or {}) or "running" not in (old.get("state") or {}):
            continue
        status = statuses[c["name"]]
        current = (status.get("state") or {}).get("waiting")
        if current is None or current.get("reason") != default_reason:
            continue
        if (status.get("lastState") or {}).get("terminated") is not None:
            continue
        status["lastState"] = {"terminated": {
            "exitCode": 137, "reason": "ContainerStatusUnknown",
            "message": "The container could not be located when the pod was deleted.  The container used to be "
                       "Running", "startedAt": None, "finishedAt": None}}
        if not pod["metadata"].get("deletionTimestamp"):
            status["restartCount"] = status.get("restartCount", 0) + 1
    specs = {c["name"]: c for c in containers}
    seen: dict[str, int] = {}
    for cs in rps.containers:  # newest first
        if cs.name not in statuses or seen.get(cs.name, 0) >= 2:
            continue
        converted = _convert(cs, old_statuses.get(cs.name), specs[cs.name])
        if cs.state == RUNNING:
            old = old_statuses.get(cs.name)
            if old is not None and old.get("started") is not None:
                converted["started"] = old["started"]
        converted["resources"] = copy.deepcopy(specs[cs.name].get("resources") or {})
        if (specs[cs.name].get("resources") or {}).get("requests"):
            converted["allocatedResources"] = copy.deepcopy(specs[cs.name]["resources"]["requests"])
        if cs.state in (RUNNING, EXITED):
            converted["user"] = _user()
        if seen.get(cs.name, 0) == 0:
            vms = statuses[cs.name].get("volumeMounts")
            if vms is not None and "volumeMounts" not in converted:
                converted["volumeMounts"] = vms
            statuses[cs.name] = converted
        else:
            statuses[cs.name]["lastState"] = converted["state"]
        seen[cs.name] = seen.get(cs.name, 0) + 1
    for c in containers:
        if is_init:
            s = rps.find(c["name"])
            if s is not None and s.state == EXITED and s.exit_code == 0:
                continue
        if not should_container_be_restarted(c, pod, rps):
            continue
        reason = reasons.get(c["name"])
        if reason is None:
            continue
        status = statuses[c["name"]]
        if "terminated" in (status.get("state") or {}):
            status["lastState"] = status["state"]
        waiting: Obj = {"reason": reason[0]}
        if reason[1]:
            waiting["message"] = reason[1]
        status["state"] = {"waiting": waiting}
    return [statuses[c["name"]] for c in containers] if is_init else \
        [statuses[n] for n in sorted(statuses)]


def apply_probe_results(pod: Obj, status: Obj, probes: ProbeView) -> None:
    """prober_manager.UpdatePodStatus: ``started`` and ``ready`` of every container status."""
    for cs in status.get("containerStatuses") or []:
        running = "running" in (cs.get("state") or {})
        started = running and probes.is_started(pod, cs["name"], cs.get("containerID", ""), running)
        cs["started"] = started
        cs["ready"] = bool(started and running and probes.is_ready(pod, cs["name"], cs.get("containerID", "")))
    inits = {c["name"]: c for c in (pod.get("spec") or {}).get("initContainers") or []}
    for cs in status.get("initContainerStatuses") or []:
        state = cs.get("state") or {}
        running = "running" in state
        started = running and probes.is_started(pod, cs["name"], cs.get("containerID", ""), running)
        cs["started"] = started
        spec = inits.get(cs["name"]) or {}
        if not is_sidecar(spec):
            cs["ready"] = "terminated" in state and state["terminated"].get("exitCode", 0) == 0
            continue
        cs["ready"] = bool(started and running and probes.is_ready(pod, cs["name"], cs.get("containerID", "")))
