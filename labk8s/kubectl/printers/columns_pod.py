"""Pod columns and the STATUS / READY / RESTARTS logic of printPod (printers.go), ported line by line."""

from __future__ import annotations

from typing import Any

from .age import human_duration_us, parse_time_us, since
from .helpers import as_dict, as_int, as_list, as_str, meta
from .table import Column, Handler, age_col, col, name_col

POD_COLUMNS: tuple[Column, ...] = (
    name_col(),
    col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "The aggregate status of the containers in this pod."),
    col(
        "Restarts",
        "The number of times the containers in this pod have been restarted and when the last container "
        "in this pod has restarted.",
    ),
    age_col(),
    col("IP", "podIP address allocated to the pod. Routable at least within the cluster.", priority=1),
    col("Node", "NodeName indicates in which node this pod is scheduled.", priority=1),
    col("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", priority=1),
    col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", priority=1),
)

#: node.NodeUnreachablePodReason
NODE_UNREACHABLE_POD_REASON = "NodeLost"


def _is_restartable_init_container(container: dict[str, Any] | None) -> bool:
    """podutil.IsRestartableInitContainer: a sidecar has restartPolicy: Always."""
    return container is not None and container.get("restartPolicy") == "Always"


def _has_condition_true(conditions: list[Any], cond_type: str) -> bool:
    for cond in conditions:
        cond = as_dict(cond)
        if cond.get("type") == cond_type:
            return cond.get("status") == "True"
    return False


def _has_pod_ready_condition(conditions: list[Any]) -> bool:
    """hasPodReadyCondition: any Ready condition with status True (not only the first)."""
    return any(as_dict(c).get("type") == "Ready" and as_dict(c).get("status") == "True" for c in conditions)


def _last_terminated_finished(status: dict[str, Any]) -> int | None:
    terminated = as_dict(status.get("lastState")).get("terminated")
    if terminated is None:
        return None
    return parse_time_us(as_dict(terminated).get("finishedAt"))


def _later(current: int | None, candidate: int | None) -> int | None:
    """lastRestartDate.Before(&terminatedDate): keep the later time; a zero time never wins."""
    if candidate is None:
        return current
    if current is None or current < candidate:
        return candidate
    return current


def pod_status_cells(pod: dict[str, Any], now_ms: int) -> tuple[str, str, str]:
    """READY, STATUS and RESTARTS of printPod."""
    spec = as_dict(pod.get("spec"))
    status = as_dict(pod.get("status"))
    metadata = meta(pod)

    restarts = 0
    restartable_init_restarts = 0
    total_containers = len(as_list(spec.get("containers")))
    ready_containers = 0
    last_restart: int | None = None
    last_restartable_init_restart: int | None = None

    pod_phase = as_str(status.get("phase"))
    reason = pod_phase
    if as_str(status.get("reason")):
        reason = as_str(status.get("reason"))

    conditions = as_list(status.get("conditions"))
    # If the Pod carries {type:PodScheduled, reason:SchedulingGated}, set reason to 'SchedulingGated'.
    for cond in conditions:
        cond = as_dict(cond)
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_spec = [as_dict(c) for c in as_list(spec.get("initContainers"))]
    init_containers: dict[str, dict[str, Any]] = {}
    for c in init_spec:
        init_containers[as_str(c.get("name"))] = c
        if _is_restartable_init_container(c):
            total_containers += 1

    initializing = False
    for i, cs in enumerate(as_list(status.get("initContainerStatuses"))):
        cs = as_dict(cs)
        restarts += as_int(cs.get("restartCount"))
        finished = _last_terminated_finished(cs)
        last_restart = _later(last_restart, finished)
        restartable = _is_restartable_init_container(init_containers.get(as_str(cs.get("name"))))
        if restartable:
            restartable_init_restarts += as_int(cs.get("restartCount"))
            last_restartable_init_restart = _later(last_restartable_init_restart, finished)
        state = as_dict(cs.get("state"))
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and as_int(as_dict(terminated).get("exitCode")) == 0:
            continue
        if restartable and cs.get("started") is True:
            if cs.get("ready") is True:
                ready_containers += 1
            continue
        if terminated is not None:
            # initialization is failed
            term = as_dict(terminated)
            if not as_str(term.get("reason")):
                if as_int(term.get("signal")) != 0:
                    reason = f"Init:Signal:{as_int(term.get('signal'))}"
                else:
                    reason = f"Init:ExitCode:{as_int(term.get('exitCode'))}"
            else:
                reason = "Init:" + as_str(term.get("reason"))
            initializing = True
        elif (
            waiting is not None
            and as_str(as_dict(waiting).get("reason"))
            and as_str(as_dict(waiting).get("reason")) != "PodInitializing"
        ):
            reason = "Init:" + as_str(as_dict(waiting).get("reason"))
            initializing = True
        else:
            reason = f"Init:{i}/{len(init_spec)}"
            initializing = True
        break

    if not initializing or _has_condition_true(conditions, "Initialized"):
        restarts = restartable_init_restarts
        last_restart = last_restartable_init_restart
        has_running = False
        for cs in reversed(as_list(status.get("containerStatuses"))):
            cs = as_dict(cs)
            restarts += as_int(cs.get("restartCount"))
            last_restart = _later(last_restart, _last_terminated_finished(cs))
            state = as_dict(cs.get("state"))
            waiting = state.get("waiting")
            terminated = state.get("terminated")
            if waiting is not None and as_str(as_dict(waiting).get("reason")):
                reason = as_str(as_dict(waiting).get("reason"))
            elif terminated is not None and as_str(as_dict(terminated).get("reason")):
                reason = as_str(as_dict(terminated).get("reason"))
            elif terminated is not None:
                term = as_dict(terminated)
                if as_int(term.get("signal")) != 0:
                    reason = f"Signal:{as_int(term.get('signal'))}"
                else:
                    reason = f"ExitCode:{as_int(term.get('exitCode'))}"
            elif cs.get("ready") is True and state.get("running") is not None:
                has_running = True
                ready_containers += 1

        # change pod status back to "Running" if there is at least one container still reporting as "Running"
        if reason == "Completed" and has_running:
            reason = "Running" if _has_pod_ready_condition(conditions) else "NotReady"

    if metadata.get("deletionTimestamp") is not None and as_str(status.get("reason")) == NODE_UNREACHABLE_POD_REASON:
        reason = "Unknown"
    elif metadata.get("deletionTimestamp") is not None and pod_phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({human_duration_us(now_ms * 1000 - last_restart)} ago)"
    return f"{ready_containers}/{total_containers}", reason, restarts_str


def _pod_ip(status: dict[str, Any]) -> str:
    # v1 -> internal conversion fills podIPs from podIP when only the latter is set.
    ips = as_list(status.get("podIPs"))
    if ips:
        return as_str(as_dict(ips[0]).get("ip"))
    return as_str(status.get("podIP"))


def _readiness_gates(spec: dict[str, Any], status: dict[str, Any]) -> str:
    gates = as_list(spec.get("readinessGates"))
    if not gates:
        return "<none>"
    conditions = [as_dict(c) for c in as_list(status.get("conditions"))]
    true_conditions = 0
    for gate in gates:
        cond_type = as_dict(gate).get("conditionType")
        for cond in conditions:
            if cond.get("type") == cond_type:
                if cond.get("status") == "True":
                    true_conditions += 1
                break
    return f"{true_conditions}/{len(gates)}"


def pod_row(pod: dict[str, Any], now_ms: int) -> list[Any]:
    spec = as_dict(pod.get("spec"))
    status = as_dict(pod.get("status"))
    ready, reason, restarts = pod_status_cells(pod, now_ms)
    metadata = meta(pod)
    return [
        as_str(metadata.get("name")),
        ready,
        reason,
        restarts,
        since(metadata.get("creationTimestamp"), now_ms),
        _pod_ip(status) or "<none>",
        as_str(spec.get("nodeName")) or "<none>",
        as_str(status.get("nominatedNodeName")) or "<none>",
        _readiness_gates(spec, status),
    ]


HANDLERS: dict[tuple[str, str], Handler] = {("", "Pod"): Handler(POD_COLUMNS, pod_row)}
