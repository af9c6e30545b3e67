"""The bridge plugin (containernetworking/plugins ``plugins/main/bridge``) on the simulated node network.

ADD: ensure the bridge (``cni0`` by default) in the host namespace, create a veth pair whose container
end is ``CNI_IFNAME`` in the pod namespace (an existing interface of that name is an error: ADD twice
without DEL is not allowed), run the IPAM plugin, put the address and routes on the container end, give
the bridge the gateway address (``isGateway``; a bridge holding another IPv4 address is an error unless
``forceAddress``), install the masquerade chain (``ipMasq``). DEL removes the container interface and
releases the IPAM lease, and succeeds when there is nothing left to remove; without ``CNI_NETNS`` it only
releases the lease. CHECK validates the previous result against the namespace.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from labk8s._sim.rng import Rng
from labk8s.node.cni.netlink import Link, NetNS, NodeNetwork, random_mac
from labk8s.node.cni.skel import CmdArgs, PluginFailure
from labk8s.node.cni.spec import DNS, SUPPORTED_VERSIONS, Interface, IPConfig, Result, Route, ip_interface

__all__ = ["Bridge", "IpamInvoker", "format_chain_name", "format_comment"]

DEFAULT_BRIDGE = "cni0"
#: Runs the delegated IPAM plugin: (command, plugin type, the bridge's CmdArgs) -> result (ADD) or None.
IpamInvoker = Callable[[str, str, CmdArgs], "Result | None"]


def format_chain_name(name: str, container_id: str) -> str:
    """``utils.FormatChainName``: ``CNI-`` + the first 25 hex digits of sha512(name + id)."""
    return "CNI-" + hashlib.sha512((name + container_id).encode()).hexdigest()[:25]


def format_comment(name: str, container_id: str) -> str:
    """``utils.FormatComment``: ``name: "cbr0" id: "<id>"``."""
    return f"name: {json.dumps(name)} id: {json.dumps(container_id)}"


@dataclass
class _NetConf:
    name: str
    br_name: str
    is_gw: bool
    is_default_gw: bool
    force_address: bool
    ip_masq: bool
    mtu: int
    hairpin: bool
    promisc: bool
    ipam_type: str
    dns: DNS


def _load(conf: dict[str, object]) -> _NetConf:
    vlan = conf.get("vlan", 0)
    if not isinstance(vlan, int) or isinstance(vlan, bool):
        raise PluginFailure(f"failed to load netconf: json: cannot unmarshal {type(vlan).__name__} into Go "
                            "struct field NetConf.vlan of type int")
    if vlan < 0 or vlan > 4094:
        raise PluginFailure(f"invalid VLAN ID {vlan} (must be between 0 and 4094)")
    ipam = conf.get("ipam") or {}
    raw_dns = conf.get("dns") or {}
    dns = DNS()
    if isinstance(raw_dns, dict):
        dns = DNS(list(raw_dns.get("nameservers") or []), str(raw_dns.get("domain", "")),
                  list(raw_dns.get("search") or []), list(raw_dns.get("options") or []))
    mtu = conf.get("mtu", 0)
    return _NetConf(
        name=str(conf.get("name", "")),
        br_name=str(conf.get("bridge") or DEFAULT_BRIDGE),
        is_gw=bool(conf.get("isGateway", False)),
        is_default_gw=bool(conf.get("isDefaultGateway", False)),
        force_address=bool(conf.get("forceAddress", False)),
        ip_masq=bool(conf.get("ipMasq", False)),
        mtu=mtu if isinstance(mtu, int) else 0,
        hairpin=bool(conf.get("hairpinMode", False)),
        promisc=bool(conf.get("promiscMode", False)),
        ipam_type=str(ipam.get("type", "")) if isinstance(ipam, dict) else "",
        dns=dns,
    )


class Bridge:
    """The plugin, bound to one node's network."""

    supported_versions: tuple[str, ...] = SUPPORTED_VERSIONS

    def __init__(self, net: NodeNetwork, rng: Rng, ipam: IpamInvoker) -> None:
        self.net = net
        self.rng = rng
        self.ipam = ipam

    # -- ADD ---------------------------------------------------------------------------------------
    def add(self, args: CmdArgs) -> Result:
        n = _load(args.conf)
        if n.is_default_gw:
            n.is_gw = True
        if n.hairpin and n.promisc:
            raise PluginFailure("cannot set hairpin mode and promiscuous mode at the same time")
        br = self._ensure_bridge(n)
        ns = self._netns(args.netns)
        host_if, cont_if = self._setup_veth(ns, br, args.ifname, n)
        result = Result(interfaces=[Interface(br.name, br.mac), Interface(host_if.name, host_if.mac),
                                    Interface(cont_if.name, cont_if.mac, sandbox=ns.path)])
        if not n.ipam_type:
            return result
        ipam_result = self.ipam("ADD", n.ipam_type, args)
        assert ipam_result is not None
        try:
            self._configure(n, args, ns, cont_if, br, result, ipam_result)
        except Exception:
            # The deferred ``ipam.ExecDel`` of the plugin: no lease outlives a failed ADD.
            self.ipam("DEL", n.ipam_type, args)
            raise
        if n.dns.is_set():
            result.dns = n.dns
        return result

    def _configure(self, n: _NetConf, args: CmdArgs, ns: NetNS, cont_if: Link, br: Link, result: Result,
                   ipam_result: Result) -> None:
        result.ips = [IPConfig(i.address, i.gateway, 2) for i in ipam_result.ips]
        result.routes = list(ipam_result.routes)
        result.dns = ipam_result.dns
        if not result.ips:
            raise PluginFailure("IPAM plugin returned missing IP config")
        gateways: list[str] = []
        for ipc in result.ips:
            iface = ip_interface(ipc.address)
            if not ipc.gateway and n.is_gw:
                ipc.gateway = str(iface.network.network_address + 1)
            if n.is_default_gw:
                default = "0.0.0.0/0" if iface.version == 4 else "::/0"
                if not any(r.gw and r.dst == default for r in result.routes):
                    result.routes.append(Route(default, ipc.gateway))
            if n.is_gw and ipc.gateway:
                gateways.append(f"{ipc.gateway}/{iface.network.prefixlen}")
        # ipam.ConfigureIface: addresses, then routes (a route without gw goes via the family's gateway).
        cont_if.addresses = [ipc.address for ipc in result.ips]
        for route in result.routes:
            v6 = ":" in route.dst
            gw = route.gw or next((i.gateway for i in result.ips if (":" in i.ip) == v6 and i.gateway), "")
            ns.routes.append((route.dst, gw, cont_if.name))
        for gw in gateways:
            self._ensure_addr(br, gw, n.force_address)
        if n.ip_masq:
            chain = format_chain_name(n.name, args.container_id)
            for ipc in result.ips:
                self.net.masquerade[chain] = (format_comment(n.name, args.container_id), ipc.address)

    def _ensure_bridge(self, n: _NetConf) -> Link:
        link = self.net.host.links.get(n.br_name)
        if link is None:
            link = self.net.host.add_link(n.br_name, "bridge", random_mac(self.rng))
            link.mtu = n.mtu or 1500
        elif link.kind != "bridge":
            raise PluginFailure(f'failed to create bridge "{n.br_name}": "{n.br_name}" already exists but is '
                                "not a bridge")
        if n.promisc:
            link.promisc = True
        return link

    def _ensure_addr(self, br: Link, gw: str, force: bool) -> None:
        new = ip_interface(gw)
        for addr in list(br.addresses):
            if addr == gw:
                return
            old = ip_interface(addr)
            if old.version == 4 == new.version or old.network.overlaps(new.network):
                if force:
                    br.addresses.remove(addr)
                else:
                    raise PluginFailure(f'failed to set bridge addr: "{br.name}" already has an IP address '
                                        f"different from {gw}")
        br.addresses.append(gw)

    def _netns(self, path: str) -> NetNS:
        ns = self.net.get(path) if path != NodeNetwork.HOST else None
        if ns is None:
            raise PluginFailure(f'failed to open netns "{path}": failed to Statfs "{path}": no such file or '
                                "directory")
        return ns

    def _setup_veth(self, ns: NetNS, br: Link, ifname: str, n: _NetConf) -> tuple[Link, Link]:
        peer = f"veth{self.rng.getrandbits(32):08x}"
        if ifname in ns.links:
            raise PluginFailure(f'container veth name ("{ifname}") peer provided ("{peer}") already exists')
        cont = ns.add_link(ifname, "veth", random_mac(self.rng))
        host = self.net.host.add_link(peer, "veth", random_mac(self.rng))
        cont.peer, host.peer = (NodeNetwork.HOST, peer), (ns.path, ifname)
        cont.mtu = host.mtu = n.mtu or 1500
        host.master = br.name
        host.hairpin = n.hairpin
        return host, cont

    # -- DEL ---------------------------------------------------------------------------------------
    def delete(self, args: CmdArgs) -> None:
        n = _load(args.conf)
        if args.netns and self.net.get(args.netns) is not None and args.netns != NodeNetwork.HOST:
            self.net.delete_link(args.netns, args.ifname)
        if n.ipam_type:
            self.ipam("DEL", n.ipam_type, args)
        if n.ip_masq:
            self.net.masquerade.pop(format_chain_name(n.name, args.container_id), None)

    # -- CHECK -------------------------------------------------------------------------------------
    def check(self, args: CmdArgs) -> None:
        n = _load(args.conf)
        ns = self._netns(args.netns)
        if n.ipam_type:
            self.ipam("CHECK", n.ipam_type, args)
        prev = args.conf.get("prevResult")
        if not isinstance(prev, dict):
            raise PluginFailure("Required prevResult missing")
        result = Result.from_dict(prev)
        br_map = next((i for i in result.interfaces if i.name == n.br_name), None)
        cont_map = next((i for i in result.interfaces if i.name == args.ifname and i.sandbox == args.netns), None)
        br = self.net.host.links.get(n.br_name)
        if br_map is None:
            raise PluginFailure("Interface name missing ")
        if br is None:
            raise PluginFailure(f"Interface name {br_map.name} not found")
        if br.kind != "bridge":
            raise PluginFailure(f"Interface {br_map.name} does not have link type of bridge")
        if br_map.mac and br_map.mac != br.mac:
            raise PluginFailure(f"Bridge interface {br_map.name} Mac doesn't match: {br_map.mac}")
        if cont_map is None:
            raise PluginFailure(f"Sandbox in prevResult  doesn't match configured netns: {args.netns}")
        cont = ns.links.get(args.ifname)
        if cont is None:
            raise PluginFailure(f"Interface name {args.ifname} not found")
        if cont_map.mac and cont_map.mac != cont.mac:
            raise PluginFailure(f"Interface {args.ifname} Mac {cont_map.mac} doesn't match container Mac: {cont.mac}")
        veth = self.net.host.links.get(cont.peer[1]) if cont.peer else None
        if veth is None or veth.master != n.br_name:
            raise PluginFailure(f"CNI veth created for bridge {n.br_name} was not found")
        for ipc in result.ips:
            if ipc.address not in cont.addresses:
                raise PluginFailure(f"Failed to match addr {ipc.address} on interface {args.ifname}")
