"""Namespace, Node, ConfigMap, Secret, PV, PVC, StorageClass, LimitRange, ResourceQuota, PriorityClass,
PodDisruptionBudget and HPA strategies (pkg/apis/*/validation messages), and strategy_for's flags."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from labk8s.apiserver.strategies import strategy_for
from labk8s.apiserver.strategy import Strategy

Obj = dict[str, Any]
IMMUTABLE_MSG = "Forbidden: field is immutable when `immutable` is set"


def create(s: Strategy, obj: Obj) -> tuple[Obj, list[str]]:
    obj = copy.deepcopy(obj)
    s.default(obj)
    s.prepare_for_create(obj)
    return obj, [str(e) for e in s.validate(obj)]


def update(s: Strategy, old: Obj, new: Obj) -> list[str]:
    new = copy.deepcopy(new)
    s.default(new)
    s.prepare_for_update(new, old)
    return [str(e) for e in s.validate_update(new, old)]


# -- Namespace ---------------------------------------------------------------------------------------------------

def test_namespace() -> None:
    s = strategy_for("", "Namespace")
    assert s.name_rule == "dns1123label" and s.has_status_subresource and not s.tracks_generation
    _, errs = create(s, {"metadata": {"name": "a"}, "spec": {"finalizers": ["foo"]}})
    assert errs == ['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it '
                    "fully qualified"]
    old, _ = create(s, {"metadata": {"name": "a"}})
    new = copy.deepcopy(old)
    new["spec"]["finalizers"] = []
    new["metadata"]["labels"]["kubernetes.io/metadata.name"] = "b"
    s.prepare_for_update(new, old)
    assert new["spec"]["finalizers"] == ["kubernetes"]  # only the finalize subresource changes them
    assert new["metadata"]["labels"]["kubernetes.io/metadata.name"] == "a"
    terminating = copy.deepcopy(old)
    terminating["status"] = {"phase": "Terminating"}
    assert [str(e) for e in s.validate_status_update(terminating, old)] == [
        "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"]


# -- Node --------------------------------------------------------------------------------------------------------

def test_node_taints_and_status() -> None:
    s = strategy_for("", "Node")
    node = {"metadata": {"name": "node-1"}, "spec": {"taints": [{"key": "k", "effect": "NoRun"},
                                                                {"key": "j"}]},
            "status": {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
    obj, errs = create(s, node)
    assert 'metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", ' \
           '"PreferNoSchedule", "NoExecute"' in errs
    assert "metadata.taints[1].effect: Required value" in errs
    assert obj["status"]["allocatable"] == {"cpu": "4", "memory": "16Gi", "pods": "110"}  # kept at create
    dup = {"metadata": {"name": "n"}, "spec": {"taints": [{"key": "k", "effect": "NoSchedule"},
                                                          {"key": "k", "value": "v", "effect": "NoSchedule"}]}}
    assert 'metadata.taints[1]: Duplicate value: {"Key":"k","Value":"v","Effect":"NoSchedule","TimeAdded":null}: ' \
           "taints must be unique by key and effect pair" in create(s, dup)[1]
    old, _ = create(s, {"metadata": {"name": "n"}, "spec": {"podCIDRs": ["10.244.1.0/24"]}})
    new = copy.deepcopy(old)
    new["spec"]["podCIDRs"] = ["10.244.2.0/24"]
    assert update(s, old, new) == ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" '
                                   "to valid"]


# -- ConfigMap and Secret ----------------------------------------------------------------------------------------

CONFIG_KEY = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
              "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")


def test_configmap_keys_and_immutability() -> None:
    s = strategy_for("", "ConfigMap")
    assert not s.tracks_generation and not s.has_status_subresource
    _, errs = create(s, {"metadata": {"name": "c"}, "data": {"a b": "1", "..x": "2"}})
    assert f'data[a b]: Invalid value: "a b": {CONFIG_KEY}' in errs
    assert "data[..x]: Invalid value: \"..x\": must not start with '..'" in errs
    old, _ = create(s, {"metadata": {"name": "c"}, "data": {"k": "v"}, "immutable": True})
    new = copy.deepcopy(old)
    new["data"]["k"] = "w"
    assert update(s, old, new) == [f"data: {IMMUTABLE_MSG}"]
    new = copy.deepcopy(old)
    new["immutable"] = False
    assert update(s, old, new) == [f"immutable: {IMMUTABLE_MSG}"]
    mutable, _ = create(s, {"metadata": {"name": "c"}, "data": {"k": "v"}})
    changed = copy.deepcopy(mutable)
    changed["data"]["k"] = "w"
    assert update(s, mutable, changed) == []


def test_secret_rules() -> None:
    s = strategy_for("", "Secret")
    _, errs = create(s, {"metadata": {"name": "t"}, "type": "kubernetes.io/tls", "data": {"tls.crt": "eA=="}})
    assert errs == ["data[tls.key]: Required value"]
    old, _ = create(s, {"metadata": {"name": "s"}, "data": {"a": "eA=="}, "immutable": True})
    new = copy.deepcopy(old)
    new["type"] = "kubernetes.io/basic-auth"
    new["data"] = {"username": "eA=="}
    errs = update(s, old, new)
    assert 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable' in errs
    assert f"data: {IMMUTABLE_MSG}" in errs
    sa = {"metadata": {"name": "t"}, "type": "kubernetes.io/service-account-token"}
    assert create(s, sa)[1] == ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]


# -- PV, PVC, StorageClass ---------------------------------------------------------------------------------------

def test_persistent_volume_validation() -> None:
    s = strategy_for("", "PersistentVolume")
    _, errs = create(s, {"metadata": {"name": "pv"}, "spec": {}})
    assert errs == ["spec.accessModes: Required value", "spec.capacity: Required value",
                    'spec.capacity: Unsupported value: null: supported values: "storage"',
                    "spec: Required value: must specify a volume type"]
    good: Obj = {"metadata": {"name": "pv"}, "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"},
                                                 "hostPath": {"path": "/data"}}}
    old, errs = create(s, good)
    assert errs == []
    new = copy.deepcopy(old)
    new["spec"]["hostPath"]["path"] = "/other"
    errs = update(s, old, new)
    assert errs[0].startswith("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable "
                              "after creation\n")
    modes = copy.deepcopy(good)
    modes["spec"]["accessModes"] = ["ReadWriteOncePod", "ReadWriteOnce"]
    assert "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes" in create(s, modes)[1]


def pvc(storage: str = "1Gi", **spec: Any) -> Obj:
    base: Obj = {"metadata": {"name": "data", "namespace": "default"},
                 "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}}
    base["spec"].update(spec)
    return base


def test_persistent_volume_claim_validation() -> None:
    s = strategy_for("", "PersistentVolumeClaim")
    _, errs = create(s, {"metadata": {"name": "d"}, "spec": {}})
    assert errs == ["spec.accessModes: Required value: at least 1 access mode is required",
                    "spec.resources[storage]: Required value"]
    assert 'spec.accessModes: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", ' \
           '"ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"' in create(s, pvc(accessModes=["ReadWriteAll"]))[1]
    assert 'spec.resources[storage]: Invalid value: "0": must be greater than zero' in create(s, pvc("0"))[1]


def test_persistent_volume_claim_updates() -> None:
    s = strategy_for("", "PersistentVolumeClaim")
    old, _ = create(s, pvc(storageClassName="standard"))
    grow = copy.deepcopy(old)
    grow["spec"]["resources"]["requests"]["storage"] = "2Gi"
    errs = update(s, old, grow)
    assert len(errs) == 1 and errs[0].startswith(
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName "
        "for bound claims\n")
    bound = copy.deepcopy(old)
    bound["status"] = {"phase": "Bound", "capacity": {"storage": "1Gi"}}
    bound["spec"]["volumeName"] = "pv-1"
    grow = copy.deepcopy(bound)
    grow["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert update(s, bound, grow) == []
    shrink = copy.deepcopy(bound)
    shrink["spec"]["resources"]["requests"]["storage"] = "500Mi"
    assert update(s, bound, shrink) == [
        "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]
    bind = copy.deepcopy(old)
    bind["spec"]["volumeName"] = "pv-1"  # the binder sets volumeName once
    assert update(s, old, bind) == []


def test_storage_class() -> None:
    s = strategy_for("storage.k8s.io", "StorageClass")
    assert create(s, {"metadata": {"name": "x"}})[1] == ["provisioner: Required value"]
    old, errs = create(s, {"metadata": {"name": "x"}, "provisioner": "rancher.io/local-path"})
    assert errs == []
    new = copy.deepcopy(old)
    new["provisioner"] = "other.io/p"
    new["reclaimPolicy"] = "Retain"
    new["parameters"] = {"a": "b"}
    new["volumeBindingMode"] = "WaitForFirstConsumer"
    assert update(s, old, new) == [
        "parameters: Forbidden: updates to parameters are forbidden.",
        "provisioner: Forbidden: updates to provisioner are forbidden.",
        "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
        'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable']
    assert 'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"' in \
        create(s, {"metadata": {"name": "x"}, "provisioner": "p", "volumeBindingMode": "Later"})[1]


# -- LimitRange, ResourceQuota, PriorityClass, PDB ----------------------------------------------------------------

def test_limit_range() -> None:
    s = strategy_for("", "LimitRange")
    lr = {"metadata": {"name": "l"}, "spec": {"limits": [{"type": "Container", "min": {"cpu": "2"},
                                                          "max": {"cpu": "1"}}]}}
    errs = create(s, lr)[1]
    assert 'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1' in errs
    pod_default = {"metadata": {"name": "l"}, "spec": {"limits": [{"type": "Pod", "default": {"cpu": "1"}}]}}
    assert "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'" in create(s, pod_default)[1]


def test_resource_quota() -> None:
    s = strategy_for("", "ResourceQuota")
    rq = {"metadata": {"name": "q"}, "spec": {"hard": {"pods": "1500m", "cpu": "-1", "foo": "1"}}}
    obj, errs = create(s, rq)
    assert obj["status"] == {}
    assert 'spec.hard[pods]: Invalid value: "1500m": must be an integer' in errs
    assert 'spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0' in errs
    assert 'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified' in errs
    assert 'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota' in errs
    old, _ = create(s, {"metadata": {"name": "q"}, "spec": {"hard": {"pods": "10"}, "scopes": ["BestEffort"]}})
    new = copy.deepcopy(old)
    new["spec"]["scopes"] = ["NotBestEffort"]
    assert 'spec.scopes: Invalid value: ["NotBestEffort"]: field is immutable' in update(s, old, new)
    conflict = {"metadata": {"name": "q"}, "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort", "NotBestEffort"]}}
    assert 'spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes' in create(s, conflict)[1]


def test_priority_class() -> None:
    s = strategy_for("scheduling.k8s.io", "PriorityClass")
    assert create(s, {"metadata": {"name": "high"}, "value": 2000000000})[1] == [
        "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]
    assert create(s, {"metadata": {"name": "system-x"}, "value": 1})[1] == [
        "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
        "error: system-x is not a known system priority class"]
    old, errs = create(s, {"metadata": {"name": "high"}, "value": 1000})
    assert errs == []
    new = copy.deepcopy(old)
    new["value"] = 2000
    new["globalDefault"] = True
    assert update(s, old, new) == ["value: Forbidden: may not be changed in an update."]


def test_pod_disruption_budget() -> None:
    s = strategy_for("policy", "PodDisruptionBudget")
    pdb = {"metadata": {"name": "p"}, "spec": {"minAvailable": 1, "maxUnavailable": "50%",
                                               "selector": {"matchLabels": {"app": "a"}}}}
    obj, errs = create(s, pdb)
    assert errs == ['spec: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":{"app":"a"}},'
                    '"MaxUnavailable":"50%","UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable '
                    "cannot be both set"]
    assert obj["status"] == {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    assert s.tracks_generation and s.has_status_subresource


# -- HorizontalPodAutoscaler -------------------------------------------------------------------------------------

def hpa(**spec: Any) -> Obj:
    base: Obj = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                 "metadata": {"name": "web", "namespace": "default"},
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                          "maxReplicas": 5}}
    base["spec"].update(spec)
    return base


def test_hpa_validation() -> None:
    s = strategy_for("autoscaling", "HorizontalPodAutoscaler")
    obj, errs = create(s, hpa())
    assert errs == []
    assert obj["status"] == {"currentMetrics": None, "desiredReplicas": 0}
    assert create(s, hpa(maxReplicas=0))[1] == [
        "spec.maxReplicas: Invalid value: 0: must be greater than 0",
        "spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`"]
    assert "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1" in create(s, hpa(minReplicas=0))[1]
    assert create(s, hpa(scaleTargetRef={"name": "web"}))[1] == ["spec.scaleTargetRef.kind: Required value"]
    beh = hpa(behavior={"scaleUp": {"policies": [{"type": "Pods", "value": 0, "periodSeconds": 15}]}})
    assert "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero" in create(s, beh)[1]
    util = hpa(metrics=[{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                                      "averageUtilization": 0}}}])
    assert "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0" in \
        create(s, util)[1]
    assert not s.tracks_generation and s.has_status_subresource


# -- strategy_for -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("group,kind,status,generation,name_rule", [
    ("", "Pod", True, True, "dns1123subdomain"),
    ("", "Service", True, False, "dns1035label"),
    ("", "ConfigMap", False, False, "dns1123subdomain"),
    ("", "Secret", False, False, "dns1123subdomain"),
    ("", "ServiceAccount", False, False, "dns1123subdomain"),
    ("", "Event", False, False, "dns1123subdomain"),
    ("", "ReplicationController", True, True, "dns1123subdomain"),
    ("", "PodTemplate", False, True, "dns1123subdomain"),
    ("coordination.k8s.io", "Lease", False, False, "dns1123subdomain"),
    ("discovery.k8s.io", "EndpointSlice", False, True, "dns1123subdomain"),
    ("networking.k8s.io", "Ingress", True, True, "dns1123subdomain"),
    ("networking.k8s.io", "NetworkPolicy", False, True, "dns1123subdomain"),
    ("rbac.authorization.k8s.io", "ClusterRole", False, False, "path_segment"),
    ("apiextensions.k8s.io", "CustomResourceDefinition", True, True, "dns1123subdomain"),
    ("example.com", "Widget", False, True, "dns1123subdomain"),
])
def test_strategy_flags(group: str, kind: str, status: bool, generation: bool, name_rule: str) -> None:
    s = strategy_for(group, kind)
    assert (s.has_status_subresource, s.tracks_generation, s.name_rule) == (status, generation, name_rule)
    assert strategy_for(group, kind) is s
