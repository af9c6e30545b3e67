"""The node search: round-robin start index, early exit at numFeasibleNodesToFind, tie-breaks."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import numpy as np

from labk8s.scheduler.config import select_host
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.schedule_one import Algorithm, CycleRecord

from .helpers import build, make_node, make_pod

TAINT = [{"key": "k", "effect": "NoSchedule"}]


def sequential(fw, pod: PodInfo, start: int, to_find: int) -> tuple[list[str], list[str], int]:  # noqa: ANN001
    """A plain early-exit scan, as findNodesThatPassFilters without parallelism."""
    names = fw.snapshot.names
    state = CycleState()
    fw.run_pre_filter(state, pod)
    feasible, rejected = [], []
    processed = 0
    for i in range(len(names)):
        ni = fw.snapshot.get(names[(start + i) % len(names)])
        processed += 1
        if fw.run_filter(state, pod, ni) is None:
            feasible.append(ni.name)
            if len(feasible) == to_find:
                break
        else:
            rejected.append(ni.name)
    return feasible, rejected, processed


def test_search_matches_a_sequential_scan_and_advances_the_start_index() -> None:
    nodes = [make_node(f"n{i:03d}", 4000, 16 * 2**30, taints=TAINT if i % 4 == 3 else None) for i in range(300)]
    fw, _ = build(nodes)
    algo = Algorithm(fw, random.Random(0))
    start = 0
    for attempt in range(5):
        pod = PodInfo(make_pod(f"p{attempt}", {"cpu": "100m"}))
        feasible, rejected, processed = sequential(fw, pod, start, 144)  # 300 nodes: 48% -> 144
        record = CycleRecord()
        got, diagnosis = algo.find_nodes_that_fit_pod(CycleState(), pod, record)
        assert [fw.snapshot.slot_infos[s].name for s in got.tolist()] == feasible
        assert sorted(diagnosis.node_to_status.statuses) == sorted(rejected)
        start = (start + processed) % 300
        assert algo.next_start_node_index == start


def test_small_clusters_check_every_node() -> None:
    fw, _ = build([make_node(f"n{i}", 4000, 2**34) for i in range(7)])
    algo = Algorithm(fw, random.Random(0))
    got, _ = algo.find_nodes_that_fit_pod(CycleState(), PodInfo(make_pod("p", {"cpu": "1"})), CycleRecord())
    assert len(got) == 7 and algo.next_start_node_index == 0


def test_select_host_picks_only_top_scores_and_every_tie() -> None:
    gen = np.random.Generator(np.random.PCG64(7))
    totals = np.array([5, 9, 9, 1, 9], dtype=np.int64)
    picks = {select_host(totals, gen) for _ in range(300)}
    assert picks == {1, 2, 4}
    assert select_host(np.array([3, 8, 2], dtype=np.int64), gen) == 1


def test_schedule_is_identical_under_another_hash_seed() -> None:
    script = textwrap.dedent("""
        import json
        from labk8s import Cluster
        from labk8s.client.client import Client
        from labk8s.scheduler import Scheduler
        c = Cluster(nodes=[{"name": f"n{i}", "zone": "ab"[i % 2], "labels": {"disk": "ssd" if i % 3 else "hdd"}}
                           for i in range(6)], seed=3, addons=False)
        s = getattr(c, "scheduler", None)
        if s is None:
            s = Scheduler(Client(c.api, "system:kube-scheduler"), c.rng.child("kube-scheduler"))
            s.start()
        spread = [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                   "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "w"}}}]
        for i in range(24):
            spec = {"containers": [{"name": "a", "image": "nginx", "resources": {"requests": {"cpu": "300m"}}}]}
            if i % 3 == 0:
                spec["nodeSelector"] = {"disk": "ssd"}
            if i % 4 == 0:
                spec["topologySpreadConstraints"] = spread
            c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"app": "w"}},
                      "spec": spec})
        c.run(5)
        print(json.dumps([(p["metadata"]["name"], p["spec"].get("nodeName")) for p in c.list("pods")]))
    """)
    outs = []
    for seed in ("1", "2"):
        env = {"PYTHONHASHSEED": seed, "PATH": ""}
        outs.append(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                                   check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2])).stdout)
    assert outs[0] == outs[1] and "null" not in outs[0]
