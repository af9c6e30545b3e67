"""Liveness, readiness and startup probes (pkg/kubelet/prober: prober_manager.go, worker.go, prober.go).

One worker per (pod, container, probe type). A worker starts when the pod is first synced; if the kubelet
started less than one period ago it first sleeps a random fraction of the period (drawn from the
kubelet's RNG stream). It probes at once and then on a ticker every ``periodSeconds``; a readiness probe
is also run at once when the status shows a running container without a readiness result (the manual
trigger). A probe is skipped until ``initialDelaySeconds`` have passed since the container's startedAt
(whole seconds), liveness and readiness are skipped until the startup probe succeeded, and the result
only changes after ``failureThreshold`` failures or ``successThreshold`` successes in a row. A liveness
or startup failure puts the worker on hold until the container is replaced. Initial results: readiness
Failure, liveness Success, startup Unknown. Every failed probe records ``Unhealthy``
(``Liveness probe failed: <output>``).

Probe handlers:

- ``exec``: ExecSync in the container; exit 0 succeeds, other codes fail with the combined output; past
  ``timeoutSeconds`` it fails with ``command "<cmd>" timed out``.
- ``httpGet``, ``tcpSocket`` and ``grpc`` (documented model, see :mod:`labk8s.node.kubelet.endpoints`):
  the target is the pod IP (or ``host``) and the port (a name is looked up in the container's ports). The
  port answers when the container runs the image's own server and the image serves that port, or when
  the container declares it in ``ports``; otherwise the connection is refused. An answering HTTP port
  returns 200 for every path, except images with a known health endpoint behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labk8s._sim import Event, Priority
from labk8s.node.kubelet import events as ev
from labk8s.node.kubelet.endpoints import grpc_probe, http_probe, tcp_probe
from labk8s.node.kubelet.podstatus import container_id
from labk8s.node.runtime.containers import CriError, grpc_message

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]
LIVENESS, READINESS, STARTUP = "Liveness", "Readiness", "Startup"
SUCCESS, FAILURE, UNKNOWN = "Success", "Failure", "Unknown"
_KEYS = {LIVENESS: "livenessProbe", READINESS: "readinessProbe", STARTUP: "startupProbe"}
_INITIAL = {LIVENESS: SUCCESS, READINESS: FAILURE, STARTUP: UNKNOWN}


@dataclass(frozen=True)
class ProbeSpec:
    """A probe with the API defaults (pkg/apis/core/v1/defaults.go)."""

    handler: Obj
    initial_delay_s: int = 0
    timeout_s: int = 1
    period_s: int = 10
    success_threshold: int = 1
    failure_threshold: int = 3

    @classmethod
    def of(cls, probe: Obj) -> ProbeSpec:
        return cls(handler=probe, initial_delay_s=int(probe.get("initialDelaySeconds") or 0),
                   timeout_s=int(probe.get("timeoutSeconds") or 1), period_s=int(probe.get("periodSeconds") or 10),
                   success_threshold=int(probe.get("successThreshold") or 1),
                   failure_threshold=int(probe.get("failureThreshold") or 3))


class ProbeWorker:
    def __init__(self, mgr: ProbeManager, pod: Obj, container: Obj, kind: str) -> None:
        self.mgr = mgr
        self.kl = mgr.kl
        self.pod = pod
        self.container = container
        self.kind = kind
        self.spec = ProbeSpec.of(container[_KEYS[kind]])
        self.container_id = ""
        self.on_hold = False
        self.last_result: str | None = None
        self.result_run = 0
        self.busy = False
        self.pending = False
        self.stopped = False
        self._events: list[Event] = []

    @property
    def label(self) -> str:
        return f"kubelet {self.kl.node_name}: {self.kind.lower()} probe {self.pod['metadata']['name']}/{self.container['name']}"

    def start(self) -> None:
        period = self.spec.period_s * 1000
        delay = 0
        if period > self.kl.now_ms() - self.kl.started_at_ms:
            delay = int(self.kl.rng.random.random() * period)
        self._later(delay, self._begin)

    def _later(self, delay: int, fn: Callable[[], None]) -> None:
        self._events = [e for e in self._events if not e.cancelled and e.time >= self.kl.now_ms()]
        self._events.append(self.kl.loop.call_later(delay, fn, self.label, Priority.NORMAL))

    def _begin(self) -> None:
        self._run()
        self._later(self.spec.period_s * 1000, self._tick)

    def _tick(self) -> None:
        if self.stopped:
            return
        self._run()
        self._later(self.spec.period_s * 1000, self._tick)

    def trigger(self) -> None:
        """The manual trigger channel (buffer of one, non-blocking)."""
        if not self.stopped:
            self._later(0, self._run)

    def stop(self) -> None:
        self.stopped = True
        for e in self._events:
            e.cancel()
        self._events.clear()

    def _run(self) -> None:
        if self.stopped:
            return
        if self.busy:
            self.pending = True
            return
        if not self._do_probe():
            self.mgr.remove_worker(self)

    def _done(self, result: str | None) -> None:
        """A probe finished (result None: it errored and is thrown away)."""
        self.busy = False
        if self.stopped:
            return
        if result is not None:
            self._record(result)
        if self.pending:
            self.pending = False
            self._run()

    def _do_probe(self) -> bool:
        """worker.doProbe up to running the probe; False stops the worker."""
        uid = self.pod["metadata"]["uid"]
        status = self.kl.status_manager.get(uid)
        if status is None:
            return True
        if status.get("phase") in ("Failed", "Succeeded"):
            return False
        name = self.container["name"]
        cs = next((s for s in status.get("containerStatuses") or [] if s["name"] == name and s.get("containerID")),
                  None) or next((s for s in status.get("initContainerStatuses") or []
                                 if s["name"] == name and s.get("containerID")), None)
        if cs is None:
            return True
        if cs["containerID"] != self.container_id:
            if self.container_id:
                self.mgr.results[self.kind].pop(self.container_id, None)
            self.container_id = cs["containerID"]
            self.mgr.set_result(self.kind, self.container_id, _INITIAL[self.kind], self.pod)
            self.on_hold = False
        if self.on_hold:
            return True
        state = cs.get("state") or {}
        if "running" not in state:
            if self.container_id:
                self.mgr.set_result(self.kind, self.container_id, FAILURE, self.pod)
            return "terminated" not in state or (self.pod.get("spec") or {}).get("restartPolicy") != "Never"
        pod = self.kl.current_pod(uid) or self.pod
        if pod["metadata"].get("deletionTimestamp") and self.kind in (LIVENESS, STARTUP):
            self.mgr.set_result(self.kind, self.container_id, SUCCESS, self.pod)
            return False
        started_ms = _parse_seconds(state["running"].get("startedAt"))
        if (self.kl.now_ms() - started_ms) // 1000 < self.spec.initial_delay_s:
            return True
        if cs.get("started"):
            if self.kind == STARTUP:
                return True
        elif self.kind != STARTUP:
            return True
        self.busy = True
        self.mgr.run_probe(self, cs)
        return True

    def _record(self, result: str) -> None:
        if self.last_result == result:
            self.result_run += 1
        else:
            self.last_result, self.result_run = result, 1
        if (result == FAILURE and self.result_run < self.spec.failure_threshold) or \
                (result == SUCCESS and self.result_run < self.spec.success_threshold):
            return
        self.mgr.set_result(self.kind, self.container_id, result, self.pod)
        if self.kind in (LIVENESS, STARTUP) and result == FAILURE:
            self.on_hold = True
            self.result_run = 0


def _parse_seconds(stamp: str | None) -> int:
    from labk8s._sim.clock import parse_rfc3339
    return parse_rfc3339(stamp) if stamp else 0


class ProbeManager:
    """prober_manager: the workers and the three results caches (by containerd://ID)."""

    def __init__(self, kl: Kubelet) -> None:
        self.kl = kl
        self.workers: dict[tuple[str, str, str], ProbeWorker] = {}
        self.results: dict[str, dict[str, str]] = {LIVENESS: {}, READINESS: {}, STARTUP: {}}

    # -- workers ----------------------------------------------------------------------------------------
    def add_pod(self, pod: Obj) -> None:
        uid = pod["metadata"]["uid"]
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or []) + [c for c in spec.get("initContainers") or []
                                                            if c.get("restartPolicy") == "Always"]
        for c in containers:
            for kind in (STARTUP, READINESS, LIVENESS):
                if c.get(_KEYS[kind]) is None or (uid, c["name"], kind) in self.workers:
                    continue
                w = ProbeWorker(self, pod, c, kind)
                self.workers[(uid, c["name"], kind)] = w
                w.start()

    def remove_worker(self, w: ProbeWorker) -> None:
        w.stop()
        self.workers.pop((w.pod["metadata"]["uid"], w.container["name"], w.kind), None)

    def stop_liveness_and_startup(self, uid: str) -> None:
        for key in sorted(self.workers):
            if key[0] == uid and key[2] in (LIVENESS, STARTUP):
                self.remove_worker(self.workers[key])

    def remove_pod(self, uid: str) -> None:
        for key in sorted(self.workers):
            if key[0] == uid:
                self.remove_worker(self.workers[key])

    def remove_container(self, runtime_id: str) -> None:
        cid = container_id(runtime_id)
        for results in self.results.values():
            results.pop(cid, None)

    def reset(self) -> None:
        for key in sorted(self.workers):
            self.workers[key].stop()
        self.workers.clear()
        for results in self.results.values():
            results.clear()

    # -- results ----------------------------------------------------------------------------------------
    def set_result(self, kind: str, cid: str, result: str, pod: Obj) -> None:
        """resultsManager.Set: a changed result is an update the kubelet's sync loop acts on."""
        if self.results[kind].get(cid) == result:
            return
        self.results[kind][cid] = result
        self.kl.probe_update(pod, kind, result)

    def liveness_result(self, runtime_id: str) -> str | None:
        return self.results[LIVENESS].get(container_id(runtime_id))

    def startup_result(self, runtime_id: str) -> str | None:
        return self.results[STARTUP].get(container_id(runtime_id))

    def is_started(self, pod: Obj, name: str, cid: str, running: bool) -> bool:
        if not running:
            return False
        found = self.results[STARTUP].get(cid)
        if found is not None:
            return found == SUCCESS
        return (pod["metadata"]["uid"], name, STARTUP) not in self.workers

    def is_ready(self, pod: Obj, name: str, cid: str) -> bool:
        if self.results[READINESS].get(cid) == SUCCESS:
            return True
        w = self.workers.get((pod["metadata"]["uid"], name, READINESS))
        if w is None:
            return True
        w.trigger()
        return False

    # -- running a probe --------------------------------------------------------------------------------
    def run_probe(self, w: ProbeWorker, cs: Obj) -> None:
        handler = w.spec.handler
        runtime_id = cs["containerID"].split("://", 1)[-1]
        if handler.get("exec") is not None:
            cmd = list(handler["exec"].get("command") or [])
            try:
                self.kl.runtime.exec_sync(runtime_id, cmd, w.spec.timeout_s,
                                          lambda code, out, err: self._exec_done(w, cmd, code, out, err))
            except CriError as err:
                self._errored(w, str(err))
            return
        pod = self.kl.current_pod(w.pod["metadata"]["uid"]) or w.pod
        ip = self.kl.pod_ip(pod)
        if handler.get("httpGet") is not None:
            ok, output = http_probe(self.kl, pod, w.container, cs, handler["httpGet"], ip, w.spec.timeout_s)
        elif handler.get("tcpSocket") is not None:
            ok, output = tcp_probe(self.kl, pod, w.container, cs, handler["tcpSocket"], ip, w.spec.timeout_s)
        elif handler.get("grpc") is not None:
            ok, output = grpc_probe(self.kl, pod, w.container, cs, handler["grpc"], ip, w.spec.timeout_s)
        else:
            self._errored(w, "missing probe handler")
            return
        self._finish(w, SUCCESS if ok else FAILURE, output)

    def http_check(self, pod: Obj, container: Obj, runtime_id: str, action: Obj) -> tuple[bool, str]:
        """An httpGet lifecycle hook: (ok, error)."""
        status = self.kl.status_manager.get(pod["metadata"]["uid"]) or {}
        cs = next((s for s in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or [])
                   if s["name"] == container["name"]), {"state": {"running": {}}, "containerID": runtime_id})
        cs = dict(cs, state={"running": {}})
        return http_probe(self.kl, pod, container, cs, action, self.kl.pod_ip(pod), 0)

    def _exec_done(self, w: ProbeWorker, cmd: list[str], code: int, out: str, err: str) -> None:
        if code == -1:  # the runtime's exec timeout
            self._finish(w, FAILURE, f"command {ev.go_quote(' '.join(cmd))} timed out")
            return
        self._finish(w, SUCCESS if code == 0 else FAILURE, (out or "") + (err or ""))

    def _errored(self, w: ProbeWorker, err: str) -> None:
        self.kl.recorder.container(w.pod, w.container["name"], ev.WARNING, ev.CONTAINER_UNHEALTHY,
                                   f"{w.kind} probe errored and resulted in unknown state: {grpc_message(err)}")
        w._done(None)

    def _finish(self, w: ProbeWorker, result: str, output: str) -> None:
        if result == FAILURE and not w.stopped:
            self.kl.recorder.container(w.pod, w.container["name"], ev.WARNING, ev.CONTAINER_UNHEALTHY,
                                       f"{w.kind} probe failed: {output}")
        w._done(result)
