"""Compaction: what it drops, what it keeps, errors, and automatic compaction by retention."""

from __future__ import annotations

import pytest

from labk8s.store import CompactedError, FutureRevisionError, KeyValue, Store, WatchEvent


def _store() -> Store:
    s = Store()
    s.put("/a", b"1")  # 2
    s.put("/a", b"2")  # 3
    s.put("/b", b"1")  # 4
    s.delete("/b")  # 5
    s.put("/c", b"1")  # 6
    return s


def test_compaction_keeps_the_latest_version_of_live_keys() -> None:
    s = _store()
    s.compact(5)
    assert s.compacted_revision == 5
    assert s.revision == 6  # compaction writes no revision
    assert s.get("/a") == KeyValue("/a", b"2", 2, 3, 2)
    assert s.get("/b") is None
    assert [kv.key for kv in s.range("")[0]] == ["/a", "/c"]
    assert s.history_size == 1  # only revision 6 remains
    s.put("/a", b"3")  # versions continue after compaction
    assert s.get("/a") == KeyValue("/a", b"3", 2, 7, 3)


def test_events_after_compaction_keep_their_prev_kv() -> None:
    s = _store()
    s.compact(3)
    events: list[WatchEvent] = []
    s.watch("/", 4, events.extend)
    assert [(e.type, e.kv.key, e.prev_kv) for e in events] == [
        ("PUT", "/b", None),
        ("DELETE", "/b", KeyValue("/b", b"1", 4, 4, 1)),
        ("PUT", "/c", None),
    ]


# (first compaction, second compaction, expected error of the second or None)
COMPACT_TABLE = [
    (None, 1, None),
    (None, 6, None),  # the current revision
    (None, 7, FutureRevisionError),
    (3, 3, CompactedError),  # not after the compacted revision
    (3, 2, CompactedError),
    (3, 4, None),
]


@pytest.mark.parametrize(("first", "second", "error"), COMPACT_TABLE)
def test_compact_errors(first: int | None, second: int, error: type[Exception] | None) -> None:
    s = _store()
    if first is not None:
        s.compact(first)
    if error is None:
        s.compact(second)
        assert s.compacted_revision == second
    else:
        with pytest.raises(error):
            s.compact(second)
        assert s.compacted_revision == (first or 0)


def test_compacted_error_carries_the_compact_revision() -> None:
    s = _store()
    s.compact(4)
    with pytest.raises(CompactedError) as e:
        s.compact(4)
    assert e.value.compact_revision == 4


def test_compaction_frees_overwritten_values() -> None:
    s = Store()
    for i in range(100):
        s.put("/k", b"%d" % i)
    assert s.history_size == 100
    s.compact(s.revision)
    assert s.history_size == 0
    assert s.get("/k") == KeyValue("/k", b"99", 2, 101, 100)


def test_auto_compaction_retention() -> None:
    s = Store(auto_compaction_retention=10)
    for i in range(100):
        s.put(f"/k/{i % 7}", b"%d" % i)
        # At least 10 revisions stay readable and at most 20 events are kept.
        assert s.revision - s.compacted_revision >= min(10, s.revision - 1)
        assert s.history_size <= 20
    assert (s.revision, s.compacted_revision) == (101, 91)
    events: list[WatchEvent] = []
    s.watch("/k/", s.revision - 9, events.extend)
    assert len(events) == 10
    with pytest.raises(CompactedError):
        s.watch("/k/", s.compacted_revision, events.extend)


def test_auto_compaction_rejects_negative_retention() -> None:
    with pytest.raises(ValueError):
        Store(auto_compaction_retention=-1)
