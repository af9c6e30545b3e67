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


def test_fresh_cluster_leaves_no_409_in_the_audit_log() -> None:
    c = Cluster(nodes=2, seed=0)
    c.run(5)
    conflicts = [r for r in c.api.audit.records() if r.code == 409]
    assert conflicts == []
    # the kubelet's node events and the node controller's RegisteredNode share one millisecond and one
    # object name: consecutive nanoseconds, so each Event has its own name at the first try
    names = sorted(e["metadata"]["name"] for e in c.events() if e["involvedObject"]["name"] == "node-1")
    assert len(names) == len(set(names)) == 6
    assert [int(n.split(".")[1], 16) - int(names[0].split(".")[1], 16) for n in names] == [0, 1, 2, 3, 4, 5]


def test_event_names_in_one_millisecond_are_unique_across_recorders() -> None:
    c = Cluster(nodes=0, seed=0)
    obj = c.create(cm("x"))
    first, second = EventRecorder(Client(c.api, "a"), "a"), EventRecorder(Client(c.api, "b"), "b")
    first.event(obj, "Normal", "One", "one")
    second.event(obj, "Normal", "Two", "two")
    first.event(obj, "Normal", "Three", "three")
    names = [e["metadata"]["name"] for e in c.events() if e["involvedObject"]["name"] == "x"]
    base = int(names[0].split(".")[1], 16)
    assert sorted(int(n.split(".")[1], 16) - base for n in names) == [0, 1, 2]
    assert not [r for r in c.api.audit.records() if r.code == 409]
    c.run(0.001)  # the next millisecond starts again at its own nanosecond 0
    first.event(obj, "Normal", "Four", "four")
    newest = max(int(e["metadata"]["name"].split(".")[1], 16) for e in c.events())
    assert newest == base + 1_000_000


def test_event_recorder_retries_a_name_taken_by_someone_else() -> None:
    c = Cluster(nodes=0, seed=0)
    obj = c.create(cm("y"))
    rec = EventRecorder(Client(c.api, "ctrl"), "ctrl")
    rec.event(obj, "Normal", "First", "first")
    taken = next(e["metadata"]["name"] for e in c.events() if e["reason"] == "First")
    nanos = int(taken.split(".")[1], 16)
    c.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"y.{nanos + 1:x}"},
              "involvedObject": {"kind": "ConfigMap", "name": "y", "namespace": "default"}, "reason": "Manual",
              "message": "made by hand", "type": "Normal"})
    rec.event(obj, "Normal", "Second", "second")  # its name would be y.<nanos+1>: 409, then the next one
    second = next(e for e in c.events() if e["reason"] == "Second")
    assert second["metadata"]["name"] == f"y.{nanos + 2:x}"
    assert [r.code for r in c.api.audit.records() if r.verb == "create" and r.resource == "events"][-2:] == [409, 201]


def test_identical_events_for_two_containers_of_one_pod_stay_separate() -> None:
    c = Cluster(nodes=0, seed=0)
    rec = EventRecorder(Client(c.api, "kubelet"), "kubelet", host="node-1")
    obj = c.create(cm("p"))
    for _ in range(2):
        rec.event(obj, "Normal", "Pulled", "Container image already present", field_path="spec.containers{a}")
    rec.event(obj, "Normal", "Pulled", "Container image already present", field_path="spec.containers{b}")
    events = sorted((e["involvedObject"]["fieldPath"], e["count"]) for e in c.events() if e["reason"] == "Pulled")
    assert events == [("spec.containers{a}", 2), ("spec.containers{b}", 1)]


def test_similar_events_aggregate_within_ten_minutes_of_the_last_one() -> None:
    # EventAggregator: the 10-minute window runs from the last similar event, not the first
    c = Cluster(nodes=0, seed=0)
    rec = EventRecorder(Client(c.api, "ctrl"), "ctrl")
    obj = c.create(cm("z"))
    for i in range(10):
        rec.event(obj, "Warning", "Probe", f"failure {i}")
        c.run(300)  # 5 minutes apart: 45 minutes from the first to the tenth
    events = [e for e in c.events() if e["reason"] == "Probe"]
    assert [e["message"] for e in events][-1] == "(combined from similar events): failure 9"
    assert len(events) == 10
