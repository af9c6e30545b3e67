"""LimitRanger (plugin/pkg/admission/limitranger): applies a namespace's LimitRange defaults to
containers and rejects pods and claims outside its min/max/ratio bounds (403 Forbidden)."""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity
from labk8s.apiserver.admission.interface import AdmissionPlugin, Attributes, ObjectReader
from labk8s.errors import ApiError, aggregate_message

Obj = dict[str, Any]
ANNOTATION = "kubernetes.io/limit-ranger"


def _defaulted_item(item: Obj) -> Obj:
    """SetDefaults_LimitRangeItem: default limit from max, default request from default limit or min."""
    if item.get("type") != "Container":
        return item
    item = dict(item)
    default = dict(item.get("default") or {})
    default_request = dict(item.get("defaultRequest") or {})
    for k, v in (item.get("max") or {}).items():
        default.setdefault(k, v)
    for k, v in default.items():
        default_request.setdefault(k, v)
    for k, v in (item.get("min") or {}).items():
        default_request.setdefault(k, v)
    item["default"], item["defaultRequest"] = default, default_request
    return item


class LimitRanger(AdmissionPlugin):
    name = "LimitRanger"
    operations = ("CREATE", "UPDATE")

    def _items(self, attrs: Attributes, reader: ObjectReader) -> list[Obj]:
        ranges = reader.cached_all(reader.resource("", "LimitRange"), attrs.namespace)
        ranges.sort(key=lambda r: r["metadata"]["name"])
        return [_defaulted_item(i) for r in ranges for i in (r.get("spec") or {}).get("limits") or []]

    def _is_pod(self, attrs: Attributes) -> bool:
        rt = attrs.resource
        return rt.group == "" and rt.kind == "Pod" and not attrs.subresource and attrs.obj is not None

    def _is_pvc(self, attrs: Attributes) -> bool:
        rt = attrs.resource
        return rt.group == "" and rt.kind == "PersistentVolumeClaim" and attrs.obj is not None

    def admit(self, attrs: Attributes, reader: ObjectReader) -> None:
        if not self._is_pod(attrs) or attrs.operation != "CREATE":
            return
        items = [i for i in self._items(attrs, reader) if i.get("type") == "Container"]
        if not items:
            return
        assert attrs.obj is not None
        spec = attrs.obj.get("spec") or {}
        notes: list[str] = []
        for item in items:
            for label, key in (("container", "containers"), ("init container", "initContainers")):
                for c in spec.get(key) or []:
                    res = c.setdefault("resources", {})
                    set_requests, set_limits = [], []
                    for name, value in item["defaultRequest"].items():
                        if name not in (res.get("requests") or {}):
                            res.setdefault("requests", {})[name] = str(Quantity(str(value)))
                            set_requests.append(name)
                    for name, value in item["default"].items():
                        if name not in (res.get("limits") or {}):
                            res.setdefault("limits", {})[name] = str(Quantity(str(value)))
                            set_limits.append(name)
                    if set_requests:
                        notes.append(f"{', '.join(sorted(set_requests))} request for {label} {c.get('name')}")
                    if set_limits:
                        notes.append(f"{', '.join(sorted(set_limits))} limit for {label} {c.get('name')}")
        if notes:
            meta = attrs.obj.setdefault("metadata", {})
            meta.setdefault("annotations", {})[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)

    def validate(self, attrs: Attributes, reader: ObjectReader) -> None:
        if attrs.operation != "CREATE" or not (self._is_pod(attrs) or self._is_pvc(attrs)):
            return
        items = self._items(attrs, reader)
        if not items:
            return
        assert attrs.obj is not None
        errors: list[str] = []
        if self._is_pvc(attrs):
            requests = ((attrs.obj.get("spec") or {}).get("resources") or {}).get("requests") or {}
            limits = ((attrs.obj.get("spec") or {}).get("resources") or {}).get("limits") or {}
            for item in items:
                if item.get("type") == "PersistentVolumeClaim":
                    errors += _check("PersistentVolumeClaim", item, requests, limits)
        else:
            spec = attrs.obj.get("spec") or {}
            containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
            for item in items:
                if item.get("type") == "Container":
                    for c in containers:
                        res = c.get("resources") or {}
                        errors += _check("Container", item, res.get("requests") or {}, res.get("limits") or {})
                elif item.get("type") == "Pod":
                    errors += _check("Pod", item, *_pod_totals(containers))
        if errors:
            raise ApiError.forbidden(attrs.resource.plural, attrs.resource.group, attrs.name,
                                     aggregate_message(errors))


def _pod_totals(containers: list[Obj]) -> tuple[dict[str, str], dict[str, str]]:
    req: dict[str, Quantity] = {}
    lim: dict[str, Quantity] = {}
    for c in containers:
        res = c.get("resources") or {}
        for name, v in (res.get("requests") or {}).items():
            req[name] = req[name] + Quantity(str(v)) if name in req else Quantity(str(v))
        for name, v in (res.get("limits") or {}).items():
            lim[name] = lim[name] + Quantity(str(v)) if name in lim else Quantity(str(v))
    return {k: str(v) for k, v in req.items()}, {k: str(v) for k, v in lim.items()}


def _check(limit_type: str, item: Obj, requests: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    """minConstraint / maxConstraint / limitRequestRatioConstraint of the upstream plugin."""
    errs: list[str] = []
    for name in sorted(item.get("min") or {}):
        enforced = Quantity(str(item["min"][name]))
        if name not in requests:
            errs.append(f"minimum {name} usage per {limit_type} is {enforced}.  No request is specified")
        elif Quantity(str(requests[name])) < enforced:
            errs.append(f"minimum {name} usage per {limit_type} is {enforced}, but request is "
                        f"{Quantity(str(requests[name]))}")
    for name in sorted(item.get("max") or {}):
        enforced = Quantity(str(item["max"][name]))
        if limit_type == "PersistentVolumeClaim":
            if name in requests and Quantity(str(requests[name])) > enforced:
                errs.append(f"maximum {name} usage per {limit_type} is {enforced}, but request is "
                            f"{Quantity(str(requests[name]))}")
            continue
        if name not in limits:
            errs.append(f"maximum {name} usage per {limit_type} is {enforced}.  No limit is specified")
        elif Quantity(str(limits[name])) > enforced:
            errs.append(f"maximum {name} usage per {limit_type} is {enforced}, but limit is "
                        f"{Quantity(str(limits[name]))}")
    for name in sorted(item.get("maxLimitRequestRatio") or {}):
        enforced = Quantity(str(item["maxLimitRequestRatio"][name]))
        if name not in requests or name not in limits:
            errs.append(f"{name} max limit to request ratio per {limit_type} is {enforced}, but no request or "
                        "limit is specified")
            continue
        req_m, lim_m = Quantity(str(requests[name])).milli_value(), Quantity(str(limits[name])).milli_value()
        ratio = lim_m / req_m if req_m else float("inf")
        if ratio > enforced.milli_value() / 1000:
            errs.append(f"{name} max limit to request ratio per {limit_type} is {enforced}, but provided ratio "
                        f"is {ratio:f}")
    return errs
