"""Micro-benchmark of the MVCC store (not a test): puts/s, watch delivery, range time, memory per key.

Run: ``.venv/bin/python bench/store.py [keys]`` (default 100,000 keys of 1 KiB).
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from labk8s.store import Compare, Op, Store, WatchEvent

VALUE = b"x" * 1024
NAMESPACES = 50


def _keys(n: int) -> list[str]:
    # Shaped like kube-apiserver keys, spread over namespaces, inserted in non-sorted order.
    return [f"/registry/pods/ns-{(i * 7919) % NAMESPACES}/pod-{(i * 104729) % n:07d}" for i in range(n)]


def _rate(label: str, n: int, seconds: float) -> None:
    print(f"{label:<44} {n / seconds:>12,.0f} /s  {seconds / n * 1e6:7.2f} us each")


def main(n: int) -> None:
    keys = _keys(n)

    store = Store()
    t = time.perf_counter()
    for key in keys:
        store.put(key, VALUE)
    _rate("put, fresh key, no watcher", n, time.perf_counter() - t)

    t = time.perf_counter()
    for key in keys:
        store.put(key, VALUE)
    _rate("put, existing key, no watcher", n, time.perf_counter() - t)

    delivered = 0

    def callback(events: list[WatchEvent]) -> None:
        nonlocal delivered
        delivered += len(events)

    store = Store()
    store.watch("/registry/pods/", 0, callback)
    for i in range(1000):  # watchers on other prefixes must not slow pod writes down
        store.watch(f"/registry/kind-{i}/", 0, callback)
    t = time.perf_counter()
    for key in keys:
        store.put(key, VALUE)
    _rate("put, fresh key, 1 matching watcher of 1001", n, time.perf_counter() - t)
    assert delivered == n

    t = time.perf_counter()
    for key in keys:
        kv = store.get(key)
        assert kv is not None
        store.txn([Compare.mod_revision(key, "=", kv.mod_revision)], [Op.put(key, VALUE)], [Op.get(key)])
    _rate("txn compare-and-swap (get + txn), watched", n, time.perf_counter() - t)

    store.put("/registry/pods/ns-0/new", VALUE)  # dirty one directory, as between two lists
    t = time.perf_counter()
    kvs, _ = store.range("/registry/pods/")
    print(f"{'range all pods (' + format(len(kvs), ',') + ')':<44} {(time.perf_counter() - t) * 1e3:10.2f} ms")
    t = time.perf_counter()
    kvs, _ = store.range("/registry/pods/ns-1/")
    print(f"{'range one namespace (' + format(len(kvs), ',') + ')':<44} {(time.perf_counter() - t) * 1e3:10.2f} ms")
    t = time.perf_counter()
    kvs, _ = store.range("/registry/pods/", limit=500)
    print(f"{'range all pods, limit 500':<44} {(time.perf_counter() - t) * 1e3:10.2f} ms")
    t = time.perf_counter()
    data = store.snapshot()
    print(f"{'snapshot (' + format(len(data), ',') + ' bytes)':<44} {(time.perf_counter() - t) * 1e3:10.2f} ms")
    t = time.perf_counter()
    Store.restore(data)
    print(f"{'restore':<44} {(time.perf_counter() - t) * 1e3:10.2f} ms")

    # Memory: every write brings its own value object (as serialised objects from requests do);
    # the figures include the values, the keys and the history.
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    keys = _keys(n)  # fresh key strings, counted too (the store holds them)
    store = Store()
    for i, key in enumerate(keys):
        store.put(key, b"%08d" % i + VALUE[8:])
    created = tracemalloc.get_traced_memory()[0] - base
    for i, key in enumerate(keys):
        store.put(key, b"%08d" % (i + n) + VALUE[8:])
    updated = tracemalloc.get_traced_memory()[0] - base
    store.compact(store.revision)
    compacted = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    print(f"{'memory per key after create':<44} {created / n:10,.0f} bytes (value {len(VALUE)})")
    print(f"{'memory per key after one update (history)':<44} {updated / n:10,.0f} bytes")
    print(f"{'memory per key after compaction':<44} {compacted / n:10,.0f} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
