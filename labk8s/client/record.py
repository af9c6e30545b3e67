"""Event recording (client-go tools/record): core/v1 Events with the recorder's aggregation.

As the upstream EventCorrelator does, an event identical to a recent one (same source, involved object,
type, reason and message) is not created again: the existing Event's `count` goes up and its
`lastTimestamp` moves (a PATCH). Similar events (same source, object, type and reason, differing only in
message) beyond 10 within 10 minutes are combined into one with the message
"(combined from similar events): <message>". The 10 minutes run from the last similar event, as upstream.

Event names are "<object>.<hex nanoseconds>" (client-go makeEvent). Virtual time has millisecond
resolution, so several events about one object in one millisecond would share a name: the nanoseconds
are the millisecond plus a sequence number per (namespace, object name) within that millisecond, shared
by every recorder of one cluster. Names are then unique without a 409 round trip; a create that still
meets AlreadyExists (an Event made outside the recorders) takes the next number and retries.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any

from labk8s._sim import EventLoop, format_rfc3339
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
#: Creates tried per event before the recorder gives up on AlreadyExists.
MAX_NAME_ATTEMPTS = 1000


class _NameSequence:
    """The next free nanosecond offset per (namespace, object name) in the current millisecond."""

    __slots__ = ("ms", "taken")

    def __init__(self) -> None:
        self.ms = -1
        self.taken: dict[tuple[str, str], int] = {}

    def take(self, ms: int, namespace: str, name: str) -> int:
        if ms != self.ms:  # virtual time only moves forward: older milliseconds are done with
            self.ms = ms
            self.taken.clear()
        n = self.taken.get((namespace, name), 0)
        self.taken[(namespace, name)] = n + 1
        return n


#: One sequence per cluster (its event loop), shared by every recorder of that cluster.
_SEQUENCES: weakref.WeakKeyDictionary[EventLoop, _NameSequence] = weakref.WeakKeyDictionary()


def _sequence(loop: EventLoop) -> _NameSequence:
    seq = _SEQUENCES.get(loop)
    if seq is None:
        seq = _SEQUENCES[loop] = _NameSequence()
    return seq


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
        self._names = _sequence(client.loop)
        self._logged: OrderedDict[tuple[str, ...], tuple[str, str, int]] = OrderedDict()
        self._similar: OrderedDict[tuple[str, ...], tuple[int, list[str]]] = OrderedDict()

    def event(self, obj: Obj, type: str, reason: str, message: str, field_path: str = "") -> None:
        ref = object_reference(obj, field_path)
        self.record(ref, type, reason, message)

    def record(self, ref: Obj, type: str, reason: str, message: str) -> None:
        now = self.client.now_ms()
        namespace = ref.get("namespace") or "default"
        # EventAggregatorByReasonFunc: source, involved object (without fieldPath), type and reason.
        base: tuple[str, ...] = (self.component, self.host, ref.get("kind", ""), ref.get("namespace", ""),
                                 ref["name"], ref.get("uid", ""), ref.get("apiVersion", ""), type, reason)
        # EventAggregator: too many similar events with different messages collapse into one.
        last, messages = self._similar.get(base, (now, []))
        if now - last > AGGREGATE_INTERVAL_MS:
            messages = []
        if message not in messages:
            messages = messages + [message]
        self._similar[base] = (now, messages)
        self._similar.move_to_end(base)
        key: tuple[str, ...]
        if len(messages) >= AGGREGATE_MAX_EVENTS:
            message = f"(combined from similar events): {message}"
            key = base + ("",)
        else:
            # getEventKey: the identical-event key adds fieldPath and the message, so the same event for
            # two containers of one pod stays two Events.
            key = base + (ref.get("fieldPath", ""), message)
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
        event: Obj = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": self._event_name(now, namespace, ref["name"]), "namespace": namespace},
            "involvedObject": ref, "reason": reason, "message": message,
            "source": {"component": self.component, **({"host": self.host} if self.host else {})},
            "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1, "type": type,
            "eventTime": None, "reportingComponent": self.component, "reportingInstance": self.host,
        }
        for _ in range(MAX_NAME_ATTEMPTS):
            try:
                created = self.client.create(event)
                break
            except ApiError as err:
                if err.reason != "AlreadyExists":
                    return  # e.g. the namespace is terminating: the recorder drops the event, as upstream
                event["metadata"]["name"] = self._event_name(now, namespace, ref["name"])
        else:
            return
        self._logged[key] = (created["metadata"]["name"], namespace, 1)
        if len(self._logged) > MAX_LRU_CACHE_ENTRIES:
            self._logged.popitem(last=False)
        if len(self._similar) > MAX_LRU_CACHE_ENTRIES:
            self._similar.popitem(last=False)

    def _event_name(self, now_ms: int, namespace: str, name: str) -> str:
        nanos = _EPOCH_NS + now_ms * 1_000_000 + self._names.take(now_ms, namespace, name)
        return f"{name}.{nanos:x}"
