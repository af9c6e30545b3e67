"""Built-in resources of kube-apiserver v1.37 and kubectl-style name resolution (labk8s.api.resources)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from labk8s.api import resource_table
from labk8s.api.resources import (
    NOT_SERVED,
    REGISTRY,
    ResourceType,
    UnknownResourceError,
    no_kind_match_message,
)

# -- resolution (kubectl get <name>) ----------------------------------------------------------------

# (name as typed, apiVersion, resource) -- derived from client-go restmapper/shortcut.go,
# apimachinery meta/restmapper.go + priority.go and cli-runtime builder.go.
RESOLVE = [
    ("pods", "v1", "pods"),
    ("pod", "v1", "pods"),
    ("po", "v1", "pods"),
    ("Pod", "v1", "pods"),
    ("Pods", "v1", "pods"),
    ("PODS", "v1", "pods"),
    ("pods.v1.", "v1", "pods"),
    ("svc", "v1", "services"),
    ("service", "v1", "services"),
    ("Service", "v1", "services"),
    ("no", "v1", "nodes"),
    ("node", "v1", "nodes"),
    ("ns", "v1", "namespaces"),
    ("namespace", "v1", "namespaces"),
    ("cm", "v1", "configmaps"),
    ("ConfigMap", "v1", "configmaps"),
    ("secret", "v1", "secrets"),
    ("sa", "v1", "serviceaccounts"),
    ("pvc", "v1", "persistentvolumeclaims"),
    ("PersistentVolumeClaim", "v1", "persistentvolumeclaims"),
    ("pv", "v1", "persistentvolumes"),
    ("ep", "v1", "endpoints"),
    ("endpoints", "v1", "endpoints"),
    ("Endpoints", "v1", "endpoints"),
    ("rc", "v1", "replicationcontrollers"),
    ("quota", "v1", "resourcequotas"),
    ("limits", "v1", "limitranges"),
    ("cs", "v1", "componentstatuses"),
    ("podtemplate", "v1", "podtemplates"),
    # events: core wins over events.k8s.io (core v1 is first in the RESTMapper priority)
    ("ev", "v1", "events"),
    ("event", "v1", "events"),
    ("events", "v1", "events"),
    ("Event", "v1", "events"),
    ("events.events.k8s.io", "events.k8s.io/v1", "events"),
    ("ev.events.k8s.io", "events.k8s.io/v1", "events"),
    ("events.v1.events.k8s.io", "events.k8s.io/v1", "events"),
    ("events.events", "events.k8s.io/v1", "events"),  # group prefix
    # apps
    ("deploy", "apps/v1", "deployments"),
    ("deployment", "apps/v1", "deployments"),
    ("deployments", "apps/v1", "deployments"),
    ("Deployment", "apps/v1", "deployments"),
    ("deployments.apps", "apps/v1", "deployments"),
    ("deployment.apps", "apps/v1", "deployments"),
    ("deploy.apps", "apps/v1", "deployments"),
    ("Deployment.apps", "apps/v1", "deployments"),
    ("deployments.v1.apps", "apps/v1", "deployments"),
    ("Deployment.v1.apps", "apps/v1", "deployments"),
    ("deploy.v1.apps", "apps/v1", "deployments"),
    ("deployments.app", "apps/v1", "deployments"),  # group prefix
    ("ds", "apps/v1", "daemonsets"),
    ("rs", "apps/v1", "replicasets"),
    ("ReplicaSet", "apps/v1", "replicasets"),
    ("sts", "apps/v1", "statefulsets"),
    ("statefulset", "apps/v1", "statefulsets"),
    ("controllerrevision", "apps/v1", "controllerrevisions"),
    # autoscaling: v2 is preferred; v1 is still served
    ("hpa", "autoscaling/v2", "horizontalpodautoscalers"),
    ("HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers"),
    ("horizontalpodautoscalers.autoscaling", "autoscaling/v2", "horizontalpodautoscalers"),
    ("hpa.autoscaling", "autoscaling/v2", "horizontalpodautoscalers"),
    ("hpa.autoscal", "autoscaling/v2", "horizontalpodautoscalers"),
    ("horizontalpodautoscalers.v1.autoscaling", "autoscaling/v1", "horizontalpodautoscalers"),
    ("horizontalpodautoscaler.v1.autoscaling", "autoscaling/v1", "horizontalpodautoscalers"),
    ("HorizontalPodAutoscaler.v1.autoscaling", "autoscaling/v1", "horizontalpodautoscalers"),
    ("horizontalpodautoscalers.v2.autoscaling", "autoscaling/v2", "horizontalpodautoscalers"),
    # an exact shortcut drops the version it was given (shortcut.go builds a fresh GVR)
    ("hpa.v1.autoscaling", "autoscaling/v2", "horizontalpodautoscalers"),
    # batch
    ("cj", "batch/v1", "cronjobs"),
    ("cronjob", "batch/v1", "cronjobs"),
    ("CronJob", "batch/v1", "cronjobs"),
    ("job", "batch/v1", "jobs"),
    ("jobs.batch", "batch/v1", "jobs"),
    # networking, policy, scheduling, storage, ...
    ("netpol", "networking.k8s.io/v1", "networkpolicies"),
    ("networkpolicy", "networking.k8s.io/v1", "networkpolicies"),
    ("ing", "networking.k8s.io/v1", "ingresses"),
    ("ingress", "networking.k8s.io/v1", "ingresses"),
    ("ingresses.networking.k8s.io", "networking.k8s.io/v1", "ingresses"),
    ("ingressclass", "networking.k8s.io/v1", "ingressclasses"),
    ("ip", "networking.k8s.io/v1", "ipaddresses"),
    ("servicecidr", "networking.k8s.io/v1", "servicecidrs"),
    ("pdb", "policy/v1", "poddisruptionbudgets"),
    ("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets"),
    ("pc", "scheduling.k8s.io/v1", "priorityclasses"),
    ("priorityclass", "scheduling.k8s.io/v1", "priorityclasses"),
    ("sc", "storage.k8s.io/v1", "storageclasses"),
    ("storageclass", "storage.k8s.io/v1", "storageclasses"),
    ("storageclasses.storage.k8s.io", "storage.k8s.io/v1", "storageclasses"),
    ("storageclass.storage", "storage.k8s.io/v1", "storageclasses"),  # group prefix
    ("sc.storage", "storage.k8s.io/v1", "storageclasses"),  # short name + group prefix
    ("vac", "storage.k8s.io/v1", "volumeattributesclasses"),
    ("csidriver", "storage.k8s.io/v1", "csidrivers"),
    ("csr", "certificates.k8s.io/v1", "certificatesigningrequests"),
    ("crd", "apiextensions.k8s.io/v1", "customresourcedefinitions"),
    ("crds", "apiextensions.k8s.io/v1", "customresourcedefinitions"),
    ("apiservice", "apiregistration.k8s.io/v1", "apiservices"),
    ("lease", "coordination.k8s.io/v1", "leases"),
    ("endpointslice", "discovery.k8s.io/v1", "endpointslices"),
    ("EndpointSlice", "discovery.k8s.io/v1", "endpointslices"),
    ("runtimeclass", "node.k8s.io/v1", "runtimeclasses"),
    ("clusterrole", "rbac.authorization.k8s.io/v1", "clusterroles"),
    ("rolebindings.rbac.authorization.k8s.io", "rbac.authorization.k8s.io/v1", "rolebindings"),
    ("role.rbac", "rbac.authorization.k8s.io/v1", "roles"),
    ("flowschema", "flowcontrol.apiserver.k8s.io/v1", "flowschemas"),
    ("resourceclaim", "resource.k8s.io/v1", "resourceclaims"),
    ("deviceclass", "resource.k8s.io/v1", "deviceclasses"),
    ("devicetaintrule", "resource.k8s.io/v1", "devicetaintrules"),
    ("validatingadmissionpolicy", "admissionregistration.k8s.io/v1", "validatingadmissionpolicies"),
    ("mutatingadmissionpolicies", "admissionregistration.k8s.io/v1", "mutatingadmissionpolicies"),
    ("clustertrustbundle", "certificates.k8s.io/v1", "clustertrustbundles"),
    ("podcertificaterequest", "certificates.k8s.io/v1", "podcertificaterequests"),
    ("storageversionmigration", "storagemigration.k8s.io/v1", "storageversionmigrations"),
    ("tokenreview", "authentication.k8s.io/v1", "tokenreviews"),
    ("selfsubjectaccessreview", "authorization.k8s.io/v1", "selfsubjectaccessreviews"),
    ("binding", "v1", "bindings"),
]


@pytest.mark.parametrize(("name", "api_version", "plural"), RESOLVE)
def test_resolve(name: str, api_version: str, plural: str) -> None:
    rt = REGISTRY.resolve(name)
    assert (rt.api_version, rt.plural) == (api_version, plural)


# (name, resource named in kubectl's error) -- builder.go prints groupResource.Resource.
UNKNOWN = [
    ("foo", "foo"),
    ("foo.bar", "foo"),
    ("foos.v1.bar", "foos"),
    ("", ""),
    ("PO", "PO"),  # short names match exactly; "po" is no resource name
    ("Deploy", "Deploy"),
    ("SVC", "SVC"),
    ("pods.core", "pods"),  # there is no "core" group
    ("deployments.v2.apps", "deployments"),  # apps/v2 does not exist
    ("cronjobs.v1beta1.batch", "cronjobs"),
    ("deploy.extensions", "deploy"),
    ("podsecuritypolicies", "podsecuritypolicies"),
    ("psp", "psp"),
    ("leasecandidates", "leasecandidates"),  # beta, off by default
    ("workloads", "workloads"),  # beta, off by default
    ("all", "all"),  # a category, not a resource type
]


@pytest.mark.parametrize(("name", "resource"), UNKNOWN)
def test_resolve_unknown(name: str, resource: str) -> None:
    with pytest.raises(UnknownResourceError) as info:
        REGISTRY.resolve(name)
    assert str(info.value) == f'the server doesn\'t have a resource type "{resource}"'
    assert info.value.resource == resource
    assert isinstance(info.value, ValueError)


def test_expand_categories_and_lists() -> None:
    assert [rt.group_resource for rt in REGISTRY.expand("all")] == [
        "pods", "replicationcontrollers", "services", "daemonsets.apps", "deployments.apps",
        "replicasets.apps", "statefulsets.apps", "horizontalpodautoscalers.autoscaling", "cronjobs.batch",
        "jobs.batch",
    ]
    assert [rt.plural for rt in REGISTRY.expand("po,svc,deploy")] == ["pods", "services", "deployments"]
    assert [rt.group_resource for rt in REGISTRY.expand("deploy,deployments.apps,Deployment")] == [
        "deployments.apps"
    ]
    with pytest.raises(UnknownResourceError):
        REGISTRY.expand("po,foo")


# -- GVK lookups -----------------------------------------------------------------------------------

FOR_GVK = [
    ("v1", "Pod", "pods"),
    ("v1", "Service", "services"),
    ("v1", "Event", "events"),
    ("events.k8s.io/v1", "Event", "events"),
    ("apps/v1", "Deployment", "deployments"),
    ("batch/v1", "CronJob", "cronjobs"),
    ("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
    ("autoscaling/v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
    ("networking.k8s.io/v1", "Ingress", "ingresses"),
    ("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets"),
    ("resource.k8s.io/v1", "ResourceClaim", "resourceclaims"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions"),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews"),
]


@pytest.mark.parametrize(("api_version", "kind", "plural"), FOR_GVK)
def test_for_gvk(api_version: str, kind: str, plural: str) -> None:
    rt = REGISTRY.for_gvk(api_version, kind)
    assert rt is not None
    assert (rt.api_version, rt.kind, rt.plural) == (api_version, kind, plural)


NOT_FOUND_GVK = [
    ("batch/v1beta1", "CronJob"),
    ("extensions/v1beta1", "Deployment"),
    ("extensions/v1beta1", "Ingress"),
    ("apps/v1beta1", "Deployment"),
    ("apps/v1beta2", "StatefulSet"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("policy/v1beta1", "PodDisruptionBudget"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
    ("networking.k8s.io/v1beta1", "Ingress"),
    ("networking.k8s.io/v1beta1", "IPAddress"),
    ("storage.k8s.io/v1beta1", "VolumeAttributesClass"),
    ("resource.k8s.io/v1beta1", "ResourceClaim"),
    ("coordination.k8s.io/v1beta1", "LeaseCandidate"),
    ("scheduling.k8s.io/v1beta1", "Workload"),
    ("apps/v1", "Pod"),  # a kind of another group
    ("v1", "pod"),  # kinds are case-sensitive on the wire
    ("v1", "Pods"),
    ("v1", "PodList"),
    ("v1", "Scale"),
    ("policy/v1", "Eviction"),  # served only as pods/eviction
    ("v1", "Status"),
]


@pytest.mark.parametrize(("api_version", "kind"), NOT_FOUND_GVK)
def test_for_gvk_not_served(api_version: str, kind: str) -> None:
    assert REGISTRY.for_gvk(api_version, kind) is None


@pytest.mark.parametrize(
    ("api_version", "kind", "message"),
    [
        ("batch/v1beta1", "CronJob", 'no matches for kind "CronJob" in version "batch/v1beta1"'),
        ("extensions/v1beta1", "Deployment", 'no matches for kind "Deployment" in version "extensions/v1beta1"'),
        ("v1", "Foo", 'no matches for kind "Foo" in version "v1"'),
    ],
)
def test_no_kind_match_message(api_version: str, kind: str, message: str) -> None:
    assert no_kind_match_message(api_version, kind) == message


def test_preferred_versions() -> None:
    hpa = REGISTRY.preferred("autoscaling", "HorizontalPodAutoscaler")
    assert hpa is not None and hpa.api_version == "autoscaling/v2"
    assert REGISTRY.preferred_version("autoscaling") == "v2"
    assert REGISTRY.versions("autoscaling") == ("v2", "v1")
    assert REGISTRY.preferred_version("") == "v1"
    assert REGISTRY.preferred_version("apps") == "v1"
    assert REGISTRY.preferred_version("extensions") is None
    pod = REGISTRY.preferred("", "Pod")
    assert pod is not None and pod.api_version == "v1"
    assert REGISTRY.preferred("apps", "Pod") is None
    assert REGISTRY.preferred("batch", "CronJob") == REGISTRY.for_gvk("batch/v1", "CronJob")
    v1 = REGISTRY.for_gvk("autoscaling/v1", "HorizontalPodAutoscaler")
    assert v1 is not None and v1 != hpa
    assert (v1.key_prefix, v1.short_names, v1.categories) == (hpa.key_prefix, hpa.short_names, hpa.categories)
    assert REGISTRY.for_resource("autoscaling", "horizontalpodautoscalers") == hpa
    assert REGISTRY.for_resource("autoscaling", "horizontalpodautoscalers", "v1") == v1
    assert REGISTRY.for_resource("", "deployments") is None


def test_every_schema_kind_is_served_or_listed_as_not_served() -> None:
    spec = importlib.util.find_spec("kubernetes_validate")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "kubernetes-json-schema" / "v1.37.0-local-strict" / "_definitions.json"
    defs = json.loads(path.read_text())["$defs"]
    schema_gvks: set[tuple[str, str]] = set()
    for definition in defs.values():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            kind = gvk["kind"]
            if kind.endswith("List") or kind in resource_table.META_KINDS:
                continue
            group, version = gvk["group"], gvk["version"]
            schema_gvks.add((f"{group}/{version}" if group else version, kind))
    served = {(rt.api_version, rt.kind) for rt in REGISTRY.served()}
    unaccounted = sorted(schema_gvks - served - set(NOT_SERVED))
    assert unaccounted == []
    # Every registry row and every not-served entry is a real v1.37 kind, and the two do not overlap.
    assert sorted(served - schema_gvks) == []
    assert sorted(set(NOT_SERVED) - schema_gvks) == []
    assert sorted(served & set(NOT_SERVED)) == []


# -- the table ---------------------------------------------------------------------------------------

# kubectl api-resources (v1.37 defaults): NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND.
API_RESOURCES = [
    ("bindings", "", "v1", True, "Binding"),
    ("componentstatuses", "cs", "v1", False, "ComponentStatus"),
    ("configmaps", "cm", "v1", True, "ConfigMap"),
    ("endpoints", "ep", "v1", True, "Endpoints"),
    ("events", "ev", "v1", True, "Event"),
    ("limitranges", "limits", "v1", True, "LimitRange"),
    ("namespaces", "ns", "v1", False, "Namespace"),
    ("nodes", "no", "v1", False, "Node"),
    ("persistentvolumeclaims", "pvc", "v1", True, "PersistentVolumeClaim"),
    ("persistentvolumes", "pv", "v1", False, "PersistentVolume"),
    ("pods", "po", "v1", True, "Pod"),
    ("podtemplates", "", "v1", True, "PodTemplate"),
    ("replicationcontrollers", "rc", "v1", True, "ReplicationController"),
    ("resourcequotas", "quota", "v1", True, "ResourceQuota"),
    ("secrets", "", "v1", True, "Secret"),
    ("serviceaccounts", "sa", "v1", True, "ServiceAccount"),
    ("services", "svc", "v1", True, "Service"),
    ("mutatingadmissionpolicies", "", "admissionregistration.k8s.io/v1", False, "MutatingAdmissionPolicy"),
]

API_RESOURCES_TAIL = [
    ("priorityclasses", "pc", "scheduling.k8s.io/v1", False, "PriorityClass"),
    ("csidrivers", "", "storage.k8s.io/v1", False, "CSIDriver"),
    ("csinodes", "", "storage.k8s.io/v1", False, "CSINode"),
    ("csistoragecapacities", "", "storage.k8s.io/v1", True, "CSIStorageCapacity"),
    ("storageclasses", "sc", "storage.k8s.io/v1", False, "StorageClass"),
    ("volumeattachments", "", "storage.k8s.io/v1", False, "VolumeAttachment"),
    ("volumeattributesclasses", "vac", "storage.k8s.io/v1", False, "VolumeAttributesClass"),
    ("storageversionmigrations", "", "storagemigration.k8s.io/v1", False, "StorageVersionMigration"),
]


def _row(rt: ResourceType) -> tuple[str, str, str, bool, str]:
    return rt.plural, ",".join(rt.short_names), rt.api_version, rt.namespaced, rt.kind


def test_api_resources_order() -> None:
    rows = [_row(rt) for rt in REGISTRY.all()]
    assert rows[: len(API_RESOURCES)] == API_RESOURCES
    assert rows[-len(API_RESOURCES_TAIL):] == API_RESOURCES_TAIL
    assert len(rows) == 71
    assert rows == sorted(rows, key=lambda r: (r[2].rpartition("/")[0], r[0]))
    # preferred versions only: one HPA row, at autoscaling/v2
    assert [r for r in rows if r[0] == "horizontalpodautoscalers"] == [
        ("horizontalpodautoscalers", "hpa", "autoscaling/v2", True, "HorizontalPodAutoscaler")
    ]
    # both Event rows, core first
    assert [r for r in rows if r[0] == "events"] == [
        ("events", "ev", "v1", True, "Event"),
        ("events", "ev", "events.k8s.io/v1", True, "Event"),
    ]
    assert len(REGISTRY.served()) == 72


SHORT_NAMES = [
    ("componentstatuses", ("cs",)), ("configmaps", ("cm",)), ("endpoints", ("ep",)), ("events", ("ev",)),
    ("limitranges", ("limits",)), ("namespaces", ("ns",)), ("nodes", ("no",)),
    ("persistentvolumeclaims", ("pvc",)), ("persistentvolumes", ("pv",)), ("pods", ("po",)),
    ("replicationcontrollers", ("rc",)), ("resourcequotas", ("quota",)), ("serviceaccounts", ("sa",)),
    ("services", ("svc",)), ("customresourcedefinitions.apiextensions.k8s.io", ("crd", "crds")),
    ("daemonsets.apps", ("ds",)), ("deployments.apps", ("deploy",)), ("replicasets.apps", ("rs",)),
    ("statefulsets.apps", ("sts",)), ("horizontalpodautoscalers.autoscaling", ("hpa",)),
    ("cronjobs.batch", ("cj",)), ("certificatesigningrequests.certificates.k8s.io", ("csr",)),
    ("events.events.k8s.io", ("ev",)), ("ingresses.networking.k8s.io", ("ing",)),
    ("ipaddresses.networking.k8s.io", ("ip",)), ("networkpolicies.networking.k8s.io", ("netpol",)),
    ("poddisruptionbudgets.policy", ("pdb",)), ("priorityclasses.scheduling.k8s.io", ("pc",)),
    ("storageclasses.storage.k8s.io", ("sc",)), ("volumeattributesclasses.storage.k8s.io", ("vac",)),
]


def test_short_names() -> None:
    actual = {rt.group_resource: rt.short_names for rt in REGISTRY.all() if rt.short_names}
    assert actual == dict(SHORT_NAMES)
    # Every short name resolves to its own resource (ev: to core events, by priority).
    for rt in REGISTRY.all():
        for short in rt.short_names:
            resolved = REGISTRY.resolve(short)
            assert resolved.plural == rt.plural
            assert resolved.group == ("" if short == "ev" else rt.group)


KEY_PREFIXES = [
    ("pods", "/registry/pods/"),
    ("services", "/registry/services/specs/"),
    ("endpoints", "/registry/services/endpoints/"),
    ("nodes", "/registry/minions/"),
    ("replicationcontrollers", "/registry/controllers/"),
    ("namespaces", "/registry/namespaces/"),
    ("events", "/registry/events/"),
    ("events.events.k8s.io", "/registry/events/"),  # cohabitating: stored as core Events
    ("configmaps", "/registry/configmaps/"),
    ("persistentvolumes", "/registry/persistentvolumes/"),
    ("deployments.apps", "/registry/deployments/"),
    ("replicasets.apps", "/registry/replicasets/"),
    ("daemonsets.apps", "/registry/daemonsets/"),
    ("statefulsets.apps", "/registry/statefulsets/"),
    ("controllerrevisions.apps", "/registry/controllerrevisions/"),
    ("horizontalpodautoscalers.autoscaling", "/registry/horizontalpodautoscalers/"),
    ("jobs.batch", "/registry/jobs/"),
    ("cronjobs.batch", "/registry/cronjobs/"),
    ("ingresses.networking.k8s.io", "/registry/ingress/"),
    ("ingressclasses.networking.k8s.io", "/registry/ingressclasses/"),
    ("endpointslices.discovery.k8s.io", "/registry/endpointslices/"),
    ("leases.coordination.k8s.io", "/registry/leases/"),
    ("storageclasses.storage.k8s.io", "/registry/storageclasses/"),
    ("customresourcedefinitions.apiextensions.k8s.io", "/registry/apiextensions.k8s.io/customresourcedefinitions/"),
    ("apiservices.apiregistration.k8s.io", "/registry/apiregistration.k8s.io/apiservices/"),
    ("priorityclasses.scheduling.k8s.io", "/registry/priorityclasses/"),
    ("clusterroles.rbac.authorization.k8s.io", "/registry/clusterroles/"),
    ("podcertificaterequests.certificates.k8s.io", "/registry/podcertificaterequests/"),
    ("bindings", ""),  # never stored
    ("componentstatuses", ""),
    ("tokenreviews.authentication.k8s.io", ""),
    ("subjectaccessreviews.authorization.k8s.io", ""),
]


@pytest.mark.parametrize(("group_resource", "prefix"), KEY_PREFIXES)
def test_key_prefix(group_resource: str, prefix: str) -> None:
    rt = REGISTRY.resolve(group_resource)
    assert rt.group_resource == group_resource
    assert rt.key_prefix == prefix


def test_key_prefixes_unique() -> None:
    # One prefix per stored resource; only cohabitating resources share their storage's prefix.
    stored = [rt for rt in REGISTRY.all() if rt.persisted and REGISTRY.storage_type(rt) == rt]
    prefixes = [rt.key_prefix for rt in stored]
    assert len(prefixes) == len(set(prefixes)) == 62
    # No prefix is a prefix of another (a range read of one never returns objects of another).
    for a in prefixes:
        for b in prefixes:
            assert a == b or not b.startswith(a), (a, b)
    shared = [rt for rt in REGISTRY.all() if rt.persisted and REGISTRY.storage_type(rt) != rt]
    assert [(rt.group_resource, REGISTRY.storage_type(rt).group_resource) for rt in shared] == [
        ("events.events.k8s.io", "events")
    ]
    assert all(rt.key_prefix.startswith("/registry/") and rt.key_prefix.endswith("/") for rt in stored)


def test_categories() -> None:
    assert [rt.group_resource for rt in REGISTRY.in_category("api-extensions")] == [
        "apiservices.apiregistration.k8s.io",
        "mutatingadmissionpolicies.admissionregistration.k8s.io",
        "mutatingadmissionpolicybindings.admissionregistration.k8s.io",
        "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingadmissionpolicies.admissionregistration.k8s.io",
        "validatingadmissionpolicybindings.admissionregistration.k8s.io",
        "validatingwebhookconfigurations.admissionregistration.k8s.io",
        "customresourcedefinitions.apiextensions.k8s.io",
    ]
    assert [rt.plural for rt in REGISTRY.in_category("all")] == [
        "pods", "replicationcontrollers", "services", "daemonsets", "deployments", "replicasets",
        "statefulsets", "horizontalpodautoscalers", "cronjobs", "jobs",
    ]
    assert REGISTRY.in_category("nope") == []


SUBRESOURCES = [
    ("pods", ("attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy",
              "resize", "status")),
    ("services", ("proxy", "status")),
    ("nodes", ("proxy", "status")),
    ("namespaces", ("finalize", "status")),
    ("serviceaccounts", ("token",)),
    ("replicationcontrollers", ("scale", "status")),
    ("deployments", ("scale", "status")),
    ("replicasets", ("scale", "status")),
    ("statefulsets", ("scale", "status")),
    ("daemonsets", ("status",)),
    ("hpa", ("status",)),
    ("jobs", ("status",)),
    ("cronjobs", ("status",)),
    ("pvc", ("status",)),
    ("pv", ("status",)),
    ("csr", ("approval", "status")),
    ("configmaps", ()),
    ("secrets", ()),
    ("endpointslices", ()),
    ("networkpolicies", ()),
    ("servicecidrs", ("status",)),
    ("crd", ("status",)),
]


@pytest.mark.parametrize(("name", "subresources"), SUBRESOURCES)
def test_subresources(name: str, subresources: tuple[str, ...]) -> None:
    assert REGISTRY.resolve(name).subresources == subresources


FULL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
VERBS = [
    ("pods", FULL),
    ("deployments", FULL),
    ("namespaces", ("create", "delete", "get", "list", "patch", "update", "watch")),
    ("componentstatuses", ("get", "list")),
    ("bindings", ("create",)),
    ("tokenreviews", ("create",)),
    ("selfsubjectreviews", ("create",)),
    ("localsubjectaccessreviews", ("create",)),
    ("selfsubjectrulesreviews", ("create",)),
]


@pytest.mark.parametrize(("name", "verbs"), VERBS)
def test_verbs(name: str, verbs: tuple[str, ...]) -> None:
    assert REGISTRY.resolve(name).verbs == verbs


def test_resource_type_shape() -> None:
    deploy = REGISTRY.resolve("deploy")
    assert deploy == ResourceType(
        group="apps", version="v1", kind="Deployment", plural="deployments", singular="deployment",
        namespaced=True, short_names=("deploy",), categories=("all",), verbs=FULL, subresources=("scale", "status"),
    )
    assert (deploy.api_version, deploy.group_resource, deploy.list_kind) == ("apps/v1", "deployments.apps", "DeploymentList")
    pod = REGISTRY.resolve("po")
    assert (pod.api_version, pod.group_resource, pod.singular) == ("v1", "pods", "pod")
    assert REGISTRY.resolve("ep").singular == "endpoints"
    with pytest.raises(dataclasses.FrozenInstanceError):
        pod.plural = "x"  # type: ignore[misc]
    assert REGISTRY.groups()[:4] == ("", "apiregistration.k8s.io", "apps", "events.k8s.io")
    # every namespaced/cluster flag of the GA workloads
    assert [rt.plural for rt in REGISTRY.all() if not rt.namespaced and rt.group == ""] == [
        "componentstatuses", "namespaces", "nodes", "persistentvolumes"
    ]
    assert REGISTRY.resolve("podcertificaterequests").namespaced
    assert not REGISTRY.resolve("clustertrustbundles").namespaced
