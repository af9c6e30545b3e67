"""A node's network stack as the CNI plugins see it: network namespaces, links, addresses and routes.

The host namespace starts with ``lo`` and ``eth0`` (the node IP on the node network, default route via
its gateway). The bridge plugin adds the ``cni0`` bridge and one veth pair per pod; each pod sandbox has
its own namespace (``/var/run/netns/cni-<uuid>``, as containerd names them) holding ``lo`` and ``eth0``.

:meth:`NodeNetwork.format_routes` prints the host's main routing table as ``ip route`` does (iproute2
ends every route line with a space; a bridge without ports is ``linkdown``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from labk8s._sim.rng import Rng

__all__ = ["Link", "NetNS", "NodeNetwork", "random_mac"]


def random_mac(rng: Rng) -> str:
    """A random locally administered unicast MAC (what the kernel gives a new veth)."""
    # rng.randint(0, 255) six times, drawn as random.randint draws them (getrandbits(9) until below 256)
    # without its per-call overhead: the same octets from the same stream.
    bits = rng.random.getrandbits
    octets = []
    for _ in range(6):
        v = bits(9)
        while v >= 256:
            v = bits(9)
        octets.append(v)
    octets[0] = (octets[0] & 0xFC) | 0x02
    return ":".join(f"{o:02x}" for o in octets)


@dataclass(slots=True)
class Link:
    name: str
    #: "loopback" | "device" | "bridge" | "veth"
    kind: str
    mac: str
    index: int
    #: CIDR addresses (``10.244.1.1/24``).
    addresses: list[str] = field(default_factory=list)
    #: Bridge this port is enslaved to ("" = none).
    master: str = ""
    #: For a veth: (namespace path, link name) of the other end.
    peer: tuple[str, str] | None = None
    up: bool = True
    hairpin: bool = False
    promisc: bool = False
    mtu: int = 1500


@dataclass(slots=True)
class NetNS:
    """One network namespace: its links and its own routes (``dst``, ``via``, ``dev``)."""

    path: str
    links: dict[str, Link] = field(default_factory=dict)
    routes: list[tuple[str, str, str]] = field(default_factory=list)
    _next_index: int = 1

    def add_link(self, name: str, kind: str, mac: str) -> Link:
        link = Link(name, kind, mac, self._next_index)
        self._next_index += 1
        self.links[name] = link
        return link


class NodeNetwork:
    """The network namespaces of one node."""

    HOST = "host"

    def __init__(self, node_ip: str, rng: Rng, node_prefix: int = 16, gateway: str | None = None) -> None:
        self.rng = rng
        self.node_ip = node_ip
        net = ipaddress.ip_interface(f"{node_ip}/{node_prefix}").network
        self.node_cidr = str(net)
        self.gateway = gateway or str(net.network_address + 1)
        self.host = NetNS(self.HOST)
        lo = self.host.add_link("lo", "loopback", "00:00:00:00:00:00")
        lo.addresses.append("127.0.0.1/8")
        eth0 = self.host.add_link("eth0", "device", random_mac(rng))
        eth0.addresses.append(f"{node_ip}/{node_prefix}")
        self.namespaces: dict[str, NetNS] = {}
        #: Masquerade rules the bridge plugin installed: chain -> (comment, pod CIDR address).
        self.masquerade: dict[str, tuple[str, str]] = {}
        #: hostPort mappings the portmap plugin installed: container ID ->
        #: [(hostIP, hostPort, protocol, pod IP, containerPort)].
        self.host_ports: dict[str, list[tuple[str, int, str, str, int]]] = {}
        #: Routes to other nodes' pod CIDRs: () -> [(cidr, via node IP)], supplied by the cluster's
        #: routing (kindnet-style); none by default.
        self.peer_routes: Callable[[], list[tuple[str, str]]] = list

    # -- namespaces ------------------------------------------------------------------------------
    def new_netns(self) -> NetNS:
        """A fresh pod namespace with ``lo`` up, named as containerd names them."""
        bits = self.rng.getrandbits(128)
        h = f"{bits:032x}"
        uuid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"
        ns = NetNS(f"/var/run/netns/cni-{uuid}")
        lo = ns.add_link("lo", "loopback", "00:00:00:00:00:00")
        lo.addresses.append("127.0.0.1/8")
        self.namespaces[ns.path] = ns
        return ns

    def get(self, path: str) -> NetNS | None:
        if path == self.HOST:
            return self.host
        return self.namespaces.get(path)

    def delete_netns(self, path: str) -> None:
        """Remove a pod namespace; veth ends inside it take their host peers with them."""
        ns = self.namespaces.pop(path, None)
        if ns is None:
            return
        for link in ns.links.values():
            if link.kind == "veth" and link.peer is not None:
                self.delete_link(link.peer[0], link.peer[1], follow_peer=False)

    def reboot(self) -> None:
        """The node restarted: pod namespaces, the bridge and veths are gone; lo and eth0 remain."""
        self.namespaces.clear()
        self.host.links = {k: v for k, v in self.host.links.items() if k in ("lo", "eth0")}
        self.masquerade.clear()
        self.host_ports.clear()

    # -- links -----------------------------------------------------------------------------------
    def delete_link(self, ns_path: str, name: str, follow_peer: bool = True) -> Link | None:
        ns = self.get(ns_path)
        if ns is None:
            return None
        link = ns.links.pop(name, None)
        if link is not None and follow_peer and link.kind == "veth" and link.peer is not None:
            self.delete_link(link.peer[0], link.peer[1], follow_peer=False)
        return link

    def bridge_ports(self, bridge: str) -> list[Link]:
        return [link for link in self.host.links.values() if link.master == bridge]

    def host_link_names(self) -> set[str]:
        return set(self.host.links)

    # -- ip route ----------------------------------------------------------------------------------
    def format_routes(self, ns_path: str = HOST) -> str:
        """The namespace's main table as ``ip route`` prints it."""
        ns = self.get(ns_path)
        if ns is None:
            return ""
        entries: list[tuple[tuple[int, int], str]] = []
        if ns is self.host:
            entries.append(((0, 0), f"default via {self.gateway} dev eth0 "))
            for cidr, via in self.peer_routes():
                net = ipaddress.ip_network(cidr, strict=False)
                entries.append(((int(net.network_address), net.prefixlen), f"{cidr} via {via} dev eth0 "))
        for link in ns.links.values():
            if link.kind == "loopback":
                continue
            for addr in link.addresses:
                iface = ipaddress.ip_interface(addr)
                if iface.version != 4:
                    continue
                net = iface.network
                flags = ""
                if link.kind == "bridge" and not any(p.up for p in self.bridge_ports(link.name)):
                    flags = " linkdown"
                entries.append(((int(net.network_address), net.prefixlen),
                                f"{net} dev {link.name} proto kernel scope link src {iface.ip}{flags} "))
        for dst, via, dev in ns.routes:
            if dst == "0.0.0.0/0":
                entries.append(((0, 0), f"default via {via} dev {dev} "))
            else:
                net = ipaddress.ip_network(dst, strict=False)
                entries.append(((int(net.network_address), net.prefixlen), f"{dst} via {via} dev {dev} "))
        entries.sort(key=lambda e: e[0])
        return "".join(line + "\n" for _, line in entries)
