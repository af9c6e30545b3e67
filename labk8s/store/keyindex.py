"""Ordered index of the live keys, for prefix ranges in ascending key order.

Keys are grouped by directory: the part up to and including the last ``/``
(``/registry/pods/default/web-0`` lives in ``/registry/pods/default/``). Each directory keeps a
sorted list plus the keys added and removed since it was last sorted, and is re-sorted lazily on the
next read. So a put on a fresh key is an append (no O(n) ``insort``), and a read re-sorts only the
directories it touches: Python's sort merges the already sorted run with the new keys in
O(n + k log k).

Ascending ``str`` order is the ascending byte order of the UTF-8 encoding (etcd's order), because
UTF-8 preserves code point order.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from itertools import islice

__all__ = ["KeyIndex", "key_dir"]


def key_dir(key: str) -> str:
    """The directory of a key: everything up to and including its last ``/`` ("" when none)."""
    return key[: key.rfind("/") + 1]


def prefix_end(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (None: no bound)."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            return prefix[:-1] + chr(last + 1)
        prefix = prefix[:-1]
    return None


class _Dir:
    """The keys directly inside one directory. Live keys = (sorted + added) - gone."""

    __slots__ = ("sorted", "added", "gone", "size")

    def __init__(self) -> None:
        self.sorted: list[str] = []
        self.added: list[str] = []
        self.gone: set[str] = set()
        self.size = 0

    def keys(self) -> list[str]:
        """The live keys in ascending order (re-sorting only when something changed)."""
        if self.added or self.gone:
            keys = self.sorted
            if self.added:
                keys.extend(self.added)
                self.added = []
            if self.gone:
                gone = self.gone
                keys = [k for k in keys if k not in gone]
                self.gone = set()
            keys.sort()
            self.sorted = keys
        return self.sorted


class KeyIndex:
    """Live keys by directory; the caller guarantees ``add`` only for absent keys and ``remove``
    only for present ones (the store checks its dict first)."""

    __slots__ = ("_dirs", "_names")

    def __init__(self) -> None:
        self._dirs: dict[str, _Dir] = {}
        self._names: list[str] | None = []  # sorted directory names; None when a directory was added

    def add(self, key: str) -> None:
        d = key[: key.rfind("/") + 1]
        entry = self._dirs.get(d)
        if entry is None:
            entry = self._dirs[d] = _Dir()
            self._names = None
        entry.size += 1
        gone = entry.gone
        if gone and key in gone:
            gone.discard(key)  # still in the sorted list, at the right place
        else:
            entry.added.append(key)

    def remove(self, key: str) -> None:
        entry = self._dirs[key[: key.rfind("/") + 1]]
        entry.size -= 1
        entry.gone.add(key)

    def _dir_names(self) -> list[str]:
        names = self._names
        if names is None:
            names = self._names = sorted(self._dirs)
        return names

    def _matching_dirs(self, prefix: str) -> tuple[_Dir | None, list[str]]:
        """The directory holding keys that extend ``prefix`` past its last ``/`` (the "partial"
        one, when ``prefix`` does not end with ``/``), and the names of all directories that
        start with ``prefix``, ascending. Together they hold every key starting with ``prefix``."""
        partial = None
        d = key_dir(prefix)
        if len(d) < len(prefix):
            partial = self._dirs.get(d)
        names = self._dir_names()
        i = bisect_left(names, prefix)
        end = prefix_end(prefix)
        j = len(names) if end is None else bisect_left(names, end, i)
        return partial, names[i:j]

    def keys(self, prefix: str, start: str = "", limit: int = 0) -> list[str]:
        """Live keys starting with ``prefix`` and >= ``start``, ascending, at most ``limit`` (0: all)."""
        partial, names = self._matching_dirs(prefix)
        runs: list[list[str]] = []
        if partial is not None and partial.size:
            lst = partial.keys()
            lo = bisect_left(lst, max(prefix, start))
            end = prefix_end(prefix)
            hi = len(lst) if end is None else bisect_left(lst, end, lo)
            if hi > lo:
                runs.append(lst[lo:hi] if limit == 0 or hi - lo <= limit else lst[lo : lo + limit])
        # Runs of different directories interleave only when one directory name is a prefix of
        # another that has keys (for example ``/a/`` holding ``/a/b-x`` and ``/a/b/``); then merge.
        interleaved = bool(runs)
        previous: str | None = None
        dirs = self._dirs
        for name in names:
            entry = dirs[name]
            if not entry.size:
                continue
            if previous is not None and name.startswith(previous):
                interleaved = True
            previous = name
            lst = entry.keys()
            lo = bisect_left(lst, start) if start > name else 0
            if lo < len(lst):
                runs.append(lst[lo:] if limit == 0 or lo + limit >= len(lst) else lst[lo : lo + limit])
        if len(runs) <= 1:
            return runs[0] if runs else []
        if interleaved:
            merged = heapq.merge(*runs)
            return list(merged if limit == 0 else islice(merged, limit))
        out: list[str] = []
        for run in runs:
            out.extend(run if limit == 0 else run[: limit - len(out)])
            if limit and len(out) >= limit:
                break
        return out

    def count(self, prefix: str) -> int:
        """Number of live keys starting with ``prefix``."""
        partial, names = self._matching_dirs(prefix)
        dirs = self._dirs
        n = sum(dirs[name].size for name in names)
        if partial is not None and partial.size:
            lst = partial.keys()
            lo = bisect_left(lst, prefix)
            end = prefix_end(prefix)
            n += (len(lst) if end is None else bisect_left(lst, end, lo)) - lo
        return n
