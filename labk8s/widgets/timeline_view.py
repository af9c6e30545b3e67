"""TimelineView: each object's STATUS over virtual time, and a workload's replica counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from labk8s.cluster import Cluster
from labk8s.widgets.base import View
from labk8s.widgets.html import replicas_svg, status_timeline_svg

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper


class TimelineView(View):
    """Status bars per pod (or node) since the recording began, plus the replica counts of one
    workload ("Deployment/web", picked from the recorded workloads)."""

    title = "TimelineView"

    def __init__(self, source: Stepper | Cluster, *, kind: str = "pods", namespace: str | None = None,
                 workload: str | None = None, max_rows: int = 40) -> None:
        super().__init__(source)
        self.namespace = namespace
        self.max_rows = max_rows
        self.kind_picker = self.own(widgets.ToggleButtons(options=["pods", "nodes"], value=kind,
                                                          style={"button_width": "70px"}))
        self.workload_picker = self.own(widgets.Dropdown(options=[], description="workload"))
        self._wanted = workload
        self._updating = False
        self.timeline = self.own(widgets.HTML())
        self.replicas = self.own(widgets.HTML())
        self.kind_picker.observe(lambda _c: self.refresh(force=True), names="value")
        self.workload_picker.observe(self._on_workload, names="value")
        controls = self.own(widgets.HBox([self.kind_picker, self.workload_picker]))
        self.widget.children = (controls, self.timeline, self.replicas)
        self._summary = ""
        self._subscribe()

    def _on_workload(self, change: dict[str, Any]) -> None:
        if not self._updating:
            self._wanted = change["new"]
            self.refresh(force=True)

    def render_key(self) -> object:
        return (self.recorder.count, self.cluster.loop.now_ms)

    def render(self) -> None:
        rec = self.recorder
        start, end = rec.started_ms / 1000.0, self.cluster.loop.now_ms / 1000.0
        intervals = rec.status_intervals(str(self.kind_picker.value), self.namespace)
        self.timeline.value = status_timeline_svg(intervals, start, end, max_rows=self.max_rows)
        series = rec.replica_series(namespace=self.namespace)
        names = list(dict.fromkeys(f"{k}/{n}" for k, n in zip(series["kind"], series["name"], strict=True)))
        wanted = self._wanted if self._wanted in names else (names[0] if names else None)
        self._updating = True
        try:
            if list(self.workload_picker.options) != names:
                self.workload_picker.options = names
            self.workload_picker.value = wanted
        finally:
            self._updating = False
        if wanted is None:
            self.replicas.value = ""
        else:
            kind, name = wanted.split("/", 1)
            rows = series[(series["kind"] == kind) & (series["name"] == name)]
            self.replicas.value = replicas_svg(rows, start, end, title=f"{wanted}: replicas")
        objects = len(set(zip(intervals["namespace"], intervals["name"], strict=True)))
        self._summary = (f"t={end:.3f}s: {objects} {self.kind_picker.value} over {start:.3f}s-{end:.3f}s, "
                         f"{len(intervals)} status intervals")

    def summary(self) -> str:
        return self._summary
