"""kubectl's human-readable output of server Tables, `-o name`, and the "No resources found" message.

Ports cli-runtime/pkg/printers/tableprinter.go (HumanReadablePrinter.PrintObj, decorateTable, printTable)
and the printing loop of kubectl/pkg/cmd/get/get.go (one printer per resource, tabwriter flushed and its
remembered widths reset between resources, a blank line between resource blocks when headers are shown).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .gofmt import format_g
from .helpers import as_dict, as_str, format_labels, group_of, meta
from .table import Column, Table
from .tabwriter import TabWriter

#: Rows between tabwriter flushes (tableprinter.go flushInterval).
FLUSH_INTERVAL = 100

_CELL_BREAK_CHARS = "\f\n\r"
_CELL_SPECIAL_CHARS = _CELL_BREAK_CHARS + "\x1b"


def go_sprint(value: Any) -> str:
    """fmt.Sprint of a JSON-decoded Table cell (kubectl keeps integers as int64)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_g(value)
    return str(value)


def _escape_terminal(text: str) -> str:
    """printers.WriteEscaped: ESC becomes "^[", CR becomes "\\r"."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def _cell_text(value: str) -> str:
    """appendCellValue: cut a cell at its first line break ("..."), escape terminal control characters."""
    if not any(ch in value for ch in _CELL_SPECIAL_CHARS):
        return value
    cut = min((value.index(ch) for ch in _CELL_BREAK_CHARS if ch in value), default=-1)
    if cut >= 0:
        return _escape_terminal(value[:cut]) + "..."
    return _escape_terminal(value)


def _is_namespaced(table: Table) -> bool:
    """Whether the table's resource is namespaced: namespaced objects always carry metadata.namespace."""
    return any(as_str(meta(obj).get("namespace")) for obj in table.objects)


def _label_header(key: str) -> str:
    """formatLabelHeaders: the last path segment of the label key, upper-cased."""
    return key.split("/")[-1].upper()


def _decorate(
    table: Table,
    kind_prefix: str,
    with_namespace: bool,
    with_kind: bool,
    show_labels: bool,
    label_columns: Sequence[str],
) -> tuple[list[Column], list[list[Any]]]:
    """decorateTable: NAMESPACE first, kind/ prefix on the name column, -L columns and LABELS last."""
    columns = list(table.columns)
    name_column = -1
    if with_kind and kind_prefix:
        for i, c in enumerate(columns):
            if c.format == "name" and c.type == "string":
                name_column = i
                break
    new_columns: list[Column] = []
    if with_namespace:
        new_columns.append(Column("Namespace", "string"))
    new_columns.extend(columns)
    new_columns.extend(Column(_label_header(key), "string") for key in label_columns)
    if show_labels:
        new_columns.append(Column("Labels", "string"))
    rows: list[list[Any]] = []
    for i, row in enumerate(table.rows):
        cells = list(row)
        obj = table.objects[i] if i < len(table.objects) else {}
        if name_column != -1 and name_column < len(cells):
            cells[name_column] = f"{kind_prefix}/{go_sprint(cells[name_column])}"
        metadata = meta(obj)
        if with_namespace:
            cells.insert(0, as_str(metadata.get("namespace")))
        if label_columns or show_labels:
            # appendLabelCells appends after the cells the row has (which cover every column).
            labels = as_dict(metadata.get("labels"))
            cells.extend(as_str(labels.get(key)) for key in label_columns)
            if show_labels:
                cells.append(format_labels(labels))
        rows.append(cells)
    return new_columns, rows


def _print_table(
    columns: list[Column], rows: list[list[Any]], tw: TabWriter, wide: bool, no_headers: bool
) -> None:
    """printTable: header (padded to the widest cell so periodic flushes stay aligned) and rows."""
    num = len(columns)

    def visible(i: int) -> bool:
        return wide or columns[i].priority == 0

    max_widths: list[int] = []
    if rows:
        max_widths = [0] * num
        for row in rows:
            for i, cell in enumerate(row):
                if i >= num:
                    break
                if not visible(i) or cell is None:
                    continue
                max_widths[i] = max(max_widths[i], len(go_sprint(cell).encode()))
    last_visible = -1
    for i in range(num):
        if visible(i):
            last_visible = i

    if not no_headers:
        # avoid printing headers if we have no rows to display
        if not rows:
            return
        parts: list[str] = []
        for i, column in enumerate(columns):
            if not visible(i):
                continue
            name = column.name.upper()
            if i != last_visible and i < len(max_widths):
                name += " " * max(max_widths[i] - len(name.encode()), 0)
            parts.append(name)
        tw.write("\t".join(parts) + "\n")

    pad_first_row = no_headers and len(max_widths) > 0
    for ri, row in enumerate(rows):
        parts = []
        for i, cell in enumerate(row):
            if i >= num:
                break  # more cells than column definitions: ignore the extra ones
            if not visible(i):
                continue
            text = ""
            cell_len = 0
            if cell is not None:
                raw = go_sprint(cell)
                cell_len = len(raw.encode())
                text = _cell_text(raw)
            if pad_first_row and ri == 0 and i != last_visible and i < len(max_widths):
                text += " " * max(max_widths[i] - cell_len, 0)
            parts.append(text)
        tw.write("\t".join(parts) + "\n")
        if (ri + 1) % FLUSH_INTERVAL == 0:
            tw.flush()


def format_table(
    tables: list[tuple[str, Table]],
    wide: bool,
    all_namespaces: bool,
    show_kind: bool,
    show_labels: bool,
    no_headers: bool,
    label_columns: Sequence[str] = (),
) -> str:
    """What `kubectl get` prints to stdout for these server Tables, byte for byte.

    Each tuple is (kind prefix, Table): the prefix ("pod", "deployment.apps") names the resource and is
    put before NAME when `show_kind` (several resource types requested, as by `kubectl get all`).
    Consecutive tuples with the same prefix are the same resource and share one printer. An empty
    result means nothing was printed: see `no_resources_message` for the stderr line.
    """
    out: list[str] = []
    written = 0
    separator_ready = False
    tw = TabWriter()

    def drain() -> None:
        nonlocal written, separator_ready
        text = tw.take()
        if text:
            if separator_ready:
                out.append("\n")
                written += 1
                separator_ready = False
            out.append(text)
            written += len(text)

    last_prefix: str | None = None
    last_columns: list[Column] | None = None
    printed_headers = False
    for prefix, table in tables:
        if last_prefix is None or prefix != last_prefix:
            tw.flush()
            drain()
            tw.set_remembered_widths(None)
            if last_prefix is not None and not no_headers and written > 0:
                separator_ready = True
            last_prefix = prefix
            last_columns = None
            printed_headers = False
        local_no_headers = no_headers
        if printed_headers and (not table.columns or table.columns == last_columns):
            local_no_headers = True
        if table.columns and table.columns != last_columns:
            last_columns = table.columns
            printed_headers = False
        if table.rows:
            printed_headers = True
        with_namespace = all_namespaces and _is_namespaced(table)
        columns, rows = _decorate(table, prefix, with_namespace, show_kind, show_labels, label_columns)
        _print_table(columns, rows, tw, wide, local_no_headers)
        drain()
    tw.flush()
    drain()
    return "".join(out)


def no_resources_message(namespace: str, all_namespaces: bool, namespaced: Iterable[bool]) -> str:
    """The stderr line of `kubectl get` when nothing was printed (and no error, no --ignore-not-found).

    `namespaced` holds, for each requested resource type, whether it is namespaced. Cluster-scoped
    types and -A give "No resources found".
    """
    all_resources_namespaced = not all_namespaces and all(namespaced)
    if all_resources_namespaced:
        return f"No resources found in {namespace} namespace.\n"
    return "No resources found\n"


def kind_prefix_of(obj: dict[str, Any]) -> str:
    """"kind" or "kind.group", lower-cased, from an object's apiVersion and kind (pod, deployment.apps)."""
    group = group_of(as_str(obj.get("apiVersion")))
    kind = as_str(obj.get("kind")).lower()
    return f"{kind}.{group}" if group else kind


def format_name(objs: Iterable[dict[str, Any]], kind_prefix: str | None = None) -> str:
    """`-o name`: one "kind[.group]/name" line per object ("pod/nginx", "deployment.apps/web")."""
    lines = []
    for obj in objs:
        prefix = kind_prefix if kind_prefix else kind_prefix_of(obj)
        lines.append(f"{prefix}/{as_str(meta(obj).get('name'))}\n")
    return "".join(lines)
