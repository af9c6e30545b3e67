"""Columns of networking, discovery, rbac, storage, coordination, scheduling and node kinds (printers.go)."""

from __future__ import annotations

from typing import Any

from .age import since
from .columns_core import load_balancer_status
from .helpers import (
    as_dict,
    as_int,
    as_list,
    as_str,
    dig,
    format_label_selector,
    list_with_more,
    meta,
    name_of,
    quantity,
)
from .table import Column, Handler, age_col, col, name_col

Obj = dict[str, Any]


def _age(obj: Obj, now_ms: int) -> str:
    return since(meta(obj).get("creationTimestamp"), now_ms)


def _name_age(description: str, name: str, *, type: str = "string") -> tuple[Column, ...]:
    return (name_col(), col(name, description, type=type), age_col())


# --- networking.k8s.io ------------------------------------------------------------------------------------------

INGRESS_COLUMNS = (
    name_col(),
    col("Class", "The name of the IngressClass resource that should be used for additional configuration"),
    col("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", "Address is a list containing ingress points for the load-balancer"),
    col("Ports", "Ports of TLS configurations that open"),
    age_col(),
)


def _format_hosts(rules: list[Any]) -> str:
    items: list[str] = []
    limit = 3
    more = False
    for rule in rules:
        if len(items) == limit:
            more = True
        host = as_str(as_dict(rule).get("host"))
        if not more and host:
            items.append(host)
    if not items:
        return "*"
    text = ",".join(items)
    if more:
        return f"{text} + {len(rules) - limit} more..."
    return text


def ingress_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    class_name = spec.get("ingressClassName")
    return [
        name_of(obj),
        as_str(class_name) if class_name is not None else "<none>",
        _format_hosts(as_list(spec.get("rules"))),
        load_balancer_status(dig(obj, "status", "loadBalancer")),
        "80, 443" if as_list(spec.get("tls")) else "80",
        _age(obj, now_ms),
    ]


INGRESS_CLASS_COLUMNS = (
    name_col(),
    col("Controller", "Controller that is responsible for handling this class"),
    col("Parameters", "A reference to a resource with additional parameters"),
    age_col(),
)


def ingress_class_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    params = spec.get("parameters")
    parameters = "<none>"
    if params is not None:
        params = as_dict(params)
        parameters = as_str(params.get("kind"))
        if params.get("apiGroup") is not None:
            parameters += "." + as_str(params.get("apiGroup"))
        parameters += "/" + as_str(params.get("name"))
    return [name_of(obj), as_str(spec.get("controller")), parameters, _age(obj, now_ms)]


NETWORK_POLICY_COLUMNS = _name_age("Selects the pods to which this NetworkPolicy object applies.", "Pod-Selector")


def network_policy_row(obj: Obj, now_ms: int) -> list[Any]:
    # FormatLabelSelector of a non-nil (possibly empty) selector.
    selector = dig(obj, "spec", "podSelector")
    return [name_of(obj), format_label_selector(selector if selector is not None else {}), _age(obj, now_ms)]


SERVICE_CIDR_COLUMNS = _name_age("CIDRs defines the IP blocks in CIDR notation.", "CIDRs")


def service_cidr_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), ",".join(as_str(c) for c in as_list(dig(obj, "spec", "cidrs"))), _age(obj, now_ms)]


IP_ADDRESS_COLUMNS = (name_col(), col("ParentRef", "ParentRef references the resource that an IPAddress is attached to."))


def ip_address_row(obj: Obj, now_ms: int) -> list[Any]:
    ref = dig(obj, "spec", "parentRef")
    parent = "<none>"
    if ref is not None:
        ref = as_dict(ref)
        group, resource = as_str(ref.get("group")), as_str(ref.get("resource"))
        parent = (f"{resource}.{group}" if group else resource).lower()
        if as_str(ref.get("namespace")):
            parent += "/" + as_str(ref.get("namespace"))
        parent += "/" + as_str(ref.get("name"))
    # printIPAddress appends AGE although the column list has none; the extra cell is never printed.
    return [name_of(obj), parent, _age(obj, now_ms)]


# --- discovery.k8s.io -----------------------------------------------------------------------------------------

ENDPOINT_SLICE_COLUMNS = (
    name_col(),
    col("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
    col("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
    col("Endpoints", "endpoints is a list of unique endpoints in this slice."),
    age_col(),
)


def endpoint_slice_row(obj: Obj, now_ms: int) -> list[Any]:
    limit = 3
    ports: list[str] = []
    more, count = False, 0
    for port in as_list(obj.get("ports")):
        port = as_dict(port)
        if len(ports) < limit:
            if port.get("port") is not None:
                ports.append(str(as_int(port.get("port"))))
            elif port.get("name") is not None:
                ports.append(as_str(port.get("name")))
            else:
                ports.append("*")
        elif len(ports) == limit:
            more = True
        count += 1
    ports_text = list_with_more(ports, more, count, limit)
    addresses: list[str] = []
    more, count = False, 0
    for endpoint in as_list(obj.get("endpoints")):
        for address in as_list(as_dict(endpoint).get("addresses")):
            if len(addresses) < limit:
                addresses.append(as_str(address))
            elif len(addresses) == limit:
                more = True
            count += 1
    return [
        name_of(obj),
        as_str(obj.get("addressType")),
        ports_text,
        list_with_more(addresses, more, count, limit),
        _age(obj, now_ms),
    ]


# --- rbac.authorization.k8s.io ----------------------------------------------------------------------------

def _binding_columns(what: str) -> tuple[Column, ...]:
    return (
        name_col(),
        col("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
        age_col(),
        col("Users", f"Users in the {what}", priority=1),
        col("Groups", f"Groups in the {what}", priority=1),
        col("ServiceAccounts", f"ServiceAccounts in the {what}", priority=1),
    )


def binding_row(obj: Obj, now_ms: int) -> list[Any]:
    role_ref = as_dict(obj.get("roleRef"))
    users: list[str] = []
    groups: list[str] = []
    sas: list[str] = []
    for subject in as_list(obj.get("subjects")):
        subject = as_dict(subject)
        kind = subject.get("kind")
        if kind == "ServiceAccount":
            sas.append(f"{as_str(subject.get('namespace'))}/{as_str(subject.get('name'))}")
        elif kind == "User":
            users.append(as_str(subject.get("name")))
        elif kind == "Group":
            groups.append(as_str(subject.get("name")))
    return [
        name_of(obj),
        f"{as_str(role_ref.get('kind'))}/{as_str(role_ref.get('name'))}",
        _age(obj, now_ms),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(sas),
    ]


# --- storage.k8s.io ------------------------------------------------------------------------------------------

STORAGE_CLASS_COLUMNS = (
    name_col(),
    col("Provisioner", "provisioner indicates the type of the provisioner."),
    col("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
    col("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
    col("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
    age_col(),
)

_DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


def storage_class_row(obj: Obj, now_ms: int) -> list[Any]:
    annotations = as_dict(meta(obj).get("annotations"))
    name = name_of(obj)
    if any(annotations.get(key) == "true" for key in _DEFAULT_CLASS_ANNOTATIONS):
        name += " (default)"
    reclaim = obj.get("reclaimPolicy")
    binding = obj.get("volumeBindingMode")
    expansion = obj.get("allowVolumeExpansion")
    return [
        name,
        as_str(obj.get("provisioner")),
        as_str(reclaim) if reclaim is not None else "Delete",
        as_str(binding) if binding is not None else "Immediate",
        expansion is True,
        _age(obj, now_ms),
    ]


VOLUME_ATTRIBUTES_CLASS_COLUMNS = _name_age("Name of the CSI driver", "DriverName")


def volume_attributes_class_row(obj: Obj, now_ms: int) -> list[Any]:
    name = name_of(obj)
    if as_dict(meta(obj).get("annotations")).get("storage.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [name, as_str(obj.get("driverName")), _age(obj, now_ms)]


VOLUME_ATTACHMENT_COLUMNS = (
    name_col(),
    col("Attacher", "attacher indicates the name of the volume driver that MUST handle this request.", format="name"),
    col("PV", "persistentVolumeName represents the name of the persistent volume to attach."),
    col("Node", "nodeName represents the node that the volume should be attached to."),
    col("Attached", "attached indicates the volume is successfully attached.", type="boolean"),
    age_col(),
)


def volume_attachment_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    return [
        name_of(obj),
        as_str(spec.get("attacher")),
        as_str(dig(spec, "source", "persistentVolumeName")),
        as_str(spec.get("nodeName")),
        dig(obj, "status", "attached") is True,
        _age(obj, now_ms),
    ]


CSI_NODE_COLUMNS = _name_age("Drivers indicates the number of CSI drivers registered on the node", "Drivers", type="integer")


def csi_node_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), len(as_list(dig(obj, "spec", "drivers"))), _age(obj, now_ms)]


CSI_DRIVER_COLUMNS = (
    name_col(),
    col("AttachRequired", "attachRequired indicates this CSI volume driver requires an attach operation.", type="boolean"),
    col("PodInfoOnMount", "podInfoOnMount indicates this CSI volume driver requires additional pod information.", type="boolean"),
    col("StorageCapacity", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity.", type="boolean"),
    col("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for."),
    col("RequiresRepublish", "requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called.", type="boolean"),
    col("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
    age_col(),
)


def csi_driver_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    modes = ",".join(as_str(m) for m in as_list(spec.get("volumeLifecycleModes"))) or "<none>"
    token_requests = "<unset>"
    if spec.get("tokenRequests") is not None:
        token_requests = ",".join(as_str(as_dict(t).get("audience")) for t in as_list(spec.get("tokenRequests")))
    return [
        name_of(obj),
        spec.get("attachRequired") is not False,
        spec.get("podInfoOnMount") is True,
        spec.get("storageCapacity") is True,
        token_requests,
        spec.get("requiresRepublish") is True,
        modes,
        _age(obj, now_ms),
    ]


CSI_STORAGE_CAPACITY_COLUMNS = (
    name_col(),
    col("StorageClassName", "storageClassName represents the name of the StorageClass that the reported capacity applies to."),
    col("Capacity", "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest."),
)


def csi_storage_capacity_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), as_str(obj.get("storageClassName")), quantity(obj.get("capacity"), "<unset>")]


# --- coordination.k8s.io, scheduling.k8s.io, node.k8s.io --------------------------------------------------------

LEASE_COLUMNS = _name_age("holderIdentity contains the identity of the holder of a current lease.", "Holder")


def lease_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), as_str(dig(obj, "spec", "holderIdentity")), _age(obj, now_ms)]


LEASE_CANDIDATE_COLUMNS = (
    name_col(),
    col("LeaseName", "LeaseName is the name of the lease for which this candidate is contending."),
    col("BinaryVersion", "BinaryVersion is the binary version."),
    col("EmulationVersion", "EmulationVersion is the emulation version."),
    age_col(),
)


def lease_candidate_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    return [
        name_of(obj),
        as_str(spec.get("leaseName")),
        as_str(spec.get("binaryVersion")),
        as_str(spec.get("emulationVersion")),
        _age(obj, now_ms),
    ]


PRIORITY_CLASS_COLUMNS = (
    name_col(),
    col("Value", "value represents the integer value of this priority class.", type="integer"),
    col("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.", type="boolean"),
    age_col(),
    col("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority."),
)


def priority_class_row(obj: Obj, now_ms: int) -> list[Any]:
    policy = obj.get("preemptionPolicy", "PreemptLowerPriority")  # scheduling/v1 defaulting
    return [
        name_of(obj),
        as_int(obj.get("value")),
        obj.get("globalDefault") is True,
        _age(obj, now_ms),
        as_str(policy),
    ]


RUNTIME_CLASS_COLUMNS = _name_age("handler specifies the underlying runtime and configuration that the CRI implementation will use.", "Handler")


def runtime_class_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), as_str(obj.get("handler")), _age(obj, now_ms)]


def _h(columns: tuple[Column, ...], row: Any) -> Handler:
    return Handler(columns, row)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("networking.k8s.io", "Ingress"): _h(INGRESS_COLUMNS, ingress_row),
    ("networking.k8s.io", "IngressClass"): _h(INGRESS_CLASS_COLUMNS, ingress_class_row),
    ("networking.k8s.io", "NetworkPolicy"): _h(NETWORK_POLICY_COLUMNS, network_policy_row),
    ("networking.k8s.io", "ServiceCIDR"): _h(SERVICE_CIDR_COLUMNS, service_cidr_row),
    ("networking.k8s.io", "IPAddress"): _h(IP_ADDRESS_COLUMNS, ip_address_row),
    ("discovery.k8s.io", "EndpointSlice"): _h(ENDPOINT_SLICE_COLUMNS, endpoint_slice_row),
    ("rbac.authorization.k8s.io", "RoleBinding"): _h(_binding_columns("roleBinding"), binding_row),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _h(_binding_columns("clusterRoleBinding"), binding_row),
    ("storage.k8s.io", "StorageClass"): _h(STORAGE_CLASS_COLUMNS, storage_class_row),
    ("storage.k8s.io", "VolumeAttributesClass"): _h(VOLUME_ATTRIBUTES_CLASS_COLUMNS, volume_attributes_class_row),
    ("storage.k8s.io", "VolumeAttachment"): _h(VOLUME_ATTACHMENT_COLUMNS, volume_attachment_row),
    ("storage.k8s.io", "CSINode"): _h(CSI_NODE_COLUMNS, csi_node_row),
    ("storage.k8s.io", "CSIDriver"): _h(CSI_DRIVER_COLUMNS, csi_driver_row),
    ("storage.k8s.io", "CSIStorageCapacity"): _h(CSI_STORAGE_CAPACITY_COLUMNS, csi_storage_capacity_row),
    ("coordination.k8s.io", "Lease"): _h(LEASE_COLUMNS, lease_row),
    ("coordination.k8s.io", "LeaseCandidate"): _h(LEASE_CANDIDATE_COLUMNS, lease_candidate_row),
    ("scheduling.k8s.io", "PriorityClass"): _h(PRIORITY_CLASS_COLUMNS, priority_class_row),
    ("node.k8s.io", "RuntimeClass"): _h(RUNTIME_CLASS_COLUMNS, runtime_class_row),
}
