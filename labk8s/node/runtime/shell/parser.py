"""Parser: tokens -> a small AST (POSIX sh grammar, recursive descent).

Grammar (``linebreak`` = newlines)::

    program   := linebreak [list] EOF
    list      := and_or ((';' | '&' | NEWLINE) linebreak and_or)* [';' | '&']
    and_or    := pipeline (('&&' | '||') linebreak pipeline)*
    pipeline  := ['!'] command ('|' linebreak command)*
    command   := compound redirect* | NAME '(' ')' linebreak compound | simple
    compound  := '{' list '}' | '(' list ')' | if | while | until | for | case
    simple    := (assignment | redirect)* [word (word | redirect)*]

Not supported (a syntax error or a "not found" at run time, documented): ``[[ ]]``, ``(( ))``,
``select``, ``function`` keyword, process substitution.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from labk8s.node.runtime.shell.lexer import Lexer, Lit, ShellSyntaxError, Token, Word

__all__ = [
    "AndOr",
    "Case",
    "For",
    "FuncDef",
    "Group",
    "If",
    "ListNode",
    "Node",
    "Pipeline",
    "Redir",
    "Simple",
    "While",
    "parse",
]

RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while",
                      "until", "for", "in", "{", "}", "!"})


@dataclass
class Redir:
    fd: int
    op: str  # "<" ">" ">>" ">|" "<>" ">&" "<&" "<<" "&>"
    target: Word | None
    heredoc: str = ""
    heredoc_quoted: bool = False


@dataclass
class Simple:
    assigns: list[tuple[str, Word | list[Word]]]
    words: list[Word]
    redirs: list[Redir]
    line: int = 1


@dataclass
class Pipeline:
    cmds: list[Node]
    negate: bool = False


@dataclass
class AndOr:
    first: Node
    rest: list[tuple[str, Node]]


@dataclass
class ListNode:
    items: list[tuple[Node, bool]]  # (node, run in background)


@dataclass
class If:
    clauses: list[tuple[Node, Node]]
    orelse: Node | None


@dataclass
class While:
    cond: Node
    body: Node
    until: bool = False


@dataclass
class For:
    var: str
    words: list[Word] | None
    body: Node


@dataclass
class Case:
    word: Word
    items: list[tuple[list[Word], Node | None]]


@dataclass
class Group:
    body: Node
    subshell: bool
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class FuncDef:
    name: str
    body: Node


Node = Simple | Pipeline | AndOr | ListNode | If | While | For | Case | Group | FuncDef


def _describe(tok: Token) -> str:
    if tok.kind == "eof":
        return "end of file"
    if tok.kind == "newline":
        return "newline"
    return f'"{tok.value}"'


class Parser:
    def __init__(self, src: str) -> None:
        self.lexer = Lexer(src)
        self.tok = self.lexer.next()

    # -- token helpers -----------------------------------------------------------------------
    def advance(self) -> Token:
        tok = self.tok
        self.tok = self.lexer.next()
        return tok

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in ops

    def is_word(self, *words: str) -> bool:
        return self.tok.kind == "word" and self.tok.word is not None and self.tok.word.literal in words

    def unexpected(self, expecting: str = "") -> ShellSyntaxError:
        msg = f"unexpected {_describe(self.tok)}"
        if expecting:
            msg += f' (expecting "{expecting}")'
        return ShellSyntaxError(msg, self.tok.line)

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            raise self.unexpected(word)
        self.advance()

    def linebreak(self) -> None:
        while self.tok.kind == "newline":
            self.advance()

    # -- grammar ---------------------------------------------------------------------------------
    def program(self) -> ListNode:
        self.linebreak()
        if self.tok.kind == "eof":
            return ListNode([])
        node = self.list_(top=True)
        if self.tok.kind != "eof":
            raise self.unexpected()
        return node

    def _at_list_end(self) -> bool:
        if self.tok.kind == "eof" or self.is_op(")", ";;"):
            return True
        return self.is_word("then", "else", "elif", "fi", "do", "done", "esac", "}")

    def list_(self, top: bool = False) -> ListNode:
        items: list[tuple[Node, bool]] = []
        while True:
            if self._at_list_end():
                if not items:
                    raise self.unexpected()
                return ListNode(items)
            node = self.and_or()
            background = False
            if self.is_op("&"):
                background = True
                self.advance()
            elif self.is_op(";"):
                self.advance()
            elif self.tok.kind == "newline":
                pass
            elif not self._at_list_end():
                raise self.unexpected()
            items.append((node, background))
            self.linebreak()

    def and_or(self) -> Node:
        first = self.pipeline()
        rest: list[tuple[str, Node]] = []
        while self.is_op("&&", "||"):
            op = self.advance().value
            self.linebreak()
            rest.append((op, self.pipeline()))
        return AndOr(first, rest) if rest else first

    def pipeline(self) -> Node:
        negate = False
        if self.is_word("!"):
            self.advance()
            negate = True
        cmds = [self.command()]
        while self.is_op("|"):
            self.advance()
            self.linebreak()
            cmds.append(self.command())
        if len(cmds) == 1 and not negate:
            return cmds[0]
        return Pipeline(cmds, negate)

    def command(self) -> Node:
        if self.tok.kind != "word" and not self.is_op("("):
            if self.tok.kind == "op" and self.tok.value.lstrip("0123456789") in (
                    "<", ">", ">>", ">|", "<>", "<&", ">&", "<<", "<<-", "&>"):
                return self.simple()
            raise self.unexpected()
        if self.is_op("("):
            self.advance()
            body = self.list_()
            if not self.is_op(")"):
                raise self.unexpected(")")
            self.advance()
            return self._with_redirs(Group(body, subshell=True))
        word = self.tok.word
        lit = word.literal if word is not None else None
        if lit == "{":
            self.advance()
            body = self.list_()
            self.expect_word("}")
            return self._with_redirs(Group(body, subshell=False))
        if lit == "if":
            return self._with_redirs(self.if_())
        if lit in ("while", "until"):
            self.advance()
            cond = self.list_()
            self.expect_word("do")
            body = self.list_()
            self.expect_word("done")
            return self._with_redirs(While(cond, body, until=lit == "until"))
        if lit == "for":
            return self._with_redirs(self.for_())
        if lit == "case":
            return self._with_redirs(self.case())
        if lit in ("then", "else", "elif", "fi", "do", "done", "esac", "}", "in"):
            raise self.unexpected()
        return self.simple()

    def _with_redirs(self, node: Node) -> Node:
        redirs: list[Redir] = []
        while self._is_redir():
            redirs.append(self.redir())
        if not redirs:
            return node
        if isinstance(node, Group):
            node.redirs.extend(redirs)
            return node
        return Group(node, subshell=False, redirs=redirs)

    def if_(self) -> If:
        self.advance()
        clauses: list[tuple[Node, Node]] = []
        cond = self.list_()
        self.expect_word("then")
        clauses.append((cond, self.list_()))
        orelse: Node | None = None
        while True:
            if self.is_word("elif"):
                self.advance()
                cond = self.list_()
                self.expect_word("then")
                clauses.append((cond, self.list_()))
            elif self.is_word("else"):
                self.advance()
                orelse = self.list_()
            else:
                self.expect_word("fi")
                return If(clauses, orelse)

    def for_(self) -> For:
        self.advance()
        if self.tok.kind != "word" or self.tok.word is None or self.tok.word.literal is None:
            raise self.unexpected()
        var = self.advance().value
        self.linebreak()
        words: list[Word] | None = None
        if self.is_word("in"):
            self.advance()
            words = []
            while self.tok.kind == "word":
                tok = self.advance()
                assert tok.word is not None
                words.append(tok.word)
            if self.is_op(";"):
                self.advance()
            elif self.tok.kind != "newline":
                raise self.unexpected("do")
        elif self.is_op(";"):
            self.advance()
        self.linebreak()
        self.expect_word("do")
        body = self.list_()
        self.expect_word("done")
        return For(var, words, body)

    def case(self) -> Case:
        self.advance()
        if self.tok.kind != "word" or self.tok.word is None:
            raise self.unexpected()
        word = self.advance().word
        assert word is not None
        self.linebreak()
        self.expect_word("in")
        self.linebreak()
        items: list[tuple[list[Word], Node | None]] = []
        while not self.is_word("esac"):
            if self.is_op("("):
                self.advance()
            patterns: list[Word] = []
            while True:
                if self.tok.kind != "word" or self.tok.word is None:
                    raise self.unexpected()
                patterns.append(self.advance().word)  # type: ignore[arg-type]
                if self.is_op("|"):
                    self.advance()
                    continue
                break
            if not self.is_op(")"):
                raise self.unexpected(")")
            self.advance()
            self.linebreak()
            body: Node | None = None
            if not self.is_op(";;") and not self.is_word("esac"):
                body = self.list_()
            items.append((patterns, body))
            if self.is_op(";;"):
                self.advance()
                self.linebreak()
            elif not self.is_word("esac"):
                raise self.unexpected("esac")
        self.advance()
        return Case(word, items)

    def _is_redir(self) -> bool:
        if self.tok.kind != "op":
            return False
        return self.tok.value.lstrip("0123456789") in ("<", ">", ">>", ">|", "<>", "<&", ">&", "<<",
                                                        "<<-", "&>")

    def redir(self) -> Redir:
        tok = self.advance()
        op = tok.value.lstrip("0123456789")
        digits = tok.value[: len(tok.value) - len(op)]
        if op in ("<<", "<<-"):
            body, quoted = tok.heredoc if len(tok.heredoc) == 2 else ("", "")
            return Redir(int(digits or 0), "<<", tok.word, heredoc=body, heredoc_quoted=bool(quoted))
        fd = int(digits) if digits else (0 if op in ("<", "<>", "<&") else 1)
        if self.tok.kind != "word":
            raise self.unexpected()
        target = self.advance().word
        return Redir(fd, op, target)

    def simple(self) -> Simple:
        line = self.tok.line
        assigns: list[tuple[str, Word | list[Word]]] = []
        words: list[Word] = []
        redirs: list[Redir] = []
        while True:
            if self._is_redir():
                redirs.append(self.redir())
            elif self.tok.kind == "word":
                tok = self.tok
                assert tok.word is not None
                name = _assignment_name(tok.word)
                if not words and name is not None:
                    self.advance()
                    if tok.array is not None:
                        assigns.append((name, tok.array))
                    else:
                        assigns.append((name, _strip_name(tok.word, name)))
                elif not words and not assigns and tok.word.literal is not None and self._funcdef_ahead():
                    return self._funcdef()  # type: ignore[return-value]
                else:
                    words.append(tok.word)
                    self.advance()
            else:
                break
        if not assigns and not words and not redirs:
            raise self.unexpected()
        return Simple(assigns, words, redirs, line)

    def _funcdef_ahead(self) -> bool:
        # NAME followed by "(" ")" - look at the raw source after the current token.
        src, pos = self.lexer.src, self.lexer.pos
        rest = src[pos:].lstrip(" \t")
        return rest.startswith("(") and rest[1:].lstrip(" \t").startswith(")")

    def _funcdef(self) -> FuncDef:
        name = self.advance().value
        self.advance()  # (
        if not self.is_op(")"):
            raise self.unexpected(")")
        self.advance()
        self.linebreak()
        body = self.command()
        return FuncDef(name, body)


def _assignment_name(word: Word) -> str | None:
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Lit) or first.quoted or "=" not in first.text:
        return None
    name = first.text.split("=", 1)[0]
    if name and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name):
        return name
    return None


def _strip_name(word: Word, name: str) -> Word:
    first = word.parts[0]
    assert isinstance(first, Lit)
    rest = first.text[len(name) + 1:]
    parts = ((Lit(rest),) if rest else ()) + word.parts[1:]
    return Word(parts, word.raw[len(name) + 1:])


@functools.lru_cache(maxsize=512)
def parse(src: str) -> ListNode:
    """Parse a whole script; raises :class:`ShellSyntaxError`. Cached: loops re-run the same ``$( )``
    and trap sources, and the tree is never changed after parsing."""
    return Parser(src).program()
