"""Kubelet goroutines on virtual time: generators that yield operations and are resumed by callbacks.

Upstream, a pod worker's SyncPod blocks while an image is pulled or a container stops; here the same code
is a generator. It yields an *operation*: a function ``start(resume)`` that starts something (a CRI call
with a callback, a timer) and calls ``resume(value)`` when it is done; the generator then continues with
``value``. An operation that completes at once (its callback runs inside ``start``) continues without
leaving the current loop event. Errors raised inside a task propagate (they are never swallowed).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from labk8s._sim import EventLoop, Priority

Resume = Callable[[Any], None]
Op = Callable[[Resume], None]
TaskGen = Generator[Op, Any, Any]


class Task:
    """One running generator. ``on_done(result)`` runs when it returns; ``cancel`` abandons it."""

    def __init__(self, gen: TaskGen, on_done: Callable[[Any], None] | None = None, name: str = "") -> None:
        self.gen = gen
        self.name = name
        self._on_done = on_done
        self.done = False
        self.cancelled = False
        self.result: Any = None
        self._token = 0
        #: The operation the task waits on (``cancelable`` ops may be abandoned, e.g. an image pull).
        self.current: Op | None = None

    def start(self) -> Task:
        self._step(None)
        return self

    def cancel(self) -> None:
        if not self.done:
            self.cancelled = True
            self.gen.close()

    def _step(self, value: Any) -> None:
        while True:
            try:
                op = self.gen.send(value)
            except StopIteration as stop:
                self.current = None
                self.done = True
                self.result = stop.value
                if self._on_done is not None:
                    self._on_done(stop.value)
                return
            self._token += 1
            token = self._token
            # [starting, value...]: a resume during ``op(...)`` is continued by this loop, not recursively.
            box: list[Any] = [True]

            def resume(v: Any = None, _token: int = token, _box: list[Any] = box) -> None:
                if self.cancelled or self.done or _token != self._token:
                    return
                self._token += 1  # each operation resumes once
                if _box[0]:
                    _box.append(v)
                else:
                    self._step(v)

            self.current = op
            op(resume)
            box[0] = False
            if len(box) == 1:
                return
            value = box[1]


# -- operations ---------------------------------------------------------------------------------------
def sleep(loop: EventLoop, ms: int, label: str = "kubelet: wait") -> Op:
    def start(resume: Resume) -> None:
        loop.call_later(max(0, ms), lambda: resume(None), label, Priority.NORMAL)
    return start


def call(fn: Callable[..., Any], *args: Any) -> Op:
    """Call ``fn(*args, callback)``; resume with the callback's arguments as a tuple."""
    def start(resume: Resume) -> None:
        fn(*args, lambda *results: resume(results))
    return start


def gather(gens: list[TaskGen]) -> Op:
    """Run sub-generators concurrently (goroutines + WaitGroup); resume with their results in order."""
    def start(resume: Resume) -> None:
        results: list[Any] = [None] * len(gens)
        left = [len(gens)]
        if not gens:
            resume([])
            return

        def finished(i: int) -> Callable[[Any], None]:
            def done(value: Any) -> None:
                results[i] = value
                left[0] -= 1
                if left[0] == 0:
                    resume(results)
            return done

        for i, g in enumerate(gens):
            Task(g, finished(i)).start()
    return start


def first_of(loop: EventLoop, gen: TaskGen, timeout_ms: int, label: str) -> Op:
    """Run ``gen``; resume with (True, result) when it ends or (False, None) after ``timeout_ms``
    (the sub-task keeps running, as a goroutine a select stopped waiting for does)."""
    def start(resume: Resume) -> None:
        settled = [False]

        def done(value: Any) -> None:
            if not settled[0]:
                settled[0] = True
                ev.cancel()
                resume((True, value))

        def expire() -> None:
            if not settled[0]:
                settled[0] = True
                resume((False, None))

        ev = loop.call_later(max(0, timeout_ms), expire, label, Priority.NORMAL)
        Task(gen, done).start()
    return start
