"""Names, labels and ObjectMeta validation: every row of quantities-and-names.md section 2 and the
generateName rules of api-machinery.md section 5, with upstream's exact messages."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s.api.validation import (
    NAME_RULES,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_key,
    is_qualified_name,
    is_valid_label_value,
    is_valid_path_segment_name,
    mask_trailing_dash,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    regex_error,
    validate_annotations,
    validate_finalizers,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
    validate_owner_references,
    validate_path_segment_name,
)
from labk8s.errors import ApiError, FieldError

DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
MULTI_SLASH_MSG = (
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
    "(e.g. 'example.com/MyName')"
)

# -- the reference table ---------------------------------------------------------------------------------------

TABLE = {
    "IsDNS1123Label": (
        is_dns1123_label,
        ["a", "0", "1a", "a--1--2--b", "1--a--b--2", "a" * 63],
        ["", "A", "aBc", "-", "a-", "-a", "a_b", "a.b", "a b", "a" * 64],
    ),
    "IsDNS1123Subdomain": (
        is_dns1123_subdomain,
        ["a.b.c.d.e", "1.2.3.4.5", "0.1", "a" * 253],
        ["a..b", "a.", ".a", "A.a", "ab.A", "a@b", "a:b", "a" * 254],
    ),
    "IsDNS1035Label": (
        is_dns1035_label,
        ["a", "a-1", "a--1--2--b", "a" * 63],
        ["0", "1a", "1-a", "A", "a.b", "a" * 64],
    ),
    "IsLabelKey": (
        is_label_key,
        ["simple", "1234", "now.with.dots/simple", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123",
         "requests.storage-foo", "a" * 253 + "/" + "b" * 63],
        ["nospecialchars%^=@", "cantendwithadash-", "only/one/slash", "Example.com/abc", "example_com/abc",
         "example.com/", "/simple", "a" * 64, "a" * 254 + "/abc"],
    ),
    "IsLabelValue": (
        is_valid_label_value,
        ["", "1234", "end-with-num-1", "a" * 63],
        ["-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.", "Tama-nui-te-rā.is.Māori.sun",
         "a" * 64],
    ),
}

VALID_ROWS = [(name, fn, v) for name, (fn, valid, _) in TABLE.items() for v in valid]
INVALID_ROWS = [(name, fn, v) for name, (fn, _, invalid) in TABLE.items() for v in invalid]


@pytest.mark.parametrize(("function", "fn", "value"), VALID_ROWS)
def test_reference_valid(function: str, fn: object, value: str) -> None:
    assert fn(value) == []  # type: ignore[operator]


@pytest.mark.parametrize(("function", "fn", "value"), INVALID_ROWS)
def test_reference_invalid(function: str, fn: object, value: str) -> None:
    errs = fn(value)  # type: ignore[operator]
    assert errs and all(isinstance(e, str) for e in errs)


# -- exact messages ---------------------------------------------------------------------------------------------


def test_regex_error_double_space_before_or() -> None:
    assert regex_error("m", "re", "a", "b") == "m (e.g. 'a',  or 'b', regex used for validation is 're')"
    assert regex_error("m", "re", "a") == "m (e.g. 'a', regex used for validation is 're')"
    assert regex_error("m", "re") == "m (regex used for validation is 're')"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("A", [DNS1123_LABEL_MSG]), ("a.b", ["must not contain dots"]), ("a" * 64, ["must be no more than 63 characters"]),
     ("a" * 64 + "-", ["must be no more than 63 characters", DNS1123_LABEL_MSG]), ("", [DNS1123_LABEL_MSG]),
     ("a\n", [DNS1123_LABEL_MSG])],
)
def test_dns1123_label_messages(value: str, expected: list[str]) -> None:
    assert is_dns1123_label(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a..b", [DNS1123_SUBDOMAIN_MSG]), ("a" * 254, ["must be no more than 253 characters"]),
     ("Foo", [DNS1123_SUBDOMAIN_MSG])],
)
def test_dns1123_subdomain_messages(value: str, expected: list[str]) -> None:
    assert is_dns1123_subdomain(value) == expected


def test_dns1035_label_messages() -> None:
    assert is_dns1035_label("1a") == [DNS1035_LABEL_MSG]
    assert is_dns1035_label("a" * 64) == ["must be no more than 63 characters"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cantendwithadash-", [NAME_PART_MSG]),
        ("only/one/slash", [MULTI_SLASH_MSG]),
        ("example.com/", ["name part must be non-empty", NAME_PART_MSG]),
        ("/simple", ["prefix part must be non-empty"]),
        ("a" * 64, ["name part must be no more than 63 bytes"]),
        ("a" * 254 + "/abc", ["prefix part must be no more than 253 bytes"]),
        ("Example.com/abc", ["prefix part " + DNS1123_SUBDOMAIN_MSG]),
        ("example_com/abc", ["prefix part " + DNS1123_SUBDOMAIN_MSG]),
        ("", ["name part must be non-empty", NAME_PART_MSG]),
    ],
)
def test_label_key_messages(value: str, expected: list[str]) -> None:
    assert is_label_key(value) == expected
    assert is_qualified_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-starts-with-dash", [LABEL_VALUE_MSG]), ("a" * 64, ["must be no more than 63 bytes"]),
     ("Tama-nui-te-rā.is.Māori.sun", [LABEL_VALUE_MSG]), ("ā" * 32, ["must be no more than 63 bytes", LABEL_VALUE_MSG])],
)
def test_label_value_messages(value: str, expected: list[str]) -> None:
    assert is_valid_label_value(value) == expected


# -- derived rows and the name rules per kind --------------------------------------------------------------------


def test_service_name_is_dns1035() -> None:
    assert name_is_dns1035_label("my-svc", False) == []
    assert name_is_dns1035_label("1svc", False) == [DNS1035_LABEL_MSG]
    assert name_is_dns_subdomain("1svc", False) == []  # a valid Pod name


def test_name_rules() -> None:
    assert NAME_RULES["dns1123subdomain"]("a.b", False) == []
    assert NAME_RULES["dns1123label"]("a.b", False) == ["must not contain dots"]
    assert NAME_RULES["dns1035label"]("1a", False) == [DNS1035_LABEL_MSG]
    assert NAME_RULES["path_segment"]("a:b", False) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [(".", ["may not be '.'"]), ("..", ["may not be '..'"]), ("a/b", ["may not contain '/'"]),
     ("a/b%c", ["may not contain '/'", "may not contain '%'"]), ("ok:name", []), ("", [])],
)
def test_path_segment_names(name: str, expected: list[str]) -> None:
    assert is_valid_path_segment_name(name) == expected
    assert validate_path_segment_name(name, False) == expected


def test_path_segment_prefix_allows_dots() -> None:
    assert validate_path_segment_name(".", True) == []
    assert validate_path_segment_name("a%", True) == ["may not contain '%'"]


# -- generateName (api-machinery.md section 5) ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "masked"), [("web-", "wea"), ("a-", "a"), ("-", "-"), ("web", "web"), ("", ""),
                                              ("a.-", "aa")])
def test_mask_trailing_dash(name: str, masked: str) -> None:
    assert mask_trailing_dash(name) == masked


@pytest.mark.parametrize(
    ("fn", "prefix", "ok"),
    [(name_is_dns_subdomain, "web-", True), (name_is_dns_subdomain, "web-1-", True), (name_is_dns_subdomain, "Web-", False),
     (name_is_dns_subdomain, "-", False), (name_is_dns_label, "ns-", True), (name_is_dns1035_label, "svc-", True),
     (name_is_dns1035_label, "1a-", False),
     (name_is_dns1035_label, "1-", True)],  # the upstream quirk: "1-" is masked to "a"
)
def test_generate_name_prefix(fn: object, prefix: str, ok: bool) -> None:
    assert (fn(prefix, True) == []) == ok  # type: ignore[operator]
    assert fn(prefix, False) != []  # type: ignore[operator]  # a trailing dash is never a valid name


def test_name_or_generate_name_required() -> None:
    errs = validate_object_meta({"namespace": "default"}, True, "dns1123subdomain")
    assert [str(e) for e in errs] == ["metadata.name: Required value: name or generateName is required"]
    assert errs[0].type == "FieldValueRequired"


def test_generate_name_validated_as_prefix() -> None:
    errs = validate_object_meta({"name": "web-abcde", "generateName": "web-", "namespace": "default"}, True,
                                "dns1123subdomain")
    assert errs == []
    errs = validate_object_meta({"name": "web-abcde", "generateName": "Web-", "namespace": "default"}, True,
                                "dns1123subdomain")
    assert [str(e) for e in errs] == [f'metadata.generateName: Invalid value: "Web-": {DNS1123_SUBDOMAIN_MSG}']


# -- ValidateObjectMeta ---------------------------------------------------------------------------------------


def test_invalid_pod_name_gives_upstream_status() -> None:
    errs = validate_object_meta({"name": "Foo", "namespace": "default"}, True, "dns1123subdomain")
    assert [str(e) for e in errs] == [f'metadata.name: Invalid value: "Foo": {DNS1123_SUBDOMAIN_MSG}']
    err = ApiError.invalid("Pod", "", "Foo", errs)
    assert err.code == 422
    assert err.message == f'Pod "Foo" is invalid: metadata.name: Invalid value: "Foo": {DNS1123_SUBDOMAIN_MSG}'
    assert err.details["kind"] == "Pod"
    assert err.causes[0]["reason"] == "FieldValueInvalid" and err.causes[0]["field"] == "metadata.name"


def test_namespace_rules() -> None:
    assert [str(e) for e in validate_object_meta({"name": "a"}, True, "dns1123subdomain")] == [
        "metadata.namespace: Required value"
    ]
    assert [str(e) for e in validate_object_meta({"name": "a", "namespace": "x"}, False, "dns1123label")] == [
        "metadata.namespace: Forbidden: not allowed on this type"
    ]
    assert [str(e) for e in validate_object_meta({"name": "a", "namespace": "a.b"}, True, "dns1123subdomain")] == [
        'metadata.namespace: Invalid value: "a.b": must not contain dots'
    ]


def test_namespace_name_is_a_dns_label() -> None:
    errs = validate_object_meta({"name": "my.ns"}, False, "dns1123label")
    assert [str(e) for e in errs] == ['metadata.name: Invalid value: "my.ns": must not contain dots']


def test_generation_labels_annotations_in_order() -> None:
    meta = {
        "name": "a", "namespace": "default", "generation": -1,
        "labels": {"z": "-bad", "A B": "ok"},
        "annotations": {"Example.com/Key": "any value at all", "bad key": "x"},
    }
    assert [str(e) for e in validate_object_meta(meta, True, "dns1123subdomain")] == [
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0",
        f'metadata.labels: Invalid value: "A B": {NAME_PART_MSG}',
        f'metadata.labels: Invalid value: "-bad": {LABEL_VALUE_MSG}',
        f'metadata.annotations: Invalid value: "bad key": {NAME_PART_MSG}',
    ]


def test_validate_labels_is_sorted_and_fast_path_clean() -> None:
    assert validate_labels({"app": "web", "example.com/tier": "", "k": "v" * 63}, "metadata.labels") == []
    errs = validate_labels({"b": "-", "a": "-"}, "x")
    assert [e.bad_value for e in errs] == ["-", "-"] and all(e.field == "x" for e in errs)


def test_annotations_total_size() -> None:
    assert validate_annotations({"a": "x" * (256 * 1024 - 1)}, "metadata.annotations") == []
    errs = validate_annotations({"a": "x" * (256 * 1024)}, "metadata.annotations")
    assert [str(e) for e in errs] == ["metadata.annotations: Too long: may not be more than 262144 bytes"]
    assert errs[0].type == "FieldValueTooLong"


def test_owner_references() -> None:
    good = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u1", "controller": True,
             "blockOwnerDeletion": True}]
    assert validate_owner_references(good, "metadata.ownerReferences") == []
    errs = validate_owner_references([{"apiVersion": "apps/", "kind": "", "name": "", "uid": ""}], "m.o")
    assert [str(e) for e in errs] == [
        'm.o.apiVersion: Invalid value: "apps/": version must not be empty',
        'm.o.kind: Invalid value: "": must not be empty',
        'm.o.name: Invalid value: "": must not be empty',
        'm.o.uid: Invalid value: "": must not be empty',
    ]


def test_owner_reference_banned_and_two_controllers() -> None:
    refs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "u1"},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "a", "uid": "u2", "controller": True},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": "u3", "controller": True},
    ]
    assert [str(e) for e in validate_owner_references(refs, "metadata.ownerReferences")] == [
        'metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u1"}: '
        "/v1, Kind=Event is disallowed from being an owner",
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"v1","kind":"Event","name":"e","uid":"u1"},'
        '{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"u2","controller":true},'
        '{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"u3","controller":true}]: '
        'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and '
        "ReplicaSet/b",
    ]


def test_finalizers() -> None:
    assert validate_finalizers(["kubernetes.io/pvc-protection", "orphan"], "f") == []
    assert [str(e) for e in validate_finalizers(["orphan", "foregroundDeletion", "bad name"], "metadata.finalizers")] == [
        f'metadata.finalizers: Invalid value: "bad name": {NAME_PART_MSG}',
        'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion","bad name"]: '
        "finalizer orphan and foregroundDeletion cannot be both set",
    ]


def test_managed_fields() -> None:
    meta = {"name": "a", "namespace": "d", "managedFields": [
        {"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1"},
        {"manager": "x" * 129, "operation": "Patch", "fieldsType": "FieldsV2"},
    ]}
    assert [str(e) for e in validate_object_meta(meta, True, "dns1123subdomain")] == [
        'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
        "metadata.managedFields[1].manager: Too long: may not be more than 128 bytes",
    ]


def test_unknown_name_rule() -> None:
    with pytest.raises(ValueError):
        validate_object_meta({"name": "a"}, False, "nope")
    assert validate_object_meta({"name": "A"}, False, lambda name, prefix: []) == []


# -- ValidateObjectMetaUpdate ------------------------------------------------------------------------------------

OLD = {"name": "web", "namespace": "default", "uid": "u-1", "resourceVersion": "5", "generation": 2,
       "creationTimestamp": "2026-01-01T00:00:00Z"}


def test_update_unchanged_is_valid() -> None:
    assert validate_object_meta_update(dict(OLD, labels={"a": "b"}), OLD) == []


def test_update_immutable_fields() -> None:
    new = dict(OLD, name="web2", namespace="other", uid="u-2", creationTimestamp="2026-01-02T00:00:00Z",
               deletionGracePeriodSeconds=30)
    assert [str(e) for e in validate_object_meta_update(new, OLD)] == [
        'metadata.name: Invalid value: "web2": field is immutable',
        'metadata.namespace: Invalid value: "other": field is immutable',
        'metadata.uid: Invalid value: "u-2": field is immutable',
        'metadata.creationTimestamp: Invalid value: "2026-01-02T00:00:00Z": field is immutable',
        "metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable",
    ]


def test_update_generation_and_resource_version() -> None:
    new = {k: v for k, v in OLD.items() if k != "resourceVersion"}
    new["generation"] = 1
    assert [str(e) for e in validate_object_meta_update(new, OLD)] == [
        'metadata.resourceVersion: Invalid value: "": must be specified for an update',
        "metadata.generation: Invalid value: 1: must not be decremented",
    ]
    assert validate_object_meta_update(dict(OLD, generation=3), OLD) == []


def test_update_no_new_finalizers_while_deleting() -> None:
    old = dict(OLD, deletionTimestamp="2026-01-01T00:01:00Z", finalizers=["a"])
    new = dict(old, finalizers=["a", "c", "b"])
    errs = validate_object_meta_update(new, old)
    assert [str(e) for e in errs] == [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, '
        'found new finalizers []string{"b", "c"}'
    ]
    assert validate_object_meta_update(dict(old, finalizers=[]), old) == []


def test_update_validates_new_labels() -> None:
    errs = validate_object_meta_update(dict(OLD, labels={"a": "-"}), OLD)
    assert [type(e) for e in errs] == [FieldError] and errs[0].field == "metadata.labels"
