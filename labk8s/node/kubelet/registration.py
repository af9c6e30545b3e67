"""Node registration and the node status setters (pkg/kubelet/kubelet_node_status.go, nodestatus/setters.go).

:func:`initial_node` is initialNode: labels, taints, the controller-managed-attach-detach annotation and a
status filled by :func:`set_node_status` (setNodeStatus with the default setters in upstream order:
addresses, machine info (capacity and allocatable), version info, daemon endpoints, images, then the
MemoryPressure, DiskPressure, PIDPressure and Ready conditions). The condition setters call ``record``
with the node event reason when a condition changes, as the upstream setters do.

:func:`register` is registerWithAPIServer: create the Node, or, when it exists (a restarted kubelet),
reconcile the default labels and annotations of the existing object and keep its UID.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from labk8s._sim import format_rfc3339
from labk8s.api.quantity import Quantity
from labk8s.client.client import Client
from labk8s.errors import ApiError
from labk8s.node.kubelet import events as ev
from labk8s.node.kubelet.config import (
    ARCHITECTURE,
    KERNEL_VERSION,
    KUBELET_PORT,
    OPERATING_SYSTEM,
    OS_IMAGE,
    KubeletConfig,
)

Obj = dict[str, Any]
Record = Callable[[str, str], None]

#: maxImagesInNodeStatus (nodeStatusMaxImages default) and MaxNamesPerImageInNodeStatus.
MAX_IMAGES_IN_NODE_STATUS = 50
MAX_NAMES_PER_IMAGE_IN_NODE_STATUS = 5
CMAD_ANNOTATION = "volumes.kubernetes.io/controller-managed-attach-detach"
#: Labels the kubelet owns and reconciles on an existing Node (updateDefaultLabels).
DEFAULT_LABELS = ("kubernetes.io/hostname", "kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os",
                  "beta.kubernetes.io/arch", "topology.kubernetes.io/zone")


def capacity(config: KubeletConfig) -> Obj:
    """MachineInfo: the node's capacity (cAdvisor's numbers are the configured ones here)."""
    return {
        "cpu": str(Quantity(config.cpu)),
        "ephemeral-storage": str(Quantity(config.ephemeral_storage)),
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": str(Quantity(config.memory)),
        "pods": str(config.pods),
    }


def allocatable(config: KubeletConfig) -> Obj:
    """allocatable = capacity - (kubeReserved + systemReserved + evictionHard), never below zero."""
    out = {}
    for name, value in capacity(config).items():
        reserved = config.reserved.get(name)
        if reserved is None:
            out[name] = value
            continue
        left = Quantity(value) - Quantity(reserved)
        out[name] = str(left if left.sign() >= 0 else Quantity(0))
    return out


def _is_extended_resource_name(name: str) -> bool:
    """v1helper.IsExtendedResourceName: a qualified name outside the kubernetes.io domains."""
    return "/" in name and "kubernetes.io/" not in name and not name.startswith("requests.")


def _set_machine_info(status: Obj, config: KubeletConfig) -> None:
    """The MachineInfo setter. It sets the kubelet's own resources in the existing capacity, keeping what
    others advertised there (extended resources PATCHed onto the node status, as in the docs' "Advertise
    Extended Resources for a Node"), then derives allocatable from every capacity entry, dropping extended
    resources that left capacity."""
    cap = dict(status.get("capacity") or {})
    cap.update(capacity(config))
    alloc = {k: v for k, v in (status.get("allocatable") or {}).items()
             if k in cap or not _is_extended_resource_name(k)}
    own = allocatable(config)
    for name, value in cap.items():
        alloc[name] = own.get(name, value)
    status["capacity"] = cap
    status["allocatable"] = alloc


def node_images(images: list[Any]) -> list[Obj]:
    """The Images setter: largest first (ID descending on ties), at most 50, each with <= 5 names."""
    ordered = sorted(images, key=lambda i: (-int(i.size), _neg_text(str(i.id))))
    out = []
    for image in ordered[:MAX_IMAGES_IN_NODE_STATUS]:
        names = list(image.repo_digests) + list(image.repo_tags)
        out.append({"names": names[:MAX_NAMES_PER_IMAGE_IN_NODE_STATUS], "sizeBytes": int(image.size)})
    return out


def _neg_text(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def _pressure(node: Obj, type_: str, now: str, record: Record, reason: str, message: str, event: str) -> None:
    conditions: list[Obj] = node["status"].setdefault("conditions", [])
    cond = next((c for c in conditions if c.get("type") == type_), None)
    if cond is None:
        cond = {"type": type_, "status": "Unknown"}
        conditions.append(cond)
    cond["lastHeartbeatTime"] = now
    if cond.get("status") != "False":
        cond.update({"status": "False", "reason": reason, "message": message, "lastTransitionTime": now})
        record(ev.NORMAL, event)


def _ready(node: Obj, now: str, record: Record, errors: list[str]) -> None:
    conditions: list[Obj] = node["status"].setdefault("conditions", [])
    new: Obj = {"type": "Ready", "status": "True", "reason": "KubeletReady",
                "message": "kubelet is posting ready status", "lastHeartbeatTime": now}
    if errors:
        new = {"type": "Ready", "status": "False", "reason": "KubeletNotReady", "message": ", ".join(errors),
               "lastHeartbeatTime": now}
    for i, cond in enumerate(conditions):
        if cond.get("type") == "Ready":
            changed = cond.get("status") != new["status"]
            new["lastTransitionTime"] = now if changed else cond.get("lastTransitionTime", now)
            conditions[i] = new
            if changed:
                record(ev.NORMAL, ev.NODE_READY if new["status"] == "True" else ev.NODE_NOT_READY)
            return
    new["lastTransitionTime"] = now
    conditions.append(new)


def set_node_status(node: Obj, config: KubeletConfig, now_ms: int, images: list[Any], ids: Obj,
                    record: Record, runtime_errors: list[str] | None = None) -> None:
    """setNodeStatus: apply the default setters to ``node`` in place."""
    status = node.setdefault("status", {})
    now = format_rfc3339(now_ms)
    status["addresses"] = [{"address": config.node_ip, "type": "InternalIP"},
                           {"address": config.node_name, "type": "Hostname"}]
    _set_machine_info(status, config)
    status["nodeInfo"] = {
        "architecture": ARCHITECTURE, "bootID": ids.get("bootID", ""),
        "containerRuntimeVersion": config.container_runtime_version, "kernelVersion": KERNEL_VERSION,
        "kubeProxyVersion": "", "kubeletVersion": config.kubelet_version, "machineID": ids.get("machineID", ""),
        "operatingSystem": OPERATING_SYSTEM, "osImage": OS_IMAGE, "systemUUID": ids.get("systemUUID", ""),
    }
    status["daemonEndpoints"] = {"kubeletEndpoint": {"Port": KUBELET_PORT}}
    listed = node_images(images)
    if listed:
        status["images"] = listed
    else:
        status.pop("images", None)
    _pressure(node, "MemoryPressure", now, record, "KubeletHasSufficientMemory",
              "kubelet has sufficient memory available", ev.NODE_HAS_SUFFICIENT_MEMORY)
    _pressure(node, "DiskPressure", now, record, "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
              ev.NODE_HAS_NO_DISK_PRESSURE)
    _pressure(node, "PIDPressure", now, record, "KubeletHasSufficientPID", "kubelet has sufficient PID available",
              ev.NODE_HAS_SUFFICIENT_PID)
    _ready(node, now, record, runtime_errors or [])


def status_changed(old: Obj, new: Obj) -> bool:
    """nodeStatusHasChanged: any difference other than the conditions' lastHeartbeatTime."""
    def strip(status: Obj) -> Obj:
        out = copy.deepcopy(status)
        for cond in out.get("conditions") or []:
            cond.pop("lastHeartbeatTime", None)
        return out
    return strip(old) != strip(new)


def initial_node(config: KubeletConfig, now_ms: int, images: list[Any], ids: Obj, record: Record,
                 runtime_errors: list[str] | None = None) -> Obj:
    spec: Obj = {}
    if config.pod_cidr:
        spec["podCIDR"] = config.pod_cidr
        spec["podCIDRs"] = [config.pod_cidr]
    taints = config.node_taints()
    if taints:
        spec["taints"] = taints
    node: Obj = {"apiVersion": "v1", "kind": "Node",
                 "metadata": {"name": config.node_name, "labels": config.node_labels(),
                              "annotations": {CMAD_ANNOTATION: "true"}},
                 "spec": spec, "status": {}}
    set_node_status(node, config, now_ms, images, ids, record, runtime_errors)
    return node


def register(client: Client, config: KubeletConfig, now_ms: int, images: list[Any], ids: Obj,
             record: Record, runtime_errors: list[str] | None = None) -> Obj:
    """tryRegisterWithAPIServer: the Node as stored after registration."""
    rt = client.resource("", "Node")
    quiet: Record = lambda *_: None  # noqa: E731 - the initial node of an existing Node records nothing
    try:
        existing = client.get(rt, "", config.node_name)
    except ApiError as err:
        if err.reason != "NotFound":
            raise
        existing = None
    node = initial_node(config, now_ms, images, ids, record if existing is None else quiet, runtime_errors)
    if existing is None:
        try:
            return client.create(node)
        except ApiError as err:
            if err.reason != "AlreadyExists":
                raise
            existing = client.get(rt, "", config.node_name)
    updated = copy.deepcopy(existing)
    meta = updated["metadata"]
    labels = meta.setdefault("labels", {})
    for key in DEFAULT_LABELS:
        want = node["metadata"]["labels"].get(key)
        if want is not None:
            labels[key] = want
        else:
            labels.pop(key, None)
    annotations = meta.setdefault("annotations", {})
    annotations[CMAD_ANNOTATION] = "true"
    if updated == existing:
        return existing
    return client.update(updated)
