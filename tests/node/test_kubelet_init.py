"""Init containers in order, restartable init containers (sidecars), and their kubectl STATUS words."""

from __future__ import annotations

from labk8s.cluster import Cluster
from tests.node.kubelet_env import cluster, pod

NGINX = [{"name": "app", "image": "nginx:1.25"}]


def _row(c: Cluster, name: str) -> list[str]:
    for line in c.kubectl("get pods").splitlines()[1:]:
        if line.split()[0] == name:
            return line.split()[1:4]
    raise AssertionError(name)


def _timeline(c: Cluster, name: str, seconds: float, step: float = 0.5) -> list[tuple[float, list[str]]]:
    out: list[tuple[float, list[str]]] = []
    for _ in range(int(seconds / step)):
        c.run(step)
        row = _row(c, name)
        if not out or out[-1][1] != row:
            out.append((c.now, row))
    return out


def test_init_containers_run_in_order() -> None:
    c, _ = cluster()
    c.create(pod("init", NGINX, initContainers=[
        {"name": "one", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5"]},
        {"name": "two", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3"]}]))
    # The node has the pause image preloaded (as kind's node image does): the sandbox is ready at 0.4
    # (RunPodSandbox 300ms + CNI ADD 100ms); busybox pulls in 387ms; create 50ms + start 100ms.
    assert _timeline(c, "init", 16) == [
        (0.5, ["0/1", "Init:0/2", "0"]),
        (6.0, ["0/1", "Init:1/2", "0"]),       # one runs 0.937-5.937, seen by the PLEG relist at 6.0
        (10.0, ["0/1", "PodInitializing", "0"]),  # two runs 6.150-9.150, seen at 10.0
        (14.0, ["1/1", "Running", "0"]),       # nginx pulled (3.188s) and started at 13.338, seen at 14.0
    ]
    st = c.get("pod", "init")["status"]
    assert [(s["name"], s["ready"], s["state"]["terminated"]["reason"]) for s in st["initContainerStatuses"]] == [
        ("one", True, "Completed"), ("two", True, "Completed")]
    cond = {x["type"]: x for x in st["conditions"]}
    assert cond["Initialized"]["status"] == "True" and cond["Initialized"]["lastTransitionTime"] == \
        "2026-01-01T00:00:10Z"


def test_initializing_conditions() -> None:
    c, _ = cluster()
    c.create(pod("init", NGINX, initContainers=[
        {"name": "one", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 30"]}]))
    c.run(5)
    st = c.get("pod", "init")["status"]
    cond = {x["type"]: x for x in st["conditions"]}
    assert (cond["Initialized"]["status"], cond["Initialized"]["reason"], cond["Initialized"]["message"]) == (
        "False", "ContainersNotInitialized", "containers with incomplete status: [one]")
    assert st["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert st["phase"] == "Pending"


def test_failing_init_container() -> None:
    c, _ = cluster()
    fail = [{"name": "one", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}]
    c.create(pod("restart", NGINX, initContainers=fail))
    c.create(pod("never", NGINX, initContainers=fail, restartPolicy="Never"))
    c.run(15)
    # Upstream order: the sync that finds the init container dead shows its terminated state (Init:Error);
    # the CrashLoopBackOff it records (reasonCache) shows only in the next sync's status. The third exit
    # (about 11.3 s) is seen at 12.0 with a 20 s back-off; the next sync is the 10 s re-sync at 22.0.
    assert _row(c, "restart") == ["0/1", "Init:Error", "2"]
    assert c.run_until(lambda cl: _row(cl, "restart")[1] == "Init:CrashLoopBackOff") == 22.0
    assert _row(c, "restart") == ["0/1", "Init:CrashLoopBackOff", "2"]
    assert _row(c, "never") == ["0/1", "Init:Error", "0"]
    assert c.get("pod", "never")["status"]["phase"] == "Failed"
    assert c.get("pod", "restart")["status"]["phase"] == "Pending"


def test_sidecar_starts_first_and_is_stopped_when_the_job_is_done() -> None:
    c, _ = cluster()
    c.create(pod("job", [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 2; exit 0"]}],
                 restartPolicy="Never",
                 initContainers=[{"name": "log", "image": "busybox:1.36", "restartPolicy": "Always",
                                  "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]}]))
    timeline = _timeline(c, "job", 10)
    assert timeline[0] == (0.5, ["0/2", "Init:0/1", "0"])
    assert ["2/2", "Running", "0"] in [row for _, row in timeline]
    st = c.get("pod", "job")["status"]
    assert st["phase"] == "Succeeded"
    side = st["initContainerStatuses"][0]
    assert side["state"]["terminated"]["exitCode"] == 0  # the sidecar got SIGTERM once the app was done
    assert _row(c, "job") == ["0/2", "Completed", "0"]
