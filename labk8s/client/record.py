"""Event recording (client-go tools/record): core/v1 Events with the recorder's aggregation.

As the upstream EventCorrelator does, an event identical to a recent one (same source, involved object,
type, reason and message) is not created again: the existing Event's `count` goes up and its
`lastTimestamp` moves (a PATCH). Similar events (same source, object, type and reason, differing only in
message) beyond 10 within 10 minutes are combined into one with the message
"(combined from similar events): <message>".
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from labk8s._sim import format_rfc3339
from labk8s._sim.clock import EPOCH
from labk8s.client.client import Client
from labk8s.errors import ApiError

Obj = dict[str, Any]

#: EventAggregator defaults (tools/record/events_cache.go).
AGGREGATE_MAX_EVENTS = 10
AGGREGATE_INTERVAL_MS = 600_000
#: The correlator's LRU cache size.
MAX_LRU_CACHE_ENTRIES = 4096

_EPOCH_NS = int(EPOCH.timestamp()) * 1_000_000_000


def object_reference(obj: Obj, field_path: str = "") -> Obj:
    meta = obj["metadata"]
    ref: Obj = {"kind": obj.get("kind", ""), "namespace": meta.get("namespace", ""), "name": meta["name"],
                "uid": meta.get("uid", ""), "apiVersion": obj.get("apiVersion", ""),
                "resourceVersion": meta.get("resourceVersion", "")}
    if not ref["namespace"]:
        del ref["namespace"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


class EventRecorder:
    def __init__(self, client: Client, component: str, host: str = "") -> None:
        self.client = client
        self.component = component
        self.host = host
        self._rt = client.resource("", "Event")
        self._logged: OrderedDict[tuple[str, ...], tuple[str, str, int]] = OrderedDict()
        self._similar: OrderedDict[tuple[str, ...], tuple[int, list[str]]] = OrderedDict()

    def event(self, obj: Obj, type: str, reason: str, message: str, field_path: str = "") -> None:
        ref = object_reference(obj, field_path)
        self.record(ref, type, reason, message)

    def record(self, ref: Obj, type: str, reason: str, message: str) -> None:
        now = self.client.now_ms()
        namespace = ref.get("namespace") or "default"
        base = (self.component, self.host, ref.get("kind", ""), ref.get("namespace", ""), ref["name"],
                ref.get("uid", ""), ref.get("apiVersion", ""), type, reason)
        # EventAggregator: too many similar events with different messages collapse into one.
        first, messages = self._similar.get(base, (now, []))
        if now - first > AGGREGATE_INTERVAL_MS:
            first, messages = now, []
        if message not in messages:
            messages = messages + [message]
        self._similar[base] = (first, messages)
        if len(messages) >= AGGREGATE_MAX_EVENTS:
            message = f"(combined from similar events): {message}"
            key = base + ("",)
        else:
            key = base + (message,)
        stamp = format_rfc3339(now)
        seen = self._logged.get(key)
        if seen is not None:
            name, ns, count = seen
            try:
                self.client.patch(self._rt, ns, name, {"count": count + 1, "lastTimestamp": stamp,
                                                        "message": message})
                self._logged[key] = (name, ns, count + 1)
                self._logged.move_to_end(key)
                return
            except ApiError:
                del self._logged[key]  # deleted meanwhile (TTL, namespace gone): create it afresh
        nanos = _EPOCH_NS + now * 1_000_000
        event: Obj = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{ref['name']}.{nanos:x}", "namespace": namespace},
            "involvedObject": ref, "reason": reason, "message": message,
            "source": {"component": self.component, **({"host": self.host} if self.host else {})},
            "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1, "type": type,
            "eventTime": None, "reportingComponent": self.component, "reportingInstance": self.host,
        }
        for _ in range(1000):
            try:
                created = self.client.create(event)
                break
            except ApiError as err:
                if err.reason != "AlreadyExists":
                    return  # e.g. the namespace is terminating: the recorder drops the event, as upstream
                nanos += 1
                event["metadata"]["name"] = f"{ref['name']}.{nanos:x}"
        else:
            return
        self._logged[key] = (created["metadata"]["name"], namespace, 1)
        if len(self._logged) > MAX_LRU_CACHE_ENTRIES:
            self._logged.popitem(last=False)
        if len(self._similar) > MAX_LRU_CACHE_ENTRIES:
            self._similar.popitem(last=False)
