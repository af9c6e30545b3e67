"""Long-running programs of common images: nginx, httpd, redis, mysql, postgres, pause, ...

Each prints its usual first log lines, runs until signalled (``WaitForever``) and shuts down the way the
real server does on its stop signal, exiting 0. Lines are short, real formats with virtual timestamps.
Version numbers come from the image tag (``nginx:1.14.2``); untagged images use the version below.
Old nginx images (< 1.19) had no entrypoint script and logged nothing at start, and stopped on SIGTERM;
newer ones log the entrypoint's lines and stop on SIGQUIT (their STOPSIGNAL).
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from labk8s._sim.clock import EPOCH
from labk8s.node.runtime.shell.builtins import register
from labk8s.node.runtime.shell.process import Signal, Sleep, Wait, WaitForever
from labk8s.node.runtime.shell.streams import Invocation

__all__ = ["DEFAULT_VERSIONS", "image_version"]

Gen = Generator[Wait, Any, int]

DEFAULT_VERSIONS = {"nginx": "1.29.3", "httpd": "2.4.65", "redis": "8.2.2", "mysql": "9.5.0",
                    "postgres": "18.1", "perl": "5.42.0"}
_STOP = {"TERM", "INT", "QUIT", "HUP", "WINCH", "USR1", "USR2"}


def image_version(image: str, name: str) -> str:
    """The version in an image tag (``nginx:1.14.2-alpine`` -> ``1.14.2``), else the default."""
    ref = image.split("@", 1)[0]
    tag = ref.rsplit(":", 1)[1] if ":" in ref.rsplit("/", 1)[-1] else ""
    head = tag.split("-", 1)[0]
    if head and head[0].isdigit():
        return head
    return DEFAULT_VERSIONS.get(name, "1.0")


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def _at(inv: Invocation) -> Any:
    return EPOCH + timedelta(milliseconds=inv.now_ms())


def _until_signal(inv: Invocation, on_hup: Any = None) -> Generator[Wait, Any, Signal]:
    inv.catch_signals(_STOP)
    while True:
        sig = yield WaitForever()
        if isinstance(sig, Signal):
            if sig.short == "HUP" and on_hup is not None:
                on_hup()
                continue
            return sig


def _pid(inv: Invocation) -> int:
    return inv.ctx.pid if inv.main else inv.ctx.pid + 7


# -- nginx -------------------------------------------------------------------------------------------
_NGINX_ENTRYPOINT = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)


def _nginx_modern(image: str) -> bool:
    return _version_tuple(image_version(image, "nginx")) >= (1, 19)


@register("nginx")
def tool_nginx(inv: Invocation) -> Gen:
    version = image_version(inv.fs.image, "nginx")
    args = inv.argv[1:]
    if "-v" in args or "-V" in args:
        inv.err(f"nginx version: nginx/{version}\n")
        return 0
    if "-t" in args:
        inv.err("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
                "nginx: configuration file /etc/nginx/nginx.conf test is successful\n")
        return 0
    if "-s" in args:
        action = args[args.index("-s") + 1] if args.index("-s") + 1 < len(args) else ""
        signame = {"stop": "TERM", "quit": "QUIT", "reload": "HUP", "reopen": "USR1"}.get(action)
        if signame is None:
            inv.err(f'nginx: invalid option: "-s {action}"\n')
            return 1
        try:
            pid = int(inv.fs.read("/run/nginx.pid").strip())
        except (OSError, ValueError):
            inv.err(f"{_at(inv):%Y/%m/%d %H:%M:%S} [error] {inv.ctx.pid}#{inv.ctx.pid}: "
                    'open() "/run/nginx.pid" failed (2: No such file or directory)\n'
                    'nginx: [error] open() "/run/nginx.pid" failed (2: No such file or directory)\n')
            return 1
        hook = inv.ctx.signal_process
        if hook is None or not hook(pid, "SIG" + signame):
            inv.err(f'nginx: [alert] kill({pid}, {signame}) failed (3: No such process)\n')
            return 1
        return 0
    modern = _nginx_modern(inv.fs.image)
    pid = _pid(inv)
    workers = [pid + 28 + i for i in range(max(1, inv.ctx.cpu_count))]
    stamp = f"{_at(inv):%Y/%m/%d %H:%M:%S}"
    try:
        inv.fs.write("/run/nginx.pid", f"{pid}\n")
    except OSError:
        pass
    if modern:
        notes = ['using the "epoll" event method', f"nginx/{version}",
                 "built by gcc 14.2.0 (Debian 14.2.0-19) ", "OS: Linux 6.8.0-labk8s",
                 "getrlimit(RLIMIT_NOFILE): 1048576:1048576", "start worker processes"]
        notes += [f"start worker process {w}" for w in workers]
        inv.err("".join(f"{stamp} [notice] {pid}#{pid}: {n}\n" for n in notes))

    def reload() -> None:
        if modern:
            inv.err(f"{_at(inv):%Y/%m/%d %H:%M:%S} [notice] {pid}#{pid}: signal 1 (SIGHUP) received, reconfiguring\n")

    sig = yield from _until_signal(inv, on_hup=reload)
    if modern:
        stamp = f"{_at(inv):%Y/%m/%d %H:%M:%S}"
        graceful = sig.short in ("QUIT", "WINCH")
        lines = [f"{pid}#{pid}: signal {sig.number} (SIG{sig.short}) received, "
                 + ("shutting down" if graceful else "exiting")]
        for w in workers:
            lines += ([f"{w}#{w}: gracefully shutting down"] if graceful else []) + [
                f"{w}#{w}: exiting", f"{w}#{w}: exit"]
        for w in workers:
            lines += [f"{pid}#{pid}: signal 17 (SIGCHLD) received from {w}",
                      f"{pid}#{pid}: worker process {w} exited with code 0"]
        lines.append(f"{pid}#{pid}: exit")
        inv.err("".join(f"{stamp} [notice] {line}\n" for line in lines))
    return 0


# -- docker-entrypoint.sh of the official images ----------------------------------------------
@register("docker-entrypoint.sh")
def tool_docker_entrypoint(inv: Invocation) -> Gen:
    from labk8s.node.runtime.shell.commands import find_program, run_tool, tool_for

    args = inv.argv[1:]
    repo = inv.fs.image.split("@")[0].rsplit("/", 1)[-1].split(":")[0]
    if repo == "nginx" and args[:1] in (["nginx"], ["nginx-debug"]):
        inv.out("".join(line + "\n" for line in _NGINX_ENTRYPOINT))
    if repo == "redis" and args and args[0].endswith(".conf"):
        args = ["redis-server", *args]  # the entrypoint's `${1%.conf}` rule
    if args and args[0].startswith("-"):
        args = [{"redis": "redis-server", "mysql": "mysqld", "postgres": "postgres", "node": "node",
                 "bash": "bash"}.get(repo, "sh"), *args]
    if not args:
        return 0
    found = find_program(args[0], inv.fs, inv.env.get("PATH"), inv.cwd)
    if found is None:
        inv.err(f"/usr/local/bin/docker-entrypoint.sh: line 11: exec: {args[0]}: not found\n")
        return 127
    sub = Invocation(argv=args, ctx=inv.ctx, sched=inv.sched, cwd=inv.cwd, env=inv.env, stdin=inv.stdin,
                     stdout=inv.stdout, stderr=inv.stderr, main=inv.main, extra={"path": found})
    return (yield from run_tool(tool_for(found, args[0], inv.fs, inv.ctx.extra_tools), sub))


# -- httpd / apache2 ---------------------------------------------------------------------------------
def _apache(inv: Invocation, binary: str, banner: str, mpm: str) -> Gen:
    def stamp() -> str:
        t = _at(inv)
        return f"[{t:%a %b %d %H:%M:%S}.{t.microsecond:06d} {t:%Y}]"

    ip = inv.ctx.pod_ip or "127.0.0.1"
    pid = _pid(inv)
    warn = (f"AH00558: {binary}: Could not reliably determine the server's fully qualified domain name, "
            f"using {ip}. Set the 'ServerName' directive globally to suppress this message\n")
    inv.err(warn + warn)
    inv.err(f"{stamp()} [{mpm}:notice] [pid {pid}:tid {pid}] AH00489: {banner} configured -- resuming normal operations\n"
            f"{stamp()} [core:notice] [pid {pid}:tid {pid}] AH00094: Command line: '{binary} -D FOREGROUND'\n")
    sig = yield from _until_signal(inv)
    text = "caught SIGWINCH, shutting down gracefully" if sig.short == "WINCH" else f"caught SIG{sig.short}, shutting down"
    code = "AH00492" if sig.short == "WINCH" else "AH00491"
    inv.err(f"{stamp()} [{mpm}:notice] [pid {pid}:tid {pid}] {code}: {text}\n")
    return 0


@register("httpd-foreground", "httpd")
def tool_httpd(inv: Invocation) -> Gen:
    version = image_version(inv.fs.image, "httpd")
    return (yield from _apache(inv, "httpd", f"Apache/{version} (Unix)", "mpm_event"))


@register("apache2-foreground", "apache2")
def tool_apache2(inv: Invocation) -> Gen:
    return (yield from _apache(inv, "apache2", "Apache/2.4.10 (Debian) PHP/5.6.14", "mpm_prefork"))


# -- redis -----------------------------------------------------------------------------------------
@register("redis-server")
def tool_redis(inv: Invocation) -> Gen:
    version = image_version(inv.fs.image, "redis")
    pid = _pid(inv)

    def line(role: str, mark: str, text: str) -> str:
        t = _at(inv)
        return f"{pid}:{role} {t:%d %b %Y %H:%M:%S}.{t.microsecond // 1000:03d} {mark} {text}\n"

    conf = next((a for a in inv.argv[1:] if not a.startswith("-")), "")
    out = [line("C", "*", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
           line("C", "*", f"Redis version={version}, bits=64, commit=00000000, modified=0, pid={pid}, just started")]
    if conf:
        out.append(line("C", "*", "Configuration loaded"))
    else:
        out.append(line("C", "#", "Warning: no config file specified, using the default config. In order to "
                        "specify a config file use redis-server /path/to/redis.conf"))
    out += [line("M", "*", "monotonic clock: POSIX clock_gettime"),
            line("M", "*", "Running mode=standalone, port=6379."),
            line("M", "*", "Server initialized"),
            line("M", "*", "Ready to accept connections tcp")]
    inv.out("".join(out))
    sig = yield from _until_signal(inv)
    inv.out(f"{pid}:signal-handler ({inv.now_ms() // 1000 + int(EPOCH.timestamp())}) Received SIG{sig.short} "
            "scheduling shutdown...\n"
            + line("M", "*", "User requested shutdown...")
            + line("M", "*", "Saving the final RDB snapshot before exiting.")
            + line("M", "*", "DB saved on disk")
            + line("M", "#", "Redis is now ready to exit, bye bye..."))
    return 0


# -- databases -----------------------------------------------------------------------------------
@register("mysqld")
def tool_mysqld(inv: Invocation) -> Gen:
    version = image_version(inv.fs.image, "mysql")
    env = inv.env

    def note(level: str, text: str) -> str:
        return f"{_at(inv):%Y-%m-%d %H:%M:%S}+00:00 [{level}] [Entrypoint]: {text}\n"

    def server(level: str, code: str, text: str) -> str:
        t = _at(inv)
        return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z 0 [{level}] [{code}] [Server] {text}\n"

    initialized = inv.fs.exists("/var/lib/mysql/mysql")
    inv.out(note("Note", f"Entrypoint script for MySQL Server {version}-1.el9 started."))
    if not initialized and not any(env.get(k) for k in (
            "MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD")):
        inv.err(note("ERROR", "Database is uninitialized and password option is not specified\n"
                     "    You need to specify one of the following as an environment variable:\n"
                     "    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n"
                     "    - MYSQL_RANDOM_ROOT_PASSWORD").rstrip("\n") + "\n")
        return 1
    if not initialized:
        inv.out(note("Note", "Initializing database files"))
        yield Sleep(8000)  # --initialize-insecure and the temporary server take seconds
        try:
            inv.fs.mkdir("/var/lib/mysql/mysql", parents=True)
        except OSError:
            pass
        inv.out(note("Note", "MySQL init process done. Ready for start up."))
    inv.err(server("System", "MY-015015", "MySQL Server - start.")
            + server("System", "MY-010116", f"/usr/sbin/mysqld (mysqld {version}) starting as process {_pid(inv)}")
            + server("System", "MY-010931", f"/usr/sbin/mysqld: ready for connections. Version: '{version}'  "
                     "socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL."))
    _touch(inv, "/var/run/mysqld/mysqld.sock")
    yield from _until_signal(inv)
    _remove(inv, "/var/run/mysqld/mysqld.sock")
    inv.err(server("System", "MY-013172", f"Received SHUTDOWN from user <via user signal>. Shutting down "
                   f"mysqld (Version: {version}).")
            + server("System", "MY-010910", f"/usr/sbin/mysqld: Shutdown complete (mysqld {version})  "
                     "MySQL Community Server - GPL."))
    return 0


@register("postgres")
def tool_postgres(inv: Invocation) -> Gen:
    version = image_version(inv.fs.image, "postgres")
    pid = _pid(inv)

    def log(text: str) -> str:
        t = _at(inv)
        return f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} UTC [{pid}] LOG:  {text}\n"

    initialized = inv.fs.exists("/var/lib/postgresql/data/PG_VERSION")
    if not initialized and not inv.env.get("POSTGRES_PASSWORD") and inv.env.get("POSTGRES_HOST_AUTH_METHOD") != "trust":
        inv.err("Error: Database is uninitialized and superuser password is not specified.\n"
                "       You must specify POSTGRES_PASSWORD to a non-empty value for the\n"
                '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".\n\n'
                '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all\n'
                "       connections without a password. This is *not* recommended.\n\n"
                '       See PostgreSQL documentation about "trust":\n'
                "       https://www.postgresql.org/docs/current/auth-trust.html\n")
        return 1
    if not initialized:
        inv.out("The files belonging to this database system will be owned by user \"postgres\".\n")
        yield Sleep(2000)
        try:
            inv.fs.mkdir("/var/lib/postgresql/data", parents=True)
            inv.fs.write("/var/lib/postgresql/data/PG_VERSION", version.split(".")[0] + "\n")
        except OSError:
            pass
        inv.out("\nPostgreSQL init process complete; ready for start up.\n\n")
    inv.err(log(f"starting PostgreSQL {version} on x86_64-pc-linux-gnu")
            + log('listening on IPv4 address "0.0.0.0", port 5432')
            + log("database system is ready to accept connections"))
    _touch(inv, "/var/run/postgresql/.s.PGSQL.5432")
    sig = yield from _until_signal(inv)
    _remove(inv, "/var/run/postgresql/.s.PGSQL.5432")
    kind = {"TERM": "smart", "INT": "fast", "QUIT": "immediate"}.get(sig.short, "fast")
    inv.err(log(f"received {kind} shutdown request") + log("database system is shut down"))
    return 0


def _touch(inv: Invocation, path: str) -> None:
    """The server's socket file: what its client tools (probes) look for."""
    try:
        inv.fs.mkdir(path.rsplit("/", 1)[0], parents=True)
        inv.fs.write(path, "")
    except OSError:
        pass


def _remove(inv: Invocation, path: str) -> None:
    try:
        inv.fs.remove(path)
    except OSError:
        pass


@register("mysqladmin", "mysql")
def tool_mysql_client(inv: Invocation) -> int:
    """``mysqladmin ping`` and ``mysql -e 'SELECT 1'`` (the docs' probes): they succeed while mysqld in
    this container is ready (its socket file exists)."""
    if not inv.fs.exists("/var/run/mysqld/mysqld.sock"):
        inv.err(f"{inv.name}: connect to server at 'localhost' failed\nerror: 'Can't connect to local MySQL "
                "server through socket '/var/run/mysqld/mysqld.sock' (2)'\n" if inv.name == "mysqladmin" else
                "ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1:3306' (111)\n")
        return 1
    if inv.name == "mysqladmin":
        inv.out("mysqld is alive\n")
    elif "-e" in inv.argv:
        query = inv.argv[inv.argv.index("-e") + 1] if inv.argv.index("-e") + 1 < len(inv.argv) else ""
        value = query.strip().rstrip(";").split()[-1] if query.strip().upper().startswith("SELECT") else ""
        if value:
            inv.out(f"{value}\n{value}\n")
    return 0


@register("pg_isready")
def tool_pg_isready(inv: Invocation) -> int:
    if inv.fs.exists("/var/run/postgresql/.s.PGSQL.5432"):
        inv.out("/var/run/postgresql:5432 - accepting connections\n")
        return 0
    inv.out("/var/run/postgresql:5432 - no response\n")
    return 2


# -- small programs -------------------------------------------------------------------------------
@register("pause")
def tool_pause(inv: Invocation) -> Gen:
    sig = yield from _until_signal(inv)
    names = {"TERM": "Terminated", "INT": "Interrupt", "QUIT": "Quit", "HUP": "Hangup"}
    inv.err(f"Shutting down, got signal: {names.get(sig.short, sig.short)}\n")
    return 0


@register("python", "python3", "node")
def tool_interpreter(inv: Invocation) -> Gen:
    """An interpreter with no script and no input (the image default): reads EOF and exits 0.
    With a script, the program is not modelled: it runs until signalled."""
    if len(inv.argv) == 1 or inv.argv[1:] in (["-"], ["-i"]):
        _ = yield from inv.stdin.read_all()
        return 0
    sig = yield from _until_signal(inv)
    return 128 + sig.number


def _pi_digits(digits: int) -> str:
    """pi to ``digits`` significant digits by Machin's formula (what ``bpi(digits)`` prints)."""
    guard = 10
    scale = 10 ** (digits + guard)

    def arctan_inv(x: int) -> int:
        total, term, n, sign = 0, scale // x, 1, 1
        x2 = x * x
        while term:
            total += sign * (term // n)
            term //= x2
            n += 2
            sign = -sign
        return total

    pi = 4 * (4 * arctan_inv(5) - arctan_inv(239))
    text = str(pi)[:digits]
    return text[0] + "." + text[1:]


@register("perl")
def tool_perl(inv: Invocation) -> Gen:
    """Only the Job example ``perl -Mbignum=bpi -wle 'print bpi(N)'``; other scripts are not modelled."""
    import re

    script = " ".join(inv.argv[1:])
    m = re.search(r"print bpi\((\d+)\)", script)
    if m and "-Mbignum=bpi" in inv.argv:
        digits = int(m.group(1))
        yield Sleep(max(1, digits * digits // 500))  # bignum arithmetic: ~2 s of CPU for 1000 digits
        inv.out(_pi_digits(digits) + "\n")
        return 0
    if len(inv.argv) == 1 or inv.argv[1:] == ["-de0"]:
        _ = yield from inv.stdin.read_all()
        return 0
    inv.err("labk8s: this perl program is not modelled\n")
    return 255
