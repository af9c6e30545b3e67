"""Redirections: ``< > >> >| <> <& >& &> <<`` applied to a command's standard streams.

Messages are the shells' own: ash ``can't create X: nonexistent directory`` / ``can't open X: no such
file``, dash ``cannot create X: Directory nonexistent``, bash ``X: No such file or directory``.
``/dev/null``, ``/dev/stdout``, ``/dev/stderr`` and ``/proc/1/fd/1`` (the container log, as written
from ``kubectl exec``) are special.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from labk8s.node.runtime.shell.expand import expand_heredoc, expand_string
from labk8s.node.runtime.shell.filesystem import FsError
from labk8s.node.runtime.shell.parser import Redir
from labk8s.node.runtime.shell.process import Wait
from labk8s.node.runtime.shell.streams import FileOut, Input, LogOut, NullOut, Output

if TYPE_CHECKING:
    from labk8s.node.runtime.shell.interpreter import Shell

__all__ = ["RedirError", "open_redirs"]

Gen = Generator[Wait, Any, Any]


class RedirError(Exception):
    """A redirection failed (the message was printed); the command does not run."""


def open_redirs(sh: Shell, redirs: list[Redir]) -> Gen:
    fds: dict[int, Any] = {0: sh.stdin, 1: sh.stdout, 2: sh.stderr}
    for r in redirs:
        if r.op == "<<":
            body = r.heredoc if r.heredoc_quoted else (yield from expand_heredoc(sh, r.heredoc))
            fds[r.fd] = Input(body)
            continue
        assert r.target is not None
        target = yield from expand_string(sh, r.target)
        if r.op in (">&", "<&"):
            if target == "-":
                fds[r.fd] = NullOut() if r.op == ">&" else Input("")
            elif target.isdigit() and int(target) in fds:
                fds[r.fd] = fds[int(target)]
            elif r.op == ">&" and not target.isdigit():
                out = _open_out(sh, target, append=False)
                fds[1] = fds[2] = out
            else:
                sh.error(f"{target}: bad file descriptor" if sh.dialect != "ash" else
                           f"can't duplicate {target}: Bad file descriptor")
                raise RedirError
        elif r.op in ("<", "<>"):
            fds[r.fd] = _open_in(sh, target)
        else:
            out = _open_out(sh, target, append=r.op == ">>")
            if r.op == "&>":
                fds[1] = fds[2] = out
            else:
                fds[r.fd] = out
    return fds[0], fds[1], fds[2]

def _special_out(sh: Shell, path: str) -> Output | None:
    if path == "/dev/null":
        return NullOut()
    if path in ("/dev/stdout", "/proc/self/fd/1"):
        return sh.stdout
    if path in ("/dev/stderr", "/proc/self/fd/2"):
        return sh.stderr
    if path == "/proc/1/fd/1":
        return LogOut(sh.ctx, "stdout")  # the container's log, as seen from kubectl exec
    if path == "/proc/1/fd/2":
        return LogOut(sh.ctx, "stderr")
    return None

def _open_out(sh: Shell, target: str, append: bool) -> Output:
    path = sh.resolve(target)
    special = _special_out(sh, path)
    if special is not None:
        return special
    try:
        sh.fs.write(path, "", append=append)
    except FsError as err:
        reason = str(err)
        if sh.dialect == "ash":
            sh.error(f"can't create {target}: " + ("nonexistent directory" if err.code == "ENOENT" else reason))
        elif sh.dialect == "dash":
            sh.error(f"cannot create {target}: " + ("Directory nonexistent" if err.code == "ENOENT" else reason))
        else:
            sh.error(f"{target}: {reason}")
        raise RedirError from None
    return FileOut(sh.fs, path)

def _open_in(sh: Shell, target: str) -> Input:
    path = sh.resolve(target)
    if path in ("/dev/null", "/dev/stdin"):
        return Input("") if path == "/dev/null" else sh.stdin
    try:
        return Input(sh.fs.read(path))
    except FsError as err:
        if sh.dialect == "ash":
            sh.error(f"can't open {target}: " + ("no such file" if err.code == "ENOENT" else str(err)))
        elif sh.dialect == "dash":
            sh.error(f"cannot open {target}: " + ("No such file" if err.code == "ENOENT" else str(err)))
        else:
            sh.error(f"{target}: {err}")
        raise RedirError from None
