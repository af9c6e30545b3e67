"""Entry points for the kubelet: run a container's argv or an image's default command as a process.

``run_command(argv, ctx)`` returns the process generator (see :mod:`.process`): drive it with
``next``/``send(None)`` after each virtual wait, ``send(Signal(...))`` to signal it; its return value
(``StopIteration.value``) is the exit code.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from labk8s.node.runtime.shell.builtins import TOOLS, is_busybox
from labk8s.node.runtime.shell.commands import DEFAULT_PATH, SHELLS, find_program, run_tool, tool_for
from labk8s.node.runtime.shell.filesystem import Filesystem
from labk8s.node.runtime.shell.images import container_argv, image_config
from labk8s.node.runtime.shell.interpreter import Shell
from labk8s.node.runtime.shell.process import ProcessContext, Scheduler, Signal, Wait, WaitForever
from labk8s.node.runtime.shell.streams import Input, Invocation, LogOut

__all__ = ["lookup_executable", "resolve_executable", "run_command", "run_image_default", "tool_sh"]

Gen = Generator[Wait, Any, int]


def _dialect(name: str, fs: Filesystem) -> str:
    if name == "bash":
        return "bash"
    if name in ("sh", "dash") and not fs.is_file("/bin/busybox") and not fs.opaque:
        return "dash"
    return "ash"


def tool_sh(inv: Invocation) -> Gen:
    """sh/ash/dash/bash: ``-c SCRIPT [NAME [ARGS]]``, ``FILE [ARGS]``, or a script on stdin; also runs
    script files executed directly (``#!/bin/sh`` line, or none)."""
    base = inv.name
    args = inv.argv[1:]
    flags: set[str] = set()
    script: str | None = None
    name = inv.argv[0]
    positional: list[str] = []
    if base not in SHELLS:
        path = str(inv.extra.get("path", inv.argv[0]))
        src = inv.fs.read(path)
        first = src.split("\n", 1)[0]
        base = first[2:].strip().split(" ")[-1].rsplit("/", 1)[-1] if first.startswith("#!") else "sh"
        base = base if base in SHELLS else "sh"
        script, positional = src, args
    else:
        while args and args[0].startswith("-") and len(args[0]) > 1 and args[0] != "--":
            flags.update(args.pop(0)[1:])
        if args and args[0] == "--":
            args.pop(0)
        if "c" in flags:
            if not args:
                inv.err(f"{name}: -c: option requires an argument\n" if base == "bash"
                        else f"{name}: -c requires an argument\n")
                return 2
            script = args[0]
            if len(args) > 1:
                name = args[1]
            positional = args[2:]
        elif args and "s" not in flags:
            try:
                script = inv.fs.read(inv.path(args[0]))
            except OSError:
                if base == "bash":
                    inv.err(f"{name}: {args[0]}: No such file or directory\n")
                    return 127
                inv.err(f"{name}: can't open '{args[0]}': No such file or directory\n" if is_busybox(inv)
                        else f"{name}: 0: cannot open {args[0]}: No such file\n")
                return 2
            name, positional = args[0], args[1:]
        else:
            positional = args
    if script is None:
        script = yield from inv.stdin.read_all()
    env = dict(inv.env)
    env["SHLVL"] = str(int(env.get("SHLVL", "0") or "0") + 1) if env.get("SHLVL", "0").isdigit() else "1"
    env.setdefault("PWD", inv.cwd)
    sh = Shell(inv.ctx, inv.sched, name=name, dialect=_dialect(base, inv.fs), positional=positional, env=env)
    sh.cwd = inv.cwd
    sh.stdin, sh.stdout, sh.stderr = inv.stdin, inv.stdout, inv.stderr
    sh.opt_errexit, sh.opt_xtrace, sh.opt_nounset = "e" in flags, "x" in flags, "u" in flags
    return (yield from sh.run_script(script, main=inv.main))


for _shell in sorted(SHELLS):
    TOOLS[_shell] = tool_sh


def lookup_executable(argv0: str, fs: Filesystem, path: str | None = None, cwd: str = "/") -> str | None:
    """The file ``argv0`` runs in this filesystem (``$PATH`` search), or None."""
    return find_program(argv0, fs, path, cwd)


def resolve_executable(argv0: str, fs: Filesystem, path: str | None = None) -> bool:
    """Whether the runtime can start ``argv0`` (exists and is executable); the kubelet turns False
    into a StartError (``exec: "x": executable file not found in $PATH``)."""
    found = find_program(argv0, fs, path)
    if found is None:
        return False
    return not fs.exists(found) or bool(fs.stat(found).mode & 0o111)


def _process_env(ctx: ProcessContext) -> dict[str, str]:
    env = dict(ctx.env)
    env.setdefault("PATH", DEFAULT_PATH)
    env.setdefault("HOSTNAME", ctx.hostname)
    env.setdefault("HOME", "/root")
    return env


def _main(argv: list[str], ctx: ProcessContext, sched: Scheduler) -> Gen:
    env = _process_env(ctx)
    found = find_program(argv[0], ctx.fs, env.get("PATH"), ctx.cwd) if argv else None
    if found is None:
        what = argv[0] if argv else ""
        ctx.emit("stderr", f'exec: "{what}": executable file not found in $PATH\n')
        return 127
    fn = tool_for(found, argv[0], ctx.fs, ctx.extra_tools)
    inv = Invocation(argv=list(argv), ctx=ctx, sched=sched, cwd=ctx.cwd, env=env, stdin=Input(ctx.stdin),
                     stdout=LogOut(ctx, "stdout"), stderr=LogOut(ctx, "stderr"), main=True,
                     extra={"path": found})
    return (yield from run_tool(fn, inv))


def run_command(argv: list[str], ctx: ProcessContext) -> Generator[Wait, Signal | None, int]:
    """Start ``argv`` as the process of ``ctx`` (PID ``ctx.pid``): the process generator."""
    sched = Scheduler(ctx)
    task = sched.spawn(_main(list(argv), ctx, sched), name=" ".join(argv[:1]))
    return sched.run(task)


def _opaque_main(ctx: ProcessContext, sched: Scheduler) -> Gen:
    """An image labk8s has no model of: a well-behaved server that exits on its stop signal."""
    main = sched.main

    def handler(sig: Signal) -> int | None:
        if sig.short in ("TERM", "INT", "QUIT", "HUP") and main is not None:
            sched.wake(main, sig)
            return None
        return sched.default_signal_action(sig)

    sched.signal_handler = handler
    while True:
        sig = yield WaitForever()
        if isinstance(sig, Signal):
            return 128 + sig.number


def run_image_default(image: str, ctx: ProcessContext) -> Generator[Wait, Signal | None, int]:
    """Run the image's own ENTRYPOINT + CMD (a container without ``command``/``args``)."""
    cfg = image_config(image)
    ctx.env = {**cfg.env, **ctx.env}  # image ENV first, container env wins (as the runtime merges)
    if ctx.cwd == "/" and cfg.workdir != "/" and ctx.fs.is_dir(cfg.workdir):
        ctx.cwd = cfg.workdir
    argv = container_argv(image, None, None)
    if argv:
        return run_command(argv, ctx)
    sched = Scheduler(ctx)
    task = sched.spawn(_opaque_main(ctx, sched), name=image)
    sched.main = task
    return sched.run(task)
