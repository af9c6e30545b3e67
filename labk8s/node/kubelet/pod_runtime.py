"""The kubelet's view of the runtime per pod (kuberuntime GetPodStatus).

As upstream, the facts come from the runtime: a pod's sandboxes are those whose metadata carries its
UID, its containers those labelled ``io.kubernetes.pod.uid``; a container's name and restart count come
from its metadata, the spec hash from the ``io.kubernetes.container.hash`` annotation. So a restarted
kubelet (or one whose node powered back on) finds what the runtime still holds: :meth:`RuntimeIndex.rebuild`
lists the runtime once at start. Afterwards the index only remembers which runtime IDs belong to which pod
(the kubelet made them), so a pod's status costs one CRI status call per sandbox and container rather than
a listing of the whole node. :meth:`RuntimeIndex.fingerprint` is what the PLEG compares between relists.
"""

from __future__ import annotations

from typing import Any

from labk8s.node.kubelet.podstatus import (
    CREATED,
    EXITED,
    RUNNING,
    UNKNOWN,
    ContainerRecord,
    RuntimePodStatus,
    SandboxRecord,
)
from labk8s.node.runtime.containers import CriError

POD_UID_LABEL = "io.kubernetes.pod.uid"
HASH_ANNOTATION = "io.kubernetes.container.hash"


def _state(value: Any) -> str:
    text = str(getattr(value, "value", value)).upper()
    if "RUNNING" in text:
        return RUNNING
    if "EXITED" in text:
        return EXITED
    if "CREATED" in text:
        return CREATED
    return UNKNOWN


def _ready(value: Any) -> bool:
    return str(getattr(value, "value", value)).upper() == "READY"


class RuntimeIndex:
    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self._sandboxes: dict[str, list[str]] = {}
        self._containers: dict[str, list[str]] = {}
        #: runtime ID -> pod UID of every sandbox and container known.
        self.owner: dict[str, str] = {}

    # -- bookkeeping --------------------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Read every sandbox and container the runtime holds (kubelet start)."""
        self._sandboxes.clear()
        self._containers.clear()
        self.owner.clear()
        for s in self.runtime.list_pod_sandbox():
            self.add_sandbox(s.uid, s.id)
        for c in self.runtime.list_containers():
            uid = (c.labels or {}).get(POD_UID_LABEL)
            if uid:
                self.add_container(uid, c.id)

    def add_sandbox(self, uid: str, sandbox_id: str) -> None:
        self._sandboxes.setdefault(uid, []).append(sandbox_id)
        self.owner[sandbox_id] = uid

    def add_container(self, uid: str, container_id: str) -> None:
        self._containers.setdefault(uid, []).append(container_id)
        self.owner[container_id] = uid

    def forget(self, uid: str) -> None:
        for ident in self._sandboxes.pop(uid, []) + self._containers.pop(uid, []):
            self.owner.pop(ident, None)

    def pod_uids(self) -> list[str]:
        """Pods the runtime holds anything of (housekeeping's runtime pods)."""
        return sorted(set(self._sandboxes) | set(self._containers))

    def uid_of(self, ident: str) -> str | None:
        return self.owner.get(ident)

    # -- reading the runtime ------------------------------------------------------------------------------
    def _read(self, table: dict[str, list[str]], uid: str, fn: Any) -> list[Any]:
        found = []
        for ident in list(table.get(uid, ())):
            try:
                found.append(fn(ident))
            except CriError:  # removed meanwhile (e.g. with its sandbox)
                table[uid].remove(ident)
                self.owner.pop(ident, None)
        return found

    def sandboxes(self, uid: str) -> list[Any]:
        """The pod's sandbox statuses, newest first."""
        return list(reversed(self._read(self._sandboxes, uid, self.runtime.pod_sandbox_status)))

    def containers(self, uid: str) -> list[Any]:
        """The pod's container statuses, in creation order."""
        return self._read(self._containers, uid, self.runtime.container_status)

    def status(self, uid: str) -> RuntimePodStatus:
        rps = RuntimePodStatus()
        rps.sandboxes = [SandboxRecord(id=s.id, ready=_ready(s.state), ip=s.ip or "", attempt=int(s.attempt),
                                       created_at=int(s.created_at)) for s in self.sandboxes(uid)]
        records = []
        for c in self.containers(uid):
            records.append(ContainerRecord(
                id=c.id, name=c.name, state=_state(c.state), restart_count=int(c.attempt),
                created_at=int(c.created_at), started_at=int(c.started_at), finished_at=int(c.finished_at),
                exit_code=int(c.exit_code), reason=c.reason or "", message=c.message or "", image=c.image or "",
                image_ref=c.image_ref or "", spec_hash=(c.annotations or {}).get(HASH_ANNOTATION, ""),
                sandbox_id=c.sandbox_id))
        # Newest first: creation time, then creation order.
        rps.containers = [r for _, r in sorted(enumerate(records), key=lambda ir: (-ir[1].created_at, -ir[0]))]
        if rps.sandboxes and rps.sandboxes[0].ready and rps.sandboxes[0].ip:
            rps.ips = [rps.sandboxes[0].ip]
        return rps

    def fingerprint(self, uid: str) -> tuple[Any, ...]:
        """What the PLEG compares: each sandbox's readiness and each container's state."""
        sandboxes = tuple((s.id, _ready(s.state)) for s in self.sandboxes(uid))
        containers = tuple((c.id, _state(c.state)) for c in self.containers(uid))
        return sandboxes + containers
