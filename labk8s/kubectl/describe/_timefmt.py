"""Times as kubectl describe prints them, on labk8s's virtual clock.

Objects carry RFC 3339 strings (``metav1.Time`` has second precision, ``metav1.MicroTime``
microseconds). Virtual time 0 is 2026-01-01T00:00:00Z and ``now_ms`` counts virtual milliseconds
from there; nothing here reads the wall clock. kubectl shows local time; labk8s's kubectl runs in
UTC, so ``time.RFC1123Z`` prints ``+0000``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Go's zero time.Time formatted with RFC1123Z (a condition without lastProbeTime prints this).
ZERO_RFC1123Z = "Mon, 01 Jan 0001 00:00:00 +0000"

_shared_human_duration: Callable[[int], str] | None
try:  # Another module owns kubectl's HumanDuration; use it when it exists.
    from labk8s.kubectl.printers.age import human_duration as _imported_human_duration

    _shared_human_duration = _imported_human_duration
except ImportError:  # pragma: no cover - depends on what else is checked out
    _shared_human_duration = None


def parse_time(value: object) -> datetime | None:
    """RFC 3339 string -> aware datetime; None/"" (Go's zero time) -> None."""
    if not isinstance(value, str) or not value:
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    if (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond) == (1, 1, 1, 0, 0, 0, 0):
        return None  # "0001-01-01T00:00:00Z" is Go's zero time
    return dt


def rfc1123z(value: object) -> str:
    """``t.Format(time.RFC1123Z)``: ``Thu, 01 Jan 2026 00:00:05 +0000``."""
    dt = parse_time(value)
    if dt is None:
        return ZERO_RFC1123Z
    return (
        f"{_DAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} +0000"
    )


def go_time_string(value: object) -> str:
    """``time.Time.String()`` in UTC: ``2026-01-01 00:00:05 +0000 UTC`` (fractions only if non-zero)."""
    dt = parse_time(value)
    if dt is None:
        return "0001-01-01 00:00:00 +0000 UTC"
    frac = ""
    if dt.microsecond:
        frac = f".{dt.microsecond:06d}".rstrip("0")
    return f"{dt:%Y-%m-%d %H:%M:%S}{frac} +0000 UTC"


def _micros_since_epoch(dt: datetime) -> int:
    delta = dt - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _trunc_div(a: int, b: int) -> int:
    """Go integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def human_duration(ms: int) -> str:
    """apimachinery ``duration.HumanDuration`` for a duration in milliseconds."""
    if _shared_human_duration is not None:
        return str(_shared_human_duration(ms))
    return _human_duration(ms)


def _human_duration(ms: int) -> str:
    seconds = _trunc_div(ms, 1000)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = ms // 60_000
    if minutes < 10:
        s = (ms // 1000) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ms // 3_600_000
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def since_ms(value: object, now_ms: int) -> int | None:
    """Elapsed virtual milliseconds from ``value`` to ``now_ms`` (truncated toward zero)."""
    dt = parse_time(value)
    if dt is None:
        return None
    return _trunc_div(now_ms * 1000 - _micros_since_epoch(dt), 1000)


def translate_timestamp_since(value: object, now_ms: int) -> str:
    """translateTimestampSince / translateMicroTimestampSince: ``<unknown>`` for a zero time."""
    elapsed = since_ms(value, now_ms)
    if elapsed is None:
        return "<unknown>"
    return human_duration(elapsed)


def sort_key(value: object) -> tuple[int, int]:
    """Orderable form of a timestamp; the zero time sorts first (as Go's zero time.Time)."""
    dt = parse_time(value)
    if dt is None:
        return (0, 0)
    return (1, _micros_since_epoch(dt))
