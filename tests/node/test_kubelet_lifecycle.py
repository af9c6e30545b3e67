"""Pod lifecycle through the kubelet and the real runtime, with exact virtual times.

Timeline of a pod bound at t=0 on a fresh node (only the sandbox image registry.k8s.io/pause:3.10 is
cached: the machine preloads it, as kind's node image does):
  0       kubelet syncs: status Pending, container waiting ContainerCreating, startTime, hostIP
  400     RunPodSandbox done (300ms + 100ms CNI ADD): pod IP 10.244.1.2
  400     "Pulling image ..." ; nginx:1.25 is 72,195,292 bytes: 300 + 2,888 = 3,188ms
  3588    "Successfully pulled image "nginx:1.25" in 3.188s (3.188s including waiting)"
  3638    "Container created" (CreateContainer 50ms)
  3738    "Container started" (StartContainer 100ms); the pending PLEG update syncs: Running, Ready
"""

from __future__ import annotations

import json

from tests.node.kubelet_env import cluster, events, pod

NGINX = [{"name": "nginx", "image": "nginx:1.25"}]


def _status(c, name):  # type: ignore[no-untyped-def]
    return c.get("pod", name)["status"]


def test_pending_container_creating_running_times() -> None:
    c, _ = cluster()
    c.create(pod("web", NGINX))
    c.run(0.001)
    st = _status(c, "web")
    assert st["phase"] == "Pending"
    assert st["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert st["startTime"] == "2026-01-01T00:00:00Z" and st["hostIP"] == "172.18.0.3"
    assert "ContainerCreating" in c.kubectl("get pod web")
    t = c.run_until(lambda cl: _status(cl, "web")["phase"] == "Running")
    assert t == 3.738
    st = _status(c, "web")
    cs = st["containerStatuses"][0]
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
    assert cs["image"] == "docker.io/library/nginx:1.25" and cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["containerID"].startswith("containerd://") and cs["state"]["running"]["startedAt"] == "2026-01-01T00:00:03Z"
    assert st["podIP"] == "10.244.1.2" and st["podIPs"] == [{"ip": "10.244.1.2"}] and st["qosClass"] == "BestEffort"
    assert [(x["type"], x["status"]) for x in st["conditions"]] == [
        ("PodReadyToStartContainers", "True"), ("Initialized", "True"), ("Ready", "True"),
        ("ContainersReady", "True"), ("PodScheduled", "True")]
    assert all(x["lastProbeTime"] is None for x in st["conditions"])
    assert [e[:2] for e in events(c, "web")] == [
        ("Pulling", 'Pulling image "nginx:1.25"'),
        ("Pulled", 'Successfully pulled image "nginx:1.25" in 3.188s (3.188s including waiting). '
                   "Image size: 72195292 bytes."),
        ("Created", "Container created"),
        ("Started", "Container started"),
    ]
    assert all(e[2] == "spec.containers{nginx}" for e in events(c, "web"))


def test_serialized_pulls_report_waiting_and_cached_image() -> None:
    c, _ = cluster()
    c.create(pod("a", [{"name": "a", "image": "busybox:1.36", "command": ["sleep", "3600"]}]))
    c.create(pod("b", NGINX))
    c.run(10)
    c.create(pod("c", NGINX))
    c.run(5)
    b_pulled = [m for r, m, _ in events(c, "b") if r == "Pulled"]
    # busybox (2,155,324 bytes: 387ms) is pulled first; nginx waits for it in the serial queue.
    assert b_pulled == ['Successfully pulled image "nginx:1.25" in 3.188s (3.575s including waiting). '
                        "Image size: 72195292 bytes."]
    assert ("Pulled", 'Container image "nginx:1.25" already present on machine and can be accessed by the pod',
            "spec.containers{nginx}") in events(c, "c")


def test_crash_loop_backoff_delays() -> None:
    """First restart at once, then 10s doubling to 300s, measured from each exit to the next start
    (plus CreateContainer 50ms + StartContainer 100ms)."""
    c, kl = cluster()
    starts: dict[str, tuple[int, int, int]] = {}

    def seen(ident: str) -> None:
        for s in kl.runtime.list_containers():
            starts[s.id] = (s.attempt, s.started_at, s.finished_at)

    kl.runtime.subscribe(seen)
    c.create(pod("crash", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}]))
    c.run(620)
    runs = sorted(starts.values())
    gaps = [(runs[i + 1][1] - runs[i][2] - 150) // 1000 for i in range(len(runs) - 1)]
    assert gaps == [0, 10, 20, 40, 80, 160, 300]
    st = _status(c, "crash")
    cs = st["containerStatuses"][0]
    assert st["phase"] == "Running"
    assert cs["restartCount"] == 7
    assert cs["lastState"]["terminated"]["exitCode"] == 1 and cs["lastState"]["terminated"]["reason"] == "Error"
    assert "CrashLoopBackOff" in c.kubectl("get pod crash")
    backoffs = [m for r, m, _ in events(c, "crash") if r == "BackOff"]
    assert backoffs and backoffs[0].startswith("Back-off restarting failed container c in pod crash_default(")
    assert kl.logs("default", "crash") == "boom\n"
    assert kl.logs("default", "crash", previous=True) == "boom\n"


def test_backoff_waiting_message_sequence() -> None:
    c, _ = cluster()
    c.create(pod("crash", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 2"]}]))
    seen: list[tuple[float, str]] = []
    for _ in range(3300):
        c.run(0.1)
        waiting = _status(c, "crash")["containerStatuses"][0]["state"].get("waiting") or {}
        msg = waiting.get("message", "")
        if msg and (not seen or seen[-1][1] != msg):
            seen.append((round(c.now, 1), msg))
    # Upstream order: the sync that finds the container exited shows it terminated (Error) and records the
    # back-off in the reasonCache; the waiting message shows from the next sync on. That is the sync at the
    # back-off's expiry for 10s (sampled every 0.1 s: the exit at about 1.2 s, shown at 11.2 until the restarted container's exit is seen at
    # 12.0), else the 10 s re-sync after the exit was seen (exits seen at 12, 32, 72, 152 and 312 s).
    assert [(t, m.split(" ")[1]) for t, m in seen] == [
        (11.2, "10s"), (22.0, "20s"), (42.0, "40s"), (82.0, "1m20s"), (162.0, "2m40s"), (322.0, "5m0s")]


def test_backoff_resets_after_ten_minutes_of_running() -> None:
    c, kl = cluster()
    c.create(pod("slow", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 660; exit 1"]}]))
    c.run(1340)
    runs = sorted((s.attempt, s.started_at, s.finished_at) for s in kl.runtime.list_containers())
    assert [r[0] for r in runs][-2:] == [1, 2]
    # each crash comes more than 2*300s after the last back-off update: restarted at once (as soon as the
    # PLEG relist, on the kubelet's 1s grid, notices the exit), never after a back-off
    assert [runs[i + 1][1] - runs[i][2] for i in range(len(runs) - 1)] == [1000]
    assert "CrashLoopBackOff" not in c.kubectl("get pod slow")


def test_restart_policies_completed_and_error() -> None:
    c, _ = cluster()
    job = [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 0"]}]
    bad = [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]}]
    c.create(pod("ok-never", job, restartPolicy="Never"))
    c.create(pod("bad-never", bad, restartPolicy="Never"))
    c.create(pod("ok-onfailure", job, restartPolicy="OnFailure"))
    c.create(pod("bad-onfailure", bad, restartPolicy="OnFailure"))
    c.run(5)
    phases = {n: _status(c, n)["phase"] for n in ("ok-never", "bad-never", "ok-onfailure", "bad-onfailure")}
    assert phases == {"ok-never": "Succeeded", "bad-never": "Failed", "ok-onfailure": "Succeeded",
                      "bad-onfailure": "Running"}
    rows = {line.split()[0]: line.split()[1:4] for line in c.kubectl("get pods").splitlines()[1:]}
    assert rows["ok-never"] == ["0/1", "Completed", "0"] and rows["bad-never"] == ["0/1", "Error", "0"]
    assert rows["ok-onfailure"] == ["0/1", "Completed", "0"]
    st = _status(c, "bad-never")
    term = st["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (3, "Error")
    assert [(x["type"], x["status"], x.get("reason")) for x in st["conditions"]] == [
        ("PodReadyToStartContainers", "False", None), ("Initialized", "True", None), ("Ready", "False", "PodFailed"),
        ("ContainersReady", "False", "PodFailed"), ("PodScheduled", "True", None)]
    assert st["podIP"] == "10.244.1.3"  # the IP stays reported after the sandbox is gone
    ok = _status(c, "ok-never")
    assert [(x["type"], x.get("reason")) for x in ok["conditions"]][2] == ("Ready", "PodCompleted")


def test_image_pull_errors_and_backoff() -> None:
    c, _ = cluster()
    c.registry.delete("nosuch/app:1")
    c.create(pod("bad", [{"name": "app", "image": "nosuch/app:1"}]))
    t = c.run_until(lambda cl: _waiting(cl, "bad").get("reason") == "ErrImagePull")
    # the pull failed at 0.7s (resolve 300ms after the sandbox at 0.4); as upstream, the reasonCache entry
    # shows in the status of the next sync, the PLEG update at 1.0, which finds the pull backed off
    assert t == 1.0
    waiting = _status(c, "bad")["containerStatuses"][0]["state"]["waiting"]
    err = ('failed to pull and unpack image "docker.io/nosuch/app:1": failed to resolve reference '
           '"docker.io/nosuch/app:1": docker.io/nosuch/app:1: not found')
    assert waiting["message"] == err
    # ... so ImagePullBackOff shows from the sync after that one, at the back-off's expiry (0.7 + 10s),
    # which pulls again; the second failure (11.0) shows at the 10s retry (21.0), and so on: the status
    # alternates ErrImagePull / ImagePullBackOff as upstream.
    assert c.run_until(lambda cl: _waiting(cl, "bad").get("reason") == "ImagePullBackOff") == 10.7
    assert _waiting(c, "bad") == {"reason": "ImagePullBackOff",
                                  "message": f'Back-off pulling image "nosuch/app:1": ErrImagePull: {err}'}
    assert c.run_until(lambda cl: _waiting(cl, "bad").get("reason") == "ErrImagePull") == 21.0
    assert c.run_until(lambda cl: _waiting(cl, "bad").get("reason") == "ImagePullBackOff") == 31.0
    # the pull is retried when its back-off (10s, then 20s, 40s) expires: pulls start at 0.4, 10.7, 31.0
    # and 71.3 (each failing 300ms later); samples are taken at 32.0, 33.0, ... (index 40 is 72.0)
    pulls = []
    for _ in range(42):
        c.run(1)
        pulls.append(sum(e["count"] for e in c.events() if e["reason"] == "Pulling"
                         and e["involvedObject"]["name"] == "bad"))
    assert pulls[0] == 3 and pulls.index(4) == 40
    reasons = [(r, m) for r, m, _ in events(c, "bad")]
    assert ("Failed", f'Failed to pull image "nosuch/app:1": {err}') in reasons
    assert ("Failed", "Error: ErrImagePull") in reasons
    assert ("BackOff", 'Back-off pulling image "nosuch/app:1"') in reasons
    assert ("Failed", "Error: ImagePullBackOff") in reasons
    assert "ImagePullBackOff" in c.kubectl("get pod bad") or "ErrImagePull" in c.kubectl("get pod bad")


def _waiting(c, name):  # type: ignore[no-untyped-def]
    statuses = _status(c, name).get("containerStatuses") or [{}]
    return statuses[0].get("state", {}).get("waiting") or {}


def test_image_pull_policy_never_and_start_error() -> None:
    c, kl = cluster()
    c.create(pod("never", [{"name": "c", "image": "redis:7", "imagePullPolicy": "Never"}]))
    c.create(pod("nocmd", [{"name": "c", "image": "busybox:1.36", "command": ["nosuchcmd"]}]))
    c.run(5)
    waiting = _status(c, "never")["containerStatuses"][0]["state"]["waiting"]
    assert waiting == {"reason": "ErrImageNeverPull",
                       "message": 'Container image "redis:7" is not present with pull policy of Never'}
    assert [(r, m) for r, m, _ in events(c, "never")][:2] == [
        ("ErrImageNeverPull", 'Container image "redis:7" is not present with pull policy of Never'),
        ("Failed", "Error: ErrImageNeverPull")]
    cs = _status(c, "nocmd")["containerStatuses"][0]
    assert cs["state"]["waiting"]["reason"] in ("RunContainerError", "CrashLoopBackOff")
    last = cs["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"], last["startedAt"]) == (128, "StartError", "1970-01-01T00:00:00Z")
    assert 'exec: "nosuchcmd": executable file not found in $PATH' in last["message"]


def test_status_is_written_only_when_it_changes() -> None:
    c, kl = cluster()
    c.create(pod("web", NGINX))
    c.run(10)
    writes = kl.status_manager.writes
    rv = c.get("pod", "web")["metadata"]["resourceVersion"]
    c.run(120)
    assert kl.status_manager.writes == writes
    assert c.get("pod", "web")["metadata"]["resourceVersion"] == rv
    assert json.dumps(_status(c, "web"), sort_keys=True) == json.dumps(_status(c, "web"), sort_keys=True)


def test_admission_rejects_pods_that_do_not_fit() -> None:
    c, _ = cluster()
    big = [{"name": "c", "image": "nginx:1.25", "resources": {"requests": {"cpu": "5"}}}]
    c.create(pod("big", big))
    c.run(1)
    st = _status(c, "big")
    assert (st["phase"], st["reason"], st["message"]) == (
        "Failed", "OutOfcpu", "Pod was rejected: Node didn't have enough resource: cpu, requested: 5000, used: 0, "
        "capacity: 4000")
    assert ("OutOfcpu", "Node didn't have enough resource: cpu, requested: 5000, used: 0, capacity: 4000", "") in \
        events(c, "big")
    assert "OutOfcpu" in c.kubectl("get pod big")


def test_kill_container_restarts_it_and_oom_killed() -> None:
    c, kl = cluster()
    c.create(pod("web", NGINX))
    c.run(10)
    kl.kill_container("default", "web", reason="OOMKilled")
    c.run(2)
    cs = _status(c, "web")["containerStatuses"][0]
    assert cs["restartCount"] == 1 and "running" in cs["state"]
    assert (cs["lastState"]["terminated"]["exitCode"], cs["lastState"]["terminated"]["reason"]) == (137, "OOMKilled")
    done: list[tuple[int, str, str]] = []
    kl.exec("default", "web", ["cat", "/etc/hostname"], lambda *r: done.append(r))
    c.run(0.1)
    assert done == [(0, "web\n", "")]
