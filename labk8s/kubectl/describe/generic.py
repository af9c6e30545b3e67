"""The generic describer kubectl uses for kinds without a dedicated one (GenericDescriberFor):
metadata, then every field of the object with ``smartLabelFor`` titles, then events."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from labk8s.kubectl.describe.common import (
    Lookup,
    g,
    go_v,
    print_annotations_multiline,
    print_labels_multiline,
)
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.writer import LEVEL_0, PrefixWriter, tabbed_string

_SKIP = (".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations")
_ACRONYMS = ("API", "URL", "UID", "GUID")


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_upper(ch: str) -> bool:
    return unicodedata.category(ch) == "Lu"


def _is_lower(ch: str) -> bool:
    return unicodedata.category(ch) == "Ll"


def _char_class(ch: str) -> int:
    if _is_lower(ch):
        return 1
    if _is_upper(ch):
        return 2
    if unicodedata.category(ch) == "Nd":
        return 3
    return 4


def camelcase_split(src: str) -> list[str]:
    """github.com/fatih/camelcase.Split."""
    runs: list[list[str]] = []
    last = 0
    for ch in src:
        cls = _char_class(ch)
        if runs and cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    # "PDFL", "oader" -> "PDF", "Loader"
    for i in range(len(runs) - 1):
        if runs[i] and runs[i + 1] and _is_upper(runs[i][0]) and _is_lower(runs[i + 1][0]):
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label_for(field: str) -> str:
    """smartLabelFor: ``creationTimestamp`` -> ``Creation Timestamp``, ``apiVersion`` -> ``API Version``."""
    if any(not _is_letter(ch) and ch != "-" for ch in field):
        return field
    parts = camelcase_split(field)
    merged: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if i < len(parts) - 1:
            nxt = parts[i + 1]
            all_upper = all(not _is_letter(ch) or _is_upper(ch) for ch in part)
            if len(part.encode()) >= 2 and all_upper and nxt and _is_upper(nxt[0]):
                merged.append(part + nxt)
                i += 2
                continue
        merged.append(part)
        i += 1
    result = []
    for part in merged:
        if part == "_":
            continue
        if part.upper() in _ACRONYMS:
            part = part.upper()
        elif part.lower() == part:
            part = part[:1].upper() + part[1:]
        result.append(part)
    return " ".join(result)


def print_unstructured_content(w: PrefixWriter, level: int, content: Mapping[str, Any], skip_prefix: str) -> None:
    """printUnstructuredContent: sorted fields, maps and lists nested one level deeper."""
    for field in sorted(content):
        value = content[field]
        skip_expr = f"{skip_prefix}.{field}"
        if skip_expr in _SKIP:
            continue
        if isinstance(value, Mapping):
            w.write(level, f"{smart_label_for(field)}:\n")
            print_unstructured_content(w, level + 1, value, skip_expr)
        elif isinstance(value, list):
            w.write(level, f"{smart_label_for(field)}:\n")
            for child in value:
                if isinstance(child, Mapping):
                    print_unstructured_content(w, level + 1, child, skip_expr)
                else:
                    w.write(level + 1, f"{go_v(child)}\n")
        else:
            w.write(level, f"{smart_label_for(field)}:\t{go_v(value)}\n")


def describe_generic(obj: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, obj)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(obj, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"Namespace:\t{g(obj, 'metadata', 'namespace', default='')}\n")
        print_labels_multiline(w, "Labels", g(obj, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(obj, "metadata", "annotations"))
        print_unstructured_content(w, LEVEL_0, obj, "")
        describe_events(events, w, now_ms)

    return tabbed_string(body)
