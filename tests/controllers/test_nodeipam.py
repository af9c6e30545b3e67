"""Node IPAM range allocator: a /24 per node from 10.244.0.0/16 (cidrset.CidrSet semantics)."""

from __future__ import annotations

from functools import partial

import pytest

from labk8s import Cluster
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory
from labk8s.controllers.nodeipam import CidrSet, NodeIpamController
from tests.controllers import NodeSim

# -- cidrset (cidr_set_test.go) ------------------------------------------------------------------------

@pytest.mark.parametrize("cluster, mask, index, block", [
    ("127.123.3.0/16", 24, 0, "127.123.0.0/24"),
    ("127.123.0.0/16", 24, 255, "127.123.255.0/24"),
    ("127.123.0.0/16", 29, 255, "127.123.7.248/29"),
    ("10.0.0.0/8", 16, 255, "10.255.0.0/16"),
    ("10.244.0.0/16", 24, 3, "10.244.3.0/24"),
])
def test_index_to_cidr_block(cluster: str, mask: int, index: int, block: str) -> None:
    assert CidrSet(cluster, mask).block(index) == block


def test_allocate_next_rotates_and_wraps() -> None:
    s = CidrSet("10.244.0.0/22", 24)
    assert s.max_cidrs == 4
    assert [s.allocate_next() for _ in range(4)] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24",
                                                    "10.244.3.0/24"]
    with pytest.raises(ValueError, match="no remaining CIDRs left to allocate"):
        s.allocate_next()
    s.release("10.244.1.0/24")
    s.release("10.244.1.0/24")  # releasing twice counts once
    assert s.allocated == 3
    assert s.allocate_next() == "10.244.1.0/24"


def test_released_block_not_reused_before_the_cursor_wraps() -> None:
    s = CidrSet("10.244.0.0/16", 24)
    a, b = s.allocate_next(), s.allocate_next()
    s.release(a)
    assert (a, b, s.allocate_next()) == ("10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24")


def test_occupy_covers_larger_ranges_and_rejects_outsiders() -> None:
    s = CidrSet("10.244.0.0/16", 24)
    s.occupy("10.244.0.0/23")  # two blocks
    assert s.allocated == 2 and s.is_used("10.244.1.0/24")
    assert s.allocate_next() == "10.244.2.0/24"
    with pytest.raises(ValueError, match="out the range"):
        s.occupy("192.168.0.0/24")


def test_service_range_overlapping_the_cluster_cidr_is_never_handed_out() -> None:
    c = Cluster(nodes=0, seed=0, addons=False)
    kcm = Client(c.api, "system:kube-controller-manager")
    ipam = NodeIpamController(kcm, InformerFactory(kcm), cluster_cidr="10.96.0.0/11", node_cidr_mask_size=13,
                              service_cidr="10.96.0.0/12")
    # /11 in /13 blocks: 10.96/13 and 10.104/13 are the service range, leaving 10.112/13 and 10.120/13.
    assert [ipam.cidr_set.allocate_next() for _ in range(2)] == ["10.112.0.0/13", "10.120.0.0/13"]


# -- the controller -------------------------------------------------------------------------------------

def cidr(sim: NodeSim, name: str) -> tuple[str | None, list[str] | None]:
    spec = sim.node(name).get("spec") or {}
    return spec.get("podCIDR"), spec.get("podCIDRs")


def test_nodes_get_the_next_free_block_in_creation_order() -> None:
    sim = NodeSim()  # the control plane already has 10.244.0.0/24
    sim.add_node("pre", pod_cidr="10.244.1.0/24")
    sim.start(NodeIpamController)
    for i, name in enumerate(("node-a", "node-b", "node-c")):
        sim.at(1 + i, partial(sim.add_node, name))
    sim.run_to(5)
    assert cidr(sim, "control-plane") == ("10.244.0.0/24", ["10.244.0.0/24"])
    assert cidr(sim, "pre") == ("10.244.1.0/24", ["10.244.1.0/24"])
    assert [cidr(sim, n)[0] for n in ("node-a", "node-b", "node-c")] == \
        ["10.244.2.0/24", "10.244.3.0/24", "10.244.4.0/24"]
    # node-b goes; its block is free again but the allocator moves on first (rotating cursor).
    sim.at(6, lambda: sim.admin.delete(sim.admin.resource("", "Node"), "", "node-b"))
    sim.at(7, partial(sim.add_node, "node-d"))
    sim.run_to(8)
    assert cidr(sim, "node-d") == ("10.244.5.0/24", ["10.244.5.0/24"])


def test_exhausted_range_reports_cidr_not_available_then_reuses_released_block() -> None:
    c = Cluster(nodes=0, seed=0, addons=False)  # its kube-controller-manager allocates from 10.244.0.0/16
    admin = Client(c.api, "kubeadm")
    nodes = admin.resource("", "Node")

    def node(name: str, pod_cidr: str | None = None) -> None:
        spec = {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]} if pod_cidr else {}
        admin.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "spec": spec})
    # Nodes that already carry wide ranges hold blocks 4..255 of the 256; the control plane holds block 0.
    for prefix in (17, 18, 19, 20, 21, 22):
        node(f"wide-{prefix}", f"10.244.{256 >> (prefix - 16)}.0/{prefix}")
    for name in ("a", "b", "c"):
        node(name)
    c.run(1)
    assert [admin.get(nodes, "", n)["spec"]["podCIDR"] for n in ("a", "b", "c")] == \
        ["10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"]
    assert c.controller_manager.node_ipam.cidr_set.allocated == 256
    node("d")
    c.run(1)
    assert "podCIDR" not in admin.get(nodes, "", "d")["spec"]
    ev = [e for e in c.events(None) if e["reason"] == "CIDRNotAvailable"]
    assert [(e["type"], e["message"], e["source"]["component"]) for e in ev] == \
        [("Warning", "Node d status is now: CIDRNotAvailable", "cidrAllocator")]
    admin.delete(nodes, "", "b")
    c.run(10)  # the rate-limited retry finds the released block
    assert admin.get(nodes, "", "d")["spec"]["podCIDRs"] == ["10.244.2.0/24"]


def test_bootstrap_nodes_keep_their_cidrs() -> None:
    # The cluster's own allocator: the machines' nodes keep theirs, a new Node gets the next block.
    c = Cluster(nodes=2, seed=0, addons=False)
    admin = Client(c.api, "kubeadm")
    admin.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-3"}, "spec": {}})
    c.run(1)
    got = {n["metadata"]["name"]: n["spec"]["podCIDR"] for n in c.list("nodes", None)}
    assert got == {"control-plane": "10.244.0.0/24", "node-1": "10.244.1.0/24", "node-2": "10.244.2.0/24",
                   "node-3": "10.244.3.0/24"}
