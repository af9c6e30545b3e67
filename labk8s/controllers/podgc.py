"""The pod garbage collector (pkg/controller/podgc/gc_controller.go).

Every GC_CHECK_PERIOD_MS it force-deletes (grace period 0), after patching the pod to phase Failed:
- terminated pods (Succeeded/Failed) beyond --terminated-pod-gc-threshold, evicted ones first, then the
  oldest;
- terminating pods on a not-ready node tainted `node.kubernetes.io/out-of-service`;
- orphaned pods, bound to a node that no longer exists: a missing node is quarantined for
  QUARANTINE_TIME_MS (it may just not have reached the informer yet) and then checked with a GET; its pods
  get DisruptionTarget=True (reason DeletionByPodGC, "PodGC: node no longer exists");
- terminating pods that were never scheduled.
"""

from __future__ import annotations

import copy
from typing import Any

from labk8s._sim import Rng
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory
from labk8s.controllers.tainteviction import (
    DISRUPTION_TARGET,
    patch_pod_status,
    pod_condition,
    update_pod_condition,
)
from labk8s.errors import ApiError

Obj = dict[str, Any]

COMPONENT = "pod-garbage-collector"
#: gcCheckPeriod.
GC_CHECK_PERIOD_MS = 20_000
#: quarantineTime: how long a missing node may take to show up in the informer before a GET.
QUARANTINE_TIME_MS = 40_000
#: --terminated-pod-gc-threshold (kube-controller-manager default; <= 0 disables).
TERMINATED_POD_GC_THRESHOLD = 12_500
#: cache.WaitForCacheSync polls every 100 ms.
CACHE_SYNC_POLL_MS = 100

TAINT_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"
REASON_DELETION_BY_POD_GC = "DeletionByPodGC"
MESSAGE_NODE_GONE = "PodGC: node no longer exists"


def is_pod_terminated(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") not in ("Pending", "Running", "Unknown")


def is_pod_evicted(pod: Obj) -> bool:
    """eviction.PodIsEvicted: Failed with reason Evicted (the kubelet's node-pressure eviction)."""
    status = pod.get("status") or {}
    return status.get("phase") == "Failed" and status.get("reason") == "Evicted"


def by_eviction_and_creation(pod: Obj) -> tuple[bool, str, str]:
    """byEvictionAndCreationTimestamp: evicted pods first, then oldest, then by name."""
    return not is_pod_evicted(pod), pod["metadata"].get("creationTimestamp") or "", pod["metadata"]["name"]


def is_node_ready(node: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or [])


class PodGCController:
    def __init__(self, client: Client, factory: InformerFactory, rng: Rng | None = None, *,
                 terminated_pod_threshold: int = TERMINATED_POD_GC_THRESHOLD,
                 gc_check_period_ms: int = GC_CHECK_PERIOD_MS, quarantine_time_ms: int = QUARANTINE_TIME_MS) -> None:
        self.client = client
        self.rng = rng  # unused: the collector makes no random choices
        self.terminated_pod_threshold = terminated_pod_threshold
        self.gc_check_period_ms = gc_check_period_ms
        self.quarantine_time_ms = quarantine_time_ms
        self._pod_rt = client.resource("", "Pod")
        self._node_rt = client.resource("", "Node")
        self.pods = factory.for_resource(self._pod_rt)
        self.nodes = factory.for_resource(self._node_rt)
        #: The delaying node queue: node name -> when it leaves quarantine.
        self.quarantine: dict[str, int] = {}
        client.loop.call_later(0, self._run, f"{COMPONENT}: start")

    def _run(self) -> None:
        if not (self.pods.has_synced and self.nodes.has_synced):
            self.client.loop.call_later(CACHE_SYNC_POLL_MS, self._run, f"{COMPONENT}: wait for caches")
            return
        self._tick()

    def _tick(self) -> None:
        self.gc()
        self.client.loop.call_later(self.gc_check_period_ms, self._tick, f"{COMPONENT}: gc")

    def gc(self) -> None:
        # The cache's own (deterministic, insertion) order; each pass sorts only what it deletes.
        pods = list(self.pods.cache.values())
        nodes = list(self.nodes.cache.values())
        if self.terminated_pod_threshold > 0:
            self.gc_terminated(pods)
        self.gc_terminating(pods)
        self.gc_orphaned(pods, nodes)
        self.gc_unscheduled_terminating(pods)

    def gc_terminated(self, pods: list[Obj]) -> None:
        terminated = [p for p in pods if is_pod_terminated(p)]
        delete_count = len(terminated) - self.terminated_pod_threshold
        if delete_count <= 0:
            return
        terminated.sort(key=by_eviction_and_creation)
        for pod in terminated[:delete_count]:
            self._mark_failed_and_delete(pod)

    def gc_terminating(self, pods: list[Obj]) -> None:
        doomed = []
        for pod in pods:
            if not pod["metadata"].get("deletionTimestamp"):
                continue
            node = self.nodes.get("", (pod.get("spec") or {}).get("nodeName") or "")
            if node is None:
                continue
            taints = (node.get("spec") or {}).get("taints") or []
            if not is_node_ready(node) and any(t.get("key") == TAINT_OUT_OF_SERVICE for t in taints):
                doomed.append(pod)
        doomed.sort(key=by_eviction_and_creation)
        for pod in doomed:
            self._mark_failed_and_delete(pod)

    def gc_orphaned(self, pods: list[Obj], nodes: list[Obj]) -> None:
        existing = {n["metadata"]["name"] for n in nodes}
        now = self.client.now_ms()
        for pod in pods:
            node_name = (pod.get("spec") or {}).get("nodeName")
            if node_name and node_name not in existing:
                # DelayingQueue.AddAfter keeps the earliest time of a waiting item.
                ready_at = now + self.quarantine_time_ms
                if node_name not in self.quarantine or ready_at < self.quarantine[node_name]:
                    self.quarantine[node_name] = ready_at
        deleted = self._discover_deleted_nodes(existing, now)
        orphans = [p for p in pods if (p.get("spec") or {}).get("nodeName") in deleted]
        orphans.sort(key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
        for pod in orphans:
            cond = pod_condition(DISRUPTION_TARGET, "True", REASON_DELETION_BY_POD_GC, MESSAGE_NODE_GONE,
                                 int(pod["metadata"].get("generation") or 0))
            self._mark_failed_and_delete(pod, cond)

    def _discover_deleted_nodes(self, existing: set[str], now: int) -> set[str]:
        deleted: set[str] = set()
        for name in sorted(n for n, at in self.quarantine.items() if at <= now):
            del self.quarantine[name]
            if name in existing:
                continue
            try:
                self.client.get(self._node_rt, "", name)
            except ApiError as err:
                if err.code == 404:
                    deleted.add(name)
                # any other error: the node is quarantined again on the next pass if still needed
        return deleted

    def gc_unscheduled_terminating(self, pods: list[Obj]) -> None:
        doomed = [p for p in pods
                  if p["metadata"].get("deletionTimestamp") and not (p.get("spec") or {}).get("nodeName")]
        doomed.sort(key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
        for pod in doomed:
            self._mark_failed_and_delete(pod)

    def _mark_failed_and_delete(self, pod: Obj, condition: Obj | None = None) -> None:
        """markFailedAndDeletePodWithCondition: phase Failed (and the condition), then DELETE with grace 0."""
        meta = pod["metadata"]
        try:
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                new_status = copy.deepcopy(pod.get("status") or {})
                new_status["phase"] = "Failed"
                if pod["metadata"].get("generation"):  # PodObservedGenerationTracking
                    new_status["observedGeneration"] = pod["metadata"]["generation"]
                if condition is not None:
                    update_pod_condition(new_status, condition, self.client.now_ms())
                patch_pod_status(self.client, pod, new_status)
            self.client.delete(self._pod_rt, meta.get("namespace", ""), meta["name"], grace_period_seconds=0)
        except ApiError:
            pass  # upstream logs it (not found, conflict) and tries again on the next pass if still needed
