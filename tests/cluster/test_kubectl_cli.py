"""`c.kubectl(...)`: what kubectl v1.37 prints for the same cluster state; kubectl's JSONPath (client-go
util/jsonpath tables ported), custom columns, --sort-by, label/annotate/taint/cordon/run/exec."""

from __future__ import annotations

import json

import pytest

from labk8s import Cluster
from labk8s.client.client import Client
from labk8s.kubectl.cli import Kubectl
from labk8s.kubectl.customcolumns import CustomColumnsError, columns_from_spec, print_custom_columns
from labk8s.kubectl.jsonpath import JSONPath, JSONPathError, relaxed_jsonpath_expression
from labk8s.kubectl.sorting import is_less, natural_less

from .conftest import pod

DEPLOY = "/work/shared/manifests/application/deployment.yaml"
UPDATE = "/work/shared/manifests/application/deployment-update.yaml"


def test_apply_created_configured_unchanged(c: Cluster) -> None:
    assert c.kubectl(f"apply -f {DEPLOY}") == "deployment.apps/nginx-deployment created\n"
    assert c.kubectl(f"apply -f {DEPLOY}") == "deployment.apps/nginx-deployment unchanged\n"
    assert c.kubectl(f"apply -f {UPDATE}") == "deployment.apps/nginx-deployment configured\n"
    d = c.get("deploy", "nginx-deployment")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.16.1"
    assert d["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in d["metadata"]["annotations"]


def test_apply_removes_fields_dropped_from_the_manifest(c: Cluster) -> None:
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "labels": {"a": "1", "b": "2"}},
            "data": {"x": "1", "y": "2"}}
    c.apply(base)
    c.patch("cm", "cfg", {"metadata": {"labels": {"live": "yes"}}})  # a change made by someone else
    c.apply({**base, "metadata": {"name": "cfg", "labels": {"a": "1"}}, "data": {"x": "1"}})
    cm = c.get("cm", "cfg")
    assert cm["metadata"]["labels"] == {"a": "1", "live": "yes"}
    assert cm["data"] == {"x": "1"}


def test_apply_merges_containers_by_name(c: Cluster) -> None:
    c.kubectl(f"apply -f {DEPLOY}")
    c.patch("deploy", "nginx-deployment", {"spec": {"template": {"metadata": {"annotations": {"k": "v"}}}}})
    c.kubectl(f"apply -f {UPDATE}")
    d = c.get("deploy", "nginx-deployment")
    assert d["spec"]["template"]["metadata"]["annotations"] == {"k": "v"}
    assert [ct["name"] for ct in d["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_get_variants(c: Cluster) -> None:
    assert c.kubectl("get pods") == "No resources found in default namespace.\n"
    c.kubectl(f"apply -f {DEPLOY}")
    out = c.kubectl("get deploy")
    assert out.splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert out.splitlines()[1].split()[0] == "nginx-deployment"
    assert c.kubectl("get deploy -o name") == "deployment.apps/nginx-deployment\n"
    assert c.kubectl("get deployment.apps/nginx-deployment -o yaml").startswith("apiVersion: apps/v1\nkind: Deployment\n")
    assert c.kubectl("get ns").splitlines()[0].split() == ["NAME", "STATUS", "AGE"]
    wide = c.kubectl("get nodes -o wide").splitlines()[0].split()
    assert wide[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"] and "INTERNAL-IP" in wide


def test_errors_print_like_kubectl(c: Cluster) -> None:
    assert c.kubectl("get pod nosuch") == 'Error from server (NotFound): pods "nosuch" not found\n'
    assert c.kubectl("get foo") == 'error: the server doesn\'t have a resource type "foo"\n'
    assert c.kubectl("frobnicate") == 'error: unknown command "frobnicate" for "kubectl"\n'


def test_delete_and_scale_messages(c: Cluster) -> None:
    c.kubectl(f"apply -f {DEPLOY}")
    assert c.kubectl("scale deploy nginx-deployment --replicas=4") == "deployment.apps/nginx-deployment scaled\n"
    assert c.get("deploy", "nginx-deployment")["spec"]["replicas"] == 4
    assert c.kubectl("delete deploy nginx-deployment") == \
        'deployment.apps "nginx-deployment" deleted from default namespace\n'
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tmp"}})
    assert c.kubectl("delete ns tmp") == 'namespace "tmp" deleted\n'


def test_create_conflict(c: Cluster) -> None:
    assert c.kubectl(f"create -f {DEPLOY}") == "deployment.apps/nginx-deployment created\n"
    assert c.kubectl(f"create -f {DEPLOY}") == (
        f'Error from server (AlreadyExists): error when creating "{DEPLOY}": deployments.apps '
        '"nginx-deployment" already exists\n')


def test_describe_namespace(c: Cluster) -> None:
    out = c.kubectl("describe ns default")
    assert out.startswith("Name:         default\n")
    assert "Status:       Active" in out


# -- JSONPath (k8s.io/client-go/util/jsonpath/jsonpath_test.go, ported) --------------------------------------
TYPES = {"bools": [True, False, True, False], "integers": [1, 2, 3, 4], "floats": [1.0, 2.2, 3.3, 4.0],
         "strings": ["one", "two", "three", "four"], "interfaces": [True, "one", 1, 1.1],
         "maps": [{"name": "one", "value": 1}, {"name": "two", "value": 2.02}, {"name": "three", "value": 3.03},
                  {"name": "four", "value": 4.04}]}

# TestTypesInput (the struct rows use maps here: unstructured objects are maps)
TYPES_TABLE = [
    ("{ .bools }", "[true,false,true,false]"), ("{ .bools[0] }", "true"), ("{ .bools[-1] }", "false"),
    ("{ .bools[0:2] }", "true false"), ("{ .bools[:2] }", "true false"), ("{ .bools[:4:2] }", "true true"),
    ("{ .integers }", "[1,2,3,4]"), ("{ .integers[0] }", "1"), ("{ .integers[-2] }", "3"),
    ("{ .integers[0:2] }", "1 2"), ("{ .integers[:2] }", "1 2"), ("{ .integers[:4:2] }", "1 3"),
    ("{ .floats }", "[1,2.2,3.3,4]"), ("{ .floats[0] }", "1"), ("{ .floats[-2] }", "3.3"),
    ("{ .floats[0:2] }", "1 2.2"), ("{ .floats[:2] }", "1 2.2"), ("{ .floats[:4:2] }", "1 3.3"),
    ("{ .strings }", '["one","two","three","four"]'), ("{ .strings[0] }", "one"), ("{ .strings[-2] }", "three"),
    ("{ .strings[0:2] }", "one two"), ("{ .strings[:2] }", "one two"), ("{ .strings[:4:2] }", "one three"),
    ("{ .interfaces }", '[true,"one",1,1.1]'), ("{ .interfaces[0] }", "true"), ("{ .interfaces[-2] }", "1"),
    ("{ .interfaces[0:2] }", "true one"), ("{ .interfaces[:2] }", "true one"), ("{ .interfaces[:4:2] }", "true 1"),
    ("{ .maps }", '[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},'
                  '{"name":"four","value":4.04}]'),
    ("{ .maps[0] }", '{"name":"one","value":1}'), ("{ .maps[-2] }", '{"name":"three","value":3.03}'),
    ("{ .maps[0:2] }", '{"name":"one","value":1} {"name":"two","value":2.02}'),
    ("{ .maps[::2] }", '{"name":"one","value":1} {"name":"three","value":3.03}'),
    ("{ .maps[1::2] }", '{"name":"two","value":2.02} {"name":"four","value":4.04}'),
]


@pytest.mark.parametrize(("template", "expected"), TYPES_TABLE)
def test_jsonpath_types(template: str, expected: str) -> None:
    assert JSONPath(template).execute(TYPES) == expected


NODES = json.loads("""{"kind": "List", "items": [
  {"kind": "None", "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
   "status": {"capacity": {"cpu": "4"}, "ready": true, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
  {"kind": "None", "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
   "status": {"capacity": {"cpu": "8"}, "ready": false, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                                                                     {"type": "another", "address": "127.0.0.3"}]}}],
  "users": [{"name": "myself", "user": {}}, {"name": "e2e", "user": {"username": "admin", "password": "secret"}}]}""")

# TestKubernetes; `{..name}` visits map keys in sorted order (Go: random, the upstream test sorts the words)
KUBERNETES_TABLE = [
    ('{range .items[*]}{.metadata.name}, {end}{.kind}', "127.0.0.1, 127.0.0.2, List"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{end}', "127.0.0.1\t127.0.0.2\t"),
    ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
    ("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
    ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
    ("{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
    ("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '),
    ('{.users[?(@.name=="e2e")].user.password}', "secret"),
    ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
    ('{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', "None"),
    ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
    ("{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
    # TestStructInput rows on JSON data
    ("hello jsonpath", "hello jsonpath"), ('{"{"}', "{"), ("kind is {.kind}", "kind is List"),
    ("{.items[-1:].metadata.name}", "127.0.0.2"), ("{..addresses[0].type}", "LegacyHostIP LegacyHostIP"),
    ("{.items[?(@.status.ready==true)].metadata.name}", "127.0.0.1"), ("{.nosuch}", ""),
]


@pytest.mark.parametrize(("template", "expected"), KUBERNETES_TABLE)
def test_jsonpath_kubernetes(template: str, expected: str) -> None:
    assert JSONPath(template, allow_missing_keys=True).execute(NODES) == expected


@pytest.mark.parametrize(("template", "data", "expected"), [
    ("{[?(@<5)]}", [2, 6, 3, 7], "2 3"), ("{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4"),
    ("{[0:2]}", ["Monday", "Tudesday"], "Monday Tudesday"), ("{..}", [1, 2, 3], "[1,2,3]"),
    ("{[?(@.z)].id}", [{"id": "i1", "x": 4}, {"id": "i2", "z": 1}, {"id": "i5", "z": 1}], "i2 i5"),
    ("{[0]['id']}", [{"id": "i1"}], "i1"), ("{.a}", {"a": None}, "null"), ("{.a}", {"a": 1e6}, "1e+06"),
    ("{.a}", {"a": "<b>"}, "<b>"), ("{.a}", {"a": {"b": "<c>"}}, '{"b":"\\u003cc\\u003e"}'),
    ("{.s.*}", {"s": "ab"}, "97 98"), ("{.a[0:0]}", {"a": [1]}, ""),
])
def test_jsonpath_values(template: str, data: object, expected: str) -> None:
    assert JSONPath(template).execute(data) == expected


NESTED = {"items": [
    {"metadata": {"name": "pod1"}, "spec": {"containers": [
        {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
        {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]}]}},
    {"metadata": {"name": "pod2"}, "spec": {"containers": [
        {"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]}}]}


@pytest.mark.parametrize(("template", "expected"), [  # TestNestedRanges
    ('{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
     "pod1:foo,bar,+pod2:baz,+"),
    ('{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}'
     '{","}{end}{"+"}{end}{"#"}{end}', "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}'
     '{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}', "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n"),
])
def test_jsonpath_nested_ranges(template: str, expected: str) -> None:
    assert JSONPath(template).execute(NESTED) == expected


@pytest.mark.parametrize("template", [  # TestEmptyRange
    "{range .items[*]}{.metadata.name}{end}",
    '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
])
def test_jsonpath_empty_range(template: str) -> None:
    assert JSONPath(template, allow_missing_keys=True).execute({"items": []}) == ""


CONTAINERS = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(6)]}}
FOUR = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(4)]}}


@pytest.mark.parametrize(("data", "template", "expected"), [  # TestNegativeIndex, TestStep
    (FOUR, "{.spec.containers[0].name}", "fake0"), (FOUR, "{.spec.containers[0:0].name}", ""),
    (FOUR, "{.spec.containers[0:-1].name}", "fake0 fake1 fake2"), (FOUR, "{.spec.containers[-1].name}", "fake3"),
    (FOUR, "{.spec.containers[-1:].name}", "fake3"), (FOUR, "{.spec.containers[-2].name}", "fake2"),
    (FOUR, "{.spec.containers[-2:].name}", "fake2 fake3"), (FOUR, "{.spec.containers[-3].name}", "fake1"),
    (FOUR, "{.spec.containers[-4].name}", "fake0"), (FOUR, "{.spec.containers[-4:].name}", "fake0 fake1 fake2 fake3"),
    (FOUR, "{.spec.containers[5:5].name}", ""), (FOUR, "{.spec.containers[-5:-5].name}", ""),
    (CONTAINERS, "{.spec.containers[0:].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
    (CONTAINERS, "{.spec.containers[0:6:].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
    (CONTAINERS, "{.spec.containers[0:6:1].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
    (CONTAINERS, "{.spec.containers[1:4:2].name}", "fake1 fake3"), (CONTAINERS, "{.spec.containers[1:4:3].name}", "fake1"),
    (CONTAINERS, "{.spec.containers[1:4:4].name}", "fake1"), (CONTAINERS, "{.spec.containers[0:6:2].name}", "fake0 fake2 fake4"),
    (CONTAINERS, "{.spec.containers[0:6:3].name}", "fake0 fake3"), (CONTAINERS, "{.spec.containers[0:6:5].name}", "fake0 fake5"),
    (CONTAINERS, "{.spec.containers[0:6:6].name}", "fake0"),
])
def test_jsonpath_slices(data: object, template: str, expected: str) -> None:
    assert JSONPath(template).execute(data) == expected


@pytest.mark.parametrize(("template", "data", "message"), [
    ("{.spec.containers[-1:0].name}", FOUR, "starting index 3 is greater than ending index 0"),
    ("{.spec.containers[-5].name}", FOUR, "array index out of bounds: index -1, length 4"),
    ("{.spec.containers[3:1].name}", FOUR, "starting index 3 is greater than ending index 1"),
    ("{.spec.containers[0:6:0].name}", CONTAINERS, "step must be > 0"),
    ("{.spec.containers[0:6:-1].name}", CONTAINERS, "step must be > 0"),
    ("{hello}", {}, "unrecognized identifier hello"),
    ("{.hello}", {}, "hello is not found"),
    ("{.labels[0]}", {"labels": {"a": 1}}, "map[string]interface {} is not array or slice"),
    ("{.book[?(@.price<>10)]}", {"book": [{"price": 1}]}, "unrecognized filter operator <>"),
    ("{range .labels.*}{@}{end}{end}", {"labels": {"a": 1}}, "not in range, nothing to end"),
    ("{.a[?(@.x==1)]}", {"a": None}, "<nil> is not array or slice and cannot be filtered"),
    ("{.s[*]}", {"s": "ab"}, "string is not array or slice"),
    ("{..addresses[1].type}", NODES, "array index out of bounds: index 1, length 1"),
    ('{.a[?(@.x=="1")]}', {"a": [{"x": 1}]}, "incompatible types for comparison"),
    ("{.items[?(@.metadata.annotations.color==\"blue\")].metadata.name}",
     {"items": [{"metadata": {"name": "pod2"}}]}, "annotations is not found"),
])
def test_jsonpath_execution_errors(template: str, data: object, message: str) -> None:
    with pytest.raises(JSONPathError) as err:
        JSONPath(template).execute(data)
    assert str(err.value) == message


def test_jsonpath_filter_tolerates_missing_keys() -> None:
    # TestFilterPartialMatchesSometimesMissingAnnotations: kubectl allows missing keys
    items = {"items": [{"metadata": {"name": "pod1", "annotations": {"color": "blue"}}}, {"metadata": {"name": "pod2"}},
                       {"metadata": {"name": "pod3", "annotations": {"color": "green"}}},
                       {"metadata": {"name": "pod4", "annotations": {"color": "blue"}}}]}
    template = '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    assert JSONPath(template, allow_missing_keys=True).execute(items) == "pod1 pod4"


@pytest.mark.parametrize(("template", "message"), [
    ("{.items[", "unterminated array"), ("{.items[?(@.a==1}", "unterminated filter"),
    ('{"abc}', "unterminated quoted string"), ("{.a", "unclosed action"),
    ("{....Price}", "invalid multiple recursive descent"), ("{.a[x]}", "invalid array index x"),
    ("{#}", "unrecognized character in action: U+0023 '#'"), ("{.a[?(@.b==1)}", "unclosed array expect ]"),
    ("{1.2.3}", "cannot parse number 1.2.3"), ("""{"\\'"}""", """unquote string "\\'" error invalid syntax"""),
])
def test_jsonpath_parse_errors(template: str, message: str) -> None:
    with pytest.raises(JSONPathError) as err:
        JSONPath(template)
    assert str(err.value) == message


@pytest.mark.parametrize(("expression", "expected"), [  # customcolumn_test.go TestMassageJSONPath
    ("", ""), ("metadata.name", "{.metadata.name}"), ("{metadata.name}", "{.metadata.name}"),
    (".metadata.name", "{.metadata.name}"), ("{.metadata.name}", "{.metadata.name}"),
    ("{{metadata.name}", None), ("metadata.name}", None), ("{metadata.name", None),
])
def test_relaxed_jsonpath_expression(expression: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(JSONPathError, match="unexpected path string"):
            relaxed_jsonpath_expression(expression)
    else:
        assert relaxed_jsonpath_expression(expression) == expected


@pytest.mark.parametrize(("a", "b", "less"), [  # sortorder natsort_test.go
    ("", "a", True), ("a", "", False), ("a", "b", True), ("b", "a", False), ("a1", "a2", True),
    ("a2", "a10", True), ("a10", "a2", False), ("a02", "a2", False), ("a2", "a02", True),
    ("web-2", "web-10", True), ("ab1", "abc1", True), ("abc1", "ab1", False), ("1", "a", True),
])
def test_natural_less(a: str, b: str, less: bool) -> None:
    assert natural_less(a, b) is less


@pytest.mark.parametrize(("a", "b", "less"), [
    (None, "x", True), ("x", None, False), (None, None, False), (1, 2, True), (2.5, 1.5, False),
    ("100m", "1", True), ("2Gi", "500Mi", False), ("pod-2", "pod-10", True), ("1", "pod", True),
])
def test_sort_is_less(a: object, b: object, less: bool) -> None:
    assert is_less(a, b) is less


# -- custom columns ----------------------------------------------------------------------------------------
def test_custom_columns_printer_aligns_and_shows_none() -> None:
    columns = columns_from_spec("NAME:.metadata.name,API:apiVersion,IMAGES:{.spec.containers[*].image},X:.foo")
    lst = {"kind": "List", "items": [
        {"apiVersion": "v1", "metadata": {"name": "a-long-name"}, "spec": {"containers": [{"image": "x"}, {"image": "y"}]}},
        {"apiVersion": "v1", "metadata": {"name": "b"}}]}
    assert print_custom_columns(lst, columns) == (
        "NAME          API   IMAGES   X\n"
        "a-long-name   v1    x,y      <none>\n"
        "b             v1    <none>   <none>\n")
    assert print_custom_columns(lst["items"][1], columns, no_headers=True) == "b     v1    <none>   <none>\n"


@pytest.mark.parametrize(("spec", "message"), [
    ("", "custom-columns format specified but no custom columns given"),
    ("NAME", "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
    ("NAME:{{.x}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
                   "'{.name1.name2}'"),
])
def test_custom_columns_spec_errors(spec: str, message: str) -> None:
    with pytest.raises(CustomColumnsError) as err:
        columns_from_spec(spec)
    assert str(err.value) == message


# -- kubectl get -o jsonpath / custom-columns / --sort-by on a cluster ------------------------------------------
def three_pods(c: Cluster) -> None:
    for name in ("web-10", "web-2", "db"):  # created one second apart, in this order
        c.create({**pod(name), "metadata": {"name": name, "labels": {"app": name.split("-")[0]}}})
        c.run(1)
    c.run(20)


def test_get_jsonpath_output(c: Cluster) -> None:
    three_pods(c)
    assert c.kubectl("get pods -o jsonpath={.items[*].metadata.name}") == "db web-10 web-2"  # no newline added
    assert c.kubectl("get pods -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}'") \
        == "db\tRunning\nweb-10\tRunning\nweb-2\tRunning\n"
    assert c.kubectl("get nodes -o jsonpath='{.items[*].status.conditions[?(@.type==\"Ready\")].status}'") \
        == "True True True"
    assert c.kubectl("get pod db -o jsonpath={.spec.nodeName}") == c.get("pod", "db")["spec"]["nodeName"]
    assert c.kubectl("get pod db -o jsonpath={.metadata.labels}") == '{"app":"db"}'
    assert c.kubectl("get pod db -o jsonpath-as-json={.metadata.labels}") == '[\n    {\n        "app": "db"\n    }\n]\n'
    assert c.kubectl("get pods -l app=web -o jsonpath='{.items[*].spec.containers[?(@.name==\"app\")].image}'") \
        == "nginx:1.25 nginx:1.25"


def test_get_custom_columns_output(c: Cluster) -> None:
    three_pods(c)
    node = {n: c.get("pod", n)["spec"]["nodeName"] for n in ("db", "web-10", "web-2")}
    out = c.kubectl("get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,MISSING:.spec.foo")
    assert out == ("NAME     NODE     MISSING\n"
                   f"db       {node['db']}   <none>\n"
                   f"web-10   {node['web-10']}   <none>\n"
                   f"web-2    {node['web-2']}   <none>\n")
    assert c.kubectl("get pods -o custom-columns=NAME:.metadata.name,APP:.metadata.labels.app --no-headers") == (
        "db       db\nweb-10   web\nweb-2    web\n")
    assert c.kubectl("get pod db -o custom-columns=LABELS:.metadata.labels") == "LABELS\nmap[app:db]\n"
    assert c.kubectl("get svc -n kube-public -o custom-columns=NAME:.metadata.name") == "NAME\n"  # header only


def test_get_sort_by(c: Cluster) -> None:
    three_pods(c)
    names = [line.split()[0] for line in c.kubectl("get pods --sort-by=.metadata.name").splitlines()]
    assert names == ["NAME", "db", "web-2", "web-10"]  # natural order: 2 before 10
    assert c.kubectl("get pods -o name --sort-by=.metadata.creationTimestamp") == "pod/web-10\npod/web-2\npod/db\n"
    assert c.kubectl("get pods -o jsonpath={.items[*].metadata.name} --sort-by={.metadata.name}") == "db web-2 web-10"
    # several names are several server Tables: each is sorted alone, so their order stays
    assert [line.split()[0] for line in c.kubectl("get pod web-2 db --sort-by=.metadata.name").splitlines()] \
        == ["NAME", "web-2", "db"]
    assert c.kubectl("get pods,nodes -o name --sort-by=.metadata.name") == (
        "node/control-plane\npod/db\nnode/node-1\nnode/node-2\npod/web-2\npod/web-10\n")
    assert c.kubectl("get pods --sort-by=.metadata.foo") == \
        'error: couldn\'t find any field with path "{.metadata.foo}" in the list of objects\n'
    assert c.kubectl("get pods -o name --sort-by=.metadata.foo") == \
        'error: couldn\'t find any field with path "{.metadata.foo}" in the list of objects\n'
    assert c.kubectl("get pods --sort-by=.metadata.name --no-headers -o custom-columns=N:.metadata.name") \
        == "db\nweb-2\nweb-10\n"


def test_sort_by_quantities_and_missing_fields(c: Cluster) -> None:
    for name, cpu in (("a", "1"), ("b", "100m"), ("c", None), ("d", "250m")):
        spec = pod(name)
        if cpu:
            spec["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}}
        c.create(spec)
    out = c.kubectl("get pods -o name --sort-by=.spec.containers[0].resources.requests.cpu")
    assert out == "pod/c\npod/b\npod/d\npod/a\n"  # no field first, then 100m < 250m < 1


def test_get_output_format_errors(c: Cluster) -> None:
    assert c.kubectl("get pods -o jsonpath") == "error: template format specified but no template given\n"
    assert c.kubectl("get pods -o jsonpath={.items[") == "error: error parsing jsonpath {.items[, unterminated array\n"
    assert c.kubectl("get pods -o custom-columns=NAME") == \
        "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"
    assert c.kubectl("get pods -o yml").startswith('error: unable to match a printer suitable for the output format '
                                                   '"yml", allowed formats are: custom-columns,')
    out = c.kubectl("get pods -o jsonpath={.items[5]}")
    assert out == ('error: error executing jsonpath "{.items[5]}": Error executing template: array index out of '
                   "bounds: index 5, length 0. Printing more information for debugging the template:\n"
                   "\ttemplate was:\n\t\t{.items[5]}\n\tobject given to jsonpath engine was:\n"
                   '\t\tmap[string]interface {}{"apiVersion":"v1", "items":[]interface {}{}, "kind":"List", '
                   '"metadata":map[string]interface {}{"resourceVersion":""}}\n\n\n')
    assert c.kubectl("get pods -o name") == ""  # generic printers print no "No resources found"
    assert c.kubectl("get pod nosuch -o jsonpath={.x}") == 'Error from server (NotFound): pods "nosuch" not found\n'
    assert c.kubectl("get pods --show-labels -o name") == "error: --show-labels option cannot be used with name printer\n"


# -- label, annotate ---------------------------------------------------------------------------------------
LABEL_STEPS = [
    ("label pods web tier=fe", "pod/web labeled\n"),
    ("label pods web tier=be", "error: 'tier' already has a value (fe), and --overwrite is false\n"),
    ("label pods web tier=be --overwrite", "pod/web labeled\n"),
    ("label pods web tier-", "pod/web unlabeled\n"),
    ("label pods web tier-", 'label "tier" not found.\npod/web not labeled\n'),
    ("label pod/web a=1 b=2", "pod/web labeled\n"),
    ("label pods web a=1 a-", "error: can not both modify and remove a label in the same command\n"),
    ("label pods web", "error: at least one label update is required\n"),
    ("label a=b", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
    ("label pods web a=b c", "error: all resources must be specified before label changes: c\n"),
    ("label pods web c=d=e", "error: invalid label spec: c=d=e\n"),
    ("label pods web 'c=a b'", 'error: invalid label value: "c=a b": a valid label must be an empty string or '
     "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
     "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
     "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"),
    ("label pods web nosuch c=d", 'pod/web labeled\nError from server (NotFound): pods "nosuch" not found\n'),
    ("label pods web a=9 b=9", "'a' already has a value (1), and --overwrite is false\n"
                               "'b' already has a value (2), and --overwrite is false\n"),
    ("label pods --all env=dev", "pod/other labeled\npod/web labeled\n"),
    ("label pods -l app=web team=x", "pod/web labeled\n"),
    ("label pods --all -l app=web x=y", "error: cannot set --all and --selector at the same time\n"),
    ("label pods web 'bad key=1'", 'The Pod "web" is invalid: metadata.labels: Invalid value: "bad key": name part '
     "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
     "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
     "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"),
]


def test_label(c: Cluster) -> None:
    c.create({**pod("web"), "metadata": {"name": "web", "labels": {"app": "web"}}})
    c.create({**pod("other"), "metadata": {"name": "other", "labels": {"app": "other"}}})
    for command, expected in LABEL_STEPS:
        assert c.kubectl(command) == expected, command
    assert c.get("pod", "web")["metadata"]["labels"] == {"app": "web", "a": "1", "b": "2", "c": "d", "env": "dev",
                                                         "team": "x"}
    # removing a label the pod never had still sets an empty map: kubectl reports "labeled"
    c.create(pod("bare"))
    assert c.kubectl("label pod bare x-") == 'label "x" not found.\npod/bare labeled\n'


def test_annotate(c: Cluster) -> None:
    c.create(pod("web"))
    assert c.kubectl("annotate pods web note=hello") == "pod/web annotated\n"
    assert c.kubectl("annotate pods web note=bye") == (
        "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value "
        "(hello)\n")
    assert c.kubectl("annotate pods web note=bye --overwrite") == "pod/web annotated\n"
    assert c.kubectl("annotate pods web 'description=a=b c'") == "pod/web annotated\n"  # values may hold = and spaces
    assert c.get("pod", "web")["metadata"]["annotations"] == {"note": "bye", "description": "a=b c"}
    assert c.kubectl("annotate pods web note-") == "pod/web annotated\n"
    assert c.kubectl("annotate pods web bad") == "error: at least one annotation update is required\n"
    assert c.kubectl("annotate pods web x=1 x-") == (
        "error: can not both modify and remove the following annotation(s) in the same command: x\n")
    assert c.kubectl("annotate pods web kubernetes.io/change-cause=one") == "pod/web annotated\n"
    assert c.kubectl("annotate pods web kubernetes.io/change-cause=two") == "pod/web annotated\n"  # always allowed
    assert "note" not in c.get("pod", "web")["metadata"]["annotations"]


# -- taint, cordon, uncordon ------------------------------------------------------------------------------------
TAINT_STEPS = [
    ("taint nodes node-1 dedicated=gpu:NoSchedule", "node/node-1 tainted\n"),
    ("taint nodes node-1 dedicated=gpu:NoSchedule",
     "error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n"),
    ("taint nodes node-1 dedicated=cpu:NoSchedule --overwrite", "node/node-1 modified\n"),
    ("taint nodes node-1 other:NoExecute", "node/node-1 tainted\n"),
    ("taint nodes node-1 dedicated:NoSchedule-", "node/node-1 untainted\n"),
    ("taint nodes node-1 dedicated:NoSchedule-", 'error: taint "dedicated:NoSchedule" not found\n'),
    ("taint nodes node-1 dedicated-", 'error: taint "dedicated" not found\n'),
    ("taint nodes node-1 x=y:Bad", "error: invalid taint effect: Bad, unsupported taint effect\n"
                                   "See 'kubectl taint -h' for help and examples\n"),
    ("taint nodes node-1 x=y", "error: invalid taint spec: x=y, name part must consist of alphanumeric characters, "
     "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
     "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"
     "See 'kubectl taint -h' for help and examples\n"),
    ("taint nodes node-1 a:NoSchedule a=b:NoSchedule", "error: duplicated taints with the same key and effect: "
     "{a b NoSchedule <nil>}\nSee 'kubectl taint -h' for help and examples\n"),
    ("taint nodes node-1 k=v:NoSchedule k-", "error: can not both modify and remove the following taint(s) in the "
     'same command: {"k":""}\n'),
    ("taint pods web a=b:NoSchedule", "error: invalid resource type pods, only node types are supported\n"),
    ("taint nodes a=b:NoSchedule", "error: at least one resource name must be specified since 'all' parameter is "
     "not set\n"),
    ("taint nodes node-1", "error: at least one taint update is required\n"),
    ("taint nodes nosuch a=b:NoSchedule", 'Error from server (NotFound): nodes "nosuch" not found\n'),
    ("taint nodes --all gpu=true:PreferNoSchedule",
     "node/control-plane tainted\nnode/node-1 tainted\nnode/node-2 tainted\n"),
]


def test_taint(c: Cluster) -> None:
    for command, expected in TAINT_STEPS:
        assert c.kubectl(command) == expected, command
    assert c.get("node", "node-1")["spec"]["taints"] == [
        {"key": "gpu", "value": "true", "effect": "PreferNoSchedule"}, {"key": "other", "effect": "NoExecute"}]
    assert c.kubectl("taint nodes -l kubernetes.io/hostname=node-2 gpu-") == "node/node-2 untainted\n"
    assert "taints" not in c.get("node", "node-2")["spec"]


def test_cordon_and_uncordon(c: Cluster) -> None:
    assert c.kubectl("cordon node-1") == "node/node-1 cordoned\n"
    assert c.kubectl("cordon node-1") == "node/node-1 already cordoned\n"
    assert c.get("node", "node-1")["spec"]["unschedulable"] is True
    assert c.kubectl("get nodes node-1").splitlines()[1].split()[:2] == ["node-1", "Ready,SchedulingDisabled"]
    assert c.kubectl("uncordon node-1") == "node/node-1 uncordoned\n"
    assert c.kubectl("uncordon node-1") == "node/node-1 already uncordoned\n"
    assert "unschedulable" not in c.get("node", "node-1")["spec"]
    assert c.kubectl("cordon") == "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n"
    assert c.kubectl("cordon nosuch node-1") == 'Error from server (NotFound): nodes "nosuch" not found\n'
    assert "unschedulable" not in c.get("node", "node-1")["spec"]  # the error stopped the whole command


# -- run, exec --------------------------------------------------------------------------------------------------
def test_run_creates_a_pod_as_kubectl_run(c: Cluster) -> None:
    assert c.kubectl("run web --image=nginx:1.25") == "pod/web created\n"
    p = c.get("pod", "web")
    assert p["metadata"]["labels"] == {"run": "web"}
    ctr = p["spec"]["containers"][0]
    assert (ctr["name"], ctr["image"], ctr["resources"]) == ("web", "nginx:1.25", {})
    assert (p["spec"]["restartPolicy"], p["spec"]["dnsPolicy"]) == ("Always", "ClusterFirst")
    assert c.kubectl("run web --image=nginx:1.25") == 'Error from server (AlreadyExists): pods "web" already exists\n'
    assert c.kubectl("run job --image=busybox --restart=Never --labels=app=j,tier=t -- sleep 10") == "pod/job created\n"
    p = c.get("pod", "job")
    assert (p["spec"]["restartPolicy"], p["metadata"]["labels"]) == ("Never", {"app": "j", "tier": "t"})
    assert p["spec"]["containers"][0]["args"] == ["sleep", "10"] and "command" not in p["spec"]["containers"][0]
    assert c.kubectl("run sh --image=busybox --env=A=1 --port=8080 --command -- sh -c 'sleep 5'") == "pod/sh created\n"
    ctr = c.get("pod", "sh")["spec"]["containers"][0]
    assert (ctr["command"], ctr["env"], ctr["ports"][0]["containerPort"]) == (
        ["sh", "-c", "sleep 5"], [{"name": "A", "value": "1"}], 8080)
    assert c.kubectl("run x") == 'error: required flag(s) "image" not set\n'
    assert c.kubectl("run --image=nginx") == "error: NAME is required for run\n"
    assert c.kubectl("run y --image=Bad_Image") == 'error: Invalid image name "Bad_Image": invalid reference format\n'
    assert c.kubectl("run z --image=nginx --restart=Sometimes") == "error: invalid restart policy: Sometimes\n"
    assert c.kubectl("run z --image=nginx --env=1A=b") == "error: invalid env: 1A=b\n"
    assert c.kubectl("run Bad --image=nginx") == (
        'The Pod "Bad" is invalid: \n'
        '* metadata.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
        '* spec.containers[0].name: Invalid value: "Bad": a lowercase RFC 1123 label must consist of lower case '
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n")


def test_exec_through_the_callback(c: Cluster) -> None:
    k = Kubectl(Client(c.api, "kubectl"), exec=c.exec)
    c.create({**pod("web", image="busybox"), "spec": {"containers": [
        {"name": "app", "image": "busybox", "command": ["sleep", "3600"]},
        {"name": "side", "image": "busybox", "command": ["sleep", "3600"]}]}})
    c.run(20)
    assert k.run("exec web -c app -- hostname") == "web\n"
    assert k.run("exec web -- sh -c 'echo -n hi'") == 'Defaulted container "app" out of: app, side\nhi'
    assert k.run("exec -it web -c side -- echo x") == \
        "Unable to use a TTY - input is not a terminal or the right kind of file\nx\n"
    assert k.run("exec web hostname") == ("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- "
                                          "[COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n")
    assert k.run("exec web") == "error: you must specify at least one command for the container\n"
    assert k.run("exec -- ls") == "error: pod, type/name or --filename must be specified\n"
    assert k.run("exec nosuch -- ls") == 'Error from server (NotFound): pods "nosuch" not found\n'
    assert k.run("exec web -c nope -- ls") == \
        "error: unable to upgrade connection: container nope is not valid for pod web\n"
    no_exec = Kubectl(Client(c.api, "kubectl"))
    assert no_exec.run("exec web -- ls") == "error: exec is not available: this cluster runs no kubelets\n"


def test_exec_reports_the_exit_code_when_the_callback_knows_it(c: Cluster) -> None:
    calls: list[tuple[str, list[str], str, str | None]] = []

    def fake_exec(pod_name: str, argv: list[str], namespace: str, container: str | None) -> tuple[int, str]:
        calls.append((pod_name, argv, namespace, container))
        return 3, "oops\n"

    c.create(pod("web"))
    k = Kubectl(Client(c.api, "kubectl"), exec=fake_exec)
    assert k.run("exec web -n default -- false") == "oops\ncommand terminated with exit code 3\n"
    assert calls == [("web", ["false"], "default", "app")]
