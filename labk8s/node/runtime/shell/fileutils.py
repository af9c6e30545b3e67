"""File tools: cat, touch, rm, ls, mkdir, cp, mv, chmod, find (busybox or coreutils messages)."""

from __future__ import annotations

import fnmatch
from collections.abc import Generator
from datetime import timedelta
from typing import Any

from labk8s._sim.clock import EPOCH
from labk8s.node.runtime.shell.builtins import is_busybox, register
from labk8s.node.runtime.shell.filesystem import FsError, normalize
from labk8s.node.runtime.shell.process import Wait
from labk8s.node.runtime.shell.streams import Invocation

__all__: list[str] = []

Gen = Generator[Wait, Any, int]


def split_flags(args: list[str]) -> tuple[set[str], list[str]]:
    """Short flags (``-rf`` -> {"r", "f"}) and operands; ``--`` ends flags."""
    flags: set[str] = set()
    rest: list[str] = []
    done = False
    for arg in args:
        if not done and arg == "--":
            done = True
        elif not done and arg.startswith("-") and len(arg) > 1:
            flags.update(arg[1:])
        else:
            rest.append(arg)
    return flags, rest


def _cant(inv: Invocation, verb_bb: str, verb_gnu: str, name: str, err: FsError | str) -> None:
    if is_busybox(inv):
        inv.err(f"{inv.name}: can't {verb_bb} '{name}': {err}\n")
    else:
        inv.err(f"{inv.name}: cannot {verb_gnu} '{name}': {err}\n")


@register("cat")
def tool_cat(inv: Invocation) -> Gen:
    _, files = split_flags(inv.argv[1:])
    status = 0
    for name in files or ["-"]:
        if name == "-":
            inv.out((yield from inv.stdin.read_all()))
            continue
        path = inv.path(name)
        try:
            inv.out(inv.fs.read(path))
        except FsError as err:
            if err.code == "EISDIR":
                inv.err("cat: read error: Is a directory\n" if is_busybox(inv) else f"cat: {name}: Is a directory\n")
            elif is_busybox(inv):
                inv.err(f"cat: can't open '{name}': {err}\n")
            else:
                inv.err(f"cat: {name}: {err}\n")
            status = 1
    return status


@register("touch")
def tool_touch(inv: Invocation) -> int:
    flags, files = split_flags(inv.argv[1:])
    status = 0
    for name in files:
        path = inv.path(name)
        if "c" in flags and not inv.fs.exists(path):
            continue
        try:
            inv.fs.touch(path)
        except FsError as err:
            inv.err(f"touch: {name}: {err}\n" if is_busybox(inv) else f"touch: cannot touch '{name}': {err}\n")
            status = 1
    return status


@register("rm")
def tool_rm(inv: Invocation) -> int:
    flags, files = split_flags(inv.argv[1:])
    recursive = bool(flags & {"r", "R"})
    force = "f" in flags
    status = 0
    for name in files:
        path = inv.path(name)
        if not inv.fs.exists(path):
            if not force:
                _cant(inv, "remove", "remove", name, FsError("ENOENT", path))
                status = 1
            continue
        if inv.fs.is_dir(path) and not recursive:
            inv.err(f"rm: '{name}' is a directory\n" if is_busybox(inv)
                    else f"rm: cannot remove '{name}': Is a directory\n")
            status = 1
            continue
        try:
            inv.fs.remove(path, recursive=recursive)
        except FsError as err:
            _cant(inv, "remove", "remove", name, err)
            status = 1
    return status


@register("rmdir")
def tool_rmdir(inv: Invocation) -> int:
    _, names = split_flags(inv.argv[1:])
    status = 0
    for name in names:
        try:
            if not inv.fs.is_dir(inv.path(name)) and inv.fs.exists(inv.path(name)):
                raise FsError("ENOTDIR", name)
            inv.fs.remove(inv.path(name))
        except FsError as err:
            inv.err(f"rmdir: '{name}': {err}\n" if is_busybox(inv) else
                    f"rmdir: failed to remove '{name}': {err}\n")
            status = 1
    return status


@register("mkdir")
def tool_mkdir(inv: Invocation) -> int:
    flags, names = split_flags([a for a in inv.argv[1:] if not a.startswith("-m")])
    status = 0
    for name in names:
        try:
            inv.fs.mkdir(inv.path(name), parents="p" in flags)
        except FsError as err:
            _cant(inv, "create directory", "create directory", name, err)
            status = 1
    return status


def _mode_string(kind: str, mode: int) -> str:
    chars = "d" if kind == "dir" else ("c" if kind == "device" else "-")
    for shift in (6, 3, 0):
        bits = (mode >> shift) & 7
        chars += ("r" if bits & 4 else "-") + ("w" if bits & 2 else "-") + ("x" if bits & 1 else "-")
    return chars


def _long_line(inv: Invocation, path: str, shown: str) -> str:
    st = inv.fs.stat(path)
    when = EPOCH + timedelta(milliseconds=st.mtime_ms)
    stamp = f"{when:%b} {when.day:2d} {when:%H:%M}"
    links = 2 if st.kind == "dir" else 1
    if is_busybox(inv):
        return f"{_mode_string(st.kind, st.mode)}    {links} root     root     {st.size:>9} {stamp} {shown}\n"
    return f"{_mode_string(st.kind, st.mode)} {links} root root {st.size} {stamp} {shown}\n"


@register("ls")
def tool_ls(inv: Invocation) -> int:
    """ls [-1alAdR] (not a terminal: one name per line, as in ``kubectl logs``)."""
    flags, names = split_flags(inv.argv[1:])
    long = "l" in flags
    show_all, almost = "a" in flags, "A" in flags
    status = 0
    operands = names or ["."]
    files = [n for n in operands if inv.fs.exists(inv.path(n)) and (not inv.fs.is_dir(inv.path(n)) or "d" in flags)]
    dirs = [n for n in operands if inv.fs.is_dir(inv.path(n)) and "d" not in flags]
    for name in operands:
        if not inv.fs.exists(inv.path(name)):
            inv.err(f"ls: {name}: No such file or directory\n" if is_busybox(inv)
                    else f"ls: cannot access '{name}': No such file or directory\n")
            status = 1 if is_busybox(inv) else 2
    for name in sorted(files):
        inv.out(_long_line(inv, inv.path(name), name) if long else name + "\n")
    for n, name in enumerate(sorted(dirs)):
        path = inv.path(name)
        entries = inv.fs.listdir(path)
        if show_all:
            entries = [".", "..", *entries]
        elif not almost:
            entries = [e for e in entries if not e.startswith(".")]
        if len(operands) > 1:
            inv.out(("\n" if files or n else "") + f"{name}:\n")
        if long:
            if not is_busybox(inv):
                inv.out(f"total {4 * len(entries)}\n")
            for entry in entries:
                inv.out(_long_line(inv, normalize(entry, path), entry))
        else:
            inv.out("".join(e + "\n" for e in entries))
    return status


def _copy_target(inv: Invocation, src: str, dest: str, multiple: bool) -> str:
    dpath = inv.path(dest)
    if inv.fs.is_dir(dpath):
        return normalize(src.rstrip("/").rsplit("/", 1)[-1], dpath)
    if multiple:
        raise FsError("ENOTDIR", dest)
    return dpath


@register("cp")
def tool_cp(inv: Invocation) -> int:
    flags, names = split_flags(inv.argv[1:])
    recursive = bool(flags & {"r", "R", "a"})
    if len(names) < 2:
        inv.err("cp: missing file operand\n" if not is_busybox(inv) else "BusyBox usage: cp [-arPLHpfinlsTu] SOURCE DEST\n")
        return 1
    *sources, dest = names
    status = 0
    for src in sources:
        spath = inv.path(src)
        if not inv.fs.exists(spath):
            _cant(inv, "stat", "stat", src, FsError("ENOENT", spath))
            status = 1
            continue
        if inv.fs.is_dir(spath) and not recursive:
            inv.err(f"cp: omitting directory '{src}'\n")
            status = 1
            continue
        try:
            inv.fs.copy(spath, _copy_target(inv, src, dest, len(sources) > 1), recursive=recursive)
        except FsError as err:
            inv.err(f"cp: can't create '{dest}': {err}\n" if is_busybox(inv) else f"cp: cannot create regular file '{dest}': {err}\n")
            status = 1
    return status


@register("mv")
def tool_mv(inv: Invocation) -> int:
    _, names = split_flags(inv.argv[1:])
    if len(names) < 2:
        inv.err("mv: missing file operand\n")
        return 1
    *sources, dest = names
    status = 0
    for src in sources:
        spath = inv.path(src)
        try:
            if not inv.fs.exists(spath):
                raise FsError("ENOENT", spath)
            inv.fs.rename(spath, _copy_target(inv, src, dest, len(sources) > 1))
        except FsError as err:
            if is_busybox(inv):
                inv.err(f"mv: can't rename '{src}': {err}\n")
            else:
                inv.err(f"mv: cannot stat '{src}': {err}\n" if err.code == "ENOENT" else f"mv: cannot move '{src}': {err}\n")
            status = 1
    return status


@register("chmod")
def tool_chmod(inv: Invocation) -> int:
    args = [a for a in inv.argv[1:] if a not in ("-R", "-v")]
    if len(args) < 2:
        inv.err("chmod: missing operand\n")
        return 1
    mode_text, *names = args
    status = 0
    for name in names:
        path = inv.path(name)
        try:
            current = inv.fs.stat(path).mode
            inv.fs.chmod(path, _parse_mode(mode_text, current))
        except FsError as err:
            inv.err(f"chmod: {name}: {err}\n" if is_busybox(inv) else f"chmod: cannot access '{name}': {err}\n")
            status = 1
        except ValueError:
            inv.err(f"chmod: invalid mode '{mode_text}'\n")
            return 1
    return status


def _parse_mode(text: str, current: int) -> int:
    if text.isdigit():
        return int(text, 8)
    mode = current
    for clause in text.split(","):
        who = ""
        i = 0
        while i < len(clause) and clause[i] in "ugoa":
            who += clause[i]
            i += 1
        if i >= len(clause) or clause[i] not in "+-=":
            raise ValueError(text)
        op, perms = clause[i], clause[i + 1:]
        bits = sum({"r": 4, "w": 2, "x": 1}.get(p, 0) for p in perms)
        mask = 0
        for w in who or "a":
            for shift in {"u": (6,), "g": (3,), "o": (0,), "a": (6, 3, 0)}[w]:
                mask |= bits << shift
        if op == "+":
            mode |= mask
        elif op == "-":
            mode &= ~mask
        else:
            mode = mask
    return mode


@register("find")
def tool_find(inv: Invocation) -> int:
    """find [PATH...] [-name PATTERN] [-type f|d] [-maxdepth N]: names in sorted order."""
    args = inv.argv[1:]
    roots: list[str] = []
    while args and not args[0].startswith("-"):
        roots.append(args.pop(0))
    name_pat, kind, maxdepth = None, None, 1 << 30
    while args:
        opt = args.pop(0)
        value = args.pop(0) if args else ""
        if opt == "-name":
            name_pat = value
        elif opt == "-type":
            kind = value
        elif opt == "-maxdepth":
            maxdepth = int(value) if value.isdigit() else maxdepth
    status = 0

    def visit(shown: str, path: str, depth: int) -> None:
        is_dir = inv.fs.is_dir(path)
        base = shown.rstrip("/").rsplit("/", 1)[-1] or shown
        if (name_pat is None or fnmatch.fnmatchcase(base, name_pat)) and (
                kind is None or (kind == "d") == is_dir):
            inv.out(shown + "\n")
        if is_dir and depth < maxdepth:
            for entry in inv.fs.listdir(path):
                visit(shown.rstrip("/") + "/" + entry, normalize(entry, path), depth + 1)

    for root in roots or ["."]:
        if not inv.fs.exists(inv.path(root)):
            inv.err(f"find: {root}: No such file or directory\n" if is_busybox(inv)
                    else f"find: '{root}': No such file or directory\n")
            status = 1
            continue
        visit(root, inv.path(root), 0)
    return status
