"""Service, Endpoints and EndpointSlice describers (describeService, describeEndpoints,
describeEndpointSliceV1) with formatEndpointSlices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labk8s.kubectl.describe._selectors import format_labels
from labk8s.kubectl.describe.common import (
    Lookup,
    Obj,
    g,
    print_annotations_multiline,
    print_labels_multiline,
    safe_list,
)
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter, tabbed_string

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoint_slices(slices: Sequence[Mapping[str, Any]], ports: set[str] | None) -> str:
    """formatEndpointSlices: up to three ready ``ip:port`` entries, then ``+ N more...``."""
    if not slices:
        return "<none>"
    entries: list[str] = []
    limit = 3
    more = False
    count = 0
    for item in slices:
        endpoints = item.get("endpoints") or []
        slice_ports = item.get("ports") or []
        if not slice_ports:
            # Headless services may have no ports.
            for ep in endpoints:
                if len(entries) == limit:
                    more = True
                ready = g(ep, "conditions", "ready")
                if ready is not None and not ready:
                    continue
                if not more:
                    entries.append(str((ep.get("addresses") or [""])[0]))
                count += 1
            continue
        for port in slice_ports:
            if ports is not None and (port.get("name") or "") not in ports:
                continue
            for ep in endpoints:
                if len(entries) == limit:
                    more = True
                addr = str((ep.get("addresses") or [""])[0])
                ready = g(ep, "conditions", "ready")
                if ready is not None and not ready:
                    continue
                if not more:
                    entries.append(_join_host_port(addr, str(int(port.get("port") or 0))))
                count += 1
    text = ",".join(entries)
    if more:
        return f"{text} + {count - limit} more..."
    return text


def _ingress_string(ingress: list[Mapping[str, Any]]) -> str:
    parts = []
    for item in ingress:
        if item.get("ip"):
            text = str(item["ip"])
            if item.get("ipMode") is not None:
                text += f" ({item['ipMode']})"
            parts.append(text)
        else:
            parts.append(str(item.get("hostname") or ""))
    return ", ".join(parts)


def write_service(svc: Mapping[str, Any], slices: list[Obj], events: list[Obj] | None, now_ms: int) -> str:
    """describeService."""
    spec: Mapping[str, Any] = svc.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(svc, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(svc, 'metadata', 'namespace', default='')}\n")
        print_labels_multiline(w, "Labels", g(svc, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(svc, "metadata", "annotations"))
        w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
        w.write(LEVEL_0, f"Type:\t{spec.get('type') or ''}\n")
        if spec.get("ipFamilyPolicy") is not None:
            w.write(LEVEL_0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
        families = spec.get("ipFamilies") or []
        w.write(LEVEL_0, f"IP Families:\t{','.join(families) if families else '<none>'}\n")
        w.write(LEVEL_0, f"IP:\t{spec.get('clusterIP') or ''}\n")
        cluster_ips = spec.get("clusterIPs") or []
        w.write(LEVEL_0, f"IPs:\t{','.join(cluster_ips) if cluster_ips else '<none>'}\n")
        if spec.get("externalIPs"):
            w.write(LEVEL_0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
        if spec.get("loadBalancerIP"):
            w.write(LEVEL_0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
        if spec.get("externalName"):
            w.write(LEVEL_0, f"External Name:\t{spec['externalName']}\n")
        ingress = g(svc, "status", "loadBalancer", "ingress", default=[])
        if ingress:
            w.write(LEVEL_0, f"LoadBalancer Ingress:\t{_ingress_string(ingress)}\n")
        for port in spec.get("ports") or []:
            name = port.get("name") or "<unset>"
            protocol = port.get("protocol") or ""
            w.write(LEVEL_0, f"Port:\t{name}\t{int(port.get('port') or 0)}/{protocol}\n")
            target = port.get("targetPort")
            if isinstance(target, int) or target is None:
                w.write(LEVEL_0, f"TargetPort:\t{int(target or 0)}/{protocol}\n")
            else:
                w.write(LEVEL_0, f"TargetPort:\t{target}/{protocol}\n")
            if port.get("appProtocol") is not None:
                w.write(LEVEL_0, f"AppProtocol:\t{port['appProtocol']}\n")
            if port.get("nodePort"):
                w.write(LEVEL_0, f"NodePort:\t{name}\t{int(port['nodePort'])}/{protocol}\n")
            w.write(LEVEL_0, f"Endpoints:\t{format_endpoint_slices(slices, {port.get('name') or ''})}\n")
        w.write(LEVEL_0, f"Session Affinity:\t{spec.get('sessionAffinity') or ''}\n")
        if spec.get("externalTrafficPolicy"):
            w.write(LEVEL_0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
        if spec.get("internalTrafficPolicy") is not None:
            w.write(LEVEL_0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
        if spec.get("healthCheckNodePort"):
            w.write(LEVEL_0, f"HealthCheck NodePort:\t{int(spec['healthCheckNodePort'])}\n")
        if spec.get("loadBalancerSourceRanges"):
            w.write(LEVEL_0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
        if spec.get("trafficDistribution") is not None:
            w.write(LEVEL_0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
        if events is not None:
            describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_service(svc: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    """ServiceDescriber: EndpointSlices labelled with the service name, then events."""
    name = str(g(svc, "metadata", "name", default=""))
    namespace = str(g(svc, "metadata", "namespace", default=""))
    slices = safe_list(
        lookup, "endpointslices", "discovery.k8s.io", namespace, label_selector=f"{SERVICE_NAME_LABEL}={name}"
    )
    return write_service(svc, slices, search_events_for(lookup, svc), now_ms)


def describe_endpoints(ep: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, ep)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(ep, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(ep, 'metadata', 'namespace', default='')}\n")
        print_labels_multiline(w, "Labels", g(ep, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(ep, "metadata", "annotations"))
        w.write(LEVEL_0, "Subsets:\n")
        for subset in ep.get("subsets") or []:
            addresses = ",".join(str(a.get("ip", "")) for a in subset.get("addresses") or [])
            w.write(LEVEL_1, f"Addresses:\t{addresses or '<none>'}\n")
            not_ready = ",".join(str(a.get("ip", "")) for a in subset.get("notReadyAddresses") or [])
            w.write(LEVEL_1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
            if subset.get("ports"):
                w.write(LEVEL_1, "Ports:\n")
                w.write(LEVEL_2, "Name\tPort\tProtocol\n")
                w.write(LEVEL_2, "----\t----\t--------\n")
                for port in subset["ports"]:
                    w.write(
                        LEVEL_2,
                        f"{port.get('name') or '<unset>'}\t{int(port.get('port') or 0)}\t{port.get('protocol') or ''}\n",
                    )
            w.write(LEVEL_0, "\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_endpoint_slice(eps: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, eps)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(eps, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(eps, 'metadata', 'namespace', default='')}\n")
        print_labels_multiline(w, "Labels", g(eps, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(eps, "metadata", "annotations"))
        w.write(LEVEL_0, f"AddressType:\t{eps.get('addressType') or ''}\n")
        ports = eps.get("ports") or []
        if not ports:
            w.write(LEVEL_0, "Ports: <unset>\n")
        else:
            w.write(LEVEL_0, "Ports:\n")
            w.write(LEVEL_1, "Name\tPort\tProtocol\n")
            w.write(LEVEL_1, "----\t----\t--------\n")
            for port in ports:
                name = port.get("name") or "<unset>"
                number = "<unset>" if port.get("port") is None else str(int(port["port"]))
                w.write(LEVEL_1, f"{name}\t{number}\t{port.get('protocol') or ''}\n")
        endpoints = eps.get("endpoints") or []
        if not endpoints:
            w.write(LEVEL_0, "Endpoints: <none>\n")
        else:
            w.write(LEVEL_0, "Endpoints:\n")
            for ep in endpoints:
                w.write(LEVEL_1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
                w.write(LEVEL_2, "Conditions:\n")
                ready = g(ep, "conditions", "ready")
                w.write(LEVEL_3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}\n")
                hostname = ep.get("hostname")
                w.write(LEVEL_2, f"Hostname:\t{'<unset>' if hostname is None else hostname}\n")
                if ep.get("targetRef") is not None:
                    ref = ep["targetRef"]
                    w.write(LEVEL_2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
                node = ep.get("nodeName")
                w.write(LEVEL_2, f"NodeName:\t{'<unset>' if node is None else node}\n")
                zone = ep.get("zone")
                w.write(LEVEL_2, f"Zone:\t{'<unset>' if zone is None else zone}\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)
