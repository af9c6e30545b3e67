"""Field-error helpers shared by the strategies (k8s.io/apimachinery field/errors.go, apivalidation).

`FieldError` (labk8s.errors) renders bad values the way field.Error does for strings, numbers and maps.
Go structs marshal their fields in declaration order (not sorted), so errors whose bad value is a struct
(a LabelSelector, a ServicePort) carry a pre-rendered value: :class:`RenderedError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from labk8s.errors import FieldError

Obj = dict[str, Any]
Errs = list[FieldError]

MAX_INT32 = 2147483647

# Messages from apimachinery/pkg/api/validation and pkg/apis/core/validation.
IS_NEGATIVE = "must be greater than or equal to 0"
FIELD_IMMUTABLE = "field is immutable"
IS_NOT_INTEGER = "must be an integer"
IS_NOT_POSITIVE = "must be greater than zero"
FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive"
PORT_RANGE = "must be between 1 and 65535, inclusive"

_BODY = {
    "FieldValueNotFound": "Not found",
    "FieldValueDuplicate": "Duplicate value",
    "FieldValueInvalid": "Invalid value",
    "FieldValueNotSupported": "Unsupported value",
}

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def go_json(value: Any) -> str:
    """json.Marshal of a value whose key order is already Go's (struct order kept as given)."""
    return _dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class RenderedError(FieldError):
    """A field.Error whose bad value was rendered beforehand (Go struct JSON)."""

    __slots__ = ("rendered",)

    def __init__(self, type: str, field: str, rendered: str, detail: str = "") -> None:
        super().__init__(type, field, rendered, detail)
        self.rendered = rendered

    def error_body(self) -> str:
        body = f"{_BODY.get(self.type, self.type)}: {self.rendered}"
        return f"{body}: {self.detail}" if self.detail else body


def invalid_rendered(field: str, rendered: str, detail: str) -> FieldError:
    return RenderedError("FieldValueInvalid", field, rendered, detail)


def inclusive_range(lo: int, hi: int) -> str:
    """validation.InclusiveRangeError."""
    return f"must be between {lo} and {hi}, inclusive"


def nonnegative(value: Any, path: str, errs: Errs) -> None:
    """ValidateNonnegativeField."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        errs.append(FieldError.invalid(path, value, IS_NEGATIVE))


def not_supported(path: str, value: Any, valid: Sequence[str]) -> FieldError:
    """field.NotSupported: the supported values are listed in the order given (sets.List sorts)."""
    return FieldError.not_supported(path, value, valid)


def immutable(new: Any, old: Any, path: str, errs: Errs, rendered: str | None = None) -> None:
    """ValidateImmutableField: the bad value is the new value (nil renders as null)."""
    if new != old:
        if rendered is not None:
            errs.append(invalid_rendered(path, rendered, FIELD_IMMUTABLE))
        else:
            errs.append(FieldError.invalid(path, new, FIELD_IMMUTABLE))


def render_label_selector(sel: Any) -> str:
    """json.Marshal(metav1.LabelSelector): matchLabels then matchExpressions, empty fields omitted."""
    if not isinstance(sel, dict):
        return "null"
    out: Obj = {}
    if sel.get("matchLabels"):
        out["matchLabels"] = dict(sorted(sel["matchLabels"].items()))
    exprs = sel.get("matchExpressions")
    if exprs:
        rendered = []
        for e in exprs:
            r: Obj = {"key": e.get("key", ""), "operator": e.get("operator", "")}
            if e.get("values"):
                r["values"] = e["values"]
            rendered.append(r)
        out["matchExpressions"] = rendered
    return go_json(out)


def port_num_errors(port: Any) -> list[str]:
    """validation.IsValidPortNum."""
    if isinstance(port, int) and 1 <= port <= 65535:
        return []
    return [PORT_RANGE]


_PORT_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


_VALID_PORT_NAME = re.compile(r"(?=[a-z0-9-]*[a-z])(?![a-z0-9-]*--)[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?")


def port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName (an IANA_SVC_NAME)."""
    if _VALID_PORT_NAME.fullmatch(name):
        return []
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not name or not set(name) <= _PORT_NAME_CHARS:
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not set(name) & _LOWER:
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def port_num_or_name(port: Any, path: str, errs: Errs) -> None:
    """ValidatePortNumOrName for an IntOrString."""
    if isinstance(port, str):
        for msg in port_name_errors(port):
            errs.append(FieldError.invalid(path, port, msg))
    elif isinstance(port, int) and not isinstance(port, bool):
        for msg in port_num_errors(port):
            errs.append(FieldError.invalid(path, port, msg))


def messages_to_errors(path: str, value: Any, messages: Iterable[str], errs: Errs) -> None:
    for msg in messages:
        errs.append(FieldError.invalid(path, value, msg))


def struct_diff(type_name: str, old: Obj, new: Obj, go_fields: dict[str, str]) -> str:
    """A cmp.Diff-style rendering of the top-level fields that differ. An approximation: Go's output is in
    terms of internal struct values and is deliberately unstable across go-cmp versions."""
    keys = [k for k in go_fields if k in old or k in new]
    keys += sorted(k for k in set(old) | set(new) if k not in go_fields)
    lines = [f"  {type_name}{{"]
    same = 0
    for k in keys:
        if old.get(k) == new.get(k):
            same += 1
            continue
        if same:
            lines.append(f"  \t... // {same} identical fields")
            same = 0
        name = go_fields.get(k, k[:1].upper() + k[1:])
        lines.append(f"- \t{name}: {_go(old.get(k))},")
        lines.append(f"+ \t{name}: {_go(new.get(k))},")
    if same:
        lines.append(f"  \t... // {same} identical fields")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def _go(value: Any) -> str:
    return "nil" if value is None else go_json(value)
