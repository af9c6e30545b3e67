"""Watchers and the fan-out of committed changes to them.

A watch is either a *prefix* watch (the prefix is "" or ends with ``/``: every key starting with it)
or a *key* watch (any other string: exactly that key). Prefix watches are indexed by their prefix;
since a "/"-terminated prefix matches a key exactly when it is a prefix of the key's directory, the
watchers of a directory are computed once (one dict lookup per ancestor of the directory) and cached
until a prefix watcher comes or goes. A put therefore costs a couple of dict lookups, whatever the
number of watchers on other prefixes.

Delivery is synchronous, inside the writer's call, in revision order; a new watcher's replay is
delivered inside the ``watch`` call. A callback may write to the store or start or cancel watches:
changes made during a delivery are queued and delivered after it, so every watcher still sees
revisions in order and each at most once (``next_revision``). An exception
raised by a callback does not stop delivery to the other watchers; the first one is re-raised to the
writer once everything queued has been delivered (errors are never swallowed).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from labk8s.store.kv import WatchEvent

__all__ = ["WatchCallback", "WatchHub", "Watcher", "is_prefix_watch"]

WatchCallback = Callable[[list[WatchEvent]], None]


def is_prefix_watch(prefix: str) -> bool:
    """True for a prefix watch ("" or ending with ``/``), False for a single-key watch."""
    return not prefix or prefix[-1] == "/"


class Watcher:
    """A registered watch. Events with revision >= ``next_revision`` are still to be delivered."""

    __slots__ = ("prefix", "callback", "next_revision", "cancelled", "id", "_hub")

    def __init__(self, hub: WatchHub, id: int, prefix: str, callback: WatchCallback, next_revision: int) -> None:
        self._hub = hub
        self.id = id  # registration order: the delivery order among watchers
        self.prefix = prefix
        self.callback = callback
        self.next_revision = next_revision
        self.cancelled = False

    def matches(self, key: str) -> bool:
        """Whether a change to ``key`` is delivered to this watcher."""
        if is_prefix_watch(self.prefix):
            return key.startswith(self.prefix)
        return key == self.prefix

    def cancel(self) -> None:
        """Stop delivery (idempotent); takes effect at once, also in the middle of a delivery."""
        if not self.cancelled:
            self.cancelled = True
            self._hub.remove(self)

    def __repr__(self) -> str:
        state = "cancelled" if self.cancelled else f"next_revision={self.next_revision}"
        return f"<Watcher {self.id} {self.prefix!r} {state}>"


def _by_id(w: Watcher) -> int:
    return w.id


class WatchHub:
    """The registered watchers of one store and the delivery queue."""

    __slots__ = ("count", "_prefixes", "_keys", "_dir_cache", "_seq", "_delivering", "_pending")

    def __init__(self) -> None:
        self.count = 0  # registered watchers; the store skips publishing when 0
        # Buckets are replaced, never mutated, so a delivery in progress iterates a stable list.
        self._prefixes: dict[str, list[Watcher]] = {}
        self._keys: dict[str, list[Watcher]] = {}
        self._dir_cache: dict[str, list[Watcher]] = {}
        self._seq = 0
        self._delivering = False
        # (None, events): broadcast one revision; (watcher, events): a replay for one watcher.
        self._pending: deque[tuple[Watcher | None, list[WatchEvent]]] = deque()

    # -- registration ---------------------------------------------------------------------------

    def add(self, prefix: str, callback: WatchCallback, next_revision: int, replay: list[WatchEvent]) -> Watcher:
        """Register a watcher and deliver ``replay`` (already filtered, in revision order) to it."""
        self._seq += 1
        w = Watcher(self, self._seq, prefix, callback, next_revision)
        index = self._prefixes if is_prefix_watch(prefix) else self._keys
        index[prefix] = [*index.get(prefix, ()), w]
        if index is self._prefixes:
            self._dir_cache.clear()
        self.count += 1
        if replay:
            # The replay is delivered before watch() returns, also when a delivery is in progress
            # (the new watcher has seen nothing yet, and next_revision skips the queued revisions
            # that the replay already holds), so a caller may read the replay and cancel at once.
            try:
                if self._delivering:
                    w.callback(replay)
                else:
                    self._enqueue(w, replay)
            except BaseException:
                # The caller gets no handle on an exception, so it could never cancel the watcher.
                w.cancel()
                raise
        return w

    def remove(self, w: Watcher) -> None:
        index = self._prefixes if is_prefix_watch(w.prefix) else self._keys
        bucket = [x for x in index.get(w.prefix, ()) if x is not w]
        if bucket:
            index[w.prefix] = bucket
        else:
            index.pop(w.prefix, None)
        if index is self._prefixes:
            self._dir_cache.clear()
        self.count -= 1

    def watchers(self) -> list[Watcher]:
        """All registered watchers in registration order."""
        found = [w for bucket in self._prefixes.values() for w in bucket]
        found += [w for bucket in self._keys.values() for w in bucket]
        return sorted(found, key=_by_id)

    def _dir_watchers(self, d: str) -> list[Watcher]:
        """The prefix watchers matching every key of directory ``d``, in registration order."""
        found: list[Watcher] = []
        prefixes = self._prefixes
        buckets = 0
        bucket = prefixes.get("")
        if bucket:
            found += bucket
            buckets += 1
        i = d.find("/")
        while i >= 0:
            bucket = prefixes.get(d[: i + 1])
            if bucket:
                found += bucket
                buckets += 1
            i = d.find("/", i + 1)
        if buckets > 1:
            found.sort(key=_by_id)
        self._dir_cache[d] = found
        return found

    def _targets(self, key: str) -> list[Watcher]:
        d = key[: key.rfind("/") + 1]
        found = self._dir_cache.get(d)
        if found is None:
            found = self._dir_watchers(d)
        if self._keys:
            exact = self._keys.get(key)
            if exact:
                return sorted([*found, *exact], key=_by_id)
        return found

    # -- delivery -------------------------------------------------------------------------------

    def publish(self, events: list[WatchEvent]) -> None:
        """Deliver the events of one committed revision to the matching watchers."""
        self._enqueue(None, events)

    def _enqueue(self, target: Watcher | None, events: list[WatchEvent]) -> None:
        self._pending.append((target, events))
        if self._delivering:
            return  # the delivery in progress further up the stack drains the queue
        self._delivering = True
        error: Exception | None = None
        pending = self._pending
        try:
            while pending:
                target, events = pending.popleft()
                if target is None:
                    failed = self._broadcast(events)
                elif not target.cancelled:
                    failed = self._call(target, events)
                else:
                    failed = None
                if error is None:
                    error = failed
        finally:
            self._delivering = False
            pending.clear()  # only non-empty when a bug escaped above
        if error is not None:
            raise error

    @staticmethod
    def _call(w: Watcher, events: list[WatchEvent]) -> Exception | None:
        try:
            w.callback(events)
        except Exception as e:
            return e
        return None

    def _broadcast(self, events: list[WatchEvent]) -> Exception | None:
        revision = events[0].kv.mod_revision
        error: Exception | None = None
        if len(events) == 1:
            event = events[0]
            for w in self._targets(event.kv.key):
                if w.next_revision <= revision and not w.cancelled:
                    w.next_revision = revision + 1
                    try:
                        w.callback([event])
                    except Exception as e:
                        if error is None:
                            error = e
            return error
        # A transaction: each watcher gets its matching events of the revision in one list.
        batches: dict[int, tuple[Watcher, list[WatchEvent]]] = {}
        for event in events:
            for w in self._targets(event.kv.key):
                batch = batches.get(w.id)
                if batch is None:
                    batches[w.id] = (w, [event])
                else:
                    batch[1].append(event)
        for wid in sorted(batches):
            w, batch_events = batches[wid]
            if w.next_revision <= revision and not w.cancelled:
                w.next_revision = revision + 1
                failed = self._call(w, batch_events)
                if error is None:
                    error = failed
        return error
