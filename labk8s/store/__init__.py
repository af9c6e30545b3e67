"""The etcd-like MVCC store: revisions, prefix ranges, transactions (compare-and-swap), watches from a
revision, compaction and snapshots. It knows no kinds: keys are strings, values opaque bytes.

Conventions (see :mod:`labk8s.store.mvcc` for the details):

- An empty store is at revision 1; each write makes one new revision, a transaction one for all its
  writes; deleting an absent key writes nothing.
- ``range`` and ``count`` take any prefix; a watch takes a prefix that is "" or ends with ``/``
  (``/registry/pods/``), any other string watches exactly that key.
- Reads work at any revision from ``compacted_revision`` on; watches start after it, else
  :class:`CompactedError` (the API server's 410 Expired).

Only the API server uses it. Standard library, ``labk8s._sim`` and ``labk8s.errors`` only.
"""

from labk8s.store.exceptions import CompactedError, FutureRevisionError, SnapshotError
from labk8s.store.kv import EventType, KeyValue, WatchEvent
from labk8s.store.mvcc import Store
from labk8s.store.txn import Compare, CompareOp, CompareTarget, Op, OpKind, TxnResult
from labk8s.store.watch import WatchCallback, Watcher

__all__ = [
    "CompactedError",
    "Compare",
    "CompareOp",
    "CompareTarget",
    "EventType",
    "FutureRevisionError",
    "KeyValue",
    "Op",
    "OpKind",
    "SnapshotError",
    "Store",
    "TxnResult",
    "WatchCallback",
    "WatchEvent",
    "Watcher",
]
