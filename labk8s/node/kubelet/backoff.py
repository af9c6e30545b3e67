"""flowcontrol.Backoff (client-go util/flowcontrol/backoff.go) on virtual milliseconds, without jitter.

``next`` doubles an entry's delay up to the maximum; an entry not updated for more than 2*max is stale:
``next`` restarts it at the initial delay and ``is_in_backoff_since`` says no (with the kubelet's
defaults: 10s doubling to 300s, reset after 10 minutes without a crash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Entry:
    backoff_ms: int
    last_update_ms: int


class Backoff:
    def __init__(self, initial_ms: int, max_ms: int, now: Callable[[], int]) -> None:
        self.initial_ms = initial_ms
        self.max_ms = max_ms
        self._now = now
        self._entries: dict[str, _Entry] = {}

    def _expired(self, event_ms: int, last_update_ms: int) -> bool:
        # hasExpired: "consider stable if it's ok for twice the maxDuration".
        return event_ms - last_update_ms > 2 * self.max_ms

    def get(self, key: str) -> int:
        """The current delay of ``key`` (0 when unknown)."""
        entry = self._entries.get(key)
        return entry.backoff_ms if entry else 0

    def next(self, key: str, event_ms: int) -> None:
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry.last_update_ms):
            entry = _Entry(self.initial_ms, 0)
            self._entries[key] = entry
        else:
            entry.backoff_ms = min(entry.backoff_ms * 2, self.max_ms)
        entry.last_update_ms = self._now()

    def is_in_backoff_since(self, key: str, event_ms: int) -> bool:
        """IsInBackOffSince: is ``now`` within the delay counted from ``event_ms`` (a container's exit)?"""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry.last_update_ms):
            return False
        return self._now() - event_ms < entry.backoff_ms

    def is_in_backoff_since_update(self, key: str, event_ms: int) -> bool:
        """IsInBackOffSinceUpdate: is ``event_ms`` within the delay counted from the last update?"""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry.last_update_ms):
            return False
        return event_ms - entry.last_update_ms < entry.backoff_ms

    def expiry_since(self, key: str, event_ms: int) -> int | None:
        """When ``is_in_backoff_since(key, event_ms)`` turns false (the kubelet re-syncs then)."""
        entry = self._entries.get(key)
        return None if entry is None else event_ms + entry.backoff_ms

    def expiry_since_update(self, key: str) -> int | None:
        entry = self._entries.get(key)
        return None if entry is None else entry.last_update_ms + entry.backoff_ms

    def gc(self) -> None:
        """Drop entries not updated for 2*max (Backoff.GC)."""
        now = self._now()
        for key in [k for k, e in self._entries.items() if now - e.last_update_ms > 2 * self.max_ms]:
            del self._entries[key]

    def reset(self, key: str) -> None:
        self._entries.pop(key, None)
