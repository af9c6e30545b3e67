"""The admission chain, in kube-apiserver's plugin order."""

from labk8s.apiserver.admission.default_storage_class import DefaultStorageClass
from labk8s.apiserver.admission.default_toleration_seconds import DefaultTolerationSeconds
from labk8s.apiserver.admission.interface import AdmissionChain, AdmissionPlugin, Attributes, ObjectReader
from labk8s.apiserver.admission.limit_ranger import LimitRanger
from labk8s.apiserver.admission.namespace_lifecycle import NamespaceLifecycle
from labk8s.apiserver.admission.priority import Priority
from labk8s.apiserver.admission.resource_quota import ResourceQuota


def default_admission_chain() -> AdmissionChain:
    """The enabled plugins in the order of kube-apiserver's AllOrderedPlugins."""
    return AdmissionChain([
        NamespaceLifecycle(),
        LimitRanger(),
        DefaultTolerationSeconds(),
        DefaultStorageClass(),
        Priority(),
        ResourceQuota(),
    ])


__all__ = [
    "AdmissionChain",
    "AdmissionPlugin",
    "Attributes",
    "ObjectReader",
    "default_admission_chain",
]
