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


def copy_has_null(obj: Any) -> tuple[Any, bool]:
    """A deep copy of JSON data, and whether it holds any null (which then needs Go's decoding rules)."""
    found = False

    def walk(v: Any) -> Any:
        nonlocal found
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                if x is None:
                    found = True
                out[k] = walk(x) if isinstance(x, dict | list) else x
            return out
        out_list = []
        for x in v:
            if x is None:
                found = True
            out_list.append(walk(x) if isinstance(x, dict | list) else x)
        return out_list

    copied = walk(obj) if isinstance(obj, dict | list) else obj
    return copied, found


def copy_null_ids(obj: Any) -> tuple[Any, set[int]]:
    """A deep copy of JSON data, and the ids of the copy's dicts and lists that hold a null at any depth
    (empty when there is none): what Go's null decoding rules must visit (schema.zero_nulls ``only``)."""
    ids: set[int] = set()

    def walk(v: Any) -> Any:
        before = len(ids)
        null = False
        if isinstance(v, dict):
            out: Any = {}
            for k, x in v.items():
                if x is None:
                    null = True
                    out[k] = x
                else:
                    out[k] = walk(x) if isinstance(x, dict | list) else x
        else:
            out = []
            for x in v:
                if x is None:
                    null = True
                    out.append(x)
                else:
                    out.append(walk(x) if isinstance(x, dict | list) else x)
        if null or len(ids) != before:
            ids.add(id(out))
        return out

    copied = walk(obj) if isinstance(obj, dict | list) else obj
    return copied, ids


def null_ids(obj: Any) -> set[int]:
    """The ids of the dicts and lists in ``obj`` that hold a null at any depth (copy_null_ids without
    the copy, for an object the caller owns)."""
    ids: set[int] = set()

    def walk(v: Any) -> None:
        before = len(ids)
        null = False
        for x in (v.values() if isinstance(v, dict) else v):
            if x is None:
                null = True
            elif isinstance(x, dict | list):
                walk(x)
        if null or len(ids) != before:
            ids.add(id(v))

    if isinstance(obj, dict | list):
        walk(obj)
    return ids
