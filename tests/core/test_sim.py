"""The simulation core: clock, loop ordering, RNG streams, UIDs."""

import uuid

import pytest

from labk8s._sim import EventLoop, Priority, Rng, UidGenerator, format_rfc3339, format_rfc3339_micro
from labk8s._sim.clock import parse_rfc3339


def test_time_zero_is_2026() -> None:
    assert format_rfc3339(0) == "2026-01-01T00:00:00Z"
    assert format_rfc3339(61_999) == "2026-01-01T00:01:01Z"
    assert format_rfc3339_micro(1_500) == "2026-01-01T00:00:01.500000Z"
    assert parse_rfc3339("2026-01-01T00:01:01Z") == 61_000


def test_loop_orders_by_time_priority_sequence() -> None:
    loop = EventLoop()
    seen: list[str] = []
    loop.call_at(10, lambda: seen.append("b-normal"), "b")
    loop.call_at(10, lambda: seen.append("a-urgent"), "a", Priority.URGENT)
    loop.call_at(5, lambda: seen.append("first"), "first", Priority.LOW)
    loop.call_at(10, lambda: seen.append("c-normal"), "c")
    loop.run_until_time(100)
    assert seen == ["first", "a-urgent", "b-normal", "c-normal"]
    assert loop.now_ms == 100
    assert [r.label for r in loop.trace.records()] == ["first", "a", "b", "c"]


def test_cancelled_events_are_skipped_and_errors_propagate() -> None:
    loop = EventLoop()
    ev = loop.call_later(1, lambda: (_ for _ in ()).throw(RuntimeError("boom")), "never")
    ev.cancel()
    assert loop.step() is None
    loop.call_later(1, lambda: 1 / 0, "divide")
    with pytest.raises(ZeroDivisionError) as info:
        loop.step()
    assert any("divide" in n for n in info.value.__notes__)


def test_negative_delay_rejected() -> None:
    with pytest.raises(ValueError):
        EventLoop().call_later(-1, lambda: None)


def test_rng_child_streams_are_independent() -> None:
    a = Rng(7)
    first = a.child("scheduler").randint(0, 10**9)
    b = Rng(7)
    b.child("kubelet").randint(0, 10**9)  # drawing elsewhere shifts nothing
    assert b.child("scheduler").randint(0, 10**9) == first
    assert Rng(8).child("scheduler").randint(0, 10**9) != first


def test_uids_are_v4_shaped_and_deterministic() -> None:
    u1 = UidGenerator(Rng(0).child("uid"))
    u2 = UidGenerator(Rng(0).child("uid"))
    values = [u1.new() for _ in range(5)]
    assert values == [u2.new() for _ in range(5)]
    assert all(uuid.UUID(v).version == 4 for v in values)
    assert len(set(values)) == 5
