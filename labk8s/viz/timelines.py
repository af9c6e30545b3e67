"""Timelines on virtual time: status per object, replica counts, events."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from labk8s.viz.colors import status_color


def draw_status_timeline(intervals: pd.DataFrame, ax: Axes, *, title: str | None = "Status over time",
                         max_rows: int = 40) -> Axes:
    """One row per object, one coloured bar per STATUS interval (Recorder.status_intervals).

    Rows keep the frame's order (first appearance); at most `max_rows` objects are drawn (the most recent).
    """
    names = list(dict.fromkeys(zip(intervals["namespace"], intervals["name"], strict=True)))
    if not names:
        ax.text(0.5, 0.5, "nothing recorded yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    if len(names) > max_rows:
        names = names[-max_rows:]
    row_of = {key: i for i, key in enumerate(names)}
    seen: list[str] = []
    ys: list[int] = []
    lefts: list[float] = []
    widths: list[float] = []
    colors: list[str] = []
    for iv in intervals.itertuples(index=False):
        row = row_of.get((iv.namespace, iv.name))
        if row is None:
            continue
        ys.append(row)
        lefts.append(float(iv.start))
        widths.append(max(float(iv.end) - float(iv.start), 0.0))
        colors.append(status_color(str(iv.status)))
        if iv.status not in seen:
            seen.append(str(iv.status))
    # One collection for every bar: fast enough to redraw on every step.
    ax.add_collection(PolyCollection([[(x, y - 0.4), (x + w, y - 0.4), (x + w, y + 0.4), (x, y + 0.4)]
                                      for x, y, w in zip(lefts, ys, widths, strict=True)],
                                     facecolors=colors, edgecolors="white", linewidths=0.4))
    end = max((x + w for x, w in zip(lefts, widths, strict=True)), default=1.0)
    start = min(lefts, default=0.0)
    ax.set_xlim(start, end + max((end - start) * 0.02, 0.5))
    ax.set_yticks(range(len(names)), [n for _, n in names], fontsize=7)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("virtual time (s)")
    ax.spines[["top", "right"]].set_visible(False)
    if seen:
        ax.legend(handles=[Patch(color=status_color(s), label=s) for s in seen], fontsize=7, frameon=False,
                  loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return ax


def draw_replicas(series: pd.DataFrame, ax: Axes, *, name: str | None = None, kind: str | None = None,
                  title: str | None = None) -> Axes:
    """Desired / current / ready / available replicas of one workload as step lines over virtual time
    (Recorder.replica_series). Without `name`, the first workload of `kind` (default: the first row's)."""
    if series.empty:
        ax.text(0.5, 0.5, "no workloads recorded", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    kind = kind or str(series["kind"].iloc[0])
    rows = series[series["kind"] == kind]
    name = name or str(rows["name"].iloc[0])
    rows = rows[rows["name"] == name]
    styles = {"desired": ("#333333", "--"), "current": ("#326ce5", "-"), "ready": ("#5cb85c", "-"),
              "available": ("#f0ad4e", ":")}
    for column, (color, style) in styles.items():
        ax.step(list(rows["time"]), list(rows[column]), where="post", color=color, linestyle=style, label=column)
    ax.set_xlabel("virtual time (s)")
    ax.set_ylabel("replicas")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title(title if title is not None else f"{kind} {name}: replicas")
    return ax


def draw_events(events: pd.DataFrame, ax: Axes, *, title: str | None = "Events", max_rows: int = 30) -> Axes:
    """Events (analysis.event_frame) as dots on one row per involved object; Warnings in red, each
    labelled with its reason."""
    objects = list(dict.fromkeys(events["object"]))[-max_rows:]
    if not objects:
        ax.text(0.5, 0.5, "no events", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    row_of = {o: i for i, o in enumerate(objects)}
    for ev in events.itertuples(index=False):
        row = row_of.get(ev.object)
        if row is None:
            continue
        color = "#d9534f" if ev.type == "Warning" else "#326ce5"
        ax.plot([float(ev.time)], [row], marker="o", color=color, markersize=4)
        ax.annotate(str(ev.reason), (float(ev.time), row), xytext=(3, 3), textcoords="offset points", fontsize=6)
    ax.set_yticks(range(len(objects)), objects, fontsize=7)
    ax.set_ylim(len(objects) - 0.5, -0.5)
    ax.set_xlabel("virtual time (s)")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    return ax
