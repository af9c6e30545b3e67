"""The process model: what a simulated process yields, how it is signalled, and where its output goes.

A process is a generator driven on virtual time::

    gen = run_command(["sh", "-c", "sleep 5; exit 3"], ctx)
    wait = next(gen)            # Sleep(5000): resume me after 5 s of virtual time
    wait = gen.send(None)       # ... the driver resumed it; StopIteration.value == 3
    gen.send(Signal("SIGKILL")) # or deliver a signal instead of resuming

Inside a process several tasks may run at once (pipeline stages, ``&`` jobs); a :class:`Scheduler`
multiplexes them and yields to the driver only the earliest wake-up. Internal waits (reading an empty
pipe, waiting for jobs) never leave the process.

Signals follow Linux: SIGKILL always ends the process (137). A caught signal goes to the program's
handler. A signal whose action is the default one is ignored by PID 1 (the kernel only delivers to
the init process of a PID namespace the signals it has a handler for) and otherwise ends the process
with 128 + signal number (SIGTERM -> 143).

Output: each process writes through its :class:`ProcessContext` into a log of ``(time_ms, stream,
text)`` entries, one per line as the CRI logs them: ``text`` ends with ``"\\n"`` except for a last
partial line flushed at exit. The log is capped per context (one context per container run):
``max_log_lines`` (10,000) lines or ``max_log_bytes`` (1 MiB), whichever comes first; later output is
dropped and ``truncated`` is set.

CPU-bound loops: the interpreter counts commands; every ``STEPS_PER_TICK`` (1,000) commands it
yields ``TICK_MS`` (1 ms) of virtual time, so ``while true; do echo x; done`` cannot hang the event
loop. After ``SPIN_AFTER_STEPS`` (100,000) commands without any real wait the process counts as
spinning and each further 1,000 commands cost ``SPIN_TICK_MS`` (10 s) of virtual time: this bounds the
wall time a spinning container costs the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labk8s.node.runtime.shell.filesystem import Filesystem

__all__ = [
    "SIGNALS",
    "LogLine",
    "ForkError",
    "Pipe",
    "ProcessContext",
    "Scheduler",
    "Signal",
    "Sleep",
    "Task",
    "Wait",
    "WaitForever",
    "signal_number",
]

STEPS_PER_TICK = 1000
TICK_MS = 1
SPIN_AFTER_STEPS = 100_000
SPIN_TICK_MS = 10_000
#: Live tasks (pipeline stages, jobs) per process; more fail like fork(2) with EAGAIN.
MAX_TASKS = 512
#: Bytes a pipe holds before further writes are dropped (memory bound for never-drained pipes).
PIPE_BUFFER_LIMIT = 1 << 20

#: Linux signal numbers (x86-64/arm64), by name without the SIG prefix.
SIGNALS: dict[str, int] = {
    "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
    "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17,
    "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25,
    "VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29, "PWR": 30, "SYS": 31,
}
#: Signals whose default action is to do nothing (everything else terminates).
_DEFAULT_IGNORED = frozenset({"CHLD", "CONT", "URG", "WINCH"})


def signal_number(name: str) -> int:
    """``"SIGTERM"``, ``"TERM"`` or ``"15"`` -> 15; 0 for unknown names."""
    n = name.upper().removeprefix("SIG")
    if n.isdigit():
        return int(n)
    return SIGNALS.get(n, 0)


class ForkError(Exception):
    """fork(2) failed: too many tasks in this process."""


# -- what a process yields ---------------------------------------------------------------------
class Wait:
    """Base of everything a process generator yields."""


@dataclass(frozen=True)
class Sleep(Wait):
    """Resume me after ``ms`` milliseconds of virtual time."""

    ms: int


@dataclass(frozen=True)
class WaitForever(Wait):
    """Resume me only to deliver a signal (servers, ``sleep infinity``)."""


@dataclass(frozen=True)
class Signal:
    """A signal sent to the process: ``Signal("SIGTERM")``, ``Signal("SIGKILL")``."""

    name: str

    @property
    def number(self) -> int:
        return signal_number(self.name)

    @property
    def short(self) -> str:
        """Name without the SIG prefix: ``TERM``."""
        return self.name.upper().removeprefix("SIG")


@dataclass(frozen=True)
class _Throttle(Sleep):
    """The interpreter's CPU-time tick (not a real wait: it does not reset spin detection)."""


@dataclass(frozen=True)
class ReadPipe(Wait):
    """Internal: block until ``pipe`` has data or its writers are gone."""

    pipe: Pipe


@dataclass(frozen=True)
class WaitTasks(Wait):
    """Internal: block until every task is done (``interruptible``: a caught signal wakes me)."""

    tasks: tuple[Task, ...]
    interruptible: bool = False


# -- output -----------------------------------------------------------------------------------
#: One log entry: (virtual time in ms, "stdout" | "stderr", text).
LogLine = tuple[int, str, str]


class Pipe:
    """A pipe between two tasks: buffered text chunks plus open/closed ends."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._size = 0
        self.writers = 1
        self.reader_closed = False

    def write(self, text: str) -> None:
        if self.reader_closed:
            raise BrokenPipeError
        if text and self._size < PIPE_BUFFER_LIMIT:
            self._chunks.append(text)
            self._size += len(text)
        # else: dropped. A real pipe would block the writer; producers here yield regularly, so a
        # reader that never drains (`yes | sort`) costs bounded memory instead.

    def take(self) -> str:
        """Everything buffered (the reader's read(2))."""
        text = "".join(self._chunks)
        self._chunks, self._size = [], 0
        return text

    def close_writer(self) -> None:
        self.writers = max(0, self.writers - 1)

    @property
    def eof(self) -> bool:
        return not self._chunks and self.writers == 0

    @property
    def readable(self) -> bool:
        return bool(self._chunks) or self.writers == 0


@dataclass
class ProcessContext:
    """Everything a simulated process sees of its container."""

    fs: Filesystem
    hostname: str = "localhost"
    env: dict[str, str] = field(default_factory=dict)
    now_ms: Callable[[], int] = field(default=lambda: 0)
    #: Container log: a list to append to, or a callable receiving each entry.
    log: list[LogLine] | Callable[[LogLine], None] = field(default_factory=list)
    pid: int = 1
    #: PID 1 of the container's PID namespace: signals without a handler are ignored.
    is_pid1: bool = True
    cwd: str = "/"
    #: Text on standard input ("" = /dev/null, as the kubelet gives containers without ``stdin: true``).
    stdin: str = ""
    #: Tools added for this container on top of the global registry (name -> ToolFn).
    extra_tools: dict[str, Any] = field(default_factory=dict)
    pod_ip: str = ""
    cpu_count: int = 1
    #: Hook to signal another process of the container (``kill 1``, ``nginx -s quit``): (pid, "SIGTERM")
    #: -> whether such a process exists. None: only the process's own jobs can be signalled.
    signal_process: Callable[[int, str], bool] | None = None
    #: The container cgroup's accounting hook (``labk8s.node.runtime.cgroup``): ``account(key, memory_bytes,
    #: cpu_millicores)`` says what one process (``key``) uses from now on; None: nothing is accounted.
    account: Callable[[Hashable, int, int], None] | None = None
    max_log_lines: int = 10_000
    max_log_bytes: int = 1 << 20
    #: Set when output was dropped because of the caps above.
    truncated: bool = False
    _partial: dict[str, str] = field(default_factory=dict, repr=False)
    _lines: int = field(default=0, repr=False)
    _bytes: int = field(default=0, repr=False)

    def emit(self, stream: str, text: str) -> None:
        """Write ``text`` to ``stream`` ("stdout" or "stderr"): complete lines go to the log."""
        if not text:
            return
        if self._lines >= self.max_log_lines or self._bytes >= self.max_log_bytes:
            self.truncated = True
            return
        buf = self._partial.get(stream, "") + text
        lines = buf.split("\n")
        self._partial[stream] = lines.pop()
        if len(self._partial[stream]) > 16384:
            # The CRI splits very long lines (containerd: 16 KiB) into partial entries.
            lines.append(self._partial[stream])
            self._partial[stream] = ""
            for line in lines[:-1]:
                self._record(stream, line + "\n")
            self._record(stream, lines[-1])
            return
        for line in lines:
            self._record(stream, line + "\n")

    def flush(self) -> None:
        """Record partial lines (output without a final newline) at process exit."""
        for stream in ("stdout", "stderr"):
            rest = self._partial.pop(stream, "")
            if rest:
                self._record(stream, rest)

    def _record(self, stream: str, text: str) -> None:
        size = len(text.encode("utf-8", errors="surrogateescape"))
        if self._lines >= self.max_log_lines or self._bytes + size > self.max_log_bytes:
            self.truncated = True
            return
        self._lines += 1
        self._bytes += size
        entry = (self.now_ms(), stream, text)
        if isinstance(self.log, list):
            self.log.append(entry)
        else:
            self.log(entry)

    def output(self, stream: str | None = None) -> str:
        """The recorded text (both streams interleaved when ``stream`` is None), for tests and exec."""
        if not isinstance(self.log, list):
            return ""
        return "".join(t for _, s, t in self.log if stream is None or s == stream)


# -- tasks ------------------------------------------------------------------------------------
TaskGen = Generator[Wait, Any, int]


class Task:
    """One generator inside a process: the main program, a pipeline stage or a background job."""

    def __init__(self, gen: TaskGen, name: str = "") -> None:
        self.gen = gen
        self.name = name
        self.blocker: Wait | None = None
        self.wake_at: int | None = None
        self.resume_value: Any = None
        self.woken = True  # a new task is runnable
        self.done = False
        self.status = 0
        #: Called with the exit status when the task ends (closes pipe ends, ...).
        self.on_exit: list[Callable[[int], None]] = []


class Scheduler:
    """Runs the tasks of one process on virtual time and handles the signals sent to it."""

    def __init__(self, ctx: ProcessContext) -> None:
        self.ctx = ctx
        self.tasks: list[Task] = []
        self.steps = 0
        #: The program's task (the one whose end ends the process).
        self.main: Task | None = None
        self._next_pid = ctx.pid + 6
        self._cpu_until = 0
        self._ticked = 0
        self._last_throttled: Task | None = None
        self._steps_since_wait = 0
        #: Program hook for a signal: return an exit status to end the process, None if handled.
        self.signal_handler: Callable[[Signal], int | None] = self.default_signal_action

    # -- program API ----------------------------------------------------------------------------
    def spawn(self, gen: TaskGen, name: str = "") -> Task:
        """Add a task; past MAX_TASKS live tasks raises ForkError (fork: EAGAIN) - a fork bomb
        then fails the way it does under a pids limit instead of exhausting the simulator."""
        if sum(1 for t in self.tasks if not t.done) >= MAX_TASKS:
            gen.close()
            raise ForkError
        task = Task(gen, name)
        self.tasks.append(task)
        return task

    def charge(self, units: int) -> None:
        """Count CPU work (commands, lines written) without yielding; the next tick pays for it."""
        self.steps += units
        self._steps_since_wait += units

    def step_tick(self, units: int = 1) -> Sleep | None:
        """Count ``units`` commands of CPU work; once STEPS_PER_TICK units have accumulated since the
        last tick, returns the virtual CPU time to yield (see the module docstring)."""
        self.charge(units)
        due = (self.steps - self._ticked) // STEPS_PER_TICK
        if not due:
            return None
        self._ticked += due * STEPS_PER_TICK
        per_tick = SPIN_TICK_MS if self._steps_since_wait > SPIN_AFTER_STEPS else TICK_MS
        return _Throttle(per_tick * due)

    def cpu(self, units: int) -> Sleep:
        """For tools that loop (yes, seq): the wait to yield after ``units`` of work - at least a
        zero-length yield, so that other tasks of the process (a pipe's reader) run."""
        return self.step_tick(units) or _Throttle(0)

    def wake(self, task: Task, value: Any) -> None:
        """Resume a blocked task early with ``value`` (delivers a caught signal)."""
        if not task.done:
            task.woken = True
            task.resume_value = value

    def alloc_pid(self) -> int:
        """PIDs for ``&`` jobs: numbers after the process's own, in order of creation."""
        self._next_pid += 1
        return self._next_pid

    def kill_task(self, task: Task, status: int) -> None:
        """End a task from outside (``kill`` of a background job)."""
        if not task.done:
            task.gen.close()
            self._finish(task, status)

    def default_signal_action(self, sig: Signal) -> int | None:
        if sig.short in _DEFAULT_IGNORED or self.ctx.is_pid1:
            return None
        return 128 + sig.number

    # -- driving -------------------------------------------------------------------------------
    def run(self, main: Task) -> Generator[Wait, Signal | None, int]:
        """The process generator: run until ``main`` ends; yields Sleep/WaitForever to the driver."""
        self.main = main
        try:
            while True:
                self._run_ready()
                if main.done:
                    return main.status
                now = self.ctx.now_ms()
                wakes = [t.wake_at for t in self.tasks if not t.done and t.wake_at is not None]
                if self._cpu_until > now:
                    wakes = [self._cpu_until]  # the whole process waits for its CPU tick
                wait: Wait = Sleep(max(0, min(wakes) - now)) if wakes else WaitForever()
                sig = yield wait
                if sig is None:
                    continue
                if sig.short in ("KILL", "9"):
                    return 128 + 9
                code = self.signal_handler(sig)
                if code is not None:
                    return code
        finally:
            self.close_all()

    def close_all(self) -> None:
        for task in self.tasks:
            if not task.done:
                task.done = True
                task.gen.close()
        self.ctx.flush()

    def _runnable(self, task: Task, now: int) -> bool:
        if task.done or self._cpu_until > now:
            return False
        if task.woken:
            return True
        blk = task.blocker
        if isinstance(blk, Sleep):
            return task.wake_at is not None and task.wake_at <= now
        if isinstance(blk, ReadPipe):
            return blk.pipe.readable
        if isinstance(blk, WaitTasks):
            return all(t.done for t in blk.tasks)
        return False

    def _run_ready(self) -> None:
        progress = True
        while progress:
            progress = False
            now = self.ctx.now_ms()
            # Round robin: after a CPU tick, the tasks after the one that paid it go first, so a busy
            # task cannot starve the others (`yes | head`).
            order = list(self.tasks)
            if self._last_throttled in order:
                k = order.index(self._last_throttled) + 1
                order = order[k:] + order[:k]
            for task in order:
                if self._runnable(task, now):
                    progress = True
                    self._step(task, now)
                    if self._cpu_until > now:
                        self._last_throttled = task
                        break
            self.tasks = [t for t in self.tasks if not t.done]

    def _step(self, task: Task, now: int) -> None:
        value, task.resume_value, task.woken = task.resume_value, None, False
        try:
            blk = task.gen.send(value)
        except StopIteration as stop:
            self._finish(task, stop.value if isinstance(stop.value, int) else 0)
            return
        except BrokenPipeError:
            self._finish(task, 128 + SIGNALS["PIPE"])
            return
        except Exception as exc:  # nothing a script does may crash the simulator
            self.ctx.emit("stderr", f"sh: internal error: {type(exc).__name__}: {exc}\n")
            self._finish(task, 2)
            return
        task.blocker = blk
        task.wake_at = None
        # Only a wait that lets virtual time pass ends a CPU-bound stretch (pipes and jobs do not).
        if isinstance(blk, Sleep):
            task.wake_at = now + max(0, blk.ms)
            if isinstance(blk, _Throttle):
                # The CPU tick is the process's, not the task's: every task waits for it.
                self._cpu_until = max(self._cpu_until, task.wake_at)
            elif blk.ms > 0:
                self._steps_since_wait = 0
        elif isinstance(blk, WaitForever):
            self._steps_since_wait = 0

    def _finish(self, task: Task, status: int) -> None:
        task.done = True
        task.status = status & 0xFF
        for hook in task.on_exit:
            hook(task.status)
