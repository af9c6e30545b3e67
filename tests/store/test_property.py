"""Property test: random operation sequences against a simple model (a dict per revision)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from labk8s.store import CompactedError, Compare, FutureRevisionError, KeyValue, Op, Store, WatchEvent

KEYS = ["/a", "/a/", "/a/b", "/a/b-", "/a/b/c", "/a/b/d", "/a/c/d", "/b/x", "/a/é", "x"]
PREFIXES = ["", "/", "/a", "/a/", "/a/b", "/a/b/", "/b/", "/c/", "x"]
VALUES = st.sampled_from([b"", b"0", b"1", b"22"])

Row = tuple[bytes, int, int, int]  # value, create_revision, mod_revision, version


def _kv(key: str, row: Row) -> KeyValue:
    return KeyValue(key, *row)


@dataclass
class ModelWatch:
    prefix: str
    start: int
    received: list[list[WatchEvent]] = field(default_factory=list)


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = Store()
        self.states: dict[int, dict[str, Row]] = {1: {}}  # the key space after each revision
        self.events: list[tuple[str, KeyValue, KeyValue | None]] = []
        self.rev = 1
        self.compacted = 0
        self.watches: list[ModelWatch] = []

    @property
    def now(self) -> dict[str, Row]:
        return self.states[self.rev]

    def _commit(self, changes: list[tuple[str, bytes | None]]) -> None:
        """Apply one revision of changes (value None: delete) to the model."""
        rev = self.rev + 1
        state = dict(self.now)
        wrote = False
        for key, value in changes:
            prev = state.get(key)
            prev_kv = None if prev is None else _kv(key, prev)
            if value is None:
                if prev is not None:
                    del state[key]
                    self.events.append(("DELETE", KeyValue(key, b"", 0, rev, 0), prev_kv))
                    wrote = True
            else:
                row = (value, rev, rev, 1) if prev is None else (value, prev[1], rev, prev[3] + 1)
                state[key] = row
                self.events.append(("PUT", _kv(key, row), prev_kv))
                wrote = True
        if wrote:
            self.rev = rev
            self.states[rev] = state

    @rule(key=st.sampled_from(KEYS), value=VALUES)
    def put(self, key: str, value: bytes) -> None:
        assert self.store.put(key, value) == self.rev + 1
        self._commit([(key, value)])

    @rule(key=st.sampled_from(KEYS))
    def delete(self, key: str) -> None:
        expected = None if key not in self.now else self.rev + 1
        assert self.store.delete(key) == expected
        self._commit([(key, None)])

    @rule(
        key=st.sampled_from(KEYS),
        stale=st.booleans(),
        writes=st.lists(st.tuples(st.sampled_from(KEYS), st.one_of(st.none(), VALUES)), max_size=4, unique_by=lambda w: w[0]),
    )
    def compare_and_swap(self, key: str, stale: bool, writes: list[tuple[str, bytes | None]]) -> None:
        row = self.now.get(key)
        mod = (0 if row is None else row[2]) + (1 if stale else 0)
        ops = [Op.delete(k) if v is None else Op.put(k, v) for k, v in writes]
        result = self.store.txn([Compare.mod_revision(key, "=", mod)], ops, [Op.get(key)])
        assert result.succeeded is not stale
        if stale:
            assert result.responses == [None if row is None else _kv(key, row)]
        else:
            self._commit(writes)
        assert result.revision == self.rev

    @rule(data=st.data())
    def compact(self, data: st.DataObject) -> None:
        target = data.draw(st.integers(0, self.rev + 1))
        if target <= self.compacted:
            try:
                self.store.compact(target)
            except CompactedError as e:
                assert e.compact_revision == self.compacted
            else:
                raise AssertionError("compacting backwards must fail")
        elif target > self.rev:
            try:
                self.store.compact(target)
            except FutureRevisionError:
                pass
            else:
                raise AssertionError("compacting the future must fail")
        else:
            self.store.compact(target)
            self.compacted = target

    @rule(
        data=st.data(),
        prefix=st.sampled_from(PREFIXES),
        limit=st.integers(0, 3),
        start=st.sampled_from(["", "/a/b", "/a/b/", "/b"]),
    )
    def range_at(self, data: st.DataObject, prefix: str, limit: int, start: str) -> None:
        rev = data.draw(st.integers(max(self.compacted, 1), self.rev))
        state = self.states[rev]
        expected = [
            _kv(k, state[k]) for k in sorted(state, key=lambda k: k.encode()) if k.startswith(prefix) and k >= start
        ]
        kvs, at = self.store.range(prefix, limit, rev, start=start)
        assert at == rev
        assert kvs == (expected[:limit] if limit else expected)

    @rule(prefix=st.sampled_from(PREFIXES), data=st.data())
    def watch(self, prefix: str, data: st.DataObject) -> None:
        start = data.draw(st.integers(0, self.rev + 2))
        w = ModelWatch(prefix, start)
        if 0 < start <= self.compacted:
            try:
                self.store.watch(prefix, start, w.received.append)
            except CompactedError:
                return
            raise AssertionError("watching compacted history must fail")
        self.store.watch(prefix, start, w.received.append)
        w.start = start or self.rev + 1
        self.watches.append(w)

    @invariant()
    def same_state(self) -> None:
        assert self.store.revision == self.rev
        assert self.store.compacted_revision == self.compacted
        for key in KEYS:
            row = self.now.get(key)
            assert self.store.get(key) == (None if row is None else _kv(key, row))
        assert self.store.range("")[0] == [_kv(k, self.now[k]) for k in sorted(self.now)]
        for prefix in PREFIXES:
            assert self.store.count(prefix) == sum(k.startswith(prefix) for k in self.now)

    @invariant()
    def watchers_saw_every_matching_event_once_in_order(self) -> None:
        for w in self.watches:
            exact = not (w.prefix == "" or w.prefix.endswith("/"))
            expected = [
                (t, kv, prev)
                for t, kv, prev in self.events
                if kv.mod_revision >= w.start and (kv.key == w.prefix if exact else kv.key.startswith(w.prefix))
            ]
            got = [(e.type, e.kv, e.prev_kv) for batch in w.received for e in batch]
            assert got == expected
            revisions = [e.kv.mod_revision for batch in w.received for e in batch]
            assert revisions == sorted(revisions)

    @invariant()
    def snapshot_round_trips(self) -> None:
        data = self.store.snapshot()
        assert Store.restore(data).snapshot() == data


StoreMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, derandomize=True, deadline=None)
TestStoreMachine = StoreMachine.TestCase
