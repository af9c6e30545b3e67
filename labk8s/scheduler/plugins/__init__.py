"""The default plugins of kube-scheduler v1.37, in upstream MultiPoint order with their score weights
(apis/config/v1/default_plugins.go). VolumeRestrictions, NodeVolumeLimits, VolumeZone and
DynamicResources are not simulated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.scheduler.framework.interface import Plugin, ScorePlugin
from labk8s.scheduler.plugins.balancedallocation import BalancedAllocation
from labk8s.scheduler.plugins.defaultbinder import DefaultBinder
from labk8s.scheduler.plugins.defaultpreemption import DefaultPreemption
from labk8s.scheduler.plugins.imagelocality import ImageLocality
from labk8s.scheduler.plugins.interpodaffinity import InterPodAffinity
from labk8s.scheduler.plugins.nodeaffinity import NodeAffinity
from labk8s.scheduler.plugins.nodename import NodeName
from labk8s.scheduler.plugins.nodeports import NodePorts
from labk8s.scheduler.plugins.noderesources_fit import NodeResourcesFit
from labk8s.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from labk8s.scheduler.plugins.podtopologyspread import PodTopologySpread
from labk8s.scheduler.plugins.queuesort import PrioritySort
from labk8s.scheduler.plugins.schedulinggates import SchedulingGates
from labk8s.scheduler.plugins.tainttoleration import TaintToleration
from labk8s.scheduler.plugins.volumebinding import VolumeBinding

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]

#: (plugin, weight) in MultiPoint order; weights only matter for Score plugins.
DEFAULT_PLUGINS: tuple[tuple[str, int], ...] = (
    ("SchedulingGates", 0),
    ("PrioritySort", 0),
    ("NodeUnschedulable", 0),
    ("NodeName", 0),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodePorts", 0),
    ("NodeResourcesFit", 1),
    ("VolumeBinding", 0),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("DefaultPreemption", 0),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
    ("DefaultBinder", 0),
)

REGISTRY: dict[str, type] = {
    "SchedulingGates": SchedulingGates, "PrioritySort": PrioritySort, "NodeUnschedulable": NodeUnschedulable,
    "NodeName": NodeName, "TaintToleration": TaintToleration, "NodeAffinity": NodeAffinity, "NodePorts": NodePorts,
    "NodeResourcesFit": NodeResourcesFit, "VolumeBinding": VolumeBinding, "PodTopologySpread": PodTopologySpread,
    "InterPodAffinity": InterPodAffinity, "DefaultPreemption": DefaultPreemption,
    "NodeResourcesBalancedAllocation": BalancedAllocation, "ImageLocality": ImageLocality,
    "DefaultBinder": DefaultBinder,
}


def new_plugins(handle: Framework, plugin_args: dict[str, Obj] | None = None,
                enabled: tuple[tuple[str, int], ...] = DEFAULT_PLUGINS) -> list[tuple[Plugin, int]]:
    """Instantiate the enabled plugins with their args; a Score plugin without a weight gets 1."""
    args = plugin_args or {}
    out: list[tuple[Plugin, int]] = []
    for name, weight in enabled:
        plugin = REGISTRY[name](handle, args.get(name))
        if isinstance(plugin, ScorePlugin) and weight == 0:
            weight = 1
        out.append((plugin, weight))
    return out
