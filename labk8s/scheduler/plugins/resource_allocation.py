"""resourceAllocationScorer (noderesources/resource_allocation.go) with the LeastAllocated and the
BalancedAllocation formulas, per node and vectorised over the snapshot arrays.

Vectorised arithmetic is exactly upstream's: int64 products and (non-negative) divisions for
LeastAllocated, IEEE float64 fractions and truncation for BalancedAllocation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from labk8s.errors import FieldError, aggregate_message
from labk8s.scheduler.framework.interface import IntArray, NodeList
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.resource import CPU, EPHEMERAL_STORAGE, MEMORY, is_scalar_resource_name
from labk8s.scheduler.framework.status import MAX_NODE_SCORE
from labk8s.scheduler.framework.types import PodInfo

Obj = dict[str, Any]
#: The default scoring resources of NodeResourcesFit and NodeResourcesBalancedAllocation.
DEFAULT_RESOURCES: tuple[tuple[str, int], ...] = ((CPU, 1), (MEMORY, 1))


class PluginConfigError(ValueError):
    """Invalid plugin args, with the field errors kube-scheduler's config validation reports."""


def validate_resources(resources: Sequence[tuple[str, int]], path: str) -> None:
    """validateResources: every weight in (0, 100]."""
    errs = [FieldError.invalid(f"{path}[{i}].weight", w, f"resource weight of {name} not in valid range (0, 100]")
            for i, (name, w) in enumerate(resources) if w <= 0 or w > 100]
    if errs:
        raise PluginConfigError(aggregate_message(str(e) for e in errs))


def parse_resources(args: Obj, default: Sequence[tuple[str, int]] = DEFAULT_RESOURCES) -> list[tuple[str, int]]:
    raw = args.get("resources")
    if raw is None:
        return list(default)
    return [(str(r["name"]), int(r.get("weight", 1))) for r in raw]


def pod_request_list(pod: PodInfo, resources: Sequence[tuple[str, int]], use_requested: bool) -> list[int]:
    """calculatePodResourceRequestList: the pod's request per scoring resource; without useRequested, a
    container that states no cpu/memory request counts the defaults (100m, 200Mi)."""
    res = pod.resource
    out = []
    for name, _ in resources:
        if name == CPU:
            out.append(res.requests.milli_cpu if use_requested else res.non0_cpu)
        elif name == MEMORY:
            out.append(res.requests.memory if use_requested else res.non0_mem)
        else:
            out.append(res.requests.get(name))
    return out


def allocatable_and_requested(ni: NodeInfo, name: str, pod_request: int, use_requested: bool) -> tuple[int, int]:
    """calculateResourceAllocatableRequest for one node and resource."""
    requested = ni.requested if use_requested else ni.non_zero_requested
    if pod_request == 0 and is_scalar_resource_name(name):
        return 0, 0
    if name == CPU:
        return ni.allocatable.milli_cpu, requested.milli_cpu + pod_request
    if name == MEMORY:
        return ni.allocatable.memory, requested.memory + pod_request
    if name == EPHEMERAL_STORAGE:
        return ni.allocatable.ephemeral_storage, ni.requested.ephemeral_storage + pod_request
    if name in ni.allocatable.scalar:
        return ni.allocatable.scalar[name], ni.requested.scalar.get(name, 0) + pod_request
    return 0, 0


def least_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return ((capacity - requested) * MAX_NODE_SCORE) // capacity


def least_allocated(requested: Sequence[int], allocatable: Sequence[int], weights: Sequence[int]) -> int:
    """leastResourceScorer: weighted mean of the per-resource free share (resources with no capacity skip)."""
    node_score = weight_sum = 0
    for req, alloc, w in zip(requested, allocatable, weights, strict=True):
        if alloc == 0:
            continue
        node_score += least_requested_score(req, alloc) * w
        weight_sum += w
    return node_score // weight_sum if weight_sum else 0


def balanced_allocation(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """balancedResourceScorer, current formula: (1 - std of the requested fractions) * 100, truncated."""
    fractions = []
    total = 0.0
    for req, alloc in zip(requested, allocatable, strict=True):
        if alloc == 0:
            continue
        f = float(req) / float(alloc)
        if f > 1:
            f = 1.0
        total += f
        fractions.append(f)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / len(fractions)
        s = 0.0
        for f in fractions:
            s = s + (f - mean) * (f - mean)
        std = math.sqrt(s / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def score_node(ni: NodeInfo, resources: Sequence[tuple[str, int]], pod_requests: Sequence[int], use_requested: bool,
               least: bool) -> int:
    """resourceAllocationScorer.score for one node."""
    reqs: list[int] = []
    allocs: list[int] = []
    for (name, _), pr in zip(resources, pod_requests, strict=True):
        alloc, req = allocatable_and_requested(ni, name, pr, use_requested)
        allocs.append(alloc)
        reqs.append(req if alloc != 0 else 0)
    if least:
        return least_allocated(reqs, allocs, [w for _, w in resources])
    return balanced_allocation(reqs, allocs)


def vectorisable(resources: Sequence[tuple[str, int]]) -> bool:
    return all(name in (CPU, MEMORY) for name, _ in resources)


def _arrays(nodes: NodeList, name: str, pod_request: int, use_requested: bool) -> tuple[IntArray, IntArray]:
    if name == CPU:
        alloc = nodes.column("alloc_cpu")
        req = nodes.column("req_cpu" if use_requested else "nz_cpu") + pod_request
    else:
        alloc = nodes.column("alloc_mem")
        req = nodes.column("req_mem" if use_requested else "nz_mem") + pod_request
    return alloc, req


def least_allocated_batch(nodes: NodeList, resources: Sequence[tuple[str, int]], pod_requests: Sequence[int]) -> IntArray:
    node_score: IntArray | None = None
    weight_sum: IntArray | int = 0
    all_valid = True
    for (name, w), pr in zip(resources, pod_requests, strict=True):
        alloc, req = _arrays(nodes, name, pr, False)
        valid = alloc != 0
        if valid.all():
            score = (alloc - req) * MAX_NODE_SCORE // alloc
            score[req > alloc] = 0
            weight_sum = weight_sum + w
        else:
            all_valid = False
            score = np.where(req > alloc, 0, ((alloc - req) * MAX_NODE_SCORE) // np.where(valid, alloc, 1))
            score[~valid] = 0
            weight_sum = weight_sum + np.where(valid, w, 0)
        score *= w
        node_score = score if node_score is None else node_score + score
    if node_score is None:
        return np.zeros(len(nodes), dtype=np.int64)
    if all_valid:
        return node_score // weight_sum
    ws = np.asarray(weight_sum)
    return np.where(ws == 0, 0, node_score // np.where(ws == 0, 1, ws))


def balanced_allocation_batch(nodes: NodeList, resources: Sequence[tuple[str, int]],
                              pod_requests: Sequence[int]) -> IntArray:
    """Two-resource (cpu, memory) case; resources with no capacity on a node leave one fraction (std 0)."""
    fracs = []
    valids = []
    for (name, _), pr in zip(resources, pod_requests, strict=True):
        alloc, req = _arrays(nodes, name, pr, True)
        valid = alloc != 0
        f = req / (alloc if valid.all() else np.where(valid, alloc, 1))  # int64 / int64: float64 division
        np.minimum(f, 1.0, out=f)
        fracs.append(f)
        valids.append(valid)
    if len(fracs) == 2:
        std = np.abs((fracs[0] - fracs[1]) / 2)
        both = valids[0] & valids[1]
        if not both.all():
            std[~both] = 0.0
    else:
        std = np.zeros(len(nodes), dtype=np.float64)
    return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
