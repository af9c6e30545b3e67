"""The remaining dedicated describers of describe.go: Ingress, IngressClass, NetworkPolicy,
ServiceCIDR, IPAddress, PodDisruptionBudget, PriorityClass, RoleBinding, ClusterRoleBinding,
CSINode and VolumeAttributesClass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.errors import ApiError
from labk8s.kubectl.describe._selectors import format_label_selector, format_labels
from labk8s.kubectl.describe._timefmt import go_time_string, rfc1123z
from labk8s.kubectl.describe.common import (
    LOOKUP_ERRORS,
    Lookup,
    g,
    go_v,
    print_annotations_multiline,
    print_labels_multiline,
)
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.service import SERVICE_NAME_LABEL, format_endpoint_slices
from labk8s.kubectl.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    LEVEL_4,
    PrefixWriter,
    tabbed_string,
)


def _name_line(w: PrefixWriter, obj: Mapping[str, Any]) -> None:
    w.write(LEVEL_0, f"Name:\t{g(obj, 'metadata', 'name', default='')}\n")


def _meta_lines(w: PrefixWriter, obj: Mapping[str, Any]) -> None:
    print_labels_multiline(w, "Labels", g(obj, "metadata", "labels"))
    print_annotations_multiline(w, "Annotations", g(obj, "metadata", "annotations"))


def _backend(lookup: Lookup, namespace: str, backend: Mapping[str, Any]) -> str:
    """describeBackendV1."""
    service = backend.get("service")
    if service is not None:
        port = service.get("port") or {}
        port_text = str(port.get("number")) if port.get("number") else str(port.get("name") or "")
        text = f"{service.get('name', '')}:{port_text}"
        try:
            slices = lookup.list(
                "endpointslices", "discovery.k8s.io", namespace, label_selector=f"{SERVICE_NAME_LABEL}={service.get('name', '')}"
            )
            svc = lookup.get("services", "", namespace, str(service.get("name", "")))
            if svc is None:
                raise ApiError.not_found("services", "", str(service.get("name", "")))
        except ApiError as err:
            return f"{text} (<error: {err.message}>)"
        except LOOKUP_ERRORS as err:
            return f"{text} (<error: {err}>)"
        port_name = ""
        for sp in g(svc, "spec", "ports", default=[]):
            if port.get("number") and port.get("number") == sp.get("port"):
                port_name = sp.get("name") or ""
            elif port.get("name") and port.get("name") == sp.get("name"):
                port_name = sp.get("name") or ""
        return f"{text} ({format_endpoint_slices(slices, {port_name})})"
    resource = backend.get("resource")
    if resource is not None:
        group = "<none>" if resource.get("apiGroup") is None else resource["apiGroup"]
        return f"APIGroup: {group}, Kind: {resource.get('kind', '')}, Name: {resource.get('name', '')}"
    return ""


def describe_ingress(ing: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, ing)
    namespace = str(g(ing, "metadata", "namespace", default=""))
    spec: Mapping[str, Any] = ing.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        _name_line(w, ing)
        print_labels_multiline(w, "Labels", g(ing, "metadata", "labels"))
        w.write(LEVEL_0, f"Namespace:\t{namespace}\n")
        addresses = sorted(
            {str(i.get("ip") or i.get("hostname") or "") for i in g(ing, "status", "loadBalancer", "ingress", default=[])}
            - {""}
        )
        w.write(LEVEL_0, f"Address:\t{','.join(addresses)}\n")
        w.write(LEVEL_0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
        default = "<default>" if spec.get("defaultBackend") is None else _backend(lookup, namespace, spec["defaultBackend"])
        w.write(LEVEL_0, f"Default backend:\t{default}\n")
        if spec.get("tls"):
            w.write(LEVEL_0, "TLS:\n")
            for tls in spec["tls"]:
                hosts = ",".join(tls.get("hosts") or [])
                if not tls.get("secretName"):
                    w.write(LEVEL_1, f"SNI routes {hosts}\n")
                else:
                    w.write(LEVEL_1, f"{tls['secretName']} terminates {hosts}\n")
        w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n")
        w.write(LEVEL_1, "----\t----\t--------\n")
        count = 0
        for rule in spec.get("rules") or []:
            if rule.get("http") is None:
                continue
            count += 1
            w.write(LEVEL_1, f"{rule.get('host') or '*'}\t\n")
            for path in rule["http"].get("paths") or []:
                w.write(LEVEL_2, f"\t{path.get('path') or ''} \t{_backend(lookup, namespace, path.get('backend') or {})}\n")
        if count == 0:
            w.write(LEVEL_1, f"*\t*\t{default}\n")
        print_annotations_multiline(w, "Annotations", g(ing, "metadata", "annotations"))
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_ingress_class(ic: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, ic)

    def body(w: PrefixWriter) -> None:
        _name_line(w, ic)
        _meta_lines(w, ic)
        w.write(LEVEL_0, f"Controller:\t{g(ic, 'spec', 'controller', default='')}\n")
        params = g(ic, "spec", "parameters")
        if params is not None:
            w.write(LEVEL_0, "Parameters:\n")
            if params.get("apiGroup") is not None:
                w.write(LEVEL_1, f"APIGroup:\t{params['apiGroup']}\n")
            w.write(LEVEL_1, f"Kind:\t{params.get('kind', '')}\n")
            w.write(LEVEL_1, f"Name:\t{params.get('name', '')}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def _np_ports(ports: list[Mapping[str, Any]], indent: str, w: PrefixWriter) -> None:
    if not ports:
        w.write(LEVEL_0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        return
    for port in ports:
        proto = port.get("protocol") or "TCP"
        number = "<nil>" if port.get("port") is None else str(port["port"])
        if port.get("endPort") is None:
            w.write(LEVEL_0, f"{indent}To Port: {number}/{proto}\n")
        else:
            w.write(LEVEL_0, f"{indent}To Port Range: {number}-{int(port['endPort'])}/{proto}\n")


def _np_peers(peers: list[Mapping[str, Any]], label: str, any_text: str, indent: str, w: PrefixWriter) -> None:
    if not peers:
        w.write(LEVEL_0, f"{indent}{label}: <any> ({any_text})\n")
        return
    for peer in peers:
        w.write(LEVEL_0, f"{indent}{label}:\n")
        pod_sel, ns_sel, block = peer.get("podSelector"), peer.get("namespaceSelector"), peer.get("ipBlock")
        if pod_sel is not None and ns_sel is not None:
            w.write(LEVEL_1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
            w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
        elif pod_sel is not None:
            w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
        elif ns_sel is not None:
            w.write(LEVEL_1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
        elif block is not None:
            w.write(LEVEL_1, f"{indent}IPBlock:\n")
            w.write(LEVEL_2, f"{indent}CIDR: {block.get('cidr', '')}\n")
            w.write(LEVEL_2, f"{indent}Except: {', '.join(block.get('except') or [])}\n")


def _np_rules(rules: list[Mapping[str, Any]], peers_key: str, egress: bool, w: PrefixWriter) -> None:
    indent = "    "
    direction = "egress" if egress else "ingress"
    if not rules:
        w.write(LEVEL_0, f"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n")
        return
    label, any_text = ("To", "traffic not restricted by destination") if egress else ("From", "traffic not restricted by source")
    for i, rule in enumerate(rules):
        _np_ports(rule.get("ports") or [], indent, w)
        _np_peers(rule.get(peers_key) or [], label, any_text, indent, w)
        if i != len(rules) - 1:
            w.write(LEVEL_0, f"{indent}----------\n")


def describe_network_policy(np: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    spec: Mapping[str, Any] = np.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        _name_line(w, np)
        w.write(LEVEL_0, f"Namespace:\t{g(np, 'metadata', 'namespace', default='')}\n")
        w.write(LEVEL_0, f"Created on:\t{go_time_string(g(np, 'metadata', 'creationTimestamp'))}\n")
        _meta_lines(w, np)
        w.write(LEVEL_0, "Spec:\n")
        w.write(LEVEL_1, "PodSelector: ")
        pod_selector = spec.get("podSelector") or {}
        if not pod_selector.get("matchLabels") and not pod_selector.get("matchExpressions"):
            w.write(LEVEL_2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
        else:
            w.write(LEVEL_2, f"{format_label_selector(pod_selector)}\n")
        types = list(spec.get("policyTypes") or [])
        if "Ingress" in types:
            w.write(LEVEL_1, "Allowing ingress traffic:\n")
            _np_rules(spec.get("ingress") or [], "from", False, w)
        else:
            w.write(LEVEL_1, "Not affecting ingress traffic\n")
        if "Egress" in types:
            w.write(LEVEL_1, "Allowing egress traffic:\n")
            _np_rules(spec.get("egress") or [], "to", True, w)
        else:
            w.write(LEVEL_1, "Not affecting egress traffic\n")
        w.write(LEVEL_1, f"Policy Types: {', '.join(types) if types else '<none>'}\n")

    return tabbed_string(body)


def describe_service_cidr(cidr: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, cidr)

    def body(w: PrefixWriter) -> None:
        _name_line(w, cidr)
        _meta_lines(w, cidr)
        w.write(LEVEL_0, f"CIDRs:\t{', '.join(g(cidr, 'spec', 'cidrs', default=[]))}\n")
        conditions = g(cidr, "status", "conditions", default=[])
        if conditions:
            w.write(LEVEL_0, "Status:\n")
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                    f"{c.get('reason', '')}\t{c.get('message', '')}\n",
                )
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_ip_address(ip: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, ip)

    def body(w: PrefixWriter) -> None:
        _name_line(w, ip)
        _meta_lines(w, ip)
        parent = g(ip, "spec", "parentRef")
        if parent is not None:
            w.write(LEVEL_0, "Parent Reference:\n")
            for label, key in (("Group", "group"), ("Resource", "resource"), ("Namespace", "namespace"), ("Name", "name")):
                w.write(LEVEL_1, f"{label}:\t{parent.get(key) or ''}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_pdb(pdb: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, pdb)
    spec: Mapping[str, Any] = pdb.get("spec") or {}
    status: Mapping[str, Any] = pdb.get("status") or {}

    def body(w: PrefixWriter) -> None:
        _name_line(w, pdb)
        w.write(LEVEL_0, f"Namespace:\t{g(pdb, 'metadata', 'namespace', default='')}\n")
        if spec.get("minAvailable") is not None:
            w.write(LEVEL_0, f"Min available:\t{spec['minAvailable']}\n")
        elif spec.get("maxUnavailable") is not None:
            w.write(LEVEL_0, f"Max unavailable:\t{spec['maxUnavailable']}\n")
        if spec.get("selector") is not None:
            w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec['selector'])}\n")
        else:
            w.write(LEVEL_0, "Selector:\t<unset>\n")
        w.write(LEVEL_0, "Status:\n")
        for label, key in (
            ("Allowed disruptions", "disruptionsAllowed"),
            ("Current", "currentHealthy"),
            ("Desired", "desiredHealthy"),
            ("Total", "expectedPods"),
        ):
            w.write(LEVEL_2, f"{label}:\t{int(status.get(key) or 0)}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_priority_class(pc: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, pc)

    def body(w: PrefixWriter) -> None:
        _name_line(w, pc)
        w.write(LEVEL_0, f"Value:\t{int(pc.get('value') or 0)}\n")
        w.write(LEVEL_0, f"GlobalDefault:\t{go_v(bool(pc.get('globalDefault')))}\n")
        w.write(LEVEL_0, f"PreemptionPolicy:\t{pc.get('preemptionPolicy') or ''}\n")
        w.write(LEVEL_0, f"Description:\t{pc.get('description') or ''}\n")
        w.write(LEVEL_0, f"Annotations:\t{format_labels(g(pc, 'metadata', 'annotations'))}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_binding(binding: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    """RoleBinding and ClusterRoleBinding (no events)."""

    def body(w: PrefixWriter) -> None:
        _name_line(w, binding)
        _meta_lines(w, binding)
        w.write(LEVEL_0, "Role:\n")
        w.write(LEVEL_1, f"Kind:\t{g(binding, 'roleRef', 'kind', default='')}\n")
        w.write(LEVEL_1, f"Name:\t{g(binding, 'roleRef', 'name', default='')}\n")
        w.write(LEVEL_0, "Subjects:\n")
        w.write(LEVEL_1, "Kind\tName\tNamespace\n")
        w.write(LEVEL_1, "----\t----\t---------\n")
        for s in binding.get("subjects") or []:
            w.write(LEVEL_1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace') or ''}\n")

    return tabbed_string(body)


def describe_csi_node(csi: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, csi)

    def body(w: PrefixWriter) -> None:
        _name_line(w, csi)
        _meta_lines(w, csi)
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(g(csi, 'metadata', 'creationTimestamp'))}\n")
        w.write(LEVEL_0, "Spec:\n")
        drivers = g(csi, "spec", "drivers")
        if drivers is not None:
            w.write(LEVEL_1, "Drivers:\n")
            for driver in drivers:
                w.write(LEVEL_2, f"{driver.get('name', '')}:\n")
                w.write(LEVEL_3, f"Node ID:\t{driver.get('nodeID', '')}\n")
                count = g(driver, "allocatable", "count")
                if count is not None:
                    w.write(LEVEL_3, "Allocatables:\n")
                    w.write(LEVEL_4, f"Count:\t{int(count)}\n")
                if driver.get("topologyKeys") is not None:
                    w.write(LEVEL_3, f"Topology Keys:\t{go_v(list(driver['topologyKeys']))}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_volume_attributes_class(vac: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, vac)

    def body(w: PrefixWriter) -> None:
        _name_line(w, vac)
        w.write(LEVEL_0, f"Annotations:\t{format_labels(g(vac, 'metadata', 'annotations'))}\n")
        w.write(LEVEL_0, f"DriverName:\t{vac.get('driverName') or ''}\n")
        w.write(LEVEL_0, f"Parameters:\t{format_labels(vac.get('parameters'))}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)
