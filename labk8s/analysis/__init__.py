"""Pure adapters from the cluster (objects, events, audit log, loop trace) to pandas and networkx.

Nothing here draws or displays; labk8s.viz draws these frames and graphs, labk8s.widgets shows them.
"""

from labk8s.analysis.explain import (
    Explanation,
    check_explanation,
    explain_frame,
    explainer_of,
    normalize_explanation,
)
from labk8s.analysis.frames import (
    allocation_frame,
    audit_frame,
    cluster_allocation,
    event_frame,
    kind_frame,
    placement_frame,
    pod_requests,
    table_frame,
    trace_frame,
)
from labk8s.analysis.graphs import (
    cluster_ownership,
    cluster_services,
    cluster_talks,
    cluster_topology,
    component_of,
    object_id,
    ownership_graph,
    service_graph,
    talks_graph,
    topology_graph,
)
from labk8s.analysis.history import Change, Recorder
from labk8s.analysis.source import read_object, read_objects

__all__ = [
    "Change",
    "Explanation",
    "Recorder",
    "allocation_frame",
    "audit_frame",
    "check_explanation",
    "cluster_allocation",
    "cluster_ownership",
    "cluster_services",
    "cluster_talks",
    "cluster_topology",
    "component_of",
    "event_frame",
    "explain_frame",
    "explainer_of",
    "kind_frame",
    "normalize_explanation",
    "object_id",
    "ownership_graph",
    "placement_frame",
    "pod_requests",
    "read_object",
    "read_objects",
    "service_graph",
    "table_frame",
    "talks_graph",
    "topology_graph",
    "trace_frame",
]
