"""The resource quota controller (pkg/controller/resourcequota): keeps every ResourceQuota's
status.hard and status.used equal to its spec and to the namespace's actual usage."""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity
from labk8s.api.quota import add_usage, usage
from labk8s.client.client import Client
from labk8s.client.informer import Informer, InformerFactory
from labk8s.client.workqueue import WorkQueue
from labk8s.errors import ApiError

Obj = dict[str, Any]

#: Resources whose objects count against quotas and that this controller watches.
COUNTED = (("", "Pod"), ("", "Service"), ("", "ConfigMap"), ("", "Secret"), ("", "PersistentVolumeClaim"),
           ("", "ReplicationController"), ("", "ResourceQuota"))


class ResourceQuotaController:
    def __init__(self, client: Client, factory: InformerFactory) -> None:
        self.client = client
        self.queue = WorkQueue(client.loop, "resourcequota", self._sync)
        self.quotas = factory.for_resource(client.resource("", "ResourceQuota"))
        self.counted: list[tuple[str, Informer]] = []
        for group, kind in COUNTED:
            rt = client.resource(group, kind)
            inf = factory.for_resource(rt)
            self.counted.append((rt.group_resource, inf))
            inf.add_event_handler(self._changed, lambda old, new: self._changed(new), self._changed)

    def _changed(self, obj: Obj) -> None:
        ns = obj["metadata"].get("namespace")
        if ns and self.quotas.list(ns):
            self.queue.add(ns)

    def _sync(self, namespace: str) -> None:
        total: dict[str, Quantity] = {}
        for group_resource, inf in self.counted:
            for obj in inf.list(namespace):
                add_usage(total, usage(group_resource, obj))
        for quota in self.quotas.list(namespace):
            hard = dict((quota.get("spec") or {}).get("hard") or {})
            used = {k: str(total.get(k, Quantity(0))) for k in sorted(hard)}
            status = {"hard": {k: str(Quantity(str(v))) for k, v in sorted(hard.items())}, "used": used}
            if quota.get("status") == status:
                continue
            try:
                self.client.update_status(dict(quota, status=status))
            except ApiError as err:
                if err.code not in (404, 409):
                    raise
                self.queue.add_rate_limited(namespace)
