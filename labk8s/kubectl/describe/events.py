"""The ``Events:`` table (DescribeEvents) and the event search kubectl runs for an object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe._timefmt import parse_time, sort_key, translate_timestamp_since
from labk8s.kubectl.describe.common import Lookup, Obj, g, safe_list
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, PrefixWriter


def event_field_selector(name: str, namespace: str, kind: str | None, uid: str | None) -> str:
    """``events.GetFieldSelector``: name and namespace always, kind and uid when non-empty.

    kubectl builds the selector from a map (random order in Go); labk8s sorts the terms.
    """
    terms = {"involvedObject.name": name, "involvedObject.namespace": namespace}
    if kind:
        terms["involvedObject.kind"] = kind
    if uid:
        terms["involvedObject.uid"] = uid
    return ",".join(f"{k}={terms[k]}" for k in sorted(terms))


def search_events(
    lookup: Lookup, name: str, namespace: str, kind: str | None, uid: str | None
) -> list[Obj]:
    """searchEvents: core/v1 events in the object's namespace (all namespaces when cluster-scoped)."""
    selector = event_field_selector(name, namespace, kind, uid)
    return safe_list(lookup, "events", "", namespace or None, field_selector=selector)


def search_events_for(lookup: Lookup, obj: Mapping[str, Any]) -> list[Obj]:
    """searchEvents(objOrRef) for an object whose reference carries its kind."""
    return search_events(
        lookup,
        str(g(obj, "metadata", "name", default="")),
        str(g(obj, "metadata", "namespace", default="")),
        str(obj.get("kind") or ""),
        str(g(obj, "metadata", "uid", default="")),
    )


def _event_time(event: Mapping[str, Any]) -> tuple[int, int]:
    """eventTime() of kubectl's SortableEvents: series last observed, else last, else event time."""
    series = event.get("series")
    if series:
        return sort_key(series.get("lastObservedTime"))
    if parse_time(event.get("lastTimestamp")) is not None:
        return sort_key(event.get("lastTimestamp"))
    return sort_key(event.get("eventTime"))


def event_interval(event: Mapping[str, Any], now_ms: int) -> str:
    """The Age cell: ``12m (x3 over 20m)`` for repeated events, else the first-seen age."""
    first = translate_timestamp_since(event.get("eventTime"), now_ms)
    if parse_time(event.get("eventTime")) is None:
        first = translate_timestamp_since(event.get("firstTimestamp"), now_ms)
    series = event.get("series")
    if series:
        last = translate_timestamp_since(series.get("lastObservedTime"), now_ms)
        return f"{last} (x{int(series.get('count') or 0)} over {first})"
    count = int(event.get("count") or 0)
    if count > 1:
        last = translate_timestamp_since(event.get("lastTimestamp"), now_ms)
        return f"{last} (x{count} over {first})"
    return first


def describe_events(events: Sequence[Mapping[str, Any]], w: PrefixWriter, now_ms: int) -> None:
    """DescribeEvents."""
    if not events:
        w.write(LEVEL_0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = list(events)
    go_sort(ordered, lambda a, b: _event_time(a) < _event_time(b))
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n")
    for event in ordered:
        source = g(event, "source", "component", default="") or str(event.get("reportingComponent") or "")
        message = str(event.get("message") or "").strip()
        field_path = g(event, "involvedObject", "fieldPath", default="")
        if field_path:
            message = f"{field_path}: {message}"
        w.write(
            LEVEL_1,
            f"{event.get('type') or ''}\t{event.get('reason') or ''}\t{event_interval(event, now_ms)}\t"
            f"{source}\t{message}\n",
        )
