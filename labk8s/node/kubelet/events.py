"""Kubelet event reasons (pkg/kubelet/events/event.go) and the exact messages the kubelet writes.

Messages follow the current upstream sources (v1.35+): ``Container created`` / ``Container started``
(the container name moved out of the text into involvedObject.fieldPath, which kubectl describe prints
as ``spec.containers{nginx}: ...``), ``already present on machine and can be accessed by the pod``
(KubeletEnsureSecretPulledImages), the image back-off message carrying the previous pull error.
"""

from __future__ import annotations

from typing import Any

from labk8s.client.record import EventRecorder, object_reference

Obj = dict[str, Any]

NORMAL = "Normal"
WARNING = "Warning"

# -- container event reasons ----------------------------------------------------------------------------
CREATED_CONTAINER = "Created"
STARTED_CONTAINER = "Started"
FAILED_TO_CREATE_CONTAINER = "Failed"
FAILED_TO_START_CONTAINER = "Failed"
KILLING_CONTAINER = "Killing"
BACKOFF_START_CONTAINER = "BackOff"
EXCEEDED_GRACE_PERIOD = "ExceededGracePeriod"
# -- image event reasons ---------------------------------------------------------------------------------
PULLING_IMAGE = "Pulling"
PULLED_IMAGE = "Pulled"
FAILED_TO_PULL_IMAGE = "Failed"
FAILED_TO_INSPECT_IMAGE = "InspectFailed"
ERR_IMAGE_NEVER_PULL_POLICY = "ErrImageNeverPull"
BACKOFF_PULL_IMAGE = "BackOff"
# -- pod / sandbox event reasons -------------------------------------------------------------------------
FAILED_CREATE_POD_SANDBOX = "FailedCreatePodSandBox"
FAILED_STATUS_POD_SANDBOX = "FailedPodSandBoxStatus"
SANDBOX_CHANGED = "SandboxChanged"
FAILED_SYNC = "FailedSync"
FAILED_MOUNT = "FailedMount"
NETWORK_NOT_READY = "NetworkNotReady"
# -- probe and hook event reasons ------------------------------------------------------------------------
CONTAINER_UNHEALTHY = "Unhealthy"
CONTAINER_PROBE_WARNING = "ProbeWarning"
FAILED_POST_START_HOOK = "FailedPostStartHook"
FAILED_PRE_STOP_HOOK = "FailedPreStopHook"
# -- node event reasons ----------------------------------------------------------------------------------
STARTING_KUBELET = "Starting"
NODE_READY = "NodeReady"
NODE_NOT_READY = "NodeNotReady"
NODE_SCHEDULABLE = "NodeSchedulable"
NODE_NOT_SCHEDULABLE = "NodeNotSchedulable"
NODE_ALLOCATABLE_ENFORCED = "NodeAllocatableEnforced"
NODE_HAS_SUFFICIENT_MEMORY = "NodeHasSufficientMemory"
NODE_HAS_INSUFFICIENT_MEMORY = "NodeHasInsufficientMemory"
NODE_HAS_NO_DISK_PRESSURE = "NodeHasNoDiskPressure"
NODE_HAS_DISK_PRESSURE = "NodeHasDiskPressure"
NODE_HAS_SUFFICIENT_PID = "NodeHasSufficientPID"
NODE_HAS_INSUFFICIENT_PID = "NodeHasInsufficientPID"


# -- message builders ------------------------------------------------------------------------------------
def go_duration(ms: int) -> str:
    """Go's time.Duration.String() for a whole number of milliseconds: 523ms, 5.2s, 1m2.5s, 5m0s."""
    if ms == 0:
        return "0s"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    if ms < 1000:
        return f"{sign}{ms}ms"
    hours, rem = divmod(ms, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    secs, frac = divmod(rem, 1000)
    sec = str(secs) + ("." + f"{frac:03d}".rstrip("0") if frac else "")
    if hours:
        return f"{sign}{hours}h{minutes}m{sec}s"
    if minutes:
        return f"{sign}{minutes}m{sec}s"
    return f"{sign}{sec}s"


def go_quote(text: str) -> str:
    """Go's %q for the image names and commands in messages (printable ASCII needs only \\ and " escaped)."""
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_string_list(items: list[str]) -> str:
    """Go's %s of a []string: ``[a b c]``."""
    return "[" + " ".join(items) + "]"


def format_pod(pod: Obj) -> str:
    """format.Pod: ``name_namespace(uid)``."""
    meta = pod["metadata"]
    return f"{meta['name']}_{meta.get('namespace', '')}({meta.get('uid', '')})"


def pulling_message(image: str) -> str:
    return f"Pulling image {go_quote(image)}"


def pulled_message(image: str, pull_ms: int, total_ms: int, size: int) -> str:
    return (f"Successfully pulled image {go_quote(image)} in {go_duration(pull_ms)} "
            f"({go_duration(total_ms)} including waiting). Image size: {size} bytes.")


def already_present_message(image: str) -> str:
    return f"Container image {go_quote(image)} already present on machine and can be accessed by the pod"


def never_pull_message(image: str) -> str:
    return f"Container image {go_quote(image)} is not present with pull policy of Never"


def failed_pull_message(image: str, err: str) -> str:
    return f"Failed to pull image {go_quote(image)}: {err}"


def backoff_pull_message(image: str) -> str:
    return f"Back-off pulling image {go_quote(image)}"


def backoff_restart_message(container: str, pod: Obj) -> str:
    return f"Back-off restarting failed container {container} in pod {format_pod(pod)}"


def crashloop_waiting_message(backoff_ms: int, container: str, pod: Obj) -> str:
    return f"back-off {go_duration(backoff_ms)} restarting failed container={container} pod={format_pod(pod)}"


def stopping_message(container: str) -> str:
    return f"Stopping container {container}"


def node_status_message(node: str, event: str) -> str:
    return f"Node {node} status is now: {event}"


# -- the recorder ----------------------------------------------------------------------------------------
def container_field_path(pod: Obj, name: str) -> str:
    """GenerateContainerRef's fieldPath: spec.containers{x}, spec.initContainers{x}, ..."""
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers", "ephemeralContainers"):
        if any(c.get("name") == name for c in spec.get(key) or []):
            return f"spec.{key}{{{name}}}"
    return f"spec.containers{{{name}}}"


class KubeletRecorder:
    """record.EventRecorder with source {component: kubelet, host: <node>}."""

    def __init__(self, recorder: EventRecorder, node_name: str) -> None:
        self._recorder = recorder
        self.node_name = node_name
        #: Disabled while the node is powered off (the kubelet is not running).
        self.enabled = True

    def pod(self, pod: Obj, type_: str, reason: str, message: str) -> None:
        if self.enabled:
            self._recorder.event(pod, type_, reason, message)

    def container(self, pod: Obj, container: str, type_: str, reason: str, message: str) -> None:
        if self.enabled:
            self._recorder.record(object_reference(pod, container_field_path(pod, container)), type_, reason,
                                  message)

    def node(self, type_: str, reason: str, message: str) -> None:
        """Node events reference the node by name with UID = name (kubelet nodeRef)."""
        if self.enabled:
            ref = {"kind": "Node", "name": self.node_name, "uid": self.node_name}
            self._recorder.record(ref, type_, reason, message)
