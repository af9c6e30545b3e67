"""The deterministic simulation core: virtual clock, event loop, seeded randomness, UIDs, trace.

Standard library only (DESIGN.md layer rules).
"""

from labk8s._sim.clock import EPOCH, format_rfc3339, format_rfc3339_micro, ms_to_seconds, seconds_to_ms
from labk8s._sim.loop import Event, EventLoop, Priority
from labk8s._sim.rng import Rng
from labk8s._sim.trace import Trace, TraceRecord
from labk8s._sim.uid import UidGenerator

__all__ = [
    "EPOCH",
    "Event",
    "EventLoop",
    "Priority",
    "Rng",
    "Trace",
    "TraceRecord",
    "UidGenerator",
    "format_rfc3339",
    "format_rfc3339_micro",
    "ms_to_seconds",
    "seconds_to_ms",
]
