"""The tool registry and the core tools (echo, printf, test, sleep, date, env, hostname, ...).

``TOOLS`` maps a program name to a :data:`ToolFn`; later code (networking: nslookup, wget, curl)
adds entries, and a container can add its own through ``ProcessContext.extra_tools``. A tool gets an
:class:`Invocation` and returns its exit status, or a generator that yields waits and returns it.

Messages follow busybox where the image is busybox-based (it has ``/bin/busybox``) and GNU coreutils
otherwise (:func:`is_busybox`).
"""

from __future__ import annotations

import re
from collections.abc import Generator
from datetime import timedelta
from typing import Any

from labk8s._sim.clock import EPOCH
from labk8s.node.runtime.shell.process import Signal, Sleep, Wait, WaitForever
from labk8s.node.runtime.shell.streams import Invocation, ToolFn

__all__ = ["TOOLS", "is_busybox", "register"]

Gen = Generator[Wait, Any, int]

TOOLS: dict[str, ToolFn] = {}


def register(*names: str) -> Any:
    """Decorator: add a tool to the registry under one or more names."""

    def deco(fn: ToolFn) -> ToolFn:
        for name in names:
            TOOLS[name] = fn
        return fn

    return deco


def is_busybox(inv: Invocation) -> bool:
    return inv.fs.is_file("/bin/busybox")


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "r": "\r", "v": "\v", "f": "\f",
            "e": "\x1b", '"': '"'}


def unescape(text: str, printf: bool = False) -> tuple[str, bool]:
    """Backslash escapes of ``echo -e``/``printf``; returns (text, stop) where ``\\c`` stops output."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 == len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "c":
            return "".join(out), True
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567" and (nxt == "0" or printf):
            j = i + 2 if nxt == "0" and not printf else i + 1
            digits = ""
            while j < len(text) and len(digits) < 3 and text[j] in "01234567":
                digits += text[j]
                j += 1
            out.append(chr(int(digits or "0", 8)))
            i = j
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
            if m:
                out.append(chr(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
            else:
                out.append("\\x")
                i += 2
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out), False


@register("echo")
def tool_echo(inv: Invocation) -> int:
    args = inv.argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = unescape(text)
        if stop:
            inv.out(text)
            return 0
    inv.out(text + ("\n" if newline else ""))
    return 0


_FORMAT = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfgGcsb%])")


def _printf_number(text: str, inv: Invocation, floating: bool) -> float | int:
    text = text.strip()
    if not text:
        return 0
    if text[0] in "'\"" and len(text) > 1:
        return ord(text[1])
    try:
        if floating:
            return float(text)
        return int(text, 0) if not re.fullmatch(r"[-+]?0\d+", text) else int(text, 8)
    except ValueError:
        inv.err(f"printf: invalid number '{text}'\n")
        inv.extra["printf_error"] = True
        return 0


@register("printf")
def tool_printf(inv: Invocation) -> int:
    if len(inv.argv) < 2:
        inv.err("printf: usage: printf format [arguments]\n" if not is_busybox(inv) else
                "BusyBox usage: printf FORMAT [ARG]...\n")
        return 1 if is_busybox(inv) else 2
    fmt, args = inv.argv[1], inv.argv[2:]
    out: list[str] = []
    while True:
        used = 0
        pos = 0
        for m in _FORMAT.finditer(fmt):
            lit, stop = unescape(fmt[pos:m.start()], printf=True)
            out.append(lit)
            if stop:
                inv.out("".join(out))
                return 0
            pos = m.end()
            flags, width, prec, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue
            if width == "*":
                width = str(_printf_number(args[used] if used < len(args) else "0", inv, False))
                used += 1
            if prec == "*":
                prec = str(_printf_number(args[used] if used < len(args) else "0", inv, False))
                used += 1
            arg = args[used] if used < len(args) else ""
            used += 1
            spec = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
            if conv == "s":
                out.append((spec + "s") % arg)
            elif conv == "b":
                out.append((spec + "s") % unescape(arg, printf=True)[0])
            elif conv == "c":
                out.append((spec + "s") % arg[:1])
            elif conv in "diouxX":
                num = int(_printf_number(arg, inv, False))
                out.append((spec + ("d" if conv == "i" else conv)) % num)
            else:
                out.append((spec + conv) % float(_printf_number(arg, inv, True)))
        lit, stop = unescape(fmt[pos:], printf=True)
        out.append(lit)
        if stop or used == 0 or used >= len(args):
            break
        args = args[used:]
    inv.out("".join(out))
    return 1 if inv.extra.get("printf_error") else 0


@register("true", ":")
def tool_true(inv: Invocation) -> int:
    return 0


@register("false")
def tool_false(inv: Invocation) -> int:
    return 1


@register("pwd")
def tool_pwd(inv: Invocation) -> int:
    inv.out(inv.cwd + "\n")
    return 0


@register("hostname")
def tool_hostname(inv: Invocation) -> int:
    args = inv.argv[1:]
    if args and args[0] in ("-i", "-I"):
        inv.out((inv.ctx.pod_ip or "127.0.0.1") + ("\n" if args[0] == "-i" else " \n"))
        return 0
    if args and not args[0].startswith("-"):
        inv.err("hostname: sethostname: Operation not permitted\n")
        return 1
    inv.out(inv.ctx.hostname + "\n")
    return 0


@register("env")
def tool_env(inv: Invocation) -> Gen:
    from labk8s.node.runtime.shell.commands import find_program, run_tool, tool_for

    env = dict(inv.env)
    args = inv.argv[1:]
    while args:
        if args[0] in ("-i", "-"):
            env = {}
        elif args[0] == "-u" and len(args) > 1:
            env.pop(args[1], None)
            args = args[1:]
        elif "=" in args[0] and not args[0].startswith("="):
            key, _, value = args[0].partition("=")
            env[key] = value
        else:
            break
        args = args[1:]
    if not args:
        inv.out("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
    found = find_program(args[0], inv.fs, env.get("PATH"), inv.cwd)
    if found is None:
        inv.err(f"env: can't execute '{args[0]}': No such file or directory\n" if is_busybox(inv)
                else f"env: '{args[0]}': No such file or directory\n")
        return 127
    sub = Invocation(argv=args, ctx=inv.ctx, sched=inv.sched, cwd=inv.cwd, env=env, stdin=inv.stdin,
                     stdout=inv.stdout, stderr=inv.stderr, main=inv.main, extra={"path": found})
    return (yield from run_tool(tool_for(found, args[0], inv.fs, inv.ctx.extra_tools), sub))


@register("printenv")
def tool_printenv(inv: Invocation) -> int:
    names = inv.argv[1:]
    if not names:
        inv.out("".join(f"{k}={v}\n" for k, v in inv.env.items()))
        return 0
    status = 0
    for name in names:
        if name in inv.env:
            inv.out(inv.env[name] + "\n")
        else:
            status = 1
    return status


_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


@register("sleep")
def tool_sleep(inv: Invocation) -> Gen:
    """sleep N[smhd]... (summed), fractions, ``inf``/``infinity``. Trapped signals do not cut it short."""
    args = inv.argv[1:]
    if not args:
        if is_busybox(inv):
            inv.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                    "Usage: sleep [N]...\n\nPause for a time equal to the total of the args given, "
                    "where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, "
                    "or (d)ays\n")
        else:
            inv.err("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    for arg in args:
        m = re.fullmatch(r"(inf(?:inity)?|\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg.strip())
        if not m:
            inv.err(f"sleep: invalid number '{arg}'\n" if is_busybox(inv) else
                    f"sleep: invalid time interval '{arg}'\nTry 'sleep --help' for more information.\n")
            return 1
        total += float("inf") if m.group(1).startswith("inf") else float(m.group(1)) * _UNITS[m.group(2)]
    if total == float("inf"):
        while True:
            sig = yield WaitForever()
            if isinstance(sig, Signal):
                return 128 + sig.number
    deadline = inv.now_ms() + int(round(total * 1000))
    while inv.now_ms() < deadline:
        sig = yield Sleep(deadline - inv.now_ms())
        if isinstance(sig, Signal):
            return 128 + sig.number
    return 0


def _strftime(fmt: str, ms: int) -> str:
    when = EPOCH + timedelta(milliseconds=ms)

    def sub(m: re.Match[str]) -> str:
        code = m.group(1)
        if code == "s":
            return str(ms // 1000)
        if code == "N":
            return f"{(ms % 1000) * 1_000_000:09d}"
        if code == "e":
            return f"{when.day:2d}"
        if code == "Z":
            return "UTC"
        if code == "z":
            return "+0000"
        if code == "%":
            return "%"
        return when.strftime("%" + code)

    return re.sub(r"%([a-zA-Z%])", sub, fmt)


@register("date")
def tool_date(inv: Invocation) -> int:
    """date [-u] [-R] [-I[spec]] [+FORMAT] on virtual time (time 0 = 2026-01-01T00:00:00Z, UTC)."""
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for arg in inv.argv[1:]:
        if arg.startswith("+"):
            fmt = arg[1:]
        elif arg == "-R":
            fmt = "%a, %d %b %Y %H:%M:%S %z"
        elif arg.startswith("-I") or arg.startswith("--iso-8601"):
            spec = arg.split("=", 1)[1] if "=" in arg else arg[2:]
            fmt = "%Y-%m-%d" if spec in ("", "date") else "%Y-%m-%dT%H:%M:%S+00:00"
            if spec.startswith("h"):
                fmt = "%Y-%m-%dT%H+00:00"
            elif spec.startswith("m"):
                fmt = "%Y-%m-%dT%H:%M+00:00"
        elif arg in ("-u", "--utc"):
            continue
        else:
            inv.err(f"date: invalid date '{arg}'\n")
            return 1
    inv.out(_strftime(fmt, inv.now_ms()) + "\n")
    return 0


@register("id")
def tool_id(inv: Invocation) -> int:
    args = inv.argv[1:]
    if "-u" in args or "-g" in args:
        inv.out("0\n")
    elif "-un" in args or "-nu" in args:
        inv.out("root\n")
    else:
        groups = "0(root),10(wheel)" if is_busybox(inv) else "0(root)"
        inv.out(f"uid=0(root) gid=0(root) groups={groups}\n")
    return 0


@register("whoami")
def tool_whoami(inv: Invocation) -> int:
    inv.out("root\n")
    return 0


@register("nproc")
def tool_nproc(inv: Invocation) -> int:
    inv.out(f"{inv.ctx.cpu_count}\n")
    return 0


@register("uname")
def tool_uname(inv: Invocation) -> int:
    fields = {"s": "Linux", "n": inv.ctx.hostname, "r": "6.8.0-labk8s", "v": "#1 SMP PREEMPT_DYNAMIC",
              "m": "x86_64", "o": "GNU/Linux"}
    flags = "".join(a[1:] for a in inv.argv[1:] if a.startswith("-")) or "s"
    order = "snrvmo" if "a" in flags else "snrvmo"
    chosen = [fields[f] for f in order if f in flags or "a" in flags]
    inv.out(" ".join(chosen) + "\n")
    return 0


# The other tools register themselves on import.
from labk8s.node.runtime.shell import fileutils, rediscli, servers, stress, testcmd, textutils  # noqa: E402,F401
