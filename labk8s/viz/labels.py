"""Labels and colours of graph nodes, shared by the matplotlib drawings (labk8s.viz.graphs) and the SVG
drawings (labk8s.viz.graph_svg), so that both show a graph the same way. No matplotlib here."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from labk8s.viz.colors import KIND_COLORS, phase_color

#: Short names kubectl accepts, used to keep labels small.
SHORT_KIND = {"Deployment": "deploy", "ReplicaSet": "rs", "StatefulSet": "sts", "DaemonSet": "ds", "Pod": "pod",
              "Job": "job", "CronJob": "cj", "Service": "svc", "EndpointSlice": "eps", "ControllerRevision": "rev"}

#: Fill of a Node whose Ready condition is not True (topology).
NOT_READY_NODE = "#f2b8b5"
#: Fill of an owner that no longer exists (ownership).
MISSING_OWNER = "#eeeeee"
#: Requests to the API server and the store (the Kubernetes blue); a Node's outline.
API_EDGE = "#326ce5"
#: Edges of plain graphs, ownership and ready Service endpoints.
EDGE_COLOR = "#888888"
#: Pod -> node lines in the topology.
RUNS_COLOR = "#bbbbbb"
#: Edges to endpoints that are not ready.
NOT_READY_EDGE = "#d9534f"
#: Outline of markers.
OUTLINE = "#333333"
#: Fill of nodes of a plain graph.
DEFAULT_NODE = "#8fb3f0"


def component_label(name: str) -> str:
    """"kube-controller-manager" -> "controller-\nmanager": fits in a marker."""
    short = name.removeprefix("kube-")
    return short.replace("-", "-\n") if len(short) > 10 else short


def kind_label(node: Hashable, attrs: dict[str, Any]) -> str:
    """"deploy/web", "rs/web-5d4f8", "pod/web-5d4f8-x2x9z"."""
    kind = str(attrs.get("kind", ""))
    return f"{SHORT_KIND.get(kind, kind.lower())}/{attrs.get('name', node)}"


def kind_color(node: Hashable, attrs: dict[str, Any]) -> str:
    """Pods by phase, workloads and Services by kind, deleted owners pale grey."""
    if attrs.get("missing"):
        return MISSING_OWNER
    if attrs.get("kind") == "Pod":
        return phase_color(str(attrs.get("phase", "Unknown")))
    return KIND_COLORS.get(str(attrs.get("kind", "")), "#cccccc")
