"""The built-in resources of a default kube-apiserver v1.37, as data.

One row per served (group, version, resource), as discovery (``/api/v1``, ``/apis/<group>/<version>``)
lists it: GA APIs and the beta APIs that are on by default (none are left in v1.37; every beta
group-version is off by default since KEP-3136). Sources, kubernetes/kubernetes:

- kinds, versions, scope, short names, categories, verbs, subresources: ``api/discovery/*.json`` and
  ``pkg/registry/<group>/<resource>/storage/storage.go`` (``ShortNames()``, ``Categories()``);
- what is on by default: ``pkg/controlplane/apiserver/options`` and the feature gates that went GA in
  1.37 (ClusterTrustBundle, PodCertificateRequest, DRADeviceTaintRules, StorageVersionMigrator);
- etcd prefixes: ``pkg/kubeapiserver/default_storage_factory_builder.go``
  (``SpecialDefaultResourcePrefixes``, ``AddCohabitatingResources``) and
  ``test/integration/etcd/data.go`` (``ExpectedEtcdPath``);
- group order: ``pkg/controlplane/apiserver/aggregator.go`` and ``cmd/kube-apiserver/app/aggregator.go``
  (``GroupPriorityMinimum``; equal priorities sort by name).

Standard library only.
"""

from __future__ import annotations

#: Verbs of a persisted resource served by the generic registry.
FULL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
#: Namespaces cannot be deleted as a collection.
NO_COLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")
#: Review kinds and bindings are create-only and never stored.
CREATE = ("create",)
GET_LIST = ("get", "list")

ALL = ("all",)
EXT = ("api-extensions",)
ST = ("status",)
SCALE = ("scale", "status")
POD_SUBRESOURCES = (
    "attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy",
    "resize", "status",
)

#: (group, version, kind, plural, namespaced, short names, categories, verbs, subresources)
Row = tuple[str, str, str, str, bool, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]

# Rows are listed as `kubectl api-resources` prints them: by group, then resource name.
ROWS: tuple[Row, ...] = (
    ("", "v1", "Binding", "bindings", True, (), (), CREATE, ()),
    ("", "v1", "ComponentStatus", "componentstatuses", False, ("cs",), (), GET_LIST, ()),
    ("", "v1", "ConfigMap", "configmaps", True, ("cm",), (), FULL, ()),
    ("", "v1", "Endpoints", "endpoints", True, ("ep",), (), FULL, ()),
    ("", "v1", "Event", "events", True, ("ev",), (), FULL, ()),
    ("", "v1", "LimitRange", "limitranges", True, ("limits",), (), FULL, ()),
    ("", "v1", "Namespace", "namespaces", False, ("ns",), (), NO_COLLECTION, ("finalize", "status")),
    ("", "v1", "Node", "nodes", False, ("no",), (), FULL, ("proxy", "status")),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, ("pvc",), (), FULL, ST),
    ("", "v1", "PersistentVolume", "persistentvolumes", False, ("pv",), (), FULL, ST),
    ("", "v1", "Pod", "pods", True, ("po",), ALL, FULL, POD_SUBRESOURCES),
    ("", "v1", "PodTemplate", "podtemplates", True, (), (), FULL, ()),
    ("", "v1", "ReplicationController", "replicationcontrollers", True, ("rc",), ALL, FULL, SCALE),
    ("", "v1", "ResourceQuota", "resourcequotas", True, ("quota",), (), FULL, ST),
    ("", "v1", "Secret", "secrets", True, (), (), FULL, ()),
    ("", "v1", "ServiceAccount", "serviceaccounts", True, ("sa",), (), FULL, ("token",)),
    ("", "v1", "Service", "services", True, ("svc",), ALL, FULL, ("proxy", "status")),
    ("admissionregistration.k8s.io", "v1", "MutatingAdmissionPolicy", "mutatingadmissionpolicies", False, (), EXT, FULL, ()),
    ("admissionregistration.k8s.io", "v1", "MutatingAdmissionPolicyBinding", "mutatingadmissionpolicybindings", False, (), EXT, FULL, ()),
    ("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", False, (), EXT, FULL, ()),
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", False, (), EXT, FULL, ST),
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", False, (), EXT, FULL, ()),
    ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", False, (), EXT, FULL, ()),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", False, ("crd", "crds"), EXT, FULL, ST),
    ("apiregistration.k8s.io", "v1", "APIService", "apiservices", False, (), EXT, FULL, ST),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", True, (), (), FULL, ()),
    ("apps", "v1", "DaemonSet", "daemonsets", True, ("ds",), ALL, FULL, ST),
    ("apps", "v1", "Deployment", "deployments", True, ("deploy",), ALL, FULL, SCALE),
    ("apps", "v1", "ReplicaSet", "replicasets", True, ("rs",), ALL, FULL, SCALE),
    ("apps", "v1", "StatefulSet", "statefulsets", True, ("sts",), ALL, FULL, SCALE),
    ("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", False, (), (), CREATE, ()),
    ("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", False, (), (), CREATE, ()),
    ("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", True, (), (), CREATE, ()),
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False, (), (), CREATE, ()),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False, (), (), CREATE, ()),
    ("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", False, (), (), CREATE, ()),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("hpa",), ALL, FULL, ST),
    ("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("hpa",), ALL, FULL, ST),
    ("batch", "v1", "CronJob", "cronjobs", True, ("cj",), ALL, FULL, ST),
    ("batch", "v1", "Job", "jobs", True, (), ALL, FULL, ST),
    ("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", False, ("csr",), (), FULL, ("approval", "status")),
    ("certificates.k8s.io", "v1", "ClusterTrustBundle", "clustertrustbundles", False, (), (), FULL, ()),
    ("certificates.k8s.io", "v1", "PodCertificateRequest", "podcertificaterequests", True, (), (), FULL, ST),
    ("coordination.k8s.io", "v1", "Lease", "leases", True, (), (), FULL, ()),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True, (), (), FULL, ()),
    ("events.k8s.io", "v1", "Event", "events", True, ("ev",), (), FULL, ()),
    ("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", False, (), (), FULL, ST),
    ("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", False, (), (), FULL, ST),
    ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False, (), (), FULL, ()),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",), (), FULL, ST),
    ("networking.k8s.io", "v1", "IPAddress", "ipaddresses", False, ("ip",), (), FULL, ()),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, ("netpol",), (), FULL, ()),
    ("networking.k8s.io", "v1", "ServiceCIDR", "servicecidrs", False, (), (), FULL, ST),
    ("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", False, (), (), FULL, ()),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, ("pdb",), (), FULL, ST),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False, (), (), FULL, ()),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False, (), (), FULL, ()),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True, (), (), FULL, ()),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", True, (), (), FULL, ()),
    ("resource.k8s.io", "v1", "DeviceClass", "deviceclasses", False, (), (), FULL, ()),
    ("resource.k8s.io", "v1", "DeviceTaintRule", "devicetaintrules", False, (), (), FULL, ST),
    ("resource.k8s.io", "v1", "ResourceClaim", "resourceclaims", True, (), (), FULL, ST),
    ("resource.k8s.io", "v1", "ResourceClaimTemplate", "resourceclaimtemplates", True, (), (), FULL, ()),
    ("resource.k8s.io", "v1", "ResourceSlice", "resourceslices", False, (), (), FULL, ()),
    ("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, ("pc",), (), FULL, ()),
    ("storage.k8s.io", "v1", "CSIDriver", "csidrivers", False, (), (), FULL, ()),
    ("storage.k8s.io", "v1", "CSINode", "csinodes", False, (), (), FULL, ()),
    ("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", True, (), (), FULL, ()),
    ("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, ("sc",), (), FULL, ()),
    ("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", False, (), (), FULL, ST),
    ("storage.k8s.io", "v1", "VolumeAttributesClass", "volumeattributesclasses", False, ("vac",), (), FULL, ()),
    ("storagemigration.k8s.io", "v1", "StorageVersionMigration", "storageversionmigrations", False, (), (), FULL, ST),
)

#: Discovery order of the groups (``/apis``): GroupPriorityMinimum descending, then name. The core
#: group comes first (``/api``). kubectl's RESTMapper and short-name expansion follow this order.
GROUP_ORDER: tuple[str, ...] = (
    "",                              # /api, 18000
    "apiregistration.k8s.io",        # 18000
    "apps",                          # 17800
    "events.k8s.io",                 # 17750
    "authentication.k8s.io",         # 17700
    "authorization.k8s.io",          # 17600
    "autoscaling",                   # 17500
    "batch",                         # 17400
    "certificates.k8s.io",           # 17300
    "networking.k8s.io",             # 17200
    "policy",                        # 17100
    "rbac.authorization.k8s.io",     # 17000
    "storage.k8s.io",                # 16800
    "admissionregistration.k8s.io",  # 16700
    "apiextensions.k8s.io",          # 16700
    "scheduling.k8s.io",             # 16600
    "coordination.k8s.io",           # 16500
    "node.k8s.io",                   # 16300
    "discovery.k8s.io",              # 16200
    "flowcontrol.apiserver.k8s.io",  # 16100
    "resource.k8s.io",               # 15900
    "storagemigration.k8s.io",       # 15800
)

#: Served versions of each group, preferred first (the order discovery lists them in).
GROUP_VERSIONS: dict[str, tuple[str, ...]] = {group: ("v1",) for group in GROUP_ORDER}
GROUP_VERSIONS["autoscaling"] = ("v2", "v1")

#: etcd key prefixes that are not ``<resource>`` (SpecialDefaultResourcePrefixes). CRDs and
#: APIServices live in their own API servers, whose storage prefixes the group.
SPECIAL_PREFIXES: dict[tuple[str, str], str] = {
    ("", "replicationcontrollers"): "controllers",
    ("", "endpoints"): "services/endpoints",
    ("", "nodes"): "minions",
    ("", "services"): "services/specs",
    ("networking.k8s.io", "ingresses"): "ingress",
    ("apiextensions.k8s.io", "customresourcedefinitions"): "apiextensions.k8s.io/customresourcedefinitions",
    ("apiregistration.k8s.io", "apiservices"): "apiregistration.k8s.io/apiservices",
}

#: Resources stored as another resource (AddCohabitatingResources): events.k8s.io Events are core
#: Events in etcd, under /registry/events/.
COHABITATING: dict[tuple[str, str], tuple[str, str]] = {
    ("events.k8s.io", "events"): ("", "events"),
}

#: Kinds of apimachinery that every group version registers but that are not resources.
META_KINDS = frozenset({"APIGroup", "APIVersions", "DeleteOptions", "Status", "WatchEvent"})

#: Kinds that the v1.37 OpenAPI schema defines but a default kube-apiserver does not serve as a
#: resource, with the reason. Every beta group-version is off by default (KEP-3136).
NOT_SERVED: dict[tuple[str, str], str] = {
    ("admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy"): "alpha, off by default",
    ("admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding"): "alpha, off by default",
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy"): "beta, off by default",
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding"): "beta, off by default",
    ("authentication.k8s.io/v1", "TokenRequest"): "subresource kind of serviceaccounts/token",
    ("autoscaling/v1", "Scale"): "subresource kind of <workload>/scale",
    ("certificates.k8s.io/v1beta1", "ClusterTrustBundle"): "beta, off by default",
    ("certificates.k8s.io/v1beta1", "PodCertificateRequest"): "beta, off by default",
    ("coordination.k8s.io/v1alpha2", "LeaseCandidate"): "alpha, off by default",
    ("coordination.k8s.io/v1beta1", "LeaseCandidate"): "beta, off by default",
    ("internal.apiserver.k8s.io/v1alpha1", "StorageVersion"): "alpha, off by default",
    ("lifecycle.k8s.io/v1alpha1", "Eviction"): "alpha, off by default",
    ("lifecycle.k8s.io/v1alpha1", "EvictionRequest"): "alpha, off by default",
    ("policy/v1", "Eviction"): "subresource kind of pods/eviction",
    ("resource.k8s.io/v1alpha3", "DeviceTaintRule"): "alpha, off by default",
    ("resource.k8s.io/v1alpha3", "ResourcePoolStatusRequest"): "alpha, off by default",
    ("resource.k8s.io/v1beta1", "DeviceClass"): "beta, off by default",
    ("resource.k8s.io/v1beta1", "ResourceClaim"): "beta, off by default",
    ("resource.k8s.io/v1beta1", "ResourceClaimTemplate"): "beta, off by default",
    ("resource.k8s.io/v1beta1", "ResourceSlice"): "beta, off by default",
    ("resource.k8s.io/v1beta2", "DeviceClass"): "beta, off by default",
    ("resource.k8s.io/v1beta2", "DeviceTaintRule"): "beta, off by default",
    ("resource.k8s.io/v1beta2", "ResourceClaim"): "beta, off by default",
    ("resource.k8s.io/v1beta2", "ResourceClaimTemplate"): "beta, off by default",
    ("resource.k8s.io/v1beta2", "ResourceSlice"): "beta, off by default",
    ("scheduling.k8s.io/v1alpha3", "CompositePodGroup"): "alpha, off by default",
    ("scheduling.k8s.io/v1alpha3", "PodGroup"): "alpha, off by default",
    ("scheduling.k8s.io/v1alpha3", "Workload"): "alpha, off by default",
    ("scheduling.k8s.io/v1beta1", "PodGroup"): "beta, off by default",
    ("scheduling.k8s.io/v1beta1", "Workload"): "beta, off by default",
    ("storagemigration.k8s.io/v1beta1", "StorageVersionMigration"): "beta, off by default",
}
