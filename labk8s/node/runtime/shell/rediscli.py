"""``redis-cli`` and the state of the redis server it talks to (the redis image's server and client).

``redis-server`` (the model in :mod:`.servers`) is wrapped here: while it runs, the container has a
:class:`RedisServer` holding its configuration - the defaults, then the directives of its config file
(the first argument not starting with ``-``, read at start as redis does), then ``--name value`` options
- and its keys. ``redis-cli`` in the same container connects to it on 127.0.0.1 (``-h``/``-p`` naming
this pod, port 6379 by default) and prints replies as redis-cli does when stdout is not a terminal
(``kubectl exec`` without ``-t``): each reply raw, array elements one per line, then a newline.

Commands: PING [msg], ECHO, SET key value, GET, DEL, EXISTS, INCR, KEYS pattern, DBSIZE, FLUSHALL, FLUSHDB,
CONFIG GET pattern (values as redis reports them: ``maxmemory 2mb`` -> ``2097152``), CONFIG SET. Without a
command, commands are read from standard input, one per line. Servers in other pods are not modelled.
"""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from labk8s.node.runtime.shell.builtins import register
from labk8s.node.runtime.shell.filesystem import Filesystem
from labk8s.node.runtime.shell.process import Wait
from labk8s.node.runtime.shell.servers import image_version, tool_redis
from labk8s.node.runtime.shell.streams import Invocation

__all__ = ["RedisServer", "parse_memory", "redis_server"]

Gen = Generator[Wait, Any, int]

#: Configuration parameters whose values are byte counts (redis normalises them to bytes).
MEMORY_PARAMS = frozenset({"maxmemory", "client-query-buffer-limit", "proto-max-bulk-len", "repl-backlog-size"})
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000 ** 2, "mb": 1024 ** 2, "g": 1000 ** 3, "gb": 1024 ** 3}


def parse_memory(text: str) -> int | None:
    """memtoll: ``2mb`` -> 2097152, ``1k`` -> 1000, ``100`` -> 100; None when malformed."""
    t = text.strip().lower()
    digits = t.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = _UNITS.get(t[len(digits):])
    try:
        return int(digits) * unit if unit is not None and digits else None
    except ValueError:
        return None


def _defaults(version: str) -> dict[str, str]:
    """CONFIG GET values of a server started without those directives."""
    major = int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0
    return {
        "appendonly": "no", "bind": "* -::*" if major >= 7 else "", "databases": "16", "dbfilename": "dump.rdb",
        "dir": "/data", "loglevel": "notice", "maxclients": "10000", "maxmemory": "0",
        "maxmemory-policy": "noeviction", "maxmemory-samples": "5", "port": "6379", "requirepass": "",
        "save": "3600 1 300 100 60 10000" if major >= 7 else "900 1 300 10 60 10000", "timeout": "0",
    }


@dataclass
class RedisServer:
    """A running redis-server: its configuration and its keyspace."""

    version: str
    config: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)

    def set_config(self, name: str, value: str) -> bool:
        name = name.lower()
        if name in MEMORY_PARAMS:
            n = parse_memory(value)
            if n is None:
                return False
            value = str(n)
        self.config[name] = value
        return True


#: The redis-server running in each container, by its root filesystem (shared by the exec'd processes).
_SERVERS: WeakKeyDictionary[Filesystem, RedisServer] = WeakKeyDictionary()


def redis_server(fs: Filesystem) -> RedisServer | None:
    """The redis server running in the container whose root filesystem is ``fs``."""
    return _SERVERS.get(fs)


@register("redis-server")
def tool_redis_server(inv: Invocation) -> Gen:
    """The server of :mod:`.servers`, with its configuration and keys kept while it runs."""
    server = RedisServer(image_version(inv.fs.image, "redis"))
    server.config = _defaults(server.version)
    args = inv.argv[1:]
    if args and not args[0].startswith("-"):
        try:
            text = inv.fs.read(inv.path(args[0]))
        except OSError:
            text = ""
        for line in text.splitlines():
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                continue
            if len(words) >= 2:
                server.set_config(words[0], " ".join(words[1:]))
        args = args[1:]
    i = 0
    while i < len(args):  # `--maxmemory 2mb`: each option and the words up to the next option
        if args[i].startswith("--"):
            j = i + 1
            while j < len(args) and not args[j].startswith("--"):
                j += 1
            server.set_config(args[i][2:], " ".join(args[i + 1:j]))
            i = j
        else:
            i += 1
    # Imported here: commands imports the tool registry, which imports this module.
    from labk8s.node.runtime.shell.commands import run_tool

    _SERVERS[inv.fs] = server
    try:
        return (yield from run_tool(tool_redis, inv))
    finally:
        if _SERVERS.get(inv.fs) is server:
            del _SERVERS[inv.fs]


# -- the client ------------------------------------------------------------------------------------------
@dataclass
class _Reply:
    """A RESP reply: kind is "status", "error", "string", "nil", "int" or "array"."""

    kind: str
    value: Any = None


def _raw(reply: _Reply) -> str:
    """cliFormatReplyRaw."""
    if reply.kind == "nil":
        return ""
    if reply.kind == "error":
        return f"{reply.value}\n"
    if reply.kind == "array":
        return "\n".join(_raw(r) for r in reply.value)
    return str(reply.value)


def _ok() -> _Reply:
    return _Reply("status", "OK")


def _arity(name: str) -> _Reply:
    return _Reply("error", f"ERR wrong number of arguments for '{name.lower()}' command")


#: name -> (arity as redis declares it: exact if positive, at least -n if negative).
_ARITY = {"ping": -1, "echo": 2, "set": -3, "get": 2, "del": -2, "exists": -2, "incr": 2, "keys": 2,
          "dbsize": 1, "flushall": -1, "flushdb": -1, "config": -2}


def _execute(server: RedisServer, argv: list[str]) -> _Reply:
    name = argv[0].lower()
    args = argv[1:]
    arity = _ARITY.get(name)
    if arity is None:
        major = server.version.split(".")[0]
        if major.isdigit() and int(major) >= 7:
            quoted = "".join(f"'{a}' " for a in args)
            return _Reply("error", f"ERR unknown command '{argv[0]}', with args beginning with: {quoted}")
        quoted = "".join(f"`{a}`, " for a in args)
        return _Reply("error", f"ERR unknown command `{argv[0]}`, with args beginning with: {quoted}")
    if (arity > 0 and len(argv) != arity) or (arity < 0 and len(argv) < -arity):
        return _arity(name)
    data = server.data
    if name == "ping":
        if len(args) > 1:
            return _arity(name)
        return _Reply("string", args[0]) if args else _Reply("status", "PONG")
    if name == "echo":
        return _Reply("string", args[0])
    if name == "set":
        if len(args) != 2:
            return _Reply("error", "ERR syntax error")
        data[args[0]] = args[1]
        return _ok()
    if name == "get":
        return _Reply("string", data[args[0]]) if args[0] in data else _Reply("nil")
    if name in ("del", "exists"):
        found = sum(1 for k in args if k in data)
        if name == "del":
            for k in args:
                data.pop(k, None)
        return _Reply("int", found)
    if name == "incr":
        old = data.get(args[0], "0")
        if not old.lstrip("-").isdigit():
            return _Reply("error", "ERR value is not an integer or out of range")
        data[args[0]] = str(int(old) + 1)
        return _Reply("int", int(data[args[0]]))
    if name == "keys":
        return _Reply("array", [_Reply("string", k) for k in sorted(data) if fnmatch.fnmatchcase(k, args[0])])
    if name == "dbsize":
        return _Reply("int", len(data))
    if name in ("flushall", "flushdb"):
        data.clear()
        return _ok()
    return _config(server, args)


def _config(server: RedisServer, args: list[str]) -> _Reply:
    sub = args[0].lower()
    if sub == "get" and len(args) == 2:
        pattern = args[1].lower()
        names = sorted(n for n in server.config if fnmatch.fnmatchcase(n, pattern))
        return _Reply("array", [_Reply("string", x) for n in names for x in (n, server.config[n])])
    if sub == "set" and len(args) == 3:
        name = args[1].lower()
        if name not in server.config:
            return _Reply("error", f"ERR Unsupported CONFIG parameter: {args[1]}")
        if not server.set_config(name, args[2]):
            return _Reply("error", f"ERR Invalid argument '{args[2]}' for CONFIG SET '{args[1]}'")
        return _ok()
    return _Reply("error", f"ERR Unknown subcommand or wrong number of arguments for '{args[0]}'. Try CONFIG HELP.")


@register("redis-cli")
def tool_redis_cli(inv: Invocation) -> Gen:
    host, port = "127.0.0.1", 6379
    args = inv.argv[1:]
    i = 0
    while i < len(args):
        arg, last = args[i], i == len(args) - 1
        if arg in ("-h", "-p", "-n", "-a") and not last:
            if arg == "-h":
                host = args[i + 1]
            elif arg == "-p":
                port = int(args[i + 1]) if args[i + 1].isdigit() else 0
            elif arg == "-a":
                inv.err("Warning: Using a password with '-a' or '-u' option on the command line interface may not "
                        "be safe.\n")
            i += 2
        elif arg in ("--raw", "--no-raw"):
            i += 1
        elif arg in ("-v", "--version"):
            inv.out(f"redis-cli {image_version(inv.fs.image, 'redis')}\n")
            return 0
        elif arg.startswith("-"):
            inv.err(f"Unrecognized option or bad number of args for: '{arg}'\n")
            return 1
        else:
            break
    command = args[i:]
    local = {"127.0.0.1", "localhost", "::1", inv.ctx.hostname} | ({inv.ctx.pod_ip} if inv.ctx.pod_ip else set())
    if host not in local:
        inv.err(f"redis-cli: connecting to {host}: servers in other pods are not modelled by labk8s\n")
        return 127
    server = redis_server(inv.fs)
    if server is None or server.config.get("port", "6379") != str(port):
        inv.err(f"Could not connect to Redis at {host}:{port}: Connection refused\n")
        return 1
    if command:
        lines = [command]
    else:
        text = yield from inv.stdin.read_all()
        lines = []
        for line in text.splitlines():
            try:
                words = shlex.split(line)
            except ValueError:
                inv.err("Invalid argument(s)\n")
                continue
            if words:
                lines.append(words)
    for argv in lines:
        inv.out(_raw(_execute(server, argv)) + "\n")
    return 0
