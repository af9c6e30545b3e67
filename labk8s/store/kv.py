"""Stored values and watch events, shaped like etcd's ``mvccpb.KeyValue`` and ``mvccpb.Event``.

Both classes are frozen: the same objects are shared by the live key space, the history log and every
watcher, so nobody may change them. The store builds them through :func:`new_kv` and
:func:`new_event`, which skip the frozen dataclass ``__init__`` (it goes through
``object.__setattr__`` per field and costs about 0.6 us; the slot setters cost half of that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["EventType", "KeyValue", "WatchEvent", "new_event", "new_kv"]

EventType = Literal["PUT", "DELETE"]


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One version of a key.

    ``create_revision`` is the revision that created the key (since its last deletion),
    ``mod_revision`` the revision of this version, ``version`` the number of puts since creation
    (1 for a fresh key). A DELETE event's ``kv`` carries only ``key`` and ``mod_revision`` (the
    deletion revision); its other fields are zero/empty, as in etcd.
    """

    key: str
    value: bytes
    create_revision: int
    mod_revision: int
    version: int


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """A change delivered to watchers: ``type`` PUT or DELETE, the new ``kv`` and the previous one."""

    type: EventType
    kv: KeyValue
    prev_kv: KeyValue | None

    @property
    def revision(self) -> int:
        """The revision of the change (``kv.mod_revision``, also for DELETE)."""
        return self.kv.mod_revision


_new_object = object.__new__


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    # The slot's member descriptor writes the field directly, bypassing the frozen __setattr__.
    setter: Callable[[Any, Any], None] = getattr(cls, name).__set__
    return setter


_set_key = _setter(KeyValue, "key")
_set_value = _setter(KeyValue, "value")
_set_create = _setter(KeyValue, "create_revision")
_set_mod = _setter(KeyValue, "mod_revision")
_set_version = _setter(KeyValue, "version")
_set_type = _setter(WatchEvent, "type")
_set_kv = _setter(WatchEvent, "kv")
_set_prev = _setter(WatchEvent, "prev_kv")


def new_kv(key: str, value: bytes, create_revision: int, mod_revision: int, version: int) -> KeyValue:
    """``KeyValue(...)`` without argument checks, for the store's hot path."""
    kv: KeyValue = _new_object(KeyValue)
    _set_key(kv, key)
    _set_value(kv, value)
    _set_create(kv, create_revision)
    _set_mod(kv, mod_revision)
    _set_version(kv, version)
    return kv


def new_event(type: EventType, kv: KeyValue, prev_kv: KeyValue | None) -> WatchEvent:
    """``WatchEvent(...)`` for the store's hot path."""
    ev: WatchEvent = _new_object(WatchEvent)
    _set_type(ev, type)
    _set_kv(ev, kv)
    _set_prev(ev, prev_kv)
    return ev
