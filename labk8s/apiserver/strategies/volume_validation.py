"""Volume and claim validation (ValidateVolumes, validateVolumeSource, ValidatePersistentVolumeClaimSpec),
pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.labels import validate_label_selector
from labk8s.api.validation import (
    is_dns1123_subdomain,
    validate_annotations,
    validate_labels,
)
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import FILE_MODE, IS_NOT_POSITIVE, Errs
from labk8s.apiserver.strategies._resources import validate_quantity_value
from labk8s.apiserver.strategies.container_validation import dns_label_errors, local_descending_path
from labk8s.errors import FieldError

Obj = dict[str, Any]

# validateVolumeSource's order, and the path each "more than 1 volume type" error names (typos included).
_SOURCES = (
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"), ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"), ("cinder", "cinder"),
    ("cephfs", "cephFS"), ("quobyte", "quobyte"), ("downwardAPI", "downwarAPI"), ("fc", "fc"),
    ("flexVolume", "flexVolume"), ("configMap", "configMap"), ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("storageos", "storageos"),
    ("projected", "projected"), ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"),
    ("image", "image"),
)
_SOURCE_INDEX = {k: i for i, (k, _) in enumerate(_SOURCES)}
_FORBIDDEN_PATH = dict(_SOURCES)
_HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                    "Socket")
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")


def local_non_reserved_path(p: str, path: str, errs: Errs) -> None:
    """ValidateLocalNonReservedPath."""
    local_descending_path(p, path, errs)
    if p.startswith("..") and not p.startswith("../"):
        errs.append(FieldError.invalid(path, p, "must not start with '..'"))


def _mode(mode: Any, path: str, errs: Errs) -> None:
    if isinstance(mode, int) and not 0 <= mode <= 0o777:
        errs.append(FieldError.invalid(path, mode, FILE_MODE))


def _key_to_paths(items: Any, path: str, errs: Errs) -> list[str]:
    paths = []
    for i, kp in enumerate(items or []):
        ip = f"{path}[{i}]"
        if not kp.get("key"):
            errs.append(FieldError.required(f"{ip}.key"))
        p = kp.get("path") or ""
        if not p:
            errs.append(FieldError.required(f"{ip}.path"))
        local_non_reserved_path(p, f"{ip}.path", errs)
        _mode(kp.get("mode"), f"{ip}.mode", errs)
        if p:
            paths.append(p)
    return paths


def _downward_file(f: Obj, path: str, errs: Errs) -> None:
    """validateDownwardAPIVolumeFile (errors at the source's path, as upstream)."""
    p = f.get("path") or ""
    if not p:
        errs.append(FieldError.required(f"{path}.path"))
    local_non_reserved_path(p, f"{path}.path", errs)
    if f.get("fieldRef") is not None:
        if f.get("resourceFieldRef") is not None:
            errs.append(FieldError.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified "
                                                              "simultaneously"))
    elif f.get("resourceFieldRef") is None:
        errs.append(FieldError.required(path, "one of fieldRef and resourceFieldRef is required"))
    _mode(f.get("mode"), f"{path}.mode", errs)


def _projected(src: Obj, path: str, errs: Errs) -> None:
    _mode(src.get("defaultMode"), f"{path}.defaultMode", errs)
    seen: set[str] = set()
    for i, s in enumerate(src.get("sources") or []):
        sp = f"{path}.sources[{i}]"
        n = 0
        for kind in ("secret", "configMap"):
            ref = s.get(kind)
            if isinstance(ref, dict):
                n += 1
                if not ref.get("name"):
                    errs.append(FieldError.required(f"{sp}.{kind}.name"))
                for p in _key_to_paths(ref.get("items"), f"{sp}.{kind}.items", errs):
                    if p in seen:
                        errs.append(FieldError.invalid(path, ref.get("name") or "", "conflicting duplicate paths"))
                    seen.add(p)
        da = s.get("downwardAPI")
        if isinstance(da, dict):
            n += 1
            for f in da.get("items") or []:
                _downward_file(f, f"{sp}.downwardAPI", errs)
                p = f.get("path") or ""
                if p:
                    if p in seen:
                        errs.append(FieldError.invalid(path, p, "conflicting duplicate paths"))
                    seen.add(p)
        sat = s.get("serviceAccountToken")
        if isinstance(sat, dict):
            n += 1
            exp = sat.get("expirationSeconds", 3600)
            if exp < 600:
                errs.append(FieldError.invalid(f"{sp}.serviceAccountToken.expirationSeconds", exp,
                                               "may not specify a duration less than 10 minutes"))
            if exp > 1 << 32:
                errs.append(FieldError.invalid(f"{sp}.serviceAccountToken.expirationSeconds", exp,
                                               "may not specify a duration larger than 2^32 seconds"))
            if not sat.get("path"):
                errs.append(FieldError.required(f"{path}.path"))
            else:
                local_non_reserved_path(sat["path"], f"{path}.path", errs)
        if isinstance(s.get("clusterTrustBundle"), dict):
            n += 1
        if isinstance(s.get("podCertificate"), dict):
            n += 1
        if n > 1:
            errs.append(FieldError.forbidden(sp, "may not specify more than 1 volume type"))


def _source(kind: str, src: Any, path: str, errs: Errs) -> None:
    if not isinstance(src, dict):
        return
    if kind == "emptyDir":
        if src.get("sizeLimit") is not None and q.sign(src["sizeLimit"]) < 0:
            errs.append(FieldError.forbidden(f"{path}.sizeLimit", "SizeLimit field must be a valid resource quantity"))
    elif kind == "hostPath":
        p = src.get("path") or ""
        if not p:
            errs.append(FieldError.required(f"{path}.path"))
            return
        if ".." in p.split("/"):
            errs.append(FieldError.invalid(f"{path}.path", p, "must not contain '..'"))
        t = src.get("type")
        if t is not None and t not in _HOST_PATH_TYPES:
            errs.append(FieldError.not_supported(f"{path}.type", t, _HOST_PATH_TYPES))
    elif kind in ("secret", "configMap"):
        name_field = "secretName" if kind == "secret" else "name"
        if not src.get(name_field):
            errs.append(FieldError.required(f"{path}.{name_field}"))
        _mode(src.get("defaultMode"), f"{path}.defaultMode", errs)
        _key_to_paths(src.get("items"), f"{path}.items", errs)
    elif kind == "persistentVolumeClaim":
        if not src.get("claimName"):
            errs.append(FieldError.required(f"{path}.claimName"))
    elif kind == "nfs":
        if not src.get("server"):
            errs.append(FieldError.required(f"{path}.server"))
        p = src.get("path") or ""
        if not p:
            errs.append(FieldError.required(f"{path}.path"))
        if not p.startswith("/"):
            errs.append(FieldError.invalid(f"{path}.path", p, "must be an absolute path"))
    elif kind == "downwardAPI":
        _mode(src.get("defaultMode"), f"{path}.defaultMode", errs)
        for f in src.get("items") or []:
            _downward_file(f, path, errs)
    elif kind == "projected":
        _projected(src, path, errs)
    elif kind == "csi":
        driver = src.get("driver") or ""
        if not driver:
            errs.append(FieldError.required(f"{path}.driver"))
        if len(driver) > 63:
            errs.append(FieldError.too_long(f"{path}.driver", driver, 63))
        errs.extend(FieldError.invalid(f"{path}.driver", driver, m) for m in is_dns1123_subdomain(driver.lower()))
    elif kind == "ephemeral":
        tmpl = src.get("volumeClaimTemplate")
        if not isinstance(tmpl, dict):
            errs.append(FieldError.required(f"{path}.volumeClaimTemplate"))
        else:
            validate_pvc_template(tmpl, f"{path}.volumeClaimTemplate", errs)
    elif kind == "image":
        pp = src.get("pullPolicy")
        if pp and pp not in _PULL_POLICIES:
            errs.append(FieldError.not_supported(f"{path}.pullPolicy", pp, _PULL_POLICIES))


def validate_volumes(volumes: Any, path: str, errs: Errs) -> dict[str, Obj]:
    """ValidateVolumes: returns the valid volumes by name (the ones mounts may refer to)."""
    out: dict[str, Obj] = {}
    for i, v in enumerate(volumes or []):
        ip = f"{path}[{i}]"
        el: Errs = []
        # Only the keys present are looked at (a volume usually has two), in validateVolumeSource's order.
        present = [k for k in v if k in _SOURCE_INDEX and v[k] is not None]
        if len(present) > 1:
            present.sort(key=_SOURCE_INDEX.__getitem__)
        n = 0
        for key in present:
            if n > 0:
                el.append(FieldError.forbidden(f"{ip}.{_FORBIDDEN_PATH[key]}", "may not specify more than 1 volume "
                                                                               "type"))
                continue
            n += 1
            _source(key, v[key], f"{ip}.{key}", el)
        if n == 0:
            el.append(FieldError.required(ip, "must specify a volume type"))
        name = v.get("name") or ""
        if not name:
            el.append(FieldError.required(f"{ip}.name"))
        else:
            msgs = dns_label_errors(name)
            if msgs:
                el.extend(FieldError.invalid(f"{ip}.name", name, m) for m in msgs)
        if name in out:
            el.append(FieldError.duplicate(f"{ip}.name", name))
        if el:
            errs.extend(el)
        else:
            out[name] = v
    return out


def validate_pvc_spec(spec: Any, path: str, errs: Errs) -> None:
    """ValidatePersistentVolumeClaimSpec."""
    if not isinstance(spec, dict):
        spec = {}
    modes = spec.get("accessModes") or []
    if not modes:
        errs.append(FieldError.required(f"{path}.accessModes", "at least 1 access mode is required"))
    if spec.get("selector") is not None:
        errs.extend(validate_label_selector(spec["selector"], f"{path}.selector"))
    rwop = other = False
    for m in modes:
        if m not in ACCESS_MODES:
            errs.append(FieldError.not_supported(f"{path}.accessModes", m, ACCESS_MODES))
        if m == "ReadWriteOncePod":
            rwop = True
        elif m in ACCESS_MODES:
            other = True
    if rwop and other:
        errs.append(FieldError.forbidden(f"{path}.accessModes", "may not use ReadWriteOncePod with other access modes"))
    requests = (spec.get("resources") or {}).get("requests") or {}
    sp = f"{path}.resources[storage]"
    if "storage" not in requests:
        errs.append(FieldError.required(sp))
    elif q.sign(requests["storage"]) <= 0:
        errs.append(FieldError.invalid(sp, q.canonical(requests["storage"]), IS_NOT_POSITIVE))
    else:
        validate_quantity_value("storage", requests["storage"], sp, errs)
    sc = spec.get("storageClassName")
    if sc:
        errs.extend(FieldError.invalid(f"{path}.storageClassName", sc, m) for m in is_dns1123_subdomain(sc))
    vm = spec.get("volumeMode")
    if vm is not None and vm not in VOLUME_MODES:
        errs.append(FieldError.not_supported(f"{path}.volumeMode", vm, VOLUME_MODES))
    for key in ("dataSource", "dataSourceRef"):
        ds = spec.get(key)
        if isinstance(ds, dict):
            dp = f"{path}.{key}"
            if not ds.get("name"):
                errs.append(FieldError.required(f"{dp}.name"))
            if not ds.get("kind"):
                errs.append(FieldError.required(f"{dp}.kind"))
            if not ds.get("apiGroup") and ds.get("kind") != "PersistentVolumeClaim":
                errs.append(FieldError.invalid(dp, ds.get("kind") or "", "must be 'PersistentVolumeClaim' when "
                                                                          "referencing the default apiGroup"))


def validate_pvc_template(tmpl: Obj, path: str, errs: Errs) -> None:
    """ValidatePersistentVolumeClaimTemplate: only labels and annotations may be set in its metadata."""
    meta = tmpl.get("metadata") or {}
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.metadata.annotations"))
    errs.extend(validate_labels(meta.get("labels"), f"{path}.metadata.labels"))
    for k in meta:
        if k not in ("labels", "annotations", "creationTimestamp") and meta[k] not in (None, "", {}, []):
            errs.append(FieldError.forbidden(f"{path}.metadata.{k}", "cannot be set"))
    validate_pvc_spec(tmpl.get("spec"), f"{path}.spec", errs)
