"""Node objects as a kubelet registers them (pkg/kubelet/kubelet_node_status.go), for the bootstrap and
for add_node. Until the kubelet of the next layer runs, the bootstrap reports them Ready as kubeadm's
nodes are once their kubelet has posted status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labk8s._sim import format_rfc3339
from labk8s.api.quantity import Quantity

Obj = dict[str, Any]

KUBELET_VERSION = "v1.37.1"
CONTAINER_RUNTIME_VERSION = "containerd://2.2.0"
OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"
KERNEL_VERSION = "6.12.0-labk8s"
#: Default worker node shape (DESIGN.md).
DEFAULT_CPU = "4"
DEFAULT_MEMORY = "16Gi"
DEFAULT_PODS = 110
DEFAULT_EPHEMERAL_STORAGE = "100Gi"
CONTROL_PLANE_TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


@dataclass
class NodeSpec:
    name: str
    cpu: str = DEFAULT_CPU
    memory: str = DEFAULT_MEMORY
    pods: int = DEFAULT_PODS
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[Obj] = field(default_factory=list)
    zone: str | None = None
    control_plane: bool = False

    @classmethod
    def from_dict(cls, d: Obj, default_cpu: str, default_memory: str) -> NodeSpec:
        known = {"name", "cpu", "memory", "pods", "labels", "taints", "zone", "control_plane"}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown node field(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        if not d.get("name"):
            raise ValueError("a node needs a name")
        return cls(name=str(d["name"]), cpu=str(d.get("cpu", default_cpu)), memory=str(d.get("memory", default_memory)),
                   pods=int(d.get("pods", DEFAULT_PODS)), labels=dict(d.get("labels") or {}),
                   taints=list(d.get("taints") or []), zone=d.get("zone"),
                   control_plane=bool(d.get("control_plane", False)))


def node_object(spec: NodeSpec, index: int, now_ms: int) -> Obj:
    """The Node as registered: labels, taints, podCIDR, capacity, addresses and nodeInfo."""
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": "linux",
    }
    if spec.control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    if spec.zone:
        labels["topology.kubernetes.io/zone"] = spec.zone
    labels.update(spec.labels)
    taints = [dict(t) for t in spec.taints]
    if spec.control_plane and not any(t.get("key") == CONTROL_PLANE_TAINT["key"] for t in taints):
        taints.insert(0, dict(CONTROL_PLANE_TAINT))
    cidr = f"10.244.{index}.0/24"
    capacity = {
        "cpu": str(Quantity(spec.cpu)),
        "ephemeral-storage": DEFAULT_EPHEMERAL_STORAGE,
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": str(Quantity(spec.memory)),
        "pods": str(spec.pods),
    }
    stamp = format_rfc3339(now_ms)
    spec_obj: Obj = {"podCIDR": cidr, "podCIDRs": [cidr]}
    if taints:
        spec_obj["taints"] = taints
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": spec.name, "labels": labels,
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": spec_obj,
        "status": {
            "addresses": [{"address": node_ip(index), "type": "InternalIP"},
                          {"address": spec.name, "type": "Hostname"}],
            "allocatable": dict(capacity),
            "capacity": capacity,
            "conditions": _conditions(stamp),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "bootID": "", "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION,
                "kernelVersion": KERNEL_VERSION, "kubeProxyVersion": "", "kubeletVersion": KUBELET_VERSION,
                "machineID": "", "operatingSystem": "linux", "osImage": OS_IMAGE, "systemUUID": "",
            },
        },
    }


def node_ip(index: int) -> str:
    """Nodes sit on 172.18.0.0/16 as in a kind cluster: control-plane .2, node-1 .3, ..."""
    host = index + 2
    return f"172.18.{host // 254}.{host % 254}" if host >= 254 else f"172.18.0.{host}"


def _conditions(stamp: str) -> list[Obj]:
    def cond(type_: str, status: str, reason: str, message: str) -> Obj:
        return {"lastHeartbeatTime": stamp, "lastTransitionTime": stamp, "message": message, "reason": reason,
                "status": status, "type": type_}
    return [
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
