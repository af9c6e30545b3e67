"""ClusterView: every node as a box filled by its pods' requests, every pod a square coloured by phase
(in the spirit of kube-ops-view)."""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as widgets

from labk8s.analysis.frames import allocation_frame, placement_frame
from labk8s.analysis.source import natural_key, read_objects
from labk8s.cluster import Cluster
from labk8s.viz.colors import PHASE_COLORS, phase_color
from labk8s.widgets.base import View
from labk8s.widgets.html import FONT

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper


def _cpu(m: float) -> str:
    return f"{m / 1000:g}" if m % 100 == 0 else f"{m:g}m"


def _mem(b: float) -> str:
    return f"{b / 2**30:.1f}Gi" if b >= 2**30 else f"{b / 2**20:.0f}Mi"


def _bar(segments: list[tuple[float, str, str]], label: str) -> str:
    cells = "".join(f"<div title='{escape(t)}' style='width:{min(f, 1.0) * 100:.2f}%;background:{c};"
                    f"border-right:1px solid white'></div>" for f, c, t in segments)
    return (f"<div title='{escape(label)}' style='display:flex;height:8px;background:#eeeeee;margin:2px 0;"
            f"overflow:hidden'>{cells}</div>")


def _square(color: str, title: str, terminating: bool) -> str:
    border = "1px dashed #333" if terminating else "1px solid rgba(0,0,0,0.25)"
    return f"<div title='{escape(title)}' style='width:10px;height:10px;background:{color};border:{border}'></div>"


class ClusterView(View):
    """Nodes as boxes (cpu and memory bars filled by the requests of the pods bound to them), pods as
    squares coloured by phase (dashed while terminating), unscheduled pods in a box of their own."""

    title = "ClusterView"

    def __init__(self, source: Stepper | Cluster, *, namespace: str | None = None) -> None:
        super().__init__(source)
        self.namespace = namespace
        self.html = self.own(widgets.HTML())
        self.widget.children = (self.html,)
        self._summary = ""
        self._subscribe()

    def render_key(self) -> object:
        return self.cluster.store.revision  # nothing shown depends on the time alone

    def render(self) -> None:
        nodes = read_objects(self.cluster, "nodes")
        pods = read_objects(self.cluster, "pods")
        alloc = allocation_frame(nodes, pods)
        place = placement_frame(pods)
        # Bars count every pod on the node (that is what fills it); squares show the chosen namespace.
        all_on: dict[str, list[tuple[str, str, str, int, int, bool]]] = {}
        by_node: dict[str, list[tuple[str, str, str, int, int, bool]]] = {}
        for row in place.itertuples(index=False):
            member = (str(row.namespace), str(row.name), str(row.phase), int(row.cpu_m), int(row.memory),
                      bool(row.terminating))
            all_on.setdefault(str(row.node), []).append(member)
            if self.namespace is None or row.namespace == self.namespace:
                by_node.setdefault(str(row.node), []).append(member)
        place = place[place["namespace"] == self.namespace] if self.namespace is not None else place
        boxes: list[str] = []
        for n in alloc.itertuples(index=False):
            members = by_node.get(str(n.node), [])
            live = [m for m in all_on.get(str(n.node), []) if m[2] not in ("Succeeded", "Failed")]
            cpu = [(m[3] / n.cpu_allocatable_m if n.cpu_allocatable_m else 0.0, phase_color(m[2]),
                    f"{m[0]}/{m[1]} cpu {_cpu(m[3])}") for m in live if m[3]]
            mem = [(m[4] / n.memory_allocatable if n.memory_allocatable else 0.0, phase_color(m[2]),
                    f"{m[0]}/{m[1]} memory {_mem(m[4])}") for m in live if m[4]]
            squares = "".join(_square(phase_color(m[2]), f"{m[0]}/{m[1]}: {m[2]}", m[5]) for m in members)
            state = "Ready" if n.ready else "NotReady"
            if not n.schedulable:
                state += ",SchedulingDisabled"
            border = "#326ce5" if n.ready else "#d9534f"
            boxes.append(
                f"<div style='border:2px solid {border};border-radius:4px;padding:4px;width:180px'>"
                f"<div><b>{escape(str(n.node))}</b> <span style='color:{border}'>{state}</span></div>"
                + _bar(cpu, f"cpu requests {_cpu(n.cpu_requests_m)} of {_cpu(n.cpu_allocatable_m)}")
                + _bar(mem, f"memory requests {_mem(n.memory_requests)} of {_mem(n.memory_allocatable)}")
                + f"<div style='display:flex;flex-wrap:wrap;gap:2px;min-height:12px'>{squares}</div>"
                f"<div style='color:#555'>cpu {_cpu(n.cpu_requests_m)}/{_cpu(n.cpu_allocatable_m)} &middot; "
                f"mem {_mem(n.memory_requests)}/{_mem(n.memory_allocatable)} &middot; {n.pods}/{n.pods_allocatable} pods"
                f"</div></div>")
        waiting = by_node.get("", [])
        if waiting:
            squares = "".join(_square(phase_color(m[2]), f"{m[0]}/{m[1]}: {m[2]}", m[5]) for m in waiting)
            boxes.append("<div style='border:2px dashed #f0ad4e;border-radius:4px;padding:4px;width:180px'>"
                         f"<div><b>not scheduled</b> ({len(waiting)})</div>"
                         f"<div style='display:flex;flex-wrap:wrap;gap:2px'>{squares}</div></div>")
        phases = Counter(str(p) for p in place["phase"])
        legend = " ".join(f"<span style='display:inline-block;width:10px;height:10px;background:{c}'></span> {ph}"
                          for ph, c in PHASE_COLORS.items())
        self.html.value = (f"<div style='{FONT}'><div style='display:flex;flex-wrap:wrap;gap:8px'>{''.join(boxes)}"
                           f"</div><div style='margin-top:4px;color:#555'>{legend}</div></div>")
        ready = int(alloc["ready"].sum())
        counts = ", ".join(f"{ph} {phases[ph]}" for ph in sorted(phases, key=natural_key))
        self._summary = (f"t={self.cluster.now:.3f}s: {len(alloc)} nodes ({ready} Ready), {len(place)} pods"
                         + (f": {counts}" if counts else ""))

    def summary(self) -> str:
        return self._summary
