"""``kubectl describe`` output, as kubectl v1.37's ``pkg/describe/describe.go`` prints it.

``describe(obj, lookup, now_ms)`` picks the describer kubectl registers for the object's group and
kind (describerMap), or the generic describer (GenericDescriberFor) for other kinds. ``lookup``
reads related objects the way kubectl's requests would (events by ``involvedObject`` field
selectors, pods by label or ``spec.nodeName`` selectors, ReplicaSets of a Deployment, EndpointSlices
of a Service, the node Lease, ...). Ages are computed against the virtual ``now_ms``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from labk8s.kubectl.describe.common import Lookup, api_group
from labk8s.kubectl.describe.config import describe_config_map, describe_secret, describe_service_account
from labk8s.kubectl.describe.generic import describe_generic
from labk8s.kubectl.describe.hpa import describe_hpa
from labk8s.kubectl.describe.namespace import describe_limit_range, describe_namespace, describe_quota
from labk8s.kubectl.describe.node import describe_node
from labk8s.kubectl.describe.other import (
    describe_binding,
    describe_csi_node,
    describe_ingress,
    describe_ingress_class,
    describe_ip_address,
    describe_network_policy,
    describe_pdb,
    describe_priority_class,
    describe_service_cidr,
    describe_volume_attributes_class,
)
from labk8s.kubectl.describe.pod import describe_pod
from labk8s.kubectl.describe.service import describe_endpoint_slice, describe_endpoints, describe_service
from labk8s.kubectl.describe.storage import (
    describe_persistent_volume,
    describe_persistent_volume_claim,
    describe_storage_class,
)
from labk8s.kubectl.describe.workloads import (
    describe_cron_job,
    describe_daemon_set,
    describe_deployment,
    describe_job,
    describe_replica_set,
    describe_replication_controller,
    describe_stateful_set,
)

Describer = Callable[[Mapping[str, Any], Lookup, int], str]

# describerMap of describe.go, keyed by (API group, kind). Role, ClusterRole and
# CertificateSigningRequest are not ported and fall back to the generic describer.
DESCRIBERS: dict[tuple[str, str], Describer] = {
    ("", "Pod"): describe_pod,
    ("", "ReplicationController"): describe_replication_controller,
    ("", "Secret"): describe_secret,
    ("", "Service"): describe_service,
    ("", "ServiceAccount"): describe_service_account,
    ("", "Node"): describe_node,
    ("", "LimitRange"): describe_limit_range,
    ("", "ResourceQuota"): describe_quota,
    ("", "PersistentVolume"): describe_persistent_volume,
    ("", "PersistentVolumeClaim"): describe_persistent_volume_claim,
    ("", "Namespace"): describe_namespace,
    ("", "Endpoints"): describe_endpoints,
    ("", "ConfigMap"): describe_config_map,
    ("", "PriorityClass"): describe_priority_class,
    ("discovery.k8s.io", "EndpointSlice"): describe_endpoint_slice,
    ("autoscaling", "HorizontalPodAutoscaler"): describe_hpa,
    ("networking.k8s.io", "Ingress"): describe_ingress,
    ("networking.k8s.io", "IngressClass"): describe_ingress_class,
    ("networking.k8s.io", "ServiceCIDR"): describe_service_cidr,
    ("networking.k8s.io", "IPAddress"): describe_ip_address,
    ("networking.k8s.io", "NetworkPolicy"): describe_network_policy,
    ("batch", "Job"): describe_job,
    ("batch", "CronJob"): describe_cron_job,
    ("apps", "StatefulSet"): describe_stateful_set,
    ("apps", "Deployment"): describe_deployment,
    ("apps", "DaemonSet"): describe_daemon_set,
    ("apps", "ReplicaSet"): describe_replica_set,
    ("storage.k8s.io", "StorageClass"): describe_storage_class,
    ("storage.k8s.io", "CSINode"): describe_csi_node,
    ("storage.k8s.io", "VolumeAttributesClass"): describe_volume_attributes_class,
    ("policy", "PodDisruptionBudget"): describe_pdb,
    ("rbac.authorization.k8s.io", "RoleBinding"): describe_binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): describe_binding,
    ("scheduling.k8s.io", "PriorityClass"): describe_priority_class,
}


def describer_for(group: str, kind: str) -> Describer:
    """DescriberFor, falling back to the generic describer as kubectl's Describer() does."""
    return DESCRIBERS.get((group, kind), describe_generic)


def describe(obj: dict[str, Any], lookup: Lookup, now_ms: int) -> str:
    """The text ``kubectl describe`` prints for ``obj`` (a Kubernetes JSON object with apiVersion/kind)."""
    return describer_for(api_group(obj), str(obj.get("kind") or ""))(obj, lookup, now_ms)


__all__ = ["DESCRIBERS", "Describer", "Lookup", "describe", "describer_for"]
