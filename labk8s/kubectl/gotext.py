"""How Go prints JSON-decoded values (map[string]interface{}, []interface{}, string, int64, float64, bool, nil).

kubectl's JSONPath and custom-columns printers hand decoded objects to fmt and encoding/json: `sprint` is
fmt.Sprint (%v: `map[k:v]`, `[a b]`, `<nil>`), `sharp_v` is %#v (used in error messages), `marshal` is
json.Marshal (compact, map keys sorted, HTML characters escaped) and `marshal_indent` json.MarshalIndent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from labk8s.kubectl.printers.gofmt import format_g, format_json_float

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_RE = re.compile("[<>&\u2028\u2029]")
_QUOTE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
                  "\\": "\\\\", '"': '\\"'}


def normalize(value: Any) -> Any:
    """A value as kubectl holds it after a JSON round trip: integral floats become int64 (json.Number)."""
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def go_type(value: Any) -> str:
    """The Go type name of a decoded JSON value (`%T`, reflect.Type.String())."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "interface {}"


def go_quote(text: str) -> str:
    """strconv.Quote: double-quoted with Go escapes, printable runes kept as they are."""
    out = ['"']
    for ch in text:
        if ch in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def sprint(value: Any) -> str:
    """fmt.Sprint of a decoded JSON value (%v): maps print with sorted keys."""
    if value is None:
        return "<nil>"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_g(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(sprint(v) for v in value) + "]"
    return str(value)


def sharp_v(value: Any, nested: bool = False) -> str:
    """fmt %#v of a decoded JSON value (Go syntax): `map[string]interface {}{"kind":"List", ...}`."""
    if value is None:
        return "interface {}(nil)" if nested else "<nil>"
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_g(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{go_quote(str(k))}:{sharp_v(value[k], True)}" for k in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[]interface {}{" + ", ".join(sharp_v(v, True) for v in value) + "}"
    return str(value)


def _json_string(text: str) -> str:
    return _HTML_RE.sub(lambda m: _HTML_ESCAPES[m.group()], json.dumps(text, ensure_ascii=False))


def _json_scalar(value: Any) -> str:
    if isinstance(value, str):
        return _json_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_json_float(value)
    raise TypeError(f"json: unsupported type: {type(value).__name__}")


def marshal(value: Any) -> str:
    """json.Marshal: compact, map keys sorted."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_string(str(k))}:{marshal(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(marshal(v) for v in value) + "]"
    return _json_scalar(value)


def marshal_indent(value: Any, indent: str = "    ", depth: int = 0) -> str:
    """json.MarshalIndent(value, "", indent)."""
    pad = indent * (depth + 1)
    if isinstance(value, dict) and value:
        items = [f"{pad}{_json_string(str(k))}: {marshal_indent(value[k], indent, depth + 1)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + indent * depth + "}"
    if isinstance(value, list | tuple) and value:
        items = [pad + marshal_indent(v, indent, depth + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent * depth + "]"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    return _json_scalar(value)
