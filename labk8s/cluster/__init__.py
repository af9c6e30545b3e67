"""The composition root: `Cluster` wires every component together."""

from labk8s.cluster.facade import Cluster

__all__ = ["Cluster"]
