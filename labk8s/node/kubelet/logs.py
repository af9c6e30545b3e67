"""``kubectl logs``: the pods/log subresource as the API server and the kubelet answer it.

The API server picks the container (validateContainer: the only one, else ``a container name must be
specified for pod x, choose one of: [a b]``; an unknown name: ``container x is not valid for pod y``); the
kubelet maps it to a container ID from the pod status (validateContainerLogStatus: ``previous
terminated container "x" in pod "y" not found``, ``container "x" in pod "y" is waiting to start:
ContainerCreating`` ...) and reads what the runtime logged. Errors are ApiError BadRequest, as kubectl
prints them (``Error from server (BadRequest): ...``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.errors import ApiError
from labk8s.node.kubelet.events import go_quote, go_string_list
from labk8s.node.runtime.containers import CriError

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]


def validate_container(pod: Obj, container: str | None) -> str:
    spec = pod.get("spec") or {}
    name = pod["metadata"]["name"]
    containers = [c["name"] for c in spec.get("containers") or []]
    if not container:
        if len(containers) == 1:
            return containers[0]
        if not containers:
            raise ApiError.bad_request(f"a container name must be specified for pod {name}")
        every = [c["name"] for key in ("initContainers", "containers", "ephemeralContainers")
                 for c in spec.get(key) or []]
        raise ApiError.bad_request(f"a container name must be specified for pod {name}, choose one of: "
                                   f"{go_string_list(every)}")
    every = [c["name"] for key in ("initContainers", "containers", "ephemeralContainers")
             for c in spec.get(key) or []]
    if container not in every:
        raise ApiError.bad_request(f"container {container} is not valid for pod {name}")
    return container


def log_container_id(status: Obj, pod_name: str, container: str, previous: bool) -> str:
    """validateContainerLogStatus: the runtime ID whose logs to read."""
    statuses = (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []) + \
        (status.get("ephemeralContainerStatuses") or [])
    cs = next((s for s in statuses if s.get("name") == container), None)
    if cs is None:
        raise ApiError.bad_request(f"container {go_quote(container)} in pod {go_quote(pod_name)} is not available")
    last = (cs.get("lastState") or {}).get("terminated")
    state = cs.get("state") or {}
    if previous:
        if last is None or not last.get("containerID"):
            raise ApiError.bad_request(f"previous terminated container {go_quote(container)} in pod "
                                       f"{go_quote(pod_name)} not found")
        cid = str(last["containerID"])
    elif "running" in state:
        cid = str(cs.get("containerID", ""))
    elif "terminated" in state:
        cid = str(state["terminated"].get("containerID") or "")
        if not cid:
            if last is not None and last.get("containerID"):
                cid = str(last["containerID"])
            else:
                raise ApiError.bad_request(f"container {go_quote(container)} in pod {go_quote(pod_name)} is terminated")
    elif last is not None:
        if not last.get("containerID"):
            raise ApiError.bad_request(f"container {go_quote(container)} in pod {go_quote(pod_name)} is terminated")
        cid = str(last["containerID"])
    elif "waiting" in state:
        reason = state["waiting"].get("reason", "")
        what = {"ErrImagePull": "image can't be pulled",
                "ImagePullBackOff": "trying and failing to pull image"}.get(reason, reason)
        sep = ": "
        raise ApiError.bad_request(f"container {go_quote(container)} in pod {go_quote(pod_name)} is waiting to "
                                   f"start{sep}{what}")
    else:
        raise ApiError.bad_request(f"container {go_quote(container)} in pod {go_quote(pod_name)} is waiting to "
                                   "start - no logs yet")
    return cid.split("://", 1)[-1]


def container_logs(kl: Kubelet, namespace: str, pod_name: str, container: str | None = None,
                   previous: bool = False, tail: int | None = None) -> str:
    rt = kl.client.resource("", "Pod")
    pod = kl.client.get(rt, namespace, pod_name)
    name = validate_container(pod, container)
    if not (pod.get("spec") or {}).get("nodeName"):
        return ""
    uid = pod["metadata"]["uid"]
    static = kl.static_pods.by_name(namespace, pod_name)
    if static is not None:
        uid = static["metadata"]["uid"]
    status = kl.status_manager.get(uid) or pod.get("status") or {}
    cid = log_container_id(status, pod_name, name, previous)
    try:
        lines = kl.runtime.logs(cid)
    except CriError:
        raise ApiError.bad_request(f"unable to retrieve container logs for containerd://{cid}") from None
    texts = [text for _, _, text in lines]
    if tail is not None and tail >= 0:
        texts = texts[len(texts) - tail:] if tail else []
    return "".join(texts)
