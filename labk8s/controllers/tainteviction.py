"""The taint eviction controller (pkg/controller/tainteviction), the "NoExecute taint manager".

It watches nodes and pods. A pod bound to a node with NoExecute taints it does not tolerate is deleted at
once; a pod that tolerates them all, some for a limited `tolerationSeconds`, is deleted when the shortest
of those runs out, counted from when the controller saw the taint (the DefaultTolerationSeconds
admission plugin gives every pod 300 s for `node.kubernetes.io/not-ready` and `unreachable`). Before
deleting, it records `TaintManagerEviction` ("Marking for deletion Pod ns/name") and sets the pod
condition DisruptionTarget=True (reason DeletionByTaintManager); the delete uses the pod's own grace
period. When the taints go away (or the pod now tolerates them for ever) the timer is cancelled with the
event "Cancelling deletion of Pod ns/name".

Timers run on the virtual clock (EventLoop.call_later). The module also holds the small shared helpers
of upstream's taint, toleration and pod-condition utilities that the sibling controllers use.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from labk8s._sim import Event, Rng, format_rfc3339
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory, object_key, split_key
from labk8s.client.record import EventRecorder
from labk8s.client.workqueue import WorkQueue
from labk8s.errors import ApiError

Obj = dict[str, Any]

CONTROLLER_NAME = "taint-eviction-controller"
#: deletePodHandler retries addConditionAndDeletePod this many times (10 ms apart upstream; at once here).
DELETE_RETRIES = 5
#: The pod informer index of pods by spec.nodeName (controller.PodNodeNameKeyIndex).
POD_NODE_NAME_INDEX = "spec.nodeName"

DISRUPTION_TARGET = "DisruptionTarget"
REASON_DELETION_BY_TAINT_MANAGER = "DeletionByTaintManager"
MESSAGE_DELETION_BY_TAINT_MANAGER = "Taint manager: deleting due to NoExecute taint"


# -- helpers shared with the node lifecycle controller and pod GC -------------------------------------

def pod_node_name_index(pod: Obj) -> list[str]:
    node = (pod.get("spec") or {}).get("nodeName")
    return [node] if node else []


def taint_matches(a: Obj, b: Obj) -> bool:
    """Taint.MatchTaint: the same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


def taint_exists(taints: list[Obj] | None, taint: Obj) -> bool:
    return any(taint_matches(t, taint) for t in taints or [])


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """Toleration.ToleratesTaint (an empty effect or key matches any; operator "" means Equal)."""
    effect, key = toleration.get("effect") or "", toleration.get("key") or ""
    if effect and effect != taint.get("effect"):
        return False
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or ""
    if op in ("", "Equal"):
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return op == "Exists"


def get_matching_tolerations(taints: list[Obj], tolerations: list[Obj]) -> tuple[bool, list[Obj]]:
    """v1helper.GetMatchingTolerations: whether every taint is tolerated, and the first toleration of each."""
    if not taints:
        return True, []
    if not tolerations:
        return False, []
    used: list[Obj] = []
    for taint in taints:
        match = next((t for t in tolerations if tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def get_min_toleration_time_ms(tolerations: list[Obj]) -> int:
    """getMinTolerationTime in milliseconds: 0 for none or a non-positive value, -1 for for ever."""
    if not tolerations:
        return 0
    least: int | None = None
    for t in tolerations:
        seconds = t.get("tolerationSeconds")
        if seconds is None:
            continue
        if int(seconds) <= 0:
            return 0
        least = int(seconds) if least is None else min(least, int(seconds))
    return -1 if least is None else least * 1000


def get_no_execute_taints(node: Obj) -> list[Obj]:
    return [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute"]


def pod_condition(type_: str, status: str, reason: str = "", message: str = "", observed_generation: int = 0) -> Obj:
    """A v1.PodCondition as the API serialises it (zero lastProbeTime is null; zero observedGeneration
    is omitted)."""
    cond: Obj = {"type": type_}
    if observed_generation:
        cond["observedGeneration"] = observed_generation
    cond.update(status=status, lastProbeTime=None, lastTransitionTime=None)
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def update_pod_condition(status: Obj, condition: Obj, now_ms: int) -> bool:
    """apipod.UpdatePodCondition: add or replace `condition` in `status`; True if anything changed.

    lastTransitionTime moves to now only when the condition's status changes.
    """
    cond = dict(condition, lastTransitionTime=format_rfc3339(now_ms))
    conditions: list[Obj] | None = status.get("conditions")
    if conditions is None:
        conditions = status["conditions"] = []
    for i, old in enumerate(conditions):
        if old.get("type") != cond["type"]:
            continue
        if cond.get("status") == old.get("status"):
            cond["lastTransitionTime"] = old.get("lastTransitionTime")
        equal = all(cond.get(f) == old.get(f) for f in
                    ("status", "reason", "message", "lastProbeTime", "lastTransitionTime"))
        conditions[i] = cond
        return not equal
    conditions.append(cond)
    return True


def patch_pod_status(client: Client, pod: Obj, new_status: Obj) -> Obj:
    """utilpod.PatchPodStatus: a strategic merge patch of the status changes, with a UID precondition."""
    old_status = pod.get("status") or {}
    patch: Obj = {}
    for key in sorted(set(old_status) | set(new_status)):
        if key == "conditions":
            continue
        if old_status.get(key) != new_status.get(key):
            patch[key] = new_status.get(key)
    old_conds = {c.get("type"): c for c in old_status.get("conditions") or []}
    new_conds = new_status.get("conditions") or []
    changed = [c for c in new_conds if old_conds.get(c.get("type")) != c]
    if changed:
        patch["$setElementOrder/conditions"] = [{"type": c.get("type")} for c in new_conds]
        patch["conditions"] = changed
    meta = pod["metadata"]
    return client.patch(client.resource("", "Pod"), meta.get("namespace", ""), meta["name"],
                        {"metadata": {"uid": meta.get("uid")}, "status": patch}, "strategic",
                        subresource="status")


# -- the controller ------------------------------------------------------------------------------------

@dataclass
class TimedWorker:
    """A scheduled deletion: created when the taint was seen, firing `fire_ms - created_ms` later."""

    created_ms: int
    fire_ms: int
    timer: Event


class TaintEvictionController:
    def __init__(self, client: Client, factory: InformerFactory, rng: Rng | None = None) -> None:
        self.client = client
        self.rng = rng  # unused: the controller makes no random choices
        self.recorder = EventRecorder(client, CONTROLLER_NAME)
        self._pod_rt = client.resource("", "Pod")
        self.pods = factory.for_resource(self._pod_rt)
        self.pods.add_indexer(POD_NODE_NAME_INDEX, pod_node_name_index)
        self.nodes = factory.for_resource(client.resource("", "Node"))
        #: node name -> its NoExecute taints (only nodes that have some).
        self.tainted_nodes: dict[str, list[Obj]] = {}
        #: "ns/name" -> pending deletion; None while an immediate deletion runs.
        self.workers: dict[str, TimedWorker | None] = {}
        self.node_queue = WorkQueue(client.loop, f"{CONTROLLER_NAME}: nodes", self._handle_node_update)
        self.pod_queue = WorkQueue(client.loop, f"{CONTROLLER_NAME}: pods", self._handle_pod_update)
        self.nodes.add_event_handler(lambda n: self._node_updated(None, n), self._node_updated,
                                     lambda n: self._node_updated(n, None))
        self.pods.add_event_handler(lambda p: self._pod_updated(None, p), self._pod_updated,
                                    lambda p: self._pod_updated(p, None))

    # -- event handlers (record and enqueue) ---------------------------------------------------------
    def _node_updated(self, old: Obj | None, new: Obj | None) -> None:
        if old is not None and new is not None and get_no_execute_taints(old) == get_no_execute_taints(new):
            return
        node = new if new is not None else old
        assert node is not None
        self.node_queue.add(node["metadata"]["name"])

    def _pod_updated(self, old: Obj | None, new: Obj | None) -> None:
        pod = new if new is not None else old
        assert pod is not None
        node_name = (pod.get("spec") or {}).get("nodeName") or ""
        if old is not None and new is not None and \
                (old["spec"].get("tolerations") or []) == (new["spec"].get("tolerations") or []) and \
                old["spec"].get("nodeName") == new["spec"].get("nodeName"):
            return
        key = object_key(pod)
        # Upstream queues every change; handlePodUpdate then ignores pods on untainted nodes and
        # unbound pods. Skipping those here saves a loop event per pod and changes nothing: a node
        # whose taints are not processed yet re-examines all its pods when they are.
        if (node_name and node_name in self.tainted_nodes) or key in self.workers:
            self.pod_queue.add(f"{key}|{node_name}")

    # -- reconcile -----------------------------------------------------------------------------------
    def _handle_node_update(self, name: str) -> None:
        node = self.nodes.get("", name)
        if node is None:
            self.tainted_nodes.pop(name, None)
            return
        taints = get_no_execute_taints(node)
        if taints:
            self.tainted_nodes[name] = taints
        else:
            self.tainted_nodes.pop(name, None)
        pods = self.pods.by_index(POD_NODE_NAME_INDEX, name)
        if not pods:
            return
        if not taints:
            for pod in pods:
                self._cancel_work_with_event(object_key(pod))
            return
        now = self.client.now_ms()
        for pod in pods:
            self._process_pod_on_node(object_key(pod), pod["spec"].get("tolerations") or [], taints, now)

    def _handle_pod_update(self, item: str) -> None:
        key, node_name = item.rsplit("|", 1)
        ns, name = split_key(key)
        pod = self.pods.get(ns, name)
        if pod is None:
            self._cancel_work_with_event(key)
            return
        if (pod["spec"].get("nodeName") or "") != node_name or not node_name:
            return
        taints = self.tainted_nodes.get(node_name)
        if taints is None:
            return
        self._process_pod_on_node(key, pod["spec"].get("tolerations") or [], taints, self.client.now_ms())

    def _process_pod_on_node(self, key: str, tolerations: list[Obj], taints: list[Obj], now: int) -> None:
        if not taints:
            self._cancel_work_with_event(key)
        all_tolerated, used = get_matching_tolerations(taints, tolerations)
        if not all_tolerated:
            self._cancel_work_with_event(key)
            self._add_work(key, now, now)
            return
        least = get_min_toleration_time_ms(used)
        if least < 0:
            self._cancel_work_with_event(key)
            return
        start, trigger = now, now + least
        scheduled = self.workers.get(key)
        if scheduled is not None:
            start = scheduled.created_ms
            if start + least < trigger:
                return
            self._cancel_work_with_event(key)
        self._add_work(key, start, trigger)

    # -- the timed worker queue ----------------------------------------------------------------------
    def _add_work(self, key: str, created_ms: int, fire_ms: int) -> None:
        if key in self.workers:
            return
        delay = fire_ms - created_ms
        if delay <= 0:
            self.workers[key] = None
            try:
                self._delete_pod(key)
            finally:
                self.workers.pop(key, None)
            return
        timer = self.client.loop.call_later(delay, lambda: self._fire(key), f"{CONTROLLER_NAME}: evict {key}")
        self.workers[key] = TimedWorker(created_ms, fire_ms, timer)

    def _fire(self, key: str) -> None:
        if key not in self.workers:
            return
        try:
            self._delete_pod(key)
        finally:
            self.workers.pop(key, None)

    def _cancel_work_with_event(self, key: str) -> None:
        if key not in self.workers:
            return
        worker = self.workers.pop(key)
        if worker is not None:
            worker.timer.cancel()
            self._emit(key, f"Cancelling deletion of Pod {key}")

    def _emit(self, key: str, message: str) -> None:
        ns, name = split_key(key)
        ref = {"kind": "Pod", "namespace": ns, "name": name, "apiVersion": "v1"}
        self.recorder.record(ref, "Normal", "TaintManagerEviction", message)

    def _delete_pod(self, key: str) -> None:
        """deletePodHandler: the event, then DisruptionTarget and DELETE, retried on errors."""
        self._emit(key, f"Marking for deletion Pod {key}")
        ns, name = split_key(key)
        for _ in range(DELETE_RETRIES):
            try:
                self._add_condition_and_delete_pod(ns, name)
                return
            except ApiError as err:
                if err.code == 404:
                    return  # gone already: every retry would fail the same way

    def _add_condition_and_delete_pod(self, ns: str, name: str) -> None:
        pod = self.client.get(self._pod_rt, ns, name)
        new_status = copy.deepcopy(pod.get("status") or {})
        # PodObservedGenerationTracking (on by default since v1.34): the condition records the generation.
        cond = pod_condition(DISRUPTION_TARGET, "True", REASON_DELETION_BY_TAINT_MANAGER,
                             MESSAGE_DELETION_BY_TAINT_MANAGER, int(pod["metadata"].get("generation") or 0))
        if update_pod_condition(new_status, cond, self.client.now_ms()):
            patch_pod_status(self.client, pod, new_status)
        self.client.delete(self._pod_rt, ns, name)
