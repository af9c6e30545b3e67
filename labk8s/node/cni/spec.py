"""The CNI specification's data: versions, error codes, the error and result types (``pkg/types``).

Error codes (SPEC.md "Error" section; ``types`` constants): 1 incompatible CNI version, 2 unsupported
field, 3 unknown container, 4 invalid environment variables, 5 I/O failure, 6 decoding failure, 7 invalid
network config, 8 invalid netns, 11 try again later, 50 plugin not available, 51 limited connectivity;
999 is ``ErrInternal``, what the plugin skeleton gives any other error (host-local's ``no IP addresses
available in range set`` among them). A :class:`CniError` prints as Go's ``types.Error.Error()``:
``msg`` then ``"; " + details`` when there are details.

Results are ``types/100`` results (``cniVersion`` 1.0.0 and later) and convert down to the 0.3.x/0.4.0
form (``"version": "4"`` on each IP) and to 0.1.0/0.2.0 (``ip4``) when a configuration asks for them.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CURRENT_VERSION",
    "ERR_DECODING_FAILURE",
    "ERR_INCOMPATIBLE_CNI_VERSION",
    "ERR_INTERNAL",
    "ERR_INVALID_ENVIRONMENT_VARIABLES",
    "ERR_INVALID_NETNS",
    "ERR_INVALID_NETWORK_CONFIG",
    "ERR_IO_FAILURE",
    "ERR_LIMITED_CONNECTIVITY",
    "ERR_PLUGIN_NOT_AVAILABLE",
    "ERR_TRY_AGAIN_LATER",
    "ERR_UNKNOWN_CONTAINER",
    "ERR_UNSUPPORTED_FIELD",
    "SUPPORTED_VERSIONS",
    "CniError",
    "DNS",
    "IPConfig",
    "Interface",
    "Result",
    "Route",
    "version_tuple",
]

#: Newest specification version (SPEC.md).
CURRENT_VERSION = "1.1.0"
#: What the reference plugins accept (``version.All``).
SUPPORTED_VERSIONS = ("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")

ERR_INCOMPATIBLE_CNI_VERSION = 1
ERR_UNSUPPORTED_FIELD = 2
ERR_UNKNOWN_CONTAINER = 3
ERR_INVALID_ENVIRONMENT_VARIABLES = 4
ERR_IO_FAILURE = 5
ERR_DECODING_FAILURE = 6
ERR_INVALID_NETWORK_CONFIG = 7
ERR_INVALID_NETNS = 8
ERR_TRY_AGAIN_LATER = 11
ERR_PLUGIN_NOT_AVAILABLE = 50
ERR_LIMITED_CONNECTIVITY = 51
ERR_INTERNAL = 999


def version_tuple(version: str) -> tuple[int, int, int]:
    """``"0.3.1"`` -> (0, 3, 1); raises ValueError like ``version.ParseVersion``."""
    parts = version.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"failed to parse version {version!r}" if version else "empty version string")
    nums = [int(p) for p in parts] + [0] * (3 - len(parts))
    return nums[0], nums[1], nums[2]


class CniError(Exception):
    """A CNI error: the ``{code, msg, details}`` object a plugin prints, or a runtime-side failure."""

    def __init__(self, code: int, msg: str, details: str = "") -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.details = details

    def __str__(self) -> str:
        return f"{self.msg}; {self.details}" if self.details else self.msg

    def to_dict(self, cni_version: str = CURRENT_VERSION) -> dict[str, Any]:
        out: dict[str, Any] = {"cniVersion": cni_version, "code": self.code, "msg": self.msg}
        if self.details:
            out["details"] = self.details
        return out

    def wrap(self, prefix: str) -> CniError:
        """``fmt.Errorf(prefix + ": %w", err)``: same code, longer message."""
        return CniError(self.code, f"{prefix}: {self}")


@dataclass(slots=True)
class Interface:
    name: str
    mac: str = ""
    sandbox: str = ""
    mtu: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.mac:
            out["mac"] = self.mac
        if self.mtu:
            out["mtu"] = self.mtu
        if self.sandbox:
            out["sandbox"] = self.sandbox
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Interface:
        return cls(str(d.get("name", "")), str(d.get("mac", "")), str(d.get("sandbox", "")), int(d.get("mtu", 0)))


@dataclass(slots=True)
class IPConfig:
    #: CIDR form: ``10.244.1.2/24``.
    address: str
    gateway: str = ""
    #: Index into ``Result.interfaces`` (None when unset).
    interface: int | None = None

    @property
    def ip(self) -> str:
        return self.address.split("/", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.interface is not None:
            out["interface"] = self.interface
        out["address"] = self.address
        if self.gateway:
            out["gateway"] = self.gateway
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IPConfig:
        iface = d.get("interface")
        return cls(str(d.get("address", "")), str(d.get("gateway", "")), int(iface) if iface is not None else None)


@dataclass(slots=True)
class Route:
    dst: str
    gw: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"dst": self.dst, "gw": self.gw} if self.gw else {"dst": self.dst}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Route:
        return cls(str(d.get("dst", "")), str(d.get("gw", "")))


@dataclass(slots=True)
class DNS:
    nameservers: list[str] = field(default_factory=list)
    domain: str = ""
    search: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.nameservers:
            out["nameservers"] = list(self.nameservers)
        if self.domain:
            out["domain"] = self.domain
        if self.search:
            out["search"] = list(self.search)
        if self.options:
            out["options"] = list(self.options)
        return out

    def is_set(self) -> bool:
        return bool(self.nameservers or self.domain or self.search or self.options)


@dataclass(slots=True)
class Result:
    """``types/100.Result``."""

    cni_version: str = "1.0.0"
    interfaces: list[Interface] = field(default_factory=list)
    ips: list[IPConfig] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    dns: DNS = field(default_factory=DNS)

    def to_dict(self, version: str | None = None) -> dict[str, Any]:
        """The JSON a plugin prints, converted to ``version`` (default: the result's own)."""
        version = version or self.cni_version
        v = version_tuple(version)
        if v < (0, 3, 0):
            out: dict[str, Any] = {"cniVersion": version}
            for ipc in self.ips:
                key = "ip6" if ":" in ipc.ip else "ip4"
                if key in out:
                    continue
                entry: dict[str, Any] = {"ip": ipc.address}
                if ipc.gateway:
                    entry["gateway"] = ipc.gateway
                routes = [r.to_dict() for r in self.routes if (":" in r.dst) == (key == "ip6")]
                if routes:
                    entry["routes"] = routes
                out[key] = entry
            out["dns"] = self.dns.to_dict()
            return out
        out = {"cniVersion": version}
        if self.interfaces:
            out["interfaces"] = [i.to_dict() for i in self.interfaces]
        ips = []
        for ipc in self.ips:
            d = ipc.to_dict()
            if v < (1, 0, 0):
                d = {"version": "6" if ":" in ipc.ip else "4", **d}
            ips.append(d)
        if ips:
            out["ips"] = ips
        if self.routes:
            out["routes"] = [r.to_dict() for r in self.routes]
        out["dns"] = self.dns.to_dict()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        """Parse any supported result version (``NewResultFromResult``)."""
        version = str(d.get("cniVersion", "0.1.0"))
        if version_tuple(version) < (0, 3, 0):
            res = cls(cni_version="1.0.0")
            for key in ("ip4", "ip6"):
                entry = d.get(key)
                if isinstance(entry, dict):
                    res.ips.append(IPConfig(str(entry.get("ip", "")), str(entry.get("gateway", ""))))
                    res.routes += [Route.from_dict(r) for r in entry.get("routes") or []]
            return res
        dns = d.get("dns") or {}
        return cls(
            cni_version="1.0.0",
            interfaces=[Interface.from_dict(i) for i in d.get("interfaces") or []],
            ips=[IPConfig.from_dict(i) for i in d.get("ips") or []],
            routes=[Route.from_dict(r) for r in d.get("routes") or []],
            dns=DNS(list(dns.get("nameservers") or []), str(dns.get("domain", "")),
                    list(dns.get("search") or []), list(dns.get("options") or [])),
        )


def parse_cidr(text: str) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    """Go's ``net.ParseCIDR`` (address with prefix); ValueError ``invalid CIDR address: x``."""
    try:
        if "/" not in text:
            raise ValueError
        return ip_interface(text)
    except ValueError:
        raise ValueError(f"invalid CIDR address: {text}") from None


#: ``ipaddress.ip_interface``, memoised: the same subnets and gateways are parsed for every sandbox of a
#: node, and the parsed values are immutable.
ip_interface = functools.lru_cache(maxsize=16384)(ipaddress.ip_interface)
