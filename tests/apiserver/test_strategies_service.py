"""Service defaults, validation and update rules (ValidateService, ValidateServiceUpdate,
validateUpgradeDowngradeClusterIPs, the portallocator's range error, normalizeClusterIPs and
patchAllocatedValues of pkg/registry/core/service/storage)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from labk8s.apiserver.strategies import strategy_for

Obj = dict[str, Any]
S = strategy_for("", "Service")


def svc(**spec: Any) -> Obj:
    base: Obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    base["spec"].update(spec)
    return base


def created(obj: Obj) -> Obj:
    obj = copy.deepcopy(obj)
    S.default(obj)
    S.prepare_for_create(obj)
    return obj


def errors(obj: Obj) -> list[str]:
    return [str(e) for e in S.validate(created(obj))]


def test_valid_service() -> None:
    out = created(svc())
    assert errors(svc()) == []
    assert out["status"] == {"loadBalancer": {}}
    assert out["spec"]["ipFamilies"] == ["IPv4"] and out["spec"]["ipFamilyPolicy"] == "SingleStack"


@pytest.mark.parametrize("s,expected", [
    (svc(ports=[]), "spec.ports: Required value"),
    (svc(ports=[{"port": 0, "targetPort": 8080}]),
     "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
    (svc(ports=[{"port": 80, "targetPort": 70000}]),
     "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
    (svc(ports=[{"port": 80, "targetPort": "8080"}]),
     'spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'),
    (svc(ports=[{"port": 80, "protocol": "HTTP"}]),
     'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
    (svc(ports=[{"port": 80}, {"port": 443}]), "spec.ports[0].name: Required value"),
    (svc(ports=[{"port": 80, "name": "http"}, {"port": 443, "name": "http"}]),
     'spec.ports[1].name: Duplicate value: "http"'),
    (svc(type="Public"), 'spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", '
                         '"LoadBalancer", "NodePort"'),
    (svc(type="NodePort", ports=[{"port": 80, "nodePort": 80}]),
     "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports "
     "is 30000-32767"),
    (svc(ports=[{"port": 80, "nodePort": 30080}]),
     "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    (svc(type="NodePort", ports=[{"port": 80, "name": "a", "nodePort": 30080},
                                 {"port": 81, "name": "b", "nodePort": 30080}]),
     "spec.ports[1].nodePort: Duplicate value: 30080"),
    (svc(selector={"app": "web app"}),
     'spec.selector: Invalid value: "web app": a valid label must be an empty string or consist of alphanumeric '
     "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
     "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    (svc(sessionAffinity="Sticky"),
     'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'),
    (svc(type="ExternalName", ports=[]), "spec.externalName: Required value"),
    (svc(clusterIP="10.96.0.300"),
     'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or '
     '2001:db8::ffff)'),
    (svc(clusterIP="None", type="NodePort"),
     "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
    (svc(externalTrafficPolicy="Local"),
     'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'),
])
def test_service_validation_messages(s: Obj, expected: str) -> None:
    assert expected in errors(s)


def test_headless_service_needs_no_ports() -> None:
    assert errors(svc(clusterIP="None", ports=[])) == []


def test_cluster_ip_is_immutable() -> None:
    old = created(svc(clusterIP="10.96.0.10"))
    assert old["spec"]["clusterIPs"] == ["10.96.0.10"]
    new = copy.deepcopy(old)
    new["spec"]["clusterIP"] = "10.96.0.20"
    new["spec"]["clusterIPs"] = ["10.96.0.20"]
    S.default(new)
    S.prepare_for_update(new, old)
    assert 'spec.clusterIPs[0]: Invalid value: ["10.96.0.20"]: may not change once set' in \
        [str(e) for e in S.validate_update(new, old)]


def test_update_without_cluster_ip_keeps_the_allocated_one() -> None:
    old = created(svc())
    old["spec"]["clusterIP"] = "10.96.0.10"
    old["spec"]["clusterIPs"] = ["10.96.0.10"]
    old["spec"]["type"] = "NodePort"
    old["spec"]["ports"][0]["nodePort"] = 30080
    new = copy.deepcopy(svc(type="NodePort"))
    new["spec"]["ports"][0]["targetPort"] = 8080
    S.default(new)
    S.prepare_for_update(new, old)
    assert new["spec"]["clusterIP"] == "10.96.0.10" and new["spec"]["clusterIPs"] == ["10.96.0.10"]
    assert new["spec"]["ports"][0]["nodePort"] == 30080
    assert S.validate_update(new, old) == []


def test_service_flags() -> None:
    assert S.name_rule == "dns1035label"
    assert S.has_status_subresource and not S.tracks_generation
