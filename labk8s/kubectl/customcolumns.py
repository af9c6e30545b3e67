"""`kubectl get -o custom-columns=NAME:.metadata.name,...` (kubectl/pkg/cmd/get/customcolumn.go).

Each column is a header and a relaxed JSONPath (`.metadata.name`, `metadata.name`, `{.metadata.name}`).
A cell joins the column's results with "," (each printed with fmt.Sprint), `<none>` when there is none;
rows go through kubectl's tabwriter, so columns align as kubectl aligns them. `-o custom-columns-file=F`
reads two whitespace-separated lines: the headers, then the field specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labk8s.kubectl.gotext import sprint
from labk8s.kubectl.jsonpath import JSONPath, JSONPathError, relaxed_jsonpath_expression
from labk8s.kubectl.printers import TabWriter


class CustomColumnsError(Exception):
    """A bad spec or template, with kubectl's message."""


@dataclass(frozen=True)
class Column:
    header: str
    field_spec: str


def columns_from_spec(spec: str) -> list[Column]:
    """NewCustomColumnsPrinterFromSpec: `HEADER:path,HEADER:path`."""
    if not spec:
        raise CustomColumnsError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise CustomColumnsError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        try:
            columns.append(Column(header, relaxed_jsonpath_expression(path)))
        except JSONPathError as err:
            raise CustomColumnsError(str(err)) from None
    return columns


def columns_from_template(text: str) -> list[Column]:
    """NewCustomColumnsPrinterFromTemplate: a header line and a spec line, both whitespace-separated."""
    lines = text.splitlines()
    if not lines:
        raise CustomColumnsError("invalid template, missing header line. Expected format is one line of space "
                                 "separated headers, one line of space separated column specs.")
    if len(lines) < 2:
        raise CustomColumnsError("invalid template, missing spec line. Expected format is one line of space "
                                 "separated headers, one line of space separated column specs.")
    headers, specs = lines[0].split(), lines[1].split()
    if len(headers) != len(specs):
        raise CustomColumnsError(f"number of headers ({len(headers)}) and field specifications ({len(specs)}) "
                                 "don't match")
    try:
        return [Column(h, relaxed_jsonpath_expression(s)) for h, s in zip(headers, specs, strict=True)]
    except JSONPathError as err:
        raise CustomColumnsError(str(err)) from None


def _escape_terminal(text: str) -> str:
    """printers.EscapeTerminal: ESC becomes "^[", CR becomes "\\r"."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def print_custom_columns(obj: Any, columns: list[Column], no_headers: bool = False) -> str:
    """CustomColumnsPrinter.PrintObj for one object or a List (one row per item), as the tabwriter flushes it."""
    parsers = []
    for column in columns:
        try:
            parsers.append(JSONPath(column.field_spec, allow_missing_keys=True))
        except JSONPathError as err:
            raise CustomColumnsError(str(err)) from None
    tw = TabWriter()
    if not no_headers:
        tw.write("\t".join(c.header for c in columns) + "\n")
    items = obj.get("items") or [] if isinstance(obj, dict) and obj.get("kind") == "List" else [obj]
    for item in items:
        cells = []
        for parser in parsers:
            try:
                found = parser.find_results(item)
            except JSONPathError as err:
                raise CustomColumnsError(str(err)) from None
            values = [_escape_terminal(sprint(v)) for results in found for v in results]
            if not found or not found[0]:
                values.insert(0, "<none>")
            cells.append(",".join(values))
        tw.write("\t".join(cells) + "\n")
    tw.flush()
    return tw.take()
