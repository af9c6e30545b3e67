"""The simulated container process model: a small ``sh`` and busybox-like tools on virtual time.

A container process is a generator (:func:`run_command`, :func:`run_image_default`) that the kubelet
drives on the event loop: it yields :class:`Sleep` or :class:`WaitForever`, is resumed with ``None``
once the virtual time has passed or with a :class:`Signal`, and returns its exit code. Output goes to
the container log held by :class:`ProcessContext`; files live in a per-container :class:`Filesystem`
on which volumes (other Filesystem objects) are mounted.

Module map: ``lexer``/``parser`` (script -> AST), ``expand``/``arith`` (word expansion),
``interpreter`` (the shell), ``redirect`` (redirections), ``shell_builtins`` (cd, trap, wait, ...),
``commands`` (PATH lookup and dispatch), ``builtins``/``fileutils``/``textutils``/``testcmd`` (the tools and their ``TOOLS``
registry), ``servers``/``images`` (common images), ``process``/``streams`` (process model),
``runner`` (entry points).

Not supported (documented limits): ``[[ ]]``, ``(( ))``, ``select``, the ``function`` keyword,
process substitution, job control, ``$RANDOM``; ``sed``/``awk`` and other applets without a tool
fail with ``not modelled by labk8s`` (127). Networking tools (nslookup, wget, curl) are added to
``TOOLS`` by the network layer.
"""

from labk8s.node.runtime.shell.builtins import TOOLS, register
from labk8s.node.runtime.shell.filesystem import Filesystem, FsError, Stat, normalize
from labk8s.node.runtime.shell.images import (
    ImageConfig,
    base_filesystem,
    container_argv,
    image_config,
    image_family,
    image_repo,
)
from labk8s.node.runtime.shell.process import (
    LogLine,
    ProcessContext,
    Signal,
    Sleep,
    Wait,
    WaitForever,
    signal_number,
)
from labk8s.node.runtime.shell.runner import (
    lookup_executable,
    resolve_executable,
    run_command,
    run_image_default,
)
from labk8s.node.runtime.shell.streams import Invocation, ToolFn

__all__ = [
    "TOOLS",
    "Filesystem",
    "FsError",
    "ImageConfig",
    "Invocation",
    "LogLine",
    "ProcessContext",
    "Signal",
    "Sleep",
    "Stat",
    "ToolFn",
    "Wait",
    "WaitForever",
    "base_filesystem",
    "container_argv",
    "image_config",
    "image_family",
    "image_repo",
    "lookup_executable",
    "normalize",
    "register",
    "resolve_executable",
    "run_command",
    "run_image_default",
    "signal_number",
]
