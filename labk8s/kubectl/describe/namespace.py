"""Namespace describer with its ``Resource Quotas`` and ``Resource Limits`` sections, and the
ResourceQuota and LimitRange describers (describeNamespace, DescribeResourceQuotas,
DescribeLimitRanges, describeQuota, describeLimitRange)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.errors import ApiError
from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe._quantity import ZERO, new_quantity, parse_or_zero
from labk8s.kubectl.describe._timefmt import rfc1123z
from labk8s.kubectl.describe.common import (
    Lookup,
    Obj,
    g,
    print_annotations_multiline,
    print_labels_multiline,
)
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed_string

_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node "
    "before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long running "
    "pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
    "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a burstable "
    "or guaranteed quality of service.",
}


def _list_or_none(lookup: Lookup, resource: str, namespace: str) -> list[Obj] | None:
    """List quotas or limit ranges; a NotFound (server without the resource) hides the section."""
    try:
        return list(lookup.list(resource, "", namespace))
    except ApiError as err:
        if err.code == 404:
            return None
        raise


def _limit_range_rows(spec: Mapping[str, Any], prefix: str, w: PrefixWriter) -> None:
    for item in spec.get("limits") or []:
        sections = {key: item.get(key) or {} for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")}
        names: set[str] = set()
        for values in sections.values():
            names.update(values)
        # kubectl ranges over a Go map here (random order); labk8s prints resources sorted.
        for name in sorted(names):
            cells = []
            for key in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio"):
                values = sections[key]
                cells.append(parse_or_zero(values[name]).string() if name in values else "-")
            w.write(LEVEL_0, f"{prefix}{item.get('type', '')}\t{name}\t" + "\t".join(cells) + "\n")


def describe_limit_ranges(limit_ranges: list[Obj], w: PrefixWriter) -> None:
    if not limit_ranges:
        w.write(LEVEL_0, "No LimitRange resource.\n")
        return
    w.write(
        LEVEL_0,
        "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    )
    w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for lr in limit_ranges:
        _limit_range_rows(lr.get("spec") or {}, " ", w)


def _scopes(quota: Mapping[str, Any]) -> list[str]:
    return sorted(str(s) for s in g(quota, "spec", "scopes", default=[]))


def describe_resource_quotas(quotas: list[Obj], w: PrefixWriter) -> None:
    if not quotas:
        w.write(LEVEL_0, "No resource quota.\n")
        return
    ordered = list(quotas)
    go_sort(ordered, lambda a, b: str(g(a, "metadata", "name", default="")) < str(g(b, "metadata", "name", default="")))
    w.write(LEVEL_0, "Resource Quotas\n")
    for quota in ordered:
        w.write(LEVEL_1, f"Name:\t{g(quota, 'metadata', 'name', default='')}\n")
        scopes = _scopes(quota)
        if scopes:
            w.write(LEVEL_1, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in _SCOPE_HELP:
                    w.write(LEVEL_1, f"* {_SCOPE_HELP[scope]}\n")
        w.write(LEVEL_1, "Resource\tUsed\tHard\n")
        w.write(LEVEL_1, "--------\t---\t---\n")
        hard = g(quota, "status", "hard", default={})
        used = g(quota, "status", "used", default={})
        for name in sorted(hard):
            used_q = parse_or_zero(used[name]) if name in used else ZERO
            w.write(LEVEL_1, f"{name}\t{used_q.string()}\t{parse_or_zero(hard[name]).string()}\n")


def write_namespace(ns: Mapping[str, Any], quotas: list[Obj] | None, limit_ranges: list[Obj] | None) -> str:
    """describeNamespace."""

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(ns, 'metadata', 'name', default='')}\n")
        print_labels_multiline(w, "Labels", g(ns, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(ns, "metadata", "annotations"))
        w.write(LEVEL_0, f"Status:\t{g(ns, 'status', 'phase', default='')}\n")
        conditions = g(ns, "status", "conditions", default=[])
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                    f"{c.get('reason', '')}\t{c.get('message', '')}\n",
                )
        if quotas is not None:
            w.write(LEVEL_0, "\n")
            describe_resource_quotas(quotas, w)
        if limit_ranges is not None:
            w.write(LEVEL_0, "\n")
            describe_limit_ranges(limit_ranges, w)

    return tabbed_string(body)


def describe_namespace(ns: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    name = str(g(ns, "metadata", "name", default=""))
    return write_namespace(ns, _list_or_none(lookup, "resourcequotas", name), _list_or_none(lookup, "limitranges", name))


def describe_quota(quota: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    """describeQuota: ``Used`` is re-expressed in the format of ``Hard`` when they differ."""

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(quota, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(quota, 'metadata', 'namespace', default='')}\n")
        scopes = _scopes(quota)
        if scopes:
            w.write(LEVEL_0, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in _SCOPE_HELP:
                    w.write(LEVEL_0, f" * {_SCOPE_HELP[scope]}\n")
        w.write(LEVEL_0, "Resource\tUsed\tHard\n")
        w.write(LEVEL_0, "--------\t----\t----\n")
        hard = g(quota, "status", "hard", default={})
        used = g(quota, "status", "used", default={})
        for name in sorted(hard):
            hard_q = parse_or_zero(hard[name])
            used_q = parse_or_zero(used[name]) if name in used else ZERO
            if hard_q.format != used_q.format:
                used_q = new_quantity(used_q.int_value(), hard_q.format)
            w.write(LEVEL_0, f"{name}\t{used_q.string()}\t{hard_q.string()}\n")

    return tabbed_string(body)


def describe_limit_range(lr: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(lr, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(lr, 'metadata', 'namespace', default='')}\n")
        w.write(LEVEL_0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
        w.write(LEVEL_0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
        _limit_range_rows(lr.get("spec") or {}, "", w)

    return tabbed_string(body)
