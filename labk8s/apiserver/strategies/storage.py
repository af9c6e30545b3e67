"""PersistentVolume, PersistentVolumeClaim (core/v1) and StorageClass (storage.k8s.io/v1):
defaults.go section 4.5, ValidatePersistentVolume(Claim)(Update), ValidateStorageClass(Update).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import is_dns1123_subdomain, is_qualified_name
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import IS_NOT_POSITIVE, Errs, go_json, invalid_rendered, struct_diff
from labk8s.apiserver.strategies._quantities import round_resource_list
from labk8s.apiserver.strategies._workload import semantic_equal
from labk8s.apiserver.strategies.podspec_defaults import default_pvc_spec
from labk8s.apiserver.strategies.podspec_validation import validate_node_selector
from labk8s.apiserver.strategies.volume_validation import ACCESS_MODES, VOLUME_MODES, validate_pvc_spec
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

_PV_SOURCES = (
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte",
    "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk",
    "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi",
)
_RECLAIM = ("Delete", "Recycle", "Retain")
_PVC_GO_FIELDS = {
    "accessModes": "AccessModes", "selector": "Selector", "resources": "Resources", "volumeName": "VolumeName",
    "storageClassName": "StorageClassName", "volumeMode": "VolumeMode", "dataSource": "DataSource",
    "dataSourceRef": "DataSourceRef", "volumeAttributesClassName": "VolumeAttributesClassName",
}


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def _access_modes(modes: Any, path: str, errs: Errs) -> None:
    rwop = other = False
    for m in modes or []:
        if m not in ACCESS_MODES:
            errs.append(FieldError.not_supported(path, m, ACCESS_MODES))
        if m == "ReadWriteOncePod":
            rwop = True
        elif m in ACCESS_MODES:
            other = True
    if rwop and other:
        errs.append(FieldError.forbidden(path, "may not use ReadWriteOncePod with other access modes"))


# -- PersistentVolume -----------------------------------------------------------------------------------------


def validate_pv_spec(spec: Obj, errs: Errs) -> None:
    """ValidatePersistentVolumeSpec (not inline)."""
    if not spec.get("accessModes"):
        errs.append(FieldError.required("spec.accessModes"))
    _access_modes(spec.get("accessModes"), "spec.accessModes", errs)
    raw_cap = spec.get("capacity")
    cap = raw_cap or {}
    if not cap:
        errs.append(FieldError.required("spec.capacity"))
    if "storage" not in cap or len(cap) > 1:
        errs.append(FieldError.not_supported("spec.capacity", raw_cap, ("storage",)))
    for r in sorted(cap):
        path = f"spec.capacity[{r}]"
        parsed = q.parse(cap[r])
        if parsed is not None and parsed.value() < 0:
            errs.append(FieldError.invalid(path, parsed.value(), "must be a valid resource quantity"))
        if q.sign(cap[r]) <= 0:
            errs.append(FieldError.invalid(path, q.canonical(cap[r]), IS_NOT_POSITIVE))
    rp = spec.get("persistentVolumeReclaimPolicy")
    if rp and rp not in _RECLAIM:
        errs.append(FieldError.not_supported("spec.persistentVolumeReclaimPolicy", rp, _RECLAIM))
    na = spec.get("nodeAffinity")
    affinity_set = False
    if isinstance(na, dict):
        affinity_set = True
        if isinstance(na.get("required"), dict):
            validate_node_selector(na["required"], "spec.nodeAffinity.required", errs)
        else:
            errs.append(FieldError.required("spec.nodeAffinity.required", "must specify required node constraints"))
    n = 0
    for key in _PV_SOURCES:
        src = spec.get(key)
        if src is None:
            continue
        if n > 0 and key != "flexVolume":
            errs.append(FieldError.forbidden(f"spec.{key}", "may not specify more than 1 volume type"))
            continue
        n += 1
        if not isinstance(src, dict):
            continue
        if key in ("hostPath", "local"):
            p = src.get("path") or ""
            if not p:
                errs.append(FieldError.required(f"spec.{key}.path"))
            elif ".." in p.split("/"):
                errs.append(FieldError.invalid(f"spec.{key}.path", p, "must not contain '..'"))
            if key == "local" and not affinity_set:
                errs.append(FieldError.required("spec.nodeAffinity", "Local volume requires node affinity"))
        elif key == "nfs":
            if not src.get("server"):
                errs.append(FieldError.required("spec.nfs.server"))
            p = src.get("path") or ""
            if not p:
                errs.append(FieldError.required("spec.nfs.path"))
            if not p.startswith("/"):
                errs.append(FieldError.invalid("spec.nfs.path", p, "must be an absolute path"))
        elif key == "csi":
            if not src.get("driver"):
                errs.append(FieldError.required("spec.csi.driver"))
            if not src.get("volumeHandle"):
                errs.append(FieldError.required("spec.csi.volumeHandle"))
    if n == 0:
        errs.append(FieldError.required("spec", "must specify a volume type"))
    hp = spec.get("hostPath")
    if isinstance(hp, dict) and (hp.get("path") or "").rstrip("/") == "" and hp.get("path") and rp == "Recycle":
        errs.append(FieldError.forbidden("spec.persistentVolumeReclaimPolicy",
                                         "may not be 'recycle' for a hostPath mount of '/'"))
    sc = spec.get("storageClassName")
    if sc:
        errs.extend(FieldError.invalid("spec.storageClassName", sc, m) for m in is_dns1123_subdomain(sc))
    vm = spec.get("volumeMode")
    if vm is not None and vm not in VOLUME_MODES:
        errs.append(FieldError.not_supported("spec.volumeMode", vm, VOLUME_MODES))


class PersistentVolumeStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        if not spec.get("persistentVolumeReclaimPolicy"):
            spec["persistentVolumeReclaimPolicy"] = "Retain"
        if spec.get("volumeMode") is None:
            spec["volumeMode"] = "Filesystem"
        round_resource_list(spec.get("capacity"))
        hp = spec.get("hostPath")
        if isinstance(hp, dict) and hp.get("type") is None:
            hp["type"] = ""
        status = obj.get("status")
        if isinstance(status, dict) and not status.get("phase"):
            status["phase"] = "Pending"

    def prepare_for_create(self, obj: Obj) -> None:
        # PersistentVolumeLastPhaseTransitionTime is GA: the phase starts Pending, stamped at creation.
        obj["status"] = {"phase": "Pending",
                         "lastPhaseTransitionTime": (obj.get("metadata") or {}).get("creationTimestamp")}

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        validate_pv_spec(obj.get("spec") or {}, errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        spec, ospec = new.get("spec") or {}, old.get("spec") or {}
        src = {k: spec[k] for k in _PV_SOURCES if spec.get(k) is not None}
        osrc = {k: ospec[k] for k in _PV_SOURCES if ospec.get(k) is not None}
        if isinstance(src.get("csi"), dict) and isinstance(osrc.get("csi"), dict) and \
                osrc["csi"].get("controllerExpandSecretRef") is None:
            src["csi"] = {k: v for k, v in src["csi"].items() if k != "controllerExpandSecretRef"}
        if not semantic_equal(src, osrc):
            errs.append(FieldError.forbidden("spec.persistentvolumesource",
                                             "spec.persistentvolumesource is immutable after creation\n"
                                             + struct_diff("core.PersistentVolumeSource", osrc, src, {})))
        if spec.get("volumeMode") != ospec.get("volumeMode"):
            errs.append(FieldError.invalid("volumeMode", spec.get("volumeMode"), "field is immutable"))
        if ospec.get("nodeAffinity") is not None and not semantic_equal(spec.get("nodeAffinity"),
                                                                        ospec.get("nodeAffinity")):
            errs.append(invalid_rendered("nodeAffinity", go_json(spec.get("nodeAffinity")),
                                         "field is immutable, except for updating from beta label to GA"))
        return errs


# -- PersistentVolumeClaim ------------------------------------------------------------------------------------


class PersistentVolumeClaimStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        default_pvc_spec(_spec(obj))
        status = obj.get("status")
        if isinstance(status, dict):
            if not status.get("phase"):
                status["phase"] = "Pending"
            round_resource_list(status.get("capacity"))

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending"}

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        validate_pvc_spec(obj.get("spec"), "spec", errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        spec, ospec = dict(new.get("spec") or {}), dict(old.get("spec") or {})
        if not ospec.get("volumeName"):
            ospec["volumeName"] = spec.get("volumeName")  # volumeName may be set once
        if ospec.get("storageClassName") is None and spec.get("storageClassName") is not None:
            ospec["storageClassName"] = spec["storageClassName"]
        phase = (new.get("status") or old.get("status") or {}).get("phase")
        if phase == "Bound":
            res = dict(spec.get("resources") or {})
            req = dict(res.get("requests") or {})
            if "storage" in req or "storage" in ((ospec.get("resources") or {}).get("requests") or {}):
                req["storage"] = ((ospec.get("resources") or {}).get("requests") or {}).get("storage")
                res["requests"] = req
                spec["resources"] = res
        spec["volumeAttributesClassName"] = ospec.get("volumeAttributesClassName")
        if not semantic_equal(spec, ospec):
            errs.append(FieldError.forbidden(
                "spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName "
                        "for bound claims\n" + struct_diff("core.PersistentVolumeClaimSpec", ospec, spec,
                                                           _PVC_GO_FIELDS)))
        new_size = ((new.get("spec") or {}).get("resources") or {}).get("requests", {}).get("storage")
        old_size = ((old.get("spec") or {}).get("resources") or {}).get("requests", {}).get("storage")
        status_size = ((old.get("status") or {}).get("capacity") or {}).get("storage")
        if new_size is not None and old_size is not None and q.cmp(new_size, old_size) < 0:
            # RecoverVolumeExpansionFailure: shrinking is allowed down to just above status.capacity.
            if status_size is None or q.cmp(new_size, status_size) <= 0:
                errs.append(FieldError.forbidden("spec.resources.requests.storage",
                                                 "field can not be less than status.capacity"))
        if (new.get("spec") or {}).get("volumeMode") != (old.get("spec") or {}).get("volumeMode"):
            errs.append(FieldError.invalid("volumeMode", (new.get("spec") or {}).get("volumeMode"),
                                           "field is immutable"))
        return errs

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        if not (new.get("spec") or {}).get("accessModes"):
            errs.append(FieldError.required("Spec.accessModes"))
        return errs


# -- StorageClass ---------------------------------------------------------------------------------------------


class StorageClassStrategy(Strategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        if obj.get("reclaimPolicy") is None:
            obj["reclaimPolicy"] = "Delete"
        if obj.get("volumeBindingMode") is None:
            obj["volumeBindingMode"] = "Immediate"

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        prov = obj.get("provisioner") or ""
        if not prov:
            errs.append(FieldError.required("provisioner"))
        else:
            errs.extend(FieldError.invalid("provisioner", prov.lower(), m) for m in is_qualified_name(prov.lower()))
        params = obj.get("parameters") or {}
        if len(params) > 512:
            errs.append(FieldError.too_many("parameters", len(params), 512))
        size = 0
        for k, v in params.items():
            if not k:
                errs.append(FieldError.invalid("parameters", k, "field can not be empty."))
            size += len(k) + len(v)
        if size > 256 * 1024:
            errs.append(FieldError.too_long("parameters", "", 256 * 1024))
        rp = obj.get("reclaimPolicy") or ""
        if rp and rp not in ("Delete", "Retain"):
            errs.append(FieldError.not_supported("reclaimPolicy", rp, ("Delete", "Retain")))
        vbm = obj.get("volumeBindingMode")
        if vbm is None:
            errs.append(FieldError.required("volumeBindingMode"))
        elif vbm not in ("Immediate", "WaitForFirstConsumer"):
            errs.append(FieldError.not_supported("volumeBindingMode", vbm, ("Immediate", "WaitForFirstConsumer")))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        if (new.get("parameters") or {}) != (old.get("parameters") or {}):
            errs.append(FieldError.forbidden("parameters", "updates to parameters are forbidden."))
        if new.get("provisioner") != old.get("provisioner"):
            errs.append(FieldError.forbidden("provisioner", "updates to provisioner are forbidden."))
        if new.get("reclaimPolicy") != old.get("reclaimPolicy"):
            errs.append(FieldError.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
        if new.get("volumeBindingMode") != old.get("volumeBindingMode"):
            errs.append(FieldError.invalid("volumeBindingMode", new.get("volumeBindingMode"), "field is immutable"))
        errs.extend(self.validate(new))
        return errs
