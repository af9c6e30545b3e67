"""Same seed, same inputs: the same objects, names, UIDs and events in any process, under any
PYTHONHASHSEED."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCENARIO = textwrap.dedent("""
    import json
    from labk8s import Cluster
    c = Cluster(nodes=3, seed=42)
    c.apply("/work/shared/manifests/application/deployment.yaml")
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    for i in range(5):
        c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "w-", "namespace": "team"},
                  "spec": {"containers": [{"name": "a", "image": "busybox"}]}})
    owner = c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "o"}})
    c.run(3)
    c.delete("ns", "team")
    c.delete("cm", "o", propagation="Foreground")
    c.run(30)
    print(json.dumps({"dump": c.dump(), "events": c.events(), "now": c.now}, sort_keys=True))
""")


def run(seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run([sys.executable, "-c", SCENARIO], env=env, capture_output=True, text=True, check=True)
    return out.stdout


def test_dump_and_events_identical_across_hash_seeds() -> None:
    a, b = run("1"), run("12345")
    assert a == b
    data = json.loads(a)
    assert any(o["kind"] == "Deployment" for o in data["dump"])
