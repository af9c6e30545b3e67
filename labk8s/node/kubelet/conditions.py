"""The kubelet-owned pod conditions (pkg/kubelet/status/generate.go) and generateAPIPodStatus.

Conditions are generated without timestamps; the status manager fills lastTransitionTime (and
lastProbeTime: null) when it records the status.
"""

from __future__ import annotations

from typing import Any

from labk8s.node.kubelet.events import go_string_list
from labk8s.node.kubelet.podstatus import (
    KUBELET_CONDITIONS,
    TERMINAL,
    ProbeView,
    RuntimePodStatus,
    apply_probe_results,
    convert_container_statuses,
    get_phase,
    has_any_active_regular_container_started,
    has_any_regular_container_started,
    is_sidecar,
)

Obj = dict[str, Any]

UNKNOWN_CONTAINER_STATUSES = "UnknownContainerStatuses"
POD_COMPLETED = "PodCompleted"
POD_FAILED = "PodFailed"
CONTAINERS_NOT_READY = "ContainersNotReady"
CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized"
READINESS_GATES_NOT_READY = "ReadinessGatesNotReady"


def _cond(type_: str, status: str, reason: str = "", message: str = "", generation: int | None = None) -> Obj:
    c: Obj = {"type": type_, "status": status}
    if generation:
        c["observedGeneration"] = generation
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def _find(statuses: list[Obj], name: str) -> Obj | None:
    for s in statuses:
        if s.get("name") == name:
            return s
    return None


def containers_ready_condition(pod: Obj, statuses: list[Obj] | None, phase: str, gen: int | None) -> Obj:
    if statuses is None:
        return _cond("ContainersReady", "False", UNKNOWN_CONTAINER_STATUSES, generation=gen)
    spec = pod.get("spec") or {}
    unknown: list[str] = []
    unready: list[str] = []
    for c in [c for c in spec.get("initContainers") or [] if is_sidecar(c)] + list(spec.get("containers") or []):
        st = _find(statuses, c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    if (phase == "Succeeded" and not unknown) or phase == "Failed":
        return _cond("ContainersReady", "False", POD_COMPLETED if phase == "Succeeded" else POD_FAILED,
                     generation=gen)
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {go_string_list(unknown)}")
    if unready:
        messages.append(f"containers with unready status: {go_string_list(unready)}")
    if messages:
        return _cond("ContainersReady", "False", CONTAINERS_NOT_READY, ", ".join(messages), gen)
    return _cond("ContainersReady", "True", generation=gen)


def pod_ready_condition(pod: Obj, conditions: list[Obj], statuses: list[Obj] | None, phase: str,
                        gen: int | None) -> Obj:
    cr = containers_ready_condition(pod, statuses, phase, gen)
    if cr["status"] != "True":
        return _cond("Ready", cr["status"], cr.get("reason", ""), cr.get("message", ""), gen)
    messages = []
    for rg in (pod.get("spec") or {}).get("readinessGates") or []:
        ctype = rg.get("conditionType", "")
        found = next((c for c in conditions if c.get("type") == ctype), None)
        if found is None:
            messages.append(f'corresponding condition of pod readiness gate "{ctype}" does not exist.')
        elif found.get("status") != "True":
            messages.append(f'the status of pod readiness gate "{ctype}" is not "True", but {found.get("status")}')
    if messages:
        return _cond("Ready", "False", READINESS_GATES_NOT_READY, ", ".join(messages), gen)
    return _cond("Ready", "True", generation=gen)


def initialized_condition(pod: Obj, statuses: list[Obj] | None, phase: str, gen: int | None) -> Obj:
    inits = (pod.get("spec") or {}).get("initContainers") or []
    if not inits:
        return _cond("Initialized", "True", generation=gen)
    if statuses is None:
        return _cond("Initialized", "False", UNKNOWN_CONTAINER_STATUSES, generation=gen)
    unknown: list[str] = []
    incomplete: list[str] = []
    for c in inits:
        st = _find(statuses, c["name"])
        if st is None:
            unknown.append(c["name"])
        elif (is_sidecar(c) and not st.get("started")) or (not is_sidecar(c) and not st.get("ready")):
            incomplete.append(c["name"])
    if phase == "Succeeded" and not unknown:
        return _cond("Initialized", "True", POD_COMPLETED, generation=gen)
    if has_any_regular_container_started(pod, statuses):
        return _cond("Initialized", "True", generation=gen)
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {go_string_list(unknown)}")
    if incomplete:
        messages.append(f"containers with incomplete status: {go_string_list(incomplete)}")
    if messages:
        return _cond("Initialized", "False", CONTAINERS_NOT_INITIALIZED, ", ".join(messages), gen)
    return _cond("Initialized", "True", generation=gen)


def ready_to_start_condition(sandbox_ready: bool, gen: int | None) -> Obj:
    """PodReadyToStartContainers: True once a sandbox with networking exists (PodSandboxChanged false)."""
    return _cond("PodReadyToStartContainers", "True" if sandbox_ready else "False", generation=gen)


def generate_api_pod_status(pod: Obj, rps: RuntimePodStatus, old: Obj, is_terminal: bool,
                            reasons: dict[str, tuple[str, str]], probes: ProbeView, host_ip: str,
                            sandbox_ready: bool, evict: tuple[str, str] | None = None) -> Obj:
    """generateAPIPodStatus: ``old`` is the status manager's last status (or the API's when none)."""
    spec = pod.get("spec") or {}
    api_status = pod.get("status") or {}
    gen = pod["metadata"].get("generation")
    s: Obj = {"phase": "Pending"}
    ips = list(rps.ips[:1])
    inits = list(spec.get("initContainers") or [])
    init_statuses = convert_container_statuses(pod, rps, old.get("initContainerStatuses") or [], inits,
                                               bool(inits), True, reasons)
    statuses = convert_container_statuses(pod, rps, old.get("containerStatuses") or [],
                                          list(spec.get("containers") or []), bool(inits), False, reasons)
    phase = get_phase(pod, statuses + init_statuses, is_terminal, has_any_active_regular_container_started(pod, rps))
    if phase not in TERMINAL:
        if old.get("phase") in TERMINAL:
            phase = old["phase"]
        elif api_status.get("phase") in TERMINAL:
            phase = api_status["phase"]
    s["phase"] = phase
    reason = message = ""
    if phase == old.get("phase"):
        reason = old.get("reason") or api_status.get("reason") or ""
        message = old.get("message") or api_status.get("message") or ""
    if evict is not None:
        s["phase"], reason, message = "Failed", evict[0], evict[1]
    if api_status.get("phase") in TERMINAL and s["phase"] != api_status["phase"]:
        s["phase"] = api_status["phase"]
    if init_statuses:
        s["initContainerStatuses"] = init_statuses
    s["containerStatuses"] = statuses
    apply_probe_results(pod, s, probes)
    conditions = [c for c in api_status.get("conditions") or [] if c.get("type") not in KUBELET_CONDITIONS
                  and c.get("type") != "DisruptionTarget"]
    disruption = next((c for c in old.get("conditions") or [] if c.get("type") == "DisruptionTarget"), None)
    if disruption is not None:
        conditions.append(disruption)
    all_statuses = (s.get("initContainerStatuses") or []) + s["containerStatuses"]
    conditions.append(ready_to_start_condition(sandbox_ready, gen))
    conditions.append(initialized_condition(pod, all_statuses, s["phase"], gen))
    conditions.append(pod_ready_condition(pod, conditions, all_statuses, s["phase"], gen))
    conditions.append(containers_ready_condition(pod, all_statuses, s["phase"], gen))
    scheduled: Obj = {"type": "PodScheduled", "status": "True"}
    if gen:
        scheduled = {"type": "PodScheduled", "observedGeneration": gen, "status": "True"}
    conditions.append(scheduled)
    s["conditions"] = conditions
    if reason:
        s["reason"] = reason
    if message:
        s["message"] = message
    s["hostIP"] = host_ip
    s["hostIPs"] = [{"ip": host_ip}]
    if spec.get("hostNetwork"):
        ips = [host_ip]
    elif not ips and old.get("podIP") and (is_terminal or s["phase"] in TERMINAL):
        ips = [old["podIP"]]  # the IP stays reported while the terminal pod's sandbox is torn down
    if ips:
        s["podIP"] = ips[0]
        s["podIPs"] = [{"ip": ip} for ip in ips]
    if api_status.get("qosClass"):
        s["qosClass"] = api_status["qosClass"]
    if gen:
        s["observedGeneration"] = gen
    return s
