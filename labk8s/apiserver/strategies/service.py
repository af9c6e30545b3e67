"""Services: SetDefaults_Service, ValidateService / ValidateServiceUpdate, the service strategy and the REST
layer's normalizeClusterIPs / patchAllocatedValues (so a PUT without spec.clusterIP keeps the allocated IP).

The IP and node-port allocators themselves live with the allocation code; this module checks the node-port
range error those allocators report (``provided port is not in the valid range``).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import is_dns1123_label, is_dns1123_subdomain, is_qualified_name, validate_labels
from labk8s.apiserver.strategies._errors import (
    Errs,
    RenderedError,
    go_json,
    port_num_errors,
    port_num_or_name,
)
from labk8s.apiserver.strategies.podspec_validation import valid_ip, validate_ip
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
_PROTOCOLS = ("SCTP", "TCP", "UDP")
_AFFINITIES = ("ClientIP", "None")
NODE_PORT_RANGE = (30000, 32767)
DEFAULT_CLIENT_IP_TIMEOUT = 10800
_MAX_CLIENT_IP_TIMEOUT = 86400
KUBELET_PORT = 10250


def _externally_accessible(spec: Obj) -> bool:
    """service.ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with external IPs."""
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(spec.get("externalIPs")))


def _headless(spec: Obj) -> bool:
    ips = spec.get("clusterIPs") or []
    return len(ips) == 1 and ips[0] == "None"


def _needs_node_port(spec: Obj) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _needs_hc_node_port(spec: Obj) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def default_service(obj: Obj) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig") or {}
        if (cfg.get("clientIP") or {}).get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_TIMEOUT}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for p in spec.get("ports") or []:
        if not p.get("protocol"):
            p["protocol"] = "TCP"
        tp = p.get("targetPort")
        if tp in (None, 0, ""):
            p["targetPort"] = p.get("port", 0)
    if _externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True


def _same_ips(a: Obj, b: Obj) -> bool:
    return a.get("clusterIP") == b.get("clusterIP") and (a.get("clusterIPs") or []) == (b.get("clusterIPs") or [])


def _service_port(sp: Obj, require_name: bool, names: set[str], path: str, errs: Errs) -> None:
    name = sp.get("name") or ""
    if require_name and not name:
        errs.append(FieldError.required(f"{path}.name"))
    elif name:
        errs.extend(FieldError.invalid(f"{path}.name", name, m) for m in is_dns1123_label(name))
        if name in names:
            errs.append(FieldError.duplicate(f"{path}.name", name))
        else:
            names.add(name)
    port = sp.get("port", 0)
    errs.extend(FieldError.invalid(f"{path}.port", port, m) for m in port_num_errors(port))
    proto = sp.get("protocol") or ""
    if not proto:
        errs.append(FieldError.required(f"{path}.protocol"))
    elif proto not in _PROTOCOLS:
        errs.append(FieldError.not_supported(f"{path}.protocol", proto, _PROTOCOLS))
    port_num_or_name(sp.get("targetPort", 0), f"{path}.targetPort", errs)
    ap = sp.get("appProtocol")
    if ap is not None:
        errs.extend(FieldError.invalid(f"{path}.appProtocol", ap, m) for m in is_qualified_name(ap))


def _port_struct(sp: Obj) -> str:
    """json.Marshal of the internal core.ServicePort used as a duplicate key (only Protocol and Port)."""
    return go_json({"Name": "", "Protocol": sp.get("protocol") or "", "AppProtocol": None,
                    "Port": sp.get("port", 0), "TargetPort": 0, "NodePort": 0})


def _cluster_ips(spec: Obj, errs: Errs) -> None:
    """ValidateServiceClusterIPsRelatedFields."""
    if spec.get("type") == "ExternalName":
        return
    ips = spec.get("clusterIPs") or []
    cip = spec.get("clusterIP") or ""
    path = "spec.clusterIPs"
    if cip:
        if not ips:
            errs.append(FieldError.required(path))
        elif ips[0] != cip:
            errs.append(FieldError.invalid(path, ips, "first value must match `clusterIP`"))
    elif ips:
        errs.append(FieldError.invalid(path, ips, "must be empty when `clusterIP` is not specified"))
    fams = spec.get("ipFamilies") or []
    seen: set[str] = set()
    for i, f in enumerate(fams):
        if f not in ("IPv4", "IPv6"):
            errs.append(FieldError.not_supported(f"spec.ipFamilies[{i}]", f, ("IPv4", "IPv6")))
        if f in seen:
            errs.append(FieldError.duplicate(f"spec.ipFamilies[{i}]", f))
        seen.add(f)
    pol = spec.get("ipFamilyPolicy")
    if pol is not None and pol not in ("PreferDualStack", "RequireDualStack", "SingleStack"):
        errs.append(FieldError.not_supported("spec.ipFamilyPolicy", pol,
                                             ("PreferDualStack", "RequireDualStack", "SingleStack")))
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                errs.append(FieldError.invalid(path, ips, "'None' must be the first and only value"))
            continue
        validate_ip(ip, f"{path}[{i}]", errs)
    if len(ips) > 2:
        errs.append(FieldError.invalid(path, ips, "may only hold up to 2 values"))


def validate_service(obj: Obj) -> Errs:
    """ValidateService."""
    errs: Errs = []
    spec = obj.get("spec") or {}
    stype = spec.get("type") or ""
    ports = spec.get("ports") or []
    headless = _headless(spec)
    if not ports and not headless and stype != "ExternalName":
        errs.append(FieldError.required("spec.ports"))
    if stype == "LoadBalancer":
        for i, p in enumerate(ports):
            if p.get("port") == KUBELET_PORT:
                errs.append(FieldError.invalid(f"spec.ports[{i}]", KUBELET_PORT, "may not expose port 10250 "
                                               "externally since it is used by kubelet"))
        if headless:
            errs.append(FieldError.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer "
                                                                       "services"))
    elif stype == "NodePort" and headless:
        errs.append(FieldError.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"))
    elif stype == "ExternalName":
        if spec.get("clusterIPs"):
            errs.append(FieldError.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if spec.get("ipFamilies"):
            errs.append(FieldError.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(FieldError.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs.extend(FieldError.invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname))
        else:
            errs.append(FieldError.required("spec.externalName"))
    names: set[str] = set()
    for i, p in enumerate(ports):
        _service_port(p, len(ports) > 1, names, f"spec.ports[{i}]", errs)
    if spec.get("selector") is not None:
        errs.extend(validate_labels(spec["selector"], "spec.selector"))
    aff = spec.get("sessionAffinity") or ""
    if not aff:
        errs.append(FieldError.required("spec.sessionAffinity"))
    elif aff not in _AFFINITIES:
        errs.append(FieldError.not_supported("spec.sessionAffinity", aff, _AFFINITIES))
    cfg = spec.get("sessionAffinityConfig")
    if aff == "ClientIP":
        cp = "spec.sessionAffinityConfig"
        if not isinstance(cfg, dict):
            errs.append(FieldError.required(cp, "when session affinity type is ClientIP"))
        elif not isinstance(cfg.get("clientIP"), dict):
            errs.append(FieldError.required(f"{cp}.clientIP", "when session affinity type is ClientIP"))
        elif cfg["clientIP"].get("timeoutSeconds") is None:
            errs.append(FieldError.required(f"{cp}.clientIP.timeoutSeconds", "when session affinity type is ClientIP"))
        else:
            t = cfg["clientIP"]["timeoutSeconds"]
            if not 0 < t <= _MAX_CLIENT_IP_TIMEOUT:
                errs.append(FieldError.invalid(f"{cp}.clientIP.timeoutSeconds", t,
                                               f"must be greater than 0 and less than {_MAX_CLIENT_IP_TIMEOUT}"))
    elif aff == "None" and cfg is not None:
        errs.append(FieldError.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    _cluster_ips(spec, errs)
    for i, ip in enumerate(spec.get("externalIPs") or []):
        if not valid_ip(ip):
            validate_ip(ip, f"spec.externalIPs[{i}]", errs)
    if not stype:
        errs.append(FieldError.required("spec.type"))
    elif stype not in SERVICE_TYPES:
        errs.append(FieldError.not_supported("spec.type", stype, SERVICE_TYPES))
    seen_np: set[tuple[str, int]] = set()
    seen_p: set[tuple[str, int]] = set()
    for i, p in enumerate(ports):
        np = p.get("nodePort") or 0
        if np:
            if stype == "ClusterIP":
                errs.append(FieldError.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is "
                                                                              "'ClusterIP'"))
            elif _needs_node_port(spec) and not NODE_PORT_RANGE[0] <= np <= NODE_PORT_RANGE[1]:
                # portallocator.ErrNotInRange, reported by the REST allocation step.
                errs.append(FieldError.invalid(f"spec.ports[{i}].nodePort", np, "provided port is not in the valid "
                                               "range. The range of valid ports is 30000-32767"))
            key = (p.get("protocol") or "", np)
            if key in seen_np:
                errs.append(FieldError.duplicate(f"spec.ports[{i}].nodePort", np))
            seen_np.add(key)
        pkey = (p.get("protocol") or "", p.get("port", 0))
        if pkey in seen_p:
            errs.append(RenderedError("FieldValueDuplicate", f"spec.ports[{i}]", _port_struct(p)))
        seen_p.add(pkey)
    if spec.get("loadBalancerSourceRanges") and stype != "LoadBalancer":
        errs.append(FieldError.forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is "
                                                                          "'LoadBalancer'"))
    if spec.get("allocateLoadBalancerNodePorts") is not None and stype != "LoadBalancer":
        errs.append(FieldError.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is "
                                                                               "'LoadBalancer'"))
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(FieldError.required("allocateLoadBalancerNodePorts"))
    if spec.get("loadBalancerClass") is not None and stype != "LoadBalancer":
        errs.append(FieldError.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
    etp = spec.get("externalTrafficPolicy") or ""
    if not _externally_accessible(spec):
        if etp:
            errs.append(FieldError.invalid("spec.externalTrafficPolicy", etp,
                                           "may only be set for externally-accessible services"))
    elif not etp:
        errs.append(FieldError.required("spec.externalTrafficPolicy"))
    elif etp not in ("Cluster", "Local"):
        errs.append(FieldError.not_supported("spec.externalTrafficPolicy", etp, ("Cluster", "Local")))
    itp = spec.get("internalTrafficPolicy")
    if itp is None:
        if stype in ("NodePort", "LoadBalancer", "ClusterIP"):
            errs.append(FieldError.required("spec.internalTrafficPolicy"))
    elif itp not in ("Cluster", "Local"):
        errs.append(FieldError.not_supported("spec.internalTrafficPolicy", itp, ("Cluster", "Local")))
    td = spec.get("trafficDistribution")
    if td is not None and td not in ("PreferClose", "PreferSameZone", "PreferSameNode"):
        errs.append(FieldError.not_supported("spec.trafficDistribution", td,
                                             ("PreferClose", "PreferSameZone", "PreferSameNode")))
    return errs


def _upgrade_downgrade_cluster_ips(new: Obj, old: Obj, errs: Errs) -> None:
    """validateUpgradeDowngradeClusterIPs: the primary cluster IP may not change once set."""
    if new.get("type") == "ExternalName" or old.get("type") == "ExternalName":
        return
    if _headless(new) and _headless(old):
        return
    nips, oips = new.get("clusterIPs") or [], old.get("clusterIPs") or []
    path = "spec.clusterIPs"
    if len(oips) == len(nips):
        for i, ip in enumerate(oips):
            if ip != nips[i]:
                errs.append(FieldError.invalid(f"{path}[{i}]", nips, "may not change once set"))
    elif len(oips) > len(nips):
        if not nips:
            errs.append(FieldError.invalid(f"{path}[0]", nips, "primary clusterIP can not be unset"))
        elif oips and nips[0] != oips[0]:
            errs.append(FieldError.invalid(f"{path}[0]", nips, "may not change once set"))
        if len(nips) == 1 and new.get("ipFamilyPolicy") != "SingleStack":
            errs.append(FieldError.invalid("spec.ipFamilyPolicy", new.get("ipFamilyPolicy"),
                                           "must be set to 'SingleStack' when releasing the secondary clusterIP"))
    elif oips and nips[0] != oips[0]:
        errs.append(FieldError.invalid(f"{path}[0]", nips, "may not change once set"))


class ServiceStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False
    name_rule = "dns1035label"

    def default(self, obj: Obj) -> None:
        default_service(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"loadBalancer": {}}
        spec = obj["spec"]
        # normalizeClusterIPs: an old client sets only the singular field.
        if spec.get("clusterIP") and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]
        # initIPFamilyFields on a single-stack IPv4 cluster (selector-less headless services keep theirs).
        if spec.get("type") != "ExternalName" and not (_headless(spec) and not spec.get("selector")):
            if spec.get("ipFamilyPolicy") is None:
                spec["ipFamilyPolicy"] = "SingleStack"
            if not spec.get("ipFamilies"):
                spec["ipFamilies"] = ["IPv4"]

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        super().prepare_for_update(new, old)
        spec, ospec = new.setdefault("spec", {}), old.get("spec") or {}
        # normalizeClusterIPs (registry/core/service/storage): a client that changed only the singular
        # clusterIP meant the primary of clusterIPs.
        if spec.get("clusterIP") and spec.get("clusterIP") != ospec.get("clusterIP") and \
                spec.get("clusterIPs") == ospec.get("clusterIPs") and spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]] + list(spec["clusterIPs"][1:])
        # patchAllocatedValues: keep allocated values the client left out.
        if spec.get("type") != "ExternalName" and ospec.get("type") != "ExternalName":
            if not spec.get("clusterIP") and ospec.get("clusterIP"):
                spec["clusterIP"] = ospec["clusterIP"]
            if not spec.get("clusterIPs") and ospec.get("clusterIPs"):
                spec["clusterIPs"] = ospec["clusterIPs"]
            for key in ("ipFamilies", "ipFamilyPolicy"):
                if spec.get(key) is None and ospec.get(key) is not None:
                    spec[key] = ospec[key]
        if _needs_node_port(spec) and _needs_node_port(ospec):
            used = {p.get("nodePort") for p in spec.get("ports") or []} & \
                {p.get("nodePort") for p in ospec.get("ports") or []}
            by_name = {p.get("name") or "": p.get("nodePort") for p in ospec.get("ports") or []}
            for p in spec.get("ports") or []:
                if not p.get("nodePort"):
                    v = by_name.get(p.get("name") or "")
                    if v and v not in used:
                        p["nodePort"] = v
        if _needs_hc_node_port(spec) and _needs_hc_node_port(ospec) and not spec.get("healthCheckNodePort"):
            if ospec.get("healthCheckNodePort"):
                spec["healthCheckNodePort"] = ospec["healthCheckNodePort"]
        # dropTypeDependentFields: switching to ExternalName releases the cluster IPs.
        if ospec.get("type") != "ExternalName" and spec.get("type") == "ExternalName" and _same_ips(ospec, spec):
            for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                spec.pop(key, None)
        if _needs_node_port(ospec) and not _needs_node_port(spec):
            old_ports = {p.get("nodePort") for p in ospec.get("ports") or []}
            if all(p.get("nodePort") in old_ports or not p.get("nodePort") for p in spec.get("ports") or []):
                for p in spec.get("ports") or []:
                    p.pop("nodePort", None)
        if spec.get("type") != "LoadBalancer" and isinstance(new.get("status"), dict):
            new["status"]["loadBalancer"] = {}

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_service(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        _upgrade_downgrade_cluster_ips(new.get("spec") or {}, old.get("spec") or {}, errs)
        spec, ospec = new.get("spec") or {}, old.get("spec") or {}
        if _needs_hc_node_port(spec) and _needs_hc_node_port(ospec) and \
                spec.get("healthCheckNodePort") != ospec.get("healthCheckNodePort"):
            errs.append(FieldError.forbidden("spec.healthCheckNodePort", "field is immutable"))
        errs.extend(validate_service(new))
        return errs
