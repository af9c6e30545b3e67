"""Nodes (pkg/registry/core/node/strategy.go, ValidateNode / ValidateNodeUpdate).

A node is created with its status (the kubelet registers with it), so create keeps ``status``; updates to
the main resource keep the stored status.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from labk8s.api.validation import is_valid_label_value, validate_label_name
from labk8s.apiserver.strategies._errors import Errs, RenderedError, go_json
from labk8s.apiserver.strategies._quantities import round_resource_list
from labk8s.apiserver.strategies._resources import validate_quantity_value
from labk8s.apiserver.strategies.podspec_validation import validate_taint_effect
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]


def validate_taints(taints: Any, path: str, errs: Errs) -> None:
    """validateNodeTaints: key, value, effect, unique by (key, effect)."""
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(taints or []):
        ip = f"{path}[{i}]"
        key, value, effect = t.get("key") or "", t.get("value") or "", t.get("effect") or ""
        errs.extend(validate_label_name(key, f"{ip}.key"))
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(FieldError.invalid(f"{ip}.value", value, ";".join(msgs)))
        validate_taint_effect(effect, False, f"{ip}.effect", errs)
        if (key, effect) in seen:
            rendered = go_json({"Key": key, "Value": value, "Effect": effect, "TimeAdded": t.get("timeAdded")})
            errs.append(RenderedError("FieldValueDuplicate", ip, rendered, "taints must be unique by key and effect pair"))
            continue
        seen.add((key, effect))


def _valid_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def _resources(obj: Obj, errs: Errs) -> None:
    """ValidateNodeResources."""
    status = obj.get("status") or {}
    for key in ("capacity", "allocatable"):
        for name in sorted(status.get(key) or {}):
            validate_quantity_value(name, status[key][name], f"status.{key}.{name}", errs)


class NodeStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        status = obj.get("status")
        if isinstance(status, dict):
            round_resource_list(status.get("capacity"))
            round_resource_list(status.get("allocatable"))
            if status.get("allocatable") is None and status.get("capacity") is not None:
                status["allocatable"] = dict(status["capacity"])

    def prepare_for_create(self, obj: Obj) -> None:
        pass  # the kubelet creates its Node with status

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        # Upstream reports taint errors under metadata (fldPath.Child("taints") of the metadata path).
        validate_taints(spec.get("taints"), "metadata.taints", errs)
        _resources(obj, errs)
        cidrs = spec.get("podCIDRs") or []
        for i, c in enumerate(cidrs):
            if not _valid_cidr(c):
                errs.append(FieldError.invalid(f"spec.podCIDRs[{i}]", c, "must be a valid CIDR value, (e.g. "
                                                                         "10.9.8.0/24 or 2001:db8::/64)"))
        if len(cidrs) > 1:
            seen: set[str] = set()
            for i, c in enumerate(cidrs):
                if c in seen:
                    errs.append(FieldError.duplicate(f"spec.podCIDRs[{i}]", c))
                seen.add(c)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        spec, ospec = new.get("spec") or {}, old.get("spec") or {}
        _resources(new, errs)
        seen: list[Any] = []
        for i, a in enumerate((new.get("status") or {}).get("addresses") or []):
            if a in seen:
                errs.append(RenderedError("FieldValueDuplicate", f"status.addresses[{i}]",
                                          go_json({"Type": a.get("type", ""), "Address": a.get("address", "")})))
            seen.append(a)
        old_cidrs = ospec.get("podCIDRs") or []
        if old_cidrs and old_cidrs != (spec.get("podCIDRs") or []):
            errs.append(FieldError.forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" '
                                                              'to valid'))
        if ospec.get("providerID") and ospec.get("providerID") != spec.get("providerID"):
            errs.append(FieldError.forbidden("spec.providerID", 'node updates may not change providerID except from '
                                                                '"" to valid'))
        validate_taints(spec.get("taints"), "metadata.taints", errs)
        if spec.get("externalID") != ospec.get("externalID"):
            errs.append(FieldError.forbidden("spec.externalID", "may not be updated"))
        return errs

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        _resources(new, errs)
        return errs
