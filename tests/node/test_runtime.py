"""The container runtime (containerd's CRI on virtual time): sandboxes, containers, exec, stop, power."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from labk8s._sim import EventLoop, Rng
from labk8s.node.images import SANDBOX_IMAGE, Registry
from labk8s.node.runtime.containers import (
    ContainerConfig,
    ContainerState,
    CriError,
    DNSConfig,
    Mount,
    PodSandboxConfig,
    SandboxState,
    grpc_code,
    grpc_message,
)
from labk8s.node.runtime.cri import (
    CNI_ADD_MS,
    EXEC_TIMEOUT_EXIT_CODE,
    SANDBOX_CREATE_MS,
    ContainerRuntime,
    new_node_runtime,
)
from labk8s.node.runtime.shell import Filesystem

NETS = "/var/lib/cni/networks/cbr0"
OCI = ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
       "failed: unable to start container process: error during container init: ")


class Node:
    def __init__(self, pod_cidr: str | None = "10.244.1.0/24", seed: int = 0,
                 preloaded: Iterable[str] = (SANDBOX_IMAGE, "busybox", "nginx")) -> None:
        self.loop = EventLoop()
        self.registry = Registry()
        self.rt: ContainerRuntime = new_node_runtime(self.loop, "node-1", "172.18.0.3", pod_cidr, self.registry,
                                                     Rng(seed), preloaded=preloaded)
        self.events: list[tuple[int, str]] = []
        self.rt.subscribe(lambda ident: self.events.append((self.loop.now_ms, ident)))

    @property
    def now(self) -> int:
        return self.loop.now_ms

    def run(self, ms: int) -> None:
        self.loop.run_until_time(self.loop.now_ms + ms)

    def sandbox(self, name: str = "web", **kw: Any) -> str:
        got: list[tuple[str | None, str | None]] = []
        cfg = PodSandboxConfig(name, "default", f"uid-{name}", hostname=name,
                               log_directory=f"/var/log/pods/default_{name}_uid-{name}", **kw)
        self.rt.run_pod_sandbox(cfg, lambda sid, err: got.append((sid, err)))
        self.run(2_000)
        assert got and got[0][1] is None, got
        assert got[0][0] is not None
        return got[0][0]

    def container(self, sid: str, command: list[str] | None = None, image: str = "busybox", name: str = "c",
                  **kw: Any) -> str:
        cid = self.rt.create_container(sid, ContainerConfig(name, image, command=command, log_path=f"{name}/0.log",
                                                            **kw))
        self.rt.start_container(cid)
        return cid

    def exec(self, cid: str, cmd: list[str], timeout_s: int = 1) -> tuple[int, str, str]:
        got: list[tuple[int, str, str]] = []
        self.rt.exec_sync(cid, cmd, timeout_s, lambda code, out, err: got.append((code, out, err)))
        self.run(timeout_s * 1000 + 1)
        return got[0]


# -- sandboxes -------------------------------------------------------------------------------------------
def test_sandbox_timing_and_status() -> None:
    node = Node()
    got: list[tuple[int, str | None, str | None]] = []
    node.rt.run_pod_sandbox(PodSandboxConfig("web", "default", "u1", hostname="web"),
                            lambda sid, err: got.append((node.now, sid, err)))
    node.run(5_000)
    assert got[0][0] == SANDBOX_CREATE_MS + CNI_ADD_MS == 400
    st = node.rt.pod_sandbox_status(str(got[0][1]))
    assert (st.state, st.ip, st.created_at, st.name, st.attempt) == (SandboxState.READY, "10.244.1.2", 0, "web", 0)
    assert st.netns.startswith("/var/run/netns/cni-") and len(st.netns) == len("/var/run/netns/cni-") + 36
    assert node.rt.node_fs.read(f"{NETS}/10.244.1.2") == f"{st.id}\r\neth0"


def test_sandbox_pulls_the_pause_image_when_the_node_lacks_it() -> None:
    node = Node(preloaded=())
    got: list[int] = []
    node.rt.run_pod_sandbox(PodSandboxConfig("web", "default", "u1"), lambda sid, err: got.append(node.now))
    node.run(5_000)
    assert got == [300 + 13 + 400]  # resolve + 320368 bytes at 25 MB/s, then the sandbox
    node.registry.delete(SANDBOX_IMAGE)
    node.rt.remove_image(SANDBOX_IMAGE)
    errors: list[str | None] = []
    node.rt.run_pod_sandbox(PodSandboxConfig("api", "default", "u2"), lambda sid, err: errors.append(err))
    node.run(5_000)
    ref = "registry.k8s.io/pause:3.10"
    assert errors == [f'rpc error: code = NotFound desc = failed to get sandbox image "{ref}": failed to pull image '
                      f'"{ref}": failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": {ref}: '
                      "not found"]


def test_host_network_sandbox_has_no_ip_and_no_cni() -> None:
    node = Node()
    sid = node.sandbox("etcd", host_network=True)
    st = node.rt.pod_sandbox_status(sid)
    assert (st.ip, st.netns, st.host_network) == ("", "", True)
    assert node.rt.node_fs.listdir("/var/lib/cni/networks") == []


def test_cni_failure_is_reported_as_containerd_does_and_leaks_nothing() -> None:
    node = Node("10.244.1.0/30")
    node.sandbox("first")
    got: list[str | None] = []
    node.rt.run_pod_sandbox(PodSandboxConfig("second", "default", "u2"), lambda sid, err: got.append(err))
    node.run(1_000)
    assert got[0] is not None and grpc_code(got[0]) == "Unknown"
    msg = grpc_message(got[0])
    assert msg.startswith('failed to setup network for sandbox "') and len(msg.split('"')[1]) == 64
    assert msg.endswith('": plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses '
                        "available in range set: 10.244.1.1-10.244.1.2")
    assert [s.name for s in node.rt.list_pod_sandbox()] == ["first"]
    assert len(node.rt.net.namespaces) == 1
    assert node.rt.node_fs.listdir(NETS) == ["10.244.1.2", "last_reserved_ip.0", "lock"]


def test_no_cni_configuration() -> None:
    node = Node(None)
    conditions = {c.type: c for c in node.rt.status()}
    assert conditions["RuntimeReady"].status
    assert (conditions["NetworkReady"].status, conditions["NetworkReady"].reason,
            conditions["NetworkReady"].message) == (False, "NetworkPluginNotReady",
                                                    "Network plugin returns error: cni plugin not initialized")
    got: list[str | None] = []
    node.rt.run_pod_sandbox(PodSandboxConfig("web", "default", "u1"), lambda sid, err: got.append(err))
    node.run(1_000)
    assert got[0] is not None and got[0].endswith('": cni plugin not initialized')
    assert got[0].startswith('rpc error: code = Unknown desc = failed to setup network for sandbox "')


def test_stop_and_remove_sandbox() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sh", "-c", "sleep 3600"])
    node.run(1_000)
    node.rt.stop_pod_sandbox(sid)
    st = node.rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason) == (ContainerState.EXITED, 137, "Error")
    assert node.rt.pod_sandbox_status(sid).state == SandboxState.NOTREADY
    assert node.rt.pod_sandbox_status(sid).netns == "" and not node.rt.net.namespaces
    assert node.rt.node_fs.listdir(NETS) == ["last_reserved_ip.0", "lock"]
    node.rt.stop_pod_sandbox(sid)  # idempotent
    with pytest.raises(CriError) as err:
        node.rt.create_container("nosuch", ContainerConfig("c", "busybox"))
    assert err.value.message == 'failed to find sandbox id "nosuch": not found'
    node.rt.remove_pod_sandbox(sid)
    node.rt.remove_pod_sandbox(sid)
    assert node.rt.list_pod_sandbox() == [] and node.rt.list_containers() == []
    with pytest.raises(CriError) as err:
        node.rt.pod_sandbox_status(sid)
    assert str(err.value) == f'rpc error: code = NotFound desc = an error occurred when try to find sandbox "{sid}": not found'
    # the same pod can have a sandbox again
    assert node.sandbox() != sid


def test_sandbox_name_is_reserved_until_removed() -> None:
    node = Node()
    sid = node.sandbox()
    got: list[str | None] = []
    node.rt.run_pod_sandbox(PodSandboxConfig("web", "default", "uid-web"), lambda s, e: got.append(e))
    node.run(10)
    key = "web_default_uid-web_0"
    assert got == [f'rpc error: code = Unknown desc = failed to reserve sandbox name "{key}": name "{key}" is reserved '
                   f'for "{sid}"']


# -- containers ------------------------------------------------------------------------------------------
def test_container_lifecycle_exit_codes_and_logs() -> None:
    node = Node()
    sid = node.sandbox()
    t0 = node.now
    ok = node.container(sid, ["sh", "-c", "echo hello; sleep 2; echo bye >&2"], name="ok")
    bad = node.container(sid, ["sh", "-c", "sleep 1; foo; exit 3"], name="bad")
    assert node.rt.container_status(ok).state == ContainerState.RUNNING
    node.run(5_000)
    s_ok, s_bad = node.rt.container_status(ok), node.rt.container_status(bad)
    assert (s_ok.state, s_ok.exit_code, s_ok.reason, s_ok.started_at, s_ok.finished_at) == (
        ContainerState.EXITED, 0, "Completed", t0, t0 + 2000)
    assert (s_bad.exit_code, s_bad.reason, s_bad.finished_at) == (3, "Error", t0 + 1000)
    assert node.rt.logs(ok) == [(t0, "stdout", "hello\n"), (t0 + 2000, "stderr", "bye\n")]
    assert node.rt.logs(bad) == [(t0 + 1000, "stderr", "sh: foo: not found\n")]
    assert (s_ok.image, s_ok.image_id) == ("docker.io/library/busybox:latest", node.registry.resolve("busybox").image_id)
    assert s_ok.image_ref == node.registry.resolve("busybox").repo_digest
    assert s_ok.labels["io.kubernetes.pod.name"] == "web" and s_ok.log_path == "/var/log/pods/default_web_uid-web/ok/0.log"
    node.rt.sync_log_files()
    assert t0 == 2_000
    assert node.rt.node_fs.read(s_ok.log_path) == ("2026-01-01T00:00:02Z stdout F hello\n"
                                                   "2026-01-01T00:00:04Z stderr F bye\n")
    node.rt.remove_container(ok)
    assert not node.rt.node_fs.exists(s_ok.log_path)


@pytest.mark.parametrize("command,detail", [
    (["foo"], 'exec: "foo": executable file not found in $PATH'),
    (["/app/run"], 'exec: "/app/run": stat /app/run: no such file or directory'),
    (["/tmp"], 'exec: "/tmp": permission denied'),
    (["/etc/hostname"], 'exec: "/etc/hostname": permission denied'),
])
def test_start_error(command: list[str], detail: str) -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.rt.create_container(sid, ContainerConfig("c", "busybox", command=command))
    with pytest.raises(CriError) as err:
        node.rt.start_container(cid)
    assert str(err.value) == f"rpc error: code = Unknown desc = {OCI}{detail}: unknown"
    st = node.rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason, st.message, st.started_at) == (
        ContainerState.EXITED, 128, "StartError", f"{OCI}{detail}: unknown", 0)
    with pytest.raises(CriError, match="container is in CONTAINER_EXITED state"):
        node.rt.start_container(cid)


def test_create_errors() -> None:
    node = Node()
    sid = node.sandbox()
    with pytest.raises(CriError) as err:
        node.rt.create_container(sid, ContainerConfig("c", "redis"))
    assert str(err.value) == 'rpc error: code = NotFound desc = failed to resolve image "redis": not found'
    first = node.rt.create_container(sid, ContainerConfig("c", "busybox"))
    with pytest.raises(CriError) as err:
        node.rt.create_container(sid, ContainerConfig("c", "busybox"))
    key = "c_web_default_uid-web_0"
    assert err.value.message == f'failed to reserve container name "{key}": name "{key}" is reserved for "{first}"'
    node.rt.create_container(sid, ContainerConfig("c", "busybox", attempt=1))


def test_shell_ignoring_sigterm_waits_for_sigkill() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sh", "-c", "sleep 3600"])
    node.run(1_000)
    t0 = node.now
    stopped: list[int] = []
    node.rt.stop_container(cid, 30, lambda: stopped.append(node.now))
    node.run(29_999)
    assert node.rt.container_status(cid).state == ContainerState.RUNNING
    node.run(10)
    st = node.rt.container_status(cid)
    assert (st.exit_code, st.reason, st.finished_at, stopped) == (137, "Error", t0 + 30_000, [t0 + 30_000])


def test_process_handling_sigterm_exits_early() -> None:
    node = Node()
    sid = node.sandbox()
    t0 = node.now
    cid = node.container(sid, ["sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"])
    node.run(10_500)
    stopped: list[int] = []
    node.rt.stop_container(cid, 30, lambda: stopped.append(node.now))
    node.run(5_000)
    st = node.rt.container_status(cid)
    assert (st.exit_code, st.reason, st.finished_at, stopped) == (0, "Completed", t0 + 11_000, [t0 + 11_000])
    assert node.rt.logs(cid)[-1] == (t0 + 11_000, "stdout", "bye\n")


def test_nginx_stops_on_its_stopsignal_and_exec_nginx_s_quit() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, image="nginx", name="nginx")
    node.run(1_000)
    node.rt.stop_container(cid, 30)
    node.run(10)
    st = node.rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason) == (ContainerState.EXITED, 0, "Completed")
    assert any("signal 3 (SIGQUIT) received, shutting down" in line for _, _, line in node.rt.logs(cid))
    other = node.container(sid, image="nginx", name="nginx2")
    node.run(1_000)
    assert node.exec(other, ["nginx", "-s", "quit"])[0] == 0
    node.run(10)
    assert node.rt.container_status(other).exit_code == 0


def test_stop_with_zero_timeout_kills_at_once_and_stopping_an_exited_container() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sleep", "100"])
    node.run(1_000)
    done: list[int] = []
    node.rt.stop_container(cid, 0, lambda: done.append(node.now))
    node.run(1)
    assert node.rt.container_status(cid).exit_code == 137 and len(done) == 1
    node.rt.stop_container(cid, 10, lambda: done.append(node.now))
    node.run(1)
    assert len(done) == 2


def test_kill_container_oom() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sh", "-c", "sleep 3600"])
    node.run(1_000)
    node.rt.kill_container(cid, 137, reason="OOMKilled")
    st = node.rt.container_status(cid)
    assert (st.exit_code, st.reason) == (137, "OOMKilled")
    with pytest.raises(CriError) as err:
        node.rt.container_status("nosuch")
    assert str(err.value) == ('rpc error: code = NotFound desc = an error occurred when try to find container '
                              '"nosuch": not found')


def test_remove_running_container_is_refused() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sleep", "100"])
    with pytest.raises(CriError) as err:
        node.rt.remove_container(cid)
    assert err.value.message == (f'failed to set removing state for container "{cid}": container is still running, '
                                 "to stop first")
    node.rt.remove_container("nosuch")


def test_environment_hostname_resolv_conf_and_workdir() -> None:
    node = Node()
    sid = node.sandbox(dns=DNSConfig(("10.96.0.10",), ("default.svc.cluster.local", "svc.cluster.local",
                                                       "cluster.local"), ("ndots:5",)))
    cid = node.container(sid, ["sleep", "100"], env={"GREETING": "hi", "PATH": "/bin:/usr/bin"}, working_dir="/work")
    node.run(10)
    code, out, _ = node.exec(cid, ["env"])
    assert code == 0
    assert out.splitlines()[:3] == ["PATH=/bin:/usr/bin", "HOSTNAME=web", "GREETING=hi"]
    assert node.exec(cid, ["cat", "/etc/resolv.conf"])[1] == ("search default.svc.cluster.local svc.cluster.local "
                                                             "cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")
    assert node.exec(cid, ["hostname"])[1] == "web\n"
    assert node.exec(cid, ["pwd"])[1] == "/work\n"


def test_volumes_are_shared_between_containers() -> None:
    node = Node()
    sid = node.sandbox()
    volume = Filesystem(clock=lambda: node.now)
    writer = node.container(sid, ["sh", "-c", "echo hi > /data/x; sleep 3600"], name="writer",
                            mounts=[Mount("/data", volume)])
    reader = node.container(sid, ["sleep", "3600"], name="reader", mounts=[Mount("/shared", volume, read_only=True)])
    node.run(10)
    assert node.exec(reader, ["cat", "/shared/x"]) == (0, "hi\n", "")
    assert node.exec(reader, ["touch", "/shared/y"])[0] == 1
    assert volume.read("/x") == "hi\n" and writer


# -- exec ---------------------------------------------------------------------------------------------
def test_exec_liveness_probe_example() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"])
    node.run(5_000)
    assert node.exec(cid, ["cat", "/tmp/healthy"]) == (0, "", "")
    node.run(30_000)
    assert node.exec(cid, ["cat", "/tmp/healthy"]) == (1, "", "cat: can't open '/tmp/healthy': No such file or directory\n")


def test_exec_results_timeout_and_errors() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sleep", "3600"])
    node.run(10)
    assert node.exec(cid, ["sh", "-c", "echo out; echo err >&2; exit 3"]) == (3, "out\n", "err\n")
    t0 = node.now
    got: list[tuple[int, int, str, str]] = []
    node.rt.exec_sync(cid, ["sleep", "10"], 2, lambda code, out, err: got.append((node.now, code, out, err)))
    node.run(20_000)
    assert got == [(t0 + 2_000, EXEC_TIMEOUT_EXIT_CODE, "", "rpc error: code = DeadlineExceeded desc = failed to exec "
                    "in container: timeout 2s exceeded: context deadline exceeded")]
    with pytest.raises(CriError) as err:
        node.rt.exec_sync(cid, ["foo"], 1, lambda *a: None)
    msg = err.value.message
    assert msg.startswith('failed to exec in container: failed to start exec "')
    assert msg.endswith('": OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": '
                        "executable file not found in $PATH: unknown")
    node.rt.stop_container(cid, 0)
    with pytest.raises(CriError) as err:
        node.rt.exec_sync(cid, ["true"], 1, lambda *a: None)
    assert err.value.message == "failed to exec in container: container is in CONTAINER_EXITED state"
    with pytest.raises(CriError) as err:
        node.rt.exec_sync("nosuch", ["true"], 1, lambda *a: None)
    assert err.value.code == "NotFound"


def test_exec_dies_with_its_container() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sleep", "3600"])
    node.run(10)
    got: list[tuple[int, str, str]] = []
    node.rt.exec_sync(cid, ["sleep", "100"], 0, lambda *a: got.append(a))
    node.run(10)
    node.rt.kill_container(cid)
    node.run(10)
    assert got == [(137, "", "")]


# -- events, power, determinism, robustness ------------------------------------------------------------
def test_subscribers_hear_changes_through_loop_events() -> None:
    node = Node()
    sid = node.sandbox()
    node.events.clear()
    cid = node.rt.create_container(sid, ContainerConfig("c", "busybox", command=["sh", "-c", "exit 1"]))
    node.rt.start_container(cid)
    assert node.events == []
    node.run(10)
    assert [i for _, i in node.events] == [cid, cid, cid]  # created, started, exited


def test_power_off_and_on() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sh", "-c", "while true; do echo tick; sleep 1; done"])
    node.run(2_500)
    node.rt.shutdown()
    ticks = len(node.rt.logs(cid))
    node.events.clear()
    node.run(60_000)
    assert len(node.rt.logs(cid)) == ticks == 3 and node.events == []
    with pytest.raises(CriError) as err:
        node.rt.start_container(cid)
    assert err.value.code == "Unavailable"
    node.rt.power_on()
    st = node.rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason, st.finished_at) == (ContainerState.EXITED, 255, "Unknown", node.now)
    assert node.rt.pod_sandbox_status(sid).state == SandboxState.NOTREADY
    assert node.rt.node_fs.exists(f"{NETS}/10.244.1.2")  # the lease survives the reboot ...
    node.rt.stop_pod_sandbox(sid)
    assert not node.rt.node_fs.exists(f"{NETS}/10.244.1.2")  # ... until the kubelet stops the sandbox
    assert node.sandbox("again") and node.rt.pod_sandbox_status(node.rt.list_pod_sandbox()[-1].id).ip == "10.244.1.3"


def test_same_seed_same_ids_and_ips() -> None:
    def run() -> list[tuple[str, str, str]]:
        node = Node(seed=42)
        out = []
        for name in ("a", "b", "c"):
            sid = node.sandbox(name)
            cid = node.container(sid, ["sleep", "10"])
            out.append((sid, cid, node.rt.pod_sandbox_status(sid).ip))
        return out

    assert run() == run()


def test_cri_shaped_dict_configs_are_accepted() -> None:
    node = Node()
    got: list[str | None] = []
    node.rt.run_pod_sandbox({
        "metadata": {"name": "web", "namespace": "default", "uid": "u1", "attempt": 0}, "hostname": "web",
        "log_directory": "/var/log/pods/default_web_u1", "port_mappings": [
            {"protocol": "TCP", "container_port": 80, "host_port": 8080, "host_ip": ""}],
        "dns_config": {"servers": ["10.96.0.10"], "searches": [], "options": []},
        "linux": {"security_context": {"namespace_options": {"network": "POD"}}}},
        lambda sid, err: got.append(sid))
    node.run(1_000)
    sid = str(got[0])
    cid = node.rt.create_container(sid, {
        "metadata": {"name": "c", "attempt": 0}, "image": {"image": "busybox"}, "command": ["sleep", "100"],
        "args": [], "envs": [{"key": "A", "value": "1"}], "log_path": "c/0.log"})
    node.rt.start_container(cid)
    node.run(10)
    assert node.exec(cid, ["sh", "-c", "echo $A"])[1] == "1\n"
    assert list(node.rt.net.host_ports.values()) == [[("", 8080, "tcp", "10.244.1.2", 80)]]


def test_busy_containers_cannot_hang_the_simulator() -> None:
    node = Node()
    sid = node.sandbox()
    cid = node.container(sid, ["sh", "-c", "while true; do echo x; done"])
    node.run(60_000)
    node.rt.stop_container(cid, 1)
    node.run(2_000)
    st = node.rt.container_status(cid)
    assert st.state == ContainerState.EXITED and len(node.rt.logs(cid)) <= 10_000


@pytest.mark.parametrize("image", ["busybox", "nginx:1.14.2", "alpine", SANDBOX_IMAGE, "example.com/app:v1"])
def test_root_filesystem_is_the_images_tree(image: str) -> None:
    from labk8s.node.runtime.shell import base_filesystem
    from labk8s.node.runtime.shell.filesystem import Dir, File

    node = Node(preloaded=(SANDBOX_IMAGE, image))
    sid = node.sandbox()
    cid = node.rt.create_container(sid, ContainerConfig("c", image))
    got = node.rt._containers[cid].fs
    want = base_filesystem(node.rt.image_status(image).repo_tags[0], hostname="web")  # type: ignore[union-attr]

    def walk(a: File | Dir, b: File | Dir, path: str) -> None:
        assert type(a) is type(b) and a.mode == b.mode, path
        if isinstance(a, Dir) and isinstance(b, Dir):
            assert sorted(a.children) == sorted(b.children), path
            for k in a.children:
                walk(a.children[k], b.children[k], f"{path}/{k}")
        else:
            assert isinstance(a, File) and isinstance(b, File)
            assert (a.data, a.device) == (b.data, b.device) or path in ("/etc/resolv.conf",), path

    walk(got.root, want.root, "")
    assert (got.image, got.opaque) == (want.image, want.opaque)
