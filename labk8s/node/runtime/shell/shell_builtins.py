"""Builtins that act on the shell itself: cd, exit, export, set, trap, wait, read, exec, ...

Each takes the shell and the expanded argv and returns a status (or a generator returning one).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from labk8s.node.runtime.shell.commands import find_program, run_argv
from labk8s.node.runtime.shell.interpreter import BreakLoop, ContinueLoop, FuncReturn, Shell, ShellExit
from labk8s.node.runtime.shell.process import SIGNALS, Signal, Wait, WaitTasks, signal_number

__all__ = ["SHELL_BUILTINS"]

Gen = Generator[Wait, Any, Any]


def _number(sh: Shell, cmd: str, text: str) -> int:
    try:
        if text.startswith("-"):
            raise ValueError
        return int(text)
    except ValueError:
        sh.error(f"{cmd}: Illegal number: {text}" if sh.dialect != "bash" else
                 f"{cmd}: {text}: numeric argument required")
        raise ShellExit(2) from None


def bi_colon(sh: Shell, argv: list[str]) -> int:
    return 0


def bi_exit(sh: Shell, argv: list[str]) -> int:
    status = _number(sh, "exit", argv[1]) if len(argv) > 1 else sh.status
    raise ShellExit(status)


def bi_return(sh: Shell, argv: list[str]) -> int:
    raise FuncReturn(_number(sh, "return", argv[1]) if len(argv) > 1 else sh.status)


def bi_break(sh: Shell, argv: list[str]) -> int:
    if not sh.loop_depth:
        return 0
    n = _number(sh, argv[0], argv[1]) if len(argv) > 1 else 1
    raise (BreakLoop if argv[0] == "break" else ContinueLoop)(max(1, min(n, sh.loop_depth)))


def bi_cd(sh: Shell, argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else sh.lookup("HOME") or "/"
    if target == "-":
        target = sh.lookup("OLDPWD") or sh.cwd
    path = sh.resolve(target)
    if not sh.fs.is_dir(path):
        reason = "Not a directory" if sh.fs.exists(path) else "No such file or directory"
        if sh.dialect == "bash":
            sh.error(f"cd: {target}: {reason}")
        else:
            sh.error(f"cd: can't cd to {target}" + (f": {reason}" if sh.dialect == "ash" else ""))
        return 1 if sh.dialect == "bash" else 2
    sh.vars["OLDPWD"] = sh.cwd
    sh.cwd = path
    sh.vars["PWD"] = path
    return 0


def bi_export(sh: Shell, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a not in ("-p", "-n")]
    if not args:
        for key in sh.exported:
            if key in sh.vars:
                value = sh.vars[key].replace("'", "'\"'\"'")
                sh.stdout.write(f"export {key}='{value}'\n")
        return 0
    for arg in args:
        name, eq, value = arg.partition("=")
        if eq:
            sh.set_var(name, value)
        if "-n" in argv:
            sh.exported.pop(name, None)
        else:
            sh.exported[name] = None
    return 0


def bi_readonly(sh: Shell, argv: list[str]) -> int:
    for arg in argv[1:]:
        name, eq, value = arg.partition("=")
        if eq:
            sh.set_var(name, value)
    return 0


def bi_local(sh: Shell, argv: list[str]) -> int:
    for arg in argv[1:]:
        name, eq, value = arg.partition("=")
        if sh.locals and name not in sh.locals[-1]:
            sh.locals[-1][name] = sh.vars.get(name)
        if eq:
            sh.set_var(name, value)
    return 0


def bi_unset(sh: Shell, argv: list[str]) -> int:
    funcs = "-f" in argv
    for name in argv[1:]:
        if name.startswith("-"):
            continue
        if funcs:
            sh.funcs.pop(name, None)
        else:
            sh.vars.pop(name, None)
            sh.arrays.pop(name, None)
            sh.exported.pop(name, None)
    return 0


def bi_shift(sh: Shell, argv: list[str]) -> int:
    n = _number(sh, "shift", argv[1]) if len(argv) > 1 else 1
    if n > len(sh.positional):
        sh.error("shift: can't shift that many" if sh.dialect != "bash" else "shift: shift count out of range")
        return 1 if sh.dialect == "bash" else 2
    sh.positional = sh.positional[n:]
    return 0


def bi_set(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    if not args:
        for key in sorted(sh.vars):
            value = sh.vars[key].replace("'", "'\"'\"'")
            sh.stdout.write(f"{key}='{value}'\n")
        return 0
    opts = {"e": "opt_errexit", "x": "opt_xtrace", "u": "opt_nounset"}
    long = {"errexit": "opt_errexit", "xtrace": "opt_xtrace", "nounset": "opt_nounset",
            "pipefail": "opt_pipefail"}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            sh.positional = args[i + 1:]
            return 0
        if arg in ("-o", "+o") and i + 1 < len(args):
            attr = long.get(args[i + 1])
            if attr:
                setattr(sh, attr, arg == "-o")
            i += 2
            continue
        if arg[:1] in ("-", "+") and len(arg) > 1:
            for flag in arg[1:]:
                if flag in opts:
                    setattr(sh, opts[flag], arg[0] == "-")
            i += 1
            continue
        sh.positional = args[i:]
        return 0
    return 0


def bi_trap(sh: Shell, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args or args == ["-p"]:
        for name, text in sh.traps.items():
            quoted = text.replace("'", "'\"'\"'")
            sh.stdout.write(f"trap -- '{quoted}' {name}\n")
        return 0
    action: str | None
    if len(args) == 1 or args[0] == "-" or args[0].isdigit():
        action = None
        names = args[1:] if args[0] == "-" else args
    else:
        action = args[0]
        names = args[1:]
    status = 0
    for raw in names:
        key = raw.upper().removeprefix("SIG")
        if key in ("0", "EXIT"):
            key = "EXIT"
        elif key.isdigit():
            key = next((n for n, v in SIGNALS.items() if v == int(key)), key)
        if key != "EXIT" and key not in SIGNALS:
            sh.error(f"trap: {raw}: bad trap" if sh.dialect != "bash" else f"trap: {raw}: invalid signal specification")
            status = 1
            continue
        if action is None:
            sh.traps.pop(key, None)
        else:
            sh.traps[key] = action
    return status


def bi_wait(sh: Shell, argv: list[str]) -> Gen:
    if len(argv) > 1:
        pids = [int(a) for a in argv[1:] if a.isdigit()]
        tasks = [sh.jobs[p] for p in pids if p in sh.jobs]
        if not tasks:
            return 127
    else:
        tasks = list(sh.jobs.values())
    pending = tuple(t for t in tasks if not t.done)
    if pending:
        woke = yield WaitTasks(pending, interruptible=True)
        if isinstance(woke, Signal):
            return 128 + woke.number
    if len(argv) > 1:
        return tasks[-1].status
    return 0


def bi_read(sh: Shell, argv: list[str]) -> Gen:
    raw = False
    names: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        if args[i] == "-r":
            raw = True
        elif args[i] in ("-p", "-t", "-n", "-u", "-d") and i + 1 < len(args):
            if args[i] == "-p":
                sh.stderr.write(args[i + 1])
            i += 1
        else:
            names.append(args[i])
        i += 1
    names = names or ["REPLY"]
    line = yield from sh.stdin.read_line()
    if line is None:
        for name in names:
            sh.set_var(name, "")
        return 1
    text = line[:-1] if line.endswith("\n") else line
    if not raw:
        text = _unescape_read(text)
    ifs = sh.lookup("IFS")
    ifs = " \t\n" if ifs is None else ifs
    if len(names) == 1 or not ifs:
        sh.set_var(names[0], text.strip(" \t\n") if names[0] != "REPLY" else text)
        for name in names[1:]:
            sh.set_var(name, "")
    else:
        fields = text.strip(ifs).split(None, len(names) - 1) if ifs.strip() == "" else \
            text.split(ifs[0], len(names) - 1)
        for n, name in enumerate(names):
            sh.set_var(name, fields[n].rstrip(" \t") if n < len(fields) else "")
    return 0 if line.endswith("\n") else 1


def _unescape_read(text: str) -> str:
    out: list[str] = []
    it = iter(text)
    for c in it:
        out.append(next(it, "") if c == "\\" else c)
    return "".join(out)


def bi_eval(sh: Shell, argv: list[str]) -> Gen:
    return (yield from sh.eval_string(" ".join(argv[1:])))


def bi_source(sh: Shell, argv: list[str]) -> Gen:
    if len(argv) < 2:
        return 0
    path = argv[1] if "/" in argv[1] else (find_program(argv[1], sh.fs, sh.lookup("PATH")) or argv[1])
    try:
        src = sh.fs.read(sh.resolve(path))
    except OSError:
        sh.error(f"{argv[0]}: can't open '{argv[1]}': No such file or directory" if sh.dialect == "ash"
                 else f"{argv[1]}: No such file or directory")
        raise ShellExit(2 if sh.dialect != "bash" else 1) from None
    saved = sh.positional
    if len(argv) > 2:
        sh.positional = argv[2:]
    try:
        return (yield from sh.eval_string(src))
    finally:
        sh.positional = saved


def bi_exec(sh: Shell, argv: list[str]) -> Gen:
    if len(argv) == 1:
        return 0  # `exec >file` style: redirections were already applied to this command only
    sh.traps.clear()
    status = yield from run_argv(sh, argv[1:], {}, exec_mode=True)
    raise ShellExit(status)


def bi_command(sh: Shell, argv: list[str]) -> Gen:
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        status = 0
        for name in args[1:]:
            if name in SHELL_BUILTINS or name in sh.funcs:
                sh.stdout.write(name + "\n")
                continue
            found = find_program(name, sh.fs, sh.lookup("PATH"), sh.cwd)
            if found is None:
                status = 1
            else:
                sh.stdout.write(found + "\n")
        return status
    if not args:
        return 0
    return (yield from run_argv(sh, args, {}))


def bi_type(sh: Shell, argv: list[str]) -> int:
    status = 0
    for name in argv[1:]:
        if name in sh.funcs:
            sh.stdout.write(f"{name} is a function\n")
        elif name in SHELL_BUILTINS or name in ("echo", "printf", "test", "[", "true", "false", "pwd"):
            sh.stdout.write(f"{name} is a shell builtin\n")
        else:
            found = find_program(name, sh.fs, sh.lookup("PATH"), sh.cwd)
            if found is None:
                sh.stdout.write(f"{name}: not found\n")
                status = 1
            else:
                sh.stdout.write(f"{name} is {found}\n")
    return status


def bi_umask(sh: Shell, argv: list[str]) -> int:
    if len(argv) == 1:
        sh.stdout.write("0022\n")
    return 0


def bi_kill(sh: Shell, argv: list[str]) -> int:
    """kill of background jobs (``kill $!``); signalling other processes is not modelled."""
    sig = "TERM"
    status = 0
    for arg in argv[1:]:
        if arg.startswith("-") and len(arg) > 1:
            sig = arg[1:].removeprefix("s ").upper()
            continue
        if arg.isdigit() and int(arg) in sh.jobs:
            sh.sched.kill_task(sh.jobs[int(arg)], 128 + (signal_number(sig) or 15))
        elif arg.isdigit() and sh.ctx.signal_process is not None and sh.ctx.signal_process(
                int(arg), "SIG" + (sig if not sig.isdigit() else next(
                    (n for n, v in SIGNALS.items() if v == int(sig)), "TERM"))):
            continue
        else:
            sh.error(f"kill: can't kill pid {arg}: No such process")
            status = 1
    return status


SHELL_BUILTINS: dict[str, Callable[[Shell, list[str]], Any]] = {
    ":": bi_colon, ".": bi_source, "break": bi_break, "cd": bi_cd, "command": bi_command,
    "continue": bi_break, "eval": bi_eval, "exec": bi_exec, "exit": bi_exit, "export": bi_export,
    "hash": bi_colon, "kill": bi_kill, "local": bi_local, "read": bi_read, "readonly": bi_readonly,
    "return": bi_return, "set": bi_set, "shift": bi_shift, "source": bi_source, "trap": bi_trap,
    "type": bi_type, "ulimit": bi_colon, "umask": bi_umask, "unset": bi_unset, "wait": bi_wait,
}
