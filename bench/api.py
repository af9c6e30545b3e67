"""Benchmark: 100,000 pod creates through the API server with three watchers attached, then a list.

Prints creates/s, watch events delivered/s, memory per stored pod and peak memory, and the time to
build Cluster(nodes=3). Not a test: figures depend on the machine.

    .venv/bin/python bench/api.py [N]
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labk8s import Cluster  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000


def pod(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"pod-{i}", "labels": {"app": "bench", "shard": str(i % 10)}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                     "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}


def main() -> None:
    if "--default-gc" not in sys.argv:
        # The model allocates millions of small acyclic dicts; CPython's generation-0 collections then
        # rescan them constantly. Raising the threshold (and freezing start-up objects) roughly doubles
        # throughput. Pass --default-gc to measure with CPython's defaults.
        gc.freeze()
        gc.set_threshold(50_000, 20, 1_000)
    t0 = time.perf_counter()
    for _ in range(20):
        Cluster(nodes=3, seed=0)
    build_ms = (time.perf_counter() - t0) / 20 * 1000
    print(f"Cluster(nodes=3) build: {build_ms:.1f} ms (mean of 20)")

    c = Cluster(nodes=3, seed=0, addons=False)
    rt = c.api.registry.resolve("pods")
    delivered = [0, 0, 0]

    def watcher(i: int):  # noqa: ANN202
        def cb(events: list) -> None:
            delivered[i] += len(events)
        return cb

    for i, user in enumerate(("kube-scheduler", "kubelet", "controller")):
        c.api.watch(rt, None, watcher(i), user=user)
    c.run(0.001)
    client = c._client
    objs = [pod(i) for i in range(N)]
    gc.collect()
    store_before = sum(len(kv.value) for kv in c.store.range("/registry/pods/")[0])
    t0 = time.perf_counter()
    for i in range(N):
        client.create(objs[i])
        if i % 1000 == 999:
            c.loop.run_until_time(c.loop.now_ms)  # deliver pending watch events
    c.loop.run_until_time(c.loop.now_ms)
    dt = time.perf_counter() - t0
    print(f"{N} pod creates: {dt:.2f} s, {N / dt:,.0f} creates/s (validation, defaulting, admission, storage, fan-out)")
    total_events = sum(delivered)
    print(f"watch events delivered: {total_events:,} ({total_events / dt:,.0f}/s) to 3 watchers")
    del objs
    gc.collect()
    kvs, _ = c.store.range("/registry/pods/")
    value_bytes = sum(len(kv.value) for kv in kvs) - store_before
    print(f"stored pod value: {value_bytes / N:,.0f} bytes/pod (JSON in the store)")
    tracemalloc.start()
    snap1 = tracemalloc.take_snapshot()
    t0 = time.perf_counter()
    items, _ = c.api.list(rt, "default")
    print(f"list {len(items):,} pods: {time.perf_counter() - t0:.2f} s")
    del items
    tracemalloc.stop()
    del snap1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {rss / 1024:,.0f} MiB")
    measure_store_memory(N)


def measure_store_memory(n: int) -> None:
    """Memory held by the store per pod: tracemalloc around creates without watchers."""
    c = Cluster(nodes=3, seed=0, addons=False)
    client = c._client
    objs = [pod(i) for i in range(n // 10)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for o in objs:
        client.create(o)
    c.store.compact(c.store.revision)
    c.loop.run_until_time(c.loop.now_ms)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    audit = len(c.api.audit)
    print(f"store memory: {(after - before) / len(objs):,.0f} bytes per stored pod "
          f"(after compaction; includes {audit:,} audit records)")


if __name__ == "__main__":
    main()
