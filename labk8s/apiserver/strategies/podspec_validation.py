"""PodSpec validation (ValidatePodSpec and what it calls besides containers and volumes),
pkg/apis/core/validation/validation.go. Used for pods and for every workload's pod template.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from labk8s.api.labels import validate_label_selector
from labk8s.api.validation import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    validate_annotations,
    validate_label_name,
    validate_labels,
)
from labk8s.apiserver.strategies._errors import (
    IS_NOT_POSITIVE,
    MAX_INT32,
    Errs,
    go_json,
    inclusive_range,
    invalid_rendered,
)
from labk8s.apiserver.strategies.container_validation import (
    validate_containers,
    validate_init_containers,
    validate_resources,
)
from labk8s.apiserver.strategies.volume_validation import validate_volumes
from labk8s.errors import FieldError

Obj = dict[str, Any]

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_ID_RANGE = inclusive_range(0, MAX_INT32)
_IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def validate_ip(value: Any, path: str, errs: Errs) -> None:
    """validation.IsValidIP."""
    if not isinstance(value, str) or not valid_ip(value):
        errs.append(FieldError.invalid(path, value, _IP_MSG))


def validate_taint_effect(effect: str, allow_empty: bool, path: str, errs: Errs) -> None:
    if not allow_empty and not effect:
        errs.append(FieldError.required(path))
        return
    if effect not in TAINT_EFFECTS:
        errs.append(FieldError.not_supported(path, effect, TAINT_EFFECTS))


def _toleration_struct(t: Obj) -> str:
    """json.Marshal of the internal core.Toleration (no json tags: Go field names)."""
    return go_json({"Key": t.get("key", ""), "Operator": t.get("operator", ""), "Value": t.get("value", ""),
                    "Effect": t.get("effect", ""), "TolerationSeconds": t.get("tolerationSeconds")})


def validate_tolerations(tolerations: Any, path: str, errs: Errs) -> None:
    """ValidateTolerations."""
    for i, t in enumerate(tolerations or []):
        ip = f"{path}[{i}]"
        key = t.get("key") or ""
        op = t.get("operator") or ""
        if key:
            errs.extend(validate_label_name(key, f"{ip}.key"))
        if not key and op != "Exists":
            errs.append(FieldError.invalid(f"{ip}.operator", op, "operator must be Exists when `key` is empty, which "
                                                                 "means \"match all values and all keys\""))
        if t.get("tolerationSeconds") is not None and t.get("effect") != "NoExecute":
            errs.append(FieldError.invalid(f"{ip}.effect", t.get("effect") or "",
                                           "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        value = t.get("value") or ""
        if op in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(FieldError.invalid(f"{ip}.operator", value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(invalid_rendered(f"{ip}.operator", _toleration_struct(t),
                                             "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(FieldError.not_supported(f"{ip}.operator", op, ("Equal", "Exists")))
        if t.get("effect"):
            validate_taint_effect(t["effect"], True, f"{ip}.effect", errs)


def _node_selector_requirement(rq: Obj, path: str, errs: Errs) -> None:
    op = rq.get("operator") or ""
    values = rq.get("values") or []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(FieldError.required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(FieldError.forbidden(f"{path}.values",
                                             "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(FieldError.required(f"{path}.values",
                                            "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(FieldError.invalid(f"{path}.operator", op, "not a valid selector operator"))
    errs.extend(validate_label_name(rq.get("key") or "", f"{path}.key"))


def validate_node_selector_term(term: Obj, path: str, errs: Errs) -> None:
    for j, rq in enumerate(term.get("matchExpressions") or []):
        _node_selector_requirement(rq, f"{path}.matchExpressions[{j}]", errs)
    for j, rq in enumerate(term.get("matchFields") or []):
        fp = f"{path}.matchFields[{j}]"
        values = rq.get("values") or []
        if rq.get("operator") in ("In", "NotIn"):
            if len(values) != 1:
                errs.append(FieldError.required(f"{fp}.values", "must be only one value when `operator` is 'In' or "
                                                                 "'NotIn' for node field selector"))
        else:
            errs.append(FieldError.invalid(f"{fp}.operator", rq.get("operator") or "", "not a valid selector operator"))
        if rq.get("key") != "metadata.name":
            errs.append(FieldError.invalid(f"{fp}.key", rq.get("key") or "", "not a valid field selector key"))
        else:
            for k, v in enumerate(values):
                errs.extend(FieldError.invalid(f"{fp}.values[{k}]", v, m) for m in is_dns1123_subdomain(v))


def validate_node_selector(ns: Obj, path: str, errs: Errs) -> None:
    terms = ns.get("nodeSelectorTerms") or []
    tp = f"{path}.nodeSelectorTerms"
    if not terms:
        errs.append(FieldError.required(tp, "must have at least one node selector term"))
        return
    for i, term in enumerate(terms):
        validate_node_selector_term(term, f"{tp}[{i}]", errs)


def _pod_affinity_term(term: Obj, path: str, errs: Errs) -> None:
    errs.extend(validate_label_selector(term.get("labelSelector"), f"{path}.labelSelector"))
    errs.extend(validate_label_selector(term.get("namespaceSelector"), f"{path}.namespaceSelector"))
    for name in term.get("namespaces") or []:
        errs.extend(FieldError.invalid(f"{path}.namespace", name, m) for m in is_dns1123_label(name))
    for key in ("matchLabelKeys", "mismatchLabelKeys"):
        keys = term.get(key) or []
        if keys and term.get("labelSelector") is None:
            errs.append(FieldError.forbidden(f"{path}.{key}", "must not be specified when labelSelector is not set"))
        for k, lk in enumerate(keys):
            errs.extend(validate_label_name(lk, f"{path}.{key}[{k}]"))
    topology = term.get("topologyKey") or ""
    if not topology:
        errs.append(FieldError.required(f"{path}.topologyKey", "can not be empty"))
    errs.extend(validate_label_name(topology, f"{path}.topologyKey"))


def _pod_affinity(pa: Obj, path: str, errs: Errs) -> None:
    rp = f"{path}.requiredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(pa.get("requiredDuringSchedulingIgnoredDuringExecution") or []):
        _pod_affinity_term(term, f"{rp}[{i}]", errs)
    pp = f"{path}.preferredDuringSchedulingIgnoredDuringExecution"
    for i, wt in enumerate(pa.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        w = wt.get("weight", 0)
        if not 1 <= w <= 100:
            errs.append(FieldError.invalid(f"{pp}[{i}].weight", w, "must be in the range 1-100"))
        _pod_affinity_term(wt.get("podAffinityTerm") or {}, f"{pp}[{i}].podAffinityTerm", errs)


def validate_affinity(aff: Any, path: str, errs: Errs) -> None:
    if not isinstance(aff, dict):
        return
    na = aff.get("nodeAffinity")
    if isinstance(na, dict):
        np = f"{path}.nodeAffinity"
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(req, dict):
            validate_node_selector(req, f"{np}.requiredDuringSchedulingIgnoredDuringExecution", errs)
        pp = f"{np}.preferredDuringSchedulingIgnoredDuringExecution"
        for i, term in enumerate(na.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
            w = term.get("weight", 0)
            if not 1 <= w <= 100:
                errs.append(FieldError.invalid(f"{pp}[{i}].weight", w, "must be in the range 1-100"))
            validate_node_selector_term(term.get("preference") or {}, f"{pp}[{i}].preference", errs)
    for key in ("podAffinity", "podAntiAffinity"):
        if isinstance(aff.get(key), dict):
            _pod_affinity(aff[key], f"{path}.{key}", errs)


def _topology_spread(constraints: Any, path: str, errs: Errs) -> None:
    constraints = constraints or []
    for i, c in enumerate(constraints):
        sp = f"{path}[{i}]"
        skew = c.get("maxSkew", 0)
        if skew <= 0:
            errs.append(FieldError.invalid(f"{sp}.maxSkew", skew, IS_NOT_POSITIVE))
        if not c.get("topologyKey"):
            errs.append(FieldError.required(f"{sp}.topologyKey", "can not be empty"))
        wu = c.get("whenUnsatisfiable") or ""
        if wu not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(FieldError.not_supported(f"{sp}.whenUnsatisfiable", wu, ("DoNotSchedule", "ScheduleAnyway")))
        for other in constraints[i + 1:]:
            if other.get("topologyKey") == c.get("topologyKey") and other.get("whenUnsatisfiable") == wu:
                errs.append(FieldError.duplicate(f"{sp}.{{topologyKey, whenUnsatisfiable}}",
                                                 f"{{{c.get('topologyKey') or ''}, {wu}}}"))
                break
        md = c.get("minDomains")
        if md is not None:
            if md <= 0:
                errs.append(FieldError.invalid(f"{sp}.minDomains", md, IS_NOT_POSITIVE))
            if wu != "DoNotSchedule":
                errs.append(FieldError.invalid(f"{sp}.minDomains", md, "can only use minDomains if "
                                               f"whenUnsatisfiable=DoNotSchedule, not {wu}"))
        for pol in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            v = c.get(pol)
            if v is not None and v not in ("Honor", "Ignore"):
                errs.append(FieldError.not_supported(f"{sp}.{pol}", v, ("Honor", "Ignore")))
        errs.extend(validate_label_selector(c.get("labelSelector"), f"{sp}.labelSelector"))


def _dns_config(cfg: Any, policy: str, path: str, errs: Errs) -> None:
    if policy == "None":
        if not isinstance(cfg, dict):
            errs.append(FieldError.required(path, "must provide `dnsConfig` when `dnsPolicy` is None"))
            return
        if not cfg.get("nameservers"):
            errs.append(FieldError.required(f"{path}.nameservers",
                                            "must provide at least one DNS nameserver when `dnsPolicy` is None"))
            return
    if not isinstance(cfg, dict):
        return
    ns = cfg.get("nameservers") or []
    if len(ns) > 3:
        errs.append(FieldError.invalid(f"{path}.nameservers", ns, "must not have more than 3 nameservers"))
    for i, n in enumerate(ns):
        validate_ip(n, f"{path}.nameservers[{i}]", errs)
    searches = cfg.get("searches") or []
    if len(searches) > 32:
        errs.append(FieldError.invalid(f"{path}.searches", searches, "must not have more than 32 search paths"))
    if len(" ".join(searches)) > 2048:
        errs.append(FieldError.invalid(f"{path}.searches", searches,
                                       "must not have more than 2048 characters (including spaces) in the search list"))
    for i, s in enumerate(searches):
        s = s[:-1] if s.endswith(".") else s
        errs.extend(FieldError.invalid(f"{path}.searches[{i}]", s, m) for m in is_dns1123_subdomain(s))
    for i, o in enumerate(cfg.get("options") or []):
        if not o.get("name"):
            errs.append(FieldError.required(f"{path}.options[{i}]", "must not be empty"))


def _pod_security_context(spec: Obj, path: str, errs: Errs) -> None:
    sc = spec.get("securityContext")
    if not sc or not isinstance(sc, dict):
        return
    sp = f"{path}.securityContext"
    for f in ("fsGroup", "runAsUser", "runAsGroup"):
        v = sc.get(f)
        if isinstance(v, int) and not 0 <= v <= MAX_INT32:
            errs.append(FieldError.invalid(f"{sp}.{f}", v, _ID_RANGE))
    for i, g in enumerate(sc.get("supplementalGroups") or []):
        if not 0 <= g <= MAX_INT32:
            errs.append(FieldError.invalid(f"{sp}.supplementalGroups[{i}]", g, _ID_RANGE))
    if spec.get("shareProcessNamespace") and spec.get("hostPID"):
        errs.append(FieldError.invalid(f"{sp}.shareProcessNamespace", True,
                                       "ShareProcessNamespace and HostPID cannot both be enabled"))
    fcp = sc.get("fsGroupChangePolicy")
    if fcp is not None and fcp not in ("Always", "OnRootMismatch"):
        errs.append(FieldError.not_supported(f"{sp}.fsGroupChangePolicy", fcp, ("Always", "OnRootMismatch")))
    sgp = sc.get("supplementalGroupsPolicy")
    if sgp is not None and sgp not in ("Merge", "Strict"):
        errs.append(FieldError.not_supported(f"{sp}.supplementalGroupsPolicy", sgp, ("Merge", "Strict")))
    prof = sc.get("seccompProfile")
    if isinstance(prof, dict):
        t = prof.get("type") or ""
        types = ("Localhost", "RuntimeDefault", "Unconfined")
        if not t:
            errs.append(FieldError.required(f"{sp}.seccompProfile.type", "type is required when seccompProfile is set"))
        elif t not in types:
            errs.append(FieldError.not_supported(f"{sp}.seccompProfile.type", t, types))
        elif t == "Localhost" and prof.get("localhostProfile") is None:
            errs.append(FieldError.required(f"{sp}.seccompProfile.localhostProfile",
                                            "must be set when seccomp type is Localhost"))


def _host_network_ports(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    """validatePodHostNetworkDeps."""
    if not spec.get("hostNetwork"):
        return
    for i, c in enumerate(spec.get("containers") or []):
        for j, p in enumerate(c.get("ports") or []):
            hp, cp = p.get("hostPort") or 0, p.get("containerPort") or 0
            if (is_pod or hp != 0) and hp != cp:
                errs.append(FieldError.invalid(f"{path}.containers[{i}].ports[{j}].hostPort", hp,
                                               "must match `containerPort` when `hostNetwork` is true"))


def _image_pull_secrets(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    for i, ref in enumerate(spec.get("imagePullSecrets") or []):
        if set(ref) - {"name"}:
            errs.append(invalid_rendered(f"{path}.imagePullSecrets[{i}]", go_json(ref), "only name may be set"))


def _readiness_gates(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    for i, g in enumerate(spec.get("readinessGates") or []):
        ct = g.get("conditionType") or ""
        errs.extend(FieldError.invalid(f"{path}.readinessGates[{i}].conditionType", ct, m)
                    for m in is_qualified_name(ct))


def _scheduling_gates(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    seen: set[str] = set()
    for i, g in enumerate(spec.get("schedulingGates") or []):
        name = g.get("name") or ""
        errs.extend(FieldError.invalid(f"{path}.schedulingGates[{i}]", name, m) for m in is_qualified_name(name))
        if name in seen:
            errs.append(FieldError.duplicate(f"{path}.schedulingGates[{i}]", name))
        seen.add(name)


def _subdomain_field(field: str) -> Any:
    def check(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
        v = spec.get(field)
        if v:
            errs.extend(FieldError.invalid(f"{path}.{field}", v, m) for m in is_dns1123_subdomain(v))
    return check


def _label_field(field: str) -> Any:
    def check(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
        v = spec.get(field)
        if v:
            errs.extend(FieldError.invalid(f"{path}.{field}", v, m) for m in is_dns1123_label(v))
    return check


def _active_deadline(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    ads = spec.get("activeDeadlineSeconds")
    if ads is not None and not 1 <= ads <= MAX_INT32:
        errs.append(FieldError.invalid(f"{path}.activeDeadlineSeconds", ads, inclusive_range(1, MAX_INT32)))


def _host_aliases(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    for i, ha in enumerate(spec.get("hostAliases") or []):
        validate_ip(ha.get("ip") or "", f"{path}.hostAliases[{i}].ip", errs)
        for j, hn in enumerate(ha.get("hostnames") or []):
            errs.extend(FieldError.invalid(f"{path}.hostAliases[{i}].hostnames[{j}]", hn, m)
                        for m in is_dns1123_subdomain(hn))


def _runtime_class(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    rc = spec.get("runtimeClassName")
    if rc is not None:
        errs.extend(FieldError.invalid(f"{path}.runtimeClassName", rc, m) for m in is_dns1123_subdomain(rc))


def _preemption_policy(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    pp = spec.get("preemptionPolicy")
    if pp is not None:
        if not pp:
            errs.append(FieldError.required(f"{path}.preemptionPolicy"))
        elif pp not in ("PreemptLowerPriority", "Never"):
            errs.append(FieldError.not_supported(f"{path}.preemptionPolicy", pp, ("PreemptLowerPriority", "Never")))


def _overhead(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    if spec.get("overhead") is not None:
        validate_resources({"limits": spec["overhead"]}, f"{path}.overhead", errs)


def _pod_resources(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    if isinstance(spec.get("resources"), dict):
        validate_resources(spec["resources"], f"{path}.resources", errs)


def _os(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    os_ = spec.get("os")
    if isinstance(os_, dict):
        name = os_.get("name") or ""
        if not name:
            errs.append(FieldError.required(f"{path}.os.name", "cannot be empty"))
        elif name not in ("linux", "windows"):
            errs.append(FieldError.not_supported(f"{path}.os", name, ("linux", "windows")))


def _ephemeral(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    if not is_pod and spec.get("ephemeralContainers"):
        errs.append(FieldError.forbidden(f"{path}.ephemeralContainers",
                                         "ephemeral containers not allowed in pod template"))


# The optional parts of ValidatePodSpec in upstream order, each run only when its field is present.
_OPTIONAL_CHECKS: tuple[tuple[str, Any], ...] = (
    ("nodeSelector", lambda s, p, i, e: e.extend(validate_labels(s.get("nodeSelector"), f"{p}.nodeSelector"))),
    ("securityContext", lambda s, p, i, e: _pod_security_context(s, p, e)),
    ("imagePullSecrets", _image_pull_secrets),
    ("affinity", lambda s, p, i, e: validate_affinity(s.get("affinity"), f"{p}.affinity", e)),
    ("dnsConfig", None),  # handled with dnsPolicy
    ("readinessGates", _readiness_gates),
    ("schedulingGates", _scheduling_gates),
    ("topologySpreadConstraints", lambda s, p, i, e: _topology_spread(
        s.get("topologySpreadConstraints"), f"{p}.topologySpreadConstraints", e)),
    ("serviceAccountName", _subdomain_field("serviceAccountName")),
    ("nodeName", _subdomain_field("nodeName")),
    ("activeDeadlineSeconds", _active_deadline),
    ("hostname", _label_field("hostname")),
    ("subdomain", _label_field("subdomain")),
    ("tolerations", lambda s, p, i, e: validate_tolerations(s.get("tolerations"), f"{p}.tolerations", e)),
    ("hostAliases", _host_aliases),
    ("priorityClassName", _subdomain_field("priorityClassName")),
    ("runtimeClassName", _runtime_class),
    ("preemptionPolicy", _preemption_policy),
    ("overhead", _overhead),
    ("resources", _pod_resources),
    ("os", _os),
    ("ephemeralContainers", _ephemeral),
)


def validate_pod_spec(spec: Obj, path: str, is_pod: bool, errs: Errs) -> None:
    """ValidatePodSpec (and, when ``is_pod``, the pod-only checks of validatePodMetadataAndSpec)."""
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is None:
        errs.append(FieldError.required(f"{path}.terminationGracePeriodSeconds"))
    volumes = validate_volumes(spec.get("volumes"), f"{path}.volumes", errs) if "volumes" in spec else {}
    validate_containers(spec.get("containers"), volumes, grace, f"{path}.containers", is_pod, errs)
    if "initContainers" in spec:
        validate_init_containers(spec["initContainers"], spec.get("containers"), volumes, grace,
                                 f"{path}.initContainers", is_pod, errs)
    if "hostNetwork" in spec:
        _host_network_ports(spec, path, is_pod, errs)
    rp = spec.get("restartPolicy") or ""
    if not rp:
        errs.append(FieldError.required(f"{path}.restartPolicy"))
    elif rp not in RESTART_POLICIES:
        errs.append(FieldError.not_supported(f"{path}.restartPolicy", rp, RESTART_POLICIES))
    dp = spec.get("dnsPolicy") or ""
    if not dp:
        errs.append(FieldError.required(f"{path}.dnsPolicy"))
    elif dp not in DNS_POLICIES:
        errs.append(FieldError.not_supported(f"{path}.dnsPolicy", dp, DNS_POLICIES))
    for key, check in _OPTIONAL_CHECKS:
        if key in spec:
            if check is not None:
                check(spec, path, is_pod, errs)
            elif key == "dnsConfig":
                _dns_config(spec.get("dnsConfig"), dp, f"{path}.dnsConfig", errs)
    if dp == "None" and "dnsConfig" not in spec:
        _dns_config(None, dp, f"{path}.dnsConfig", errs)


def validate_pod_template(tmpl: Any, path: str, errs: Errs) -> None:
    """ValidatePodTemplateSpec: template labels and annotations, then the pod spec."""
    if not isinstance(tmpl, dict):
        errs.append(FieldError.required(path))
        return
    meta = tmpl.get("metadata") or {}
    errs.extend(validate_labels(meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    spec = tmpl.get("spec")
    validate_pod_spec(spec if isinstance(spec, dict) else {}, f"{path}.spec", False, errs)
