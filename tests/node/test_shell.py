"""The simulated container process model: the sh interpreter, tools, signals and virtual time.

Driven by a tiny virtual-time loop (:class:`Sim`): processes yield Sleep/WaitForever and are resumed
when the fake clock reaches their wake-up time, or sent a Signal.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Any

import pytest

from labk8s.node.runtime.shell import (
    TOOLS,
    Filesystem,
    Invocation,
    ProcessContext,
    Signal,
    Sleep,
    Wait,
    WaitForever,
    base_filesystem,
    container_argv,
    image_config,
    resolve_executable,
    run_command,
    run_image_default,
)

MANIFEST_ATTRIBUTION = "Kubernetes documentation examples, (c) The Kubernetes Authors, CC BY 4.0"


class Proc:
    def __init__(self, sim: Sim, gen: Generator[Wait, Signal | None, int], ctx: ProcessContext) -> None:
        self.sim = sim
        self.gen = gen
        self.ctx = ctx
        self.wake: int | None = None
        self.code: int | None = None
        self.ended_at: int | None = None
        self._handle(lambda: next(gen))

    @property
    def done(self) -> bool:
        return self.code is not None

    def _handle(self, step: Any) -> None:
        try:
            wait = step()
        except StopIteration as stop:
            self.code = stop.value
            self.ended_at = self.sim.t
            self.wake = None
            return
        self.wake = self.sim.t + wait.ms if isinstance(wait, Sleep) else None
        assert isinstance(wait, Sleep | WaitForever)

    def resume(self) -> None:
        self._handle(lambda: self.gen.send(None))

    def signal(self, name: str) -> None:
        if not self.done:
            self._handle(lambda: self.gen.send(Signal(name)))

    def out(self, stream: str | None = None) -> str:
        return self.ctx.output(stream)


class Sim:
    """A fake clock and a run loop over several processes (containers of one pod, probes)."""

    def __init__(self) -> None:
        self.t = 0
        self.procs: list[Proc] = []

    def now(self) -> int:
        return self.t

    def fs(self, image: str = "busybox", hostname: str = "pod") -> Filesystem:
        return base_filesystem(image, hostname, clock=self.now)

    def ctx(self, fs: Filesystem, **kw: Any) -> ProcessContext:
        kw.setdefault("hostname", "pod")
        return ProcessContext(fs=fs, now_ms=self.now, **kw)

    def start(self, argv: list[str], fs: Filesystem | None = None, **kw: Any) -> Proc:
        ctx = self.ctx(fs or self.fs(), **kw)
        proc = Proc(self, run_command(argv, ctx), ctx)
        self.procs.append(proc)
        return proc

    def start_image(self, image: str, **kw: Any) -> Proc:
        ctx = self.ctx(self.fs(image), **kw)
        proc = Proc(self, run_image_default(image, ctx), ctx)
        self.procs.append(proc)
        return proc

    def run_until(self, t_end: int) -> None:
        while True:
            due = [p for p in self.procs if not p.done and p.wake is not None and p.wake <= t_end]
            if not due:
                break
            proc = min(due, key=lambda p: (p.wake, self.procs.index(p)))
            assert proc.wake is not None
            self.t = max(self.t, proc.wake)
            proc.resume()
        self.t = max(self.t, t_end)

    def exec(self, argv: list[str], fs: Filesystem, limit: int = 60_000) -> tuple[int | None, str]:
        """Run to completion now (kubectl exec, exec probes): not PID 1."""
        proc = self.start(argv, fs, is_pid1=False, pid=42)
        self.run_until(self.t + 0)
        start = self.t
        while not proc.done and proc.wake is not None and proc.wake <= start + limit:
            self.run_until(proc.wake)
        self.procs.remove(proc)
        return proc.code, proc.out()


def sh(script: str, image: str = "busybox", env: dict[str, str] | None = None, until: int = 600_000,
       shell: str = "sh") -> tuple[int | None, str, str]:
    sim = Sim()
    proc = sim.start([shell, "-c", script], sim.fs(image), env=env or {})
    sim.run_until(until)
    return proc.code, proc.out("stdout"), proc.out("stderr")


# -- script language -------------------------------------------------------------------------------
LANGUAGE = [
    ("echo hello", "hello\n", 0),
    ("echo 'a  b' \"c  d\" e\\ f", "a  b c  d e f\n", 0),
    ('echo "$HOSTNAME" ${HOSTNAME}', "pod pod\n", 0),
    ("X=1; echo ${X} $X ${Y:-def} ${#X} ${X:+set} \"${Y}\"", "1 1 def 1 set \n", 0),
    ("A='x  y'; echo $A; echo \"$A\"", "x y\nx  y\n", 0),
    ("echo -n hi", "hi", 0),
    ("echo -e 'a\\tb'", "a\tb\n", 0),
    ("printf '%s-%d\\n' a 5", "a-5\n", 0),
    ("printf '%05.1f|%x|%3s|\\n' 3.14159 255 z", "003.1|ff|  z|\n", 0),
    ("printf '%s\\n' a b c", "a\nb\nc\n", 0),
    ("true && echo yes || echo no", "yes\n", 0),
    ("false && echo yes || echo no", "no\n", 0),
    ("false; echo $?", "1\n", 0),
    ("exit 42", "", 42),
    ("exit 256", "", 0),
    ("false", "", 1),
    ("false; exit", "", 1),
    ("echo a; # a comment\necho b", "a\nb\n", 0),
    ("for i in 1 2 3; do echo $i; done", "1\n2\n3\n", 0),
    ("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done", "0\n1\n2\n", 0),
    ("i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i", "2\n", 0),
    ("for i in 1 2 3 4; do if [ $i = 2 ]; then continue; fi; if [ $i = 4 ]; then break; fi; echo $i; done",
     "1\n3\n", 0),
    ("x=5; if [ $x -lt 3 ]; then echo small; elif [ $x -lt 10 ]; then echo medium; else echo big; fi",
     "medium\n", 0),
    ("case foo.txt in *.log) echo log;; *.txt|*.md) echo text;; *) echo other;; esac", "text\n", 0),
    ("echo $((7 / 2)) $((7 % 3)) $((2 ** 10)) $((1 < 2 && 3 > 4)) $((0x10 + 010))", "3 1 1024 0 24\n", 0),
    ("echo $(echo inner) `echo back`", "inner back\n", 0),
    ('echo "$(echo "nested $(echo deep)")"', "nested deep\n", 0),
    ("f() { echo \"arg $1 of $#\"; return 3; }; f x y; echo $?", "arg x of 2\n3\n", 0),
    ("set -e; echo one; false; echo never", "one\n", 1),
    ("set -e; false || echo handled; if false; then :; fi; echo fine", "handled\nfine\n", 0),
    ("cat <<EOF\nhello $HOSTNAME\nEOF", "hello pod\n", 0),
    ("cat <<'EOF'\nhello $HOSTNAME\nEOF", "hello $HOSTNAME\n", 0),
    ("touch /tmp/b.txt /tmp/a.txt; echo /tmp/*.txt /tmp/*.none", "/tmp/a.txt /tmp/b.txt /tmp/*.none\n", 0),
    ("echo a b c | wc -w", "3\n", 0),
    ("seq 3 | while read n; do echo \"n=$n\"; done", "n=1\nn=2\nn=3\n", 0),
    ("echo x | read v; echo \"[$v]\"", "[]\n", 0),
    ("(exit 3); echo $?", "3\n", 0),
    ("{ echo a; echo b; } > /tmp/g; cat /tmp/g", "a\nb\n", 0),
    ("! false; echo $?", "0\n", 0),
    ("set -- a 'b c'; for x in \"$@\"; do echo \"<$x>\"; done; echo $#", "<a>\n<b c>\n2\n", 0),
    ("v=abc.tar.gz; echo ${v%.gz} ${v%%.*} ${v#*.} ${v##*.}", "abc.tar abc tar.gz gz\n", 0),
    ("echo ~ ~/x", "/root /root/x\n", 0),
    ("X=outer; f() { local X=inner; echo $X; }; f; echo $X", "inner\nouter\n", 0),
    ("eval 'echo evaluated'", "evaluated\n", 0),
    ("FOO=bar env | grep FOO", "FOO=bar\n", 0),
    ("export A=1; sh -c 'echo child $A'", "child 1\n", 0),
    ("cd /tmp && pwd; cd / ; pwd", "/tmp\n/\n", 0),
    (": ; true; echo ok", "ok\n", 0),
]


@pytest.mark.parametrize(("script", "stdout", "code"), LANGUAGE)
def test_script_language(script: str, stdout: str, code: int) -> None:
    got_code, out, err = sh(script)
    assert (out, got_code) == (stdout, code), err


def test_bash_array_indexed_job_example() -> None:
    # application/job/indexed-job.yaml (init container, image docker.io/library/bash)
    script = ("               items=(foo bar baz qux xyz)\n"
              "               echo ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt\n"
              "              ")
    sim = Sim()
    vol = Filesystem()
    init_fs = sim.fs("docker.io/library/bash")
    init_fs.mount("/input", vol)
    init = sim.start(["bash", "-c", script], init_fs, env={"JOB_COMPLETION_INDEX": "2"})
    sim.run_until(1000)
    assert init.code == 0
    worker_fs = sim.fs("docker.io/library/busybox")
    worker_fs.mount("/input", vol)
    worker = sim.start(["rev", "/input/data.txt"], worker_fs)
    sim.run_until(2000)
    assert (worker.code, worker.out()) == (0, "zab\n")


# -- tools ----------------------------------------------------------------------------------------------
TOOL_CASES = [
    ("echo hi > /tmp/f; cat /tmp/f", "hi\n", "", 0),
    ("echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f", "a\nb\n", "", 0),
    ("cat /nope; echo $?", "1\n", "cat: can't open '/nope': No such file or directory\n", 0),
    ("ls /nonexistent 2>&1", "ls: /nonexistent: No such file or directory\n", "", 1),
    ("ls /nonexistent 2>/dev/null; echo $?", "1\n", "", 0),
    ("cat < /dev/null; echo done", "done\n", "", 0),
    ("echo x > /tmp/in; cat < /tmp/in", "x\n", "", 0),
    ("echo err >&2", "", "err\n", 0),
    ("mkdir -p /a/b/c && ls /a/b", "c\n", "", 0),
    ("mkdir /x/y", "", "mkdir: can't create directory '/x/y': No such file or directory\n", 1),
    ("echo 1 > /tmp/s; cp /tmp/s /tmp/d; mv /tmp/d /tmp/e; ls /tmp", "e\ns\n", "", 0),
    ("rm /tmp/none", "", "rm: can't remove '/tmp/none': No such file or directory\n", 1),
    ("rm -f /tmp/none; echo $?", "0\n", "", 0),
    ("mkdir /tmp/d; touch /tmp/d/x; rm /tmp/d; rm -r /tmp/d; ls /tmp", "", "rm: '/tmp/d' is a directory\n", 0),
    ("hostname", "pod\n", "", 0),
    ("printenv HOSTNAME; printenv NOPE; echo $?", "pod\n1\n", "", 0),
    ("printf 'a\\nb\\nc\\n' > /tmp/l; wc -l < /tmp/l; wc -l /tmp/l", "3\n3 /tmp/l\n", "", 0),
    ("seq 10 | head -n 2; seq 10 | tail -n 2; seq 5 | tail -1", "1\n2\n9\n10\n5\n", "", 0),
    ("echo 'hello world' > /tmp/g; grep -q world /tmp/g && echo found; grep nope /tmp/g; echo $?",
     "found\n1\n", "", 0),
    ("printf 'a.c\\nabc\\n' | grep -F a.c", "a.c\n", "", 0),
    ("printf 'x\\ny\\nx\\n' | sort | uniq -c", "      2 x\n      1 y\n", "", 0),
    ("echo 'a:b:c' | cut -d: -f2", "b\n", "", 0),
    ("echo hello | tr a-z A-Z", "HELLO\n", "", 0),
    ("basename /a/b/c.txt .txt; dirname /a/b/c.txt", "c\n/a/b\n", "", 0),
    ("yes | head -n 3", "y\ny\ny\n", "", 0),
    ("while true; do echo x; done | head -n 2; echo $?", "x\nx\n0\n", "", 0),
    ("expr 2 + 3", "5\n", "", 0),
    ("id; whoami", "uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n", "", 0),
    ("echo 'echo hi' > /tmp/s.sh; /tmp/s.sh", "", "sh: /tmp/s.sh: Permission denied\n", 126),
    ("echo 'echo hi $1' > /tmp/s.sh; chmod +x /tmp/s.sh; /tmp/s.sh there; sh /tmp/s.sh again",
     "hi there\nhi again\n", "", 0),
    ("echo x > /nonexistent/f", "", "sh: can't create /nonexistent/f: nonexistent directory\n", 2),
    ("cat < /nope", "", "sh: can't open /nope: no such file\n", 2),
    ("ls /etc/hostname /bin/sh", "/bin/sh\n/etc/hostname\n", "", 0),
    ("find /tmp -name '*.x'; touch /tmp/q.x; find /tmp -name '*.x'", "/tmp/q.x\n", "", 0),
]


@pytest.mark.parametrize(("script", "stdout", "stderr", "code"), TOOL_CASES)
def test_tools(script: str, stdout: str, stderr: str, code: int) -> None:
    assert sh(script) == (code, stdout, stderr)


TEST_CASES = [
    ("[ -e /etc/hostname ]", 0), ("[ -e /nope ]", 1), ("[ -f /etc/hostname ]", 0), ("[ -f /tmp ]", 1),
    ("[ -d /tmp ]", 0), ("[ -d /etc/hostname ]", 1), ("[ -z '' ]", 0), ("[ -z x ]", 1), ("[ -n x ]", 0),
    ("[ -n '' ]", 1), ("[ a = a ]", 0), ("[ a = b ]", 1), ("[ a != b ]", 0), ("[ 1 -eq 1 ]", 0),
    ("[ 1 -ne 1 ]", 1), ("[ 1 -lt 2 ]", 0), ("[ 2 -gt 1 ]", 0), ("[ 2 -le 2 ]", 0), ("[ 1 -ge 2 ]", 1),
    ("[ ! -e /nope ]", 0), ("[ ! a = a ]", 1), ("[ -e /tmp -a -d /tmp ]", 0), ("[ -e /nope -o -d /tmp ]", 0),
    ("[ x ]", 0), ("[ '' ]", 1), ("[ ]", 1), ("test -d /tmp", 0), ("[ \\( a = a \\) ]", 0),
    ("[ a = a", 2), ("[ 1 -eq x ]", 2), ("[ -s /etc/hostname ]", 0), ("[ -x /bin/sh ]", 0),
]


@pytest.mark.parametrize(("expr", "code"), TEST_CASES)
def test_test_builtin(expr: str, code: int) -> None:
    assert sh(expr)[0] == code


def test_date_uses_virtual_time_busybox_format() -> None:
    assert sh("sleep 5; date; echo $(date +%s) $(date -I)") == (
        0, "Thu Jan  1 00:00:05 UTC 2026\n5 2026-01-01\n", "")
    # docs: application/job/cronjob.yaml runs `date; echo Hello from the Kubernetes cluster`
    assert sh("date; echo Hello from the Kubernetes cluster")[1] == (
        "Thu Jan  1 00:00:00 UTC 2026\nHello from the Kubernetes cluster\n")


def test_env_and_configmap_env_examples() -> None:
    # pods/pod-configmap-envFrom.yaml: command [ "/bin/sh", "-c", "env" ]
    sim = Sim()
    proc = sim.start(["/bin/sh", "-c", "env"], env={"SPECIAL_LEVEL": "very", "SPECIAL_TYPE": "charm"})
    sim.run_until(10)
    lines = proc.out().splitlines()
    assert proc.code == 0
    for expected in ("SPECIAL_LEVEL=very", "SPECIAL_TYPE=charm", "HOSTNAME=pod", "HOME=/root", "SHLVL=1", "PWD=/"):
        assert expected in lines


def test_configmap_volume_ls_example() -> None:
    # pods/pod-configmap-volume.yaml: [ "/bin/sh", "-c", "ls /etc/config/" ]
    sim = Sim()
    vol = Filesystem()
    vol.write("/SPECIAL_LEVEL", "very")
    vol.write("/SPECIAL_TYPE", "charm")
    fs = sim.fs()
    fs.mount("/etc/config", vol, read_only=True)
    proc = sim.start(["/bin/sh", "-c", "ls /etc/config/"], fs)
    sim.run_until(10)
    assert (proc.code, proc.out()) == (0, "SPECIAL_LEVEL\nSPECIAL_TYPE\n")
    assert sh_in(sim, fs, "echo x > /etc/config/new") == (2, "sh: can't create /etc/config/new: Read-only file system\n")


def sh_in(sim: Sim, fs: Filesystem, script: str) -> tuple[int | None, str]:
    return sim.exec(["sh", "-c", script], fs)


# -- dialects, errors -----------------------------------------------------------------------------
ERRORS = [
    ("foo", "busybox", "sh", 127, "sh: foo: not found\n"),
    ("foo", "debian", "sh", 127, "sh: 1: foo: not found\n"),
    ("foo", "docker.io/library/bash", "bash", 127, "bash: line 1: foo: command not found\n"),
    ("if true; then echo x", "busybox", "sh", 2, 'sh: syntax error: unexpected end of file (expecting "fi")\n'),
    ("echo 'abc", "busybox", "sh", 2, "sh: syntax error: unterminated quoted string\n"),
    ("echo ok; fi", "busybox", "sh", 2, 'sh: syntax error: unexpected "fi"\n'),
    ("done", "debian", "sh", 2, 'sh: 1: Syntax error: "done" unexpected\n'),
    ("echo ${x:?is required}", "busybox", "sh", 2, "sh: x: is required\n"),
    ("exit abc", "busybox", "sh", 2, "sh: exit: Illegal number: abc\n"),
    ("echo $((1/0))", "busybox", "sh", 2, "sh: divide by zero\n"),
]


@pytest.mark.parametrize(("script", "image", "shell", "code", "stderr"), ERRORS)
def test_errors_and_dialects(script: str, image: str, shell: str, code: int, stderr: str) -> None:
    got, _out, err = sh(script, image=image, shell=shell)
    assert (got, err) == (code, stderr)


def test_internal_error_becomes_exit_2() -> None:
    def broken(inv: Invocation) -> int:
        raise RuntimeError("boom")

    sim = Sim()
    proc = sim.start(["sh", "-c", "echo before; broken; echo after"], extra_tools={"broken": broken})
    sim.run_until(10)
    # `broken` is not on PATH: not found (extra tools need a file, like any program)
    assert proc.code == 0 and "sh: broken: not found" in proc.out()
    fs = sim.fs()
    fs.write("/bin/broken", "\x7fELF broken")
    fs.chmod("/bin/broken", 0o755)
    proc = sim.start(["sh", "-c", "echo before; broken; echo after"], fs, extra_tools={"broken": broken})
    sim.run_until(10)
    assert proc.code == 2
    assert proc.out() == "before\nsh: internal error: RuntimeError: boom\n"


def test_extra_tools_and_registry_are_extensible() -> None:
    def hello(inv: Invocation) -> int:
        inv.out(f"hello from {inv.name} {' '.join(inv.argv[1:])}\n")
        return 0

    fs = Sim().fs()
    fs.write("/bin/hello", "\x7fELF hello")
    fs.chmod("/bin/hello", 0o755)
    sim = Sim()
    proc = sim.start(["sh", "-c", "hello a b"], fs, extra_tools={"hello": hello})
    sim.run_until(10)
    assert proc.out() == "hello from hello a b\n"
    TOOLS["hello-global"] = hello
    try:
        fs.write("/bin/hello-global", "\x7fELF")
        fs.chmod("/bin/hello-global", 0o755)
        proc = sim.start(["hello-global"], fs)
        sim.run_until(20)
        assert proc.out() == "hello from hello-global \n"
    finally:
        del TOOLS["hello-global"]


# -- virtual time -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("argv", "end_ms"), [
    (["sleep", "1.5"], 1500), (["sleep", "1m"], 60_000), (["sleep", "2", "3"], 5000),
    (["sh", "-c", "sleep 1; sleep 2"], 3000), (["sh", "-c", "sleep .5"], 500),
])
def test_sleep_durations(argv: list[str], end_ms: int) -> None:
    sim = Sim()
    proc = sim.start(argv)
    sim.run_until(10 * 60_000)
    assert (proc.code, proc.ended_at) == (0, end_ms)


@pytest.mark.parametrize("argv", [["sleep", "infinity"], ["sleep", "inf"], ["sh", "-c", "sleep infinity"],
                                  ["tail", "-f", "/dev/null"]])
def test_sleep_forever_waits_forever(argv: list[str]) -> None:
    sim = Sim()
    proc = sim.start(argv)
    assert proc.wake is None and not proc.done
    proc.signal("SIGKILL")
    assert proc.code == 137


def test_exec_liveness_probe_example() -> None:
    # pods/probe/exec-liveness.yaml: args /bin/sh -c "touch /tmp/healthy; sleep 30; rm -f ..."
    # probed by `cat /tmp/healthy` (initialDelaySeconds 5, periodSeconds 5).
    sim = Sim()
    fs = sim.fs("registry.k8s.io/busybox:1.27.2")
    proc = sim.start(["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"], fs)
    results = []
    for t in range(5_000, 50_000, 5_000):
        sim.run_until(t)
        code, out = sim.exec(["cat", "/tmp/healthy"], fs)
        results.append((t // 1000, code, out))
    assert results[:5] == [(s, 0, "") for s in (5, 10, 15, 20, 25)]
    assert results[5] == (30, 1, "cat: can't open '/tmp/healthy': No such file or directory\n")
    assert all(r[1] == 1 for r in results[5:])
    assert not proc.done and proc.wake == 630_000
    sim.run_until(630_000)
    assert (proc.code, proc.ended_at) == (0, 630_000)


def test_job_pod_failure_policy_example() -> None:
    # controllers/job-pod-failure-policy-example.yaml: bash -c 'echo "Hello world!" && sleep 5 && exit 42'
    sim = Sim()
    proc = sim.start(["bash", "-c", 'echo "Hello world!" && sleep 5 && exit 42'], sim.fs("docker.io/library/bash"))
    sim.run_until(60_000)
    assert (proc.code, proc.ended_at, proc.out()) == (42, 5000, "Hello world!\n")


def test_startup_coordination_example() -> None:
    # pods/multi-container/startup-coordination.yaml: writer container + `test -f` startup probe.
    sim = Sim()
    vol = Filesystem(clock=sim.now)
    fs1, fs2 = sim.fs(), sim.fs()
    fs1.mount("/config", vol)
    fs2.mount("/config", vol)
    assert sim.exec(["test", "-f", "/config/app.conf"], fs1)[0] == 1
    writer = sim.start(["sh", "-c", 'echo "greeting=hello" > /config/app.conf; while true; do sleep 3600; done'], fs1)
    assert sim.exec(["test", "-f", "/config/app.conf"], fs1)[0] == 0
    reader = sim.start(["sh", "-c", "cat /config/app.conf; while true; do sleep 3600; done"], fs2)
    sim.run_until(7200_000)
    assert reader.out() == "greeting=hello\n"
    assert not writer.done and writer.wake == 10_800_000


def test_sidecar_tail_follows_shared_volume() -> None:
    # application/deployment-sidecar.yaml: a writer loop and `tail -F /opt/logs.txt` sidecar.
    sim = Sim()
    vol = Filesystem(clock=sim.now)
    side_fs, app_fs = sim.fs("alpine:latest"), sim.fs("alpine:latest")
    side_fs.mount("/opt", vol)
    app_fs.mount("/opt", vol)
    side = sim.start(["sh", "-c", "tail -F /opt/logs.txt"], side_fs)
    sim.run_until(500)
    app = sim.start(["sh", "-c", 'while true; do echo "logging" >> /opt/logs.txt; sleep 1; done'], app_fs)
    sim.run_until(5_600)
    assert side.out("stderr") == "tail: can't open '/opt/logs.txt': No such file or directory\n"
    # written at 0.5 s, 1.5 s, ...; tail polls once a second
    assert side.out("stdout") == "logging\n" * 5
    assert [t for t, _s, _x in side.ctx.log if _s == "stdout"] == [1000, 2000, 3000, 4000, 5000]
    assert not app.done and not side.done


def test_adapter_pipeline_streams() -> None:
    # pods/multi-container/adapter.yaml: tail -F | while read line; do echo "adapted: $line"; done
    sim = Sim()
    vol = Filesystem(clock=sim.now)
    a_fs, m_fs = sim.fs(), sim.fs()
    a_fs.mount("/var/log/app", vol)
    m_fs.mount("/var/log/app", vol)
    adapter = sim.start(["sh", "-c", 'touch /var/log/app/raw.log; tail -F /var/log/app/raw.log | '
                         'while read line; do echo "adapted: $line"; done'], a_fs)
    main = sim.start(["sh", "-c", 'while true; do echo "$(date) raw event" >> /var/log/app/raw.log; sleep 2; done'],
                     m_fs)
    sim.run_until(5_500)
    assert adapter.out() == ("adapted: Thu Jan  1 00:00:00 UTC 2026 raw event\n"
                             "adapted: Thu Jan  1 00:00:02 UTC 2026 raw event\n"
                             "adapted: Thu Jan  1 00:00:04 UTC 2026 raw event\n")
    assert not main.done and not adapter.done


def test_shared_volume_init_container_example() -> None:
    # pods/multi-container/shared-volume.yaml and pods/two-container-pod.yaml
    sim = Sim()
    vol = Filesystem()
    init_fs, web_fs = sim.fs(), sim.fs("nginx")
    init_fs.mount("/content", vol)
    web_fs.mount("/usr/share/nginx/html", vol)
    init = sim.start(["sh", "-c", 'echo "Hello from the init container" > /content/index.html'], init_fs)
    assert init.code == 0
    assert sim.exec(["cat", "/usr/share/nginx/html/index.html"], web_fs) == (0, "Hello from the init container\n")


def test_basic_daemonset_file_mount_example() -> None:
    # application/basic-daemonset.yaml: cat /etc/machine-id > /var/log/machine-id.log (hostPath mounts)
    sim = Sim()
    host = Filesystem()
    host.mkdir("/etc")
    host.write("/etc/machine-id", "0123456789abcdef\n")
    host.mkdir("/var/log", parents=True)
    fs = sim.fs()
    fs.mount("/etc/machine-id", host, subpath="/etc/machine-id", read_only=True)
    fs.mount("/var/log", host, subpath="/var/log")
    proc = sim.start(["sh", "-c", "cat /etc/machine-id > /var/log/machine-id.log"], fs)
    assert proc.code == 0
    assert host.read("/var/log/machine-id.log") == "0123456789abcdef\n"


# -- signals ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["sh", "-c", "sleep 3600"], ["sleep", "3600"],
                                  ["/bin/sh", "-c", "while true; do sleep 1; done"],
                                  ["sh", "-c", "echo start; sleep 180"]])
def test_pid1_ignores_sigterm_until_sigkill(argv: list[str]) -> None:
    sim = Sim()
    proc = sim.start(argv)
    sim.run_until(1000)
    proc.signal("SIGTERM")
    sim.run_until(31_000)
    assert not proc.done
    proc.signal("SIGKILL")
    assert (proc.code, proc.ended_at) == (137, 31_000)


@pytest.mark.parametrize("argv", [["sleep", "3600"], ["sh", "-c", "sleep 3600; echo x"]])
def test_sigterm_kills_non_pid1_with_143(argv: list[str]) -> None:
    sim = Sim()
    proc = sim.start(argv, is_pid1=False, pid=20)
    sim.run_until(1000)
    proc.signal("SIGTERM")
    assert (proc.code, proc.ended_at) == (143, 1000)


def test_trap_runs_after_foreground_command() -> None:
    sim = Sim()
    proc = sim.start(["sh", "-c", "trap 'echo got TERM; exit 0' TERM; while true; do sleep 1; done"])
    sim.run_until(5_500)
    proc.signal("SIGTERM")
    assert not proc.done
    sim.run_until(10_000)
    assert (proc.code, proc.ended_at, proc.out()) == (0, 6000, "got TERM\n")
    assert proc.ctx.log[0][0] == 6000


def test_trap_interrupts_wait() -> None:
    sim = Sim()
    proc = sim.start(["sh", "-c", "trap 'echo bye; exit 143' TERM; sleep 100 & wait; echo unreachable"])
    sim.run_until(5_000)
    proc.signal("SIGTERM")
    assert (proc.code, proc.ended_at, proc.out()) == (143, 5000, "bye\n")


def test_trap_that_does_not_exit_continues_script() -> None:
    sim = Sim()
    proc = sim.start(["sh", "-c", "trap 'echo caught' TERM; sleep 10; echo done"])
    sim.run_until(3_000)
    proc.signal("SIGTERM")
    sim.run_until(20_000)
    assert (proc.code, proc.ended_at, proc.out()) == (0, 10_000, "caught\ndone\n")


def test_trap_ignore_and_exit_trap() -> None:
    sim = Sim()
    proc = sim.start(["sh", "-c", "trap '' TERM; trap 'echo cleanup' EXIT; sleep 5"], is_pid1=False)
    proc.signal("SIGTERM")
    sim.run_until(10_000)
    assert (proc.code, proc.ended_at, proc.out()) == (0, 5000, "cleanup\n")


def test_exec_of_last_command_hands_signals_to_server() -> None:
    sim = Sim()
    fs = sim.fs("nginx:1.27.3")
    proc = sim.start(["sh", "-c", "echo starting; nginx -g 'daemon off;'"], fs)
    proc.signal("SIGTERM")
    assert proc.code == 0
    assert "signal 15 (SIGTERM) received, exiting" in proc.out()
    # nginx not last: the shell stays PID 1 and ignores SIGTERM
    proc = sim.start(["sh", "-c", "nginx -g 'daemon off;'; echo after"], sim.fs("nginx:1.27.3"))
    proc.signal("SIGTERM")
    assert not proc.done
    proc.signal("SIGKILL")
    assert proc.code == 137


# -- busy loops and output caps -------------------------------------------------------------------
def test_busy_loop_does_not_hang_and_output_is_capped() -> None:
    started = time.perf_counter()
    sim = Sim()
    proc = sim.start(["sh", "-c", "while true; do echo x; done"])
    assert proc.wake is not None  # yielded a CPU tick instead of spinning forever
    sim.run_until(60_000)
    assert not proc.done
    assert sim.t == 60_000
    assert proc.ctx.truncated
    assert len(proc.ctx.log) == 10_000
    proc.signal("SIGKILL")
    assert proc.code == 137
    assert time.perf_counter() - started < 5


def test_busy_loop_costs_virtual_time() -> None:
    sim = Sim()
    proc = sim.start(["sh", "-c", "i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done; date +%N"])
    sim.run_until(1000)
    # 5,000 iterations x 2 commands = 10 ms of virtual CPU time
    assert proc.code == 0 and proc.out() == "010000000\n"


def test_output_byte_cap() -> None:
    sim = Sim()
    ctx = sim.ctx(sim.fs(), max_log_bytes=100)
    proc = Proc(sim, run_command(["sh", "-c", "seq 100"], ctx), ctx)
    assert proc.code == 0 and ctx.truncated
    assert sum(len(t) for _a, _b, t in ctx.log) <= 100


def test_partial_last_line_is_flushed() -> None:
    sim = Sim()
    proc = sim.start(["sh", "-c", "echo -n no-newline"])
    assert proc.ctx.log == [(0, "stdout", "no-newline")]


# -- images --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("image", "code"), [("busybox", 0), ("alpine", 0), ("ubuntu", 0),
                                             ("docker.io/library/busybox:1.36", 0), ("python:3.13", 0)])
def test_shell_images_exit_at_once(image: str, code: int) -> None:
    sim = Sim()
    proc = sim.start_image(image)
    assert (proc.code, proc.ended_at) == (code, 0)


@pytest.mark.parametrize(("image", "needle", "stop"), [
    ("nginx", "/docker-entrypoint.sh: Configuration complete; ready for start up", "SIGQUIT"),
    ("nginx:1.27.3", "[notice] 1#1: start worker process 29", "SIGQUIT"),
    ("nginx:1.14.2", "", "SIGTERM"),
    ("httpd", "AH00094: Command line: 'httpd -D FOREGROUND'", "SIGWINCH"),
    ("redis", "* Ready to accept connections tcp", "SIGTERM"),
    ("registry.k8s.io/hpa-example", "AH00489: Apache/2.4.10 (Debian) PHP/5.6.14 configured", "SIGTERM"),
    ("registry.k8s.io/pause:3.10", "", "SIGTERM"),
])
def test_server_images_run_until_stop_signal(image: str, needle: str, stop: str) -> None:
    sim = Sim()
    proc = sim.start_image(image)
    sim.run_until(3_600_000)
    assert not proc.done and proc.wake is None
    assert needle in proc.out()
    assert image_config(image).stop_signal == stop
    proc.signal(stop)
    assert proc.code == 0


def test_old_nginx_logs_nothing() -> None:
    sim = Sim()
    proc = sim.start_image("nginx:1.14.2")
    assert proc.out() == "" and not proc.done
    proc.signal("SIGTERM")
    assert proc.code == 0


def test_database_images_need_a_password() -> None:
    sim = Sim()
    mysql = sim.start_image("mysql:9.1")
    assert mysql.code == 1
    assert "Database is uninitialized and password option is not specified" in mysql.out()
    pg = sim.start_image("postgres")
    assert pg.code == 1 and pg.out().startswith("Error: Database is uninitialized")
    mysql = sim.start_image("mysql:9.1", env={"MYSQL_ROOT_PASSWORD": "x"})
    sim.run_until(60_000)
    assert not mysql.done and "ready for connections" in mysql.out()
    pg = sim.start_image("postgres:17", env={"POSTGRES_PASSWORD": "x"})
    sim.run_until(120_000)
    assert not pg.done and "database system is ready to accept connections" in pg.out()
    assert image_config("postgres:17").stop_signal == "SIGINT"
    pg.signal("SIGINT")
    assert pg.code == 0 and "received fast shutdown request" in pg.out()


def test_unknown_image_runs_forever_and_stops_on_sigterm() -> None:
    sim = Sim()
    proc = sim.start_image("gcr.io/google-samples/hello-app:1.0")
    sim.run_until(3_600_000)
    assert not proc.done and proc.out() == ""
    proc.signal("SIGTERM")
    assert proc.code == 143


def test_perl_pi_job_example() -> None:
    # controllers/job.yaml: perl -Mbignum=bpi -wle 'print bpi(1000)'
    sim = Sim()
    proc = sim.start(["perl", "-Mbignum=bpi", "-wle", "print bpi(1000)"], sim.fs("perl:5.34.0"))
    sim.run_until(60_000)
    assert proc.code == 0
    out = proc.out().strip()
    assert out.startswith("3.14159265358979323846264338327950288419716939937510") and len(out) == 1001
    assert out.endswith("195909216420198")


RESOLVE = [
    ("busybox", "sh", True), ("busybox", "/bin/sh", True), ("busybox", "bash", False),
    ("busybox", "nginx", False), ("busybox", "sleep", True), ("busybox", "/nope", False),
    ("nginx", "nginx", True), ("nginx", "bash", True), ("nginx", "wget", False),
    ("docker.io/library/bash:5", "bash", True), ("registry.k8s.io/pause:3.10", "sh", False),
    ("gcr.io/x/unknown:1", "/server", True), ("gcr.io/x/unknown:1", "anything", True),
]


@pytest.mark.parametrize(("image", "argv0", "ok"), RESOLVE)
def test_resolve_executable(image: str, argv0: str, ok: bool) -> None:
    assert resolve_executable(argv0, base_filesystem(image)) is ok


CONTAINER_ARGV = [
    ("nginx", None, None, ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]),
    ("nginx:1.14.2", None, None, ["nginx", "-g", "daemon off;"]),
    ("redis", None, ["/usr/local/etc/redis/redis.conf"], ["docker-entrypoint.sh", "/usr/local/etc/redis/redis.conf"]),
    ("busybox", ["sleep"], ["3600"], ["sleep", "3600"]),
    ("busybox", None, ["/bin/sh", "-c", "date"], ["/bin/sh", "-c", "date"]),
    ("busybox", None, None, ["sh"]),
]


@pytest.mark.parametrize(("image", "command", "args", "argv"), CONTAINER_ARGV)
def test_container_argv(image: str, command: list[str] | None, args: list[str] | None, argv: list[str]) -> None:
    assert container_argv(image, command, args) == argv


def test_redis_with_config_args() -> None:
    # pods/config/redis-pod.yaml: args [/usr/local/etc/redis/redis.conf], config from a ConfigMap volume
    sim = Sim()
    ctx_fs = sim.fs("redis:8.0.2")
    proc = sim.start(container_argv("redis:8.0.2", None, ["/usr/local/etc/redis/redis.conf"]), ctx_fs)
    assert "Redis version=8.0.2" in proc.out() and "Configuration loaded" in proc.out()
    proc.signal("SIGTERM")
    assert proc.code == 0 and "Redis is now ready to exit, bye bye..." in proc.out()


def test_missing_executable_without_shell() -> None:
    sim = Sim()
    proc = sim.start(["bash", "-c", "true"], sim.fs("busybox"))
    assert proc.code == 127
    assert proc.out() == 'exec: "bash": executable file not found in $PATH\n'


def test_database_probes_follow_the_server() -> None:
    # application/mysql/mysql-statefulset.yaml probes: mysqladmin ping, mysql -h 127.0.0.1 -e "SELECT 1"
    sim = Sim()
    mysql = sim.start_image("mysql:9.1", env={"MYSQL_ROOT_PASSWORD": "x"})
    fs = mysql.ctx.fs
    assert sim.exec(["mysqladmin", "ping"], fs)[0] == 1
    sim.run_until(10_000)
    assert sim.exec(["mysqladmin", "ping"], fs) == (0, "mysqld is alive\n")
    assert sim.exec(["mysql", "-h", "127.0.0.1", "-e", "SELECT 1"], fs) == (0, "1\n1\n")
    mysql.signal("SIGTERM")
    assert mysql.code == 0 and sim.exec(["mysqladmin", "ping"], fs)[0] == 1


def test_unmodelled_program_of_known_image_fails_fast() -> None:
    assert sh("sed s/a/b/ /etc/hostname") == (127, "", "sed: not modelled by labk8s\n")
