"""Snapshots: deterministic bytes, round trip, restore compacted at the revision, corruption."""

from __future__ import annotations

import struct
import zlib

import pytest

from labk8s.store import CompactedError, KeyValue, SnapshotError, Store, WatchEvent


def _store(order: list[int]) -> Store:
    s = Store()
    for i in order:
        s.put(f"/registry/pods/ns{i % 3}/p{i}", b"v%d" % i)
    s.delete("/registry/pods/ns0/p0")
    return s


def test_round_trip_is_byte_equal() -> None:
    s = _store(list(range(10)))
    data = s.snapshot()
    restored = Store.restore(data)
    assert restored.snapshot() == data
    assert restored.revision == s.revision == 12
    assert restored.compacted_revision == 12
    assert restored.range("")[0] == s.range("")[0]
    assert restored.history_size == 0


def test_same_content_gives_same_bytes() -> None:
    # Two stores that reached the same keys and revisions through different histories.
    a = Store()
    a.put("/x", b"old")
    a.put("/y", b"1")
    a.compact(a.revision)
    b = Store()
    b.put("/x", b"old")
    b.put("/y", b"1")
    assert a.snapshot() == b.snapshot()
    assert _store([3, 1, 2, 0]).snapshot() != _store([0, 1, 2, 3]).snapshot()  # revisions differ


def test_golden_bytes_of_a_tiny_store() -> None:
    s = Store()
    s.put("/b", b"2")  # 2
    s.put("/a", b"1")  # 3
    s.put("/a", b"11")  # 4
    body = (
        b"LABK8S-STORE" + struct.pack(">HQQ", 1, 4, 2)
        + struct.pack(">IIQQQ", 2, 2, 3, 4, 2) + b"/a" + b"11"
        + struct.pack(">IIQQQ", 2, 1, 2, 2, 1) + b"/b" + b"2"
    )
    assert s.snapshot() == body + struct.pack(">I", zlib.crc32(body))


def test_restored_store_continues_revisions_and_rejects_old_watches() -> None:
    restored = Store.restore(_store(list(range(5))).snapshot())
    events: list[WatchEvent] = []
    with pytest.raises(CompactedError):
        restored.watch("/", restored.revision, events.extend)
    restored.watch("/", restored.revision + 1, events.extend)
    assert restored.put("/registry/pods/ns1/p1", b"new") == 8
    assert events[0].prev_kv == KeyValue("/registry/pods/ns1/p1", b"v1", 3, 3, 1)
    assert restored.get("/registry/pods/ns1/p1") == KeyValue("/registry/pods/ns1/p1", b"new", 3, 8, 2)


def test_empty_store_round_trip() -> None:
    data = Store().snapshot()
    restored = Store.restore(data)
    assert (restored.revision, len(restored), restored.snapshot()) == (1, 0, data)


def _corrupt(data: bytes, at: int, byte: int) -> bytes:
    return data[:at] + bytes([byte]) + data[at + 1 :]


def _resign(body: bytes) -> bytes:
    return body + struct.pack(">I", zlib.crc32(body))


GOOD = Store()
GOOD.put("/a", b"1")
GOOD.put("/b", b"2")
DATA = GOOD.snapshot()
HEADER = 12 + 2 + 8 + 8

CORRUPT_TABLE = [
    (b"", "truncated"),
    (DATA[:-1], "checksum"),
    (_corrupt(DATA, 0, ord("X")), "bad magic"),
    (_corrupt(DATA, len(DATA) - 6, 0), "checksum"),
    (_resign(DATA[:12] + struct.pack(">H", 2) + DATA[14:-4]), "unsupported format 2"),
    (_resign(DATA[:-4] + b"x"), "trailing bytes"),
    (_resign(DATA[: HEADER - 8] + struct.pack(">Q", 3) + DATA[HEADER:-4]), "truncated"),
    (_resign(DATA[:14] + struct.pack(">Q", 0) + DATA[22:-4]), "invalid revision"),
    # keys swapped: out of order
    (_resign(DATA[:HEADER] + DATA[HEADER + 35 : -4] + DATA[HEADER : HEADER + 35]), "out of order"),
]


@pytest.mark.parametrize(("data", "message"), CORRUPT_TABLE)
def test_restore_rejects_corrupt_snapshots(data: bytes, message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        Store.restore(data)
    assert issubclass(SnapshotError, ValueError)
