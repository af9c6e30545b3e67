"""Revisions, versions, put/get/delete (etcd v3 semantics)."""

from __future__ import annotations

import dataclasses

import pytest

from labk8s.store import KeyValue, Store, WatchEvent
from labk8s.store.kv import new_event, new_kv


def test_empty_store_is_at_revision_1() -> None:
    s = Store()
    assert (s.revision, s.compacted_revision, len(s), s.history_size) == (1, 0, 0, 0)
    assert s.get("/a") is None


def test_put_makes_one_revision_per_write() -> None:
    s = Store()
    assert s.put("/a", b"1") == 2
    assert s.put("/b", b"1") == 3
    assert s.put("/a", b"2") == 4
    assert s.revision == 4


# (operations, key, expected KeyValue fields or None): create/mod revision and version per etcd.
VERSION_TABLE = [
    ([("put", "/a", b"1")], "/a", ("/a", b"1", 2, 2, 1)),
    ([("put", "/a", b"1"), ("put", "/a", b"2")], "/a", ("/a", b"2", 2, 3, 2)),
    ([("put", "/a", b"1"), ("put", "/b", b"x"), ("put", "/a", b"1")], "/a", ("/a", b"1", 2, 4, 2)),
    ([("put", "/a", b"1"), ("delete", "/a", b"")], "/a", None),
    # Re-creating a deleted key starts a new generation: version 1, new create_revision.
    ([("put", "/a", b"1"), ("put", "/a", b"2"), ("delete", "/a", b""), ("put", "/a", b"3")], "/a", ("/a", b"3", 5, 5, 1)),
    # A delete of an absent key writes nothing.
    ([("delete", "/a", b""), ("put", "/a", b"1")], "/a", ("/a", b"1", 2, 2, 1)),
    ([("put", "/a", b"")], "/a", ("/a", b"", 2, 2, 1)),
]


@pytest.mark.parametrize(("ops", "key", "expected"), VERSION_TABLE)
def test_versions(ops: list[tuple[str, str, bytes]], key: str, expected: tuple[str, bytes, int, int, int] | None) -> None:
    s = Store()
    for verb, k, v in ops:
        if verb == "put":
            s.put(k, v)
        else:
            s.delete(k)
    kv = s.get(key)
    assert (None if kv is None else dataclasses.astuple(kv)) == expected


def test_delete_returns_revision_or_none() -> None:
    s = Store()
    assert s.delete("/a") is None
    assert s.revision == 1
    s.put("/a", b"1")
    assert s.delete("/a") == 3
    assert s.delete("/a") is None
    assert s.revision == 3
    assert len(s) == 0


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("", b"v", ValueError),
        (b"/a", b"v", TypeError),
        ("/a", "v", TypeError),
        ("/a", bytearray(b"v"), TypeError),
        ("/a", None, TypeError),
    ],
)
def test_put_rejects_bad_arguments(key: object, value: object, error: type[Exception]) -> None:
    s = Store()
    with pytest.raises(error):
        s.put(key, value)  # type: ignore[arg-type]
    assert s.revision == 1


def test_delete_rejects_empty_key() -> None:
    with pytest.raises(ValueError, match="key is not provided"):
        Store().delete("")


def test_key_values_are_frozen_and_shared() -> None:
    s = Store()
    value = b"payload"
    s.put("/a", value)
    kv = s.get("/a")
    assert kv is not None and kv.value is value  # no copy of the bytes
    with pytest.raises(dataclasses.FrozenInstanceError):
        kv.version = 5  # type: ignore[misc]


def test_fast_constructors_equal_the_dataclasses() -> None:
    kv = new_kv("/a", b"1", 2, 3, 4)
    assert kv == KeyValue("/a", b"1", 2, 3, 4)
    assert type(kv) is KeyValue
    ev = new_event("PUT", kv, None)
    assert ev == WatchEvent("PUT", kv, None)
    assert ev.revision == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.type = "DELETE"  # type: ignore[misc]
