"""A shell on the node (``Cluster.node_exec``) with ``crictl`` and ``ip route``.

:class:`NodeShell` runs a command line in the node's filesystem through the container shell (so ``ls``,
``cat``, pipes and redirections behave as they do in pods) with two node programs added: ``crictl``
(``ps [-a] [-q] [--no-trunc] [--name RE] [-p POD] [-s STATE]``, ``pods``, ``images``, ``logs``, ``version``)
and ``ip route``. The command runs to completion at the current virtual time: the cluster does not move
while it runs (a ``sleep`` in it returns at once) and a command that would wait forever is stopped after
:data:`NODE_EXEC_LIMIT_MS` of its own time.

crictl's tables are byte-exact with crictl v1.3x: Go's tabwriter with ``minwidth 20, tabwidth 1,
padding 3``, IDs truncated to 13 characters, ``CREATED`` from go-units' ``HumanDuration`` (``2 minutes
ago``), sizes from ``HumanSizeWithPrecision(size, 3)`` (``72.2MB``), newest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labk8s.node.images.reference import ReferenceFormatError, normalize
from labk8s.node.nodefs import cri_log_line
from labk8s.node.runtime.containers import (
    POD_NAME_LABEL,
    POD_NAMESPACE_LABEL,
    ContainerState,
    ContainerStatus,
    CriError,
    SandboxState,
)
from labk8s.node.runtime.cri import ContainerRuntime
from labk8s.node.runtime.shell import Invocation, ProcessContext, Signal, Sleep, run_command

__all__ = ["NODE_EXEC_LIMIT_MS", "NodeExecResult", "NodeShell", "human_duration", "human_size", "tabwrite"]

#: How much of its own (local) time a node command may use before it is stopped.
NODE_EXEC_LIMIT_MS = 600_000
TRUNCATED_ID_LEN = 13
NODE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# -- formatting helpers (Go libraries crictl uses) --------------------------------------------------


def tabwrite(rows: list[list[str]], minwidth: int = 20, padding: int = 3) -> str:
    """text/tabwriter with padchar ' ' and no flags, for rows of equal length: every cell but the last
    of a line is padded to its column's width (widest cell + padding, at least ``minwidth``)."""
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    widths = [minwidth] * ncols
    for r in rows:
        for i, cell in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(cell) + padding)
    out = []
    for r in rows:
        out.append("".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:-1])) + (r[-1] if r else "") + "\n")
    return "".join(out)


def human_duration(ms: int) -> str:
    """go-units ``HumanDuration``."""
    seconds = ms // 1000
    if seconds < 1:
        return "Less than a second"
    if seconds == 1:
        return "1 second"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = ms // 60_000
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(ms / 3_600_000 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{ms // 3_600_000 // 24 // 365} years"


def human_size(size: int, precision: int = 3) -> str:
    """go-units ``HumanSizeWithPrecision``: decimal units, ``%.*g``."""
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    value = float(size)
    i = 0
    while value >= 1000.0 and i < len(units) - 1:
        value /= 1000.0
        i += 1
    return f"{value:.{precision}g}{units[i]}"


def _trunc(ident: str, prefix: str = "") -> str:
    ident = ident.removeprefix(prefix)
    return ident[:TRUNCATED_ID_LEN]


# -- argument parsing (urfave/cli with short-option combining) ---------------------------------------
class _UsageError(Exception):
    pass


def _parse(argv: list[str], bools: dict[str, str], values: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Flags by alias -> canonical name; returns (options, positional arguments)."""
    opts: dict[str, Any] = {}
    pos: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            pos += argv[i + 1:]
            break
        if a.startswith("--") or (a.startswith("-") and len(a) == 2):
            name, eq, val = a.lstrip("-").partition("=")
            if name in bools:
                opts[bools[name]] = True
            elif name in values:
                if not eq:
                    i += 1
                    if i >= len(argv):
                        raise _UsageError(f"flag needs an argument: {a}")
                    val = argv[i]
                opts[values[name]] = val
            else:
                raise _UsageError(f"flag provided but not defined: -{name}")
        elif a.startswith("-") and len(a) > 2:
            for ch in a[1:]:  # -aq
                if ch not in bools:
                    raise _UsageError(f"flag provided but not defined: -{ch}")
                opts[bools[ch]] = True
        else:
            pos.append(a)
        i += 1
    return opts, pos


#: crictl subcommands that exist but that the simulated node does not offer.
_UNMODELLED = frozenset({
    "attach", "checkpoint", "completion", "config", "create", "events", "exec", "imagefsinfo", "info", "inspect",
    "inspecti", "inspectp", "metricsp", "port-forward", "pull", "rm", "rmi", "rmp", "run", "runp", "start", "stats",
    "statsp", "stop", "stopp", "update", "update-runtime-config",
})


class _Crictl:
    def __init__(self, rt: ContainerRuntime, now_ms: int) -> None:
        self.rt = rt
        self.now = now_ms

    def ago(self, when: int) -> str:
        return human_duration(max(0, self.now - when)) + " ago"

    def run(self, args: list[str], out: Callable[[str], None], err: Callable[[str], None]) -> int:
        if not args:
            out("NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options]\n")
            return 0
        cmd, rest = args[0], args[1:]
        handlers = {"ps": self.ps, "pods": self.pods, "images": self.images, "image": self.images,
                    "img": self.images, "logs": self.logs, "version": self.version}
        handler = handlers.get(cmd)
        if handler is None and cmd in _UNMODELLED:
            err(f"crictl {cmd}: not modelled by labk8s (crictl ps, pods, images, logs, version)\n")
            return 1
        if handler is None:
            err(f"No help topic for '{cmd}'\n")
            return 3
        try:
            return handler(rest, out, err)
        except _UsageError as exc:
            err(f"Incorrect Usage: {exc}\n")
            return 1
        except CriError as exc:
            err(f"FATA[0000] {exc}\n")
            return 1

    def ps(self, args: list[str], out: Callable[[str], None], err: Callable[[str], None]) -> int:
        opts, _ = _parse(args, {"a": "all", "all": "all", "q": "quiet", "quiet": "quiet", "no-trunc": "no_trunc",
                                "l": "latest", "latest": "latest"},
                         {"name": "name", "p": "pod", "pod": "pod", "s": "state", "state": "state", "id": "id",
                          "image": "image", "n": "last", "last": "last", "namespace": "namespace"})
        state = str(opts.get("state", "")).lower()
        if state and state not in ("created", "running", "exited", "unknown"):
            err("FATA[0000] listing containers: --state should be one of created, running, exited or unknown\n")
            return 1
        rows = []
        for c in self.rt.list_containers():
            if opts.get("id") and not c.id.startswith(opts["id"]):
                continue
            if opts.get("pod") and not c.sandbox_id.startswith(opts["pod"]):
                continue
            latest = opts.get("latest") or int(opts.get("last", 0) or 0) > 0
            if state and c.state.lower() != state and not latest:
                continue
            if not state and not opts.get("all") and not latest and c.state != ContainerState.RUNNING:
                continue
            if opts.get("name") and not re.search(opts["name"], c.name):
                continue
            ns = c.labels.get(POD_NAMESPACE_LABEL, "unknown")
            if opts.get("namespace") and not re.search(opts["namespace"], ns):
                continue
            if opts.get("image") and not _image_matches(opts["image"], c):
                continue
            rows.append(c)
        seq = {c.id: i for i, c in enumerate(rows)}
        rows.sort(key=lambda c: (-c.created_at, -seq[c.id]))
        if opts.get("latest"):
            rows = rows[:1]
        elif int(opts.get("last", 0) or 0) > 0:
            rows = rows[:int(opts["last"])]
        if opts.get("quiet"):
            out("".join(c.id + "\n" for c in rows))
            return 0
        table = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]]
        trunc = not opts.get("no_trunc")
        for c in rows:
            table.append([
                _trunc(c.id) if trunc else c.id,
                _trunc(c.image_id, "sha256:") if trunc else c.image_id,
                self.ago(c.created_at), c.state.title(), c.name, str(c.attempt),
                _trunc(c.sandbox_id) if trunc else c.sandbox_id,
                c.labels.get(POD_NAME_LABEL, "unknown"), c.labels.get(POD_NAMESPACE_LABEL, "unknown"),
            ])
        out(tabwrite(table))
        return 0

    def pods(self, args: list[str], out: Callable[[str], None], err: Callable[[str], None]) -> int:
        opts, _ = _parse(args, {"q": "quiet", "quiet": "quiet", "no-trunc": "no_trunc", "l": "latest",
                                "latest": "latest"},
                         {"name": "name", "namespace": "namespace", "s": "state", "state": "state", "id": "id",
                          "n": "last", "last": "last"})
        state = str(opts.get("state", "")).lower()
        if state and state not in ("ready", "notready"):
            err("FATA[0000] --state should be ready or notready\n")
            return 1
        pods = []
        for s in self.rt.list_pod_sandbox():
            if opts.get("id") and not s.id.startswith(opts["id"]):
                continue
            if state and s.state.lower() != state:
                continue
            if opts.get("name") and not re.search(opts["name"], s.name):
                continue
            if opts.get("namespace") and not re.search(opts["namespace"], s.namespace):
                continue
            pods.append(s)
        seq = {s.id: i for i, s in enumerate(pods)}
        pods.sort(key=lambda s: (-s.created_at, -seq[s.id]))
        if opts.get("latest"):
            pods = pods[:1]
        elif int(opts.get("last", 0) or 0) > 0:
            pods = pods[:int(opts["last"])]
        if opts.get("quiet"):
            out("".join(s.id + "\n" for s in pods))
            return 0
        table = [["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"]]
        for s in pods:
            table.append([s.id if opts.get("no_trunc") else _trunc(s.id), self.ago(s.created_at),
                          "Ready" if s.state == SandboxState.READY else "NotReady", s.name, s.namespace,
                          str(s.attempt), "(default)"])
        out(tabwrite(table))
        return 0

    def images(self, args: list[str], out: Callable[[str], None], err: Callable[[str], None]) -> int:
        opts, pos = _parse(args, {"q": "quiet", "quiet": "quiet", "digests": "digests", "no-trunc": "no_trunc",
                                  "pinned": "pinned"}, {})
        images = self.rt.list_images()
        if pos:
            try:
                want = normalize(pos[0])
            except ReferenceFormatError:
                want = pos[0]
            images = [i for i in images if want in i.repo_tags or want in i.repo_digests or i.id == pos[0]]

        def sort_key(i: Any) -> tuple[str, str, str]:
            return (i.repo_tags[0] if i.repo_tags else "\U0010ffff",
                    i.repo_digests[0] if i.repo_digests else "\U0010ffff", i.id)

        images.sort(key=sort_key)
        if opts.get("quiet"):
            out("".join(i.id + "\n" for i in images))
            return 0
        header = ["IMAGE", "TAG"] + (["DIGEST"] if opts.get("digests") else []) + ["IMAGE ID", "SIZE"]
        header += ["PINNED"] if opts.get("pinned") else []
        table = [header]
        trunc = not opts.get("no_trunc")
        for img in images:
            name, digest = (img.repo_digests[0].split("@", 1) if img.repo_digests else ("<none>", "<none>"))
            pairs = [[t.rsplit(":", 1)[0], t.rsplit(":", 1)[1]] for t in img.repo_tags] or [[name, "<none>"]]
            for repo, tag in pairs:
                row = [repo, tag]
                if opts.get("digests"):
                    row.append(_trunc(digest, "sha256:") if trunc else digest)
                row += [_trunc(img.id, "sha256:") if trunc else img.id, human_size(img.size)]
                if opts.get("pinned"):
                    row.append("true" if img.pinned else "false")
                table.append(row)
        out(tabwrite(table))
        return 0

    def logs(self, args: list[str], out: Callable[[str], None], err: Callable[[str], None]) -> int:
        opts, pos = _parse(args, {"t": "timestamps", "timestamps": "timestamps", "p": "previous",
                                  "previous": "previous", "f": "follow", "follow": "follow"},
                           {"tail": "tail", "since": "since", "limit-bytes": "limit"})
        if not pos:
            err("FATA[0000] ID cannot be empty\n")
            return 1
        matches = [c for c in self.rt.list_containers() if c.id.startswith(pos[0])]
        if len(matches) != 1:
            raise CriError("NotFound", f'an error occurred when try to find container "{pos[0]}": not found')
        lines = self.rt.logs(matches[0].id)
        tail = int(opts.get("tail", -1))
        if tail >= 0:
            lines = lines[len(lines) - tail:] if tail else []
        for t, stream, text in lines:
            line = text if not opts.get("timestamps") else cri_log_line(t, stream, text).split(" ", 1)[0] + " " + text
            (out if stream == "stdout" else err)(line)
        return 0

    def version(self, args: list[str], out: Callable[[str], None], err: Callable[[str], None]) -> int:
        v = self.rt.version()
        out(f"Version:  {v.version}\nRuntimeName:  {v.runtime_name}\nRuntimeVersion:  {v.runtime_version}\n"
            f"RuntimeApiVersion:  {v.runtime_api_version}\n")
        return 0


def _image_matches(image: str, c: ContainerStatus) -> bool:
    try:
        ref = normalize(image)
    except ReferenceFormatError:
        ref = image
    return image in (c.image_id, c.image_id.removeprefix("sha256:")) or ref in (c.image, c.image_ref)


class NodeShell:
    """``node_exec``: command lines run on one node."""

    def __init__(self, runtime: ContainerRuntime, extra_tools: dict[str, Any] | None = None) -> None:
        self.runtime = runtime
        self.extra_tools = dict(extra_tools or {})

    def _tools(self) -> dict[str, Any]:
        rt = self.runtime

        def crictl(inv: Invocation) -> int:
            return _Crictl(rt, inv.now_ms()).run(inv.argv[1:], inv.out, inv.err)

        def ip(inv: Invocation) -> int:
            args = [a for a in inv.argv[1:] if a not in ("-4",)]
            obj = args[0] if args else ""
            if obj and "route".startswith(obj) and (len(args) < 2 or args[1] in ("show", "list", "ls")):
                inv.out(rt.net.format_routes())
                return 0
            if not obj:
                inv.err("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n")
                return 255
            if obj in ("link", "l", "addr", "address", "a", "neigh", "n", "rule", "netns"):
                inv.err(f"ip {obj}: not modelled by labk8s (node commands: ip route)\n")
                return 255
            inv.err(f'Object "{obj}" is unknown, try "ip help".\n')
            return 255

        tools: dict[str, Any] = {"crictl": crictl, "ip": ip}
        tools.update(self.extra_tools)
        return tools

    def run(self, command: str) -> NodeExecResult:
        """Run ``sh -c command`` on the node."""
        rt = self.runtime
        rt.sync_log_files()
        fs = rt.node_fs
        for name in self.extra_tools:
            if not any(fs.is_file(f"{d}/{name}") for d in NODE_PATH.split(":")):
                fs.write(f"/usr/local/bin/{name}", "\x7fELF " + name + "\n")
                fs.chmod(f"/usr/local/bin/{name}", 0o755)
        offset = [0]
        ctx = ProcessContext(fs=fs, hostname=rt.node_name, env={"PATH": NODE_PATH, "HOME": "/root", "USER": "root"},
                             now_ms=lambda: rt.loop.now_ms + offset[0], log=[], pid=4242, is_pid1=False, cwd="/root",
                             extra_tools=self._tools(), cpu_count=rt.cpu_count)
        gen = run_command(["sh", "-c", command], ctx)
        value: Signal | None = None
        code = 0
        try:
            while True:
                wait = gen.send(value)
                value = None
                if isinstance(wait, Sleep) and offset[0] + wait.ms <= NODE_EXEC_LIMIT_MS:
                    offset[0] += max(0, wait.ms)
                    continue
                value = Signal("SIGKILL")  # waits forever or past the limit: stopped, as ^C would
        except StopIteration as stop:
            code = stop.value if isinstance(stop.value, int) else 0
        except Exception as exc:  # noqa: BLE001 - nothing typed at a node prompt may crash the simulator
            ctx.emit("stderr", f"sh: internal error: {type(exc).__name__}: {exc}\n")
            ctx.flush()
            code = 2
        return NodeExecResult(code, ctx.output("stdout"), ctx.output("stderr"), ctx.output())

    def __call__(self, command: str) -> str:
        """What a terminal shows: stdout and stderr interleaved as written."""
        return self.run(command).output


@dataclass(frozen=True)
class NodeExecResult:
    exit_code: int
    stdout: str
    stderr: str
    #: Both streams interleaved as written.
    output: str
