"""Word expansion: tilde, parameters, command and arithmetic substitution, field splitting, globbing.

Follows POSIX order. Unquoted expansion results are split on ``$IFS`` and then matched as file
patterns against the container filesystem (``*``, ``?``, ``[...]``; a pattern that matches nothing
stays as written, as in sh). Quoted text is never split or globbed; ``"$@"`` gives one field per
positional parameter.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from labk8s.node.runtime.shell.arith import ArithError, evaluate
from labk8s.node.runtime.shell.lexer import (
    Arith,
    CmdSub,
    Lexer,
    Lit,
    Param,
    ShellSyntaxError,
    Tilde,
    Word,
    WordPart,
)
from labk8s.node.runtime.shell.process import Wait

if TYPE_CHECKING:
    from labk8s.node.runtime.shell.interpreter import Shell

__all__ = ["ExpansionError", "expand_fields", "expand_heredoc", "expand_pattern", "expand_string"]

Gen = Generator[Wait, Any, Any]


class ExpansionError(Exception):
    """A fatal expansion error (``${x:?}``, bad arithmetic): the shell prints it and exits 2."""


def _escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]\\" else c for c in text)


class _Fields:
    def __init__(self, ifs: str) -> None:
        self.out: list[tuple[str, str, bool]] = []
        self.text: list[str] = []
        self.pattern: list[str] = []
        self.started = False
        self.glob = False
        self.ws = "".join(c for c in ifs if c in " \t\n")
        self.other = "".join(c for c in ifs if c not in " \t\n")
        self.ifs = ifs

    def quoted(self, s: str) -> None:
        self.text.append(s)
        self.pattern.append(_escape(s))
        self.started = True

    def literal(self, s: str) -> None:
        if not s:
            return
        self.text.append(s)
        self.pattern.append(s)
        self.started = True
        if "*" in s or "?" in s or ("[" in s and "]" in s[s.index("["):]):
            self.glob = True

    def end(self, force: bool = False) -> None:
        if self.started or force:
            self.out.append(("".join(self.text), "".join(self.pattern), self.glob))
        self.text, self.pattern, self.started, self.glob = [], [], False, False

    def split(self, s: str) -> None:
        """An unquoted expansion result: split on IFS, then subject to globbing."""
        if not s:
            return
        if not self.ifs:
            self.literal(s)
            return
        ws = re.escape(self.ws) if self.ws else ""
        other = re.escape(self.other) if self.other else ""
        if s[0] in self.ws:
            self.end()
        core = s.strip(self.ws) if self.ws else s
        if core:
            if other:
                pat = f"[{ws}]*[{other}][{ws}]*" + (f"|[{ws}]+" if ws else "")
            else:
                pat = f"[{ws}]+"
            for i, piece in enumerate(re.split(pat, core)):
                if i:
                    self.end(force=bool(other))
                self.literal(piece)
        if s[-1] in self.ws:
            self.end()


def _param_value(sh: Shell, part: Param) -> Gen:
    """The value of a parameter (None if unset) - arrays give a list for ``[@]``/``[*]``."""
    if part.index is not None:
        idx_text = yield from expand_string(sh, part.index)
        values = sh.arrays.get(part.name)
        if values is None:
            plain = sh.lookup(part.name)
            values = [plain] if plain is not None else []
        if idx_text in ("@", "*"):
            return list(values)
        try:
            idx = evaluate(idx_text, lambda n: sh.lookup(n) or "", sh.set_var)
        except ArithError as exc:
            raise ExpansionError(f"{idx_text}: {exc}") from None
        return values[idx] if -len(values) <= idx < len(values) else None
    if part.name in ("@", "*"):
        return list(sh.positional)
    return sh.lookup(part.name)


def _apply_op(sh: Shell, part: Param, value: str | None) -> Gen:
    op = part.op
    if op == "len":
        return str(len(value or ""))
    if not op:
        if value is None and sh.opt_nounset and part.name not in ("@", "*"):
            raise ExpansionError(f"{part.name}: parameter not set")
        return value
    arg = part.arg or Word((), "")
    unset = value is None or (op.startswith(":") and value == "")
    if op in ("-", ":-"):
        return (yield from expand_string(sh, arg)) if unset else value
    if op in ("=", ":="):
        if unset:
            value = yield from expand_string(sh, arg)
            sh.set_var(part.name, value)
        return value
    if op in ("+", ":+"):
        return "" if unset else (yield from expand_string(sh, arg))
    if op in ("?", ":?"):
        if unset:
            msg = yield from expand_string(sh, arg)
            raise ExpansionError(f"{part.name}: {msg or 'parameter not set'}")
        return value
    pattern = yield from expand_pattern(sh, arg)
    text = value or ""
    if op in ("#", "##"):
        cuts = range(len(text) + 1) if op == "#" else range(len(text), -1, -1)
        for n in cuts:
            if fnmatch.fnmatchcase(text[:n], pattern):
                return text[n:]
        return text
    cuts = range(len(text), -1, -1) if op == "%" else range(len(text) + 1)
    for n in cuts:
        if fnmatch.fnmatchcase(text[n:], pattern):
            return text[:n]
    return text


def _part_value(sh: Shell, part: WordPart) -> Gen:
    """str, None (unset) or list[str] (``$@``-like)."""
    if isinstance(part, Lit):
        return part.text
    if isinstance(part, Tilde):
        if part.user in ("", "root"):
            return sh.lookup("HOME") or "/root" if not part.user else "/root"
        return "~" + part.user
    if isinstance(part, CmdSub):
        out = yield from sh.command_substitution(part.source)
        return out.rstrip("\n")
    if isinstance(part, Arith):
        text = yield from expand_heredoc(sh, part.source)
        try:
            return str(evaluate(text, lambda n: sh.lookup(n) or "", sh.set_var))
        except ArithError as exc:
            raise ExpansionError(str(exc)) from None
    value = yield from _param_value(sh, part)
    if isinstance(value, list):
        if part.op == "len":
            return str(len(value))
        return value
    return (yield from _apply_op(sh, part, value))


def expand_fields(sh: Shell, words: list[Word]) -> Gen:
    """Full expansion of command words -> list of fields."""
    result: list[str] = []
    ifs = sh.vars.get("IFS", " \t\n")
    for word in words:
        if len(word.parts) == 1 and isinstance(word.parts[0], Lit):
            text = word.parts[0].text
            if word.parts[0].quoted or not ("*" in text or "?" in text or "[" in text):
                result.append(text)  # fast path: a plain word
                continue
        fields = _Fields(ifs)
        for part in word.parts:
            value = yield from _part_value(sh, part)
            quoted = isinstance(part, Lit) and part.quoted or getattr(part, "quoted", False)
            if isinstance(part, Lit) and not part.quoted:
                fields.literal(part.text)
            elif isinstance(part, Tilde):
                fields.quoted(value)
            elif isinstance(value, list):
                sep = ifs[:1] if ifs else ""
                if quoted and isinstance(part, Param) and (part.name == "*" or (
                        part.index is not None and part.index.raw == "*")):
                    fields.quoted(sep.join(value))
                else:
                    for i, item in enumerate(value):
                        if i:
                            fields.end(force=quoted)
                        if quoted:
                            fields.quoted(item)
                        else:
                            fields.split(item)
            elif value is None:
                if quoted:
                    fields.quoted("")
            elif quoted:
                fields.quoted(value)
            else:
                fields.split(value)
        fields.end()
        for text, pattern, has_glob in fields.out:
            matches = glob(sh, pattern) if has_glob else []
            result.extend(matches or [text])
    return result


def expand_string(sh: Shell, word: Word) -> Gen:
    """Expansion without splitting or globbing (assignments, redirection targets, case words)."""
    chunks: list[str] = []
    for part in word.parts:
        value = yield from _part_value(sh, part)
        if isinstance(value, list):
            sep = (sh.lookup("IFS") or " ")[:1] if isinstance(part, Param) else " "
            chunks.append(sep.join(value))
        elif value is not None:
            chunks.append(value)
    return "".join(chunks)


def expand_pattern(sh: Shell, word: Word) -> Gen:
    """A pattern for fnmatch: quoted parts match literally."""
    chunks: list[str] = []
    for part in word.parts:
        value = yield from _part_value(sh, part)
        if isinstance(value, list):
            value = " ".join(value)
        if value is None:
            continue
        quoted = isinstance(part, Lit) and part.quoted or getattr(part, "quoted", False)
        chunks.append(_escape(value) if quoted else value)
    return "".join(chunks)


def expand_heredoc(sh: Shell, text: str) -> Gen:
    """Expand ``$...`` and backquotes in text as inside double quotes (here-documents, ``$(( ))``)."""
    lex = Lexer(text)
    out: list[str] = []
    while lex.pos < len(text):
        c = text[lex.pos]
        if c == "\\" and lex.pos + 1 < len(text) and text[lex.pos + 1] in "$`\\\n":
            if text[lex.pos + 1] != "\n":
                out.append(text[lex.pos + 1])
            lex.pos += 2
            continue
        if c in "$`":
            try:
                part = lex._scan_dollar(quoted=True)
            except ShellSyntaxError as exc:
                raise ExpansionError(f"syntax error: {exc}") from None
            if part is not None:
                value = yield from _part_value(sh, part)
                if isinstance(value, list):
                    value = " ".join(value)
                out.append(value or "")
                continue
        out.append(c)
        lex.pos += 1
    return "".join(out)


def glob(sh: Shell, pattern: str) -> list[str]:
    """Pathname expansion of ``pattern`` against the filesystem; [] if nothing matches."""
    absolute = pattern.startswith("/")
    comps = [c for c in pattern.split("/") if c]
    paths: list[str] = ["/" if absolute else ""]
    for comp in comps:
        literal = not any(ch in comp for ch in "*?[")
        nxt: list[str] = []
        for base in paths:
            real_base = base if absolute else sh.resolve(base or ".")
            if literal:
                cand = base.rstrip("/") + "/" + comp if base else comp
                if sh.fs.exists(sh.resolve(cand)):
                    nxt.append(cand)
                continue
            if not sh.fs.is_dir(real_base):
                continue
            for name in sh.fs.listdir(real_base):
                if name.startswith(".") and not comp.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, comp):
                    nxt.append(base.rstrip("/") + "/" + name if base else name)
        paths = nxt
        if not paths:
            return []
    if pattern.endswith("/"):
        paths = [p + "/" for p in paths if sh.fs.is_dir(sh.resolve(p))]
    return sorted(paths)
