"""The node-by-pod allocation map, in the spirit of kube-ops-view: each node a column filled by the
requests of the pods bound to it, each pod a block coloured by its phase."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from labk8s.viz.colors import PHASE_COLORS, phase_color

_UNITS = {"cpu": ("cpu_m", "cpu_allocatable_m"), "memory": ("memory", "memory_allocatable")}


def _human(resource: str, value: float) -> str:
    if resource == "cpu":
        return f"{value / 1000:g}" if value % 100 == 0 else f"{value:g}m"
    # "10Gi", "1.5Gi": short enough that the labels of neighbouring columns do not overlap.
    return f"{value / 2**30:.1f}".removesuffix(".0") + "Gi" if value >= 2**30 else f"{value / 2**20:.0f}Mi"


def _rect(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def draw_allocation(allocation: pd.DataFrame, placement: pd.DataFrame, ax: Axes, *, resource: str = "cpu",
                    title: str | None = None) -> Axes:
    """Requests of `resource` ("cpu" or "memory") per node, as a fraction of the node's allocatable.

    `allocation` is analysis.allocation_frame, `placement` analysis.placement_frame. Each bar segment
    is one pod (non-terminal pods bound to the node), in name order, coloured by phase; the dashed line
    is 100% of allocatable. Pods that no node has taken yet are counted in the title.
    """
    if resource not in _UNITS:
        raise ValueError(f"resource must be one of {sorted(_UNITS)}, not {resource!r}")
    pod_col, alloc_col = _UNITS[resource]
    nodes = list(allocation["node"])
    bound = placement[(placement["node"] != "") & ~placement["phase"].isin(["Succeeded", "Failed"])]
    bound = bound.sort_values(["node", "namespace", "name"], kind="stable")
    # One bar call for every pod segment and one for the outlines: fast enough to redraw on every step.
    xs: list[int] = []
    heights: list[float] = []
    bottoms: list[float] = []
    colors: list[str] = []
    by_node: dict[str, list[tuple[float, str]]] = {}
    for pod in bound.itertuples(index=False):
        by_node.setdefault(str(pod.node), []).append((float(getattr(pod, pod_col)), str(pod.phase)))
    for i, row in enumerate(allocation.itertuples(index=False)):
        total = float(getattr(row, alloc_col)) or 1.0
        bottom = 0.0
        pods = by_node.get(str(row.node), [])
        for request, phase in pods:
            xs.append(i)
            heights.append(request / total)
            bottoms.append(bottom)
            colors.append(phase_color(phase))
            bottom += request / total
        used = float(getattr(row, "memory_requests" if resource == "memory" else "cpu_requests_m"))
        ax.text(i, max(bottom, 1.0) + 0.02, f"{_human(resource, used)}/{_human(resource, total)}\n{len(pods)} pods",
                ha="center", va="bottom", fontsize=7)
        if not row.ready:
            ax.text(i, 0.5, "NotReady", ha="center", va="center", rotation=90, color="#d9534f", fontsize=8)
    ax.add_collection(PolyCollection([_rect(x - 0.35, b, 0.7, h) for x, b, h in zip(xs, bottoms, heights, strict=True)],
                                     facecolors=colors, edgecolors="white", linewidths=0.6))
    ax.add_collection(PolyCollection([_rect(i - 0.35, 0.0, 0.7, 1.0) for i in range(len(nodes))],
                                     facecolors="none", edgecolors="#999999", linewidths=0.8))
    ax.set_xlim(-0.6, len(nodes) - 0.4)
    ax.axhline(1.0, color="#333333", linestyle="--", linewidth=0.8)
    ax.set_xticks(range(len(nodes)), nodes, rotation=30 if len(nodes) > 5 else 0, ha="right" if len(nodes) > 5 else "center",
                  fontsize=8)
    top = max([b + h for b, h in zip(bottoms, heights, strict=True)] + [1.0])
    ax.set_ylim(0, max(1.25, top + 0.25))
    ax.set_ylabel(f"{resource} requests / allocatable")
    ax.spines[["top", "right"]].set_visible(False)
    unscheduled = int((placement["node"] == "").sum())
    heading = title if title is not None else f"{resource} requests per node"
    ax.set_title(heading + (f" ({unscheduled} pods not scheduled)" if unscheduled else ""))
    present = [ph for ph in PHASE_COLORS if (bound["phase"] == ph).any()]
    if present:
        ax.legend(handles=[Patch(color=phase_color(ph), label=ph) for ph in present], fontsize=7, frameon=False,
                  loc="upper right", ncols=len(present))
    return ax
