"""labk8s.analysis.graphs: topology, ownership, Services, who talks to whom."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s import Cluster
from labk8s.analysis import (
    cluster_talks,
    cluster_topology,
    component_of,
    object_id,
    ownership_graph,
    service_graph,
    talks_graph,
)
from labk8s.apiserver.audit import AuditRecord

Obj = dict[str, Any]


def obj(kind: str, name: str, uid: str, owners: tuple[tuple[str, str, str], ...] = (), **extra: Any) -> Obj:
    md: Obj = {"name": name, "namespace": "default", "uid": uid}
    if owners:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": k, "name": n, "uid": u, "controller": True}
                                 for k, n, u in owners]
    return {"kind": kind, "metadata": md, **extra}


def test_topology_of_a_fresh_cluster() -> None:
    c = Cluster(nodes=2, seed=0)
    # Before the loop runs there are no pods: the control-plane kubelet posts the static pods' mirror pods
    # (and with them the components) once it has synced, at t=0 of the loop.
    # Without them only the two components every cluster has are drawn.
    before = cluster_topology(c)
    assert sorted(n for n, d in before.nodes(data=True) if d["role"] != "node") == ["etcd", "kube-apiserver"]
    c.run(1)
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
              "spec": {"nodeName": "node-2", "containers": [{"name": "c", "image": "nginx"}]}})
    # A nodeSelector that no node matches keeps the pod unscheduled (a plain pod is bound within ms).
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "queued"},
              "spec": {"nodeSelector": {"disktype": "none"}, "containers": [{"name": "c", "image": "nginx"}]}})
    c.run(5)  # node-2's kubelet pulls nginx (3.188 s) and starts web
    g = cluster_topology(c)
    roles = {n: d["role"] for n, d in g.nodes(data=True)}
    assert sorted(n for n, r in roles.items() if r == "component") == [
        "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]
    assert {g.nodes[n]["host"] for n, r in roles.items() if r == "component"} == {"control-plane"}
    assert sorted(n for n, r in roles.items() if r == "node") == ["node/control-plane", "node/node-1", "node/node-2"]
    # Every component and every kubelet talks to the API server; only the API server talks to etcd.
    assert sorted(g.predecessors("kube-apiserver")) == [
        "kube-controller-manager", "kube-scheduler", "node/control-plane", "node/node-1", "node/node-2"]
    assert list(g.predecessors("etcd")) == ["kube-apiserver"]
    assert list(g.successors("node/node-2")) == ["kube-apiserver", "Pod/default/web"]
    assert g.in_degree("Pod/default/queued") == 0
    assert (g.nodes["Pod/default/web"]["phase"], g.nodes["Pod/default/queued"]["phase"]) == ("Running", "Pending")
    assert sorted(g.successors("node/control-plane")) == [
        "Pod/kube-system/etcd-control-plane", "Pod/kube-system/kube-apiserver-control-plane",
        "Pod/kube-system/kube-controller-manager-control-plane", "Pod/kube-system/kube-scheduler-control-plane",
        "kube-apiserver"]
    without = cluster_topology(c, include_system_pods=False)
    assert not any(n.startswith("Pod/kube-system/") for n in without)
    assert "kube-scheduler" in without  # components still come from the static pods


def test_ownership_deployment_replicaset_pod() -> None:
    objs = [
        obj("Pod", "web-abc-1", "p1", (("ReplicaSet", "web-abc", "rs1"),), status={"phase": "Running"}),
        obj("Pod", "web-abc-2", "p2", (("ReplicaSet", "web-abc", "rs1"),)),
        obj("ReplicaSet", "web-abc", "rs1", (("Deployment", "web", "d1"),), spec={"replicas": 2}),
        obj("Deployment", "web", "d1", spec={"replicas": 2}),
        obj("Pod", "orphan-owned", "p3", (("ReplicaSet", "gone", "rs-gone"),)),
        obj("Pod", "lonely", "p4"),
    ]
    g = ownership_graph(objs)
    assert sorted(g.edges) == [
        ("Deployment/default/web", "ReplicaSet/default/web-abc"),
        ("ReplicaSet/default/gone", "Pod/default/orphan-owned"),
        ("ReplicaSet/default/web-abc", "Pod/default/web-abc-1"),
        ("ReplicaSet/default/web-abc", "Pod/default/web-abc-2"),
    ]
    assert "Pod/default/lonely" not in g  # neither owns nor is owned
    assert g.nodes["ReplicaSet/default/gone"]["missing"] is True
    assert g.nodes["Deployment/default/web"]["replicas"] == 2
    assert g.nodes["Pod/default/web-abc-1"]["phase"] == "Running"
    assert all(d["controller"] for _, _, d in g.edges(data=True))


def test_service_endpointslice_pod() -> None:
    svc = {"kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"clusterIP": "10.96.0.20"}}
    es = {"kind": "EndpointSlice", "metadata": {"name": "web-x1", "namespace": "default",
                                                "labels": {"kubernetes.io/service-name": "web"}},
          "endpoints": [{"addresses": ["10.244.1.2"], "conditions": {"ready": True},
                         "targetRef": {"kind": "Pod", "name": "a", "namespace": "default"}},
                        {"addresses": ["10.244.2.2"], "conditions": {"ready": False},
                         "targetRef": {"kind": "Pod", "name": "b", "namespace": "default"}},
                        {"addresses": ["10.244.3.3"], "targetRef": {"kind": "Pod", "name": "c"}}]}
    pods = [{"kind": "Pod", "metadata": {"name": "a", "namespace": "default"}, "status": {"phase": "Running"}}]
    g = service_graph([svc], [es], pods)
    assert sorted(g.edges) == [("EndpointSlice/default/web-x1", "Pod/default/a"),
                               ("EndpointSlice/default/web-x1", "Pod/default/b"),
                               ("EndpointSlice/default/web-x1", "Pod/default/c"),
                               ("Service/default/web", "EndpointSlice/default/web-x1")]
    ready = {v: d["ready"] for _, v, d in g.out_edges("EndpointSlice/default/web-x1", data=True)}
    # An absent ready condition means ready (discovery.k8s.io/v1 EndpointConditions).
    assert ready == {"Pod/default/a": True, "Pod/default/b": False, "Pod/default/c": True}
    assert g.nodes["Pod/default/a"]["phase"] == "Running"
    assert g.nodes["Pod/default/b"]["phase"] == "Unknown"


@pytest.mark.parametrize(("user", "component"), [
    ("kube-scheduler", "kube-scheduler"),
    ("kube-controller-manager", "kube-controller-manager"),
    ("system:node:node-1", "kubelet"),
    ("kubelet/node-2", "kubelet"),
    ("system:serviceaccount:kube-system:coredns", "coredns"),
    ("system:apiserver", "kube-apiserver"),
    ("system:kube-proxy", "kube-proxy"),
    ("kube-proxy/node-1", "kube-proxy"),
    ("kubectl-admin", "kubectl-admin"),
])
def test_component_of(user: str, component: str) -> None:
    assert component_of(user) == component


def test_talks_graph_from_audit_records() -> None:
    def rec(user: str, verb: str, code: int = 200) -> AuditRecord:
        return AuditRecord(0, user, verb, "pods", "", "default", "p", code)

    records = [rec("kube-scheduler", "list"), rec("kube-scheduler", "watch"), rec("kube-scheduler", "create", 201),
               rec("system:node:node-1", "update"), rec("kubelet/node-2", "patch"),
               rec("kubectl-admin", "create", 409), rec("system:apiserver", "update")]
    g = talks_graph(records)
    assert sorted(g.edges) == [("kube-apiserver", "etcd"), ("kube-scheduler", "kube-apiserver"),
                               ("kubectl-admin", "kube-apiserver"), ("kubelet", "kube-apiserver")]
    assert g.edges["kube-scheduler", "kube-apiserver"] == {"requests": 3,
                                                           "verbs": {"create": 1, "list": 1, "watch": 1}}
    assert g.edges["kubelet", "kube-apiserver"]["requests"] == 2
    # Successful writes reach etcd (the 409 does not commit); the API server's own write counts too.
    assert g.edges["kube-apiserver", "etcd"] == {"requests": 7, "writes": 4}
    by_user = talks_graph(records, by_component=False)
    assert "system:node:node-1" in by_user and "kubelet" not in by_user


def test_everyone_talks_only_to_the_api_server_in_a_running_cluster() -> None:
    c = Cluster(nodes=1, seed=0)
    c.run(5)
    g = cluster_talks(c)
    for node in g:
        if node not in ("kube-apiserver", "etcd"):
            assert list(g.successors(node)) == ["kube-apiserver"]
    assert list(g.predecessors("etcd")) == ["kube-apiserver"]
    assert g.edges["kube-apiserver", "etcd"]["requests"] == len(c.api.audit.records())


def test_object_id() -> None:
    assert object_id({"kind": "Pod", "metadata": {"name": "a", "namespace": "ns"}}) == "Pod/ns/a"
    assert object_id({"kind": "Node", "metadata": {"name": "n"}}) == "Node/n"
