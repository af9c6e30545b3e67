"""The event loop: a heap of (time, priority, sequence) and little else, in the manner of SimPy's core.

Callbacks run one at a time in a defined order. Errors are never swallowed: an exception raised by a
callback propagates out of :meth:`EventLoop.step` with the event's label attached as a note.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from enum import IntEnum

from labk8s._sim.trace import Trace


class Priority(IntEnum):
    """Same-time events run in this order (lower first)."""

    URGENT = 0  # API server internals (watch delivery)
    NORMAL = 1  # actors' work
    LOW = 2  # housekeeping (resyncs, garbage)


class Event:
    """A scheduled callback. Cancelling marks it; the loop skips cancelled events."""

    __slots__ = ("time", "priority", "seq", "callback", "label", "cancelled")

    def __init__(self, time: int, priority: int, seq: int, callback: Callable[[], object], label: str) -> None:
        self.time = time
        self.priority = priority
        self.seq = seq
        self.callback = callback
        self.label = label
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: Event) -> bool:
        return (self.time, self.priority, self.seq) < (other.time, other.priority, other.seq)

    def __repr__(self) -> str:
        return f"Event(t={self.time}ms, {self.label!r})"


class EventLoop:
    """Virtual-time scheduler. Time is integer milliseconds."""

    def __init__(self, trace: Trace | None = None) -> None:
        self._heap: list[tuple[int, int, int, Event]] = []
        self._seq = 0
        self.now_ms = 0
        self.trace = trace if trace is not None else Trace()
        self.processed = 0

    # -- scheduling -------------------------------------------------------------------------------
    def call_at(self, time_ms: int, callback: Callable[[], object], label: str = "",
                priority: int = Priority.NORMAL) -> Event:
        if time_ms < self.now_ms:
            time_ms = self.now_ms
        self._seq += 1
        ev = Event(time_ms, priority, self._seq, callback, label)
        heapq.heappush(self._heap, (time_ms, priority, self._seq, ev))
        return ev

    def call_later(self, delay_ms: int, callback: Callable[[], object], label: str = "",
                   priority: int = Priority.NORMAL) -> Event:
        if delay_ms < 0:
            raise ValueError(f"negative delay {delay_ms}ms for {label!r}")
        return self.call_at(self.now_ms + delay_ms, callback, label, priority)

    # -- running ----------------------------------------------------------------------------------
    def peek(self) -> int | None:
        """Time of the next live event, or None when idle."""
        heap = self._heap
        while heap and heap[0][3].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def step(self) -> Event | None:
        """Process the next live event; return it, or None when nothing is scheduled."""
        heap = self._heap
        while heap:
            _, _, _, ev = heapq.heappop(heap)
            if ev.cancelled:
                continue
            self.now_ms = ev.time
            self.processed += 1
            self.trace.record(ev.time, ev.label)
            try:
                ev.callback()
            except Exception as exc:  # re-raised: errors are never swallowed
                exc.add_note(f"while processing event {ev.label!r} at t={ev.time}ms")
                raise
            return ev
        return None

    def run_until_time(self, time_ms: int) -> int:
        """Process every event due at or before `time_ms`, then set the clock to `time_ms`."""
        n = 0
        while True:
            nxt = self.peek()
            if nxt is None or nxt > time_ms:
                break
            self.step()
            n += 1
        if time_ms > self.now_ms:
            self.now_ms = time_ms
        return n

    def pending(self) -> int:
        return sum(1 for item in self._heap if not item[3].cancelled)
