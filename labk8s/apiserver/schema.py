"""Strict decoding of request bodies, as kube-apiserver decodes them into its Go types.

kubectl sends ``fieldValidation=Strict`` by default. The server then decodes the JSON body with
``sigs.k8s.io/json``'s ``UnmarshalStrict`` into the versioned Go struct and, on any error, answers
400 BadRequest from ``transformDecodeError`` (k8s.io/apiserver/pkg/endpoints/handlers/rest.go)::

    Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"
    Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct
        field Container.spec.containers.image of type string
    Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '...'

The Go types are modelled by the v1.37 strict JSON schemas that the ``kubernetes-validate`` package
ships (one ``$defs`` entry per Go struct). They are loaded on first use (about 30 ms) and each definition is compiled
once (:mod:`labk8s.apiserver.schema_compile`); a valid object costs one pass of small closures, and
only an invalid one is replayed by :mod:`labk8s.apiserver.schema_walk` for the exact message.

Decoding is not validation: required fields, enums and value formats are the kind's validation
(422 Invalid) and are not checked here. ``apiVersion`` and ``kind`` must be known to the caller.
"""

from __future__ import annotations

from typing import Any

from labk8s.apiserver import openapi
from labk8s.apiserver.schema_compile import (
    BOOL,
    BYTES,
    FLOAT,
    INT,
    INTSTR,
    LIST,
    MAP,
    MICROTIME,
    QUANTITY,
    STR,
    STRUCT,
    TIME,
    Compiler,
    Node,
)
from labk8s.apiserver.schema_walk import DecodeResult, walk
from labk8s.errors import ApiError

__all__ = ["DecodeResult", "check", "decode_errors", "has_schema", "metadata_error", "prune"]

_SCHEMA_DIR = ("kubernetes-json-schema", "v1.37.0-local-strict", "_definitions.json")


class _Schemas:
    """The definitions file, its GVK index and the compiled roots; all built on first use."""

    def __init__(self) -> None:
        self._compiler: Compiler | None = None
        self._by_gvk: dict[tuple[str, str, str], str] = {}
        self._roots: dict[tuple[str, str], Node] = {}
        self._metadata_only: Node | None = None

    def _load(self) -> Compiler:
        if self._compiler is None:
            defs = openapi.definitions()
            for def_id, schema in defs.items():
                for gvk in schema.get("x-kubernetes-group-version-kind", ()):
                    self._by_gvk.setdefault((gvk["group"], gvk["version"], gvk["kind"]), def_id)
            self._compiler = Compiler(defs)
        return self._compiler

    def root(self, api_version: str, kind: str) -> Node | None:
        node = self._roots.get((api_version, kind))
        if node is None:
            compiler = self._load()
            group, _, version = api_version.rpartition("/")
            def_id = self._by_gvk.get((group, version, kind))
            if def_id is None:
                return None
            node = compiler.ref(def_id)
            self._roots[(api_version, kind)] = node
        return node

    def metadata_only(self) -> Node:
        """kubectl's metadataOnlyObject: TypeMeta inline plus ObjectMeta (cli-runtime mapper.go)."""
        if self._metadata_only is None:
            compiler = self._load()
            node = Node(STRUCT, "resource.metadataOnlyObject", name="metadataOnlyObject")
            node.fields["apiVersion"] = Node(STR, "string")
            node.fields["kind"] = Node(STR, "string")
            node.fields["metadata"] = compiler.ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
            self._metadata_only = node
        return self._metadata_only


_SCHEMAS = _Schemas()


def _root(api_version: str, kind: str) -> Node:
    node = _SCHEMAS.root(api_version, kind)
    if node is None:
        raise LookupError(f"no schema for kind {kind!r} in version {api_version!r}")
    return node


def has_schema(api_version: str, kind: str) -> bool:
    """Whether the v1.37 schemas define ``kind`` in ``api_version`` (``apps/v1``, ``v1``)."""
    return _SCHEMAS.root(api_version, kind) is not None


def decode_errors(obj: dict[str, Any], api_version: str, kind: str) -> DecodeResult:
    """The raw outcome of decoding ``obj``: ``.error`` (fatal, text of the Go error), ``.strict``
    (``unknown field "..."`` texts) and ``.unknown`` ((parent dict, key) of each unknown field).
    For callers that word the error themselves (the patch handler). LookupError for an unknown kind.
    """
    root = _root(api_version, kind)
    if root.fast(obj):
        return DecodeResult()
    return walk(root, obj)


def check(obj: dict[str, Any], api_version: str, kind: str, strict: bool = True) -> list[str]:
    """Decode ``obj`` as the create/update handlers do; raise ApiError 400 on failure.

    ``strict=True`` is ``fieldValidation=Strict``: unknown fields fail the request.
    ``strict=False`` is ``Ignore``/``Warn``: unknown fields are allowed and returned as the warning
    texts (``unknown field "spec.foo"``) that ``Warn`` sends; call :func:`prune` on the copy you store
    to drop them, as the Go struct would. Type errors fail in every mode. ``obj`` is never changed.
    LookupError when the kind has no schema (the caller answers unknown kinds itself).
    """
    root = _root(api_version, kind)
    if root.fast(obj):
        return []
    result = walk(root, obj)
    version = api_version.rpartition("/")[2]
    prefix = f'{kind} in version "{version}" cannot be handled as a {kind}: '
    if result.error is not None:
        raise ApiError.bad_request(prefix + result.error)
    if result.strict and strict:
        raise ApiError.bad_request(prefix + "strict decoding error: " + ", ".join(result.strict))
    return list(result.strict)


def metadata_error(obj: dict[str, Any]) -> str | None:
    """The error kubectl itself finds when it decodes a manifest's metadata before sending it
    (``metadataValidatingDecoder``: non-strict, so only type errors), or None."""
    return walk(_SCHEMAS.metadata_only(), obj).error


def prune(obj: dict[str, Any], api_version: str, kind: str) -> list[str]:
    """Drop the fields that the Go types do not have, in place (what decoding does with
    ``fieldValidation=Ignore``); return the strict-error texts of the dropped fields."""
    root = _root(api_version, kind)
    if root.fast(obj):
        return []
    result = walk(root, obj)
    for parent, key in result.unknown:
        parent.pop(key, None)
    return list(result.strict)


def _zero(node: Node | None) -> Any:
    """Go's zero value of a decode target, as it re-encodes to JSON."""
    if node is None:
        return None
    code = node.code
    if code in (STR, BYTES):
        return ""
    if code in (INT, INTSTR):
        return 0
    if code == FLOAT:
        return 0
    if code == BOOL:
        return False
    if code == QUANTITY:
        return "0"
    if code == STRUCT:
        return {}
    return None


def _zero_nulls(value: Any, node: Node | None, only: set[int] | None) -> None:
    if node is None or (only is not None and id(value) not in only):
        return
    if isinstance(value, dict):
        if node.code == STRUCT:
            for key in [k for k, v in value.items() if v is None]:
                field = node.fields.get(key)
                if field is not None and field.code in (TIME, MICROTIME):
                    continue  # a zero metav1.Time marshals as null (lastProbeTime: null)
                del value[key]  # a null field leaves the Go field at its zero value, omitted on output
            for key, v in value.items():
                if isinstance(v, dict | list):
                    _zero_nulls(v, node.fields.get(key), only)
        elif node.code == MAP:
            for key, v in list(value.items()):
                if v is None:
                    zero = _zero(node.elem)
                    if zero is None:
                        del value[key]
                    else:
                        value[key] = zero  # SetMapIndex(key, zero)
                elif isinstance(v, dict | list):
                    _zero_nulls(v, node.elem, only)
    elif isinstance(value, list) and node.code == LIST:
        for i, v in enumerate(value):
            if v is None:
                value[i] = _zero(node.elem)
            elif isinstance(v, dict | list):
                _zero_nulls(v, node.elem, only)


def zero_nulls(obj: dict[str, Any], api_version: str, kind: str, only: set[int] | None = None) -> None:
    """Turn JSON nulls into what Go's decoder leaves in a typed object, in place: a null struct field is
    absent, a null map value is the element's zero value ("" for strings, "0" for quantities), a null
    list item is the element's zero value ({} for structs). ``only``: the ids of the dicts and lists that
    hold a null (codec.copy_null_ids); the others are skipped."""
    node = _SCHEMAS.root(api_version, kind)
    if node is not None:
        _zero_nulls(obj, node, only)
