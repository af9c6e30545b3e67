"""Container resources: the kubelet's LinuxContainerResources, the runtime's cgroup (memory, CPU, the OOM
killer) and the programs that use resources (stress), plus redis-cli talking to the container's server.

Timings derive from the named constants: a stress vm worker sleeps its back-off (3000 µs per worker still
to fork), then its memory becomes resident in TOUCH_STEPS steps over the touch time (PAGE_FIRST_TOUCH_NS
per page); the OOM killer fires at the first step that takes the cgroup over memory.max.
"""

from __future__ import annotations

from typing import Any

import pytest

from labk8s import Cluster
from labk8s._sim import EventLoop, Rng
from labk8s.node.images import SANDBOX_IMAGE, Registry
from labk8s.node.kubelet.containerconfig import linux_container_resources
from labk8s.node.runtime.cgroup import Cgroup, LinuxContainerResources
from labk8s.node.runtime.containers import ContainerConfig, ContainerState, PodSandboxConfig
from labk8s.node.runtime.cri import ContainerRuntime, new_node_runtime
from labk8s.node.runtime.shell.rediscli import parse_memory
from labk8s.node.runtime.shell.stress import (
    DEFAULT_BACKOFF_US,
    PAGE_FIRST_TOUCH_NS,
    PAGE_SIZE,
    TOUCH_STEPS,
    parse_size,
    touch_plan,
)

MI = 1024 * 1024
STRESS = "polinux/stress"
OOM_GROUP = {"memory.oom.group": "1"}


# -- the kubelet: calculateLinuxResources (kuberuntime_container_linux_test.go, cgroup v2 rows) ----------------
@pytest.mark.parametrize("name,requests,limits,expected", [
    ("Request128MBLimit256MB", {"cpu": "1"}, {"cpu": "2", "memory": "128Mi"}, (100000, 200000, 1024, 134217728)),
    ("RequestNoMemory", {"cpu": "2"}, {"cpu": "8", "memory": "0"}, (100000, 800000, 2048, 0)),
    ("RequestNilCPU", {}, {"cpu": "2", "memory": "0"}, (100000, 200000, 2048, 0)),
    ("RequestZeroCPU", {"cpu": "0"}, {"cpu": "2", "memory": "0"}, (100000, 200000, 2, 0)),
    # labk8s rows: no resources at all (BestEffort), a tiny limit (minimum quota), the docs' stress pods.
    ("BestEffort", {}, {}, (100000, 0, 2, 0)),
    ("TinyLimit", {"cpu": "1m"}, {"cpu": "1m"}, (100000, 1000, 2, 0)),
    ("memory-demo-2", {"memory": "50Mi"}, {"memory": "100Mi"}, (100000, 0, 2, 104857600)),
    ("memory-demo", {"memory": "100Mi"}, {"memory": "200Mi"}, (100000, 0, 2, 209715200)),
])
def test_linux_container_resources(name: str, requests: dict[str, str], limits: dict[str, str],
                                   expected: tuple[int, int, int, int]) -> None:
    r = linux_container_resources({"name": "c", "resources": {"requests": requests, "limits": limits}})
    assert (r.cpu_period, r.cpu_quota, r.cpu_shares, r.memory_limit_in_bytes) == expected, name
    assert r.unified == OOM_GROUP


def test_container_config_from_cri_carries_the_resources() -> None:
    cfg = ContainerConfig.from_cri({"metadata": {"name": "c"}, "image": {"image": "busybox"}, "linux": {"resources": {
        "cpu_period": 100000, "cpu_quota": 50000, "cpu_shares": 512, "memory_limit_in_bytes": 1 << 20,
        "unified": OOM_GROUP}}})
    assert cfg.resources == LinuxContainerResources(100000, 50000, 512, 1 << 20, OOM_GROUP)
    assert ContainerConfig("c", "busybox").resources.memory_limit_in_bytes == 0  # no limit


# -- stress's numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [
    ("250M", 250 << 20), ("150M", 150 << 20), ("1k", 1024), ("1K", 1024), ("2G", 2 << 30), ("4096", 4096),
    ("10b", 10), ("1.5G", 1 << 30), ("0x10", 16), ("010", 8),
])
def test_stress_sizes_are_powers_of_1024(text: str, value: int) -> None:
    assert parse_size(text) == value


@pytest.mark.parametrize("nbytes,stride,resident,touch_ms", [
    (250 << 20, 4096, 262144000, 64),   # 64,000 pages at 1 µs
    (150 << 20, 4096, 157286400, 39),   # 38,400 pages: 38.4 ms, rounded up
    (1 << 20, 8192, 512 * 1024, 1),     # every other page
    (1 << 20, 1, 1 << 20, 1),           # a stride below the page size touches every page
])
def test_touch_plan(nbytes: int, stride: int, resident: int, touch_ms: int) -> None:
    assert touch_plan(nbytes, stride) == (resident, touch_ms)
    pages = resident // PAGE_SIZE
    assert touch_ms == -(-pages * PAGE_FIRST_TOUCH_NS // 1_000_000)


# -- the cgroup ---------------------------------------------------------------------------------------------
def test_cgroup_sums_processes_and_fires_the_oom_killer_once() -> None:
    now = [0]
    fired: list[int] = []
    cg = Cgroup(LinuxContainerResources(cpu_period=100000, cpu_quota=150000, memory_limit_in_bytes=100 * MI),
                cpu_count=4, clock=lambda: now[0], on_oom=lambda: fired.append(now[0]))
    cg.account("a", 60 * MI, 1000)
    cg.account("b", 30 * MI, 1000)
    assert (cg.memory_current, cg.cpu_millicores, cg.cpu_max_millicores) == (90 * MI, 1500, 1500)
    now[0] = 10
    assert cg.usage_core_nanoseconds() == 10 * 1500 * 1000
    cg.account("b", 40 * MI + 1, 1000)
    assert fired == [10] and cg.oom_kills == 1
    cg.account("c", 1, 0)  # already being killed: no second kill
    assert fired == [10]
    cg.account("a", 0, 0)  # releases never kill
    cg.release()
    assert (cg.memory_current, cg.cpu_millicores) == (0, 0)


def test_cgroup_without_limits_uses_the_node() -> None:
    cg = Cgroup(LinuxContainerResources(), cpu_count=4, clock=lambda: 0, on_oom=lambda: None)
    cg.account("a", 64 << 30, 8000)
    assert (cg.memory_max, cg.cpu_max_millicores, cg.cpu_millicores, cg.oom) == (0, 4000, 4000, False)


# -- the runtime ------------------------------------------------------------------------------------------
class Node:
    def __init__(self) -> None:
        self.loop = EventLoop()
        self.rt: ContainerRuntime = new_node_runtime(self.loop, "node-1", "172.18.0.3", "10.244.1.0/24", Registry(),
                                                     Rng(0), preloaded=(SANDBOX_IMAGE, STRESS, "busybox"))
        got: list[str | None] = []
        self.rt.run_pod_sandbox(PodSandboxConfig("p", "default", "u1", hostname="p"), lambda sid, err: got.append(sid))
        self.run(1_000)
        assert got[0] is not None
        self.sid = got[0]
        self.n = 0

    def run(self, ms: int) -> None:
        self.loop.run_until_time(self.loop.now_ms + ms)

    def start(self, argv: list[str], image: str = STRESS, memory: int = 0, cpu_quota: int = 0) -> str:
        self.n += 1
        res = LinuxContainerResources(cpu_period=100000, cpu_quota=cpu_quota, memory_limit_in_bytes=memory,
                                      unified=OOM_GROUP)
        cid = self.rt.create_container(self.sid, ContainerConfig(f"c{self.n}", image, command=argv, resources=res))
        self.rt.start_container(cid)
        return cid

    def log(self, cid: str) -> str:
        return "".join(text for _, _, text in self.rt.logs(cid))


def vm(nbytes: str, *extra: str) -> list[str]:
    return ["stress", "--vm", "1", "--vm-bytes", nbytes, *extra]


BACKOFF_1 = DEFAULT_BACKOFF_US // 1000  # one worker to fork: 3 ms


def oom_time(resident: int, touch_ms: int, limit: int) -> int:
    """When the OOM killer fires: the first touch step that takes the worker over the limit."""
    step = next(k for k in range(1, TOUCH_STEPS + 1) if resident * k // TOUCH_STEPS > limit)
    return BACKOFF_1 + touch_ms * step // TOUCH_STEPS


def test_stress_over_its_memory_limit_is_oom_killed() -> None:
    """memory-request-limit-2.yaml: 250M in a 100Mi cgroup."""
    node = Node()
    t0 = node.loop.now_ms
    cid = node.start(vm("250M", "--vm-hang", "1"), memory=100 * MI)
    resident, touch_ms = touch_plan(250 << 20, 4096)
    died = oom_time(resident, touch_ms, 100 * MI)
    assert died == 3 + 32 == 35
    node.run(died - 1)
    assert node.rt.container_memory_usage(cid) == resident // TOUCH_STEPS  # 62.5 MiB resident
    assert node.rt.container_cpu_usage(cid) == 1000  # the worker touching pages
    node.run(1)
    st = node.rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason, st.finished_at - t0) == (ContainerState.EXITED, 137, "OOMKilled", died)
    assert node.log(cid) == "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"
    assert (node.rt.container_memory_usage(cid), node.rt.container_cpu_usage(cid)) == (0, 0)
    cg = node.rt._containers[cid].cgroup
    assert cg is not None and cg.oom_kills == 1
    # CPU time: one core from the end of the back-off to the kill.
    assert node.rt.container_cpu_usage_core_nanoseconds(cid) == (died - BACKOFF_1) * 1_000_000


def test_stress_within_its_memory_limit_cycles() -> None:
    """memory-request-limit.yaml: 150M under 200Mi, --vm-hang 1: touch, hold 1 s, free, again."""
    node = Node()
    t0 = node.loop.now_ms
    cid = node.start(vm("150M", "--vm-hang", "1"), memory=200 * MI)
    resident, touch_ms = touch_plan(150 << 20, 4096)
    held = BACKOFF_1 + touch_ms
    usage = []
    for t in (held - 1, held, held + 999, held + 1000, held + 1000 + touch_ms):
        node.run(t0 + t - node.loop.now_ms)
        usage.append((node.rt.container_memory_usage(cid), node.rt.container_cpu_usage(cid)))
    assert usage == [(resident * 3 // 4, 1000), (resident, 0), (resident, 0), (0, 1000), (resident, 0)]
    node.run(60_000)
    assert node.rt.container_status(cid).state == ContainerState.RUNNING


def test_stress_cpu_hogs_are_held_to_the_quota() -> None:
    node = Node()
    capped = node.start(["stress", "--cpu", "2", "--timeout", "2s"], cpu_quota=100000)
    free = node.start(["stress", "--cpu", "2", "--timeout", "2s"])
    many = node.start(["stress", "--cpu", "8"])
    node.run(5)  # round 1 (2 workers): 6 ms back-off; round 2: 3 ms
    assert [node.rt.container_cpu_usage(c) for c in (capped, free)] == [1000, 1000]
    node.run(1)
    assert [node.rt.container_cpu_usage(c) for c in (capped, free)] == [1000, 2000]
    # --cpu 8: round k forks with 8 - k + 1 workers left, so the first worker waits 24 ms, the last 3 ms.
    assert node.rt.container_cpu_usage(many) == 2000  # the rounds of 3 and 6 ms
    node.run(24 - 6)
    assert node.rt.container_cpu_usage(many) == 4000  # eight hogs on a 4-CPU node
    node.run(2_000 - 24)
    for cid in (capped, free):
        st = node.rt.container_status(cid)
        assert (st.exit_code, st.reason) == (0, "Completed")
        assert node.log(cid) == ("stress: info: [1] dispatching hogs: 2 cpu, 0 io, 0 vm, 0 hdd\n"
                                 "stress: info: [1] successful run completed in 2s\n")
    assert node.rt.container_cpu_usage_core_nanoseconds(free) == ((2000 - 3) + (2000 - 6)) * 1_000_000
    assert node.rt.container_cpu_usage_core_nanoseconds(capped) == (2000 - 3) * 1_000_000


def test_exec_over_the_limit_kills_the_whole_container() -> None:
    """memory.oom.group: an exec'd process that goes over the limit takes PID 1 with it."""
    node = Node()
    cid = node.start(["sleep", "3600"], memory=100 * MI)
    node.run(10)
    got: list[tuple[int, str, str]] = []
    t0 = node.loop.now_ms
    node.rt.exec_sync(cid, vm("250M"), 0, lambda code, out, err: got.append((code, out, err)))
    node.run(100)
    st = node.rt.container_status(cid)
    resident, touch_ms = touch_plan(250 << 20, 4096)
    assert (st.exit_code, st.reason, st.finished_at - t0) == (137, "OOMKilled", oom_time(resident, touch_ms, 100 * MI))
    assert got == [(137, "stress: info: [100] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n", "")]


def test_stress_as_pid_1_ignores_sigterm() -> None:
    node = Node()
    cid = node.start(vm("1M", "--vm-hang", "0"))
    node.run(100)
    assert node.rt.container_memory_usage(cid) == 1 << 20
    stopped: list[int] = []
    node.rt.stop_container(cid, 30, lambda: stopped.append(node.loop.now_ms))
    node.run(29_999)
    assert node.rt.container_status(cid).state == ContainerState.RUNNING
    node.run(2)
    st = node.rt.container_status(cid)
    assert (st.exit_code, st.reason, node.rt.container_memory_usage(cid)) == (137, "Error", 0)
    assert len(stopped) == 1


@pytest.mark.parametrize("args,stdout,stderr,code", [
    (["--vm", "1", "--vm-bytes", "250Mi"], "", "stress: FAIL: [1] (648) unrecognized suffix: i\n", 1),
    (["--vm"], "", "stress: FAIL: [1] (181) missing argument to option '--vm'\n", 1),
    (["-c", "--vm", "1"], "", "stress: FAIL: [1] (161) missing argument to option '--cpu'\n", 1),
    (["--vm", "0"], "", "stress: FAIL: [1] (185) invalid number of vm hogs: 0\n", 1),
    (["--vm-hang", "-1"], "", "stress: FAIL: [1] (215) invalid value: -1\n", 1),
    (["--timeout", "1x"], "", "stress: FAIL: [1] (706) unrecognized suffix: x\n", 1),
    (["--bogus"], "", "stress: FAIL: [1] (245) unrecognized option: --bogus\n", 1),
    (["--version"], "stress 1.0.4\n", "", 0),
    (["--vm", "1", "--dry-run"], "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"
                                 "stress: info: [1] successful run completed in 0s\n", "", 0),
    (["-q", "--vm", "1", "--dry-run"], "", "", 0),
    (["-v", "--cpu", "1", "--timeout", "1"], "stress: info: [1] dispatching hogs: 1 cpu, 0 io, 0 vm, 0 hdd\n"
                                            "stress: dbug: [1] using backoff sleep of 3000us\n"
                                            "stress: dbug: [1] setting timeout to 1s\n"
                                            "stress: dbug: [1] --> hogcpu worker 1 [8] forked\n"
                                            "stress: dbug: [1] <-- worker 8 signalled normally\n"
                                            "stress: info: [1] successful run completed in 1s\n", "", 0),
])
def test_stress_command_line(args: list[str], stdout: str, stderr: str, code: int) -> None:
    node = Node()
    cid = node.start(["stress", *args])
    node.run(2_000)
    st = node.rt.container_status(cid)
    logs = node.rt.logs(cid)
    assert "".join(t for _, s, t in logs if s == "stdout") == stdout
    assert "".join(t for _, s, t in logs if s == "stderr") == stderr
    assert (st.state, st.exit_code) == (ContainerState.EXITED, code)


def test_stress_without_hogs_prints_its_usage() -> None:
    node = Node()
    cid = node.start(["stress"])
    node.run(10)
    assert node.log(cid).startswith("`stress' imposes certain types of compute stress on your system\n\n")
    assert node.rt.container_status(cid).exit_code == 0


# -- the docs' pods on a cluster ------------------------------------------------------------------------
def _cluster() -> Cluster:
    c = Cluster(nodes=1, seed=0, addons=False)
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mem-example"}})
    return c


def _stress_pod(name: str, nbytes: str, request: str, limit: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "mem-example"},
            "spec": {"containers": [{"name": f"{name}-ctr", "image": STRESS, "command": ["stress"],
                                     "args": ["--vm", "1", "--vm-bytes", nbytes, "--vm-hang", "1"],
                                     "resources": {"requests": {"memory": request}, "limits": {"memory": limit}}}]}}


def _cid(c: Cluster, pod: str) -> str:
    st = c.get("pod", pod, "mem-example")["status"]["containerStatuses"][0]
    return str(st["containerID"]).removeprefix("containerd://")


def test_memory_demo_2_is_oom_killed_and_backs_off() -> None:
    """Assign Memory Resources, "Exceed a Container's memory limit"."""
    c = _cluster()
    rt = c.machines["node-1"].runtime
    c.create(_stress_pod("memory-demo-2", "250M", "50Mi", "100Mi"))

    def cs() -> dict[str, Any]:
        return dict(c.get("pod", "memory-demo-2", "mem-example")["status"].get("containerStatuses", [{}])[0])

    c.run_until(lambda _c: "terminated" in cs().get("state", {}), timeout=30)
    first = cs()
    assert (first["restartCount"], first["lastState"]) == (0, {})
    assert (first["state"]["terminated"]["exitCode"], first["state"]["terminated"]["reason"]) == (137, "OOMKilled")
    assert c.kubectl("get pod memory-demo-2 -n mem-example --no-headers").split()[1:4] == ["0/1", "OOMKilled", "0"]
    st = rt.container_status(_cid(c, "memory-demo-2"))
    resident, touch_ms = touch_plan(250 << 20, 4096)
    assert st.finished_at - st.started_at == oom_time(resident, touch_ms, 100 * MI)
    # Restarted at once, killed again, then CrashLoopBackOff with the OOM kill as its last state.
    c.run_until(lambda _c: cs().get("restartCount") == 1 and "waiting" in cs()["state"], timeout=30)
    last = cs()["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (137, "OOMKilled")
    assert cs()["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert any(e["reason"] == "BackOff" for e in c.events("mem-example"))
    assert "OOMKilled" in c.kubectl("describe pod memory-demo-2 -n mem-example")


def test_memory_demo_keeps_running_within_its_limit() -> None:
    c = _cluster()
    rt = c.machines["node-1"].runtime
    c.create(_stress_pod("memory-demo", "150M", "100Mi", "200Mi"))
    c.run(30)
    assert c.kubectl("get pod memory-demo -n mem-example --no-headers").split()[1:4] == ["1/1", "Running", "0"]
    cid = _cid(c, "memory-demo")
    resident, touch_ms = touch_plan(150 << 20, 4096)
    # Rounds of 1,039 ms: hold 150M for 1 s (--vm-hang 1), free, touch again for 39 ms in four steps.
    period = 1000 + touch_ms
    held = rt.container_status(cid).started_at + BACKOFF_1 + touch_ms + 28 * period
    c.run((held + 500 - c.loop.now_ms) / 1000)
    assert (rt.container_memory_usage(cid), rt.container_cpu_usage(cid)) == (resident, 0)
    c.run((1000 + 20 - 500) / 1000)  # freed at +1000, second step charged at +1019
    assert (rt.container_memory_usage(cid), rt.container_cpu_usage(cid)) == (resident * 2 // TOUCH_STEPS, 1000)
    assert rt.container_status(cid).state == ContainerState.RUNNING
    assert c.kubectl("logs memory-demo -n mem-example") == \
        "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"


# -- redis-cli -------------------------------------------------------------------------------------------
def _redis(c: Cluster, name: str, config: str | None = None, command: list[str] | None = None) -> None:
    spec: dict[str, Any] = {"containers": [{"name": "redis", "image": "redis:5"}]}
    if config is not None:
        c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-config"},
                  "data": {"redis-config": config}})
        spec["containers"][0].update(args=["/usr/local/etc/redis/redis.conf"], volumeMounts=[
            {"name": "config", "mountPath": "/usr/local/etc/redis"}])
        spec["volumes"] = [{"name": "config", "configMap": {"name": f"{name}-config", "items": [
            {"key": "redis-config", "path": "redis.conf"}]}}]
    if command is not None:
        spec["containers"][0]["command"] = command
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec})


def test_redis_cli_against_the_container_server() -> None:
    c = Cluster(nodes=1, seed=0, addons=False)
    _redis(c, "plain")
    _redis(c, "tuned", "maxmemory 2mb\nmaxmemory-policy allkeys-lru\n")
    _redis(c, "idle", command=["sleep", "3600"])
    c.run(10)
    cases = [
        ("plain", "redis-cli CONFIG GET maxmemory", "maxmemory\n0\n"),
        ("tuned", "redis-cli CONFIG GET maxmemory", "maxmemory\n2097152\n"),
        ("tuned", "redis-cli CONFIG GET maxmemory-policy", "maxmemory-policy\nallkeys-lru\n"),
        ("tuned", "redis-cli config get 'maxmemory*'",
         "maxmemory\n2097152\nmaxmemory-policy\nallkeys-lru\nmaxmemory-samples\n5\n"),
        ("tuned", "redis-cli CONFIG GET nosuchparam", "\n"),
        ("plain", "redis-cli ping", "PONG\n"),
        ("plain", "redis-cli -h 127.0.0.1 -p 6379 SET greeting hello", "OK\n"),
        ("plain", "redis-cli GET greeting", "hello\n"),
        ("plain", "redis-cli GET missing", "\n"),
        ("plain", "redis-cli INCR hits", "1\n"),
        ("plain", "redis-cli KEYS '*'", "greeting\nhits\n"),
        ("plain", "redis-cli CONFIG SET maxmemory 10mb", "OK\n"),
        ("plain", "redis-cli CONFIG GET maxmemory", "maxmemory\n10485760\n"),
        ("plain", "sh -c 'printf \"PING\\nDBSIZE\\n\" | redis-cli'", "PONG\n2\n"),
        ("plain", "redis-cli GET", "ERR wrong number of arguments for 'get' command\n\n"),
        ("plain", "redis-cli HELLO x", "ERR unknown command `HELLO`, with args beginning with: `x`, \n\n"),
        ("plain", "redis-cli -p 6380 PING", "Could not connect to Redis at 127.0.0.1:6380: Connection refused\n"),
        ("idle", "redis-cli PING", "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n"),
        ("plain", "redis-cli --bogus", "Unrecognized option or bad number of args for: '--bogus'\n"),
    ]
    for pod, command, output in cases:
        assert c.exec(pod, command) == output, command
    assert parse_memory("2mb") == 2097152 and parse_memory("1k") == 1000 and parse_memory("1gb") == 1 << 30
    assert parse_memory("12x") is None
