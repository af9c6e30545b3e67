"""Cluster events, action types and queueing hints (k8s.io/kube-scheduler/framework/events.go and
pkg/scheduler/framework/events.go).

The scheduling queue moves an unschedulable pod back to the active or backoff queue only for the events
that the plugins which rejected it registered (EventsToRegister), and only when their QueueingHint says
the event may make the pod schedulable.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum, IntFlag
from typing import Any

Obj = dict[str, Any]


class ActionType(IntFlag):
    ADD = 1 << 0
    DELETE = 1 << 1
    UPDATE_NODE_ALLOCATABLE = 1 << 2
    UPDATE_NODE_LABEL = 1 << 3
    UPDATE_NODE_TAINT = 1 << 4
    UPDATE_NODE_CONDITION = 1 << 5
    UPDATE_NODE_ANNOTATION = 1 << 6
    UPDATE_POD_LABEL = 1 << 7
    UPDATE_POD_SCALE_DOWN = 1 << 8
    UPDATE_POD_TOLERATION = 1 << 9
    UPDATE_POD_SCHEDULING_GATES_ELIMINATED = 1 << 10
    UPDATE_POD_GENERATED_RESOURCE_CLAIM = 1 << 11
    UPDATE_POD_OTHER = 1 << 12
    ALL = (1 << 13) - 1
    UPDATE = ALL & ~(ADD | DELETE)


_ACTION_LABELS = [
    (ActionType.ADD, "Add"), (ActionType.DELETE, "Delete"),
    (ActionType.UPDATE_NODE_ALLOCATABLE, "UpdateNodeAllocatable"), (ActionType.UPDATE_NODE_LABEL, "UpdateNodeLabel"),
    (ActionType.UPDATE_NODE_TAINT, "UpdateNodeTaint"), (ActionType.UPDATE_NODE_CONDITION, "UpdateNodeCondition"),
    (ActionType.UPDATE_NODE_ANNOTATION, "UpdateNodeAnnotation"), (ActionType.UPDATE_POD_LABEL, "UpdatePodLabel"),
    (ActionType.UPDATE_POD_SCALE_DOWN, "UpdatePodScaleDown"),
    (ActionType.UPDATE_POD_TOLERATION, "UpdatePodToleration"),
    (ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED, "UpdatePodSchedulingGatesEliminated"),
    (ActionType.UPDATE_POD_GENERATED_RESOURCE_CLAIM, "UpdatePodGeneratedResourceClaim"),
    (ActionType.UPDATE_POD_OTHER, "UpdatePodOther"),
]

# Event resources (fwk.EventResource). AssignedPod and UnschedulablePod are what the queue receives;
# plugins register "Pod", which matches both.
POD = "Pod"
ASSIGNED_POD = "AssignedPod"
UNSCHEDULABLE_POD = "UnschedulablePod"
NODE = "Node"
PERSISTENT_VOLUME = "PersistentVolume"
PERSISTENT_VOLUME_CLAIM = "PersistentVolumeClaim"
STORAGE_CLASS = "storage.k8s.io/StorageClass"
CSI_NODE = "storage.k8s.io/CSINode"
WILDCARD = "*"


class QueueingHint(IntEnum):
    QUEUE_SKIP = 0
    QUEUE = 1


_ALL = int(ActionType.ALL)


class ClusterEvent:
    """A resource and the action(s) on it; ``action`` is kept as a plain int (flag arithmetic on IntFlag
    members is slow and this runs for every informer event)."""

    __slots__ = ("resource", "action", "label")

    def __init__(self, resource: str, action: int, label: str = "") -> None:
        self.resource = resource
        self.action = int(action)
        self.label = label or self._make_label()

    def _make_label(self) -> str:
        if self.resource == WILDCARD:
            return "WildCard"
        if self.action == _ALL:
            names = ["*"]
        else:
            names = [n for a, n in _ACTION_LABELS if self.action & int(a)]
        return self.resource.rsplit("/", 1)[-1] + "".join(names)

    def is_wildcard(self) -> bool:
        return self.resource == WILDCARD and self.action == _ALL

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClusterEvent):
            return NotImplemented
        return (self.resource, self.action) == (other.resource, other.action)

    def __hash__(self) -> int:
        return hash((self.resource, self.action))

    def __repr__(self) -> str:
        return f"ClusterEvent({self.label})"


#: A QueueingHintFn: (pod, old object, new object) -> QueueingHint.
QueueingHintFn = Callable[[Obj, Any, Any], QueueingHint]


class ClusterEventWithHint:
    __slots__ = ("event", "hint")

    def __init__(self, event: ClusterEvent, hint: QueueingHintFn | None = None) -> None:
        self.event = event
        self.hint = hint


def _match_resource(registered: str, incoming: str) -> bool:
    return (registered == WILDCARD or registered == incoming
            or (registered == POD and incoming in (ASSIGNED_POD, UNSCHEDULABLE_POD)))


def match_cluster_events(registered: ClusterEvent, incoming: ClusterEvent) -> bool:
    """MatchClusterEvents: the incoming event is the same as or more specific than the registered one."""
    if registered.is_wildcard():
        return True
    return (_match_resource(registered.resource, incoming.resource) and bool(registered.action & incoming.action)
            and incoming.action <= registered.action)


def match_any_cluster_event(event: ClusterEvent, registered: list[ClusterEvent]) -> bool:
    return any(match_cluster_events(r, event) for r in registered)


# Well-known events (pkg/scheduler/framework/events.go).
EVENT_ASSIGNED_POD_ADD = ClusterEvent(ASSIGNED_POD, ActionType.ADD)
EVENT_ASSIGNED_POD_DELETE = ClusterEvent(ASSIGNED_POD, ActionType.DELETE)
EVENT_UNSCHEDULED_POD_ADD = ClusterEvent(UNSCHEDULABLE_POD, ActionType.ADD)
EVENT_UNSCHEDULED_POD_UPDATE = ClusterEvent(UNSCHEDULABLE_POD, ActionType.UPDATE)
EVENT_UNSCHEDULED_POD_DELETE = ClusterEvent(UNSCHEDULABLE_POD, ActionType.DELETE)
EVENT_NODE_ADD = ClusterEvent(NODE, ActionType.ADD)
EVENT_NODE_DELETE = ClusterEvent(NODE, ActionType.DELETE)
EVENT_UNSCHEDULABLE_TIMEOUT = ClusterEvent(WILDCARD, ActionType.ALL, "UnschedulableTimeout")
EVENT_FORCE_ACTIVATE = ClusterEvent(WILDCARD, ActionType.ALL, "ForceActivate")
# Labels of queue movements that are not cluster events.
SCHEDULE_ATTEMPT_FAILURE = "ScheduleAttemptFailure"
BACKOFF_COMPLETE = "BackoffComplete"
POP_FROM_BACKOFF_Q = "PopFromBackoffQ"


# -- node and pod change extraction --------------------------------------------------------------------
def _conditions(node: Obj) -> dict[str, str]:
    return {c.get("type", ""): c.get("status", "") for c in (node.get("status") or {}).get("conditions") or ()}


def node_scheduling_properties_change(new: Obj, old: Obj) -> list[ClusterEvent]:
    """NodeSchedulingPropertiesChange: the specific Node update events a change amounts to."""
    out: list[ClusterEvent] = []
    nspec, ospec = new.get("spec") or {}, old.get("spec") or {}
    nstat, ostat = new.get("status") or {}, old.get("status") or {}
    nmeta, ometa = new["metadata"], old["metadata"]
    if bool(nspec.get("unschedulable")) != bool(ospec.get("unschedulable")) and not nspec.get("unschedulable"):
        out.append(ClusterEvent(NODE, ActionType.UPDATE_NODE_TAINT))
    if (nstat.get("allocatable") or {}) != (ostat.get("allocatable") or {}):
        out.append(ClusterEvent(NODE, ActionType.UPDATE_NODE_ALLOCATABLE))
    if (nmeta.get("labels") or {}) != (ometa.get("labels") or {}):
        out.append(ClusterEvent(NODE, ActionType.UPDATE_NODE_LABEL))
    if (nspec.get("taints") or []) != (ospec.get("taints") or []):
        out.append(ClusterEvent(NODE, ActionType.UPDATE_NODE_TAINT))
    if _conditions(new) != _conditions(old):
        out.append(ClusterEvent(NODE, ActionType.UPDATE_NODE_CONDITION))
    if (nmeta.get("annotations") or {}) != (ometa.get("annotations") or {}):
        out.append(ClusterEvent(NODE, ActionType.UPDATE_NODE_ANNOTATION))
    return out


def _scaled_down(new: Obj, old: Obj) -> bool:
    from labk8s.scheduler.framework.resource import requests_as_milli

    nreq = requests_as_milli(new.get("spec") or {})
    for k, v in requests_as_milli(old.get("spec") or {}).items():
        if k not in nreq:
            return True
        if v > nreq[k]:
            return True
    return False


def pod_scheduling_properties_change(new: Obj, old: Obj) -> list[ClusterEvent]:
    """PodSchedulingPropertiesChange: label, scale-down, gate, toleration changes, else UpdatePodOther."""
    resource = ASSIGNED_POD if (new.get("spec") or {}).get("nodeName") else UNSCHEDULABLE_POD
    out: list[ClusterEvent] = []
    nspec, ospec = new.get("spec") or {}, old.get("spec") or {}
    if (new["metadata"].get("labels") or {}) != (old["metadata"].get("labels") or {}):
        out.append(ClusterEvent(resource, ActionType.UPDATE_POD_LABEL))
    if nspec.get("containers") != ospec.get("containers") or nspec.get("initContainers") != ospec.get("initContainers") \
            or nspec.get("resources") != ospec.get("resources"):
        if _scaled_down(new, old):
            out.append(ClusterEvent(resource, ActionType.UPDATE_POD_SCALE_DOWN))
    if not nspec.get("schedulingGates") and ospec.get("schedulingGates"):
        out.append(ClusterEvent(resource, ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED))
    if len(nspec.get("tolerations") or ()) != len(ospec.get("tolerations") or ()):
        out.append(ClusterEvent(resource, ActionType.UPDATE_POD_TOLERATION))
    if not out:
        out.append(ClusterEvent(resource, ActionType.UPDATE_POD_OTHER))
    return out
