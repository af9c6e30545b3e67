"""What every kubectl command shares: the client, the namespace, resource arguments, and error text.

Commands append to `out`: plain strings are lines (kubectl's stdout and stderr, interleaved as a
terminal shows them); `Raw` pieces are written exactly as they are (JSONPath output has no newline of
its own, and some error messages end in several).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.resources import ResourceType
from labk8s.client.client import Client
from labk8s.errors import ApiError
from labk8s.kubectl.args import Args, UsageError

Obj = dict[str, Any]


class Raw(str):
    """Output written verbatim (no newline added)."""


def api_error_message(exc: ApiError) -> str:
    """StandardErrorMessage for an API status error: `Error from server (NotFound): ...`."""
    if exc.reason:
        return f"Error from server ({exc.reason}): {exc.message}"
    return f"Error from server: {exc.message}"


def check_err_message(exc: ApiError) -> str:
    """cmdutil.CheckErr for an API error returned by a command (422 Invalid gets kubectl's own wording)."""
    details = exc.details
    if exc.code != 422 or exc.reason != "Invalid":
        return api_error_message(exc)
    if not details:
        return f"The request is invalid: {exc.message}"
    head = "The request is invalid"
    if details.get("kind") or details.get("name"):
        head = f'The {details.get("kind", "")} "{details.get("name", "")}" is invalid'
    causes: list[str] = []
    for cause in exc.causes:
        msg = f'{cause.get("field", "")}: {cause.get("message", "")}'
        if msg not in causes:
            causes.append(msg)
    if not causes:
        return head
    if len(causes) == 1:
        return f"{head}: {causes[0]}"
    return f"{head}: \n" + "\n".join(f"* {c}" for c in causes)


def aggregate_lines(errors: list[str]) -> list[str]:
    """CheckErr of an aggregate of errors, each given as CheckErr prints it alone (`error: <msg>` or
    `Error from server (...): ...`): one is printed as it is, several one per line without `error: `
    (cmdutil.MultipleErrors)."""
    if len(errors) == 1:
        return list(errors)
    return [e.removeprefix("error: ") for e in errors]


def emit_errors(out: list[str], errors: list[str]) -> None:
    """Print an aggregate of errors; messages that end in newlines keep them (CheckErr adds none)."""
    lines = aggregate_lines(errors)
    for line in lines:
        if line.endswith("\n"):
            out.append(Raw(line if len(lines) == 1 else line + "\n"))
        else:
            out.append(line)


class CommandBase:
    """State and helpers the command mixins rely on."""

    def __init__(self, client: Client, default_namespace: str = "default") -> None:
        self.client = client
        self.default_namespace = default_namespace

    def _ns(self, args: Args) -> str:
        return args.namespace or self.default_namespace

    def _kind_prefix(self, rt: ResourceType) -> str:
        return f"{rt.singular}.{rt.group}" if rt.group else rt.singular

    def _targets(self, args: Args, positional: list[str] | None = None) -> list[tuple[ResourceType, list[str]]]:
        """`get pods a b`, `get pod/a deploy/b`, `get pods,svc`: resource types with optional names."""
        pos = args.positional if positional is None else positional
        if not pos:
            raise UsageError("You must specify the type of resource to get. Use \"kubectl api-resources\" "
                             "for a complete list of supported resources.")
        registry = self.client.registry
        if all("/" in p for p in pos):
            found: list[tuple[ResourceType, list[str]]] = []
            for p in pos:
                kind, name = p.split("/", 1)
                rt = registry.resolve(kind)
                if found and found[-1][0] == rt:
                    found[-1][1].append(name)
                else:
                    found.append((rt, [name]))
            return found
        types = registry.expand(pos[0])
        names = pos[1:]
        if names and len(types) > 1:
            raise UsageError("you may only specify a single resource type")
        return [(rt, list(names)) for rt in types]

    def _visit(self, args: Args, resources: list[str], select_all: bool) -> list[tuple[ResourceType, Obj | str]]:
        """The resource builder (ResourceTypeOrNameArgs, -l, --all, -A, ContinueOnError): each object found,
        or the error text for a name that could not be read, in argument order."""
        found: list[tuple[ResourceType, Obj | str]] = []
        ns = self._ns(args)
        for rt, names in self._targets(args, resources):
            if not names:
                if args.selector is None and not select_all:
                    raise UsageError("resource(s) were provided, but no name was specified")
                items, _ = self.client.list(rt, None if args.all_namespaces else ns, args.selector,
                                            args.field_selector)
                items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
                found += [(rt, o) for o in items]
                continue
            for name in names:
                try:
                    found.append((rt, self.client.get(rt, ns if rt.namespaced else "", name)))
                except ApiError as exc:
                    found.append((rt, api_error_message(exc)))
        return found
