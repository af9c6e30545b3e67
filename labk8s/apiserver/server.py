"""The API server: the only component that touches the store.

Every request goes through the same path as in kube-apiserver's generic registry (store.go): strict
decoding against the v1.37 schema, defaulting, mutating admission, the kind's strategy (prepare and
validate), validating admission, then an optimistic-concurrency transaction in the store. Watchers are
served by per-resource cachers (watch.py). Every request is recorded in the audit log.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from labk8s._sim import EventLoop, Rng, UidGenerator, format_rfc3339
from labk8s.api.labels import Selector, parse_selector
from labk8s.api.resources import REGISTRY, ResourceRegistry, ResourceType, no_kind_match_message
from labk8s.api.validation import validate_object_meta, validate_object_meta_update
from labk8s.apiserver import deletion, schema
from labk8s.apiserver.admission.interface import AdmissionChain, Attributes
from labk8s.apiserver.audit import AuditLog, AuditRecord
from labk8s.apiserver.codec import copy_null_ids, decode, deep_copy, encode, null_ids
from labk8s.apiserver.fields import FieldSelector, parse_field_selector
from labk8s.apiserver.patch import apply_patch
from labk8s.apiserver.strategies import strategy_for
from labk8s.apiserver.strategy import Strategy
from labk8s.apiserver.watch import ApiWatcher, Cacher, WatchCache, WatchCallback
from labk8s.errors import ApiError, FieldError
from labk8s.store import CompactedError, Compare, KeyValue, Op, Store

Obj = dict[str, Any]

#: utilrand alphabet used by the name generator (no vowels, no 0/1/3).
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
_MAX_GENERATED_NAME_LENGTH = 63 - 5
#: Lists at least this long are decoded with the cyclic garbage collector paused.
BULK_DECODE = 1_000
#: Resources whose last committed object the server keeps (ApiServer._latest): pods, whose status the
#: kubelets write often.
_LATEST_PREFIX = "/registry/pods/"


class ApiServer:
    def __init__(self, store: Store, loop: EventLoop, rng: Rng, *, registry: ResourceRegistry = REGISTRY,
                 admission: AdmissionChain | None = None, audit: AuditLog | None = None) -> None:
        self.store = store
        self.loop = loop
        self.registry = registry
        self.admission = admission or AdmissionChain([])
        self.audit = audit or AuditLog()
        self._names = rng.child("generate-name")
        self._uids = UidGenerator(rng.child("uid"))
        self._cachers: dict[str, Cacher] = {}
        self._handoff: dict[str, tuple[Obj, Obj | None]] = {}
        self._watch_caches: dict[str, WatchCache] = {}
        #: The last committed object per pod key (shared with watchers, read-only): the old object of a
        #: status update or a binding, instead of decoding the stored bytes again. Status updates then
        #: share the unchanged spec with the previous version, as the watch cache's objects would.
        self._latest: dict[str, Obj] = {}

    # -- helpers ----------------------------------------------------------------------------------
    def now_ms(self) -> int:
        return self.loop.now_ms

    def resource(self, group: str, kind: str) -> ResourceType:
        rt = self.registry.preferred(group, kind)
        if rt is None:
            raise ApiError.not_found_resource_type()
        return rt

    def resource_for(self, obj: Obj) -> ResourceType:
        """The resource of a manifest, from its apiVersion and kind (400/404 as the server answers)."""
        if not isinstance(obj, dict):
            raise ApiError.bad_request("Object in body is not a JSON object")
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not kind or not isinstance(kind, str):
            raise ApiError.bad_request("Object 'Kind' is missing in '" + _short_json(obj) + "'")
        if not api_version or not isinstance(api_version, str):
            raise ApiError.bad_request("Object 'apiVersion' is missing in '" + _short_json(obj) + "'")
        rt = self.registry.for_gvk(api_version, kind)
        if rt is None:
            raise ApiError.not_found_resource_type(no_kind_match_message(api_version, kind))
        return rt

    def key(self, rt: ResourceType, namespace: str, name: str) -> str:
        return f"{rt.key_prefix}{namespace}/{name}" if rt.namespaced else f"{rt.key_prefix}{name}"

    def _audit(self, user: str, verb: str, rt: ResourceType, sub: str, ns: str, name: str, code: int) -> None:
        self.audit.record(AuditRecord(self.loop.now_ms, user, verb, rt.group_resource, sub, ns, name, code))

    # -- ObjectReader (admission plugins, internal loops) ---------------------------------------
    def read(self, rt: ResourceType, namespace: str, name: str) -> Obj | None:
        kv = self.store.get(self.key(rt, namespace, name))
        return decode(kv.value, kv.mod_revision) if kv is not None else None

    def read_all(self, rt: ResourceType, namespace: str | None) -> list[Obj]:
        prefix = rt.key_prefix if namespace is None or not rt.namespaced else f"{rt.key_prefix}{namespace}/"
        kvs, _ = self.store.range(prefix)
        if len(kvs) < BULK_DECODE:
            return [decode(kv.value, kv.mod_revision) for kv in kvs]
        # Decoding builds only acyclic dicts and lists; pausing the cyclic collector meanwhile saves its
        # repeated full scans of a large heap (reference counting still frees everything).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return [decode(kv.value, kv.mod_revision) for kv in kvs]
        finally:
            if enabled:
                gc.enable()

    def cached(self, rt: ResourceType, namespace: str, name: str) -> Obj | None:
        """A shared, read-only object from the watch cache (admission's listers)."""
        return self._watch_cache(rt).get(self.key(rt, namespace, name))

    def cached_all(self, rt: ResourceType, namespace: str | None) -> list[Obj]:
        prefix = rt.key_prefix if namespace is None or not rt.namespaced else f"{rt.key_prefix}{namespace}/"
        return self._watch_cache(rt).list(prefix)

    def _watch_cache(self, rt: ResourceType) -> WatchCache:
        cache = self._watch_caches.get(rt.key_prefix)
        if cache is None:
            cache = WatchCache(rt.key_prefix, self.store)
            self._watch_caches[rt.key_prefix] = cache
        return cache

    def write_status(self, rt: ResourceType, obj: Obj) -> None:
        self.update(obj, user="system:apiserver", subresource="status")

    # -- verbs ------------------------------------------------------------------------------------
    def create(self, obj: Obj, *, namespace: str | None = None, user: str = "admin",
               field_validation: str = "Strict", dry_run: bool = False, subresource: str = "") -> Obj:
        rt = self.resource_for(obj)
        meta = obj.get("metadata")
        ns = ""
        if rt.namespaced:
            ns = (meta.get("namespace") if isinstance(meta, dict) else None) or namespace or "default"
            if namespace and isinstance(meta, dict) and meta.get("namespace") and meta["namespace"] != namespace:
                raise ApiError.bad_request("the namespace of the provided object does not match the namespace "
                                           "sent on the request")
        name = str(meta.get("name") or "") if isinstance(meta, dict) else ""
        try:
            out = self._create(rt, obj, ns, user, field_validation, dry_run)
        except ApiError as err:
            self._audit(user, "create", rt, subresource, ns, name, err.code)
            raise
        self._audit(user, "create", rt, subresource, ns, out["metadata"]["name"], 201)
        return out

    def _create(self, rt: ResourceType, obj: Obj, ns: str, user: str, field_validation: str,
                dry_run: bool) -> Obj:
        schema.check(obj, rt.api_version, rt.kind, strict=field_validation == "Strict")
        obj = self._decoded(obj, rt)
        meta: Obj = obj.setdefault("metadata", {})
        if rt.namespaced:
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        strategy = strategy_for(rt.group, rt.kind)
        strategy.default(obj)
        attrs = Attributes("CREATE", rt, "", ns, str(meta.get("name") or ""), obj, None, user, dry_run)
        self.admission.admit(attrs, self)
        # rest.BeforeCreate: system fields, name generation, prepare, validate.
        for f in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
                  "selfLink"):
            meta.pop(f, None)
        meta["uid"] = self._uids.new()
        meta["creationTimestamp"] = format_rfc3339(self.loop.now_ms)
        if strategy.tracks_generation:
            meta["generation"] = 1
        else:
            meta.pop("generation", None)
        generated = False
        if meta.get("generateName") and not meta.get("name"):
            meta["name"] = self._generate_name(str(meta["generateName"]))
            generated = True
        strategy.prepare_for_create(obj)
        errs = validate_object_meta(meta, rt.namespaced, strategy.name_rule)
        errs += strategy.validate(obj)
        if errs:
            raise ApiError.invalid(rt.kind, rt.group, str(meta.get("name") or meta.get("generateName") or ""),
                                   errs)
        attrs.name = meta["name"]
        self.admission.validate(attrs, self)
        if dry_run:
            return obj
        key = self.key(rt, ns, meta["name"])
        data = encode(obj)
        self._handoff[key] = (obj, None)
        res = self.store.txn([Compare.create_revision(key, "=", 0)], [Op.put(key, data)], [])
        if not res.succeeded:
            self._handoff.pop(key, None)
            if generated:
                raise ApiError.generate_name_conflict(rt.plural, rt.group, meta["name"])
            raise ApiError.already_exists(rt.plural, rt.group, meta["name"])
        meta["resourceVersion"] = str(res.revision)
        if rt.key_prefix == _LATEST_PREFIX:
            self._latest[key] = obj
        self._notify_cacher(rt)
        return obj  # shared with watchers: callers treat it as immutable (the Cluster facade copies)

    @staticmethod
    def _decoded(obj: Obj, rt: ResourceType, owned: bool = False) -> Obj:
        """The request body as the server holds it after decoding into the Go type (nulls as zero values).
        ``owned``: ``obj`` is the server's own (a patched copy), decoded in place instead of copied."""
        if owned:
            copied, nulls = obj, null_ids(obj)
        else:
            copied, nulls = copy_null_ids(obj)
        if nulls:
            schema.zero_nulls(copied, rt.api_version, rt.kind, nulls)
            if not isinstance(copied.get("metadata"), dict):
                copied["metadata"] = {}
        return copied

    def _old(self, rt: ResourceType, key: str, kv: KeyValue) -> Obj:
        """The stored object at ``kv`` for read-only use: the last committed object when it is that
        revision (pods), else a fresh decode."""
        latest = self._latest.get(key)
        if latest is not None and latest["metadata"].get("resourceVersion") == str(kv.mod_revision):
            return latest
        return decode(kv.value, kv.mod_revision)

    def _generate_name(self, base: str) -> str:
        if len(base) > _MAX_GENERATED_NAME_LENGTH:
            base = base[:_MAX_GENERATED_NAME_LENGTH]
        return base + self._names.string(5, _ALPHANUMS)

    def get(self, rt: ResourceType, namespace: str, name: str, *, user: str = "admin",
            subresource: str = "") -> Obj:
        ns = namespace if rt.namespaced else ""
        obj = self.read(rt, ns, name)
        if obj is None:
            self._audit(user, "get", rt, subresource, ns, name, 404)
            raise ApiError.not_found(rt.plural, rt.group, name)
        self._audit(user, "get", rt, subresource, ns, name, 200)
        if subresource == "scale":
            return _to_scale(rt, obj)
        return obj

    def list(self, rt: ResourceType, namespace: str | None = None, *, label_selector: str | Selector | None = None,
             field_selector: str | None = None, user: str = "admin") -> tuple[list[Obj], str]:
        ns = namespace if rt.namespaced else None
        try:
            labels = parse_selector(label_selector) if isinstance(label_selector, str) else label_selector
        except ValueError as exc:
            self._audit(user, "list", rt, "", ns or "", "", 400)
            raise ApiError.bad_request(f"unable to parse requirement: {exc}") from None
        fields = parse_field_selector(field_selector, rt.group_resource)
        only = fields.requires_exact("metadata.name")
        if only is not None and (ns is not None or not rt.namespaced):
            # One key (a kubelet lists its own Node): read it instead of decoding the whole range.
            found = self.read(rt, ns or "", only)
            items = [found] if found is not None else []
        else:
            items = self.read_all(rt, ns)
        if labels is not None and not labels.empty():
            items = [o for o in items if labels.matches(o["metadata"].get("labels") or {})]
        if not fields.empty():
            items = [o for o in items if fields.matches(o)]
        self._audit(user, "list", rt, "", ns or "", "", 200)
        return items, str(self.store.revision)

    def update(self, obj: Obj, *, user: str = "admin", subresource: str = "", field_validation: str = "Strict",
               namespace: str | None = None) -> Obj:
        rt = self.resource_for(obj)
        meta = obj.get("metadata") or {}
        if not isinstance(meta, dict):
            schema.check(obj, rt.api_version, rt.kind)  # raises the decoder's type error
            raise ApiError.bad_request("metadata must be an object")
        ns = (meta.get("namespace") or namespace or "default") if rt.namespaced else ""
        name = str(meta.get("name") or "")
        try:
            out = self._update(rt, obj, ns, name, user, subresource, field_validation)
        except ApiError as err:
            self._audit(user, "update", rt, subresource, ns, name, err.code)
            raise
        self._audit(user, "update", rt, subresource, ns, name, 200)
        return out

    def _update(self, rt: ResourceType, obj: Obj, ns: str, name: str, user: str, subresource: str,
                field_validation: str, owned: bool = False) -> Obj:
        if not name:
            raise ApiError.bad_request("name is required")  # PUT without a name in the path
        schema.check(obj, rt.api_version, rt.kind, strict=field_validation == "Strict")
        key = self.key(rt, ns, name)
        kv = self.store.get(key)
        if kv is None:
            raise ApiError.not_found(rt.plural, rt.group, name)
        old = self._old(rt, key, kv) if subresource == "status" else decode(kv.value, kv.mod_revision)
        new = self._decoded(obj, rt, owned)
        meta: Obj = new.setdefault("metadata", {})
        strategy = strategy_for(rt.group, rt.kind)
        uid = meta.get("uid")
        if uid and uid != old["metadata"].get("uid"):
            raise ApiError.conflict(rt.plural, rt.group, name, f"Precondition failed: UID in precondition: {uid}, "
                                    f"UID in object meta: {old['metadata'].get('uid')}")
        rv = meta.get("resourceVersion")
        if rv:
            if str(rv) != str(kv.mod_revision):
                raise ApiError.optimistic_lock(rt.plural, rt.group, name)
        elif not strategy.allow_unconditional_update:
            raise ApiError.invalid(rt.kind, rt.group, name, [FieldError.invalid(
                "metadata.resourceVersion", "", "must be specified for an update")])
        meta["resourceVersion"] = str(kv.mod_revision)
        if rt.namespaced:
            meta["namespace"] = ns
        self._prepare_update(rt, strategy, new, old, subresource, user)
        return self._commit_update(rt, key, new, old, kv.mod_revision)

    def _prepare_update(self, rt: ResourceType, strategy: Strategy, new: Obj, old: Obj, subresource: str,
                        user: str) -> None:
        meta = new["metadata"]
        old_meta = old["metadata"]
        # System fields are owned by the server (rest.BeforeUpdate / FillObjectMetaSystemFields).
        for f in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if f in old_meta:
                meta[f] = old_meta[f]
            else:
                meta.pop(f, None)
        if subresource == "status":
            strategy.prepare_for_status_update(new, old)
            # Metadata other than labels/annotations/ownerReferences/finalizers stays as stored.
            errs = strategy.validate_status_update(new, old)
        elif subresource == "finalize":
            keep_spec = (new.get("spec") or {}).get("finalizers")
            new.clear()
            new.update(deep_copy(old))
            new.setdefault("spec", {})["finalizers"] = keep_spec or []
            if not keep_spec:
                new["spec"].pop("finalizers")
            errs = []
        else:
            strategy.default(new)
            attrs = Attributes("UPDATE", rt, subresource, meta.get("namespace", ""), meta.get("name", ""), new,
                               old, user)
            self.admission.admit(attrs, self)
            strategy.prepare_for_update(new, old)
            if strategy.tracks_generation and _spec_changed(new, old):
                meta["generation"] = int(old_meta.get("generation") or 0) + 1
            errs = validate_object_meta_update(meta, old_meta, "metadata")
            errs += validate_object_meta(meta, rt.namespaced, strategy.name_rule)
            errs += strategy.validate_update(new, old)
            if not errs:
                self.admission.validate(attrs, self)
        if errs:
            raise ApiError.invalid(rt.kind, rt.group, str(meta.get("name", "")), errs)

    def _commit_update(self, rt: ResourceType, key: str, new: Obj, old: Obj, mod_revision: int) -> Obj:
        meta = new["metadata"]
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if new == old:
            return new  # a no-op update writes nothing and keeps the resourceVersion
        if deletion.should_delete_now(new):
            self._handoff[key] = (new, None)
            res = self.store.txn([Compare.mod_revision(key, "=", mod_revision)], [Op.delete(key)], [])
            if not res.succeeded:
                self._handoff.pop(key, None)
                raise ApiError.optimistic_lock(rt.plural, rt.group, meta["name"])
            meta["resourceVersion"] = str(res.revision)
            self._latest.pop(key, None)
            self._notify_cacher(rt)
            return new
        data = encode(new)
        self._handoff[key] = (new, old)
        res = self.store.txn([Compare.mod_revision(key, "=", mod_revision)], [Op.put(key, data)], [])
        if not res.succeeded:
            self._handoff.pop(key, None)
            raise ApiError.optimistic_lock(rt.plural, rt.group, meta["name"])
        meta["resourceVersion"] = str(res.revision)
        if rt.key_prefix == _LATEST_PREFIX:
            self._latest[key] = new
        self._notify_cacher(rt)
        return new  # shared with watchers, like the object of a create

    def patch(self, rt: ResourceType, namespace: str, name: str, patch: Any, patch_type: str = "merge", *,
              user: str = "admin", subresource: str = "", field_validation: str = "Strict") -> Obj:
        ns = namespace if rt.namespaced else ""
        try:
            kv = self.store.get(self.key(rt, ns, name))
            if kv is None:
                raise ApiError.not_found(rt.plural, rt.group, name)
            current = decode(kv.value, kv.mod_revision)
            if subresource == "scale":
                scale = apply_patch(_to_scale(rt, current), patch, patch_type, "autoscaling/v1", "Scale")
                replicas = (scale.get("spec") or {}).get("replicas")
                current.setdefault("spec", {})["replicas"] = replicas
                current["metadata"]["resourceVersion"] = str(kv.mod_revision)
                out = self._update(rt, current, ns, name, user, "", field_validation)
                self._audit(user, "patch", rt, subresource, ns, name, 200)
                return _to_scale(rt, out)
            # ``current`` is a fresh decode: a merge patch changes it in place, and the update path then
            # decodes it in place instead of copying it again.
            owned = patch_type in ("merge", "application/merge-patch+json")
            patched = apply_patch(current, patch, patch_type, rt.api_version, rt.kind, owned=owned)
            if not isinstance(patched.get("metadata"), dict):
                raise ApiError.bad_request("metadata must be an object")
            patched["metadata"].setdefault("resourceVersion", str(kv.mod_revision))
            patched["metadata"]["name"] = patched["metadata"].get("name") or name
            out = self._update(rt, patched, ns, name, user, subresource, field_validation, owned=owned)
        except ApiError as err:
            self._audit(user, "patch", rt, subresource, ns, name, err.code)
            raise
        self._audit(user, "patch", rt, subresource, ns, name, 200)
        return out

    def bind(self, namespace: str, name: str, node_name: str, *, user: str = "kube-scheduler") -> None:
        """POST pods/binding (pkg/registry/core/pod/storage: assignPod)."""
        rt = self.resource("", "Pod")
        key = self.key(rt, namespace, name)
        kv = self.store.get(key)
        if kv is None:
            self._audit(user, "create", rt, "binding", namespace, name, 404)
            raise ApiError.not_found(rt.plural, rt.group, name)
        old = self._old(rt, key, kv)
        if old["metadata"].get("deletionTimestamp"):
            self._audit(user, "create", rt, "binding", namespace, name, 409)
            raise ApiError.conflict(rt.plural, rt.group, name, "pod is being deleted, cannot be assigned to a host")
        if (old.get("spec") or {}).get("nodeName"):
            self._audit(user, "create", rt, "binding", namespace, name, 409)
            raise ApiError.conflict(rt.plural, rt.group, name,
                                    f'pod {name} is already assigned to node "{old["spec"]["nodeName"]}"')
        new = deep_copy(old)
        new["spec"]["nodeName"] = node_name
        status = new.setdefault("status", {})
        conds = [c for c in status.get("conditions", []) if c.get("type") != "PodScheduled"]
        cond: Obj = {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": format_rfc3339(self.loop.now_ms)}
        if "generation" in new["metadata"]:
            cond["observedGeneration"] = new["metadata"]["generation"]  # v1.35+: conditions carry it
        conds.append(cond)
        status["conditions"] = conds
        status.pop("nominatedNodeName", None)  # the binding clears a nomination (v1.35+)
        self._commit_update(rt, key, new, old, kv.mod_revision)
        self._audit(user, "create", rt, "binding", namespace, name, 201)

    def delete(self, rt: ResourceType, namespace: str, name: str, *, user: str = "admin",
               propagation: str | None = None, grace_period_seconds: int | None = None,
               preconditions: dict[str, str] | None = None) -> Obj:
        ns = namespace if rt.namespaced else ""
        try:
            out = self._delete(rt, ns, name, user, propagation, grace_period_seconds, preconditions)
        except ApiError as err:
            self._audit(user, "delete", rt, "", ns, name, err.code)
            raise
        self._audit(user, "delete", rt, "", ns, name, 200)
        return out

    def _delete(self, rt: ResourceType, ns: str, name: str, user: str, propagation: str | None,
                grace: int | None, preconditions: dict[str, str] | None) -> Obj:
        key = self.key(rt, ns, name)
        kv = self.store.get(key)
        if kv is None:
            raise ApiError.not_found(rt.plural, rt.group, name)
        old = decode(kv.value, kv.mod_revision)
        meta = old["metadata"]
        if preconditions:
            uid = preconditions.get("uid")
            if uid and uid != meta.get("uid"):
                raise ApiError.conflict(rt.plural, rt.group, name,
                                        f"Precondition failed: UID in precondition: {uid}, UID in object meta: "
                                        f"{meta.get('uid')}")
            prv = preconditions.get("resourceVersion")
            if prv and prv != meta.get("resourceVersion"):
                raise ApiError.conflict(rt.plural, rt.group, name,
                                        f"Precondition failed: ResourceVersion in precondition: {prv}, "
                                        f"ResourceVersion in object meta: {meta.get('resourceVersion')}")
        self.admission.validate(Attributes("DELETE", rt, "", ns, name, None, old, user), self)
        new = deep_copy(old)
        nmeta = new["metadata"]
        if propagation is None:
            propagation = deletion.default_propagation(rt)
        if propagation not in ("Orphan", "Foreground", "Background"):
            raise ApiError.invalid("DeleteOptions", "meta.k8s.io", "", [FieldError.not_supported(
                "propagationPolicy", propagation, ["Foreground", "Background", "Orphan", "nil"])])
        changed = deletion.apply_propagation(nmeta, propagation)
        seconds = deletion.grace_period_seconds(rt, old, grace)
        is_namespace = rt.group == "" and rt.kind == "Namespace"
        if is_namespace:
            new.setdefault("status", {})["phase"] = "Terminating"
        if nmeta.get("deletionTimestamp"):
            # Already being deleted: a shorter grace period moves the deadline closer.
            cur = int(nmeta.get("deletionGracePeriodSeconds") or 0)
            if 0 <= seconds < cur or grace == 0:
                nmeta["deletionGracePeriodSeconds"] = seconds
                nmeta["deletionTimestamp"] = format_rfc3339(self.loop.now_ms + seconds * 1000)
            elif not changed:
                return old
            return self._commit_update(rt, key, new, old, kv.mod_revision)
        pending = seconds > 0 or bool(nmeta.get("finalizers")) or (
            is_namespace and bool((new.get("spec") or {}).get("finalizers")))
        if pending:
            nmeta["deletionTimestamp"] = format_rfc3339(self.loop.now_ms + seconds * 1000)
            nmeta["deletionGracePeriodSeconds"] = seconds
            if strategy_for(rt.group, rt.kind).tracks_generation and "generation" in nmeta:
                nmeta["generation"] = int(nmeta["generation"]) + 1
            return self._commit_update(rt, key, new, old, kv.mod_revision)
        self._handoff[key] = (old, None)
        res = self.store.txn([Compare.mod_revision(key, "=", kv.mod_revision)], [Op.delete(key)], [])
        if not res.succeeded:
            self._handoff.pop(key, None)
            raise ApiError.optimistic_lock(rt.plural, rt.group, name)
        self._latest.pop(key, None)
        self._notify_cacher(rt)
        return old

    # -- watch --------------------------------------------------------------------------------------
    def watch(self, rt: ResourceType, namespace: str | None, callback: WatchCallback, *,
              resource_version: str = "", label_selector: str | Selector | None = None,
              field_selector: str | FieldSelector | None = None, user: str = "admin",
              send_initial_events: bool = False) -> ApiWatcher:
        ns = namespace if rt.namespaced else None
        labels = parse_selector(label_selector) if isinstance(label_selector, str) else label_selector
        fields = (parse_field_selector(field_selector, rt.group_resource) if isinstance(field_selector, str)
                  or field_selector is None else field_selector)
        watcher = ApiWatcher(rt, ns, labels, fields, callback, user, self.loop)
        cacher = self._cacher(rt)
        if resource_version in ("", "0") or send_initial_events:
            for obj in self.read_all(rt, ns):
                if watcher.matches(obj):
                    watcher.enqueue(("ADDED", obj))
            if send_initial_events:
                watcher.enqueue(("BOOKMARK", _bookmark(rt, str(self.store.revision), initial_end=True)))
        else:
            self._replay(rt, watcher, resource_version, user)
        cacher.add(watcher)
        self._audit(user, "watch", rt, "", ns or "", "", 200)
        return watcher

    def _replay(self, rt: ResourceType, watcher: ApiWatcher, resource_version: str, user: str) -> None:
        try:
            since = int(resource_version)
        except ValueError:
            raise ApiError.bad_request(f'invalid resource version "{resource_version}"') from None
        replay: list[Any] = []
        try:
            w = self.store.watch(rt.key_prefix, since + 1, replay.extend)
        except CompactedError as exc:
            self._audit(user, "watch", rt, "", watcher.namespace or "", "", 410)
            raise ApiError.expired(f"too old resource version: {since} ({exc.compact_revision})") from None
        w.cancel()
        shadow = Cacher.__new__(Cacher)
        shadow.rt, shadow.watchers, shadow._handoff = rt, [watcher], {}
        shadow.indexed = {}
        shadow._on_store_events(replay)

    def stop_watch(self, watcher: ApiWatcher) -> None:
        cacher = self._cachers.get(watcher.rt.key_prefix)
        if cacher is not None:
            cacher.remove(watcher)
        watcher.stop()

    def _cacher(self, rt: ResourceType) -> Cacher:
        cacher = self._cachers.get(rt.key_prefix)
        if cacher is None:
            cacher = Cacher(rt, self.store, self._handoff)
            self._cachers[rt.key_prefix] = cacher
        return cacher

    def _notify_cacher(self, rt: ResourceType) -> None:
        # The store delivered the event synchronously; drop any handoff no cacher consumed.
        if rt.key_prefix not in self._cachers:
            self._handoff.clear()

    def compact(self, revision: int | None = None) -> None:
        self.store.compact(revision if revision is not None else self.store.revision)


def _spec_changed(new: Obj, old: Obj) -> bool:
    for k in set(new) | set(old):
        if k in ("metadata", "status"):
            continue
        if new.get(k) != old.get(k):
            return True
    return False


def _to_scale(rt: ResourceType, obj: Obj) -> Obj:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    selector = ""
    sel = spec.get("selector")
    if isinstance(sel, dict):
        from labk8s.api.labels import selector_from_label_selector
        selector = str(selector_from_label_selector(sel))
    meta = obj["metadata"]
    return {
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                     if k in meta},
        "spec": {"replicas": int(spec.get("replicas", 0))},
        "status": {"replicas": int(status.get("replicas", 0)), "selector": selector},
    }


def _bookmark(rt: ResourceType, rv: str, initial_end: bool) -> Obj:
    meta: Obj = {"resourceVersion": rv}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": meta}


def _short_json(obj: Obj) -> str:
    import json
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


Reader = Callable[[ResourceType, str, str], Obj | None]
