"""Static pods (the kubelet's file source, /etc/kubernetes/manifests) and their mirror pods.

A static pod comes from the kubelet's configuration, not from the API. As the file source does, the
kubelet names it ``<name>-<node>``, puts it in ``default`` when it has no namespace, binds it to the node,
tolerates every NoExecute taint, applies the pod defaults, and gives it a UID that is the hash of its
manifest (also the ``kubernetes.io/config.hash`` annotation, with ``config.source: file`` and
``config.seen``). On its first sync the kubelet creates the mirror pod in the API: a copy carrying
``kubernetes.io/config.mirror: <hash>`` and owned by the Node; the static pod's status is written to the
mirror pod, and a mirror pod that is deleted (or whose hash is stale) is created again.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import TYPE_CHECKING, Any

from labk8s.errors import ApiError
from labk8s.node.nodefs import format_rfc3339_nano

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]
CONFIG_HASH = "kubernetes.io/config.hash"
CONFIG_MIRROR = "kubernetes.io/config.mirror"
CONFIG_SOURCE = "kubernetes.io/config.source"
CONFIG_SEEN = "kubernetes.io/config.seen"


def _pull_policy(image: str) -> str:
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    return "Always" if "@" not in image and tag in ("", "latest") else "IfNotPresent"


def _default_container(c: Obj) -> None:
    c.setdefault("imagePullPolicy", _pull_policy(c.get("image", "")))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})


def static_pod(manifest: Obj, node_name: str, now_ms: int) -> Obj:
    """The static pod the file source makes of a manifest."""
    pod = copy.deepcopy(manifest)
    pod.setdefault("apiVersion", "v1")
    pod.setdefault("kind", "Pod")
    meta = pod.setdefault("metadata", {})
    meta["name"] = f"{meta.get('name', '')}-{node_name.lower()}"
    meta.setdefault("namespace", "default")
    spec = pod.setdefault("spec", {})
    spec["nodeName"] = node_name
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("enableServiceLinks", True)
    tolerations = spec.setdefault("tolerations", [])
    if not any(t.get("operator") == "Exists" and not t.get("key") and t.get("effect") == "NoExecute"
               for t in tolerations):
        tolerations.append({"operator": "Exists", "effect": "NoExecute"})
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            _default_container(c)
    digest = hashlib.md5(json.dumps([node_name, pod], sort_keys=True).encode()).hexdigest()
    meta["uid"] = digest
    annotations = meta.setdefault("annotations", {})
    annotations[CONFIG_HASH] = digest
    annotations[CONFIG_SEEN] = format_rfc3339_nano(now_ms)
    annotations[CONFIG_SOURCE] = "file"
    pod["status"] = {"phase": "Pending"}
    return pod


def is_static(pod: Obj) -> bool:
    return ((pod["metadata"].get("annotations") or {}).get(CONFIG_SOURCE) or "api") != "api"


def is_mirror(pod: Obj) -> bool:
    return CONFIG_MIRROR in (pod["metadata"].get("annotations") or {})


class StaticPods:
    def __init__(self, kl: Kubelet) -> None:
        self.kl = kl
        self.pods: dict[str, Obj] = {}

    def load(self) -> None:
        """Read the manifests (at kubelet start) and hand the pods to the pod workers."""
        self.pods.clear()
        for manifest in self.kl.config.static_pods:
            pod = static_pod(manifest, self.kl.node_name, self.kl.now_ms())
            self.pods[pod["metadata"]["uid"]] = pod
        for uid in sorted(self.pods):
            self.kl.admit_and_run(self.pods[uid])

    def by_name(self, namespace: str, name: str) -> Obj | None:
        for pod in self.pods.values():
            if pod["metadata"]["name"] == name and pod["metadata"].get("namespace") == namespace:
                return pod
        return None

    def mirror_of(self, pod: Obj) -> Obj | None:
        """The mirror pod of static ``pod`` as the API (informer cache) has it."""
        meta = pod["metadata"]
        return self.kl.pod_informer_get(meta.get("namespace", ""), meta["name"]) if is_static(pod) else None

    def ensure_mirror(self, pod: Obj) -> None:
        """tryReconcileMirrorPods: create the mirror pod, or replace one of another hash."""
        if not is_static(pod):
            return
        meta = pod["metadata"]
        mirror = self.mirror_of(pod)
        digest = meta["annotations"][CONFIG_HASH]
        rt = self.kl.client.resource("", "Pod")
        if mirror is not None:
            if (mirror["metadata"].get("annotations") or {}).get(CONFIG_MIRROR) == digest and \
                    not mirror["metadata"].get("deletionTimestamp"):
                return
            try:
                self.kl.client.delete(rt, meta.get("namespace", ""), meta["name"], grace_period_seconds=0,
                                      preconditions={"uid": mirror["metadata"]["uid"]})
            except ApiError as err:
                if err.reason not in ("NotFound", "Conflict"):
                    raise
        copy_pod = copy.deepcopy(pod)
        copy_pod.pop("status", None)
        cmeta = copy_pod["metadata"]
        cmeta.pop("uid", None)
        cmeta["annotations"][CONFIG_MIRROR] = digest
        node_uid = self.kl.node_uid()
        if node_uid:
            cmeta["ownerReferences"] = [{"apiVersion": "v1", "kind": "Node", "name": self.kl.node_name,
                                         "uid": node_uid, "controller": True}]
        try:
            self.kl.client.create(copy_pod)
        except ApiError as err:
            if err.reason != "AlreadyExists":
                self.kl.recorder.pod(pod, "Warning", "FailedCreate", f"Error creating mirror pod: {err.message}")
