"""kubectl apply -f input parsing (labk8s.kubectl.manifest): documents, values, errors, lists, folders."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest

from labk8s.errors import ManifestError
from labk8s.kubectl.manifest import KubectlManifestError, load_manifests, parse_text, resolve_plain

MANIFESTS = Path("/work/shared/manifests")
if not MANIFESTS.is_dir():  # CI: shared/ beside the clone
    MANIFESTS = Path(__file__).resolve().parents[3] / "shared" / "manifests"


def _index() -> list[tuple[str, str, str]]:
    with open(MANIFESTS / "INDEX.tsv", newline="") as f:
        return [(row["path"], row["kinds"], row["format"]) for row in csv.DictReader(f, delimiter="\t")]


def objects(text: str) -> list[dict[str, Any]]:
    return [obj for obj, _ in load_manifests(text)]


def error(src: Any) -> KubectlManifestError:
    with pytest.raises(ManifestError) as info:
        load_manifests(src)
    assert isinstance(info.value, KubectlManifestError)
    return info.value


# -- the documentation manifests ---------------------------------------------------------------------

@pytest.mark.parametrize("path,kinds,fmt", _index())
def test_every_documentation_manifest_loads(path: str, kinds: str, fmt: str) -> None:
    loaded = load_manifests(str(MANIFESTS / path))
    assert ",".join(obj["kind"] for obj, _ in loaded) == kinds
    assert {source for _, source in loaded} == {str(MANIFESTS / path)}


def test_kyaml_manifest_values() -> None:
    [(quota, _)] = load_manifests(str(MANIFESTS / "admin/resource/quota-mem-cpu.yaml"))
    assert quota == {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "mem-cpu-demo"},
                     "spec": {"hard": {"requests.cpu": "1", "requests.memory": "1Gi",
                                       "limits.cpu": "2", "limits.memory": "2Gi"}}}
    [(job, _)] = load_manifests(str(MANIFESTS / "application/job/indexed-job.yaml"))
    script = job["spec"]["template"]["spec"]["initContainers"][0]["command"][2]
    assert script.startswith("items=(foo bar baz qux xyz)\n")
    assert job["spec"]["completions"] == 5 and job["spec"]["completionMode"] == "Indexed"


KYAML = """\
---
{
  apiVersion: "v1",
  kind: "Pod",  # a comment after a trailing comma
  metadata: {
    name: "kyaml",
    labels: {app: "web",},
  },
  spec: {
    containers: [{
      name: "c",
      image: "nginx",
      args: ["a",
             # a comment inside a flow sequence
             "b",],
      env: [{name: "MSG", value: "one
        two"}],
    }],
  },
}
---
{ apiVersion: "v1", kind: "Service", metadata: { name: "svc" } }
..."""


def test_kyaml_flow_style() -> None:
    pod, svc = objects(KYAML)
    assert pod["metadata"] == {"name": "kyaml", "labels": {"app": "web"}}
    assert pod["spec"]["containers"][0]["args"] == ["a", "b"]
    assert pod["spec"]["containers"][0]["env"] == [{"name": "MSG", "value": "one two"}]
    assert svc == {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"}}


# -- documents -----------------------------------------------------------------------------------

def test_multi_document_stream() -> None:
    text = ("# leading comment\n---\nkind: A\n---\n\n---   # a comment after the marker\n"
            "# only a comment\n---\nkind: B\n...\n---\nkind: C\nvalue: ~\n---\nnull\n---\n")
    assert objects(text) == [{"kind": "A"}, {"kind": "B"}, {"kind": "C", "value": None}]


def test_end_marker_without_final_newline_and_crlf() -> None:
    assert objects("kind: A\r\nx: 1\r\n...") == [{"kind": "A", "x": 1}]


def test_text_after_a_separator_is_an_error() -> None:
    err = error("kind: A\n--- {kind: B}\n")
    assert str(err) == "invalid Yaml document separator: {kind: B}"
    assert err.kubectl_message == "error parsing <string>: invalid Yaml document separator: {kind: B}"


def test_json_stream() -> None:
    text = '{"kind": "A", "n": 1.0}\n{"kind": "B"}  {"kind": "C"}\n'
    assert objects(text) == [{"kind": "A", "n": 1}, {"kind": "B"}, {"kind": "C"}]


def test_json_then_yaml() -> None:
    assert objects('{"kind": "A"}\n---\nkind: B\n') == [{"kind": "A"}, {"kind": "B"}]


def test_kyaml_without_separator_falls_back_to_yaml() -> None:
    assert objects('{kind: "A", list: [1, 2,],}\n') == [{"kind": "A", "list": [1, 2]}]


# -- go-yaml v2 scalars (sigs.k8s.io/yaml) --------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("yes", True), ("Yes", True), ("YES", True), ("y", True), ("Y", True), ("on", True), ("ON", True),
    ("true", True), ("True", True), ("no", False), ("n", False), ("N", False), ("off", False),
    ("Off", False), ("false", False), ("FALSE", False),
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None),
    ("42", 42), ("+1", 1), ("-7", -7), ("1_000", 1000), ("0x1F", 31), ("010", 8), ("0o17", 15),
    ("0b101", 5), ("9223372036854775807", 2**63 - 1), ("18446744073709551615", 2**64 - 1),
    ("1.5", 1.5), ("1e3", 1000.0), ("08", 8.0), ("-.5", -0.5), (".5", 0.5), ("1.", 1.0),
    ("1:30", "1:30"), ("2026-01-01", "2026-01-01"), ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"),
    ("1e400", "1e400"), (".", "."), ("0x", "0x"), ("NaN", "NaN"), ("Infinity", "Infinity"),
    ("abc", "abc"), ("yes please", "yes please"),
])
def test_plain_scalar_resolution(text: str, value: Any) -> None:
    assert resolve_plain(text) == value and type(resolve_plain(text)) is type(value)


@pytest.mark.parametrize("yaml_value,sent", [
    ("2.0", 2), ("1e3", 1000), ("0.5", 0.5), ("18446744073709551615", 18446744073709552000),
    ("123456789012345678901234", 1.2345678901234568e23), ('"2.0"', "2.0"), ("'yes'", "yes"),
    ("!!str 123", "123"), ("2026-01-01", "2026-01-01"), ("08", 8),
])
def test_values_are_what_kubectl_sends(yaml_value: str, sent: Any) -> None:
    [obj] = objects(f"kind: A\nv: {yaml_value}\n")
    assert obj["v"] == sent and type(obj["v"]) is type(sent)


def test_keys_become_strings_as_sigs_yaml_writes_them() -> None:
    [obj] = objects("kind: A\non: a\n1: b\n1.5: c\n0.1: d\n1000000: e\nn: f\nnull_: g\n")
    assert obj == {"kind": "A", "true": "a", "1": "b", "1.5": "c", "0.1": "d", "1000000": "e", "false": "f",
                   "null_": "g"}


def test_anchors_and_merge_keys() -> None:
    [obj] = objects("kind: A\nbase: &b {p: 1, q: 2}\nuse:\n  <<: *b\n  q: 3\nref: *b\n")
    assert obj["use"] == {"p": 1, "q": 3} and obj["ref"] == {"p": 1, "q": 2}


# -- errors with kubectl's wording ---------------------------------------------------------------

YAML_ERRORS = [
    ("scanner error: 1-based line", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n",
     "yaml: line 5: mapping values are not allowed in this context", 5),
    ("parser error: go-yaml's 0-based line", "kind: A\nlist:\n  - x\n  y: z\n",
     "yaml: line 3: did not find expected '-' indicator", 3),
    ("first line: no line number", "kind: a: b\n", "yaml: mapping values are not allowed in this context", None),
    ("lines count from the document's start", "kind: A\n---\nkind: B\nmetadata:\n  labels: a: b\n",
     "yaml: line 3: mapping values are not allowed in this context", 3),
    ("unterminated quote", 'kind: A\nx: "abc\n', "yaml: line 3: found unexpected end of stream", 3),
    ("flow sequence", "kind: A\nx: [1, 2\ny: 3\n", "yaml: line 2: did not find expected ',' or ']'", 2),
    ("tab indentation", "kind: A\nx:\n\t- 1\n", "yaml: line 3: found character that cannot start any token", 3),
    ("undefined alias", "kind: A\nx: *nope\n", "yaml: unknown anchor 'nope' referenced", None),
]


@pytest.mark.parametrize("text,problem,line", [c[1:] for c in YAML_ERRORS], ids=[c[0] for c in YAML_ERRORS])
def test_yaml_errors(text: str, problem: str, line: int | None) -> None:
    err = error(text)
    assert str(err) == f"error converting YAML to JSON: {problem}"
    assert err.line == line and err.source == "<string>"
    assert err.kubectl_message == f"error parsing <string>: error converting YAML to JSON: {problem}"
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("text,message", [
    ("kind: A\nx: .nan\n", "error converting YAML to JSON: json: unsupported value: NaN"),
    ("kind: A\nx: -.inf\n", "error converting YAML to JSON: json: unsupported value: -Inf"),
    ("kind: A\n~: 1\n", "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, "
                        "value: 1"),
])
def test_json_conversion_errors(text: str, message: str) -> None:
    assert str(error(text)) == message


@pytest.mark.parametrize("text,message", [
    ("apiVersion: v1\nmetadata:\n  name: x\n",
     """Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'"""),
    ('{"apiVersion": "v1",\n "metadata": {}}', """Object 'Kind' is missing in '{"apiVersion": "v1",\n "metadata": {}}'"""),
    ("kind: 5\n", """Object 'Kind' is missing in '{"kind":5}'"""),
    ("kind: Y\n", """Object 'Kind' is missing in '{"kind":true}'"""),  # Y is a YAML 1.1 boolean
    ("just text\n", "json: cannot unmarshal string into Go value of type unstructured.detector"),
    ("- a\n- b\n", "json: cannot unmarshal array into Go value of type unstructured.detector"),
    ("kind: Pod\nmetadata:\n  labels:\n    tier: 1\n",
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
    ("kind: Pod\napiVersion: 1\n",
     "json: cannot unmarshal number into Go struct field metadataOnlyObject.apiVersion of type string"),
    ("kind: List\nitems: {}\n",
     "json: cannot unmarshal object into Go struct field decodeList.items of type []json.RawMessage"),
])
def test_decode_errors(text: str, message: str) -> None:
    err = error(text)
    assert str(err) == message
    assert err.kubectl_message == f'unable to decode "<string>": {message}'


def test_missing_api_version_is_left_to_the_rest_mapping() -> None:
    assert objects("kind: Pod\nmetadata:\n  name: x\n") == [{"kind": "Pod", "metadata": {"name": "x"}}]


# -- lists ---------------------------------------------------------------------------------------

def test_list_items_are_flattened_breadth_first() -> None:
    text = """\
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Pod, metadata: {name: a}}
- kind: List
  items:
  - {apiVersion: v1, kind: Pod, metadata: {name: nested}}
- {apiVersion: v1, kind: Service, metadata: {name: b}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after}
"""
    assert [(o["kind"], o["metadata"]["name"]) for o in objects(text)] == [
        ("Pod", "a"), ("Service", "b"), ("Pod", "nested"), ("ConfigMap", "after")]


def test_typed_list_items_inherit_kind_and_api_version() -> None:
    text = "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n- {kind: Pod, metadata: {name: b}}\n"
    assert objects(text) == [{"metadata": {"name": "a"}, "kind": "Pod", "apiVersion": "v1"},
                             {"kind": "Pod", "metadata": {"name": "b"}}]


def test_empty_lists() -> None:
    assert objects("apiVersion: v1\nkind: List\nitems: []\n") == []
    assert objects("apiVersion: v1\nkind: List\nitems: null\n") == []


def test_list_item_without_kind() -> None:
    err = error("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n")
    assert err.kubectl_message == ('unable to get type info from the object "*unstructured.Unstructured": '
                                   "Object 'Kind' is missing in 'unstructured object has no kind'")


def test_dicts_and_lists_of_dicts() -> None:
    pod: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"n": 2.0}}
    lst: dict[str, Any] = {"apiVersion": "v1", "kind": "List", "items": [pod]}
    loaded = load_manifests(pod)
    assert loaded == [({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"n": 2}},
                       "<object>")]
    loaded[0][0]["metadata"]["name"] = "changed"
    assert pod["metadata"]["name"] == "p"  # results are copies
    assert [o["metadata"]["name"] for o, _ in load_manifests([pod, lst])] == ["p", "p"]
    assert str(error({"metadata": {}})) == "Object 'Kind' is missing in '{\"metadata\":{}}'"


# -- files and folders ---------------------------------------------------------------------------

def test_folder_rules(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("kind: B\n")
    (tmp_path / "a.yml").write_text("kind: A\n")
    (tmp_path / "c.json").write_text('{"kind": "C"}')
    (tmp_path / "d.txt").write_text("kind: D\n")
    (tmp_path / "E.YAML").write_text("kind: E\n")  # extensions match case-sensitively
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.yaml").write_text("kind: F\n")  # not recursive
    loaded = load_manifests(tmp_path)
    assert [(o["kind"], os.path.basename(s)) for o, s in loaded] == [("A", "a.yml"), ("B", "b.yaml"),
                                                                      ("C", "c.json")]
    assert loaded[0][1] == str(tmp_path / "a.yml")
    assert [o["kind"] for o, _ in load_manifests(str(tmp_path / "d.txt"))] == ["D"]  # a named file is read


def test_folder_of_documentation_manifests() -> None:
    loaded = load_manifests(MANIFESTS / "application" / "guestbook")
    assert [os.path.basename(s) for _, s in loaded] == [
        "redis-follower-deployment.yaml", "redis-follower-service.yaml",
        "redis-leader-deployment.yaml", "redis-leader-service.yaml"]


def test_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfkind: A\n")
    (tmp_path / "utf16.yaml").write_bytes("kind: B\n".encode("utf-16"))
    assert [o["kind"] for o, _ in load_manifests(tmp_path)] == ["A", "B"]


def test_missing_path() -> None:
    err = error("no/such/file.yaml")
    assert str(err) == 'the path "no/such/file.yaml" does not exist'


def test_parse_text_names_the_source() -> None:
    assert parse_text("kind: A\n", "stdin") == [({"kind": "A"}, "stdin")]
    with pytest.raises(ManifestError) as info:
        parse_text("kind: a: b\n", "pod.yaml")
    assert isinstance(info.value, KubectlManifestError)
    assert info.value.kubectl_message == (
        "error parsing pod.yaml: error converting YAML to JSON: yaml: mapping values are not allowed in this context")
