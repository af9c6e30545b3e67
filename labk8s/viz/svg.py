"""A small SVG canvas for drawings that must redraw in a few milliseconds (the widgets redraw on every
Step): it maps data coordinates to pixels the way a matplotlib Axes with its axis off and margins(0.08)
does, and sizes are given in points as in matplotlib (px = pt * dpi / 72), so an SVG drawing looks like
the matplotlib one drawn from the same positions.

The output is plain text built in the order the shapes were added, with coordinates rounded to 0.1 px:
the same calls give the same bytes in any process (no ids, no hashes, no clock).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from html import escape

Point = tuple[float, float]

#: matplotlib's default font first, so that both renderings look alike.
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
#: The Axes inside the figure, as fractions (labk8s.viz.png: subplots_adjust for drawings without axes).
AXES_BOX = (0.01, 0.99, 0.01, 0.93)  # left, right, bottom, top
#: Padding around the data, as ax.margins(0.08).
MARGIN = 0.08
#: The title's size (matplotlib's "large": 1.2 x 10 pt) and its gap above the Axes (axes.titlepad).
TITLE_PT, TITLE_PAD_PT = 12.0, 6.0
#: Average advance of a character, as a fraction of the font size (DejaVu Sans): only for boxes behind text.
CHAR_WIDTH = 0.6


def num(value: float) -> str:
    """A coordinate: one decimal, and never "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


class Canvas:
    """An SVG picture of `width` x `height` inches at `dpi`, showing the points `positions` (data units)
    inside the Axes box; add shapes, then `to_svg()`."""

    def __init__(self, positions: Iterable[Point], *, width: float = 8.0, height: float = 4.5, dpi: int = 80,
                 title: str | None = None) -> None:
        self.width, self.height = width * dpi, height * dpi
        self.scale = dpi / 72.0  # pixels per point
        left, right, bottom, top = AXES_BOX
        self.box = (left * self.width, right * self.width, (1 - top) * self.height, (1 - bottom) * self.height)
        points = list(positions) or [(0.0, 0.0)]
        self._x = self._axis(min(p[0] for p in points), max(p[0] for p in points))
        self._y = self._axis(min(p[1] for p in points), max(p[1] for p in points))
        self.parts: list[str] = []
        self.title = title

    @staticmethod
    def _axis(low: float, high: float) -> tuple[float, float]:
        span = high - low
        if span <= 0:  # a single point: centre it (matplotlib widens a flat range likewise)
            return low - 0.5, high + 0.5
        return low - MARGIN * span, high + MARGIN * span

    # -- coordinates ----------------------------------------------------------------------------------------
    def xy(self, point: Point) -> Point:
        """Data coordinates -> pixels (y grows downwards in SVG)."""
        x0, x1, y_top, y_bottom = self.box
        (dx0, dx1), (dy0, dy1) = self._x, self._y
        return (x0 + (point[0] - dx0) / (dx1 - dx0) * (x1 - x0),
                y_bottom - (point[1] - dy0) / (dy1 - dy0) * (y_bottom - y_top))

    def pt(self, points: float) -> float:
        return points * self.scale

    # -- shapes (sizes in points, positions in pixels) ------------------------------------------------------
    def line(self, a: Point, b: Point, *, color: str, width: float = 1.0, alpha: float = 1.0,
             dash: bool = False) -> None:
        self.parts.append(f"<line x1='{num(a[0])}' y1='{num(a[1])}' x2='{num(b[0])}' y2='{num(b[1])}' "
                          f"stroke='{color}' stroke-width='{num(max(self.pt(width), 0.1))}'"
                          f"{_opacity('stroke', alpha)}{self._dash(dash, width)}/>")

    def arrow(self, a: Point, b: Point, *, color: str, width: float = 1.0, alpha: float = 1.0, head: float = 10.0,
              shrink_a: float = 0.0, shrink_b: float = 0.0, dash: bool = False) -> None:
        """A line from a to b with a filled head at b, both ends pulled back by `shrink_*` points (the
        radius of the markers they join), as networkx's '-|>' arrows with arrowsize `head`."""
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy)
        sa, sb = self.pt(shrink_a), self.pt(shrink_b)
        if length <= sa + sb + 1e-9:
            return  # the markers overlap: nothing to show between them
        ux, uy = dx / length, dy / length
        start = (a[0] + ux * sa, a[1] + uy * sa)
        tip = (b[0] - ux * sb, b[1] - uy * sb)
        head_len, half = self.pt(0.4 * head), self.pt(0.2 * head)
        base = (tip[0] - ux * head_len, tip[1] - uy * head_len)
        self.line(start, base, color=color, width=width, alpha=alpha, dash=dash)
        corners = [tip, (base[0] - uy * half, base[1] + ux * half), (base[0] + uy * half, base[1] - ux * half)]
        # matplotlib strokes the head with the line's width too; one opacity for fill and stroke together
        self.parts.append(f"<polygon points='{' '.join(f'{num(x)},{num(y)}' for x, y in corners)}' "
                          f"fill='{color}' stroke='{color}' stroke-width='{num(max(self.pt(width), 0.1))}'"
                          f"{_opacity('', alpha)}/>")

    def marker(self, at: Point, *, size: float, fill: str, shape: str = "o", edge: str | None = None,
               edge_width: float = 0.0, tooltip: str | None = None) -> None:
        """A scatter marker of area `size` points² (networkx node_size): "o" a circle, "s" a square."""
        side = self.pt(math.sqrt(size))
        stroke = f" stroke='{edge}' stroke-width='{num(max(self.pt(edge_width), 0.1))}'" if edge else ""
        tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
        close = f">{tip}</{'circle' if shape == 'o' else 'rect'}>" if tip else "/>"
        if shape == "s":
            self.parts.append(f"<rect x='{num(at[0] - side / 2)}' y='{num(at[1] - side / 2)}' width='{num(side)}' "
                              f"height='{num(side)}' fill='{fill}'{stroke}{close}")
        else:
            self.parts.append(f"<circle cx='{num(at[0])}' cy='{num(at[1])}' r='{num(side / 2)}' fill='{fill}'"
                              f"{stroke}{close}")

    def text(self, at: Point, text: str, *, size: float = 8.0, color: str = "black", anchor: str = "middle",
             valign: str = "center", rotation: float = 0.0, background: str | None = None) -> None:
        """Text at `at` (pixels): `anchor` start/middle/end, `valign` center/top/baseline; `rotation` in
        degrees counter-clockwise (matplotlib's sense); lines split on newlines; `background` fills a
        rounded box behind it (networkx's edge labels)."""
        lines = text.split("\n")
        fs = self.pt(size)
        step = 1.2 * fs
        w, h = max(len(line) for line in lines) * CHAR_WIDTH * fs, step * len(lines)  # estimates
        turn = ""
        if rotation:
            # matplotlib aligns the bounding box of the rotated text (rotation_mode "default"): find
            # the centre of that box, then draw the text centred there, turned about its centre.
            angle = math.radians(rotation)
            cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
            box_w, box_h = w * cos + h * sin, w * sin + h * cos
            at = (at[0] + {"start": box_w / 2, "end": -box_w / 2}.get(anchor, 0.0),
                  at[1] + {"top": box_h / 2, "baseline": -box_h / 2}.get(valign, 0.0))
            anchor, valign = "middle", "center"
            turn = f" transform='rotate({num(-rotation)} {num(at[0])} {num(at[1])})'"
        if valign == "top":
            y0, baseline = at[1], "hanging"
        elif valign == "baseline":
            y0, baseline = at[1], "auto"
        else:
            y0, baseline = at[1] - step * (len(lines) - 1) / 2, "central"
        if background:
            pad = fs * 0.3
            left = {"start": at[0] - pad, "end": at[0] - w - pad}.get(anchor, at[0] - w / 2 - pad)
            top = {"top": at[1] - pad, "baseline": at[1] - h - pad}.get(valign, at[1] - h / 2 - pad)
            self.parts.append(f"<rect x='{num(left)}' y='{num(top)}' width='{num(w + 2 * pad)}' "
                              f"height='{num(h + 2 * pad)}' rx='{num(pad)}' fill='{background}'{turn}/>")
        fill = "" if color == "black" else f" fill='{color}'"
        if len(lines) == 1:
            body = escape(text)
        else:
            body = "".join(f"<tspan x='{num(at[0])}' y='{num(y0 + i * step)}'>{escape(line)}</tspan>"
                           for i, line in enumerate(lines))
        self.parts.append(f"<text x='{num(at[0])}' y='{num(y0)}' font-size='{num(fs)}' text-anchor='{anchor}' "
                          f"dominant-baseline='{baseline}'{fill}{turn}>{body}</text>")

    def note(self, text: str) -> None:
        """A message in the middle of the Axes (an empty graph)."""
        x0, x1, y_top, y_bottom = self.box
        self.text(((x0 + x1) / 2, (y_top + y_bottom) / 2), text, size=10)

    def legend(self, entries: Iterable[tuple[str, str]], *, size: float = 7.0) -> None:
        """Circle markers and labels, stacked in the lower right corner (loc="lower right", no frame)."""
        items = list(entries)
        fs = self.pt(size)
        _, x1, _, y_bottom = self.box
        width = max((len(label) for _, label in items), default=0) * CHAR_WIDTH * fs
        left = x1 - fs * 0.5 - width - fs * 1.6
        for i, (color, label) in enumerate(items):
            y = y_bottom - fs * 0.5 - (len(items) - i - 0.5) * fs * 1.3
            self.parts.append(f"<circle cx='{num(left + fs * 0.5)}' cy='{num(y)}' r='{num(fs * 0.4)}' fill='{color}'/>")
            self.text((left + fs * 1.6, y), label, size=size, anchor="start")

    def _dash(self, dash: bool, width: float) -> str:
        # matplotlib's "dashed": 3.7 on, 1.6 off, in multiples of the line width (at least 1 pt).
        unit = self.pt(max(width, 1.0))
        return f" stroke-dasharray='{num(3.7 * unit)},{num(1.6 * unit)}'" if dash else ""

    # -- output -----------------------------------------------------------------------------------------------
    def to_svg(self) -> str:
        w, h = num(self.width), num(self.height)
        head = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' viewBox='0 0 {w} {h}' "
                f"font-family='{FONT_FAMILY}' style='max-width:100%;height:auto'>",
                f"<rect width='{w}' height='{h}' fill='white'/>"]
        if self.title:
            x0, x1, y_top, _ = self.box
            head.append(f"<text x='{num((x0 + x1) / 2)}' y='{num(y_top - self.pt(TITLE_PAD_PT))}' "
                        f"font-size='{num(self.pt(TITLE_PT))}' text-anchor='middle'>{escape(self.title)}</text>")
        return "".join([*head, *self.parts, "</svg>"])


def _opacity(what: str, alpha: float) -> str:
    """` stroke-opacity='0.6'` (or ` opacity=...` for an empty `what`), nothing when opaque."""
    return f" {what + '-' if what else ''}opacity='{alpha:g}'" if alpha < 1.0 else ""

