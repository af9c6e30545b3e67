"""Watch fan-out, like kube-apiserver's cacher: one store watch per resource, many API watchers.

Each store event is decoded once and dispatched to every matching API watcher. Delivery to a watcher
happens on the event loop after WATCH_DELIVERY_LATENCY_MS, batched: all events that arrive for one
watcher before its delivery runs are handed over together, in revision order.

Selector semantics follow the cacher: an object that starts matching a watcher's selectors arrives as
ADDED, one that stops matching as DELETED.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labk8s._sim import EventLoop, Priority
from labk8s.api.labels import Selector
from labk8s.api.resources import ResourceType
from labk8s.apiserver.codec import decode
from labk8s.apiserver.fields import FieldSelector
from labk8s.store import Store, WatchEvent

Obj = dict[str, Any]
#: A watch event as the API serves it: ("ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK", object).
ApiEvent = tuple[str, Obj]
WatchCallback = Callable[[list[ApiEvent]], None]

#: Time from a committed write to its delivery to watchers (the watch cache and HTTP stream are in-process
#: in a real server and take well under a millisecond; zero keeps the timelines readable).
WATCH_DELIVERY_LATENCY_MS = 0
#: Field selectors the cacher indexes watchers by (kube-apiserver's watch cache indexers).
INDEXED_FIELDS = ("spec.nodeName", "metadata.name")


def _field_value(obj: Obj, field: str) -> str | None:
    if field == "metadata.name":
        return obj["metadata"].get("name")
    return (obj.get("spec") or {}).get("nodeName")


class ApiWatcher:
    """One client's watch on a resource (optionally one namespace, with label and field selectors)."""

    __slots__ = ("rt", "namespace", "labels", "fields", "callback", "user", "_pending", "_loop", "stopped",
                 "delivered")

    def __init__(self, rt: ResourceType, namespace: str | None, labels: Selector | None,
                 fields: FieldSelector | None, callback: WatchCallback, user: str, loop: EventLoop) -> None:
        self.rt = rt
        self.namespace = namespace
        self.labels = labels if labels is not None and not labels.empty() else None
        self.fields = fields if fields is not None and not fields.empty() else None
        self.callback = callback
        self.user = user
        self._pending: list[ApiEvent] = []
        self._loop = loop
        self.stopped = False
        self.delivered = 0

    def matches(self, obj: Obj) -> bool:
        if self.namespace is not None and obj["metadata"].get("namespace") != self.namespace:
            return False
        if self.labels is not None and not self.labels.matches(obj["metadata"].get("labels") or {}):
            return False
        if self.fields is not None and not self.fields.matches(obj):
            return False
        return True

    def enqueue(self, event: ApiEvent) -> None:
        if self.stopped:
            return
        if not self._pending:
            self._loop.call_later(WATCH_DELIVERY_LATENCY_MS, self._flush,
                                  f"watch {self.rt.group_resource} -> {self.user}", Priority.URGENT)
        self._pending.append(event)

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if self.stopped or not batch:
            return
        self.delivered += len(batch)
        self.callback(batch)

    def stop(self) -> None:
        self.stopped = True
        self._pending = []


class Cacher:
    """Watches one resource's key prefix in the store and fans events out to API watchers."""

    def __init__(self, rt: ResourceType, store: Store, handoff: dict[str, tuple[Obj, Obj | None]]) -> None:
        self.rt = rt
        self.watchers: list[ApiWatcher] = []
        self.indexed: dict[str, dict[str, list[ApiWatcher]]] = {f: {} for f in INDEXED_FIELDS}
        self._handoff = handoff
        self._store_watch = store.watch(rt.key_prefix, store.revision + 1, self._on_store_events)

    def add(self, watcher: ApiWatcher) -> None:
        for field in INDEXED_FIELDS:
            value = watcher.fields.requires_exact(field) if watcher.fields is not None else None
            if value:
                # The cacher's index: a kubelet's watches (spec.nodeName=<node>, metadata.name=<node>)
                # only see their node's objects, so dispatch does not test every kubelet's selector.
                self.indexed[field].setdefault(value, []).append(watcher)
                return
        self.watchers.append(watcher)

    def remove(self, watcher: ApiWatcher) -> None:
        watcher.stop()
        if watcher in self.watchers:
            self.watchers.remove(watcher)
        for index in self.indexed.values():
            for value, found in list(index.items()):
                if watcher in found:
                    found.remove(watcher)
                    if not found:
                        del index[value]

    def _on_store_events(self, events: list[WatchEvent]) -> None:
        for ev in events:
            handed = self._handoff.pop(ev.kv.key, None)
            if not self.watchers and not any(self.indexed.values()):
                continue
            if ev.type == "PUT":
                if handed is not None:
                    obj, old = handed
                else:
                    obj = decode(ev.kv.value, ev.kv.mod_revision)
                    old = decode(ev.prev_kv.value, ev.prev_kv.mod_revision) if ev.prev_kv is not None else None
                kind = "MODIFIED" if old is not None else "ADDED"
            else:
                if handed is not None:
                    obj = handed[0]
                else:
                    assert ev.prev_kv is not None
                    obj = decode(ev.prev_kv.value, ev.kv.mod_revision)
                old = None
                kind = "DELETED"
            self.dispatch(kind, obj, old)

    def dispatch(self, kind: str, obj: Obj, old: Obj | None) -> None:
        targets = self.watchers
        extra: list[ApiWatcher] = []
        for field, index in self.indexed.items():
            if not index:
                continue
            value = _field_value(obj, field)
            if value:
                extra += index.get(value, ())
            old_value = _field_value(old, field) if old is not None else None
            if old_value and old_value != value:
                extra += index.get(old_value, ())
        if extra:
            targets = self.watchers + extra
        for w in targets:
            if w.stopped:
                continue
            now = w.matches(obj)
            if kind == "MODIFIED" and old is not None and (w.labels is not None or w.fields is not None):
                before = w.matches(old)
                if now and not before:
                    w.enqueue(("ADDED", obj))
                elif before and not now:
                    w.enqueue(("DELETED", obj))
                elif now:
                    w.enqueue(("MODIFIED", obj))
            elif now:
                w.enqueue((kind, obj))
        if any(w.stopped for w in targets):
            self.watchers = [w for w in self.watchers if not w.stopped]
            for index in self.indexed.values():
                for value in list(index):
                    index[value] = [w for w in index[value] if not w.stopped]
                    if not index[value]:
                        del index[value]


class WatchCache:
    """The latest state of one resource, kept in memory from the store's watch (kube-apiserver's
    watch cache). Admission plugins read small, hot resources (namespaces, limit ranges, quotas,
    priority and storage classes) from here instead of ranging over the store on every request.
    Objects are shared: treat them as immutable."""

    def __init__(self, prefix: str, store: Store) -> None:
        self.objects: dict[str, Obj] = {}
        kvs, _ = store.range(prefix)
        for kv in kvs:
            self.objects[kv.key] = decode(kv.value, kv.mod_revision)
        self._watch = store.watch(prefix, store.revision + 1, self._on_events)

    def _on_events(self, events: list[WatchEvent]) -> None:
        for ev in events:
            if ev.type == "PUT":
                self.objects[ev.kv.key] = decode(ev.kv.value, ev.kv.mod_revision)
            else:
                self.objects.pop(ev.kv.key, None)

    def get(self, key: str) -> Obj | None:
        return self.objects.get(key)

    def list(self, prefix: str) -> list[Obj]:
        return [self.objects[k] for k in sorted(self.objects) if k.startswith(prefix)]
