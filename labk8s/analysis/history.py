"""A Recorder: watches through the API server and keeps every change, for timelines and inspectors.

It watches like `kubectl get -w` does: one API watch per resource, under its own user
("labk8s-recorder"), so it appears in the audit log and its deliveries are events on the loop (watch
delivery takes WATCH_DELIVERY_LATENCY_MS, zero, so each change is recorded at the virtual time it was
committed). Objects that exist when recording starts are recorded as ADDED at that time, as a watch
from resourceVersion "0" delivers them; the history of a cluster therefore starts when its Recorder
starts.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from labk8s.analysis.source import read_objects, resource
from labk8s.api.resources import ResourceType
from labk8s.apiserver.watch import ApiWatcher
from labk8s.kubectl.printers import handler_for
from labk8s.kubectl.printers.output import go_sprint

if TYPE_CHECKING:
    from labk8s.cluster import Cluster

Obj = dict[str, Any]

USER = "labk8s-recorder"
#: Kinds a Recorder watches unless told otherwise: what the timelines and the inspector need.
DEFAULT_KINDS = ("pods", "nodes", "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps")
#: Versions kept per object (the oldest are dropped first), so that a long run stays bounded.
MAX_VERSIONS = 500


@dataclass(frozen=True, slots=True)
class Change:
    """One watch event: an object's version at a virtual time."""

    seq: int  # order of arrival (ties in time keep the order of the watch)
    time_ms: int
    type: str  # ADDED | MODIFIED | DELETED
    resource: str  # group resource: "pods", "deployments.apps"
    namespace: str
    name: str
    resource_version: str
    status: str  # kubectl's STATUS column for kinds that have one (pods, nodes), else ""
    object: Obj  # the object as delivered (shared: treat as read-only)


def _status_index(rt: ResourceType) -> int | None:
    for i, col in enumerate(handler_for(rt.group, rt.kind).columns):
        if col.name == "Status":
            return i
    return None


class Recorder:
    """Records every change of the watched kinds from now on. `stop()` ends the watches."""

    def __init__(self, cluster: Cluster, kinds: tuple[str, ...] | list[str] = DEFAULT_KINDS, *,
                 user: str = USER) -> None:
        self.cluster = cluster
        self.user = user
        self.started_ms = cluster.loop.now_ms
        self._seq = 0
        self._watchers: dict[str, ApiWatcher] = {}
        self._types: dict[str, ResourceType] = {}
        self._versions: dict[tuple[str, str, str], deque[Change]] = {}
        self.stopped = False
        for kind in kinds:
            self.watch(kind)

    # -- recording ------------------------------------------------------------------------------------
    def watch(self, kind: str | ResourceType) -> ResourceType:
        """Start recording `kind` (no-op when it is already recorded); returns its resource type."""
        rt = kind if isinstance(kind, ResourceType) else resource(kind)
        if rt.group_resource in self._watchers or self.stopped:
            return rt
        c = self.cluster
        status_at = _status_index(rt)
        handler = handler_for(rt.group, rt.kind)
        self._types[rt.group_resource] = rt

        def record(event_type: str, obj: Obj) -> None:
            md = obj.get("metadata") or {}
            now = c.loop.now_ms
            status = ""
            if status_at is not None:
                row = handler.row(obj, now)
                status = go_sprint(row[status_at]) if status_at < len(row) and row[status_at] is not None else ""
            self._seq += 1
            key = (rt.group_resource, str(md.get("namespace") or ""), str(md.get("name", "")))
            versions = self._versions.get(key)
            if versions is None:
                versions = self._versions[key] = deque(maxlen=MAX_VERSIONS)
            versions.append(Change(self._seq, now, event_type, key[0], key[1], key[2],
                                   str(md.get("resourceVersion", "")), status, obj))

        def on_events(batch: list[tuple[str, Obj]]) -> None:
            for event_type, obj in batch:
                if event_type != "BOOKMARK":
                    record(event_type, obj)

        for obj in read_objects(c, rt, None):
            record("ADDED", obj)
        # Watch from the revision just read: nothing is missed and nothing is delivered twice.
        self._watchers[rt.group_resource] = c.api.watch(rt, None, on_events, user=self.user,
                                                        resource_version=str(c.store.revision))
        return rt

    def stop(self) -> None:
        """Stop every watch; what was recorded stays readable."""
        for watcher in self._watchers.values():
            self.cluster.api.stop_watch(watcher)
        self._watchers.clear()
        self.stopped = True

    @property
    def count(self) -> int:
        """How many changes were recorded so far (a cheap "has anything changed" key)."""
        return self._seq

    @property
    def kinds(self) -> list[str]:
        """Group resources being recorded, sorted."""
        return sorted(self._types)

    # -- reading --------------------------------------------------------------------------------------
    def changes(self, kind: str | None = None, namespace: str | None = None,
                name: str | None = None) -> list[Change]:
        """Recorded changes, oldest first, optionally of one kind / namespace / name."""
        gr = resource(kind).group_resource if kind is not None else None
        out: list[Change] = []
        for (res, ns, nm), versions in self._versions.items():
            if (gr is None or res == gr) and (namespace is None or ns == namespace) and (name is None or nm == name):
                out.extend(versions)
        out.sort(key=lambda ch: ch.seq)
        return out

    def history(self, kind: str, name: str, namespace: str = "default") -> list[Change]:
        """Every recorded version of one object, oldest first."""
        rt = resource(kind)
        return list(self._versions.get((rt.group_resource, namespace if rt.namespaced else "", name), ()))

    def status_intervals(self, kind: str = "pods", namespace: str | None = None) -> pd.DataFrame:
        """Intervals during which each object showed one STATUS (kubectl's column: Pending,
        ContainerCreating, Running, CrashLoopBackOff, Terminating, ... for pods; Ready/NotReady for nodes).

        Columns: namespace, name, status, start, end (virtual seconds); an open interval ends now.
        Rows are ordered by the object's first appearance, then time.
        """
        now = self.cluster.loop.now_ms
        rows: list[list[Any]] = []
        by_object: dict[tuple[str, str], list[Change]] = {}
        for ch in self.changes(kind, namespace):
            by_object.setdefault((ch.namespace, ch.name), []).append(ch)
        for (ns, name), versions in by_object.items():
            current: tuple[str, int] | None = None
            for ch in versions:
                if current is not None and (ch.type == "DELETED" or ch.status != current[0]):
                    rows.append([ns, name, current[0], current[1] / 1000.0, ch.time_ms / 1000.0])
                    current = None
                if ch.type != "DELETED" and current is None:
                    current = (ch.status, ch.time_ms)
            if current is not None:
                rows.append([ns, name, current[0], current[1] / 1000.0, now / 1000.0])
        return pd.DataFrame(rows, columns=["namespace", "name", "status", "start", "end"])

    def replica_series(self, kinds: tuple[str, ...] = ("deployments.apps", "replicasets.apps",
                                                        "statefulsets.apps", "daemonsets.apps"),
                       namespace: str | None = None) -> pd.DataFrame:
        """Replica counts of workloads at each recorded change.

        Columns: time (virtual seconds), kind, namespace, name, desired, current, ready, available.
        DaemonSets report desiredNumberScheduled, currentNumberScheduled, numberReady, numberAvailable.
        A deleted workload drops to 0 at its deletion.
        """
        rows: list[list[Any]] = []
        for kind in kinds:
            rt = resource(kind)
            if rt.group_resource not in self._types:
                continue
            for ch in self.changes(kind, namespace):
                spec = ch.object.get("spec") or {}
                st = ch.object.get("status") or {}
                if rt.kind == "DaemonSet":
                    counts = [st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
                              st.get("numberReady", 0), st.get("numberAvailable", 0)]
                else:
                    counts = [spec.get("replicas", 1), st.get("replicas", 0), st.get("readyReplicas", 0),
                              st.get("availableReplicas", 0)]
                if ch.type == "DELETED":
                    counts = [0, 0, 0, 0]
                rows.append([ch.time_ms / 1000.0, rt.kind, ch.namespace, ch.name, *[int(x or 0) for x in counts]])
        rows.sort(key=lambda r: r[0])
        return pd.DataFrame(rows, columns=["time", "kind", "namespace", "name", "desired", "current", "ready",
                                           "available"])
