"""The shell: runs a parsed script over the container filesystem as generators on virtual time.

Three dialects share one interpreter and differ in their messages: ``ash`` (busybox: busybox and
alpine images), ``dash`` (``/bin/sh`` of Debian-based images) and ``bash``.

Semantics worth knowing:

- Pipeline stages, ``( ... )``, ``$( ... )`` and ``&`` jobs run in subshells (copies of the state).
  Pipeline stages and jobs are tasks of the process scheduler, so ``tail -F f | while read l; ...``
  streams.
- Traps: a trapped signal runs its action when the current foreground command has finished (as in
  ash and bash); ``wait`` is interrupted at once and returns 128 + signal number.
- The last simple command of a ``-c`` script replaces the shell (``exec``) when no trap is set, as
  ash, dash and bash do: ``sh -c 'echo hi; nginx'`` leaves nginx as PID 1, receiving the signals.
- ``set -e``, ``set -x``, ``set -u`` and ``set -o pipefail`` are honoured.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from labk8s.node.runtime.shell.expand import ExpansionError, expand_fields, expand_string
from labk8s.node.runtime.shell.filesystem import normalize
from labk8s.node.runtime.shell.lexer import ShellSyntaxError
from labk8s.node.runtime.shell.parser import (
    AndOr,
    Case,
    For,
    FuncDef,
    Group,
    If,
    ListNode,
    Node,
    Pipeline,
    Redir,
    Simple,
    While,
    parse,
)
from labk8s.node.runtime.shell.process import (
    ForkError,
    Pipe,
    ProcessContext,
    Scheduler,
    Signal,
    Task,
    Wait,
    WaitTasks,
)
from labk8s.node.runtime.shell.redirect import RedirError, open_redirs
from labk8s.node.runtime.shell.streams import (
    BufferOut,
    Input,
    LogOut,
    Output,
    PipeOut,
)

__all__ = ["BreakLoop", "ContinueLoop", "FuncReturn", "Shell", "ShellExit"]

Gen = Generator[Wait, Any, Any]
_MAX_DEPTH = 100  # nested functions / eval / $( ) before "sh: recursion too deep"


class ShellExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status & 0xFF


class BreakLoop(Exception):
    def __init__(self, levels: int) -> None:
        super().__init__(levels)
        self.levels = levels


class ContinueLoop(BreakLoop):
    pass


class FuncReturn(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status & 0xFF


class Shell:
    """State of one shell (or subshell) and the tree-walking evaluator."""

    def __init__(self, ctx: ProcessContext, sched: Scheduler, name: str = "sh", dialect: str = "ash",
                 positional: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.ctx = ctx
        self.sched = sched
        self.name = name
        self.dialect = dialect
        self.positional = list(positional or [])
        self.vars: dict[str, str] = dict(env if env is not None else ctx.env)
        self.exported: dict[str, None] = dict.fromkeys(self.vars)
        self.arrays: dict[str, list[str]] = {}
        self.funcs: dict[str, Node] = {}
        self.traps: dict[str, str] = {}
        self.pending: list[str] = []
        self.cwd = ctx.cwd
        self.status = 0
        self.subst_status = 0
        self.jobs: dict[int, Task] = {}
        self.last_bg = ""
        self.opt_errexit = False
        self.opt_xtrace = False
        self.opt_nounset = False
        self.opt_pipefail = False
        self.condition = 0
        self.loop_depth = 0
        self.depth = 0
        self.locals: list[dict[str, str | None]] = []
        self.line = 1
        self.stdin = Input(ctx.stdin)
        self.stdout: Output = LogOut(ctx, "stdout")
        self.stderr: Output = LogOut(ctx, "stderr")

    # -- state -----------------------------------------------------------------------------------
    @property
    def fs(self) -> Any:
        return self.ctx.fs

    def copy(self) -> Shell:
        self.sched.charge(10)  # fork(2) is not free: subshells count as ten commands of CPU time
        sub = Shell.__new__(Shell)
        sub.__dict__.update(self.__dict__)
        sub.vars = dict(self.vars)
        sub.exported = dict(self.exported)
        sub.arrays = {k: list(v) for k, v in self.arrays.items()}
        sub.funcs = dict(self.funcs)
        sub.traps = {k: v for k, v in self.traps.items() if v == ""}  # subshells reset caught traps
        sub.pending = []
        sub.jobs = {}
        sub.locals = []
        sub.positional = list(self.positional)
        return sub

    def lookup(self, name: str) -> str | None:
        if name.isdigit():
            n = int(name)
            if n == 0:
                return self.name
            return self.positional[n - 1] if n <= len(self.positional) else None
        special = {
            "?": lambda: str(self.status), "$": lambda: str(self.ctx.pid), "!": lambda: self.last_bg,
            "#": lambda: str(len(self.positional)), "-": lambda: self._flags(),
            "@": lambda: " ".join(self.positional), "*": lambda: " ".join(self.positional),
            "PWD": lambda: self.vars.get("PWD", self.cwd), "LINENO": lambda: str(self.line),
        }.get(name)
        if special is not None:
            return special()
        if name in self.arrays:
            return self.arrays[name][0] if self.arrays[name] else ""
        return self.vars.get(name)

    def _flags(self) -> str:
        return "".join(f for f, on in (("e", self.opt_errexit), ("u", self.opt_nounset),
                                        ("x", self.opt_xtrace)) if on) + "c"

    def set_var(self, name: str, value: str) -> None:
        self.arrays.pop(name, None)
        self.vars[name] = value

    def env(self) -> dict[str, str]:
        return {k: self.vars[k] for k in self.exported if k in self.vars}

    def resolve(self, path: str) -> str:
        return normalize(path, self.cwd)

    # -- messages ----------------------------------------------------------------------------------
    def prefix(self) -> str:
        if self.dialect == "dash":
            return f"{self.name}: {self.line}: "
        if self.dialect == "bash":
            return f"{self.name}: line {self.line}: "
        return f"{self.name}: "

    def error(self, message: str) -> None:
        self.stderr.write(self.prefix() + message + "\n")

    def syntax_error(self, exc: ShellSyntaxError) -> None:
        msg = str(exc)
        self.line = exc.line
        if self.dialect == "dash":
            self.error("Syntax error: " + msg.replace("unexpected ", "", 1) + " unexpected"
                       if msg.startswith("unexpected ") and "(" not in msg else "Syntax error: " + msg)
        elif self.dialect == "bash":
            token = msg.removeprefix("unexpected ").split(" (")[0].strip('"')
            if msg.startswith("unexpected end of file") or not msg.startswith("unexpected"):
                self.stderr.write(f"{self.name}: -c: line {exc.line}: syntax error: {msg}\n")
            else:
                self.stderr.write(f"{self.name}: -c: line {exc.line}: syntax error near unexpected token `{token}'\n")
        else:
            self.error("syntax error: " + msg)

    # -- entry points ------------------------------------------------------------------------------
    def run_script(self, src: str, main: bool = False) -> Gen:
        """Run a whole script (``sh -c``): returns the exit status. ``main``: this shell is the
        process (installs the trap-aware signal handler and may exec its last command)."""
        if main:
            self.sched.signal_handler = self._on_signal
        try:
            tree = parse(src)
        except ShellSyntaxError as exc:
            self.syntax_error(exc)
            return 2
        status = 0
        try:
            status = yield from self.exec_list(tree, exec_last=main)
        except ShellExit as ex:
            status = ex.status
        except ExpansionError as exc:
            self.error(str(exc))
            status = 2
        except (BreakLoop, FuncReturn):
            status = self.status
        self.status = status
        action = self.traps.pop("EXIT", None) or self.traps.pop("0", None)
        if action:
            try:
                yield from self.eval_string(action)
            except ShellExit as ex:
                status = ex.status
        return status

    def _on_signal(self, sig: Signal) -> int | None:
        name = sig.short
        if name in self.traps:
            if self.traps[name] == "":
                return None
            self.pending.append(name)
            main = self.sched.main
            if main is not None and isinstance(main.blocker, WaitTasks) and main.blocker.interruptible:
                self.sched.wake(main, sig)
            return None
        return self.sched.default_signal_action(sig)

    def run_pending_traps(self) -> Gen:
        while self.pending:
            name = self.pending.pop(0)
            action = self.traps.get(name)
            if action:
                saved = self.status
                yield from self.eval_string(action)
                self.status = saved

    def eval_string(self, src: str) -> Gen:
        if self.depth > _MAX_DEPTH:
            self.error("recursion too deep")
            raise ShellExit(2)
        try:
            tree = parse(src)
        except ShellSyntaxError as exc:
            self.syntax_error(exc)
            raise ShellExit(2) from None
        self.depth += 1
        try:
            return (yield from self.exec_list(tree))
        finally:
            self.depth -= 1

    def subshell(self, node: Node | str) -> Gen:
        """Run in this (already copied) shell as a subshell: ``exit`` ends only the subshell."""
        try:
            if isinstance(node, str):
                status = yield from self.eval_string(node)
            else:
                status = yield from self.exec_node(node)
        except ShellExit as ex:
            status = ex.status
        except ExpansionError as exc:
            self.error(str(exc))
            status = 2
        except (BreakLoop, FuncReturn):
            status = self.status
        except BrokenPipeError:
            status = 128 + 13  # SIGPIPE
        return status

    def command_substitution(self, source: str) -> Gen:
        sub = self.copy()
        buf = BufferOut()
        sub.stdout = buf
        sub.depth += 1
        if sub.depth > _MAX_DEPTH:
            self.error("recursion too deep")
            raise ShellExit(2)
        self.subst_status = yield from sub.subshell(source)
        return buf.text

    # -- evaluation -------------------------------------------------------------------------------
    def exec_list(self, node: ListNode, exec_last: bool = False) -> Gen:
        status = self.status
        for i, (item, background) in enumerate(node.items):
            if background:
                status = self._spawn_job(item)
            elif exec_last and i == len(node.items) - 1 and isinstance(item, Simple):
                status = yield from self.exec_simple(item, exec_mode=True)
            else:
                status = yield from self.exec_node(item)
            self.status = status
            yield from self.run_pending_traps()
        return status

    def _spawn_job(self, node: Node) -> int:
        sub = self.copy()
        sub.stdin = Input("")  # background jobs get /dev/null as stdin (non-interactive shells)
        try:
            task = self.sched.spawn(sub.subshell(node), name="job")
        except ForkError:
            self.error("can't fork: Resource temporarily unavailable")
            return 2
        pid = self.sched.alloc_pid()
        if len(self.jobs) > 256:  # reap finished jobs, as the shell does
            self.jobs = {p: t for p, t in self.jobs.items() if not t.done}
        self.jobs[pid] = task
        self.last_bg = str(pid)
        return 0

    def exec_node(self, node: Node) -> Gen:
        if isinstance(node, Simple):
            status = yield from self.exec_simple(node)
        elif isinstance(node, Pipeline):
            status = yield from self.exec_pipeline(node)
        elif isinstance(node, AndOr):
            status = yield from self.exec_andor(node)
        elif isinstance(node, ListNode):
            status = yield from self.exec_list(node)
        elif isinstance(node, If):
            status = yield from self.exec_if(node)
        elif isinstance(node, While):
            status = yield from self.exec_while(node)
        elif isinstance(node, For):
            status = yield from self.exec_for(node)
        elif isinstance(node, Case):
            status = yield from self.exec_case(node)
        elif isinstance(node, Group):
            status = yield from self.exec_group(node)
        else:
            assert isinstance(node, FuncDef)
            self.funcs[node.name] = node.body
            status = 0
        self.status = status
        if status and self.opt_errexit and not self.condition and isinstance(node, Simple | Pipeline | Group):
            raise ShellExit(status)
        return status

    def _condition(self, node: Node) -> Gen:
        self.condition += 1
        try:
            return (yield from self.exec_node(node))
        finally:
            self.condition -= 1

    def exec_andor(self, node: AndOr) -> Gen:
        steps = [("", node.first), *node.rest]
        status = 0
        for i, (op, item) in enumerate(steps):
            if op == "&&" and status != 0 or op == "||" and status == 0:
                continue
            last = i == len(steps) - 1
            status = yield from (self.exec_node(item) if last else self._condition(item))
        return status

    def exec_if(self, node: If) -> Gen:
        for cond, body in node.clauses:
            if (yield from self._condition(cond)) == 0:
                return (yield from self.exec_node(body))
        if node.orelse is not None:
            return (yield from self.exec_node(node.orelse))
        return 0

    def _loop_tick(self) -> Gen:
        tick = self.sched.step_tick()
        if tick is not None:
            yield tick

    def exec_while(self, node: While) -> Gen:
        status = 0
        self.loop_depth += 1
        try:
            while True:
                yield from self._loop_tick()
                cond = yield from self._condition(node.cond)
                if (cond == 0) == node.until:
                    break
                try:
                    status = yield from self.exec_node(node.body)
                except ContinueLoop as c:
                    if c.levels > 1:
                        raise ContinueLoop(c.levels - 1) from None
                except BreakLoop as b:
                    if b.levels > 1:
                        raise BreakLoop(b.levels - 1) from None
                    break
        finally:
            self.loop_depth -= 1
        return status

    def exec_for(self, node: For) -> Gen:
        items = list(self.positional) if node.words is None else (yield from expand_fields(self, node.words))
        status = 0
        self.loop_depth += 1
        try:
            for item in items:
                yield from self._loop_tick()
                self.set_var(node.var, item)
                try:
                    status = yield from self.exec_node(node.body)
                except ContinueLoop as c:
                    if c.levels > 1:
                        raise ContinueLoop(c.levels - 1) from None
                except BreakLoop as b:
                    if b.levels > 1:
                        raise BreakLoop(b.levels - 1) from None
                    break
        finally:
            self.loop_depth -= 1
        return status

    def exec_case(self, node: Case) -> Gen:
        import fnmatch

        from labk8s.node.runtime.shell.expand import expand_pattern
        word = yield from expand_string(self, node.word)
        for patterns, body in node.items:
            for pat in patterns:
                pattern = yield from expand_pattern(self, pat)
                if fnmatch.fnmatchcase(word, pattern):
                    return 0 if body is None else (yield from self.exec_node(body))
        return 0

    def exec_group(self, node: Group) -> Gen:
        saved = (self.stdin, self.stdout, self.stderr)
        if node.redirs:
            try:
                self.stdin, self.stdout, self.stderr = yield from self.open_redirs(node.redirs)
            except RedirError:
                return 1 if self.dialect == "bash" else 2
        try:
            if node.subshell:
                sub = self.copy()
                return (yield from sub.subshell(node.body))
            return (yield from self.exec_node(node.body))
        finally:
            self.stdin, self.stdout, self.stderr = saved

    def exec_pipeline(self, node: Pipeline) -> Gen:
        n = len(node.cmds)
        if n == 1:
            self.condition += node.negate
            try:
                status = yield from self.exec_node(node.cmds[0])
            finally:
                self.condition -= node.negate
            return int(not status) if node.negate else status
        pipes = [Pipe() for _ in range(n - 1)]
        tasks: list[Task] = []
        for i, cmd in enumerate(node.cmds):
            sub = self.copy()
            if i > 0:
                sub.stdin = Input(pipe=pipes[i - 1])
            if i < n - 1:
                sub.stdout = PipeOut(pipes[i])
            try:
                task = self.sched.spawn(sub.subshell(cmd), name=f"pipeline[{i}]")
            except ForkError:
                self.error("can't fork: Resource temporarily unavailable")
                for p in pipes:
                    p.writers, p.reader_closed = 0, True
                for t in tasks:
                    self.sched.kill_task(t, 128 + 9)
                return 2
            if i < n - 1:
                task.on_exit.append(_closer(pipes[i], writer=True))
            if i > 0:
                task.on_exit.append(_closer(pipes[i - 1], writer=False))
            tasks.append(task)
        yield WaitTasks(tuple(tasks))
        status = tasks[-1].status
        if self.opt_pipefail:
            status = next((t.status for t in reversed(tasks) if t.status), 0)
        return int(not status) if node.negate else status

    # -- simple commands ----------------------------------------------------------------------------
    def exec_simple(self, node: Simple, exec_mode: bool = False) -> Gen:
        from labk8s.node.runtime.shell.commands import run_argv

        self.line = node.line
        self.subst_status = 0
        try:
            argv = yield from expand_fields(self, node.words)
            if not argv:
                for name, value in node.assigns:
                    yield from self._assign(name, value)
                if node.redirs:
                    try:
                        yield from self.open_redirs(node.redirs)
                    except RedirError:
                        return 1 if self.dialect == "bash" else 2
                return self.subst_status
            prefix: dict[str, str] = {}
            for name, value in node.assigns:
                prefix[name] = (yield from expand_string(self, value)) if not isinstance(value, list) else ""
        except ExpansionError as exc:
            self.error(str(exc))
            raise ShellExit(2) from None
        saved = (self.stdin, self.stdout, self.stderr)
        try:
            self.stdin, self.stdout, self.stderr = yield from self.open_redirs(node.redirs)
        except RedirError:
            return 1 if self.dialect == "bash" else 2
        except ExpansionError as exc:
            self.error(str(exc))
            raise ShellExit(2) from None
        try:
            if self.opt_xtrace:
                self.stderr.write("+ " + " ".join(_quote(a) for a in argv) + "\n")
            status = yield from run_argv(self, argv, prefix, exec_mode=exec_mode and not self.traps)
        finally:
            self.stdin, self.stdout, self.stderr = saved
        self.status = status
        tick = self.sched.step_tick()
        if tick is not None:
            yield tick
        return status

    def _assign(self, name: str, value: Any) -> Gen:
        if isinstance(value, list):
            self.arrays[name] = (yield from expand_fields(self, value))
            self.vars.pop(name, None)
            return
        text = yield from expand_string(self, value)
        self.set_var(name, text)

    def open_redirs(self, redirs: list[Redir]) -> Gen:
        return (yield from open_redirs(self, redirs))


def _closer(pipe: Pipe, writer: bool) -> Callable[[int], None]:
    """Exit hook of a pipeline stage: close its end of a pipe (EOF for the reader, EPIPE for the writer)."""

    def close(_status: int) -> None:
        if writer:
            pipe.close_writer()
        else:
            pipe.reader_closed = True

    return close


def _quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "@%+=:,./-_" for c in arg):
        return arg
    return "'" + arg.replace("'", "'\"'\"'") + "'"
