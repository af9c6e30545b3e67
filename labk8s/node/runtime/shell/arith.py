"""Shell arithmetic ``$(( ))``: integers, variables, C operators with C precedence.

Supported: decimal/hex/octal literals, names (unset or empty -> 0), unary ``+ - ! ~``, ``* / % + -
<< >> < <= > >= == != & ^ | && ||``, ``?:``, parentheses, assignments ``= += -= *= /= %=`` and
``++``/``--`` on names. Division by zero and malformed input raise :class:`ArithError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["ArithError", "evaluate"]


class ArithError(Exception):
    pass


_TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z_0-9]*|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!="
                    r"|&&|\|\||[-+*/%&|^]=|\*\*|[-+*/%<>=!~&|^?:()])")

_BINARY: dict[str, int] = {
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
    "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "**": 11,
}


def _c_div(a: int, b: int) -> int:
    if b == 0:
        raise ArithError("divide by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _apply(op: str, a: int, b: int) -> int:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return _c_div(a, b)
    if op == "%":
        if b == 0:
            raise ArithError("divide by zero")
        return a - _c_div(a, b) * b
    if op == "**":
        return a ** b if b >= 0 else 0
    if op == "<<":
        return a << b
    if op == ">>":
        return a >> b
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "^":
        return a ^ b
    table = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b,
             "&&": bool(a) and bool(b), "||": bool(a) or bool(b)}
    return int(table[op])


class _Eval:
    def __init__(self, text: str, get: Callable[[str], str], set_: Callable[[str, str], None]) -> None:
        self.tokens: list[str] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise ArithError(f"syntax error: invalid arithmetic operator (error token is \"{text[pos:]}\")")
            self.tokens.append(m.group(1))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0
        self.get = get
        self.set = set_

    def peek(self) -> str:
        return self.tokens[self.i] if self.i < len(self.tokens) else ""

    def take(self) -> str:
        tok = self.peek()
        self.i += 1
        return tok

    def value_of(self, name: str) -> int:
        raw = self.get(name).strip()
        if not raw:
            return 0
        return _number(raw)

    def expr(self) -> int:
        return self.assign()

    def assign(self) -> int:
        if (self.i + 1 < len(self.tokens) and _is_name(self.peek())
                and self.tokens[self.i + 1] in ("=", "+=", "-=", "*=", "/=", "%=")):
            name = self.take()
            op = self.take()
            rhs = self.assign()
            val = rhs if op == "=" else _apply(op[0], self.value_of(name), rhs)
            self.set(name, str(val))
            return val
        return self.ternary()

    def ternary(self) -> int:
        cond = self.binary(1)
        if self.peek() == "?":
            self.take()
            a = self.assign()
            if self.take() != ":":
                raise ArithError("syntax error: expecting ':'")
            b = self.assign()
            return a if cond else b
        return cond

    def binary(self, min_prec: int) -> int:
        left = self.unary()
        while True:
            op = self.peek()
            prec = _BINARY.get(op)
            if prec is None or prec < min_prec:
                return left
            self.take()
            right = self.binary(prec + (0 if op == "**" else 1))
            left = _apply(op, left, right)

    def unary(self) -> int:
        tok = self.peek()
        if tok in ("+", "-", "!", "~"):
            self.take()
            val = self.unary()
            return {"+": val, "-": -val, "!": int(not val), "~": ~val}[tok]
        if tok in ("++", "--") and self.i + 1 < len(self.tokens) and _is_name(self.tokens[self.i + 1]):
            self.take()
            name = self.take()
            val = self.value_of(name) + (1 if tok == "++" else -1)
            self.set(name, str(val))
            return val
        return self.primary()

    def primary(self) -> int:
        tok = self.take()
        if tok == "(":
            val = self.expr()
            if self.take() != ")":
                raise ArithError("syntax error: missing ')'")
            return val
        if not tok:
            raise ArithError("syntax error: operand expected")
        if _is_name(tok):
            val = self.value_of(tok)
            if self.peek() in ("++", "--"):
                op = self.take()
                self.set(tok, str(val + (1 if op == "++" else -1)))
            return val
        if tok[0].isdigit():
            return _number(tok)
        raise ArithError(f"syntax error: operand expected (error token is \"{tok}\")")


def _is_name(tok: str) -> bool:
    return bool(tok) and (tok[0].isalpha() or tok[0] == "_")


def _number(text: str) -> int:
    try:
        if text.lower().startswith("0x"):
            return int(text, 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text, 8)
        return int(text)
    except ValueError:
        raise ArithError(f"syntax error: invalid number \"{text}\"") from None


def evaluate(text: str, get: Callable[[str], str], set_: Callable[[str, str], None]) -> int:
    """Evaluate an (already parameter-expanded) arithmetic expression; empty -> 0."""
    ev = _Eval(text, get, set_)
    if not ev.tokens:
        return 0
    val = ev.expr()
    if ev.i != len(ev.tokens):
        raise ArithError(f"syntax error: invalid arithmetic operator (error token is \"{ev.peek()}\")")
    return val
