"""Admission control: the interface every plugin implements, and the chain that runs them.

As in k8s.io/apiserver/pkg/admission: mutating plugins run first (in order), then validating plugins.
A plugin rejects a request by raising ApiError (usually Forbidden).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from labk8s.api.resources import ResourceType

Obj = dict[str, Any]


class ObjectReader(Protocol):
    """What admission plugins may read: the API server's own view of stored objects."""

    def read(self, rt: ResourceType, namespace: str, name: str) -> Obj | None: ...

    def read_all(self, rt: ResourceType, namespace: str | None) -> list[Obj]: ...

    def cached(self, rt: ResourceType, namespace: str, name: str) -> Obj | None:
        """Like `read`, from the watch cache: shared, read-only."""
        ...

    def cached_all(self, rt: ResourceType, namespace: str | None) -> list[Obj]: ...

    def resource(self, group: str, kind: str) -> ResourceType: ...

    def now_ms(self) -> int: ...

    def write_status(self, rt: ResourceType, obj: Obj) -> None:
        """Persist a status change made by a plugin (ResourceQuota usage), as the system user."""
        ...


@dataclass
class Attributes:
    operation: str  # CREATE, UPDATE, DELETE, CONNECT
    resource: ResourceType
    subresource: str
    namespace: str
    name: str
    obj: Obj | None
    old_obj: Obj | None
    user: str
    dry_run: bool = False
    annotations: dict[str, str] = field(default_factory=dict)


class AdmissionPlugin:
    """Base plugin: override `admit` (mutating) and/or `validate` (validating)."""

    name = "Plugin"
    operations: tuple[str, ...] = ("CREATE", "UPDATE")

    def handles(self, operation: str) -> bool:
        return operation in self.operations

    def admit(self, attrs: Attributes, reader: ObjectReader) -> None:
        return None

    def validate(self, attrs: Attributes, reader: ObjectReader) -> None:
        return None


class AdmissionChain:
    def __init__(self, plugins: list[AdmissionPlugin]) -> None:
        self.plugins = plugins

    def names(self) -> list[str]:
        return [p.name for p in self.plugins]

    def admit(self, attrs: Attributes, reader: ObjectReader) -> None:
        for p in self.plugins:
            if p.handles(attrs.operation):
                p.admit(attrs, reader)

    def validate(self, attrs: Attributes, reader: ObjectReader) -> None:
        for p in self.plugins:
            if p.handles(attrs.operation):
                p.validate(attrs, reader)
