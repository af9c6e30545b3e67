"""Compile the v1.37 strict JSON schema definitions into decode nodes.

Each definition becomes one :class:`Node` the first time a kind that reaches it is checked. A node
knows what Go's ``encoding/json`` would decode into (struct, slice, map, string, int32, a custom
``UnmarshalJSON`` type ...) and its Go type name, which the error texts print. It also carries
``fast``: a closure that answers "does this value decode without any error?" with plain type tests and
dict lookups, so valid objects (nearly all of them) cost a few microseconds. Only when ``fast`` says
no does :mod:`labk8s.apiserver.schema_walk` replay the decoder exactly to find the message.

Decode-time behaviour, not validation: ``required``, ``enum`` and formats other than byte and
date-time are checked later by the kind's validation (422 Invalid), never here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from labk8s.apiserver.schema_gotypes import GO_FIELD_TYPES, RESOURCE_LIST

__all__ = ["Compiler", "Node", "ANY", "STR", "BYTES", "BOOL", "INT", "FLOAT", "QUANTITY", "INTSTR",
           "TIME", "MICROTIME", "STRUCT", "LIST", "MAP"]

# Node codes: what the Go field decodes into.
ANY, STR, BYTES, BOOL, INT, FLOAT, QUANTITY, INTSTR, TIME, MICROTIME, STRUCT, LIST, MAP = range(13)

Fast = Callable[[Any], bool]
_REF_PREFIX = "#/$defs/"
_META = "io.k8s.apimachinery.pkg.apis.meta.v1."
# Definitions whose Go type has its own UnmarshalJSON (or holds raw JSON).
_SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": (QUANTITY, "resource.Quantity"),
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": (INTSTR, "intstr.IntOrString"),
    _META + "Time": (TIME, "v1.Time"),
    _META + "MicroTime": (MICROTIME, "v1.MicroTime"),
    _META + "FieldsV1": (ANY, "v1.FieldsV1"),
    "io.k8s.apimachinery.pkg.runtime.RawExtension": (ANY, "runtime.RawExtension"),
    # apiextensions' JSON and the JSONSchemaPropsOr* unions decode with their own UnmarshalJSON;
    # they are accepted as they come (their own errors are not modelled).
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": (ANY, "v1.JSON"),
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray":
        (ANY, "v1.JSONSchemaPropsOrArray"),
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool":
        (ANY, "v1.JSONSchemaPropsOrBool"),
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray":
        (ANY, "v1.JSONSchemaPropsOrStringArray"),
}
_INT_RANGE = {32: (-(2**31), 2**31 - 1), 64: (-(2**63), 2**63 - 1)}
_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_MICROTIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)")
_BASE64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
# Quantity strings that certainly parse: digits, optional fraction, a known suffix.
_QUANTITY_RE = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?(|[numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]{1,3})")


class Node:
    """One decode target: a Go type at some position of an object."""

    __slots__ = ("code", "go", "bits", "elem", "name", "fields", "fast")

    def __init__(self, code: int, go: str, bits: int = 0, elem: Node | None = None, name: str = "") -> None:
        self.code = code
        self.go = go  # reflect.Type.String() after pointer indirection
        self.bits = bits  # INT: 32 or 64
        self.elem = elem  # LIST and MAP: the element node
        self.name = name  # STRUCT: the unqualified struct name (errorContext.Struct.Name())
        self.fields: dict[str, Node] = {}  # STRUCT: json field name -> node
        self.fast: Fast = _pending

    def __repr__(self) -> str:
        return f"Node({self.go})"


def _true(value: Any) -> bool:
    return True


def _pending(value: Any) -> bool:  # pragma: no cover - replaced as soon as the struct is compiled
    raise AssertionError("struct node used before it was compiled")


def _owner_key(def_id: str) -> str:
    """Key prefix of :data:`GO_FIELD_TYPES`: ``core.v1.PodSpec``, ``meta.v1.ObjectMeta``."""
    if def_id.startswith("io.k8s.api."):
        return def_id[len("io.k8s.api."):]
    if def_id.startswith(_META):
        return "meta.v1." + def_id[len(_META):]
    return def_id


def _elem_go(go: str | None) -> str | None:
    """Element type of a named slice or map type string, for the element node."""
    if go is None:
        return None
    if go.startswith("[]"):
        return go[2:]
    if go.startswith("map["):
        return go[go.index("]") + 1:]
    return None


class Compiler:
    """Turns ``$defs`` entries into nodes, once each; recursive definitions share their node."""

    def __init__(self, defs: dict[str, Any]) -> None:
        self._defs = defs
        self._nodes: dict[str, Node] = {}

    def ref(self, def_id: str) -> Node:
        node = self._nodes.get(def_id)
        if node is not None:
            return node
        special = _SPECIAL.get(def_id)
        if special is not None:
            node = self._leaf(*special)
            self._nodes[def_id] = node
            return node
        parts = def_id.split(".")
        node = Node(STRUCT, f"{parts[-2]}.{parts[-1]}", name=parts[-1])
        self._nodes[def_id] = node  # registered before its fields: definitions can be recursive
        schema = self._defs[def_id]
        owner = _owner_key(def_id)
        for prop, sub in schema.get("properties", {}).items():
            node.fields[prop] = self._node(sub, GO_FIELD_TYPES.get(f"{owner}.{prop}"))
        node.fast = _struct_fast(node.fields)
        return node

    def _node(self, schema: dict[str, Any], go: str | None) -> Node:
        ref = schema.get("$ref")
        if ref is not None:
            return self.ref(ref[len(_REF_PREFIX):])
        types = schema.get("type")
        if isinstance(types, list):
            types = next((t for t in types if t != "null"), None)
        fmt = schema.get("format")
        if types == "string":
            if fmt == "byte":
                return self._leaf(BYTES, go or "[]uint8")
            return self._leaf(STR, go or "string")
        if types == "integer":
            bits = 32 if fmt == "int32" else 64
            return self._leaf(INT, go or f"int{bits}", bits)
        if types == "number":
            return self._leaf(FLOAT, go or "float64")
        if types == "boolean":
            return self._leaf(BOOL, go or "bool")
        if types == "array":
            elem = self._node(schema.get("items", {}), _elem_go(go))
            node = Node(LIST, go or f"[]{elem.go}", elem=elem)
            node.fast = _list_fast(elem)
            return node
        extra = schema.get("additionalProperties")
        if types == "object" and isinstance(extra, dict):
            elem = self._node(extra, _elem_go(go))
            default = RESOURCE_LIST if elem.code == QUANTITY else f"map[string]{elem.go}"
            node = Node(MAP, go or default, elem=elem)
            node.fast = _map_fast(elem)
            return node
        return self._leaf(ANY, go or "interface {}")

    @staticmethod
    def _leaf(code: int, go: str, bits: int = 0) -> Node:
        node = Node(code, go, bits)
        node.fast = _LEAF_FAST[code](bits)
        return node


# -- fast checks: True means "decodes without any error"; False means "ask the exact walker" --------


def _struct_fast(fields: dict[str, Node]) -> Fast:
    # Strings and booleans, the most common fields, are tested inline without a call.
    simple: dict[str, type] = {}
    calls: dict[str, Fast] = {}
    for name, node in fields.items():
        if node.code == STR:
            simple[name] = str
        elif node.code == BOOL:
            simple[name] = bool
        elif node.fast is _pending:  # an enclosing struct of a recursive definition: bind late
            calls[name] = _late(node)
        else:
            calls[name] = node.fast

    def fast(value: Any) -> bool:
        if type(value) is not dict:
            return value is None
        for key, item in value.items():
            expected = simple.get(key)
            if expected is not None:
                if type(item) is not expected and item is not None:
                    return False
                continue
            check = calls.get(key)
            if check is None or not check(item):
                return False
        return True

    return fast


def _late(node: Node) -> Fast:
    def fast(value: Any) -> bool:
        return node.fast(value)
    return fast


def _list_fast(elem: Node) -> Fast:
    if elem.code == STR:
        def fast_str(value: Any) -> bool:
            if type(value) is not list:
                return value is None
            for item in value:
                if type(item) is not str and item is not None:
                    return False
            return True
        return fast_str

    def fast(value: Any) -> bool:
        if type(value) is not list:
            return value is None
        check = elem.fast
        for item in value:
            if not check(item):
                return False
        return True
    return fast


def _map_fast(elem: Node) -> Fast:
    if elem.code == STR:
        def fast_str(value: Any) -> bool:
            if type(value) is not dict:
                return value is None
            for item in value.values():
                if type(item) is not str and item is not None:
                    return False
            return True
        return fast_str

    def fast(value: Any) -> bool:
        if type(value) is not dict:
            return value is None
        check = elem.fast
        for item in value.values():
            if not check(item):
                return False
        return True
    return fast


def _fast_int(bits: int) -> Fast:
    low, high = _INT_RANGE[bits]

    def fast(value: Any) -> bool:
        return value is None or (type(value) is int and low <= value <= high)
    return fast


def _fast_float(bits: int) -> Fast:
    def fast(value: Any) -> bool:
        return value is None or type(value) is int or type(value) is float
    return fast


def _fast_intstr(bits: int) -> Fast:
    def fast(value: Any) -> bool:
        t = type(value)
        return t is str or value is None or (t is int and -(2**31) <= value < 2**31)
    return fast


def _fast_quantity(bits: int) -> Fast:
    match = _QUANTITY_RE.fullmatch

    def fast(value: Any) -> bool:
        t = type(value)
        if t is str:
            return match(value) is not None
        return value is None or t is int or t is float
    return fast


def _time_fast(pattern: re.Pattern[str]) -> Callable[[int], Fast]:
    match = pattern.fullmatch

    def make(bits: int) -> Fast:
        def fast(value: Any) -> bool:
            # the pattern admits impossible dates (month 13, day 31 of June); the walker decides those
            return value is None or (type(value) is str and match(value) is not None
                                     and "01" <= value[5:7] <= "12" and "01" <= value[8:10] <= "28"
                                     and value[11:13] < "24" and value[14:16] < "60" and value[17:19] < "60")
        return fast
    return make


def _fast_bytes(bits: int) -> Fast:
    match = _BASE64_RE.fullmatch

    def fast(value: Any) -> bool:
        return value is None or (type(value) is str and match(value) is not None)
    return fast


def _fast_any(bits: int) -> Fast:
    return _true


def _fast_type(t: type) -> Callable[[int], Fast]:
    def make(bits: int) -> Fast:
        def fast(value: Any) -> bool:
            return value is None or type(value) is t
        return fast
    return make


_LEAF_FAST: dict[int, Callable[[int], Fast]] = {
    ANY: _fast_any, STR: _fast_type(str), BOOL: _fast_type(bool), INT: _fast_int, FLOAT: _fast_float,
    QUANTITY: _fast_quantity, INTSTR: _fast_intstr, TIME: _time_fast(_TIME_RE),
    MICROTIME: _time_fast(_MICROTIME_RE), BYTES: _fast_bytes,
}
