"""The kubectl emulation: parses a kubectl v1.37 command line and prints what kubectl prints.

Supported: get (tables, -o wide/name/yaml/json/jsonpath/custom-columns, --sort-by), describe, apply -f,
create -f, delete, scale, label, annotate, taint, cordon, uncordon, run, exec, logs, api-resources,
version. Output and error text follow kubectl (`Error from server (NotFound): pods "x" not found`,
`pod/x created`, ...).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from labk8s.api.labels import parse_selector
from labk8s.api.resources import ResourceType, UnknownResourceError
from labk8s.client.client import Client
from labk8s.errors import ApiError, ManifestError
from labk8s.kubectl import apply as kubectl_apply
from labk8s.kubectl.args import Args, UsageError, parse_args
from labk8s.kubectl.base import Raw
from labk8s.kubectl.describe import describe
from labk8s.kubectl.get import GetCommand
from labk8s.kubectl.label import LabelCommands
from labk8s.kubectl.manifest import load_manifests
from labk8s.kubectl.nodecmds import NodeCommands
from labk8s.kubectl.runexec import ExecFn, RunCommands

__all__ = ["Args", "ExecFn", "Kubectl", "LogsFn", "UsageError", "parse_args"]

Obj = dict[str, Any]


#: How `kubectl logs` reaches a kubelet: (namespace, pod, container, previous, tail) -> text.
LogsFn = Callable[[str, str, "str | None", bool, "int | None"], str]


class Kubectl(GetCommand, LabelCommands, NodeCommands, RunCommands):
    def __init__(self, client: Client, default_namespace: str = "default", logs: LogsFn | None = None,
                 exec: ExecFn | None = None) -> None:
        super().__init__(client, default_namespace)
        self._logs = logs
        self._exec = exec

    def run(self, command: str, cwd: str = ".") -> str:
        out: list[str] = []
        try:
            argv = shlex.split(command)
            if argv and argv[0] == "kubectl":
                argv = argv[1:]
            args = parse_args(argv)
            handler = getattr(self, f"_cmd_{args.verb.replace('-', '_')}", None)
            if handler is None:
                raise UsageError(f'unknown command "{args.verb}" for "kubectl"')
            handler(args, out)
        except UsageError as exc:
            out.append(f"error: {exc}")
        except UnknownResourceError as exc:
            out.append(f"error: {exc}")
        except ManifestError as exc:
            out.append(f"error: {exc}")
        except ApiError as exc:
            out.append(f"Error from server ({exc.reason}): {exc.message}")
        if not any(isinstance(x, Raw) for x in out):
            text = "\n".join(x.rstrip("\n") for x in out)
            return text + "\n" if text else ""
        return "".join(x if isinstance(x, Raw) else x.rstrip("\n") + "\n" for x in out)

    # -- commands -------------------------------------------------------------------------------------
    def _cmd_describe(self, args: Args, out: list[str]) -> None:
        ns = None if args.all_namespaces else self._ns(args)
        blocks: list[str] = []
        for rt, names in self._targets(args):
            if names:
                objs = [self.client.get(rt, ns or self.default_namespace, n) for n in names]
            else:
                objs, _ = self.client.list(rt, ns, args.selector)
                objs.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
            blocks += [describe(o, _Lookup(self.client), self.client.now_ms()) for o in objs]
        if not blocks:
            out.append(f"No resources found in {self._ns(args)} namespace.")
        out.append("\n\n".join(b.rstrip("\n") for b in blocks))

    def _load(self, args: Args) -> list[tuple[Obj, str]]:
        if not args.files:
            raise UsageError("must specify one of -f and -k")
        found: list[tuple[Obj, str]] = []
        for f in args.files:
            found += load_manifests(f)
        return found

    def _cmd_apply(self, args: Args, out: list[str]) -> None:
        for obj, source in self._load(args):
            rt = self.client.resource_for(obj)
            name = (obj.get("metadata") or {}).get("name", "")
            ns = (obj.get("metadata") or {}).get("namespace") or args.namespace or self.default_namespace
            existed = True
            try:
                before = self.client.get(rt, ns if rt.namespaced else "", name)
            except ApiError:
                existed, before = False, None
            try:
                after = kubectl_apply.apply_object(self.client, obj, args.namespace)
            except ApiError as exc:
                verb = "patching" if existed else "creating"
                out.append(f'Error from server ({exc.reason}): error when {verb} "{source}": {exc.message}')
                continue
            prefix = f"{self._kind_prefix(rt)}/{name}"
            if not existed:
                out.append(f"{prefix} created")
            elif before is not None and before["metadata"].get("resourceVersion") == \
                    after["metadata"].get("resourceVersion"):
                out.append(f"{prefix} unchanged")
            else:
                out.append(f"{prefix} configured")

    def _cmd_create(self, args: Args, out: list[str]) -> None:
        for obj, source in self._load(args):
            rt = self.client.resource_for(obj)
            try:
                created = self.client.create(obj, args.namespace)
            except ApiError as exc:
                out.append(f'Error from server ({exc.reason}): error when creating "{source}": {exc.message}')
                continue
            out.append(f"{self._kind_prefix(rt)}/{created['metadata']['name']} created")

    def _cmd_delete(self, args: Args, out: list[str]) -> None:
        propagation = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan",
                       "true": "Background", "false": "Orphan"}.get(args.cascade)
        if propagation is None:
            raise UsageError(f'invalid cascade value ({args.cascade}). Must be "background", "foreground", or '
                             '"orphan".')
        victims: list[tuple[ResourceType, str, str]] = []
        if args.files:
            for obj, _ in self._load(args):
                rt = self.client.resource_for(obj)
                meta = obj.get("metadata") or {}
                victims.append((rt, meta.get("namespace") or self._ns(args), meta.get("name", "")))
        else:
            for rt, names in self._targets(args):
                ns = self._ns(args)
                if not names:
                    if args.selector is None:
                        raise UsageError("resource(s) were provided, but no name was specified")
                    parse_selector(args.selector)
                    items, _ = self.client.list(rt, None if args.all_namespaces else ns, args.selector)
                    victims += [(rt, o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in items]
                victims += [(rt, ns, n) for n in names]
        if not victims:
            out.append(f"No resources found in {self._ns(args)} namespace." if not args.all_namespaces
                       else "No resources found")
        for rt, ns, name in victims:
            try:
                self.client.delete(rt, ns, name, propagation=propagation, grace_period_seconds=args.grace_period)
            except ApiError as exc:
                out.append(f"Error from server ({exc.reason}): {exc.message}")
                continue
            if rt.namespaced:
                out.append(f'{self._kind_prefix(rt)} "{name}" deleted from {ns} namespace')
            else:
                out.append(f'{self._kind_prefix(rt)} "{name}" deleted')

    def _cmd_scale(self, args: Args, out: list[str]) -> None:
        if args.replicas is None:
            raise UsageError("required flag(s) \"replicas\" not set")
        for rt, names in self._targets(args):
            if "scale" not in rt.subresources:
                raise ApiError.not_found_resource_type(
                    f"the server could not find the requested resource (patch {rt.group_resource})")
            for name in names:
                self.client.patch(rt, self._ns(args), name, {"spec": {"replicas": args.replicas}}, "merge",
                                  subresource="scale")
                out.append(f"{self._kind_prefix(rt)}/{name} scaled")

    def _cmd_logs(self, args: Args, out: list[str]) -> None:
        if not args.positional:
            raise UsageError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a "
                             "required argument for the logs command")
        target = args.positional[0]
        if "/" in target:
            kind, name = target.split("/", 1)
            rt = self.client.registry.resolve(kind)
            if rt.kind != "Pod":
                raise UsageError(f"cannot get the logs from {rt.group_resource}: selecting a pod of a controller "
                                 "is not supported yet")
            target = name
        if self._logs is None:
            raise UsageError("logs are not available: this cluster runs no kubelets")
        text = self._logs(self._ns(args), target, args.container, args.previous, args.tail)
        if text:
            out.append(text.rstrip("\n"))

    def _cmd_version(self, args: Args, out: list[str]) -> None:
        out.append("Client Version: v1.37.1\nKustomize Version: v5.8.1\nServer Version: v1.37.1")

    def _cmd_api_resources(self, args: Args, out: list[str]) -> None:
        rows = [("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND")]
        for rt in self.client.registry.all():
            rows.append((rt.plural, ",".join(rt.short_names), rt.api_version, str(rt.namespaced).lower(), rt.kind))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            out.append("   ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())


class _Lookup:
    """What describers may read, through the same client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def list(self, resource: str, group: str, namespace: str | None, label_selector: str | None = None,
             field_selector: str | None = None) -> list[Obj]:
        rt = self.client.registry.for_resource(group, resource)
        if rt is None:
            return []
        try:
            items, _ = self.client.list(rt, namespace, label_selector, field_selector)
        except ApiError:
            return []
        return items

    def get(self, resource: str, group: str, namespace: str | None, name: str) -> Obj | None:
        rt = self.client.registry.for_resource(group, resource)
        if rt is None:
            return None
        try:
            return self.client.get(rt, namespace or "", name)
        except ApiError:
            return None
