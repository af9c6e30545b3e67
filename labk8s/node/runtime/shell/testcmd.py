"""``test`` and ``[``: file tests, string and integer comparisons, ``!``, ``-a``, ``-o``, parentheses.

Exit status 0 (true), 1 (false), 2 (usage error, with busybox's message, e.g. ``sh: missing ]``
becomes ``[: missing ]``; a non-integer operand gives ``[: abc: bad number`` in busybox and
``[: abc: integer expression expected`` in coreutils/bash).
"""

from __future__ import annotations

from labk8s.node.runtime.shell.builtins import is_busybox, register
from labk8s.node.runtime.shell.streams import Invocation

__all__ = ["tool_test"]

_UNARY_FILE = frozenset("efdsrwxhLpSbcugk")
_BINARY = frozenset({"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"})


class _TestError(Exception):
    pass


class _Test:
    def __init__(self, inv: Invocation, args: list[str]) -> None:
        self.inv = inv
        self.args = args
        self.i = 0

    def integer(self, text: str) -> int:
        try:
            return int(text.strip())
        except ValueError:
            if is_busybox(self.inv):
                raise _TestError(f"{text}: bad number") from None
            raise _TestError(f"{text}: integer expression expected") from None

    def unary(self, op: str, operand: str) -> bool:
        if op == "-z":
            return operand == ""
        if op == "-n":
            return operand != ""
        if op == "-t":
            return False
        fs = self.inv.fs
        path = self.inv.path(operand) if operand else ""
        if not operand:
            return False
        if op == "-e":
            return fs.exists(path)
        if op == "-f":
            return fs.is_file(path) and fs.stat(path).kind == "file"
        if op == "-d":
            return fs.is_dir(path)
        if op == "-s":
            return fs.exists(path) and fs.stat(path).size > 0
        if op in ("-r", "-w"):
            return fs.exists(path)
        if op == "-x":
            return fs.exists(path) and bool(fs.stat(path).mode & 0o111)
        if op == "-c":
            return fs.exists(path) and fs.stat(path).kind == "device"
        return False  # -h -L -p -S -b -u -g -k: no such files are modelled

    def binary(self, left: str, op: str, right: str) -> bool:
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == ">":
            return left > right
        if op in ("-nt", "-ot", "-ef"):
            fs = self.inv.fs
            a, b = self.inv.path(left), self.inv.path(right)
            if op == "-ef":
                return fs.exists(a) and a == b
            if not fs.exists(a) or not fs.exists(b):
                return op == "-nt" and fs.exists(a) or op == "-ot" and fs.exists(b)
            ta, tb = fs.stat(a).mtime_ms, fs.stat(b).mtime_ms
            return ta > tb if op == "-nt" else ta < tb
        x, y = self.integer(left), self.integer(right)
        return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}[op]

    # Recursive descent over: expr := and ('-o' and)* ; and := not ('-a' not)* ; not := '!' not | prim
    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.args[j] if j < len(self.args) else None

    def expr(self) -> bool:
        value = self.and_()
        while self.peek() == "-o":
            self.i += 1
            rhs = self.and_()
            value = value or rhs
        return value

    def and_(self) -> bool:
        value = self.not_()
        while self.peek() == "-a":
            self.i += 1
            rhs = self.not_()
            value = value and rhs
        return value

    def not_(self) -> bool:
        if self.peek() == "!" and self.peek(1) is not None and not (
                self.peek(1) in _BINARY and self.peek(2) is not None):
            self.i += 1
            return not self.not_()
        return self.primary()

    def primary(self) -> bool:
        tok = self.peek()
        if tok is None:
            raise _TestError("argument expected")
        if tok == "(" and self.peek(1) is not None and not (self.peek(1) in _BINARY and self.peek(2) == ")"):
            self.i += 1
            value = self.expr()
            if self.peek() != ")":
                raise _TestError("')' expected" if not is_busybox(self.inv) else "syntax error")
            self.i += 1
            return value
        nxt = self.peek(1)
        if nxt is not None and nxt in _BINARY and self.peek(2) is not None:
            self.i += 3
            return self.binary(tok, nxt, self.args[self.i - 1])
        if len(tok) == 2 and tok[0] == "-" and (tok[1] in _UNARY_FILE or tok[1] in "znt") and nxt is not None:
            self.i += 2
            return self.unary(tok, nxt)
        self.i += 1
        return tok != ""

    def run(self) -> bool:
        args = self.args
        # POSIX rules by argument count keep `[ -n ]`, `[ = ]`, `[ ! = ]` meaning what they should.
        if not args:
            return False
        if len(args) == 1:
            return args[0] != ""
        if len(args) == 2 and args[0] == "!":
            return args[1] == ""
        value = self.expr()
        if self.i != len(args):
            raise _TestError(f"{args[self.i]}: unknown operand" if is_busybox(self.inv)
                             else "too many arguments")
        return value


@register("test", "[")
def tool_test(inv: Invocation) -> int:
    name = inv.name
    args = inv.argv[1:]
    if name == "[":
        if not args or args[-1] != "]":
            inv.err("[: missing ]\n" if not is_busybox(inv) else "sh: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _Test(inv, args).run() else 1
    except _TestError as exc:
        prefix = "sh" if is_busybox(inv) else name
        inv.err(f"{prefix}: {exc}\n")
        return 2
