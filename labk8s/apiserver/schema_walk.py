"""Replay kube-apiserver's strict JSON decode of one object to find its exact error.

The request body of kubectl is ``json.Marshal`` of a map, so object keys arrive sorted; the walker
visits them in that order, as ``sigs.k8s.io/json`` (a fork of ``encoding/json``) does:

- a value of the wrong JSON type is a *saved* ``UnmarshalTypeError``; only the first one is kept, the
  value is skipped and decoding goes on (``json: cannot unmarshal number into Go struct field
  Container.spec.containers.image of type string``);
- an error returned by a type's own ``UnmarshalJSON`` (Quantity, IntOrString, Time) stops decoding at
  once and wins over anything saved before;
- an unknown field is a *strict* error (``unknown field "spec.containers[0].imagee"``), reported only
  when nothing else failed; up to 100, deduplicated, in the order met.
"""

from __future__ import annotations

from typing import Any

from labk8s.apiserver.schema_compile import (
    ANY,
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
    Node,
)
from labk8s.apiserver.schema_go import (
    RFC3339,
    RFC3339_MICRO,
    base64_error,
    go_json_float,
    go_quote,
    quantity_error,
    time_error,
)

__all__ = ["DecodeResult", "walk"]

_MAX_STRICT = 100  # sigs.k8s.io/json saveStrictError keeps at most 100
_RANGES = {32: (-(2**31), 2**31 - 1), 64: (-(2**63), 2**63 - 1), 8: (0, 255)}


class _Abort(Exception):
    """An UnmarshalJSON error: decoding stops here."""


class DecodeResult:
    """What the decode of one object produced."""

    __slots__ = ("error", "strict", "unknown")

    def __init__(self) -> None:
        self.error: str | None = None  # the error that fails the decode (not a strict error)
        self.strict: list[str] = []  # strict errors: ``unknown field "..."``
        self.unknown: list[tuple[dict[str, Any], str]] = []  # (parent, key) of each unknown field


def _kind(value: Any) -> str:
    """The JSON kind that encoding/json names in UnmarshalTypeError.Value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    raise _Abort(f"json: unsupported type: {type(value).__name__}")


def _number_text(value: int | float) -> str:
    """The JSON literal kubectl sends for a number (json.Marshal)."""
    return str(value) if isinstance(value, int) else go_json_float(value)


def _int_problem(value: Any, bits: int) -> str | None:
    """UnmarshalTypeError.Value when ``value`` cannot decode into an int of ``bits`` bits, else None."""
    kind = _kind(value)
    if kind != "number":
        return kind
    text = _number_text(value)
    low, high = _RANGES[bits]
    digits = text[1:] if text[:1] == "-" else text
    if digits.isdigit() and digits.isascii() and low <= int(text) <= high:
        return None
    return "number " + text


class _Walker:
    def __init__(self) -> None:
        self.result = DecodeResult()
        self._seen: set[str] = set()

    def type_error(self, value: str, go: str, struct: str, fields: tuple[str, ...]) -> None:
        if self.result.error is None:
            self.result.error = _type_error_text(value, go, struct, fields)

    def walk(self, node: Node, value: Any, struct: str, fields: tuple[str, ...], path: str) -> None:
        if value is None:  # null is a no-op for every Go type (UnmarshalJSON types included)
            return
        code = node.code
        if code == STRUCT:
            kind = _kind(value)
            if kind != "object":
                self.type_error(kind, node.go, struct, fields)
                return
            for key in sorted(value, key=str):
                name = str(key)
                sub = f"{path}.{name}" if path else name
                field = node.fields.get(name)
                if field is None:
                    self.unknown(sub, value, key)
                    continue
                self.walk(field, value[key], node.name, fields + (name,), sub)
        elif code == LIST:
            kind = _kind(value)
            if kind != "array":
                self.type_error(kind, node.go, struct, fields)
                return
            assert node.elem is not None
            for i, item in enumerate(value):
                self.walk(node.elem, item, struct, fields, f"{path}[{i}]")
        elif code == MAP:
            kind = _kind(value)
            if kind != "object":
                self.type_error(kind, node.go, struct, fields)
                return
            assert node.elem is not None
            for key in sorted(value, key=str):
                self.walk(node.elem, value[key], struct, fields, f"{path}.{key}")
        elif code == STR or code == BOOL or code == FLOAT:
            kind = _kind(value)
            want = "string" if code == STR else "bool" if code == BOOL else "number"
            if kind != want:
                self.type_error(kind, node.go, struct, fields)
        elif code == INT:
            problem = _int_problem(value, node.bits)
            if problem is not None:
                self.type_error(problem, node.go, struct, fields)
        elif code == BYTES:
            self.walk_bytes(node, value, struct, fields)
        elif code == QUANTITY:
            err = quantity_error(value)
            if err is not None:
                raise _Abort(err)
        elif code == INTSTR:
            # IntOrString.UnmarshalJSON: a string, else json.Unmarshal into int32; the inner
            # UnmarshalTypeError gets the field context added on its way out.
            if not isinstance(value, str):
                problem = _int_problem(value, 32)
                if problem is not None:
                    raise _Abort(_type_error_text(problem, "int32", struct, fields))
        elif code == TIME or code == MICROTIME:
            # Time.UnmarshalJSON: json.Unmarshal into a string, then time.Parse(RFC3339[Micro]).
            kind = _kind(value)
            if kind != "string":
                raise _Abort(_type_error_text(kind, "string", struct, fields))
            err = time_error(value, RFC3339 if code == TIME else RFC3339_MICRO)
            if err is not None:
                raise _Abort(err)
        elif code != ANY:  # pragma: no cover - every code is handled above
            raise AssertionError(f"unknown node code {code}")

    def walk_bytes(self, node: Node, value: Any, struct: str, fields: tuple[str, ...]) -> None:
        kind = _kind(value)
        if kind == "string":
            err = base64_error(value)
            if err is not None and self.result.error is None:
                self.result.error = err  # a saved error without field context
        elif kind == "array":  # a JSON array of numbers decodes into []byte element by element
            for item in value:
                if item is not None:
                    problem = _int_problem(item, 8)
                    if problem is not None:
                        self.type_error(problem, "uint8", struct, fields)
        else:
            self.type_error(kind, node.go, struct, fields)

    def unknown(self, path: str, parent: dict[str, Any], key: str) -> None:
        self.result.unknown.append((parent, key))
        message = f"unknown field {go_quote(path)}"
        if message not in self._seen and len(self.result.strict) < _MAX_STRICT:
            self._seen.add(message)
            self.result.strict.append(message)


def _type_error_text(value: str, go: str, struct: str, fields: tuple[str, ...]) -> str:
    """UnmarshalTypeError.Error() with the context that addErrorContext sets."""
    if struct or fields:
        return f"json: cannot unmarshal {value} into Go struct field {struct}.{'.'.join(fields)} of type {go}"
    return f"json: cannot unmarshal {value} into Go value of type {go}"


def walk(root: Node, obj: Any) -> DecodeResult:
    """Decode ``obj`` into ``root`` as the server does; never raises for bad input."""
    walker = _Walker()
    try:
        walker.walk(root, obj, "", (), "")
    except _Abort as abort:
        walker.result.error = str(abort)
    return walker.result
