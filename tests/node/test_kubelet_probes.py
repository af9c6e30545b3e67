"""Probes with the real runtime: schedules, thresholds, the docs' probe examples."""

from __future__ import annotations

from typing import Any

import yaml

from labk8s.cluster import Cluster
from labk8s.node.kubelet.kubelet import Kubelet
from tests.node.kubelet_env import cluster, events, pod

MANIFESTS = "/work/shared/manifests/pods/probe"
Obj = dict[str, Any]


def _manifest(name: str) -> Obj:
    with open(f"{MANIFESTS}/{name}") as f:
        m: Obj = yaml.safe_load(f)
    m["spec"]["nodeName"] = "node-1"
    return m


def _probe_times(c: Cluster, kind: str) -> list[int]:
    return [r.time_ms for r in c.trace.records() if f": {kind} probe " in r.label]


def _runs(kl: Kubelet, seen: dict[str, tuple[int, int, int]]) -> None:
    def record(_ident: str) -> None:
        for s in kl.runtime.list_containers():
            seen[s.id] = (s.attempt, s.started_at, s.finished_at)
    kl.runtime.subscribe(record)


def test_exec_liveness_example_restarts_at_the_documented_time() -> None:
    """exec-liveness.yaml: /tmp/healthy exists for 30s; probes every 5s after 5s; three failures kill the
    container, whose sh ignores SIGTERM: SIGKILL after the 30s grace period, then a restart."""
    c, kl = cluster()
    seen: dict[str, tuple[int, int, int]] = {}
    _runs(kl, seen)
    c.create(_manifest("exec-liveness.yaml"))
    c.run(80)
    (_, started, killed), (attempt, restarted, _) = sorted(seen.values())
    assert attempt == 1
    ticks = _probe_times(c, "liveness")
    first = ticks[0]
    # The kubelet started less than a period before: the worker first waits a random part of the period.
    assert 0 < first < 5000 and all(b - a == 5000 for a, b in zip(ticks, ticks[1:], strict=False))
    # startedAt has whole seconds; the file goes at start + 30s; three failures in a row kill.
    failing = [t for t in ticks if t > started + 30_000][:3]
    killing = failing[2]
    assert killed == killing + 30_000
    # k8s.gcr.io/busybox is untagged (imagePullPolicy Always): a 300ms re-pull, then create and start.
    assert restarted == killed + 300 + 150
    unhealthy = [m for r, m, _ in events(c, "liveness-exec") if r == "Unhealthy"]
    assert unhealthy == ["Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"]
    counts = {e["reason"]: e["count"] for e in c.events() if e["involvedObject"]["name"] == "liveness-exec"}
    assert counts["Unhealthy"] == 3 and counts["Killing"] == 1
    assert ("Killing", "Container liveness failed liveness probe, will be restarted", "spec.containers{liveness}") in \
        events(c, "liveness-exec")
    cs = c.get("pod", "liveness-exec")["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1 and cs["lastState"]["terminated"]["exitCode"] == 137


def test_probe_without_initial_random_delay_when_kubelet_is_old() -> None:
    c, kl = cluster()
    c.run(100)
    c.create(pod("ready", [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"],
                            "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 7}}]))
    c.run(30)
    ticks = _probe_times(c, "readiness")
    assert ticks[0] == 100_000  # the pod's first sync: no random delay any more
    assert 100_000 + 7_000 in ticks and 100_000 + 14_000 in ticks
    # the manual trigger: the status showed a running container without readiness result
    assert min(t for t in ticks if t > 100_000) < 107_000


def test_readiness_http_probe_served_port_and_refused_port() -> None:
    c, _ = cluster()
    c.create(pod("good", [{"name": "nginx", "image": "nginx:1.25",
                           "readinessProbe": {"httpGet": {"path": "/", "port": 80}}}]))
    c.create(pod("bad", [{"name": "nginx", "image": "nginx:1.25",
                          "readinessProbe": {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5}}]))
    c.run(30)
    good, bad = c.get("pod", "good")["status"], c.get("pod", "bad")["status"]
    assert good["containerStatuses"][0]["ready"] is True
    assert bad["containerStatuses"][0]["ready"] is False and bad["phase"] == "Running"
    ready = next(x for x in bad["conditions"] if x["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "False", "ContainersNotReady", "containers with unready status: [nginx]")
    ip = bad["podIP"]
    assert ("Unhealthy", f'Readiness probe failed: Get "http://{ip}:8080/": dial tcp {ip}:8080: connect: connection '
            "refused", "spec.containers{nginx}") in events(c, "bad")
    assert "0/1     Running" in c.kubectl("get pod bad")


def test_tcp_probe_example_waits_for_initial_delay() -> None:
    c, _ = cluster()
    c.create(_manifest("tcp-liveness-readiness.yaml"))

    def ready(cl: Cluster) -> bool:
        statuses = cl.get("pod", "goproxy")["status"].get("containerStatuses") or [{}]
        return bool(statuses[0].get("ready"))

    t = c.run_until(ready, timeout=60)
    started = c.get("pod", "goproxy")["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    # the container starts at 0.970 (pause preloaded: sandbox 0.4, goproxy pulled, created, started)
    assert started == "2026-01-01T00:00:00Z"
    # initialDelaySeconds 15 after the whole-second startedAt (0s), then the next tick of the worker
    # (every periodSeconds 10 after a random start offset)
    assert 15 <= t < 25
    assert c.get("pod", "goproxy")["status"]["containerStatuses"][0]["restartCount"] == 0


def test_http_liveness_example_server_fails_after_ten_seconds() -> None:
    c, _ = cluster()
    c.create(_manifest("http-liveness.yaml"))
    c.run(40)
    evs = events(c, "liveness-http")
    assert ("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", "spec.containers{liveness}") \
        in evs
    assert ("Killing", "Container liveness failed liveness probe, will be restarted", "spec.containers{liveness}") in evs
    assert c.get("pod", "liveness-http")["status"]["containerStatuses"][0]["restartCount"] >= 1


def test_startup_probe_gates_and_kills() -> None:
    c, _ = cluster()
    c.create(pod("slow", [{"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"],
                           "startupProbe": {"exec": {"command": ["test", "-f", "/ready"]}, "periodSeconds": 2,
                                            "failureThreshold": 3},
                           "livenessProbe": {"exec": {"command": ["false"]}}}]))
    c.run(12)
    evs = events(c, "slow")
    assert ("Unhealthy", "Startup probe failed: ", "spec.containers{app}") in evs
    assert ("Killing", "Container app failed startup probe, will be restarted", "spec.containers{app}") in evs
    assert not any(m.startswith("Liveness") for _, m, _ in evs)
    cs = c.get("pod", "slow")["status"]["containerStatuses"][0]
    assert cs["started"] is False


def test_sidecar_startup_probe_gates_main_container() -> None:
    c, _ = cluster()
    with open("/work/shared/manifests/pods/multi-container/startup-coordination.yaml") as f:
        m = yaml.safe_load(f)
    m["spec"]["nodeName"] = "node-1"
    c.create(m)
    c.run(1.5)
    assert "Init:0/1" in c.kubectl("get pod startup-coordination-example")
    c.run(10)
    st = c.get("pod", "startup-coordination-example")["status"]
    side = st["initContainerStatuses"][0]
    assert side["started"] is True and side["ready"] is True and "running" in side["state"]
    assert st["containerStatuses"][0]["ready"] is True
    assert "2/2     Running" in c.kubectl("get pod startup-coordination-example")
    side_started = side["state"]["running"]["startedAt"]
    main_started = st["containerStatuses"][0]["state"]["running"]["startedAt"]
    assert side_started < main_started  # the main container waited for the sidecar's startup probe
