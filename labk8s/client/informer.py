"""Shared informers: a reflector (list, then watch from the list's resourceVersion) feeding a cache,
with event handlers and listers (client-go tools/cache).

Objects in the cache are shared with every other informer of the same resource and must be treated as
immutable: copy before changing one.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from labk8s._sim import Priority
from labk8s.api.labels import Selector
from labk8s.api.resources import ResourceType
from labk8s.apiserver.watch import ApiEvent, ApiWatcher
from labk8s.client.client import Client

Obj = dict[str, Any]
AddFn = Callable[[Obj], None]
UpdateFn = Callable[[Obj, Obj], None]
DeleteFn = Callable[[Obj], None]
IndexFn = Callable[[Obj], list[str]]


def object_key(obj: Obj) -> str:
    """cache.MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects."""
    meta = obj["metadata"]
    ns = meta.get("namespace")
    return f"{ns}/{meta['name']}" if ns else str(meta["name"])


def split_key(key: str) -> tuple[str, str]:
    if "/" in key:
        ns, name = key.split("/", 1)
        return ns, name
    return "", key


class Informer:
    def __init__(self, client: Client, rt: ResourceType, namespace: str | None = None,
                 label_selector: str | None = None, field_selector: str | None = None,
                 resync_ms: int = 0) -> None:
        self.client = client
        self.rt = rt
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.resync_ms = resync_ms
        self.cache: dict[str, Obj] = {}
        self._handlers: list[tuple[AddFn | None, UpdateFn | None, DeleteFn | None]] = []
        self._indexers: dict[str, IndexFn] = {}
        self._indices: dict[str, dict[str, dict[str, Obj]]] = {}
        self._watcher: ApiWatcher | None = None
        self.has_synced = False
        self.last_sync_resource_version = ""

    # -- set-up -------------------------------------------------------------------------------------
    def add_event_handler(self, on_add: AddFn | None = None, on_update: UpdateFn | None = None,
                          on_delete: DeleteFn | None = None) -> None:
        self._handlers.append((on_add, on_update, on_delete))
        if self.has_synced:
            for obj in list(self.cache.values()):
                if on_add:
                    on_add(obj)

    def add_indexer(self, name: str, fn: IndexFn) -> None:
        self._indexers[name] = fn
        index: dict[str, dict[str, Obj]] = {}
        for key, obj in self.cache.items():
            for v in fn(obj):
                index.setdefault(v, {})[key] = obj
        self._indices[name] = index

    def start(self) -> None:
        """List, fill the cache, then watch from the list's resourceVersion."""
        items, rv = self.client.list(self.rt, self.namespace, self.label_selector, self.field_selector)
        self.last_sync_resource_version = rv
        self._watcher = self.client.watch(self.rt, self.namespace, self._on_events, resource_version=rv,
                                          label_selector=self.label_selector, field_selector=self.field_selector)
        initial = [("ADDED", o) for o in items]
        # Handlers for the initial list run on the loop, like the DeltaFIFO's first pop.
        self.client.loop.call_later(0, lambda: self._initial(initial),
                                    f"informer {self.rt.group_resource} ({self.client.user}): initial list",
                                    Priority.URGENT)
        if self.resync_ms > 0:
            self.client.loop.call_later(self.resync_ms, self._resync,
                                        f"informer {self.rt.group_resource} ({self.client.user}): resync",
                                        Priority.LOW)

    def stop(self) -> None:
        if self._watcher is not None:
            self.client.stop_watch(self._watcher)
            self._watcher = None

    # -- listers ------------------------------------------------------------------------------------
    def get(self, namespace: str, name: str) -> Obj | None:
        return self.cache.get(f"{namespace}/{name}" if namespace and self.rt.namespaced else name)

    def get_by_key(self, key: str) -> Obj | None:
        return self.cache.get(key)

    def list(self, namespace: str | None = None, selector: Selector | None = None) -> list[Obj]:
        if namespace is not None and self.rt.namespaced:
            items = list(self._indices.get("namespace", {}).get(namespace, {}).values()) \
                if "namespace" in self._indexers else \
                [o for o in self.cache.values() if o["metadata"].get("namespace") == namespace]
        else:
            items = list(self.cache.values())
        if selector is not None:
            items = [o for o in items if selector.matches(o["metadata"].get("labels") or {})]
        items.sort(key=object_key)
        return items

    def by_index(self, name: str, value: str) -> builtins.list[Obj]:
        found = self._indices.get(name, {}).get(value, {})
        return [found[k] for k in sorted(found)]

    def keys(self) -> builtins.list[str]:
        return sorted(self.cache)

    # -- event plumbing -----------------------------------------------------------------------------
    def _initial(self, events: builtins.list[ApiEvent]) -> None:
        self._apply(events)
        self.has_synced = True

    def _on_events(self, events: builtins.list[ApiEvent]) -> None:
        self._apply(events)

    def _apply(self, events: builtins.list[ApiEvent]) -> None:
        for kind, obj in events:
            if kind == "BOOKMARK":
                continue
            key = object_key(obj)
            old = self.cache.get(key)
            if kind == "DELETED":
                if old is None:
                    continue
                del self.cache[key]
                self._unindex(key, old)
                for _, _, on_delete in self._handlers:
                    if on_delete:
                        on_delete(obj)
                continue
            if old is not None and int(old["metadata"].get("resourceVersion") or 0) >= \
                    int(obj["metadata"].get("resourceVersion") or 0) and kind == "ADDED":
                continue  # the initial list already delivered this state
            self.cache[key] = obj
            if old is not None:
                self._unindex(key, old)
            self._index(key, obj)
            for on_add, on_update, _ in self._handlers:
                if old is None:
                    if on_add:
                        on_add(obj)
                elif on_update:
                    on_update(old, obj)

    def _index(self, key: str, obj: Obj) -> None:
        for name, fn in self._indexers.items():
            index = self._indices[name]
            for v in fn(obj):
                index.setdefault(v, {})[key] = obj

    def _unindex(self, key: str, obj: Obj) -> None:
        for name, fn in self._indexers.items():
            index = self._indices[name]
            for v in fn(obj):
                bucket = index.get(v)
                if bucket is not None:
                    bucket.pop(key, None)
                    if not bucket:
                        del index[v]

    def _resync(self) -> None:
        for obj in [self.cache[k] for k in sorted(self.cache)]:
            for _, on_update, _ in self._handlers:
                if on_update:
                    on_update(obj, obj)
        self.client.loop.call_later(self.resync_ms, self._resync,
                                    f"informer {self.rt.group_resource} ({self.client.user}): resync", Priority.LOW)


def namespace_index(obj: Obj) -> builtins.list[str]:
    ns = obj["metadata"].get("namespace")
    return [ns] if ns else []


class InformerFactory:
    """SharedInformerFactory: one informer per resource per component."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._informers: dict[str, Informer] = {}

    def for_resource(self, rt: ResourceType, resync_ms: int = 0) -> Informer:
        inf = self._informers.get(rt.group_resource)
        if inf is None:
            inf = Informer(self.client, rt, resync_ms=resync_ms)
            if rt.namespaced:
                inf.add_indexer("namespace", namespace_index)
            self._informers[rt.group_resource] = inf
        return inf

    def start(self) -> None:
        for name in sorted(self._informers):
            inf = self._informers[name]
            if inf._watcher is None:
                inf.start()

    def stop(self) -> None:
        for name in sorted(self._informers):
            self._informers[name].stop()
