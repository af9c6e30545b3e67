"""The portmap plugin (``plugins/meta/portmap``): hostPort mappings of a pod, as a chained plugin.

It receives the ``portMappings`` capability (``runtimeConfig.portMappings``: hostPort, containerPort,
protocol, hostIP) and the previous plugin's result; it records the DNAT mappings on the node
(:attr:`NodeNetwork.host_ports`, read by the node's data plane) and passes the result through unchanged.
"""

from __future__ import annotations

from typing import Any

from labk8s.node.cni.netlink import NodeNetwork
from labk8s.node.cni.skel import CmdArgs, PluginFailure
from labk8s.node.cni.spec import SUPPORTED_VERSIONS, Result

__all__ = ["PortMap", "PortMapping"]

#: (hostIP, hostPort, protocol, containerIP, containerPort)
PortMapping = tuple[str, int, str, str, int]


def _mappings(conf: dict[str, Any]) -> list[dict[str, Any]]:
    runtime = conf.get("runtimeConfig") or {}
    pms = runtime.get("portMappings") or [] if isinstance(runtime, dict) else []
    return [pm for pm in pms if isinstance(pm, dict)]


class PortMap:
    supported_versions: tuple[str, ...] = SUPPORTED_VERSIONS

    def __init__(self, net: NodeNetwork) -> None:
        self.net = net

    def _prev(self, args: CmdArgs) -> Result:
        prev = args.conf.get("prevResult")
        if not isinstance(prev, dict):
            raise PluginFailure("must be called as chained plugin")
        return Result.from_dict(prev)

    def add(self, args: CmdArgs) -> Result:
        prev = self._prev(args)
        pms = _mappings(args.conf)
        if not pms:
            return prev
        ip4 = next((i.ip for i in prev.ips if ":" not in i.ip), "")
        if not ip4:
            raise PluginFailure("no IP addresses in prevResult to map ports to")
        self.net.host_ports[args.container_id] = [
            (str(pm.get("hostIP", "") or ""), int(pm.get("hostPort", 0)), str(pm.get("protocol", "tcp")).lower(),
             ip4, int(pm.get("containerPort", 0)))
            for pm in pms
        ]
        return prev

    def delete(self, args: CmdArgs) -> None:
        self.net.host_ports.pop(args.container_id, None)

    def check(self, args: CmdArgs) -> None:
        self._prev(args)
        if _mappings(args.conf) and args.container_id not in self.net.host_ports:
            raise PluginFailure("portmap: port mappings of the container are missing")
