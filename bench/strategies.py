"""Microbenchmark: Pod defaulting + create validation (the API server's create hot path).

Prints microseconds per pod for strategy.default() + prepare_for_create() + validate() on a typical
Deployment-made pod (one container, requests/limits, a probe, a port, an env var, a volume).
Run: .venv/bin/python bench/strategies.py
"""

from __future__ import annotations

import copy
import time

from labk8s.apiserver.strategies import strategy_for

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "web-5d8f9c7b6d-x2x7k", "namespace": "default", "uid": "0b6f5a0e-0000-4000-8000-000000000001",
        "generateName": "web-5d8f9c7b6d-", "creationTimestamp": "2026-01-01T00:00:00Z",
        "labels": {"app": "web", "pod-template-hash": "5d8f9c7b6d"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f9c7b6d",
                             "uid": "0b6f5a0e-0000-4000-8000-000000000002", "controller": True,
                             "blockOwnerDeletion": True}],
    },
    "spec": {
        "containers": [{
            "name": "web", "image": "nginx:1.25",
            "ports": [{"containerPort": 80, "name": "http"}],
            "env": [{"name": "MODE", "value": "prod"}],
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
            "volumeMounts": [{"name": "cache", "mountPath": "/cache"}],
        }],
        "volumes": [{"name": "cache", "emptyDir": {}}],
    },
}


def _time(n: int, fn: object) -> float:
    pods = [copy.deepcopy(POD) for _ in range(n)]
    t0 = time.perf_counter()
    fn(pods)  # type: ignore[operator]
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    strategy = strategy_for("", "Pod")

    def default(pods: list[dict]) -> None:
        for pod in pods:
            strategy.default(pod)

    def full(pods: list[dict]) -> None:
        for pod in pods:
            strategy.default(pod)
            strategy.prepare_for_create(pod)
            if strategy.validate(pod):
                raise SystemExit(f"unexpected errors: {strategy.validate(pod)}")

    n, runs = 5000, 7
    d = min(_time(n, default) for _ in range(runs))
    f = min(_time(n, full) for _ in range(runs))
    print(f"default():                        {d:6.1f} us/pod")
    print(f"default+prepare_for_create+validate: {f:6.1f} us/pod ({1e6 / f:,.0f} pods/s), best of {runs} x {n}")


if __name__ == "__main__":
    main()
