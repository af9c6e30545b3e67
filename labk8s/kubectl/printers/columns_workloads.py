"""Columns of apps, batch, autoscaling and policy kinds: printDeployment, printJob, printHorizontalPodAutoscaler, ..."""

from __future__ import annotations

from typing import Any

from .age import between, elapsed, since
from .helpers import (
    SelectorError,
    as_dict,
    as_int,
    as_list,
    as_str,
    controller_of,
    dig,
    format_label_selector,
    format_labels,
    group_kind_lower,
    group_of,
    layout_containers,
    meta,
    name_of,
    print_bool,
    quantity,
    selector_string,
)
from .table import Column, Handler, age_col, col, containers_cols, name_col

Obj = dict[str, Any]


def _age(obj: Obj, now_ms: int) -> str:
    return since(meta(obj).get("creationTimestamp"), now_ms)


def _template_containers(obj: Obj, *path: str) -> tuple[str, str]:
    return layout_containers(dig(obj, *path, "template", "spec", "containers"))


# --- Deployment ---------------------------------------------------------------------------------------------

DEPLOYMENT_COLUMNS = (
    name_col(),
    col("Ready", "Number of the pod with ready state"),
    col("Up-to-date", "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
    col("Available", "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
    age_col(),
    *containers_cols(),
    col("Selector", "Label selector for pods.", priority=1),
)


def deployment_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    try:
        selector = selector_string(spec.get("selector"))
    except SelectorError:
        selector = "<invalid>"
    names, images = _template_containers(obj, "spec")
    desired = as_int(spec.get("replicas"), 1)  # apps/v1 defaulting
    return [
        name_of(obj),
        f"{as_int(status.get('readyReplicas'))}/{desired}",
        as_int(status.get("updatedReplicas")),
        as_int(status.get("availableReplicas")),
        _age(obj, now_ms),
        names,
        images,
        selector,
    ]


# --- ReplicaSet ---------------------------------------------------------------------------------------------

REPLICA_SET_COLUMNS = (
    name_col(),
    col("Desired", "Replicas is the number of desired replicas.", type="integer"),
    col("Current", "Replicas is the most recently observed number of replicas.", type="integer"),
    col("Ready", "The number of ready replicas for this replica set.", type="integer"),
    age_col(),
    *containers_cols(),
    col("Selector", "Selector is a label query over pods that should match the replica count.", priority=1),
)


def replica_set_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    names, images = _template_containers(obj, "spec")
    return [
        name_of(obj),
        as_int(spec.get("replicas"), 1),
        as_int(status.get("replicas")),
        as_int(status.get("readyReplicas")),
        _age(obj, now_ms),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


# --- StatefulSet --------------------------------------------------------------------------------------------

STATEFUL_SET_COLUMNS = (
    name_col(),
    col("Ready", "Number of the pod with ready state"),
    age_col(),
    *containers_cols(),
)


def stateful_set_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    names, images = _template_containers(obj, "spec")
    ready = as_int(dig(obj, "status", "readyReplicas"))
    return [name_of(obj), f"{ready}/{as_int(spec.get('replicas'), 1)}", _age(obj, now_ms), names, images]


# --- DaemonSet ----------------------------------------------------------------------------------------------

DAEMON_SET_COLUMNS = (
    name_col(),
    col("Desired", "The total number of nodes that should be running the daemon pod.", type="integer"),
    col("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.", type="integer"),
    col("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", type="integer"),
    col("Up-to-date", "The total number of nodes that are running updated daemon pod", type="integer"),
    col("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.", type="integer"),
    col("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    age_col(),
    *containers_cols(),
    col("Selector", "A label query over pods that are managed by the daemon set.", priority=1),
)


def daemon_set_row(obj: Obj, now_ms: int) -> list[Any]:
    status = as_dict(obj.get("status"))
    names, images = _template_containers(obj, "spec")
    return [
        name_of(obj),
        as_int(status.get("desiredNumberScheduled")),
        as_int(status.get("currentNumberScheduled")),
        as_int(status.get("numberReady")),
        as_int(status.get("updatedNumberScheduled")),
        as_int(status.get("numberAvailable")),
        format_labels(dig(obj, "spec", "template", "spec", "nodeSelector")),
        _age(obj, now_ms),
        names,
        images,
        format_label_selector(dig(obj, "spec", "selector")),
    ]


# --- ControllerRevision ----------------------------------------------------------------------------------------

CONTROLLER_REVISION_COLUMNS = (
    name_col(),
    col("Controller", "Controller of the object"),
    col("Revision", "Revision indicates the revision of the state represented by Data."),
    age_col(),
)


def controller_revision_row(obj: Obj, now_ms: int) -> list[Any]:
    ref = controller_of(obj)
    controller = "<none>"
    if ref is not None:
        kind = as_str(ref.get("kind"))
        name = as_str(ref.get("name"))
        controller = f"{group_kind_lower(kind, group_of(as_str(ref.get('apiVersion'))))}/{name}" if kind else name
    return [name_of(obj), controller, as_int(obj.get("revision")), _age(obj, now_ms)]


# --- Job, CronJob ---------------------------------------------------------------------------------------------

JOB_COLUMNS = (
    name_col(),
    col("Status", "Status of the job."),
    col("Completions", "The number of pods which reached phase Succeeded."),
    col("Duration", "Time required to complete the job."),
    age_col(),
    *containers_cols(),
    col("Selector", "A label query over pods that should match the pod count.", priority=1),
)


def _job_condition(conditions: list[Any], cond_type: str) -> bool:
    """hasJobCondition: the first condition of that type decides."""
    for cond in conditions:
        cond = as_dict(cond)
        if cond.get("type") == cond_type:
            return cond.get("status") == "True"
    return False


def job_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    succeeded = as_int(status.get("succeeded"))
    completions_spec = spec.get("completions")
    parallelism_spec = spec.get("parallelism")
    if completions_spec is None and parallelism_spec is None:
        completions_spec = 1  # batch/v1 defaulting of a non-parallel Job
    if completions_spec is not None:
        completions = f"{succeeded}/{as_int(completions_spec)}"
    else:
        parallelism = as_int(parallelism_spec)
        completions = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    if status.get("startTime") is None:
        duration = ""
    elif status.get("completionTime") is None:
        duration = elapsed(status.get("startTime"), now_ms)
    else:
        duration = between(status.get("startTime"), status.get("completionTime"))
    conditions = as_list(status.get("conditions"))
    if _job_condition(conditions, "Complete"):
        job_status = "Complete"
    elif _job_condition(conditions, "Failed"):
        job_status = "Failed"
    elif meta(obj).get("deletionTimestamp") is not None:
        job_status = "Terminating"
    elif _job_condition(conditions, "Suspended"):
        job_status = "Suspended"
    elif _job_condition(conditions, "FailureTarget"):
        job_status = "FailureTarget"
    else:
        job_status = "Running"
    names, images = _template_containers(obj, "spec")
    return [
        name_of(obj),
        job_status,
        completions,
        duration,
        _age(obj, now_ms),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


CRON_JOB_COLUMNS = (
    name_col(),
    col("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    col("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
    col("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.", type="boolean"),
    col("Active", "A list of pointers to currently running jobs.", type="integer"),
    col("Last Schedule", "Information when was the last time the job was successfully scheduled."),
    age_col(),
    *containers_cols(),
    col("Selector", "A label query over pods that should match the pod count.", priority=1),
)


def cron_job_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    last = status.get("lastScheduleTime")
    time_zone = spec.get("timeZone")
    suspend = spec.get("suspend", False)  # batch/v1 defaulting: suspend false
    names, images = _template_containers(obj, "spec", "jobTemplate", "spec")
    return [
        name_of(obj),
        as_str(spec.get("schedule")),
        as_str(time_zone) if time_zone is not None else "<none>",
        print_bool(suspend),
        len(as_list(status.get("active"))),
        since(last, now_ms) if last is not None else "<none>",
        _age(obj, now_ms),
        names,
        images,
        format_label_selector(dig(spec, "jobTemplate", "spec", "selector")),
    ]


# --- HorizontalPodAutoscaler --------------------------------------------------------------------------------

HPA_COLUMNS = (
    name_col(),
    col("Reference", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
    col("Targets", "the specifications for which to use to calculate the desired replica count."),
    col("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
    col("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
    col("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler."),
    age_col(),
)


def _hpa_metrics_v2(obj: Obj) -> tuple[list[Any], list[Any]]:
    """spec.metrics and status.currentMetrics as the internal type holds them (autoscaling/v1 converted)."""
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    if "targetCPUUtilizationPercentage" in spec or as_str(obj.get("apiVersion")) == "autoscaling/v1":
        specs: list[Any] = []
        statuses: list[Any] = []
        target = spec.get("targetCPUUtilizationPercentage")
        if target is not None:
            specs.append(
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}}
            )
        current = status.get("currentCPUUtilizationPercentage")
        if current is not None:
            statuses.append({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": current}}})
        return specs, statuses
    return as_list(spec.get("metrics")), as_list(status.get("currentMetrics"))


def _current(statuses: list[Any], i: int, source: str) -> dict[str, Any] | None:
    """statuses[i].<Source> when present (statuses are matched to specs by index, as upstream does)."""
    if len(statuses) > i:
        value = as_dict(statuses[i]).get(source)
        if value is not None:
            return as_dict(value)
    return None


def format_hpa_metrics(specs: list[Any], statuses: list[Any]) -> str:
    if not specs:
        return "<none>"
    items: list[str] = []
    limit = 2
    for i, spec in enumerate(specs):
        spec = as_dict(spec)
        metric_type = spec.get("type")
        if metric_type in ("External", "Object"):
            source = "external" if metric_type == "External" else "object"
            target = as_dict(dig(spec, source, "target"))
            current_src = _current(statuses, i, source)
            if target.get("averageValue") is not None:
                current = "<unknown>"
                if current_src is not None and dig(current_src, "current", "averageValue") is not None:
                    current = quantity(dig(current_src, "current", "averageValue"), "<nil>")
                items.append(f"{current}/{quantity(target.get('averageValue'), '<nil>')} (avg)")
            else:
                current = "<unknown>"
                if current_src is not None:
                    current = quantity(dig(current_src, "current", "value"), "<nil>")
                items.append(f"{current}/{quantity(target.get('value'), '<nil>')}")
        elif metric_type == "Pods":
            current_src = _current(statuses, i, "pods")
            current = "<unknown>"
            if current_src is not None:
                current = quantity(dig(current_src, "current", "averageValue"), "<nil>")
            items.append(f"{current}/{quantity(dig(spec, 'pods', 'target', 'averageValue'), '<nil>')}")
        elif metric_type in ("Resource", "ContainerResource"):
            source = "resource" if metric_type == "Resource" else "containerResource"
            resource_name = as_str(dig(spec, source, "name"))
            target = as_dict(dig(spec, source, "target"))
            current_src = _current(statuses, i, source)
            if target.get("averageValue") is not None:
                current = "<unknown>"
                if current_src is not None:
                    current = quantity(dig(current_src, "current", "averageValue"), "<nil>")
                items.append(f"{resource_name}: {current}/{quantity(target.get('averageValue'), '<nil>')}")
            else:
                current = "<unknown>"
                if current_src is not None and dig(current_src, "current", "averageUtilization") is not None:
                    current = f"{as_int(dig(current_src, 'current', 'averageUtilization'))}%"
                target_text = "<auto>"
                if target.get("averageUtilization") is not None:
                    target_text = f"{as_int(target.get('averageUtilization'))}%"
                items.append(f"{resource_name}: {current}/{target_text}")
        else:
            items.append("<unknown type>")
    count = len(items)
    if count > limit:
        return f"{', '.join(items[:limit])} + {count - limit} more..."
    return ", ".join(items)


def hpa_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    ref = as_dict(spec.get("scaleTargetRef"))
    specs, statuses = _hpa_metrics_v2(obj)
    min_replicas = spec.get("minReplicas", 1)  # autoscaling defaulting: minReplicas 1
    return [
        name_of(obj),
        f"{as_str(ref.get('kind'))}/{as_str(ref.get('name'))}",
        format_hpa_metrics(specs, statuses),
        str(as_int(min_replicas)) if min_replicas is not None else "<unset>",
        as_int(spec.get("maxReplicas")),
        as_int(dig(obj, "status", "currentReplicas")),
        _age(obj, now_ms),
    ]


# --- PodDisruptionBudget --------------------------------------------------------------------------------------

PDB_COLUMNS = (
    name_col(),
    col("Min Available", "The minimum number of pods that must be available."),
    col("Max Unavailable", "The maximum number of pods that may be unavailable."),
    col("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", type="integer"),
    age_col(),
)


def _int_or_string(value: Any) -> str:
    return "N/A" if value is None else str(value) if not isinstance(value, bool) else str(int(value))


def pdb_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    return [
        name_of(obj),
        _int_or_string(spec.get("minAvailable")),
        _int_or_string(spec.get("maxUnavailable")),
        as_int(dig(obj, "status", "disruptionsAllowed")),
        _age(obj, now_ms),
    ]


def _h(columns: tuple[Column, ...], row: Any) -> Handler:
    return Handler(columns, row)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("apps", "Deployment"): _h(DEPLOYMENT_COLUMNS, deployment_row),
    ("apps", "ReplicaSet"): _h(REPLICA_SET_COLUMNS, replica_set_row),
    ("apps", "StatefulSet"): _h(STATEFUL_SET_COLUMNS, stateful_set_row),
    ("apps", "DaemonSet"): _h(DAEMON_SET_COLUMNS, daemon_set_row),
    ("apps", "ControllerRevision"): _h(CONTROLLER_REVISION_COLUMNS, controller_revision_row),
    ("batch", "Job"): _h(JOB_COLUMNS, job_row),
    ("batch", "CronJob"): _h(CRON_JOB_COLUMNS, cron_job_row),
    ("autoscaling", "HorizontalPodAutoscaler"): _h(HPA_COLUMNS, hpa_row),
    ("policy", "PodDisruptionBudget"): _h(PDB_COLUMNS, pdb_row),
}
