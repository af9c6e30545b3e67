"""Pod validation, update rules, QoS and status (pkg/apis/core/validation/validation.go,
pkg/registry/core/pod/strategy.go, pkg/apis/core/helper/qos). Expected texts are upstream's messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from labk8s.apiserver.strategies import strategy_for
from labk8s.errors import ApiError

Obj = dict[str, Any]
S = strategy_for("", "Pod")

# pkg/util/validation IsDNS1123Label / IsValidLabelValue (quantities-and-names.md 2).
DNS_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
             "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def pod(containers: list[Obj] | None = None, **spec: Any) -> Obj:
    p: Obj = {"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "p", "namespace": "default", "uid": "u", "creationTimestamp": "2026-01-01T00:00:00Z"},
              "spec": {"containers": containers if containers is not None else [{"name": "c", "image": "nginx"}]}}
    p["spec"].update(spec)
    return p


def errors(obj: Obj) -> list[str]:
    obj = copy.deepcopy(obj)
    S.default(obj)
    S.prepare_for_create(obj)
    return [str(e) for e in S.validate(obj)]


def created(obj: Obj) -> Obj:
    obj = copy.deepcopy(obj)
    S.default(obj)
    S.prepare_for_create(obj)
    assert S.validate(obj) == []
    return obj


def update_errors(old: Obj, new: Obj) -> list[str]:
    new = copy.deepcopy(new)
    S.default(new)
    S.prepare_for_update(new, old)
    return [str(e) for e in S.validate_update(new, old)]


def test_valid_pod_has_no_errors() -> None:
    assert errors(pod()) == []


# One case per common mistake: (containers or spec override, the exact upstream error text).
@pytest.mark.parametrize("p,expected", [
    (pod(containers=[]), "spec.containers: Required value"),
    (pod(containers=[{"name": "Web", "image": "nginx"}]), f'spec.containers[0].name: Invalid value: "Web": {DNS_LABEL}'),
    (pod(containers=[{"image": "nginx"}]), "spec.containers[0].name: Required value"),
    (pod(containers=[{"name": "x", "image": "a"}, {"name": "x", "image": "b"}]),
     'spec.containers[1].name: Duplicate value: "x"'),
    (pod(containers=[{"name": "c"}]), "spec.containers[0].image: Required value"),
    (pod(restartPolicy="Sometimes"),
     'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'),
    (pod(dnsPolicy="Cluster"), 'spec.dnsPolicy: Unsupported value: "Cluster": supported values: '
                               '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'),
    (pod(containers=[{"name": "c", "image": "x", "imagePullPolicy": "Sometimes"}]),
     'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", '
     '"IfNotPresent", "Never"'),
    (pod(containers=[{"name": "c", "image": "x", "ports": [{"containerPort": 70000}]}]),
     "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
    (pod(containers=[{"name": "c", "image": "x", "ports": [{"containerPort": 80, "protocol": "HTTP"}]}]),
     'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
    (pod(containers=[{"name": "c", "image": "x", "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}]),
     'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'),
    (pod(containers=[{"name": "c", "image": "x", "resources": {"requests": {"memory": "-1"}}}]),
     'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0'),
    (pod(containers=[{"name": "c", "image": "x", "resources": {"limits": {"gpu": "1"}}}]),
     'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers'),
    (pod(containers=[{"name": "c", "image": "x", "livenessProbe": {"initialDelaySeconds": 5}}]),
     "spec.containers[0].livenessProbe: Required value: must specify a handler type"),
    (pod(containers=[{"name": "c", "image": "x", "readinessProbe": {"httpGet": {"port": 80},
                                                                     "tcpSocket": {"port": 80}}}]),
     "spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"),
    (pod(containers=[{"name": "c", "image": "x", "livenessProbe": {"exec": {"command": ["true"]},
                                                                    "successThreshold": 2}}]),
     "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"),
    (pod(containers=[{"name": "c", "image": "x", "startupProbe": {"tcpSocket": {"port": 80},
                                                                   "successThreshold": 3}}]),
     "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"),
    (pod(containers=[{"name": "c", "image": "x", "livenessProbe": {"exec": {}}}]),
     "spec.containers[0].livenessProbe.exec.command: Required value"),
    (pod(volumes=[{"name": "Data", "emptyDir": {}}]), f'spec.volumes[0].name: Invalid value: "Data": {DNS_LABEL}'),
    (pod(volumes=[{"name": "data", "emptyDir": {}}, {"name": "data", "emptyDir": {}}]),
     'spec.volumes[1].name: Duplicate value: "data"'),
    (pod(volumes=[{"name": "data", "emptyDir": {}, "configMap": {"name": "cm"}}]),
     "spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"),
    (pod(volumes=[{"name": "s", "secret": {}}]), "spec.volumes[0].secret.secretName: Required value"),
    (pod(volumes=[{"name": "s", "secret": {"secretName": "s", "defaultMode": 1000}}]),
     "spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), "
     "both inclusive"),
    (pod(volumes=[{"name": "c", "persistentVolumeClaim": {}}]),
     "spec.volumes[0].persistentVolumeClaim.claimName: Required value"),
    (pod(containers=[{"name": "c", "image": "x", "volumeMounts": [{"name": "x", "mountPath": "/x"}]}]),
     'spec.containers[0].volumeMounts[0].name: Not found: "x"'),
    (pod(containers=[{"name": "c", "image": "x", "volumeMounts": [{"name": "v"}]}], volumes=[{"name": "v"}]),
     "spec.containers[0].volumeMounts[0].mountPath: Required value"),
    (pod(tolerations=[{"operator": "Equal", "value": "x"}]),
     'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
     'means "match all values and all keys"'),
    (pod(tolerations=[{"key": "k", "operator": "Exists", "effect": "NoRun"}]),
     'spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", '
     '"NoExecute"'),
    (pod(tolerations=[{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}]),
     "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
     "`tolerationSeconds` is set"),
    (pod(tolerations=[{"key": "k", "operator": "Greater"}]),
     'spec.tolerations[0].operator: Unsupported value: "Greater": supported values: "Equal", "Exists"'),
    (pod(nodeSelector={"disktype": "ssd drive"}), f'spec.nodeSelector: Invalid value: "ssd drive": {LABEL_VALUE}'),
    (pod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "zone", "operator": "Equals", "values": ["a"]}]}]}}}),
     'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]'
     '.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator'),
    (pod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}),
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: "
     "must have at least one node selector term"),
    (pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 101, "preference": {"matchExpressions": [{"key": "z", "operator": "Exists"}]}}]}}),
     "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: "
     "must be in the range 1-100"),
    (pod(affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "a"}}}]}}),
     "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: "
     "can not be empty"),
    (pod(affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "In"}]}, "topologyKey": "zone"}]}}),
     "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0]"
     ".values: Required value: must be specified when `operator` is 'In' or 'NotIn'"),
    (pod(activeDeadlineSeconds=0),
     "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"),
    (pod(hostname="My_Host"), f'spec.hostname: Invalid value: "My_Host": {DNS_LABEL}'),
    (pod(containers=[{"name": "c", "image": "x", "ports": [{"containerPort": 80, "hostPort": 81}]}],
         hostNetwork=True),
     "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true"),
    (pod(containers=[{"name": "c", "image": "x", "env": [{"name": "A=B", "value": "1"}]}]),
     "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of "
     "printable ASCII characters other than '='"),
    (pod(containers=[{"name": "c", "image": "x", "env": [{"name": "A", "valueFrom": {}}]}]),
     'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, '
     '`configMapKeyRef` or `secretKeyRef`'),
    (pod(containers=[{"name": "c", "image": " nginx"}]),
     'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'),
    (pod(initContainers=[{"name": "c", "image": "busybox"}]), 'spec.initContainers[0].name: Duplicate value: "c"'),
    (pod(initContainers=[{"name": "init", "image": "busybox", "readinessProbe": {"exec": {"command": ["x"]}}}]),
     "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without "
     "restartPolicy=Always"),
    (pod(schedulingGates=[{"name": "a"}], nodeName="node-1"),
     "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"),
    (pod(ephemeralContainers=[{"name": "debug", "image": "busybox"}]),
     "spec.ephemeralContainers: Forbidden: cannot be set on create"),
])
def test_pod_validation_messages(p: Obj, expected: str) -> None:
    assert expected in errors(p)


def test_invalid_pod_surfaces_as_422_message() -> None:
    obj = pod(containers=[{"name": "c"}])
    S.default(obj)
    S.prepare_for_create(obj)
    err = ApiError.invalid("Pod", "", "p", S.validate(obj))
    assert err.message == 'Pod "p" is invalid: spec.containers[0].image: Required value'
    assert err.causes == [{"reason": "FieldValueRequired", "message": "Required value",
                           "field": "spec.containers[0].image"}]


def test_requests_over_limit_from_defaulting_is_not_an_error() -> None:
    c = {"name": "c", "image": "x", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}
    assert errors(pod(containers=[c])) == []


# -- QoS (qos.ComputePodQOS, pkg/apis/core/helper/qos/qos_test.go) ----------------------------------------------

def _res(requests: Obj | None = None, limits: Obj | None = None) -> Obj:
    r: Obj = {}
    if requests is not None:
        r["requests"] = requests
    if limits is not None:
        r["limits"] = limits
    return {"name": "c", "image": "x", "resources": r}


@pytest.mark.parametrize("containers,qos", [
    ([{"name": "c", "image": "x"}], "BestEffort"),
    ([_res({"cpu": "0", "memory": "0"})], "BestEffort"),
    ([_res({"cpu": "100m", "memory": "100Mi"}, {"cpu": "100m", "memory": "100Mi"})], "Guaranteed"),
    ([_res(None, {"cpu": "1", "memory": "1Gi"})], "Guaranteed"),  # requests default from limits
    ([_res({"cpu": "100m"})], "Burstable"),
    ([_res({"cpu": "100m", "memory": "100Mi"}, {"cpu": "200m", "memory": "100Mi"})], "Burstable"),
    ([_res(None, {"cpu": "1"})], "Burstable"),  # only one of cpu/memory limited
    ([_res(None, {"cpu": "1", "memory": "1Gi"}), {"name": "d", "image": "x"}], "Burstable"),
    ([_res({"ephemeral-storage": "1Gi"})], "BestEffort"),  # only cpu and memory count
])
def test_qos_class_at_create(containers: list[Obj], qos: str) -> None:
    status = created(pod(containers=containers))["status"]
    assert status == {"phase": "Pending", "qosClass": qos}


def test_status_on_create_replaces_client_status() -> None:
    p = pod()
    p["status"] = {"phase": "Running", "podIP": "1.2.3.4"}
    assert created(p)["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_scheduling_gated_condition() -> None:
    status = created(pod(schedulingGates=[{"name": "example.com/gate"}]))["status"]
    assert status["conditions"] == [{
        "type": "PodScheduled", "status": "False", "lastProbeTime": None,
        "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "SchedulingGated",
        "message": "Scheduling is blocked due to non-empty scheduling gates"}]


def test_match_label_keys_merged_into_selectors() -> None:
    p = pod(topologySpreadConstraints=[{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                                        "labelSelector": {"matchLabels": {"app": "a"}},
                                        "matchLabelKeys": ["pod-template-hash"]}])
    p["metadata"]["labels"] = {"app": "a", "pod-template-hash": "abc"}
    sel = created(p)["spec"]["topologySpreadConstraints"][0]["labelSelector"]
    assert sel["matchExpressions"] == [{"key": "pod-template-hash", "operator": "In", "values": ["abc"]}]


def test_pod_strategy_flags() -> None:
    # PrepareForCreate sets Generation = 1 and updatePodGeneration bumps it on spec changes.
    assert S.tracks_generation and S.has_status_subresource and S.name_rule == "dns1123subdomain"


# -- updates (ValidatePodUpdate) --------------------------------------------------------------------------------

FORBIDDEN_PREFIX = ("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions "
                    "to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                    "previously negative)\n")


def test_image_update_is_allowed() -> None:
    old = created(pod())
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.27"
    assert update_errors(old, new) == []


def test_other_spec_changes_are_forbidden_with_a_diff() -> None:
    old = created(pod())
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["ports"] = [{"containerPort": 8080}]
    errs = update_errors(old, new)
    assert len(errs) == 1
    assert errs[0].startswith(FORBIDDEN_PREFIX)
    assert "core.PodSpec{" in errs[0] and "Containers:" in errs[0]


def test_status_is_kept_on_update() -> None:
    old = created(pod())
    old["status"] = {"phase": "Running", "qosClass": "BestEffort"}
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Failed"}
    S.prepare_for_update(new, old)
    assert new["status"] == {"phase": "Running", "qosClass": "BestEffort"}


def test_adding_or_removing_containers_is_forbidden() -> None:
    old = created(pod())
    new = copy.deepcopy(old)
    new["spec"]["containers"].append({"name": "side", "image": "busybox"})
    assert update_errors(old, new) == ["spec.containers: Forbidden: pod updates may not add or remove containers"]


@pytest.mark.parametrize("old_ads,new_ads,expected", [
    (None, 30, []),
    (30, 10, []),
    (30, 60, ["spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value"]),
    (30, None, ["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil "
                "value"]),
])
def test_active_deadline_seconds_updates(old_ads: int | None, new_ads: int | None, expected: list[str]) -> None:
    extra: Obj = {"activeDeadlineSeconds": old_ads} if old_ads else {}
    old = created(pod(**extra))
    new = copy.deepcopy(old)
    new["spec"].pop("activeDeadlineSeconds", None)
    if new_ads is not None:
        new["spec"]["activeDeadlineSeconds"] = new_ads
    assert update_errors(old, new) == expected


def test_tolerations_may_only_be_added() -> None:
    tol = {"key": "k", "operator": "Equal", "value": "v", "effect": "NoExecute", "tolerationSeconds": 10}
    old = created(pod(tolerations=[tol]))
    added = copy.deepcopy(old)
    added["spec"]["tolerations"].append({"key": "other", "operator": "Exists"})
    assert update_errors(old, added) == []
    seconds = copy.deepcopy(old)
    seconds["spec"]["tolerations"][0]["tolerationSeconds"] = 20
    assert update_errors(old, seconds) == []
    changed = copy.deepcopy(old)
    changed["spec"]["tolerations"][0]["value"] = "w"
    assert "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds" in \
        update_errors(old, changed)


def test_scheduling_gates_may_only_be_removed() -> None:
    old = created(pod(schedulingGates=[{"name": "a"}, {"name": "b"}]))
    removed = copy.deepcopy(old)
    removed["spec"]["schedulingGates"] = [{"name": "b"}]
    assert update_errors(old, removed) == []
    added = copy.deepcopy(old)
    added["spec"]["schedulingGates"].append({"name": "c"})
    assert update_errors(old, added) == [
        "spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"]


def test_termination_grace_period_negative_to_one() -> None:
    old = created(pod(terminationGracePeriodSeconds=-1))
    new = copy.deepcopy(old)
    new["spec"]["terminationGracePeriodSeconds"] = 1
    assert update_errors(old, new) == []
    new["spec"]["terminationGracePeriodSeconds"] = 5
    assert update_errors(old, new)[0].startswith(FORBIDDEN_PREFIX)


def test_status_update_keeps_spec_and_qos() -> None:
    old = created(pod())
    new = copy.deepcopy(old)
    new["spec"]["nodeName"] = "elsewhere"
    new["status"] = {"phase": "Running"}
    S.prepare_for_status_update(new, old)
    assert new["spec"] == old["spec"]
    assert new["status"] == {"phase": "Running", "qosClass": "BestEffort"}
