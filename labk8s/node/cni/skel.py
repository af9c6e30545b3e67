"""The plugin skeleton (``pkg/skel``): how a CNI plugin binary reads its environment and stdin.

:func:`exec_plugin` is the binary interface of the specification: ``CNI_*`` environment variables, the
configuration JSON on stdin, the result (or the error object) on stdout, exit status 0 or 1. The checks
run in the skeleton's order with its codes: missing variables (4, ``required env variables
[CNI_NETNS] missing``), undecodable config (6), missing or invalid network name (7), missing container
ID (3), bad interface name (4), unsupported ``cniVersion`` (1, ``incompatible CNI versions; config is
"2.0.0", plugin supports [...]``); an error the plugin itself returns becomes code 999 unless it is a
:class:`CniError` already.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from labk8s.node.cni.spec import (
    ERR_DECODING_FAILURE,
    ERR_INCOMPATIBLE_CNI_VERSION,
    ERR_INTERNAL,
    ERR_INVALID_ENVIRONMENT_VARIABLES,
    ERR_INVALID_NETWORK_CONFIG,
    ERR_UNKNOWN_CONTAINER,
    SUPPORTED_VERSIONS,
    CniError,
    Result,
    version_tuple,
)

__all__ = ["CmdArgs", "Plugin", "PluginFailure", "dispatch", "exec_plugin", "go_json_error", "go_quote_list"]

_VALID_INPUT = re.compile(r"^[a-zA-Z0-9_-]+$")
_MAX_IFNAME = 15
_REQUIRED = {
    "CNI_COMMAND": ("ADD", "CHECK", "DEL"),
    "CNI_CONTAINERID": ("ADD", "CHECK", "DEL"),
    "CNI_NETNS": ("ADD", "CHECK"),
    "CNI_IFNAME": ("ADD", "CHECK", "DEL"),
    "CNI_ARGS": (),
    "CNI_PATH": ("ADD", "CHECK", "DEL"),
}


class PluginFailure(Exception):
    """A plain Go ``error`` returned by a plugin (the skeleton reports it with code 999)."""


@dataclass
class CmdArgs:
    container_id: str
    netns: str
    ifname: str
    args: str
    path: str
    #: The configuration the plugin read on stdin, decoded.
    conf: dict[str, Any]


class Plugin(Protocol):
    supported_versions: tuple[str, ...]

    def add(self, args: CmdArgs) -> Result: ...

    def delete(self, args: CmdArgs) -> None: ...

    def check(self, args: CmdArgs) -> None: ...


def go_quote_list(items: tuple[str, ...] | list[str]) -> str:
    """Go's ``%q`` of a ``[]string``: ``["a" "b"]``."""
    return "[" + " ".join(json.dumps(i) for i in items) + "]"


def go_json_error(text: str, err: json.JSONDecodeError) -> str:
    """encoding/json's message for the common syntax errors."""
    if err.pos >= len(text.rstrip()):
        return "unexpected end of JSON input"
    ch = text[err.pos]
    shown = "'\\''" if ch == "'" else f"'{ch}'"
    where = "looking for beginning of object key string" if "property name" in err.msg else (
        "after object key:value pair" if "delimiter" in err.msg else "looking for beginning of value")
    return f"invalid character {shown} {where}"


def _decode(stdin: str) -> dict[str, Any]:
    try:
        data = json.loads(stdin)
    except json.JSONDecodeError as err:
        raise CniError(ERR_DECODING_FAILURE, f"error unmarshall network config: {go_json_error(stdin, err)}") from None
    if not isinstance(data, dict):
        kind = {list: "array", str: "string", int: "number", float: "number", bool: "bool"}.get(type(data), "value")
        raise CniError(ERR_DECODING_FAILURE, "error unmarshall network config: json: cannot unmarshal "
                       f"{kind} into Go value of type struct {{ Name string \"json:\\\"name\\\"\" }}")
    return data


def _validate(conf: dict[str, Any], container_id: str, ifname: str) -> None:
    name = conf.get("name", "")
    if not isinstance(name, str):
        raise CniError(ERR_DECODING_FAILURE, "error unmarshall network config: json: cannot unmarshal "
                       f"{type(name).__name__} into Go struct field .name of type string")
    if name == "":
        raise CniError(ERR_INVALID_NETWORK_CONFIG, "missing network name")
    if not _VALID_INPUT.match(name):
        raise CniError(ERR_INVALID_NETWORK_CONFIG, "invalid characters found in network name")
    if container_id == "":
        raise CniError(ERR_UNKNOWN_CONTAINER, "missing containerID")
    if not _VALID_INPUT.match(container_id):
        raise CniError(ERR_DECODING_FAILURE, f"error: invalid characters in containerID: {container_id}")
    if ifname == "":
        raise CniError(ERR_INVALID_ENVIRONMENT_VARIABLES, "interface name is empty")
    if len(ifname) > _MAX_IFNAME:
        raise CniError(ERR_INVALID_ENVIRONMENT_VARIABLES, "interface name is too long",
                       f"interface name should be less than {_MAX_IFNAME + 1} characters")
    if ifname in (".", ".."):
        raise CniError(ERR_INVALID_ENVIRONMENT_VARIABLES, "interface name is . or ..")
    if any(c in "/:" or c.isspace() for c in ifname):
        raise CniError(ERR_INVALID_ENVIRONMENT_VARIABLES, "interface name contains / or : or whitespace characters")


def _config_version(conf: dict[str, Any]) -> str:
    version = conf.get("cniVersion", "")
    if not isinstance(version, str):
        raise CniError(ERR_DECODING_FAILURE, f"json: cannot unmarshal {type(version).__name__} into Go struct "
                       "field ConfigDecoder.cniVersion of type string")
    return version or "0.1.0"


def _check_version(plugin: Plugin, version: str) -> None:
    if version not in plugin.supported_versions:
        raise CniError(ERR_INCOMPATIBLE_CNI_VERSION, "incompatible CNI versions",
                       f'config is "{version}", plugin supports {go_quote_list(plugin.supported_versions)}')


def _call(plugin: Plugin, command: str, args: CmdArgs) -> Result | None:
    try:
        if command == "ADD":
            return plugin.add(args)
        if command == "DEL":
            plugin.delete(args)
        else:
            plugin.check(args)
        return None
    except CniError:
        raise
    except (PluginFailure, ValueError, TypeError, KeyError, AttributeError) as err:
        # Whatever a configuration makes a plugin trip over is reported, never raised through.
        raise CniError(ERR_INTERNAL, str(err) if isinstance(err, PluginFailure | ValueError) else
                       f"failed to load netconf: {err}") from None


def dispatch(plugin: Plugin, command: str, container_id: str, netns: str, ifname: str, cni_args: str,
             path: str, conf: dict[str, Any]) -> Result | None:
    """Run ``command`` after the skeleton's validations (environment already present)."""
    _validate(conf, container_id, ifname)
    version = _config_version(conf)
    args = CmdArgs(container_id, netns, ifname, cni_args, path, conf)
    if command in ("ADD", "DEL"):
        _check_version(plugin, version)
        return _call(plugin, command, args)
    if command == "CHECK":
        try:
            too_old = version_tuple(version) < (0, 4, 0)
        except ValueError as err:
            raise CniError(ERR_DECODING_FAILURE, str(err)) from None
        if too_old:
            raise CniError(ERR_INCOMPATIBLE_CNI_VERSION, "config version does not allow CHECK")
        _check_version(plugin, version)
        return _call(plugin, command, args)
    raise CniError(ERR_INVALID_ENVIRONMENT_VARIABLES, f"unknown CNI_COMMAND: {command}")


def _pretty(obj: dict[str, Any]) -> str:
    """``types.PrintResult``/``Error.Print``: indented with four spaces."""
    return json.dumps(obj, indent=4)


def exec_plugin(plugin: Plugin, env: Mapping[str, str], stdin: str) -> tuple[int, str]:
    """Run the plugin as its binary would run: returns (exit status, stdout)."""
    command = env.get("CNI_COMMAND", "")
    missing = [name for name, cmds in _REQUIRED.items()
               if not env.get(name) and (command in cmds or name == "CNI_COMMAND")]
    try:
        if missing:
            raise CniError(ERR_INVALID_ENVIRONMENT_VARIABLES, f"required env variables [{','.join(missing)}] missing")
        if command == "VERSION":
            info = {"cniVersion": SUPPORTED_VERSIONS[-1], "supportedVersions": list(plugin.supported_versions)}
            return 0, json.dumps(info, separators=(",", ":")) + "\n"
        conf = _decode(stdin)
        result = dispatch(plugin, command, env.get("CNI_CONTAINERID", ""), env.get("CNI_NETNS", ""),
                          env.get("CNI_IFNAME", ""), env.get("CNI_ARGS", ""), env.get("CNI_PATH", ""), conf)
    except CniError as err:
        version = "1.1.0"
        return 1, _pretty(err.to_dict(version)) + "\n"
    if result is None:
        return 0, ""
    return 0, _pretty(result.to_dict(_config_version(conf))) + "\n"
