"""Pure kubelet rules: getPhase, pod conditions, flowcontrol.Backoff, messages (kubelet-and-nodes.md)."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s.node.kubelet.backoff import Backoff
from labk8s.node.kubelet.conditions import (
    containers_ready_condition,
    initialized_condition,
    pod_ready_condition,
)
from labk8s.node.kubelet.events import crashloop_waiting_message, go_duration, pulled_message
from labk8s.node.kubelet.podstatus import get_phase
from labk8s.node.kubelet.prober import ProbeSpec

Obj = dict[str, Any]


def _pod(policy: str = "Always", containers: tuple[str, ...] = ("a",), inits: tuple[str, ...] = (),
         sidecars: tuple[str, ...] = ()) -> Obj:
    return {"metadata": {"name": "p", "namespace": "default", "uid": "u1"},
            "spec": {"restartPolicy": policy, "containers": [{"name": n} for n in containers],
                     "initContainers": [{"name": n} for n in inits] +
                                       [{"name": n, "restartPolicy": "Always"} for n in sidecars]}}


def running(name: str, started: bool = True, ready: bool = True) -> Obj:
    return {"name": name, "state": {"running": {"startedAt": "2026-01-01T00:00:01Z"}}, "started": started,
            "ready": ready, "lastState": {}}


def exited(name: str, code: int) -> Obj:
    return {"name": name, "state": {"terminated": {"exitCode": code}}, "lastState": {}, "ready": code == 0}


def waiting(name: str, reason: str = "ContainerCreating", last_code: int | None = None) -> Obj:
    last = {} if last_code is None else {"terminated": {"exitCode": last_code}}
    return {"name": name, "state": {"waiting": {"reason": reason}}, "lastState": last, "ready": False}


# The reference's "Pod phase and back-off" table (derived from getPhase), plus init container rows.
PHASES = [
    ("1 container running, Always", _pod("Always"), [running("a")], False, "Running"),
    ("exited 0, Always: restarting", _pod("Always"), [exited("a", 0)], False, "Running"),
    ("exited 0, OnFailure", _pod("OnFailure"), [exited("a", 0)], False, "Succeeded"),
    ("exited 1, OnFailure: restart", _pod("OnFailure"), [exited("a", 1)], False, "Running"),
    ("exited 1, Never", _pod("Never"), [exited("a", 1)], False, "Failed"),
    ("exited 0, Never", _pod("Never"), [exited("a", 0)], False, "Succeeded"),
    ("one exited 0, one running", _pod("Always", ("a", "b")), [exited("a", 0), running("b")], False, "Running"),
    ("init container exited 1, Never", _pod("Never", inits=("i",)), [exited("i", 1), waiting("a", "PodInitializing")],
     False, "Failed"),
    ("init container exited 1, Always", _pod("Always", inits=("i",)), [exited("i", 1), waiting("a", "PodInitializing")],
     False, "Pending"),
    ("init container running", _pod("Always", inits=("i",)), [running("i"), waiting("a", "PodInitializing")], False,
     "Pending"),
    ("waiting ContainerCreating, no lastState", _pod("Always"), [waiting("a")], False, "Pending"),
    ("CrashLoopBackOff with lastState, Always", _pod("Always"), [waiting("a", "CrashLoopBackOff", 1)], False,
     "Running"),
    ("no status yet", _pod("Always"), [], False, "Pending"),
    ("terminal pod, all exited 0 (Always)", _pod("Always"), [exited("a", 0)], True, "Succeeded"),
    ("terminal pod, one failed (Always)", _pod("Always", ("a", "b")), [exited("a", 0), exited("b", 137)], True,
     "Failed"),
    ("sidecar not started, not initialized", _pod("Always", sidecars=("s",)),
     [running("s", started=False), waiting("a", "PodInitializing")], False, "Pending"),
    ("sidecar started, app running", _pod("Always", sidecars=("s",)), [running("s"), running("a")], False, "Running"),
    ("sidecar running, app completed, Never", _pod("Never", sidecars=("s",)), [running("s"), exited("a", 0)], False,
     "Running"),
]


@pytest.mark.parametrize("name,pod,statuses,terminal,phase", PHASES, ids=[p[0] for p in PHASES])
def test_get_phase(name: str, pod: Obj, statuses: list[Obj], terminal: bool, phase: str) -> None:
    initialized = any(s["name"] in {c["name"] for c in pod["spec"]["containers"]} and "running" in s["state"]
                      for s in statuses)
    assert get_phase(pod, statuses, terminal, initialized) == phase


def test_conditions_messages() -> None:
    pod = _pod("Always", ("c1", "c2"))
    cond = containers_ready_condition(pod, [running("c1", ready=False), waiting("c2")], "Running", 1)
    assert cond == {"type": "ContainersReady", "observedGeneration": 1, "status": "False",
                    "reason": "ContainersNotReady", "message": "containers with unready status: [c1 c2]"}
    ready = pod_ready_condition(pod, [], [running("c1", ready=False), waiting("c2")], "Running", 1)
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "False", "ContainersNotReady", "containers with unready status: [c1 c2]")
    assert containers_ready_condition(pod, [running("c1")], "Running", None)["message"] == \
        "containers with unknown status: [c2]"
    assert containers_ready_condition(pod, [exited("c1", 0), exited("c2", 0)], "Succeeded", None)["reason"] == \
        "PodCompleted"
    assert pod_ready_condition(pod, [], [exited("c1", 1), exited("c2", 0)], "Failed", None)["reason"] == "PodFailed"
    gated = dict(pod, spec=dict(pod["spec"], readinessGates=[{"conditionType": "example.com/lb"}]))
    assert pod_ready_condition(gated, [], [running("c1"), running("c2")], "Running", None)["message"] == \
        'corresponding condition of pod readiness gate "example.com/lb" does not exist.'
    init = _pod("Always", inits=("i1", "i2"))
    cond = initialized_condition(init, [exited("i1", 0), running("i2", ready=False), waiting("a", "PodInitializing")], "Pending",
                                 None)
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False", "ContainersNotInitialized", "containers with incomplete status: [i2]")


def test_crash_loop_backoff_sequence() -> None:
    """Restarts at t=0, +10, +30, +70, +150, +310, +610: delays 10, 20, 40, 80, 160, 300, 300 s."""
    now = [0]
    b = Backoff(10_000, 300_000, lambda: now[0])
    delays = []
    finished = 0
    for _ in range(7):
        b.next("c", finished)
        delays.append(b.get("c") // 1000)
        now[0] = finished + b.get("c")  # restart when the back-off expires; the container dies at once
        assert not b.is_in_backoff_since("c", finished)
        assert b.is_in_backoff_since("c", now[0]) or b.get("c") == 0
        finished = now[0]
    assert delays == [10, 20, 40, 80, 160, 300, 300]


def test_backoff_resets_after_ten_minutes() -> None:
    now = [0]
    b = Backoff(10_000, 300_000, lambda: now[0])
    b.next("c", 0)
    b.next("c", 0)
    assert b.get("c") == 20_000
    now[0] = 660_000  # the container ran 11 minutes before crashing: the entry is stale
    assert not b.is_in_backoff_since("c", 660_000)
    b.next("c", 660_000)
    assert b.get("c") == 10_000


@pytest.mark.parametrize("ms,text", [(0, "0s"), (523, "523ms"), (5200, "5.2s"), (3188, "3.188s"), (10_000, "10s"),
                                     (62_500, "1m2.5s"), (300_000, "5m0s"), (3_600_000, "1h0m0s")])
def test_go_duration(ms: int, text: str) -> None:
    assert go_duration(ms) == text


def test_messages() -> None:
    assert pulled_message("nginx", 5200, 5200, 72938122) == (
        'Successfully pulled image "nginx" in 5.2s (5.2s including waiting). Image size: 72938122 bytes.')
    pod = {"metadata": {"name": "web", "namespace": "default", "uid": "u-1"}}
    assert crashloop_waiting_message(300_000, "app", pod) == \
        "back-off 5m0s restarting failed container=app pod=web_default(u-1)"


def test_probe_defaults() -> None:
    spec = ProbeSpec.of({"exec": {"command": ["true"]}})
    assert (spec.timeout_s, spec.period_s, spec.success_threshold, spec.failure_threshold, spec.initial_delay_s) == \
        (1, 10, 1, 3, 0)
