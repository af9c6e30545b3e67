"""A bounded record of the events the loop processed, for notebooks and debugging."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TraceRecord:
    time_ms: int
    label: str


class Trace:
    """Keeps the most recent `capacity` processed events (oldest dropped first)."""

    def __init__(self, capacity: int = 200_000) -> None:
        self._records: deque[tuple[int, str]] = deque(maxlen=capacity)
        self.total = 0

    def record(self, time_ms: int, label: str) -> None:
        self._records.append((time_ms, label))
        self.total += 1

    def records(self) -> list[TraceRecord]:
        return [TraceRecord(t, label) for t, label in self._records]

    def clear(self) -> None:
        self._records.clear()

    def __len__(self) -> int:
        return len(self._records)
