"""``stress`` 1.0.4 (Amos Waterland's, the ``polinux/stress`` image of the docs' resource examples).

The master process parses its options exactly as stress does (messages and their source line numbers),
prints ``stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd``, forks its workers round robin
and waits for them. Each worker first sleeps its back-off (``--backoff`` µs, 3000 by default, times the
number of workers still to fork in that round). Then:

- ``--cpu`` workers spin on sqrt(): one CPU each (1000m, held to the container's CFS quota);
- ``--vm`` workers malloc ``--vm-bytes`` (default 256M; suffixes B, K, M, G are powers of 1024) and
  touch one byte every ``--vm-stride`` bytes. Every touched page is resident: memory grows in
  :data:`TOUCH_STEPS` steps over the touch time (:data:`PAGE_FIRST_TOUCH_NS` per page, one CPU busy),
  and is charged to the container's cgroup, whose OOM killer ends the container once it goes over its
  limit. Then the worker sleeps ``--vm-hang`` seconds holding the memory (0: forever), frees it and
  starts again. Without ``--vm-hang`` the malloc/touch/free loop takes a few ms per round: labk8s keeps
  the memory charged and the CPU busy rather than simulating every round;
- ``--io`` and ``--hdd`` workers run (sync(), write()) without any modelled use of CPU or disk.

``--timeout N`` (suffixes s, m, h, d, y) ends every worker with SIGALRM N seconds after the start; the
master then prints ``successful run completed in Ns`` and exits 0. Signals have their default action:
as PID 1 stress ignores SIGTERM (the kubelet's SIGKILL ends it after the grace period).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from labk8s.node.runtime.shell.builtins import register
from labk8s.node.runtime.shell.process import Sleep, Task, Wait, WaitForever, WaitTasks
from labk8s.node.runtime.shell.streams import Invocation

__all__ = ["PAGE_FIRST_TOUCH_NS", "PAGE_SIZE", "TOUCH_STEPS", "parse_size", "touch_plan"]

Gen = Generator[Wait, Any, int]

#: First touch of an anonymous page: the page fault, zeroing 4 KiB and the memory cgroup charge, about
#: 1 µs on current x86-64 servers (4 GiB/s); 250M take 64 ms.
PAGE_FIRST_TOUCH_NS = 1000
PAGE_SIZE = 4096
#: Memory of a vm worker becomes resident in this many equal steps over the touch time.
TOUCH_STEPS = 4
#: stress's defaults.
DEFAULT_BACKOFF_US = 3000
DEFAULT_VM_BYTES = 256 * 1024 * 1024
DEFAULT_VM_STRIDE = 4096
VERSION = "1.0.4"
#: A busy worker uses one CPU.
BUSY_MILLICORES = 1000

# __LINE__ of stress.c 1.0.4 for each message the master can print.
_LINE_ASSERT_ARG = {"--backoff": 136, "--timeout": 151, "--cpu": 161, "--io": 171, "--vm": 181,
                    "--vm-bytes": 191, "--vm-stride": 201, "--vm-hang": 211, "--hdd": 225, "--hdd-bytes": 235}
_LINE_INVALID = {"--backoff": 144, "--timeout": 155, "--cpu": 165, "--io": 175, "--vm": 185, "--vm-bytes": 195,
                 "--vm-stride": 205, "--vm-hang": 215, "--hdd": 229, "--hdd-bytes": 239}
_LINE_BACKOFF_NUMBER = 139
_LINE_UNRECOGNIZED = 245
_LINE_B_SUFFIX, _LINE_B_NUMBER = 648, 655
_LINE_S_SUFFIX, _LINE_S_NUMBER = 706, 713

_USAGE = (
    "`{0}' imposes certain types of compute stress on your system\n\n"
    "Usage: {0} [OPTION [ARG]] ...\n"
    " -?, --help         show this help statement\n"
    "     --version      show version statement\n"
    " -v, --verbose      be verbose\n"
    " -q, --quiet        be quiet\n"
    " -n, --dry-run      show what would have been done\n"
    " -t, --timeout N    timeout after N seconds\n"
    "     --backoff N    wait factor of N microseconds before work starts\n"
    " -c, --cpu N        spawn N workers spinning on sqrt()\n"
    " -i, --io N         spawn N workers spinning on sync()\n"
    " -m, --vm N         spawn N workers spinning on malloc()/free()\n"
    "     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)\n"
    "     --vm-stride B  touch a byte every B bytes (default is 4096)\n"
    "     --vm-hang N    sleep N secs before free (default none, 0 is inf)\n"
    "     --vm-keep      redirty memory instead of freeing and reallocating\n"
    " -d, --hdd N        spawn N workers spinning on write()/unlink()\n"
    "     --hdd-bytes B  write B bytes per hdd worker (default is 1GB)\n\n"
    "Example: {0} --cpu 8 --io 4 --vm 2 --vm-bytes 128M --timeout 10s\n\n"
    "Note: Numbers may be suffixed with s,m,h,d,y (time) or B,K,M,G (size).\n")


class _Fail(Exception):
    """stress's err() followed by exit(1): (source line, message)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _scan_int(text: str) -> int | None:
    """sscanf("%lli"): an optional sign and a decimal, 0x hex or 0 octal prefix of the text."""
    s = text.lstrip()
    sign = -1 if s[:1] == "-" else 1
    s = s[1:] if s[:1] in "+-" else s
    if s[:2].lower() == "0x" and len(s) > 2 and s[2] in "0123456789abcdefABCDEF":
        digits, base = s[2:], 16
        allowed = "0123456789abcdefABCDEF"
    elif s[:1] == "0":
        digits, base, allowed = s, 8, "01234567"
    else:
        digits, base, allowed = s, 10, "0123456789"
    n = 0
    while n < len(digits) and digits[n] in allowed:
        n += 1
    return sign * int(digits[:n], base) if n else None


def parse_size(text: str) -> int:
    """atoll_b: a number with an optional B, K, M or G suffix (powers of 1024); raises _Fail."""
    suffix = text[-1:] if text else ""
    shift = {"b": 0, "k": 10, "m": 20, "g": 30}.get(suffix.lower())
    if shift is None:
        shift = 0
        if not suffix.isdigit():
            raise _Fail(_LINE_B_SUFFIX, f"unrecognized suffix: {suffix}")
    value = _scan_int(text)
    if value is None:
        raise _Fail(_LINE_B_NUMBER, f"invalid number: {text}")
    return value << shift


def _parse_seconds(text: str) -> int:
    """atoll_s: a number with an optional s, m, h, d or y suffix."""
    suffix = text[-1:] if text else ""
    factor = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 31536000}.get(suffix.lower())
    if factor is None:
        factor = 1
        if not suffix.isdigit():
            raise _Fail(_LINE_S_SUFFIX, f"unrecognized suffix: {suffix}")
    value = _scan_int(text)
    if value is None:
        raise _Fail(_LINE_S_NUMBER, f"invalid number: {text}")
    return value * factor


def touch_plan(nbytes: int, stride: int) -> tuple[int, int]:
    """(resident bytes, touch time in ms) of one vm round: the distinct pages the strided writes hit."""
    if stride >= PAGE_SIZE:
        pages = -(-nbytes // stride)
    else:
        pages = -(-nbytes // PAGE_SIZE)
    return pages * PAGE_SIZE, -(-pages * PAGE_FIRST_TOUCH_NS // 1_000_000)


class _Options:
    def __init__(self) -> None:
        self.debug = 2
        self.dry_run = False
        self.backoff = DEFAULT_BACKOFF_US
        self.timeout = 0
        self.hogs = {"cpu": 0, "io": 0, "vm": 0, "hdd": 0}
        self.vm_bytes = DEFAULT_VM_BYTES
        self.vm_stride = DEFAULT_VM_STRIDE
        self.vm_hang = -1
        self.vm_keep = False
        self.hdd_bytes = 1024 * 1024 * 1024
        self.help = False
        self.version = False
        #: Debug lines of the option loop (printed only with --verbose before the option).
        self.notes: list[str] = []


_COUNTS = {"--cpu": "cpu", "-c": "cpu", "--io": "io", "-i": "io", "--vm": "vm", "-m": "vm", "--hdd": "hdd",
           "-d": "hdd"}
_SIZES = {"--vm-bytes": ("vm_bytes", "invalid vm byte value"), "--vm-stride": ("vm_stride", "invalid stride value"),
          "--hdd-bytes": ("hdd_bytes", "invalid hdd byte value")}


def _parse(argv: list[str]) -> _Options:
    """stress's option loop; the first problem raises _Fail (usage and version end the loop)."""
    o = _Options()
    i = 1
    while i < len(argv):
        arg = argv[i]

        def value(name: str) -> str:
            nonlocal i
            i += 1
            if i == len(argv) or (argv[i][:1] == "-" and not argv[i][1:2].isdigit()):
                raise _Fail(_LINE_ASSERT_ARG[name], f"missing argument to option '{name}'")
            return argv[i]

        if arg in ("--help", "-?"):
            o.help = True
            return o
        if arg == "--version":
            o.version = True
            return o
        if arg in ("--verbose", "-v"):
            o.debug = 3
        elif arg in ("--quiet", "-q"):
            o.debug = 0
        elif arg in ("--dry-run", "-n"):
            o.dry_run = True
        elif arg == "--backoff":
            text = value("--backoff")
            n = _scan_int(text)
            if n is None:
                raise _Fail(_LINE_BACKOFF_NUMBER, f"invalid number: {text}")
            if n < 0:
                raise _Fail(_LINE_INVALID["--backoff"], f"invalid backoff factor: {n}")
            o.backoff = n
            if o.debug >= 3:
                o.notes.append(f"setting backoff coeffient to {n}us")
        elif arg in ("--timeout", "-t"):
            o.timeout = _parse_seconds(value("--timeout"))
            if o.timeout <= 0:
                raise _Fail(_LINE_INVALID["--timeout"], f"invalid timeout value: {o.timeout}s")
        elif arg in _COUNTS:
            kind = _COUNTS[arg]
            n = parse_size(value(f"--{kind}"))
            if n <= 0:
                raise _Fail(_LINE_INVALID[f"--{kind}"], f"invalid number of {kind} hogs: {n}")
            o.hogs[kind] = n
        elif arg in _SIZES:
            attr, what = _SIZES[arg]
            n = parse_size(value(arg))
            if n <= 0:
                raise _Fail(_LINE_INVALID[arg], f"{what}: {n}")
            setattr(o, attr, n)
        elif arg == "--vm-hang":
            n = parse_size(value("--vm-hang"))
            if n < 0:
                raise _Fail(_LINE_INVALID["--vm-hang"], f"invalid value: {n}")
            o.vm_hang = n
        elif arg == "--vm-keep":
            o.vm_keep = True
        else:
            raise _Fail(_LINE_UNRECOGNIZED, f"unrecognized option: {arg}")
        i += 1
    return o


@register("stress")
def tool_stress(inv: Invocation) -> Gen:
    prog = inv.name
    pid = inv.ctx.pid if inv.main else inv.sched.alloc_pid()
    try:
        o = _parse(inv.argv)
    except _Fail as fail:
        inv.err(f"{prog}: FAIL: [{pid}] ({fail.line}) {fail.message}\n")
        return 1
    total = sum(o.hogs.values())
    if o.help or (not o.version and not total):
        inv.out(_USAGE.format(prog))
        return 0
    if o.version:
        inv.out(f"{prog} {VERSION}\n")
        return 0

    def info(who: int, text: str) -> None:
        if o.debug >= 2:
            inv.out(f"{prog}: info: [{who}] {text}\n")

    def dbg(who: int, text: str) -> None:
        if o.debug >= 3:
            inv.out(f"{prog}: dbug: [{who}] {text}\n")

    for note in o.notes:
        dbg(pid, note)
    start_ms = inv.now_ms()
    deadline = start_ms + o.timeout * 1000 if o.timeout else None
    info(pid, "dispatching hogs: {cpu} cpu, {io} io, {vm} vm, {hdd} hdd".format(**o.hogs))
    left = dict(o.hogs)
    workers: list[tuple[int, Task]] = []
    while sum(left.values()):
        backoff_us = o.backoff * sum(left.values())
        dbg(pid, f"using backoff sleep of {backoff_us}us")
        if deadline is not None:
            dbg(pid, f"setting timeout to {o.timeout}s")
        for kind in ("cpu", "io", "vm", "hdd"):
            if left[kind]:
                wpid = inv.sched.alloc_pid()
                task = inv.sched.spawn(_worker(inv, o, kind, wpid, backoff_us, deadline, dbg), name=f"hog{kind}")
                dbg(pid, f"--> hog{kind} worker {left[kind]} [{wpid}] forked")
                workers.append((wpid, task))
                left[kind] -= 1
    yield WaitTasks(tuple(task for _, task in workers))
    for wpid, _task in workers:
        dbg(pid, f"<-- worker {wpid} " + ("returned normally" if o.dry_run or deadline is None
                                          else "signalled normally"))
    runtime = inv.now_ms() // 1000 - start_ms // 1000  # time(NULL) has whole seconds
    info(pid, f"successful run completed in {runtime}s")
    return 0


def _worker(inv: Invocation, o: _Options, kind: str, wpid: int, backoff_us: int, deadline: int | None,
            dbg: Callable[[int, str], None]) -> Gen:
    """One forked hog; returns when its alarm (``--timeout``) fires or, with ``--dry-run``, at once."""
    key = (inv.ctx.pid, wpid)
    account = inv.ctx.account

    def use(memory: int, millicores: int) -> None:
        if account is not None:
            account(key, memory, millicores)

    def nap(ms: int | None) -> Generator[Wait, Any, bool]:
        """Sleep ``ms`` (None: forever) unless the alarm comes first; True when it did."""
        now = inv.now_ms()
        if deadline is not None and (ms is None or now + ms >= deadline):
            yield Sleep(max(0, deadline - now))
            return True
        while ms is None:
            yield WaitForever()
        yield Sleep(ms)
        return False

    try:
        if (yield from nap(-(-backoff_us // 1000))) or o.dry_run:
            return 0
        if kind == "cpu":
            use(0, BUSY_MILLICORES)
            yield from nap(None)
            return 0
        if kind != "vm":
            yield from nap(None)
            return 0
        resident, touch_ms = touch_plan(o.vm_bytes, o.vm_stride)
        first = True
        while True:
            if first or not o.vm_keep:
                dbg(wpid, f"allocating {o.vm_bytes} bytes ...")
                dbg(wpid, f"touching bytes in strides of {o.vm_stride} bytes ...")
                for step in range(1, TOUCH_STEPS + 1):
                    elapsed = touch_ms * (step - 1) // TOUCH_STEPS
                    use(resident * (step - 1) // TOUCH_STEPS, BUSY_MILLICORES)
                    if (yield from nap(touch_ms * step // TOUCH_STEPS - elapsed)):
                        return 0
            else:  # --vm-keep: the pages are resident already; redirtying them takes no time worth modelling
                dbg(wpid, f"touching bytes in strides of {o.vm_stride} bytes ...")
            first = False
            if o.vm_hang < 0:
                # malloc/touch/free rounds of a few ms each: hold the memory and a busy CPU.
                use(resident, BUSY_MILLICORES)
                yield from nap(None)
                return 0
            use(resident, 0)
            if o.vm_hang == 0:
                dbg(wpid, "sleeping forever with allocated memory")
                yield from nap(None)
                return 0
            dbg(wpid, f"sleeping for {o.vm_hang}s with allocated memory")
            if (yield from nap(o.vm_hang * 1000)):
                return 0
            if not o.vm_keep:
                use(0, 0)
                dbg(wpid, f"freed {o.vm_bytes} bytes")
    finally:
        use(0, 0)
