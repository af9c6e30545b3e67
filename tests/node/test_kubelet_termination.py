"""Graceful termination: SIGTERM, preStop, terminationGracePeriodSeconds, SIGKILL, sidecar order."""

from __future__ import annotations

from labk8s.client.client import Client
from labk8s.cluster import Cluster
from labk8s.errors import ApiError
from tests.node.kubelet_env import cluster, events, pod

SLEEPER = [{"name": "s", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}]


def _exists(c: Cluster, name: str) -> bool:
    try:
        c.get("pod", name)
    except ApiError:
        return False
    return True


def _deleted_at(c: Cluster, name: str) -> float:
    return c.run_until(lambda cl: not _exists(cl, name), timeout=120)


def test_sigterm_ignoring_shell_waits_for_the_grace_period() -> None:
    c, kl = cluster()
    c.create(pod("sleeper", SLEEPER))
    c.run(10)
    c.delete("pod", "sleeper")
    t0 = c.now
    assert "Terminating" in c.kubectl("get pod sleeper")
    # sh as PID 1 has no SIGTERM handler: the signal is ignored and SIGKILL comes 30s later
    assert _deleted_at(c, "sleeper") == t0 + 30
    assert ("Killing", "Stopping container s", "spec.containers{s}") in events(c, "sleeper")
    c.run(0)  # the DELETED watch event reaches the kubelet, which removes what is left in the runtime
    assert kl.runtime.list_containers() == [] and kl.runtime.list_pod_sandbox() == []


def test_server_exits_on_its_stop_signal() -> None:
    c, _ = cluster()
    c.create(pod("web", [{"name": "nginx", "image": "nginx:1.25"}]))
    c.run(10)
    c.delete("pod", "web")
    t0 = c.now
    assert _deleted_at(c, "web") == t0  # nginx quits on SIGQUIT at once


def test_shorter_grace_period_from_the_delete_request() -> None:
    c, _ = cluster()
    c.create(pod("sleeper", SLEEPER, terminationGracePeriodSeconds=60))
    c.run(10)
    admin = Client(c.api, "kubectl-admin")
    admin.delete(admin.resource("", "Pod"), "default", "sleeper", grace_period_seconds=5)
    t0 = c.now
    assert _deleted_at(c, "sleeper") == t0 + 5


def test_force_delete_kills_after_the_minimum_grace_period() -> None:
    c, kl = cluster()
    c.create(pod("sleeper", SLEEPER))
    c.run(10)
    admin = Client(c.api, "kubectl-admin")
    admin.delete(admin.resource("", "Pod"), "default", "sleeper", grace_period_seconds=0)
    assert not _exists(c, "sleeper")
    t0 = c.now
    c.run_until(lambda cl: not kl.runtime.list_containers(), timeout=30)
    assert c.now == t0 + 2  # the pod worker's grace period of 1s, raised to StopContainer's minimum of 2s


def test_prestop_sleep_then_sigterm() -> None:
    c, _ = cluster()
    c.create(pod("web", [{"name": "nginx", "image": "nginx:1.25",
                          "lifecycle": {"preStop": {"sleep": {"seconds": 10}}}}]))
    c.run(10)
    c.delete("pod", "web")
    t0 = c.now
    assert _deleted_at(c, "web") == t0 + 10


def test_prestop_exec_hook_runs_before_the_stop_signal() -> None:
    c, kl = cluster()
    c.create(pod("web", [{"name": "app", "image": "busybox:1.36",
                          "command": ["sh", "-c", "trap 'echo got TERM; exit 0' TERM; while true; do sleep 1; done"],
                          "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "echo bye > /proc/1/fd/1; sleep 3"]}}}}]))
    c.run(10)
    c.delete("pod", "web")
    t0 = c.now
    t = _deleted_at(c, "web")
    assert t0 + 3 <= t <= t0 + 4  # the hook's 3s, then SIGTERM is trapped and the loop ends


def test_sidecar_stops_after_the_main_container() -> None:
    c, kl = cluster()
    c.create(pod("app", SLEEPER, terminationGracePeriodSeconds=10,
                 initContainers=[{"name": "side", "image": "busybox:1.36", "restartPolicy": "Always",
                                  "command": ["sh", "-c", "sleep 3600"]}]))
    c.run(10)
    finished: dict[str, int] = {}

    def seen(_ident: str) -> None:
        for s in kl.runtime.list_containers():
            if s.finished_at:
                finished[s.name] = s.finished_at
    kl.runtime.subscribe(seen)
    c.delete("pod", "app")
    t0 = int(c.now * 1000)
    _deleted_at(c, "app")
    # main: SIGTERM ignored, SIGKILL at +10s; the sidecar's turn comes then, with the 2s minimum left
    assert finished == {"s": t0 + 10_000, "side": t0 + 12_000}
    kills = [f for r, _, f in events(c, "app") if r == "Killing"]
    assert kills == ["spec.containers{s}"] or sorted(kills) == ["spec.containers{s}", "spec.initContainers{side}"]


def test_liveness_kill_uses_the_probe_grace_period() -> None:
    c, kl = cluster()
    c.create(pod("probe", [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"],
                            "livenessProbe": {"exec": {"command": ["false"]}, "periodSeconds": 3,
                                              "failureThreshold": 1, "terminationGracePeriodSeconds": 4}}]))
    c.run(40)
    runs = sorted((s.attempt, s.started_at, s.finished_at) for s in kl.runtime.list_containers())
    kill = [r.time_ms for r in c.trace.records() if "liveness probe" in r.label]
    first_fail = next(t for t in kill if t > runs[0][1])
    assert runs[0][2] == first_fail + 4_000


def test_pod_deleted_while_its_image_is_pulled_ends_failed() -> None:
    c, kl = cluster()
    seen: list[tuple[str, str | None, list[dict[str, object]]]] = []
    watcher = Client(c.api, "watcher")
    watcher.watch(watcher.resource("", "Pod"), "default", lambda evs: seen.extend(
        (t, o["status"].get("phase"), o["status"].get("containerStatuses") or []) for t, o in evs))
    c.create(pod("big", [{"name": "db", "image": "postgres:16"}]))
    c.run(2)  # postgres (158 MB) takes 6.6s to pull
    c.delete("pod", "big")
    t0 = c.now
    assert _deleted_at(c, "big") == t0  # the pull is abandoned: nothing runs, nothing to wait for
    c.run(0)  # the watch delivers the last events
    kind, phase, statuses = seen[-2]
    assert (kind, phase) == ("MODIFIED", "Failed")
    assert statuses[0]["state"] == {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown",
                                                   "message": "The container could not be located when the pod was "
                                                              "terminated"}}
    assert seen[-1][0] == "DELETED"
