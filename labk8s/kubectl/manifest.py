"""Read what ``kubectl apply -f`` reads: YAML or JSON text, files, folders, dicts; lists flattened.

kubectl (k8s.io/cli-runtime/pkg/resource) splits a stream into documents with apimachinery's
``YAMLOrJSONDecoder``, converts each YAML document to JSON with ``sigs.k8s.io/yaml`` (go-yaml v2
underneath), decodes the JSON into an unstructured object and flattens ``List`` objects. This module
reproduces that pipeline so that the same objects, in the same order, with the same values come out:

- go-yaml v2 scalar resolution (YAML 1.1 booleans ``yes/no/on/off/y/n``, ``1e3`` is a number, ``08`` is
  the float 8, ``1:30`` and dates stay strings), not PyYAML's;
- JSON numbers as kubectl re-sends them: integral floats become ints (``1.0`` -> ``1``), integers
  beyond int64 round through float64;
- non-string keys become strings as ``sigs.k8s.io/yaml`` writes them (``true``, ``1``);
- a ``---`` line ends a document; ``--- {`` (text after the marker) is an error; ``...`` ends one too;
- empty and ``null`` documents are skipped; a document with an ``items`` key is a list and is
  replaced by its items (nested lists breadth first, as FlattenListVisitor does);
- errors carry kubectl's wording: ``error converting YAML to JSON: yaml: line 5: mapping values are
  not allowed in this context`` (go-yaml's line numbers: 1-based for scanner errors, 0-based for
  parser errors, none on the first line), ``Object 'Kind' is missing in '{...}'``.

A missing ``apiVersion`` is not an error here: kubectl reports it when it maps the kind
(``unable to recognize "x.yaml": no matches for kind "Pod" in version ""``), which the caller does.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from decimal import Decimal
from typing import Any

import yaml

from labk8s.apiserver.schema import metadata_error
from labk8s.apiserver.schema_go import go_json_dumps, go_quote
from labk8s.errors import ManifestError

__all__ = ["KubectlManifestError", "load_manifests", "parse_text"]

Obj = dict[str, Any]
FILE_EXTENSIONS = (".json", ".yaml", ".yml")  # resource.FileExtensions
_TEXT_SOURCE = "<string>"
_OBJECT_SOURCE = "<object>"


class KubectlManifestError(ManifestError):
    """A ManifestError that also knows the whole line kubectl prints after ``error: ``
    (``error parsing pod.yaml: ...``, ``unable to decode "pod.yaml": ...``). ``line`` is the line
    number the message names: kubectl counts it from the start of the document, not of the file."""

    def __init__(self, message: str, kubectl_message: str, line: int | None = None,
                 source: str | None = None) -> None:
        super().__init__(message, line=line, source=source)
        self.kubectl_message = kubectl_message


def _parse_error(message: str, source: str, line: int | None = None) -> KubectlManifestError:
    return KubectlManifestError(message, f"error parsing {source}: {message}", line, source)


def _decode_error(message: str, source: str) -> KubectlManifestError:
    return KubectlManifestError(message, f"unable to decode {go_quote(source)}: {message}", None, source)


# -- go-yaml v2 scalar resolution (resolve.go) -------------------------------------------------------

_PLAIN_TAG = "tag:labk8s,2026:go-yaml-plain"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVE_MAP: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_HINT_CHARS = frozenset("+-0123456789.yYnNtTfFoO~")
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_INT = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_GO_DEC_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _go_parse_int(text: str, signed: bool) -> int | None:
    """strconv.ParseInt(text, 0, 64) / ParseUint(text, 0, 64)."""
    m = _GO_INT.fullmatch(text)
    if m is None or (m.group(1) and not signed):
        return None
    digits = m.group(2)
    if len(digits) > 1 and digits[0] == "0" and digits[1] in "xXoObB":
        value = int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1].lower()])
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits, 8)  # a leading 0 means octal
    else:
        value = int(digits)
    if m.group(1) == "-":
        value = -value
    if signed and -(2**63) <= value < 2**63:
        return value
    if not signed and 0 <= value < 2**64:
        return value
    return None


def _go_parse_float(text: str) -> float | None:
    """strconv.ParseFloat(text, 64) for the decimal forms go-yaml hands it (no overflow: Go errors)."""
    if _GO_DEC_FLOAT.fullmatch(text) is None:
        return None
    value = float(text)
    return None if math.isinf(value) else value


def resolve_plain(text: str) -> Any:
    """The value go-yaml v2 gives an untagged plain scalar when decoding into interface{}."""
    if text in _RESOLVE_MAP:
        return _RESOLVE_MAP[text]
    hint = text[0]
    if hint not in _HINT_CHARS:
        return text
    if hint == ".":
        value = _go_parse_float(text)
        return text if value is None else value
    if hint in "+-0123456789":
        # timestamps resolve too, but decode into interface{} as their original string
        plain = text.replace("_", "")
        for signed in (True, False):
            number = _go_parse_int(plain, signed)
            if number is not None:
                return number
        if _YAML_STYLE_FLOAT.fullmatch(plain):
            value = _go_parse_float(plain)
            if value is not None:
                return value
    return text


_LoaderBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: go-yaml's own messages


class _GoYamlLoader(_LoaderBase):
    """SafeLoader (libyaml when present) with go-yaml v2's resolution of plain scalars."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _MERGE_TAG if value == "<<" else _PLAIN_TAG
        if kind is yaml.ScalarNode:
            return _STR_TAG
        return str(super().resolve(kind, value, implicit))

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
        # Keys become strings as they are built: go-yaml keeps true and 1 apart, a Python dict not.
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            value = self.construct_object(value_node, deep=deep)
            mapping[_key(key, value)] = value
        return mapping


def _construct_plain(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    return resolve_plain(node.value)


_GoYamlLoader.add_constructor(_PLAIN_TAG, _construct_plain)


# -- YAML document -> JSON value, as sigs.k8s.io/yaml converts it -----------------------------------


def _float32_key(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 32), with go-yaml's .inf/.nan spellings."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    f32 = struct.unpack("f", struct.pack("f", value))[0]
    digits = ""
    for precision in range(1, 10):
        digits = f"{f32:.{precision}e}"
        if struct.unpack("f", struct.pack("f", float(digits)))[0] == f32:
            break
    mantissa, exp_text = digits.split("e")
    exp = int(exp_text)
    sign = "-" if mantissa.startswith("-") else ""
    mant = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    if exp < -4 or exp >= 6:  # %g with the shortest precision decides at 6 digits
        frac = f".{mant[1:]}" if len(mant) > 1 else ""
        return f"{sign}{mant[0]}{frac}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return sign + format(Decimal(f"{mant[0]}.{mant[1:] or '0'}e{exp}").normalize(), "f")


def _key(key: Any, value: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return _float32_key(key)
    shown = "<nil>" if key is None else str(key)
    kind = "%!s(<nil>)" if key is None else type(key).__name__
    raise ValueError(f"unsupported map key of type: {kind}, key: {shown}, value: {value!r}")


def _number(value: int | float) -> int | float:
    """The number kubectl re-sends: JSON -> unstructured (int64 or float64) -> json.Marshal."""
    if isinstance(value, int):
        if -(2**63) <= value < 2**63:
            return value
        value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"json: unsupported value: {'NaN' if math.isnan(value) else ('+Inf' if value > 0 else '-Inf')}")
    if value == int(value) and abs(value) < 1e21:
        return int(Decimal(repr(value)))  # json.Marshal prints integral floats without a fraction
    return value


def _to_json(value: Any) -> Any:
    """Deep copy of a decoded YAML/JSON/Python value in the form kubectl sends it."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, dict):
        return {_key(k, v): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, bytes):  # !!binary
        return value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):  # explicit !!timestamp: time.Time marshals as RFC 3339
        return value.isoformat().replace("+00:00", "Z")
    raise ValueError(f"json: unsupported type: {type(value).__name__}")


# -- splitting a stream into documents (apimachinery/pkg/util/yaml) ---------------------------------


def _yaml_chunks(text: str) -> list[tuple[str, int]]:
    """YAMLReader.Read: documents ended by a ``---`` line; (document text, its first file line)."""
    chunks: list[tuple[str, int]] = []
    buffer: list[str] = []
    first = 1
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if line.endswith("\r"):  # bufio.ReadLine drops \r\n and \n alike
            line = line[:-1]
        if line.startswith("---"):
            trimmed = line[3:].strip()
            if trimmed and not trimmed.startswith("#"):
                raise ValueError(f"invalid Yaml document separator: {trimmed}")
            if buffer:  # the separator ends the document and belongs to none
                chunks.append(("".join(buffer), first))
                buffer = []
                continue
        if not buffer:
            first = number
        buffer.append(line + "\n")
    if buffer:
        chunks.append(("".join(buffer), first))
    return chunks


def _yaml_error(err: yaml.YAMLError, chunk: str) -> tuple[str, int | None]:
    """go-yaml v2's ``parser.fail()`` wording for a libyaml error."""
    problem = getattr(err, "problem", None) or "unknown problem parsing YAML content"
    if isinstance(err, yaml.reader.ReaderError):
        return f"yaml: {err.reason}", None
    mark = getattr(err, "problem_mark", None)
    if isinstance(err, yaml.composer.ComposerError) and problem == "found undefined alias" and mark:
        name = re.match(r"\*([^\s,\[\]{}]*)", chunk[mark.index:])
        return f"yaml: unknown anchor '{name.group(1) if name else ''}' referenced", None
    if isinstance(err, yaml.constructor.ConstructorError):
        return f"yaml: {problem}", None
    context_mark = getattr(err, "context_mark", None)
    line = 0
    if mark is not None and mark.line != 0:
        line = mark.line + (1 if isinstance(err, yaml.scanner.ScannerError) else 0)
    elif context_mark is not None and context_mark.line != 0:
        line = context_mark.line
    return (f"yaml: line {line}: {problem}", line) if line else (f"yaml: {problem}", None)


def _load_yaml_chunk(chunk: str, source: str) -> Any:
    """One document as sigs.k8s.io/yaml.Unmarshal sees it; error lines count from the chunk start."""
    loader = _GoYamlLoader(chunk)
    try:
        data = loader.get_data() if loader.check_data() else None
        return _to_json(data)
    except yaml.YAMLError as err:
        message, line = _yaml_error(err, chunk)
        raise _parse_error(f"error converting YAML to JSON: {message}", source, line) from None
    except ValueError as err:
        raise _parse_error(f"error converting YAML to JSON: {err}", source) from None
    except (IndexError, KeyError, TypeError, AttributeError, OverflowError, RecursionError) as err:
        # PyYAML's constructors fail this way on some ill-typed tagged scalars (`!!int ` with no value);
        # go-yaml rejects the same input with a decode error.
        tag = re.search(r"!!(\w+)[ \t]*(?:\n|$)", chunk)
        detail = f"cannot decode !!null `` as a !!{tag.group(1)}" if tag else f"cannot decode: {err}"
        raise _parse_error(f"error converting YAML to JSON: yaml: {detail}", source) from None
    finally:
        loader.dispose()


def _documents(text: str, source: str) -> list[tuple[Any, str | None]]:
    """Every document of a stream as (JSON value, raw JSON text when it came as JSON)."""
    docs: list[tuple[Any, str | None]] = []
    pos = 0
    if text.lstrip()[:1] == "{":  # GuessJSONStream: a JSON stream, until a value fails to parse
        decoder = json.JSONDecoder(parse_constant=_reject_constant)
        while True:
            start = pos
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text):
                return docs
            try:
                value, end = decoder.raw_decode(text, pos)
            except ValueError:
                # switch to YAML for the rest, after the whitespace up to the first newline
                newline = text.find("\n", start, pos)
                pos = start if newline < 0 else newline + 1
                break
            docs.append((_to_json(value), text[pos:end]))
            pos = end
    try:
        chunks = _yaml_chunks(text[pos:])
    except ValueError as err:
        raise _parse_error(str(err), source) from None
    for chunk, _first in chunks:
        docs.append((_load_yaml_chunk(chunk, source), None))
    return docs


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


# -- documents -> objects (unstructured decode + FlattenListVisitor) --------------------------------


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _str_field(obj: Obj, key: str) -> str:
    """unstructured's getNestedString: the value when it is a string, else ""."""
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _objects(doc: Any, raw: str | None, source: str) -> list[Obj]:
    """What kubectl builds from one document: its object, or the items of a list, flattened."""
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise _decode_error(f"json: cannot unmarshal {_json_kind(doc)} into Go value of type "
                            "unstructured.detector", source)
    data = raw if raw is not None else go_json_dumps(doc)
    is_list = "items" in doc
    items: list[Any] = []
    if is_list:
        if doc["items"] is not None and not isinstance(doc["items"], list):
            raise _decode_error(f"json: cannot unmarshal {_json_kind(doc['items'])} into Go struct field "
                                "decodeList.items of type []json.RawMessage", source)
        items = list(doc["items"] or [])
        for item in items:
            if not isinstance(item, dict):
                raise _decode_error(f"json: cannot unmarshal {_json_kind(item)} into Go value of type "
                                    "map[string]interface {}", source)
    if not _str_field(doc, "kind"):
        raise _decode_error(f"Object 'Kind' is missing in '{data}'", source)
    err = metadata_error(doc)
    if err is not None:
        raise _decode_error(err, source)
    if not is_list:
        return [doc]
    list_kind = doc["kind"].removesuffix("List")
    for item in items:  # decodeToList: items without kind and apiVersion inherit the list's
        if not _str_field(item, "kind") and not _str_field(item, "apiVersion"):
            item["kind"] = list_kind
            item["apiVersion"] = _str_field(doc, "apiVersion")
    out: list[Obj] = []
    pending: list[Obj] = list(items)
    i = 0
    while i < len(pending):  # breadth first, as FlattenListVisitor walks nested lists
        current = pending[i]
        i += 1
        nested = current.get("items")
        if isinstance(nested, list):
            for child in nested:
                if not isinstance(child, dict):
                    raise _decode_error("items member is not an object: map[string]interface {}", source)
                pending.append(child)
            continue
        if not _str_field(current, "kind"):
            raise KubectlManifestError(
                "Object 'Kind' is missing in 'unstructured object has no kind'",
                'unable to get type info from the object "*unstructured.Unstructured": '
                "Object 'Kind' is missing in 'unstructured object has no kind'", None, source)
        out.append(current)
    return out


def parse_text(text: str, source: str = _TEXT_SOURCE) -> list[tuple[Obj, str]]:
    """Objects of a YAML/JSON stream, in order, each with ``source``."""
    out: list[tuple[Obj, str]] = []
    for doc, raw in _documents(text, source):
        out.extend((obj, source) for obj in _objects(doc, raw, source))
    return out


def _read_file(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    # FileVisitor reads through unicode.BOMOverride: a UTF-8 or UTF-16 byte-order mark is honoured
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


def _load_path(path: str) -> list[tuple[Obj, str]]:
    if not os.path.exists(path):
        raise KubectlManifestError(f'the path "{path}" does not exist',
                                   f'the path "{path}" does not exist', None, path)
    if not os.path.isdir(path):
        return parse_text(_read_file(path), path)
    out: list[tuple[Obj, str]] = []
    for name in sorted(os.listdir(path)):  # filepath.Walk order; no recursion without -R
        full = os.path.normpath(os.path.join(path, name))
        if os.path.isdir(full) or os.path.splitext(name)[1] not in FILE_EXTENSIONS:
            continue
        out.extend(parse_text(_read_file(full), full))
    return out


def _looks_like_path(text: str) -> bool:
    if "\n" in text or ": " in text or text.lstrip()[:1] in ("{", "["):
        return False
    return os.path.exists(text) or text.endswith(FILE_EXTENSIONS) or os.sep in text


def load_manifests(src: str | os.PathLike[str] | Obj | list[Obj]) -> list[tuple[Obj, str]]:
    """Objects that ``kubectl apply -f`` would send, each with its source name.

    ``src`` is YAML or JSON text (source ``<string>``), a path to a file or to a folder (files ending
    in .json, .yaml or .yml, not recursive, by name; source is the file path), a dict, or a list of
    dicts (source ``<object>``). Returned objects are fresh copies. Raises ManifestError
    (a :class:`KubectlManifestError` with ``kubectl_message``) for what kubectl rejects itself.
    """
    if isinstance(src, os.PathLike):
        return _load_path(os.fspath(src))
    if isinstance(src, str):
        if _looks_like_path(src):
            return _load_path(src)
        return parse_text(src)
    docs = [src] if isinstance(src, dict) else list(src)
    out: list[tuple[Obj, str]] = []
    for doc in docs:
        try:
            value = _to_json(doc)
        except ValueError as err:
            raise _decode_error(str(err), _OBJECT_SOURCE) from None
        out.extend((obj, _OBJECT_SOURCE) for obj in _objects(value, None, _OBJECT_SOURCE))
    return out
