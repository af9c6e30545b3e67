"""networkx graphs of the cluster: topology, ownership, Service -> EndpointSlice -> Pod, who talks to whom.

Node ids are strings: "kube-apiserver" and the other components by name, "node/<name>" for Nodes,
"<Kind>/<namespace>/<name>" for namespaced objects ("Pod/default/web-1"). Graphs are built in sorted
order so that seeded layouts of them are stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from labk8s.analysis.source import read_objects
from labk8s.apiserver.audit import AuditRecord

if TYPE_CHECKING:
    from labk8s.cluster import Cluster

Obj = dict[str, Any]

APISERVER = "kube-apiserver"
ETCD = "etcd"
#: Verbs that write to the store (the API server commits them to etcd in a transaction).
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
#: The label that ties an EndpointSlice to its Service (discovery.k8s.io/v1 LabelServiceName).
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def object_id(obj: Obj) -> str:
    """"Kind/namespace/name" for namespaced objects, "Kind/name" for cluster-scoped ones."""
    md = obj.get("metadata") or {}
    ns = md.get("namespace")
    return f"{obj.get('kind', '')}/{ns}/{md.get('name', '')}" if ns else f"{obj.get('kind', '')}/{md.get('name', '')}"


def _name_key(obj: Obj) -> tuple[str, str]:
    md = obj.get("metadata") or {}
    return str(md.get("namespace") or ""), str(md.get("name", ""))


def _phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "Pending")


# -- topology --------------------------------------------------------------------------------------------
def topology_graph(nodes: Iterable[Obj], pods: Iterable[Obj], *, include_system_pods: bool = True) -> nx.DiGraph:
    """The cluster's shape: control-plane components, Nodes, and the pods bound to each node.

    Components come from the control-plane static pods (label tier=control-plane, label component).
    Edges: component -> kube-apiserver ("api"), kube-apiserver -> etcd ("store"), node -> kube-apiserver
    (its kubelet, "kubelet"), node -> pod ("runs"). Unscheduled pods have no edge.
    Node attributes: role ("component" | "node" | "pod"), plus name, host node, phase, ready.
    """
    g = nx.DiGraph()
    pods = sorted(pods, key=_name_key)
    nodes = sorted(nodes, key=lambda n: n["metadata"]["name"])
    components: dict[str, str] = {}
    for pod in pods:
        labels = (pod.get("metadata") or {}).get("labels") or {}
        if labels.get("tier") == "control-plane" and labels.get("component"):
            components[str(labels["component"])] = str((pod.get("spec") or {}).get("nodeName") or "")
    components.setdefault(APISERVER, "")
    components.setdefault(ETCD, "")
    for name in sorted(components):
        g.add_node(name, role="component", name=name, host=components[name])
    for name in sorted(components):
        if name == ETCD:
            continue
        if name == APISERVER:
            g.add_edge(APISERVER, ETCD, relation="store")
        else:
            g.add_edge(name, APISERVER, relation="api")
    for node in nodes:
        name = node["metadata"]["name"]
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in (node.get("status") or {}).get("conditions") or [])
        control_plane = "node-role.kubernetes.io/control-plane" in ((node["metadata"].get("labels")) or {})
        g.add_node(f"node/{name}", role="node", name=name, ready=ready, control_plane=control_plane)
        g.add_edge(f"node/{name}", APISERVER, relation="kubelet")
    for pod in pods:
        ns, name = _name_key(pod)
        if not include_system_pods and ns == "kube-system":
            continue
        host = str((pod.get("spec") or {}).get("nodeName") or "")
        pid = object_id(pod)
        g.add_node(pid, role="pod", name=name, namespace=ns, host=host, phase=_phase(pod))
        if host and g.has_node(f"node/{host}"):
            g.add_edge(f"node/{host}", pid, relation="runs")
    return g


def cluster_topology(cluster: Cluster, *, include_system_pods: bool = True) -> nx.DiGraph:
    return topology_graph(read_objects(cluster, "nodes"), read_objects(cluster, "pods"),
                          include_system_pods=include_system_pods)


# -- ownership -------------------------------------------------------------------------------------------
def ownership_graph(objects: Iterable[Obj]) -> nx.DiGraph:
    """owner -> dependent edges from metadata.ownerReferences (Deployment -> ReplicaSet -> Pod, Job -> Pod, ...).

    Only objects that own or are owned appear. An owner that is not among `objects` (already deleted)
    appears with missing=True. Edge attribute: controller (the reference's controller flag).
    Node attributes: kind, namespace, name, uid, phase (pods), replicas (spec.replicas where set).
    """
    objs = sorted(objects, key=lambda o: (str(o.get("kind", "")), *_name_key(o)))
    by_uid = {str((o.get("metadata") or {}).get("uid")): o for o in objs if (o.get("metadata") or {}).get("uid")}
    owners_of: list[tuple[Obj, list[Obj]]] = [(o, (o.get("metadata") or {}).get("ownerReferences") or [])
                                              for o in objs]
    owner_uids = {str(ref.get("uid")) for _, refs in owners_of for ref in refs}
    g = nx.DiGraph()

    def add(obj: Obj) -> str:
        oid = object_id(obj)
        ns, name = _name_key(obj)
        attrs: dict[str, Any] = {"kind": obj.get("kind", ""), "namespace": ns, "name": name,
                                 "uid": (obj.get("metadata") or {}).get("uid", ""), "missing": False}
        if obj.get("kind") == "Pod":
            attrs["phase"] = _phase(obj)
        replicas = (obj.get("spec") or {}).get("replicas")
        if isinstance(replicas, int):
            attrs["replicas"] = replicas
        g.add_node(oid, **attrs)
        return oid

    for obj, refs in owners_of:
        if refs or str((obj.get("metadata") or {}).get("uid")) in owner_uids:
            add(obj)
    for obj, refs in owners_of:
        for ref in sorted(refs, key=lambda r: (str(r.get("kind")), str(r.get("name")))):
            owner = by_uid.get(str(ref.get("uid")))
            if owner is not None:
                oid = object_id(owner)
            else:
                ns = (obj.get("metadata") or {}).get("namespace")
                oid = f"{ref.get('kind')}/{ns}/{ref.get('name')}" if ns else f"{ref.get('kind')}/{ref.get('name')}"
                if not g.has_node(oid):
                    g.add_node(oid, kind=ref.get("kind", ""), namespace=ns or "", name=ref.get("name", ""),
                               uid=ref.get("uid", ""), missing=True)
            g.add_edge(oid, object_id(obj), controller=bool(ref.get("controller", False)))
    return g


OWNERSHIP_KINDS = ("deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch",
                   "cronjobs.batch", "pods", "controllerrevisions.apps")


def cluster_ownership(cluster: Cluster, namespace: str | None = "default") -> nx.DiGraph:
    """ownership_graph of the workloads and pods in `namespace` (None: all namespaces)."""
    objs: list[Obj] = []
    for kind in OWNERSHIP_KINDS:
        objs.extend(read_objects(cluster, kind, namespace))
    return ownership_graph(objs)


# -- Services --------------------------------------------------------------------------------------------
def service_graph(services: Iterable[Obj], slices: Iterable[Obj], pods: Iterable[Obj]) -> nx.DiGraph:
    """Service -> EndpointSlice (label kubernetes.io/service-name) -> Pod (endpoints[].targetRef).

    Edge attribute on slice -> pod edges: ready (the endpoint's conditions.ready, which an absent value
    means true), address. Node attributes: kind, namespace, name; pods carry phase.
    """
    g = nx.DiGraph()
    pods_by_key = {_name_key(p): p for p in pods}
    for svc in sorted(services, key=_name_key):
        ns, name = _name_key(svc)
        g.add_node(object_id(svc), kind="Service", namespace=ns, name=name,
                   cluster_ip=(svc.get("spec") or {}).get("clusterIP", ""))
    for es in sorted(slices, key=_name_key):
        ns, name = _name_key(es)
        svc_name = ((es.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME_LABEL)
        eid = object_id(es)
        g.add_node(eid, kind="EndpointSlice", namespace=ns, name=name)
        if svc_name and g.has_node(f"Service/{ns}/{svc_name}"):
            g.add_edge(f"Service/{ns}/{svc_name}", eid)
        for ep in es.get("endpoints") or []:
            ref = ep.get("targetRef") or {}
            if ref.get("kind") != "Pod":
                continue
            pns = str(ref.get("namespace") or ns)
            pid = f"Pod/{pns}/{ref.get('name')}"
            if not g.has_node(pid):
                pod = pods_by_key.get((pns, str(ref.get("name"))))
                g.add_node(pid, kind="Pod", namespace=pns, name=str(ref.get("name")),
                           phase=_phase(pod) if pod is not None else "Unknown")
            ready = (ep.get("conditions") or {}).get("ready")
            g.add_edge(eid, pid, ready=ready is not False, address=",".join(ep.get("addresses") or []))
    return g


def cluster_services(cluster: Cluster, namespace: str | None = "default") -> nx.DiGraph:
    return service_graph(read_objects(cluster, "services", namespace),
                         read_objects(cluster, "endpointslices.discovery.k8s.io", namespace),
                         read_objects(cluster, "pods", namespace))


# -- who talks to whom -----------------------------------------------------------------------------------
def component_of(user: str) -> str:
    """The component behind an audit user: "system:node:node-1" and "kubelet/node-1" are the kubelet,
    "system:serviceaccount:kube-system:x" is x, "system:apiserver" is the API server itself."""
    if user.startswith("system:node:") or user.startswith("kubelet"):
        return "kubelet"
    if user.startswith("system:serviceaccount:"):
        return user.rsplit(":", 1)[-1]
    if user == "system:apiserver":
        return APISERVER
    if user.startswith("system:"):
        return user[len("system:"):]
    return user.split("/", 1)[0]


def talks_graph(records: Iterable[AuditRecord], *, by_component: bool = True) -> nx.DiGraph:
    """Who talks to whom, from the audit log: every client -> kube-apiserver, kube-apiserver -> etcd.

    Client edges carry requests (count) and verbs ({verb: count}, sorted); the kube-apiserver -> etcd
    edge carries writes (successful create/update/patch/delete requests, each a store transaction)
    and requests (every request the clients made). With by_component, users are grouped by
    component_of (all kubelets become "kubelet"). The API server's own loopback writes count toward
    etcd but draw no edge to itself.
    """
    per_client: dict[str, Counter[str]] = {}
    total = 0
    writes = 0
    for rec in records:
        total += 1
        if rec.verb in WRITE_VERBS and rec.code < 400:
            writes += 1
        client = component_of(rec.user) if by_component else rec.user
        if client == APISERVER:
            continue
        per_client.setdefault(client, Counter())[rec.verb] += 1
    g = nx.DiGraph()
    g.add_node(APISERVER, role="apiserver")
    g.add_node(ETCD, role="store")
    for client in sorted(per_client):
        verbs = per_client[client]
        g.add_node(client, role="client")
        g.add_edge(client, APISERVER, requests=sum(verbs.values()), verbs=dict(sorted(verbs.items())))
    g.add_edge(APISERVER, ETCD, requests=total, writes=writes)
    return g


def cluster_talks(cluster: Cluster, *, by_component: bool = True) -> nx.DiGraph:
    return talks_graph(cluster.api.audit.records(), by_component=by_component)
