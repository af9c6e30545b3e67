"""Go library behaviour that decoding messages depend on, ported for exact error texts.

- ``go_quote``: ``strconv.Quote`` (the ``%q`` of ``unknown field %q``).
- ``go_json_float`` / ``go_json_dumps``: ``encoding/json`` output, which is what kubectl sends and
  prints (ES6 float format, sorted keys, HTML escaping).
- ``quantity_error``: which error ``resource.ParseQuantity`` returns, as ``Quantity.UnmarshalJSON``
  sees the raw JSON text (k8s.io/apimachinery/pkg/api/resource/quantity.go).
- ``base64_error``: ``base64.StdEncoding.Decode``'s ``CorruptInputError`` (``[]byte`` fields).
- ``time_error``: ``time.Parse`` with ``RFC3339`` / ``RFC3339Micro`` (``metav1.Time`` /
  ``metav1.MicroTime`` ``UnmarshalJSON``), with Go's ``ParseError`` texts.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

__all__ = [
    "QUANTITY_FORMAT_ERROR",
    "base64_error",
    "go_json_dumps",
    "go_json_float",
    "go_json_string_body",
    "go_quote",
    "quantity_error",
    "time_error",
]

# -- strconv.Quote -----------------------------------------------------------------------------------

_ESC = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
        '"': '\\"', "\\": "\\\\"}


def go_quote(s: str) -> str:
    """strconv.Quote: printable runes stay, the rest become Go escapes."""
    out = ['"']
    for ch in s:
        esc = _ESC.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch.isprintable():
            out.append(ch)
        else:
            r = ord(ch)
            if r < 0x20 or r == 0x7F:
                out.append(f"\\x{r:02x}")
            elif r < 0x10000:
                out.append(f"\\u{r:04x}")
            else:
                out.append(f"\\U{r:08x}")
    out.append('"')
    return "".join(out)


# -- encoding/json output ----------------------------------------------------------------------------


def go_json_float(f: float) -> str:
    """floatEncoder: shortest digits, 'f' form unless |f| < 1e-6 or >= 1e21, ``e-07`` cleaned to ``e-7``."""
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = repr(f)  # Python's repr is 'e' form here too, with the same shortest digits
        return s[:-4] + "e-" + s[-1] if s[-4:-1] == "e-0" else s
    return format(Decimal(repr(f)).normalize(), "f")


_HTML_ESC = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_RE = re.compile("[<>&\u2028\u2029]")


def go_json_string_body(s: str) -> str:
    """The characters between the quotes that json.Marshal writes for ``s``."""
    body = json.dumps(s, ensure_ascii=False)[1:-1]
    return _HTML_RE.sub(lambda m: _HTML_ESC[m.group(0)], body)


def go_json_dumps(value: Any) -> str:
    """json.Marshal of decoded JSON data: compact, map keys sorted, Go number and string forms."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_json_float(value)
    if isinstance(value, str):
        return '"' + go_json_string_body(value) + '"'
    if isinstance(value, dict):
        return "{" + ",".join('"' + go_json_string_body(str(k)) + '":' + go_json_dumps(value[k])
                              for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json_dumps(v) for v in value) + "]"
    raise TypeError(f"json: unsupported type: {type(value).__name__}")


# -- resource.ParseQuantity --------------------------------------------------------------------------

QUANTITY_FORMAT_ERROR = ("quantities must match the regular expression "
                         "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
_QUANTITY_NUMERIC_ERROR = "unable to parse numeric part of quantity"
_QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix"
_DIGITS = frozenset("0123456789")
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_INT64_RE = re.compile(r"^[+-]?[0-9]+$")


def _parse_quantity_string(s: str) -> tuple[str, str, str, str] | None:
    """parseQuantityString: (value, num, denom, suffix), or None for ErrFormatWrong."""
    pos, end = 0, len(s)
    if pos < end and s[0] in "+-":
        pos += 1
    while True:  # leading zeros
        if pos >= end:
            return "0", "0", "", ""
        if s[pos] != "0":
            break
        pos += 1
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos >= end:
        return s, s[start:], "", ""
    num = s[start:pos] or "0"
    denom = ""
    if s[pos] == ".":
        pos += 1
        dstart = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[dstart:pos]
        if pos >= end:
            return s, num, denom, ""
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos >= end:
        return value, num, denom, s[suffix_start:]
    if s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos >= end:
        return value, num, denom, s[suffix_start:]
    return None


def _parse_quantity_error(s: str) -> str | None:
    """resource.ParseQuantity(s) error text, None when it parses."""
    if not s:
        return QUANTITY_FORMAT_ERROR
    if s == "0":
        return None
    parts = _parse_quantity_string(s)
    if parts is None:
        return QUANTITY_FORMAT_ERROR
    value, num, denom, suffix = parts
    if suffix in _DEC_SUFFIXES:
        fmt, exponent = "dec", _DEC_SUFFIXES[suffix]
    elif suffix in _BIN_SUFFIXES:
        fmt, exponent = "bin", _BIN_SUFFIXES[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE":
        exp_text = suffix[1:]
        if not _INT64_RE.match(exp_text) or not -(2**63) <= int(exp_text) < 2**63:
            return _QUANTITY_SUFFIX_ERROR
        fmt, exponent = "exp", int(exp_text)
    else:
        return _QUANTITY_SUFFIX_ERROR
    # The fast int64 path cannot fail once the grammar matched; the slow path parses ``value``
    # with inf.Dec.SetString, which needs at least one digit.
    if fmt == "bin":
        precision = (15 - len(num) - int(exponent * 3 / 10) - 1) if not denom else -1
        scale = 0
    else:
        precision = 18 - (len(num) + len(denom))
        scale = exponent
    if precision >= 0 and scale - len(denom) >= -9:
        return None
    if not any(c in _DIGITS for c in value):
        return _QUANTITY_NUMERIC_ERROR
    return None


def quantity_error(value: Any) -> str | None:
    """Quantity.UnmarshalJSON on the JSON text of ``value``: its error text, None when valid."""
    if value is None:
        return None
    if isinstance(value, str):
        raw = go_json_string_body(value)
    elif isinstance(value, bool | int | float | dict | list | tuple):
        raw = go_json_dumps(value)
    else:
        return QUANTITY_FORMAT_ERROR
    # UnmarshalJSON strips the quotes (not the escapes) and strings.TrimSpace's the rest.
    return _parse_quantity_error(raw.strip())


# -- encoding/base64 ---------------------------------------------------------------------------------

_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def base64_error(s: str) -> str | None:
    """base64.StdEncoding.Decode: ``illegal base64 data at input byte N`` or None."""
    src = s.encode("utf-8")
    n, si = len(src), 0
    while si < n:
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return None
                return f"illegal base64 data at input byte {si - j}"
            c = src[si]
            si += 1
            if c in _B64:
                j += 1
                continue
            if c in (10, 13):  # newlines are skipped
                continue
            if c != 61:  # '='
                return f"illegal base64 data at input byte {si - 1}"
            if j in (0, 1):
                return f"illegal base64 data at input byte {si - 1}"
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    return f"illegal base64 data at input byte {n}"
                if src[si] != 61:
                    return f"illegal base64 data at input byte {si - 1}"
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                return f"illegal base64 data at input byte {si}"
            return None
    return None


# -- time.Parse --------------------------------------------------------------------------------------

RFC3339 = "2006-01-02T15:04:05Z07:00"
RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00"
# (prefix, std element) chunks as nextStdChunk splits the two layouts.
_CHUNKS = {
    RFC3339: [("", "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05"),
              ("", "Z07:00")],
    RFC3339_MICRO: [("", "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05"),
                    ("", ".000000"), ("", "Z07:00")],
}


def _time_quote(s: str) -> str:
    """time's quote(): like %q for ASCII, non-ASCII and control bytes as \\xNN."""
    out = ['"']
    for ch in s:
        if ord(ch) >= 0x80 or ch < " ":
            out.extend(f"\\x{b:02x}" for b in ch.encode("utf-8"))
        else:
            if ch in '"\\':
                out.append("\\")
            out.append(ch)
    out.append('"')
    return "".join(out)


def _getnum(s: str, fixed: bool) -> tuple[int, str] | None:
    if not s or not s[0].isascii() or not s[0].isdigit():
        return None
    if len(s) < 2 or not s[1].isascii() or not s[1].isdigit():
        return None if fixed else (int(s[0]), s[1:])
    return int(s[:2]), s[2:]


def _atoi(s: str) -> int | None:
    neg = bool(s) and s[0] == "-"
    if s and s[0] in "+-":
        s = s[1:]
    if not s or not all("0" <= c <= "9" for c in s):
        return None
    return -int(s) if neg else int(s)


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def time_error(value: str, layout: str = RFC3339) -> str | None:
    """time.Parse(layout, value)'s error text (``parsing time ...``), None when it parses."""
    head = f"parsing time {_time_quote(value)}"

    def cannot(value_elem: str, layout_elem: str) -> str:
        return f"{head} as {_time_quote(layout)}: cannot parse {_time_quote(value_elem)} as {_time_quote(layout_elem)}"

    rest = value
    year = month = day = 1
    for prefix, std in _CHUNKS[layout]:
        if not rest.startswith(prefix):
            # skip(): the value is left where the first mismatching byte is
            i = 0
            while i < len(prefix) and i < len(rest) and rest[i] == prefix[i]:
                i += 1
            return cannot(rest[i:], prefix)
        rest = rest[len(prefix):]
        hold = rest
        bad = False
        range_err = ""
        if std == "2006":
            if len(rest) < 4 or not ("0" <= rest[0] <= "9"):
                bad = True
            else:
                parsed = _atoi(rest[:4])
                bad = parsed is None
                year = parsed or 0
                rest = rest[4:]
        elif std in ("01", "02", "15", "04", "05"):
            got = _getnum(rest, std != "15")
            if got is None:
                bad = True
            else:
                num, rest = got
                if std == "01":
                    month = num
                    range_err = "month" if not 1 <= num <= 12 else ""
                elif std == "02":
                    day = num
                elif std == "15":
                    range_err = "hour" if num >= 24 else ""
                elif num >= 60:
                    range_err = "minute" if std == "04" else "second"
                if std == "05" and layout == RFC3339 and not range_err and len(rest) >= 2 \
                        and rest[0] in ".," and "0" <= rest[1] <= "9":
                    k = 2
                    while k < len(rest) and "0" <= rest[k] <= "9":
                        k += 1
                    rest = rest[k:]
        elif std == ".000000":
            if len(rest) < 7 or rest[0] not in ".,":
                bad = True
            else:
                ns = _atoi(rest[1:7])
                if ns is None:
                    bad = True
                elif ns < 0:
                    range_err = "fractional second"
                rest = rest[7:]
        else:  # Z07:00
            if rest[:1] == "Z":
                rest = rest[1:]
            elif len(rest) < 6 or rest[3] != ":":
                bad = True
            else:
                sign, hh, mm, rest = rest[0], rest[1:3], rest[4:6], rest[6:]
                h = _getnum(hh, True)
                m = _getnum(mm, True) if h is not None else None
                if h is None or m is None:
                    bad = True
                else:
                    if h[0] > 24:
                        range_err = "time zone offset hour"
                    if m[0] > 60:
                        range_err = "time zone offset minute"
                    if sign not in "+-":
                        bad = True
        if range_err:
            return f"{head}: {range_err} out of range"
        if bad:
            return cannot(hold, std)
    if rest:
        return f"{head}: extra text: {_time_quote(rest)}"
    if day < 1 or day > _days_in(month, year):
        return f"{head}: day out of range"
    return None
