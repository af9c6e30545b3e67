"""API server behaviour through the public facade: metadata, errors, conflicts, watch, audit."""

from __future__ import annotations

import pytest

from labk8s import ApiError, Cluster
from tests.cluster.conftest import pod


def test_create_fills_metadata_from_virtual_time(c: Cluster) -> None:
    c.run(5)
    p = c.create(pod("web"))
    meta = p["metadata"]
    assert meta["namespace"] == "default"
    assert meta["creationTimestamp"] == "2026-01-01T00:00:05Z"
    assert meta["resourceVersion"].isdigit()
    assert len(meta["uid"]) == 36
    assert p["status"]["phase"] == "Pending"
    assert p["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert p["spec"]["restartPolicy"] == "Always"


def test_default_tolerations_added_by_admission(c: Cluster) -> None:
    p = c.create(pod("web"))
    tol = {(t["key"], t["tolerationSeconds"]) for t in p["spec"]["tolerations"]}
    assert tol == {("node.kubernetes.io/not-ready", 300), ("node.kubernetes.io/unreachable", 300)}
    assert p["spec"]["priority"] == 0


def test_already_exists_and_not_found(c: Cluster) -> None:
    c.create(pod("foo"))
    with pytest.raises(ApiError) as info:
        c.create(pod("foo"))
    assert (info.value.code, info.value.reason) == (409, "AlreadyExists")
    assert info.value.message == 'pods "foo" already exists'
    with pytest.raises(ApiError) as info:
        c.get("deploy", "d")
    assert info.value.code == 404
    assert info.value.message == 'deployments.apps "d" not found'
    assert info.value.details["group"] == "apps"


def test_stale_resource_version_conflicts_and_changes_nothing(c: Cluster) -> None:
    p = c.create(pod("foo"))
    p2 = c.get("pod", "foo")
    p2["metadata"]["labels"] = {"a": "b"}
    c.replace(p2)
    before = c.dump()
    p["metadata"]["labels"] = {"a": "c"}
    with pytest.raises(ApiError) as info:
        c.replace(p)
    assert info.value.reason == "Conflict"
    assert info.value.message == ('Operation cannot be fulfilled on pods "foo": the object has been modified; '
                                  "please apply your changes to the latest version and try again")
    assert info.value.details == {"name": "foo", "kind": "pods"}
    assert c.dump() == before


def test_invalid_name(c: Cluster) -> None:
    before = c.dump()
    with pytest.raises(ApiError) as info:
        c.create(pod("Foo"))
    err = info.value
    assert err.code == 422 and err.reason == "Invalid"
    assert err.details["kind"] == "Pod"
    assert err.causes[0]["reason"] == "FieldValueInvalid"
    assert err.causes[0]["field"] == "metadata.name"
    assert err.message.startswith('Pod "Foo" is invalid: metadata.name: Invalid value: "Foo": a lowercase RFC 1123')
    assert c.dump() == before


def test_missing_namespace_is_not_found(c: Cluster) -> None:
    with pytest.raises(ApiError) as info:
        c.create(pod("x"), namespace="nope")
    assert info.value.code == 404
    assert info.value.message == 'namespaces "nope" not found'


def test_generate_name(c: Cluster) -> None:
    p = c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"},
                  "spec": {"containers": [{"name": "a", "image": "nginx"}]}})
    name = p["metadata"]["name"]
    assert name.startswith("web-") and len(name) == 9
    assert all(ch in "bcdfghjklmnpqrstvwxz2456789" for ch in name[4:])
    long = c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "a" * 70}})
    assert len(long["metadata"]["name"]) == 63


def test_generation_bumps_on_spec_change_only(c: Cluster) -> None:
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}})
    assert c.get("deploy", "web")["metadata"]["generation"] == 1
    c.patch("deploy", "web", {"metadata": {"labels": {"x": "y"}}})
    assert c.get("deploy", "web")["metadata"]["generation"] == 1
    c.scale("deploy", "web", 3)
    d = c.get("deploy", "web")
    assert d["metadata"]["generation"] == 2 and d["spec"]["replicas"] == 3


def test_noop_update_keeps_resource_version(c: Cluster) -> None:
    c.create(pod("foo"))
    p = c.get("pod", "foo")
    again = c.replace(p)
    assert again["metadata"]["resourceVersion"] == p["metadata"]["resourceVersion"]


def test_audit_log_records_every_request(c: Cluster) -> None:
    c.create(pod("foo"))
    with pytest.raises(ApiError):
        c.get("pod", "nope")
    recs = [r for r in c.api.audit.records() if r.user == "kubectl-admin"]
    assert [(r.verb, r.resource, r.name, r.code) for r in recs[-2:]] == [
        ("create", "pods", "foo", 201), ("get", "pods", "nope", 404)]


def test_watch_from_resource_version_and_compaction(c: Cluster) -> None:
    rt = c.api.registry.resolve("pods")
    start = str(c.store.revision)
    c.create(pod("a"))
    c.create(pod("b"))
    c.delete("pod", "a")
    seen: list[tuple[str, str]] = []
    c.api.watch(rt, "default", lambda evs: seen.extend((t, o["metadata"]["name"]) for t, o in evs),
                resource_version=start)
    c.run(0.001)
    assert seen == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    c.api.compact()
    with pytest.raises(ApiError) as info:
        c.api.watch(rt, "default", lambda evs: None, resource_version=start)
    assert info.value.code == 410 and info.value.reason == "Expired"
    assert info.value.message.startswith(f"too old resource version: {start} (")


def test_watch_selector_transitions(c: Cluster) -> None:
    rt = c.api.registry.resolve("pods")
    seen: list[tuple[str, str]] = []
    c.api.watch(rt, "default", lambda evs: seen.extend((t, o["metadata"]["name"]) for t, o in evs),
                label_selector="app=web")
    c.create(pod("a"))
    c.patch("pod", "a", {"metadata": {"labels": {"app": "web"}}})
    c.patch("pod", "a", {"metadata": {"labels": {"app": "db"}}})
    c.run(0.001)
    assert seen == [("ADDED", "a"), ("DELETED", "a")]


def test_list_selectors(c: Cluster) -> None:
    c.run(5)  # the control-plane kubelet posts the mirror pods of its static pods
    c.create({**pod("a"), "metadata": {"name": "a", "labels": {"tier": "web"}}})
    c.create({**pod("b"), "metadata": {"name": "b", "labels": {"tier": "db"}}})
    assert [p["metadata"]["name"] for p in c.list("po", selector="tier in (web)")] == ["a"]
    assert [p["metadata"]["name"] for p in c.list("pods", selector="tier!=web")] == ["b"]
    assert len(c.list("pods", namespace=None)) == 6  # two here + four static pods in kube-system


def test_node_indexed_watch_sees_binding_and_only_its_pods(c: Cluster) -> None:
    rt = c.api.registry.resolve("pods")
    seen: dict[str, list[tuple[str, str]]] = {"node-1": [], "node-2": []}
    for node, got in seen.items():
        c.api.watch(rt, None, lambda evs, got=got: got.extend((t, o["metadata"]["name"]) for t, o in evs),
                    field_selector=f"spec.nodeName={node}")
    c.create(pod("a"))
    c.create(pod("b", nodeName="node-2"))
    c.api.bind("default", "a", "node-1")
    c.delete("pod", "b")
    c.run(0.001)
    # Each kubelet's watch sees only its own node's pods (the kubelets update their status meanwhile).
    assert seen["node-1"][0] == ("ADDED", "a") and {n for _, n in seen["node-1"]} == {"a"}
    assert seen["node-2"][0] == ("ADDED", "b") and {n for _, n in seen["node-2"]} == {"b"}


def test_uid_precondition_in_update(c: Cluster) -> None:
    c.create(pod("foo"))
    with pytest.raises(ApiError) as info:
        c.patch("pod", "foo", {"metadata": {"uid": "not-the-uid"}})
    assert info.value.code == 409
    assert info.value.message.startswith('Operation cannot be fulfilled on pods "foo": Precondition failed: UID in '
                                         "precondition: not-the-uid, UID in object meta: ")


def test_null_time_in_a_condition_is_kept(c: Cluster) -> None:
    p = c.create(pod("foo", nodeName="node-1"))
    p["status"] = {"phase": "Pending", "conditions": [{"type": "DisruptionTarget", "status": "True",
                                                        "lastProbeTime": None, "reason": "X"}]}
    out = c.api.update(p, subresource="status")
    assert out["status"]["conditions"][0]["lastProbeTime"] is None
