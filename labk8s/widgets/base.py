"""The base of every view: it owns its widgets, follows a Stepper (or shows one Cluster), re-renders
when what it shows has changed, and closes cleanly."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from labk8s.analysis.history import Recorder
from labk8s.cluster import Cluster

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper


class View:
    """A view of one cluster.

    Construct it with a Stepper (it subscribes, re-renders after every Step / Run / tick, and follows a
    Reset to the new cluster) or with a Cluster (call `refresh()` yourself). `widget` is the ipywidgets
    tree it owns; `close()` unsubscribes, stops its watches and closes every widget it created.
    """

    #: Name used in the text/plain form (what nbval compares and what GitHub shows).
    title = "View"

    def __init__(self, source: Stepper | Cluster) -> None:
        self.stepper: Stepper | None = None if isinstance(source, Cluster) else source
        self._cluster: Cluster = source if isinstance(source, Cluster) else source.cluster
        self._owned: list[widgets.Widget] = []
        self._own_recorder: Recorder | None = None
        self._key: Hashable = None
        self.closed = False
        #: How many times the view actually redrew (skipped refreshes do not count).
        self.renders = 0
        self.widget: widgets.Box = self.own(widgets.VBox())
        # A stable CSS class per view ("labk8s-clusterview"), for styling and for browser tests.
        self.widget.add_class(f"labk8s-{self.title.lower()}")

    # -- ownership ----------------------------------------------------------------------------------------
    def own(self, widget: Any) -> Any:
        """Register a widget this view created, so that close() closes it."""
        self._owned.append(widget)
        return widget

    def _subscribe(self) -> None:
        """Subclasses call this at the end of __init__, once their widgets exist."""
        if self.stepper is not None:
            self.stepper.subscribe(self)
        self.refresh(force=True)

    @property
    def cluster(self) -> Cluster:
        return self._cluster

    @property
    def recorder(self) -> Recorder:
        """The stepper's Recorder, or one this view started for its bare cluster."""
        if self.stepper is not None and self.stepper.recorder is not None:
            return self.stepper.recorder
        if self._own_recorder is None or self._own_recorder.cluster is not self._cluster:
            if self._own_recorder is not None:
                self._own_recorder.stop()
            self._own_recorder = Recorder(self._cluster)
        return self._own_recorder

    # -- rendering ----------------------------------------------------------------------------------------
    def attach(self, cluster: Cluster) -> None:
        """Follow a new cluster (the stepper was reset)."""
        self._cluster = cluster
        self._key = None
        self.on_attach()

    def on_attach(self) -> None:
        """Hook for views with per-cluster state (selections, caches)."""

    def render_key(self) -> Hashable:
        """What the view depends on; render() runs only when it changes. Default: the store's revision
        and the virtual time (ages and open intervals move with time)."""
        return (self._cluster.store.revision, self._cluster.loop.now_ms)

    def refresh(self, force: bool = False) -> bool:
        """Re-render if the key changed (or `force`); returns whether it redrew."""
        if self.closed:
            return False
        key = self.render_key()
        if not force and key == self._key:
            return False
        self._key = key
        self.render()
        self.renders += 1
        return True

    def render(self) -> None:
        raise NotImplementedError

    def summary(self) -> str:
        """One line describing what the view shows now (its text/plain form)."""
        return f"t={self._cluster.now:.3f}s"

    # -- lifecycle ----------------------------------------------------------------------------------------
    def close(self) -> None:
        """Unsubscribe from the stepper, stop this view's watches, close every widget it owns."""
        if self.closed:
            return
        self.closed = True
        if self.stepper is not None:
            self.stepper.unsubscribe(self)
        if self._own_recorder is not None:
            self._own_recorder.stop()
            self._own_recorder = None
        for w in reversed(self._owned):
            w.close()
        self._owned.clear()

    # -- display --------------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"{self.title}({'closed' if self.closed else self.summary()})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget, with a text/plain form made of the view's summary (stable, and readable where
        widgets cannot render)."""
        data: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        return data
