"""The pod lifecycle event generator (generic PLEG): relist every second, compare, notify pod workers.

Upstream relists the runtime every ``genericPlegRelistPeriod`` (1s) and emits an event for each pod
whose sandboxes or containers changed state since the previous relist. Here the relist is driven by the
runtime's change notifications: a change schedules a relist at the next whole relist period after the
kubelet started (so changes are noticed at most 1s late, on the same 1s grid), and relists in which
nothing can have changed are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s._sim import Event, Priority
from labk8s.node.kubelet.config import PLEG_RELIST_PERIOD_MS

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet


class Pleg:
    def __init__(self, kl: Kubelet) -> None:
        self.kl = kl
        self._dirty: set[str] = set()
        self._snapshots: dict[str, tuple[Any, ...]] = {}
        self._event: Event | None = None
        self.relists = 0

    def reset(self) -> None:
        self._dirty.clear()
        self._snapshots.clear()
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def on_runtime_event(self, ident: str) -> None:
        """The runtime's subscribe callback: a sandbox or container changed state."""
        if not self.kl.running:
            return
        uid = self.kl.index.uid_of(ident)
        if uid is None:
            return
        self._dirty.add(uid)
        self._schedule()

    def watch(self, uid: str) -> None:
        """The kubelet itself changed the pod's runtime objects: look at it at the next relist."""
        self._dirty.add(uid)
        self._schedule()

    def _schedule(self) -> None:
        if self._event is not None:
            return
        now = self.kl.now_ms()
        start = self.kl.started_at_ms
        due = start + ((now - start) // PLEG_RELIST_PERIOD_MS + 1) * PLEG_RELIST_PERIOD_MS
        self._event = self.kl.loop.call_at(due, self.relist, f"kubelet {self.kl.node_name}: PLEG relist",
                                           Priority.NORMAL)

    def relist(self) -> None:
        self._event = None
        if not self.kl.running:
            return
        self.relists += 1
        dirty, self._dirty = sorted(self._dirty), set()
        for uid in dirty:
            fp = self.kl.index.fingerprint(uid)
            if fp == self._snapshots.get(uid):
                continue
            self._snapshots[uid] = fp
            self.kl.workers.pleg_event(uid)

    def forget(self, uid: str) -> None:
        self._snapshots.pop(uid, None)
        self._dirty.discard(uid)
