"""KubeSchedulerConfiguration defaults and the node-search arithmetic of schedule_one.go:
percentageOfNodesToScore (adaptive when 0), numFeasibleNodesToFind, the round-robin start index and
selectHost's seeded reservoir sampling among the top scores."""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt

#: The profile every pod without another schedulerName uses.
DEFAULT_SCHEDULER_NAME = "default-scheduler"
#: KubeSchedulerConfiguration.percentageOfNodesToScore default: 0 means adaptive.
PERCENTAGE_OF_NODES_TO_SCORE = 0
#: minFeasibleNodesToFind and minFeasibleNodesPercentageToFind (schedule_one.go).
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


def num_feasible_nodes_to_find(num_all_nodes: int, profile_percentage: int | None = None,
                               global_percentage: int = PERCENTAGE_OF_NODES_TO_SCORE) -> int:
    """numFeasibleNodesToFind: every node below 100 nodes; otherwise a percentage of the nodes
    (adaptive: 50 - n/125, at least 5), never fewer than 100."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    pct = profile_percentage if profile_percentage is not None else global_percentage
    if pct == 0:
        pct = 50 - num_all_nodes // 125
        if pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    n = num_all_nodes * pct // 100
    return max(n, MIN_FEASIBLE_NODES_TO_FIND)


def next_start_node_index(current: int, processed: int, num_all_nodes: int) -> int:
    """nextStartNodeIndex after a cycle: advance by the nodes processed (feasible + rejected)."""
    return (current + processed) % num_all_nodes if num_all_nodes else 0


def select_host(totals: npt.NDArray[np.int64], rng: np.random.Generator) -> int:
    """selectHost: the index of a node with the highest total. Reservoir sampling over the ties in order:
    the k-th tied node (k >= 2) replaces the choice when a uniform draw u_k satisfies u_k * k < 1
    (rand.Intn(k) == 0), so every top node is equally likely. The draws come from one vector."""
    best = totals.max()
    ties = np.flatnonzero(totals == best)
    n = len(ties)
    if n == 1:
        return int(ties[0])
    draws = rng.random(n - 1) * np.arange(2, n + 1)
    replaced = np.flatnonzero(draws < 1.0)
    return int(ties[replaced[-1] + 1]) if len(replaced) else int(ties[0])


def new_tie_breaker(rng: random.Random) -> np.random.Generator:
    """The scheduler's tie-break stream: a PCG64 generator seeded once from its own Rng stream."""
    return np.random.Generator(np.random.PCG64(rng.getrandbits(64)))
