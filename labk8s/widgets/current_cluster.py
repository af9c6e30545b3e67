"""The cluster that `%kubectl` talks to: the one last passed to `use()` (a Stepper calls it when it is
built and on Reset), else the only Cluster among the notebook's variables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.cluster import Cluster

_current: Cluster | None = None


def use(cluster: Cluster) -> Cluster:
    """Make `cluster` the one `%kubectl` runs against; returns it."""
    global _current
    if not isinstance(cluster, Cluster):
        raise TypeError(f"expected a labk8s Cluster, got {type(cluster).__name__}")
    _current = cluster
    return cluster


def current(namespace: Mapping[str, Any] | None = None) -> Cluster:
    """The current cluster; raises LookupError with what to do when there is none or it is ambiguous."""
    if _current is not None:
        return _current
    found = sorted(name for name, value in (namespace or {}).items()
                   if isinstance(value, Cluster) and not name.startswith("_"))
    if len(found) == 1:
        return (namespace or {})[found[0]]
    if not found:
        raise LookupError("no cluster: create one (c = Cluster()) or call labk8s.widgets.use(c)")
    raise LookupError(f"several clusters ({', '.join(found)}): choose one with labk8s.widgets.use(<cluster>)")


def reset() -> None:
    """Forget the current cluster (tests)."""
    global _current
    _current = None
