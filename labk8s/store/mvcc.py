"""The MVCC key-value store: etcd v3 semantics for one process, no kinds.

- One global revision counter. An empty store is at revision 1; every write (a put, a delete of a
  present key, or a transaction that writes anything) makes exactly one new revision.
- Each key has ``create_revision``, ``mod_revision`` and ``version`` (puts since creation); deleting
  a key forgets it, so re-creating it starts again at version 1.
- History is a log of :class:`WatchEvent` in revision order. Events share their KeyValue objects (and
  so their value bytes) with the live key space, so a write costs one KeyValue and one event, never
  a copy of the value. A value that was overwritten or deleted stays alive only through the log,
  until :meth:`Store.compact` drops the events at or before the compacted revision.
- Reads at an older revision (``range(..., revision=r)``) are answered from the live keys by undoing
  the logged events after ``r``; any revision from ``compacted_revision`` up to ``revision`` works.
- Watches replay the logged events from their start revision, then receive live events,
  synchronously in the writer's call (see :mod:`labk8s.store.watch`).
"""

from __future__ import annotations

from bisect import bisect_right

from labk8s.store import snapshot as _snapshot
from labk8s.store.exceptions import CompactedError, FutureRevisionError
from labk8s.store.keyindex import KeyIndex
from labk8s.store.kv import KeyValue, WatchEvent, new_event, new_kv
from labk8s.store.txn import Compare, Op, TxnResult, check_ops
from labk8s.store.watch import WatchCallback, Watcher, WatchHub, is_prefix_watch

__all__ = ["Store"]


def _event_revision(event: WatchEvent) -> int:
    return event.kv.mod_revision


def _check_key(key: str) -> None:
    if key.__class__ is not str:
        raise TypeError(f"key must be str, not {type(key).__name__}")
    if not key:
        raise ValueError("etcdserver: key is not provided")


class Store:
    """An etcd-like MVCC store. See the module docstring for the semantics."""

    __slots__ = ("_kvs", "_index", "_log", "_hub", "_revision", "_compacted", "_retention", "_auto_compact_at")

    def __init__(self, auto_compaction_retention: int = 0) -> None:
        """``auto_compaction_retention`` > 0 bounds the history like etcd's
        ``--auto-compaction-mode=revision``: at least that many revisions stay readable and
        watchable, and the history never holds more than twice as many (0: compact only on
        request)."""
        if auto_compaction_retention < 0:
            raise ValueError(f"auto_compaction_retention must be >= 0, not {auto_compaction_retention}")
        self._kvs: dict[str, KeyValue] = {}
        self._index = KeyIndex()
        self._log: list[WatchEvent] = []  # every event with revision > compacted_revision
        self._hub = WatchHub()
        self._revision = 1
        self._compacted = 0
        self._retention = auto_compaction_retention
        self._auto_compact_at = 0
        self._schedule_auto_compaction()

    def _schedule_auto_compaction(self) -> None:
        # One integer comparison per write decides; compacting `retention` revisions at a time
        # keeps the cost amortised O(1) per write.
        if self._retention:
            self._auto_compact_at = max(self._compacted, 1) + 2 * self._retention
        else:
            self._auto_compact_at = 1 << 62

    def _auto_compact(self) -> None:
        self.compact(self._revision - self._retention)

    @property
    def revision(self) -> int:
        """The current revision (1 for an empty store that was never written)."""
        return self._revision

    @property
    def compacted_revision(self) -> int:
        """The oldest revision that can still be read (0 before the first compaction). Watches must
        start after it."""
        return self._compacted

    def __len__(self) -> int:
        """Number of live keys."""
        return len(self._kvs)

    @property
    def history_size(self) -> int:
        """Number of events kept for watch replay and old reads (compaction frees them)."""
        return len(self._log)

    # -- writes ---------------------------------------------------------------------------------

    def put(self, key: str, value: bytes) -> int:
        """Set ``key`` to ``value``; returns the new revision."""
        if key.__class__ is not str or not key:
            _check_key(key)
        if value.__class__ is not bytes:
            raise TypeError(f"value must be bytes, not {type(value).__name__}")
        revision = self._revision + 1
        prev = self._kvs.get(key)
        if prev is None:
            kv = new_kv(key, value, revision, revision, 1)
            self._index.add(key)
        else:
            kv = new_kv(key, value, prev.create_revision, revision, prev.version + 1)
        self._kvs[key] = kv
        self._revision = revision
        event = new_event("PUT", kv, prev)
        self._log.append(event)
        if revision >= self._auto_compact_at:
            self._auto_compact()
        if self._hub.count:
            self._hub.publish([event])
        return revision

    def delete(self, key: str) -> int | None:
        """Delete ``key``; returns the new revision, or None (and no new revision) when absent."""
        _check_key(key)
        prev = self._kvs.pop(key, None)
        if prev is None:
            return None
        revision = self._revision = self._revision + 1
        self._index.remove(key)
        event = new_event("DELETE", new_kv(key, b"", 0, revision, 0), prev)
        self._log.append(event)
        if revision >= self._auto_compact_at:
            self._auto_compact()
        if self._hub.count:
            self._hub.publish([event])
        return revision

    def txn(self, compares: list[Compare], success: list[Op], failure: list[Op]) -> TxnResult:
        """If every compare holds, apply ``success``, else ``failure``; all writes share one new
        revision (none when the branch writes nothing)."""
        check_ops(success)
        check_ops(failure)
        kvs = self._kvs
        succeeded = True
        for compare in compares:
            if not isinstance(compare, Compare):
                raise TypeError(f"transaction compares must be Compare, not {type(compare).__name__}")
            if succeeded and not compare.holds(kvs.get(compare.key)):
                succeeded = False
        revision = self._revision + 1
        events: list[WatchEvent] = []
        responses: list[KeyValue | None] = []
        for op in success if succeeded else failure:
            key = op.key
            prev = kvs.get(key)
            if op.kind == "get":
                responses.append(prev)
            elif op.kind == "put":
                if prev is None:
                    kv = new_kv(key, op.value, revision, revision, 1)
                    self._index.add(key)
                else:
                    kv = new_kv(key, op.value, prev.create_revision, revision, prev.version + 1)
                kvs[key] = kv
                events.append(new_event("PUT", kv, prev))
                responses.append(kv)
            else:
                if prev is not None:
                    del kvs[key]
                    self._index.remove(key)
                    events.append(new_event("DELETE", new_kv(key, b"", 0, revision, 0), prev))
                responses.append(prev)
        if events:
            self._revision = revision
            self._log.extend(events)
            if revision >= self._auto_compact_at:
                self._auto_compact()
            if self._hub.count:
                self._hub.publish(events)
        return TxnResult(succeeded, self._revision, responses)

    # -- reads ----------------------------------------------------------------------------------

    def get(self, key: str) -> KeyValue | None:
        """The current version of ``key``, or None."""
        return self._kvs.get(key)

    def range(
        self, prefix: str, limit: int = 0, revision: int = 0, *, start: str = ""
    ) -> tuple[list[KeyValue], int]:
        """Keys starting with ``prefix`` ("" for all), ascending, at most ``limit`` (0: no limit),
        as of ``revision`` (0: now). ``start`` skips keys below it (to resume a paged list).

        Returns ``(kvs, revision)`` where ``revision`` is the revision the result reflects: the
        requested one, or the current one for ``revision=0``. Raises :class:`CompactedError` below
        ``compacted_revision`` and :class:`FutureRevisionError` above ``revision``.
        """
        if limit < 0:
            raise ValueError(f"limit must be >= 0, not {limit}")
        if revision == 0 or revision == self._revision:
            kvs = self._kvs
            return [kvs[k] for k in self._index.keys(prefix, start, limit)], self._revision
        self._check_readable(revision)
        return self._range_at(prefix, limit, revision, start), revision

    def count(self, prefix: str) -> int:
        """Number of live keys starting with ``prefix``."""
        return self._index.count(prefix)

    def _check_readable(self, revision: int) -> None:
        if revision < 0:
            raise ValueError(f"revision must be >= 0, not {revision}")
        if revision < self._compacted:
            raise CompactedError(self._compacted, revision)
        if revision > self._revision:
            raise FutureRevisionError(revision, self._revision)

    def _range_at(self, prefix: str, limit: int, revision: int, start: str) -> list[KeyValue]:
        # The state at `revision` is the live state with every later change undone: a key changed
        # after `revision` had the prev_kv of its first later event.
        log = self._log
        undone: dict[str, KeyValue | None] = {}
        for i in range(bisect_right(log, revision, key=_event_revision), len(log)):
            event = log[i]
            key = event.kv.key
            if key not in undone and key.startswith(prefix):
                undone[key] = event.prev_kv
        kvs = self._kvs
        state = {k: kvs[k] for k in self._index.keys(prefix, start) if k not in undone}
        for key, kv in undone.items():
            if kv is not None and key >= start:
                state[key] = kv
        keys = sorted(state)
        if limit:
            keys = keys[:limit]
        return [state[k] for k in keys]

    # -- watch ----------------------------------------------------------------------------------

    def watch(self, prefix: str, start_revision: int, callback: WatchCallback) -> Watcher:
        """Watch ``prefix`` ("" or ending with ``/``: every key under it; anything else: exactly that
        key) from ``start_revision`` (0: from the next revision).

        Logged events with revision >= ``start_revision`` are delivered first, as one batch, before
        this returns; then live events, synchronously in the writer's call, in revision order.
        Raises :class:`CompactedError` when ``start_revision <= compacted_revision``.
        """
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be str, not {type(prefix).__name__}")
        if start_revision < 0:
            raise ValueError(f"start_revision must be >= 0, not {start_revision}")
        current = self._revision
        if start_revision == 0:
            start_revision = current + 1
        if start_revision <= self._compacted:
            raise CompactedError(self._compacted, start_revision)
        replay: list[WatchEvent] = []
        if start_revision <= current:
            log = self._log
            lo = bisect_right(log, start_revision - 1, key=_event_revision)
            if is_prefix_watch(prefix):
                replay = [log[i] for i in range(lo, len(log)) if log[i].kv.key.startswith(prefix)]
            else:
                replay = [log[i] for i in range(lo, len(log)) if log[i].kv.key == prefix]
        return self._hub.add(prefix, callback, max(start_revision, current + 1), replay)

    def watchers(self) -> list[Watcher]:
        """The active watchers, in registration order."""
        return self._hub.watchers()

    # -- compaction and snapshots ---------------------------------------------------------------

    def compact(self, revision: int) -> None:
        """Drop the history at or before ``revision``; reads stay possible from ``revision`` on and
        watches from ``revision + 1``. The latest version of every live key is kept."""
        if revision <= self._compacted:
            raise CompactedError(self._compacted, revision)
        if revision > self._revision:
            raise FutureRevisionError(revision, self._revision)
        del self._log[: bisect_right(self._log, revision, key=_event_revision)]
        self._compacted = revision
        self._schedule_auto_compaction()

    def snapshot(self) -> bytes:
        """The live keys and the revision as deterministic bytes (history is not included)."""
        kvs = self._kvs
        return _snapshot.encode(self._revision, (kvs[k] for k in self._index.keys("")))

    @classmethod
    def restore(cls, data: bytes, auto_compaction_retention: int = 0) -> Store:
        """A store holding the snapshot's keys at its revision, compacted at that revision."""
        revision, items = _snapshot.decode(data)
        store = cls(auto_compaction_retention)  # a setting of the process, not of the data
        for kv in items:
            store._kvs[kv.key] = kv
            store._index.add(kv.key)
        store._revision = revision
        store._compacted = revision
        store._schedule_auto_compaction()
        return store
