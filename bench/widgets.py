"""How long a Step click takes to re-render the views, for a 10-node, 100-pod cluster.

    .venv/bin/python bench/widgets.py [--clicks 40]

Pods are created with spec.nodeName, so no scheduler is needed. Before each measured click the
benchmark creates one more pod (bound to a node) through the API, so that every view has something new
to draw (the worst case of a Step); the click processes one event, and the views redraw what changed. It prints the median, 95th percentile and
maximum wall time of a click (button.click() -> Stepper.step -> every view's refresh), per set of
views, and the time each view spends redrawing. Target (issue 4): a click under 100 ms (95th percentile),
for every set. GraphView draws inline SVG; the matplotlib PNG it could draw instead is timed for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labk8s import Cluster  # noqa: E402
from labk8s.widgets import (  # noqa: E402
    ClusterView,
    EventLog,
    GraphView,
    ObjectInspector,
    SchedulerExplain,
    Stepper,
    TimelineView,
    View,
)

NODES = 10
PODS = 100
TARGET_MS = 100.0


def scenario(seed: int) -> Cluster:
    c = Cluster(nodes=NODES, seed=seed)
    for i in range(PODS):
        c.create({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": f"web-{i:03d}", "namespace": "default", "labels": {"app": "web"}},
                  "spec": {"nodeName": f"node-{i % NODES + 1}",
                           "containers": [{"name": "web", "image": "nginx:1.27",
                                           "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}})
    c.run(1)  # settle the start-up events (informers' initial lists)
    return c


def add_pod(c: Cluster, i: int) -> None:
    """A change every view shows: one more pod, bound to a node."""
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"extra-{i:03d}", "namespace": "default"},
              "spec": {"nodeName": f"node-{i % NODES + 1}",
                       "containers": [{"name": "c", "image": "busybox", "resources": {"requests": {"cpu": "10m"}}}]}})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed_views(views: list[View]) -> dict[str, list[float]]:
    """Wrap each view's render() to record its wall time (ms)."""
    spent: dict[str, list[float]] = {}
    for v in views:
        name = f"{type(v).__name__}" + (f"({v.name})" if isinstance(v, GraphView) else "")
        spent[name] = []
        original: Callable[[], None] = v.render

        def render(original: Callable[[], None] = original, bucket: list[float] = spent[name]) -> None:
            t0 = time.perf_counter()
            original()
            bucket.append((time.perf_counter() - t0) * 1000)

        v.render = render  # type: ignore[method-assign]
    return spent


def measure(label: str, make_views: Callable[[Stepper], list[View]], clicks: int) -> float:
    stepper = Stepper(scenario, seed=0)
    views = make_views(stepper)
    spent = timed_views(views)
    c = stepper.cluster
    for _ in range(3):  # warm up (imports, caches)
        stepper.step_button.click()
    for bucket in spent.values():
        bucket.clear()
    times: list[float] = []
    for i in range(clicks):
        add_pod(c, i)
        t0 = time.perf_counter()
        stepper.step_button.click()
        times.append((time.perf_counter() - t0) * 1000)
    med, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
    verdict = "PASS" if p95 < TARGET_MS else "FAIL"
    print(f"{label}: click median {med:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms "
          f"over {clicks} clicks -> {verdict} (target p95 < {TARGET_MS:.0f} ms)")
    for name, bucket in spent.items():
        if bucket:
            print(f"    {name:28} redraws {len(bucket):3}  median {statistics.median(bucket):6.1f} ms  "
                  f"max {max(bucket):6.1f} ms")
    stepper.close()
    return p95


def png_reference(clicks: int) -> None:
    """What a GraphView redraw cost as a matplotlib PNG (GraphView(draw=...), viz.draw_*): for comparison."""
    stepper = Stepper(scenario, seed=0)
    for name in ("topology", "talks"):
        view = GraphView(stepper, name)
        view.png()  # warm up (fonts)
        times = []
        for _ in range(clicks):
            t0 = time.perf_counter()
            view.png()
            times.append((time.perf_counter() - t0) * 1000)
        print(f"    for comparison, GraphView({name}) as a matplotlib PNG: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms per redraw")
        view.close()
    stepper.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=40)
    args = parser.parse_args()
    print(f"labk8s widgets bench: {NODES} worker nodes + control-plane, {PODS} pods bound with spec.nodeName")
    p95s = [
        measure("dashboard (Stepper, ClusterView, EventLog, TimelineView, ObjectInspector, SchedulerExplain)",
                lambda s: [ClusterView(s), EventLog(s), TimelineView(s), ObjectInspector(s), SchedulerExplain(s)],
                args.clicks),
        measure("dashboard + GraphView(topology) (inline SVG per change)",
                lambda s: [ClusterView(s), EventLog(s), TimelineView(s), ObjectInspector(s), SchedulerExplain(s),
                           GraphView(s, "topology")], args.clicks),
        measure("dashboard + every GraphView (topology, ownership, services, talks)",
                lambda s: [ClusterView(s), EventLog(s), TimelineView(s), ObjectInspector(s), SchedulerExplain(s),
                           *(GraphView(s, g) for g in ("topology", "ownership", "services", "talks"))],
                args.clicks),
        measure("GraphView(topology) alone", lambda s: [GraphView(s, "topology")], args.clicks),
        measure("GraphView(talks) alone", lambda s: [GraphView(s, "talks")], args.clicks),
    ]
    png_reference(max(5, args.clicks // 8))
    return 0 if max(p95s) < TARGET_MS else 1

if __name__ == "__main__":
    sys.exit(main())
