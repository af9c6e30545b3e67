"""ipywidgets views of a labk8s cluster, driven by a Stepper. Nothing in the model imports this package.

    from labk8s.widgets import Stepper, ClusterView, EventLog
    s = Stepper(scenario, seed=0)      # scenario(seed) -> Cluster
    display(s, ClusterView(s), EventLog(s))
"""

from typing import Any

from labk8s.widgets.base import View
from labk8s.widgets.cluster_view import ClusterView
from labk8s.widgets.current_cluster import current, use
from labk8s.widgets.event_log import EventLog
from labk8s.widgets.graph_view import GraphView
from labk8s.widgets.inspector import ObjectInspector
from labk8s.widgets.scheduling import SchedulerExplain
from labk8s.widgets.stepper import Stepper
from labk8s.widgets.timeline_view import TimelineView


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext labk8s.widgets`: registers the %kubectl magics."""
    from labk8s.widgets.magics import load_ipython_extension as load

    load(ipython)


__all__ = [
    "ClusterView",
    "EventLog",
    "GraphView",
    "ObjectInspector",
    "SchedulerExplain",
    "Stepper",
    "TimelineView",
    "View",
    "current",
    "load_ipython_extension",
    "use",
]
