"""The status manager (pkg/kubelet/status/status_manager.go): caches each pod's status and writes it.

``set_pod_status`` is updateStatusInternal: it stamps condition lastTransitionTime (kept while a
condition's status does not change), keeps startTime once set, refuses to leave a terminal phase, and
writes the status through the pods/status subresource only when it changed. The write is a JSON merge
patch of ``status`` computed from the previous status (removed fields sent as null), like the strategic
merge patch the kubelet sends. Static pods' statuses go to their mirror pods.

Once a pod marked for deletion has terminated and its resources are reclaimed
(``terminate_pod(..., finished=True)``), the manager deletes it with grace period 0 and the pod's UID as
precondition (canBeDeleted), which removes it from the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labk8s._sim import format_rfc3339
from labk8s.client.client import Client
from labk8s.errors import ApiError
from labk8s.node.kubelet.podstatus import TERMINAL

Obj = dict[str, Any]
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def is_mirror_pod(pod: Obj) -> bool:
    return MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {})


class StatusManager:
    def __init__(self, client: Client, now: Callable[[], int],
                 mirror_of: Callable[[Obj], Obj | None], current: Callable[[Obj], Obj | None]) -> None:
        self.client = client
        self._now = now
        self._rt = client.resource("", "Pod")
        #: The mirror pod of a static pod (None for API pods or when it does not exist yet).
        self._mirror_of = mirror_of
        #: The pod as the API (informer cache) has it now, or None when it is gone.
        self._current = current
        self._statuses: dict[str, Obj] = {}
        #: What was last written per pod: (UID of the object written to, status); a mirror pod made anew
        #: gets the status again.
        self._sent: dict[str, tuple[Any, Obj]] = {}
        self._finished: set[str] = set()
        #: Set False while the node is powered off: nothing is written.
        self.enabled = True
        self.writes = 0

    # -- queries ----------------------------------------------------------------------------------------
    def get(self, uid: str) -> Obj | None:
        """The cached status (shared: read it, do not change it)."""
        return self._statuses.get(uid)

    def old_status(self, pod: Obj) -> Obj:
        """The basis of generateAPIPodStatus: the cached status, else the API's."""
        found = self._statuses.get(pod["metadata"]["uid"])
        if found is not None:
            return found
        mirror = self._mirror_of(pod)
        return (mirror if mirror is not None else pod).get("status") or {}

    # -- updates ----------------------------------------------------------------------------------------
    def set_pod_status(self, pod: Obj, status: Obj) -> None:
        uid = pod["metadata"]["uid"]
        old = self.old_status(pod)
        if old.get("phase") in TERMINAL and status.get("phase") not in TERMINAL:
            return  # pods cannot leave a terminal phase (status manager refuses the transition)
        new = status  # a fresh dict from generateAPIPodStatus: the manager owns it from now on
        now = format_rfc3339(self._now())
        olds = {c.get("type"): c for c in old.get("conditions") or []}
        for cond in new.get("conditions") or []:
            prev = olds.get(cond["type"])
            if prev is not None and prev.get("status") == cond.get("status") and prev.get("lastTransitionTime"):
                stamp = prev["lastTransitionTime"]
            else:
                stamp = now
            probe = prev.get("lastProbeTime") if prev is not None else None
            ordered: Obj = {"type": cond["type"]}
            if "observedGeneration" in cond:
                ordered["observedGeneration"] = cond["observedGeneration"]
            ordered["status"] = cond["status"]
            ordered["lastProbeTime"] = probe
            ordered["lastTransitionTime"] = stamp
            for key in ("reason", "message"):
                if cond.get(key):
                    ordered[key] = cond[key]
            cond.clear()
            cond.update(ordered)
        new["startTime"] = old.get("startTime") or now
        self._statuses[uid] = new
        self.sync(pod)  # also when unchanged: the API object may lack it (a mirror pod made anew)

    def terminate_pod(self, pod: Obj, finished: bool) -> None:
        """TerminatePod: the pod's containers are all stopped (``finished``: its resources are reclaimed).

        Containers without a terminated state are reported terminated (ContainerStatusUnknown, 137) once
        the pod initialized, and a pod that is not terminal yet becomes Failed (static pods excepted)."""
        uid = pod["metadata"]["uid"]
        old = self.old_status(pod)
        status = {k: v for k, v in old.items()}
        unknown = {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown",
                                  "message": "The container could not be located when the pod was terminated"}}
        if _has_initialized(pod, old):
            status["containerStatuses"] = [
                s if "terminated" in (s.get("state") or {}) else dict(s, state=unknown)
                for s in old.get("containerStatuses") or []]
        inits = list(old.get("initContainerStatuses") or [])
        attempted = len(inits)
        while attempted > 1 and "waiting" in (inits[attempted - 1].get("state") or {}):
            attempted -= 1
        status["initContainerStatuses"] = [
            s if i >= attempted or "terminated" in (s.get("state") or {}) else dict(s, state=unknown)
            for i, s in enumerate(inits)]
        if not status["initContainerStatuses"]:
            del status["initContainerStatuses"]
        if not _is_static(pod) and status.get("phase") not in TERMINAL:
            status["phase"] = "Failed"
        if finished:
            self._finished.add(uid)
        self._statuses[uid] = status
        self.sync(pod)

    def forget(self, uid: str) -> None:
        self._statuses.pop(uid, None)
        self._sent.pop(uid, None)
        self._finished.discard(uid)

    def reset(self) -> None:
        """The kubelet restarted: the cache is gone (the API keeps the last written statuses)."""
        self._statuses.clear()
        self._sent.clear()
        self._finished.clear()

    # -- writing ----------------------------------------------------------------------------------------
    def sync(self, pod: Obj) -> None:
        """syncPod of the status manager: patch the status if it differs, delete a finished pod."""
        if not self.enabled:
            return
        uid = pod["metadata"]["uid"]
        status = self._statuses.get(uid)
        target = self._mirror_of(pod) if _is_static(pod) else self._current(pod)
        if target is None or status is None:
            return
        if target["metadata"].get("uid") != uid and not _is_static(pod):
            return  # a new pod with the same name: not ours
        current = target.get("status") or {}
        sent = (target["metadata"].get("uid"), status)
        if not _same(current, status) and self._sent.get(uid) != sent:
            self._write(target, current, status)
            self._sent[uid] = sent
        if (not _is_static(pod) and uid in self._finished and target["metadata"].get("deletionTimestamp")
                and not is_mirror_pod(target)):
            self._delete(target)

    def _write(self, target: Obj, current: Obj, status: Obj) -> None:
        meta = target["metadata"]
        patch: Obj = dict(status)
        for key in current:
            if key not in status and key not in ("qosClass", "nominatedNodeName", "resize",
                                                 "resourceClaimStatuses"):
                patch[key] = None
        try:
            self.client.patch(self._rt, meta.get("namespace", ""), meta["name"], {"status": patch},
                              subresource="status")
            self.writes += 1
        except ApiError as err:
            if err.reason != "NotFound":
                raise

    def _delete(self, target: Obj) -> None:
        meta = target["metadata"]
        try:
            self.client.delete(self._rt, meta.get("namespace", ""), meta["name"], grace_period_seconds=0,
                               preconditions={"uid": meta["uid"]})
        except ApiError as err:
            if err.reason not in ("NotFound", "Conflict"):
                raise
        self.forget(meta["uid"])


def _is_static(pod: Obj) -> bool:
    return ((pod["metadata"].get("annotations") or {}).get("kubernetes.io/config.source") or "api") != "api"


def _same(current: Obj, status: Obj) -> bool:
    """isPodStatusByKubeletEqual: equal ignoring fields the kubelet does not own."""
    skip = ("qosClass", "nominatedNodeName", "resize", "resourceClaimStatuses")
    a = {k: v for k, v in current.items() if k not in skip}
    b = {k: v for k, v in status.items() if k not in skip}
    if a.get("conditions") is not None:
        a["conditions"] = [c for c in a["conditions"] if c.get("type") in _owned(status)]
    return a == b


def _owned(status: Obj) -> set[str]:
    return {c.get("type", "") for c in status.get("conditions") or []}


def _has_initialized(pod: Obj, status: Obj) -> bool:
    """hasPodInitialized: no init containers, a regular container left waiting, or the last init container
    completed (a sidecar: started)."""
    inits = (pod.get("spec") or {}).get("initContainers") or []
    if not inits:
        return True
    for cs in status.get("containerStatuses") or []:
        if (cs.get("lastState") or {}).get("terminated") is not None or "waiting" not in (cs.get("state") or {}):
            return True
    statuses = status.get("initContainerStatuses") or []
    if not statuses:
        return False
    last, spec = statuses[-1], inits[min(len(statuses), len(inits)) - 1]
    if spec.get("restartPolicy") == "Always":
        return "running" in (last.get("state") or {}) and bool(last.get("started"))
    for state in (last.get("lastState") or {}, last.get("state") or {}):
        if (state.get("terminated") or {}).get("exitCode", 1) == 0:
            return True
    return False
