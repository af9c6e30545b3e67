"""HorizontalPodAutoscaler, autoscaling/v2 and autoscaling/v1 (pkg/apis/autoscaling/v2/defaults.go,
pkg/apis/autoscaling/validation, pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go).

Upstream validates the internal type; v1 objects are checked on the fields they map to (their
``targetCPUUtilizationPercentage`` is the internal cpu metric's averageUtilization).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import validate_path_segment_name
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import Errs
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

DEFAULT_CPU_UTILIZATION = 80
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
_METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
_SOURCE_FIELD = {"Object": "object", "Pods": "pods", "Resource": "resource", "External": "external",
                 "ContainerResource": "containerResource"}


def scale_up_default() -> Obj:
    return {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
            "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                         {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def scale_down_default() -> Obj:
    return {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _copy_rules(user: Any, default: Obj) -> Obj:
    """copyHPAScalingRules: each of the four fields from the user when set, else from the default."""
    if not isinstance(user, dict):
        return default
    out = dict(default)
    for f in ("selectPolicy", "stabilizationWindowSeconds", "policies", "tolerance"):
        if user.get(f) is not None:
            out[f] = user[f]
    return out


def default_hpa_v2(obj: Obj) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    beh = spec.get("behavior")
    if isinstance(beh, dict):
        beh["scaleUp"] = _copy_rules(beh.get("scaleUp"), scale_up_default())
        beh["scaleDown"] = _copy_rules(beh.get("scaleDown"), scale_down_default())


def _cross_version_ref(ref: Any, path: str, errs: Errs) -> None:
    ref = ref if isinstance(ref, dict) else {}
    for f in ("kind", "name"):
        v = ref.get(f) or ""
        if not v:
            errs.append(FieldError.required(f"{path}.{f}"))
        else:
            errs.extend(FieldError.invalid(f"{path}.{f}", v, m) for m in validate_path_segment_name(v, False))


def _metric_target(mt: Any, path: str, errs: Errs) -> None:
    mt = mt if isinstance(mt, dict) else {}
    t = mt.get("type") or ""
    if not t:
        errs.append(FieldError.required(f"{path}.type", "must specify a metric target type"))
    if t not in ("Utilization", "Value", "AverageValue"):
        errs.append(FieldError.invalid(f"{path}.type", t, "must be either Utilization, Value, or AverageValue"))
    for f in ("value", "averageValue"):
        if mt.get(f) is not None and q.sign(mt[f]) != 1:
            errs.append(FieldError.invalid(f"{path}.{f}", q.canonical(mt[f]), "must be positive"))
    au = mt.get("averageUtilization")
    if au is not None and au < 1:
        errs.append(FieldError.invalid(f"{path}.averageUtilization", au, "must be greater than 0"))


def _metric_identifier(mi: Any, path: str, errs: Errs) -> None:
    if not (mi or {}).get("name"):
        errs.append(FieldError.required(f"{path}.name", "must specify a metric name"))


def _metric(m: Obj, path: str, errs: Errs) -> None:
    t = m.get("type") or ""
    if not t:
        errs.append(FieldError.required(f"{path}.type", "must specify a metric source type"))
    if t not in _METRIC_TYPES:
        errs.append(FieldError.not_supported(f"{path}.type", t, _METRIC_TYPES))
    present = [f for f in ("object", "external", "pods", "resource", "containerResource") if m.get(f) is not None]
    if present:
        first = present[0]
        src = m[first]
        sp = f"{path}.{first}"
        target = src.get("target") or {}
        if first in ("resource", "containerResource"):
            if not src.get("name"):
                errs.append(FieldError.required(f"{sp}.name", "must specify a resource name"))
            if first == "containerResource" and not src.get("container"):
                errs.append(FieldError.required(f"{sp}.container", "must specify a container"))
            _metric_target(target, f"{sp}.target", errs)
            if target.get("averageUtilization") is None and target.get("averageValue") is None:
                errs.append(FieldError.required(f"{sp}.target.averageUtilization",
                                                "must set either a target raw value or a target utilization"))
            if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
                errs.append(FieldError.forbidden(f"{sp}.target.averageValue",
                                                 "may not set both a target raw value and a target utilization"))
        else:
            _metric_identifier(src.get("metric"), f"{sp}.metric", errs)
            _metric_target(target, f"{sp}.target", errs)
            if first == "pods" and target.get("averageValue") is None:
                errs.append(FieldError.required(f"{sp}.target.averageValue",
                                                "must specify a positive target averageValue"))
            elif first == "object":
                _cross_version_ref(src.get("describedObject"), f"{sp}.describedObject", errs)
                if target.get("value") is None and target.get("averageValue") is None:
                    errs.append(FieldError.required(f"{sp}.target.averageValue",
                                                    "must set either a target value or averageValue"))
            elif first == "external":
                if target.get("value") is None and target.get("averageValue") is None:
                    errs.append(FieldError.required(f"{sp}.target.averageValue",
                                                    "must set either a target value for metric or a per-pod target"))
    expected = _SOURCE_FIELD.get(t)
    if expected is not None and m.get(expected) is None:
        errs.append(FieldError.required(f"{path}.{expected}", "must populate information for the given metric source"))
    if len(present) != 1:
        for f in sorted(set(present) - {expected}):
            errs.append(FieldError.forbidden(f"{path}.{f}", "must populate the given metric source only"))


def _scaling_rules(rules: Any, path: str, errs: Errs) -> None:
    if not isinstance(rules, dict):
        return
    sws = rules.get("stabilizationWindowSeconds")
    if sws is not None and sws < 0:
        errs.append(FieldError.invalid(f"{path}.stabilizationWindowSeconds", sws, "must be greater than or equal to "
                                                                                 "zero"))
    if sws is not None and sws > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.append(FieldError.invalid(f"{path}.stabilizationWindowSeconds", sws,
                                       f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    sp = rules.get("selectPolicy")
    if sp is not None and sp not in ("Disabled", "Max", "Min"):
        errs.append(FieldError.not_supported(f"{path}.selectPolicy", sp, ("Disabled", "Max", "Min")))
    policies = rules.get("policies") or []
    if not policies:
        errs.append(FieldError.required(f"{path}.policies", "must specify at least one Policy"))
    for i, p in enumerate(policies):
        pp = f"{path}.policies[{i}]"
        if p.get("type") not in ("Pods", "Percent"):
            errs.append(FieldError.not_supported(f"{pp}.type", p.get("type") or "", ("Percent", "Pods")))
        if p.get("value", 0) <= 0:
            errs.append(FieldError.invalid(f"{pp}.value", p.get("value", 0), "must be greater than zero"))
        ps = p.get("periodSeconds", 0)
        if ps <= 0:
            errs.append(FieldError.invalid(f"{pp}.periodSeconds", ps, "must be greater than zero"))
        if ps > MAX_PERIOD_SECONDS:
            errs.append(FieldError.invalid(f"{pp}.periodSeconds", ps,
                                           f"must be less than or equal to {MAX_PERIOD_SECONDS}"))


def validate_hpa_spec(spec: Obj, v1: bool, min_lower_bound: int, errs: Errs) -> None:
    mn, mx = spec.get("minReplicas"), spec.get("maxReplicas", 0)
    if mn is not None and mn < min_lower_bound:
        errs.append(FieldError.invalid("spec.minReplicas", mn, f"must be greater than or equal to {min_lower_bound}"))
    if mx < 1:
        errs.append(FieldError.invalid("spec.maxReplicas", mx, "must be greater than 0"))
    if mn is not None and mx < mn:
        errs.append(FieldError.invalid("spec.maxReplicas", mx, "must be greater than or equal to `minReplicas`"))
    _cross_version_ref(spec.get("scaleTargetRef"), "spec.scaleTargetRef", errs)
    if v1:
        t = spec.get("targetCPUUtilizationPercentage")
        if t is not None and t < 1:
            errs.append(FieldError.invalid("spec.metrics[0].resource.target.averageUtilization", t,
                                           "must be greater than 0"))
        return
    for i, m in enumerate(spec.get("metrics") or []):
        _metric(m, f"spec.metrics[{i}]", errs)
    beh = spec.get("behavior")
    if isinstance(beh, dict):
        _scaling_rules(beh.get("scaleUp"), "spec.behavior.scaleUp", errs)
        _scaling_rules(beh.get("scaleDown"), "spec.behavior.scaleDown", errs)


def _is_v1(obj: Obj) -> bool:
    return obj.get("apiVersion") == "autoscaling/v1"


class HorizontalPodAutoscalerStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        if _is_v1(obj):
            spec = obj.get("spec")
            if not isinstance(spec, dict):
                spec = obj["spec"] = {}
            if spec.get("minReplicas") is None:
                spec["minReplicas"] = 1
            # The object is stored as v2 with the default cpu metric; v1 reads it back as the percentage.
            if spec.get("targetCPUUtilizationPercentage") is None:
                spec["targetCPUUtilizationPercentage"] = DEFAULT_CPU_UTILIZATION
        else:
            default_hpa_v2(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        if _is_v1(obj):
            obj["status"] = {"currentReplicas": 0, "desiredReplicas": 0}
        else:
            obj["status"] = {"currentMetrics": None, "desiredReplicas": 0}

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        validate_hpa_spec(obj.get("spec") or {}, _is_v1(obj), 1, errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        bound = 0 if (old.get("spec") or {}).get("minReplicas") == 0 else 1
        validate_hpa_spec(new.get("spec") or {}, _is_v1(new), bound, errs)
        return errs

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        status = new.get("status") or {}
        for f in ("currentReplicas", "desiredReplicas"):
            v = status.get(f, 0)
            if isinstance(v, int) and v < 0:
                errs.append(FieldError.invalid(f"status.{f}", v, "must be greater than or equal to 0"))
        return errs
