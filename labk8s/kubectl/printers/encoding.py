"""`kubectl get -o yaml` and `-o json` as kubectl prints them.

JSON: encoding/json.MarshalIndent(obj, "", "    ") + "\\n": keys sorted, HTML characters escaped.
YAML: sigs.k8s.io/yaml (JSON -> go-yaml v2): keys in go-yaml's natural order, 2-space indent, lists not
indented under their key, strings that would read back as another type double-quoted, multi-line strings
as literal blocks, long lines folded at 80 columns. PyYAML's emitter shares libyaml's algorithm; the
differences (scalar typing, double-quoted folding, 4-byte characters) are ported here.
"""

from __future__ import annotations

import calendar
import json
import math
import re
import unicodedata
from typing import Any

import yaml
from yaml.emitter import ScalarAnalysis

from .gofmt import format_g, format_json_float

# --- JSON ---------------------------------------------------------------------------------------------------


def _list_wrapper(items: list[Any]) -> dict[str, Any]:
    """The List kubectl prints for several objects (get.go printGeneric)."""
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def _wrap(obj_or_list: Any) -> Any:
    return _list_wrapper(list(obj_or_list)) if isinstance(obj_or_list, list | tuple) else obj_or_list


_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_RE = re.compile("[<>&\u2028\u2029]")
_INDENT = "    "


def _json_string(text: str) -> str:
    # encoding/json escapes <, > and & (and U+2028/U+2029) inside strings; the rest matches Python's.
    return _HTML_RE.sub(lambda m: _HTML_ESCAPES[m.group()], json.dumps(text, ensure_ascii=False))


def _json_value(value: Any, depth: int) -> str:
    """json.MarshalIndent(value, "", "    ") of a JSON-shaped Python value (map keys sorted)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = _INDENT * (depth + 1)
        items = [f"{inner}{_json_string(str(k))}: {_json_value(value[k], depth + 1)}" for k in sorted(value, key=str)]
        return "{\n" + ",\n".join(items) + "\n" + _INDENT * depth + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = _INDENT * (depth + 1)
        return "[\n" + ",\n".join(inner + _json_value(v, depth + 1) for v in value) + "\n" + _INDENT * depth + "]"
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


def to_json(obj_or_list: Any) -> str:
    """`kubectl get -o json`: one object, or a List (apiVersion v1, items, metadata.resourceVersion "")."""
    return _json_value(_wrap(obj_or_list), 0) + "\n"


# --- go-yaml v2 scalar resolution -------------------------------------------------------------------------------

_HINTS: dict[str, str] = {"+": "S", "-": "S", ".": "."}
_HINTS.update({c: "D" for c in "0123456789"})
_HINTS.update({c: "M" for c in "yYnNtTfFoO~"})

_RESOLVE_MAP = frozenset(
    "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL "
    ".nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<".split()
)
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_DOT_FLOAT = re.compile(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$"
)
_INT64 = (-(1 << 63), (1 << 63) - 1)
_UINT64 = (0, (1 << 64) - 1)


def _go_parse_int(text: str, signed: bool) -> int | None:
    """strconv.ParseInt / ParseUint with base 0 (0x, 0o, 0b and leading-0 octal prefixes)."""
    if not text:
        return None
    neg = False
    body = text
    if body[0] in "+-":
        if not signed:
            return None
        neg = body[0] == "-"
        body = body[1:]
    if not body:
        return None
    base = 10
    if body[0] == "0":
        prefix = body[1:2].lower()
        if len(body) >= 3 and prefix in ("b", "o", "x"):
            base = {"b": 2, "o": 8, "x": 16}[prefix]
            body = body[2:]
        else:
            base = 8
            body = body[1:] or "0"
    digits = "0123456789abcdef"[:base]
    if not body or any(c not in digits for c in body.lower()):
        return None
    value = -int(body, base) if neg else int(body, base)
    low, high = _INT64 if signed else _UINT64
    return value if low <= value <= high else None


def _is_timestamp(text: str) -> bool:
    """go-yaml parseTimestamp: YYYY-M-D with optional time, as time.Parse accepts it."""
    m = _TIMESTAMP.match(text)
    if m is None:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if m.group(6) is None:
        return True
    if m.group(5) is not None and m.group(9) is not None:
        return False  # "2006-1-2 15:4:5" takes no zone
    if m.group(4) is not None and m.group(9) is None:
        return False  # the T forms require a zone
    hour, minute, second = int(m.group(6)), int(m.group(7)), int(m.group(8))
    return hour < 24 and minute < 60 and second < 60


def resolves_to_non_string(text: str) -> bool:
    """Whether go-yaml v2's resolve() reads the unquoted text as something other than a string."""
    if text == "":
        return True  # null
    hint = _HINTS.get(text[0])
    if hint is None:
        return False
    if text in _RESOLVE_MAP:
        return True
    if hint == "M":
        return False
    if hint == ".":
        return bool(_DOT_FLOAT.match(text)) and math.isfinite(float(text))
    if _is_timestamp(text):
        return True
    plain = text.replace("_", "")
    if _go_parse_int(plain, signed=True) is not None or _go_parse_int(plain, signed=False) is not None:
        return True
    return bool(_YAML_STYLE_FLOAT.match(plain)) and math.isfinite(float(plain))


def _is_base60_float(text: str) -> bool:
    return bool(text) and (text[0] in "+-" or text[0].isdigit()) and ":" in text and bool(_BASE60_FLOAT.match(text))


def go_yaml_string_style(text: str) -> str | None:
    """encoder.stringv: literal block for multi-line, double quotes when plain would change the type."""
    if "\n" in text:
        return "|"
    if resolves_to_non_string(text) or _is_base60_float(text):
        return '"'
    return None  # plain if the emitter allows it, else single-quoted, else double-quoted


# --- go-yaml v2 key order ---------------------------------------------------------------------------------------


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _key_less(a: str, b: str) -> bool:
    """go-yaml keyList.Less for two string keys: letters after other runes, digit runs numerically."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = _is_letter(a[i]), _is_letter(b[i])
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


class _GoKey:
    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __lt__(self, other: _GoKey) -> bool:
        return _key_less(self.key, other.key)


def go_yaml_sorted_keys(keys: list[str]) -> list[str]:
    return sorted(keys, key=_GoKey)


# --- the emitter ------------------------------------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_DOUBLE_QUOTED_ESCAPES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _yaml_printable(ch: str) -> bool:
    """libyaml is_printable (no 4-byte characters, no BOM, no NEL)."""
    cp = ord(ch)
    return cp == 0x0A or 0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xD7FF or (0xE000 <= cp <= 0xFFFD and cp != 0xFEFF)


class _GoYAMLDumper(yaml.SafeDumper):
    """SafeDumper whose scalar typing, styles and double-quoted folding follow go-yaml v2."""

    # Every scalar is emitted as a string with an explicit style; type decisions are made above.
    yaml_implicit_resolvers: dict[Any, Any] = {}

    def ignore_aliases(self, data: Any) -> bool:
        # go-yaml never emits anchors, even when one dict is referenced twice.
        return True

    def analyze_scalar(self, scalar: str) -> ScalarAnalysis:
        analysis = super().analyze_scalar(scalar)
        if any(not _yaml_printable(ch) and ch not in "\t\n\r" for ch in scalar):
            # libyaml treats 4-byte characters and NEL as special: double quotes only.
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        """yaml_emitter_write_double_quoted_scalar: folds at spaces past the width, no backslash-newline."""
        self.write_indicator('"', True)
        spaces = False
        out = self.stream
        assert out is not None
        i = 0
        while i < len(text):
            ch = text[i]
            if not _yaml_printable(ch) or ch in '\ufeff"\\' or ch in "\n\x85\u2028\u2029":
                if ch in _DOUBLE_QUOTED_ESCAPES:
                    data = "\\" + _DOUBLE_QUOTED_ESCAPES[ch]
                elif ord(ch) <= 0xFF:
                    data = f"\\x{ord(ch):02X}"
                elif ord(ch) <= 0xFFFF:
                    data = f"\\u{ord(ch):04X}"
                else:
                    data = f"\\U{ord(ch):08X}"
                self.column += len(data)
                out.write(data)
                spaces = False
            elif ch == " ":
                if split and not spaces and self.column > self.best_width and 0 < i < len(text) - 1:
                    self.write_indent()
                    if text[i + 1] == " ":
                        self.column += 1
                        out.write("\\")
                else:
                    self.column += 1
                    out.write(ch)
                spaces = True
            else:
                self.column += 1
                out.write(ch)
                spaces = False
            i += 1
        self.write_indicator('"', False)
        self.whitespace = False
        self.indention = False


def _represent_str(dumper: _GoYAMLDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar(_STR, data, style=go_yaml_string_style(data))


def _represent_bool(dumper: _GoYAMLDumper, data: bool) -> yaml.Node:
    return dumper.represent_scalar(_STR, "true" if data else "false")


def _represent_int(dumper: _GoYAMLDumper, data: int) -> yaml.Node:
    return dumper.represent_scalar(_STR, str(data))


def _represent_float(dumper: _GoYAMLDumper, data: float) -> yaml.Node:
    # JSON -> go-yaml decodes integral numbers as ints; others print with FormatFloat(f, 'g', -1, 64).
    text = format_g(data)
    text = {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(text, text)
    return dumper.represent_scalar(_STR, text)


def _represent_none(dumper: _GoYAMLDumper, data: None) -> yaml.Node:
    return dumper.represent_scalar(_STR, "null")


def _represent_dict(dumper: _GoYAMLDumper, data: dict[str, Any]) -> yaml.Node:
    keys = go_yaml_sorted_keys([str(k) for k in data])
    lookup = {str(k): v for k, v in data.items()}
    return dumper.represent_mapping("tag:yaml.org,2002:map", [(k, lookup[k]) for k in keys])


def _represent_list(dumper: _GoYAMLDumper, data: Any) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data)


_GoYAMLDumper.add_representer(str, _represent_str)
_GoYAMLDumper.add_representer(bool, _represent_bool)
_GoYAMLDumper.add_representer(int, _represent_int)
_GoYAMLDumper.add_representer(float, _represent_float)
_GoYAMLDumper.add_representer(type(None), _represent_none)
_GoYAMLDumper.add_representer(dict, _represent_dict)
_GoYAMLDumper.add_representer(list, _represent_list)
_GoYAMLDumper.add_representer(tuple, _represent_list)


def to_yaml(obj_or_list: Any) -> str:
    """`kubectl get -o yaml`: one object, or a List (apiVersion v1, items, metadata.resourceVersion "")."""
    text = yaml.dump(
        _wrap(obj_or_list),
        Dumper=_GoYAMLDumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=80,
        indent=2,
    )
    return str(text)
