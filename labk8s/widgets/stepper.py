"""The Stepper: drives one cluster through virtual time and re-renders every view that follows it.

Controls: Step (process the next event of the loop), Run (advance N virtual seconds), Play/Pause
(advance `speed` virtual seconds per real second, ticking in the browser: realtime.py), Reset (build
the scenario again with the same seed, so the run starts over identically), and a readout of virtual
time, the store's revision and the last event.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as widgets

from labk8s.analysis.history import DEFAULT_KINDS, Recorder
from labk8s.cluster import Cluster
from labk8s.widgets.current_cluster import use as use_cluster
from labk8s.widgets.realtime import TICK_INTERVAL_MS, Ticker


class Follower(Protocol):
    """What a Stepper drives: views (labk8s.widgets.base.View) implement it."""

    def attach(self, cluster: Cluster) -> None: ...

    def refresh(self, force: bool = False) -> bool: ...

    def close(self) -> None: ...


Scenario = Callable[[int], Cluster]


class Stepper:
    """Step / Run / Play / Reset a cluster built by `scenario(seed)`.

    `scenario` is a function of the seed returning a fresh Cluster (Reset calls it again with the same
    seed); a Cluster may be given instead, in which case Reset is disabled. With `record` (default), a
    Recorder (labk8s.analysis.history) watches the cluster from the start so that views can show
    history; it is restarted on Reset.
    """

    def __init__(self, scenario: Scenario | Cluster, seed: int = 0, *, run_seconds: float = 10.0,
                 speed: float = 1.0, record: bool = True, interval_ms: int = TICK_INTERVAL_MS) -> None:
        self.scenario: Scenario | None = None if isinstance(scenario, Cluster) else scenario
        self.seed = seed
        self.record = record
        self._followers: list[Follower] = []
        self.closed = False
        self.last_event: str | None = None
        self.resets = 0
        self._cluster = scenario if isinstance(scenario, Cluster) else scenario(seed)
        self.recorder: Recorder | None = Recorder(self._cluster, DEFAULT_KINDS) if record else None

        self.step_button = widgets.Button(description="Step", button_style="primary", tooltip="Process the next event")
        self.run_button = widgets.Button(description="Run", tooltip="Advance virtual time by the given seconds")
        self.run_seconds = widgets.BoundedFloatText(value=run_seconds, min=0.001, max=86_400.0, step=1.0,
                                                    description="seconds", layout=widgets.Layout(width="170px"),
                                                    style={"description_width": "55px"})
        self.ticker = Ticker(self._tick, interval_ms)
        self.speed = widgets.FloatLogSlider(value=speed, base=10, min=-1, max=2, step=0.1, description="speed x",
                                            readout_format=".1f", layout=widgets.Layout(width="340px"),
                                            tooltip="virtual seconds per real second while playing")
        self.reset_button = widgets.Button(description="Reset", disabled=self.scenario is None,
                                           tooltip="Rebuild the scenario with the same seed")
        self.readout = widgets.HTML()
        self.step_button.on_click(lambda _b: self.step())
        self.run_button.on_click(lambda _b: self.run(float(self.run_seconds.value)))
        self.reset_button.on_click(lambda _b: self.reset())
        self.widget = widgets.VBox([
            widgets.HBox([self.step_button, self.run_button, self.run_seconds, self.ticker.play, self.speed,
                          self.reset_button]),
            self.readout,
        ])
        self.widget.add_class("labk8s-stepper")
        self.readout.add_class("labk8s-readout")
        use_cluster(self._cluster)
        self._update_readout()

    # -- the cluster ------------------------------------------------------------------------------------
    @property
    def cluster(self) -> Cluster:
        return self._cluster

    @property
    def followers(self) -> list[Follower]:
        return list(self._followers)

    def subscribe(self, follower: Follower) -> None:
        if follower not in self._followers:
            self._followers.append(follower)

    def unsubscribe(self, follower: Follower) -> None:
        if follower in self._followers:
            self._followers.remove(follower)

    # -- driving ----------------------------------------------------------------------------------------
    def step(self) -> str | None:
        """Process the next event of the loop (None when nothing is scheduled), then re-render."""
        self.last_event = self._cluster.step()
        self.render()
        return self.last_event

    def run(self, seconds: float) -> float:
        """Advance virtual time by `seconds`, processing everything due, then re-render."""
        before = self._cluster.loop.processed
        self._cluster.run(seconds)
        self.last_event = f"ran {seconds:g}s: {self._cluster.loop.processed - before} events"
        self.render()
        return self._cluster.now

    def _tick(self) -> None:
        self.run(float(self.speed.value) * self.ticker.interval_ms / 1000.0)

    def reset(self) -> Cluster:
        """Build the scenario again with the same seed; every follower moves to the new cluster."""
        if self.scenario is None:
            raise ValueError("this Stepper was given a Cluster, not a scenario function: it cannot reset")
        self.ticker.pause()
        if self.recorder is not None:
            self.recorder.stop()
        self._cluster = self.scenario(self.seed)
        self.recorder = Recorder(self._cluster, DEFAULT_KINDS) if self.record else None
        self.resets += 1
        self.last_event = "reset"
        use_cluster(self._cluster)
        for follower in list(self._followers):
            follower.attach(self._cluster)
        self.render(force=True)
        return self._cluster

    def render(self, force: bool = False) -> None:
        """Update the readout and refresh every follower."""
        if self.closed:
            return
        self._update_readout()
        for follower in list(self._followers):
            follower.refresh(force=force)

    # -- readout ----------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """What the readout shows, as data."""
        c = self._cluster
        nxt = c.loop.peek()
        return {"time": c.now, "revision": c.store.revision, "events": c.loop.processed,
                "next": None if nxt is None else nxt / 1000.0, "last": self.last_event}

    def _update_readout(self) -> None:
        st = self.status()
        nxt = "idle (nothing scheduled)" if st["next"] is None else f"next event at t={st['next']:.3f}s"
        last = html.escape(st["last"] or "-")
        self.readout.value = (f"<code>t={st['time']:.3f}s</code> &middot; revision {st['revision']} &middot; "
                              f"{st['events']} events processed &middot; {nxt}<br><small>last: {last}</small>")

    # -- lifecycle --------------------------------------------------------------------------------------
    def close(self) -> None:
        """Close every follower, stop the recorder and close the controls."""
        if self.closed:
            return
        for follower in list(self._followers):
            follower.close()
        self._followers.clear()
        self.closed = True
        if self.recorder is not None:
            self.recorder.stop()
        self.ticker.close()
        for w in (self.step_button, self.run_button, self.run_seconds, self.speed, self.reset_button, self.readout,
                  *self.widget.children, self.widget):
            w.close()

    def __repr__(self) -> str:
        if self.closed:
            return "Stepper(closed)"
        st = self.status()
        nxt = "idle" if st["next"] is None else f"next={st['next']:.3f}s"
        return f"Stepper(t={st['time']:.3f}s, revision={st['revision']}, events={st['events']}, {nxt})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        return data
