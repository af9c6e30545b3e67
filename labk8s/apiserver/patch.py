"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch.

Strategic merge patch follows k8s.io/apimachinery/pkg/util/strategicpatch: lists with a patch merge key
(containers by name, ports by containerPort, ...) merge item by item, `$patch: delete` removes an item,
`$setElementOrder/<field>` orders the result, `$retainKeys` prunes, `null` deletes a key, and other
lists are replaced whole. The merge keys come from the v1.37 OpenAPI schema
(`x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy`).
"""

from __future__ import annotations

from typing import Any

from labk8s.apiserver import openapi
from labk8s.apiserver.codec import deep_copy
from labk8s.errors import ApiError

Obj = dict[str, Any]


def apply_patch(current: Obj, patch: Any, patch_type: str, api_version: str, kind: str,
                owned: bool = False) -> Obj:
    """The patched object, never sharing anything with ``patch``. ``owned``: ``current`` is the caller's
    own copy and a merge patch may change it in place (the result is then ``current``)."""
    if patch_type in ("merge", "application/merge-patch+json"):
        if not isinstance(patch, dict):
            raise ApiError.bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}")
        if owned:
            _merge_into(current, patch)
            result = current
        else:
            result = merge_patch(current, patch)
    elif patch_type in ("json", "application/json-patch+json"):
        result = json_patch(current, patch)
    elif patch_type in ("strategic", "application/strategic-merge-patch+json"):
        if not isinstance(patch, dict):
            raise ApiError.bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}")
        result = strategic_merge_patch(current, patch, openapi.root_ref(api_version, kind))
    else:
        raise ApiError._make(415, "UnsupportedMediaType", f"the server does not support patch type {patch_type}")
    if not isinstance(result, dict):
        raise ApiError.bad_request("patched object is not a JSON object")
    return result


# -- RFC 7386 ---------------------------------------------------------------------------------------

def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return deep_copy(patch)
    result = deep_copy(target) if isinstance(target, dict) else {}
    _merge_into(result, patch)
    return result


def _merge_into(result: Obj, patch: Obj) -> None:
    """MergePatch into ``result``, which the caller owns (copied once, not again at every level)."""
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            cur = result.get(key)
            if not isinstance(cur, dict):
                cur = {}
            result[key] = cur
            _merge_into(cur, value)
        else:
            result[key] = deep_copy(value)


# -- RFC 6902 ---------------------------------------------------------------------------------------

def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ApiError._make(422, "Invalid", f"the server rejected our request due to an error in our request: "
                             f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc: Any, parts: list[str]) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, dict):
            if p not in cur:
                raise _jp_error(f"path {p!r} not found")
            cur = cur[p]
        elif isinstance(cur, list):
            cur = cur[_index(p, len(cur))]
        else:
            raise _jp_error(f"cannot traverse into {p!r}")
    return cur


def _index(p: str, n: int, allow_end: bool = False) -> int:
    if p == "-" and allow_end:
        return n
    try:
        i = int(p)
    except ValueError:
        raise _jp_error(f"invalid array index {p!r}") from None
    if i < 0 or i > n or (i == n and not allow_end):
        raise _jp_error(f"array index out of bounds: {i}")
    return i


def _jp_error(msg: str) -> ApiError:
    return ApiError._make(422, "Invalid", f"the server rejected our request due to an error in our request: {msg}")


def json_patch(doc: Any, ops: Any) -> Any:
    if not isinstance(ops, list):
        raise ApiError.bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = deep_copy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise _jp_error("invalid patch operation")
        kind, parts = op["op"], _pointer(op["path"])
        if kind == "test":
            if _walk(doc, parts) != op.get("value"):
                raise _jp_error(f"testing value {op['path']} failed")
            continue
        if kind in ("move", "copy"):
            value = deep_copy(_walk(doc, _pointer(op["from"])))
            if kind == "move":
                doc = _remove(doc, _pointer(op["from"]))
            doc = _add(doc, parts, value)
        elif kind == "add":
            doc = _add(doc, parts, deep_copy(op.get("value")))
        elif kind == "remove":
            doc = _remove(doc, parts)
        elif kind == "replace":
            doc = _remove(doc, parts)
            doc = _add(doc, parts, deep_copy(op.get("value")))
        else:
            raise _jp_error(f"unexpected kind of operation {kind!r}")
    return doc


def _add(doc: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(last, len(parent), allow_end=True), value)
    else:
        raise _jp_error("cannot add to a scalar")
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    if not parts:
        return None
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise _jp_error(f"unable to remove nonexistent key: {last}")
        del parent[last]
    elif isinstance(parent, list):
        del parent[_index(last, len(parent))]
    return doc


# -- strategic merge patch --------------------------------------------------------------------------

def strategic_merge_patch(current: Obj, patch: Obj, schema_ref: str | None) -> Obj:
    result = _smp_map(deep_copy(current), patch, schema_ref)
    return result


def _smp_map(target: Obj, patch: Obj, ref: str | None) -> Obj:
    if patch.get("$patch") == "replace":
        out = {k: deep_copy(v) for k, v in patch.items() if k != "$patch"}
        return out
    if patch.get("$patch") == "delete":
        return {}
    retain = patch.get("$retainKeys")
    orders = {k[len("$setElementOrder/"):]: v for k, v in patch.items() if k.startswith("$setElementOrder/")}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            continue
        field = openapi.field_info(ref, key)
        if value is None:
            target.pop(key, None)
            continue
        cur = target.get(key)
        if isinstance(value, dict) and field.kind != "atomic-map":
            target[key] = _smp_map(cur if isinstance(cur, dict) else {}, value, field.ref)
        elif isinstance(value, list) and field.merge_key and field.strategy_merge:
            target[key] = _smp_list(cur if isinstance(cur, list) else [], value, field.merge_key, field.item_ref,
                                    orders.get(key))
        elif isinstance(value, list) and field.strategy_merge:
            merged = list(cur) if isinstance(cur, list) else []
            for v in value:
                if v not in merged:
                    merged.append(deep_copy(v))
            target[key] = merged
        else:
            target[key] = deep_copy(value)
    for key, value in patch.items():
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key[len("$deleteFromPrimitiveList/"):]
            if isinstance(target.get(name), list):
                target[name] = [v for v in target[name] if v not in value]
    if isinstance(retain, list):
        for k in list(target):
            if k not in retain:
                del target[k]
    return target


def _smp_list(target: list[Any], patch: list[Any], merge_key: str, item_ref: str | None,
              order: list[Any] | None) -> list[Any]:
    result = [deep_copy(x) for x in target]
    for item in patch:
        if not isinstance(item, dict):
            continue
        directive = item.get("$patch")
        key_value = item.get(merge_key)
        idx = next((i for i, x in enumerate(result) if isinstance(x, dict) and x.get(merge_key) == key_value), None)
        if directive == "delete":
            if idx is not None:
                del result[idx]
            continue
        if idx is None:
            result.append(_smp_map({}, item, item_ref))
        else:
            result[idx] = _smp_map(result[idx], item, item_ref)
    if order:
        def h(v: Any) -> Any:
            return repr(v) if isinstance(v, dict | list) else v

        keys = [h(o.get(merge_key)) for o in order if isinstance(o, dict)]
        rank = {k: i for i, k in enumerate(keys)}
        ordered = sorted((x for x in result if isinstance(x, dict) and h(x.get(merge_key)) in rank),
                         key=lambda x: rank[h(x.get(merge_key))])
        rest = [x for x in result if not (isinstance(x, dict) and h(x.get(merge_key)) in rank)]
        result = ordered + rest
    return result
