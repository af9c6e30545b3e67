"""build_table: the server-side Table for any kind (printers.go AddHandlers + rest.DefaultTableConvertor).

The API server always generates the Table with GenerateOptions{Wide: true}, so every row carries the
cells of all columns, priority 0 and 1; kubectl drops priority-1 columns unless -o wide.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import columns_apis, columns_cluster, columns_core, columns_pod, columns_workloads
from .age import format_rfc3339_utc, parse_time_us, since
from .gofmt import format_g
from .helpers import meta, name_of
from .table import AGE_DESCRIPTION, NAME_DESCRIPTION, Column, Handler, Table

HANDLERS: dict[tuple[str, str], Handler] = {
    **columns_pod.HANDLERS,
    **columns_core.HANDLERS,
    **columns_workloads.HANDLERS,
    **columns_cluster.HANDLERS,
    **columns_apis.HANDLERS,
}

#: rest.NewDefaultTableConvertor: kinds without a print handler (Role, ClusterRole, LimitRange, CRDs, ...).
DEFAULT_COLUMNS: tuple[Column, ...] = (
    Column("Name", "string", "name", 0, NAME_DESCRIPTION),
    Column("Created At", "date", "", 0, AGE_DESCRIPTION),
)


def _default_row(obj: dict[str, Any], now_ms: int) -> list[Any]:
    return [name_of(obj), format_rfc3339_utc(meta(obj).get("creationTimestamp"))]


DEFAULT_HANDLER = Handler(DEFAULT_COLUMNS, _default_row)


def handler_for(group: str, kind: str) -> Handler:
    """The registered print handler of group/kind, or the default table convertor's."""
    return HANDLERS.get((group, kind), DEFAULT_HANDLER)


def has_handler(group: str, kind: str) -> bool:
    return (group, kind) in HANDLERS


def build_table(group: str, kind: str, objects: list[dict[str, Any]], now_ms: int) -> Table:
    """The meta.k8s.io/v1 Table the API server returns for these objects of group/kind.

    `group` is the API group ("" for core, "apps", ...), `kind` the Kind ("Pod", "Deployment").
    Rows keep the order of `objects` (the order of the list), except where upstream's list printer
    sorts (FlowSchema).
    """
    handler = handler_for(group, kind)
    items = list(objects)
    sort_key = columns_apis.SORT_KEYS.get((group, kind))
    if sort_key is not None:
        items.sort(key=sort_key)
    rows = [handler.row(obj, now_ms) for obj in items]
    columns = [Column(c.name, c.type, c.format, c.priority, c.description) for c in handler.columns]
    return Table(columns=columns, rows=rows, objects=items)


# --- custom resources (apiextensions-apiserver tableconvertor) -------------------------------------------------

#: serveDefaultColumnsIfEmpty: a CRD version without additionalPrinterColumns gets an Age column.
DEFAULT_PRINTER_COLUMNS: tuple[dict[str, Any], ...] = (
    {"name": "Age", "type": "date", "description": AGE_DESCRIPTION, "jsonPath": ".metadata.creationTimestamp"},
)

_MISSING = object()
_PATH_TOKEN = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


def _simple_jsonpath(obj: Any, path: str) -> Any:
    """The first result of a simple JSONPath (.a.b, .a[0], .a['x.y']) with missing keys allowed."""
    pos = 0
    cur = obj
    path = path.strip()
    while pos < len(path):
        m = _PATH_TOKEN.match(path, pos)
        if m is None:
            return _MISSING
        pos = m.end()
        if m.group(2) is not None:
            index = int(m.group(2))
            if not isinstance(cur, list) or index >= len(cur):
                return _MISSING
            cur = cur[index]
            continue
        key = next(g for g in (m.group(1), m.group(3), m.group(4)) if g is not None)
        if not isinstance(cur, dict) or key not in cur:
            return _MISSING
        cur = cur[key]
    return cur


def _cell_for_json_value(column_type: str, value: Any, now_ms: int) -> Any:
    """cellForJSONValue: typed cells for integer/number/boolean/date columns, nil when the type mismatches."""
    if value is None:
        return None
    if column_type == "integer" and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if column_type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if column_type == "boolean" and isinstance(value, bool):
        return value
    if column_type == "string" and isinstance(value, str):
        return value
    if column_type == "date" and isinstance(value, str):
        if parse_time_us(value) is None and value not in ("", "0001-01-01T00:00:00Z"):
            return "<invalid>"
        return since(value, now_ms)
    return None


def _jsonpath_text(value: Any) -> str:
    """How JSONPath prints one result (strings as they are, numbers and booleans as Go formats them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_g(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def custom_resource_table(
    objects: list[dict[str, Any]], now_ms: int, printer_columns: list[dict[str, Any]] | None = None
) -> Table:
    """The Table of custom resources: NAME plus the CRD version's additionalPrinterColumns (default: AGE)."""
    specs = list(printer_columns) if printer_columns else list(DEFAULT_PRINTER_COLUMNS)
    columns = [Column("Name", "string", "name", 0, NAME_DESCRIPTION)]
    for spec in specs:
        json_path = str(spec.get("jsonPath", ""))
        description = str(spec.get("description") or f"Custom resource definition column (in JSONPath format): {json_path}")
        columns.append(
            Column(str(spec.get("name", "")), str(spec.get("type", "")), str(spec.get("format", "")), int(spec.get("priority", 0) or 0), description)
        )
    rows: list[list[Any]] = []
    for obj in objects:
        cells: list[Any] = [name_of(obj)]
        for spec in specs:
            value = _simple_jsonpath(obj, str(spec.get("jsonPath", "")))
            if value is _MISSING:
                cells.append(None)
            elif spec.get("type") == "string":
                cells.append(_jsonpath_text(value))
            else:
                cells.append(_cell_for_json_value(str(spec.get("type", "")), value, now_ms))
        rows.append(cells)
    return Table(columns=columns, rows=rows, objects=list(objects))
