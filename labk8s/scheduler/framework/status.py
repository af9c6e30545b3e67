"""Status values returned by plugins (k8s.io/kube-scheduler/framework: Code and Status).

A ``None`` status means Success everywhere in labk8s, as a nil ``*Status`` does upstream: the hot paths
return None instead of allocating a Success object.
"""

from __future__ import annotations

from enum import IntEnum


class Code(IntEnum):
    """framework.Code, with upstream's numbering and names."""

    SUCCESS = 0
    ERROR = 1
    UNSCHEDULABLE = 2
    UNSCHEDULABLE_AND_UNRESOLVABLE = 3
    WAIT = 4
    SKIP = 5
    PENDING = 6

    def __str__(self) -> str:
        return _CODE_NAMES[self]


_CODE_NAMES = {
    Code.SUCCESS: "Success", Code.ERROR: "Error", Code.UNSCHEDULABLE: "Unschedulable",
    Code.UNSCHEDULABLE_AND_UNRESOLVABLE: "UnschedulableAndUnresolvable", Code.WAIT: "Wait", Code.SKIP: "Skip",
    Code.PENDING: "Pending",
}


class Status:
    """The result of running a plugin: a code, the reasons (messages) and the plugin that produced it."""

    __slots__ = ("code", "reasons", "plugin", "error")

    def __init__(self, code: Code = Code.SUCCESS, *reasons: str, plugin: str = "", error: Exception | None = None) -> None:
        self.code = code
        self.reasons: list[str] = list(reasons)
        self.plugin = plugin
        self.error = error

    @classmethod
    def as_status(cls, error: Exception) -> Status:
        """AsStatus: an Error status wrapping an exception (its text is the only reason)."""
        return cls(Code.ERROR, str(error), error=error)

    def with_plugin(self, plugin: str) -> Status:
        self.plugin = plugin
        return self

    def message(self) -> str:
        """Status.Message: the reasons joined with ", "."""
        return ", ".join(self.reasons)

    def is_success(self) -> bool:
        return self.code == Code.SUCCESS

    def is_wait(self) -> bool:
        return self.code == Code.WAIT

    def is_skip(self) -> bool:
        return self.code == Code.SKIP

    def is_rejected(self) -> bool:
        """Unschedulable, UnschedulableAndUnresolvable or Pending."""
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE, Code.PENDING)

    def as_error(self) -> Exception:
        if self.error is not None:
            return self.error
        return RuntimeError(self.message())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return (self.code, self.reasons, self.plugin) == (other.code, other.reasons, other.plugin)

    def __hash__(self) -> int:
        return hash((self.code, tuple(self.reasons), self.plugin))

    def __repr__(self) -> str:
        plugin = f" plugin={self.plugin!r}" if self.plugin else ""
        return f"Status({self.code}{plugin}: {self.message()!r})"


def code_of(status: Status | None) -> Code:
    return Code.SUCCESS if status is None else status.code


def is_success(status: Status | None) -> bool:
    return status is None or status.code == Code.SUCCESS


def is_rejected(status: Status | None) -> bool:
    return status is not None and status.is_rejected()


MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0
