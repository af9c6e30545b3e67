"""CNI on a simulated node: the specification's types, the bridge/host-local/loopback/portmap plugins and
the runtime side that loads ``/etc/cni/net.d`` and runs them (see :mod:`.runner`)."""

from labk8s.node.cni.config import (
    CNI_NOT_INITIALIZED,
    CONF_DIR,
    DEFAULT_CONFLIST_NAME,
    DEFAULT_NETWORK_NAME,
    ConfigError,
    NetworkConfigList,
    conf_list_from_bytes,
    default_conflist,
    load_from_dir,
)
from labk8s.node.cni.netlink import Link, NetNS, NodeNetwork
from labk8s.node.cni.runner import BIN_DIR, CACHE_DIR, PLUGIN_TYPES, CniRunner
from labk8s.node.cni.spec import CniError, Interface, IPConfig, Result, Route

__all__ = [
    "BIN_DIR",
    "CACHE_DIR",
    "CNI_NOT_INITIALIZED",
    "CONF_DIR",
    "DEFAULT_CONFLIST_NAME",
    "DEFAULT_NETWORK_NAME",
    "CniError",
    "CniRunner",
    "ConfigError",
    "IPConfig",
    "Interface",
    "Link",
    "NetNS",
    "NetworkConfigList",
    "NodeNetwork",
    "PLUGIN_TYPES",
    "Result",
    "Route",
    "conf_list_from_bytes",
    "default_conflist",
    "load_from_dir",
]
