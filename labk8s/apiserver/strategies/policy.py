"""LimitRange and ResourceQuota (core/v1), PriorityClass (scheduling.k8s.io/v1) and
PodDisruptionBudget (policy/v1): defaults and ValidateLimitRange, ValidateResourceQuota(Update),
ValidatePriorityClass(Update), ValidatePodDisruptionBudget.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.labels import validate_label_selector
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import Errs, go_json, invalid_rendered, nonnegative
from labk8s.apiserver.strategies._quantities import round_resource_list
from labk8s.apiserver.strategies._resources import (
    overcommit_allowed,
    validate_container_resource_name,
    validate_quantity_value,
    validate_quota_resource_name,
    validate_resource_name,
)
from labk8s.apiserver.strategies._workload import not_more_than_100_percent, positive_int_or_percent
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

_LIMIT_LISTS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")
_LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")
HIGHEST_USER_PRIORITY = 1000000000
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


# -- LimitRange -----------------------------------------------------------------------------------------------


def _limit_name(ltype: str, name: str, path: str, errs: Errs) -> None:
    if ltype in ("Pod", "Container"):
        validate_container_resource_name(name, path, errs)
    else:
        validate_resource_name(name, path, errs)


class LimitRangeStrategy(Strategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        for item in (obj.get("spec") or {}).get("limits") or []:
            if not isinstance(item, dict):
                continue
            if item.get("type") == "Container":
                default = item.get("default")
                if not isinstance(default, dict):
                    default = item["default"] = {}
                dreq = item.get("defaultRequest")
                if not isinstance(dreq, dict):
                    dreq = item["defaultRequest"] = {}
                for k, v in (item.get("max") or {}).items():
                    default.setdefault(k, v)
                for k, v in default.items():
                    dreq.setdefault(k, v)
                for k, v in (item.get("min") or {}).items():
                    dreq.setdefault(k, v)
            for key in _LIMIT_LISTS:
                round_resource_list(item.get(key))

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        seen: set[str] = set()
        for i, item in enumerate((obj.get("spec") or {}).get("limits") or []):
            ip = f"spec.limits[{i}]"
            ltype = item.get("type") or ""
            if "/" not in ltype and ltype not in _LIMIT_TYPES:
                errs.append(FieldError.invalid(f"{ip}.type", ltype, "must be a standard limit type or fully qualified"))
            if ltype in seen:
                errs.append(FieldError.duplicate(f"{ip}.type", ltype))
            seen.add(ltype)
            lists = {k: item.get(k) or {} for k in _LIMIT_LISTS}
            for k in ("max", "min"):
                for name in sorted(lists[k]):
                    _limit_name(ltype, name, f"{ip}.{k}[{name}]", errs)
            if ltype == "Pod":
                for k in ("default", "defaultRequest"):
                    if lists[k]:
                        errs.append(FieldError.forbidden(f"{ip}.{k}", "may not be specified when `type` is 'Pod'"))
                        lists[k] = {}
            else:
                for k in ("default", "defaultRequest"):
                    for name in sorted(lists[k]):
                        _limit_name(ltype, name, f"{ip}.{k}[{name}]", errs)
            if ltype == "PersistentVolumeClaim" and "storage" not in lists["min"] and "storage" not in lists["max"]:
                errs.append(FieldError.required(f"{ip}.limits", "either minimum or maximum storage value is required, "
                                                                "but neither was provided"))
            for name in sorted(lists["maxLimitRequestRatio"]):
                _limit_name(ltype, name, f"{ip}.maxLimitRequestRatio[{name}]", errs)
            keys = sorted(set().union(*(set(v) for v in lists.values())))
            for k in keys:
                self._check_key(k, lists, ip, errs)
        return errs

    @staticmethod
    def _check_key(k: str, lists: dict[str, Obj], ip: str, errs: Errs) -> None:
        mn, mx = lists["min"].get(k), lists["max"].get(k)
        dflt, dreq = lists["default"].get(k), lists["defaultRequest"].get(k)
        ratio = lists["maxLimitRequestRatio"].get(k)
        c = q.canonical
        if mn is not None and mx is not None and q.cmp(mn, mx) > 0:
            errs.append(FieldError.invalid(f"{ip}.min[{k}]", c(mn), f"min value {c(mn)} is greater than max value "
                                                                   f"{c(mx)}"))
        if dreq is not None and mn is not None and q.cmp(mn, dreq) > 0:
            errs.append(FieldError.invalid(f"{ip}.defaultRequest[{k}]", c(dreq),
                                           f"min value {c(mn)} is greater than default request value {c(dreq)}"))
        if dreq is not None and mx is not None and q.cmp(dreq, mx) > 0:
            errs.append(FieldError.invalid(f"{ip}.defaultRequest[{k}]", c(dreq),
                                           f"default request value {c(dreq)} is greater than max value {c(mx)}"))
        if dreq is not None and dflt is not None and q.cmp(dreq, dflt) > 0:
            errs.append(FieldError.invalid(f"{ip}.defaultRequest[{k}]", c(dreq),
                                           f"default request value {c(dreq)} is greater than default limit value "
                                           f"{c(dflt)}"))
        if dflt is not None and mn is not None and q.cmp(mn, dflt) > 0:
            errs.append(FieldError.invalid(f"{ip}.default[{k}]", c(mn),
                                           f"min value {c(mn)} is greater than default value {c(dflt)}"))
        if dflt is not None and mx is not None and q.cmp(dflt, mx) > 0:
            errs.append(FieldError.invalid(f"{ip}.default[{k}]", c(mx),
                                           f"default value {c(dflt)} is greater than max value {c(mx)}"))
        if ratio is not None and q.cmp(ratio, 1) < 0:
            errs.append(FieldError.invalid(f"{ip}.maxLimitRequestRatio[{k}]", c(ratio), f"ratio {c(ratio)} is less "
                                                                                       "than 1"))
        if ratio is not None and mn is not None and mx is not None:
            lo, hi, r = q.milli(mn) or 0, q.milli(mx) or 0, q.milli(ratio) or 0
            if lo > 0 and r / 1000 > hi / lo:
                errs.append(FieldError.invalid(f"{ip}.maxLimitRequestRatio[{k}]", c(ratio),
                                               f"ratio {c(ratio)} is greater than max/min = {hi / lo:f}"))
        if not overcommit_allowed(k) and dflt is not None and dreq is not None and q.cmp(dflt, dreq) != 0:
            errs.append(FieldError.invalid(f"{ip}.defaultRequest[{k}]", c(dreq),
                                           f"default value {c(dflt)} must equal to defaultRequest value {c(dreq)} in {k}"))


# -- ResourceQuota --------------------------------------------------------------------------------------------

_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
           "CrossNamespacePodAffinity", "VolumeAttributesClass")
_POD_COUNT = frozenset({"pods"})
_POD_COMPUTE = frozenset({"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"})
_STANDARD_QUOTA = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services",
    "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps",
    "services.nodeports", "services.loadbalancers",
})


def _scope_valid_for(scope: str, resource: str) -> bool:
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return resource in _POD_COUNT or resource in _POD_COMPUTE
    if scope == "BestEffort":
        return resource in _POD_COUNT
    return True


def _quota_scopes(spec: Obj, errs: Errs) -> None:
    scopes = spec.get("scopes") or []
    if not scopes:
        return
    hard = sorted(spec.get("hard") or {})
    for scope in scopes:
        if scope not in _SCOPES:
            errs.append(FieldError.invalid("spec.scopes", scopes, "unsupported scope"))
        for k in hard:
            if (k in _STANDARD_QUOTA or k.startswith(("hugepages-", "requests.hugepages-"))) and \
                    not _scope_valid_for(scope, k):
                errs.append(FieldError.invalid("spec.scopes", scopes, "unsupported scope applied to resource"))
    s = set(scopes)
    for a, b in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
        if a in s and b in s:
            errs.append(FieldError.invalid("spec.scopes", scopes, "conflicting scopes"))


class ResourceQuotaStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        round_resource_list((obj.get("spec") or {}).get("hard"))
        status = obj.get("status")
        if isinstance(status, dict):
            round_resource_list(status.get("hard"))
            round_resource_list(status.get("used"))

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        hard = spec.get("hard") or {}
        for name in sorted(hard):
            path = f"spec.hard[{name}]"
            validate_quota_resource_name(name, path, errs)
            validate_quantity_value(name, hard[name], path, errs)
        _quota_scopes(spec, errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        scopes = (new.get("spec") or {}).get("scopes") or []
        if set(scopes) != set((old.get("spec") or {}).get("scopes") or []):
            errs.append(FieldError.invalid("spec.scopes", scopes, "field is immutable"))
        return errs

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        status = new.get("status") or {}
        for key in ("hard", "used"):
            for name in sorted(status.get(key) or {}):
                path = f"status.{key}[{name}]"
                validate_quota_resource_name(name, path, errs)
                validate_quantity_value(name, status[key][name], path, errs)
        return errs


# -- PriorityClass --------------------------------------------------------------------------------------------


class PriorityClassStrategy(Strategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        if obj.get("preemptionPolicy") is None:
            obj["preemptionPolicy"] = "PreemptLowerPriority"

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        name = (obj.get("metadata") or {}).get("name") or ""
        value = obj.get("value", 0)
        if name.startswith("system-"):
            err = ""
            if name not in SYSTEM_PRIORITY_CLASSES:
                err = f"{name} is not a known system priority class"
            elif SYSTEM_PRIORITY_CLASSES[name] != value:
                err = f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
            elif obj.get("globalDefault"):
                err = f"globalDefault of {name} PriorityClass must be false"
            if err:
                errs.append(FieldError.forbidden("metadata.name", "priority class names with 'system-' prefix are "
                                                                  f"reserved for system use only. error: {err}"))
        elif value > HIGHEST_USER_PRIORITY:
            errs.append(FieldError.forbidden("value", f"maximum allowed value of a user defined priority is "
                                                      f"{HIGHEST_USER_PRIORITY}"))
        pp = obj.get("preemptionPolicy")
        if pp is not None:
            if not pp:
                errs.append(FieldError.required("preemptionPolicy"))
            elif pp not in ("PreemptLowerPriority", "Never"):
                errs.append(FieldError.not_supported("preemptionPolicy", pp, ("PreemptLowerPriority", "Never")))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        if new.get("value", 0) != old.get("value", 0):
            errs.append(FieldError.forbidden("value", "may not be changed in an update."))
        if new.get("preemptionPolicy") != old.get("preemptionPolicy"):
            errs.append(FieldError.invalid("preemptionPolicy", new.get("preemptionPolicy"), "field is immutable"))
        return errs


# -- PodDisruptionBudget --------------------------------------------------------------------------------------


def _pdb_spec_struct(spec: Obj) -> str:
    """json.Marshal of the internal policy.PodDisruptionBudgetSpec (Go field names, declaration order)."""
    return go_json({"MinAvailable": spec.get("minAvailable"), "Selector": spec.get("selector"),
                    "MaxUnavailable": spec.get("maxUnavailable"),
                    "UnhealthyPodEvictionPolicy": spec.get("unhealthyPodEvictionPolicy")})


class PodDisruptionBudgetStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = True

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        mn, mx = spec.get("minAvailable"), spec.get("maxUnavailable")
        if mn is not None and mx is not None:
            errs.append(invalid_rendered("spec", _pdb_spec_struct(spec), "minAvailable and maxUnavailable cannot be "
                                                                         "both set"))
        for key, v in (("minAvailable", mn), ("maxUnavailable", mx)):
            if v is not None:
                positive_int_or_percent(v, f"spec.{key}", errs)
                not_more_than_100_percent(v, f"spec.{key}", errs)
        errs.extend(validate_label_selector(spec.get("selector"), "spec.selector"))
        upe = spec.get("unhealthyPodEvictionPolicy")
        if upe is not None and upe not in ("AlwaysAllow", "IfHealthyBudget"):
            errs.append(FieldError.not_supported("spec.unhealthyPodEvictionPolicy", upe, ("AlwaysAllow",
                                                                                        "IfHealthyBudget")))
        return errs

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        status = new.get("status") or {}
        for f in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
            nonnegative(status.get(f, 0), f"status.{f}", errs)
        return errs
