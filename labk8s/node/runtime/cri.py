"""The node's container runtime: containerd's CRI services over simulated containers, on virtual time.

API (the kubelet's view; errors are :class:`CriError`, and callback errors are the same gRPC texts,
``rpc error: code = <Code> desc = <containerd's message>``)::

    rt = ContainerRuntime(loop, node_name, node_fs, images, cni, rng, cpu_count=4)
    # image service
    rt.pull_image(image, callback)            # callback(image_id, None) | callback(None, error text)
    rt.image_status(image) -> ImageInfo | None;  rt.list_images();  rt.remove_image(image)
    # runtime service
    rt.run_pod_sandbox(config, callback)      # callback(sandbox_id, None) | callback(None, error text)
    rt.stop_pod_sandbox(id); rt.remove_pod_sandbox(id); rt.pod_sandbox_status(id); rt.list_pod_sandbox()
    rt.create_container(sandbox_id, config) -> id    # raises CriError (image not present, name reserved)
    rt.start_container(id)                    # raises CriError; the container is then EXITED/StartError
    rt.stop_container(id, timeout_s, callback=None)  # stop signal, SIGKILL after timeout_s
    rt.kill_container(id, exit_code=137, reason=None)  # reason "OOMKilled" for the OOM killer
    rt.container_memory_usage(id) -> bytes;  rt.container_cpu_usage(id) -> millicores now
    rt.container_cpu_usage_core_nanoseconds(id) -> cumulative CPU time
    rt.remove_container(id); rt.container_status(id); rt.list_containers(sandbox_id=None)
    rt.exec_sync(id, cmd, timeout_s, callback)   # callback(exit_code, stdout, stderr)
    rt.logs(id) -> [(time_ms, stream, text)];  rt.subscribe(callback)  # callback(container/sandbox id)
    rt.status() -> [RuntimeCondition];  rt.shutdown();  rt.power_on();  rt.sync_log_files()

    rt = new_node_runtime(loop, "node-1", "172.18.0.3", "10.244.1.0/24", registry, rng)  # all of a node

Timing: RunPodSandbox completes after :data:`SANDBOX_CREATE_MS` plus :data:`CNI_ADD_MS` (plus the pull
of the pause image when the node lacks it). CreateContainer and StartContainer return at once; the kubelet
charges :data:`CONTAINER_CREATE_MS` and :data:`CONTAINER_START_MS` for them. A started process runs from
the next event of the loop; subscribers hear of every state change through a loop event, never from
inside a call.

Resources: each started container gets a :class:`~labk8s.node.runtime.cgroup.Cgroup` with the limits of
``ContainerConfig.resources``; its processes (PID 1 and exec'd ones) report what they use through
``ProcessContext.account``. A charge above ``memory_limit_in_bytes`` makes the OOM killer kill the whole
container (memory.oom.group) in a loop event of the same millisecond: exit code 137, reason ``OOMKilled``.

Exec timeouts: ``callback(EXEC_TIMEOUT_EXIT_CODE, "", "rpc error: code = DeadlineExceeded desc = failed to
exec in container: timeout 1s exceeded: context deadline exceeded")``; the exec process is SIGKILLed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from labk8s._sim.loop import Event, EventLoop
from labk8s._sim.rng import Rng
from labk8s.node.cni.netlink import NodeNetwork
from labk8s.node.cni.runner import CniRunner
from labk8s.node.cni.spec import CniError
from labk8s.node.images.imageservice import SANDBOX_IMAGE, ImageInfo, ImageService, PullError
from labk8s.node.images.registry import Registry
from labk8s.node.nodefs import cri_log_line, node_filesystem
from labk8s.node.runtime.cgroup import Cgroup
from labk8s.node.runtime.containers import (
    CONTAINER_NAME_LABEL,
    DEFAULT_PATH,
    POD_NAME_LABEL,
    POD_NAMESPACE_LABEL,
    POD_UID_LABEL,
    Container,
    ContainerConfig,
    ContainerState,
    ContainerStatus,
    CriError,
    PodSandboxConfig,
    ProcessDriver,
    RuntimeCondition,
    RuntimeVersion,
    Sandbox,
    SandboxState,
    SandboxStatus,
    exec_check,
    go_duration,
)
from labk8s.node.runtime.shell import (
    Filesystem,
    FsError,
    ProcessContext,
    base_filesystem,
    container_argv,
    image_config,
    normalize,
    run_command,
    run_image_default,
)
from labk8s.node.runtime.shell.filesystem import Dir, File
from labk8s.node.runtime.shell.process import LogLine

__all__ = [
    "CNI_ADD_MS",
    "CONTAINER_CREATE_MS",
    "CONTAINER_START_MS",
    "EXEC_TIMEOUT_EXIT_CODE",
    "SANDBOX_CREATE_MS",
    "ContainerRuntime",
    "new_node_runtime",
]

#: RunPodSandbox without the network: sandbox metadata, netns, the pause task (containerd's
#: ``sandbox_run``; a few hundred ms on a kind node).
SANDBOX_CREATE_MS = 300
#: The CNI ADD of loopback + bridge + host-local + portmap: four plugin execs, netlink, a lease file.
CNI_ADD_MS = 100
#: CreateContainer: snapshot preparation and OCI spec (charged by the kubelet around the call).
CONTAINER_CREATE_MS = 50
#: StartContainer: runc create + start through the shim (charged by the kubelet around the call).
CONTAINER_START_MS = 100
#: Exit code passed to an exec callback whose command ran past its timeout.
EXEC_TIMEOUT_EXIT_CODE = -1
#: containerd's exit code and reason for a container that failed to start / vanished with the node.
START_ERROR_EXIT_CODE = 128
UNKNOWN_EXIT_CODE = 255
_OCI_CREATE = ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc "
               "create failed: unable to start container process: error during container init: ")
_OCI_EXEC = "OCI runtime exec failed: exec failed: unable to start container process: "


#: Unpacked image trees by image reference, shared by the runtimes of a process (they are never changed).
_TEMPLATES: dict[str, Filesystem] = {}


def _clone(node: File | Dir) -> File | Dir:
    if isinstance(node, Dir):
        return Dir({k: _clone(v) for k, v in node.children.items()}, node.mode, node.mtime_ms)
    return File(node.data, node.mode, node.mtime_ms, node.device)


class ContainerRuntime:
    """containerd on one node (CRI runtime and image services)."""

    def __init__(self, loop: EventLoop, node_name: str, node_fs: Filesystem, images: ImageService,
                 cni: CniRunner, rng: Rng, cpu_count: int = 4) -> None:
        self.loop = loop
        self.node_name = node_name
        self.node_fs = node_fs
        self.images = images
        self.cni = cni
        self.net = cni.net
        self.rng = rng
        self.cpu_count = cpu_count
        self._sandboxes: dict[str, Sandbox] = {}
        self._containers: dict[str, Container] = {}
        self._sandbox_names: dict[str, str] = {}
        self._container_names: dict[str, str] = {}
        self._subscribers: list[Callable[[str], None]] = []
        self._log_written: dict[str, int] = {}
        self._seq = 0
        self._epoch = 0
        self._down = False

    # -- plumbing ------------------------------------------------------------------------------------
    def _new_id(self) -> str:
        while True:
            ident = f"{self.rng.getrandbits(256):064x}"
            if ident not in self._sandboxes and ident not in self._containers:
                return ident

    def _later(self, delay_ms: int, fn: Callable[[], object], label: str) -> Event:
        """A loop event that is dropped if the node powers off before it is due."""
        epoch = self._epoch

        def run() -> None:
            if not self._down and epoch == self._epoch:
                fn()

        return self.loop.call_later(delay_ms, run, label=label)

    def _notify(self, ident: str) -> None:
        if self._subscribers:
            self._later(0, lambda: [cb(ident) for cb in list(self._subscribers)], f"cri event {ident[:13]}")

    def _check_up(self) -> None:
        if self._down:
            raise CriError("Unavailable", 'connection error: desc = "transport: Error while dialing: dial unix '
                           '/run/containerd/containerd.sock: connect: connection refused"')

    def subscribe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(id)`` (through a loop event) whenever a container or sandbox changes state."""
        self._subscribers.append(callback)

    def version(self) -> RuntimeVersion:
        return RuntimeVersion()

    def status(self) -> list[RuntimeCondition]:
        """``Status``: RuntimeReady, and NetworkReady false while CNI has no configuration."""
        net_err = self.cni.status()
        network = (RuntimeCondition("NetworkReady", True) if net_err is None else
                   RuntimeCondition("NetworkReady", False, "NetworkPluginNotReady",
                                    f"Network plugin returns error: {net_err}"))
        return [RuntimeCondition("RuntimeReady", True), network]

    # -- image service ---------------------------------------------------------------------------------
    def pull_image(self, image: str, callback: Callable[[str | None, str | None], None]) -> None:
        self._check_up()

        def done(image_id: str | None, err: PullError | None) -> None:
            callback(image_id, str(CriError(err.code, err.message)) if err is not None else None)

        self.images.pull(image, done)

    def image_status(self, image: str) -> ImageInfo | None:
        return self.images.status(image)

    def list_images(self) -> list[ImageInfo]:
        return self.images.list()

    def remove_image(self, image: str) -> None:
        self._check_up()
        self.images.remove(image)

    # -- sandboxes ---------------------------------------------------------------------------------
    def run_pod_sandbox(self, config: PodSandboxConfig | dict[str, Any],
                        callback: Callable[[str | None, str | None], None]) -> None:
        """Create the sandbox (pause container, network namespace, CNI ADD); ``callback(id, error)``.
        ``config`` may also be the CRI message as a dict (:meth:`PodSandboxConfig.from_cri`)."""
        self._check_up()
        if isinstance(config, dict):
            config = PodSandboxConfig.from_cri(config)
        sid = self._new_id()
        created = self.loop.now_ms
        key = f"{config.name}_{config.namespace}_{config.uid}_{config.attempt}"
        holder = self._sandbox_names.get(key)
        if holder is not None:
            err = CriError("Unknown", f'failed to reserve sandbox name "{key}": name "{key}" is reserved for '
                           f'"{holder}"')
            self._later(0, lambda: callback(None, str(err)), f"sandbox {config.name} failed")
            return
        self._sandbox_names[key] = sid

        def fail(err: CriError) -> None:
            self._sandbox_names.pop(key, None)
            callback(None, str(err))

        def finish() -> None:
            sandbox = Sandbox(sid, config, created, name_key=key, seq=self._next_seq())
            if not config.host_network:
                ns = self.net.new_netns()
                try:
                    result = self.cni.setup(sid, ns.path, self._cni_args(sandbox), self._cni_caps(config))
                except CniError as err:
                    try:  # containerd tears the half-made network down before failing
                        self.cni.teardown(sid, ns.path, self._cni_args(sandbox), self._cni_caps(config))
                    except CniError:
                        pass
                    self.net.delete_netns(ns.path)
                    fail(CriError("Unknown", f'failed to setup network for sandbox "{sid}": {err}'))
                    return
                ips = sorted((i.ip for i in result.ips), key=lambda ip: ":" in ip)
                sandbox.netns = ns.path
                sandbox.ip, sandbox.additional_ips = (ips[0], tuple(ips[1:])) if ips else ("", ())
            self._sandboxes[sid] = sandbox
            self._notify(sid)
            callback(sid, None)

        delay = SANDBOX_CREATE_MS + (0 if config.host_network else CNI_ADD_MS)

        def after_image(_image_id: str | None, err: PullError | None) -> None:
            if err is not None:
                fail(CriError(err.code, f'failed to get sandbox image "{SANDBOX_IMAGE}": failed to pull image '
                              f'"{SANDBOX_IMAGE}": {err.message}'))
                return
            self._later(delay, finish, f"sandbox {config.namespace}/{config.name}")

        if self.images.status(SANDBOX_IMAGE) is not None:
            after_image(None, None)
        else:
            self.images.pull_now(SANDBOX_IMAGE, after_image)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @staticmethod
    def _cni_args(sandbox: Sandbox) -> dict[str, str]:
        c = sandbox.config
        return {"K8S_POD_NAMESPACE": c.namespace, "K8S_POD_NAME": c.name, "K8S_POD_INFRA_CONTAINER_ID": sandbox.id,
                "K8S_POD_UID": c.uid}

    @staticmethod
    def _cni_caps(config: PodSandboxConfig) -> dict[str, object]:
        pms = [{"hostPort": p.host_port, "containerPort": p.container_port, "protocol": p.protocol.lower(),
                "hostIP": p.host_ip} for p in config.port_mappings if p.host_port > 0]
        return {"portMappings": pms} if pms else {}

    def _sandbox(self, sid: str) -> Sandbox:
        sandbox = self._sandboxes.get(sid)
        if sandbox is None:
            raise CriError("NotFound", f'an error occurred when try to find sandbox "{sid}": not found')
        return sandbox

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        """Kill the sandbox's containers, stop it, CNI DEL (which frees the IP); idempotent."""
        self._check_up()
        sandbox = self._sandbox(sandbox_id)
        for c in self._containers_of(sandbox_id):
            if c.state == ContainerState.RUNNING and c.process is not None:
                c.process.signal("SIGKILL")
        if sandbox.state == SandboxState.READY:
            sandbox.state = SandboxState.NOTREADY
            self._notify(sandbox_id)
        if sandbox.netns:
            try:
                self.cni.teardown(sandbox_id, sandbox.netns, self._cni_args(sandbox), self._cni_caps(sandbox.config))
            except CniError as err:
                raise CriError("Unknown", f'failed to destroy network for sandbox "{sandbox_id}": {err}') from None
            self.net.delete_netns(sandbox.netns)
            sandbox.netns = ""

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        """Stop the sandbox if needed, remove its containers and the record; unknown IDs are fine."""
        self._check_up()
        sandbox = self._sandboxes.get(sandbox_id)
        if sandbox is None:
            return
        self.stop_pod_sandbox(sandbox_id)
        for c in self._containers_of(sandbox_id):
            self._drop_container(c)
        del self._sandboxes[sandbox_id]
        self._sandbox_names.pop(sandbox.name_key, None)
        log_dir = sandbox.config.log_directory
        if log_dir and not any(s.config.log_directory == log_dir for s in self._sandboxes.values()):
            try:
                self.node_fs.remove(log_dir, recursive=True)
            except FsError:
                pass
        self._notify(sandbox_id)

    def pod_sandbox_status(self, sandbox_id: str) -> SandboxStatus:
        return self._sandbox(sandbox_id).status()

    def list_pod_sandbox(self) -> list[SandboxStatus]:
        return [s.status() for s in sorted(self._sandboxes.values(), key=lambda s: s.seq)]

    # -- containers ------------------------------------------------------------------------------------
    def _container(self, container_id: str) -> Container:
        c = self._containers.get(container_id)
        if c is None:
            raise CriError("NotFound", f'an error occurred when try to find container "{container_id}": not found')
        return c

    def _containers_of(self, sandbox_id: str) -> list[Container]:
        return sorted((c for c in self._containers.values() if c.sandbox_id == sandbox_id), key=lambda c: c.seq)

    def create_container(self, sandbox_id: str, config: ContainerConfig | dict[str, Any]) -> str:
        """Create a container in a sandbox (its root filesystem unpacked from the image, volumes mounted);
        ``config`` may also be the CRI message as a dict (:meth:`ContainerConfig.from_cri`)."""
        self._check_up()
        if isinstance(config, dict):
            config = ContainerConfig.from_cri(config)
        sandbox = self._sandboxes.get(sandbox_id)
        if sandbox is None:
            raise CriError("NotFound", f'failed to find sandbox id "{sandbox_id}": not found')
        sc = sandbox.config
        key = f"{config.name}_{sc.name}_{sc.namespace}_{sc.uid}_{config.attempt}"
        holder = self._container_names.get(key)
        if holder is not None:
            raise CriError("Unknown", f'failed to reserve container name "{key}": name "{key}" is reserved for '
                           f'"{holder}"')
        info = self.images.status(config.image)
        if info is None:
            raise CriError("NotFound", f'failed to resolve image "{config.image}": not found')
        cid = self._new_id()
        image = info.repo_tags[0] if info.repo_tags else (info.repo_digests[0] if info.repo_digests else config.image)
        hostname = sc.hostname or self.node_name
        fs = self._rootfs(image, hostname)
        fs.write("/etc/resolv.conf", sc.dns.resolv_conf() if sc.dns is not None else self._node_resolv_conf())
        start_error = ""
        for m in config.mounts:
            try:
                fs.mount(m.container_path, m.fs, m.sub_path, m.read_only)
            except FsError as err:
                start_error = f'error mounting "{m.container_path}" to rootfs at "{m.container_path}": {err}'
                break
        fs.read_only = config.read_only_root_filesystem
        img = image_config(image)
        env = {"PATH": DEFAULT_PATH, "HOSTNAME": hostname}
        env.update(img.env)
        env.update(config.env)
        cwd = normalize(config.working_dir or img.workdir or "/")
        if not fs.is_dir(cwd):
            try:  # runc creates a missing working directory
                fs.mkdir(cwd, parents=True)
            except FsError:
                cwd = "/"
        labels = {POD_NAME_LABEL: sc.name, POD_NAMESPACE_LABEL: sc.namespace, POD_UID_LABEL: sc.uid,
                  CONTAINER_NAME_LABEL: config.name, **config.labels}
        config.labels = labels
        log_path = f"{sc.log_directory}/{config.log_path}" if sc.log_directory and config.log_path else ""
        self._containers[cid] = Container(
            cid, sandbox_id, config, self.loop.now_ms, image, info.repo_digests[0] if info.repo_digests else info.id,
            info.id, fs, env, cwd, log_path, key, self._next_seq(), start_error=start_error)
        self._container_names[key] = cid
        self._notify(cid)
        return cid

    def _rootfs(self, image: str, hostname: str) -> Filesystem:
        """The container's root filesystem: the image's tree (:func:`base_filesystem`, unpacked once per
        image and copied for each container, as a snapshotter prepares a layer) with its hostname."""
        template = _TEMPLATES.get(image)
        if template is None:
            if len(_TEMPLATES) >= 256:
                _TEMPLATES.clear()
            template = _TEMPLATES[image] = base_filesystem(image, hostname="localhost")
        fs = Filesystem(clock=lambda: self.loop.now_ms, image=template.image, opaque=template.opaque)
        root = _clone(template.root)
        assert isinstance(root, Dir)
        fs.root = root
        fs.write("/etc/hostname", hostname + "\n")
        return fs

    def _node_resolv_conf(self) -> str:
        try:
            return self.node_fs.read("/etc/resolv.conf")
        except FsError:
            return ""

    def _start_failed(self, c: Container, message: str) -> CriError:
        c.state = ContainerState.EXITED
        c.finished_at = self.loop.now_ms
        c.exit_code = START_ERROR_EXIT_CODE
        c.reason = "StartError"
        c.message = message
        self._notify(c.id)
        return CriError("Unknown", message)

    def start_container(self, container_id: str) -> None:
        """Start the container's process; a missing program is a StartError (exit code 128)."""
        self._check_up()
        c = self._container(container_id)
        if c.state != ContainerState.CREATED:
            raise CriError("Unknown", f'failed to set starting state for container "{container_id}": container is in '
                           f"CONTAINER_{c.state} state")
        sandbox = self._sandboxes.get(c.sandbox_id)
        if sandbox is None or sandbox.state != SandboxState.READY:
            raise self._start_failed(c, f'sandbox container "{c.sandbox_id}" is not running')
        if c.start_error:
            raise self._start_failed(c, f"{_OCI_CREATE}{c.start_error}: unknown")
        argv = container_argv(c.image, c.config.command, c.config.args)
        if argv:
            detail = exec_check(c.fs, c.env.get("PATH", DEFAULT_PATH), c.cwd, argv[0])
            if detail is not None:
                raise self._start_failed(c, f"{_OCI_CREATE}{detail}: unknown")
        c.cgroup = Cgroup(c.config.resources, self.cpu_count, lambda: self.loop.now_ms, lambda: self._oom(c))
        ctx = self._context(c, sandbox, pid=1, log=c.log)
        gen = run_command(argv, ctx) if argv else run_image_default(c.image, ctx)
        c.ctx = ctx
        c.process = ProcessDriver(self.loop, gen, f"container {c.config.name}", lambda code: self._on_exit(c, code),
                                  ctx)
        c.state = ContainerState.RUNNING
        c.started_at = self.loop.now_ms
        self._later(0, c.process.start, f"container {c.config.name} start")
        self._notify(c.id)

    def _context(self, c: Container, sandbox: Sandbox, pid: int, log: list[LogLine]) -> ProcessContext:
        return ProcessContext(
            fs=c.fs, hostname=sandbox.config.hostname or self.node_name, env=dict(c.env),
            now_ms=lambda: self.loop.now_ms, log=log, pid=pid, is_pid1=pid == 1, cwd=c.cwd,
            pod_ip=sandbox.ip or (self.net.node_ip if sandbox.config.host_network else ""),
            cpu_count=self.cpu_count, signal_process=lambda target, sig: self._signal_pid(c, target, sig),
            account=c.cgroup.account if c.cgroup is not None else None)

    def _oom(self, c: Container) -> None:
        """The cgroup went over memory.max: kill the container (the charging process is still running its
        step, so the kill is a loop event)."""
        def kill() -> None:
            if c.state == ContainerState.RUNNING and c.process is not None and not c.process.done:
                self.kill_container(c.id, 137, reason="OOMKilled")

        self._later(0, kill, f"oom-kill {c.config.name}")

    def _signal_pid(self, c: Container, pid: int, sig: str) -> bool:
        """``kill``/``nginx -s`` inside the container: signal PID 1 or an exec'd process."""
        targets = [c.process] if pid == 1 else [d for d in c.execs if d.ctx is not None and d.ctx.pid == pid]
        target = next((t for t in targets if t is not None and not t.done), None)
        if target is None:
            return False
        self._later(0, lambda: target.signal(sig), f"signal {sig} {c.config.name}")
        return True

    def _on_exit(self, c: Container, code: int) -> None:
        if self._down:
            return  # power-off: power_on() records what happened
        c.state = ContainerState.EXITED
        c.finished_at = self.loop.now_ms
        c.exit_code = code
        c.reason = c.exit_reason or ("Completed" if code == 0 else "Error")
        if c.cgroup is not None:
            c.cgroup.release()
        if c.kill_event is not None:
            c.kill_event.cancel()
            c.kill_event = None
        for driver in list(c.execs):  # runc kills every process of the container's cgroup
            driver.kill(137)
        callbacks, c.stop_callbacks = c.stop_callbacks, []
        for cb in callbacks:
            self._later(0, cb, f"stopped {c.config.name}")
        self._notify(c.id)

    def stop_container(self, container_id: str, timeout_s: int, callback: Callable[[], None] | None = None) -> None:
        """Send the stop signal (the container's, else the image's STOPSIGNAL, else SIGTERM) and SIGKILL after
        ``timeout_s`` virtual seconds; ``callback()`` once the container has exited."""
        self._check_up()
        c = self._container(container_id)
        if c.state != ContainerState.RUNNING or c.process is None or c.process.done:
            if callback is not None:
                self._later(0, callback, f"stopped {c.config.name}")
            return
        if callback is not None:
            c.stop_callbacks.append(callback)
        if timeout_s <= 0:
            c.process.signal("SIGKILL")
            return
        deadline = self.loop.now_ms + timeout_s * 1000
        c.process.signal(c.config.stop_signal or image_config(c.image).stop_signal or "SIGTERM")
        if c.state == ContainerState.RUNNING and (c.kill_event is None or deadline < c.kill_at):
            if c.kill_event is not None:
                c.kill_event.cancel()
            c.kill_at = deadline
            process = c.process
            c.kill_event = self._later(timeout_s * 1000, lambda: process.signal("SIGKILL"),
                                       f"SIGKILL {c.config.name}")

    def kill_container(self, container_id: str, exit_code: int = 137, reason: str | None = None) -> None:
        """End the process at once (``Cluster.kill_container``; reason ``OOMKilled`` for the OOM killer)."""
        self._check_up()
        c = self._container(container_id)
        if c.state == ContainerState.RUNNING and c.process is not None:
            c.exit_reason = reason or ""
            c.process.kill(exit_code)

    def remove_container(self, container_id: str) -> None:
        """Remove an exited or created container (and its log file); unknown IDs are fine."""
        self._check_up()
        c = self._containers.get(container_id)
        if c is None:
            return
        if c.state == ContainerState.RUNNING:
            raise CriError("Unknown", f'failed to set removing state for container "{container_id}": container is '
                           "still running, to stop first")
        self._drop_container(c)
        self._notify(container_id)

    def _drop_container(self, c: Container) -> None:
        if c.process is not None and not c.process.done:
            c.process.kill(137)
        self._containers.pop(c.id, None)
        self._container_names.pop(c.name_key, None)
        self._log_written.pop(c.id, None)
        if c.log_path:
            try:
                self.node_fs.remove(c.log_path)
            except FsError:
                pass

    def container_status(self, container_id: str) -> ContainerStatus:
        return self._container(container_id).status()

    def container_memory_usage(self, container_id: str) -> int:
        """memory.current of the container's cgroup, in bytes (0 unless it runs)."""
        cg = self._container(container_id).cgroup
        return cg.memory_current if cg is not None else 0

    def container_cpu_usage(self, container_id: str) -> int:
        """The CPU the container uses now, in millicores (held to its CFS quota)."""
        cg = self._container(container_id).cgroup
        return cg.cpu_millicores if cg is not None else 0

    def container_cpu_usage_core_nanoseconds(self, container_id: str) -> int:
        """Cumulative CPU time of the container (cpu.stat usage), in core-nanoseconds."""
        cg = self._container(container_id).cgroup
        return cg.usage_core_nanoseconds() if cg is not None else 0

    def list_containers(self, sandbox_id: str | None = None) -> list[ContainerStatus]:
        found = self._containers.values() if sandbox_id is None else self._containers_of(sandbox_id)
        return [c.status() for c in sorted(found, key=lambda c: c.seq)]

    def logs(self, container_id: str) -> list[tuple[int, str, str]]:
        """What the container wrote: (virtual ms, "stdout" | "stderr", text) per line."""
        return list(self._container(container_id).log)

    # -- exec ------------------------------------------------------------------------------------------
    def exec_sync(self, container_id: str, cmd: list[str], timeout_s: int,
                  callback: Callable[[int, str, str], None]) -> None:
        """Run ``cmd`` in the running container (its filesystem, environment and working directory);
        ``callback(exit_code, stdout, stderr)`` when it ends. A timeout of 0 means none."""
        self._check_up()
        c = self._containers.get(container_id)
        if c is None:
            raise CriError("NotFound", f'failed to exec in container: failed to find container "{container_id}" in '
                           "store: not found")
        sandbox = self._sandboxes.get(c.sandbox_id)
        if c.state != ContainerState.RUNNING or sandbox is None:
            raise CriError("Unknown", f"failed to exec in container: container is in CONTAINER_{c.state} state")
        exec_id = self._new_id()
        argv = list(cmd)
        detail = (exec_check(c.fs, c.env.get("PATH", DEFAULT_PATH), c.cwd, argv[0]) if argv
                  else 'exec: "": executable file not found in $PATH')
        if detail is not None:
            raise CriError("Unknown", f'failed to exec in container: failed to start exec "{exec_id}": '
                           f"{_OCI_EXEC}{detail}: unknown")
        ctx = self._context(c, sandbox, pid=c.next_exec_pid, log=[])
        c.next_exec_pid += 1
        state = {"over": False}
        timer: list[Event] = []

        def on_exit(code: int) -> None:
            for ev in timer:
                ev.cancel()
            if driver in c.execs:
                c.execs.remove(driver)
            if state["over"]:
                return
            state["over"] = True
            out, err = ctx.output("stdout"), ctx.output("stderr")
            self._later(0, lambda: callback(code, out, err), f"exec done {c.config.name}")

        def on_timeout() -> None:
            if state["over"]:
                return
            state["over"] = True
            driver.kill(137)
            msg = f"failed to exec in container: timeout {go_duration(timeout_s)} exceeded: context deadline exceeded"
            callback(EXEC_TIMEOUT_EXIT_CODE, "", str(CriError("DeadlineExceeded", msg)))

        driver = ProcessDriver(self.loop, run_command(argv, ctx), f"exec {c.config.name}", on_exit, ctx)
        c.execs.append(driver)
        if timeout_s > 0:
            timer.append(self._later(timeout_s * 1000, on_timeout, f"exec timeout {c.config.name}"))
        self._later(0, driver.start, f"exec {c.config.name}")

    # -- node ------------------------------------------------------------------------------------------
    def sync_log_files(self) -> None:
        """Write what containers logged since the last sync to their files under /var/log/pods."""
        for c in sorted(self._containers.values(), key=lambda c: c.seq):
            if not c.log_path:
                continue
            done = self._log_written.get(c.id, 0)
            if done == len(c.log) and (done or self.node_fs.exists(c.log_path)):
                continue
            text = "".join(cri_log_line(t, s, line) for t, s, line in c.log[done:])
            try:
                self.node_fs.mkdir(c.log_path.rsplit("/", 1)[0], parents=True)
                self.node_fs.write(c.log_path, text, append=done > 0)
            except FsError:
                continue
            self._log_written[c.id] = len(c.log)

    def shutdown(self) -> None:
        """Node power-off: every process stops at once (no signal handlers run) and nothing more happens."""
        self._down = True
        self._epoch += 1
        for c in self._containers.values():
            for driver in list(c.execs):
                driver.kill(137)
            c.execs.clear()
            if c.process is not None:
                c.process.kill(UNKNOWN_EXIT_CODE)
            c.kill_event = None
            c.stop_callbacks.clear()
        self.images.shutdown()

    def power_on(self) -> None:
        """The node is back: containers that were running are EXITED with exit code 255 and reason
        ``Unknown``, sandboxes NOTREADY, network namespaces gone (leases stay until StopPodSandbox)."""
        if not self._down:
            return
        self._down = False
        self._epoch += 1
        now = self.loop.now_ms
        self.net.reboot()
        self.images.power_on()
        for c in sorted(self._containers.values(), key=lambda c: c.seq):
            if c.state == ContainerState.RUNNING:
                c.state, c.finished_at, c.exit_code, c.reason = ContainerState.EXITED, now, UNKNOWN_EXIT_CODE, "Unknown"
                c.process = None
                if c.cgroup is not None:
                    c.cgroup.release()
                self._notify(c.id)
        for s in sorted(self._sandboxes.values(), key=lambda s: s.seq):
            if s.state == SandboxState.READY:
                s.state = SandboxState.NOTREADY
                self._notify(s.id)

    @property
    def powered(self) -> bool:
        return not self._down


def new_node_runtime(loop: EventLoop, node_name: str, node_ip: str, pod_cidr: str | None, registry: Registry,
                     rng: Rng, preloaded: Iterable[str] = (SANDBOX_IMAGE,), serialize_pulls: bool = True,
                     cpu_count: int = 4) -> ContainerRuntime:
    """A node's runtime with everything under it: the node filesystem (CNI config for ``pod_cidr``), its
    network, CNI, and an image store holding ``preloaded`` images (kind's node image has the pause image).
    Random streams: ``rng.child("net")``, ``rng.child("cni")``, ``rng.child("cri")``."""
    fs = node_filesystem(node_name, node_ip, pod_cidr, clock=lambda: loop.now_ms)
    net = NodeNetwork(node_ip, rng.child("net"))
    cni = CniRunner(fs, net, rng.child("cni"))
    images = ImageService(loop, registry, serialize_pulls=serialize_pulls, preloaded=preloaded)
    return ContainerRuntime(loop, node_name, fs, images, cni, rng.child("cri"), cpu_count=cpu_count)
