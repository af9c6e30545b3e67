"""Scale benchmark of the scheduler (issue 3): N nodes, M bare pods, until every pod is bound.

A bare control plane (store, API server with its admission chain) and the scheduler, nothing else: no
kubelets or controllers, so the figures are the scheduler's and the API traffic it causes (watch
delivery, pods/binding, Scheduled events). Prints wall and CPU time, pods/s, loop events/s and peak
memory for two phases: creating the pods through the API server, then scheduling them.
Not a test: figures depend on the machine.

    .venv/bin/python bench/scale.py                   # 1,000 nodes, 30,000 pods
    .venv/bin/python bench/scale.py 5000 150000       # the large envelope
    .venv/bin/python bench/scale.py 1000 30000 --default-gc
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labk8s._sim import EventLoop, Rng, format_rfc3339  # noqa: E402
from labk8s.apiserver.admission import default_admission_chain  # noqa: E402
from labk8s.apiserver.server import ApiServer  # noqa: E402
from labk8s.client.client import Client  # noqa: E402
from labk8s.scheduler import Scheduler  # noqa: E402
from labk8s.store import Store  # noqa: E402


def node(i: int) -> tuple[dict, dict]:
    """A worker Node as a kubelet registers it (4 CPU, 16Gi, 110 pods), and its Ready status."""
    name = f"node-{i}"
    cidr = f"10.{100 + i // 256}.{i % 256}.0/24"
    res = {"cpu": "4", "ephemeral-storage": "100Gi", "memory": "16Gi", "pods": "110"}
    stamp = format_rfc3339(0)
    obj = {"apiVersion": "v1", "kind": "Node",
           "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                                 "kubernetes.io/arch": "amd64"}},
           "spec": {"podCIDR": cidr, "podCIDRs": [cidr]}}
    status = {"capacity": res, "allocatable": dict(res),
              "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                              "message": "kubelet is posting ready status", "lastHeartbeatTime": stamp,
                              "lastTransitionTime": stamp}]}
    return obj, status


def pod(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}", "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10",
                                     "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}]}}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n_nodes = int(args[0]) if args else 1000
    n_pods = int(args[1]) if len(args) > 1 else 30_000
    if "--default-gc" not in sys.argv:
        # Millions of small acyclic dicts: CPython's generation-0 collections would rescan them constantly
        # (as in bench/api.py). Pass --default-gc to measure with CPython's defaults.
        gc.freeze()
        gc.set_threshold(50_000, 20, 1_000)

    t0 = time.perf_counter()
    rng = Rng(0)
    loop = EventLoop()
    api = ApiServer(Store(), loop, rng.child("kube-apiserver"), admission=default_admission_chain())
    admin = Client(api, "kubeadm")
    for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
        admin.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for i in range(1, n_nodes + 1):
        obj, status = node(i)
        created = admin.create(obj)
        admin.update_status({**created, "status": status})
    sched = Scheduler(Client(api, "system:kube-scheduler"), rng.child("kube-scheduler"))
    sched.start()
    loop.run_until_time(loop.now_ms)
    print(f"{n_nodes:,} nodes registered, scheduler informers synced: {time.perf_counter() - t0:.1f} s wall, "
          f"{sched.snapshot.num_nodes():,} nodes in the scheduler cache")

    client = Client(api, "bench")
    objs = [pod(i) for i in range(n_pods)]
    ev0 = loop.processed
    t1, c1 = time.perf_counter(), time.process_time()
    for o in objs:
        client.create(o)
    t_create, c_create = time.perf_counter() - t1, time.process_time() - c1
    del objs
    print(f"create {n_pods:,} pods: {t_create:.1f} s wall ({c_create:.1f} s CPU), {n_pods / t_create:,.0f} pods/s")

    ev1 = loop.processed
    v1 = loop.now_ms
    t2, c2 = time.perf_counter(), time.process_time()
    while loop.peek() is not None:
        loop.step()
    t_sched, c_sched = time.perf_counter() - t2, time.process_time() - c2
    events = loop.processed - ev1
    bound = sum(1 for p in sched.pods.cache.values() if p["spec"].get("nodeName"))
    print(f"schedule until bound: {t_sched:.1f} s wall ({c_sched:.1f} s CPU), {bound:,}/{n_pods:,} pods bound, "
          f"{bound / t_sched:,.0f} pods/s ({bound / c_sched:,.0f} per CPU second), {events:,} loop events "
          f"({events / t_sched:,.0f} events/s), {(loop.now_ms - v1) / 1000:.1f} s virtual, "
          f"{sched.cycles:,} scheduling cycles")
    total, cpu = t_create + t_sched, c_create + c_sched
    print(f"end to end (create + schedule): {total:.1f} s wall ({cpu:.1f} s CPU), {n_pods / total:,.0f} pods/s "
          f"({n_pods / cpu:,.0f} per CPU second), {(loop.processed - ev0) / total:,.0f} loop events/s")
    print(f"peak RSS: {rss_mib():,.0f} MiB")
    if bound != n_pods:
        raise SystemExit(f"only {bound} of {n_pods} pods were bound")


if __name__ == "__main__":
    main()
