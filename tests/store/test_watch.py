"""Watches: replay from a revision then live events, compaction, prefix and key watches, ordering,
re-entrant writes, cancellation and callback errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from labk8s.store import CompactedError, KeyValue, Op, Store, Watcher, WatchEvent


class Recorder:
    """A watch callback that records every batch."""

    def __init__(self) -> None:
        self.batches: list[list[WatchEvent]] = []

    def __call__(self, events: list[WatchEvent]) -> None:
        self.batches.append(events)

    @property
    def events(self) -> list[tuple[str, str, int]]:
        return [(e.type, e.kv.key, e.kv.mod_revision) for batch in self.batches for e in batch]


def _store() -> Store:
    s = Store()
    s.put("/registry/pods/default/a", b"a1")  # 2
    s.put("/registry/nodes/n1", b"n")  # 3
    s.put("/registry/pods/default/a", b"a2")  # 4
    s.put("/registry/pods/kube-system/b", b"b1")  # 5
    s.delete("/registry/pods/default/a")  # 6
    return s


# (prefix, start_revision, expected replayed events)
REPLAY_TABLE = [
    ("/registry/pods/", 1, [
        ("PUT", "/registry/pods/default/a", 2),
        ("PUT", "/registry/pods/default/a", 4),
        ("PUT", "/registry/pods/kube-system/b", 5),
        ("DELETE", "/registry/pods/default/a", 6),
    ]),
    ("/registry/pods/", 5, [("PUT", "/registry/pods/kube-system/b", 5), ("DELETE", "/registry/pods/default/a", 6)]),
    ("/registry/pods/", 6, [("DELETE", "/registry/pods/default/a", 6)]),
    ("/registry/pods/", 7, []),
    ("/registry/pods/", 0, []),
    ("/registry/pods/", 100, []),
    ("", 3, [
        ("PUT", "/registry/nodes/n1", 3),
        ("PUT", "/registry/pods/default/a", 4),
        ("PUT", "/registry/pods/kube-system/b", 5),
        ("DELETE", "/registry/pods/default/a", 6),
    ]),
    ("/registry/pods/default/", 3, [("PUT", "/registry/pods/default/a", 4), ("DELETE", "/registry/pods/default/a", 6)]),
    # Not ending with "/": a watch of exactly that key.
    ("/registry/nodes/n1", 1, [("PUT", "/registry/nodes/n1", 3)]),
    ("/registry/nodes/n", 1, []),
]


@pytest.mark.parametrize(("prefix", "start", "expected"), REPLAY_TABLE)
def test_replay(prefix: str, start: int, expected: list[tuple[str, str, int]]) -> None:
    s = _store()
    rec = Recorder()
    s.watch(prefix, start, rec)
    assert rec.events == expected
    assert len(rec.batches) == (1 if expected else 0)  # the replay comes as one batch


def test_replay_then_live_with_prev_kv() -> None:
    s = _store()
    rec = Recorder()
    w = s.watch("/registry/pods/default/", 2, rec)
    s.put("/registry/pods/default/a", b"a3")  # 7
    s.put("/registry/nodes/n1", b"x")  # 8, not delivered
    s.put("/registry/pods/default/a", b"a4")  # 9
    assert rec.events == [
        ("PUT", "/registry/pods/default/a", 2),
        ("PUT", "/registry/pods/default/a", 4),
        ("DELETE", "/registry/pods/default/a", 6),
        ("PUT", "/registry/pods/default/a", 7),
        ("PUT", "/registry/pods/default/a", 9),
    ]
    events = [e for batch in rec.batches for e in batch]
    assert events[0].prev_kv is None
    assert events[1].prev_kv == KeyValue("/registry/pods/default/a", b"a1", 2, 2, 1)
    # A DELETE carries the key and the deletion revision only, and the deleted version as prev_kv.
    assert events[2].kv == KeyValue("/registry/pods/default/a", b"", 0, 6, 0)
    assert events[2].prev_kv == KeyValue("/registry/pods/default/a", b"a2", 2, 4, 2)
    assert events[3].prev_kv is None  # re-created after the delete
    assert events[4].prev_kv == KeyValue("/registry/pods/default/a", b"a3", 7, 7, 1)
    assert w.next_revision == 10


def test_future_start_revision_waits() -> None:
    s = _store()
    rec = Recorder()
    s.watch("/registry/", 8, rec)
    s.put("/registry/x", b"")  # 7
    s.put("/registry/x", b"")  # 8
    assert rec.events == [("PUT", "/registry/x", 8)]


def test_watch_from_compacted_revision_raises() -> None:
    s = _store()
    s.compact(4)
    for start in (1, 3, 4):
        with pytest.raises(CompactedError) as e:
            s.watch("/registry/pods/", start, Recorder())
        assert e.value.compact_revision == 4
        assert e.value.revision == start
    rec = Recorder()
    s.watch("/registry/pods/", 5, rec)  # right after the compacted revision works
    assert rec.events == [("PUT", "/registry/pods/kube-system/b", 5), ("DELETE", "/registry/pods/default/a", 6)]
    assert s.watchers() == [s.watchers()[0]]  # failed watches registered nothing


def test_transaction_is_one_batch_per_watcher() -> None:
    s = Store()
    pods, everything, key = Recorder(), Recorder(), Recorder()
    s.watch("/pods/", 0, pods)
    s.watch("", 0, everything)
    s.watch("/nodes/n1", 0, key)
    s.txn([], [Op.put("/pods/a", b"1"), Op.put("/nodes/n1", b"2"), Op.put("/pods/b", b"3"), Op.get("/x")], [])
    assert pods.batches and len(pods.batches) == 1
    assert pods.events == [("PUT", "/pods/a", 2), ("PUT", "/pods/b", 2)]
    assert everything.events == [("PUT", "/pods/a", 2), ("PUT", "/nodes/n1", 2), ("PUT", "/pods/b", 2)]
    assert key.events == [("PUT", "/nodes/n1", 2)]


def test_watchers_are_called_in_registration_order() -> None:
    s = Store()
    calls: list[str] = []

    def recorder(name: str) -> Callable[[list[WatchEvent]], None]:
        return lambda events: calls.append(name)

    for name, prefix in [("w1", "/a/b/"), ("w2", ""), ("w3", "/a/b/c"), ("w4", "/a/"), ("w5", "/a/b/")]:
        s.watch(prefix, 0, recorder(name))
    s.put("/a/b/c", b"")
    assert calls == ["w1", "w2", "w3", "w4", "w5"]
    calls.clear()
    s.txn([], [Op.put("/a/x", b""), Op.put("/a/b/c", b"")], [])
    assert calls == ["w1", "w2", "w3", "w4", "w5"]


def test_only_matching_watchers_are_called() -> None:
    s = Store()
    recs = {p: Recorder() for p in ["/registry/pods/", "/registry/pods/ns1/", "/registry/podsx/", "/registry/pod", "/r/"]}
    for p, rec in recs.items():
        s.watch(p, 0, rec)
    s.put("/registry/pods/ns2/x", b"")
    s.put("/registry/podsx/y", b"")
    s.put("/registry/pod", b"")
    assert {p: len(r.events) for p, r in recs.items()} == {
        "/registry/pods/": 1,
        "/registry/pods/ns1/": 0,
        "/registry/podsx/": 1,
        "/registry/pod": 1,
        "/r/": 0,
    }


def test_cancel_stops_delivery_also_mid_delivery() -> None:
    s = Store()
    second = Recorder()
    holder: list[Watcher] = []

    def first(events: list[WatchEvent]) -> None:
        holder[0].cancel()

    w1 = s.watch("/a/", 0, first)
    holder.append(s.watch("/a/", 0, second))
    s.put("/a/x", b"")
    assert second.events == []
    w1.cancel()
    w1.cancel()  # idempotent
    assert s.watchers() == []
    s.put("/a/x", b"")


def test_writes_inside_a_callback_are_delivered_in_order() -> None:
    s = Store()
    seen: dict[str, list[int]] = {"w1": [], "w2": []}

    def w1(events: list[WatchEvent]) -> None:
        seen["w1"] += [e.kv.mod_revision for e in events]
        if events[0].kv.key == "/a/x":
            s.put("/a/y", b"")  # nested write: queued until revision 2 reached everyone

    s.watch("/a/", 0, w1)
    s.watch("/a/", 0, lambda events: seen["w2"].extend(e.kv.mod_revision for e in events))
    s.put("/a/x", b"")
    assert seen == {"w1": [2, 3], "w2": [2, 3]}
    assert s.revision == 3


def test_watch_started_inside_a_callback_gets_each_event_once() -> None:
    s = Store()
    late = Recorder()

    def starter(events: list[WatchEvent]) -> None:
        if events[0].kv.key == "/a/1":
            s.put("/a/2", b"")  # 3, queued
            s.watch("/a/", 2, late)  # replays 2 and 3 at once; 3 is not delivered again
            assert late.events == [("PUT", "/a/1", 2), ("PUT", "/a/2", 3)]
            s.put("/a/3", b"")  # 4
            read_and_cancel.append(s.watch("/a/", 2, lambda events: replayed.extend(events)))
            read_and_cancel[-1].cancel()

    replayed: list[WatchEvent] = []
    read_and_cancel: list[Watcher] = []
    s.watch("/a/", 0, starter)
    s.put("/a/1", b"")
    assert late.events == [("PUT", "/a/1", 2), ("PUT", "/a/2", 3), ("PUT", "/a/3", 4)]
    assert [e.kv.mod_revision for e in replayed] == [2, 3, 4]


def test_callback_errors_reach_the_writer_after_full_delivery() -> None:
    s = Store()
    rec = Recorder()

    def broken(events: list[WatchEvent]) -> None:
        raise RuntimeError("boom")

    s.watch("/a/", 0, broken)
    s.watch("/a/", 0, rec)
    with pytest.raises(RuntimeError, match="boom"):
        s.put("/a/x", b"1")
    assert s.get("/a/x") is not None  # the write is committed
    assert rec.events == [("PUT", "/a/x", 2)]  # and delivered to the others
    with pytest.raises(RuntimeError):
        s.put("/a/x", b"2")
    assert rec.events == [("PUT", "/a/x", 2), ("PUT", "/a/x", 3)]


def test_failing_replay_leaves_no_watcher() -> None:
    s = _store()

    def broken(events: list[WatchEvent]) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        s.watch("/registry/", 1, broken)
    assert s.watchers() == []


def test_many_watchers_on_other_prefixes_are_not_called() -> None:
    s = Store()
    calls = [0]

    def count(events: list[WatchEvent]) -> None:
        calls[0] += 1

    for i in range(500):
        s.watch(f"/registry/kind{i}/", 0, count)
        s.watch(f"/registry/pods/ns{i}/pod", 0, count)
    s.watch("/registry/pods/", 0, count)
    for i in range(100):
        s.put(f"/registry/pods/default/p{i}", b"")
    assert calls == [100]


def test_watch_rejects_negative_start() -> None:
    with pytest.raises(ValueError):
        Store().watch("/", -1, Recorder())
