"""The vectorised filters and scores give exactly what the per-node plugins give, node by node."""

from __future__ import annotations

import random

import numpy as np
import pytest

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.interface import NodeList, ScorePlugin
from labk8s.scheduler.framework.types import PodInfo

from .helpers import build, make_node, make_pod

EFFECTS = ("NoSchedule", "NoExecute", "PreferNoSchedule")


def random_cluster(r: random.Random) -> tuple[list[dict], list[dict]]:
    nodes = []
    for i in range(r.randint(1, 40)):
        taints = [{"key": r.choice("abc"), "value": r.choice(["", "x"]), "effect": r.choice(EFFECTS)}
                  for _ in range(r.choice([0, 0, 1, 2]))]
        extended = {"example.com/gpu": r.randint(0, 4)} if r.random() < 0.3 else None
        nodes.append(make_node(f"n{i}", r.choice([0, 500, 2000, 4000, 64000]), r.choice([0, 10**9, 16 * 2**30]),
                               extended, pods=r.choice([1, 3, 110]), taints=taints,
                               unschedulable=r.random() < 0.1, labels={"zone": r.choice("xy")}))
    pods = []
    for j in range(r.randint(0, 60)):
        node = r.choice(nodes)["metadata"]["name"]
        req = {k: v for k, v in (("cpu", r.choice([None, "0", "100m", "1", "3"])),
                                 ("memory", r.choice([None, "0", "64Mi", "1Gi"]))) if v is not None}
        ports = [{"containerPort": 80, "hostPort": 8080}] if r.random() < 0.1 else []
        p = make_pod(f"e{j}", req, node=node)
        if ports:
            p["spec"]["containers"][0]["ports"] = ports
        pods.append(p)
    return nodes, pods


def random_pod(r: random.Random) -> dict:
    req = {k: v for k, v in (("cpu", r.choice([None, "0", "50m", "1500m", "5"])),
                             ("memory", r.choice([None, "0", "128Mi", "2Gi", "20Gi"])),
                             ("example.com/gpu", r.choice([None, None, "1", "3"]))) if v is not None}
    tolerations = [{"key": r.choice("abc"), "operator": "Exists", "effect": r.choice(EFFECTS + ("",))}
                   for _ in range(r.choice([0, 0, 1]))]
    if r.random() < 0.1:
        tolerations.append({"key": "node.kubernetes.io/unschedulable", "operator": "Exists"})
    p = make_pod("incoming", req if req else {}, tolerations=tolerations)
    if r.random() < 0.15:
        p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    return p


@pytest.mark.parametrize("seed", range(60))
def test_filter_batch_matches_per_node_filters(seed: int) -> None:
    r = random.Random(seed)
    nodes, pods = random_cluster(r)
    fw, _ = build(nodes, pods)
    pod = PodInfo(random_pod(r))
    state = CycleState()
    _, status, _ = fw.run_pre_filter(state, pod)
    assert status is None
    slots = fw.snapshot.order
    mask, statuses = fw.filter_batch(state, pod, slots)
    for ok, slot in zip(mask.tolist(), slots.tolist(), strict=True):
        expected = fw.run_filter(state, pod, fw.snapshot.slot_infos[slot])
        assert (expected is None) == ok
        if expected is not None:
            assert statuses[slot] == expected


@pytest.mark.parametrize("seed", range(60))
def test_score_batch_matches_per_node_scores(seed: int) -> None:
    r = random.Random(1000 + seed)
    nodes, pods = random_cluster(r)
    fw, _ = build(nodes, pods)
    pod = PodInfo(random_pod(r))
    state = CycleState()
    slots = fw.snapshot.order
    fw.run_pre_score(state, pod, NodeList(fw.snapshot, slots))
    for pl in fw.score_plugins:
        if pl.name in state.skip_score_plugins:
            continue
        batch = pl.score_batch(state, pod, NodeList(fw.snapshot, slots))
        per_node = [ScorePlugin.score_batch(pl, state, pod, NodeList(fw.snapshot, slots)).tolist()]
        assert batch.tolist() == per_node[0], pl.name
        assert batch.dtype == np.int64


IMAGES = ("nginx:1.29", "redis:8", "busybox:1.37", "postgres:18", "registry.k8s.io/pause:3.10")


@pytest.mark.parametrize("seed", range(40))
def test_image_locality_batch_matches_per_node_scores(seed: int) -> None:
    """ImageLocality's slot masks follow nodes that come, change their images and go (slots reused)."""
    r = random.Random(2000 + seed)
    nodes = []
    for i in range(r.randint(1, 80)):
        node = make_node(f"n{i}", 4000, 16 * 2**30)
        node["status"]["images"] = [{"names": [img], "sizeBytes": r.choice([5, 30, 300, 2000]) * 2**20}
                                    for img in r.sample(IMAGES, r.randint(0, len(IMAGES)))]
        nodes.append(node)
    fw, cache = build(nodes)
    for node in r.sample(nodes, len(nodes) // 3):
        cache.remove_node(node)
    for i in range(r.randint(0, 10)):
        node = make_node(f"m{i}", 4000, 16 * 2**30)
        node["status"]["images"] = [{"names": [img], "sizeBytes": 100 * 2**20} for img in r.sample(IMAGES, 2)]
        cache.add_node(node)
    pod = make_pod("incoming", {})
    pod["spec"]["containers"] = [{"name": f"c{k}", "image": r.choice(IMAGES)} for k in range(r.randint(1, 3))]
    info = PodInfo(pod)
    plugin = next(pl for pl in fw.score_plugins if pl.name == "ImageLocality")
    nodes_list = NodeList(fw.snapshot, fw.snapshot.order)
    batch = plugin.score_batch(CycleState(), info, nodes_list)
    per_node = [plugin.score(CycleState(), info, fw.snapshot.slot_infos[s]) for s in fw.snapshot.order.tolist()]
    assert batch.tolist() == per_node
    assert batch.dtype == np.int64
