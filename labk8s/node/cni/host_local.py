"""The host-local IPAM plugin (containernetworking/plugins ``plugins/ipam/host-local``).

Leases are files in the node filesystem: ``<dataDir>/<network>/<ip>`` holding ``<containerID>\\r\\n<ifname>``,
``last_reserved_ip.<range index>`` holding the last address handed out, and an empty ``lock`` file;
``dataDir`` defaults to ``/var/lib/cni/networks``. Allocation is round robin from the address after the
last reserved one, skipping the gateway, so a crash-looping pod does not get its old address back at
once. A range defaults to ``.1`` .. broadcast-1 with gateway ``.1``: a /24 hands out .2-.254 and a /30
only .2. Messages are the plugin's (``failed to allocate for range 0: no IP addresses available in range
set: 10.244.1.1-10.244.1.2``, code 999 through the skeleton).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from labk8s.node.cni.skel import CmdArgs, PluginFailure
from labk8s.node.cni.spec import SUPPORTED_VERSIONS, IPConfig, Result, Route, parse_cidr, version_tuple
from labk8s.node.runtime.shell.filesystem import Filesystem, FsError

__all__ = ["DEFAULT_DATA_DIR", "HostLocal", "IPRange", "load_ipam_config"]

DEFAULT_DATA_DIR = "/var/lib/cni/networks"
LAST_IP_PREFIX = "last_reserved_ip."
LINE_BREAK = "\r\n"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass
class IPRange:
    subnet: ipaddress.IPv4Network | ipaddress.IPv6Network
    range_start: Address
    range_end: Address
    gateway: Address

    def contains(self, ip: Address) -> bool:
        return ip.version == self.subnet.version and int(self.range_start) <= int(ip) <= int(self.range_end)

    def __str__(self) -> str:
        return f"{self.range_start}-{self.range_end}"


@dataclass
class IPAMConfig:
    name: str
    ranges: list[list[IPRange]]
    routes: list[Route]
    data_dir: str
    requested: list[Address]


def _ip(value: Any, what: str) -> Address:
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        raise PluginFailure(f"invalid IP address: {value}") from None


def _canonical_range(raw: dict[str, Any]) -> IPRange:
    subnet_text = str(raw.get("subnet", ""))
    try:
        iface = parse_cidr(subnet_text)
    except ValueError as err:
        raise PluginFailure(str(err)) from None
    net = iface.network
    maxlen = 32 if net.version == 4 else 128
    if net.prefixlen > maxlen - 2:
        raise PluginFailure(f"Network {iface.ip}/{net.prefixlen} too small to allocate from")
    if iface.ip != net.network_address:
        raise PluginFailure(f"network has host bits set. For a subnet mask of length {net.prefixlen} the "
                            f"network address is {net.network_address}")
    gateway = _ip(raw["gateway"], "gateway") if raw.get("gateway") else net.network_address + 1
    if raw.get("gateway") and gateway not in net:
        raise PluginFailure(f"gateway {gateway} not in network {net}")
    start = _ip(raw["rangeStart"], "rangeStart") if raw.get("rangeStart") else net.network_address + 1
    last = net.broadcast_address - 1 if net.version == 4 else net.broadcast_address
    end = _ip(raw["rangeEnd"], "rangeEnd") if raw.get("rangeEnd") else last
    for addr in (start, end):
        if addr not in net:
            raise PluginFailure(f"{addr} not in network {net}")
    if int(start) > int(end):
        raise PluginFailure(f"{end} is in network {net} but before start {start}")
    return IPRange(net, start, end, gateway)


def load_ipam_config(conf: dict[str, Any], cni_args: str) -> IPAMConfig:
    """``allocator.LoadIPAMConfig``."""
    ipam = conf.get("ipam")
    if not isinstance(ipam, dict):
        raise PluginFailure("IPAM config missing 'ipam' key")
    raw_sets: list[list[dict[str, Any]]] = []
    if ipam.get("subnet"):
        raw_sets.append([{k: ipam.get(k) for k in ("subnet", "rangeStart", "rangeEnd", "gateway")}])
    runtime_ranges = (conf.get("runtimeConfig") or {}).get("ipRanges") or []
    raw_sets = list(runtime_ranges) + raw_sets + list(ipam.get("ranges") or [])
    if not raw_sets:
        raise PluginFailure("no IP ranges specified")
    ranges: list[list[IPRange]] = []
    for i, raw_set in enumerate(raw_sets):
        try:
            if not raw_set:
                raise PluginFailure("empty range set")
            rs = [_canonical_range(r) for r in raw_set]
            for a in range(len(rs)):
                for b in range(a + 1, len(rs)):
                    if rs[a].contains(rs[b].range_start) or rs[b].contains(rs[a].range_start):
                        raise PluginFailure(f"subnets {rs[a].subnet} and {rs[b].subnet} overlap")
        except PluginFailure as err:
            raise PluginFailure(f"invalid range set {i}: {err}") from None
        ranges.append(rs)
    version = str(conf.get("cniVersion") or "0.1.0")
    families = [r[0].subnet.version for r in ranges]
    if (families.count(4) > 1 or families.count(6) > 1) and version_tuple(version) < (0, 3, 0):
        raise PluginFailure(f"CNI version {version} does not support more than 1 address per family")
    requested = []
    for kv in cni_args.split(";") if cni_args else []:
        key, _, value = kv.partition("=")
        if key == "IP":
            requested += [_ip(v, "IP") for v in value.split(",") if v]
    routes = [Route(str(r.get("dst", "")), str(r.get("gw", "") or "")) for r in ipam.get("routes") or []]
    data_dir = str(ipam.get("dataDir") or DEFAULT_DATA_DIR)
    return IPAMConfig(str(conf.get("name", "")), ranges, routes, data_dir, requested)


class _Store:
    """The disk backend: one file per address in ``<dataDir>/<network>``.

    What the files hold is indexed in memory (``index``: file name -> contents, shared across calls);
    every operation re-lists the directory, so files removed or added behind the plugin's back (from a
    node shell) are seen, as host-local sees them on disk; a lease file rewritten in place keeps the
    contents the index read first."""

    def __init__(self, fs: Filesystem, data_dir: str, network: str, index: dict[str, str]) -> None:
        self.fs = fs
        self.dir = f"{data_dir.rstrip('/')}/{network}"
        if not fs.is_dir(self.dir):
            fs.mkdir(self.dir, parents=True)
        names = fs.listdir(self.dir)
        if "lock" not in names:
            fs.write(self.dir + "/lock", "")
            names = fs.listdir(self.dir)
        present = set(names)
        for gone in [n for n in index if n not in present]:
            del index[gone]
        for name in names:
            if name not in index:
                path = f"{self.dir}/{name}"
                index[name] = fs.read(path).strip() if fs.is_file(path) else ""
        self.index = index

    def reserve(self, cid: str, ifname: str, ip: Address, range_id: int) -> bool:
        name = str(ip)
        if name in self.index:
            return False
        data = cid.strip() + LINE_BREAK + ifname
        self.fs.write(f"{self.dir}/{name}", data)
        self.index[name] = data
        last = f"{LAST_IP_PREFIX}{range_id}"
        self.fs.write(f"{self.dir}/{last}", name)
        self.index[last] = name
        return True

    def last_reserved(self, range_id: int) -> Address | None:
        try:
            return ipaddress.ip_address(self.index.get(f"{LAST_IP_PREFIX}{range_id}", ""))
        except ValueError:
            return None

    def _leases(self) -> list[tuple[str, str]]:
        return sorted(self.index.items())

    def get_by_id(self, cid: str, ifname: str) -> list[Address]:
        match, old = cid.strip() + LINE_BREAK + ifname, cid.strip()
        ips = []
        for name, data in self._leases():
            if data in (match, old):
                try:
                    ips.append(ipaddress.ip_address(name))
                except ValueError:
                    continue
        return ips

    def release_by_id(self, cid: str, ifname: str) -> None:
        for match in (cid.strip() + LINE_BREAK + ifname, cid.strip()):
            found = False
            for name, data in self._leases():
                if data == match:
                    try:
                        self.fs.remove(f"{self.dir}/{name}")
                    except FsError:
                        pass
                    del self.index[name]
                    found = True
            if found:
                return


def _iterate(ranges: list[IPRange], last: Address | None) -> Iterator[tuple[Address, IPRange]]:
    """The allocation order of ``RangeIter``: from the address after ``last`` (or the first range's start),
    across the ranges, wrapping around once; gateways are skipped."""
    idx, cur, start = 0, None, None
    if last is not None:
        for i, r in enumerate(ranges):
            if r.contains(last):
                idx, cur = i, last
                break
    while True:
        r = ranges[idx]
        if cur is None:
            cur = start = r.range_start
            if cur != r.gateway:
                yield cur, r
            continue
        if cur == r.range_end:
            idx = (idx + 1) % len(ranges)
            r = ranges[idx]
            cur = r.range_start
        else:
            cur = cur + 1
        if start is None:
            start = cur
        elif cur == start:
            return
        if cur != r.gateway:
            yield cur, r


class HostLocal:
    """The plugin, reading and writing leases in a node filesystem."""

    supported_versions: tuple[str, ...] = SUPPORTED_VERSIONS

    def __init__(self, fs: Filesystem) -> None:
        self.fs = fs
        self._indexes: dict[str, dict[str, str]] = {}
        #: Parsed configurations by (network, version, CNI_ARGS, the ipam object it came from); the object
        #: is kept in the value so that its identity stays valid.
        self._configs: dict[tuple[str, str, str, int], tuple[Any, IPAMConfig]] = {}

    def _config(self, args: CmdArgs) -> IPAMConfig:
        ipam = args.conf.get("ipam")
        if args.conf.get("runtimeConfig"):
            return load_ipam_config(args.conf, args.args)
        # Of CNI_ARGS only the requested IPs matter (the pod name and UID differ for every sandbox).
        ip_args = ";".join(kv for kv in args.args.split(";") if kv.startswith("IP=")) if "IP=" in args.args else ""
        key = (str(args.conf.get("name", "")), str(args.conf.get("cniVersion", "")), ip_args, id(ipam))
        hit = self._configs.get(key)
        if hit is None or hit[0] is not ipam:
            if len(self._configs) > 64:
                self._configs.clear()
            hit = (ipam, load_ipam_config(args.conf, ip_args))
            self._configs[key] = hit
        return hit[1]

    def _store(self, cfg: IPAMConfig) -> _Store:
        key = f"{cfg.data_dir.rstrip('/')}/{cfg.name}"
        return _Store(self.fs, cfg.data_dir, cfg.name, self._indexes.setdefault(key, {}))

    def add(self, args: CmdArgs) -> Result:
        cfg = self._config(args)
        store = self._store(cfg)
        result = Result()
        done: list[int] = []
        requested = list(cfg.requested)
        for idx, rs in enumerate(cfg.ranges):
            want = next((ip for ip in requested if any(r.contains(ip) for r in rs)), None)
            if want is not None:
                requested.remove(want)
            try:
                result.ips.append(self._allocate(store, rs, idx, args, want))
            except PluginFailure as err:
                for _ in done:
                    store.release_by_id(args.container_id, args.ifname)
                raise PluginFailure(f"failed to allocate for range {idx}: {err}") from None
            done.append(idx)
        if requested:
            store.release_by_id(args.container_id, args.ifname)
            raise PluginFailure("failed to allocate all requested IPs: " + " ".join(str(i) for i in requested))
        result.routes = list(cfg.routes)
        return result

    def _allocate(self, store: _Store, rs: list[IPRange], idx: int, args: CmdArgs, want: Address | None) -> IPConfig:
        rangeset = ",".join(str(r) for r in rs)
        if want is not None:
            r = next(r for r in rs if r.contains(want))
            if want == r.gateway:
                raise PluginFailure(f"requested ip {want} is subnet's gateway")
            if not store.reserve(args.container_id, args.ifname, want, idx):
                raise PluginFailure(f"requested IP address {want} is not available in range set {rangeset}")
            return IPConfig(f"{want}/{r.subnet.prefixlen}", str(r.gateway))
        for held in store.get_by_id(args.container_id, args.ifname):
            if any(r.contains(held) for r in rs):
                raise PluginFailure(f"{held} has been allocated to {args.container_id}, "
                                    "duplicate allocation is not allowed")
        for ip, r in _iterate(rs, store.last_reserved(idx)):
            if store.reserve(args.container_id, args.ifname, ip, idx):
                return IPConfig(f"{ip}/{r.subnet.prefixlen}", str(r.gateway))
        raise PluginFailure(f"no IP addresses available in range set: {rangeset}")

    def delete(self, args: CmdArgs) -> None:
        cfg = self._config(args)
        store = self._store(cfg)
        for _ in cfg.ranges:
            store.release_by_id(args.container_id, args.ifname)

    def check(self, args: CmdArgs) -> None:
        cfg = self._config(args)
        store = self._store(cfg)
        match, old = args.container_id.strip() + LINE_BREAK + args.ifname, args.container_id.strip()
        if not any(data in (match, old) for _, data in store._leases()):
            raise PluginFailure(f"host-local: Failed to find address added by container {args.container_id}")
