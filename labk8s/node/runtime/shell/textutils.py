"""Text tools: wc, head, tail (with -f/-F), grep, rev, sort, uniq, cut, tr, tee, seq, yes, basename,
dirname, expr.

``tail -f``/``-F`` polls its files once a second of virtual time (busybox's interval) and prints what
was appended; ``-F`` also waits for a missing file to appear and starts over when it is truncated.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from labk8s.node.runtime.shell.builtins import is_busybox, register
from labk8s.node.runtime.shell.filesystem import FsError
from labk8s.node.runtime.shell.process import Signal, Sleep, Wait, WaitForever
from labk8s.node.runtime.shell.streams import Invocation

__all__: list[str] = []

Gen = Generator[Wait, Any, Any]
FOLLOW_POLL_MS = 1000


def _read_inputs(inv: Invocation, files: list[str]) -> Gen:
    """[(name, text or None when unreadable)]; stdin for no files or ``-``."""
    out: list[tuple[str, str | None]] = []
    for name in files or ["-"]:
        if name == "-":
            out.append((name, (yield from inv.stdin.read_all())))
            continue
        try:
            out.append((name, inv.fs.read(inv.path(name))))
        except FsError as err:
            if is_busybox(inv):
                inv.err(f"{inv.name}: can't open '{name}': {err}\n")
            else:
                inv.err(f"{inv.name}: {name}: {err}\n" if inv.name != "head" and inv.name != "tail"
                        else f"{inv.name}: cannot open '{name}' for reading: {err}\n")
            out.append((name, None))
    return out


def _count_arg(args: list[str], default: int) -> tuple[int, str, list[str], set[str]]:
    """-n N / -nN / -N / -c N parsing for head and tail: (count, unit, files, flags)."""
    count, unit = default, "n"
    files: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-n", "-c") and i + 1 < len(args):
            unit, count = arg[1], _int(args[i + 1])
            i += 2
            continue
        if re.fullmatch(r"-[nc][+-]?\d+", arg):
            unit, count = arg[1], _int(arg[2:])
        elif re.fullmatch(r"-\d+", arg):
            count = int(arg[1:])
        elif arg.startswith("-") and len(arg) > 1:
            flags.update(arg[1:])
        else:
            files.append(arg)
        i += 1
    return count, unit, files, flags


def _int(text: str) -> int:
    try:
        return abs(int(text))
    except ValueError:
        return 10


@register("wc")
def tool_wc(inv: Invocation) -> Gen:
    flags = {c for a in inv.argv[1:] if a.startswith("-") for c in a[1:]}
    files = [a for a in inv.argv[1:] if not a.startswith("-") or a == "-"]
    cols = [c for c in "lwc" if c in flags] or ["l", "w", "c"]
    status = 0
    totals = dict.fromkeys("lwc", 0)
    inputs = yield from _read_inputs(inv, files)
    for name, text in inputs:
        if text is None:
            status = 1
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        for k in totals:
            totals[k] += counts[k]
        nums = [counts[c] for c in cols]
        width = 1 if len(cols) == 1 else 7
        line = " ".join(f"{n:>{width}}" for n in nums)
        inv.out(line + (f" {name}" if files and name != "-" else "") + "\n")
    if len(files) > 1:
        inv.out(" ".join(f"{totals[c]:>{1 if len(cols) == 1 else 7}}" for c in cols) + " total\n")
    return status


@register("head")
def tool_head(inv: Invocation) -> Gen:
    count, unit, files, _ = _count_arg(inv.argv[1:], 10)
    status = 0
    if not files and unit == "n":
        # Read only what is needed: `yes | head -n 3` must end (yes then dies of SIGPIPE).
        for _ in range(count):
            line = yield from inv.stdin.read_line()
            if line is None:
                break
            inv.out(line)
        return 0
    inputs = yield from _read_inputs(inv, files)
    for n, (name, text) in enumerate(inputs):
        if text is None:
            status = 1
            continue
        if len(inputs) > 1:
            inv.out(("\n" if n else "") + f"==> {name} <==\n")
        if unit == "c":
            inv.out(text[:count])
        else:
            inv.out("".join(text.splitlines(keepends=True)[:count]))
    return status


def _tail_text(text: str, count: int, unit: str) -> str:
    if unit == "c":
        return text[-count:] if count else ""
    lines = text.splitlines(keepends=True)
    return "".join(lines[-count:]) if count else ""


@register("tail")
def tool_tail(inv: Invocation) -> Gen:
    count, unit, files, flags = _count_arg(inv.argv[1:], 10)
    follow = bool(flags & {"f", "F"})
    retry = "F" in flags
    status = 0
    offsets: dict[str, int | None] = {}
    for name in files or ["-"]:
        if name == "-":
            text = yield from inv.stdin.read_all()
            inv.out(_tail_text(text, count, unit))
            continue
        path = inv.path(name)
        try:
            text = inv.fs.read(path)
        except FsError as err:
            inv.err(f"tail: can't open '{name}': {err}\n" if is_busybox(inv)
                    else f"tail: cannot open '{name}' for reading: {err}\n")
            status = 1
            offsets[name] = None
            continue
        if len(files) > 1:
            inv.out(f"==> {name} <==\n")
        inv.out(_tail_text(text, count, unit))
        offsets[name] = len(text)
    if not follow or not offsets or (not retry and all(v is None for v in offsets.values())):
        return status
    if all(inv.path(n) == "/dev/null" for n in offsets):
        while True:  # `tail -f /dev/null`: the classic keep-alive
            sig = yield WaitForever()
            if isinstance(sig, Signal):
                return 128 + sig.number
    while True:
        sig = yield Sleep(FOLLOW_POLL_MS)
        if isinstance(sig, Signal):
            return 128 + sig.number
        for name, offset in list(offsets.items()):
            path = inv.path(name)
            if not inv.fs.is_file(path):
                offsets[name] = None if retry else offset
                continue
            text = inv.fs.read(path)
            if offset is None or len(text) < offset:
                offset = 0  # appeared, or truncated: start over
            if len(text) > offset:
                inv.out(text[offset:])
            offsets[name] = len(text)


def _grep_regex(pattern: str, fixed: bool, extended: bool, icase: bool, word: bool, line: bool) -> re.Pattern[str]:
    if fixed:
        body = re.escape(pattern)
    elif extended:
        body = pattern
    else:
        # BRE -> Python: \( \) \{ \} \| are the operators; bare ( ) { } | + ? are literal.
        out: list[str] = []
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\" and i + 1 < len(pattern):
                nxt = pattern[i + 1]
                out.append(nxt if nxt in "(){}|+?" else "\\" + nxt)
                i += 2
                continue
            out.append("\\" + c if c in "(){}|+?" else c)
            i += 1
        body = "".join(out)
    if word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    if line:
        body = rf"(?:{body})\Z"
    return re.compile(body, re.IGNORECASE if icase else 0)


@register("grep", "egrep", "fgrep")
def tool_grep(inv: Invocation) -> Gen:
    args = inv.argv[1:]
    flags: set[str] = {"E"} if inv.name == "egrep" else ({"F"} if inv.name == "fgrep" else set())
    patterns: list[str] = []
    files: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-e" and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if arg.startswith("-") and len(arg) > 1 and not files:
            flags.update(arg[1:])
        else:
            files.append(arg)
        i += 1
    if not patterns:
        if not files:
            inv.err("grep: no pattern\n" if not is_busybox(inv) else "BusyBox usage: grep [-HhnlLoqvsrRiwFE] PATTERN/-e PATTERN.../-f FILE [FILE]...\n")
            return 2
        patterns.append(files.pop(0))
    try:
        regexes = [_grep_regex(p, "F" in flags, "E" in flags, "i" in flags, "w" in flags, "x" in flags)
                   for p in patterns]
    except re.error:
        inv.err(f"grep: bad regex '{patterns[0]}'\n")
        return 2
    quiet, invert, count_only = "q" in flags or "s" in flags and "q" in flags, "v" in flags, "c" in flags
    show_names = ("H" in flags or len(files) > 1) and "h" not in flags
    matched_any = False
    error = False
    inputs = yield from _read_inputs(inv, files)
    for name, text in inputs:
        if text is None:
            error = True
            continue
        shown = "(standard input)" if name == "-" else name
        count = 0
        for n, line in enumerate(text.splitlines(), 1):
            hit = any(r.search(line) for r in regexes) != invert
            if not hit:
                continue
            count += 1
            matched_any = True
            if quiet:
                return 0
            if count_only or "l" in flags:
                continue
            prefix = (f"{shown}:" if show_names else "") + (f"{n}:" if "n" in flags else "")
            if "o" in flags and not invert:
                for r in regexes:
                    for m in r.finditer(line):
                        inv.out(prefix + m.group(0) + "\n")
            else:
                inv.out(prefix + line + "\n")
        if count_only:
            inv.out((f"{shown}:" if show_names else "") + f"{count}\n")
        elif "l" in flags and count:
            inv.out(shown + "\n")
    if error and not (quiet and matched_any):
        return 2
    return 0 if matched_any else 1


@register("rev")
def tool_rev(inv: Invocation) -> Gen:
    _ = inv
    status = 0
    for _name, text in (yield from _read_inputs(inv, inv.argv[1:])):
        if text is None:
            status = 1
            continue
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\n")
            inv.out(body[::-1] + line[len(body):])
    return status


@register("sort")
def tool_sort(inv: Invocation) -> Gen:
    flags = {c for a in inv.argv[1:] if a.startswith("-") for c in a[1:]}
    files = [a for a in inv.argv[1:] if not a.startswith("-")]
    lines: list[str] = []
    for _name, text in (yield from _read_inputs(inv, files)):
        lines.extend((text or "").splitlines())
    if "n" in flags:
        def key(s: str) -> tuple[float, str]:
            m = re.match(r"\s*-?\d+(\.\d+)?", s)
            return (float(m.group(0)) if m else 0.0, s)
        lines.sort(key=key, reverse="r" in flags)
    else:
        lines.sort(reverse="r" in flags)
    if "u" in flags:
        lines = list(dict.fromkeys(lines))
    inv.out("".join(s + "\n" for s in lines))
    return 0


@register("uniq")
def tool_uniq(inv: Invocation) -> Gen:
    flags = {c for a in inv.argv[1:] if a.startswith("-") for c in a[1:]}
    files = [a for a in inv.argv[1:] if not a.startswith("-")][:1]
    text = "".join(t or "" for _n, t in (yield from _read_inputs(inv, files)))
    groups: list[tuple[str, int]] = []
    for line in text.splitlines():
        if groups and groups[-1][0] == line:
            groups[-1] = (line, groups[-1][1] + 1)
        else:
            groups.append((line, 1))
    for line, n in groups:
        if "d" in flags and n < 2 or "u" in flags and n > 1:
            continue
        inv.out((f"{n:>7} " if "c" in flags else "") + line + "\n")
    return 0


@register("cut")
def tool_cut(inv: Invocation) -> Gen:
    args = inv.argv[1:]
    delim, fields, chars, files = "\t", "", "", []
    i = 0
    while i < len(args):
        arg = args[i]
        for opt in ("-d", "-f", "-c"):
            if arg.startswith(opt):
                value = arg[2:] or (args[i + 1] if i + 1 < len(args) else "")
                if not arg[2:]:
                    i += 1
                if opt == "-d":
                    delim = value[:1] or "\t"
                elif opt == "-f":
                    fields = value
                else:
                    chars = value
                break
        else:
            files.append(arg)
        i += 1
    spec = fields or chars

    def picks(n: int) -> list[int]:
        out: list[int] = []
        for part in spec.split(","):
            lo, _, hi = part.partition("-")
            a = int(lo) if lo else 1
            b = (int(hi) if hi else n) if "-" in part else a
            out.extend(range(a, min(b, n) + 1))
        return out

    text = "".join(t or "" for _n, t in (yield from _read_inputs(inv, files)))
    for line in text.splitlines():
        if chars:
            inv.out("".join(line[k - 1] for k in picks(len(line))) + "\n")
        elif delim not in line:
            inv.out(line + "\n")
        else:
            parts = line.split(delim)
            inv.out(delim.join(parts[k - 1] for k in picks(len(parts))) + "\n")
    return 0


def _tr_set(text: str) -> str:
    classes = {"[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               "[:digit:]": "0123456789", "[:space:]": " \t\n\r\v\f"}
    for name, chars in classes.items():
        text = text.replace(name, chars)
    out: list[str] = []
    i = 0
    while i < len(text):
        if i + 2 < len(text) and text[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(text[i]), ord(text[i + 2]) + 1))
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out).replace("\\n", "\n").replace("\\t", "\t")


@register("tr")
def tool_tr(inv: Invocation) -> Gen:
    args = inv.argv[1:]
    delete = "-d" in args
    squeeze = "-s" in args
    sets = [_tr_set(a) for a in args if not a.startswith("-") or len(a) == 1]
    text = yield from inv.stdin.read_all()
    if delete and sets:
        text = "".join(c for c in text if c not in sets[0])
    elif len(sets) >= 2:
        src, dst = sets[0], sets[1]
        dst = dst + dst[-1:] * max(0, len(src) - len(dst))
        text = text.translate(str.maketrans(src, dst[:len(src)]))
    if squeeze and sets:
        chars = sets[-1]
        text = re.sub("([" + re.escape(chars) + "])\\1+", r"\1", text)
    inv.out(text)
    return 0


@register("tee")
def tool_tee(inv: Invocation) -> Gen:
    append = "-a" in inv.argv
    files = [inv.path(a) for a in inv.argv[1:] if not a.startswith("-")]
    for path in files:
        if not append:
            inv.fs.write(path, "")
    while True:
        line = yield from inv.stdin.read_line()
        if line is None:
            return 0
        inv.out(line)
        for path in files:
            inv.fs.append(path, line)


@register("seq")
def tool_seq(inv: Invocation) -> Gen:
    nums = [a for a in inv.argv[1:] if not a.startswith("-") or a[1:].isdigit()]
    try:
        vals = [int(x) for x in nums]
    except ValueError:
        inv.err(f"seq: invalid number '{next(x for x in nums if not x.lstrip('-').isdigit())}'\n")
        return 1
    if not 1 <= len(vals) <= 3:
        inv.err("seq: missing operand\n" if not vals else f"seq: extra operand '{nums[3]}'\n")
        return 1
    first, step, last = (1, 1, vals[0]) if len(vals) == 1 else (
        (vals[0], 1, vals[1]) if len(vals) == 2 else (vals[0], vals[1], vals[2]))
    n = first
    emitted = 0
    while (step > 0 and n <= last) or (step < 0 and n >= last):
        inv.out(f"{n}\n")
        n += step
        emitted += 1
        if emitted % 1000 == 0:
            yield inv.sched.cpu(0)  # each line was charged when written
    return 0


@register("yes")
def tool_yes(inv: Invocation) -> Gen:
    text = " ".join(inv.argv[1:]) or "y"
    while True:
        inv.out((text + "\n") * 1000)  # SIGPIPE ends it when the reader goes away
        yield inv.sched.cpu(1000)


@register("basename")
def tool_basename(inv: Invocation) -> int:
    args = inv.argv[1:]
    if not args:
        inv.err("basename: missing operand\n")
        return 1
    base = args[0].rstrip("/").rsplit("/", 1)[-1] or "/"
    if len(args) > 1 and base.endswith(args[1]) and base != args[1]:
        base = base[: -len(args[1])]
    inv.out(base + "\n")
    return 0


@register("dirname")
def tool_dirname(inv: Invocation) -> int:
    args = inv.argv[1:]
    if not args:
        inv.err("dirname: missing operand\n")
        return 1
    path = args[0].rstrip("/")
    head = path.rsplit("/", 1)[0] if "/" in path else "."
    inv.out((head.rstrip("/") or "/") + "\n")
    return 0


@register("expr")
def tool_expr(inv: Invocation) -> int:
    """expr A op B for + - * / % = != < > <= >= and ``length S`` (single operator only)."""
    args = inv.argv[1:]
    if len(args) == 2 and args[0] == "length":
        inv.out(f"{len(args[1])}\n")
        return 0
    if len(args) == 1:
        inv.out(args[0] + "\n")
        return 0 if args[0] not in ("", "0") else 1
    if len(args) != 3:
        inv.err("expr: syntax error\n")
        return 2
    a, op, b = args
    try:
        x, y = int(a), int(b)
        numeric = True
    except ValueError:
        numeric = False
    if op in ("+", "-", "*", "/", "%"):
        if not numeric:
            inv.err("expr: non-numeric argument\n")
            return 2
        if op in ("/", "%") and y == 0:
            inv.err("expr: division by zero\n")
            return 2
        q = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1) if op in ("/", "%") else 0
        value: int | str = {"+": x + y, "-": x - y, "*": x * y, "/": q, "%": x - q * y if y else 0}[op]
    elif op in ("=", "!=", "<", ">", "<=", ">="):
        lhs: Any = x if numeric else a
        rhs: Any = y if numeric else b
        value = int({"=": lhs == rhs, "!=": lhs != rhs, "<": lhs < rhs, ">": lhs > rhs,
                     "<=": lhs <= rhs, ">=": lhs >= rhs}[op])
    else:
        inv.err("expr: syntax error\n")
        return 2
    inv.out(f"{value}\n")
    return 0 if str(value) not in ("", "0") else 1
