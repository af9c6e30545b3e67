"""Small HTML and SVG builders for the views (plain strings: fast enough to rebuild on every step)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from labk8s.viz.colors import status_color

FONT = "font-family: var(--jp-ui-font-family, sans-serif); font-size: 12px;"
MONO = "font-family: var(--jp-code-font-family, monospace); font-size: 12px;"


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, highlight: int | None = None,
          mono: bool = True) -> str:
    """A compact table; row `highlight` (index) is shaded."""
    head = "".join(f"<th style='text-align:left;padding:1px 8px 1px 0'>{escape(str(c))}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        style = " style='background:#e8f0fe'" if i == highlight else ""
        cells = "".join(f"<td style='padding:1px 8px 1px 0;white-space:pre'>{escape('' if v is None else str(v))}</td>"
                        for v in row)
        body.append(f"<tr{style}>{cells}</tr>")
    return (f"<table style='border-collapse:collapse;{MONO if mono else FONT}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def pre(text: str, max_height: str = "320px") -> str:
    return (f"<pre style='{MONO}margin:0;max-height:{max_height};overflow:auto;background:#f7f7f7;"
            f"padding:4px'>{escape(text)}</pre>")


def note(text: str) -> str:
    return f"<div style='{FONT}color:#666'>{escape(text)}</div>"


def status_timeline_svg(intervals: pd.DataFrame, start: float, end: float, *, width: int = 720,
                        row_height: int = 14, label_width: int = 200, max_rows: int = 40) -> str:
    """Recorder.status_intervals as an SVG: one row per object, one coloured bar per STATUS interval,
    a time axis in virtual seconds from `start` to `end`, and a legend of the statuses shown."""
    names = list(dict.fromkeys(zip(intervals["namespace"], intervals["name"], strict=True)))[-max_rows:]
    if not names:
        return note("nothing recorded yet")
    row_of = {key: i for i, key in enumerate(names)}
    span = max(end - start, 1e-9)
    plot_w = width - label_width - 10
    height = len(names) * row_height + 40
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"style='{FONT}'>"]
    for key, r in row_of.items():
        y = r * row_height + row_height - 3
        parts.append(f"<text x='{label_width - 6}' y='{y}' text-anchor='end' font-size='11'>{escape(key[1])}</text>")
    seen: list[str] = []
    for iv in intervals.itertuples(index=False):
        row = row_of.get((iv.namespace, iv.name))
        if row is None:
            continue
        x0 = label_width + (max(float(iv.start), start) - start) / span * plot_w
        x1 = label_width + (min(float(iv.end), end) - start) / span * plot_w
        status = str(iv.status)
        if status not in seen:
            seen.append(status)
        parts.append(f"<rect x='{x0:.1f}' y='{row * row_height + 1}' width='{max(x1 - x0, 1.0):.1f}' "
                     f"height='{row_height - 2}' fill='{status_color(status)}'><title>{escape(iv.name)}: "
                     f"{escape(status)} {float(iv.start):.3f}s - {float(iv.end):.3f}s</title></rect>")
    axis_y = len(names) * row_height + 4
    parts.append(f"<line x1='{label_width}' y1='{axis_y}' x2='{label_width + plot_w}' y2='{axis_y}' stroke='#999'/>")
    for k in range(6):
        t = start + span * k / 5
        x = label_width + plot_w * k / 5
        parts.append(f"<text x='{x:.1f}' y='{axis_y + 12}' text-anchor='middle' font-size='10'>{t:.1f}s</text>")
    x = label_width
    for status in seen:
        parts.append(f"<rect x='{x}' y='{axis_y + 18}' width='10' height='10' fill='{status_color(status)}'/>"
                     f"<text x='{x + 13}' y='{axis_y + 27}' font-size='10'>{escape(status)}</text>")
        x += 20 + 7 * len(status)
    parts.append("</svg>")
    return "".join(parts)


def replicas_svg(rows: pd.DataFrame, start: float, end: float, *, title: str, width: int = 720,
                 height: int = 120) -> str:
    """Step lines of desired / current / ready / available replicas over virtual time."""
    if rows.empty:
        return note("no workloads recorded")
    left, right, top, bottom = 40, 10, 16, 20
    span = max(end - start, 1e-9)
    peak = max(int(rows[["desired", "current", "ready", "available"]].to_numpy().max()), 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(t: float, v: float) -> str:
        return f"{left + (t - start) / span * plot_w:.1f},{top + plot_h - v / peak * plot_h:.1f}"

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' style='{FONT}'>",
             f"<text x='{left}' y='11' font-size='11'>{escape(title)}</text>"]
    styles = {"desired": ("#333", "4,3"), "current": ("#326ce5", ""), "ready": ("#5cb85c", ""),
              "available": ("#f0ad4e", "2,2")}
    times = [float(t) for t in rows["time"]]
    for column, (color, dash) in styles.items():
        values = [float(v) for v in rows[column]]
        points: list[str] = []
        for k, (t, v) in enumerate(zip(times, values, strict=True)):
            if k:
                points.append(xy(t, values[k - 1]))
            points.append(xy(t, v))
        points.append(xy(end, values[-1]))
        dash_attr = f" stroke-dasharray='{dash}'" if dash else ""
        parts.append(f"<polyline fill='none' stroke='{color}' stroke-width='1.5'{dash_attr} points='{' '.join(points)}'>"
                     f"<title>{column}</title></polyline>")
    parts.append(f"<text x='{left - 4}' y='{top + 4}' text-anchor='end' font-size='10'>{peak}</text>"
                 f"<text x='{left - 4}' y='{top + plot_h}' text-anchor='end' font-size='10'>0</text>"
                 f"<text x='{left}' y='{height - 4}' font-size='10'>{start:.1f}s</text>"
                 f"<text x='{width - right}' y='{height - 4}' text-anchor='end' font-size='10'>{end:.1f}s</text>")
    x = left + 80
    for column, (color, _) in styles.items():
        parts.append(f"<text x='{x}' y='11' font-size='10' fill='{color}'>{column}</text>")
        x += 70
    parts.append("</svg>")
    return "".join(parts)
