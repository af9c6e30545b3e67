"""The worker machines of a cluster: per node a container runtime (containerd with its image store, CNI
and node filesystem) and a kubelet, built from a NodeSpec as kind builds a node container.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labk8s._sim import EventLoop, Rng
from labk8s.apiserver.server import ApiServer
from labk8s.client.client import Client
from labk8s.cluster import bootstrap
from labk8s.cluster.nodes import NodeSpec, node_ip
from labk8s.node.crictl import NodeShell
from labk8s.node.images.registry import Registry
from labk8s.node.kubelet.config import KubeletConfig
from labk8s.node.kubelet.kubelet import Kubelet
from labk8s.node.runtime.cri import SANDBOX_IMAGE, ContainerRuntime, new_node_runtime

Obj = dict[str, Any]

#: Pod CIDR of the cluster (kind's default podSubnet); each node gets the /24 of its index.
CLUSTER_CIDR = "10.244.0.0/16"
MAX_NODES_IN_CIDR = 256


def pod_cidr(index: int) -> str:
    """The node's podCIDR, as the node IPAM range allocator hands them out in registration order."""
    if index >= MAX_NODES_IN_CIDR:
        raise ValueError(f"the cluster CIDR {CLUSTER_CIDR} holds {MAX_NODES_IN_CIDR} node /24 ranges; "
                         f"node number {index + 1} does not fit")
    return f"10.244.{index}.0/24"


@dataclass
class Machine:
    spec: NodeSpec
    index: int
    ip: str
    cidr: str
    runtime: ContainerRuntime
    kubelet: Kubelet
    powered: bool = True

    def shell(self) -> NodeShell:
        return NodeShell(self.runtime)


def build_machine(spec: NodeSpec, index: int, api: ApiServer, loop: EventLoop, rng: Rng,
                  registry: Registry) -> Machine:
    ip = node_ip(index)
    cidr = pod_cidr(index)
    preloaded: tuple[str, ...] = (SANDBOX_IMAGE,)
    static: list[Obj] = []
    if spec.control_plane:
        preloaded += tuple(bootstrap.IMAGES.values())
        static = [bootstrap.static_pod_manifest(component) for component in bootstrap.CONTROL_PLANE_COMPONENTS]
    runtime = new_node_runtime(loop, spec.name, ip, cidr, registry, rng.child(f"node/{spec.name}"),
                               preloaded=preloaded)
    config = KubeletConfig(node_name=spec.name, node_ip=ip, cpu=spec.cpu, memory=spec.memory, pods=spec.pods,
                           labels=dict(spec.labels), taints=[dict(t) for t in spec.taints], zone=spec.zone,
                           control_plane=spec.control_plane, pod_cidr=cidr, static_pods=static)
    kubelet = Kubelet(config, Client(api, f"system:node:{spec.name}"), runtime,
                      rng.child(f"kubelet/{spec.name}"))
    return Machine(spec, index, ip, cidr, runtime, kubelet)
