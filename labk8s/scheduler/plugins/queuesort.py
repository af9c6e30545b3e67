"""PrioritySort: higher spec.priority first, then earlier queue timestamp."""

from __future__ import annotations

from typing import Any

from labk8s.scheduler.framework.interface import QueueSortPlugin
from labk8s.scheduler.framework.types import QueuedPodInfo
from labk8s.scheduler.plugins.base import PluginBase

NAME = "PrioritySort"


class PrioritySort(PluginBase, QueueSortPlugin):
    name = NAME

    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        pa, pb = a.pod_info.priority, b.pod_info.priority
        return pa > pb or (pa == pb and a.timestamp < b.timestamp)

    def sort_key(self, q: QueuedPodInfo) -> tuple[Any, ...]:
        # Go's heap leaves equal keys in no particular order; the arrival sequence makes ours defined.
        return (-q.pod_info.priority, q.timestamp, q.seq)
