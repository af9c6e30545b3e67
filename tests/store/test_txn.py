"""Transactions: compares (etcd applyCompare), branches, one shared revision, responses."""

from __future__ import annotations

import pytest

from labk8s.store import Compare, KeyValue, Op, Store, TxnResult


def _store() -> Store:
    s = Store()
    s.put("/k", b"v1")  # 2
    s.put("/other", b"o")  # 3
    s.put("/k", b"v2")  # 4: /k has create_revision 2, mod_revision 4, version 2, value b"v2"
    return s


# (compare, expected result) against /k (create 2, mod 4, version 2, value v2) and /missing.
COMPARE_TABLE = [
    (Compare.mod_revision("/k", "=", 4), True),
    (Compare.mod_revision("/k", "=", 3), False),
    (Compare.mod_revision("/k", "!=", 3), True),
    (Compare.mod_revision("/k", "<", 5), True),
    (Compare.mod_revision("/k", "<", 4), False),
    (Compare.mod_revision("/k", ">", 3), True),
    (Compare.mod_revision("/k", ">", 4), False),
    (Compare.create_revision("/k", "=", 2), True),
    (Compare.create_revision("/k", ">", 2), False),
    (Compare.version("/k", "=", 2), True),
    (Compare.version("/k", "<", 2), False),
    (Compare.value("/k", "=", b"v2"), True),
    (Compare.value("/k", "!=", b"v2"), False),
    (Compare.value("/k", "<", b"v3"), True),
    (Compare.value("/k", ">", b"v10"), True),  # byte-wise comparison
    # A missing key has revisions and version 0 ...
    (Compare.mod_revision("/missing", "=", 0), True),
    (Compare.create_revision("/missing", "=", 0), True),
    (Compare.version("/missing", "=", 0), True),
    (Compare.version("/missing", ">", 0), False),
    # ... and a value compare on it always fails, even "!=".
    (Compare.value("/missing", "=", b""), False),
    (Compare.value("/missing", "!=", b"x"), False),
]


@pytest.mark.parametrize(("compare", "expected"), COMPARE_TABLE)
def test_compare(compare: Compare, expected: bool) -> None:
    s = _store()
    result = s.txn([compare], [Op.get("/k")], [Op.get("/other")])
    assert result.succeeded is expected
    assert result.revision == 4  # gets write nothing
    assert result.responses == [s.get("/k") if expected else s.get("/other")]


def test_compare_and_swap_success_writes_one_revision() -> None:
    s = _store()
    result = s.txn(
        [Compare.mod_revision("/k", "=", 4), Compare.version("/other", "=", 1)],
        [Op.put("/k", b"v3"), Op.delete("/other"), Op.put("/new", b"n"), Op.get("/k"), Op.delete("/absent")],
        [Op.get("/k")],
    )
    k = KeyValue("/k", b"v3", 2, 5, 3)
    assert result == TxnResult(
        True, 5, [k, KeyValue("/other", b"o", 3, 3, 1), KeyValue("/new", b"n", 5, 5, 1), k, None]
    )
    assert s.revision == 5
    assert s.get("/other") is None
    assert s.get("/new") == KeyValue("/new", b"n", 5, 5, 1)


def test_compare_and_swap_failure_returns_current_object() -> None:
    s = _store()
    result = s.txn([Compare.mod_revision("/k", "=", 2)], [Op.put("/k", b"stale")], [Op.get("/k")])
    assert result == TxnResult(False, 4, [KeyValue("/k", b"v2", 2, 4, 2)])
    assert s.revision == 4


def test_failure_branch_may_write() -> None:
    s = _store()
    result = s.txn([Compare.version("/k", "=", 99)], [], [Op.put("/flag", b"1")])
    assert (result.succeeded, result.revision, s.revision) == (False, 5, 5)


def test_create_if_absent() -> None:
    s = Store()
    create = [Compare.create_revision("/k", "=", 0)]
    assert s.txn(create, [Op.put("/k", b"a")], [Op.get("/k")]).succeeded
    again = s.txn(create, [Op.put("/k", b"b")], [Op.get("/k")])
    assert not again.succeeded and again.responses == [KeyValue("/k", b"a", 2, 2, 1)]


def test_empty_compares_succeed_and_deleting_nothing_writes_nothing() -> None:
    s = _store()
    result = s.txn([], [Op.delete("/absent")], [])
    assert result == TxnResult(True, 4, [None])
    assert s.history_size == 3


@pytest.mark.parametrize(
    "ops",
    [
        [Op.put("/a", b"1"), Op.put("/a", b"2")],
        [Op.put("/a", b"1"), Op.delete("/a")],
        [Op.delete("/a"), Op.delete("/a")],
    ],
)
def test_duplicate_writes_are_rejected_before_anything_applies(ops: list[Op]) -> None:
    s = _store()
    with pytest.raises(ValueError, match="duplicate key given in txn request"):
        s.txn([Compare.version("/k", "=", 99)], [], ops)  # checked even for the branch not taken
    assert s.revision == 4


def test_reads_of_one_key_with_a_write_are_allowed() -> None:
    s = _store()
    result = s.txn([], [Op.get("/k"), Op.put("/k", b"x"), Op.get("/k")], [])
    assert [kv.value if kv else None for kv in result.responses] == [b"v2", b"x", b"x"]


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: Compare.mod_revision("/k", "==", 1), ValueError),  # type: ignore[arg-type]
        (lambda: Compare.mod_revision("/k", "=", b"1"), TypeError),  # type: ignore[arg-type]
        (lambda: Compare.value("/k", "=", "v"), TypeError),  # type: ignore[arg-type]
        (lambda: Compare.version("", "=", 1), ValueError),
        (lambda: Op.put("/k", "v"), TypeError),  # type: ignore[arg-type]
        (lambda: Op.get(""), ValueError),
    ],
)
def test_invalid_compares_and_ops(build: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        build()  # type: ignore[operator]
