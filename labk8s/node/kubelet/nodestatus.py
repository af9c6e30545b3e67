"""Node heartbeats: the node status loop (syncNodeStatus) and the Lease controller (nodelease).

Every ``nodeStatusUpdateFrequency`` (10s) the kubelet computes its node status; it posts it when it
changed, or when ``nodeStatusReportFrequency`` (5m) has passed since the last post (so an idle node's
lastHeartbeatTime moves every 5 minutes). Every 10s (0.25 * nodeLeaseDurationSeconds 40) it renews its
Lease in kube-node-lease; the node lifecycle controller reads those renewals. Upstream jitters both
loops by up to 4%; here they run on exact multiples of their period from the kubelet's start, so a
notebook can predict them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from labk8s._sim import Event, Priority, format_rfc3339_micro
from labk8s.client.client import Client
from labk8s.errors import ApiError
from labk8s.node.kubelet.config import KubeletConfig
from labk8s.node.kubelet.registration import Record, set_node_status, status_changed

Obj = dict[str, Any]
LEASE_NAMESPACE = "kube-node-lease"


class NodeStatusReporter:
    def __init__(self, client: Client, config: KubeletConfig, images: Callable[[], list[Any]], ids: Obj,
                 record: Record, current_node: Callable[[], Obj | None],
                 runtime_errors: Callable[[], list[str]] = lambda: []) -> None:
        self.client = client
        self.config = config
        self._images = images
        self._ids = ids
        self._record = record
        #: The Node as last seen (informer cache, or the object registration returned).
        self._current_node = current_node
        self._runtime_errors = runtime_errors
        self._rt = client.resource("", "Node")
        self._lease_rt = client.resource("coordination.k8s.io", "Lease")
        self._last_report_ms: int | None = None
        self._last_posted: Obj | None = None
        self._lease: Obj | None = None
        self._events: list[Event] = []
        self.running = False
        self.posts = 0
        self.renewals = 0

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self, node: Obj) -> None:
        """Begin both loops; registration just wrote ``node``, which counts as a report."""
        self.running = True
        self._last_report_ms = self.client.now_ms()
        self._last_posted = copy.deepcopy(node.get("status") or {})
        self._node_uid = node["metadata"].get("uid", "")
        self._lease = None
        self._renew()
        self._schedule(self.config.node_status_update_frequency_ms, self._tick, "node status")

    def stop(self) -> None:
        self.running = False
        for e in self._events:
            e.cancel()
        self._events.clear()

    def _schedule(self, delay: int, fn: Callable[[], None], what: str) -> None:
        label = f"kubelet {self.config.node_name}: {what}"
        self._events = [e for e in self._events if not e.cancelled and e.time >= self.client.now_ms()]
        self._events.append(self.client.loop.call_later(delay, fn, label, Priority.NORMAL))

    # -- node status ------------------------------------------------------------------------------------
    def _tick(self) -> None:
        if not self.running:
            return
        self.update_node_status()
        self._schedule(self.config.node_status_update_frequency_ms, self._tick, "node status")

    def update_node_status(self) -> None:
        """tryUpdateNodeStatus."""
        original = self._current_node()
        if original is None:
            return
        node = copy.deepcopy(original)
        now = self.client.now_ms()
        set_node_status(node, self.config, now, self._images(), self._ids, self._record, self._runtime_errors())
        assert self._last_report_ms is not None
        due = now - self._last_report_ms >= self.config.node_status_report_frequency_ms
        old = original.get("status") or {}
        if not due and not status_changed(old, node["status"]):
            return
        patch: Obj = {k: v for k, v in node["status"].items()}
        for key in old:
            if key not in patch and key in ("images",):
                patch[key] = None
        try:
            self.client.patch(self._rt, "", self.config.node_name, {"status": patch}, subresource="status")
        except ApiError as err:
            if err.reason == "NotFound":
                return
            raise
        self.posts += 1
        self._last_report_ms = now
        self._last_posted = copy.deepcopy(node["status"])

    # -- lease ------------------------------------------------------------------------------------------
    def _renew(self) -> None:
        if not self.running:
            return
        self.renew_lease()
        self._schedule(self.config.lease_renew_interval_ms, self._renew, "renew lease")

    def renew_lease(self) -> None:
        """The lease controller's sync: ensure the Lease exists, then update its renewTime."""
        now = format_rfc3339_micro(self.client.now_ms())
        name = self.config.node_name
        if self._lease is None:
            try:
                self._lease = self.client.get(self._lease_rt, LEASE_NAMESPACE, name)
            except ApiError as err:
                if err.reason != "NotFound":
                    raise
                lease: Obj = {
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": {"name": name, "namespace": LEASE_NAMESPACE},
                    "spec": {"holderIdentity": name,
                             "leaseDurationSeconds": self.config.node_lease_duration_seconds, "renewTime": now},
                }
                if self._node_uid:
                    lease["metadata"]["ownerReferences"] = [
                        {"apiVersion": "v1", "kind": "Node", "name": name, "uid": self._node_uid}]
                self._lease = self.client.create(lease)
                self.renewals += 1
                return
        lease = copy.deepcopy(self._lease)
        lease["spec"]["renewTime"] = now
        lease["spec"]["holderIdentity"] = name
        lease["spec"]["leaseDurationSeconds"] = self.config.node_lease_duration_seconds
        if self._node_uid and not lease["metadata"].get("ownerReferences"):
            lease["metadata"]["ownerReferences"] = [
                {"apiVersion": "v1", "kind": "Node", "name": name, "uid": self._node_uid}]
        try:
            self._lease = self.client.update(lease)
        except ApiError as err:
            if err.reason not in ("Conflict", "NotFound"):
                raise
            self._lease = None  # re-read (or re-create) at the next renewal, as the controller does
            return
        self.renewals += 1
