"""DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault): a claim that names no
class gets the cluster's default StorageClass (the newest one when several are marked default)."""

from __future__ import annotations

from labk8s.apiserver.admission.interface import AdmissionPlugin, Attributes, ObjectReader

IS_DEFAULT = "storageclass.kubernetes.io/is-default-class"
BETA_IS_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class"


class DefaultStorageClass(AdmissionPlugin):
    name = "DefaultStorageClass"
    operations = ("CREATE",)

    def admit(self, attrs: Attributes, reader: ObjectReader) -> None:
        rt = attrs.resource
        if rt.group != "" or rt.kind != "PersistentVolumeClaim" or attrs.obj is None:
            return
        spec = attrs.obj.setdefault("spec", {})
        if "storageClassName" in spec and spec["storageClassName"] is not None:
            return
        classes = reader.cached_all(reader.resource("storage.k8s.io", "StorageClass"), None)
        defaults = [c for c in classes if (c["metadata"].get("annotations") or {}).get(IS_DEFAULT) == "true"
                    or (c["metadata"].get("annotations") or {}).get(BETA_IS_DEFAULT) == "true"]
        if not defaults:
            return
        # Newest first, then by name (util.GetDefaultClass).
        defaults.sort(key=lambda c: (c["metadata"].get("creationTimestamp", ""), c["metadata"]["name"]))
        newest = max(c["metadata"].get("creationTimestamp", "") for c in defaults)
        chosen = sorted(c["metadata"]["name"] for c in defaults if c["metadata"].get("creationTimestamp", "") == newest)
        spec["storageClassName"] = chosen[0]
