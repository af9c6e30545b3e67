"""Defaulting, ported from shared/reference/kubernetes (api-machinery.md section 4 and 7, workloads.md,
storage.md, autoscaling.md section 2) and upstream defaults.go / defaults_test.go."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from labk8s.apiserver.strategies import strategy_for
from labk8s.apiserver.strategies.podspec_defaults import image_tag

Obj = dict[str, Any]


def pod(**spec: Any) -> Obj:
    base: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    base["spec"].update(spec)
    return base


def defaulted(group: str, kind: str, obj: Obj) -> Obj:
    obj = copy.deepcopy(obj)
    strategy_for(group, kind).default(obj)
    return obj


# api-machinery.md 7: image -> imagePullPolicy (parsers.ParseImageName: no tag and no digest is "latest").
@pytest.mark.parametrize("image,policy", [
    ("nginx", "Always"),
    ("nginx:1.25", "IfNotPresent"),
    ("nginx:latest", "Always"),
    ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
    ("registry.k8s.io/pause:3.10", "IfNotPresent"),
    ("localhost:5000/app", "Always"),
    ("busybox:latest@sha256:" + "b" * 64, "Always"),
])
def test_image_pull_policy_from_tag(image: str, policy: str) -> None:
    p = defaulted("", "Pod", pod(containers=[{"name": "c", "image": image}]))
    assert p["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_image_tag_of_unparseable_reference_is_empty() -> None:
    assert image_tag("NGINX") == ""  # repository names must be lower case
    assert image_tag("") == ""


def test_pod_spec_defaults() -> None:
    spec = defaulted("", "Pod", pod())["spec"]
    # api-machinery.md 4.1 rule 1, SetDefaults_Pod (enableServiceLinks)
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["restartPolicy"] == "Always"
    assert spec["securityContext"] == {}
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["enableServiceLinks"] is True
    c = spec["containers"][0]
    # 4.2 rules 2 and 3
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"


def test_explicit_values_are_kept() -> None:
    spec = defaulted("", "Pod", pod(dnsPolicy="Default", restartPolicy="Never", terminationGracePeriodSeconds=0,
                                    enableServiceLinks=False))["spec"]
    assert (spec["dnsPolicy"], spec["restartPolicy"]) == ("Default", "Never")
    assert spec["terminationGracePeriodSeconds"] == 0
    assert spec["enableServiceLinks"] is False


def test_requests_default_from_limits() -> None:
    # api-machinery.md 7: limits {cpu: 500m}, no requests -> requests {cpu: 500m}; init containers too.
    c = {"name": "c", "image": "x", "resources": {"limits": {"cpu": "500m"}}}
    ic = {"name": "i", "image": "x", "resources": {"limits": {"memory": "1Gi"}, "requests": {"cpu": "1"}}}
    spec = defaulted("", "Pod", pod(containers=[c], initContainers=[ic]))["spec"]
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "500m"}
    assert spec["initContainers"][0]["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}


def test_templates_do_not_get_pod_only_defaults() -> None:
    # SetDefaults_Pod applies to Pods only, never to PodTemplates (enableServiceLinks, requests).
    tmpl = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [
        {"name": "c", "image": "x", "resources": {"limits": {"cpu": "1"}}}]}}
    d = defaulted("apps", "Deployment", {"spec": {"selector": {"matchLabels": {"app": "a"}}, "template": tmpl}})
    tspec = d["spec"]["template"]["spec"]
    assert "enableServiceLinks" not in tspec
    assert "requests" not in tspec["containers"][0]["resources"]
    assert tspec["restartPolicy"] == "Always" and tspec["schedulerName"] == "default-scheduler"
    assert tspec["containers"][0]["imagePullPolicy"] == "Always"  # image "x" has no tag: latest


def test_host_network_host_ports() -> None:
    # api-machinery.md 4.1 rule 3.
    c = {"name": "c", "image": "x", "ports": [{"containerPort": 8080}, {"containerPort": 9090, "hostPort": 9091}]}
    spec = defaulted("", "Pod", pod(hostNetwork=True, containers=[c]))["spec"]
    ports = spec["containers"][0]["ports"]
    assert ports == [{"containerPort": 8080, "protocol": "TCP", "hostPort": 8080},
                     {"containerPort": 9090, "hostPort": 9091, "protocol": "TCP"}]


def test_probe_and_http_get_defaults() -> None:
    # api-machinery.md 4.2 rules 4 and 5; kubelet-and-nodes.md rule 6.
    c = {"name": "c", "image": "x", "livenessProbe": {"httpGet": {"port": 80}},
         "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 5},
         "lifecycle": {"preStop": {"httpGet": {"port": 80}}}}
    out = defaulted("", "Pod", pod(containers=[c]))["spec"]["containers"][0]
    assert out["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                    "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert out["readinessProbe"]["periodSeconds"] == 5
    assert out["lifecycle"]["preStop"]["httpGet"] == {"port": 80, "path": "/", "scheme": "HTTP"}


def test_volume_defaults() -> None:
    # api-machinery.md 4.5: no source -> emptyDir {}; secret/configMap/downwardAPI/projected defaultMode 420.
    vols = [{"name": "a"}, {"name": "b", "secret": {"secretName": "s"}}, {"name": "c", "configMap": {"name": "m"}},
            {"name": "d", "downwardAPI": {"items": [{"path": "n", "fieldRef": {"fieldPath": "metadata.name"}}]}},
            {"name": "e", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
            {"name": "f", "hostPath": {"path": "/x"}},
            {"name": "g", "secret": {"secretName": "s", "defaultMode": 256}}]
    out = defaulted("", "Pod", pod(volumes=vols))["spec"]["volumes"]
    assert out[0] == {"name": "a", "emptyDir": {}}
    assert out[1]["secret"]["defaultMode"] == 420
    assert out[2]["configMap"]["defaultMode"] == 420
    assert out[3]["downwardAPI"]["defaultMode"] == 420
    assert out[3]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"] == "v1"
    assert out[4]["projected"]["defaultMode"] == 420
    assert out[4]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"] == 3600
    assert out[5]["hostPath"]["type"] == ""
    assert out[6]["secret"]["defaultMode"] == 256


@pytest.mark.parametrize("given,stored", [
    ("1n", "1m"),          # quantities-and-names.md rule 12
    ("500m", "500m"),
    ("0.5", "500m"),
    (1, "1"),
    ("1.5Gi", "1536Mi"),
    ("1000m", "1"),
    ("1024Mi", "1Gi"),
    ("100001u", "101m"),
])
def test_resource_lists_round_up_to_milli_and_canonicalise(given: Any, stored: str) -> None:
    c = {"name": "c", "image": "x", "resources": {"requests": {"cpu": given}}}
    out = defaulted("", "Pod", pod(containers=[c]))["spec"]["containers"][0]
    assert out["resources"]["requests"]["cpu"] == stored


def test_service_defaults() -> None:
    # api-machinery.md 7: ports [{port: 80}] -> protocol TCP, targetPort 80, type ClusterIP, sessionAffinity None.
    svc = defaulted("", "Service", {"spec": {"ports": [{"port": 80}], "selector": {"app": "a"}}})["spec"]
    assert svc["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert svc["type"] == "ClusterIP"
    assert svc["sessionAffinity"] == "None"
    assert svc["internalTrafficPolicy"] == "Cluster"
    assert "externalTrafficPolicy" not in svc


def test_service_defaults_external_and_client_ip() -> None:
    # 4.3 rules 2, 5, 7.
    svc = defaulted("", "Service", {"spec": {"type": "LoadBalancer", "sessionAffinity": "ClientIP",
                                             "ports": [{"port": 80, "targetPort": "http"}]}})["spec"]
    assert svc["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert svc["externalTrafficPolicy"] == "Cluster"
    assert svc["allocateLoadBalancerNodePorts"] is True
    assert svc["ports"][0]["targetPort"] == "http"


def test_namespace_defaults() -> None:
    ns = defaulted("", "Namespace", {"metadata": {"name": "team-a"}})
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team-a"}
    s = strategy_for("", "Namespace")
    s.prepare_for_create(ns)
    assert ns["status"] == {"phase": "Active"}
    assert ns["spec"]["finalizers"] == ["kubernetes"]


def test_deployment_defaults() -> None:
    # workloads.md 2.1.
    d = defaulted("apps", "Deployment", {"spec": {"template": {"spec": {"containers": []}}}})["spec"]
    assert d["replicas"] == 1
    assert d["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert d["revisionHistoryLimit"] == 10
    assert d["progressDeadlineSeconds"] == 600


def test_deployment_recreate_gets_no_rolling_update() -> None:
    d = defaulted("apps", "Deployment", {"spec": {"strategy": {"type": "Recreate"}}})["spec"]
    assert d["strategy"] == {"type": "Recreate"}


def test_replicaset_and_daemonset_defaults() -> None:
    # workloads.md 1 rule 1 and 4 rule 1.
    assert defaulted("apps", "ReplicaSet", {"spec": {}})["spec"]["replicas"] == 1
    ds = defaulted("apps", "DaemonSet", {"spec": {}})["spec"]
    assert ds["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["revisionHistoryLimit"] == 10


def test_statefulset_defaults() -> None:
    # workloads.md 3.1; MaxUnavailableStatefulSet is on by default in v1.37 (kubernetes#139466).
    vct = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                  "resources": {"requests": {"storage": "1Gi"}}}}
    sts = defaulted("apps", "StatefulSet", {"spec": {"volumeClaimTemplates": [vct]}})["spec"]
    assert sts["podManagementPolicy"] == "OrderedReady"
    assert sts["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}}
    assert sts["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert sts["replicas"] == 1 and sts["revisionHistoryLimit"] == 10
    assert sts["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"
    assert sts["volumeClaimTemplates"][0]["status"] == {"phase": "Pending"}


def test_job_defaults() -> None:
    # workloads.md 5 rule 1 and batch/v1 SetDefaults_Job.
    j = defaulted("batch", "Job", {"metadata": {"name": "j"}, "spec": {"template": {
        "metadata": {"labels": {"app": "j"}}, "spec": {"restartPolicy": "Never", "containers": []}}}})
    spec = j["spec"]
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
    assert spec["completionMode"] == "NonIndexed"
    assert spec["suspend"] is False
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert spec["manualSelector"] is False
    assert j["metadata"]["labels"] == {"app": "j"}


@pytest.mark.parametrize("given,completions,parallelism", [
    ({}, 1, 1),
    ({"parallelism": 3}, None, 3),
    ({"completions": 5}, 5, 1),
])
def test_job_completions_and_parallelism(given: Obj, completions: int | None, parallelism: int) -> None:
    spec = defaulted("batch", "Job", {"spec": dict(given)})["spec"]
    assert spec.get("completions") == completions
    assert spec["parallelism"] == parallelism


def test_job_backoff_limit_with_per_index_limit() -> None:
    spec = defaulted("batch", "Job", {"spec": {"backoffLimitPerIndex": 1, "completionMode": "Indexed"}})["spec"]
    assert spec["backoffLimit"] == 2147483647


def test_cronjob_defaults() -> None:
    cj = defaulted("batch", "CronJob", {"spec": {"schedule": "*/1 * * * *", "jobTemplate": {"spec": {"template": {
        "spec": {"containers": [{"name": "c", "image": "busybox"}], "restartPolicy": "OnFailure"}}}}}})["spec"]
    assert cj["concurrencyPolicy"] == "Allow"
    assert cj["suspend"] is False
    assert (cj["successfulJobsHistoryLimit"], cj["failedJobsHistoryLimit"]) == (3, 1)
    assert cj["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    assert "backoffLimit" not in cj["jobTemplate"]["spec"]


def test_hpa_v2_defaults_without_behavior() -> None:
    # autoscaling.md 2 rules 1, 2, 3: behavior stays nil when not given.
    spec = defaulted("autoscaling", "HorizontalPodAutoscaler",
                     {"apiVersion": "autoscaling/v2", "spec": {"maxReplicas": 5}})["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert "behavior" not in spec


def test_hpa_v2_behavior_defaults() -> None:
    beh = {"scaleDown": {"stabilizationWindowSeconds": 60}}
    spec = defaulted("autoscaling", "HorizontalPodAutoscaler",
                     {"apiVersion": "autoscaling/v2", "spec": {"maxReplicas": 5, "behavior": beh}})["spec"]
    assert spec["behavior"]["scaleUp"] == {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]}
    assert spec["behavior"]["scaleDown"] == {"selectPolicy": "Max", "stabilizationWindowSeconds": 60, "policies": [
        {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def test_hpa_v1_defaults() -> None:
    spec = defaulted("autoscaling", "HorizontalPodAutoscaler",
                     {"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 5}})["spec"]
    assert spec["minReplicas"] == 1
    assert spec["targetCPUUtilizationPercentage"] == 80


def test_pv_and_pvc_defaults() -> None:
    # storage.md 1 rule 5, api-machinery.md 4.5.
    pv = defaulted("", "PersistentVolume", {"spec": {"capacity": {"storage": "1Gi"}, "hostPath": {"path": "/d"}}})
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["spec"]["volumeMode"] == "Filesystem"
    pvc = defaulted("", "PersistentVolumeClaim", {"spec": {"accessModes": ["ReadWriteOnce"]}})
    assert pvc["spec"]["volumeMode"] == "Filesystem"
    strategy_for("", "PersistentVolumeClaim").prepare_for_create(pvc)
    assert pvc["status"] == {"phase": "Pending"}
    pv["metadata"] = {"creationTimestamp": "2026-01-01T00:00:00Z"}
    strategy_for("", "PersistentVolume").prepare_for_create(pv)
    assert pv["status"] == {"phase": "Pending", "lastPhaseTransitionTime": "2026-01-01T00:00:00Z"}


def test_storage_class_defaults() -> None:
    sc = defaulted("storage.k8s.io", "StorageClass", {"provisioner": "rancher.io/local-path"})
    assert sc["reclaimPolicy"] == "Delete"
    assert sc["volumeBindingMode"] == "Immediate"


def test_secret_defaults_and_string_data() -> None:
    s = defaulted("", "Secret", {"stringData": {"password": "s3cret"}, "data": {"user": "YWRtaW4="}})
    assert s["type"] == "Opaque"
    assert s["data"] == {"user": "YWRtaW4=", "password": "czNjcmV0"}
    assert "stringData" not in s


def test_limit_range_container_defaults() -> None:
    # SetDefaults_LimitRangeItem: default from max, defaultRequest from default, then from min.
    lr = defaulted("", "LimitRange", {"spec": {"limits": [{"type": "Container", "max": {"cpu": "2"},
                                                           "min": {"memory": "64Mi"}}]}})
    item = lr["spec"]["limits"][0]
    assert item["default"] == {"cpu": "2"}
    assert item["defaultRequest"] == {"cpu": "2", "memory": "64Mi"}


def test_priority_class_default_preemption_policy() -> None:
    pc = defaulted("scheduling.k8s.io", "PriorityClass", {"value": 1000})
    assert pc["preemptionPolicy"] == "PreemptLowerPriority"


def test_endpoints_port_protocol() -> None:
    ep = defaulted("", "Endpoints", {"subsets": [{"addresses": [{"ip": "10.244.1.2"}], "ports": [{"port": 80}]}]})
    assert ep["subsets"][0]["ports"][0]["protocol"] == "TCP"


def test_defaulting_is_idempotent() -> None:
    once = defaulted("", "Pod", pod(volumes=[{"name": "v"}]))
    twice = defaulted("", "Pod", once)
    assert once == twice
