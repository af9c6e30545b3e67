"""Small formatting helpers shared by the per-kind printers (labels, selectors, containers, access modes).

Ports of labels.FormatLabels, metav1.FormatLabelSelector / LabelSelectorAsSelector + Selector.String,
layoutContainerCells, helper.GetAccessModesAsString and friends, working on plain JSON dicts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any


def dig(obj: Any, *path: str) -> Any:
    """obj[path[0]][path[1]]... or None when any step is missing or not a mapping."""
    cur = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(key)
    return cur


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return default


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def meta(obj: Mapping[str, Any]) -> dict[str, Any]:
    return as_dict(obj.get("metadata"))


def name_of(obj: Mapping[str, Any]) -> str:
    return as_str(meta(obj).get("name"))


def format_labels(labels: Any) -> str:
    """labels.FormatLabels: "k1=v1,k2=v2" with sorted keys, "<none>" when empty."""
    items = as_dict(labels)
    text = ",".join(f"{k}={items[k]}" for k in sorted(items))
    return text or "<none>"


class SelectorError(ValueError):
    """metav1.LabelSelectorAsSelector failed (unknown operator, missing or unexpected values)."""


_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


def selector_string(selector: Any) -> str:
    """LabelSelectorAsSelector(selector).String(); "" for a nil (Nothing) or empty (Everything) selector.

    Requirements are sorted by key; In/NotIn values print sorted, as Requirement.String does.
    """
    if not isinstance(selector, Mapping):
        return ""
    match_labels = as_dict(selector.get("matchLabels"))
    expressions = as_list(selector.get("matchExpressions"))
    reqs: list[tuple[str, str]] = []
    for key, value in match_labels.items():
        reqs.append((key, f"{key}={value}"))
    for expr in expressions:
        expr = as_dict(expr)
        key = as_str(expr.get("key"))
        op = as_str(expr.get("operator"))
        values = [str(v) for v in as_list(expr.get("values"))]
        if op not in _OPERATORS:
            raise SelectorError(f"{op!r} is not a valid label selector operator")
        if op in ("In", "NotIn"):
            if not values:
                raise SelectorError("for 'in', 'notin' operators, values set can't be empty")
            reqs.append((key, f"{key} {_OPERATORS[op]} ({','.join(sorted(values))})"))
        else:
            if values:
                raise SelectorError("values set must be empty for exists and does not exist")
            reqs.append((key, key if op == "Exists" else f"!{key}"))
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid."""
    try:
        text = selector_string(selector)
    except SelectorError:
        return "<error>"
    return text or "<none>"


def layout_containers(containers: Any) -> tuple[str, str]:
    """layoutContainerCells: container names and images, each comma-joined."""
    items = [as_dict(c) for c in as_list(containers)]
    names = ",".join(as_str(c.get("name")) for c in items)
    images = ",".join(as_str(c.get("image")) for c in items)
    return names, images


def access_modes(modes: Any) -> str:
    """helper.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that fixed order, duplicates removed."""
    present = set(as_list(modes))
    out = []
    for mode, short in (
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ):
        if mode in present:
            out.append(short)
    return ",".join(out)


def quantity(value: Any, nil: str = "0") -> str:
    """Quantity.String() of a stored quantity; the API server keeps quantities in canonical form.

    `nil` is what a missing quantity prints as: "0" for a zero Quantity value, "<nil>" for a nil
    *Quantity (whose String method returns "<nil>").
    """
    if value is None:
        return nil
    if isinstance(value, bool):
        return nil
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def join_host_port(host: str, port: int) -> str:
    """net.JoinHostPort: IPv6 literals get brackets."""
    try:
        is_v6 = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        is_v6 = ":" in host
    return f"[{host}]:{port}" if is_v6 else f"{host}:{port}"


def list_with_more(items: list[str], more: bool, count: int, limit: int, empty: str = "<unset>") -> str:
    """listWithMoreString: "a,b,c + 2 more...", or `empty` for no items."""
    text = ",".join(items)
    if more:
        return f"{text} + {count - limit} more..."
    return text or empty


def print_bool(value: Any) -> str:
    """printBoolPtr: "True", "False" or "<unset>"."""
    if isinstance(value, bool):
        return "True" if value else "False"
    return "<unset>"


def controller_of(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    """metav1.GetControllerOf: the ownerReference with controller: true."""
    for ref in as_list(meta(obj).get("ownerReferences")):
        ref = as_dict(ref)
        if ref.get("controller") is True:
            return ref
    return None


def group_of(api_version: str) -> str:
    """schema.ParseGroupVersion(apiVersion).Group."""
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def group_kind_lower(kind: str, group: str) -> str:
    """strings.ToLower(schema.GroupKind{group, kind}.String())."""
    return (f"{kind}.{group}" if group else kind).lower()
