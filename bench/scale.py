"""Scale benchmark of a whole cluster (issue 3): N nodes, M bare pods, until every pod is Running.

Builds `Cluster(nodes=N, addons=False)`: the API server, controller manager and scheduler, and on every
node a kubelet over its container runtime and CNI. It creates M bare pause pods through the API server,
then runs the event loop until a watch on the pods has seen every one of them Running (the counter is
fed by the watch; nothing lists the pods while it runs). Prints wall and CPU time, pods/s, loop events/s
and peak memory (ru_maxrss), and the split: create, until every pod is bound, until every pod is Running.
Not a test: figures depend on the machine.

    .venv/bin/python bench/scale.py                   # 1,000 nodes, 30,000 pods
    .venv/bin/python bench/scale.py 5000 150000       # the scalability envelope
    .venv/bin/python bench/scale.py 1000 30000 --profile=/tmp/scale.prof   # cProfile of the run phase
"""

from __future__ import annotations

import cProfile
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labk8s import Cluster  # noqa: E402
from labk8s.apiserver.watch import ApiEvent  # noqa: E402
from labk8s.client.client import Client  # noqa: E402
from labk8s.cluster.machines import NODE_CIDR_MASK_SIZE  # noqa: E402

#: The default podSubnet (10.244.0.0/16) holds 256 node ranges; larger clusters get a /9 (32,768 nodes),
#: as a kubeadm podSubnet for a cluster of that size would be.
WIDE_POD_CIDR = "10.128.0.0/9"
DEFAULT_NODE_RANGES = 1 << (NODE_CIDR_MASK_SIZE - 16)
NAMESPACE = "default"


def pod(i: int) -> dict[str, Any]:
    """A bare pause pod; requests small enough that a node's 110 pods fit (110 x 10m CPU, 110 x 32Mi)."""
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"pod-{i}", "namespace": NAMESPACE, "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "pause", "image": "registry.k8s.io/pause:3.10",
                                     "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}}]}}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Progress:
    """Counts bench pods bound and Running from a watch on the namespace's pods."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.running: set[str] = set()
        self.all_bound_at: float | None = None  # wall clock (perf_counter) when the last pod was bound
        self.all_bound_virtual_ms = 0
        self.target = 0

    def on_events(self, batch: list[ApiEvent]) -> None:
        for kind, obj in batch:
            if kind == "DELETED":
                continue
            name = obj["metadata"]["name"]
            if obj["spec"].get("nodeName") and name not in self.bound:
                self.bound.add(name)
                if len(self.bound) == self.target and self.all_bound_at is None:
                    self.all_bound_at = time.perf_counter()
            status = obj.get("status")
            if status and status.get("phase") == "Running":
                self.running.add(name)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].partition("=")[::2] for a in sys.argv[1:] if a.startswith("--"))
    n_nodes = int(args[0]) if args else 1000
    n_pods = int(args[1]) if len(args) > 1 else 30_000
    if n_pods > 110 * n_nodes:
        raise SystemExit(f"{n_pods} pods do not fit on {n_nodes} nodes of 110 pods")

    t0, c0 = time.perf_counter(), time.process_time()
    pod_cidr = WIDE_POD_CIDR if n_nodes + 1 > DEFAULT_NODE_RANGES else "10.244.0.0/16"
    c = Cluster(nodes=n_nodes, addons=False, pod_cidr=pod_cidr)
    loop = c.loop
    c.run(0)  # registrations, informer syncs
    t_boot = time.perf_counter() - t0
    print(f"cluster of {n_nodes:,} nodes (+ control plane, pod CIDR {pod_cidr}) booted: {t_boot:.1f} s wall "
          f"({time.process_time() - c0:.1f} s CPU), {loop.processed:,} loop events, "
          f"{c.scheduler.snapshot.num_nodes():,} nodes in the scheduler cache, RSS {rss_mib():,.0f} MiB")

    progress = Progress()
    progress.target = n_pods
    client = Client(c.api, "bench")
    client.watch(client.resource("", "Pod"), NAMESPACE, progress.on_events)

    objs = [pod(i) for i in range(n_pods)]
    ev0, v0 = loop.processed, loop.now_ms
    t1, c1 = time.perf_counter(), time.process_time()
    for o in objs:
        client.create(o)
    t_create, c_create = time.perf_counter() - t1, time.process_time() - c1
    del objs
    print(f"create {n_pods:,} pods: {t_create:.1f} s wall ({c_create:.1f} s CPU), {n_pods / t_create:,.0f} pods/s")

    profiler = cProfile.Profile() if "profile" in opts else None
    t2, c2 = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    step = loop.step
    running = progress.running
    while len(running) < n_pods:
        if step() is None:
            break
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(opts["profile"] or "/tmp/scale.prof")
    t3, c3 = time.perf_counter(), time.process_time()
    t_run, c_run = t3 - t2, c3 - c2
    events = loop.processed - ev0
    bound, run = len(progress.bound), len(running)
    t_bound = (progress.all_bound_at or t3) - t2
    total, cpu = t_create + t_run, c_create + c_run
    print(f"until bound: {t_bound:.1f} s wall after create, {bound:,}/{n_pods:,} pods bound, "
          f"{c.scheduler.cycles:,} scheduling cycles")
    print(f"until Running: {t_run:.1f} s wall after create ({c_run:.1f} s CPU), {run:,}/{n_pods:,} pods Running, "
          f"{(loop.now_ms - v0) / 1000:.1f} s virtual")
    print(f"end to end (create + run): {total:.1f} s wall ({cpu:.1f} s CPU), {run / total:,.0f} pods/s "
          f"({run / cpu:,.0f} per CPU second), {events:,} loop events ({events / total:,.0f} events/s)")
    print(f"peak RSS: {rss_mib():,.0f} MiB; boot + create + run: {time.perf_counter() - t0:.1f} s wall")
    if run != n_pods:
        raise SystemExit(f"only {run} of {n_pods} pods are Running")


if __name__ == "__main__":
    main()
