"""kube-controller-manager: runs the controllers over one shared informer factory."""

from __future__ import annotations

from labk8s.api.resources import REGISTRY, ResourceType
from labk8s.client.client import Client
from labk8s.client.informer import InformerFactory
from labk8s.controllers.garbagecollector import GarbageCollector
from labk8s.controllers.namespace import NamespaceController
from labk8s.controllers.nodeipam import CLUSTER_CIDR, NodeIpamController
from labk8s.controllers.nodelifecycle import NodeLifecycleController
from labk8s.controllers.podgc import PodGCController
from labk8s.controllers.resourcequota import ResourceQuotaController
from labk8s.controllers.tainteviction import TaintEvictionController


def stored_resources() -> list[ResourceType]:
    """Every stored resource at its preferred version (each storage location once)."""
    return [rt for rt in REGISTRY.all() if rt.persisted and REGISTRY.storage_type(rt) == rt]


class ControllerManager:
    def __init__(self, client: Client, *, cluster_cidr: str = CLUSTER_CIDR) -> None:
        """``cluster_cidr`` is --cluster-cidr, the range the node IPAM controller splits into node ranges."""
        self.client = client
        self.factory = InformerFactory(client)
        resources = stored_resources()
        self.garbage_collector = GarbageCollector(client, self.factory, resources)
        self.namespace = NamespaceController(client, self.factory, resources)
        self.resource_quota = ResourceQuotaController(client, self.factory)
        self.node_ipam = NodeIpamController(client, self.factory, cluster_cidr=cluster_cidr)
        self.node_lifecycle = NodeLifecycleController(client, self.factory)
        self.taint_eviction = TaintEvictionController(client, self.factory)
        self.pod_gc = PodGCController(client, self.factory)

    def start(self) -> None:
        self.factory.start()
