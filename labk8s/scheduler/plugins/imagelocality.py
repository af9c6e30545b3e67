"""ImageLocality: favours nodes that already hold the pod's images, weighted by how widely each image
has spread (imageSize * nodesWithImage / totalNodes), between 23MB and 1000MB per container."""

from __future__ import annotations

from typing import Any

import numpy as np

from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import ClusterEventWithHint
from labk8s.scheduler.framework.interface import EnqueueExtensions, IntArray, NodeList, ScorePlugin
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.status import MAX_NODE_SCORE
from labk8s.scheduler.framework.types import PodInfo
from labk8s.scheduler.plugins.base import PluginBase

Obj = dict[str, Any]
NAME = "ImageLocality"
MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


def sum_image_scores(node: NodeInfo, pod: PodInfo, total_nodes: int) -> int:
    total = 0
    states = node.image_states
    for image in pod.images:
        state = states.get(image)
        if state is not None:
            # scaledImageScore: int64(float64(size) * (float64(numNodes) / float64(totalNodes)))
            total += int(float(state.size) * (float(state.num_nodes) / float(total_nodes)))
    return total


class ImageLocality(PluginBase, ScorePlugin, EnqueueExtensions):
    name = NAME

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        total_nodes = self.handle.snapshot.num_nodes()
        return calculate_priority(sum_image_scores(node, pod, total_nodes), len(pod.images))

    def score_batch(self, state: CycleState, pod: PodInfo, nodes: NodeList) -> IntArray:
        """``score`` for every node at once: each image's scaled score is the same on every node that
        holds it, so a node's sum is the sum of those scores over the images its slot holds."""
        snap = nodes.snapshot
        num_containers = len(pod.images)
        sums: IntArray | None = None
        total_nodes = self.handle.snapshot.num_nodes()
        for image in pod.images:
            st = snap.image_states.get(image)
            if st is None:
                continue
            scaled = int(float(st.size) * (float(st.num_nodes) / float(total_nodes)))
            held = snap.image_slots[image][nodes.slots]
            contribution = held * np.int64(scaled)
            sums = contribution if sums is None else sums + contribution
        if sums is None:
            return np.full(len(nodes), calculate_priority(0, num_containers), dtype=np.int64)
        max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
        clipped = np.minimum(np.maximum(sums, MIN_THRESHOLD), max_threshold)
        return (MAX_NODE_SCORE * (clipped - MIN_THRESHOLD)) // (max_threshold - MIN_THRESHOLD)

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return []
