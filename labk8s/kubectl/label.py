"""`kubectl label` and `kubectl annotate` (kubectl/pkg/cmd/label, kubectl/pkg/cmd/annotate).

`kubectl label pods foo app=web` adds, `app=api --overwrite` replaces, `app-` removes. Without
--overwrite an existing key is an error (`'app' already has a value (web), and --overwrite is false`).
The change goes to the server as a JSON merge patch; kubectl then prints `pod/foo labeled` (or
`unlabeled`, `not labeled` when nothing changed; `annotated` for annotate). Errors on one object do not
stop the others: they are printed at the end, as cmdutil.CheckErr prints an aggregate.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import is_valid_label_value
from labk8s.errors import ApiError
from labk8s.kubectl.args import Args, UsageError
from labk8s.kubectl.base import CommandBase, check_err_message, emit_errors
from labk8s.kubectl.gotext import marshal

Obj = dict[str, Any]

MSG_LABELED = "labeled"
MSG_UNLABELED = "unlabeled"
MSG_NOT_LABELED = "not labeled"
MSG_ANNOTATED = "annotated"
#: The change-cause annotation may always be overwritten (polymorphichelpers.ChangeCauseAnnotation).
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"


def get_resources_and_pairs(args: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resources first, then `k=v` / `k-` pairs."""
    resources: list[str] = []
    pairs: list[str] = []
    for arg in args:
        is_pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if is_pair:
            pairs.append(arg)
        elif pairs:
            raise UsageError(f"all resources must be specified before {pair_type} changes: {arg}")
        else:
            resources.append(arg)
    return resources, pairs


def parse_labels(specs: list[str]) -> tuple[dict[str, str], list[str]]:
    """label.go parseLabels: values are checked here, keys by the API server."""
    labels: dict[str, str] = {}
    remove: list[str] = []
    for spec in specs:
        if "=" in spec:
            parts = spec.split("=")
            if len(parts) != 2:
                raise UsageError(f"invalid label spec: {spec}")
            errs = is_valid_label_value(parts[1])
            if errs:
                raise UsageError(f'invalid label value: "{spec}": {";".join(errs)}')
            labels[parts[0]] = parts[1]
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise UsageError(f"unknown label spec: {spec}")
    if any(key in labels for key in remove):
        raise UsageError("can not both modify and remove a label in the same command")
    return labels, remove


def parse_pairs(specs: list[str], pair_type: str, support_remove: bool) -> tuple[dict[str, str], list[str]]:
    """cmdutil.ParsePairs: `k=v` (the value may contain "="), `k-` when removal is supported."""
    pairs: dict[str, str] = {}
    remove: list[str] = []
    invalid: list[str] = []
    for spec in specs:
        if "=" in spec and not spec.startswith("="):
            key, value = spec.split("=", 1)
            pairs[key] = value
        elif support_remove and spec.endswith("-") and spec != "-":
            remove.append(spec[:-1])
        else:
            invalid.append(spec)
    if invalid:
        raise UsageError(f"invalid {pair_type} format: {', '.join(invalid)}")
    return pairs, remove


def data_change_msg(old: Obj, new: Obj, overwrite: bool) -> str:
    """label.go updateDataChangeMsg: compares the objects' JSON."""
    old_json, new_json = marshal(old).encode(), marshal(new).encode()
    if old_json == new_json:
        return MSG_NOT_LABELED
    if not overwrite and len(new_json) < len(old_json):
        return MSG_UNLABELED
    return MSG_LABELED


def merge_patch(old: Any, new: Any) -> Any:
    """jsonpatch.CreateMergePatch of two JSON objects (maps recurse, removed keys become null)."""
    patch: dict[str, Any] = {}
    for key in sorted(set(old) | set(new)):
        if key not in new:
            patch[key] = None
        elif key not in old:
            patch[key] = new[key]
        elif isinstance(old[key], dict) and isinstance(new[key], dict):
            sub = merge_patch(old[key], new[key])
            if sub:
                patch[key] = sub
        elif old[key] != new[key]:
            patch[key] = new[key]
    return patch


def _overwrite_errors(field: str, current: dict[str, str], new: dict[str, str]) -> list[str]:
    if field == "labels":
        return [f"'{k}' already has a value ({current[k]}), and --overwrite is false" for k in new if k in current]
    found = [f"'{k}' already has a value ({current[k]})" for k in new
             if k in current and k != CHANGE_CAUSE_ANNOTATION]
    if not found:
        return []
    return ["--overwrite is false but found the following declared annotation(s): " + "; ".join(found)]


class LabelCommands(CommandBase):
    def _cmd_label(self, args: Args, out: list[str]) -> None:
        self._update_map(args, out, "labels")

    def _cmd_annotate(self, args: Args, out: list[str]) -> None:
        self._update_map(args, out, "annotations")

    def _update_map(self, args: Args, out: list[str], field: str) -> None:
        what = "label" if field == "labels" else "annotation"
        resources, specs = get_resources_and_pairs(args.positional, what)
        new, remove = parse_labels(specs) if field == "labels" else parse_pairs(specs, what, True)
        if args.all and args.selector:
            raise UsageError("cannot set --all and --selector at the same time")
        if args.all and args.field_selector:
            raise UsageError("cannot set --all and --field-selector at the same time")
        if not resources:
            raise UsageError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
        if not new and not remove:
            raise UsageError(f"at least one {what} update is required")
        both = [k for k in remove if k in new]
        if field == "annotations" and both:
            raise UsageError("can not both modify and remove the following annotation(s) in the same command: "
                             + ", ".join(both))
        errors: list[str] = []
        for rt, found in self._visit(args, resources, args.all):
            if isinstance(found, str):
                errors.append(found)
                continue
            meta = found["metadata"]
            current = dict(meta.get(field) or {})
            if field == "labels":
                out.extend(f'label "{k}" not found.' for k in remove if k not in current)
            problems = [] if args.overwrite else _overwrite_errors(field, current, new)
            if problems:
                errors += [f"error: {p}" for p in sorted(problems)]
                continue
            updated_map = {**current, **new}
            for key in remove:
                updated_map.pop(key, None)
            updated = {**found, "metadata": {**meta, field: updated_map}}
            msg = data_change_msg(found, updated, args.overwrite) if field == "labels" else MSG_ANNOTATED
            try:
                self.client.patch(rt, meta.get("namespace", ""), meta["name"], merge_patch(found, updated), "merge")
            except ApiError as exc:
                errors.append(check_err_message(exc))
                continue
            out.append(f"{self._kind_prefix(rt)}/{meta['name']} {msg}")
        emit_errors(out, errors)
