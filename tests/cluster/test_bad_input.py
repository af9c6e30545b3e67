"""Bad input to the public API (issue 2): every malformed manifest gets the error a real API server
returns and leaves the store untouched; unparseable text raises a ManifestError (a ValueError) naming
the line wherever go-yaml names one (it names none for a problem on a document's first line).

Property tests (hypothesis) mutate the documentation manifests in /work/shared/manifests and splice
their text; table tests pin the exact Status of the common mistakes. Expected texts come from
kube-apiserver v1.37 (apimachinery errors.go, field/errors.go, the kinds' validation.go, go-yaml v2).
"""

from __future__ import annotations

import copy
import csv
import functools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from labk8s import ApiError, Cluster
from labk8s.errors import ManifestError
from labk8s.kubectl.manifest import load_manifests
from tests.cluster.conftest import pod

Obj = dict[str, Any]
Key = str | int

MANIFESTS = Path("/work/shared/manifests")
if not MANIFESTS.is_dir():  # CI: shared/ beside the clone
    MANIFESTS = Path(__file__).resolve().parents[3] / "shared" / "manifests"
INDEX = list(csv.DictReader((MANIFESTS / "INDEX.tsv").open(newline=""), delimiter="\t"))
TEXTS: dict[str, str] = {row["path"]: (MANIFESTS / row["path"]).read_text() for row in INDEX}
OBJECTS: list[Obj] = [obj for row in INDEX for obj, _ in load_manifests(MANIFESTS / row["path"])]
# Single-document block-style files: a broken line inserted before a top-level key is on a known line.
BLOCK_SINGLE = [row["path"] for row in INDEX if row["format"] == "block" and "," not in row["kinds"]]
NAMESPACES = sorted(({str(o["metadata"]["namespace"]) for o in OBJECTS
                      if isinstance(o.get("metadata"), dict) and o["metadata"].get("namespace")}
                     | {"constraints-cpu-example"}) - {"default", "kube-system"})

OPTIMISTIC_LOCK = ("the object has been modified; please apply your changes to the latest version and "
                   "try again")
RFC1123_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                     "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                     "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
                     "[a-z0-9])?)*')")
QUANTITY_REGEX = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

# derandomize: the same examples on every run, so CI stays deterministic; LABK8S_FUZZ_EXAMPLES=N explores
# N fresh random examples per property instead. No shrink phase: examples share one cluster, so a shrunk
# example would replay against another store and hypothesis would call it flaky.
EXPLORE = int(os.environ.get("LABK8S_FUZZ_EXAMPLES", "0"))
PROPERTY = settings(max_examples=EXPLORE or 150, deadline=None, derandomize=not EXPLORE, database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- helpers ----------------------------------------------------------------------------------------

_CLUSTERS: dict[str, Cluster] = {}


def fresh_cluster() -> Cluster:
    """A cluster where the manifests' namespaces exist, so that mutants reach validation instead of
    stopping at NamespaceLifecycle."""
    c = Cluster(nodes=1, seed=0)
    for ns in NAMESPACES:
        c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    return c


def shared_cluster(test: str) -> Cluster:
    """One cluster per property test, shared by its examples (what earlier examples stored stays, so
    later ones also hit the update path)."""
    if test not in _CLUSTERS:
        _CLUSTERS[test] = fresh_cluster()
    return _CLUSTERS[test]


def snapshot(c: Cluster) -> str:
    return json.dumps(c.dump(), sort_keys=True)


def check_status(err: ApiError) -> None:
    """The error carries a well-formed Status, as errors.go builds it."""
    s = err.status
    assert s["kind"] == "Status" and s["apiVersion"] == "v1" and s["status"] == "Failure", s
    assert isinstance(s["message"], str) and s["message"], s
    assert err.reason and err.code in (400, 403, 404, 405, 409, 410, 413, 415, 422), s
    if err.reason == "Invalid":
        assert err.code == 422 and " is invalid: " in err.message, s
        assert err.causes, s
        for cause in err.causes:
            assert set(cause) == {"reason", "message", "field"}, cause
            assert cause["reason"].startswith("FieldValue"), cause


def rejected_unchanged(c: Cluster, call: Callable[[], object], *, parse_errors: bool) -> BaseException | None:
    """Run one request. ApiError (and ManifestError when text/manifests are parsed) may come out, and
    then the store must be byte-for-byte as before; anything else propagates and fails the test."""
    before = snapshot(c)
    allowed: tuple[type[BaseException], ...] = (ApiError, ManifestError) if parse_errors else (ApiError,)
    try:
        call()
    except allowed as err:
        if isinstance(err, ApiError):
            check_status(err)
        assert snapshot(c) == before, f"failed request changed the store: {err!r}"
        return err
    return None


def apply_checked(c: Cluster, src: Any) -> BaseException | None:
    """`c.apply(src)`, checked per request: kubectl parses the whole input first (a parse error sends
    nothing), then sends one request per object, so an error in a later object keeps the earlier ones."""
    try:
        objects = [obj for obj, _ in load_manifests(src)]
    except ManifestError as parse_error:
        err = rejected_unchanged(c, lambda: c.apply(src), parse_errors=True)
        assert isinstance(err, ManifestError) and str(err) == str(parse_error), (err, parse_error)
        return err
    if len(objects) == 1:
        return rejected_unchanged(c, lambda: c.apply(src), parse_errors=True)
    last: BaseException | None = None
    for obj in objects:
        last = rejected_unchanged(c, functools.partial(c.apply, obj), parse_errors=True) or last
    return last


def expect_error(c: Cluster, call: Callable[[], object]) -> ApiError:
    before = snapshot(c)
    with pytest.raises(ApiError) as info:
        call()
    check_status(info.value)
    assert snapshot(c) == before
    return info.value


# -- mutations --------------------------------------------------------------------------------------

def paths(node: Any, prefix: tuple[Key, ...] = ()) -> list[tuple[Key, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


def get_at(root: Any, path: tuple[Key, ...]) -> Any:
    for k in path:
        root = root[k]
    return root


def set_at(root: Any, path: tuple[Key, ...], value: Any) -> Any:
    if not path:
        return value
    get_at(root, path[:-1])[path[-1]] = value
    return root


def ensure_dict(root: Obj, keys: tuple[str, ...]) -> Obj:
    node = root
    for k in keys:
        if not isinstance(node.get(k), dict):
            node[k] = {}
        node = node[k]
    return node


SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
BAD_NAMES = st.sampled_from(["", "Foo", "-x", "x-", "a_b", "a..b", "a" * 254, "a" * 64, ".", "..", "a/b",
                             "x%y", "ñ", " x", "x\n"]) | st.text(max_size=20)
BAD_QUANTITIES = st.sampled_from(["", "abc", "1.5.5", "1Zi", "--1", "1e", "0x10", "1 Gi", "1GiB", "+-1", ".",
                                  "1e1000", "-1", "1" * 40, "18446744073709551616Ei", "NaN"]) | JSON
GVKS = st.sampled_from([("v1", "Foo"), ("v2", "Pod"), ("apps/v1", "Pod"), ("batch/v1beta1", "CronJob"),
                        ("extensions/v1beta1", "Deployment"), ("", "Pod"), ("v1", ""), ("apps/v1beta1", "Deployment"),
                        ("policy/v1beta1", "PodDisruptionBudget"), ("v1", "pod"), ("V1", "Pod"), ("a/b/c", "Pod"),
                        ("/v1", "Pod"), ("apps/", "Deployment")])
MUTATIONS = ["drop", "retype", "unknown", "name", "replicas", "quantity", "gvk", "huge", "null", "listify",
             "namespace", "labels", "generate_name", "deep"]


def mutate(data: st.DataObject, obj: Obj) -> Obj:
    """One random mutation of a (deep-copied) manifest."""
    kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    every = paths(obj)
    if kind == "drop":
        path = data.draw(st.sampled_from(every[1:]), label="path")
        parent = get_at(obj, path[:-1])
        del parent[path[-1]]
    elif kind == "retype":
        path = data.draw(st.sampled_from(every[1:]), label="path")
        old = get_at(obj, path)
        obj = set_at(obj, path, data.draw(JSON.filter(lambda v: type(v) is not type(old)), label="value"))
    elif kind == "unknown":
        dicts = [p for p in every if isinstance(get_at(obj, p), dict)]
        path = data.draw(st.sampled_from(dicts), label="path")
        key = data.draw(st.sampled_from(["foo", "Spec", "apiversion", "status", "$patch", "x.y"]) | st.text(max_size=10),
                        label="key")
        get_at(obj, path)[key] = data.draw(JSON, label="value")
    elif kind == "name":
        ensure_dict(obj, ("metadata",))["name"] = data.draw(BAD_NAMES, label="name")
    elif kind == "replicas":
        ensure_dict(obj, ("spec",))["replicas"] = data.draw(
            st.integers(max_value=-1) | st.sampled_from([2**31, 2**63, 1.5, "3", True, None]), label="replicas")
    elif kind == "quantity":
        keys = ("cpu", "memory", "storage", "ephemeral-storage", "requests.cpu", "limits.memory", "pods")
        targets = [p for p in every if p and p[-1] in keys and isinstance(get_at(obj, p), str | int | float)]
        if targets:
            path = data.draw(st.sampled_from(targets), label="path")
        else:
            path = ("spec", "containers", 0, "resources", "limits", "cpu")
            spec = ensure_dict(obj, ("spec",))
            if not isinstance(spec.get("containers"), list) or not spec["containers"] \
                    or not isinstance(spec["containers"][0], dict):
                spec["containers"] = [{"name": "c", "image": "nginx"}]
            ensure_dict(spec["containers"][0], ("resources", "limits"))
        obj = set_at(obj, path, data.draw(BAD_QUANTITIES, label="quantity"))
    elif kind == "gvk":
        api_version, k = data.draw(GVKS | st.tuples(st.text(max_size=8), st.text(max_size=8)), label="gvk")
        obj["apiVersion"], obj["kind"] = api_version, k
    elif kind == "huge":
        strings = [p for p in every if p and isinstance(get_at(obj, p), str)]
        size = data.draw(st.sampled_from([64, 254, 4097, 70_000, 300_000]), label="size")
        path = data.draw(st.sampled_from(strings), label="path") if strings else ("metadata", "name")
        obj = set_at(obj, path, data.draw(st.sampled_from(["a", "é", "-", "0"]), label="char") * size)
    elif kind == "null":
        path = data.draw(st.sampled_from(every[1:]), label="path")
        obj = set_at(obj, path, data.draw(st.sampled_from([None, {"a": None}, [None], {"a": {"b": None}}]),
                                          label="nulls"))
    elif kind == "listify" and len(every) > 1:
        containers = [p for p in every[1:] if isinstance(get_at(obj, p), dict | list)]
        path = data.draw(st.sampled_from(containers), label="path")
        old = get_at(obj, path)
        new: Any = [old] if isinstance(old, dict) else {str(i): v for i, v in enumerate(old)}
        obj = set_at(obj, path, new)
    elif kind == "namespace":
        ensure_dict(obj, ("metadata",))["namespace"] = data.draw(
            st.sampled_from(["missing", "Bad_NS", "", "kube-system", "a" * 64]) | st.text(max_size=10), label="ns")
    elif kind == "labels":
        ensure_dict(obj, ("metadata",))["labels"] = data.draw(
            st.dictionaries(st.sampled_from(["a/b/c", "-x", "x" * 64, "k8s.io/", "/x", "ok"]) | st.text(max_size=8),
                            st.text(max_size=70) | JSON, max_size=3), label="labels")
    elif kind == "generate_name":
        meta = ensure_dict(obj, ("metadata",))
        meta.pop("name", None)
        meta["generateName"] = data.draw(BAD_NAMES, label="generateName")
    else:  # deep nesting where an object is expected
        dicts = [p for p in every if isinstance(get_at(obj, p), dict)]
        path = data.draw(st.sampled_from(dicts), label="path")
        deep: Any = "x"
        for _ in range(data.draw(st.integers(min_value=10, max_value=200), label="depth")):
            deep = {"a": deep}
        get_at(obj, path)["nested"] = deep
    return obj


def mutant(data: st.DataObject) -> Obj:
    obj: Obj = copy.deepcopy(data.draw(st.sampled_from(OBJECTS), label="manifest"))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        obj = mutate(data, obj)
    return obj


# -- 1. mutated manifests ---------------------------------------------------------------------------

@PROPERTY
@given(data=st.data())
def test_mutated_manifest_apply_raises_only_api_errors(data: st.DataObject) -> None:
    c = shared_cluster("apply")
    apply_checked(c, mutant(data))


@PROPERTY
@given(data=st.data())
def test_mutated_manifest_create_raises_only_api_errors(data: st.DataObject) -> None:
    c = shared_cluster("create")
    obj = mutant(data)
    rejected_unchanged(c, lambda: c.create(obj), parse_errors=False)


def stored(data: st.DataObject) -> tuple[Cluster, Obj] | None:
    """A fresh cluster holding one applied documentation manifest. Fresh, so that what hypothesis draws
    from the live object depends on the example alone (replays stay deterministic)."""
    c = fresh_cluster()
    try:
        return c, c.apply(copy.deepcopy(data.draw(st.sampled_from(OBJECTS), label="manifest")))[0]
    except ApiError:
        return None  # the negative manifests (removed versions, strict errors) are never stored


@settings(PROPERTY, max_examples=EXPLORE or 60)
@given(data=st.data())
def test_mutated_live_object_replace_raises_only_api_errors(data: st.DataObject) -> None:
    """PUT of a mutated copy of a stored object: the update path, not only create, sees bad input."""
    setup = stored(data)
    if setup is None:
        return
    c, obj = setup
    for _ in range(data.draw(st.integers(min_value=1, max_value=2), label="mutations")):
        obj = mutate(data, obj)
    rejected_unchanged(c, lambda: c.replace(obj), parse_errors=False)


@settings(PROPERTY, max_examples=EXPLORE or 60)
@given(data=st.data())
def test_random_merge_patch_raises_only_api_errors(data: st.DataObject) -> None:
    setup = stored(data)
    if setup is None:
        return
    c, live = setup
    top = st.sampled_from(["metadata", "spec", "status", "data", "kind", "apiVersion", "foo"])
    patch = data.draw(st.dictionaries(top, JSON, max_size=3) | mutate_patch(live), label="patch")
    meta = live["metadata"]
    rejected_unchanged(c, lambda: c.patch(live["kind"].lower(), meta["name"], patch,
                                          namespace=meta.get("namespace") or "default"), parse_errors=False)


def mutate_patch(live: Obj) -> st.SearchStrategy[Obj]:
    """Merge patches built from a live object's own paths: one field set to a random value."""
    every = [p for p in paths(live) if p and all(isinstance(k, str) for k in p)]

    def build(path: tuple[Key, ...], value: Any) -> Obj:
        out: Any = value
        for k in reversed(path):
            out = {k: out}
        return dict(out)
    return st.builds(build, st.sampled_from(every), JSON)


# -- 2. random and spliced YAML text ----------------------------------------------------------------

YAML_PIECES = st.sampled_from(
    list(":-[]{}#&*!|>'\"%@`,? \t\n") + ["a", "1", "---\n", "...\n", "  ", "apiVersion: v1\n", "kind: Pod\n",
                                         "metadata:\n", "  name: x\n", "null", "~", "- ", "<<: *a\n", "&a ",
                                         "!!binary ", "!!int ", "\ufeff", "\r\n", "items:\n", "kind: List\n",
                                         "0x", "1e9999", ".nan", "yes", "\"\\u", "{\"a\":"])
YAML_TEXT = st.lists(YAML_PIECES, max_size=40).map("".join) | st.text(max_size=200)


@st.composite
def spliced(draw: st.DrawFn) -> str:
    """A real manifest with a random region deleted, duplicated, replaced or moved."""
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    i = draw(st.integers(min_value=0, max_value=len(text)))
    j = draw(st.integers(min_value=i, max_value=min(len(text), i + 200)))
    op = draw(st.sampled_from(["delete", "duplicate", "replace", "move", "truncate"]))
    if op == "delete":
        return text[:i] + text[j:]
    if op == "duplicate":
        return text[:j] + text[i:j] + text[j:]
    if op == "replace":
        return text[:i] + draw(YAML_TEXT) + text[j:]
    if op == "move":
        rest = text[:i] + text[j:]
        k = draw(st.integers(min_value=0, max_value=len(rest)))
        return rest[:k] + text[i:j] + rest[k:]
    return text[:i]


LINE = re.compile(r"\byaml: line (\d+): ")


def check_manifest_error(err: ManifestError, text: str) -> None:
    """The line go-yaml names (when it names one) is the error's .line and lies in the document."""
    message = str(err)
    m = LINE.search(message)
    if m is not None:
        assert err.line == int(m.group(1)), (message, err.line)
        assert 1 <= err.line <= text.count("\n") + 2, (message, text)
    if err.line is not None:
        assert f"line {err.line}" in message, (message, err.line)


@PROPERTY
@given(text=YAML_TEXT | spliced())
def test_random_yaml_text_raises_only_api_or_manifest_errors(text: str) -> None:
    c = shared_cluster("text")
    if "\n" not in text:
        text += "\n"  # a one-line string may be taken for a file path; that guess is not under test here
    err = apply_checked(c, text)
    if isinstance(err, ManifestError):
        check_manifest_error(err, text)


BREAKERS = [
    # (inserted line, go-yaml's scanner messages for it: a tab after a plain scalar is caught while that
    # scalar is scanned, elsewhere as a character that starts no token)
    ("bad: a: b", ("mapping values are not allowed in this context",)),
    ("\tbad: 1", ("found a tab character that violates indentation",
                  "found character that cannot start any token")),
]


@PROPERTY
@given(path=st.sampled_from(BLOCK_SINGLE), data=st.data())
def test_broken_line_is_named(path: str, data: st.DataObject) -> None:
    """A scanner error on line N >= 2 of a real manifest: ManifestError whose message names line N."""
    lines = TEXTS[path].split("\n")
    starts = [i for i, line in enumerate(lines) if i >= 1 and re.match(r"[A-Za-z]\w*:", line)]
    index = data.draw(st.sampled_from(starts), label="before line")
    breaker, problems = data.draw(st.sampled_from(BREAKERS), label="breaker")
    text = "\n".join([*lines[:index], breaker, *lines[index:]])
    c = shared_cluster("broken-line")
    before = snapshot(c)
    with pytest.raises(ManifestError) as info:
        c.apply(text)
    assert isinstance(info.value, ValueError)
    assert str(info.value) in [f"error converting YAML to JSON: yaml: line {index + 1}: {p}" for p in problems]
    assert info.value.line == index + 1
    assert snapshot(c) == before


def test_error_on_first_line_has_no_line_number_as_in_go_yaml() -> None:
    """go-yaml v2 (parser.fail) prints no line when the problem mark is on line 0."""
    c = Cluster(nodes=1)
    before = snapshot(c)
    with pytest.raises(ManifestError) as info:
        c.apply("kind: a: b\n")
    assert str(info.value) == "error converting YAML to JSON: yaml: mapping values are not allowed in this context"
    assert info.value.line is None
    assert snapshot(c) == before


def test_multi_document_stream_is_parsed_before_anything_is_sent(c: Cluster) -> None:
    """kubectl reads the whole stream first: a broken later document leaves the earlier ones unsent."""
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n---\n"
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n  labels: a: b\n")
    before = snapshot(c)
    with pytest.raises(ManifestError) as info:
        c.apply(text)
    assert str(info.value) == "error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context"
    assert snapshot(c) == before


# -- 3. the common mistakes, exactly ----------------------------------------------------------------

def test_stale_resource_version_is_409_conflict(c: Cluster) -> None:
    stale = c.create(pod("web"))
    c.patch("pod", "web", {"metadata": {"labels": {"a": "b"}}})
    stale["metadata"]["labels"] = {"a": "c"}
    err = expect_error(c, lambda: c.replace(stale))
    assert (err.code, err.reason) == (409, "Conflict")
    assert err.message == f'Operation cannot be fulfilled on pods "web": {OPTIMISTIC_LOCK}'
    assert err.details == {"name": "web", "kind": "pods"}


def test_stale_resource_version_on_a_grouped_resource(c: Cluster) -> None:
    obj = c.apply(MANIFESTS / "controllers/nginx-deployment.yaml")[0]
    c.scale("deployment", "nginx-deployment", 4)
    obj["spec"]["replicas"] = 5
    err = expect_error(c, lambda: c.replace(obj))
    assert (err.code, err.reason) == (409, "Conflict")
    assert err.message == f'Operation cannot be fulfilled on deployments.apps "nginx-deployment": {OPTIMISTIC_LOCK}'
    assert err.details == {"name": "nginx-deployment", "group": "apps", "kind": "deployments"}


@pytest.mark.parametrize("verb", ["create", "apply"])
@pytest.mark.parametrize("api_version,kind", [("v1", "Foo"), ("apps/v1", "Pod"), ("v2", "Pod"),
                                               ("extensions/v1beta1", "Deployment")])
def test_unknown_kind_or_version_is_404(c: Cluster, verb: str, api_version: str, kind: str) -> None:
    obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    err = expect_error(c, lambda: getattr(c, verb)(obj))
    assert (err.code, err.reason) == (404, "NotFound")
    assert err.message == f'no matches for kind "{kind}" in version "{api_version}"'


def test_removed_cronjob_version_batch_v1beta1(c: Cluster) -> None:
    err = expect_error(c, lambda: c.apply(MANIFESTS / "application/job/cronjob.yaml"))
    assert (err.code, err.reason) == (404, "NotFound")
    assert err.message == 'no matches for kind "CronJob" in version "batch/v1beta1"'


STRICT = [
    # (where the unknown field goes, the path the server names)
    (("spec",), "spec.foo"),
    (("spec", "containers", 0), "spec.containers[0].foo"),
    (("metadata",), "metadata.foo"),
    ((), "foo"),
]


@pytest.mark.parametrize("verb", ["create", "apply"])
@pytest.mark.parametrize("where,field", STRICT, ids=[f for _, f in STRICT])
def test_unknown_field_is_strict_decoding_error(c: Cluster, verb: str, where: tuple[Key, ...], field: str) -> None:
    obj = pod("strict")
    get_at(obj, where)["foo"] = "bar"
    err = expect_error(c, lambda: getattr(c, verb)(obj))
    assert (err.code, err.reason) == (400, "BadRequest")
    assert f'strict decoding error: unknown field "{field}"' in err.message
    assert err.message == f'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "{field}"'


def test_several_unknown_fields_are_listed_in_the_order_kubectl_sends_them(c: Cluster) -> None:
    """kubectl sends json.Marshal output (keys sorted); the strict decoder lists fields as it meets them."""
    obj = pod("strict")
    obj["spec"]["zz"] = 1
    obj["spec"]["aa"] = 2
    err = expect_error(c, lambda: c.create(obj))
    assert err.message == ('Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
                           'unknown field "spec.aa", unknown field "spec.zz"')


def _deployment(**spec: Any) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}, **spec}}


WRONG_TYPES = [
    ("containers string", pod("w", containers="x"),
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field '
     "PodSpec.spec.containers of type []v1.Container"),
    ("grace period string", pod("w", terminationGracePeriodSeconds="30"),
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field '
     "PodSpec.spec.terminationGracePeriodSeconds of type int64"),
    ("image number", {**pod("w"), "spec": {"containers": [{"name": "a", "image": 5}]}},
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field '
     "Container.spec.containers.image of type string"),
    ("metadata list", {"apiVersion": "v1", "kind": "Pod", "metadata": [], "spec": {}},
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field '
     "Pod.metadata of type v1.ObjectMeta"),
    ("replicas string", _deployment(replicas="3"),
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go '
     "struct field DeploymentSpec.spec.replicas of type int32"),
    ("replicas fraction", _deployment(replicas=1.5),
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go '
     "struct field DeploymentSpec.spec.replicas of type int32"),
    ("replicas overflow", _deployment(replicas=2**31),
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 '
     "into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("bad quantity", {**pod("w"), "spec": {"containers": [{"name": "a", "image": "nginx",
                                                           "resources": {"limits": {"cpu": "abc"}}}]}},
     f'Pod in version "v1" cannot be handled as a Pod: {QUANTITY_REGEX}'),
]


@pytest.mark.parametrize("obj,message", [w[1:] for w in WRONG_TYPES], ids=[w[0] for w in WRONG_TYPES])
def test_wrong_type_is_400_bad_request(c: Cluster, obj: Obj, message: str) -> None:
    err = expect_error(c, lambda: c.create(copy.deepcopy(obj)))
    assert (err.code, err.reason) == (400, "BadRequest")
    assert err.message == message
    assert "details" not in err.status


INVALID = [
    ("uppercase name", pod("Foo"), "Pod", "", "Foo", "metadata.name", "FieldValueInvalid",
     f'Invalid value: "Foo": {RFC1123_SUBDOMAIN}'),
    ("name too long", pod("a" * 254), "Pod", "", "a" * 254, "metadata.name", "FieldValueInvalid",
     f'Invalid value: "{"a" * 254}": must be no more than 253 characters'),
    ("negative replicas", _deployment(replicas=-1), "Deployment", "apps", "web", "spec.replicas",
     "FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0"),
]


@pytest.mark.parametrize("obj,kind,group,name,field,reason,body", [i[1:] for i in INVALID],
                         ids=[i[0] for i in INVALID])
def test_invalid_value_is_422_with_field_path(c: Cluster, obj: Obj, kind: str, group: str, name: str, field: str,
                                              reason: str, body: str) -> None:
    err = expect_error(c, lambda: c.create(copy.deepcopy(obj)))
    assert (err.code, err.reason) == (422, "Invalid")
    qualified = f"{kind}.{group}" if group else kind
    assert err.message == f'{qualified} "{name}" is invalid: {field}: {body}'
    assert err.causes == [{"reason": reason, "message": body, "field": field}]
    assert err.details["kind"] == kind and err.details["name"] == name


def test_missing_name_lists_every_error(c: Cluster) -> None:
    err = expect_error(c, lambda: c.create({"apiVersion": "v1", "kind": "Pod"}))
    assert err.message == ('Pod "" is invalid: [metadata.name: Required value: name or generateName is required, '
                           "spec.containers: Required value]")
    assert [cause["field"] for cause in err.causes] == ["metadata.name", "spec.containers"]


def test_deployment_selector_is_immutable(c: Cluster) -> None:
    c.create(_deployment())
    patch = {"spec": {"selector": {"matchLabels": {"app": "web", "tier": "x"}},
                      "template": {"metadata": {"labels": {"app": "web", "tier": "x"}}}}}
    err = expect_error(c, lambda: c.patch("deployment", "web", patch))
    assert (err.code, err.reason) == (422, "Invalid")
    body = 'Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable'
    assert err.message == f'Deployment.apps "web" is invalid: spec.selector: {body}'
    assert err.causes == [{"reason": "FieldValueInvalid", "message": body, "field": "spec.selector"}]


def test_deployment_selector_change_through_apply_is_immutable(c: Cluster) -> None:
    """INDEX.tsv FLAG: deployment-scale.yaml after deployment.yaml changes the selector."""
    c.apply(MANIFESTS / "application/deployment.yaml")
    err = expect_error(c, lambda: c.apply(MANIFESTS / "application/deployment-scale.yaml"))
    assert (err.code, err.reason) == (422, "Invalid")
    assert err.message.startswith('Deployment.apps "nginx-deployment" is invalid: ')
    assert "spec.selector: Invalid value: " in err.message and ": field is immutable" in err.message


def _service(cluster_ip: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"clusterIP": cluster_ip, "ports": [{"port": 80}], "selector": {"app": "web"}}}


def test_service_cluster_ips_may_not_change_on_replace(c: Cluster) -> None:
    svc = c.create(_service("10.96.0.50"))
    svc["spec"]["clusterIP"] = "10.96.0.51"
    svc["spec"]["clusterIPs"] = ["10.96.0.51"]
    err = expect_error(c, lambda: c.replace(svc))
    assert (err.code, err.reason) == (422, "Invalid")
    body = 'Invalid value: ["10.96.0.51"]: may not change once set'
    assert err.message == f'Service "s" is invalid: spec.clusterIPs[0]: {body}'
    assert err.causes == [{"reason": "FieldValueInvalid", "message": body, "field": "spec.clusterIPs[0]"}]


def test_service_cluster_ip_patch_alone_may_not_change(c: Cluster) -> None:
    c.create(_service("10.96.0.50"))
    err = expect_error(c, lambda: c.patch("service", "s", {"spec": {"clusterIP": "10.96.0.51"}}))
    assert err.message == 'Service "s" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.51"]: may not change once set'


def test_immutable_configmap_data(c: Cluster) -> None:
    c.apply(MANIFESTS / "configmap/immutable-configmap.yaml")
    name = load_manifests(MANIFESTS / "configmap/immutable-configmap.yaml")[0][0]["metadata"]["name"]
    err = expect_error(c, lambda: c.patch("configmap", name, {"data": {"new": "value"}}))
    assert (err.code, err.reason) == (422, "Invalid")
    body = "Forbidden: field is immutable when `immutable` is set"
    assert err.message == f'ConfigMap "{name}" is invalid: data: {body}'
    assert err.causes == [{"reason": "FieldValueForbidden", "message": body, "field": "data"}]


@pytest.mark.parametrize("verb", ["create", "apply"])
def test_missing_namespace_is_404(c: Cluster, verb: str) -> None:
    obj = pod("web")
    obj["metadata"]["namespace"] = "x"
    err = expect_error(c, lambda: getattr(c, verb)(obj))
    assert (err.code, err.reason) == (404, "NotFound")
    assert err.message == 'namespaces "x" not found'
    assert err.details == {"name": "x", "kind": "namespaces"}


def test_missing_namespace_from_a_real_manifest(c: Cluster) -> None:
    err = expect_error(c, lambda: c.apply(MANIFESTS / "pods/qos/qos-pod-3.yaml"))
    assert err.message == 'namespaces "qos-example" not found'


def test_missing_kind_is_400_on_create(c: Cluster) -> None:
    err = expect_error(c, lambda: c.create({"apiVersion": "v1", "metadata": {"name": "x"}}))
    assert (err.code, err.reason) == (400, "BadRequest")
    assert err.message == "Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}'"


def test_update_of_missing_object_is_404(c: Cluster) -> None:
    err = expect_error(c, lambda: c.replace(pod("ghost")))
    assert (err.code, err.reason) == (404, "NotFound")
    assert err.message == 'pods "ghost" not found'


# -- 4. crashes found by the properties, minimal reproducers ----------------------------------------
# Go decodes a JSON null into the zero value of the field's type (encoding/json: null into a string,
# struct or Quantity leaves the zero value; a null list element or map value becomes a zero element):
# `labels: {a: null}` is stored as `a: ""`, `containers: [null]` is one empty Container that validation
# then reports field by field, `limits: {cpu: null}` is the Quantity "0".

def _pod_spec(**spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "app", "image": "nginx"}], **spec}}


def _live_pod(c: Cluster) -> None:
    c.create(_pod_spec(volumes=[{"name": "v", "emptyDir": {}}]))


def _with_container(**fields: Any) -> Obj:
    return _pod_spec(containers=[{"name": "app", "image": "nginx", **fields}])


Check = Callable[[Any], None]


def _stored(expected: Callable[[Obj], Any], value: Any) -> Check:
    def check(out: Any) -> None:
        assert expected(out) == value
    return check


def _invalid(field: str) -> Check:
    def check(err: Any) -> None:
        assert isinstance(err, ApiError) and (err.code, err.reason) == (422, "Invalid"), err
        assert field in [cause["field"] for cause in err.causes], err.causes
    return check


def _message(code: int, message: str) -> Check:
    def check(err: Any) -> None:
        assert isinstance(err, ApiError) and (err.code, err.message) == (code, message), err
    return check


def _manifest_message(message: str) -> Check:
    def check(err: Any) -> None:
        assert isinstance(err, ManifestError) and str(err) == message, err
    return check


def _any_error(err: Any) -> None:
    assert isinstance(err, ApiError | ManifestError), err


Setup = Callable[[Cluster], object]
NOTHING: Setup = lambda c: None  # noqa: E731


def _patch_annotation(c: Cluster) -> None:
    c.apply(_pod_spec())
    c.patch("pod", "p", {"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "x"}}})


def _go_zero(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


MAP_NULL = ("a null map value is dropped; Go's decoder keeps the key with the element's zero value "
            "(encoding/json object(): SetMapIndex(key, zero))")
CRASHES = [
    pytest.param(NOTHING, lambda c: c.create({**_pod_spec(), "metadata": {"name": "p", "labels": {"a": None}}}),
                 _stored(lambda o: o["metadata"]["labels"], {"a": ""}),
                 id="label value null"),
    pytest.param(NOTHING, lambda c: c.create({**_pod_spec(), "metadata": {"name": "p", "annotations": {"a": None}}}),
                 _stored(lambda o: o["metadata"]["annotations"], {"a": ""}),
                 id="annotation value null"),
    pytest.param(NOTHING, lambda c: c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                                              "spec": {"ports": [{"port": 80}], "selector": {"a": None}}}),
                 _stored(lambda o: o["spec"]["selector"], {"a": ""}),
                 id="service selector value null"),
    pytest.param(NOTHING, lambda c: c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"},
                                              "data": {"a": None}}),
                 _stored(lambda o: o["data"], {"a": ""}),
                 id="configmap data value null"),
    pytest.param(NOTHING, lambda c: c.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                              "metadata": {"name": "sc"}, "provisioner": "example.com/x",
                                              "parameters": {"a": None}}),
                 _stored(lambda o: o["parameters"], {"a": ""}),
                 id="storageclass parameter null"),
    pytest.param(NOTHING, lambda c: c.create(_with_container(resources={"limits": {"cpu": None}})),
                 _stored(lambda o: o["spec"]["containers"][0]["resources"],
                         {"limits": {"cpu": "0"}, "requests": {"cpu": "0"}}),
                 id="limit cpu null is the quantity 0"),
    pytest.param(NOTHING, lambda c: c.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"},
                                              "spec": {"limits": [{"type": "PersistentVolumeClaim",
                                                                   "max": {"storage": None},
                                                                   "min": {"storage": "1Gi"}}]}}),
                 _message(422, 'LimitRange "lr" is invalid: spec.limits[0].min[storage]: Invalid value: "1Gi": min '
                               "value 1Gi is greater than max value 0"),
                 id="limitrange max null is 0, below min"),
    pytest.param(NOTHING, lambda c: c.create(_with_container(command=[None])),
                 _stored(lambda o: o["spec"]["containers"][0]["command"], [""]),
                 id="string list [null]"),
    pytest.param(NOTHING, lambda c: c.create({**_pod_spec(), "metadata": {"name": "p", "finalizers": [None]}}),
                 _invalid("metadata.finalizers"),
                 id="finalizers [null]"),
    pytest.param(NOTHING, lambda c: c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                                              "spec": {"ports": [{"port": 80}], "ipFamilies": [None]}}),
                 _invalid("spec.ipFamilies[0]"),
                 id="service ipFamilies [null]"),
    pytest.param(NOTHING, lambda c: c.create({**_pod_spec(), "metadata": None}),
                 _message(422, 'Pod "" is invalid: metadata.name: Required value: name or generateName is required'),
                 id="metadata null"),
    pytest.param(NOTHING, lambda c: c.create(_pod_spec(containers=[None])), _invalid("spec.containers[0].name"),
                 id="containers [null]"),
    pytest.param(NOTHING, lambda c: c.create(_with_container(ports=[None])),
                 _invalid("spec.containers[0].ports[0].containerPort"), id="container ports [null]"),
    pytest.param(NOTHING, lambda c: c.create(_pod_spec(volumes=[{"name": "v", "configMap": {"name": "x",
                                                                                             "items": [None]}}])),
                 _invalid("spec.volumes[0].configMap.items[0].key"), id="configMap items [null]"),
    pytest.param(NOTHING, lambda c: c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                                              "spec": {"ports": [None]}}),
                 _invalid("spec.ports[0].port"), id="service ports [null]"),
    pytest.param(_live_pod, lambda c: c.patch("pod", "p", {"spec": {"tolerations": [None]}}),
                 _invalid("spec.tolerations[0].operator"), id="patch tolerations [null]"),
    pytest.param(_live_pod, lambda c: c.patch("pod", "p", {"spec": {"volumes": [None]}}),
                 _invalid("spec.volumes[0].name"), id="patch volumes [null]"),
    pytest.param(_live_pod, lambda c: c.patch("pod", "p", {"spec": {"affinity": {"podAffinity": {
                     "requiredDuringSchedulingIgnoredDuringExecution": [None]}}}}),
                 _invalid("spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey"),
                 id="patch affinity term [null]"),
    pytest.param(_live_pod, lambda c: c.replace({**c.get("pod", "p"), "metadata": [c.get("pod", "p")["metadata"]]}),
                 _message(400, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into '
                               "Go struct field Pod.metadata of type v1.ObjectMeta"),
                 id="replace with metadata list"),
    pytest.param(lambda c: c.apply(_pod_spec()),
                 lambda c: c.apply(_pod_spec(containers=[{"name": {"a": "b"}, "image": "nginx"}])), _any_error,
                 id="apply: object as a merge-key value"),
    pytest.param(_patch_annotation, lambda c: c.apply(_pod_spec()), _any_error,
                 id="apply: last-applied annotation not JSON"),
    pytest.param(NOTHING, lambda c: c.apply("!!int \n"),
                 _manifest_message("error converting YAML to JSON: yaml: cannot decode !!null `` as a !!int"),
                 id="yaml: tag on an empty scalar"),
]


@pytest.mark.parametrize("setup,call,check", CRASHES)
def test_crash_reproducer(setup: Setup, call: Callable[[Cluster], object], check: Check) -> None:
    c = Cluster(nodes=1, seed=0)
    setup(c)
    before = snapshot(c)
    try:
        out = call(c)
    except (ApiError, ManifestError) as err:
        assert snapshot(c) == before
        check(err)
        return
    check(out)
