"""The cluster's pod CIDR (kubeadm's podSubnet): node ranges, node IPs and the node IPAM controller agree,
and clusters larger than the default /16 holds get a wider podSubnet."""

from __future__ import annotations

import ipaddress

import pytest

from labk8s import Cluster
from labk8s.cluster.machines import CLUSTER_CIDR, pod_cidr
from labk8s.cluster.nodes import NODE_NETWORK_HOSTS, node_ip


@pytest.mark.parametrize(("cluster", "index", "expected"), [
    (CLUSTER_CIDR, 0, "10.244.0.0/24"),
    (CLUSTER_CIDR, 1, "10.244.1.0/24"),
    (CLUSTER_CIDR, 255, "10.244.255.0/24"),
    ("10.128.0.0/9", 0, "10.128.0.0/24"),
    ("10.128.0.0/9", 256, "10.129.0.0/24"),
    ("10.128.0.0/9", 5000, "10.147.136.0/24"),
    ("10.128.0.0/9", 32767, "10.255.255.0/24"),
    ("10.244.7.9/16", 3, "10.244.3.0/24"),  # host bits are masked, as ParseCIDR does
    ("172.16.0.0/24", 0, "172.16.0.0/24"),
    # The service range 10.96.0.0/12 inside 10.0.0.0/8 covers blocks 24576..28671: never handed out.
    ("10.0.0.0/8", 24575, "10.95.255.0/24"),
    ("10.0.0.0/8", 24576, "10.112.0.0/24"),
])
def test_node_ranges_in_allocator_order(cluster: str, index: int, expected: str) -> None:
    assert pod_cidr(index, cluster) == expected


@pytest.mark.parametrize(("cluster", "index", "message"), [
    (CLUSTER_CIDR, 256, "holds 256 node /24 ranges; node number 257 does not fit"),
    ("10.128.0.0/9", 32768, "holds 32768 node /24 ranges; node number 32769 does not fit"),
    ("10.96.0.0/12", 0, "holds 0 node /24 ranges; node number 1 does not fit"),
    ("10.244.0.0/25", 0, "pod CIDR 10.244.0.0/25 is smaller than one node range /24"),
    ("fd00::/48", 0, "pod CIDR fd00::/48 is not IPv4"),
    ("10.244.0.0", 0, "invalid pod CIDR '10.244.0.0': expected an IPv4 CIDR such as 10.244.0.0/16"),
    ("not-a-cidr", 0, "invalid pod CIDR 'not-a-cidr'"),
])
def test_bad_pod_cidrs_and_exhaustion(cluster: str, index: int, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pod_cidr(index, cluster)


def test_node_ips_are_unique_across_the_node_network() -> None:
    ips = [node_ip(i) for i in range(NODE_NETWORK_HOSTS)]
    assert len(set(ips)) == len(ips)
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("172.18.0.0/16") for ip in ips[::997])
    assert (ips[0], ips[1], ips[251], ips[252], ips[5001]) == (
        "172.18.0.2", "172.18.0.3", "172.18.0.253", "172.18.1.0", "172.18.19.177")
    with pytest.raises(ValueError, match="holds 65022 machines"):
        node_ip(NODE_NETWORK_HOSTS)


def test_default_cluster_keeps_kinds_pod_subnet() -> None:
    c = Cluster(nodes=1, seed=0, addons=False)
    c.run(1)
    assert c.pod_cidr == "10.244.0.0/16"
    assert c.get("node", "node-1")["spec"]["podCIDRs"] == ["10.244.1.0/24"]
    assert str(c.controller_manager.node_ipam.cidr_set.cluster) == "10.244.0.0/16"


def test_too_many_nodes_for_the_default_pod_subnet_fail_before_booting() -> None:
    with pytest.raises(ValueError, match='node number 257 does not fit .*pod_cidr="10.128.0.0/9"'):
        Cluster(nodes=256, addons=False)


def test_wide_pod_subnet_for_a_large_cluster() -> None:
    c = Cluster(nodes=300, seed=0, addons=False, pod_cidr="10.128.0.0/9")
    c.run(1)
    nodes = c.list("node", None)
    cidrs = [n["spec"]["podCIDR"] for n in nodes]
    assert len(nodes) == 301 and len(set(cidrs)) == 301
    assert c.get("node", "node-300")["spec"]["podCIDRs"] == ["10.129.44.0/24"]
    assert len({n["status"]["addresses"][0]["address"] for n in nodes}) == 301
    ipam = c.controller_manager.node_ipam
    assert str(ipam.cidr_set.cluster) == "10.128.0.0/9"
    assert all(ipam.cidr_set.is_used(cidr) for cidr in cidrs)
    # A node registered without a range gets the next free block of the same cluster CIDR.
    c.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "extra"}})
    c.run(1)
    assert c.get("node", "extra")["spec"]["podCIDR"] == "10.129.45.0/24"
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
              "spec": {"nodeName": "node-300", "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]}})
    c.run(5)
    assert ipaddress.ip_address(c.get("pod", "p")["status"]["podIP"]) in ipaddress.ip_network("10.129.44.0/24")


def test_pod_cidr_overlapping_the_service_range_skips_its_blocks() -> None:
    c = Cluster(nodes=2, seed=0, addons=False, pod_cidr="10.96.0.0/11")
    c.run(1)
    # 10.96.0.0/12 (the service range) is the first half of 10.96.0.0/11: nodes start at 10.112.0.0.
    assert [c.get("node", n)["spec"]["podCIDR"] for n in ("control-plane", "node-1", "node-2")] == [
        "10.112.0.0/24", "10.112.1.0/24", "10.112.2.0/24"]
