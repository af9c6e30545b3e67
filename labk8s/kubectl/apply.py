"""Client-side `kubectl apply` (k8s.io/kubectl/pkg/cmd/apply): create with the
`kubectl.kubernetes.io/last-applied-configuration` annotation, or compute a three-way strategic merge
patch from (last applied, new manifest, live object) and PATCH it."""

from __future__ import annotations

import json
from typing import Any

from labk8s.apiserver.openapi import field_info, root_ref
from labk8s.client.client import Client
from labk8s.errors import ApiError

Obj = dict[str, Any]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def last_applied_json(obj: Obj) -> str:
    """What kubectl stores in the annotation: the manifest as compact JSON, keys sorted, newline-ended."""
    clean = json.loads(json.dumps(obj))
    meta = clean.get("metadata") or {}
    ann = dict(meta.get("annotations") or {})
    ann.pop(LAST_APPLIED, None)
    if ann:
        meta["annotations"] = ann
    else:
        meta.pop("annotations", None)
    return json.dumps(clean, separators=(",", ":"), sort_keys=True) + "\n"


def apply_object(client: Client, obj: Obj, namespace: str | None) -> Obj:
    rt = client.resource_for(obj)
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    if rt.namespaced and namespace and meta.get("namespace") and meta["namespace"] != namespace:
        raise ApiError.bad_request(f'the namespace from the provided object "{meta["namespace"]}" does not match '
                                   f'the namespace "{namespace}". You must pass \'--namespace={meta["namespace"]}\' '
                                   "to perform this operation.")
    ns = (meta.get("namespace") or namespace or "default") if rt.namespaced else ""
    name = meta.get("name")
    if not name:
        raise ApiError.bad_request("resource name may not be empty")
    annotated = json.loads(json.dumps(obj))
    annotated.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = last_applied_json(obj)
    try:
        live = client.get(rt, ns, name)
    except ApiError as err:
        if err.code != 404:
            raise
        return client.create(annotated, ns or None)
    original_text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    try:
        original = json.loads(original_text) if original_text else {}
    except ValueError as err:
        raise ApiError.bad_request(f"error when creating patch with:\nobject:\n{json.dumps(obj)}\nfor: "
                                   f"{LAST_APPLIED}: {err}") from None
    if not isinstance(original, dict):
        original = {}
    patch = three_way_patch(original, annotated, live, root_ref(rt.api_version, rt.kind))
    if not patch:
        return live
    return client.patch(rt, ns, name, patch, "strategic")


def three_way_patch(original: Obj, modified: Obj, current: Obj, ref: str | None) -> Obj:
    """strategicpatch.CreateThreeWayMergePatch: deletions from original->modified, changes current->modified."""
    return _map_patch(original, modified, current, ref)


def _map_patch(original: Obj, modified: Obj, current: Obj, ref: str | None) -> Obj:
    patch: Obj = {}
    for key in sorted(set(original) - set(modified)):
        if key in current:
            patch[key] = None
    for key in modified:
        new = modified[key]
        cur = current.get(key)
        orig = original.get(key)
        info = field_info(ref, key)
        if isinstance(new, dict) and isinstance(cur, dict) and info.kind != "atomic-map":
            sub = _map_patch(orig if isinstance(orig, dict) else {}, new, cur, info.ref)
            if sub:
                patch[key] = sub
        elif isinstance(new, list) and info.merge_key and info.strategy_merge and isinstance(cur, list):
            sub_list, order = _list_patch(orig if isinstance(orig, list) else [], new, cur, info.merge_key,
                                          info.item_ref)
            if sub_list:
                patch[key] = sub_list
            if sub_list or [x.get(info.merge_key) for x in cur if isinstance(x, dict)] != \
                    [x.get(info.merge_key) for x in new if isinstance(x, dict)]:
                patch[f"$setElementOrder/{key}"] = order
                patch.setdefault(key, [])
        elif new != cur:
            patch[key] = new
    return patch


def _list_patch(original: list[Any], modified: list[Any], current: list[Any], key: str,
                item_ref: str | None) -> tuple[list[Any], list[Any]]:
    def by_key(items: list[Any]) -> dict[Any, Obj]:
        # Merge keys are scalars in valid objects; an ill-typed one (a dict) is keyed by its JSON text so
        # the patch still reaches the server, which rejects it with the decoder's 400.
        return {_hashable(x.get(key)): x for x in items if isinstance(x, dict)}

    orig, cur = by_key(original), by_key(current)
    out: list[Any] = []
    order = [{key: x.get(key)} for x in modified if isinstance(x, dict)]
    for item in modified:
        if not isinstance(item, dict):
            continue
        k = _hashable(item.get(key))
        if k in cur:
            sub = _map_patch(orig.get(k, {}), item, cur[k], item_ref)
            if sub:
                sub[key] = item.get(key)
                out.append(sub)
        else:
            out.append(item)
    new_keys = {_hashable(x.get(key)) for x in modified if isinstance(x, dict)}
    for k in orig:
        if k not in new_keys and k in cur:
            out.append({"$patch": "delete", key: orig[k].get(key)})
    return out, order


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value
