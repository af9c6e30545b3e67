"""The documentation's pod examples (shared/manifests/pods), bound to node-1, with the outcome a real cluster
shows after a minute: kubectl's READY, STATUS and RESTARTS, and what the containers printed."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s.kubectl.manifest import load_manifests
from tests.node.kubelet_env import cluster

PODS = "/work/shared/manifests/pods"
CONFIGMAPS = "/work/shared/manifests/configmap/configmaps.yaml"
Obj = dict[str, Any]

#: (files applied in order, namespaces to create, pod -> [READY, STATUS, RESTARTS], pod/container -> logs)
SCENARIOS: list[tuple[str, list[str], list[str], dict[str, list[str]], dict[str, str]]] = [
    ("simple pod", ["simple-pod.yaml"], [], {"nginx": ["1/1", "Running", "0"]}, {}),
    ("two containers, one exits (Never)", ["two-container-pod.yaml"], [],
     {"two-containers": ["1/2", "NotReady", "0"]}, {}),
    ("nodeSelector that the node lacks", ["pod-nginx.yaml"], [], {"nginx": ["0/1", "NodeAffinity", "0"]}, {}),
    ("configMap volume listed", [CONFIGMAPS, "pod-configmap-volume.yaml"], [],
     {"dapi-test-pod": ["0/1", "Completed", "0"]}, {"dapi-test-pod": "special.how\n"}),
    ("configMap volume missing", ["pod-configmap-volume.yaml"], [],
     {"dapi-test-pod": ["0/1", "ContainerCreating", "0"]}, {}),
    ("envFrom a missing ConfigMap", ["pod-configmap-envFrom.yaml"], [],
     {"dapi-test-pod": ["0/1", "CreateContainerConfigError", "0"]}, {}),
    ("redis with its config", ["config/example-redis-config.yaml", "config/redis-pod.yaml"], [],
     {"redis": ["1/1", "Running", "0"]}, {}),
    ("secret volume", ["inject/secret.yaml", "inject/secret-pod.yaml"], [],
     {"secret-test-pod": ["1/1", "Running", "0"]}, {}),
    ("adapter sidecar", ["multi-container/adapter.yaml"], [], {"adapter-pattern-example": ["2/2", "Running", "0"]}, {}),
    ("init writes, nginx serves", ["multi-container/shared-volume.yaml"], [],
     {"shared-volume-example": ["1/1", "Running", "0"]}, {}),
    ("init container and sidecar with resources", ["multi-container/resources.yaml"], [],
     {"resources-example": ["2/2", "Running", "0"]}, {}),
    ("tcp probes", ["probe/tcp-liveness-readiness.yaml"], [], {"goproxy": ["1/1", "Running", "0"]}, {}),
    ("qos guaranteed", ["qos/qos-pod.yaml"], ["qos-example"], {"qos-demo": ["1/1", "Running", "0"]}, {}),
    ("extended resource the node lacks", ["resource/extended-resource-pod.yaml"], [],
     {"extended-resource-demo": ["0/1", "OutOfexample.com/dongle", "0"]}, {}),
    ("claim that does not exist", ["storage/pv-pod.yaml"], [], {"task-pv-pod": ["0/1", "ContainerCreating", "0"]}, {}),
]


def _objects(path: str) -> list[Obj]:
    full = path if path.startswith("/") else f"{PODS}/{path}"
    return [obj for obj, _ in load_manifests(full)]


@pytest.mark.parametrize("name,files,namespaces,expected,logs", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_pod_examples(name: str, files: list[str], namespaces: list[str], expected: dict[str, list[str]],
                      logs: dict[str, str]) -> None:
    c, kl = cluster()
    for ns in namespaces:
        c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for path in files:
        for obj in _objects(path):
            if obj.get("kind") == "Pod":
                obj.setdefault("spec", {})["nodeName"] = "node-1"
            c.create(obj)
    c.run(60)
    ns = namespaces[0] if namespaces else "default"
    rows = {line.split()[0]: line.split()[1:4] for line in c.kubectl(f"get pods -n {ns}").splitlines()[1:]}
    assert rows == expected
    for pod_name, text in logs.items():
        assert kl.logs(ns, pod_name) == text
