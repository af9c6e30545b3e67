"""Transactions: compares, operations and results, as etcd's ``Txn`` (if compares then success else
failure).

A compare against a missing key sees zero revisions and version 0; a ``value`` compare against a
missing key always fails (etcd ``applyCompare``). Within one transaction, a ``get`` sees the writes of
the operations before it, and two writes to the same key are rejected ("duplicate key given in txn
request") before anything is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from labk8s.store.kv import KeyValue

__all__ = ["Compare", "CompareOp", "CompareTarget", "Op", "OpKind", "TxnResult", "check_ops"]

CompareTarget = Literal["mod_revision", "create_revision", "version", "value"]
CompareOp = Literal["=", "!=", "<", ">"]
OpKind = Literal["put", "delete", "get"]

_OPS = ("=", "!=", "<", ">")


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"key must be str, not {type(key).__name__}")
    if not key:
        raise ValueError("etcdserver: key is not provided")


@dataclass(frozen=True, slots=True)
class Compare:
    """One condition of a transaction: ``<target of key> <op> <operand>``."""

    target: CompareTarget
    key: str
    op: CompareOp
    operand: int | bytes

    def __post_init__(self) -> None:
        _check_key(self.key)
        if self.op not in _OPS:
            raise ValueError(f"unknown compare operator {self.op!r}, expected one of {', '.join(_OPS)}")
        wanted = bytes if self.target == "value" else int
        if type(self.operand) is not wanted:
            raise TypeError(f"a {self.target} compare takes {wanted.__name__}, not {type(self.operand).__name__}")

    @classmethod
    def mod_revision(cls, key: str, op: CompareOp, revision: int) -> Compare:
        return cls("mod_revision", key, op, revision)

    @classmethod
    def create_revision(cls, key: str, op: CompareOp, revision: int) -> Compare:
        return cls("create_revision", key, op, revision)

    @classmethod
    def version(cls, key: str, op: CompareOp, version: int) -> Compare:
        return cls("version", key, op, version)

    @classmethod
    def value(cls, key: str, op: CompareOp, value: bytes) -> Compare:
        return cls("value", key, op, value)

    def holds(self, kv: KeyValue | None) -> bool:
        """Evaluate against the key's current version (None: the key does not exist)."""
        actual: int | bytes
        if self.target == "value":
            if kv is None:
                return False
            actual = kv.value
        elif kv is None:
            actual = 0
        elif self.target == "mod_revision":
            actual = kv.mod_revision
        elif self.target == "create_revision":
            actual = kv.create_revision
        else:
            actual = kv.version
        expected = self.operand
        if self.op == "=":
            return actual == expected
        if self.op == "!=":
            return actual != expected
        if self.op == "<":
            return actual < expected  # type: ignore[operator]  # same type, checked in __post_init__
        return actual > expected  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class Op:
    """One operation of a transaction. Build with :meth:`put`, :meth:`delete` or :meth:`get`."""

    kind: OpKind
    key: str
    value: bytes = b""

    def __post_init__(self) -> None:
        _check_key(self.key)
        if type(self.value) is not bytes:
            raise TypeError(f"value must be bytes, not {type(self.value).__name__}")

    @classmethod
    def put(cls, key: str, value: bytes) -> Op:
        return cls("put", key, value)

    @classmethod
    def delete(cls, key: str) -> Op:
        return cls("delete", key)

    @classmethod
    def get(cls, key: str) -> Op:
        return cls("get", key)


@dataclass(frozen=True, slots=True)
class TxnResult:
    """``succeeded``: whether the compares held; ``revision``: the store revision after the
    transaction (the new one when it wrote anything); ``responses``: one per operation of the branch
    taken: for ``put`` the KeyValue written, for ``delete`` the KeyValue deleted (None when the key
    was absent), for ``get`` the KeyValue read (None when absent)."""

    succeeded: bool
    revision: int
    responses: list[KeyValue | None]


def check_ops(ops: list[Op]) -> None:
    """Reject a branch that writes one key twice, as etcd does."""
    written: set[str] = set()
    for op in ops:
        if not isinstance(op, Op):
            raise TypeError(f"transaction operations must be Op, not {type(op).__name__}")
        if op.kind != "get":
            if op.key in written:
                raise ValueError("etcdserver: duplicate key given in txn request")
            written.add(op.key)
