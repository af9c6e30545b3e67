"""Durations and timestamps as kubectl prints them (AGE, LAST SEEN, DURATION, "(5m ago)").

Ports k8s.io/apimachinery/pkg/util/duration (HumanDuration, ShortHumanDuration) and the
translateTimestampSince helper of pkg/printers/internalversion/printers.go. "Now" is virtual:
milliseconds since virtual time 0 (2026-01-01T00:00:00Z); the wall clock is never read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from labk8s._sim.clock import EPOCH

_US_PER_MS = 1_000
_US_PER_S = 1_000_000
_US_PER_MIN = 60 * _US_PER_S
_US_PER_H = 60 * _US_PER_MIN


def _trunc_div(a: int, b: int) -> int:
    """Go's integer conversion of a quotient truncates toward zero (Python's // floors)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def human_duration_us(d: int) -> str:
    """duration.HumanDuration on a duration in microseconds."""
    # Allow deviation no more than 2 seconds (excluded) to tolerate machine time inconsistence.
    seconds = _trunc_div(d, _US_PER_S)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = d // _US_PER_MIN
    if minutes < 10:
        s = (d // _US_PER_S) % 60
        if s == 0:
            return f"{minutes}m"
        return f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // _US_PER_H
    if hours < 8:
        m = (d // _US_PER_MIN) % 60
        if m == 0:
            return f"{hours}h"
        return f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        if h == 0:
            return f"{hours // 24}d"
        return f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        if dy == 0:
            return f"{hours // 24 // 365}y"
        return f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def human_duration(ms: int) -> str:
    """duration.HumanDuration: "0s", "5s", "119s", "2m30s", "10m", "3h5m", "8h", "2d3h", "8d", "2y1d", "8y"."""
    return human_duration_us(ms * _US_PER_MS)


def short_human_duration(ms: int) -> str:
    """duration.ShortHumanDuration: one unit only ("59s", "1m", "23h", "364d", "2y")."""
    d = ms * _US_PER_MS
    seconds = _trunc_div(d, _US_PER_S)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = d // _US_PER_MIN
    if minutes < 60:
        return f"{minutes}m"
    hours = d // _US_PER_H
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


_GO_ZERO_YEAR = 1


def parse_time_us(value: object) -> int | None:
    """An RFC 3339 timestamp as microseconds since virtual time 0; None for a missing or zero time.

    None stands for Go's zero time.Time (unset field, or "0001-01-01T00:00:00Z"), which the
    printers show as "<unknown>".
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if dt.year == _GO_ZERO_YEAR and dt.month == 1 and dt.day == 1 and dt.hour == 0 and dt.minute == 0:
        return None
    delta = dt - EPOCH
    return (delta.days * 86_400 + delta.seconds) * _US_PER_S + delta.microseconds


def format_rfc3339_utc(value: object) -> str:
    """time.Time.UTC().Format(time.RFC3339) for the default table's CREATED AT column."""
    if isinstance(value, str) and value:
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            dt = None
        if dt is not None:
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "0001-01-01T00:00:00Z"


def since(value: object, now_ms: int) -> str:
    """translateTimestampSince: HumanDuration(now - t), "<unknown>" for a zero time."""
    t = parse_time_us(value)
    if t is None:
        return "<unknown>"
    return human_duration_us(now_ms * _US_PER_MS - t)


def between(start: object, end: object) -> str:
    """HumanDuration(end.Sub(start)) for two set timestamps (Job DURATION of a finished Job)."""
    s = parse_time_us(start)
    e = parse_time_us(end)
    # A zero time.Time is year 1; differences that far apart saturate in Go, never reached here.
    return human_duration_us((e or 0) - (s or 0))


def elapsed(start: object, now_ms: int) -> str:
    """HumanDuration(time.Since(start)) without the zero check (Job DURATION of a running Job)."""
    s = parse_time_us(start)
    return human_duration_us(now_ms * _US_PER_MS - (s or 0))
