"""A port of github.com/liggitt/tabwriter (Go's text/tabwriter plus RememberWidths), as kubectl uses it.

kubectl's printers.GetNewTabWriter: minwidth 6, tabwidth 4, padding 3, padchar ' ', flags RememberWidths.
Cells are tab-terminated; the last cell of a line is not part of a column and is never padded. A column
block is a run of consecutive lines that all have a cell in that column. Widths count code points
(runes), like the Go writer without GraphemeClusterWidth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WIDTH = 6
TAB_WIDTH = 4
PADDING = 3

_SEPARATORS = re.compile(r"[\t\v\n\f]")


@dataclass
class _Cell:
    text: str
    htab: bool


class TabWriter:
    """Elastic tabstops: write() text with tab-terminated cells, flush() to get aligned output."""

    def __init__(
        self,
        minwidth: int = MIN_WIDTH,
        padding: int = PADDING,
        padchar: str = " ",
        remember_widths: bool = True,
    ) -> None:
        self.minwidth = minwidth
        self.padding = padding
        self.padchar = padchar
        self.remember_widths = remember_widths
        self._out: list[str] = []
        self._lines: list[list[_Cell]] = [[]]
        self._cell: list[str] = []
        self._widths: list[int] = []
        self._maxwidths: list[int] = []

    # -- output ------------------------------------------------------------------------------------------

    def getvalue(self) -> str:
        return "".join(self._out)

    def take(self) -> str:
        """The output produced by flushes so far, clearing it."""
        text = "".join(self._out)
        self._out.clear()
        return text

    # -- remembered widths ---------------------------------------------------------------------------------

    def remembered_widths(self) -> list[int]:
        return list(self._maxwidths)

    def set_remembered_widths(self, widths: list[int] | None) -> None:
        self._maxwidths = list(widths or [])

    # -- writing ------------------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        pos = 0
        for match in _SEPARATORS.finditer(text):
            ch = match.group()
            self._cell.append(text[pos : match.start()])
            pos = match.end()
            ncells = self._terminate_cell(ch == "\t")
            if ch in "\n\f":
                self._lines.append([])
                if ch == "\f" or ncells == 1:
                    # A line of a single cell does not affect the formatting of later lines: flush.
                    self.flush()
        self._cell.append(text[pos:])

    def _terminate_cell(self, htab: bool) -> int:
        line = self._lines[-1]
        line.append(_Cell("".join(self._cell), htab))
        self._cell = []
        return len(line)

    def flush(self) -> None:
        if "".join(self._cell):
            self._terminate_cell(False)
        self._format(0, len(self._lines))
        # reset
        self._cell = []
        self._lines = [[]]
        self._widths = []

    # -- formatting ---------------------------------------------------------------------------------------

    def _write_padding(self, textw: int, cellw: int) -> None:
        if cellw > textw:
            self._out.append(self.padchar * (cellw - textw))

    def _write_lines(self, line0: int, line1: int) -> None:
        for i in range(line0, line1):
            line = self._lines[i]
            for j, c in enumerate(line):
                if c.text:
                    self._out.append(c.text)
                if j < len(self._widths):
                    self._write_padding(len(c.text), self._widths[j])
            if i + 1 == len(self._lines):
                # last buffered line: no newline, write the incomplete cell
                self._out.append("".join(self._cell))
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
            # cell exists in this column => this line has more cells than the previous line
            self._write_lines(line0, this)
            line0 = this
            # column block begin
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                w = len(line[column].text) + self.padding
                if w > width:
                    width = w
                this += 1
            # column block end
            if self.remember_widths:
                depth = len(self._widths)
                if len(self._maxwidths) < depth:
                    self._maxwidths.extend(self._widths[len(self._maxwidths) :])
                if len(self._maxwidths) == depth:
                    self._maxwidths.append(width)
                elif self._maxwidths[depth] > width:
                    width = self._maxwidths[depth]
                elif self._maxwidths[depth] < width:
                    self._maxwidths[depth] = width
            # format and print all columns to the right of this column
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        # print unprinted lines until end
        self._write_lines(line0, line1)


def align(text: str) -> str:
    """Run text through a fresh kubectl tabwriter and flush it."""
    tw = TabWriter()
    tw.write(text)
    tw.flush()
    return tw.getvalue()
