"""`kubectl get` (kubectl/pkg/cmd/get/get.go): human-readable tables, or the generic printers.

Human-readable output (default, -o wide) prints the server's Tables, one per resource type; --sort-by
sorts the rows of each Table. Every other format goes through printGeneric: one object when a single
name was asked for, otherwise a v1 List of everything found (sorted as a whole by --sort-by), printed
as yaml, json, name, a JSONPath template or custom columns.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from labk8s.api.resources import ResourceType
from labk8s.errors import ApiError
from labk8s.kubectl.args import Args, UsageError
from labk8s.kubectl.base import CommandBase, Raw, api_error_message, emit_errors
from labk8s.kubectl.customcolumns import (
    CustomColumnsError,
    columns_from_spec,
    columns_from_template,
    print_custom_columns,
)
from labk8s.kubectl.gotext import go_quote, normalize, sharp_v
from labk8s.kubectl.jsonpath import JSONPath, JSONPathError
from labk8s.kubectl.printers import build_table, format_name, format_table, kind_prefix_of, to_json, to_yaml
from labk8s.kubectl.sorting import SortError, list_sort_order, table_sort_order

Obj = dict[str, Any]
Printer = Callable[[Obj], str]

ALLOWED_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
                   "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
_JSONPATH_FORMATS = ("jsonpath", "jsonpath-file", "jsonpath-as-json")
_COLUMNS_FORMATS = ("custom-columns", "custom-columns-file")
_TEMPLATE_FORMATS = ("go-template", "go-template-file", "template", "templatefile")


class PrinterError(Exception):
    """The printer could not print (a template failed), with kubectl's message (no `error: `)."""


def _split_format(output: str, formats: tuple[str, ...]) -> tuple[str, str] | None:
    """`jsonpath={.x}` -> ("jsonpath", "{.x}"); a bare `jsonpath` -> ("jsonpath", "")."""
    for fmt in formats:
        if output == fmt:
            return fmt, ""
        if output.startswith(fmt + "="):
            return fmt, output[len(fmt) + 1:]
    return None


class GetCommand(CommandBase):
    def _cmd_get(self, args: Args, out: list[str]) -> None:
        ns = None if args.all_namespaces else self._ns(args)
        targets = self._targets(args)
        output = args.output
        if args.show_labels and output not in ("", "wide"):
            raise UsageError(f"--show-labels option cannot be used with {output} printer")
        objects: list[tuple[ResourceType, list[Obj], bool]] = []
        errors: list[str] = []
        for rt, names in targets:
            if names:
                found = []
                for n in names:
                    try:
                        found.append(self.client.get(rt, ns or self.default_namespace, n))
                    except ApiError as exc:
                        errors.append(api_error_message(exc))
                objects.append((rt, found, True))
            else:
                items, _ = self.client.list(rt, ns, args.selector, args.field_selector)
                items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
                objects.append((rt, items, False))
        if output in ("", "wide"):
            self._print_human(args, targets, objects, errors, out)
        else:
            single = len(targets) == 1 and len(targets[0][1]) == 1
            self._print_generic(args, objects, errors, single, out)

    # -- human-readable -------------------------------------------------------------------------------
    def _print_human(self, args: Args, targets: list[tuple[ResourceType, list[str]]],
                     objects: list[tuple[ResourceType, list[Obj], bool]], errors: list[str], out: list[str]) -> None:
        if args.sort_by:
            try:
                for i, (rt, items, named) in enumerate(objects):
                    if named:  # a Table per name: each is checked, none reordered
                        for item in items:
                            table_sort_order([item], args.sort_by)
                    else:
                        objects[i] = (rt, [items[k] for k in table_sort_order(items, args.sort_by)], named)
            except SortError as err:
                out.append(f"error: {err}")
                return
        tables = [(self._kind_prefix(rt), build_table(rt.group, rt.kind, items, self.client.now_ms()))
                  for rt, items, _ in objects if items]
        if tables:
            show_kind = len(targets) > 1 or len(args.positional) > 1 and "/" in args.positional[0]
            out.append(format_table(tables, wide=args.output == "wide", all_namespaces=args.all_namespaces,
                                    show_kind=show_kind, show_labels=args.show_labels,
                                    no_headers=args.no_headers, label_columns=args.label_columns))
        emit_errors(out, errors)
        if not tables and not errors:
            if args.all_namespaces or not targets[0][0].namespaced:
                out.append("No resources found")
            else:
                out.append(f"No resources found in {self._ns(args)} namespace.")

    # -- generic printers -----------------------------------------------------------------------------
    def _print_generic(self, args: Args, objects: list[tuple[ResourceType, list[Obj], bool]], errors: list[str],
                       single: bool, out: list[str]) -> None:
        pairs = [(rt, o) for rt, items, _ in objects for o in items]
        if single and errors:
            emit_errors(out, errors)  # a single named object that failed: only its error
            return
        printer = self._generic_printer(args)
        if single and pairs:
            value: Obj = pairs[0][1]
        else:
            if args.sort_by:
                try:
                    pairs = [pairs[k] for k in list_sort_order([o for _, o in pairs], args.sort_by)]
                except SortError as err:
                    emit_errors(out, errors + [f"error: {err}"])
                    return
            value = {"apiVersion": "v1", "items": [o for _, o in pairs], "kind": "List",
                     "metadata": {"resourceVersion": ""}}
        try:
            if args.output == "name":  # NamePrinter: kind[.group]/name of each object
                text = "".join(format_name([o], self._kind_prefix(rt)) for rt, o in pairs)
            else:
                text = printer(value)
        except PrinterError as err:
            errors = errors + [f"error: {err}"]
            text = ""
        if text:
            out.append(Raw(text))
        emit_errors(out, errors)

    def _generic_printer(self, args: Args) -> Printer:
        """PrintFlags.ToPrinter for a non-human-readable -o value."""
        output = args.output
        if output == "yaml":
            return to_yaml
        if output == "json":
            return to_json
        if output == "name":
            return lambda obj: "".join(format_name([o], kind_prefix_of(o)) for o in obj.get("items", [obj]))
        jsonpath = _split_format(output, _JSONPATH_FORMATS)
        if jsonpath is not None:
            return self._jsonpath_printer(*jsonpath, allow_missing=args.allow_missing_template_keys)
        columns = _split_format(output, _COLUMNS_FORMATS)
        if columns is not None:
            return self._columns_printer(*columns, no_headers=args.no_headers)
        if _split_format(output, _TEMPLATE_FORMATS) is not None:
            raise UsageError(f'output format "{output.split("=", 1)[0]}" (Go templates) is not supported by '
                             "labk8s; use jsonpath or custom-columns")
        raise UsageError(f'unable to match a printer suitable for the output format "{output}", allowed '
                         f"formats are: {ALLOWED_FORMATS}")

    def _read(self, path: str) -> str:
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        except OSError as exc:
            raise UsageError(f"error reading --template {path}, open {path}: {os.strerror(exc.errno or 2).lower()}"
                             ) from None

    def _jsonpath_printer(self, fmt: str, template: str, allow_missing: bool) -> Printer:
        if not template:
            raise UsageError("template format specified but no template given")
        if fmt == "jsonpath-file":
            template = self._read(template)
        try:
            parser = JSONPath(template, allow_missing_keys=allow_missing, json_output=fmt == "jsonpath-as-json")
        except JSONPathError as err:
            raise UsageError(f"error parsing jsonpath {template}, {err}") from None

        def print_obj(obj: Obj) -> str:
            data = normalize(obj)
            try:
                return parser.execute(data)
            except JSONPathError as err:
                raise PrinterError(
                    f"error executing jsonpath {go_quote(template)}: Error executing template: {err}. Printing more "
                    f"information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to "
                    f"jsonpath engine was:\n\t\t{sharp_v(data)}\n\n\n") from None

        return print_obj

    def _columns_printer(self, fmt: str, spec: str, no_headers: bool) -> Printer:
        if not spec:
            raise UsageError("custom-columns format specified but no custom columns given")
        try:
            if fmt == "custom-columns-file":
                try:
                    with open(spec, encoding="utf-8") as fh:
                        text = fh.read()
                except OSError as exc:
                    raise UsageError(f"error reading template {spec}, open {spec}: "
                                     f"{os.strerror(exc.errno or 2).lower()}\n") from None
                columns = columns_from_template(text)
                no_headers = False
            else:
                columns = columns_from_spec(spec)
        except CustomColumnsError as err:
            raise UsageError(str(err)) from None

        def print_obj(obj: Obj) -> str:
            try:
                return print_custom_columns(normalize(obj), columns, no_headers)
            except CustomColumnsError as err:
                raise PrinterError(str(err)) from None

        return print_obj
