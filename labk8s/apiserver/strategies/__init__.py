"""The per-kind strategies: ``strategy_for(group, kind)`` returns the one instance for a kind.

Kinds without behaviour of their own get a generic :class:`~labk8s.apiserver.strategy.Strategy` whose
flags follow upstream: a status subresource where the API serves ``<resource>/status``, and
``metadata.generation`` only for the kinds whose registry strategy sets it (custom resources too).
"""

from __future__ import annotations

from labk8s.api.resources import REGISTRY
from labk8s.apiserver.strategies.apps import (
    DaemonSetStrategy,
    DeploymentStrategy,
    ReplicaSetStrategy,
    StatefulSetStrategy,
)
from labk8s.apiserver.strategies.autoscaling import HorizontalPodAutoscalerStrategy
from labk8s.apiserver.strategies.batch import CronJobStrategy, JobStrategy
from labk8s.apiserver.strategies.configmap_secret import ConfigMapStrategy, SecretStrategy
from labk8s.apiserver.strategies.core_misc import (
    EndpointsStrategy,
    PodTemplateStrategy,
    ReplicationControllerStrategy,
)
from labk8s.apiserver.strategies.namespace import NamespaceStrategy
from labk8s.apiserver.strategies.node import NodeStrategy
from labk8s.apiserver.strategies.pod import PodStrategy
from labk8s.apiserver.strategies.policy import (
    LimitRangeStrategy,
    PodDisruptionBudgetStrategy,
    PriorityClassStrategy,
    ResourceQuotaStrategy,
)
from labk8s.apiserver.strategies.service import ServiceStrategy
from labk8s.apiserver.strategies.storage import (
    PersistentVolumeClaimStrategy,
    PersistentVolumeStrategy,
    StorageClassStrategy,
)
from labk8s.apiserver.strategy import Strategy

__all__ = ["strategy_for"]

_SPECIFIC: dict[tuple[str, str], Strategy] = {
    ("", "Pod"): PodStrategy(),
    ("", "Service"): ServiceStrategy(),
    ("", "Namespace"): NamespaceStrategy(),
    ("", "Node"): NodeStrategy(),
    ("", "ConfigMap"): ConfigMapStrategy(),
    ("", "Secret"): SecretStrategy(),
    ("", "Endpoints"): EndpointsStrategy(),
    ("", "PodTemplate"): PodTemplateStrategy(),
    ("", "ReplicationController"): ReplicationControllerStrategy(),
    ("", "PersistentVolume"): PersistentVolumeStrategy(),
    ("", "PersistentVolumeClaim"): PersistentVolumeClaimStrategy(),
    ("", "LimitRange"): LimitRangeStrategy(),
    ("", "ResourceQuota"): ResourceQuotaStrategy(),
    ("apps", "Deployment"): DeploymentStrategy(),
    ("apps", "ReplicaSet"): ReplicaSetStrategy(),
    ("apps", "DaemonSet"): DaemonSetStrategy(),
    ("apps", "StatefulSet"): StatefulSetStrategy(),
    ("batch", "Job"): JobStrategy(),
    ("batch", "CronJob"): CronJobStrategy(),
    ("autoscaling", "HorizontalPodAutoscaler"): HorizontalPodAutoscalerStrategy(),
    ("storage.k8s.io", "StorageClass"): StorageClassStrategy(),
    ("scheduling.k8s.io", "PriorityClass"): PriorityClassStrategy(),
    ("policy", "PodDisruptionBudget"): PodDisruptionBudgetStrategy(),
}

#: Built-in kinds whose registry strategy sets metadata.generation (PrepareForCreate: Generation = 1).
_GENERATION_KINDS = frozenset({
    ("discovery.k8s.io", "EndpointSlice"),
    ("networking.k8s.io", "Ingress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
})
_PATH_SEGMENT_KINDS = frozenset({
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
})

_cache: dict[tuple[str, str], Strategy] = dict(_SPECIFIC)


def _generic(group: str, kind: str) -> Strategy:
    rt = REGISTRY.preferred(group, kind)
    s = Strategy()
    if rt is None:
        # A custom resource: its registry sets generation; status follows the CRD (not known here).
        s.tracks_generation = True
        return s
    s.has_status_subresource = "status" in rt.subresources
    s.tracks_generation = (group, kind) in _GENERATION_KINDS
    if (group, kind) in _PATH_SEGMENT_KINDS:
        s.name_rule = "path_segment"
    return s


def strategy_for(group: str, kind: str) -> Strategy:
    """The strategy of a kind (one shared instance per (group, kind))."""
    key = (group, kind)
    s = _cache.get(key)
    if s is None:
        s = _cache[key] = _generic(group, kind)
    return s
