"""EventLog: the newest Events in `kubectl get events` columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from labk8s.analysis.frames import table_frame
from labk8s.cluster import Cluster
from labk8s.widgets.base import View
from labk8s.widgets.html import note, table

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper


class EventLog(View):
    """The last `limit` Events (oldest at the top, as `kubectl get events` lists them), optionally of
    one namespace; a checkbox keeps only Warnings."""

    title = "EventLog"

    def __init__(self, source: Stepper | Cluster, *, namespace: str | None = None, limit: int = 15,
                 warnings_only: bool = False) -> None:
        super().__init__(source)
        self.namespace = namespace
        self.limit = limit
        self.warnings = self.own(widgets.Checkbox(value=warnings_only, description="Warnings only", indent=False))
        self.html = self.own(widgets.HTML())
        self.warnings.observe(lambda _c: self.refresh(force=True), names="value")
        self.widget.children = (self.warnings, self.html)
        self._summary = ""
        self._subscribe()

    def render(self) -> None:
        events = self.cluster.events(self.namespace)
        total, warnings = len(events), sum(1 for e in events if e.get("type") == "Warning")
        if self.warnings.value:
            events = [e for e in events if e.get("type") == "Warning"]
        shown = events[-self.limit:]
        if not shown:
            self.html.value = note("no events yet")
        else:
            frame = table_frame("", "Event", shown, self.cluster.loop.now_ms, all_namespaces=self.namespace is None)
            self.html.value = table(list(frame.columns), [list(r) for r in frame.itertuples(index=False, name=None)])
        self._summary = f"t={self.cluster.now:.3f}s: {total} events, {warnings} warnings"

    def summary(self) -> str:
        return self._summary
