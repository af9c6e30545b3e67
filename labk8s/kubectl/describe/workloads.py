"""Workload describers: Deployment, ReplicaSet, ReplicationController, DaemonSet, StatefulSet,
Job and CronJob (describe.go's describeDeployment ... describeCronJob)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.errors import ApiError
from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe._quantity import parse_or_zero
from labk8s.kubectl.describe._selectors import (
    SelectorError,
    format_label_selector,
    format_labels,
    selector_from_set,
    selector_string,
)
from labk8s.kubectl.describe._timefmt import human_duration, rfc1123z, since_ms, sort_key
from labk8s.kubectl.describe.common import (
    Lookup,
    Obj,
    controller_ref,
    g,
    go_v,
    print_annotations_multiline,
    print_bool_ptr,
    print_controller,
    print_labels_multiline,
    print_labels_multiline_with_indent,
    safe_list,
)
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.pod import describe_pod_template
from labk8s.kubectl.describe.volumes import pvc_class
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed_string

POD_TEMPLATE_HASH = "pod-template-hash"


def pod_status_for_controller(
    lookup: Lookup, namespace: str, selector: str, uid: str
) -> tuple[int, int, int, int]:
    """getPodStatusForController: phases of the pods whose controller is ``uid``."""
    running = waiting = succeeded = failed = 0
    for pod in lookup.list("pods", "", namespace, label_selector=selector):
        ref = controller_ref(pod)
        if ref is None or ref.get("uid") != uid:
            continue
        phase = g(pod, "status", "phase")
        if phase == "Running":
            running += 1
        elif phase == "Pending":
            waiting += 1
        elif phase == "Succeeded":
            succeeded += 1
        elif phase == "Failed":
            failed += 1
    return running, waiting, succeeded, failed


def _pod_counts(counts: tuple[int, int, int, int]) -> str:
    running, waiting, succeeded, failed = counts
    return f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"


def _pods_status(counts: tuple[int, int, int, int]) -> str:
    return "Pods Status:\t" + _pod_counts(counts)


def _conditions_type_status_reason(conditions: list[Mapping[str, Any]] | None, w: PrefixWriter) -> None:
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(LEVEL_1, "----\t------\t------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def _replicas(obj: Mapping[str, Any]) -> int:
    # The API server defaults spec.replicas to 1; kubectl dereferences it.
    return int(g(obj, "spec", "replicas", default=1))


def _int_or_string(value: Any) -> str:
    return "<nil>" if value is None else str(value)


def _is_zero_value(value: Any) -> bool:
    return value is None or value is False or value in ("", {}, []) or (type(value) is int and value == 0)


def _semantic(value: Any) -> Any:
    """Normalise for Semantic.DeepEqual on typed objects: a field that is absent, null, empty or
    the zero value decodes to the same Go struct, so such entries are dropped before comparing."""
    if isinstance(value, Mapping):
        out = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if not _is_zero_value(v)}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def _template_without_hash(template: Mapping[str, Any] | None) -> Any:
    normalized = _semantic(template or {})
    labels = dict(g(normalized, "metadata", "labels", default={}))
    labels.pop(POD_TEMPLATE_HASH, None)
    metadata = dict(normalized.get("metadata") or {})
    if labels:
        metadata["labels"] = labels
    else:
        metadata.pop("labels", None)
    result = dict(normalized)
    if metadata:
        result["metadata"] = metadata
    else:
        result.pop("metadata", None)
    return result


def deployment_replica_sets(deploy: Mapping[str, Any], lookup: Lookup) -> tuple[list[Obj], list[Obj]]:
    """deploymentutil.GetAllReplicaSetsInChunks -> (all old ReplicaSets, [new ReplicaSet])."""
    try:
        selector = selector_string(g(deploy, "spec", "selector"))
        listed = lookup.list("replicasets", "apps", str(g(deploy, "metadata", "namespace", default="")), label_selector=selector)
    except (ApiError, SelectorError):
        return [], []
    uid = g(deploy, "metadata", "uid")
    owned = [rs for rs in listed if (ref := controller_ref(rs)) is not None and ref.get("uid") == uid]
    go_sort(
        owned,
        lambda a, b: (
            g(a, "metadata", "name", default="") < g(b, "metadata", "name", default="")
            if sort_key(g(a, "metadata", "creationTimestamp")) == sort_key(g(b, "metadata", "creationTimestamp"))
            else sort_key(g(a, "metadata", "creationTimestamp")) < sort_key(g(b, "metadata", "creationTimestamp"))
        ),
    )
    wanted = _template_without_hash(g(deploy, "spec", "template"))
    new = next((rs for rs in owned if _template_without_hash(g(rs, "spec", "template")) == wanted), None)
    old = [rs for rs in owned if rs is not new]
    return old, ([new] if new is not None else [])


def _replica_sets_by_labels(sets: list[Obj]) -> str:
    text = ", ".join(
        f"{g(rs, 'metadata', 'name', default='')} ({int(g(rs, 'status', 'replicas', default=0))}/{_replicas(rs)}"
        " replicas created)"
        for rs in sets
    )
    return text or "<none>"


def describe_deployment(d: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, d)
    old, new = deployment_replica_sets(d, lookup)
    selector = selector_string(g(d, "spec", "selector"))
    spec: Mapping[str, Any] = d.get("spec") or {}
    status: Mapping[str, Any] = d.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(d, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(d, 'metadata', 'namespace', default='')}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(g(d, 'metadata', 'creationTimestamp'))}\n")
        print_labels_multiline(w, "Labels", g(d, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(d, "metadata", "annotations"))
        w.write(LEVEL_0, f"Selector:\t{selector}\n")
        w.write(
            LEVEL_0,
            f"Replicas:\t{_replicas(d)} desired | {int(status.get('updatedReplicas') or 0)} updated | "
            f"{int(status.get('replicas') or 0)} total | {int(status.get('availableReplicas') or 0)} available | "
            f"{int(status.get('unavailableReplicas') or 0)} unavailable\n",
        )
        w.write(LEVEL_0, f"StrategyType:\t{g(spec, 'strategy', 'type', default='')}\n")
        w.write(LEVEL_0, f"MinReadySeconds:\t{int(spec.get('minReadySeconds') or 0)}\n")
        rolling = g(spec, "strategy", "rollingUpdate")
        if rolling is not None:
            w.write(
                LEVEL_0,
                f"RollingUpdateStrategy:\t{_int_or_string(rolling.get('maxUnavailable'))} max unavailable, "
                f"{_int_or_string(rolling.get('maxSurge'))} max surge\n",
            )
        describe_pod_template(spec.get("template") or {}, w, now_ms)
        _conditions_type_status_reason(status.get("conditions"), w)
        if old or new:
            w.write(LEVEL_0, f"OldReplicaSets:\t{_replica_sets_by_labels(old)}\n")
            w.write(LEVEL_0, f"NewReplicaSet:\t{_replica_sets_by_labels(new)}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_replica_set(rs: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    selector = selector_string(g(rs, "spec", "selector"))
    namespace = str(g(rs, "metadata", "namespace", default=""))
    pods_error: str | None = None
    counts = (0, 0, 0, 0)
    try:
        counts = pod_status_for_controller(lookup, namespace, selector, str(g(rs, "metadata", "uid", default="")))
    except ApiError as err:
        pods_error = err.message
    events = search_events_for(lookup, rs)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(rs, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{namespace}\n")
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(g(rs, 'spec', 'selector'))}\n")
        print_labels_multiline(w, "Labels", g(rs, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(rs, "metadata", "annotations"))
        controlled_by = print_controller(rs)
        if controlled_by:
            w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
        w.write(LEVEL_0, f"Replicas:\t{int(g(rs, 'status', 'replicas', default=0))} current / {_replicas(rs)} desired\n")
        w.write(LEVEL_0, "Pods Status:\t")
        if pods_error is not None:
            w.write(LEVEL_0, f"error in fetching pods: {pods_error}\n")
        else:
            w.write(LEVEL_0, _pod_counts(counts))
        describe_pod_template(g(rs, "spec", "template", default={}), w, now_ms)
        _conditions_type_status_reason(g(rs, "status", "conditions"), w)
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_replication_controller(rc: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    namespace = str(g(rc, "metadata", "namespace", default=""))
    counts = pod_status_for_controller(
        lookup, namespace, selector_from_set(g(rc, "spec", "selector")), str(g(rc, "metadata", "uid", default=""))
    )
    events = search_events_for(lookup, rc)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(rc, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{namespace}\n")
        w.write(LEVEL_0, f"Selector:\t{format_labels(g(rc, 'spec', 'selector'))}\n")
        print_labels_multiline(w, "Labels", g(rc, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(rc, "metadata", "annotations"))
        w.write(LEVEL_0, f"Replicas:\t{int(g(rc, 'status', 'replicas', default=0))} current / {_replicas(rc)} desired\n")
        w.write(LEVEL_0, _pods_status(counts))
        describe_pod_template(g(rc, "spec", "template"), w, now_ms)
        _conditions_type_status_reason(g(rc, "status", "conditions"), w)
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_daemon_set(ds: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    namespace = str(g(ds, "metadata", "namespace", default=""))
    selector = selector_string(g(ds, "spec", "selector"))
    counts = pod_status_for_controller(lookup, namespace, selector, str(g(ds, "metadata", "uid", default="")))
    events = search_events_for(lookup, ds)
    status: Mapping[str, Any] = ds.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(ds, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{namespace}\n")
        w.write(LEVEL_0, f"Selector:\t{selector}\n")
        w.write(LEVEL_0, f"Node-Selector:\t{format_labels(g(ds, 'spec', 'template', 'spec', 'nodeSelector'))}\n")
        print_labels_multiline(w, "Labels", g(ds, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(ds, "metadata", "annotations"))
        for label, key in (
            ("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
            ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
            ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
            ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
            ("Number of Nodes Misscheduled", "numberMisscheduled"),
        ):
            w.write(LEVEL_0, f"{label}: {int(status.get(key) or 0)}\n")
        w.write(LEVEL_0, _pods_status(counts))
        describe_pod_template(g(ds, "spec", "template", default={}), w, now_ms)
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def _volume_claim_templates(templates: list[Mapping[str, Any]] | None, w: PrefixWriter) -> None:
    if not templates:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for pvc in templates:
        w.write(LEVEL_1, f"Name:\t{g(pvc, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_1, f"StorageClass:\t{pvc_class(pvc)}\n")
        print_labels_multiline_with_indent(w, "  ", "Labels", "\t", g(pvc, "metadata", "labels"))
        print_labels_multiline_with_indent(w, "  ", "Annotations", "\t", g(pvc, "metadata", "annotations"))
        storage = g(pvc, "spec", "resources", "requests", "storage")
        capacity = parse_or_zero(storage).string() if storage is not None else "<default>"
        w.write(LEVEL_1, f"Capacity:\t{capacity}\n")
        w.write(LEVEL_1, f"Access Modes:\t{go_v(list(g(pvc, 'spec', 'accessModes', default=[])))}\n")


def describe_stateful_set(sts: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    namespace = str(g(sts, "metadata", "namespace", default=""))
    selector = selector_string(g(sts, "spec", "selector"))
    counts = pod_status_for_controller(lookup, namespace, selector, str(g(sts, "metadata", "uid", default="")))
    events = search_events_for(lookup, sts)
    spec: Mapping[str, Any] = sts.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(sts, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{namespace}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(g(sts, 'metadata', 'creationTimestamp'))}\n")
        w.write(LEVEL_0, f"Selector:\t{selector}\n")
        print_labels_multiline(w, "Labels", g(sts, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(sts, "metadata", "annotations"))
        w.write(LEVEL_0, f"Replicas:\t{_replicas(sts)} desired | {int(g(sts, 'status', 'replicas', default=0))} total\n")
        w.write(LEVEL_0, f"Update Strategy:\t{g(spec, 'updateStrategy', 'type', default='')}\n")
        rolling = g(spec, "updateStrategy", "rollingUpdate")
        if rolling is not None and rolling.get("partition") is not None:
            w.write(LEVEL_1, f"Partition:\t{int(rolling['partition'])}\n")
            if rolling.get("maxUnavailable") is not None:
                w.write(LEVEL_1, f"MaxUnavailable:\t{rolling['maxUnavailable']}\n")
        w.write(LEVEL_0, _pods_status(counts))
        describe_pod_template(spec.get("template") or {}, w, now_ms)
        _volume_claim_templates(spec.get("volumeClaimTemplates"), w)
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def _cap_indexes(indexes: str, soft_limit: int) -> str:
    if not indexes:
        return "<none>"
    ix = soft_limit
    while ix < len(indexes) and indexes[ix] != ",":
        ix += 1
    if ix >= len(indexes):
        return indexes
    return indexes[: ix + 1] + "..."


def _selector_line(selector: Mapping[str, Any] | None) -> str:
    try:
        return f"Selector:\t{selector_string(selector)}\n"
    except SelectorError as err:
        return f"Selector:\tFailed to get selector: {err}\n"


def describe_job(job: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, job)
    spec: Mapping[str, Any] = job.get("spec") or {}
    status: Mapping[str, Any] = job.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(job, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(job, 'metadata', 'namespace', default='')}\n")
        w.write(LEVEL_0, _selector_line(spec.get("selector")))
        print_labels_multiline(w, "Labels", g(job, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(job, "metadata", "annotations"))
        controlled_by = print_controller(job)
        if controlled_by:
            w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
        if spec.get("parallelism") is not None:
            w.write(LEVEL_0, f"Parallelism:\t{int(spec['parallelism'])}\n")
        completions = spec.get("completions")
        w.write(LEVEL_0, f"Completions:\t{'<unset>' if completions is None else int(completions)}\n")
        if spec.get("completionMode") is not None:
            w.write(LEVEL_0, f"Completion Mode:\t{spec['completionMode']}\n")
        if spec.get("suspend") is not None:
            w.write(LEVEL_0, f"Suspend:\t{go_v(bool(spec['suspend']))}\n")
        if spec.get("backoffLimit") is not None:
            w.write(LEVEL_0, f"Backoff Limit:\t{int(spec['backoffLimit'])}\n")
        if spec.get("ttlSecondsAfterFinished") is not None:
            w.write(LEVEL_0, f"TTL Seconds After Finished:\t{int(spec['ttlSecondsAfterFinished'])}\n")
        start, done = status.get("startTime"), status.get("completionTime")
        if start is not None:
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(start)}\n")
        if done is not None:
            w.write(LEVEL_0, f"Completed At:\t{rfc1123z(done)}\n")
        if start is not None and done is not None:
            elapsed = (since_ms(start, 0) or 0) - (since_ms(done, 0) or 0)
            w.write(LEVEL_0, f"Duration:\t{human_duration(elapsed)}\n")
        if spec.get("activeDeadlineSeconds") is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{int(spec['activeDeadlineSeconds'])}s\n")
        active, succeeded, failed = (int(status.get(k) or 0) for k in ("active", "succeeded", "failed"))
        if status.get("ready") is None:
            w.write(LEVEL_0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
        else:
            w.write(
                LEVEL_0,
                f"Pods Statuses:\t{active} Active ({int(status['ready'])} Ready) / {succeeded} Succeeded / {failed} Failed\n",
            )
        if spec.get("completionMode") == "Indexed":
            w.write(LEVEL_0, f"Completed Indexes:\t{_cap_indexes(str(status.get('completedIndexes') or ''), 50)}\n")
        describe_pod_template(spec.get("template") or {}, w, now_ms)
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def _job_template(template: Mapping[str, Any], w: PrefixWriter, now_ms: int) -> None:
    spec: Mapping[str, Any] = template.get("spec") or {}
    if spec.get("selector") is not None:
        w.write(LEVEL_0, _selector_line(spec["selector"]))
    else:
        w.write(LEVEL_0, "Selector:\t<unset>\n")
    for label, key in (("Parallelism", "parallelism"), ("Completions", "completions")):
        value = spec.get(key)
        w.write(LEVEL_0, f"{label}:\t{'<unset>' if value is None else int(value)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Active Deadline Seconds:\t{int(spec['activeDeadlineSeconds'])}s\n")
    describe_pod_template(spec.get("template") or {}, w, now_ms)


def describe_cron_job(cj: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, cj)
    spec: Mapping[str, Any] = cj.get("spec") or {}

    def optional(value: Any, suffix: str = "") -> str:
        return "<unset>" if value is None else f"{int(value)}{suffix}"

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(cj, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(cj, 'metadata', 'namespace', default='')}\n")
        print_labels_multiline(w, "Labels", g(cj, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(cj, "metadata", "annotations"))
        w.write(LEVEL_0, f"Schedule:\t{spec.get('schedule') or ''}\n")
        w.write(LEVEL_0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy') or ''}\n")
        w.write(LEVEL_0, f"Suspend:\t{print_bool_ptr(spec.get('suspend'))}\n")
        w.write(LEVEL_0, f"Time Zone:\t{'<unset>' if spec.get('timeZone') is None else spec['timeZone']}\n")
        w.write(LEVEL_0, f"Successful Job History Limit:\t{optional(spec.get('successfulJobsHistoryLimit'))}\n")
        w.write(LEVEL_0, f"Failed Job History Limit:\t{optional(spec.get('failedJobsHistoryLimit'))}\n")
        w.write(LEVEL_0, f"Starting Deadline Seconds:\t{optional(spec.get('startingDeadlineSeconds'), 's')}\n")
        _job_template(spec.get("jobTemplate") or {}, w, now_ms)
        last = g(cj, "status", "lastScheduleTime")
        w.write(LEVEL_0, f"Last Schedule Time:\t{'<unset>' if last is None else rfc1123z(last)}\n")
        w.write(LEVEL_0, "Active Jobs:\t")
        active = g(cj, "status", "active", default=[])
        if not active:
            w.write_line("<none>")
        else:
            w.write(LEVEL_0, ", ".join(str(job.get("name", "")) for job in active))
            w.write_line("")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def safe_pods(lookup: Lookup, namespace: str) -> list[Obj]:
    return safe_list(lookup, "pods", "", namespace)
