"""A rate-limited work queue on virtual time (client-go util/workqueue).

Keys are deduplicated while waiting; a key being processed that is added again is processed once more
afterwards, never concurrently. Each processed key is one event of the loop, so a notebook can step
through reconciles one by one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from labk8s._sim import EventLoop, Priority

#: DefaultControllerRateLimiter's per-item exponential backoff: 5ms doubling up to 1000s.
RATE_LIMIT_BASE_MS = 5
RATE_LIMIT_MAX_MS = 1_000_000


class WorkQueue:
    def __init__(self, loop: EventLoop, name: str, handler: Callable[[str], None]) -> None:
        self.loop = loop
        self.name = name
        self._handler = handler
        self._queue: deque[str] = deque()
        self._dirty: set[str] = set()
        self._processing: set[str] = set()
        self._failures: dict[str, int] = {}
        self._scheduled = False
        self.shutting_down = False

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, key: str) -> None:
        if self.shutting_down or key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return
        self._queue.append(key)
        self._schedule()

    def add_after(self, key: str, delay_ms: int) -> None:
        if delay_ms <= 0:
            self.add(key)
            return
        self.loop.call_later(delay_ms, lambda: self.add(key), f"{self.name}: requeue {key}", Priority.NORMAL)

    def add_rate_limited(self, key: str) -> None:
        n = self._failures.get(key, 0)
        self._failures[key] = n + 1
        delay = min(RATE_LIMIT_BASE_MS * (2 ** min(n, 40)), RATE_LIMIT_MAX_MS)
        self.add_after(key, delay)

    def forget(self, key: str) -> None:
        self._failures.pop(key, None)

    def num_requeues(self, key: str) -> int:
        return self._failures.get(key, 0)

    def shutdown(self) -> None:
        self.shutting_down = True
        self._queue.clear()
        self._dirty.clear()

    def _schedule(self) -> None:
        if not self._scheduled and self._queue:
            self._scheduled = True
            self.loop.call_later(0, self._process_one, f"{self.name}: sync", Priority.NORMAL)

    def _process_one(self) -> None:
        self._scheduled = False
        if not self._queue:
            return
        key = self._queue.popleft()
        self._dirty.discard(key)
        self._processing.add(key)
        try:
            self._handler(key)
        finally:
            self._processing.discard(key)
            if key in self._dirty:
                self._queue.append(key)
            self._schedule()
