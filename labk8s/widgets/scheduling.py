"""SchedulerExplain: for one pod, the scheduler's per-node Filter verdicts and Score results.

It reads `scheduler.explain(namespace, name)` (shape: labk8s.analysis.explain) at each render.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from labk8s.analysis.explain import Explainer, explain_frame, explainer_of, normalize_explanation
from labk8s.analysis.source import read_objects
from labk8s.cluster import Cluster
from labk8s.widgets.base import View
from labk8s.widgets.html import FONT, note, table

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper


class SchedulerExplain(View):
    """A pod picker and the explanation of that pod's last scheduling attempt: the result, the
    FailedScheduling message, and one row per node (filtered by which plugin and why, or its scores).

    `explain` overrides where explanations come from (default: the cluster's scheduler.explain).
    """

    title = "SchedulerExplain"

    def __init__(self, source: Stepper | Cluster, pod: str | None = None, namespace: str = "default", *,
                 explain: Explainer | None = None) -> None:
        super().__init__(source)
        self.namespace = namespace
        self._explain = explain
        self._wanted = f"{namespace}/{pod}" if pod else None
        self._updating = False
        self.pod_picker = self.own(widgets.Dropdown(options=[], description="pod"))
        self.html = self.own(widgets.HTML())
        self.pod_picker.observe(self._on_pod, names="value")
        self.widget.children = (self.pod_picker, self.html)
        self._summary = ""
        self.explanation: dict[str, Any] | None = None
        self._subscribe()

    def _on_pod(self, change: dict[str, Any]) -> None:
        if not self._updating:
            self._wanted = change["new"]
            self.refresh(force=True)

    def select(self, pod: str, namespace: str = "default") -> None:
        self._wanted = f"{namespace}/{pod}"
        self.refresh(force=True)

    def render_key(self) -> object:
        return (self.cluster.store.revision, self._wanted)

    def render(self) -> None:
        keys = [f"{p['metadata']['namespace']}/{p['metadata']['name']}"
                for p in read_objects(self.cluster, "pods", self.namespace)]
        wanted = self._wanted if self._wanted is not None else (keys[0] if keys else None)
        options = keys if wanted is None or wanted in keys else [*keys, wanted]
        self._updating = True
        try:
            if list(self.pod_picker.options) != options:
                self.pod_picker.options = options
            self.pod_picker.value = wanted
        finally:
            self._updating = False
        self._wanted = wanted
        self.explanation = None
        explain = self._explain or explainer_of(self.cluster)
        if wanted is None:
            self.html.value = note("no pods")
            self._summary = "no pods"
            return
        if explain is None:
            self.html.value = note("this cluster has no scheduler that explains its decisions")
            self._summary = f"pod {wanted}: no scheduler"
            return
        ns, _, name = wanted.partition("/")
        try:
            raw = explain(ns, name)
        except KeyError:  # labk8s.scheduler: no attempt recorded for this pod
            raw = None
        if raw is None:
            self.html.value = note(f"the scheduler has not tried to place {wanted} yet")
            self._summary = f"pod {wanted}: not tried yet"
            return
        ex = normalize_explanation(raw)
        self.explanation = dict(ex)
        frame = explain_frame(ex)
        feasible = int(frame["feasible"].sum()) if len(frame) else 0
        selected = [i for i, s in enumerate(frame["selected"]) if s]
        rows = [["" if v is None or v is pd.NA else v for v in row] for row in frame.itertuples(index=False, name=None)]
        result = ex["result"] + (f" on {ex['node']}" if ex.get("node") else "")
        heading = (f"<div style='{FONT}'><b>{escape(wanted)}</b>: {escape(result)} at t={ex['time_ms'] / 1000:.3f}s "
                   f"&middot; {feasible} of {len(frame)} nodes feasible"
                   + (f"<br><code>{escape(ex['message'])}</code>" if ex["message"] else "") + "</div>")
        self.html.value = heading + table([str(c).upper() for c in frame.columns], rows,
                                          highlight=selected[0] if selected else None)
        self._summary = f"pod {wanted}: {result}, {feasible}/{len(frame)} nodes feasible"

    def summary(self) -> str:
        return self._summary
