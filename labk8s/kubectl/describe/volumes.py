"""Volume sections: describeVolumes (pods and pod templates), PV sources, and printPersistentVolumeClaim.

Every ``print*VolumeSource`` of describe.go writes ``Type:`` at LEVEL_2 and continues with literal
four-space lines (``"    Path:\\t..."``); the table below keeps those labels verbatim, including
kubectl's quirks (``ISCSIInterface`` without a colon, ``Kind: `` with a trailing space).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from labk8s.kubectl.describe._quantity import parse_or_zero
from labk8s.kubectl.describe._timefmt import translate_timestamp_since
from labk8s.kubectl.describe.common import (
    g,
    go_v,
    print_annotations_multiline,
    print_labels_multiline,
)
from labk8s.kubectl.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    NestedPrefixWriter,
    PrefixWriter,
)

_Src = Mapping[str, Any]


def _ref(value: Any) -> str:
    """``%v`` of a pointer to a reference struct: ``<nil>`` or ``&{field field}``."""
    if value is None:
        return "<nil>"
    if isinstance(value, Mapping):
        return "&{" + " ".join(go_v(v) for v in value.values()) + "}"
    return go_v(value)


def _deref(value: Any) -> str:
    return "" if value is None else go_v(value)


def _typed(w: PrefixWriter, description: str, fields: list[tuple[str, str]]) -> None:
    text = f"Type:\t{description}\n" + "".join(f"    {label}\t{value}\n" for label, value in fields)
    w.write(LEVEL_2, text)


def _b(src: _Src, key: str) -> str:
    return "true" if src.get(key) else "false"


def _s(src: _Src, key: str) -> str:
    value = src.get(key)
    return "" if value is None else go_v(value)


def _i(src: _Src, key: str) -> str:
    return str(int(src.get(key) or 0))


def _list(src: _Src, key: str) -> str:
    return go_v(list(src.get(key) or []))


def _host_path(s: _Src, w: PrefixWriter) -> None:
    kind = "<none>" if "type" not in s or s["type"] is None else str(s["type"])
    _typed(w, "HostPath (bare host directory volume)", [("Path:", _s(s, "path")), ("HostPathType:", kind)])


def _empty_dir(s: _Src, w: PrefixWriter) -> None:
    size = parse_or_zero(s.get("sizeLimit"))
    size_limit = size.string() if s.get("sizeLimit") is not None and size.sign() > 0 else "<unset>"
    _typed(
        w,
        "EmptyDir (a temporary directory that shares a pod's lifetime)",
        [("Medium:", _s(s, "medium")), ("SizeLimit:", size_limit)],
    )


def _projected(s: _Src, w: PrefixWriter) -> None:
    w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for source in s.get("sources") or []:
        if source.get("secret") is not None:
            sec = source["secret"]
            w.write(LEVEL_2, f"SecretName:\t{sec.get('name', '')}\n    Optional:\t{_b(sec, 'optional')}\n")
        elif source.get("downwardAPI") is not None:
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
        elif source.get("configMap") is not None:
            cm = source["configMap"]
            w.write(LEVEL_2, f"ConfigMapName:\t{cm.get('name', '')}\n    Optional:\t{_b(cm, 'optional')}\n")
        elif source.get("serviceAccountToken") is not None:
            seconds = int(source["serviceAccountToken"].get("expirationSeconds") or 0)
            w.write(LEVEL_2, f"TokenExpirationSeconds:\t{seconds}\n")


def _downward_api(s: _Src, w: PrefixWriter) -> None:
    w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
    for item in s.get("items") or []:
        if item.get("fieldRef") is not None:
            w.write(LEVEL_3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
        if item.get("resourceFieldRef") is not None:
            w.write(LEVEL_3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")


def _csi_attributes(w: PrefixWriter, attributes: Mapping[str, Any] | None) -> None:
    """printCSIPersistentVolumeAttributesMultiline (LEVEL_2 on every piece, as upstream)."""
    w.write(LEVEL_2, "VolumeAttributes:\t")
    if not attributes:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(attributes)):
        if i != 0:
            w.write(LEVEL_2, "")
            w.write(LEVEL_2, "\t")
        line = f"{key}={attributes[key]}"
        w.write(LEVEL_2, f"{line[:140]}...\n" if len(line) > 140 else f"{line}\n")


def _csi(s: _Src, w: PrefixWriter) -> None:
    _typed(
        w,
        "CSI (a Container Storage Interface (CSI) volume source)",
        [("Driver:", _s(s, "driver")), ("FSType:", _s(s, "fsType")), ("ReadOnly:", _b(s, "readOnly"))],
    )
    _csi_attributes(w, s.get("volumeAttributes"))


def _csi_pv(s: _Src, w: PrefixWriter) -> None:
    _typed(
        w,
        "CSI (a Container Storage Interface (CSI) volume source)",
        [
            ("Driver:", _s(s, "driver")),
            ("FSType:", _s(s, "fsType")),
            ("VolumeHandle:", _s(s, "volumeHandle")),
            ("ReadOnly:", _b(s, "readOnly")),
        ],
    )
    _csi_attributes(w, s.get("volumeAttributes"))


def _iscsi(s: _Src, w: PrefixWriter) -> None:
    initiator = "<none>" if s.get("initiatorName") is None else str(s["initiatorName"])
    _typed(
        w,
        "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)",
        [
            ("TargetPortal:", _s(s, "targetPortal")),
            ("IQN:", _s(s, "iqn")),
            ("Lun:", _i(s, "lun")),
            ("ISCSIInterface", _s(s, "iscsiInterface")),
            ("FSType:", _s(s, "fsType")),
            ("ReadOnly:", _b(s, "readOnly")),
            ("Portals:", _list(s, "portals")),
            ("DiscoveryCHAPAuth:", _b(s, "chapAuthDiscovery")),
            ("SessionCHAPAuth:", _b(s, "chapAuthSession")),
            ("SecretRef:", _ref(s.get("secretRef"))),
            ("InitiatorName:", initiator),
        ],
    )


def _fields(description: str, spec: list[tuple[str, str, Callable[[_Src, str], str]]]) -> Callable[[_Src, PrefixWriter], None]:
    def printer(s: _Src, w: PrefixWriter) -> None:
        _typed(w, description, [(label, fn(s, key)) for label, key, fn in spec])

    return printer


def _ref_field(s: _Src, key: str) -> str:
    return _ref(s.get(key))


def _deref_field(s: _Src, key: str) -> str:
    return _deref(s.get(key))


def _unset_field(s: _Src, key: str) -> str:
    return "<unset>" if s.get(key) is None else str(s[key])


def _lun_field(s: _Src, key: str) -> str:
    return "<none>" if s.get(key) is None else str(int(s[key]))


def _wwns_field(s: _Src, key: str) -> str:
    return ", ".join(s.get(key) or [])


def _secret_ref_part(part: str) -> Callable[[_Src, str], str]:
    def get(s: _Src, key: str) -> str:
        ref = s.get(key) or {}
        return str(ref.get(part, "") or "")

    return get


_GCE = _fields(
    "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
    [("PDName:", "pdName", _s), ("FSType:", "fsType", _s), ("Partition:", "partition", _i), ("ReadOnly:", "readOnly", _b)],
)
_AWS = _fields(
    "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
    [("VolumeID:", "volumeID", _s), ("FSType:", "fsType", _s), ("Partition:", "partition", _i), ("ReadOnly:", "readOnly", _b)],
)
_GIT = _fields(
    "GitRepo (a volume that is pulled from git when the pod is created)",
    [("Repository:", "repository", _s), ("Revision:", "revision", _s)],
)
_SECRET = _fields(
    "Secret (a volume populated by a Secret)", [("SecretName:", "secretName", _s), ("Optional:", "optional", _b)]
)
_CONFIGMAP = _fields("ConfigMap (a volume populated by a ConfigMap)", [("Name:", "name", _s), ("Optional:", "optional", _b)])
_NFS = _fields(
    "NFS (an NFS mount that lasts the lifetime of a pod)",
    [("Server:", "server", _s), ("Path:", "path", _s), ("ReadOnly:", "readOnly", _b)],
)
_GLUSTER = _fields(
    "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
    [("EndpointsName:", "endpoints", _s), ("Path:", "path", _s), ("ReadOnly:", "readOnly", _b)],
)
_GLUSTER_PV = _fields(
    "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
    [
        ("EndpointsName:", "endpoints", _s),
        ("EndpointsNamespace:", "endpointsNamespace", _unset_field),
        ("Path:", "path", _s),
        ("ReadOnly:", "readOnly", _b),
    ],
)
_PVC = _fields(
    "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
    [("ClaimName:", "claimName", _s), ("ReadOnly:", "readOnly", _b)],
)
_RBD = _fields(
    "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
    [
        ("CephMonitors:", "monitors", lambda s, k: _list(s, k)),
        ("RBDImage:", "image", _s),
        ("FSType:", "fsType", _s),
        ("RBDPool:", "pool", _s),
        ("RadosUser:", "user", _s),
        ("Keyring:", "keyring", _s),
        ("SecretRef:", "secretRef", _ref_field),
        ("ReadOnly:", "readOnly", _b),
    ],
)
_QUOBYTE = _fields(
    "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
    [("Registry:", "registry", _s), ("Volume:", "volume", _s), ("ReadOnly:", "readOnly", _b)],
)
_AZURE_DISK = _fields(
    "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
    [
        ("DiskName:", "diskName", _s),
        ("DiskURI:", "diskURI", _s),
        ("Kind: ", "kind", _deref_field),
        ("FSType:", "fsType", _deref_field),
        ("CachingMode:", "cachingMode", _deref_field),
        ("ReadOnly:", "readOnly", _b),
    ],
)
_VSPHERE = _fields(
    "vSphereVolume (a Persistent Disk resource in vSphere)",
    [("VolumePath:", "volumePath", _s), ("FSType:", "fsType", _s), ("StoragePolicyName:", "storagePolicyName", _s)],
)
_CINDER = _fields(
    "Cinder (a Persistent Disk resource in OpenStack)",
    [("VolumeID:", "volumeID", _s), ("FSType:", "fsType", _s), ("ReadOnly:", "readOnly", _b), ("SecretRef:", "secretRef", _ref_field)],
)
_PHOTON = _fields(
    "PhotonPersistentDisk (a Persistent Disk resource in photon platform)", [("PdID:", "pdID", _s), ("FSType:", "fsType", _s)]
)
_PORTWORX = _fields("PortworxVolume (a Portworx Volume resource)", [("VolumeID:", "volumeID", _s)])
_SCALEIO_COMMON = [
    ("Gateway:", "gateway", _s),
    ("System:", "system", _s),
    ("Protection Domain:", "protectionDomain", _s),
    ("Storage Pool:", "storagePool", _s),
    ("Storage Mode:", "storageMode", _s),
    ("VolumeName:", "volumeName", _s),
]
_SCALEIO = _fields(
    "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
    [*_SCALEIO_COMMON, ("FSType:", "fsType", _s), ("ReadOnly:", "readOnly", _b)],
)
_SCALEIO_PV = _fields(
    "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
    [
        *_SCALEIO_COMMON,
        ("SecretName:", "secretRef", _secret_ref_part("name")),
        ("SecretNamespace:", "secretRef", _secret_ref_part("namespace")),
        ("FSType:", "fsType", _s),
        ("ReadOnly:", "readOnly", _b),
    ],
)
_CEPHFS = _fields(
    "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
    [
        ("Monitors:", "monitors", lambda s, k: _list(s, k)),
        ("Path:", "path", _s),
        ("User:", "user", _s),
        ("SecretFile:", "secretFile", _s),
        ("SecretRef:", "secretRef", _ref_field),
        ("ReadOnly:", "readOnly", _b),
    ],
)
_STORAGEOS = _fields(
    "StorageOS (a StorageOS Persistent Disk resource)",
    [("VolumeName:", "volumeName", _s), ("VolumeNamespace:", "volumeNamespace", _s), ("FSType:", "fsType", _s), ("ReadOnly:", "readOnly", _b)],
)
_FC = _fields(
    "FC (a Fibre Channel disk)",
    [("TargetWWNs:", "targetWWNs", _wwns_field), ("LUN:", "lun", _lun_field), ("FSType:", "fsType", _s), ("ReadOnly:", "readOnly", _b)],
)
_AZURE_FILE = _fields(
    "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
    [("SecretName:", "secretName", _s), ("ShareName:", "shareName", _s), ("ReadOnly:", "readOnly", _b)],
)
_AZURE_FILE_PV = _fields(
    "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
    [("SecretName:", "secretName", _s), ("SecretNamespace:", "secretNamespace", _deref_field), ("ShareName:", "shareName", _s), ("ReadOnly:", "readOnly", _b)],
)
_FLEX = _fields(
    "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
    [
        ("Driver:", "driver", _s),
        ("FSType:", "fsType", _s),
        ("SecretRef:", "secretRef", _ref_field),
        ("ReadOnly:", "readOnly", _b),
        ("Options:", "options", lambda s, k: go_v(dict(s.get(k) or {}))),
    ],
)
_FLOCKER = _fields(
    "Flocker (a Flocker volume mounted by the Flocker agent)",
    [("DatasetName:", "datasetName", _s), ("DatasetUUID:", "datasetUUID", _s)],
)
_IMAGE = _fields("Image (a container image or OCI artifact)", [("Reference:", "reference", _s), ("PullPolicy:", "pullPolicy", _s)])
_LOCAL = _fields("LocalVolume (a persistent volume backed by local storage on a node)", [("Path:", "path", _s)])


def _ephemeral_placeholder(s: _Src, w: PrefixWriter) -> None:
    raise AssertionError("describe_volumes replaces the ephemeral printer")  # pragma: no cover


def _ephemeral_factory(now_ms: int) -> Callable[[_Src, PrefixWriter], None]:
    def printer(s: _Src, w: PrefixWriter) -> None:
        w.write(
            LEVEL_2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n",
        )
        template = s.get("volumeClaimTemplate")
        if template is not None:
            claim = {"metadata": template.get("metadata") or {}, "spec": template.get("spec") or {}}
            print_persistent_volume_claim(NestedPrefixWriter(w, LEVEL_2), claim, False, now_ms)

    return printer


# Order of the switch in describeVolumes.
_POD_VOLUME_ORDER: list[tuple[str, Callable[[_Src, PrefixWriter], None]]] = [
    ("hostPath", _host_path),
    ("emptyDir", _empty_dir),
    ("gcePersistentDisk", _GCE),
    ("awsElasticBlockStore", _AWS),
    ("gitRepo", _GIT),
    ("secret", _SECRET),
    ("configMap", _CONFIGMAP),
    ("nfs", _NFS),
    ("iscsi", _iscsi),
    ("glusterfs", _GLUSTER),
    ("persistentVolumeClaim", _PVC),
    ("ephemeral", _ephemeral_placeholder),  # needs now_ms: built per call by describe_volumes
    ("rbd", _RBD),
    ("quobyte", _QUOBYTE),
    ("downwardAPI", _downward_api),
    ("azureDisk", _AZURE_DISK),
    ("vsphereVolume", _VSPHERE),
    ("cinder", _CINDER),
    ("photonPersistentDisk", _PHOTON),
    ("portworxVolume", _PORTWORX),
    ("scaleIO", _SCALEIO),
    ("cephfs", _CEPHFS),
    ("storageos", _STORAGEOS),
    ("fc", _FC),
    ("azureFile", _AZURE_FILE),
    ("flexVolume", _FLEX),
    ("flocker", _FLOCKER),
    ("projected", _projected),
    ("csi", _csi),
    ("image", _IMAGE),
]

# Order of the switch in describePersistentVolume.
_PV_SOURCE_ORDER: list[tuple[str, Callable[[_Src, PrefixWriter], None]]] = [
    ("hostPath", _host_path),
    ("gcePersistentDisk", _GCE),
    ("awsElasticBlockStore", _AWS),
    ("nfs", _NFS),
    ("iscsi", _iscsi),
    ("glusterfs", _GLUSTER_PV),
    ("rbd", _RBD),
    ("quobyte", _QUOBYTE),
    ("vsphereVolume", _VSPHERE),
    ("cinder", _CINDER),
    ("azureDisk", _AZURE_DISK),
    ("photonPersistentDisk", _PHOTON),
    ("portworxVolume", _PORTWORX),
    ("scaleIO", _SCALEIO_PV),
    ("local", _LOCAL),
    ("cephfs", _CEPHFS),
    ("storageos", _STORAGEOS),
    ("fc", _FC),
    ("azureFile", _AZURE_FILE_PV),
    ("flexVolume", _FLEX),
    ("flocker", _FLOCKER),
    ("csi", _csi_pv),
]


def describe_volumes(volumes: list[Mapping[str, Any]] | None, w: PrefixWriter, space: str, now_ms: int) -> None:
    """describeVolumes."""
    if not volumes:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for volume in volumes:
        w.write(LEVEL_1, f"{name_indent}{volume.get('name', '')}:\n")
        for key, printer in _POD_VOLUME_ORDER:
            if volume.get(key) is not None:
                if key == "ephemeral":
                    printer = _ephemeral_factory(now_ms)
                printer(volume[key], w)
                break
        else:
            w.write(LEVEL_1, "<unknown>\n")


def describe_pv_source(spec: Mapping[str, Any], w: PrefixWriter) -> None:
    """The ``Source:`` switch of describePersistentVolume."""
    for key, printer in _PV_SOURCE_ORDER:
        if spec.get(key) is not None:
            printer(spec[key], w)
            return
    w.write(LEVEL_1, "<unknown>\n")


def access_modes_string(modes: list[str] | None) -> str:
    """storageutil.GetAccessModesAsString."""
    present = set(modes or [])
    order = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
    return ",".join(short for mode, short in order if mode in present)


def pvc_class(pvc: Mapping[str, Any]) -> str:
    """storageutil.GetPersistentVolumeClaimClass: the beta annotation wins over the field."""
    annotations = g(pvc, "metadata", "annotations", default={})
    if "volume.beta.kubernetes.io/storage-class" in annotations:
        return str(annotations["volume.beta.kubernetes.io/storage-class"])
    return str(g(pvc, "spec", "storageClassName", default=""))


def print_persistent_volume_claim(w: PrefixWriter, pvc: Mapping[str, Any], full: bool, now_ms: int) -> None:
    """printPersistentVolumeClaim (full PVC, or a volumeClaimTemplate when ``full`` is False)."""
    if full:
        w.write(LEVEL_0, f"Name:\t{g(pvc, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(pvc, 'metadata', 'namespace', default='')}\n")
    w.write(LEVEL_0, f"StorageClass:\t{pvc_class(pvc)}\n")
    if full:
        deletion = g(pvc, "metadata", "deletionTimestamp")
        if deletion is not None:
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {translate_timestamp_since(deletion, now_ms)})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{g(pvc, 'status', 'phase', default='')}\n")
    volume_name = g(pvc, "spec", "volumeName", default="")
    w.write(LEVEL_0, f"Volume:\t{volume_name}\n")
    print_labels_multiline(w, "Labels", g(pvc, "metadata", "labels"))
    print_annotations_multiline(w, "Annotations", g(pvc, "metadata", "annotations"))
    if full:
        w.write(LEVEL_0, f"Finalizers:\t{go_v(list(g(pvc, 'metadata', 'finalizers', default=[])))}\n")
    capacity = ""
    access = ""
    if volume_name:
        access = access_modes_string(g(pvc, "status", "accessModes"))
        capacity = parse_or_zero(g(pvc, "status", "capacity", "storage")).string()
    w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
    w.write(LEVEL_0, f"Access Modes:\t{access}\n")
    if g(pvc, "spec", "volumeMode") is not None:
        w.write(LEVEL_0, f"VolumeMode:\t{g(pvc, 'spec', 'volumeMode')}\n")
    source = g(pvc, "spec", "dataSource")
    if source is not None:
        w.write(LEVEL_0, "DataSource:\n")
        if source.get("apiGroup") is not None:
            w.write(LEVEL_1, f"APIGroup:\t{source['apiGroup']}\n")
        w.write(LEVEL_1, f"Kind:\t{source.get('kind', '')}\n")
        w.write(LEVEL_1, f"Name:\t{source.get('name', '')}\n")
