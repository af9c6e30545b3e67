"""`%kubectl` and `%%kubectl`: the kubectl emulation against the current cluster (labk8s.widgets.current_cluster).

    %load_ext labk8s
    %kubectl get pods -o wide

    %%kubectl apply -f -
    apiVersion: v1
    kind: Pod
    ...

The line magic runs one command. The cell magic runs the command on its first line with the cell body
as standard input (`-f -`); with an empty first line, it runs each non-empty line of the body as a
command. Output is printed, exactly as `Cluster.kubectl` returns it, except that the cell body is named
"STDIN" in messages, as kubectl names standard input (cli-runtime's FileVisitorForSTDIN):
`Error from server (AlreadyExists): error when creating "STDIN": pods "hello" already exists`.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, magics_class

from labk8s.widgets.current_cluster import current

#: Where kubectl names the source of a manifest (cli-runtime resource/visitor.go, kubectl apply/create/delete):
#: `error when creating "x"`, `error parsing x:`, `error validating "x"`, `unable to decode "x"`.
#: The emulation reads the body as text, a source it names "<string>"; kubectl reads it from stdin.
_TEXT_SOURCE = re.compile(r'(error when [a-z]+ "|error validating "|unable to decode "|error parsing )<string>(?=[":])')
STDIN = "STDIN"


def _with_stdin(argv: list[str], body: str) -> list[str]:
    """argv with the body in place of standard input ("-" after -f, or -f=- / --filename=-): the emulation
    reads manifests given as text."""
    out: list[str] = []
    found = False
    for arg in argv:
        flag, sep, value = arg.partition("=")
        if arg == "-":
            out.append(body)
        elif sep and value == "-" and flag in ("-f", "--filename"):
            out += [flag, body]
        else:
            out.append(arg)
            continue
        found = True
    if not found:
        raise ValueError("%%kubectl: the cell body is standard input; use it with -f -")
    return out


def run_kubectl(command: str, body: str | None = None, namespace: dict[str, Any] | None = None) -> str:
    """What `%kubectl command` (with `body` as standard input for `-f -`) prints."""
    cluster = current(namespace)
    command = command.strip()
    if body is not None and command:
        argv = _with_stdin(shlex.split(command), body)
        return _TEXT_SOURCE.sub(rf"\g<1>{STDIN}", cluster.kubectl(" ".join(shlex.quote(a) for a in argv)))
    if body is not None:
        return "".join(cluster.kubectl(line) for line in body.splitlines() if line.strip())
    return cluster.kubectl(command)


@magics_class
class KubectlMagics(Magics):
    @line_cell_magic
    def kubectl(self, line: str, cell: str | None = None) -> None:
        """Run kubectl against the current labk8s cluster (see labk8s.widgets.magics)."""
        try:
            out = run_kubectl(line, cell, self.shell.user_ns if self.shell is not None else None)
        except (LookupError, ValueError) as exc:
            print(f"error: {exc}")
            return
        print(out, end="")


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext labk8s` (re-exported from labk8s/__init__.py) registers %kubectl and %%kubectl."""
    ipython.register_magics(KubectlMagics)
