"""A heap of queued pods keyed by pod, with lazy deletion (backend/heap: the activeQ and backoffQ store)."""

from __future__ import annotations

import heapq
from typing import Any

from labk8s.scheduler.framework.types import QueuedPodInfo


class KeyedHeap:
    """A heap with keyed entries and lazy deletion."""

    def __init__(self) -> None:
        self._heap: list[list[Any]] = []
        self._by_key: dict[str, list[Any]] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def get(self, key: str) -> QueuedPodInfo | None:
        e = self._by_key.get(key)
        return e[1] if e is not None else None

    def push(self, sort_key: tuple[Any, ...], q: QueuedPodInfo) -> None:
        self.delete(q.key)
        e = [sort_key, q, True]
        self._by_key[q.key] = e
        heapq.heappush(self._heap, e)

    def delete(self, key: str) -> QueuedPodInfo | None:
        e = self._by_key.pop(key, None)
        if e is None:
            return None
        e[2] = False
        return e[1]

    def peek(self) -> QueuedPodInfo | None:
        h = self._heap
        while h and not h[0][2]:
            heapq.heappop(h)
        return h[0][1] if h else None

    def pop(self) -> QueuedPodInfo | None:
        q = self.peek()
        if q is not None:
            heapq.heappop(self._heap)
            del self._by_key[q.key]
        return q

    def items(self) -> list[QueuedPodInfo]:
        return [e[1] for e in sorted(self._by_key.values(), key=lambda e: e[0])]
