"""The kubelet's volume manager for pod volumes: each volume is a :class:`Filesystem` the runtime mounts.

Supported sources: ``emptyDir`` (dies with the pod), ``configMap``, ``secret``, ``downwardAPI`` and
``projected`` (files written once at mount time; keys as files, ``items`` remapping paths), ``hostPath``
(a path of the node's own filesystem, created for ``DirectoryOrCreate``/``FileOrCreate``), and
``persistentVolumeClaim``: once the claim is Bound, a filesystem per PersistentVolume kept by the node (data
survives the pod), unless a plugin registered for the source type provides it (``VolumeManager.plugins``);
an unbound or missing claim keeps the pod in ContainerCreating. A missing ConfigMap or
Secret that is not optional fails the mount with the kubelet's FailedMount message.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from labk8s.client.client import Client
from labk8s.errors import ApiError
from labk8s.node.runtime.shell.filesystem import Filesystem

Obj = dict[str, Any]
VolumePlugin = Callable[[Obj, Obj], Filesystem]
SERVICE_ACCOUNT_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImxhYms4cyJ9.eyJpc3MiOiJodHRwczovL2t1YmVybmV0ZXMuZGVmYXVsdC5zdmMifQ.c2lnbmF0dXJl"


class VolumeError(Exception):
    """A volume that cannot be set up: ``str()`` is the MountVolume.SetUp message."""


class VolumeManager:
    def __init__(self, client: Client, now: Callable[[], int]) -> None:
        self.client = client
        self._now = now
        self.host = Filesystem(clock=now)
        self._pods: dict[str, dict[str, tuple[Filesystem, str]]] = {}
        self._claims: dict[str, Filesystem] = {}
        self.plugins: dict[str, VolumePlugin] = {}

    def _fs(self) -> Filesystem:
        return Filesystem(clock=self._now)

    def setup(self, pod: Obj) -> dict[str, tuple[Filesystem, str]]:
        """WaitForAttachAndMount: every volume of the pod as (filesystem, path inside it); raises
        VolumeError naming the first failure."""
        uid = pod["metadata"]["uid"]
        mounted = self._pods.setdefault(uid, {})
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            name = vol["name"]
            if name in mounted:
                continue
            try:
                made = self._make(pod, vol)
                mounted[name] = made if isinstance(made, tuple) else (made, "")
            except VolumeError as err:
                if "persistentVolumeClaim" in vol:
                    raise VolumeError(f"Unable to attach or mount volumes: unmounted volumes=[{name}], unattached "
                                      f"volumes=[], failed to process volumes=[{name}]: {err}") from None
                raise VolumeError(f"MountVolume.SetUp failed for volume {_q(name)} : {err}") from None
        return mounted

    def teardown(self, uid: str) -> None:
        self._pods.pop(uid, None)

    def _make(self, pod: Obj, vol: Obj) -> Filesystem | tuple[Filesystem, str]:
        ns = pod["metadata"].get("namespace", "default")
        for kind, plugin in sorted(self.plugins.items()):
            if kind in vol:
                return plugin(pod, vol)
        if "emptyDir" in vol:
            return self._fs()
        if "configMap" in vol:
            fs = self._fs()
            self._write_source(fs, ns, "configmaps", vol["configMap"], "")
            return fs
        if "secret" in vol:
            src = dict(vol["secret"])
            src["name"] = src.get("secretName", "")
            fs = self._fs()
            self._write_source(fs, ns, "secrets", src, "")
            return fs
        if "downwardAPI" in vol:
            fs = self._fs()
            self._write_downward(fs, pod, vol["downwardAPI"].get("items") or [])
            return fs
        if "projected" in vol:
            fs = self._fs()
            for src in vol["projected"].get("sources") or []:
                if "configMap" in src:
                    self._write_source(fs, ns, "configmaps", src["configMap"], "")
                elif "secret" in src:
                    self._write_source(fs, ns, "secrets", src["secret"], "")
                elif "downwardAPI" in src:
                    self._write_downward(fs, pod, src["downwardAPI"].get("items") or [])
                elif "serviceAccountToken" in src:
                    fs.write("/" + src["serviceAccountToken"].get("path", "token"), SERVICE_ACCOUNT_TOKEN)
            return fs
        if "hostPath" in vol:
            path = vol["hostPath"].get("path", "/")
            kind = vol["hostPath"].get("type", "")
            if not self.host.exists(path):
                if kind in ("Directory", "File", "Socket", "CharDevice", "BlockDevice"):
                    raise VolumeError(f"hostPath type check failed: {path} is not a {kind.lower()}")
                if kind == "FileOrCreate":
                    self.host.mkdir(path.rsplit("/", 1)[0] or "/", parents=True, exist_ok=True)
                    self.host.write(path, "")
                else:
                    self.host.mkdir(path, parents=True, exist_ok=True)
            return self.host, path
        if "persistentVolumeClaim" in vol:
            return self._claim(ns, vol)
        return self._fs()  # other in-tree sources are modelled as empty directories

    def _claim(self, ns: str, vol: Obj) -> Filesystem:
        """A bound claim's volume: one filesystem per PersistentVolume, kept by the node (data outlives pods)."""
        claim = vol["persistentVolumeClaim"].get("claimName", "")
        try:
            pvc = self.client.get(self.client.resolve("persistentvolumeclaims"), ns, claim)
        except ApiError as err:
            if err.reason != "NotFound":
                raise
            raise VolumeError(f'persistentvolumeclaim {_q(claim)} not found') from None
        volume = (pvc.get("spec") or {}).get("volumeName")
        if (pvc.get("status") or {}).get("phase") != "Bound" or not volume:
            raise VolumeError(f"error processing PVC {ns}/{claim}: PVC is not bound")
        if volume not in self._claims:
            self._claims[volume] = self._fs()
        return self._claims[volume]

    def _write_source(self, fs: Filesystem, ns: str, kind: str, src: Obj, prefix: str) -> None:
        name = src.get("name", "")
        optional = bool(src.get("optional"))
        try:
            obj = self.client.get(self.client.resolve(kind), ns, name)
        except ApiError as err:
            if err.reason != "NotFound":
                raise
            if optional:
                return
            raise VolumeError(f'{"configmap" if kind == "configmaps" else "secret"} {_q(name)} not found') from None
        data: dict[str, str] = {}
        if kind == "secrets":
            for k, v in (obj.get("data") or {}).items():
                data[k] = base64.b64decode(v).decode("utf-8", errors="replace")
            data.update(obj.get("stringData") or {})
        else:
            data.update(obj.get("data") or {})
            for k, v in (obj.get("binaryData") or {}).items():
                data[k] = base64.b64decode(v).decode("utf-8", errors="replace")
        items = src.get("items")
        if items:
            for item in items:
                if item["key"] not in data:
                    if optional:
                        continue
                    raise VolumeError(f"configmap references non-existent config key: {item['key']}"
                                      if kind == "configmaps" else
                                      f"references non-existent secret key: {item['key']}")
                self._put(fs, prefix + item.get("path", item["key"]), data[item["key"]])
            return
        for k in sorted(data):
            self._put(fs, prefix + k, data[k])

    def _write_downward(self, fs: Filesystem, pod: Obj, items: list[Obj]) -> None:
        meta = pod["metadata"]
        for item in items:
            path = item.get("path", "")
            ref = (item.get("fieldRef") or {}).get("fieldPath", "")
            if ref in ("metadata.labels", "metadata.annotations"):
                values = meta.get(ref.split(".")[1]) or {}
                text = "\n".join(f'{k}="{values[k]}"' for k in sorted(values))
            elif ref:
                text = {"metadata.name": meta["name"], "metadata.namespace": meta.get("namespace", ""),
                        "metadata.uid": meta.get("uid", "")}.get(ref, "")
            else:
                text = ""
            self._put(fs, path, text)

    @staticmethod
    def _put(fs: Filesystem, path: str, text: str) -> None:
        full = "/" + path.lstrip("/")
        parent = full.rsplit("/", 1)[0] or "/"
        fs.mkdir(parent, parents=True, exist_ok=True)
        fs.write(full, text)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
