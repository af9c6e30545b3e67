"""The v1.37 OpenAPI definitions (as shipped by the `kubernetes-validate` package), loaded lazily.

Used for patch metadata (strategic merge keys) and by the strict schema check. Loading happens once,
on first use, so that building a Cluster stays fast.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from labk8s.errors import SimulationError

SCHEMA_VERSION = "v1.37.0-local-strict"


@lru_cache(maxsize=1)
def definitions() -> dict[str, Any]:
    # find_spec locates the package data without importing kubernetes_validate, whose __init__ pulls
    # in jsonschema (~80 ms) that labk8s never uses.
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise SimulationError("the kubernetes-validate package (v1.37 schemas) is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema" / SCHEMA_VERSION
    defs: dict[str, Any] = json.loads((path / "_definitions.json").read_text(encoding="utf-8"))["$defs"]
    return defs


@lru_cache(maxsize=1)
def _gvk_index() -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for name, d in definitions().items():
        for gvk in d.get("x-kubernetes-group-version-kind", ()):
            group, version, kind = gvk.get("group", ""), gvk["version"], gvk["kind"]
            api_version = f"{group}/{version}" if group else version
            index.setdefault((api_version, kind), name)
    return index


def root_ref(api_version: str, kind: str) -> str | None:
    """The definition name of a top-level kind, e.g. ('v1', 'Pod') -> 'io.k8s.api.core.v1.Pod'."""
    return _gvk_index().get((api_version, kind))


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    return None


@dataclass(frozen=True, slots=True)
class FieldInfo:
    ref: str | None  # definition of the field's object value (None for maps of scalars / unknown)
    item_ref: str | None  # definition of list items
    merge_key: str | None
    strategy_merge: bool
    kind: str  # "object", "map", "atomic-map", "list", "scalar", "unknown"


_UNKNOWN = FieldInfo(None, None, None, False, "unknown")


@lru_cache(maxsize=4096)
def field_info(ref: str | None, key: str) -> FieldInfo:
    if ref is None:
        return _UNKNOWN
    d = definitions().get(ref)
    if d is None:
        return _UNKNOWN
    prop = (d.get("properties") or {}).get(key)
    if prop is None:
        return _UNKNOWN
    strategy = str(prop.get("x-kubernetes-patch-strategy", ""))
    merge_key = prop.get("x-kubernetes-patch-merge-key")
    sub = _ref_name(prop)
    if sub is not None:
        return FieldInfo(sub, None, None, False, "object")
    types = prop.get("type")
    if types == "array" or (isinstance(types, list) and "array" in types):
        item_ref = _ref_name(prop.get("items") or {})
        return FieldInfo(None, item_ref, merge_key, "merge" in strategy.split(","), "list")
    if "additionalProperties" in prop:
        value_ref = _ref_name(prop["additionalProperties"])
        atomic = prop.get("x-kubernetes-map-type") == "atomic"
        return FieldInfo(None, value_ref, None, False, "atomic-map" if atomic else "map")
    return FieldInfo(None, None, None, False, "scalar")
