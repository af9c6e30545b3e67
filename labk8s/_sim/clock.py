"""Virtual time: integer milliseconds since 2026-01-01T00:00:00Z.

Nothing in the model reads the wall clock; timestamps in objects are derived from virtual time here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

#: Virtual time 0.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def seconds_to_ms(seconds: float) -> int:
    """Convert virtual seconds to the loop's integer milliseconds (rounded to the nearest ms)."""
    return int(round(seconds * 1000))


def ms_to_seconds(ms: int) -> float:
    return ms / 1000.0


_cache: dict[int, str] = {}


def format_rfc3339(ms: int) -> str:
    """metav1.Time as the API server serialises it: RFC 3339 with second precision, `Z` suffix."""
    sec = ms // 1000
    hit = _cache.get(sec)
    if hit is None:
        hit = (EPOCH + timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if len(_cache) > 100_000:
            _cache.clear()
        _cache[sec] = hit
    return hit


def format_rfc3339_micro(ms: int) -> str:
    """metav1.MicroTime (Events, Leases): RFC 3339 with six fractional digits."""
    return (EPOCH + timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_rfc3339(text: str) -> int:
    """Inverse of :func:`format_rfc3339` / :func:`format_rfc3339_micro`: virtual milliseconds."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    delta = value - EPOCH
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
