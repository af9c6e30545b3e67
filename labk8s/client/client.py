"""The client every component uses to talk to the API server (client-go's typed/dynamic client).

A Client is bound to one user (the component's identity), which the audit log records. Requests are
synchronous: the API server answers at once; what takes time is watch delivery and the actors' own
named latencies.

The objects that create, update and patch return are shared with watchers and informer caches (no
copy is made on the hot path): treat them as immutable and copy before changing one. `get` and `list`
return fresh objects.
"""

from __future__ import annotations

from typing import Any

from labk8s._sim import EventLoop
from labk8s.api.resources import ResourceRegistry, ResourceType
from labk8s.apiserver.server import ApiServer
from labk8s.apiserver.watch import ApiWatcher, WatchCallback

Obj = dict[str, Any]


class Client:
    def __init__(self, server: ApiServer, user: str) -> None:
        self._server = server
        self.user = user

    @property
    def loop(self) -> EventLoop:
        return self._server.loop

    @property
    def registry(self) -> ResourceRegistry:
        return self._server.registry

    def now_ms(self) -> int:
        return self._server.loop.now_ms

    def resource(self, group: str, kind: str) -> ResourceType:
        return self._server.resource(group, kind)

    def resource_for(self, obj: Obj) -> ResourceType:
        return self._server.resource_for(obj)

    def resolve(self, name: str) -> ResourceType:
        return self._server.registry.resolve(name)

    # -- verbs --------------------------------------------------------------------------------------
    def create(self, obj: Obj, namespace: str | None = None, *, field_validation: str = "Strict",
               dry_run: bool = False) -> Obj:
        return self._server.create(obj, namespace=namespace, user=self.user, field_validation=field_validation,
                                   dry_run=dry_run)

    def get(self, rt: ResourceType, namespace: str, name: str, subresource: str = "") -> Obj:
        return self._server.get(rt, namespace, name, user=self.user, subresource=subresource)

    def list(self, rt: ResourceType, namespace: str | None = None, label_selector: Any = None,
             field_selector: str | None = None) -> tuple[list[Obj], str]:
        return self._server.list(rt, namespace, label_selector=label_selector, field_selector=field_selector,
                                 user=self.user)

    def update(self, obj: Obj, *, field_validation: str = "Strict") -> Obj:
        return self._server.update(obj, user=self.user, field_validation=field_validation)

    def update_status(self, obj: Obj) -> Obj:
        return self._server.update(obj, user=self.user, subresource="status")

    def finalize(self, obj: Obj) -> Obj:
        return self._server.update(obj, user=self.user, subresource="finalize")

    def patch(self, rt: ResourceType, namespace: str, name: str, patch: Any, patch_type: str = "merge",
              subresource: str = "") -> Obj:
        return self._server.patch(rt, namespace, name, patch, patch_type, user=self.user, subresource=subresource)

    def delete(self, rt: ResourceType, namespace: str, name: str, *, propagation: str | None = None,
               grace_period_seconds: int | None = None, preconditions: dict[str, str] | None = None) -> Obj:
        return self._server.delete(rt, namespace, name, user=self.user, propagation=propagation,
                                   grace_period_seconds=grace_period_seconds, preconditions=preconditions)

    def bind(self, namespace: str, name: str, node_name: str) -> None:
        self._server.bind(namespace, name, node_name, user=self.user)

    def watch(self, rt: ResourceType, namespace: str | None, callback: WatchCallback, *,
              resource_version: str = "", label_selector: Any = None, field_selector: str | None = None,
              send_initial_events: bool = False) -> ApiWatcher:
        return self._server.watch(rt, namespace, callback, resource_version=resource_version,
                                  label_selector=label_selector, field_selector=field_selector, user=self.user,
                                  send_initial_events=send_initial_events)

    def stop_watch(self, watcher: ApiWatcher) -> None:
        self._server.stop_watch(watcher)
