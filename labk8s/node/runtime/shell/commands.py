"""Running a command name: functions, shell builtins, then programs found on ``$PATH``.

Programs are files in the container filesystem. What a file runs is decided by its name: a tool of
the registry (``TOOLS`` plus ``ProcessContext.extra_tools``) of that name, or the shell when the file
is a script (``#!`` line or plain text); binaries labk8s does not model run until signalled in unknown
images and fail with ``name: not modelled by labk8s`` (127) in known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from labk8s.node.runtime.shell.builtins import TOOLS
from labk8s.node.runtime.shell.filesystem import Filesystem, FsError, normalize
from labk8s.node.runtime.shell.process import Signal, Wait, WaitForever
from labk8s.node.runtime.shell.streams import Invocation, ToolFn

if TYPE_CHECKING:
    from labk8s.node.runtime.shell.interpreter import Shell

__all__ = ["DEFAULT_PATH", "SHELLS", "find_program", "run_argv", "run_tool", "tool_for"]

Gen = Generator[Wait, Any, Any]
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SHELLS = frozenset({"sh", "ash", "bash", "dash"})
#: Builtins of ash/dash/bash that are also tools here: they run even if no file of that name exists.
_BUILTIN_TOOLS = frozenset({"echo", "printf", "test", "[", "true", "false", "kill", "pwd"})


def find_program(name: str, fs: Filesystem, path_var: str | None, cwd: str = "/") -> str | None:
    """execvp(3): the absolute path that ``name`` runs, or None if there is no such file."""
    if not name:
        return None
    if "/" in name:
        path = normalize(name, cwd)
        return path if fs.is_file(path) or (fs.opaque and not fs.is_dir(path)) else None
    for d in (path_var if path_var is not None else DEFAULT_PATH).split(":"):
        cand = normalize(name, normalize(d or ".", cwd))
        if fs.is_file(cand):
            return cand
    if fs.opaque:
        return "/usr/local/bin/" + name  # an image labk8s does not model: assume the program exists
    return None


def tool_for(path: str, name: str, fs: Filesystem, extra: dict[str, Any]) -> ToolFn:
    """The implementation a program file runs."""
    base = path.rsplit("/", 1)[-1]
    for key in (name, base, path):
        fn = extra.get(key) or TOOLS.get(key)
        if fn is not None:
            return fn
    try:
        head = fs.read(path)[:128] if fs.is_file(path) else ""
    except FsError:
        head = ""
    if not head.startswith("\x7fELF") and fs.is_file(path):
        return TOOLS["sh"]  # a script: run by the shell named on its #! line (sh without one)
    return _unmodelled


def _unmodelled(inv: Invocation) -> Gen:
    """A binary labk8s has no model of. In an image labk8s does not know, it is taken for the image's
    server: it runs until a stop signal ends it (exit 128 + n). A program of a known image without a
    tool here (busybox ``vi``, ``sed``, ...) says so and fails with 127 rather than hang a script."""
    if not inv.fs.opaque:
        inv.err(f"{inv.name}: not modelled by labk8s\n")
        return 127
    inv.catch_signals({"TERM", "INT", "QUIT", "HUP"})
    while True:
        sig = yield WaitForever()
        if isinstance(sig, Signal):
            return 128 + sig.number


def run_tool(fn: ToolFn, inv: Invocation) -> Gen:
    """Call a tool; filesystem errors become status 1. A write to a pipe without reader raises
    BrokenPipeError, which ends the whole subshell (SIGPIPE: 141), as it does for ash's builtins."""
    try:
        result = fn(inv)
        if isinstance(result, int):
            return result
        return (yield from result)
    except FsError as err:
        inv.err(f"{inv.name}: {err.path}: {err}\n")
        return 1


def run_argv(sh: Shell, argv: list[str], prefix_env: dict[str, str], exec_mode: bool = False) -> Gen:
    """Run one expanded command in shell ``sh`` with its (already redirected) streams."""
    from labk8s.node.runtime.shell.shell_builtins import SHELL_BUILTINS

    name = argv[0]
    if name in sh.funcs:
        return (yield from _call_function(sh, argv))
    builtin = SHELL_BUILTINS.get(name)
    if builtin is not None:
        for key, value in prefix_env.items():
            sh.set_var(key, value)
        result = builtin(sh, argv)
        return result if isinstance(result, int) else (yield from result)
    env = sh.env()
    env.update(prefix_env)
    if name in _BUILTIN_TOOLS:
        fn: ToolFn = TOOLS[name]
        path = name
    else:
        found = find_program(name, sh.fs, env.get("PATH"), sh.cwd)
        if found is None:
            if sh.dialect == "bash":
                sh.error(f"{name}: " + ("No such file or directory" if "/" in name else "command not found"))
            else:
                sh.error(f"{name}: not found")
            return 127
        if sh.fs.exists(found) and not sh.fs.stat(found).mode & 0o111:
            sh.error(f"{name}: Permission denied")
            return 126
        path = found
        fn = tool_for(found, name, sh.fs, sh.ctx.extra_tools)
    if exec_mode:
        sh.sched.signal_handler = sh.sched.default_signal_action
    inv = Invocation(argv=list(argv), ctx=sh.ctx, sched=sh.sched, cwd=sh.cwd, env=env, stdin=sh.stdin,
                     stdout=sh.stdout, stderr=sh.stderr, main=exec_mode, extra={"path": path})
    return (yield from run_tool(fn, inv))


def _call_function(sh: Shell, argv: list[str]) -> Gen:
    from labk8s.node.runtime.shell.interpreter import FuncReturn, ShellExit

    if sh.depth > 100:
        sh.error("recursion too deep")
        raise ShellExit(2)
    saved_args = sh.positional
    sh.positional = argv[1:]
    sh.locals.append({})
    sh.depth += 1
    try:
        status = yield from sh.exec_node(sh.funcs[argv[0]])
    except FuncReturn as ret:
        status = ret.status
    finally:
        sh.depth -= 1
        sh.positional = saved_args
        for key, old in sh.locals.pop().items():
            if old is None:
                sh.vars.pop(key, None)
            else:
                sh.vars[key] = old
    return status


BuiltinFn = Callable[["Shell", list[str]], "int | Gen"]
