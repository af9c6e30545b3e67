"""Pods: pkg/registry/core/pod/strategy.go, ValidatePodCreate / ValidatePodUpdate, the QoS class.

Create sets ``status = {phase: Pending, qosClass}`` (the QoS class is computed once and is immutable) and
``metadata.generation = 1`` (the registry does that; updates to ``spec`` bump it, as updatePodGeneration).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import is_qualified_name
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import MAX_INT32, Errs, inclusive_range, struct_diff
from labk8s.apiserver.strategies.podspec_defaults import default_pod_spec
from labk8s.apiserver.strategies.podspec_validation import validate_pod_spec, validate_tolerations
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

_UPDATABLE = ",".join((
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
))
_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_MIRROR = "kubernetes.io/config.mirror"
_QOS_RESOURCES = ("cpu", "memory")
# Go field names of the internal core.PodSpec, in declaration order (for the update diff).
_GO_FIELDS = {
    "volumes": "Volumes", "initContainers": "InitContainers", "containers": "Containers",
    "ephemeralContainers": "EphemeralContainers", "restartPolicy": "RestartPolicy",
    "terminationGracePeriodSeconds": "TerminationGracePeriodSeconds", "activeDeadlineSeconds": "ActiveDeadlineSeconds",
    "dnsPolicy": "DNSPolicy", "nodeSelector": "NodeSelector", "serviceAccountName": "ServiceAccountName",
    "automountServiceAccountToken": "AutomountServiceAccountToken", "nodeName": "NodeName",
    "securityContext": "SecurityContext", "imagePullSecrets": "ImagePullSecrets", "hostname": "Hostname",
    "subdomain": "Subdomain", "setHostnameAsFQDN": "SetHostnameAsFQDN", "affinity": "Affinity",
    "schedulerName": "SchedulerName", "tolerations": "Tolerations", "hostAliases": "HostAliases",
    "priorityClassName": "PriorityClassName", "priority": "Priority", "preemptionPolicy": "PreemptionPolicy",
    "dnsConfig": "DNSConfig", "readinessGates": "ReadinessGates", "runtimeClassName": "RuntimeClassName",
    "overhead": "Overhead", "enableServiceLinks": "EnableServiceLinks",
    "topologySpreadConstraints": "TopologySpreadConstraints", "os": "OS", "schedulingGates": "SchedulingGates",
    "resourceClaims": "ResourceClaims", "resources": "Resources",
}


_qos_cache: dict[Any, str] = {}


def _qos_key(spec: Obj) -> Any:
    """The resources that decide the QoS class, as a hashable key (None when not hashable)."""
    parts: list[Any] = []
    pod_res = spec.get("resources")
    if isinstance(pod_res, dict):
        parts.append(tuple((pod_res.get("requests") or {}).items()))
        parts.append(tuple((pod_res.get("limits") or {}).items()))
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or ():
            res = c.get("resources") or {}
            parts.append((tuple((res.get("requests") or {}).items()), tuple((res.get("limits") or {}).items())))
        parts.append(None)
    key_ = tuple(parts)
    try:
        hash(key_)
    except TypeError:
        return None
    return key_


def compute_qos(spec: Obj) -> str:
    """qos.ComputePodQOS, cached by the resources involved (pods of one template share them)."""
    key = _qos_key(spec)
    if key is not None:
        cached = _qos_cache.get(key)
        if cached is not None:
            return cached
    qos = _compute_qos(spec)
    if key is not None:
        if len(_qos_cache) > 4096:
            _qos_cache.clear()
        _qos_cache[key] = qos
    return qos


def _compute_qos(spec: Obj) -> str:
    """qos.ComputePodQOS: Guaranteed, Burstable or BestEffort from cpu/memory requests and limits."""
    requests: dict[str, int] = {}
    limits: dict[str, int] = {}
    guaranteed = True
    pod_res = spec.get("resources")
    if isinstance(pod_res, dict) and (pod_res.get("requests") or pod_res.get("limits")):
        groups: list[Obj] = [pod_res]  # pod-level resources decide when they are set
    else:
        groups = [c.get("resources") or {} for key in ("containers", "initContainers") for c in spec.get(key) or []]
    for res in groups:
        for name, value in (res.get("requests") or {}).items():
            m = q.milli(value)
            if name in _QOS_RESOURCES and m is not None and m > 0:
                requests[name] = requests.get(name, 0) + m
        found = set()
        for name, value in (res.get("limits") or {}).items():
            m = q.milli(value)
            if name in _QOS_RESOURCES and m is not None and m > 0:
                found.add(name)
                limits[name] = limits.get(name, 0) + m
        if len(found) != 2:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(k) == v for k, v in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _merge_label_keys(selector: Any, keys: Any, op: str, labels: Obj) -> None:
    if not keys or not isinstance(selector, dict):
        return
    for key in keys:
        if key in labels:
            selector.setdefault("matchExpressions", []).append({"key": key, "operator": op, "values": [labels[key]]})


def _mutate_label_keys(spec: Obj, labels: Obj) -> None:
    """mutatePodAffinity and mutateTopologySpreadConstraints (matchLabelKeys merged into the selectors)."""
    aff = spec.get("affinity")
    if isinstance(aff, dict):
        for kind in ("podAffinity", "podAntiAffinity"):
            pa = aff.get(kind)
            if not isinstance(pa, dict):
                continue
            terms = [t.get("podAffinityTerm") or {} for t in pa.get("preferredDuringSchedulingIgnoredDuringExecution")
                     or []] + list(pa.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
            for t in terms:
                if t.get("labelSelector") is not None:
                    _merge_label_keys(t["labelSelector"], t.get("matchLabelKeys"), "In", labels)
                    _merge_label_keys(t["labelSelector"], t.get("mismatchLabelKeys"), "NotIn", labels)
    for c in spec.get("topologySpreadConstraints") or []:
        if c.get("labelSelector") is not None:
            _merge_label_keys(c["labelSelector"], c.get("matchLabelKeys"), "In", labels)


def _annotation_errors(meta: Obj, spec: Obj, errs: Errs) -> None:
    """ValidatePodSpecificAnnotations (the checks on current annotations)."""
    ann = meta.get("annotations") or {}
    path = "metadata.annotations"
    if _MIRROR in ann and not spec.get("nodeName"):
        errs.append(FieldError.invalid(f"{path}[{_MIRROR}]", ann[_MIRROR],
                                       "must set spec.nodeName if mirror pod annotation is set"))
    if _DELETION_COST in ann:
        v = ann[_DELETION_COST]
        ok = v.lstrip("+-").isdigit() and -(MAX_INT32 + 1) <= int(v) <= MAX_INT32
        if not ok:
            errs.append(FieldError.invalid(f"{path}[{_DELETION_COST}]", v, "must be a 32bit integer"))


def spec_diff(old: Obj, new: Obj) -> str:
    return struct_diff("core.PodSpec", old, new, _GO_FIELDS)


def _container_updates(new: Any, old: Any, path: str, errs: Errs) -> bool:
    """ValidateContainerUpdates; True means stop."""
    new, old = new or [], old or []
    if len(new) != len(old):
        errs.append(FieldError.forbidden(path, "pod updates may not add or remove containers"))
        return True
    for i, c in enumerate(new):
        img = c.get("image") or ""
        if not img:
            errs.append(FieldError.required(f"{path}[{i}].image"))
        if img != img.strip():
            errs.append(FieldError.invalid(f"{path}[{i}].image", img, "must not have leading or trailing whitespace"))
    return False


def _only_added_tolerations(new: Any, old: Any, errs: Errs) -> None:
    new, old = new or [], old or []
    for o in old:
        base = {k: v for k, v in o.items() if k != "tolerationSeconds"}
        if not any({k: v for k, v in n.items() if k != "tolerationSeconds"} == base for n in new):
            errs.append(FieldError.forbidden("spec.tolerations",
                                             "existing toleration can not be modified except its tolerationSeconds"))
            return
    validate_tolerations(new, "spec.tolerations", errs)


def _munge(new_spec: Obj, old_spec: Obj) -> Obj:
    """The new spec with every field a pod update may change set back to its old value."""
    m = dict(new_spec)
    for key in ("containers", "initContainers"):
        olds = old_spec.get(key) or []
        if key in m and m[key] is not None:
            m[key] = [dict(c, image=olds[i].get("image")) if "image" in olds[i] else
                      {k: v for k, v in c.items() if k != "image"} for i, c in enumerate(m[key])]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in old_spec:
            m[key] = old_spec[key]
        else:
            m.pop(key, None)
    otg = old_spec.get("terminationGracePeriodSeconds")
    if otg is not None and otg < 0 and m.get("terminationGracePeriodSeconds") == 1:
        m["terminationGracePeriodSeconds"] = otg
    if old_spec.get("schedulingGates"):
        # Gated pods may add node selectors and node affinity (validated separately).
        if "nodeSelector" in old_spec:
            m["nodeSelector"] = old_spec["nodeSelector"]
        else:
            m.pop("nodeSelector", None)
    return m


class PodStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        default_pod_spec(spec, True)

    def prepare_for_create(self, obj: Obj) -> None:
        spec = obj["spec"]
        meta = obj.get("metadata") or {}
        status: Obj = {"phase": "Pending", "qosClass": compute_qos(spec)}
        if spec.get("schedulingGates"):
            status["conditions"] = [{
                "type": "PodScheduled", "status": "False", "lastProbeTime": None,
                "lastTransitionTime": meta.get("creationTimestamp"), "reason": "SchedulingGated",
                "message": "Scheduling is blocked due to non-empty scheduling gates",
            }]
        obj["status"] = status
        _mutate_label_keys(spec, meta.get("labels") or {})

    def prepare_for_status_update(self, new: Obj, old: Obj) -> None:
        super().prepare_for_status_update(new, old)
        status = new.get("status")
        old_status = old.get("status") or {}
        if isinstance(status, dict):
            if not status.get("qosClass") and old_status.get("qosClass"):
                status["qosClass"] = old_status["qosClass"]
            if not status.get("observedGeneration") and old_status.get("observedGeneration"):
                status["observedGeneration"] = old_status["observedGeneration"]

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        meta = obj.get("metadata") or {}
        _annotation_errors(meta, spec, errs)
        validate_pod_spec(spec, "spec", True, errs)
        if not spec.get("serviceAccountName"):
            for vi, v in enumerate(spec.get("volumes") or []):
                for si, s in enumerate((v.get("projected") or {}).get("sources") or []):
                    if s.get("serviceAccountToken") is not None:
                        errs.append(FieldError.forbidden(
                            f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                            "must not be specified when serviceAccountName is not set"))
        if spec.get("ephemeralContainers"):
            errs.append(FieldError.forbidden("spec.ephemeralContainers", "cannot be set on create"))
        if spec.get("nodeName") and spec.get("schedulingGates"):
            errs.append(FieldError.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
        meta, old_meta = new.get("metadata") or {}, old.get("metadata") or {}
        _annotation_errors(meta, spec, errs)
        validate_pod_spec(spec, "spec", True, errs)
        ann, old_ann = meta.get("annotations") or {}, old_meta.get("annotations") or {}
        if ann.get(_MIRROR) != old_ann.get(_MIRROR):
            verb = "add" if _MIRROR not in old_ann else "remove or update"
            errs.append(FieldError.forbidden(f"metadata.annotations[{_MIRROR}]", f"may not {verb} mirror pod annotation"))
        if _container_updates(spec.get("containers"), old_spec.get("containers"), "spec.containers", errs):
            return errs
        if _container_updates(spec.get("initContainers"), old_spec.get("initContainers"), "spec.initContainers",
                              errs):
            return errs
        ads, old_ads = spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds")
        if ads is not None:
            if not 0 <= ads <= MAX_INT32:
                errs.append(FieldError.invalid("spec.activeDeadlineSeconds", ads, inclusive_range(0, MAX_INT32)))
                return errs
            if old_ads is not None and old_ads < ads:
                errs.append(FieldError.invalid("spec.activeDeadlineSeconds", ads,
                                               "must be less than or equal to previous value"))
                return errs
        elif old_ads is not None:
            errs.append(FieldError.invalid("spec.activeDeadlineSeconds", None,
                                           "must not update from a positive integer to nil value"))
        _only_added_tolerations(spec.get("tolerations"), old_spec.get("tolerations"), errs)
        old_gates = {g.get("name") for g in old_spec.get("schedulingGates") or []}
        for i, g in enumerate(spec.get("schedulingGates") or []):
            if g.get("name") not in old_gates:
                errs.append(FieldError.forbidden(f"spec.schedulingGates[{i}].name",
                                                 f"only deletion is allowed, but found new scheduling gate "
                                                 f"'{g.get('name')}'"))
        if spec == old_spec:
            return errs
        old_qos = (old.get("status") or {}).get("qosClass") or compute_qos(old_spec)
        if old_qos != compute_qos(spec):
            errs.append(FieldError.invalid("metadata", (new.get("status") or {}).get("qosClass") or "",
                                           "Pod QoS is immutable"))
        munged = _munge(spec, old_spec)
        if old_spec.get("schedulingGates"):
            old_sel = old_spec.get("nodeSelector") or {}
            new_sel = spec.get("nodeSelector") or {}
            if any(new_sel.get(k) != v for k, v in old_sel.items()):
                errs.append(FieldError.invalid("spec.nodeSelector", new_sel, "only additions to spec.nodeSelector are "
                                               "allowed (no mutations or deletions)"))
        if munged != old_spec:
            errs.append(FieldError.forbidden(
                "spec", f"pod updates may not change fields other than {_UPDATABLE}\n{spec_diff(old_spec, munged)}"))
        return errs

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        status = new.get("status") or {}
        system = ("PodScheduled", "Ready", "Initialized")
        for i, c in enumerate(status.get("conditions") or []):
            t = c.get("type") or ""
            if t not in system:
                errs.extend(FieldError.invalid(f"metadata.conditions[{i}].Type", t, m) for m in is_qualified_name(t))
        return errs
