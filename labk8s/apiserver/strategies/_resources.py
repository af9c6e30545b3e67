"""Resource names and quantities (pkg/apis/core/helper and validateResourceName & friends)."""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import is_qualified_name
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import IS_NEGATIVE, IS_NOT_INTEGER, Errs
from labk8s.errors import FieldError

_STANDARD = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
})
_STANDARD_CONTAINER = frozenset({"cpu", "memory", "ephemeral-storage"})
_INTEGER = frozenset({
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
})
_STANDARD_QUOTA = _STANDARD - {"cpu", "memory", "ephemeral-storage", "storage"} | {
    "cpu", "memory", "ephemeral-storage", "count/pods",
}


def is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def is_native(name: str) -> bool:
    """IsNativeResource: no domain prefix, or a kubernetes.io one."""
    if "/" not in name:
        return True
    return "kubernetes.io/" in name


def is_extended(name: str) -> bool:
    if is_native(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def overcommit_allowed(name: str) -> bool:
    return is_native(name) and not is_hugepages(name)


def _is_standard(name: str) -> bool:
    return name in _STANDARD or name.startswith("hugepages-") or name.startswith("requests.hugepages-")


def validate_resource_name(name: str, path: str, errs: Errs) -> bool:
    """validateResourceName; returns False when the name failed."""
    msgs = is_qualified_name(name)
    if msgs:
        errs.extend(FieldError.invalid(path, name, m) for m in msgs)
        return False
    if "/" not in name and not _is_standard(name):
        errs.append(FieldError.invalid(path, name, "must be a standard resource type or fully qualified"))
        return False
    return True


def validate_container_resource_name(name: str, path: str, errs: Errs) -> None:
    """validateContainerResourceName."""
    validate_resource_name(name, path, errs)
    if "/" not in name:
        if name not in _STANDARD_CONTAINER and not is_hugepages(name):
            errs.append(FieldError.invalid(path, name, "must be a standard resource for containers"))
    elif not is_native(name) and not is_extended(name):
        errs.append(FieldError.invalid(path, name, "doesn't follow extended resource name standard"))


def validate_quota_resource_name(name: str, path: str, errs: Errs) -> None:
    """ValidateResourceQuotaResourceName."""
    validate_resource_name(name, path, errs)
    if "/" not in name and not (name in _STANDARD_QUOTA or _is_standard(name)):
        errs.append(FieldError.invalid(path, name, "must be a standard resource for quota"))


def is_integer_resource(name: str) -> bool:
    return name in _INTEGER or is_extended(name)


def validate_quantity_value(name: str, value: Any, path: str, errs: Errs) -> None:
    """ValidateResourceQuantityValue: not negative; whole numbers for integer resources."""
    if q.sign(value) < 0:
        errs.append(FieldError.invalid(path, q.canonical(value), IS_NEGATIVE))
    if is_integer_resource(name) and not q.is_integer_valued(value):
        errs.append(FieldError.invalid(path, q.canonical(value), IS_NOT_INTEGER))


def validate_resource_list(rl: Any, path: str, errs: Errs, name_check: str = "resource") -> None:
    """The common loop: name check, then the quantity value, for every entry (sorted for determinism)."""
    if not isinstance(rl, dict):
        return
    for name in sorted(rl):
        fp = f"{path}[{name}]"
        if name_check == "quota":
            validate_quota_resource_name(name, fp, errs)
        elif name_check == "container":
            validate_container_resource_name(name, fp, errs)
        else:
            validate_resource_name(name, fp, errs)
        validate_quantity_value(name, rl[name], fp, errs)
