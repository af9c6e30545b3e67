"""Informers, the work queue on virtual time, and the event recorder's aggregation."""

from __future__ import annotations

from labk8s import Cluster
from labk8s._sim import EventLoop
from labk8s.client.client import Client
from labk8s.client.informer import Informer
from labk8s.client.record import EventRecorder
from labk8s.client.workqueue import WorkQueue


def cm(name: str, **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}}


def test_informer_lists_then_watches_and_calls_handlers_in_order() -> None:
    c = Cluster(nodes=0, seed=0)
    c.create(cm("before"))
    client = Client(c.api, "test-controller")
    inf = Informer(client, c.api.registry.resolve("cm"), namespace="default")
    seen: list[str] = []
    inf.add_event_handler(lambda o: seen.append(f"add {o['metadata']['name']}"),
                          lambda old, new: seen.append(f"update {new['metadata']['name']}"),
                          lambda o: seen.append(f"delete {o['metadata']['name']}"))
    inf.start()
    assert not inf.has_synced
    c.create(cm("after"))
    c.patch("cm", "after", {"data": {"k": "v"}})
    c.delete("cm", "before")
    c.run(0.001)
    assert inf.has_synced
    assert seen == ["add before", "add after", "update after", "delete before"]
    assert inf.keys() == ["default/after"]
    assert inf.get("default", "after")["data"] == {"k": "v"}


def test_informer_label_selector_and_index() -> None:
    c = Cluster(nodes=0, seed=0)
    client = Client(c.api, "test")
    inf = Informer(client, c.api.registry.resolve("cm"), label_selector="app=web")
    inf.add_indexer("tier", lambda o: [o["metadata"].get("labels", {}).get("tier", "")])
    inf.start()
    c.create(cm("a", app="web", tier="fe"))
    c.create(cm("b", app="db", tier="be"))
    c.create(cm("c", app="web", tier="be"))
    c.run(0.001)
    assert inf.keys() == ["default/a", "default/c"]
    assert [o["metadata"]["name"] for o in inf.by_index("tier", "be")] == ["c"]
    c.patch("cm", "c", {"metadata": {"labels": {"app": "db"}}})  # leaves the selector: DELETED
    c.run(0.001)
    assert inf.keys() == ["default/a"] and inf.by_index("tier", "be") == []


def test_workqueue_dedupes_and_never_runs_a_key_twice_at_once() -> None:
    loop = EventLoop()
    processed: list[tuple[int, str]] = []
    q: WorkQueue

    def handler(key: str) -> None:
        processed.append((loop.now_ms, key))
        if key == "a" and len(processed) == 1:
            q.add("a")  # re-added while processing: runs once more afterwards

    q = WorkQueue(loop, "test", handler)
    q.add("a")
    q.add("a")
    q.add("b")
    loop.run_until_time(0)
    assert processed == [(0, "a"), (0, "b"), (0, "a")]


def test_workqueue_rate_limited_backoff_and_add_after() -> None:
    loop = EventLoop()
    times: list[int] = []
    q = WorkQueue(loop, "test", lambda key: times.append(loop.now_ms))
    for _ in range(4):
        q.add_rate_limited("k")
    loop.run_until_time(1_000)
    # 5ms doubling per failure; the same key waiting is deduplicated while it waits.
    assert times == [5, 10, 20, 40]
    assert q.num_requeues("k") == 4
    q.forget("k")
    q.add_after("k", 250)
    loop.run_until_time(2_000)
    assert times[-1] == 1_250


def test_event_recorder_aggregates_identical_events() -> None:
    c = Cluster(nodes=0, seed=0)
    client = Client(c.api, "kubelet")
    rec = EventRecorder(client, "kubelet", host="node-1")
    obj = c.create(cm("x"))
    rec.event(obj, "Warning", "BackOff", "Back-off restarting failed container")
    c.run(10)
    rec.event(obj, "Warning", "BackOff", "Back-off restarting failed container")
    events = [e for e in c.events() if e["reason"] == "BackOff"]
    assert len(events) == 1
    e = events[0]
    assert e["count"] == 2
    assert e["firstTimestamp"] == "2026-01-01T00:00:00Z" and e["lastTimestamp"] == "2026-01-01T00:00:10Z"
    assert e["involvedObject"]["name"] == "x" and e["source"] == {"component": "kubelet", "host": "node-1"}
    assert e["metadata"]["name"].startswith("x.")


def test_event_recorder_combines_similar_events() -> None:
    c = Cluster(nodes=0, seed=0)
    rec = EventRecorder(Client(c.api, "ctrl"), "ctrl")
    obj = c.create(cm("y"))
    for i in range(12):
        rec.event(obj, "Normal", "Tick", f"tick {i}")
    events = [e for e in c.events() if e["reason"] == "Tick"]
    combined = [e for e in events if e["message"].startswith("(combined from similar events): ")]
    assert len(events) == 10 and len(combined) == 1
    assert combined[0]["count"] == 3 and combined[0]["message"] == "(combined from similar events): tick 11"


def test_watch_list_initial_events_end_with_a_bookmark() -> None:
    c = Cluster(nodes=0, seed=0)
    c.create(cm("a"))
    got: list[tuple[str, str]] = []
    c.api.watch(c.api.registry.resolve("cm"), "default",
                lambda evs: got.extend((t, o["metadata"].get("annotations", {}).get(
                    "k8s.io/initial-events-end", o["metadata"].get("name", ""))) for t, o in evs),
                send_initial_events=True)
    c.run(0.001)
    assert got[0] == ("ADDED", "a") and got[-1] == ("BOOKMARK", "true")
