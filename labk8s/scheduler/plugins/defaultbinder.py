"""DefaultBinder: POST pods/<name>/binding through the client."""

from __future__ import annotations

from labk8s.errors import ApiError
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.interface import BindPlugin
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins.base import PluginBase

NAME = "DefaultBinder"


class DefaultBinder(PluginBase, BindPlugin):
    name = NAME

    def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        try:
            self.handle.client.bind(pod.namespace, pod.name, node_name)
        except ApiError as err:
            return Status(Code.ERROR, err.message, error=err)
        return None
