"""The scheduling queue: ordering, backoff, requeueing on cluster events, gates, leftovers."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s._sim import EventLoop
from labk8s.scheduler.framework.events import (
    EVENT_ASSIGNED_POD_DELETE,
    EVENT_NODE_ADD,
    ActionType,
    ClusterEvent,
)
from labk8s.scheduler.queue import PriorityQueue

from .helpers import build, make_node, make_pod

Obj = dict[str, Any]


def make_queue(loop: EventLoop | None = None) -> tuple[PriorityQueue, EventLoop, dict[str, Obj]]:
    fw, _ = build([make_node("n1", 1000, 1000)])
    loop = loop or EventLoop()
    pods: dict[str, Obj] = {}
    q = PriorityQueue(fw, loop, lambda ns, name: pods.get(f"{ns}/{name}"))
    return q, loop, pods


def add(q: PriorityQueue, pods: dict[str, Obj], pod: Obj) -> Obj:
    pods[f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"] = pod
    q.add(pod)
    return pod


def fail(q: PriorityQueue, plugins: set[str]) -> Any:
    qpi = q.pop()
    assert qpi is not None
    qpi.unschedulable_plugins = set(plugins)
    q.add_unschedulable_if_not_present(qpi, q.scheduling_cycle)
    return qpi


@pytest.mark.parametrize(("count", "ms"), [(1, 1000), (2, 2000), (3, 4000), (4, 8000), (5, 10000), (6, 10000),
                                           (20, 10000)])
def test_backoff_duration(count: int, ms: int) -> None:
    q, _, _ = make_queue()
    assert q.backoff_duration(count) == ms


def test_active_queue_orders_by_priority_then_arrival() -> None:
    q, loop, pods = make_queue()
    add(q, pods, make_pod("low", priority=1))
    add(q, pods, make_pod("high", priority=10))
    add(q, pods, make_pod("low2", priority=1))
    assert [q.pop().pod_info.name for _ in range(3)] == ["high", "low", "low2"]  # type: ignore[union-attr]


def test_rejected_pod_waits_for_an_event_its_plugin_registered() -> None:
    q, loop, pods = make_queue()
    add(q, pods, make_pod("p", {"cpu": "1"}))
    qpi = fail(q, {"NodeResourcesFit"})
    assert q.where(qpi.key) == "Unschedulable"
    # A node update that is not an allocatable change does not interest NodeResourcesFit.
    q.move_all_to_active_or_backoff(ClusterEvent("Node", ActionType.UPDATE_NODE_LABEL), make_node("n1"),
                                    make_node("n1", labels={"a": "b"}))
    assert q.where(qpi.key) == "Unschedulable"
    # A node too small for the pod: the hint says QueueSkip.
    q.move_all_to_active_or_backoff(EVENT_NODE_ADD, None, make_node("tiny", 500, 10**9))
    assert q.where(qpi.key) == "Unschedulable"
    # A node that fits: back to the backoffQ (1 s backoff), poppable at once since activeQ is empty.
    q.move_all_to_active_or_backoff(EVENT_NODE_ADD, None, make_node("big", 4000, 10**9))
    assert q.where(qpi.key) == "Backoff"
    assert q.pop() is qpi and qpi.attempts == 2


def test_deleted_unscheduled_pod_does_not_requeue() -> None:
    q, loop, pods = make_queue()
    add(q, pods, make_pod("p", {"cpu": "1"}))
    qpi = fail(q, {"NodeResourcesFit"})
    q.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, make_pod("other", {"cpu": "1"}), None)
    assert q.where(qpi.key) == "Unschedulable"
    q.move_all_to_active_or_backoff(EVENT_ASSIGNED_POD_DELETE, make_pod("other", {"cpu": "1"}, node="n1"), None)
    assert q.where(qpi.key) == "Backoff"


def test_backoff_flushes_on_window_boundaries() -> None:
    loop = EventLoop()
    q, loop, pods = make_queue(loop)
    q.pop_from_backoff_q = False  # observe the backoffQ flush on its own
    add(q, pods, make_pod("p"))
    loop.run_until_time(100)
    qpi = fail(q, set())  # an error: error backoffQ, backoff 1 s from t=100 -> window [1000, 2000)
    assert q.where(qpi.key) == "Backoff"
    loop.run_until_time(1999)
    assert q.where(qpi.key) == "Backoff"
    loop.run_until_time(2000)
    assert q.where(qpi.key) == "Active"


def test_gated_pod_waits_until_gates_are_removed() -> None:
    q, loop, pods = make_queue()
    gated = add(q, pods, make_pod("g", schedulingGates=[{"name": "example.com/a"}, {"name": "example.com/b"}]))
    assert q.where("default/g") == "Unschedulable"
    qpi = q.get("default/g")
    assert qpi is not None and qpi.gating_plugin == "SchedulingGates"
    assert q.pop() is None
    fewer = {**gated, "metadata": {**gated["metadata"], "resourceVersion": "2"},
             "spec": {**gated["spec"], "schedulingGates": [{"name": "example.com/b"}]}}
    q.update(gated, fewer)
    assert q.where("default/g") == "Unschedulable"
    ungated = {**fewer, "spec": {**fewer["spec"], "schedulingGates": []}}
    q.update(fewer, ungated)
    assert q.where("default/g") == "Active"


def test_unschedulable_leftovers_move_after_five_minutes() -> None:
    q, loop, pods = make_queue()
    add(q, pods, make_pod("p", {"cpu": "1"}))
    qpi = fail(q, {"NodeResourcesFit"})
    loop.run_until_time(300_000)
    assert q.where(qpi.key) == "Unschedulable"  # not more than 5 minutes yet at the 300 s flush
    loop.run_until_time(330_000)  # the next 30 s flush
    assert q.where(qpi.key) in ("Backoff", "Active")


def test_event_while_in_flight_requeues_the_failed_pod() -> None:
    q, loop, pods = make_queue()
    add(q, pods, make_pod("p", {"cpu": "1"}))
    qpi = q.pop()
    assert qpi is not None
    q.move_all_to_active_or_backoff(EVENT_NODE_ADD, None, make_node("big", 4000, 10**9))
    qpi.unschedulable_plugins = {"NodeResourcesFit"}
    q.add_unschedulable_if_not_present(qpi, q.scheduling_cycle)
    assert q.where(qpi.key) == "Backoff"
    assert q._events == {}  # pruned once no pod is in flight


def test_delete_removes_from_every_queue() -> None:
    q, loop, pods = make_queue()
    p = add(q, pods, make_pod("p"))
    q.delete(p)
    assert q.pop() is None and len(q) == 0
