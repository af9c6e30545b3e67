"""The namespace controller (pkg/controller/namespace): deleting a namespace deletes its contents.

When a namespace is marked for deletion (phase Terminating), the controller deletes every namespaced
object in it, reports progress in the namespace's status conditions, and once nothing is left removes
the `kubernetes` finalizer from spec.finalizers (the `finalize` subresource), which lets the API server
delete the namespace.
"""

from __future__ import annotations

from typing import Any

from labk8s._sim import format_rfc3339
from labk8s.api.resources import ResourceType
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory
from labk8s.client.workqueue import WorkQueue
from labk8s.errors import ApiError

Obj = dict[str, Any]

FINALIZER = "kubernetes"
#: How long to wait before checking again while content (terminating pods) remains; upstream requeues
#: after the estimated remaining grace period, at least this.
RECHECK_MS = 1_000


class NamespaceController:
    def __init__(self, client: Client, factory: InformerFactory, resources: list[ResourceType]) -> None:
        self.client = client
        self.resources = [rt for rt in resources
                          if rt.namespaced and {"list", "delete"} <= set(rt.verbs)]
        self.informer = factory.for_resource(client.resource("", "Namespace"))
        self.queue = WorkQueue(client.loop, "namespace", self._sync)
        self.informer.add_event_handler(self._enqueue, lambda old, new: self._enqueue(new), None)

    def _enqueue(self, ns: Obj) -> None:
        if ns["metadata"].get("deletionTimestamp"):
            self.queue.add(ns["metadata"]["name"])

    def _sync(self, name: str) -> None:
        ns = self.informer.get("", name)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return
        remaining: dict[str, int] = {}
        for rt in self.resources:
            try:
                items, _ = self.client.list(rt, name)
            except ApiError:
                continue
            for obj in items:
                if not obj["metadata"].get("deletionTimestamp"):
                    try:
                        self.client.delete(rt, name, obj["metadata"]["name"], propagation="Background")
                    except ApiError as err:
                        if err.code != 404:
                            raise
            left, _ = self.client.list(rt, name)
            if left:
                remaining[rt.group_resource] = len(left)
        self._set_conditions(ns, remaining)
        if remaining:
            self.queue.add_after(name, RECHECK_MS)
            return
        fresh = self.client.get(self.client.resource("", "Namespace"), "", name)
        finalizers = [f for f in (fresh.get("spec") or {}).get("finalizers") or [] if f != FINALIZER]
        fresh.setdefault("spec", {})["finalizers"] = finalizers
        self.client.finalize(fresh)

    def _set_conditions(self, ns: Obj, remaining: dict[str, int]) -> None:
        now = format_rfc3339(self.client.now_ms())
        if remaining:
            desc = ", ".join(f"{r} has {n} resource instances" for r, n in sorted(remaining.items()))
            content = ("True", "SomeResourcesRemain", f"Some resources are remaining: {desc}")
        else:
            content = ("False", "ContentRemoved", "All content successfully removed")
        wanted = [
            ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
            ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
             "All legacy kube types successfully parsed"),
            ("NamespaceDeletionContentFailure", "False", "ContentDeleted",
             "All content successfully deleted, may be waiting on finalization"),
            ("NamespaceContentRemaining",) + content,
            ("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
             "All content-preserving finalizers finished"),
        ]
        old = {c["type"]: c for c in (ns.get("status") or {}).get("conditions") or []}
        conds = []
        for type_, status, reason, message in wanted:
            prev = old.get(type_)
            ts = prev["lastTransitionTime"] if prev and prev.get("status") == status else now
            conds.append({"type": type_, "status": status, "lastTransitionTime": ts, "reason": reason,
                          "message": message})
        if [old.get(c["type"]) for c in conds] == conds:
            return
        updated = dict(ns)
        updated["status"] = dict(ns.get("status") or {}, conditions=conds)
        try:
            self.client.update_status(updated)
        except ApiError as err:
            if err.code not in (404, 409):
                raise
