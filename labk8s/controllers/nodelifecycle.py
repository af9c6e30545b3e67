"""The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go).

Every NODE_MONITOR_PERIOD_MS it checks each node's health signals, as tryUpdateNodeHealth does: the
Ready condition's lastHeartbeatTime and the node's Lease (kube-node-lease/<node>, spec.renewTime). The
controller notes the time at which it *saw* either signal change (its own clock, not the kubelet's); when
neither changed for NODE_MONITOR_GRACE_PERIOD_MS (NODE_STARTUP_GRACE_PERIOD_MS for a node that never
posted a Ready condition) it sets Ready, MemoryPressure, DiskPressure and PIDPressure to Unknown
("NodeStatusUnknown", "Kubelet stopped posting node status."), records `NodeNotReady` and marks the
node's pods not ready.

A node whose Ready condition is False or Unknown goes into its zone's rate-limited tainter, which adds
`node.kubernetes.io/not-ready:NoExecute` or `node.kubernetes.io/unreachable:NoExecute` (the taint
eviction controller then evicts pods). The tainting rate depends on the zone state
(nodelifecycle_zones.py). Independently, every node change re-derives the NoSchedule taints from the
node's conditions (doNoScheduleTaintingPass) and reconciles the beta os/arch labels. When Ready is True
again both NoExecute taints are removed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from labk8s._sim import Priority, Rng, format_rfc3339
from labk8s._sim.clock import parse_rfc3339
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory, object_key, split_key
from labk8s.client.record import EventRecorder
from labk8s.client.workqueue import WorkQueue
from labk8s.controllers.nodelifecycle_zones import (
    LARGE_CLUSTER_SIZE_THRESHOLD,
    NODE_EVICTION_RATE,
    SECONDARY_NODE_EVICTION_RATE,
    UNHEALTHY_ZONE_THRESHOLD,
    UPDATE_RETRIES,
    TimedValue,
    Zones,
    get_condition,
    get_zone_key,
    remove_taint_off_node,
    swap_node_controller_taint,
)
from labk8s.controllers.tainteviction import (
    POD_NODE_NAME_INDEX,
    pod_node_name_index,
    taint_exists,
    update_pod_condition,
)
from labk8s.errors import ApiError

Obj = dict[str, Any]

COMPONENT = "node-controller"
#: --node-monitor-period.
NODE_MONITOR_PERIOD_MS = 5_000
#: --node-monitor-grace-period: 50 s since v1.32 (kubernetes/kubernetes#126287; 40 s before).
NODE_MONITOR_GRACE_PERIOD_MS = 50_000
#: --node-startup-grace-period, for nodes that never posted a Ready condition.
NODE_STARTUP_GRACE_PERIOD_MS = 60_000
#: scheduler.NodeEvictionPeriod: how often doNoExecuteTaintingPass drains the zone tainters.
NODE_EVICTION_PERIOD_MS = 100
#: cache.WaitForCacheSync polls every 100 ms.
CACHE_SYNC_POLL_MS = 100
#: scheduler.NodeHealthUpdateRetry: attempts at writing a node's health before giving up this pass.
NODE_HEALTH_UPDATE_RETRY = 5
#: A doNoExecuteTaintingPass item whose node has no Ready condition is retried after this.
TAINT_RETRY_MS = 50

LEASE_NAMESPACE = "kube-node-lease"
LABEL_NODE_DISRUPTION_EXCLUSION = "node.kubernetes.io/exclude-disruption"
TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
UNREACHABLE_TAINT_TEMPLATE: Obj = {"key": TAINT_UNREACHABLE, "effect": "NoExecute"}
NOT_READY_TAINT_TEMPLATE: Obj = {"key": TAINT_NOT_READY, "effect": "NoExecute"}
#: nodeConditionToTaintKeyStatusMap: which condition status gives which NoSchedule taint.
NODE_CONDITION_TO_TAINT_KEY: dict[str, dict[str, str]] = {
    "Ready": {"False": TAINT_NOT_READY, "Unknown": TAINT_UNREACHABLE},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
TAINT_KEY_TO_NODE_CONDITION = {key: cond for cond, m in NODE_CONDITION_TO_TAINT_KEY.items() for key in m.values()}
#: Conditions the controller sets to Unknown (NetworkUnavailable is managed elsewhere).
MONITORED_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
#: labelReconcileInfo: (primary, secondary) labels; the secondary follows the primary.
LABEL_RECONCILE = (("kubernetes.io/os", "beta.kubernetes.io/os"), ("kubernetes.io/arch", "beta.kubernetes.io/arch"))


@dataclass
class NodeHealth:
    """nodeHealthData: when the controller last saw a health signal change (its own clock)."""

    status: Obj
    probe_ms: int
    ready_transition_ms: int
    lease: Obj | None = None


class NodeLifecycleController:
    def __init__(self, client: Client, factory: InformerFactory, rng: Rng | None = None, *,
                 node_monitor_period_ms: int = NODE_MONITOR_PERIOD_MS,
                 node_monitor_grace_period_ms: int = NODE_MONITOR_GRACE_PERIOD_MS,
                 node_startup_grace_period_ms: int = NODE_STARTUP_GRACE_PERIOD_MS,
                 eviction_limiter_qps: float = NODE_EVICTION_RATE,
                 secondary_eviction_limiter_qps: float = SECONDARY_NODE_EVICTION_RATE,
                 large_cluster_threshold: int = LARGE_CLUSTER_SIZE_THRESHOLD,
                 unhealthy_zone_threshold: float = UNHEALTHY_ZONE_THRESHOLD) -> None:
        self.client = client
        self.rng = rng  # unused: the controller makes no random choices
        self.monitor_period_ms = node_monitor_period_ms
        self.monitor_grace_period_ms = node_monitor_grace_period_ms
        self.startup_grace_period_ms = node_startup_grace_period_ms
        self.zones = Zones(eviction_limiter_qps, secondary_eviction_limiter_qps, large_cluster_threshold,
                           unhealthy_zone_threshold)
        self.recorder = EventRecorder(client, COMPONENT)
        self._node_rt = client.resource("", "Node")
        self._pod_rt = client.resource("", "Pod")
        self.nodes = factory.for_resource(self._node_rt)
        self.pods = factory.for_resource(self._pod_rt)
        self.pods.add_indexer(POD_NODE_NAME_INDEX, pod_node_name_index)
        self.leases = factory.for_resource(client.resource("coordination.k8s.io", "Lease"))
        self.known_nodes: dict[str, Obj] = {}
        self.health: dict[str, NodeHealth] = {}
        self.nodes_to_retry: set[str] = set()
        self._started_ms: int | None = None
        self._tainting_scheduled = False
        self.node_update_queue = WorkQueue(client.loop, f"{COMPONENT}: nodes", self._node_processing_pass)
        self.pod_update_queue = WorkQueue(client.loop, f"{COMPONENT}: pods", self._process_pod)
        self.nodes.add_event_handler(lambda n: self.node_update_queue.add(n["metadata"]["name"]),
                                     lambda old, new: self.node_update_queue.add(new["metadata"]["name"]),
                                     lambda n: self.nodes_to_retry.discard(n["metadata"]["name"]))
        self.pods.add_event_handler(lambda p: self._pod_updated(None, p), self._pod_updated, None)
        client.loop.call_later(0, self._run, f"{COMPONENT}: start")

    # -- Run ------------------------------------------------------------------------------------------
    def _run(self) -> None:
        """Wait for the caches, then monitor node health every period (the first pass at once)."""
        if not (self.nodes.has_synced and self.pods.has_synced and self.leases.has_synced):
            self.client.loop.call_later(CACHE_SYNC_POLL_MS, self._run, f"{COMPONENT}: wait for caches")
            return
        self._started_ms = self.client.now_ms()
        self._monitor_tick()

    def _monitor_tick(self) -> None:
        self.monitor_node_health()
        self.client.loop.call_later(self.monitor_period_ms, self._monitor_tick, f"{COMPONENT}: monitorNodeHealth")

    def _ensure_tainting_tick(self) -> None:
        """Run doNoExecuteTaintingPass on its 100 ms grid while a tainter holds nodes it may taint.

        An empty queue or one whose limiter never admits leaves the pass without effect, so those
        ticks are skipped; the next tick falls on the same grid a free-running ticker would use.
        """
        if self._tainting_scheduled or self._started_ms is None:
            return
        if not self.zones.may_taint():
            return
        now = self.client.now_ms()
        elapsed = now - self._started_ms
        at = self._started_ms + -(-elapsed // NODE_EVICTION_PERIOD_MS) * NODE_EVICTION_PERIOD_MS
        self._tainting_scheduled = True
        self.client.loop.call_at(at, self._tainting_tick, f"{COMPONENT}: doNoExecuteTaintingPass", Priority.NORMAL)

    def _tainting_tick(self) -> None:
        self._tainting_scheduled = False
        self.do_no_execute_tainting_pass()
        if self.zones.may_taint():
            self._tainting_scheduled = True
            self.client.loop.call_later(NODE_EVICTION_PERIOD_MS, self._tainting_tick,
                                        f"{COMPONENT}: doNoExecuteTaintingPass")

    # -- node processing pass (NoSchedule taints and labels) ------------------------------------------
    def _node_processing_pass(self, name: str) -> None:
        self.do_no_schedule_tainting_pass(name)
        self.reconcile_node_labels(name)

    def do_no_schedule_tainting_pass(self, name: str) -> None:
        node = self.nodes.get("", name)
        if node is None:
            return
        wanted: list[Obj] = []
        for cond in (node.get("status") or {}).get("conditions") or []:
            key = NODE_CONDITION_TO_TAINT_KEY.get(cond.get("type", ""), {}).get(cond.get("status", ""))
            if key:
                wanted.append({"key": key, "effect": "NoSchedule"})
        if (node.get("spec") or {}).get("unschedulable"):
            wanted.append({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"})
        present = [t for t in (node.get("spec") or {}).get("taints") or []
                   if t.get("effect") == "NoSchedule"
                   and (t.get("key") == TAINT_UNSCHEDULABLE or t.get("key") in TAINT_KEY_TO_NODE_CONDITION)]
        to_add = [t for t in wanted if not taint_exists(present, t)]
        to_del = [t for t in present if not taint_exists(wanted, t)]
        if to_add or to_del:
            swap_node_controller_taint(self.client, to_add, to_del, node)

    def reconcile_node_labels(self, name: str) -> None:
        node = self.nodes.get("", name)
        if node is None or not node["metadata"].get("labels"):
            return
        labels = node["metadata"]["labels"]
        wanted = {secondary: labels[primary] for primary, secondary in LABEL_RECONCILE
                  if primary in labels and labels.get(secondary) != labels[primary]}
        if not wanted:
            return
        for _ in range(UPDATE_RETRIES):
            try:
                self.client.patch(self._node_rt, "", name, {"metadata": {"labels": wanted}}, "strategic")
                return
            except ApiError as err:
                if err.code != 409:
                    return

    # -- the NoExecute tainter ------------------------------------------------------------------------
    def do_no_execute_tainting_pass(self) -> None:
        now = self.client.now_ms()
        for zone in sorted(self.zones.tainters):
            self.zones.tainters[zone].try_process(now, self._taint_one)

    def _taint_one(self, value: TimedValue) -> tuple[bool, int]:
        node = self.nodes.get("", value.value)
        if node is None:
            return True, 0
        cond = get_condition(node.get("status"), "Ready")
        if cond is None:
            return False, TAINT_RETRY_MS
        # "unreachable" and "not ready" mirror Ready=Unknown and Ready=False: mutually exclusive.
        if cond.get("status") == "False":
            add, opposite = NOT_READY_TAINT_TEMPLATE, UNREACHABLE_TAINT_TEMPLATE
        elif cond.get("status") == "Unknown":
            add, opposite = UNREACHABLE_TAINT_TEMPLATE, NOT_READY_TAINT_TEMPLATE
        else:
            return True, 0  # Ready again: no taint
        return swap_node_controller_taint(self.client, [add], [opposite], node), 0

    # -- monitorNodeHealth ----------------------------------------------------------------------------
    def monitor_node_health(self) -> None:
        nodes = self.nodes.list()
        added, deleted, new_zone_representatives = self._classify_nodes(nodes)
        now = self.client.now_ms()
        for node in new_zone_representatives:
            self.zones.add_for_new_zone(node, now)
        for node in added:
            name = node["metadata"]["name"]
            self._record_node_event(node, "RegisteredNode", f"Registered Node {name} in Controller")
            self.known_nodes[name] = node
            self.zones.add_for_new_zone(node, now)
            self.mark_node_as_reachable(node)
        for node in deleted:
            name = node["metadata"]["name"]
            self._record_node_event(node, "RemovingNode", f"Removing Node {name} from Controller")
            del self.known_nodes[name]
        zone_conditions: dict[str, list[Obj | None]] = {}
        for node in nodes:
            self._update_node(node, zone_conditions)
        self.handle_disruption(zone_conditions, nodes)
        self._ensure_tainting_tick()

    def _update_node(self, node: Obj, zone_conditions: dict[str, list[Obj | None]]) -> None:
        name = node["metadata"]["name"]
        result: tuple[Obj, Obj, Obj | None] | None = None
        for _ in range(NODE_HEALTH_UPDATE_RETRY):
            try:
                result = self.try_update_node_health(node)
                break
            except ApiError:
                try:
                    node = self.client.get(self._node_rt, "", name)
                except ApiError:
                    return  # probably deleted
        if result is None:
            return  # "Skipping - no pods will be evicted"
        node, observed, current = result
        if LABEL_NODE_DISRUPTION_EXCLUSION not in (node["metadata"].get("labels") or {}):
            zone_conditions.setdefault(get_zone_key(node), []).append(current)
        if current is not None:
            self.process_taint_base_eviction(node, observed)
            needs_retry = name in self.nodes_to_retry
            transition = current.get("status") != "True" and observed.get("status") == "True"
            if transition:
                self._record_node_status_change(node, "NodeNotReady")
            if transition or (needs_retry and observed.get("status") != "True"):
                pods = self.pods.by_index(POD_NODE_NAME_INDEX, name)
                if not self.mark_pods_not_ready(pods, name):
                    self.nodes_to_retry.add(name)
                    return
        self.nodes_to_retry.discard(name)

    def try_update_node_health(self, node: Obj) -> tuple[Obj, Obj, Obj | None]:
        """tryUpdateNodeHealth: returns (node, observed Ready condition, current Ready condition).

        Upstream posts Unknown once `now` is strictly after probe + grace. Its monitor ticks drift a few
        milliseconds later each period, so the tick one grace period after the probe is always past
        it; on the exact virtual clock that tick is `now == probe + grace`, hence `>=` here.
        """
        name = node["metadata"]["name"]
        now = self.client.now_ms()
        status = node.get("status") or {}
        health = self.health.get(name)
        current = get_condition(status, "Ready")
        created = node["metadata"].get("creationTimestamp")
        if current is None:
            # Never posted: a fake Unknown condition as of creation, and the startup grace period.
            observed: Obj = {"type": "Ready", "status": "Unknown", "lastHeartbeatTime": created,
                             "lastTransitionTime": created}
            grace = self.startup_grace_period_ms
            if health is not None:
                health.status = status
            else:
                created_ms = _parse_time(created) if created else now
                health = NodeHealth(status, created_ms, created_ms)
        else:
            observed = dict(current)
            grace = self.monitor_grace_period_ms
        saved = get_condition(health.status, "Ready") if health is not None else None
        saved_lease = health.lease if health is not None else None
        if health is None or (saved is None) != (current is None):
            health = NodeHealth(status, now, now)
        elif saved is not None and current is not None and \
                saved.get("lastHeartbeatTime") != current.get("lastHeartbeatTime"):
            transition = now if saved.get("lastTransitionTime") != current.get("lastTransitionTime") \
                else health.ready_transition_ms
            health = NodeHealth(status, now, transition)
        # A renewed Lease always counts as a probe.
        lease = self.leases.get(LEASE_NAMESPACE, name)
        if lease is not None and lease is not saved_lease and (saved_lease is None or _renewed(saved_lease, lease)):
            health.lease = lease
            health.probe_ms = now
        self.health[name] = health
        if now - health.probe_ms < grace:
            return node, observed, current
        updated = copy.deepcopy(node)
        new_status = updated.setdefault("status", {})
        if new_status.get("conditions") is None:
            new_status["conditions"] = []
        stamp = format_rfc3339(now)
        for type_ in MONITORED_CONDITIONS:
            cond = get_condition(new_status, type_)
            if cond is None:
                new_status["conditions"].append({
                    "type": type_, "status": "Unknown", "lastHeartbeatTime": created,
                    "lastTransitionTime": stamp, "reason": "NodeStatusNeverUpdated",
                    "message": "Kubelet never posted node status."})
            elif cond.get("status") != "Unknown":
                cond.update(status="Unknown", reason="NodeStatusUnknown",
                            message="Kubelet stopped posting node status.", lastTransitionTime=stamp)
        current = get_condition(new_status, "Ready")
        if current == observed:
            return node, observed, current
        stored = self.client.update_status(updated)
        self.health[name] = NodeHealth(stored.get("status") or {}, health.probe_ms, now, lease)
        return stored, observed, get_condition(stored.get("status"), "Ready")

    def process_taint_base_eviction(self, node: Obj, observed: Obj) -> None:
        taints = (node.get("spec") or {}).get("taints")
        status = observed.get("status")
        if status == "False":
            # Already unreachable: swap to not-ready at once, without waiting for the rate limiter.
            if taint_exists(taints, UNREACHABLE_TAINT_TEMPLATE):
                swap_node_controller_taint(self.client, [NOT_READY_TAINT_TEMPLATE], [UNREACHABLE_TAINT_TEMPLATE],
                                           node)
            else:
                self._mark_node_for_tainting(node, "False")
        elif status == "Unknown":
            if taint_exists(taints, NOT_READY_TAINT_TEMPLATE):
                swap_node_controller_taint(self.client, [UNREACHABLE_TAINT_TEMPLATE], [NOT_READY_TAINT_TEMPLATE],
                                           node)
            else:
                self._mark_node_for_tainting(node, "Unknown")
        elif status == "True":
            self.mark_node_as_reachable(node)

    def _mark_node_for_tainting(self, node: Obj, status: str) -> bool:
        name = node["metadata"]["name"]
        queue = self.zones.tainter(node)
        taints = (node.get("spec") or {}).get("taints")
        if status == "False" and not taint_exists(taints, NOT_READY_TAINT_TEMPLATE):
            queue.remove(name)
        if status == "Unknown" and not taint_exists(taints, UNREACHABLE_TAINT_TEMPLATE):
            queue.remove(name)
        return queue.add(name, node["metadata"].get("uid", ""), self.client.now_ms())

    def mark_node_as_reachable(self, node: Obj) -> bool:
        name = node["metadata"]["name"]
        if (node.get("spec") or {}).get("taints") and not remove_taint_off_node(self.client, name, node, [UNREACHABLE_TAINT_TEMPLATE]):
            return False
        if (node.get("spec") or {}).get("taints") and \
                not remove_taint_off_node(self.client, name, node, [NOT_READY_TAINT_TEMPLATE]):
            return False
        return self.zones.tainter(node).remove(name)

    def mark_pods_not_ready(self, pods: list[Obj], node_name: str) -> bool:
        """MarkPodsNotReady: Ready=False on each pod of the node, with a `NodeNotReady` event."""
        ok = True
        now = self.client.now_ms()
        for pod in pods:
            if (pod.get("spec") or {}).get("nodeName") != node_name:
                continue
            status = pod.get("status") or {}
            cond = get_condition(status, "Ready")
            if cond is None:
                continue
            new_status = copy.deepcopy(status)
            if not update_pod_condition(new_status, dict(cond, status="False"), now):
                continue
            updated = dict(pod, status=new_status)
            try:
                self.client.update_status(updated)
            except ApiError as err:
                if err.code == 404:
                    continue  # deleted meanwhile
                ok = False
            self.recorder.event(updated, "Warning", "NodeNotReady", "Node is not ready")
        return ok

    # -- zones ----------------------------------------------------------------------------------------
    def handle_disruption(self, zone_conditions: dict[str, list[Obj | None]], nodes: list[Obj]) -> None:
        now = self.client.now_ms()
        action = self.zones.handle_disruption(zone_conditions, now)
        if action == "enter":
            for node in nodes:
                self.mark_node_as_reachable(node)
        elif action == "exit":
            for node in nodes:
                health = self.health.get(node["metadata"]["name"])
                if health is not None:
                    health.probe_ms = health.ready_transition_ms = now

    def _classify_nodes(self, nodes: list[Obj]) -> tuple[list[Obj], list[Obj], list[Obj]]:
        added: list[Obj] = []
        new_zone_representatives: list[Obj] = []
        for node in nodes:
            if node["metadata"]["name"] not in self.known_nodes:
                added.append(node)
            elif get_zone_key(node) not in self.zones.states:
                new_zone_representatives.append(node)
        present = {n["metadata"]["name"] for n in nodes}
        deleted = [self.known_nodes[n] for n in sorted(self.known_nodes) if n not in present]
        return added, deleted, new_zone_representatives

    # -- pods assigned to not-ready nodes -------------------------------------------------------------
    def _pod_updated(self, old: Obj | None, new: Obj) -> None:
        node_name = (new.get("spec") or {}).get("nodeName")
        if not node_name or (old is not None and (old.get("spec") or {}).get("nodeName") == node_name):
            return
        # processPod acts only when the node is known and not Ready; a node turning not-ready later
        # marks all its pods itself, so the other pods need no queue event.
        health = self.health.get(node_name)
        ready = get_condition(health.status, "Ready") if health is not None else None
        if ready is not None and ready.get("status") != "True":
            self.pod_update_queue.add(object_key(new))

    def _process_pod(self, key: str) -> None:
        ns, name = split_key(key)
        pod = self.pods.get(ns, name)
        if pod is None:
            return
        node_name = pod["spec"].get("nodeName") or ""
        health = self.health.get(node_name)
        if health is None or self.nodes.get("", node_name) is None:
            return
        ready = get_condition(health.status, "Ready")
        if ready is not None and ready.get("status") != "True":
            if not self.mark_pods_not_ready([pod], node_name):
                self.pod_update_queue.add_rate_limited(key)

    # -- events ---------------------------------------------------------------------------------------
    def _node_ref(self, node: Obj) -> Obj:
        return {"kind": "Node", "name": node["metadata"]["name"], "uid": node["metadata"].get("uid", ""),
                "apiVersion": "v1"}

    def _record_node_event(self, node: Obj, reason: str, event: str) -> None:
        """RecordNodeEvent: `Node <name> event: <event>`."""
        name = node["metadata"]["name"]
        self.recorder.record(self._node_ref(node), "Normal", reason, f"Node {name} event: {event}")

    def _record_node_status_change(self, node: Obj, new_status: str) -> None:
        """RecordNodeStatusChange: `Node <name> status is now: <status>`."""
        name = node["metadata"]["name"]
        self.recorder.record(self._node_ref(node), "Normal", new_status, f"Node {name} status is now: {new_status}")


def _renewed(saved: Obj, observed: Obj) -> bool:
    """savedLease.Spec.RenewTime.Before(observedLease.Spec.RenewTime) (false if either is unset)."""
    a = (saved.get("spec") or {}).get("renewTime")
    b = (observed.get("spec") or {}).get("renewTime")
    if not a or not b:
        return False
    return _parse_time(a) < _parse_time(b)


_parsed: dict[str, int] = {}


def _parse_time(text: str) -> int:
    """parse_rfc3339, memoised: the same heartbeat stamps are compared on every pass."""
    ms = _parsed.get(text)
    if ms is None:
        if len(_parsed) > 100_000:
            _parsed.clear()
        ms = _parsed[text] = parse_rfc3339(text)
    return ms
