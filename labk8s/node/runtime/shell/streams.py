"""Standard streams of a command and the invocation record a tool receives.

Outputs: the container log (one per stream), a file (each write appends at once, so a reader in
another container sees it), a pipe, a capture buffer (``$(...)``) or /dev/null. Inputs: fixed text
(a file, a here-document, /dev/null) or a pipe; reading an empty open pipe blocks the task, so reads
are generators (``line = yield from inv.stdin.read_line()``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from labk8s.node.runtime.shell.filesystem import Filesystem, normalize
from labk8s.node.runtime.shell.process import Pipe, ProcessContext, ReadPipe, Scheduler, Signal, Wait

__all__ = [
    "BufferOut",
    "FileOut",
    "Input",
    "Invocation",
    "LogOut",
    "NullOut",
    "Output",
    "PipeOut",
    "ToolFn",
    "ToolGen",
]

ToolGen = Generator[Wait, Any, int]


class Output:
    """Where a command's output goes."""

    def write(self, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class NullOut(Output):
    def write(self, text: str) -> None:
        return None


class LogOut(Output):
    """The container log (``kubectl logs``)."""

    def __init__(self, ctx: ProcessContext, stream: str) -> None:
        self.ctx = ctx
        self.stream = stream

    def write(self, text: str) -> None:
        self.ctx.emit(self.stream, text)


class FileOut(Output):
    def __init__(self, fs: Filesystem, path: str) -> None:
        self.fs = fs
        self.path = path

    def write(self, text: str) -> None:
        if text:
            self.fs.append(self.path, text)


class PipeOut(Output):
    def __init__(self, pipe: Pipe) -> None:
        self.pipe = pipe

    def write(self, text: str) -> None:
        self.pipe.write(text)


class BufferOut(Output):
    """Captures output (command substitution); ``limit`` bounds memory for runaway producers."""

    def __init__(self, limit: int = 1 << 20) -> None:
        self.chunks: list[str] = []
        self.size = 0
        self.limit = limit

    def write(self, text: str) -> None:
        if self.size < self.limit:
            self.chunks.append(text)
            self.size += len(text)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


class Input:
    """Standard input: fixed text, or a pipe that may block."""

    def __init__(self, text: str = "", pipe: Pipe | None = None) -> None:
        self.text = text
        self.pipe = pipe

    def _fill(self) -> Generator[Wait, Any, bool]:
        """Move pipe data into ``text``; False at end of input."""
        if self.pipe is None:
            return bool(self.text)
        while not self.pipe.readable:
            yield ReadPipe(self.pipe)
        self.text += self.pipe.take()
        return bool(self.text)

    def read_line(self) -> Generator[Wait, Any, str | None]:
        """The next line with its newline (the last line may lack it); None at end of input."""
        while True:
            nl = self.text.find("\n")
            if nl >= 0:
                line, self.text = self.text[:nl + 1], self.text[nl + 1:]
                return line
            if self.pipe is not None and not self.pipe.eof:
                yield from self._fill()
                continue
            if not self.text:
                return None
            line, self.text = self.text, ""
            return line

    def read_all(self) -> Generator[Wait, Any, str]:
        while self.pipe is not None and not self.pipe.eof:
            yield from self._fill()
        text, self.text = self.text, ""
        return text


@dataclass
class Invocation:
    """What a tool gets when it runs: its arguments, environment, streams and filesystem."""

    argv: list[str]
    ctx: ProcessContext
    sched: Scheduler
    cwd: str
    env: dict[str, str]
    stdin: Input
    stdout: Output
    stderr: Output
    #: True when the tool is the process itself (run directly, or through ``exec``): only then does a
    #: signal handler it installs with :meth:`catch_signals` receive the container's signals.
    main: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fs(self) -> Filesystem:
        return self.ctx.fs

    @property
    def name(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1]

    def path(self, path: str) -> str:
        return normalize(path, self.cwd)

    def now_ms(self) -> int:
        return self.ctx.now_ms()

    def out(self, text: str) -> None:
        self.sched.charge(1 + len(text) // 4096)  # writing costs CPU time too
        self.stdout.write(text)

    def err(self, text: str) -> None:
        self.sched.charge(1 + len(text) // 4096)
        self.stderr.write(text)

    def catch_signals(self, names: set[str]) -> None:
        """Handle these signals (``{"TERM", "INT"}``): they are sent into the tool's generator as the
        value of its current ``yield``. Other signals keep their default action."""
        if not self.main:
            return
        sched = self.sched

        def handler(sig: Signal) -> int | None:
            if sig.short in names:
                if sched.main is not None:
                    sched.wake(sched.main, sig)
                return None
            return sched.default_signal_action(sig)

        sched.signal_handler = handler


#: A tool: returns its exit status, or a generator that yields waits and returns it.
ToolFn = Callable[[Invocation], "int | ToolGen"]
