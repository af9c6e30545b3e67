"""Time strict schema decoding (labk8s.apiserver.schema.check) of typical objects.

Run: .venv/bin/python bench/schema.py
Prints microseconds per check after warm-up; the target is well under 30 us for a Deployment or Pod.
"""

from __future__ import annotations

import timeit
from pathlib import Path
from typing import Any

from labk8s.apiserver import schema
from labk8s.kubectl.manifest import load_manifests

MANIFESTS = Path("/work/shared/manifests")
if not MANIFESTS.is_dir():
    MANIFESTS = Path(__file__).resolve().parent.parent.parent / "shared" / "manifests"


def _case(path: str, index: int = 0) -> dict[str, Any]:
    return load_manifests(str(MANIFESTS / path))[index][0]


def main() -> None:
    cases = {
        "Deployment (controllers/nginx-deployment.yaml)": _case("controllers/nginx-deployment.yaml"),
        "Deployment (application/php-apache.yaml, resources)": _case("application/php-apache.yaml"),
        "Pod (pods/qos/qos-pod.yaml)": _case("pods/qos/qos-pod.yaml"),
        "Pod (pods/probe/http-liveness.yaml)": _case("pods/probe/http-liveness.yaml"),
        "StatefulSet (application/mysql/mysql-statefulset.yaml)":
            _case("application/mysql/mysql-statefulset.yaml"),
        "Pod with an unknown field (error path)": {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "imagee": "x"}]}},
    }
    for label, obj in cases.items():
        api_version, kind = obj["apiVersion"], obj["kind"]

        def run(obj: dict[str, Any] = obj, api_version: str = api_version, kind: str = kind) -> None:
            try:
                schema.check(obj, api_version, kind)
            except Exception:
                pass

        run()  # warm-up: loads and compiles the schema
        number = 20000
        best = min(timeit.repeat(run, number=number, repeat=5)) / number
        print(f"{best * 1e6:8.2f} us  {label}")


if __name__ == "__main__":
    main()
