"""A container's cgroup (v2 leaf): the memory and CPU its processes use, its limits and the OOM killer.

Programs that model their resource use (``stress``) report it through ``ProcessContext.account(key,
memory_bytes, cpu_millicores)``: what one of their processes uses from now on (0, 0 when it is gone). The
cgroup sums the processes:

- ``memory.current`` is the sum of the memory charged; a charge that takes it above ``memory.max``
  (``LinuxContainerResources.memory_limit_in_bytes``; 0 = no limit) triggers the OOM killer. The kubelet
  sets ``memory.oom.group`` (cgroup v2, ``singleProcessOOMKill`` false, the default since 1.32), so the
  whole container is killed: SIGKILL, exit code 137, reason ``OOMKilled``. The runtime does the kill
  (``on_oom``), in a loop event of the same millisecond, never from inside the charging process. (Without
  memory.oom.group the kernel would kill only the biggest process; labk8s kills the container anyway.)
- CPU: each process asks for some millicores (a busy loop: 1000m); the container gets at most its CFS
  quota (``cpu_quota / cpu_period`` cores) and the node's CPUs. ``usage_core_nanoseconds`` integrates
  that over virtual time (cpu.stat ``usage_usec``, what the kubelet's summary API and metrics-server read).

Processes that do not report anything use nothing (the shell, servers, ``sleep``): their footprint is
left out rather than invented.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

__all__ = ["Cgroup", "LinuxContainerResources"]


@dataclass(frozen=True)
class LinuxContainerResources:
    """CRI ``LinuxContainerResources`` (``ContainerConfig.linux.resources``), the fields labk8s uses.
    0 means unset: no quota, no memory limit."""

    cpu_period: int = 0
    cpu_quota: int = 0
    cpu_shares: int = 0
    memory_limit_in_bytes: int = 0
    #: cgroup v2 files set as they are (the kubelet sets ``memory.oom.group``).
    unified: dict[str, str] = field(default_factory=dict)


class Cgroup:
    """Resource accounting of one container (its PID 1 and every exec'd process share it)."""

    def __init__(self, resources: LinuxContainerResources, cpu_count: int, clock: Callable[[], int],
                 on_oom: Callable[[], None]) -> None:
        self.resources = resources
        self.cpu_count = cpu_count
        self.clock = clock
        self.on_oom = on_oom
        self._memory: dict[Hashable, int] = {}
        self._cpu: dict[Hashable, int] = {}
        self._core_ns = 0
        self._since_ms = clock()
        #: memory.events ``oom_kill``: how often the OOM killer fired for this cgroup.
        self.oom_kills = 0
        #: Set once the OOM killer fired: the cgroup is being killed, further charges change nothing.
        self.oom = False

    # -- limits ----------------------------------------------------------------------------------------
    @property
    def memory_max(self) -> int:
        """memory.max in bytes (0: max)."""
        return self.resources.memory_limit_in_bytes

    @property
    def cpu_max_millicores(self) -> int:
        """The most CPU the container can use: its CFS quota, never more than the node's CPUs."""
        node = self.cpu_count * 1000
        r = self.resources
        if r.cpu_quota > 0 and r.cpu_period > 0:
            return min(node, r.cpu_quota * 1000 // r.cpu_period)
        return node

    # -- usage -----------------------------------------------------------------------------------------
    @property
    def memory_current(self) -> int:
        """memory.current: bytes charged by the container's processes."""
        return sum(self._memory.values())

    @property
    def cpu_millicores(self) -> int:
        """CPU the container uses now, after throttling (millicores)."""
        return min(sum(self._cpu.values()), self.cpu_max_millicores)

    def usage_core_nanoseconds(self) -> int:
        """Cumulative CPU time (core-nanoseconds) up to now."""
        return self._core_ns + (self.clock() - self._since_ms) * self.cpu_millicores * 1000

    def account(self, key: Hashable, memory_bytes: int, cpu_millicores: int) -> None:
        """Process ``key`` uses ``memory_bytes`` and ``cpu_millicores`` from now on (0, 0: released)."""
        now = self.clock()
        self._core_ns += (now - self._since_ms) * self.cpu_millicores * 1000
        self._since_ms = now
        grew = memory_bytes > self._memory.get(key, 0)
        for table, value in ((self._memory, memory_bytes), (self._cpu, cpu_millicores)):
            if value > 0:
                table[key] = value
            else:
                table.pop(key, None)
        if grew and not self.oom and 0 < self.memory_max < self.memory_current:
            self.oom = True
            self.oom_kills += 1
            self.on_oom()

    def release(self) -> None:
        """The container exited: its processes are gone and so is what they used."""
        now = self.clock()
        self._core_ns += (now - self._since_ms) * self.cpu_millicores * 1000
        self._since_ms = now
        self._memory.clear()
        self._cpu.clear()
