"""Records of the container runtime: CRI configs and statuses, sandboxes, containers, the process driver.

State machine of a container (containerd's CRI container store)::

    CREATED --StartContainer--> RUNNING --process exits / killed--> EXITED
    CREATED --StartContainer fails--> EXITED (exit code 128, reason StartError)

An exited container's reason is ``Completed`` (exit code 0), ``Error`` (otherwise), ``OOMKilled`` when the
kernel killed it for memory, ``StartError`` when it never started, and ``Unknown`` (exit code 255) when the
node went down under it. A sandbox is READY from RunPodSandbox until StopPodSandbox (NOTREADY).

Errors are gRPC statuses as the kubelet's CRI client sees them: ``str(CriError)`` is ``rpc error: code =
NotFound desc = <containerd's message>``; :func:`grpc_message` recovers the description from such a text.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from labk8s._sim.loop import Event, EventLoop
from labk8s.node.runtime.cgroup import Cgroup, LinuxContainerResources
from labk8s.node.runtime.shell.filesystem import Filesystem, normalize
from labk8s.node.runtime.shell.process import LogLine, ProcessContext, Signal, Sleep, Wait
from labk8s.node.runtime.shell.runner import lookup_executable

__all__ = [
    "DEFAULT_PATH",
    "DNSConfig",
    "LinuxContainerResources",
    "RuntimeVersion",
    "exec_check",
    "go_duration",
    "ContainerConfig",
    "ContainerState",
    "ContainerStatus",
    "CriError",
    "Mount",
    "PodSandboxConfig",
    "PortMapping",
    "ProcessDriver",
    "RuntimeCondition",
    "SandboxState",
    "SandboxStatus",
    "grpc_code",
    "grpc_message",
]

#: Labels the kubelet puts on every container (``pkg/kubelet/types/labels.go``); crictl reads them.
POD_NAME_LABEL = "io.kubernetes.pod.name"
POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace"
POD_UID_LABEL = "io.kubernetes.pod.uid"
CONTAINER_NAME_LABEL = "io.kubernetes.container.name"


#: The PATH an OCI spec starts with (``oci.WithDefaultPathEnv``).
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def go_duration(seconds: int) -> str:
    """Go's ``time.Duration.String`` for whole seconds: ``1s``, ``1m30s``, ``1h0m0s``."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{s}s"
    if m:
        return f"{m}m{s}s"
    return f"{s}s"


def exec_check(fs: Filesystem, path_var: str, cwd: str, argv0: str) -> str | None:
    """runc's lookup of the program to run: None when it can run, else the error detail
    (``exec: "foo": executable file not found in $PATH``)."""
    if "/" in argv0 and fs.is_dir(normalize(argv0, cwd)):
        return f'exec: "{argv0}": permission denied'
    found = lookup_executable(argv0, fs, path_var, cwd) if argv0 else None
    if found is None:
        if "/" in argv0:
            return f'exec: "{argv0}": stat {argv0}: no such file or directory'
        return f'exec: "{argv0}": executable file not found in $PATH'
    if fs.exists(found) and not fs.stat(found).mode & 0o111:
        return f'exec: "{argv0}": permission denied'
    return None


@dataclass(frozen=True)
class RuntimeVersion:
    """``Version``: what ``crictl version`` prints."""

    version: str = "0.1.0"
    runtime_name: str = "containerd"
    runtime_version: str = "v2.2.0"
    runtime_api_version: str = "v1"


class CriError(Exception):
    """A failed CRI call: gRPC ``code`` (``NotFound``, ``Unknown``, ...) and containerd's ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"rpc error: code = {self.code} desc = {self.message}"


_PREFIX = "rpc error: code = "


def grpc_code(text: str) -> str:
    """``status.Code(err)`` of an error text (``Unknown`` for texts that are not gRPC statuses)."""
    if text.startswith(_PREFIX):
        return text[len(_PREFIX):].split(" desc = ", 1)[0]
    return "Unknown"


def grpc_message(text: str) -> str:
    """``status.Convert(err).Message()``: the description without the ``rpc error`` prefix."""
    if text.startswith(_PREFIX) and " desc = " in text:
        return text.split(" desc = ", 1)[1]
    return text


class ContainerState(StrEnum):
    CREATED = "CREATED"
    RUNNING = "RUNNING"
    EXITED = "EXITED"
    UNKNOWN = "UNKNOWN"


class SandboxState(StrEnum):
    READY = "READY"
    NOTREADY = "NOTREADY"


# -- what the kubelet passes -----------------------------------------------------------------------
@dataclass(frozen=True)
class PortMapping:
    """A hostPort of the pod (``PortMapping`` of the sandbox config)."""

    container_port: int
    host_port: int = 0
    protocol: str = "TCP"
    host_ip: str = ""


@dataclass(frozen=True)
class DNSConfig:
    """The resolv.conf containerd writes for the sandbox (``DNSConfig`` of the sandbox config)."""

    servers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()

    def resolv_conf(self) -> str:
        """containerd's ``parseDNSOptions``."""
        out = ""
        if self.searches:
            out += f"search {' '.join(self.searches)}\n"
        if self.servers:
            out += "nameserver " + "\nnameserver ".join(self.servers) + "\n"
        if self.options:
            out += f"options {' '.join(self.options)}\n"
        return out


def _get(d: dict[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        if key in d and d[key] is not None:
            return d[key]
    return default


@dataclass
class PodSandboxConfig:
    name: str
    namespace: str
    uid: str
    attempt: int = 0
    hostname: str = ""
    #: ``/var/log/pods/<namespace>_<name>_<uid>``; "" disables the log files.
    log_directory: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    port_mappings: list[PortMapping] = field(default_factory=list)
    #: hostNetwork pods get no namespace and no CNI call; their sandbox has no IP (the kubelet uses the
    #: node's).
    host_network: bool = False
    #: None: the containers get the node's /etc/resolv.conf.
    dns: DNSConfig | None = None

    @classmethod
    def from_cri(cls, d: dict[str, Any]) -> PodSandboxConfig:
        """From the CRI message as a dict (``metadata``, ``hostname``, ``log_directory``, ``dns_config``,
        ``port_mappings``, ``labels``, ``annotations``, ``linux.security_context.namespace_options``)."""
        meta = _get(d, "metadata", default={})
        ns_opts = ((_get(d, "linux", default={}).get("security_context") or {}).get("namespace_options") or {})
        dns = _get(d, "dns_config", "dns")
        pms = [PortMapping(int(_get(p, "container_port", "containerPort", default=0)),
                           int(_get(p, "host_port", "hostPort", default=0)), str(_get(p, "protocol", default="TCP")),
                           str(_get(p, "host_ip", "hostIP", default="")))
               for p in _get(d, "port_mappings", default=[])]
        return cls(
            name=str(_get(meta, "name", default=_get(d, "name", default=""))),
            namespace=str(_get(meta, "namespace", default=_get(d, "namespace", default=""))),
            uid=str(_get(meta, "uid", default=_get(d, "uid", default=""))),
            attempt=int(_get(meta, "attempt", default=_get(d, "attempt", default=0))),
            hostname=str(_get(d, "hostname", default="")),
            log_directory=str(_get(d, "log_directory", default="")),
            labels=dict(_get(d, "labels", default={})),
            annotations=dict(_get(d, "annotations", default={})),
            port_mappings=pms,
            host_network=bool(_get(d, "host_network", default=False)) or ns_opts.get("network") == "NODE",
            dns=None if dns is None else DNSConfig(tuple(_get(dns, "servers", default=[])),
                                                   tuple(_get(dns, "searches", default=[])),
                                                   tuple(_get(dns, "options", default=[]))),
        )


@dataclass(frozen=True)
class Mount:
    """A volume (another :class:`Filesystem`) mounted into the container at ``container_path``."""

    container_path: str
    fs: Filesystem
    sub_path: str = ""
    read_only: bool = False


@dataclass
class ContainerConfig:
    name: str
    image: str
    command: list[str] | None = None
    args: list[str] | None = None
    #: Environment in the kubelet's order (a dict keeps insertion order).
    env: dict[str, str] = field(default_factory=dict)
    working_dir: str = ""
    mounts: list[Mount] = field(default_factory=list)
    attempt: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    #: Relative to the sandbox's log directory: ``<container>/<attempt>.log``.
    log_path: str = ""
    stdin: bool = False
    tty: bool = False
    #: ``SIGTERM`` etc.; "" uses the image's STOPSIGNAL (SIGTERM by default).
    stop_signal: str = ""
    read_only_root_filesystem: bool = False
    #: ``linux.resources``: CFS quota and shares, ``memory_limit_in_bytes`` (the cgroup's memory.max).
    resources: LinuxContainerResources = field(default_factory=LinuxContainerResources)

    @classmethod
    def from_cri(cls, d: dict[str, Any]) -> ContainerConfig:
        """From the CRI message as a dict (``metadata``, ``image`` (a string or ``{"image": ...}``),
        ``command``, ``args``, ``envs`` ([{key, value}]) or ``env``, ``working_dir``, ``mounts``, ``labels``,
        ``annotations``, ``log_path``, ``stdin``, ``tty``, ``linux.resources``). A mount needs its volume as
        ``fs`` (a :class:`Filesystem`); mounts without one are not mounted."""
        meta = _get(d, "metadata", default={})
        image = _get(d, "image", default="")
        if isinstance(image, dict):
            image = _get(image, "image", default="")
        env: dict[str, str] = {}
        raw_env = _get(d, "envs", "env", default={})
        if isinstance(raw_env, dict):
            env = {str(k): str(v) for k, v in raw_env.items()}
        else:
            for item in raw_env:
                k, v = (item.get("key", item.get("name")), item.get("value")) if isinstance(item, dict) else item
                env[str(k)] = str(v if v is not None else "")
        mounts = []
        for m in _get(d, "mounts", default=[]):
            if isinstance(m, Mount):
                mounts.append(m)
                continue
            fs = _get(m, "fs", "filesystem")
            if isinstance(fs, Filesystem):
                mounts.append(Mount(str(_get(m, "container_path", "containerPath", "mountPath", default="")), fs,
                                    str(_get(m, "sub_path", "subPath", default="")),
                                    bool(_get(m, "readonly", "read_only", "readOnly", default=False))))
        command = _get(d, "command")
        args = _get(d, "args")
        res = _get(_get(d, "linux", default={}), "resources", default={})
        resources = LinuxContainerResources(**{k: int(_get(res, k, default=0)) for k in (
            "cpu_period", "cpu_quota", "cpu_shares", "memory_limit_in_bytes")},
            unified={str(k): str(v) for k, v in (_get(res, "unified", default={})).items()})
        return cls(
            name=str(_get(meta, "name", default=_get(d, "name", default=""))), image=str(image),
            command=list(command) if command else None, args=list(args) if args else None, env=env,
            working_dir=str(_get(d, "working_dir", default="")), mounts=mounts,
            attempt=int(_get(meta, "attempt", default=_get(d, "attempt", default=0))),
            labels=dict(_get(d, "labels", default={})), annotations=dict(_get(d, "annotations", default={})),
            log_path=str(_get(d, "log_path", default="")), stdin=bool(_get(d, "stdin", default=False)),
            tty=bool(_get(d, "tty", default=False)), stop_signal=str(_get(d, "stop_signal", default="")),
            read_only_root_filesystem=bool(_get(d, "read_only_root_filesystem", default=False)),
            resources=resources,
        )


# -- what the runtime reports ----------------------------------------------------------------------
@dataclass(frozen=True)
class SandboxStatus:
    id: str
    name: str
    namespace: str
    uid: str
    attempt: int
    state: SandboxState
    #: Virtual milliseconds.
    created_at: int
    ip: str
    additional_ips: tuple[str, ...]
    netns: str
    hostname: str
    host_network: bool
    labels: dict[str, str]
    annotations: dict[str, str]


@dataclass(frozen=True)
class ContainerStatus:
    id: str
    sandbox_id: str
    name: str
    attempt: int
    state: ContainerState
    #: Virtual milliseconds; 0 when the event has not happened.
    created_at: int
    started_at: int
    finished_at: int
    exit_code: int
    reason: str
    message: str
    #: ``docker.io/library/nginx:latest`` (the image's first tag).
    image: str
    #: ``docker.io/library/nginx@sha256:...`` (what a pod's ``imageID`` shows).
    image_ref: str
    #: ``sha256:...`` (the image ID).
    image_id: str
    labels: dict[str, str]
    annotations: dict[str, str]
    log_path: str


@dataclass(frozen=True)
class RuntimeCondition:
    """``RuntimeStatus`` conditions: ``RuntimeReady`` and ``NetworkReady``."""

    type: str
    status: bool
    reason: str = ""
    message: str = ""


# -- internal records ------------------------------------------------------------------------------
@dataclass(slots=True)
class Sandbox:
    id: str
    config: PodSandboxConfig
    created_at: int
    state: SandboxState = SandboxState.READY
    netns: str = ""
    ip: str = ""
    additional_ips: tuple[str, ...] = ()
    name_key: str = ""
    seq: int = 0

    def status(self) -> SandboxStatus:
        c = self.config
        return SandboxStatus(self.id, c.name, c.namespace, c.uid, c.attempt, self.state, self.created_at, self.ip,
                             self.additional_ips, self.netns, c.hostname, c.host_network, dict(c.labels),
                             dict(c.annotations))


@dataclass(slots=True)
class Container:
    id: str
    sandbox_id: str
    config: ContainerConfig
    created_at: int
    image: str
    image_ref: str
    image_id: str
    fs: Filesystem
    env: dict[str, str]
    cwd: str
    log_path: str
    name_key: str
    seq: int
    state: ContainerState = ContainerState.CREATED
    started_at: int = 0
    finished_at: int = 0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    #: A mount failure found at create time, reported when the container is started.
    start_error: str = ""
    log: list[LogLine] = field(default_factory=list)
    process: ProcessDriver | None = None
    ctx: ProcessContext | None = None
    #: A pending SIGKILL of StopContainer and the callbacks waiting for the exit.
    kill_event: Event | None = None
    kill_at: int = 0
    stop_callbacks: list[Callable[[], None]] = field(default_factory=list)
    execs: list[ProcessDriver] = field(default_factory=list)
    exit_reason: str = ""
    next_exec_pid: int = 100
    #: The cgroup of the running process (memory and CPU accounting, OOM killer); None until started.
    cgroup: Cgroup | None = None

    def status(self) -> ContainerStatus:
        c = self.config
        return ContainerStatus(self.id, self.sandbox_id, c.name, c.attempt, self.state, self.created_at,
                               self.started_at, self.finished_at, self.exit_code, self.reason, self.message,
                               self.image, self.image_ref, self.image_id, dict(c.labels), dict(c.annotations),
                               self.log_path)


ProcessGen = Generator[Wait, Signal | None, int]


class ProcessDriver:
    """Runs a process generator on the event loop: a :class:`Sleep` becomes a loop event, a
    ``WaitForever`` waits for a signal; the exit code goes to ``on_exit``. Whatever the process does,
    no exception leaves the driver."""

    def __init__(self, loop: EventLoop, gen: ProcessGen, label: str, on_exit: Callable[[int], None],
                 ctx: ProcessContext | None = None) -> None:
        self.loop = loop
        self.gen = gen
        self.label = label
        self.on_exit = on_exit
        self.ctx = ctx
        self.event: Event | None = None
        self.done = False
        self.started = False

    def start(self) -> None:
        if not self.started and not self.done:
            self.started = True
            self._step(None)

    def signal(self, name: str) -> None:
        """Deliver a signal now (SIGKILL always ends the process with 137)."""
        if self.done:
            return
        if not self.started:
            self.started = True
            self._step(None)
            if self.done:
                return
        self._step(Signal(name))

    def kill(self, code: int) -> None:
        """End the process at once with ``code`` without running any handler (power-off, OOM)."""
        if self.done:
            return
        self._cancel()
        try:
            self.gen.close()
        except Exception:  # noqa: BLE001 - a process must not crash the simulator
            pass
        self._finish(code)

    def _cancel(self) -> None:
        if self.event is not None:
            self.event.cancel()
            self.event = None

    def _step(self, value: Any) -> None:
        if self.done:
            return
        self._cancel()
        try:
            wait = self.gen.send(value)  # send(None) to a fresh generator starts it
        except StopIteration as stop:
            self._finish(stop.value if isinstance(stop.value, int) else 0)
            return
        except Exception as exc:  # noqa: BLE001 - nothing a container does may crash the simulator
            if self.ctx is not None:
                self.ctx.emit("stderr", f"labk8s: process failed: {type(exc).__name__}: {exc}\n")
                self.ctx.flush()
            self._finish(255)
            return
        if isinstance(wait, Sleep):
            self.event = self.loop.call_later(max(0, wait.ms), lambda: self._step(None), label=self.label)

    def _finish(self, code: int) -> None:
        self._cancel()
        self.done = True
        self.on_exit(code & 0xFF)
