"""Zones and rate-limited NoExecute tainting for the node lifecycle controller (nodelifecycle.py).

- Zone key and zone state: ComputeZoneState (Normal / PartialDisruption / FullDisruption), and
  handleDisruption, which picks each zone's tainting rate from the zone states.
- The per-zone NoExecute tainter: a RateLimitedTimedQueue (scheduler/rate_limited_queue.go) guarded by
  a token bucket (client-go util/flowcontrol over golang.org/x/time/rate) on virtual time.
- The controller's node taint writes (pkg/controller/controller_utils.go AddOrUpdateTaintOnNode,
  RemoveTaintOffNode; util/node SwapNodeControllerTaint).

The token bucket counts exactly (fractions of a token) with the float32 rate kube-controller-manager
passes (`--node-eviction-rate` is a float32), so the times of rate-limited taints match upstream's.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from labk8s._sim import format_rfc3339
from labk8s.client.client import Client
from labk8s.controllers.tainteviction import taint_exists, taint_matches
from labk8s.errors import ApiError

Obj = dict[str, Any]

STATE_INITIAL = "Initial"
STATE_NORMAL = "Normal"
STATE_FULL_DISRUPTION = "FullDisruption"
STATE_PARTIAL_DISRUPTION = "PartialDisruption"

#: --node-eviction-rate: nodes tainted per second per zone while the zone is healthy.
NODE_EVICTION_RATE = 0.1
#: --secondary-node-eviction-rate: the rate in a partially disrupted zone of a large cluster.
SECONDARY_NODE_EVICTION_RATE = 0.01
#: --large-cluster-size-threshold: zones with more nodes than this are "large".
LARGE_CLUSTER_SIZE_THRESHOLD = 50
#: --unhealthy-zone-threshold: fraction of not-ready nodes (at least 3) that disrupts a zone.
UNHEALTHY_ZONE_THRESHOLD = 0.55
#: scheduler.EvictionRateLimiterBurst.
EVICTION_RATE_LIMITER_BURST = 1
#: controller.UpdateTaintBackoff steps (RetryOnConflict).
UPDATE_RETRIES = 5

LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone"
LABEL_TOPOLOGY_REGION = "topology.kubernetes.io/region"
LABEL_FAILURE_DOMAIN_BETA_ZONE = "failure-domain.beta.kubernetes.io/zone"
LABEL_FAILURE_DOMAIN_BETA_REGION = "failure-domain.beta.kubernetes.io/region"


def get_zone_key(node: Obj) -> str:
    """component-helpers node/topology GetZoneKey: `region:\\x00:zone`, or "" without either label."""
    labels = node["metadata"].get("labels") or {}
    zone = labels[LABEL_TOPOLOGY_ZONE] if LABEL_TOPOLOGY_ZONE in labels \
        else labels.get(LABEL_FAILURE_DOMAIN_BETA_ZONE, "")
    region = labels[LABEL_TOPOLOGY_REGION] if LABEL_TOPOLOGY_REGION in labels \
        else labels.get(LABEL_FAILURE_DOMAIN_BETA_REGION, "")
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"


def compute_zone_state(ready_conditions: list[Obj | None],
                       unhealthy_zone_threshold: float = UNHEALTHY_ZONE_THRESHOLD) -> tuple[int, str]:
    """ComputeZoneState: (number of not-ready nodes, zone state). A missing condition counts as not ready."""
    ready = sum(1 for c in ready_conditions if c is not None and c.get("status") == "True")
    not_ready = len(ready_conditions) - ready
    if ready == 0 and not_ready > 0:
        return not_ready, STATE_FULL_DISRUPTION
    # float32 division and comparison, as upstream.
    if not_ready > 2 and _f32(not_ready / (not_ready + ready)) >= _f32(unhealthy_zone_threshold):
        return not_ready, STATE_PARTIAL_DISRUPTION
    return not_ready, STATE_NORMAL


def _f32(x: float) -> float:
    """The float32 nearest to x (Go's float32 conversion)."""
    return float(struct.unpack("f", struct.pack("f", x))[0])


class TokenBucket:
    """flowcontrol.NewTokenBucketRateLimiter(qps, burst).TryAccept on virtual time.

    The bucket starts full; tokens refill continuously at `qps` per second up to `burst`. A qps of 0 or
    less is the fake "never" limiter that never admits anything.
    """

    def __init__(self, qps: float, burst: int, now_ms: int) -> None:
        self.qps = qps
        self.burst = burst
        self._rate = Fraction(_f32(qps)) / 1000 if qps > 0 else Fraction(0)  # tokens per ms
        self._tokens = Fraction(burst)
        self._last = now_ms

    def try_accept(self, now_ms: int) -> bool:
        if self.qps <= 0:
            return False
        tokens = min(Fraction(self.burst), self._tokens + (now_ms - self._last) * self._rate)
        if tokens < 1:
            return False  # x/time/rate keeps its state when a reservation fails
        self._tokens = tokens - 1
        self._last = now_ms
        return True


@dataclass
class TimedValue:
    value: str
    uid: str
    added_at: int
    process_at: int
    seq: int


class RateLimitedTimedQueue:
    """A unique queue ordered by processing time, drained under a token bucket.

    A value stays in the dedup set after it was processed (RemoveFromQueue) until `remove` is called,
    so a node is tainted once per outage.
    """

    def __init__(self, qps: float, now_ms: int) -> None:
        self.limiter = TokenBucket(qps, EVICTION_RATE_LIMITER_BURST, now_ms)
        self._queue: list[TimedValue] = []
        self._set: set[str] = set()
        self._seq = 0

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, value: str, uid: str, now_ms: int) -> bool:
        if value in self._set:
            return False
        self._seq += 1
        self._queue.append(TimedValue(value, uid, now_ms, now_ms, self._seq))
        self._queue.sort(key=lambda v: (v.process_at, v.seq))
        self._set.add(value)
        return True

    def remove(self, value: str) -> bool:
        """Drop the value from the queue and the dedup set; True if it was known."""
        if value not in self._set:
            return False
        self._set.discard(value)
        self._queue = [v for v in self._queue if v.value != value]
        return True

    def try_process(self, now_ms: int, fn: Callable[[TimedValue], tuple[bool, int]]) -> None:
        """Try: process due values while the limiter admits them. `fn(value) -> (done, retry_after_ms)`."""
        while self._queue:
            head = self._queue[0]
            if not self.limiter.try_accept(now_ms):
                break
            if now_ms < head.process_at:
                break
            done, wait_ms = fn(head)
            if done:
                self._queue.pop(0)  # RemoveFromQueue: stays in the set
            else:
                head.process_at = now_ms + wait_ms + 1
                self._queue.sort(key=lambda v: (v.process_at, v.seq))

    def swap_limiter(self, qps: float, now_ms: int) -> None:
        """SwapLimiter: a new bucket for a new rate, drained if the old one was empty (burst 1)."""
        if self.limiter.qps == qps:
            return
        new = TokenBucket(qps, EVICTION_RATE_LIMITER_BURST, now_ms)
        if qps > 0 and not self.limiter.try_accept(now_ms):
            new.try_accept(now_ms)
        self.limiter = new


def get_condition(status: Obj | None, type_: str) -> Obj | None:
    for c in (status or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


# -- node taint writes (pkg/controller/controller_utils.go, util/node) --------------------------------

def _semantic_taint(t: Obj) -> tuple[str, str, str, str | None]:
    return t.get("key") or "", t.get("value") or "", t.get("effect") or "", t.get("timeAdded")


def _patch_node_taints(client: Client, node: Obj, taints: list[Obj]) -> None:
    """PatchNodeTaints: the whole taint list, guarded by the node's resourceVersion."""
    rt = client.resource("", "Node")
    client.patch(rt, "", node["metadata"]["name"],
                 {"metadata": {"resourceVersion": node["metadata"].get("resourceVersion")},
                  "spec": {"taints": taints or None}}, "strategic")


def add_or_update_taint_on_node(client: Client, name: str, taints: list[Obj]) -> bool:
    """AddOrUpdateTaintOnNode: add each taint, replacing one with the same key and effect."""
    if not taints:
        return True
    for _ in range(UPDATE_RETRIES):
        try:
            node = client.get(client.resource("", "Node"), "", name)
        except ApiError:
            return False
        current = list((node.get("spec") or {}).get("taints") or [])
        updated = False
        for taint in taints:
            kept: list[Obj] = []
            replaced = same = False
            for t in current:
                if taint_matches(taint, t):
                    if _semantic_taint(taint) == _semantic_taint(t):
                        same = True
                        kept.append(t)
                        continue
                    kept.append(taint)
                    replaced = True
                    continue
                kept.append(t)
            if same:
                continue
            if not replaced:
                kept.append(taint)
            current, updated = kept, True
        if not updated:
            return True
        try:
            _patch_node_taints(client, node, current)
            return True
        except ApiError as err:
            if err.code != 409:
                return False
    return False


def remove_taint_off_node(client: Client, name: str, node: Obj | None, taints: list[Obj]) -> bool:
    """RemoveTaintOffNode: drop taints matching key and effect; no API call if `node` has none of them."""
    if not taints:
        return True
    if node is not None and not any(taint_exists((node.get("spec") or {}).get("taints"), t) for t in taints):
        return True
    for _ in range(UPDATE_RETRIES):
        try:
            fresh = client.get(client.resource("", "Node"), "", name)
        except ApiError:
            return False
        current = list((fresh.get("spec") or {}).get("taints") or [])
        kept = [t for t in current if not any(taint_matches(t, r) for r in taints)]
        if len(kept) == len(current):
            return True
        try:
            _patch_node_taints(client, fresh, kept)
            return True
        except ApiError as err:
            if err.code != 409:
                return False
    return False


def swap_node_controller_taint(client: Client, to_add: list[Obj], to_remove: list[Obj], node: Obj) -> bool:
    """SwapNodeControllerTaint: add taints stamped with timeAdded=now, then remove the others."""
    stamp = format_rfc3339(client.now_ms())
    added = [dict(t, timeAdded=stamp) for t in to_add]
    name = node["metadata"]["name"]
    if not add_or_update_taint_on_node(client, name, added):
        return False
    return remove_taint_off_node(client, name, node, to_remove)


class Zones:
    """The zone states and per-zone tainters (zoneStates, zoneNoExecuteTainter) with handleDisruption."""

    def __init__(self, eviction_limiter_qps: float = NODE_EVICTION_RATE,
                 secondary_eviction_limiter_qps: float = SECONDARY_NODE_EVICTION_RATE,
                 large_cluster_threshold: int = LARGE_CLUSTER_SIZE_THRESHOLD,
                 unhealthy_zone_threshold: float = UNHEALTHY_ZONE_THRESHOLD) -> None:
        self.eviction_limiter_qps = eviction_limiter_qps
        self.secondary_eviction_limiter_qps = secondary_eviction_limiter_qps
        self.large_cluster_threshold = large_cluster_threshold
        self.unhealthy_zone_threshold = unhealthy_zone_threshold
        self.states: dict[str, str] = {}
        self.tainters: dict[str, RateLimitedTimedQueue] = {}

    def add_for_new_zone(self, node: Obj, now_ms: int) -> None:
        """addPodEvictorForNewZone: a zone seen for the first time starts Initial with a full bucket."""
        zone = get_zone_key(node)
        if zone not in self.states:
            self.states[zone] = STATE_INITIAL
            self.tainters[zone] = RateLimitedTimedQueue(self.eviction_limiter_qps, now_ms)

    def tainter(self, node: Obj) -> RateLimitedTimedQueue:
        return self.tainters[get_zone_key(node)]

    def may_taint(self) -> bool:
        """Whether some tainter holds nodes and a limiter that can admit them."""
        return any(len(q) and q.limiter.qps > 0 for q in self.tainters.values())

    def healthy_qps(self, zone_size: int) -> float:
        """HealthyQPSFunc (a fully disrupted zone while other zones are healthy)."""
        return self.eviction_limiter_qps

    def reduced_qps(self, zone_size: int) -> float:
        """ReducedQPSFunc: large zones slow down, small ones stop."""
        return self.secondary_eviction_limiter_qps if zone_size > self.large_cluster_threshold else 0.0

    def set_limiter(self, zone: str, zone_size: int, state: str, now_ms: int) -> None:
        if state == STATE_NORMAL:
            self.tainters[zone].swap_limiter(self.eviction_limiter_qps, now_ms)
        elif state == STATE_PARTIAL_DISRUPTION:
            self.tainters[zone].swap_limiter(self.reduced_qps(zone_size), now_ms)
        elif state == STATE_FULL_DISRUPTION:
            self.tainters[zone].swap_limiter(self.healthy_qps(zone_size), now_ms)

    def handle_disruption(self, zone_conditions: dict[str, list[Obj | None]], now_ms: int) -> str:
        """handleDisruption: update zone states and rates. Returns what the controller must do with
        the nodes: "enter" (every zone fully disrupted: untaint all), "exit" (leaving that mode:
        fresh grace periods for all) or ""."""
        new_states: dict[str, str] = {}
        all_are_fully_disrupted = True
        for zone in sorted(zone_conditions):
            _, state = compute_zone_state(zone_conditions[zone], self.unhealthy_zone_threshold)
            if state != STATE_FULL_DISRUPTION:
                all_are_fully_disrupted = False
            new_states[zone] = state
            self.states.setdefault(zone, STATE_INITIAL)
        for zone in sorted(self.states):
            if zone not in zone_conditions:
                del self.states[zone]
        all_were_fully_disrupted = all(s == STATE_FULL_DISRUPTION for s in self.states.values())
        if all_are_fully_disrupted and all_were_fully_disrupted:
            return ""
        if all_are_fully_disrupted:
            # Every node is not ready: more likely the control plane's network than the nodes. Stop.
            for zone in sorted(self.states):
                self.tainters[zone].swap_limiter(0, now_ms)
                self.states[zone] = STATE_FULL_DISRUPTION
            return "enter"
        changed = sorted(self.states) if all_were_fully_disrupted else \
            [z for z in sorted(self.states) if self.states[z] != new_states[z]]
        for zone in changed:
            self.set_limiter(zone, len(zone_conditions[zone]), new_states[zone], now_ms)
            self.states[zone] = new_states[zone]
        return "exit" if all_were_fully_disrupted else ""
