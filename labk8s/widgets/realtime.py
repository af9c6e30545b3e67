"""The only real-time adapter of labk8s: a Play widget that ticks in the browser.

The simulation never reads the wall clock. Play/Pause is an ipywidgets Play control whose timer runs
in the front end: every `interval_ms` of real time it increments its value, and the kernel reacts to
each increment by advancing virtual time. Closing the notebook (or pausing) stops the ticks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

#: Real milliseconds between ticks while playing.
TICK_INTERVAL_MS = 500


class Ticker:
    """Play/Pause: calls `on_tick()` once per tick while playing."""

    def __init__(self, on_tick: Callable[[], object], interval_ms: int = TICK_INTERVAL_MS) -> None:
        self.on_tick = on_tick
        self.interval_ms = interval_ms
        self.play = widgets.Play(value=0, min=0, max=2**31 - 1, step=1, interval=interval_ms,
                                 description="Play", show_repeat=False, tooltip="Play / Pause")
        self.play.observe(self._on_value, names="value")
        self.ticks = 0

    def _on_value(self, change: dict[str, Any]) -> None:
        # Only forward steps count; the Play's stop button rewinds to 0, which is not a tick.
        if change["new"] > change["old"]:
            self.ticks += 1
            self.on_tick()

    @property
    def playing(self) -> bool:
        return bool(self.play.playing)

    def pause(self) -> None:
        self.play.playing = False

    def close(self) -> None:
        self.play.unobserve(self._on_value, names="value")
        self.play.close()
