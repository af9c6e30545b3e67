"""A node's own filesystem (a :class:`Filesystem` of the shell package), as ``node_exec`` shows it.

Layout (a kubeadm/kind node running containerd)::

    /etc/cni/net.d/10-bridge.conflist      the CNI network (bridge + host-local over the podCIDR)
    /opt/cni/bin/{bridge,host-local,loopback,portmap}
    /var/lib/cni/networks/<network>/       host-local leases
    /var/lib/cni/results/                  libcni's result cache
    /var/log/pods/<ns>_<pod>_<uid>/<container>/<attempt>.log   container logs in the CRI format
    /etc/containerd/config.toml, /etc/crictl.yaml, /run/containerd/containerd.sock
    /etc/kubernetes/manifests/, /var/lib/kubelet/

Log lines are ``<RFC 3339 nano time> <stream> <F|P> <text>`` (``P`` for a partial line), as containerd's
CRI logger writes them; Go's RFC3339Nano trims trailing zeros of the fraction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from labk8s._sim.clock import EPOCH
from labk8s.node.cni.config import CONF_DIR, DEFAULT_CONFLIST_NAME, DEFAULT_NETWORK_NAME, default_conflist
from labk8s.node.cni.runner import BIN_DIR, CACHE_DIR, PLUGIN_TYPES
from labk8s.node.images.imageservice import SANDBOX_IMAGE
from labk8s.node.runtime.shell.filesystem import Filesystem
from labk8s.node.runtime.shell.images import base_filesystem

__all__ = [
    "CONTAINERD_CONFIG",
    "CRICTL_CONFIG",
    "NODE_TOOLS",
    "cri_log_line",
    "format_rfc3339_nano",
    "install_binary",
    "node_filesystem",
]

#: The node's OS (as nodeInfo.osImage says: kind's node image is Debian 12).
OS_RELEASE = ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
              'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n')
CRICTL_CONFIG = ("runtime-endpoint: unix:///run/containerd/containerd.sock\n"
                 "image-endpoint: unix:///run/containerd/containerd.sock\n"
                 "timeout: 10\n")
CONTAINERD_CONFIG = f"""version = 3

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'

    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '{SANDBOX_IMAGE}'

  [plugins.'io.containerd.cri.v1.runtime']
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['{BIN_DIR}']
      conf_dir = '{CONF_DIR}'
      max_conf_num = 1

    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'

      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        SystemdCgroup = false
"""
#: Programs of the node beyond the Debian base (their behaviour comes from the tools node_exec registers).
NODE_TOOLS = ("/usr/local/bin/crictl", "/usr/local/bin/containerd", "/usr/bin/kubelet", "/usr/sbin/ip",
              "/usr/local/sbin/runc")


def install_binary(fs: Filesystem, path: str) -> None:
    """An executable file at ``path`` (its contents do not matter to the shell)."""
    parent = path.rsplit("/", 1)[0] or "/"
    fs.mkdir(parent, parents=True)
    fs.write(path, "\x7fELF " + path.rsplit("/", 1)[-1] + "\n")
    fs.chmod(path, 0o755)


def node_filesystem(node_name: str, node_ip: str, pod_cidr: str | None,
                    clock: Callable[[], int] | None = None, network: str = DEFAULT_NETWORK_NAME) -> Filesystem:
    """The root filesystem of node ``node_name``; without ``pod_cidr`` there is no CNI configuration yet."""
    fs = base_filesystem("debian:bookworm", hostname=node_name, clock=clock)
    fs.write("/etc/os-release", OS_RELEASE)
    fs.write("/etc/hosts", f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                           f"{node_ip}\t{node_name}\n")
    gateway = ".".join(node_ip.split(".")[:3] + ["1"])
    fs.write("/etc/resolv.conf", f"nameserver {gateway}\n")
    for d in (CONF_DIR, f"{CACHE_DIR}/networks", f"{CACHE_DIR}/results", "/var/log/pods", "/var/log/containers",
              "/etc/kubernetes/manifests", "/var/lib/kubelet", "/etc/containerd", "/run/containerd",
              "/var/run/netns"):
        fs.mkdir(d, parents=True)
    for plugin in PLUGIN_TYPES:
        install_binary(fs, f"{BIN_DIR}/{plugin}")
    for tool in NODE_TOOLS:
        install_binary(fs, tool)
    fs.write("/etc/containerd/config.toml", CONTAINERD_CONFIG)
    fs.write("/etc/crictl.yaml", CRICTL_CONFIG)
    fs.write("/run/containerd/containerd.sock", "")
    fs.chmod("/run/containerd/containerd.sock", 0o660)
    if pod_cidr:
        fs.write(f"{CONF_DIR}/{DEFAULT_CONFLIST_NAME}", default_conflist(pod_cidr, network))
    return fs


def format_rfc3339_nano(ms: int) -> str:
    """Go's ``time.RFC3339Nano`` of virtual time ``ms`` (trailing zeros of the fraction trimmed)."""
    when = EPOCH + timedelta(milliseconds=ms)
    base = when.strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{ms % 1000:03d}".rstrip("0")
    return f"{base}.{frac}Z" if frac else f"{base}Z"


def cri_log_line(time_ms: int, stream: str, text: str) -> str:
    """One line of a container log file: ``2026-01-01T00:00:05.1Z stdout F hello``."""
    if text.endswith("\n"):
        return f"{format_rfc3339_nano(time_ms)} {stream} F {text}"
    return f"{format_rfc3339_nano(time_ms)} {stream} P {text}\n"
