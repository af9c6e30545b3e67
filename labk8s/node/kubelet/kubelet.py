"""The kubelet of one node: registers the Node, heartbeats, and runs the pods bound to it.

Wiring (upstream names): the pod config source is an informer on pods with ``spec.nodeName=<node>``
(plus the static pods of the configuration); HandlePodAdditions admits each new pod and hands it to the
pod workers; updates that change more than the status, PLEG events, probe results and retries make the
pod worker sync again. The status manager writes pod statuses; the node status reporter and the lease
controller heartbeat. See the modules of this package for each part.

Use (the lead wires this into Cluster)::

    kl = Kubelet(KubeletConfig(node_name="node-1", node_ip="172.18.0.3"), client, runtime, rng)
    kl.start()          # register the Node, start heartbeats and the pod informer
    kl.power_off(); kl.power_on()
    kl.logs("default", "nginx")
"""

from __future__ import annotations

from typing import Any

from labk8s._sim import EventLoop, Priority, Rng
from labk8s.client.client import Client
from labk8s.client.informer import Informer
from labk8s.client.record import EventRecorder
from labk8s.errors import ApiError
from labk8s.node.kubelet import events as ev
from labk8s.node.kubelet import power
from labk8s.node.kubelet.admission import RequestsCache, admit
from labk8s.node.kubelet.backoff import Backoff
from labk8s.node.kubelet.config import (
    CRASHLOOP_BACKOFF_INITIAL_MS,
    CRASHLOOP_BACKOFF_MAX_MS,
    IMAGE_BACKOFF_INITIAL_MS,
    IMAGE_BACKOFF_MAX_MS,
    KubeletConfig,
)
from labk8s.node.kubelet.containerconfig import make_env
from labk8s.node.kubelet.image_manager import ImageManager
from labk8s.node.kubelet.logs import container_logs
from labk8s.node.kubelet.nodestatus import NodeStatusReporter
from labk8s.node.kubelet.pleg import Pleg
from labk8s.node.kubelet.pod_runtime import RuntimeIndex
from labk8s.node.kubelet.pod_workers import PodWorkers
from labk8s.node.kubelet.podstatus import EXITED, TERMINAL, RuntimePodStatus
from labk8s.node.kubelet.prober import FAILURE, LIVENESS, ProbeManager
from labk8s.node.kubelet.registration import register
from labk8s.node.kubelet.static_pods import StaticPods, is_mirror
from labk8s.node.kubelet.status import StatusManager
from labk8s.node.kubelet.sync import pod_status
from labk8s.node.kubelet.volumes import VolumeManager
from labk8s.node.runtime.containers import CriError

Obj = dict[str, Any]
#: Containers kept per (pod, container name): the current one and the previous (for logs --previous).
KEEP_PER_CONTAINER = 2


def _uuid(rng: Rng) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Kubelet:
    def __init__(self, config: KubeletConfig, client: Client, runtime: Any, rng: Rng) -> None:
        self.config = config
        self.client = client
        self.runtime = runtime
        self.rng = rng
        self.loop: EventLoop = client.loop
        self.node_name = config.node_name
        self.recorder = ev.KubeletRecorder(EventRecorder(client, "kubelet", config.node_name), config.node_name)
        self.index = RuntimeIndex(runtime)
        self.status_manager = StatusManager(client, self.now_ms, self._mirror_of, self._api_pod)
        self.probes = ProbeManager(self)
        self.crashloop = Backoff(CRASHLOOP_BACKOFF_INITIAL_MS, CRASHLOOP_BACKOFF_MAX_MS, self.now_ms)
        self.images = ImageManager(runtime, self.recorder,
                                   Backoff(IMAGE_BACKOFF_INITIAL_MS, IMAGE_BACKOFF_MAX_MS, self.now_ms), self.now_ms)
        self.volumes = VolumeManager(client, self.now_ms)
        node_fs = getattr(runtime, "node_fs", None)
        if node_fs is not None:
            self.volumes.host = node_fs
        self.workers = PodWorkers(self)
        self.pleg = Pleg(self)
        self.static_pods = StaticPods(self)
        self.reasons: dict[str, dict[str, tuple[str, str]]] = {}
        self.rejected: set[str] = set()
        self._requests: RequestsCache = {}
        self.running = False
        self.started_at_ms = 0
        self.boot = 0
        self.ids = {"machineID": f"{rng.getrandbits(128):032x}", "systemUUID": _uuid(rng), "bootID": ""}
        self._node: Obj | None = None
        self._pod_informer: Informer | None = None
        self._node_informer: Informer | None = None
        self.reporter: NodeStatusReporter | None = None
        self._subscribed = False

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> None:
        """Kubelet.Run: register the node, start heartbeats, the pod informer and the static pods."""
        if self.running:
            return
        self.running = True
        self.started_at_ms = self.now_ms()
        self.ids["bootID"] = _uuid(self.rng)
        # A new kubelet process: a fresh event recorder (its correlation cache starts empty).
        self.recorder = ev.KubeletRecorder(EventRecorder(self.client, "kubelet", self.node_name), self.node_name)
        self.images.recorder = self.recorder
        self.status_manager.enabled = True
        if not self._subscribed:
            self.runtime.subscribe(self.pleg.on_runtime_event)
            self._subscribed = True
        self.recorder.node(ev.NORMAL, ev.STARTING_KUBELET, "Starting kubelet.")
        self._node = register(self.client, self.config, self.now_ms(), self.runtime.list_images(), self.ids,
                              self._record_node_event, self.runtime_errors())
        self.recorder.node(ev.NORMAL, ev.NODE_ALLOCATABLE_ENFORCED, "Updated Node Allocatable limit across pods")
        self._node_informer = Informer(self.client, self.client.resource("", "Node"),
                                       field_selector=f"metadata.name={self.node_name}")
        self._node_informer.start()
        self.reporter = NodeStatusReporter(self.client, self.config, self.runtime.list_images, self.ids,
                                           self._record_node_event, self._current_node, self.runtime_errors)
        self.reporter.start(self._node)
        self.reporter.update_node_status()
        self._pod_informer = Informer(self.client, self.client.resource("", "Pod"),
                                      field_selector=f"spec.nodeName={self.node_name}")
        self.index.rebuild()
        self._pod_informer.add_event_handler(self._on_add, self._on_update, self._on_delete)
        self._pod_informer.start()
        self.static_pods.load()
        # HandlePodCleanups after the first list: runtime pods the API no longer has are killed.
        self.loop.call_later(0, self._housekeeping, f"kubelet {self.node_name}: housekeeping", Priority.NORMAL)

    def stop(self) -> None:
        """The kubelet process ends (power-off): no more API calls, all goroutines gone."""
        self.running = False
        if self.reporter is not None:
            self.reporter.stop()
        for inf in (self._pod_informer, self._node_informer):
            if inf is not None:
                inf.stop()
        self._pod_informer = self._node_informer = None
        self.workers.reset()
        self.probes.reset()
        self.pleg.reset()
        self.status_manager.reset()
        self.status_manager.enabled = False
        self.recorder.enabled = False
        self.reasons.clear()
        self.rejected.clear()
        self._requests.clear()

    def power_off(self) -> None:
        power.power_off(self)

    def power_on(self) -> None:
        power.power_on(self)

    # -- helpers used by the parts ---------------------------------------------------------------------
    def now_ms(self) -> int:
        return self.loop.now_ms

    def node_uid(self) -> str:
        node = self._current_node()
        return str(node["metadata"].get("uid", "")) if node is not None else ""

    def _current_node(self) -> Obj | None:
        if self._node_informer is not None:
            found = self._node_informer.get("", self.node_name)
            if found is not None:
                return found
        return self._node

    def _record_node_event(self, type_: str, reason: str) -> None:
        self.recorder.node(type_, reason, ev.node_status_message(self.node_name, reason))

    def runtime_errors(self) -> list[str]:
        errors = []
        status = getattr(self.runtime, "status", None)
        for cond in status() if status is not None else []:
            if not cond.status:
                errors.append(f"container runtime {'network ' if cond.type == 'NetworkReady' else ''}not ready: "
                              f"{cond.type}=false reason:{cond.reason} message:{cond.message}")
        return errors

    def pod_informer_get(self, namespace: str, name: str) -> Obj | None:
        return self._pod_informer.get(namespace, name) if self._pod_informer is not None else None

    def _api_pod(self, pod: Obj) -> Obj | None:
        meta = pod["metadata"]
        return self.pod_informer_get(meta.get("namespace", ""), meta["name"])

    def _mirror_of(self, pod: Obj) -> Obj | None:
        return self.static_pods.mirror_of(pod)

    def current_pod(self, uid: str) -> Obj | None:
        return self.workers.pod(uid)

    def pod_ip(self, pod: Obj) -> str:
        if (pod.get("spec") or {}).get("hostNetwork"):
            return self.config.node_ip
        status = self.status_manager.get(pod["metadata"]["uid"]) or {}
        return str(status.get("podIP") or "")

    def eviction_reason(self, pod: Obj) -> tuple[str, str] | None:
        """activeDeadlineHandler.ShouldEvict."""
        deadline = (pod.get("spec") or {}).get("activeDeadlineSeconds")
        status = self.status_manager.get(pod["metadata"]["uid"]) or {}
        if deadline is None or not status.get("startTime"):
            return None
        from labk8s._sim.clock import parse_rfc3339
        if self.now_ms() - parse_rfc3339(status["startTime"]) < int(deadline) * 1000:
            return None
        message = "Pod was active on the node longer than the specified deadline"
        self.recorder.pod(pod, ev.NORMAL, "DeadlineExceeded", message)
        return "DeadlineExceeded", message

    def container_env(self, pod: Obj, container: Obj, pod_ip: str) -> list[tuple[str, str]]:
        ns = pod["metadata"].get("namespace", "default")
        rt = self.client.resource("", "Service")
        services = list(self.client.list(rt, ns)[0])
        if ns != "default":
            services += [s for s in self.client.list(rt, "default")[0] if s["metadata"]["name"] == "kubernetes"]
        node = self._current_node() or {}
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        return make_env(self.client, pod, container, self.config.node_ip, pod_ip, allocatable, services)

    def next_attempt_from_logs(self, pod: Obj, name: str) -> int:
        """calcRestartCountByLogDir: a container the runtime forgot continues its restart count."""
        node_fs = getattr(self.runtime, "node_fs", None)
        meta = pod["metadata"]
        path = f"/var/log/pods/{meta.get('namespace', '')}_{meta['name']}_{meta.get('uid', '')}/{name}"
        if node_fs is None or not node_fs.is_dir(path):
            return 0
        counts = [int(f[:-4]) for f in node_fs.listdir(path) if f.endswith(".log") and f[:-4].isdigit()]
        return max(counts) + 1 if counts else 0

    def remove_container(self, container_id: str) -> None:
        try:
            self.runtime.remove_container(container_id)
        except CriError:
            pass
        self.probes.remove_container(container_id)

    def prune_containers(self, rps: RuntimePodStatus) -> None:
        """The container GC's per-container limit: only the newest instances stay."""
        seen: dict[str, int] = {}
        for rec in rps.containers:
            seen[rec.name] = seen.get(rec.name, 0) + 1
            if seen[rec.name] > KEEP_PER_CONTAINER and rec.state == EXITED:
                self.remove_container(rec.id)

    def volume_mounts(self, pod: Obj) -> Any:
        return self.volumes.setup(pod)

    def probe_update(self, pod: Obj, kind: str, result: str) -> None:
        """The sync loop's handling of liveness/readiness/startup result updates."""
        uid = pod["metadata"]["uid"]
        if kind == LIVENESS and result != FAILURE:
            return
        if kind != LIVENESS:
            current = self.workers.pod(uid)
            if current is not None and self.workers.states[uid].phase in ("SyncPod", "TerminatingPod"):
                rps = self.index.status(uid)
                self.status_manager.set_pod_status(current, pod_status(self, current, rps, False))
        self.workers.request_sync(uid)

    def forget_pod(self, uid: str) -> None:
        self.reasons.pop(uid, None)
        self._requests.pop(uid, None)
        self.status_manager.forget(uid)
        self.index.forget(uid)
        self.pleg.forget(uid)
        self.probes.remove_pod(uid)
        self.volumes.teardown(uid)
        self.rejected.discard(uid)

    # -- the pod config source -------------------------------------------------------------------------
    def admit_and_run(self, pod: Obj) -> None:
        """HandlePodAdditions for one pod."""
        uid = pod["metadata"]["uid"]
        if uid in self.rejected:
            return
        phase = (pod.get("status") or {}).get("phase")
        if not self.workers.known(uid) and phase not in TERMINAL and not pod["metadata"].get("deletionTimestamp"):
            verdict = admit(pod, self._current_node(), self.workers.active_pods(), self.node_name, self._requests)
            if verdict is not None:
                self._reject(pod, *verdict)
                return
            deadline = (pod.get("spec") or {}).get("activeDeadlineSeconds")
            if deadline is not None:
                self.loop.call_later(int(deadline) * 1000 + 1, lambda: self.workers.request_sync(uid),
                                     f"kubelet {self.node_name}: active deadline", Priority.NORMAL)
        self.workers.update_pod(pod)

    def _reject(self, pod: Obj, reason: str, message: str) -> None:
        self.rejected.add(pod["metadata"]["uid"])
        self.recorder.pod(pod, ev.WARNING, reason, message)
        status: Obj = {"phase": "Failed", "reason": reason, "message": "Pod was rejected: " + message}
        if (pod.get("status") or {}).get("qosClass"):
            status["qosClass"] = pod["status"]["qosClass"]
        self.status_manager.set_pod_status(pod, status)

    def _on_add(self, pod: Obj) -> None:
        if not self.running:
            return
        if is_mirror(pod):
            static = self.static_pods.by_name(pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
            if static is not None:
                self.workers.request_sync(static["metadata"]["uid"])
            return
        self.admit_and_run(pod)

    def _on_update(self, old: Obj, new: Obj) -> None:
        if not self.running:
            return
        if is_mirror(new):
            self._on_add(new)
            return
        if _only_status_changed(old, new):
            return
        uid = new["metadata"]["uid"]
        if uid in self.rejected:
            return
        self.admit_and_run(new)

    def _on_delete(self, pod: Obj) -> None:
        if not self.running:
            return
        if is_mirror(pod):
            self._on_add(pod)
            return
        uid = pod["metadata"]["uid"]
        if uid in self.rejected:
            self.forget_pod(uid)
            return
        self.workers.update_pod(pod, removed=True)

    def _housekeeping(self) -> None:
        """HandlePodCleanups (once the pod list arrived): kill and remove pods the API no longer has."""
        if not self.running:
            return
        wanted = set(self.workers.states) | set(self.static_pods.pods)
        for uid in self.index.pod_uids():
            if uid in wanted:
                continue
            for s in self.index.sandboxes(uid):
                try:
                    self.runtime.remove_pod_sandbox(s.id)
                except CriError:
                    pass
            for c in self.index.containers(uid):
                self.remove_container(c.id)
            self.index.forget(uid)
        # Orphaned mirror pods (no static pod of that name on this node) are deleted.
        rt = self.client.resource("", "Pod")
        for mirror in self._pod_informer.list() if self._pod_informer is not None else []:
            meta = mirror["metadata"]
            if is_mirror(mirror) and self.static_pods.by_name(meta.get("namespace", ""), meta["name"]) is None:
                try:
                    self.client.delete(rt, meta.get("namespace", ""), meta["name"], grace_period_seconds=0,
                                       preconditions={"uid": meta["uid"]})
                except ApiError as err:
                    if err.reason not in ("NotFound", "Conflict"):
                        raise

    # -- kubectl and the facade -------------------------------------------------------------------------
    def logs(self, namespace: str, pod: str, container: str | None = None, previous: bool = False,
             tail: int | None = None) -> str:
        """``kubectl logs`` for a pod on this node (raises ApiError as the API server answers)."""
        return container_logs(self, namespace, pod, container, previous, tail)

    def running_container(self, namespace: str, pod: str, container: str | None = None) -> str:
        """The runtime ID of a running container (``kubectl exec``'s target: the first container by
        default); raises ApiError with the messages kubectl shows."""
        obj = self.client.get(self.client.resource("", "Pod"), namespace, pod)
        spec = obj.get("spec") or {}
        phase = (obj.get("status") or {}).get("phase")
        if phase in TERMINAL:
            raise ApiError.bad_request(f"cannot exec into a container in a completed pod; current phase is {phase}")
        names = [c["name"] for key in ("initContainers", "containers") for c in spec.get(key) or []]
        name = container or (spec.get("containers") or [{}])[0].get("name", "")
        if name not in names:
            raise ApiError.bad_request(f"container {name} is not valid for pod {pod}")
        static = self.static_pods.by_name(namespace, pod)
        uid = static["metadata"]["uid"] if static is not None else obj["metadata"]["uid"]
        for rec in self.index.status(uid).containers:
            if rec.name == name and rec.state == "running":
                return rec.id
        raise ApiError.bad_request(f'unable to upgrade connection: container not found ("{name}")')

    def exec(self, namespace: str, pod: str, argv: list[str], callback: Any, container: str | None = None) -> None:
        """``kubectl exec``: run ``argv`` in the container; ``callback(exit_code, stdout, stderr)``."""
        self.runtime.exec_sync(self.running_container(namespace, pod, container), list(argv), 0, callback)

    def kill_container(self, namespace: str, pod: str, container: str | None = None, exit_code: int = 137,
                       reason: str | None = None) -> None:
        """The container's process dies now with ``exit_code`` (``reason="OOMKilled"`` for the OOM killer);
        the kubelet then restarts it as the restart policy says."""
        self.runtime.kill_container(self.running_container(namespace, pod, container), exit_code, reason)


def _only_status_changed(old: Obj, new: Obj) -> bool:
    """The config source ignores updates that change nothing but the status (and bookkeeping)."""
    skip = ("resourceVersion", "managedFields", "generation")
    om = {k: v for k, v in old["metadata"].items() if k not in skip}
    nm = {k: v for k, v in new["metadata"].items() if k not in skip}
    return om == nm and old.get("spec") == new.get("spec")


__all__ = ["ApiError", "Kubelet", "KubeletConfig"]
