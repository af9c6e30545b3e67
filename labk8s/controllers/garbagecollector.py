"""The garbage collector (pkg/controller/garbagecollector).

It keeps a graph of owners and dependents from ownerReferences, fed by informers on every deletable
resource, and:
- deletes dependents whose owners are all gone (background propagation);
- for an owner deleted with `foregroundDeletion`, deletes its dependents and removes the finalizer once
  no blocking dependent (blockOwnerDeletion: true) is left;
- for an owner deleted with the `orphan` finalizer, removes the ownerReferences from its dependents,
  then the finalizer.
Owners are looked up live (GET, comparing UIDs), as attemptToDeleteItem does.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.resources import ResourceType
from labk8s.client.client import Client
from labk8s.client.informer import Informer, InformerFactory
from labk8s.client.workqueue import WorkQueue
from labk8s.errors import ApiError

Obj = dict[str, Any]

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
#: Resources the collector never watches (DefaultIgnoredResources).
IGNORED = frozenset({"events", "events.events.k8s.io"})


class GarbageCollector:
    def __init__(self, client: Client, factory: InformerFactory, resources: list[ResourceType]) -> None:
        self.client = client
        self.queue = WorkQueue(client.loop, "garbagecollector", self._attempt)
        self._where: dict[str, tuple[ResourceType, str, str]] = {}  # uid -> (rt, namespace, name)
        self._owners: dict[str, list[Obj]] = {}  # uid -> ownerReferences
        self._dependents: dict[str, set[str]] = {}  # owner uid -> dependent uids
        self._informers: dict[str, Informer] = {}
        for rt in resources:
            if rt.group_resource in IGNORED or not {"list", "watch", "delete"} <= set(rt.verbs):
                continue
            inf = factory.for_resource(rt)
            inf.add_event_handler(self._on_change, lambda old, new: self._on_change(new), self._on_delete)
            self._informers[rt.group_resource] = inf

    # -- graph upkeep (handlers only record and enqueue) ------------------------------------------
    def _on_change(self, obj: Obj) -> None:
        meta = obj["metadata"]
        uid = meta.get("uid", "")
        rt = self.client.resource_for(obj)
        self._where[uid] = (rt, meta.get("namespace", ""), meta["name"])
        refs = meta.get("ownerReferences") or []
        old_refs = self._owners.get(uid, [])
        for ref in old_refs:
            if ref not in refs:
                self._dependents.get(ref.get("uid", ""), set()).discard(uid)
        self._owners[uid] = refs
        for ref in refs:
            self._dependents.setdefault(ref.get("uid", ""), set()).add(uid)
        if meta.get("deletionTimestamp") and ({FOREGROUND, ORPHAN} & set(meta.get("finalizers") or [])):
            self.queue.add(uid)
        elif refs and any(r.get("uid") not in self._where or self._deleting_foreground(r.get("uid", ""))
                          for r in refs):
            self.queue.add(uid)

    def _on_delete(self, obj: Obj) -> None:
        uid = obj["metadata"].get("uid", "")
        self._where.pop(uid, None)
        for ref in self._owners.pop(uid, []):
            owner = ref.get("uid", "")
            self._dependents.get(owner, set()).discard(uid)
            if owner in self._where:
                self.queue.add(owner)  # a foreground owner may now be free to go
        for dep in sorted(self._dependents.pop(uid, set())):
            self.queue.add(dep)

    def _deleting_foreground(self, uid: str) -> bool:
        obj = self._cached(uid)
        return obj is not None and bool(obj["metadata"].get("deletionTimestamp")) and \
            FOREGROUND in (obj["metadata"].get("finalizers") or [])

    def _cached(self, uid: str) -> Obj | None:
        loc = self._where.get(uid)
        if loc is None:
            return None
        rt, ns, name = loc
        return self._informers[rt.group_resource].get(ns, name)

    # -- reconcile ----------------------------------------------------------------------------------
    def _attempt(self, uid: str) -> None:
        item = self._cached(uid)
        if item is None:
            return
        try:
            self._attempt_to_delete(uid, item)
        except ApiError as err:
            if err.code not in (404, 409):
                raise
            self.queue.add_rate_limited(uid)

    def _attempt_to_delete(self, uid: str, item: Obj) -> None:
        meta = item["metadata"]
        rt, ns, name = self._where[uid]
        finalizers = meta.get("finalizers") or []
        if meta.get("deletionTimestamp"):
            if FOREGROUND in finalizers:
                self._process_deleting_dependents(uid, item)
            elif ORPHAN in finalizers:
                self._orphan_dependents(uid, item)
            return
        refs = meta.get("ownerReferences") or []
        if not refs:
            return
        solid: list[Obj] = []
        dangling: list[Obj] = []
        waiting: list[Obj] = []
        for ref in refs:
            state = self._owner_state(ref, ns)
            {"solid": solid, "dangling": dangling, "waiting": waiting}[state].append(ref)
        if solid:
            if dangling or waiting:
                keep = [r for r in refs if r in solid]
                self.client.patch(rt, ns, name, {"metadata": {"ownerReferences": keep}})
            return
        if waiting and self._dependents.get(uid):
            policy = "Foreground"
        elif ORPHAN in finalizers:
            policy = "Orphan"
        elif FOREGROUND in finalizers:
            policy = "Foreground"
        else:
            policy = "Background"
        self.client.delete(rt, ns, name, propagation=policy, preconditions={"uid": meta.get("uid", "")})

    def _owner_state(self, ref: Obj, namespace: str) -> str:
        try:
            rt = self.client.resource_for({"apiVersion": ref.get("apiVersion"), "kind": ref.get("kind"),
                                           "metadata": {}})
        except ApiError:
            return "dangling"
        try:
            owner = self.client.get(rt, namespace if rt.namespaced else "", ref.get("name", ""))
        except ApiError as err:
            if err.code == 404:
                return "dangling"
            raise
        if owner["metadata"].get("uid") != ref.get("uid"):
            return "dangling"
        if owner["metadata"].get("deletionTimestamp") and FOREGROUND in (owner["metadata"].get("finalizers") or []):
            return "waiting"
        return "solid"

    def _process_deleting_dependents(self, uid: str, owner: Obj) -> None:
        deps = sorted(self._dependents.get(uid, set()))
        blocking = []
        for dep in deps:
            d = self._cached(dep)
            if d is None:
                continue
            for ref in d["metadata"].get("ownerReferences") or []:
                if ref.get("uid") == uid and ref.get("blockOwnerDeletion"):
                    blocking.append(dep)
        if not blocking:
            self._remove_finalizer(uid, owner, FOREGROUND)
            return
        for dep in deps:
            self.queue.add(dep)

    def _orphan_dependents(self, uid: str, owner: Obj) -> None:
        for dep in sorted(self._dependents.get(uid, set())):
            d = self._cached(dep)
            if d is None:
                continue
            rt, ns, name = self._where[dep]
            refs = [r for r in d["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            try:
                self.client.patch(rt, ns, name, {"metadata": {"ownerReferences": refs or None}})
            except ApiError as err:
                if err.code != 404:
                    raise
        self._remove_finalizer(uid, owner, ORPHAN)

    def _remove_finalizer(self, uid: str, obj: Obj, finalizer: str) -> None:
        rt, ns, name = self._where[uid]
        remaining = [f for f in obj["metadata"].get("finalizers") or [] if f != finalizer]
        self.client.patch(rt, ns, name, {"metadata": {"finalizers": remaining or None}})
