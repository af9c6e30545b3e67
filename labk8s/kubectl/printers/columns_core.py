"""Columns of the core (v1) kinds other than Pod: printNode, printService, printEvent, printPersistentVolume, ..."""

from __future__ import annotations

from typing import Any

from .age import parse_time_us, since
from .helpers import (
    access_modes,
    as_dict,
    as_int,
    as_list,
    as_str,
    dig,
    format_labels,
    join_host_port,
    layout_containers,
    meta,
    name_of,
    quantity,
)
from .table import Column, Handler, age_col, col, containers_cols, name_col

Obj = dict[str, Any]


def _age(obj: Obj, now_ms: int) -> str:
    return since(meta(obj).get("creationTimestamp"), now_ms)


# --- PodTemplate -----------------------------------------------------------------------------------------

POD_TEMPLATE_COLUMNS = (
    name_col(),
    *containers_cols(priority=0),
    col("Pod Labels", "The labels for the pod template."),
)


def pod_template_row(obj: Obj, now_ms: int) -> list[Any]:
    template = as_dict(obj.get("template"))
    names, images = layout_containers(dig(template, "spec", "containers"))
    return [name_of(obj), names, images, format_labels(dig(template, "metadata", "labels"))]


# --- ReplicationController ---------------------------------------------------------------------------------

RC_COLUMNS = (
    name_col(),
    col("Desired", "Replicas is the number of desired replicas.", type="integer"),
    col("Current", "Replicas is the most recently observed number of replicas.", type="integer"),
    col("Ready", "The number of ready replicas for this replication controller.", type="integer"),
    age_col(),
    *containers_cols(),
    col("Selector", "Selector is a label query over pods that should match the Replicas count.", priority=1),
)


def rc_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    names, images = layout_containers(dig(spec, "template", "spec", "containers"))
    return [
        name_of(obj),
        as_int(spec.get("replicas"), 1),  # v1 defaulting: replicas 1
        as_int(status.get("replicas")),
        as_int(status.get("readyReplicas")),
        _age(obj, now_ms),
        names,
        images,
        format_labels(spec.get("selector")),
    ]


# --- Service -------------------------------------------------------------------------------------------------

SERVICE_COLUMNS = (
    name_col(),
    col("Type", "type determines how the Service is exposed."),
    col("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
    col("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic."),
    col("Port(s)", "The list of ports that are exposed by this service."),
    age_col(),
    col("Selector", "Route service traffic to pods with label keys and values matching this selector.", priority=1),
)


def load_balancer_status(status: Any) -> str:
    """loadBalancerStatusStringer with wide=true (the server always prints wide, so never clipped)."""
    found: set[str] = set()
    for ingress in as_list(as_dict(status).get("ingress")):
        ingress = as_dict(ingress)
        if as_str(ingress.get("ip")):
            found.add(as_str(ingress.get("ip")))
        elif as_str(ingress.get("hostname")):
            found.add(as_str(ingress.get("hostname")))
    return ",".join(sorted(found))


def _service_external_ip(svc_type: str, spec: Obj, status: Obj) -> str:
    external_ips = [as_str(ip) for ip in as_list(spec.get("externalIPs"))]
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) if external_ips else "<none>"
    if svc_type == "LoadBalancer":
        lb_ips = load_balancer_status(status.get("loadBalancer"))
        if external_ips:
            results = lb_ips.split(",") if lb_ips else []
            return ",".join(results + external_ips)
        return lb_ips or "<pending>"
    if svc_type == "ExternalName":
        return as_str(spec.get("externalName"))
    return "<unknown>"


def service_ports(ports: Any) -> str:
    """makePortString: "80/TCP", "80:30080/TCP" for a node port, comma-joined."""
    pieces = []
    for port in as_list(ports):
        port = as_dict(port)
        protocol = as_str(port.get("protocol")) or "TCP"  # v1 defaulting
        node_port = as_int(port.get("nodePort"))
        if node_port > 0:
            pieces.append(f"{as_int(port.get('port'))}:{node_port}/{protocol}")
        else:
            pieces.append(f"{as_int(port.get('port'))}/{protocol}")
    return ",".join(pieces)


def service_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    svc_type = as_str(spec.get("type")) or "ClusterIP"  # v1 defaulting
    cluster_ips = as_list(spec.get("clusterIPs"))
    internal_ip = as_str(cluster_ips[0]) if cluster_ips else as_str(spec.get("clusterIP"))
    return [
        name_of(obj),
        svc_type,
        internal_ip or "<none>",
        _service_external_ip(svc_type, spec, status),
        service_ports(spec.get("ports")) or "<none>",
        _age(obj, now_ms),
        format_labels(spec.get("selector")),
    ]


# --- Endpoints ---------------------------------------------------------------------------------------------

ENDPOINTS_COLUMNS = (
    name_col(),
    col("Endpoints", "The set of all endpoints is the union of all subsets."),
    age_col(),
)


def format_endpoints(endpoints: Obj) -> str:
    subsets = as_list(endpoints.get("subsets"))
    if not subsets:
        return "<none>"
    items: list[str] = []
    limit = 3
    more = False
    count = 0
    for ss in subsets:
        ss = as_dict(ss)
        addresses = [as_dict(a) for a in as_list(ss.get("addresses"))]
        ports = as_list(ss.get("ports"))
        if not ports:
            # It's possible to have headless services with no ports.
            count += len(addresses)
            for addr in addresses:
                if len(items) == limit:
                    more = True
                    break
                items.append(as_str(addr.get("ip")))
            continue
        for port in ports:
            count += len(addresses)
            for addr in addresses:
                if len(items) == limit:
                    more = True
                    break
                items.append(join_host_port(as_str(addr.get("ip")), as_int(as_dict(port).get("port"))))
    text = ",".join(items)
    if more:
        return f"{text} + {count - limit} more..."
    return text


def endpoints_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), format_endpoints(obj), _age(obj, now_ms)]


# --- Node ---------------------------------------------------------------------------------------------------

NODE_COLUMNS = (
    name_col(),
    col("Status", "The status of the node"),
    col("Roles", "The roles of the node"),
    age_col(),
    col("Version", "Kubelet Version reported by the node."),
    col("Internal-IP", "List of addresses reachable to the node.", priority=1),
    col("External-IP", "List of addresses reachable to the node.", priority=1),
    col("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority=1),
    col("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority=1),
    col("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API.", priority=1),
)

_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
_NODE_LABEL_ROLE = "kubernetes.io/role"


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted."""
    roles: set[str] = set()
    for key, value in as_dict(meta(node).get("labels")).items():
        if key.startswith(_NODE_ROLE_PREFIX):
            role = key[len(_NODE_ROLE_PREFIX) :]
            if role:
                roles.add(role)
        elif key == _NODE_LABEL_ROLE and value != "":
            roles.add(str(value))
    return sorted(roles)


def _node_address(node: Obj, address_type: str) -> str:
    for addr in as_list(dig(node, "status", "addresses")):
        addr = as_dict(addr)
        if addr.get("type") == address_type:
            return as_str(addr.get("address"))
    return "<none>"


def node_status(node: Obj) -> str:
    conditions = {as_str(as_dict(c).get("type")): as_dict(c) for c in as_list(dig(node, "status", "conditions"))}
    status: list[str] = []
    ready = conditions.get("Ready")
    if ready is not None:
        status.append("Ready" if ready.get("status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if dig(node, "spec", "unschedulable") is True:
        status.append("SchedulingDisabled")
    return ",".join(status)


def node_row(obj: Obj, now_ms: int) -> list[Any]:
    info = as_dict(dig(obj, "status", "nodeInfo"))
    return [
        name_of(obj),
        node_status(obj),
        ",".join(node_roles(obj)) or "<none>",
        _age(obj, now_ms),
        as_str(info.get("kubeletVersion")),
        _node_address(obj, "InternalIP"),
        _node_address(obj, "ExternalIP"),
        as_str(info.get("osImage")) or "<unknown>",
        as_str(info.get("kernelVersion")) or "<unknown>",
        as_str(info.get("containerRuntimeVersion")) or "<unknown>",
    ]


# --- Event ----------------------------------------------------------------------------------------------------

EVENT_COLUMNS = (
    col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    col("Reason", "This should be a short, machine understandable string that gives the reason for the transition."),
    col("Object", "The object that this event is about."),
    col("Subobject", "The field of the involved object this event is about.", priority=1),
    col("Source", "The component reporting this event.", priority=1),
    col("Message", "A human-readable description of the status of this operation."),
    col("First Seen", "The time at which the event was first recorded.", priority=1),
    col("Count", "The number of times this event has occurred.", priority=1),
    col("Name", "Name of the event.", priority=1, format="name"),
)


def _core_event_view(obj: Obj) -> Obj:
    """An events.k8s.io/v1 Event seen through the core Event fields the printer reads."""
    if not as_str(obj.get("apiVersion")).startswith("events.k8s.io/"):
        return obj
    view = dict(obj)
    view["involvedObject"] = obj.get("regarding")
    view["message"] = obj.get("note")
    view["firstTimestamp"] = obj.get("deprecatedFirstTimestamp")
    view["lastTimestamp"] = obj.get("deprecatedLastTimestamp")
    view["count"] = obj.get("deprecatedCount")
    view["source"] = obj.get("deprecatedSource")
    return view


def _event_source(obj: Obj) -> str:
    """formatEventSource: "component, host", falling back to reportingController / reportingInstance."""
    source = as_dict(obj.get("source"))
    component = as_str(source.get("component")) or as_str(obj.get("reportingController"))
    instance = as_str(source.get("host")) or as_str(obj.get("reportingInstance"))
    return component if not instance else f"{component}, {instance}"


def event_row(raw: Obj, now_ms: int) -> list[Any]:
    obj = _core_event_view(raw)
    first = since(obj.get("firstTimestamp"), now_ms)
    if parse_time_us(obj.get("firstTimestamp")) is None:
        first = since(obj.get("eventTime"), now_ms)
    last = since(obj.get("lastTimestamp"), now_ms)
    if parse_time_us(obj.get("lastTimestamp")) is None:
        last = first
    count = as_int(obj.get("count"))
    series = obj.get("series")
    if series is not None:
        last = since(as_dict(series).get("lastObservedTime"), now_ms)
        count = as_int(as_dict(series).get("count"))
    elif count == 0:
        # Singleton events don't have a count set in the new API.
        count = 1
    involved = as_dict(obj.get("involvedObject"))
    kind = as_str(involved.get("kind")).lower()
    target = f"{kind}/{as_str(involved.get('name'))}" if as_str(involved.get("name")) else kind
    return [
        last,
        as_str(obj.get("type")),
        as_str(obj.get("reason")),
        target,
        as_str(involved.get("fieldPath")),
        _event_source(obj),
        as_str(obj.get("message")).strip(),
        first,
        count,
        name_of(obj),
    ]


# --- Namespace, Secret, ServiceAccount, ConfigMap, ComponentStatus -------------------------------------------------

NAMESPACE_COLUMNS = (name_col(), col("Status", "The status of the namespace"), age_col())


def namespace_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), as_str(dig(obj, "status", "phase")), _age(obj, now_ms)]


SECRET_COLUMNS = (
    name_col(),
    col("Type", "Used to facilitate programmatic handling of secret data."),
    col("Data", "Data contains the secret data."),
    age_col(),
)


def secret_row(obj: Obj, now_ms: int) -> list[Any]:
    secret_type = as_str(obj.get("type")) or "Opaque"  # v1 defaulting
    return [name_of(obj), secret_type, len(as_dict(obj.get("data"))), _age(obj, now_ms)]


SERVICE_ACCOUNT_COLUMNS = (
    name_col(),
    col("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
    age_col(),
)


def service_account_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), len(as_list(obj.get("secrets"))), _age(obj, now_ms)]


CONFIG_MAP_COLUMNS = (name_col(), col("Data", "Data contains the configuration data."), age_col())


def config_map_row(obj: Obj, now_ms: int) -> list[Any]:
    size = len(as_dict(obj.get("data"))) + len(as_dict(obj.get("binaryData")))
    return [name_of(obj), size, _age(obj, now_ms)]


COMPONENT_STATUS_COLUMNS = (
    name_col(),
    col("Status", "Status of the component conditions"),
    col("Message", "Message of the component conditions"),
    col("Error", "Error of the component conditions"),
)


def component_status_row(obj: Obj, now_ms: int) -> list[Any]:
    status, message, error = "Unknown", "", ""
    for cond in as_list(obj.get("conditions")):
        cond = as_dict(cond)
        if cond.get("type") == "Healthy":
            status = "Healthy" if cond.get("status") == "True" else "Unhealthy"
            message = as_str(cond.get("message"))
            error = as_str(cond.get("error"))
            break
    return [name_of(obj), status, message, error]


# --- PersistentVolume, PersistentVolumeClaim ---------------------------------------------------------------

PV_COLUMNS = (
    name_col(),
    col("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
    col("Access Modes", "accessModes contains all ways the volume can be mounted."),
    col("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
    col("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
    col("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
    col("StorageClass", "StorageClass of the pv"),
    col("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
    col("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
    age_col(),
    col("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", priority=1),
)

_BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def pv_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    claim_ref = spec.get("claimRef")
    claim = ""
    if claim_ref is not None:
        claim = f"{as_str(as_dict(claim_ref).get('namespace'))}/{as_str(as_dict(claim_ref).get('name'))}"
    phase = as_str(dig(obj, "status", "phase"))
    if meta(obj).get("deletionTimestamp") is not None:
        phase = "Terminating"
    annotations = as_dict(meta(obj).get("annotations"))
    storage_class = (
        as_str(annotations[_BETA_STORAGE_CLASS_ANNOTATION])
        if _BETA_STORAGE_CLASS_ANNOTATION in annotations
        else as_str(spec.get("storageClassName"))
    )
    vac = spec.get("volumeAttributesClassName")
    return [
        name_of(obj),
        quantity(dig(spec, "capacity", "storage")),
        access_modes(spec.get("accessModes")),
        as_str(spec.get("persistentVolumeReclaimPolicy")) or "Retain",  # v1 defaulting
        phase,
        claim,
        storage_class,
        as_str(vac) if vac is not None else "<unset>",
        as_str(dig(obj, "status", "reason")),
        _age(obj, now_ms),
        as_str(spec.get("volumeMode")) or "Filesystem",  # v1 defaulting
    ]


PVC_COLUMNS = (
    name_col(),
    col("Status", "phase represents the current phase of PersistentVolumeClaim."),
    col("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    col("Capacity", "capacity represents the actual resources of the underlying volume."),
    col("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
    col("StorageClass", "StorageClass of the pvc"),
    col("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    age_col(),
    col("VolumeMode", "volumeMode defines what type of volume is required by the claim.", priority=1),
)


def pvc_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    phase = as_str(status.get("phase"))
    if meta(obj).get("deletionTimestamp") is not None:
        phase = "Terminating"
    capacity = ""
    modes = ""
    volume_name = as_str(spec.get("volumeName"))
    if volume_name:
        modes = access_modes(status.get("accessModes"))
        capacity = quantity(dig(status, "capacity", "storage"))
    annotations = as_dict(meta(obj).get("annotations"))
    if _BETA_STORAGE_CLASS_ANNOTATION in annotations:
        storage_class = as_str(annotations[_BETA_STORAGE_CLASS_ANNOTATION])
    else:
        storage_class = as_str(spec.get("storageClassName"))
    vac = spec.get("volumeAttributesClassName")
    return [
        name_of(obj),
        phase,
        volume_name,
        capacity,
        modes,
        storage_class,
        as_str(vac) if vac is not None else "<unset>",
        _age(obj, now_ms),
        as_str(spec.get("volumeMode")) or "Filesystem",  # v1 defaulting
    ]


# --- ResourceQuota ------------------------------------------------------------------------------------------

RESOURCE_QUOTA_COLUMNS = (
    name_col(),
    col("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
    col("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
    age_col(),
)


def resource_quota_row(obj: Obj, now_ms: int) -> list[Any]:
    hard = as_dict(dig(obj, "status", "hard"))
    used = as_dict(dig(obj, "status", "used"))
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        pieces = resource.split(".")
        target = limits if len(pieces) > 1 and pieces[0] == "limits" else requests
        target.append(f"{resource}: {quantity(used.get(resource))}/{quantity(hard.get(resource))}")
    return [name_of(obj), ", ".join(requests), ", ".join(limits), _age(obj, now_ms)]


def _h(columns: tuple[Column, ...], row: Any) -> Handler:
    return Handler(columns, row)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("", "PodTemplate"): _h(POD_TEMPLATE_COLUMNS, pod_template_row),
    ("", "ReplicationController"): _h(RC_COLUMNS, rc_row),
    ("", "Service"): _h(SERVICE_COLUMNS, service_row),
    ("", "Endpoints"): _h(ENDPOINTS_COLUMNS, endpoints_row),
    ("", "Node"): _h(NODE_COLUMNS, node_row),
    ("", "Event"): _h(EVENT_COLUMNS, event_row),
    ("events.k8s.io", "Event"): _h(EVENT_COLUMNS, event_row),
    ("", "Namespace"): _h(NAMESPACE_COLUMNS, namespace_row),
    ("", "Secret"): _h(SECRET_COLUMNS, secret_row),
    ("", "ServiceAccount"): _h(SERVICE_ACCOUNT_COLUMNS, service_account_row),
    ("", "ConfigMap"): _h(CONFIG_MAP_COLUMNS, config_map_row),
    ("", "ComponentStatus"): _h(COMPONENT_STATUS_COLUMNS, component_status_row),
    ("", "PersistentVolume"): _h(PV_COLUMNS, pv_row),
    ("", "PersistentVolumeClaim"): _h(PVC_COLUMNS, pvc_row),
    ("", "ResourceQuota"): _h(RESOURCE_QUOTA_COLUMNS, resource_quota_row),
}
