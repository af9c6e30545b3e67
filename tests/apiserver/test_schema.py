"""Strict decoding (labk8s.apiserver.schema) against kube-apiserver's messages.

Messages follow k8s.io/apiserver transformDecodeError, sigs.k8s.io/json strict errors and
encoding/json UnmarshalTypeError; the request body is kubectl's (keys sorted).
"""

from __future__ import annotations

import copy
import csv
import itertools
from pathlib import Path
from typing import Any

import pytest

from labk8s.apiserver import schema
from labk8s.apiserver.schema_go import (
    QUANTITY_FORMAT_ERROR,
    RFC3339_MICRO,
    _parse_quantity_error,
    base64_error,
    go_json_dumps,
    go_json_float,
    go_quote,
    quantity_error,
    time_error,
)
from labk8s.errors import ApiError
from labk8s.kubectl.manifest import load_manifests

MANIFESTS = Path("/work/shared/manifests")
if not MANIFESTS.is_dir():  # CI: shared/ beside the clone
    MANIFESTS = Path(__file__).resolve().parents[3] / "shared" / "manifests"

POD = 'Pod in version "v1" cannot be handled as a Pod: '
DEPLOY = 'Deployment in version "v1" cannot be handled as a Deployment: '
SVC = 'Service in version "v1" cannot be handled as a Service: '
STRICT = "strict decoding error: "
QTY = QUANTITY_FORMAT_ERROR


def pod(spec: Any = None, **top: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                           "spec": spec if spec is not None else {"containers": [{"name": "c", "image": "nginx"}]}}
    obj.update(top)
    return obj


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "c", "image": "nginx", **fields}


def deployment(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": spec}


def template(*containers: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": list(containers)}}


def service(ports: list[Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": ports}}


def message(obj: dict[str, Any], strict: bool = True) -> str | None:
    try:
        schema.check(obj, obj["apiVersion"], obj["kind"], strict=strict)
    except ApiError as err:
        assert err.code == 400 and err.reason == "BadRequest"
        return err.message
    return None


# -- unknown fields (fieldValidation=Strict) ---------------------------------------------------------

UNKNOWN_CASES = [
    ("top level", pod(status2={}), POD + STRICT + 'unknown field "status2"'),
    ("metadata is ObjectMeta", pod(metadata={"name": "p", "lables": {"a": "b"}}),
     POD + STRICT + 'unknown field "metadata.lables"'),
    ("spec", pod({"containers": [container()], "nodeSelectr": {}}), POD + STRICT + 'unknown field "spec.nodeSelectr"'),
    ("list element", pod({"containers": [container(imagee="x")]}),
     POD + STRICT + 'unknown field "spec.containers[0].imagee"'),
    ("second element, nested list",
     deployment({"selector": {"matchLabels": {"app": "a"}},
                 "template": template(container(), {"name": "x", "ports": [{"containerPortZ": 8080}]})}),
     DEPLOY + STRICT + 'unknown field "spec.template.spec.containers[1].ports[0].containerPortZ"'),
    ("field names are case-sensitive", pod({"containers": [{"name": "c", "Image": "nginx"}]}),
     POD + STRICT + 'unknown field "spec.containers[0].Image"'),
    ("livenessProbe.gRPC is not grpc",
     pod({"containers": [container(livenessProbe={"gRPC": {"port": 2379}})]}),
     POD + STRICT + 'unknown field "spec.containers[0].livenessProbe.gRPC"'),
    ("several, in sorted key order",
     pod({"containers": [container(b=1, a=2)], "zzz": 1}, aaa=1),
     POD + STRICT + 'unknown field "aaa", unknown field "spec.containers[0].a", '
     'unknown field "spec.containers[0].b", unknown field "spec.zzz"'),
    ("unknown field value is not decoded", pod({"containers": [container(extra={"image": 5})]}),
     POD + STRICT + 'unknown field "spec.containers[0].extra"'),
    ("key quoted as %q", pod({"containers": [container(**{'we"ird\n': 1})]}),
     POD + STRICT + 'unknown field "spec.containers[0].we\\"ird\\n"'),
]


@pytest.mark.parametrize("obj,expected", [c[1:] for c in UNKNOWN_CASES], ids=[c[0] for c in UNKNOWN_CASES])
def test_unknown_fields(obj: dict[str, Any], expected: str) -> None:
    assert message(obj) == expected


def test_at_most_100_strict_errors_are_reported() -> None:
    obj = pod(**{f"x{i:03d}": i for i in range(150)})
    text = message(obj)
    assert text is not None
    assert text.count("unknown field") == 100
    assert text.endswith('unknown field "x099"')


def test_ignore_and_warn_return_warnings_and_leave_the_object_alone() -> None:
    obj = pod({"containers": [container(imagee="x")], "foo": 1})
    before = copy.deepcopy(obj)
    assert schema.check(obj, "v1", "Pod", strict=False) == [
        'unknown field "spec.containers[0].imagee"', 'unknown field "spec.foo"']
    assert obj == before
    assert schema.prune(obj, "v1", "Pod") == [
        'unknown field "spec.containers[0].imagee"', 'unknown field "spec.foo"']
    assert obj == pod({"containers": [container()]})
    assert schema.check(obj, "v1", "Pod") == []


def test_type_errors_fail_in_every_validation_mode() -> None:
    obj = pod({"containers": [container(image=5)], "foo": 1})
    expected = POD + "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string"
    assert message(obj, strict=False) == expected
    assert message(obj, strict=True) == expected


# -- wrong JSON types (encoding/json UnmarshalTypeError) -------------------------------------------

TYPE_CASES = [
    ("number for string", pod({"containers": [container(image=5)]}),
     "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string"),
    ("bool for string", pod({"containers": [{"name": True, "image": "x"}]}),
     "json: cannot unmarshal bool into Go struct field Container.spec.containers.name of type string"),
    ("object for string", pod({"containers": [container(image={})]}),
     "json: cannot unmarshal object into Go struct field Container.spec.containers.image of type string"),
    ("array for string", pod(metadata={"name": ["p"]}),
     "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.name of type string"),
    ("number in []string", pod({"containers": [container(args=["a", 1])]}),
     "json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string"),
    ("number for map value", pod(metadata={"name": "p", "labels": {"tier": 1}}),
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
    ("array for map", pod(metadata={"name": "p", "labels": ["a"]}),
     "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"),
    ("string for struct", pod(spec="nope"),
     "json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec"),
    ("object for slice of structs", pod({"containers": {"name": "c"}}),
     "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"),
    ("string for bool", pod({"containers": [container()], "hostNetwork": "true"}),
     "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool"),
    ("number for bool", pod({"containers": [container(stdin=1)]}),
     "json: cannot unmarshal number into Go struct field Container.spec.containers.stdin of type bool"),
    ("string for int32", deployment({"replicas": "3"}),
     "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("bool for int32", deployment({"replicas": True}),
     "json: cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("fraction for int32", deployment({"replicas": 1.5}),
     "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("int32 overflow", deployment({"replicas": 3000000000}),
     "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("float in e-notation", deployment({"replicas": 1e21}),
     "json: cannot unmarshal number 1e+21 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("string for int64", pod({"containers": [container()], "terminationGracePeriodSeconds": "30"}),
     "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"),
    ("named string type", pod({"containers": [container()], "restartPolicy": 1}),
     "json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy"),
    ("named slice type", pod({"containers": [container(securityContext={"capabilities": {"add": "NET_ADMIN"}})]}),
     "json: cannot unmarshal string into Go struct field Capabilities.spec.containers.securityContext.capabilities.add"
     " of type []v1.Capability"),
    ("ResourceList", pod({"containers": [container(resources={"limits": ["cpu"]})]}),
     "json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits"
     " of type v1.ResourceList"),
    ("list where NodeSelector is required (pod-with-node-affinity.yaml)",
     pod({"containers": [container()],
          "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"weight": 5}]}}}),
     "json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity."
     "requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector"),
    ("first type error in key order wins",
     pod({"containers": [container(image=5)], "hostNetwork": "x"}, metadata={"name": 7}),
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"),
    ("a type error hides strict errors", pod({"containers": [container(image=5, imagee=1)]}, aaa=1),
     "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string"),
]


@pytest.mark.parametrize("obj,expected", [c[1:] for c in TYPE_CASES], ids=[c[0] for c in TYPE_CASES])
def test_type_errors(obj: dict[str, Any], expected: str) -> None:
    prefix = DEPLOY if obj["kind"] == "Deployment" else POD
    assert message(obj) == prefix + expected


@pytest.mark.parametrize("replicas", [0, 3, 3.0, -1, 2**31 - 1, None])
def test_integers_that_decode(replicas: Any) -> None:
    # kubectl's json.Marshal prints 3.0 as 3, which decodes into int32
    assert message(deployment({"replicas": replicas})) is None


def test_null_is_accepted_everywhere() -> None:
    obj = pod({"containers": [container(ports=None, resources={"limits": None})], "affinity": None},
              metadata={"name": "p", "creationTimestamp": None, "labels": None})
    assert message(obj) is None


# -- int-or-string ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [8080, "http", "8080", 0, None])
def test_target_port_accepts_int_and_string(value: Any) -> None:
    assert message(service([{"port": 80, "targetPort": value}])) is None


@pytest.mark.parametrize("surge,unavailable", [("25%", 1), (1, "25%"), (0, 0), ("0%", None)])
def test_rolling_update_accepts_int_and_string(surge: Any, unavailable: Any) -> None:
    obj = deployment({"selector": {"matchLabels": {"app": "a"}}, "template": template(container()),
                      "strategy": {"type": "RollingUpdate",
                                   "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}})
    assert message(obj) is None


@pytest.mark.parametrize("value,problem", [
    (True, "bool"), (80.5, "number 80.5"), ({}, "object"), ([80], "array"), (2**31, "number 2147483648"),
])
def test_int_or_string_errors(value: Any, problem: str) -> None:
    # IntOrString.UnmarshalJSON decodes into int32; the error stops decoding and gets the field context
    obj = service([{"port": 80, "targetPort": value, "bogus": 1}])
    assert message(obj) == (SVC + f"json: cannot unmarshal {problem} into Go struct field "
                            "ServicePort.spec.ports.targetPort of type int32")


# -- quantities -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["100m", "1Gi", "0.5", 2, 0.25, "1e3", "1.5Gi", "500Mi", " 100m ", "+1", ".5"])
def test_quantities_that_decode(value: Any) -> None:
    assert message(pod({"containers": [container(resources={"limits": {"cpu": value}})]})) is None


@pytest.mark.parametrize("value,error", [
    ("1x", QTY), ("abc", QTY), ("", QTY), (True, QTY), ({}, QTY), ([], QTY), ("1.1.M", QTY),
    ("1K", "unable to parse quantity's suffix"), ("0.1mi", "unable to parse quantity's suffix"),
    ("\t1", QTY),  # the JSON escape \t survives into ParseQuantity
])
def test_quantity_errors(value: Any, error: str) -> None:
    assert message(pod({"containers": [container(resources={"requests": {"memory": value}})]})) == POD + error


def test_quantity_error_stops_decoding_and_wins_over_saved_errors() -> None:
    obj = pod({"containers": [container(resources={"limits": {"cpu": "lots"}})], "zzz": 1},
              metadata={"name": "p", "labels": {"a": 1}})
    assert message(obj) == POD + QTY


# -- []byte, Time ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data,expected", [
    ({"a": "aGVsbG8="}, None),
    ({"a": "not base64!"}, "illegal base64 data at input byte 3"),
    ({"a": "aGVsbG8"}, "illegal base64 data at input byte 4"),
    ({"a": 5}, "json: cannot unmarshal number into Go struct field Secret.data of type []uint8"),
    ({"a": [104, 105]}, None),  # a JSON array of bytes decodes too
    ({"a": [256]}, "json: cannot unmarshal number 256 into Go struct field Secret.data of type uint8"),
])
def test_secret_data_is_base64(data: dict[str, Any], expected: str | None) -> None:
    obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": data,
           "stringData": {"b": "plain text"}}
    prefix = 'Secret in version "v1" cannot be handled as a Secret: '
    assert message(obj) == (None if expected is None else prefix + expected)


@pytest.mark.parametrize("value,expected", [
    ("2026-01-01T00:00:00Z", None),
    ("2026-01-01T10:00:00.5+02:00", None),
    ("2026-01-01", 'parsing time "2026-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'),
    ("yesterday", 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'),
    ("2026-02-30T00:00:00Z", 'parsing time "2026-02-30T00:00:00Z": day out of range'),
    (5, "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"),
])
def test_creation_timestamp(value: Any, expected: str | None) -> None:
    obj = pod(metadata={"name": "p", "creationTimestamp": value})
    assert message(obj) == (None if expected is None else POD + expected)


# -- API ---------------------------------------------------------------------------------------------

def test_unknown_kind_is_the_callers_business() -> None:
    assert schema.has_schema("apps/v1", "Deployment")
    assert not schema.has_schema("batch/v1beta1", "CronJob")
    with pytest.raises(LookupError):
        schema.check({}, "batch/v1beta1", "CronJob")


def test_decode_errors_for_callers_that_word_the_error() -> None:
    result = schema.decode_errors(pod({"containers": [container(x=1)]}), "v1", "Pod")
    assert (result.error, result.strict) == (None, ['unknown field "spec.containers[0].x"'])
    assert schema.decode_errors(pod(), "v1", "Pod").strict == []


def test_metadata_error_is_what_kubectl_checks_before_sending() -> None:
    assert schema.metadata_error(pod(metadata={"name": "p", "labels": {"a": 1}})) == (
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")
    assert schema.metadata_error(pod(metadata={"name": "p", "bogus": 1}, spec=5)) is None


def test_recursive_definitions_compile() -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "a.b"},
           "spec": {"group": "b", "names": {"kind": "A", "plural": "a"}, "scope": "Namespaced",
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": {"type": "object", "properties": {
                            "n": {"type": "integer", "maximum": "x"}}}}}}}]}}
    assert message(crd) == ('CustomResourceDefinition in version "v1" cannot be handled as a '
                            "CustomResourceDefinition: json: cannot unmarshal string into Go struct field "
                            "JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.properties.maximum"
                            " of type float64")


# -- every documentation manifest --------------------------------------------------------------------

REJECTED = {
    # NOTES.md: a list where a NodeSelector object is required
    "pods/pod-with-node-affinity.yaml": POD + "json: cannot unmarshal array into Go struct field NodeAffinity."
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector",
    # field names are case-sensitive since sigs.k8s.io/json: the field is "grpc"
    "pods/probe/grpc-liveness.yaml": POD + STRICT + 'unknown field "spec.containers[0].livenessProbe.gRPC"',
}


def _index() -> list[str]:
    with open(MANIFESTS / "INDEX.tsv", newline="") as f:
        return [row["path"] for row in csv.DictReader(f, delimiter="\t")]


@pytest.mark.parametrize("path", _index())
def test_documentation_manifests(path: str) -> None:
    for obj, _ in load_manifests(str(MANIFESTS / path)):
        if not schema.has_schema(obj["apiVersion"], obj["kind"]):
            assert path == "application/job/cronjob.yaml"  # batch/v1beta1: removed in 1.25
            continue
        assert message(obj) == REJECTED.get(path)


# -- Go helpers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,text", [
    (1.0, "1"), (2.5, "2.5"), (0.1, "0.1"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (-0.0, "-0"), (123456789.125, "123456789.125"),
])
def test_go_json_float(value: float, text: str) -> None:
    assert go_json_float(value) == text


def test_go_json_dumps_sorts_keys_and_escapes_html() -> None:
    assert go_json_dumps({"b": [1, 2.0, None], "a": "<&>", "c": {"y": True, "x": "é"}}) == (
        '{"a":"\\u003c\\u0026\\u003e","b":[1,2,null],"c":{"x":"é","y":true}}')


def test_go_quote() -> None:
    assert go_quote('a"b\\c\n\té\x01\u200b') == '"a\\"b\\\\c\\n\\té\\x01\\u200b"'


# upstream quantity_test.go invalid inputs (quantities-and-names.md rule 10); the decoder trims spaces
@pytest.mark.parametrize("text", ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i",
                                  "-3.01e-", " 1", "1 ", ""])
def test_parse_quantity_rejects_upstream_invalid_inputs(text: str) -> None:
    assert _parse_quantity_error(text) is not None


@pytest.mark.parametrize("text", [".001", "1.", "1.G", ".0001k", "1024Mi", "1.3E+6", "9Ei", "0.000000000001Ki",
                                  "10000000000000000000000m", "999999999999999999.1", "-1000M", "00"])
def test_parse_quantity_accepts_upstream_odd_inputs(text: str) -> None:
    assert _parse_quantity_error(text) is None


def test_quantity_errors_agree_with_labk8s_api_quantity() -> None:
    from labk8s.api.quantity import parse_quantity
    from labk8s.errors import QuantityError

    for n in range(4):
        for chars in itertools.product("09.+-eEiKMkm x", repeat=n):
            text = "".join(chars)
            try:
                parse_quantity(text)
                theirs = None
            except QuantityError as err:
                theirs = str(err)
            assert _parse_quantity_error(text) == theirs, text
    assert quantity_error(" 1 ") is None and quantity_error(1e21) is None


@pytest.mark.parametrize("text,expected", [
    ("aGVsbG8=", None), ("YWJj\nZGVm", None), ("ab==", None), ("a", 0), ("aGVsbG8", 4), ("ab=c", 2),
    ("ab==x", 4), ("=", 0), ("not base64!", 3),
])
def test_base64_errors(text: str, expected: int | None) -> None:
    assert base64_error(text) == (None if expected is None else f"illegal base64 data at input byte {expected}")


@pytest.mark.parametrize("text,expected", [
    ("2026-01-01T00:00:00Z", None),
    ("2026-13-01T00:00:00Z", 'parsing time "2026-13-01T00:00:00Z": month out of range'),
    ("2026-01-01T25:00:00Z", 'parsing time "2026-01-01T25:00:00Z": hour out of range'),
    ("2026-01-01T00:00:00Zjunk", 'parsing time "2026-01-01T00:00:00Zjunk": extra text: "junk"'),
    ("2026-01-01 00:00:00Z",
     'parsing time "2026-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"'),
    ("2026-01-01T00:00:00+0100",
     'parsing time "2026-01-01T00:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00"'),
])
def test_time_errors(text: str, expected: str | None) -> None:
    assert time_error(text) == expected


def test_micro_time_layout() -> None:
    assert time_error("2026-01-01T00:00:00.123456Z", RFC3339_MICRO) is None
    assert time_error("2026-01-01T00:00:00Z", RFC3339_MICRO) == (
        'parsing time "2026-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": '
        'cannot parse "Z" as ".000000"')
