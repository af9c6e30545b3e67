"""node_exec: crictl's tables byte for byte, ``ip route``, and the node's files."""

from __future__ import annotations

import pytest

from labk8s._sim import EventLoop, Rng
from labk8s.node.crictl import NodeShell, human_duration, human_size, tabwrite
from labk8s.node.images import SANDBOX_IMAGE, Registry
from labk8s.node.nodefs import cri_log_line, format_rfc3339_nano
from labk8s.node.runtime.containers import ContainerConfig, PodSandboxConfig
from labk8s.node.runtime.cri import ContainerRuntime, new_node_runtime
from labk8s.node.runtime.shell import Invocation

SECOND, MINUTE, HOUR = 1000, 60_000, 3_600_000
DAY, WEEK = 24 * HOUR, 7 * 24 * HOUR
MONTH, YEAR = 30 * DAY, 365 * DAY


# -- the Go helpers crictl uses (docker/go-units tests, text/tabwriter) ------------------------------
@pytest.mark.parametrize("ms,text", [
    (450, "Less than a second"), (1 * SECOND, "1 second"), (45 * SECOND, "45 seconds"), (59 * SECOND, "59 seconds"),
    (60 * SECOND, "About a minute"), (3 * MINUTE, "3 minutes"), (35 * MINUTE + 40 * SECOND, "35 minutes"),
    (59 * MINUTE, "59 minutes"), (60 * MINUTE, "About an hour"), (HOUR + 29 * MINUTE, "About an hour"),
    (HOUR + 31 * MINUTE, "2 hours"), (3 * HOUR + 29 * MINUTE, "3 hours"), (3 * HOUR + 31 * MINUTE, "4 hours"),
    (24 * HOUR, "24 hours"), (DAY + 12 * HOUR, "36 hours"), (2 * DAY, "2 days"), (13 * DAY + 5 * HOUR, "13 days"),
    (2 * WEEK, "2 weeks"), (2 * WEEK + 4 * DAY, "2 weeks"), (MONTH, "4 weeks"), (MONTH + 2 * WEEK, "6 weeks"),
    (2 * MONTH, "2 months"), (5 * MONTH + 2 * WEEK, "5 months"), (24 * MONTH, "24 months"),
    (24 * MONTH + 2 * WEEK, "2 years"), (3 * YEAR + 2 * MONTH, "3 years"),
])
def test_human_duration(ms: int, text: str) -> None:
    assert human_duration(ms) == text


@pytest.mark.parametrize("size,precision,text", [
    (1000, 4, "1kB"), (1024, 4, "1.024kB"), (1_000_000, 4, "1MB"), (1_048_576, 4, "1.049MB"),
    (2_000_000, 4, "2MB"), (3_420_000_000, 4, "3.42GB"), (5_372_000_000_000, 4, "5.372TB"),
    (2_220_000_000_000_000, 4, "2.22PB"), (10_000_000_000_000 * 10**15, 4, "1e+04YB"),
    (72_195_292, 3, "72.2MB"), (320_368, 3, "320kB"), (2_155_324, 3, "2.16MB"), (999, 3, "999B"),
    (999_999, 3, "1e+03kB"),
])
def test_human_size(size: int, precision: int, text: str) -> None:
    assert human_size(size, precision) == text


def test_tabwriter_layout() -> None:
    rows = [["ID", "NAME", "LAST"], ["1", "a-name-longer-than-twenty", "x"], ["22", "b", "yy"]]
    assert tabwrite(rows) == ("ID                  NAME                        LAST\n"
                              "1                   a-name-longer-than-twenty   x\n"
                              "22                  b                           yy\n")
    assert tabwrite([["ONLY"]]) == "ONLY\n" and tabwrite([]) == ""


@pytest.mark.parametrize("ms,text", [
    (0, "2026-01-01T00:00:00Z"), (1500, "2026-01-01T00:00:01.5Z"), (1230, "2026-01-01T00:00:01.23Z"),
    (1001, "2026-01-01T00:00:01.001Z"), (86_400_000 + 7, "2026-01-02T00:00:00.007Z"),
])
def test_log_timestamps(ms: int, text: str) -> None:
    assert format_rfc3339_nano(ms) == text
    assert cri_log_line(ms, "stdout", "hi\n") == f"{text} stdout F hi\n"
    assert cri_log_line(ms, "stderr", "partial") == f"{text} stderr P partial\n"


# -- a node with pods -------------------------------------------------------------------------------
def _node() -> tuple[EventLoop, ContainerRuntime, dict[str, str]]:
    loop = EventLoop()
    rt = new_node_runtime(loop, "node-1", "172.18.0.3", "10.244.1.0/24", Registry(), Rng(1),
                          preloaded=(SANDBOX_IMAGE, "busybox", "nginx"))
    ids: dict[str, str] = {}
    for name in ("web", "a-very-long-pod-name-abc"):
        cfg = PodSandboxConfig(name, "default", f"uid-{name}", hostname=name,
                               log_directory=f"/var/log/pods/default_{name}_uid-{name}")

        def done(sid: str | None, err: str | None, name: str = name) -> None:
            ids[name] = str(sid)

        rt.run_pod_sandbox(cfg, done)
        loop.run_until_time(loop.now_ms + 1_000)
    ids["nginx"] = rt.create_container(ids["web"], ContainerConfig("nginx", "nginx", log_path="nginx/0.log"))
    rt.start_container(ids["nginx"])
    ids["job"] = rt.create_container(ids["a-very-long-pod-name-abc"], ContainerConfig(
        "job", "busybox", command=["sh", "-c", "echo done"], log_path="job/0.log"))
    rt.start_container(ids["job"])
    loop.run_until_time(loop.now_ms + 150_000)  # 2 minutes and 30 seconds later
    return loop, rt, ids


def test_crictl_ps_pods_images_byte_exact() -> None:
    loop, rt, ids = _node()
    sh = NodeShell(rt)
    nginx_img = rt.image_status("nginx")
    busybox = rt.image_status("busybox")
    pause = rt.image_status(SANDBOX_IMAGE)
    assert nginx_img is not None and busybox is not None and pause is not None
    web, long_pod, nginx, job = ids["web"][:13], ids["a-very-long-pod-name-abc"][:13], ids["nginx"][:13], ids["job"][:13]
    n_img, b_img, p_img = nginx_img.id[7:20], busybox.id[7:20], pause.id[7:20]
    pod_col = 27  # the longest pod name (24) + padding 3
    assert sh("crictl ps -a") == (
        "CONTAINER           IMAGE               CREATED             STATE               NAME                "
        "ATTEMPT             POD ID              " + "POD".ljust(pod_col) + "NAMESPACE\n"
        f"{job}       {b_img}       2 minutes ago       Exited              job                 0                   "
        f"{long_pod}       a-very-long-pod-name-abc   default\n"
        f"{nginx}       {n_img}       2 minutes ago       Running             nginx               0                   "
        f"{web}       web" + " " * 24 + "default\n")
    assert sh("crictl ps") == (
        "CONTAINER           IMAGE               CREATED             STATE               NAME                "
        "ATTEMPT             POD ID              POD                 NAMESPACE\n"
        f"{nginx}       {n_img}       2 minutes ago       Running             nginx               0                   "
        f"{web}       web                 default\n")
    assert sh("crictl pods") == (
        "POD ID              CREATED             STATE               " + "NAME".ljust(pod_col) + "NAMESPACE           "
        "ATTEMPT             RUNTIME\n"
        f"{long_pod}       2 minutes ago       Ready               a-very-long-pod-name-abc   default             "
        "0                   (default)\n"
        f"{web}       2 minutes ago       Ready               web" + " " * 24 + "default             "
        "0                   (default)\n")
    assert sh("crictl images") == (
        "IMAGE                       TAG                 IMAGE ID            SIZE\n"
        f"docker.io/library/busybox   latest              {b_img}       2.16MB\n"
        f"docker.io/library/nginx     latest              {n_img}       72.2MB\n"
        f"registry.k8s.io/pause       3.10                {p_img}       320kB\n")


def test_crictl_filters_quiet_and_errors() -> None:
    loop, rt, ids = _node()
    sh = NodeShell(rt)
    assert sh("crictl ps -aq") == f"{ids['job']}\n{ids['nginx']}\n"
    assert sh("crictl ps -a --name '^j'").count("\n") == 2
    assert sh("crictl ps --state exited -q") == f"{ids['job']}\n"
    assert sh(f"crictl ps -q -p {ids['web'][:8]}") == f"{ids['nginx']}\n"
    assert sh("crictl pods -q --name web") == f"{ids['web']}\n"
    assert sh("crictl pods --no-trunc").splitlines()[1].startswith(ids["a-very-long-pod-name-abc"])
    assert sh("crictl images -q") == "".join(i.id + "\n" for i in sorted(
        rt.list_images(), key=lambda i: i.repo_tags[0]))
    assert sh("crictl logs " + ids["job"][:13]) == "done\n"
    assert sh("crictl version") == ("Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  v2.2.0\n"
                                    "RuntimeApiVersion:  v1\n")
    result = NodeShell(rt).run("crictl foo")
    assert (result.exit_code, result.stderr) == (3, "No help topic for 'foo'\n")
    result = NodeShell(rt).run("crictl ps --state sleeping")
    assert result.exit_code == 1 and "--state should be one of created, running, exited or unknown" in result.stderr
    rt.stop_pod_sandbox(ids["web"])
    assert "NotReady" in sh("crictl pods --name web")


def test_ip_route_and_cni_files_on_the_node() -> None:
    loop, rt, ids = _node()
    sh = NodeShell(rt)
    assert sh("ip route") == ("default via 172.18.0.1 dev eth0 \n"
                              "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n"
                              "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3 \n")
    assert sh("ls /etc/cni/net.d") == "10-bridge.conflist\n"
    assert '"subnet": "10.244.1.0/24"' in sh("cat /etc/cni/net.d/10-bridge.conflist")
    assert sh("ls /var/lib/cni/networks/cbr0") == "10.244.1.2\n10.244.1.3\nlast_reserved_ip.0\nlock\n"
    assert sh("cat /var/lib/cni/networks/cbr0/10.244.1.2") == f"{ids['web']}\r\neth0"
    assert sh("cat /var/lib/cni/networks/cbr0/last_reserved_ip.0") == "10.244.1.3"
    log = sh("cat /var/log/pods/default_a-very-long-pod-name-abc_uid-a-very-long-pod-name-abc/job/0.log")
    assert log == "2026-01-01T00:00:02Z stdout F done\n"
    assert sh("ip link").startswith("ip link: not modelled")
    assert sh("sleep 5; echo after") == "after\n"  # runs at once on virtual time
    assert NodeShell(rt).run("tail -f /etc/hostname").stdout == "node-1\n"  # stopped, not hung


def test_extra_tools_become_node_programs() -> None:
    loop, rt, _ = _node()

    def iptables_save(inv: Invocation) -> int:
        inv.out("*nat\nCOMMIT\n")
        return 0

    sh = NodeShell(rt, extra_tools={"iptables-save": iptables_save})
    assert sh("iptables-save | head -1") == "*nat\n"
    assert "iptables-save" in sh("ls /usr/local/bin").split()
