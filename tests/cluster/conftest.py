from __future__ import annotations

import pytest

from labk8s import Cluster


@pytest.fixture
def c() -> Cluster:
    return Cluster(nodes=2, seed=0)


def pod(name: str, image: str = "nginx:1.25", **spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": image}], **spec}}
