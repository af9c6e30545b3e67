"""PrefixWriter over a port of Go's text/tabwriter, as kubectl's describe.go uses them.

kubectl builds every description through ``tabbedString``: a ``tabwriter.Writer`` initialised with
``(minwidth=0, tabwidth=8, padding=2, padchar=' ', flags=0)`` wrapped in a ``prefixWriter`` that
indents each write by two spaces per level and escapes terminal control characters
(``printers.WriteEscaped``). Column alignment is the elastic-tabstop algorithm of the Go package:
tab-terminated cells in contiguous lines form a column; a line with a single cell (no tab) flushes
the buffer and so ends every column block. That is why ``Events:`` tables align on their own
(``DescribeEvents`` calls ``Flush``) and why ``Containers:`` lines break the alignment above them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

LEVEL_0 = 0
LEVEL_1 = 1
LEVEL_2 = 2
LEVEL_3 = 3
LEVEL_4 = 4

_CELL_END = re.compile(r"[\t\v\n\f]")


@dataclass
class _Cell:
    text: str
    width: int  # width in runes (Python code points, as utf8.RuneCount)
    htab: bool  # terminated by '\t'


class TabWriter:
    """text/tabwriter.Writer with kubectl's settings; output accumulates in ``getvalue()``."""

    def __init__(self, minwidth: int = 0, tabwidth: int = 8, padding: int = 2, padchar: str = " ") -> None:
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self._out: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self._cell: list[str] = []
        self._lines: list[list[_Cell]] = [[]]
        self._widths: list[int] = []

    def getvalue(self) -> str:
        return "".join(self._out)

    def _terminate_cell(self, htab: bool) -> int:
        text = "".join(self._cell)
        self._cell = []
        line = self._lines[-1]
        line.append(_Cell(text, len(text), htab))
        return len(line)

    def write(self, text: str) -> None:
        pos = 0
        for match in _CELL_END.finditer(text):
            ch = match.group()
            self._cell.append(text[pos : match.start()])
            pos = match.end()
            ncells = self._terminate_cell(ch == "\t")
            if ch in "\n\f":
                self._lines.append([])
                # A line of one cell cannot affect later formatting: Go flushes right away.
                if ch == "\f" or ncells == 1:
                    self.flush()
        if pos < len(text):
            self._cell.append(text[pos:])

    def flush(self) -> None:
        if any(self._cell):
            self._terminate_cell(False)
        self._format(0, len(self._lines))
        self._reset()

    def _write_padding(self, textw: int, cellw: int) -> None:
        if self.padchar == "\t":
            if self.tabwidth == 0:
                return
            cellw = (cellw + self.tabwidth - 1) // self.tabwidth * self.tabwidth
            n = cellw - textw
            self._out.append("\t" * ((n + self.tabwidth - 1) // self.tabwidth))
            return
        self._out.append(self.padchar * (cellw - textw))

    def _write_lines(self, line0: int, line1: int) -> None:
        for i in range(line0, line1):
            line = self._lines[i]
            for j, cell in enumerate(line):
                if cell.text:
                    self._out.append(cell.text)
                if j < len(self._widths):
                    self._write_padding(cell.width, self._widths[j])
            if i + 1 == len(self._lines):
                # Last buffered line has no newline; an unterminated cell is written by flush.
                pass
            else:
                self._out.append("\n")

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # This line has a cell in this column: print the lines above, then size the block.
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                width = max(width, line[column].width + self.padding)
                this += 1
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)


def escape_terminal(text: str) -> str:
    """printers.EscapeTerminal: neutralise ESC and CR (terminal escape attacks, kubernetes#101695)."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


class PrefixWriter(Protocol):
    def write(self, level: int, text: str) -> None: ...

    def write_line(self, *parts: object) -> None: ...

    def flush(self) -> None: ...


def _sprintln(parts: tuple[object, ...]) -> str:
    return " ".join(str(p) for p in parts) + "\n"


class TabPrefixWriter:
    """prefixWriter: ``Write(level, ...)`` indents by two spaces per level into the tabwriter."""

    def __init__(self, out: TabWriter) -> None:
        self.out = out

    def write(self, level: int, text: str) -> None:
        self.out.write(escape_terminal("  " * level + text))

    def write_line(self, *parts: object) -> None:
        self.out.write(escape_terminal(_sprintln(parts)))

    def flush(self) -> None:
        self.out.flush()


class NestedPrefixWriter:
    """nestedPrefixWriter: adds ``indent`` levels before delegating."""

    def __init__(self, inner: PrefixWriter, indent: int) -> None:
        self.inner = inner
        self.indent = indent

    def write(self, level: int, text: str) -> None:
        self.inner.write(level + self.indent, text)

    def write_line(self, *parts: object) -> None:
        self.inner.write(self.indent, _sprintln(parts))

    def flush(self) -> None:
        self.inner.flush()


def tabbed_string(fn: Callable[[PrefixWriter], None]) -> str:
    """tabbedString: run ``fn`` against a fresh PrefixWriter and return the aligned text."""
    tw = TabWriter(0, 8, 2, " ")
    fn(TabPrefixWriter(tw))
    tw.flush()
    return tw.getvalue()
