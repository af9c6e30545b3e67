"""Tokens of the shell language (POSIX sh, the subset busybox ash runs in the Kubernetes docs).

A word keeps its quoting as a tuple of parts, because expansion needs it: ``"$A"b'c'`` is
``(Param("A", quoted=True), Lit("b"), Lit("c", quoted=True))``. Command and arithmetic substitutions
keep their source text; the interpreter parses it when it runs (as ash does for ``$(...)``).

Supported: blanks, newlines, ``#`` comments, ``\\`` escapes and line continuations, single and double
quotes, ``$name ${name} ${name:-w} ${name:=w} ${name:+w} ${name:?w} ${#name} ${name#p} ${name##p}
${name%p} ${name%%p}``, special parameters ``$? $$ $! $# $@ $* $- $0..$9``, bash arrays ``a=(x y)``
and ``${a[i]} ${a[@]} ${#a[@]}``, ``$(...)``, backquotes, ``$((...))``, ``~``, operators ``; & && ||
| ;; ( )`` and redirections ``< > >> >| <> <& >& <<`` with an optional fd number (``2>&1``), ``&>``.
Here-documents (``<<EOF``) are read after the end of the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Arith",
    "CmdSub",
    "Lexer",
    "Lit",
    "Param",
    "ShellSyntaxError",
    "Tilde",
    "Token",
    "Word",
    "WordPart",
]


class ShellSyntaxError(Exception):
    """A script that does not parse; the message is what follows ``syntax error: ``."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Lit:
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Param:
    name: str
    op: str = ""  # "", "-", ":-", "=", ":=", "+", ":+", "?", ":?", "#", "##", "%", "%%", "len"
    arg: Word | None = None
    quoted: bool = False
    index: Word | None = None  # ${a[i]}


@dataclass(frozen=True)
class CmdSub:
    source: str
    quoted: bool = False


@dataclass(frozen=True)
class Arith:
    source: str
    quoted: bool = False


@dataclass(frozen=True)
class Tilde:
    user: str = ""


WordPart = Lit | Param | CmdSub | Arith | Tilde


@dataclass(frozen=True)
class Word:
    parts: tuple[WordPart, ...]
    raw: str

    @property
    def literal(self) -> str | None:
        """The text if the word is one unquoted literal (reserved words, names), else None."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None

    @property
    def quoted(self) -> bool:
        return any(isinstance(p, Lit) and p.quoted for p in self.parts) or any(
            getattr(p, "quoted", False) for p in self.parts)


@dataclass
class Token:
    kind: str  # "word" | "op" | "newline" | "eof"
    value: str = ""
    word: Word | None = None
    array: list[Word] | None = None  # name=(a b c)
    line: int = 1
    heredoc: list[str] = field(default_factory=list)  # filled for "<<" tokens: [body, quoted-flag]


_META = " \t\n;&|()<>"
_SPECIAL = "?$!#@*-0123456789"
_OPERATORS = ("&&", "||", ";;", "<<-", "<<", ">>", ">|", "<>", "<&", ">&", "&>", ";", "&", "|",
              "(", ")", "<", ">")


def _is_name(text: str) -> bool:
    return bool(text) and (text[0].isalpha() or text[0] == "_") and all(
        c.isalnum() or c == "_" for c in text)


class Lexer:
    """Turns source text into tokens on demand (the parser asks for one at a time)."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.line = 1
        self._pending_heredocs: list[Token] = []

    # -- helpers -------------------------------------------------------------------------------
    def _peek(self, n: int = 0) -> str:
        i = self.pos + n
        return self.src[i] if i < len(self.src) else ""

    def _advance(self, n: int = 1) -> str:
        text = self.src[self.pos:self.pos + n]
        self.line += text.count("\n")
        self.pos += n
        return text

    def error(self, message: str) -> ShellSyntaxError:
        return ShellSyntaxError(message, self.line)

    # -- tokens ----------------------------------------------------------------------------------
    def next(self) -> Token:
        while True:
            c = self._peek()
            if c in (" ", "\t"):
                self._advance()
            elif c == "\\" and self._peek(1) == "\n":
                self._advance(2)
            elif c == "#":
                while self._peek() not in ("", "\n"):
                    self._advance()
            else:
                break
        line = self.line
        c = self._peek()
        if c == "":
            if self._pending_heredocs:
                raise self.error("unexpected end of file (expecting here-document end)")
            return Token("eof", line=line)
        if c == "\n":
            self._advance()
            self._read_heredocs()
            return Token("newline", "\n", line=line)
        if c.isdigit():
            j = self.pos
            while j < len(self.src) and self.src[j].isdigit():
                j += 1
            if j < len(self.src) and self.src[j] in "<>":
                fd = self.src[self.pos:j]
                self._advance(j - self.pos)
                tok = self._operator()
                tok.value = fd + tok.value
                return tok
        if c in ";&|()<>":
            return self._operator()
        return self._word_token()

    def _operator(self) -> Token:
        for op in _OPERATORS:
            if self.src.startswith(op, self.pos):
                self._advance(len(op))
                tok = Token("op", op, line=self.line)
                if op in ("<<", "<<-"):
                    self._heredoc_start(tok)
                return tok
        raise self.error(f'unexpected "{self._peek()}"')  # pragma: no cover - every char above matches

    def _heredoc_start(self, tok: Token) -> None:
        while self._peek() in (" ", "\t"):
            self._advance()
        start = self.pos
        word = self._scan_word()
        if word is None:
            raise self.error("unexpected newline")
        delim = "".join(p.text for p in word.parts if isinstance(p, Lit))
        tok.word = word
        tok.heredoc = [delim, "q" if self.src[start:self.pos] != delim else ""]
        self._pending_heredocs.append(tok)

    def _read_heredocs(self) -> None:
        for tok in self._pending_heredocs:
            delim, quoted = tok.heredoc
            strip = tok.value.endswith("<<-")
            lines: list[str] = []
            while True:
                if self.pos >= len(self.src):
                    break
                end = self.src.find("\n", self.pos)
                end = len(self.src) if end < 0 else end
                text = self.src[self.pos:end]
                self._advance(end - self.pos + (1 if end < len(self.src) else 0))
                if strip:
                    text = text.lstrip("\t")
                if text == delim:
                    break
                lines.append(text + "\n")
            tok.heredoc = ["".join(lines), quoted]
        self._pending_heredocs = []

    def _word_token(self) -> Token:
        line = self.line
        start = self.pos
        word = self._scan_word()
        assert word is not None
        tok = Token("word", word.raw, word=word, line=line)
        # name=( ... ) : a bash array assignment
        raw = self.src[start:self.pos]
        if raw.endswith("=") and _is_name(raw[:-1]) and self._peek() == "(":
            self._advance()
            items: list[Word] = []
            while True:
                while self._peek() in (" ", "\t", "\n"):
                    self._advance()
                if self._peek() == ")":
                    self._advance()
                    break
                if self._peek() == "":
                    raise self.error('unexpected end of file (expecting ")")')
                item = self._scan_word()
                if item is None:
                    raise self.error(f'unexpected "{self._peek()}"')
                items.append(item)
            tok.array = items
        return tok

    # -- words -----------------------------------------------------------------------------------
    def _scan_word(self, stop: str = "") -> Word | None:
        """Scan one word; ``stop`` adds terminators (``}`` inside ``${x:-...}``)."""
        start = self.pos
        parts: list[WordPart] = []
        lit: list[str] = []

        def flush() -> None:
            if lit:
                parts.append(Lit("".join(lit)))
                lit.clear()

        if self._peek() == "~" and not stop:
            self._advance()
            user = []
            while self._peek() and (self._peek().isalnum() or self._peek() in "_-."):
                user.append(self._advance())
            if self._peek() in ("", "/") or self._peek() in _META:
                parts.append(Tilde("".join(user)))
            else:
                lit.append("~" + "".join(user))
        while True:
            c = self._peek()
            if c == "" or (c in _META and not stop) or (stop and c in stop):
                break
            if c == "\\":
                nxt = self._peek(1)
                if nxt == "\n":
                    self._advance(2)
                    continue
                flush()
                self._advance(2)
                parts.append(Lit(nxt, quoted=True))
            elif c == "'":
                flush()
                self._advance()
                end = self.src.find("'", self.pos)
                if end < 0:
                    raise self.error("unterminated quoted string")
                parts.append(Lit(self._advance(end - self.pos), quoted=True))
                self._advance()
            elif c == '"':
                flush()
                self._advance()
                parts.extend(self._scan_double_quoted())
            elif c == "$" or c == "`":
                part = self._scan_dollar(quoted=False)
                if part is None:
                    lit.append(self._advance())
                else:
                    flush()
                    parts.append(part)
            else:
                lit.append(self._advance())
        flush()
        if self.pos == start:
            return None
        return Word(tuple(parts), self.src[start:self.pos])

    def _scan_double_quoted(self) -> list[WordPart]:
        parts: list[WordPart] = []
        lit: list[str] = []
        while True:
            c = self._peek()
            if c == "":
                raise self.error("unterminated quoted string")
            if c == '"':
                self._advance()
                break
            if c == "\\" and self._peek(1) in ('"', "\\", "$", "`", "\n"):
                nxt = self._peek(1)
                self._advance(2)
                if nxt != "\n":
                    lit.append(nxt)
            elif c in ("$", "`"):
                part = self._scan_dollar(quoted=True)
                if part is None:
                    lit.append(self._advance())
                else:
                    if lit:
                        parts.append(Lit("".join(lit), quoted=True))
                        lit = []
                    parts.append(part)
            else:
                lit.append(self._advance())
        parts.append(Lit("".join(lit), quoted=True))  # "" is an empty (but present) field
        return parts

    def _scan_dollar(self, quoted: bool) -> WordPart | None:
        if self._peek() == "`":
            self._advance()
            body: list[str] = []
            while True:
                c = self._peek()
                if c == "":
                    raise self.error('unterminated quoted string')
                if c == "`":
                    self._advance()
                    break
                if c == "\\" and self._peek(1) in ("$", "`", "\\"):
                    self._advance()
                body.append(self._advance())
            return CmdSub("".join(body), quoted)
        nxt = self._peek(1)
        if nxt == "(":
            if self._peek(2) == "(":
                self._advance(3)
                return Arith(self._balanced(arith=True), quoted)
            self._advance(2)
            return CmdSub(self._balanced(arith=False), quoted)
        if nxt == "{":
            self._advance(2)
            return self._scan_braced(quoted)
        if nxt and nxt in _SPECIAL:
            self._advance(2)
            return Param(nxt, quoted=quoted)
        if nxt and (nxt.isalpha() or nxt == "_"):
            self._advance()
            name = []
            while self._peek() and (self._peek().isalnum() or self._peek() == "_"):
                name.append(self._advance())
            return Param("".join(name), quoted=quoted)
        return None

    def _balanced(self, arith: bool) -> str:
        """Source up to the matching ``)`` (``))`` for arithmetic), skipping quoted text."""
        depth = 1
        start = self.pos
        while True:
            c = self._peek()
            if c == "":
                raise self.error('unexpected end of file (expecting ")")')
            if c == "\\":
                self._advance(2)
                continue
            if c == "'":
                end = self.src.find("'", self.pos + 1)
                if end < 0:
                    raise self.error("unterminated quoted string")
                self._advance(end - self.pos + 1)
                continue
            if c == '"':
                self._advance()
                self._scan_double_quoted()
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    text = self.src[start:self.pos]
                    self._advance()
                    if arith:
                        if self._peek() != ")":
                            raise self.error('unexpected ")"')
                        self._advance()
                    return text
            self._advance()

    def _scan_braced(self, quoted: bool) -> Param:
        length = False
        if self._peek() == "#" and self._peek(1) not in ("}", ""):
            length = True
            self._advance()
        name: list[str] = []
        if self._peek() and self._peek() in _SPECIAL:
            name.append(self._advance())
            while name[0].isdigit() and self._peek().isdigit():
                name.append(self._advance())
        else:
            while self._peek() and (self._peek().isalnum() or self._peek() == "_"):
                name.append(self._advance())
        if not name:
            raise self.error("bad substitution")
        index: Word | None = None
        if self._peek() == "[":
            self._advance()
            index = self._scan_word(stop="]")
            if self._peek() != "]":
                raise self.error("bad substitution")
            self._advance()
            index = index or Word((Lit("0"),), "0")
        if length:
            if self._peek() != "}":
                raise self.error("bad substitution")
            self._advance()
            return Param("".join(name), "len", None, quoted, index)
        op = ""
        for cand in (":-", ":=", ":+", ":?", "##", "%%", "-", "=", "+", "?", "#", "%"):
            if self.src.startswith(cand, self.pos):
                op = cand
                self._advance(len(cand))
                break
        arg: Word | None = None
        if op:
            arg = self._scan_word(stop="}") or Word((), "")
        if self._peek() != "}":
            raise self.error("bad substitution" if self._peek() else "unterminated quoted string")
        self._advance()
        return Param("".join(name), op, arg, quoted, index)
