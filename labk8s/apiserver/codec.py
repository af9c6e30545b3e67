"""Encoding objects for the store, as the etcd3 storage layer does.

The store holds compact JSON bytes; `metadata.resourceVersion` is not stored but derived from the key's
mod_revision on every read (storage.APIObjectVersioner).
"""

from __future__ import annotations

import json
from typing import Any

Obj = dict[str, Any]

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_loads = json.loads


def encode(obj: Obj) -> bytes:
    meta = obj.get("metadata")
    rv = None
    if isinstance(meta, dict) and "resourceVersion" in meta:
        rv = meta.pop("resourceVersion")
    try:
        return _dumps(obj).encode()
    finally:
        if rv is not None and isinstance(meta, dict):
            meta["resourceVersion"] = rv


def decode(data: bytes, revision: int) -> Obj:
    obj: Obj = _loads(data)
    obj["metadata"]["resourceVersion"] = str(revision)
    return obj


def deep_copy(obj: Any) -> Any:
    """A deep copy of JSON data (faster than copy.deepcopy for plain dicts and lists)."""
    if isinstance(obj, dict):
        return {k: deep_copy(v) if isinstance(v, dict | list) else v for k, v in obj.items()}
    if isinstance(obj, list):
        return [deep_copy(v) if isinstance(v, dict | list) else v for v in obj]
    return obj


def decoded_copy(obj: Any) -> Any:
    """A deep copy shaped as Go's JSON decoder leaves a typed object: a `null` field is the zero value
    (omitted), and a `null` list item is the element type's zero value ({} for objects, "" for strings)."""
    if isinstance(obj, dict):
        return {k: decoded_copy(v) if isinstance(v, dict | list) else v for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        zero: Any = "" if any(isinstance(v, str) for v in obj) else (
            0 if any(isinstance(v, int | float) and not isinstance(v, bool) for v in obj) else {})
        return [zero if v is None else decoded_copy(v) if isinstance(v, dict | list) else v for v in obj]
    return obj
