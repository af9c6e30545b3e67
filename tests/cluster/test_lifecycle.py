"""Garbage collection, namespace deletion, finalizers, graceful deletion, quota and limit ranges."""

from __future__ import annotations

import pytest

from labk8s import ApiError, Cluster
from tests.cluster.conftest import pod

MANIFESTS = "/work/shared/manifests"


def owned_cm(name: str, owner: dict, block: bool = True) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "ownerReferences": [{
                "apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": block}]}}


def names(c: Cluster, kind: str) -> list[str]:
    return [o["metadata"]["name"] for o in c.list(kind)]


def test_background_propagation_deletes_dependents(c: Cluster) -> None:
    owner = c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "owner"}})
    c.create(owned_cm("child", owner))
    c.run(1)
    c.delete("cm", "owner")
    c.run(1)
    assert "child" not in names(c, "cm")


def test_orphan_propagation_keeps_dependents(c: Cluster) -> None:
    owner = c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "owner"}})
    c.create(owned_cm("child", owner))
    c.run(1)
    c.delete("cm", "owner", propagation="Orphan")
    assert c.get("cm", "owner")["metadata"]["finalizers"] == ["orphan"]
    c.run(1)
    assert "owner" not in names(c, "cm")
    assert "ownerReferences" not in c.get("cm", "child")["metadata"]


def test_foreground_waits_for_dependents(c: Cluster) -> None:
    owner = c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "owner"}})
    c.create(owned_cm("child", owner))
    c.run(1)
    deleted = c.delete("cm", "owner", propagation="Foreground")
    assert deleted["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:01Z"  # 200 with the marked object
    marked = c.get("cm", "owner")
    assert marked["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert marked["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:01Z"
    c.run(1)
    assert names(c, "cm").count("owner") == 0 and "child" not in names(c, "cm")


def test_custom_finalizer_holds_object(c: Cluster) -> None:
    c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "held", "finalizers": ["x.io/hold"]}})
    c.delete("cm", "held")
    assert c.get("cm", "held")["metadata"]["deletionTimestamp"]
    c.patch("cm", "held", {"metadata": {"finalizers": None}})
    with pytest.raises(ApiError):
        c.get("cm", "held")


def test_graceful_pod_deletion_when_bound(c: Cluster) -> None:
    c.create(pod("unbound"))
    c.delete("pod", "unbound")
    with pytest.raises(ApiError):
        c.get("pod", "unbound")  # never scheduled: deleted at once
    c.create(pod("bound", nodeName="node-1"))
    c.delete("pod", "bound")
    p = c.get("pod", "bound")
    assert p["metadata"]["deletionGracePeriodSeconds"] == 30
    assert p["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:30Z"


def test_namespace_deletion_removes_contents(c: Cluster) -> None:
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "team"}})
    c.create({**pod("p"), "metadata": {"name": "p", "namespace": "team"}})
    c.delete("ns", "team")
    ns = c.get("ns", "team")
    assert ns["status"]["phase"] == "Terminating"
    with pytest.raises(ApiError) as info:
        c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "late", "namespace": "team"}})
    assert info.value.code == 403
    assert info.value.message == ('configmaps "late" is forbidden: unable to create new content in namespace '
                                  "team because it is being terminated")
    c.run(5)
    with pytest.raises(ApiError):
        c.get("ns", "team")
    assert c.list("cm", namespace="team") == []


def test_system_namespace_cannot_be_deleted(c: Cluster) -> None:
    with pytest.raises(ApiError) as info:
        c.delete("ns", "kube-system")
    assert info.value.message == 'namespaces "kube-system" is forbidden: this namespace may not be deleted'


def test_resource_quota_examples(c: Cluster) -> None:
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "quota-mem-cpu-example"}})
    c.apply(f"{MANIFESTS}/admin/resource/quota-mem-cpu.yaml", namespace="quota-mem-cpu-example")
    c.run(1)
    q = c.get("quota", "mem-cpu-demo", namespace="quota-mem-cpu-example")
    assert q["status"]["hard"] == {"limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1",
                                   "requests.memory": "1Gi"}
    c.apply(f"{MANIFESTS}/admin/resource/quota-mem-cpu-pod.yaml", namespace="quota-mem-cpu-example")
    c.run(1)
    with pytest.raises(ApiError) as info:
        c.apply(f"{MANIFESTS}/admin/resource/quota-mem-cpu-pod-2.yaml", namespace="quota-mem-cpu-example")
    assert info.value.code == 403
    assert info.value.message == ('pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, '
                                  "requested: requests.memory=700Mi, used: requests.memory=600Mi, "
                                  "limited: requests.memory=1Gi")


def test_limit_range_defaults_and_bounds(c: Cluster) -> None:
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default-mem-example"}})
    c.apply(f"{MANIFESTS}/admin/resource/memory-defaults.yaml", namespace="default-mem-example")
    p = c.apply(f"{MANIFESTS}/admin/resource/memory-defaults-pod.yaml", namespace="default-mem-example")[0]
    res = p["spec"]["containers"][0]["resources"]
    assert res == {"limits": {"memory": "512Mi"}, "requests": {"memory": "256Mi"}}
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "constraints-cpu-example"}})
    c.apply(f"{MANIFESTS}/admin/resource/cpu-constraints.yaml", namespace="constraints-cpu-example")
    ok = c.apply(f"{MANIFESTS}/admin/resource/cpu-constraints-pod.yaml", namespace="constraints-cpu-example")
    assert ok[0]["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "800m"
    bad = pod("too-big")
    bad["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1500m"}, "requests": {"cpu": "500m"}}
    with pytest.raises(ApiError) as info:
        c.create(bad, namespace="constraints-cpu-example")
    assert info.value.message == ('pods "too-big" is forbidden: maximum cpu usage per Container is 800m, '
                                  "but limit is 1500m")
