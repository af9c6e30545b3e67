"""`kubectl taint nodes` (kubectl/pkg/cmd/taint) and `kubectl cordon` / `uncordon` (kubectl/pkg/cmd/drain).

`kubectl taint nodes node-1 dedicated=gpu:NoSchedule` adds a taint (`node/node-1 tainted`),
`dedicated:NoSchedule-` or `dedicated-` removes (`node/node-1 untainted`), --overwrite replaces one with
the same key and effect (`node/node-1 modified`). `kubectl cordon node-1` sets spec.unschedulable
(`node/node-1 cordoned`, or `already cordoned`); `uncordon` clears it. `kubectl drain` is not emulated:
it needs the Eviction API, which this API server does not serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labk8s.api.validation import is_label_key, is_valid_label_value
from labk8s.errors import ApiError
from labk8s.kubectl.args import Args, UsageError
from labk8s.kubectl.base import CommandBase, api_error_message, check_err_message, emit_errors
from labk8s.kubectl.gotext import go_quote

Obj = dict[str, Any]

MODIFIED = "modified"
TAINTED = "tainted"
UNTAINTED = "untainted"
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


@dataclass(frozen=True)
class Taint:
    key: str
    value: str = ""
    effect: str = ""

    def to_string(self) -> str:
        """corev1.Taint.ToString: `key=value:effect`, parts left out when empty."""
        if not self.effect:
            return f"{self.key}={self.value}:" if self.value else self.key
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"

    def to_json(self) -> Obj:
        return {"key": self.key, **({"value": self.value} if self.value else {}), "effect": self.effect}


def _usage(msg: str, command: str) -> UsageError:
    return UsageError(f"{msg}\nSee 'kubectl {command} -h' for help and examples")


def parse_taint(spec: str) -> Taint:
    """parseTaint: `key=value:effect`, `key:effect` or `key`."""
    parts = spec.split(":")
    value = effect = ""
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in EFFECTS:
            raise ValueError(f"invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise ValueError(f"invalid taint spec: {spec}")
        key = kv[0]
        if len(kv) == 2:
            value = kv[1]
            errs = is_valid_label_value(value)
            if errs:
                raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    else:
        raise ValueError(f"invalid taint spec: {spec}")
    errs = is_label_key(key)
    if errs:
        raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    return Taint(key, value, effect)


def parse_taints(specs: list[str]) -> tuple[list[Taint], list[Taint]]:
    """parseTaints: taints to add (each needs an effect, unique by key and effect) and to remove."""
    add: list[Taint] = []
    remove: list[Taint] = []
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.endswith("-"):
            taint = parse_taint(spec[:-1])
            remove.append(Taint(taint.key, "", taint.effect))
            continue
        taint = parse_taint(spec)
        if not taint.effect:
            raise ValueError(f"invalid taint spec: {spec}")
        if (taint.key, taint.effect) in seen:
            raise ValueError(f"duplicated taints with the same key and effect: {{{taint.key} {taint.value} "
                             f"{taint.effect} <nil>}}")
        seen.add((taint.key, taint.effect))
        add.append(taint)
    return add, remove


def _matches(taint: Obj, key: str, effect: str) -> bool:
    """Taint.MatchTaint: same key and effect."""
    return bool(taint.get("key", "") == key and taint.get("effect", "") == effect)


def reorganize_taints(old: list[Obj], overwrite: bool, add: list[Taint],
                      remove: list[Taint]) -> tuple[str, list[Obj], list[str]]:
    """reorganizeTaints: the operation's name, the node's new taints, and `taint "x" not found` errors."""
    new = [t.to_json() for t in add]
    for old_taint in old:  # addTaints: keep the old taints no new one replaces
        if not any(_matches(old_taint, n["key"], n["effect"]) for n in new):
            new.append(old_taint)
    added = len(old) != len(new)
    errors: list[str] = []
    removed = False
    for taint in remove:  # deleteTaints
        kept = [t for t in new
                if not (t.get("key") == taint.key and (not taint.effect or t.get("effect") == taint.effect))]
        removed = len(kept) != len(new)
        new = kept
        if not removed:
            errors.append(f'taint "{taint.to_string()}" not found')
    if (added and removed) or overwrite:
        return MODIFIED, new, errors
    return (TAINTED if added else UNTAINTED), new, errors


class NodeCommands(CommandBase):
    def _cmd_taint(self, args: Args, out: list[str]) -> None:
        resources: list[str] = []
        specs: list[str] = []
        for arg in args.positional:
            if "=" in arg or ":" in arg or arg.endswith("-"):
                specs.append(arg)
            elif specs:
                raise UsageError(f"all resources must be specified before taint changes: {arg}")
            else:
                resources.append(arg)
        if not resources:
            raise UsageError("one or more resources must be specified as <resource> <name>")
        if not specs:
            raise UsageError("at least one taint update is required")
        try:
            add, remove = parse_taints(specs)
        except ValueError as err:
            raise _usage(str(err), "taint") from None
        resource_type = resources[0].lower()
        rt = self.client.registry.resolve(resource_type)
        if rt.kind != "Node":
            raise UsageError(f"invalid resource type {resource_type}, only node types are supported")
        conflicts = [f'{{"{r.key}":"{r.effect}"}}' for a in add for r in remove
                     if a.key == r.key and (not r.effect or a.effect == r.effect)]
        if conflicts:
            raise UsageError("can not both modify and remove the following taint(s) in the same command: "
                             + ", ".join(conflicts))
        if args.all and args.selector:
            raise UsageError("setting 'all' parameter with a non empty selector is prohibited")
        if not args.all and args.selector is None and len(resources) < 2:
            raise UsageError("at least one resource name must be specified since 'all' parameter is not set")
        errors: list[str] = []
        for node in self._nodes(rt, args, resources[1:], errors):
            name = node["metadata"]["name"]
            old = list((node.get("spec") or {}).get("taints") or [])
            if not args.overwrite:
                exists = ",".join(t.key for t in add for o in old if _matches(o, t.key, t.effect))
                if exists:
                    errors.append(f"error: node {name} already has {exists} taint(s) with same effect(s) and "
                                  "--overwrite is false")
                    continue
            operation, new, problems = reorganize_taints(old, args.overwrite, add, remove)
            if problems:
                errors += [f"error: {p}" for p in problems]
                continue
            try:
                self.client.patch(rt, "", name, {"spec": {"taints": new or None}}, "merge")
            except ApiError as exc:
                errors.append(check_err_message(exc))
                continue
            out.append(f"node/{name} {operation}")
        emit_errors(out, errors)

    def _nodes(self, rt: Any, args: Args, names: list[str], errors: list[str]) -> list[Obj]:
        if args.selector is not None or args.all:
            items, _ = self.client.list(rt, None, args.selector)
            return sorted(items, key=lambda n: n["metadata"]["name"])
        found = []
        for name in names:
            try:
                found.append(self.client.get(rt, "", name))
            except ApiError as exc:
                errors.append(api_error_message(exc))
        return found

    def _cmd_cordon(self, args: Args, out: list[str]) -> None:
        self._cordon(args, out, True)

    def _cmd_uncordon(self, args: Args, out: list[str]) -> None:
        self._cordon(args, out, False)

    def _cordon(self, args: Args, out: list[str], desired: bool) -> None:
        verb = "cordon" if desired else "uncordon"
        if not args.positional and args.selector is None:
            raise _usage(f"USAGE: {verb} NODE [flags]", verb)
        if args.positional and args.selector is not None:
            raise UsageError("name cannot be provided when a selector is specified")
        rt = self.client.resolve("nodes")
        errors: list[str] = []
        nodes = self._nodes(rt, args, args.positional, errors)
        if errors:  # the builder's errors end the command before any node is changed
            emit_errors(out, errors)
            return
        for node in nodes:
            name = node["metadata"]["name"]
            if bool((node.get("spec") or {}).get("unschedulable")) == desired:
                out.append(f"node/{name} already {verb}ed")
                continue
            try:
                self.client.patch(rt, "", name, {"spec": {"unschedulable": True if desired else None}}, "merge")
            except ApiError as exc:
                out.append(f"error: unable to {verb} node {go_quote(name)}: {exc.message}")
                continue
            out.append(f"node/{name} {verb}ed")
