"""How the container runtime drives CNI on a node: containerd's go-cni over libcni.

:class:`CniRunner` loads the network from ``/etc/cni/net.d`` (the lexicographically first
``.conf``/``.conflist``/``.json`` file, reloaded whenever the directory changes, as containerd's config
syncer does), finds each plugin's binary in ``/opt/cni/bin`` and runs the list: ``loopback`` on ``lo``
first, then the configured plugins in order for ADD and in reverse order for DEL, each getting the
network ``name``/``cniVersion``, the previous result as ``prevResult`` and the capabilities it declares
(``portMappings``) as ``runtimeConfig``. Results are cached in ``/var/lib/cni/results`` for DEL and CHECK.

A failing plugin is reported as libcni wraps it: ``plugin type="bridge" failed (add): <plugin error>``
(the :class:`CniError` keeps the plugin's code). Without a usable configuration every operation fails
with ``cni plugin not initialized``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from labk8s._sim.rng import Rng
from labk8s.node.cni.bridge import Bridge
from labk8s.node.cni.config import (
    CNI_NOT_INITIALIZED,
    CONF_DIR,
    ConfigError,
    NetworkConfigList,
    conf_files,
    load_from_dir,
)
from labk8s.node.cni.host_local import HostLocal
from labk8s.node.cni.loopback import Loopback
from labk8s.node.cni.netlink import NodeNetwork
from labk8s.node.cni.portmap import PortMap
from labk8s.node.cni.skel import CmdArgs, Plugin, PluginFailure, dispatch, exec_plugin
from labk8s.node.cni.spec import CniError, Result, version_tuple
from labk8s.node.runtime.shell.filesystem import Filesystem, FsError

__all__ = ["BIN_DIR", "CACHE_DIR", "PLUGIN_TYPES", "CniRunner"]

#: containerd's ``bin_dir``.
BIN_DIR = "/opt/cni/bin"
#: libcni's ``CacheDir``.
CACHE_DIR = "/var/lib/cni"
#: Plugins this node can run (binaries installed in /opt/cni/bin by :mod:`labk8s.node.nodefs`).
PLUGIN_TYPES = ("bridge", "host-local", "loopback", "portmap")
#: Not a plugin error: libcni/go-cni failed before or around the plugin (``ErrUnknown``).
_RUNTIME_ERROR = 0

_LOOPBACK = NetworkConfigList("cni-loopback", "1.0.0", [{"type": "loopback"}], source="<loopback>")


def _describe(plugin: Mapping[str, Any]) -> str:
    """libcni's ``pluginDescription``: ``type="bridge"`` (+ ``name="x"`` when the plugin names itself)."""
    out = f"type={json.dumps(str(plugin.get('type', '')))}"
    if plugin.get("name"):
        out += f" name={json.dumps(str(plugin['name']))}"
    return out


class CniRunner:
    """The CNI side of one node's container runtime."""

    def __init__(self, fs: Filesystem, net: NodeNetwork, rng: Rng, conf_dir: str = CONF_DIR,
                 bin_dir: str = BIN_DIR, cache_dir: str = CACHE_DIR) -> None:
        self.fs = fs
        self.net = net
        self.conf_dir = conf_dir
        self.bin_dir = bin_dir
        self.cache_dir = cache_dir
        self.plugins: dict[str, Plugin] = {
            "bridge": Bridge(net, rng, self._invoke_ipam),
            "host-local": HostLocal(fs),
            "loopback": Loopback(net),
            "portmap": PortMap(net),
        }
        self._key: tuple[tuple[str, str], ...] | None = None
        self._config: NetworkConfigList | None = None
        self._load_error: str | None = None

    # -- configuration ---------------------------------------------------------------------------
    def _reload(self) -> None:
        files = conf_files(self.fs, self.conf_dir)
        key = tuple((f, self._read(f)) for f in files[:1])
        if key == self._key:
            return
        self._key = key
        try:
            self._config, self._load_error = load_from_dir(self.fs, self.conf_dir), None
        except (ConfigError, FsError) as err:
            self._config = None
            self._load_error = f"cni config load failed: {err}: failed to load cni config"

    def _read(self, path: str) -> str:
        try:
            return self.fs.read(path)
        except FsError:
            return ""

    def config(self) -> NetworkConfigList | None:
        """The network in use, or None."""
        self._reload()
        return self._config

    def load_error(self) -> str | None:
        """Why no network is loaded (containerd logs it), e.g. ``cni config load failed: no network
        config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config``."""
        self._reload()
        return self._load_error

    def status(self) -> str | None:
        """go-cni ``Status()``: None when ready, else ``cni plugin not initialized``."""
        return None if self.config() is not None else CNI_NOT_INITIALIZED

    # -- operations --------------------------------------------------------------------------------
    def setup(self, container_id: str, netns: str, args: Mapping[str, str] | None = None,
              capability_args: Mapping[str, Any] | None = None, ifname: str = "eth0") -> Result:
        """Attach a sandbox: loopback, then the network list on ``ifname``; raises :class:`CniError`."""
        config = self.config()
        if config is None:
            raise CniError(_RUNTIME_ERROR, CNI_NOT_INITIALIZED)
        cni_args = self._cni_args(args)
        caps = dict(capability_args or {})
        self._add_list(_LOOPBACK, container_id, netns, "lo", cni_args, {})
        return self._add_list(config, container_id, netns, ifname, cni_args, caps)

    def teardown(self, container_id: str, netns: str, args: Mapping[str, str] | None = None,
                 capability_args: Mapping[str, Any] | None = None, ifname: str = "eth0") -> None:
        """Detach a sandbox (go-cni ``Remove``: networks in reverse order); idempotent."""
        config = self.config()
        if config is None:
            raise CniError(_RUNTIME_ERROR, CNI_NOT_INITIALIZED)
        cni_args = self._cni_args(args)
        caps = dict(capability_args or {})
        for lst, name in ((config, ifname), (_LOOPBACK, "lo")):
            try:
                self._del_list(lst, container_id, netns, name, cni_args, caps)
            except CniError as err:
                if "not found" in str(err) or (not netns and "no such file or directory" in str(err)):
                    continue
                raise

    def check(self, container_id: str, netns: str, args: Mapping[str, str] | None = None,
              ifname: str = "eth0") -> None:
        """CHECK the configured network for a sandbox; raises :class:`CniError`."""
        config = self.config()
        if config is None:
            raise CniError(_RUNTIME_ERROR, CNI_NOT_INITIALIZED)
        version = config.cni_version or "0.1.0"
        if version_tuple(version) < (0, 4, 0):
            raise CniError(_RUNTIME_ERROR, f'configuration version "{version}" does not support the CHECK command')
        if config.disable_check:
            return
        cached = self._cached(config.name, container_id, ifname)
        for plugin in config.plugins:
            self._exec("CHECK", config, plugin, cached, container_id, netns, ifname, self._cni_args(args), {})

    def exec_plugin(self, plugin_type: str, env: Mapping[str, str], stdin: str) -> tuple[int, str]:
        """Run a plugin binary directly (what ``cnitool`` or a test does): (exit status, stdout)."""
        if plugin_type not in self.plugins or not self.fs.is_file(f"{self.bin_dir}/{plugin_type}"):
            raise FileNotFoundError(f"{self.bin_dir}/{plugin_type}: no such file or directory")
        return exec_plugin(self.plugins[plugin_type], env, stdin)

    # -- libcni ------------------------------------------------------------------------------------
    @staticmethod
    def _cni_args(args: Mapping[str, str] | None) -> str:
        pairs = {"IgnoreUnknown": "1", **dict(args or {})}
        return ";".join(f"{k}={pairs[k]}" for k in sorted(pairs))

    def _add_list(self, lst: NetworkConfigList, cid: str, netns: str, ifname: str, cni_args: str,
                  caps: dict[str, Any]) -> Result:
        result: Result | None = None
        for plugin in lst.plugins:
            try:
                result = self._exec("ADD", lst, plugin, result, cid, netns, ifname, cni_args, caps)
            except CniError as err:
                raise err.wrap(f"plugin {_describe(plugin)} failed (add)") from None
        assert result is not None
        if lst is not _LOOPBACK:
            self._cache_add(lst, cid, ifname, cni_args, caps, result)
        return result

    def _del_list(self, lst: NetworkConfigList, cid: str, netns: str, ifname: str, cni_args: str,
                  caps: dict[str, Any]) -> None:
        cached = None
        if version_tuple(lst.cni_version or "0.1.0") >= (0, 4, 0):
            cached = self._cached(lst.name, cid, ifname)
        for plugin in reversed(lst.plugins):
            try:
                self._exec("DEL", lst, plugin, cached, cid, netns, ifname, cni_args, caps)
            except CniError as err:
                raise err.wrap(f"plugin {_describe(plugin)} failed (delete)") from None
        if lst is not _LOOPBACK:
            self._cache_del(lst.name, cid, ifname)

    def _exec(self, command: str, lst: NetworkConfigList, plugin: Mapping[str, Any], prev: Result | None,
              cid: str, netns: str, ifname: str, cni_args: str, caps: dict[str, Any]) -> Result:
        impl = self._find(str(plugin.get("type", "")))
        conf: dict[str, Any] = dict(plugin)
        conf["name"] = lst.name
        conf["cniVersion"] = lst.cni_version
        if prev is not None:
            conf["prevResult"] = prev.to_dict(lst.cni_version or None)
        wanted = plugin.get("capabilities") or {}
        runtime = {k: caps[k] for k in sorted(caps) if isinstance(wanted, dict) and wanted.get(k)}
        if runtime:
            conf["runtimeConfig"] = runtime
        out = dispatch(impl, command, cid, netns, ifname, cni_args, self.bin_dir, conf)
        return out if out is not None else (prev or Result())

    def _find(self, plugin_type: str) -> Plugin:
        path = f"{self.bin_dir}/{plugin_type}"
        if not self.fs.is_file(path):
            raise CniError(_RUNTIME_ERROR, f'failed to find plugin "{plugin_type}" in path [{self.bin_dir}]')
        impl = self.plugins.get(plugin_type)
        if impl is None:
            raise CniError(_RUNTIME_ERROR, f"fork/exec {path}: exec format error")
        return impl

    def _invoke_ipam(self, command: str, plugin_type: str, args: CmdArgs) -> Result | None:
        """``ipam.ExecAdd``/``ExecDel``/``ExecCheck``: the delegate gets the same stdin and environment."""
        path = f"{args.path or self.bin_dir}/{plugin_type}"
        impl = self.plugins.get(plugin_type)
        if not self.fs.is_file(path) or impl is None:
            raise PluginFailure(f'failed to find plugin "{plugin_type}" in path [{args.path or self.bin_dir}]')
        return dispatch(impl, command, args.container_id, args.netns, args.ifname, args.args, args.path, args.conf)

    # -- result cache ------------------------------------------------------------------------------
    def _cache_path(self, network: str, cid: str, ifname: str) -> str:
        return f"{self.cache_dir}/results/{network}-{cid}-{ifname}"

    def _cache_add(self, lst: NetworkConfigList, cid: str, ifname: str, cni_args: str, caps: dict[str, Any],
                   result: Result) -> None:
        entry = {
            "kind": "cniCacheV1",
            "containerId": cid,
            "ifName": ifname,
            "networkName": lst.name,
            "cniArgs": [kv.split("=", 1) for kv in cni_args.split(";") if kv],
            "capabilityArgs": caps,
            "result": result.to_dict(lst.cni_version or None),
        }
        if not self.fs.is_dir(f"{self.cache_dir}/results"):
            self.fs.mkdir(f"{self.cache_dir}/results", parents=True)
        self.fs.write(self._cache_path(lst.name, cid, ifname), json.dumps(entry, separators=(",", ":")))

    def _cached(self, network: str, cid: str, ifname: str) -> Result | None:
        try:
            data = json.loads(self.fs.read(self._cache_path(network, cid, ifname)))
            return Result.from_dict(data["result"])
        except (FsError, ValueError, KeyError, TypeError):
            return None

    def _cache_del(self, network: str, cid: str, ifname: str) -> None:
        try:
            self.fs.remove(self._cache_path(network, cid, ifname))
        except FsError:
            pass
