"""``kubectl describe pod`` (describePod) and the pod template section (DescribePodTemplate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe._resources import pod_qos
from labk8s.kubectl.describe._selectors import format_label_selector
from labk8s.kubectl.describe._timefmt import rfc1123z, translate_timestamp_since
from labk8s.kubectl.describe.common import (
    Lookup,
    g,
    print_annotations_multiline,
    print_controller,
    print_labels_multiline,
    print_tolerations_multiline,
)
from labk8s.kubectl.describe.containers import describe_containers, describe_resources, env_value_retriever
from labk8s.kubectl.describe.events import describe_events, search_events
from labk8s.kubectl.describe.volumes import describe_volumes
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed_string

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


def describe_topology_spread_constraints(
    constraints: list[Mapping[str, Any]] | None, w: PrefixWriter, space: str
) -> None:
    if not constraints:
        return
    ordered = list(constraints)
    go_sort(ordered, lambda a, b: str(a.get("topologyKey", "")) < str(b.get("topologyKey", "")))
    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(ordered):
        if i != 0:
            w.write(LEVEL_0, space)
            w.write(LEVEL_0, "\t")
        text = (
            f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')}"
            f" when max skew {int(tsc.get('maxSkew') or 0)} is exceeded"
        )
        if tsc.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(tsc['labelSelector'])}"
        w.write(LEVEL_0, text + "\n")


def _scheduling_group(group: Mapping[str, Any], w: PrefixWriter, space: str) -> None:
    w.write(LEVEL_0, f"{space}SchedulingGroup:\n")
    w.write(LEVEL_1, f"PodGroupName:\t{group.get('podGroupName') or ''}\n")


def _pod_ips(pod: Mapping[str, Any], w: PrefixWriter) -> None:
    ips = g(pod, "status", "podIPs", default=[])
    if not ips:
        w.write(LEVEL_0, "IPs:\t<none>\n")
        return
    w.write(LEVEL_0, "IPs:\n")
    for info in ips:
        w.write(LEVEL_1, f"IP:\t{info.get('ip', '')}\n")


def write_pod(pod: Mapping[str, Any], events: Sequence[Mapping[str, Any]] | None, now_ms: int) -> str:
    """describePod."""
    spec: Mapping[str, Any] = pod.get("spec") or {}
    status: Mapping[str, Any] = pod.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(pod, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(pod, 'metadata', 'namespace', default='')}\n")
        if spec.get("priority") is not None:
            w.write(LEVEL_0, f"Priority:\t{int(spec['priority'])}\n")
        if spec.get("priorityClassName"):
            w.write(LEVEL_0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
        if spec.get("runtimeClassName"):
            w.write(LEVEL_0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
        if spec.get("serviceAccountName"):
            w.write(LEVEL_0, f"Service Account:\t{spec['serviceAccountName']}\n")
        if not spec.get("nodeName"):
            w.write(LEVEL_0, "Node:\t<none>\n")
        else:
            w.write(LEVEL_0, f"Node:\t{spec['nodeName']}/{status.get('hostIP') or ''}\n")
        if status.get("startTime") is not None:
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
        print_labels_multiline(w, "Labels", g(pod, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(pod, "metadata", "annotations"))
        deletion = g(pod, "metadata", "deletionTimestamp")
        phase = status.get("phase") or ""
        if deletion is not None and phase not in ("Failed", "Succeeded"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {translate_timestamp_since(deletion, now_ms)})\n")
            grace = int(g(pod, "metadata", "deletionGracePeriodSeconds", default=0))
            w.write(LEVEL_0, f"Termination Grace Period:\t{grace}s\n")
        else:
            w.write(LEVEL_0, f"Status:\t{phase}\n")
        if status.get("reason"):
            w.write(LEVEL_0, f"Reason:\t{status['reason']}\n")
        if status.get("message"):
            w.write(LEVEL_0, f"Message:\t{status['message']}\n")
        seccomp = g(spec, "securityContext", "seccompProfile")
        if seccomp is not None:
            w.write(LEVEL_0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.write(LEVEL_0, f"LocalhostProfile:\t{seccomp.get('localhostProfile') or ''}\n")
        w.write(LEVEL_0, f"IP:\t{status.get('podIP') or ''}\n")
        _pod_ips(pod, w)
        controlled_by = print_controller(pod)
        if controlled_by:
            w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
        if status.get("nominatedNodeName"):
            w.write(LEVEL_0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
        if spec.get("resources") is not None:
            w.write(LEVEL_0, "Resources:\n")
            describe_resources(spec["resources"], w, LEVEL_1)
        resolver = env_value_retriever(pod)
        if spec.get("initContainers"):
            describe_containers(
                "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), resolver, w, ""
            )
        describe_containers("Containers", spec.get("containers"), status.get("containerStatuses"), resolver, w, "")
        if spec.get("ephemeralContainers"):
            describe_containers(
                "Ephemeral Containers",
                spec["ephemeralContainers"],
                status.get("ephemeralContainerStatuses"),
                resolver,
                w,
                "",
            )
        conditions = status.get("conditions") or []
        if spec.get("readinessGates"):
            w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
            for gate in spec["readinessGates"]:
                gate_status = "<none>"
                for cond in conditions:
                    if cond.get("type") == gate.get("conditionType"):
                        gate_status = str(cond.get("status", ""))
                        break
                w.write(LEVEL_1, f"{gate.get('conditionType', '')} \t{gate_status} \n")
        if conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
            for cond in conditions:
                w.write(LEVEL_1, f"{cond.get('type', '')} \t{cond.get('status', '')} \n")
        describe_volumes(spec.get("volumes"), w, "", now_ms)
        w.write(LEVEL_0, f"QoS Class:\t{pod_qos(pod)}\n")
        print_labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
        print_tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
        describe_topology_spread_constraints(spec.get("topologySpreadConstraints"), w, "")
        if spec.get("schedulingGroup") is not None:
            _scheduling_group(spec["schedulingGroup"], w, "")
        if events is not None:
            describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_pod(pod: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    """PodDescriber: events are searched without a kind, by the mirror UID for static pods."""
    annotations = g(pod, "metadata", "annotations", default={})
    uid = annotations.get(MIRROR_POD_ANNOTATION) or g(pod, "metadata", "uid", default="")
    events = search_events(
        lookup, str(g(pod, "metadata", "name", default="")), str(g(pod, "metadata", "namespace", default="")), None, uid
    )
    return write_pod(pod, events, now_ms)


def describe_pod_template(template: Mapping[str, Any] | None, w: PrefixWriter, now_ms: int) -> None:
    """DescribePodTemplate (``Pod Template:`` of the workload describers)."""
    w.write(LEVEL_0, "Pod Template:\n")
    if template is None:
        w.write(LEVEL_1, "<unset>")
        return
    spec: Mapping[str, Any] = template.get("spec") or {}
    print_labels_multiline(w, "  Labels", g(template, "metadata", "labels"))
    annotations = g(template, "metadata", "annotations")
    if annotations:
        print_annotations_multiline(w, "  Annotations", annotations)
    if spec.get("serviceAccountName"):
        w.write(LEVEL_1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers("Init Containers", spec["initContainers"], None, None, w, "  ")
    describe_containers("Containers", spec.get("containers"), None, None, w, "  ")
    describe_volumes(spec.get("volumes"), w, "  ", now_ms)
    describe_topology_spread_constraints(spec.get("topologySpreadConstraints"), w, "  ")
    if spec.get("priorityClassName"):
        w.write(LEVEL_1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))
    if spec.get("schedulingGroup") is not None:
        _scheduling_group(spec["schedulingGroup"], w, "  ")
