"""Columns of admission, flowcontrol, certificates, resource (DRA) and storage-version kinds (printers.go)."""

from __future__ import annotations

from typing import Any

from .age import human_duration_us, since
from .helpers import as_dict, as_int, as_list, as_str, dig, list_with_more, meta, name_of, selector_string
from .table import Column, Handler, age_col, col, name_col

Obj = dict[str, Any]


def _age(obj: Obj, now_ms: int) -> str:
    return since(meta(obj).get("creationTimestamp"), now_ms)


def _name_age(description: str, name: str, *, type: str = "string") -> tuple[Column, ...]:
    return (name_col(), col(name, description, type=type), age_col())


# --- admissionregistration.k8s.io ----------------------------------------------------------------------------

WEBHOOK_COLUMNS = _name_age("Webhooks indicates the number of webhooks registered in this configuration", "Webhooks", type="integer")


def webhook_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), len(as_list(obj.get("webhooks"))), _age(obj, now_ms)]


def _policy_columns(what: str, description: str) -> tuple[Column, ...]:
    return (
        name_col(),
        col(what, description, type="integer"),
        col("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
        age_col(),
    )


def _policy_row(field: str) -> Any:
    def row(obj: Obj, now_ms: int) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        param_kind = "<unset>"
        if spec.get("paramKind") is not None:
            pk = as_dict(spec.get("paramKind"))
            param_kind = f"{as_str(pk.get('apiVersion'))}/{as_str(pk.get('kind'))}"
        return [name_of(obj), len(as_list(spec.get(field))), param_kind, _age(obj, now_ms)]

    return row


POLICY_BINDING_COLUMNS = (
    name_col(),
    col("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
    col("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
    age_col(),
)


def policy_binding_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    param_name = "<unset>"
    ref = spec.get("paramRef")
    if ref is not None:
        ref = as_dict(ref)
        if as_str(ref.get("name")):
            namespace = as_str(ref.get("namespace"))
            # Can't tell from here if param is cluster-scoped, so all params without names get * namespace
            param_name = f"{namespace}/{as_str(ref.get('name'))}" if namespace else f"*/{as_str(ref.get('name'))}"
        elif ref.get("selector") is not None:
            param_name = selector_string(ref.get("selector"))
    return [name_of(obj), as_str(spec.get("policyName")), param_name, _age(obj, now_ms)]


# --- flowcontrol.apiserver.k8s.io ----------------------------------------------------------------------------

FLOW_SCHEMA_COLUMNS = (
    name_col(),
    col("PriorityLevel", "`name` is the name of the priority level configuration being referenced"),
    col("MatchingPrecedence", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request."),
    col("DistinguisherMethod", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema."),
    age_col(),
    col("MissingPL", "references a broken or non-existent PriorityLevelConfiguration"),
)


def flow_schema_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    method = spec.get("distinguisherMethod")
    bad_ref = "?"
    for cond in as_list(dig(obj, "status", "conditions")):
        cond = as_dict(cond)
        if cond.get("type") == "Dangling":
            bad_ref = as_str(cond.get("status"))
            break
    return [
        name_of(obj),
        as_str(dig(spec, "priorityLevelConfiguration", "name")),
        as_int(spec.get("matchingPrecedence")),
        as_str(as_dict(method).get("type")) if method is not None else "<none>",
        _age(obj, now_ms),
        bad_ref,
    ]


def flow_schema_sort_key(obj: Obj) -> tuple[int, str]:
    """FlowSchemaSequence: by matchingPrecedence, then by name."""
    return as_int(dig(obj, "spec", "matchingPrecedence")), name_of(obj)


PRIORITY_LEVEL_COLUMNS = (
    name_col(),
    col("Type", "`type` indicates whether this priority level is subject to limitation on request execution."),
    col("NominalConcurrencyShares", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
    col("Queues", "`queues` is the number of queues for this priority level."),
    col("HandSize", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues."),
    col("QueueLengthLimit", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time."),
    age_col(),
)


def priority_level_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    ncs: Any = "<none>"
    queues: Any = "<none>"
    hand_size: Any = "<none>"
    queue_length: Any = "<none>"
    limited = spec.get("limited")
    if limited is not None:
        limited = as_dict(limited)
        ncs = as_int(limited.get("nominalConcurrencyShares"))
        queuing = dig(limited, "limitResponse", "queuing")
        if queuing is not None:
            queuing = as_dict(queuing)
            queues = as_int(queuing.get("queues"))
            hand_size = as_int(queuing.get("handSize"))
            queue_length = as_int(queuing.get("queueLengthLimit"))
    return [name_of(obj), as_str(spec.get("type")), ncs, queues, hand_size, queue_length, _age(obj, now_ms)]


# --- certificates.k8s.io ----------------------------------------------------------------------------------

CSR_COLUMNS = (
    name_col(),
    age_col(),
    col("SignerName", "signerName indicates the requested signer, and is a qualified name."),
    col("Requestor", "username contains the name of the user that created the CertificateSigningRequest."),
    col("RequestedDuration", "expirationSeconds is the requested duration of validity of the issued certificate."),
    col("Condition", "conditions applied to the request."),
)


def csr_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    status = as_dict(obj.get("status"))
    kinds = {as_str(as_dict(c).get("type")) for c in as_list(status.get("conditions"))}
    text = "Denied" if "Denied" in kinds else "Approved" if "Approved" in kinds else "Pending"
    if "Failed" in kinds:
        text += ",Failed"
    if status.get("certificate"):
        text += ",Issued"
    expiration = spec.get("expirationSeconds")
    requested = human_duration_us(as_int(expiration) * 1_000_000) if expiration is not None else "<none>"
    return [
        name_of(obj),
        _age(obj, now_ms),
        as_str(spec.get("signerName")) or "<none>",
        as_str(spec.get("username")),
        requested,
        text,
    ]


CLUSTER_TRUST_BUNDLE_COLUMNS = (name_col(), col("SignerName", "signerName indicates the associated signer, if any."))


def cluster_trust_bundle_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), as_str(dig(obj, "spec", "signerName")) or "<none>"]


# --- resource.k8s.io, apiserverinternal, storagemigration --------------------------------------------------

NAME_AGE_COLUMNS = (name_col(), age_col())


def name_age_row(obj: Obj, now_ms: int) -> list[Any]:
    return [name_of(obj), _age(obj, now_ms)]


RESOURCE_CLAIM_COLUMNS = _name_age("A summary of the current state (allocated, pending, reserved, etc.).", "State")


def resource_claim_row(obj: Obj, now_ms: int) -> list[Any]:
    states: list[str] = []
    deleted = meta(obj).get("deletionTimestamp") is not None
    if deleted:
        states.append("deleted")
    if dig(obj, "status", "allocation") is None:
        if not deleted:
            states.append("pending")
    else:
        states.append("allocated")
        if as_list(dig(obj, "status", "reservedFor")):
            states.append("reserved")
    return [name_of(obj), ",".join(states), _age(obj, now_ms)]


RESOURCE_SLICE_COLUMNS = (
    name_col(),
    col("Node", "NodeName identifies the node which provides the resources in this pool."),
    col("Driver", "Driver identifies the DRA driver providing the capacity information."),
    col("Pool", "Name is used to identify the pool."),
    age_col(),
)


def resource_slice_row(obj: Obj, now_ms: int) -> list[Any]:
    spec = as_dict(obj.get("spec"))
    return [
        name_of(obj),
        as_str(spec.get("nodeName")),
        as_str(spec.get("driver")),
        as_str(dig(spec, "pool", "name")),
        _age(obj, now_ms),
    ]


STORAGE_VERSION_COLUMNS = (
    name_col(),
    col("CommonEncodingVersion", "If all API server instances agree on the same encoding storage version, then this field is set to that version."),
    col("StorageVersions", "The reported versions per API server instance."),
    age_col(),
)


def storage_version_row(obj: Obj, now_ms: int) -> list[Any]:
    status = as_dict(obj.get("status"))
    common = status.get("commonEncodingVersion")
    limit = 3
    items: list[str] = []
    more, count = False, 0
    for sv in as_list(status.get("storageVersions")):
        sv = as_dict(sv)
        if len(items) < limit:
            items.append(f"{as_str(sv.get('apiServerID'))}={as_str(sv.get('encodingVersion'))}")
        elif len(items) == limit:
            more = True
        count += 1
    return [
        name_of(obj),
        as_str(common) if common is not None else "<unset>",
        list_with_more(items, more, count, limit),
        _age(obj, now_ms),
    ]


STORAGE_VERSION_MIGRATION_COLUMNS = (
    col("Name", "Name must be unique within a namespace."),
    col("Resource", "Fully qualified resource to migrate"),
)


def storage_version_migration_row(obj: Obj, now_ms: int) -> list[Any]:
    res = as_dict(dig(obj, "spec", "resource"))
    gvr = f"{as_str(res.get('resource'))}.{as_str(res.get('version'))}.{as_str(res.get('group'))}"
    return [name_of(obj), gvr]


def _h(columns: tuple[Column, ...], row: Any) -> Handler:
    return Handler(columns, row)


_ADMISSION = "admissionregistration.k8s.io"
_FLOW = "flowcontrol.apiserver.k8s.io"

HANDLERS: dict[tuple[str, str], Handler] = {
    (_ADMISSION, "MutatingWebhookConfiguration"): _h(WEBHOOK_COLUMNS, webhook_row),
    (_ADMISSION, "ValidatingWebhookConfiguration"): _h(WEBHOOK_COLUMNS, webhook_row),
    (_ADMISSION, "ValidatingAdmissionPolicy"): _h(
        _policy_columns("Validations", "Validations indicates the number of validation rules defined in this configuration"),
        _policy_row("validations"),
    ),
    (_ADMISSION, "MutatingAdmissionPolicy"): _h(
        _policy_columns("Mutations", "Mutation indicates the number of mutations rules defined in this configuration"),
        _policy_row("mutations"),
    ),
    (_ADMISSION, "ValidatingAdmissionPolicyBinding"): _h(POLICY_BINDING_COLUMNS, policy_binding_row),
    (_ADMISSION, "MutatingAdmissionPolicyBinding"): _h(POLICY_BINDING_COLUMNS, policy_binding_row),
    (_FLOW, "FlowSchema"): _h(FLOW_SCHEMA_COLUMNS, flow_schema_row),
    (_FLOW, "PriorityLevelConfiguration"): _h(PRIORITY_LEVEL_COLUMNS, priority_level_row),
    ("certificates.k8s.io", "CertificateSigningRequest"): _h(CSR_COLUMNS, csr_row),
    ("certificates.k8s.io", "ClusterTrustBundle"): _h(CLUSTER_TRUST_BUNDLE_COLUMNS, cluster_trust_bundle_row),
    ("resource.k8s.io", "DeviceClass"): _h(NAME_AGE_COLUMNS, name_age_row),
    ("resource.k8s.io", "ResourceClaim"): _h(RESOURCE_CLAIM_COLUMNS, resource_claim_row),
    ("resource.k8s.io", "ResourceClaimTemplate"): _h(NAME_AGE_COLUMNS, name_age_row),
    ("resource.k8s.io", "ResourceSlice"): _h(RESOURCE_SLICE_COLUMNS, resource_slice_row),
    ("internal.apiserver.k8s.io", "StorageVersion"): _h(STORAGE_VERSION_COLUMNS, storage_version_row),
    ("storagemigration.k8s.io", "StorageVersionMigration"): _h(STORAGE_VERSION_MIGRATION_COLUMNS, storage_version_migration_row),
}

#: List printers that reorder their items (printFlowSchemaList sorts a FlowSchemaSequence).
SORT_KEYS: dict[tuple[str, str], Any] = {(_FLOW, "FlowSchema"): flow_schema_sort_key}
