"""Colours shared by the drawings and the HTML views (phases and statuses in kube-ops-view's spirit)."""

from __future__ import annotations

#: Pod phases.
PHASE_COLORS = {
    "Pending": "#f0ad4e",
    "Running": "#5cb85c",
    "Succeeded": "#5bc0de",
    "Failed": "#d9534f",
    "Unknown": "#999999",
}

#: kubectl STATUS texts that are not phases (container states and reasons), by what they mean.
_STATUS_COLORS = {
    "ContainerCreating": "#f7d08a",
    "PodInitializing": "#f7d08a",
    "Terminating": "#9b59b6",
    "Completed": "#5bc0de",
    "CrashLoopBackOff": "#c9302c",
    "Error": "#d9534f",
    "OOMKilled": "#d9534f",
    "ErrImagePull": "#e67e22",
    "ImagePullBackOff": "#e67e22",
    "Evicted": "#7f8c8d",
    "NodeLost": "#7f8c8d",
    "Ready": "#5cb85c",
    "NotReady": "#d9534f",
}

#: Roles of graph nodes.
ROLE_COLORS = {
    "component": "#326ce5",  # the Kubernetes blue
    "apiserver": "#326ce5",
    "store": "#419eda",
    "client": "#8fb3f0",
    "node": "#dfe7f5",
    "pod": "#5cb85c",
}

#: Kinds in ownership and Service graphs.
KIND_COLORS = {
    "Deployment": "#326ce5",
    "StatefulSet": "#326ce5",
    "DaemonSet": "#326ce5",
    "CronJob": "#326ce5",
    "ReplicaSet": "#8fb3f0",
    "Job": "#8fb3f0",
    "ControllerRevision": "#c8d6f0",
    "Service": "#9b59b6",
    "EndpointSlice": "#c39bd3",
}


def phase_color(phase: str) -> str:
    return PHASE_COLORS.get(phase, PHASE_COLORS["Unknown"])


def status_color(status: str) -> str:
    """The colour of a kubectl STATUS text ("Running", "Init:0/1", "CrashLoopBackOff", "Ready,SchedulingDisabled")."""
    if status in PHASE_COLORS:
        return PHASE_COLORS[status]
    head = status.split(",", 1)[0]
    if head in _STATUS_COLORS:
        return _STATUS_COLORS[head]
    if status.startswith("Init:"):
        return _STATUS_COLORS["PodInitializing"]
    return PHASE_COLORS["Unknown"]
