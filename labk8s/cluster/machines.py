"""The worker machines of a cluster: per node a container runtime (containerd with its image store, CNI
and node filesystem) and a kubelet, built from a NodeSpec as kind builds a node container.
"""

from __future__ import annotations

import ipaddress
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

#: kubeadm's networking.podSubnet (kind's default) = kube-controller-manager --cluster-cidr.
CLUSTER_CIDR = "10.244.0.0/16"
#: kube-controller-manager --node-cidr-mask-size (IPv4 default): each node gets a /24.
NODE_CIDR_MASK_SIZE = 24
#: kubeadm's networking.serviceSubnet; the range allocator never hands out blocks that overlap it.
SERVICE_CIDR = "10.96.0.0/12"


def check_cluster_cidr(cluster_cidr: str) -> ipaddress.IPv4Network:
    """The podSubnet as kubeadm accepts it: an IPv4 CIDR wide enough for one node range."""
    try:
        if "/" not in cluster_cidr:
            raise ValueError(cluster_cidr)  # ParseCIDR wants a prefix length
        net = ipaddress.ip_network(cluster_cidr, strict=False)  # ParseCIDR masks host bits
    except ValueError:
        raise ValueError(f"invalid pod CIDR {cluster_cidr!r}: expected an IPv4 CIDR such as {CLUSTER_CIDR}") from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise ValueError(f"pod CIDR {cluster_cidr} is not IPv4 (this cluster is single-stack IPv4)")
    if net.prefixlen > NODE_CIDR_MASK_SIZE:
        raise ValueError(f"pod CIDR {cluster_cidr} is smaller than one node range /{NODE_CIDR_MASK_SIZE}")
    return net


def pod_cidr(index: int, cluster_cidr: str = CLUSTER_CIDR) -> str:
    """Machine ``index``'s podCIDR: the /24 blocks of the cluster CIDR in the node IPAM range allocator's
    order (block 0 first, skipping blocks that overlap the service CIDR, which the allocator occupies)."""
    net = check_cluster_cidr(cluster_cidr)
    size = 1 << (32 - NODE_CIDR_MASK_SIZE)
    max_blocks = 1 << (NODE_CIDR_MASK_SIZE - net.prefixlen)
    base = int(net.network_address)
    service = ipaddress.IPv4Network(SERVICE_CIDR)
    block = index
    skipped = 0
    if service.overlaps(net):
        # The service range inside the cluster CIDR covers blocks [first, last]: those are never handed out.
        first = max(int(service.network_address) - base, 0) // size
        last = min(int(service.broadcast_address) - base, max_blocks * size - 1) // size
        skipped = last - first + 1
        if block >= first:
            block += skipped
    if block >= max_blocks:
        raise ValueError(f"the cluster CIDR {net} holds {max_blocks - skipped} node /{NODE_CIDR_MASK_SIZE} ranges; "
                         f"node number {index + 1} does not fit (pass a wider pod_cidr to Cluster, as kubeadm's "
                         f"podSubnet, for example pod_cidr=\"10.128.0.0/9\")")
    return str(ipaddress.IPv4Network((base + block * size, NODE_CIDR_MASK_SIZE)))


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
                  registry: Registry, cluster_cidr: str = CLUSTER_CIDR) -> Machine:
    ip = node_ip(index)
    cidr = pod_cidr(index, cluster_cidr)
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
