"""The loopback plugin (``plugins/main/loopback``): brings ``lo`` up in a pod namespace.

containerd runs it on ``lo`` before the configured network, for every sandbox (go-cni's loopback
network). DEL tolerates a namespace that is already gone.
"""

from __future__ import annotations

from labk8s.node.cni.netlink import NodeNetwork
from labk8s.node.cni.skel import CmdArgs, PluginFailure
from labk8s.node.cni.spec import SUPPORTED_VERSIONS, Interface, IPConfig, Result

__all__ = ["Loopback"]


class Loopback:
    supported_versions: tuple[str, ...] = SUPPORTED_VERSIONS

    def __init__(self, net: NodeNetwork) -> None:
        self.net = net

    def add(self, args: CmdArgs) -> Result:
        ns = self.net.get(args.netns) if args.netns != NodeNetwork.HOST else None
        if ns is None:
            raise PluginFailure(f'failed to open netns "{args.netns}": failed to Statfs "{args.netns}": no such '
                                "file or directory")
        lo = ns.links.get(args.ifname)
        if lo is None:
            raise PluginFailure("Link not found")
        lo.up = True
        return Result(interfaces=[Interface(lo.name, "00:00:00:00:00:00", sandbox=ns.path)],
                      ips=[IPConfig("127.0.0.1/8", interface=0), IPConfig("::1/128", interface=0)])

    def delete(self, args: CmdArgs) -> None:
        ns = self.net.get(args.netns) if args.netns else None
        if ns is not None and args.ifname in ns.links:
            ns.links[args.ifname].up = False

    def check(self, args: CmdArgs) -> None:
        ns = self.net.get(args.netns)
        if ns is None:
            raise PluginFailure(f'failed to open netns "{args.netns}"')
        lo = ns.links.get(args.ifname)
        if lo is None or not lo.up:
            raise PluginFailure("loopback interface is down")
