"""Network configuration files: the node's ``/etc/cni/net.d`` and how the runtime picks one.

libcni reads ``*.conf``/``*.json`` (a single plugin) and ``*.conflist`` (a plugin list) in ``sort.Strings``
order; containerd loads at most one network (``max_conf_num = 1``), the lexicographically first file,
and fails (rather than skipping) when that file is broken. Messages follow libcni
(``error parsing configuration list: no name``) and go-cni (``no network config found in /etc/cni/net.d:
cni plugin not initialized``, ``failed to load CNI config list file <f>: <err>: invalid cni config``).

The node's own file is :func:`default_conflist`: the ``bridge`` plugin (``cni0``, gateway, masquerade,
hairpin) with ``host-local`` IPAM over the node's podCIDR, then ``portmap`` for hostPorts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from labk8s.node.cni.skel import go_json_error
from labk8s.node.runtime.shell.filesystem import Filesystem, FsError

__all__ = [
    "CNI_NOT_INITIALIZED",
    "CONF_DIR",
    "DEFAULT_CONFLIST_NAME",
    "DEFAULT_NETWORK_NAME",
    "ConfigError",
    "NetworkConfigList",
    "conf_list_from_bytes",
    "default_conflist",
    "load_from_dir",
]

#: ``cnitool``'s DefaultNetDir and containerd's ``conf_dir``.
CONF_DIR = "/etc/cni/net.d"
DEFAULT_CONFLIST_NAME = "10-bridge.conflist"
#: The network name, which is also the host-local lease directory (``/var/lib/cni/networks/cbr0``).
DEFAULT_NETWORK_NAME = "cbr0"
#: go-cni's ``ErrCNINotInitialized``.
CNI_NOT_INITIALIZED = "cni plugin not initialized"
_ERR_INVALID_CONFIG = "invalid cni config"
_EXTENSIONS = (".conf", ".conflist", ".json")


class ConfigError(ValueError):
    """A configuration that could not be loaded; ``str()`` is the library's message."""


@dataclass
class NetworkConfigList:
    name: str
    cni_version: str
    plugins: list[dict[str, Any]]
    disable_check: bool = False
    #: The file it came from.
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def plugin_types(self) -> list[str]:
        return [str(p.get("type", "")) for p in self.plugins]


def default_conflist(pod_cidr: str, network: str = DEFAULT_NETWORK_NAME, cni_version: str = "1.0.0") -> str:
    """The text of ``/etc/cni/net.d/10-bridge.conflist`` for a node with ``pod_cidr``."""
    q = json.dumps
    return (
        "{\n"
        f'  "cniVersion": {q(cni_version)},\n'
        f'  "name": {q(network)},\n'
        '  "plugins": [\n'
        "    {\n"
        '      "type": "bridge",\n'
        '      "bridge": "cni0",\n'
        '      "isGateway": true,\n'
        '      "ipMasq": true,\n'
        '      "hairpinMode": true,\n'
        '      "ipam": {\n'
        '        "type": "host-local",\n'
        '        "ranges": [\n'
        f'          [{{"subnet": {q(pod_cidr)}}}]\n'
        "        ],\n"
        '        "routes": [{"dst": "0.0.0.0/0"}]\n'
        "      }\n"
        "    },\n"
        "    {\n"
        '      "type": "portmap",\n'
        '      "capabilities": {"portMappings": true}\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def _parse_json(text: str, prefix: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{prefix}: {go_json_error(text, err)}") from None


def _conf_from_dict(conf: Any, prefix: str = "error parsing configuration") -> dict[str, Any]:
    if not isinstance(conf, dict):
        raise ConfigError(f"{prefix}: json: cannot unmarshal {_go_type(conf)} into Go value of type types.NetConf")
    for key in ("type", "name", "cniVersion"):
        if key in conf and not isinstance(conf[key], str):
            raise ConfigError(f"{prefix}: json: cannot unmarshal {_go_type(conf[key])} into Go struct field "
                              f"NetConf.{key} of type string")
    if not conf.get("type"):
        raise ConfigError(f"{prefix}: missing 'type'")
    return conf


def _go_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string" if isinstance(value, str) else "value"


def conf_list_from_bytes(text: str, source: str = "") -> NetworkConfigList:
    """``libcni.ConfListFromBytes``."""
    raw = _parse_json(text, "error parsing configuration list")
    if not isinstance(raw, dict):
        raise ConfigError(f"error parsing configuration list: json: cannot unmarshal {_go_type(raw)} into Go "
                          "value of type map[string]interface {}")
    if "name" not in raw:
        raise ConfigError("error parsing configuration list: no name")
    if not isinstance(raw["name"], str):
        raise ConfigError(f"error parsing configuration list: invalid name type {_go_kind(raw['name'])}")
    version = raw.get("cniVersion", "")
    if not isinstance(version, str):
        raise ConfigError(f"error parsing configuration list: invalid cniVersion type {_go_kind(version)}")
    disable_check = raw.get("disableCheck", False)
    if isinstance(disable_check, str):
        disable_check = disable_check.lower() == "true"
    plugins = raw.get("plugins")
    if plugins is None:
        raise ConfigError("error parsing configuration list: no 'plugins' key")
    if not isinstance(plugins, list):
        raise ConfigError(f"error parsing configuration list: invalid 'plugins' type {_go_kind(plugins)}")
    if not plugins:
        raise ConfigError("error parsing configuration list: no plugins in list")
    parsed = []
    for i, plugin in enumerate(plugins):
        try:
            parsed.append(_conf_from_dict(plugin))
        except ConfigError as err:
            raise ConfigError(f"failed to parse plugin config {i}: {err}") from None
    return NetworkConfigList(raw["name"], version, parsed, bool(disable_check), source, raw)


def _go_kind(value: Any) -> str:
    """Go's ``%T`` of a decoded JSON value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return "string" if isinstance(value, str) else "<nil>"


def conf_list_from_conf(conf: dict[str, Any], source: str = "") -> NetworkConfigList:
    """``libcni.ConfListFromConf``: a single-plugin file as a one-element list."""
    return NetworkConfigList(str(conf.get("name", "")), str(conf.get("cniVersion", "")), [conf], False, source,
                             {"name": conf.get("name", ""), "cniVersion": conf.get("cniVersion", ""),
                              "plugins": [conf]})


def conf_files(fs: Filesystem, conf_dir: str = CONF_DIR) -> list[str]:
    """``libcni.ConfFiles``: the configuration files of the directory, sorted."""
    try:
        names = fs.listdir(conf_dir)
    except FsError:
        return []
    return sorted(f"{conf_dir}/{n}" for n in names
                  if n.endswith(_EXTENSIONS) and fs.is_file(f"{conf_dir}/{n}"))


def load_from_dir(fs: Filesystem, conf_dir: str = CONF_DIR) -> NetworkConfigList:
    """go-cni's ``loadFromConfDir`` with ``max = 1``: the first file, which must be valid."""
    files = conf_files(fs, conf_dir)
    if not files:
        raise ConfigError(f"no network config found in {conf_dir}: {CNI_NOT_INITIALIZED}")
    path = files[0]
    text = fs.read(path)
    if path.endswith(".conflist"):
        try:
            confs = conf_list_from_bytes(text, path)
        except ConfigError as err:
            raise ConfigError(f"failed to load CNI config list file {path}: {err}: {_ERR_INVALID_CONFIG}") from None
    else:
        try:
            conf = _conf_from_dict(_parse_json(text, "error parsing configuration"))
        except ConfigError as err:
            raise ConfigError(f"failed to load CNI config file {path}: {err}: {_ERR_INVALID_CONFIG}") from None
        confs = conf_list_from_conf(conf, path)
    if not confs.plugins:
        raise ConfigError(f"CNI config list in config file {path} has no networks, skipping: {_ERR_INVALID_CONFIG}")
    return confs
