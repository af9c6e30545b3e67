"""Field selectors (k8s.io/apimachinery/pkg/fields): `metadata.name=x,status.phase!=Running`.

Only the fields a real API server supports for each resource are accepted (pods: spec.nodeName,
status.phase, ...; events: involvedObject.*, reason, type, ...); others give the server's BadRequest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labk8s.errors import ApiError

Obj = dict[str, Any]

_COMMON = ("metadata.name", "metadata.namespace")

#: Field labels each resource supports (pkg/registry/*/strategy.go ...ToSelectableFields, and the
#: conversion funcs AddFieldLabelConversionFunc in pkg/apis/*/v1/conversion.go).
SUPPORTED: dict[str, tuple[str, ...]] = {
    "pods": _COMMON + ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                       "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
                       "status.nominatedNodeName"),
    "events": _COMMON + ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                         "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                         "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    "nodes": _COMMON + ("spec.unschedulable",),
    "namespaces": _COMMON + ("status.phase",),
    "secrets": _COMMON + ("type",),
    "replicasets.apps": _COMMON + ("status.replicas",),
    "jobs.batch": _COMMON + ("status.successful",),
    "persistentvolumeclaims": _COMMON,
    "certificatesigningrequests.certificates.k8s.io": _COMMON + ("spec.signerName",),
}


def _get_path(obj: Obj, path: str) -> str:
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
        if cur is None:
            return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if isinstance(cur, list):
        return ",".join(str(x.get("ip", "")) if isinstance(x, dict) else str(x) for x in cur)
    return str(cur)


def _event_source(obj: Obj) -> str:
    src = obj.get("source") or {}
    return str(src.get("component", "")) or str(obj.get("reportingComponent", ""))


class FieldSelector:
    """A parsed field selector: a conjunction of `field=value` / `field!=value` terms."""

    __slots__ = ("terms", "text")

    def __init__(self, terms: list[tuple[str, bool, str]], text: str) -> None:
        self.terms = terms  # (field, equal?, value)
        self.text = text

    def empty(self) -> bool:
        return not self.terms

    def matches(self, obj: Obj) -> bool:
        for field, equal, value in self.terms:
            actual = _event_source(obj) if field == "source" else _get_path(obj, field)
            if (actual == value) != equal:
                return False
        return True

    def requires_exact(self, field: str) -> str | None:
        for f, equal, value in self.terms:
            if f == field and equal:
                return value
        return None

    def __str__(self) -> str:
        return self.text


def parse_field_selector(text: str | None, group_resource: str) -> FieldSelector:
    """Parse and check a field selector against the fields the resource supports."""
    if not text:
        return FieldSelector([], "")
    terms: list[tuple[str, bool, str]] = []
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        if "!=" in part:
            field, value = part.split("!=", 1)
            equal = False
        elif "==" in part:
            field, value = part.split("==", 1)
            equal = True
        elif "=" in part:
            field, value = part.split("=", 1)
            equal = True
        else:
            raise ApiError.bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        field = field.strip()
        supported = SUPPORTED.get(group_resource, _COMMON)
        if field not in supported:
            raise ApiError.bad_request(f'field label not supported: {field}')
        terms.append((field, equal, value.strip()))
    return FieldSelector(terms, text)


Matcher = Callable[[Obj], bool]
