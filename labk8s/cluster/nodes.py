"""The shape of a cluster's machines (what `Cluster(nodes=...)` and `add_node` accept); each machine's
kubelet registers its Node object from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

#: Default worker node shape (DESIGN.md).
DEFAULT_CPU = "4"
DEFAULT_MEMORY = "16Gi"
DEFAULT_PODS = 110


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


#: The node network (kind's docker network 172.18.0.0/16): .1 is the gateway, hosts .2 onwards.
NODE_NETWORK_HOSTS = 254 * 256 - 2


def node_ip(index: int) -> str:
    """Nodes sit on 172.18.0.0/16 as in a kind cluster: control-plane .2, node-1 .3, ..., then 172.18.1.0
    onwards (254 addresses per third octet), unique for the first 65,022 machines."""
    if not 0 <= index < NODE_NETWORK_HOSTS:
        raise ValueError(f"the node network 172.18.0.0/16 holds {NODE_NETWORK_HOSTS} machines; "
                         f"machine number {index + 1} does not fit")
    host = index + 2
    return f"172.18.{host // 254}.{host % 254}" if host >= 254 else f"172.18.0.{host}"
