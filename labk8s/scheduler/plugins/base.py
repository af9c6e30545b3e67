"""What every plugin module shares: the handle type and the object helpers for queueing hints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]


class PluginBase:
    """A plugin built with the framework handle and its (optional) args, as upstream's factories."""

    name = ""

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        self.handle = handle
        self.args: Obj = dict(args or {})


def uid(obj: Obj | None) -> str:
    return "" if obj is None else str(obj["metadata"].get("uid", ""))


def node_name(pod: Obj | None) -> str:
    return "" if pod is None else str((pod.get("spec") or {}).get("nodeName") or "")


def tolerations(pod: Obj) -> list[Obj]:
    return list((pod.get("spec") or {}).get("tolerations") or [])
