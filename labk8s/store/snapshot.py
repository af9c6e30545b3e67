"""Byte-exact, deterministic serialisation of the live key space.

Layout (all integers big-endian)::

    magic   b"LABK8S-STORE"  (12 bytes)
    format  u16 = 1
    revision u64, count u64
    count x ( key_len u32, value_len u32, create_revision u64, mod_revision u64, version u64,
              key (UTF-8), value )
    crc32   u32 of everything before it

Keys are written in ascending order, so the same live keys at the same revision always give the same
bytes. History is not written: a restored store is compacted at its revision.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

from labk8s.store.exceptions import SnapshotError
from labk8s.store.kv import KeyValue, new_kv

__all__ = ["decode", "encode"]

MAGIC = b"LABK8S-STORE"
FORMAT = 1
_HEADER = struct.Struct(">12sHQQ")
_ENTRY = struct.Struct(">IIQQQ")
_CRC = struct.Struct(">I")


def encode(revision: int, kvs: Iterable[KeyValue]) -> bytes:
    """Serialise ``kvs`` (ascending by key) at ``revision``."""
    parts: list[bytes] = [b""]
    pack = _ENTRY.pack
    count = 0
    for kv in kvs:
        key = kv.key.encode()
        parts.append(pack(len(key), len(kv.value), kv.create_revision, kv.mod_revision, kv.version))
        parts.append(key)
        parts.append(kv.value)
        count += 1
    parts[0] = _HEADER.pack(MAGIC, FORMAT, revision, count)
    body = b"".join(parts)
    return body + _CRC.pack(zlib.crc32(body))


def decode(data: bytes) -> tuple[int, list[KeyValue]]:
    """Parse a snapshot: (revision, key-values ascending by key). Raises :class:`SnapshotError`."""
    view = memoryview(data)
    if len(view) < _HEADER.size + _CRC.size:
        raise SnapshotError("store snapshot: truncated")
    magic, fmt, revision, count = _HEADER.unpack_from(view, 0)
    if magic != MAGIC:
        raise SnapshotError("store snapshot: bad magic")
    if fmt != FORMAT:
        raise SnapshotError(f"store snapshot: unsupported format {fmt}")
    (crc,) = _CRC.unpack_from(view, len(view) - _CRC.size)
    if zlib.crc32(view[: len(view) - _CRC.size]) != crc:
        raise SnapshotError("store snapshot: checksum mismatch")
    if revision < 1:
        raise SnapshotError(f"store snapshot: invalid revision {revision}")
    end = len(view) - _CRC.size
    pos = _HEADER.size
    unpack = _ENTRY.unpack_from
    kvs: list[KeyValue] = []
    previous: str | None = None
    for _ in range(count):
        if pos + _ENTRY.size > end:
            raise SnapshotError("store snapshot: truncated")
        key_len, value_len, create, mod, version = unpack(view, pos)
        pos += _ENTRY.size
        if pos + key_len + value_len > end:
            raise SnapshotError("store snapshot: truncated")
        try:
            key = str(view[pos : pos + key_len], "utf-8")
        except UnicodeDecodeError as e:
            raise SnapshotError(f"store snapshot: key is not UTF-8: {e}") from None
        pos += key_len
        value = bytes(view[pos : pos + value_len])
        pos += value_len
        if previous is not None and key <= previous:
            raise SnapshotError(f"store snapshot: keys out of order at {key!r}")
        if not key or not (2 <= create <= mod <= revision) or version < 1:
            raise SnapshotError(f"store snapshot: invalid entry for key {key!r}")
        previous = key
        kvs.append(new_kv(key, value, create, mod, version))
    if pos != end:
        raise SnapshotError("store snapshot: trailing bytes")
    return revision, kvs
